package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/web"
)

// fakeWasmDir stands for build/web: a "wasm module" that compresses well, and a loader.
func fakeWasmDir(t *testing.T) (string, []byte) {
	dir := t.TempDir()
	wasm := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("mobisess "), 20000)...)
	os.WriteFile(filepath.Join(dir, wasmFile), wasm, 0o644)
	os.WriteFile(filepath.Join(dir, wasmExecFile), []byte("// wasm_exec.js\n"+strings.Repeat("/* go */\n", 300)), 0o644)
	return dir, wasm
}

func TestBrowserMode(t *testing.T) {
	dir, wasm := fakeWasmDir(t)
	ts := startServer(t, Config{WasmDir: dir})

	// The page opens on the sample, with the engine in the page.
	for _, target := range []string{"/", "/index.html", "/?sample&lang=fr"} {
		res, body := ts.send("GET", target, "", "Accept-Encoding", "identity")
		expect(t, res, body, 200, "")
		page := string(body)
		for _, want := range []string{`<meta name="mobisess-mode" content="browser">`, `<meta name="mobisess-autoload" content="sample">`} {
			if !strings.Contains(page, want) {
				t.Errorf("GET %s: no %s", target, want)
			}
		}
		if res.Header.Get("Content-Type") != "text/html; charset=utf-8" || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: headers %v", target, res.Header)
		}
	}

	// The wasm module: gzip when accepted, the right type, revalidated by ETag.
	req := ts.request("GET", "/mobisess.wasm", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	res, body := ts.do(req) // the transport leaves a gzip body alone when we asked for it ourselves
	expect(t, res, body, 200, "")
	if res.Header.Get("Content-Type") != "application/wasm" || res.Header.Get("Content-Encoding") != "gzip" ||
		res.Header.Get("Vary") != "Accept-Encoding" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("wasm headers: %v", res.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, wasm) || len(body) >= len(wasm)/10 {
		t.Fatalf("wasm: %d bytes compressed to %d, decompressed equal: %v", len(wasm), len(body), bytes.Equal(plain, wasm))
	}
	etag := res.Header.Get("ETag")
	res, body = ts.send("GET", "/mobisess.wasm", "", "Accept-Encoding", "gzip", "If-None-Match", etag)
	expect(t, res, body, 304, "")
	if len(body) != 0 {
		t.Fatal("a 304 with a body")
	}
	// Without gzip: the plain bytes, under another ETag.
	res, body = ts.send("GET", "/mobisess.wasm", "", "Accept-Encoding", "gzip;q=0, identity")
	expect(t, res, body, 200, "")
	if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, wasm) || res.Header.Get("ETag") == etag {
		t.Fatalf("identity wasm: encoding %q, %d bytes, etag %q", res.Header.Get("Content-Encoding"), len(body), res.Header.Get("ETag"))
	}
	res, body = ts.send("HEAD", "/wasm_exec.js", "")
	expect(t, res, body, 200, "")
	if res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("wasm_exec.js type %q", res.Header.Get("Content-Type"))
	}
	fs.WalkDir(web.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			res, body = ts.send("GET", "/"+p, "")
			expect(t, res, body, 200, "")
		}
		return err
	})

	// No API in browser mode, and nothing is accepted.
	res, body = ts.send("GET", "/api/state", "")
	expect(t, res, body, 404, "notfound")
	res, body = ts.send("POST", "/api/refresh", "{}", "X-Mobisess-Token", "x")
	expect(t, res, body, 403, "forbidden")
	res, body = ts.send("GET", "/nosuch.js", "")
	if res.StatusCode != 404 || bytes.Contains(body, []byte("<html")) {
		t.Fatalf("unknown file: status %d, body %.80s (want a 404, not the page)", res.StatusCode, body)
	}
}

// Browser mode cannot run without the wasm build, and says how to make it.
func TestBrowserModeNeedsWasm(t *testing.T) {
	_, err := NewServer(context.Background(), Config{WasmDir: filepath.Join(t.TempDir(), "build", "web")})
	if err == nil || !strings.Contains(err.Error(), "make wasm") {
		t.Fatalf("err = %v", err)
	}
	// Server mode does without it.
	if _, err := NewServer(context.Background(), Config{Dir: copySample(t), WasmDir: filepath.Join(t.TempDir(), "none")}); err != nil {
		t.Fatal(err)
	}
}

func TestInjectMeta(t *testing.T) {
	m := pageMeta{Mode: `a"<b`, Autoload: ""}
	got, err := injectMeta([]byte("<html><head>\n<meta name=\"mobisess-mode\" content=\"browser\">\n</head></html>"), m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<meta name="mobisess-mode" content="a&#34;&lt;b">`, `<meta name="mobisess-autoload" content="">`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("no %s in %s", want, got)
		}
	}
	if _, err := injectMeta([]byte("<html>"), m); err == nil {
		t.Error("a page without </head> accepted")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false, "gzip; q=0.0": false,
		"*": true, "*;q=0": false, "br": false, "identity": false, "x-gzip": true, "*, gzip;q=0": false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v", header, got)
		}
	}
}
