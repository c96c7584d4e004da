//go:build unix

package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mobisess/mobisess/core"
)

// bigZip writes a zip of n sessions of about 100 KB each (a blob in their parameters), so that fix --out has a
// zip of some size to write.
func bigZip(t *testing.T, n int) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	rng := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 50<<10)
	for i := range n {
		id := fmt.Sprintf("%040x", i+1)
		token := core.EncodeToken(core.Token{AppNameID: "com.a", ID: id, TeamID: "TEAM000000"})
		w, err := zw.Create("MobileApps/TEAM000000.com.a/" + id)
		if err != nil {
			t.Fatal(err)
		}
		for j := range blob {
			blob[j] = byte(rng.Uint32())
		}
		fmt.Fprintf(w, `{"application":{"id":"com.a"},"team":{"id":"TEAM000000"},"parameters":{"blob":"%x"},"session":{"id":"%s"},"status":"accepted","token":"%s"}`, blob, id, token)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "big.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// whileWriting starts fix ZIP --out OUT and sends sig once the zip is being written (its temporary file is
// there), or once the process is done; it returns the exit status.
func whileWriting(t *testing.T, zipPath, out string, sig syscall.Signal) int {
	t.Helper()
	cmd := exec.Command("mobisess", "fix", zipPath, "--out", out)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	for writing := false; !writing; {
		select {
		case <-exited:
			return cmd.ProcessState.ExitCode()
		case <-time.After(time.Millisecond):
		}
		matches, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*.tmp-*"))
		writing = len(matches) > 0
	}
	cmd.Process.Signal(sig)
	<-exited
	return cmd.ProcessState.ExitCode()
}

// fix ZIP --out NEW.zip stopped while it writes: SIGTERM is taken as SIGINT (the write completes, or nothing is
// written), and even SIGKILL leaves no NEW.zip that is not whole, nothing that blocks the next run, and no
// temporary file after it.
func TestFixOutStopped(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a zip of 30 MB a few times")
	}
	src := bigZip(t, 150)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "new.zip")
			code := whileWriting(t, src, out, sig)
			entries, _ := os.ReadDir(dir)
			if _, err := os.Stat(out); err == nil {
				// There only when whole.
				if res, err := exec.Command("mobisess", "check", out).CombinedOutput(); err != nil {
					t.Fatalf("%s left a new.zip that does not check (exit %d): %s", sig, code, lastLine(res))
				}
			}
			if sig == syscall.SIGTERM && len(entries) > 1 {
				t.Errorf("after SIGTERM the folder holds %v", entries)
			}
			os.Remove(out)
			if res, err := exec.Command("mobisess", "fix", src, "--out", out).CombinedOutput(); err != nil {
				t.Fatalf("the next run: %v: %s", err, lastLine(res))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("after the next run the folder holds %v: what the stopped run left is still there", entries)
			}
		})
	}
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
