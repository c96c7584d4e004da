package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/internal/buildinfo"
)

func fakeWasmDir(t *testing.T) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, WasmFile), []byte("\x00asm\x01\x00\x00\x00 engine"), 0o644)
	os.WriteFile(filepath.Join(dir, WasmExecFile), []byte("// wasm_exec.js\n"), 0o644)
	return dir
}

type workerBuildDoc struct {
	Cache  string            `json:"cache"`
	Assets map[string]string `json:"assets"`
}

// readWorkerBuild reads back the BUILD that Files wrote into the service worker.
func readWorkerBuild(t *testing.T, files map[string][]byte) workerBuildDoc {
	t.Helper()
	m := regexp.MustCompile(`(?m)^const BUILD = (\{.*\});`).FindSubmatch(files[ServiceWorker])
	if m == nil {
		t.Fatalf("%s has no BUILD line:\n%s", ServiceWorker, files[ServiceWorker])
	}
	var b workerBuildDoc
	if err := json.Unmarshal(m[1], &b); err != nil {
		t.Fatalf("BUILD: %v", err)
	}
	return b
}

func TestFiles(t *testing.T) {
	info := buildinfo.Info{Version: "v1.2.3", Commit: "8695a2b359f014280bd7bf88b51e5d1192a61b65"}
	files, err := Files(fakeWasmDir(t), info)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "app.js", "worker.js", "footer.js", "style.css", WasmFile, WasmExecFile,
		ServiceWorker, "manifest.webmanifest", "icon.svg", "version.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("the site lacks %s", name)
		}
	}

	// The page links the manifest and names the service worker; every URL it holds is relative, so that the site
	// works under a sub-path.
	page := string(files["index.html"])
	for _, want := range []string{`<link rel="manifest" href="manifest.webmanifest">`, `<meta name="mobisess-service-worker" content="sw.js">`} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".js") && !strings.HasSuffix(name, ".css") {
			continue
		}
		if m := regexp.MustCompile(`(?:src|href)="/[^"]*"|fetch\('/|url\(/|from '/`).FindString(string(data)); m != "" && name != "transport.js" {
			t.Errorf("%s holds an absolute URL: %s", name, m)
		}
	}

	var v buildinfo.Info
	if err := json.Unmarshal(files["version.json"], &v); err != nil || v != info {
		t.Errorf("version.json = %s (%v), want %+v", files["version.json"], err, info)
	}

	// The service worker lists every file but itself, each with its hash.
	b := readWorkerBuild(t, files)
	if !regexp.MustCompile(`^mobisess-[0-9a-f]{16}$`).MatchString(b.Cache) {
		t.Errorf("cache name %q", b.Cache)
	}
	for name, data := range files {
		integrity, ok := b.Assets[name]
		switch {
		case name == ServiceWorker || name == ".nojekyll":
			if ok {
				t.Errorf("the service worker caches %s", name)
			}
		case !ok:
			t.Errorf("the service worker does not cache %s", name)
		default:
			sum := sha256.Sum256(data)
			if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); integrity != want {
				t.Errorf("%s: integrity %s, want %s", name, integrity, want)
			}
		}
	}

	// The manifest's icons are there, at their sizes.
	var manifest struct {
		StartURL string `json:"start_url"`
		Scope    string `json:"scope"`
		Icons    []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal(files["manifest.webmanifest"], &manifest); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if manifest.StartURL != "./" || manifest.Scope != "./" {
		t.Errorf("the manifest's start_url %q and scope %q are not the site's folder", manifest.StartURL, manifest.Scope)
	}
	for _, icon := range manifest.Icons {
		data, ok := files[icon.Src]
		if !ok {
			t.Errorf("the manifest names %s, which the site lacks", icon.Src)
			continue
		}
		if icon.Type != "image/png" {
			continue
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", icon.Src, err)
			continue
		}
		if got := img.Bounds().Dx(); icon.Sizes != fmt.Sprintf("%dx%d", got, img.Bounds().Dy()) {
			t.Errorf("%s is %dpx, the manifest says %s", icon.Src, got, icon.Sizes)
		}
	}
}

// A change to any file, even version.json alone, names a new cache: that is how a browser picks up a new version.
func TestCacheFollowsContent(t *testing.T) {
	wasm := fakeWasmDir(t)
	a, err := Files(wasm, buildinfo.Info{Version: "v1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Files(wasm, buildinfo.Info{Version: "v1.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Files(wasm, buildinfo.Info{Version: "v1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	ca, cb, cagain := readWorkerBuild(t, a).Cache, readWorkerBuild(t, b).Cache, readWorkerBuild(t, again).Cache
	if ca == cb {
		t.Errorf("two versions share the cache %s", ca)
	}
	if ca != cagain {
		t.Errorf("the same files give two caches: %s, %s", ca, cagain)
	}
	if !bytes.Equal(a[WasmFile], b[WasmFile]) || readWorkerBuild(t, a).Assets[WasmFile] != readWorkerBuild(t, b).Assets[WasmFile] {
		t.Error("an unchanged wasm must keep its hash, so that the worker reuses it")
	}
}

// Build replaces the folder: nothing of an earlier site is left.
func TestBuildReplaces(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "stale.js"), []byte("old"), 0o644)
	if err := Build(out, fakeWasmDir(t), buildinfo.Info{Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "stale.js")); !os.IsNotExist(err) {
		t.Errorf("stale.js survived: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("Build left more than the site beside it: %v", entries)
	}
	if err := Build(out, t.TempDir(), buildinfo.Info{Version: "v2"}); err == nil || !strings.Contains(err.Error(), "make wasm") {
		t.Errorf("without the engine: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Errorf("a failed build must leave the previous site: %v", err)
	}
}
