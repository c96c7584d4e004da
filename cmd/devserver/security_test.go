package main

import (
	"bufio"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobisess/mobisess/core/console"
)

// A page on another host name that resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host.
func TestHostCheck(t *testing.T) {
	ts := startFolder(t, Config{})
	_, port, _ := net.SplitHostPort(ts.host)
	for _, c := range []struct {
		host   string
		status int
	}{
		{"127.0.0.1:" + port, 200},
		{"localhost:" + port, 200},
		{"LocalHost:" + port, 200},
		{"[::1]:" + port, 200},
		{"evil.example:" + port, 421},
		{"127.0.0.1.nip.io:" + port, 421},
		{"127.0.0.1:1", 421},
		{"127.0.0.1", 421},
		{"localhost", 421},
	} {
		for _, target := range []string{"/", "/api/state"} {
			req := ts.request("GET", target, nil)
			req.Host = c.host
			res, body := ts.do(req)
			if res.StatusCode != c.status {
				t.Errorf("Host %q %s: status %d, want %d", c.host, target, res.StatusCode, c.status)
			}
			if c.status == 421 && strings.Contains(string(body), ts.srv.token) {
				t.Errorf("Host %q: the answer holds the token", c.host)
			}
		}
	}
	// No Host at all (HTTP/1.0).
	conn, err := net.Dial("tcp", ts.host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET / HTTP/1.0\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 421 {
		t.Errorf("no Host: status %d", res.StatusCode)
	}
}

// Mutating requests need the run's token and the server's own origin.
func TestTokenAndOrigin(t *testing.T) {
	ts := startFolder(t, Config{})
	_, port, _ := net.SplitHostPort(ts.host)
	for _, c := range []struct {
		name   string
		hdr    []string
		status int
		kind   string
	}{
		{"the page", nil, 200, ""},
		{"no token", []string{"X-Mobisess-Token", ""}, 401, "unauthorized"},
		{"wrong token", []string{"X-Mobisess-Token", strings.Repeat("0", 64)}, 401, "unauthorized"},
		{"token prefix", []string{"X-Mobisess-Token", ts.srv.token[:10]}, 401, "unauthorized"},
		{"no origin, no referer", []string{"Origin", ""}, 403, "forbidden"},
		{"referer of the page", []string{"Origin", "", "Referer", ts.url + "/?lang=fr"}, 200, ""},
		{"other site", []string{"Origin", "http://evil.example"}, 403, "forbidden"},
		{"other site by referer", []string{"Origin", "", "Referer", "http://evil.example/x"}, 403, "forbidden"},
		{"other port", []string{"Origin", "http://127.0.0.1:1"}, 403, "forbidden"},
		{"null origin", []string{"Origin", "null"}, 403, "forbidden"},
		{"https", []string{"Origin", "https://" + ts.host}, 403, "forbidden"},
		{"localhost origin on a 127.0.0.1 host", []string{"Origin", "http://localhost:" + port}, 403, "forbidden"},
		{"user info", []string{"Origin", "http://x@" + ts.host}, 403, "forbidden"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := ts.send("POST", "/api/refresh", "{}", c.hdr...)
			expect(t, res, body, c.status, c.kind)
		})
	}
	// Every mutating method is guarded, including PUT and DELETE, before anything else is looked at.
	before, _ := os.ReadFile(filepath.Join(ts.dir, contactPath))
	for _, m := range []string{"PUT", "DELETE", "POST", "PATCH"} {
		res, body := ts.send(m, "/api/file?path="+contactPath, "{}", "X-Mobisess-Token", "", "If-Match", "*")
		expect(t, res, body, 401, "unauthorized")
	}
	if after, _ := os.ReadFile(filepath.Join(ts.dir, contactPath)); string(after) != string(before) {
		t.Fatal("a refused request changed the file")
	}
	other := startFolder(t, Config{})
	if other.srv.token == ts.srv.token || len(ts.srv.token) < 32 {
		t.Fatal("the token is not random per run")
	}
}

