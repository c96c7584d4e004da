// Package web holds the console: the page, its scripts and styles, and the worker that runs the engine as
// WebAssembly. The wasm module and Go's wasm_exec.js are built beside it by `make wasm` (into build/web), not
// committed.
package web

import "embed"

// Files are the console's static files: index.html, *.js, *.css.
//
//go:embed *.html *.js *.css
var Files embed.FS
