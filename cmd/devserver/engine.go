package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mobisess/mobisess/internal/buildinfo"
)

// Where the console's engine comes from, in browser mode.
//
// A release's dev server (`make dist`) carries mobisess.wasm and wasm_exec.js inside it, so that it serves the
// console from any folder. They are build outputs, and build outputs stay out of git: `make dist` writes them
// into engine/ (git-ignored) and builds with the build tag embedengine, which embeds that folder
// (engine_embedded.go). A build without the tag (`go build`, `go install …/cmd/devserver@latest`, which cannot run
// `make`) has no engine inside: it reads one from -wasm-dir, or from build/web as `make wasm` leaves it in a
// clone, and otherwise says how to get one.

// defaultWasmDir is where `make wasm` leaves the engine, from the root of a clone.
var defaultWasmDir = filepath.Join("build", "web")

// releasesURL is where the built dev servers are published.
const releasesURL = "https://github.com/mobisess/mobisess/releases"

// consoleAssets are the files the dev server serves beside web.Files: version.json (which the page's footer
// shows) and, with wasm (browser mode), the engine: from wasmDir when it is given, else the one built in, else
// build/web.
func consoleAssets(wasmDir string, wasm bool) (map[string][]byte, error) {
	version, err := json.Marshal(buildinfo.Get())
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"version.json": version}
	if !wasm {
		return files, nil
	}
	engine, builtIn := embeddedEngine, true
	if wasmDir != "" || engine == nil {
		if wasmDir == "" {
			wasmDir = defaultWasmDir
		}
		engine, builtIn = os.DirFS(wasmDir), false
	}
	for _, name := range []string{wasmFile, wasmExecFile} {
		data, err := fs.ReadFile(engine, name)
		switch {
		case errors.Is(err, fs.ErrNotExist) && builtIn:
			return nil, fmt.Errorf("the built-in engine lacks %s: this dev server was built wrongly", name)
		case errors.Is(err, fs.ErrNotExist) && wasmDir == defaultWasmDir && embeddedEngine == nil:
			return nil, fmt.Errorf("this dev server has no console engine built in, and %s is missing.\n"+
				"In a clone of mobisess, run `make run` (or `make wasm` first); elsewhere, point -wasm-dir at a folder "+
				"that holds %s and %s, or download a release, whose dev server has the engine built in: %s\n"+
				"(-dir PATH, the server mode, needs no engine in the page)",
				filepath.Join(wasmDir, name), wasmFile, wasmExecFile, releasesURL)
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%s is missing: run `make wasm` first (or point -wasm-dir at the folder that holds %s and %s)",
				filepath.Join(wasmDir, name), wasmFile, wasmExecFile)
		case err != nil:
			return nil, err
		}
		files[name] = data
	}
	return files, nil
}