// The server serves only whoever started it: every route of the API, reads and the event stream included,
// needs the run's token, which nothing the server serves gives away; without it the answer is 401 and holds
// nothing of the folder. The page itself is served to anyone: it holds no token and nothing of the folder, and
// says where to find the address with the token (web/transport.js).
func TestEveryRouteNeedsTheToken(t *testing.T) {
	ts := startFolder(t, Config{})
	secret := []string{ts.srv.token, ts.dir, contactApp, "7023d9205074199d1c16fc00d24354e778137675", "contactApp"}
	holdsSecret := func(body []byte) string {
		for _, s := range secret {
			if strings.Contains(string(body), s) {
				return s
			}
		}
		return ""
	}
	routes := []struct{ method, target, body string }{
		{"GET", "/api/state", ""},
		{"HEAD", "/api/state", ""},
		{"GET", "/api/file?path=" + contactPath, ""},
		{"HEAD", "/api/file?path=" + contactPath, ""},
		{"GET", "/api/download", ""},
		{"HEAD", "/api/download", ""},
		{"GET", "/api/events", ""},
		{"GET", "/api/nothing", ""},
		{"PUT", "/api/file?path=" + contactPath, "{}"},
		{"DELETE", "/api/file?path=" + contactPath, ""},
		{"DELETE", "/api/file?path=", ""},
	}
	for _, m := range console.Methods() {
		routes = append(routes, struct{ method, target, body string }{"POST", "/api/" + m.Name, `{"path":"` + contactPath + `"}`})
	}
	before := folderTree(t, ts.dir)
	for _, rt := range routes {
		for _, token := range []string{"", "wrong", strings.ToUpper(ts.srv.token), ts.srv.token + "x"} {
			res, body := ts.send(rt.method, rt.target, rt.body, "X-Mobisess-Token", token, "If-Match", "*")
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s with token %q: %d %s", rt.method, rt.target, token, res.StatusCode, body)
			}
			if s := holdsSecret(body); s != "" {
				t.Errorf("%s %s with token %q: the answer holds %q", rt.method, rt.target, token, s)
			}
			if rt.method != "HEAD" && res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s: 401 without WWW-Authenticate", rt.method, rt.target)
			}
		}
	}
	if after := folderTree(t, ts.dir); !maps.Equal(before, after) {
		t.Error("a refused request changed the folder")
	}
	// With the token, reads and the stream work.
	for _, target := range []string{"/api/state", "/api/file?path=" + contactPath, "/api/download"} {
		res, body := ts.send("GET", target, "")
		expect(t, res, body, 200, "")
	}
	ts.openEvents().res.Body.Close()
	// The page and its files, to anyone: nothing of the folder, no token.
	for _, target := range []string{"/", "/index.html", "/app.js", "/transport.js"} {
		res, body := ts.send("GET", target, "", "X-Mobisess-Token", "")
		if res.StatusCode != 200 {
			t.Errorf("GET %s without the token: %d", target, res.StatusCode)
		}
		if s := holdsSecret(body); s != "" {
			t.Errorf("GET %s holds %q", target, s)
		}
	}
	res, body := ts.send("GET", "/?token=wrong", "", "X-Mobisess-Token", "")
	if res.StatusCode != 200 || !strings.Contains(string(body), `<meta name="mobisess-mode" content="server">`) || holdsSecret(body) != "" {
		t.Errorf("GET /?token=wrong: %d", res.StatusCode)
	}
}

// Browser mode has no folder and no data to guard: its page and the engine are a static site, to anyone on
// loopback, without a token; it has no API.
func TestBrowserModeNeedsNoToken(t *testing.T) {
	wasm := t.TempDir()
	for _, name := range []string{wasmFile, wasmExecFile} {
		if err := os.WriteFile(filepath.Join(wasm, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ts := startServer(t, Config{WasmDir: wasm})
	if ts.srv.token != "" {
		t.Fatalf("browser mode has a token")
	}
	for _, target := range []string{"/", "/app.js", "/" + wasmFile, "/" + wasmExecFile} {
		res, body := ts.send("GET", target, "")
		expect(t, res, body, 200, "")
	}
	res, body := ts.send("GET", "/api/state", "")
	expect(t, res, body, 404, "notfound")
	res, body = ts.send("POST", "/api/refresh", "{}", "Origin", ts.url)
	expect(t, res, body, 403, "forbidden")
}

// folderTree is every file under dir with its content.
func folderTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// No request reaches outside the folder: '..', absolute names, backslashes, encoded separators, links.
func TestPathEscapes(t *testing.T) {
	ts := startFolder(t, Config{})
	// A secret beside the root, named like a session file, and a link into it from inside the root.
	outside := filepath.Join(filepath.Dir(ts.dir), "secret")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(outside, "abcdef")
	if err := os.WriteFile(secret, []byte(`{"secret":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(ts.dir, "linkapp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(ts.dir, contactApp, "abcdef")); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		"../secret/abcdef",
		"..%2Fsecret%2Fabcdef",
		"%2e%2e/secret/abcdef",
		"%2E%2E%2Fsecret%2Fabcdef",
		contactApp + "/..%2F..%2Fsecret%2Fabcdef",
		"%252e%252e%252fsecret%252fabcdef",
		"..%255csecret%255cabcdef",
		"..%5Csecret%5Cabcdef",
		`..\secret\abcdef`,
		"%2F" + strings.TrimPrefix(filepath.ToSlash(secret), "/"),
		filepath.ToSlash(secret),
		"C:%5Csecret%5Cabcdef",
		"linkapp/abcdef",
		contactApp + "/abcdef",
		contactApp + "/./abcdef",
		contactApp + "//abcdef",
		"a/b/c",
		"abc%00def/x",
		"abc%0Adef/x",
		"%zz",
	}
	for _, q := range queries {
		target := "/api/file?path=" + q
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			res, body := ts.send(m, target, "{}", "If-Match", "*")
			expect(t, res, body, 400, "input")
			if strings.Contains(string(body), "secret\":true") {
				t.Fatalf("%s %s: answered the secret", m, target)
			}
		}
	}
	for _, p := range []string{"../secret/abcdef", "/etc/passwd", `..\\secret`, "linkapp/abcdef", "linkapp", contactApp + "/abcdef", ".."} {
		res, body := ts.send("POST", "/api/read", `{"path":"`+p+`"}`)
		expect(t, res, body, 400, "input")
		res, body = ts.send("POST", "/api/remove", `{"path":"`+p+`"}`)
		expect(t, res, body, 400, "input")
		res, body = ts.send("POST", "/api/write", `{"path":"`+p+`","content":"{}"}`)
		expect(t, res, body, 400, "input")
	}
	if data, err := os.ReadFile(secret); err != nil || string(data) != `{"secret":true}` {
		t.Fatalf("the file outside the root was touched: %q %v", data, err)
	}
	// The static files: nothing outside the embedded console, however the path is spelled.
	for _, raw := range []string{"/../../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/go.mod", "/web/../go.mod"} {
		conn, err := net.DialTimeout("tcp", ts.host, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", raw, ts.host)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 404 && res.StatusCode != 400 {
			t.Errorf("GET %s: status %d", raw, res.StatusCode)
		}
	}
}
