// Package web holds the console: the page, its scripts and styles, and the worker that runs the engine as
// WebAssembly. The wasm module and Go's wasm_exec.js are built beside it by `make wasm` (into build/web), not
// committed.
package web

import "embed"

// Files are the console's static files, as the dev server serves them: index.html, *.js (the page's panels in
// panels/), *.css.
//
//go:embed *.html *.js *.css panels/*.js
var Files embed.FS

// Site holds what only the static site adds to Files (`make site`): its service worker (a template whose
// BUILD the site's build writes), its web manifest and its icon.
//
//go:embed site
var Site embed.FS
