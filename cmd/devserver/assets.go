package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/mobisess/mobisess/web"
)

// The engine's wasm build and Go's loader, made by `make wasm` beside the console's files.
const (
	wasmFile     = "mobisess.wasm"
	wasmExecFile = "wasm_exec.js"
)

// asset is one static file, read and compressed once at start: the console is small and the wasm module is
// served many times, so compressing it per request would waste seconds of CPU.
type asset struct {
	body   []byte
	gz     []byte // nil when compression does not pay
	ctype  string
	etag   string
	gzEtag string // a different representation needs a different strong ETag
}

func newAsset(name string, body []byte) *asset {
	a := &asset{body: body, ctype: contentType(name), etag: etagOf(body)}
	if compressible(a.ctype) && len(body) > 1024 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			a.gz = buf.Bytes()
			a.gzEtag = strings.TrimSuffix(a.etag, `"`) + `-gz"`
		}
	}
	return a
}

func etagOf(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm" // WebAssembly.instantiateStreaming insists on it
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/wasm") ||
		strings.HasPrefix(ctype, "application/json") || strings.HasPrefix(ctype, "image/svg")
}

// pageMeta are the values the dev server writes into index.html's <meta name="mobisess-…"> tags, which
// web/app.js reads: where the engine is, and what to open first. The token is never among them: the page takes
// it from the address the server printed.
type pageMeta struct {
	Mode     string // "browser" or "server"
	Autoload string // "sample" or ""
}

// loadAssets reads the console (web.Files) and, with wasm (browser mode), the engine's wasm build (engine.go
// says from where). In server mode the page does not run the engine: the wasm build is neither needed nor served.
func loadAssets(meta pageMeta, wasmDir string, wasm bool) (map[string]*asset, error) {
	assets := map[string]*asset{}
	err := fs.WalkDir(web.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(web.Files, p)
		if err != nil {
			return err
		}
		if p == "index.html" {
			if data, err = injectMeta(data, meta); err != nil {
				return err
			}
		}
		assets["/"+p] = newAsset(p, data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("the embedded console: %w", err)
	}
	index := assets["/index.html"]
	if index == nil {
		return nil, errors.New("the embedded console has no index.html")
	}
	assets["/"] = index
	extra, err := consoleAssets(wasmDir, wasm)
	if err != nil {
		return nil, err
	}
	for name, data := range extra {
		assets["/"+name] = newAsset(name, data)
	}
	return assets, nil
}

var metaTag = regexp.MustCompile(`<meta\s+name="mobisess-(mode|autoload)"\s+content="[^"]*"\s*/?>`)

// injectMeta sets the mobisess-* meta tags of the page, replacing those it has and adding those it lacks.
func injectMeta(page []byte, m pageMeta) ([]byte, error) {
	values := map[string]string{"mode": m.Mode, "autoload": m.Autoload}
	tag := func(name string) []byte {
		return []byte(`<meta name="mobisess-` + name + `" content="` + html.EscapeString(values[name]) + `">`)
	}
	seen := map[string]bool{}
	out := metaTag.ReplaceAllFunc(page, func(match []byte) []byte {
		name := string(metaTag.FindSubmatch(match)[1])
		seen[name] = true
		return tag(name)
	})
	var missing []byte
	for _, name := range []string{"mode", "autoload"} {
		if !seen[name] {
			missing = append(append(missing, tag(name)...), '\n')
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	i := bytes.Index(out, []byte("</head>"))
	if i < 0 {
		return nil, errors.New("index.html has no </head> to put the mobisess meta tags in")
	}
	return append(append(append([]byte{}, out[:i]...), missing...), out[i:]...), nil
}

// serveAsset answers a static file: revalidated on each use (Cache-Control: no-cache + ETag) so that a rebuilt
// console or wasm is picked up on reload, and gzip-compressed when the client accepts it.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a := s.assets[r.URL.Path]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	body, etag := a.body, a.etag
	h := w.Header()
	if a.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gz, a.gzEtag
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", a.ctype)
	if etagListMatches(r.Header.Get("If-None-Match"), etag, true) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed without q=0.
func acceptsGzip(header string) bool {
	gzip, star := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			gzip = q
		case "*":
			star = q
		}
	}
	if gzip >= 0 {
		return gzip > 0
	}
	return star > 0
}

// etagListMatches says whether an If-None-Match or If-Match header names etag. weak allows W/ tags (the
// weak comparison of If-None-Match); If-Match compares strongly.
func etagListMatches(header, etag string, weak bool) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		if strings.HasPrefix(t, "W/") {
			if !weak {
				continue
			}
			t = t[2:]
		}
		if t == etag {
			return true
		}
	}
	return false
}
