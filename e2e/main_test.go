//go:build !js && !wasip1

// Package e2e drives the mobisess console in Chromium: the page served by cmd/devserver, in browser mode (the
// engine as WebAssembly in a Web Worker, on the embedded sample or an uploaded zip) and in server mode (the
// engine native, over a real folder). Prerequisites come from e2e/setup.sh; a missing one fails the run.
package e2e

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/e2e/browser"
)

// EnvWasmDir names a folder that already holds mobisess.wasm and wasm_exec.js (the Makefile passes build/web
// after `make wasm`); without it the wasm is built here. A relative path is taken from the repository root,
// where make runs (go test runs the binary in e2e/).
const EnvWasmDir = "MOBISESS_WASM_DIR"

var (
	repoRoot     string // the module root
	devserverBin string // the dev server, built for this run
	wasmDir      string // mobisess.wasm + wasm_exec.js, for -wasm-dir
	artifactsDir string // screenshots of key states (e2e/artifacts, gitignored)
)

func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Short() { // with -short every browser run is skipped: nothing to build for it
		if err := prepare(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: e2e setup:", err)
			os.Exit(1)
		}
	}
	browser.Main(m)
}

// skipInShortMode skips a browser run under go test -short, for a quick run while working: these runs take most
// of the suite's time. make test and CI never pass -short.
func skipInShortMode(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser run: skipped with -short; make test runs it")
	}
}

// prepare builds the dev server and, unless EnvWasmDir names them, the engine's wasm build. The outputs go to
// build/e2e (gitignored, removed by `make clean`) rather than a fresh temporary folder: go build leaves an
// up-to-date output alone, which keeps a warm run from relinking both (seconds on a loaded machine), and no
// temporary folder is left behind, as browser.Main ends the process without returning.
func prepare() error {
	var err error
	if repoRoot, err = browser.RepoRoot(); err != nil {
		return err
	}
	cfg, err := browser.DefaultConfig()
	if err != nil {
		return err
	}
	artifactsDir = cfg.ArtifactsDir
	out := filepath.Join(repoRoot, "build", "e2e")
	if err := os.MkdirAll(filepath.Join(out, "web"), 0o755); err != nil {
		return err
	}
	devserverBin = filepath.Join(out, "devserver")
	if runtime.GOOS == "windows" {
		devserverBin += ".exe"
	}
	if err := goBuild(nil, "-o", devserverBin, "./cmd/devserver"); err != nil {
		return err
	}

	if dir := os.Getenv(EnvWasmDir); dir != "" {
		wasmDir = dir
		if !filepath.IsAbs(wasmDir) {
			wasmDir = filepath.Join(repoRoot, wasmDir)
		}
		for _, name := range []string{"mobisess.wasm", "wasm_exec.js"} {
			if _, err := os.Stat(filepath.Join(wasmDir, name)); err != nil {
				return fmt.Errorf("%s=%s: %w (run `make wasm` first)", EnvWasmDir, dir, err)
			}
		}
		return nil
	}
	// The same flags as the Makefile's wasm target: different flags would double the cold compile.
	wasmDir = filepath.Join(out, "web")
	if err := goBuild([]string{"GOOS=js", "GOARCH=wasm"}, "-ldflags=-s -w", "-o", filepath.Join(wasmDir, "mobisess.wasm"), "./wasm"); err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	wasmExec, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return fmt.Errorf("wasm_exec.js of this toolchain: %w", err)
	}
	return writeIfChanged(filepath.Join(wasmDir, "wasm_exec.js"), wasmExec)
}

func goBuild(env []string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s go build %s: %w\n%s", strings.Join(env, " "), strings.Join(args, " "), err, out)
	}
	return nil
}

// writeIfChanged replaces a file atomically, and only when its content differs.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
