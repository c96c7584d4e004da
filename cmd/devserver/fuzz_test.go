package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzzed requests reach the handler as a browser on this address would send them, when the auth bits ask.
const (
	fuzzHost  = "127.0.0.1:8080"
	fuzzToken = "f00df00df00df00df00df00df00df00df00df00df00df00df00df00df00df00d"
)

// Bits of FuzzHandler's auth argument: which of the checks a request passes, so that the fuzzer reaches the
// API behind them without guessing a 64-digit token.
const (
	authHost   = 1 << iota // Host: the server's own
	authToken              // X-Mobisess-Token: the run's token
	authOrigin             // Origin: the server's own
	authJSON               // Content-Type: application/json
	authAll    = authHost | authToken | authOrigin | authJSON
)

// FuzzHandler sends random requests (method, target, headers, body) to the dev server's handler in server mode,
// on a copy of the sample. Whatever the request: no panic; a status under 500, or a 5xx whose error is of kind
// internal; a JSON answer that is JSON; and nothing written outside the folder: its parent (which holds a file
// and a folder of its own) is the same after every request. The folder is restored before each request.
func FuzzHandler(f *testing.F) {
	const contact = "UTT7VDX8W5.com.contactApp.Contact/7023d9205074199d1c16fc00d24354e778137675"
	for _, s := range []struct {
		method, target, headers, body string
		auth                          byte
	}{
		{"GET", "/api/state", "", "", authHost | authToken},
		{"GET", "/api/state", "", "", authHost},
		{"GET", "/", "Accept-Encoding: gzip", "", authHost},
		{"GET", "/api/state", "", "", 0},
		{"GET", "/api/file?path=" + contact, "If-None-Match: \"x\"", "", authHost | authToken},
		{"GET", "/api/file?path=..%2F..%2Foutside.txt", "", "", authHost | authToken},
		{"GET", "/api/file?path=UTT7VDX8W5.com.contactApp.Contact%252F..%252F..%252Foutside.txt", "", "", authHost | authToken},
		{"GET", "/api/file?path=key.mobileapp/abcd", "", "", authHost | authToken},
		{"GET", "/api/file?path=UTT7VDX8W5.com.contactApp.Contact", "", "", authHost | authToken},
		{"HEAD", "/api/download", "", "", authHost | authToken},
		{"GET", "/api/events", "Last-Event-ID: x.1", "", authHost | authToken},
		{"PUT", "/api/file?path=" + contact, "If-Match: *", "{}", authAll},
		{"PUT", "/api/file?path=com.new/abcd", "If-None-Match: *", `{"a":1}`, authAll},
		{"PUT", "/api/file?path=key.mobileapp/abcd", "If-Match: *", "{}", authAll},
		{"PUT", "/api/file?path=" + contact, "If-Match: \"0123\"", "{}", authAll},
		{"DELETE", "/api/file?path=com.sample.myappname", "", "", authAll},
		{"DELETE", "/api/file?path=", "", "", authAll},
		{"DELETE", "/api/file?path=" + contact, "If-Match: W/\"x\", \"y\"", "", authAll},
		{"POST", "/api/refresh", "", "{}", authAll},
		{"POST", "/api/restart", "", "", authAll},
		{"POST", "/api/setStatus", "", `{"path":"` + contact + `","status":"pending"}`, authAll},
		{"POST", "/api/create", "", `{"applicationId":"com.x","teamId":"T","status":"pending"}`, authAll},
		{"POST", "/api/create", "", `{"applicationId":"../../x","teamId":"..","status":"accepted"}`, authAll},
		{"POST", "/api/write", "", `{"path":"../outside.txt","content":"x","etag":null}`, authAll},
		{"POST", "/api/remove", "", `{"path":"..","etag":""}`, authAll},
		{"POST", "/api/setLang", "", `{"lang":"fr"}`, authAll},
		{"POST", "/api/openZip", "Content-Type: application/zip", "PK\x03\x04", authHost | authToken | authOrigin},
		{"POST", "/api/refresh", "Origin: http://evil.example", "{}", authHost | authToken},
		{"OPTIONS", "/api/state", "", "", authHost | authToken},
		{"GET", "/api/nothing", "", "", authHost | authToken},
	} {
		f.Add(s.method, s.target, s.headers, []byte(s.body), s.auth)
	}

	sampleDir := copySample(f)
	parent := filepath.Dir(sampleDir)
	dir := filepath.Join(parent, "root", "MobileApps")
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, "root", "outside.txt"), []byte("outside"), 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(parent, "root", "outside", "com.a"), 0o755); err != nil {
		f.Fatal(err)
	}
	restore := func(tb testing.TB) {
		if err := os.RemoveAll(dir); err != nil {
			tb.Fatal(err)
		}
		if err := os.CopyFS(dir, os.DirFS(sampleDir)); err != nil {
			tb.Fatal(err)
		}
	}
	restore(f)
	srv, err := NewServer(context.Background(), Config{Dir: dir, WasmDir: f.TempDir(), Token: fuzzToken, Log: io.Discard})
	if err != nil {
		f.Fatal(err)
	}
	srv.bind(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
	outside := func(tb testing.TB) map[string]string {
		out := map[string]string{}
		err := filepath.WalkDir(filepath.Dir(dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == dir {
				return filepath.SkipDir
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			sum := ""
			if d.Type().IsRegular() {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				h := sha256.Sum256(data)
				sum = string(h[:])
			}
			out[p] = info.Mode().String() + " " + sum
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		return out
	}
	want := outside(f)

	f.Fuzz(func(t *testing.T, method, target, headers string, body []byte, auth byte) {
		restore(t)
		req := fuzzRequest(method, target, headers, body, auth)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if req.URL.Path == "/api/events" {
			cancel() // a stream ends with its request: here at once, after its first record
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req.WithContext(ctx))

		res := rec.Result()
		var e errorBody
		isJSON := strings.HasPrefix(res.Header.Get("Content-Type"), "application/json")
		if isJSON && req.Method != http.MethodHead && (rec.Code != http.StatusNotModified) {
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %q: status %d, Content-Type JSON, body not JSON: %q", req.Method, target, rec.Code, rec.Body.Bytes())
			}
			json.Unmarshal(rec.Body.Bytes(), &e)
		}
		if rec.Code >= 500 && e.Error.Kind != "internal" {
			t.Fatalf("%s %q: status %d with %q", req.Method, target, rec.Code, rec.Body.Bytes())
		}
		if got := outside(t); !equalMaps(got, want) {
			t.Fatalf("%s %q changed what is outside the folder:\n%v\nwant\n%v", req.Method, target, got, want)
		}
	})
}

// fuzzRequest builds a request from the fuzzer's strings, as leniently as a server that received them would.
func fuzzRequest(method, target, headers string, body []byte, auth byte) *http.Request {
	if method == "" {
		method = http.MethodGet
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: target}
	}
	req := &http.Request{
		Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Host: "evil.example:8080",
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
	}
	for _, line := range strings.Split(headers, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Add(k, v)
	}
	if auth&authHost != 0 {
		req.Host = fuzzHost
	}
	if auth&authToken != 0 {
		req.Header.Set("X-Mobisess-Token", fuzzToken)
	}
	if auth&authOrigin != 0 {
		req.Header.Set("Origin", "http://"+fuzzHost)
	}
	if auth&authJSON != 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
