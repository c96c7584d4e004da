//go:build embedengine

package main

import (
	"embed"
	"io/fs"
)

//go:embed engine/mobisess.wasm engine/wasm_exec.js
var engineFiles embed.FS

// embeddedEngine is the engine built into a release's dev server (engine.go says why it takes a build tag).
var embeddedEngine = mustSub(engineFiles, "engine")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
