package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	}{
		{"the page", nil, 200},
		{"no token", []string{"X-Mobisess-Token", ""}, 403},
		{"wrong token", []string{"X-Mobisess-Token", strings.Repeat("0", 64)}, 403},
		{"token prefix", []string{"X-Mobisess-Token", ts.srv.token[:10]}, 403},
		{"no origin, no referer", []string{"Origin", ""}, 403},
		{"referer of the page", []string{"Origin", "", "Referer", ts.url + "/?lang=fr"}, 200},
		{"other site", []string{"Origin", "http://evil.example"}, 403},
		{"other site by referer", []string{"Origin", "", "Referer", "http://evil.example/x"}, 403},
		{"other port", []string{"Origin", "http://127.0.0.1:1"}, 403},
		{"null origin", []string{"Origin", "null"}, 403},
		{"https", []string{"Origin", "https://" + ts.host}, 403},
		{"localhost origin on a 127.0.0.1 host", []string{"Origin", "http://localhost:" + port}, 403},
		{"user info", []string{"Origin", "http://x@" + ts.host}, 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := ts.send("POST", "/api/refresh", "{}", c.hdr...)
			if c.status == 200 {
				expect(t, res, body, 200, "")
			} else {
				expect(t, res, body, c.status, "forbidden")
			}
		})
	}
	// Every mutating method is guarded, including PUT and DELETE, before anything else is looked at.
	before, _ := os.ReadFile(filepath.Join(ts.dir, contactPath))
	for _, m := range []string{"PUT", "DELETE", "POST", "PATCH"} {
		res, body := ts.send(m, "/api/file?path="+contactPath, "{}", "X-Mobisess-Token", "", "If-Match", "*")
		expect(t, res, body, 403, "forbidden")
	}
	if after, _ := os.ReadFile(filepath.Join(ts.dir, contactPath)); string(after) != string(before) {
		t.Fatal("a refused request changed the file")
	}
	// Reads need no token: the page's GETs carry none.
	res, body := ts.send("GET", "/api/file?path="+contactPath, "")
	expect(t, res, body, 200, "")
	// The token is in the page, and changes with each run.
	res, body = ts.send("GET", "/", "")
	if !strings.Contains(string(body), `<meta name="mobisess-token" content="`+ts.srv.token+`">`) ||
		!strings.Contains(string(body), `<meta name="mobisess-mode" content="server">`) {
		t.Fatalf("the page lacks the token or the mode")
	}
	other := startFolder(t, Config{})
	if other.srv.token == ts.srv.token || len(ts.srv.token) < 32 {
		t.Fatal("the token is not random per run")
	}
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
