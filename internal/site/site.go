// Package site builds the console as a static site (`make site`): plain files that any static host or file
// server serves, with no dev server. The page runs in browser mode (its default without the dev server's meta
// tags), the engine in its Web Worker, and a service worker keeps it working offline after a first visit.
//
// Every URL in the site is relative, so that it works under a sub-path (a project's GitHub Pages, /repo/).
package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mobisess/mobisess/internal/buildinfo"
	"github.com/mobisess/mobisess/web"
)

// The engine's files, made by `make wasm`.
const (
	WasmFile     = "mobisess.wasm"
	WasmExecFile = "wasm_exec.js"
)

// ServiceWorker is the service worker's file, at the site's root so that its scope is the whole site.
const ServiceWorker = "sw.js"

// headTags are what the static page has and the dev server's does not: the web manifest, which makes it an
// installable app, and the service worker that web/footer.js registers.
const headTags = `<link rel="manifest" href="manifest.webmanifest">
<link rel="apple-touch-icon" href="icon-192.png">
<meta name="theme-color" content="#2563eb">
<meta name="mobisess-service-worker" content="` + ServiceWorker + `">
`

// buildLine is the line of the service worker that Build writes.
const buildLine = "const BUILD = null;"

// Build writes the site into out, replacing what is there: the console (web.Files, web.Site), the engine from
// wasmDir, version.json for info, the icons, and the service worker with the list of those files.
func Build(out, wasmDir string, info buildinfo.Info) error {
	files, err := Files(wasmDir, info)
	if err != nil {
		return err
	}
	return write(out, files)
}

// Files are the site's files by name.
func Files(wasmDir string, info buildinfo.Info) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(web.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[p], err = fs.ReadFile(web.Files, p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("the console's files: %w", err)
	}
	site, err := fs.Sub(web.Site, "site")
	if err != nil {
		return nil, err
	}
	var worker []byte
	err = fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(site, p)
		if p == ServiceWorker {
			worker = data
		} else {
			files[p] = data
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("the site's files: %w", err)
	}
	if worker == nil {
		return nil, errors.New("web/site has no " + ServiceWorker)
	}

	page, ok := files["index.html"]
	if !ok {
		return nil, errors.New("the console has no index.html")
	}
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return nil, errors.New("index.html has no </head> for the manifest and the service worker")
	}
	files["index.html"] = bytes.Join([][]byte{page[:i], []byte(headTags), page[i:]}, nil)

	for _, name := range []string{WasmFile, WasmExecFile} {
		data, err := os.ReadFile(filepath.Join(wasmDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is missing: run `make wasm` first", filepath.Join(wasmDir, name))
		}
		if err != nil {
			return nil, err
		}
		files[name] = data
	}
	if files["version.json"], err = json.Marshal(info); err != nil {
		return nil, err
	}
	for name, icon := range Icons() {
		files[name] = icon
	}

	manifest, err := workerBuild(files)
	if err != nil {
		return nil, err
	}
	if bytes.Count(worker, []byte(buildLine)) != 1 {
		return nil, fmt.Errorf("web/site/%s must hold the line %q once", ServiceWorker, buildLine)
	}
	files[ServiceWorker] = bytes.Replace(worker, []byte(buildLine), []byte("const BUILD = "+manifest+";"), 1)
	// GitHub Pages would run Jekyll over the files otherwise; none needs it.
	files[".nojekyll"] = nil
	return files, nil
}

// workerBuild is the service worker's BUILD: the cache's name, "mobisess-" and a hash of every file's content,
// so that any change makes a new cache, and each file with its SHA-256 as a subresource integrity, which the
// worker checks when it downloads the file and compares to reuse a file that did not change.
func workerBuild(files map[string][]byte) (string, error) {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	assets := map[string]string{}
	all := sha256.New()
	for _, name := range names {
		sum := sha256.Sum256(files[name])
		assets[name] = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
		fmt.Fprintf(all, "%s %x\n", name, sum)
	}
	data, err := json.Marshal(struct {
		Cache  string            `json:"cache"`
		Assets map[string]string `json:"assets"`
	}{"mobisess-" + hex.EncodeToString(all.Sum(nil))[:16], assets})
	return string(data), err
}

// write replaces out with files: written beside it, then swapped in, so that a failed build leaves the
// previous site whole.
func write(out string, files map[string][]byte) error {
	out = filepath.Clean(out)
	tmp := out + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	for name, data := range files {
		if strings.Contains(name, "..") {
			return fmt.Errorf("bad file name %q", name)
		}
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	old := out + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(out, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	return os.RemoveAll(old)
}
