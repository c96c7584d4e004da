//go:build !js && !wasip1

package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mobisess/mobisess/internal/buildinfo"
	"github.com/mobisess/mobisess/internal/dist"
)

// EnvDistDir names a folder holding this system's download and its SHA256SUMS (the Makefile passes
// build/dist-host after `make dist-host`); without it the download is built here, into build/e2e/dist.
const EnvDistDir = "MOBISESS_DIST_DIR"

// hostDownload is the archive of this system's download, built by `make dist` or here.
func hostDownload(t *testing.T) (archive string, sums []byte) {
	t.Helper()
	dir := os.Getenv(EnvDistDir)
	if dir == "" {
		dir = filepath.Join(repoRoot, "build", "e2e", "dist")
		err := dist.Build(dist.Options{Root: repoRoot, WasmDir: wasmDir, Out: dir, Version: "e2e", Commit: "0123456789abcdef0123456789abcdef01234567",
			Date: time.Now(), Targets: []dist.Target{{OS: runtime.GOOS, Arch: runtime.GOARCH}}})
		must(t, err, "building the download")
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join(repoRoot, dir)
	}
	suffix := fmt.Sprintf("_%s_%s.tar.gz", runtime.GOOS, runtime.GOARCH)
	matches, _ := filepath.Glob(filepath.Join(dir, "mobisess_*"+suffix))
	if len(matches) != 1 {
		t.Fatalf("%s: want one mobisess_*%s, found %v (make dist-host)", dir, suffix, matches)
	}
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	must(t, err, "reading SHA256SUMS")
	return matches[0], sums
}

// TestDist is this system's download as a user gets it: the archive checks against SHA256SUMS, holds the two
// commands stamped with its version, and its dev server, started from an empty folder with no flag, serves the
// console and its engine, which opens the sample in Chromium.
func TestDist(t *testing.T) {
	skipInShortMode(t)
	if runtime.GOOS == "windows" {
		t.Fatal("this test reads a .tar.gz; Windows' download is a .zip")
	}
	archive, sums := hostDownload(t)
	data, err := os.ReadFile(archive)
	must(t, err, "reading the archive")
	name := filepath.Base(archive)
	if want := fmt.Sprintf("%x  %s\n", sha256.Sum256(data), name); !bytes.Contains(sums, []byte(want)) {
		t.Errorf("SHA256SUMS lacks %q:\n%s", want, sums)
	}
	version := strings.TrimSuffix(strings.TrimPrefix(name, "mobisess_"), fmt.Sprintf("_%s_%s.tar.gz", runtime.GOOS, runtime.GOARCH))

	bin := t.TempDir()
	names := untar(t, data, bin)
	if want := []string{"README.md", "devserver", "mobisess"}; strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("the archive holds %v, want %v", names, want)
	}

	// Both commands say their version, the one the archive is named by.
	empty := t.TempDir()
	for _, c := range [][]string{{"mobisess", "version"}, {"devserver", "-version"}} {
		cmd := exec.Command(filepath.Join(bin, c[0]), c[1:]...)
		cmd.Dir = empty
		out, err := cmd.CombinedOutput()
		must(t, err, strings.Join(c, " ")+": "+string(out))
		if !strings.HasPrefix(string(out), c[0]+" "+version+" (commit ") {
			t.Errorf("%s prints %q, want %s %s (commit …)", strings.Join(c, " "), out, c[0], version)
		}
	}

	// The dev server from an empty folder: the page, the engine, version.json.
	url := startBinary(t, filepath.Join(bin, "devserver"), empty, "-addr", "127.0.0.1:0")
	page := httpGet(t, url)
	if !strings.Contains(string(page), `<meta name="mobisess-mode" content="browser">`) {
		t.Errorf("the page is not in browser mode:\n%s", page)
	}
	wasm := httpGet(t, url+"mobisess.wasm")
	want, err := os.ReadFile(filepath.Join(wasmDir, "mobisess.wasm"))
	must(t, err, "reading the wasm build")
	if !bytes.Equal(wasm, want) {
		t.Errorf("the dev server serves a wasm of %d bytes that is not the build's (%d bytes)", len(wasm), len(want))
	}
	if got := httpGet(t, url+"wasm_exec.js"); !bytes.Contains(got, []byte("Go")) {
		t.Errorf("wasm_exec.js: %.100s", got)
	}
	var info buildinfo.Info
	must(t, json.Unmarshal(httpGet(t, url+"version.json"), &info), "version.json")
	if info.Version != version {
		t.Errorf("version.json says %+v, want version %s", info, version)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("the dev server wrote into its folder: %v", entries)
	}

	// And the console opens on the sample in a browser, the footer naming the version.
	p := newPage(t)
	_, err = p.Goto(url)
	must(t, err, "opening "+url)
	waitLoaded(t, p, "sample")
	must(t, expect.Locator(byTestID(p, "session-row")).ToHaveCount(len(engineSample(t, "en").Disk.Sessions)), "the sample's sessions")
	must(t, expect.Locator(byTestID(p, "version")).ToHaveText("mobisess "+version), "the footer's version")
}

// untar writes a .tar.gz's regular files into dir, checks that the commands are executable, and returns the
// names, in order.
func untar(t *testing.T, data []byte, dir string) []string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	must(t, err, "gunzip")
	tr := tar.NewReader(gz)
	var names []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		must(t, err, "reading the tar")
		if hdr.Typeflag != tar.TypeReg || strings.ContainsAny(hdr.Name, `/\`) {
			t.Fatalf("unexpected entry %q (type %c)", hdr.Name, hdr.Typeflag)
		}
		if hdr.Name != "README.md" && hdr.Mode&0o111 == 0 {
			t.Errorf("%s is not executable (mode %o)", hdr.Name, hdr.Mode)
		}
		body, err := io.ReadAll(tr)
		must(t, err, "reading "+hdr.Name)
		must(t, os.WriteFile(filepath.Join(dir, hdr.Name), body, os.FileMode(hdr.Mode)), "writing "+hdr.Name)
		names = append(names, hdr.Name)
	}
	return names
}

// startBinary runs a dev server binary in dir and returns the address it prints; it is stopped when t ends.
func startBinary(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	out := newWatchedBuffer(`listening on (http://\S+)`)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	dieWithParent(cmd)
	must(t, cmd.Start(), "starting "+bin)
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		terminate(cmd.Process)
		select {
		case <-exited:
		case <-time.After(serverStop):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", bin, out.String())
		}
	})
	select {
	case url := <-out.match:
		return url
	case <-exited:
		t.Fatalf("%s exited before listening: %s", bin, out.String())
	case <-time.After(serverStart):
		t.Fatalf("%s did not print its address within %v: %s", bin, serverStart, out.String())
	}
	return ""
}

func httpGet(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	must(t, err, "GET "+url)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	must(t, err, "GET "+url)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, res.Status, body)
	}
	return body
}
