package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/internal/buildinfo"
)

// The page's footer reads version.json, in both modes.
func TestVersionJSON(t *testing.T) {
	dir, _ := fakeWasmDir(t)
	for _, cfg := range []Config{{WasmDir: dir}, {Dir: copySample(t)}} {
		ts := startServer(t, cfg)
		res, body := ts.send("GET", "/version.json", "", "Accept-Encoding", "identity")
		expect(t, res, body, 200, "")
		var got buildinfo.Info
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("version.json: %v: %s", err, body)
		}
		if got != buildinfo.Get() || got.Version == "" {
			t.Errorf("version.json = %+v, want %+v", got, buildinfo.Get())
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("version.json Content-Type %q", ct)
		}
	}
}

// Without -wasm-dir, a dev server with no engine built in looks in build/web and, from a folder without one,
// says how to get a console: make, -wasm-dir, a release, or server mode.
func TestNoEngineSaysHowToGetOne(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := NewServer(context.Background(), Config{})
	if embeddedEngine != nil {
		if err != nil {
			t.Fatalf("a dev server with the engine built in serves it from any folder: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatal("browser mode started without an engine")
	}
	for _, want := range []string{filepath.Join("build", "web", wasmFile), "make run", "-wasm-dir", releasesURL, "-dir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %q:\n%v", want, err)
		}
	}
	// An explicit -wasm-dir that lacks the files names it.
	missing := filepath.Join(t.TempDir(), "none")
	if _, err := NewServer(context.Background(), Config{WasmDir: missing}); err == nil || !strings.Contains(err.Error(), filepath.Join(missing, wasmFile)) {
		t.Errorf("-wasm-dir %s: %v", missing, err)
	}
}

func TestRunVersion(t *testing.T) {
	var stdout, stderr syncBuffer
	if code := run(context.Background(), []string{"-version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := "devserver " + buildinfo.Get().String() + "\n"; stdout.String() != want {
		t.Errorf("-version printed %q, want %q", stdout.String(), want)
	}
}
