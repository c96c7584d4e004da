package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobisess/mobisess/core/sample"
)

// A session file of the embedded sample that passes every check.
const contactApp = "UTT7VDX8W5.com.contactApp.Contact"
const contactPath = contactApp + "/7023d9205074199d1c16fc00d24354e778137675"

// testServer is a devserver on a real listener on 127.0.0.1:0.
type testServer struct {
	t      *testing.T
	srv    *Server
	url    string // http://127.0.0.1:PORT
	host   string // 127.0.0.1:PORT
	dir    string
	client *http.Client
	stop   func() error
}

// copySample writes the embedded sample into a fresh folder and returns it.
func copySample(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "MobileApps")
	sub, err := fs.Sub(sample.FS(), sample.Root)
	if err == nil {
		err = os.CopyFS(dir, sub)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// startServer serves cfg (server mode on a copy of the sample when cfg.Dir is empty and dir is true).
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.WasmDir == "" {
		cfg.WasmDir = t.TempDir() // empty: server mode runs without the wasm build
	}
	if cfg.Poll == 0 {
		cfg.Poll = 50 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = testLog{t}
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := NewServer(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	ts := &testServer{t: t, srv: srv, url: "http://" + ln.Addr().String(), host: ln.Addr().String(), dir: cfg.Dir,
		client: &http.Client{Timeout: 20 * time.Second}}
	stopped := false
	var stopErr error
	ts.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			stopErr = <-done
		}
		return stopErr
	}
	t.Cleanup(func() { ts.stop() })
	return ts
}

func startFolder(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = copySample(t)
	}
	return startServer(t, cfg)
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// pageTab is the tab the test's requests come from, as the page's carry theirs.
const pageTab = "page-tab"

// request builds a request that the page would send: every one carries the token (in server mode), mutating
// ones the page's origin and its tab too.
func (ts *testServer) request(method, target string, body io.Reader, hdr ...string) *http.Request {
	ts.t.Helper()
	req, err := http.NewRequest(method, ts.url+target, body)
	if err != nil {
		ts.t.Fatal(err)
	}
	if ts.srv.token != "" {
		req.Header.Set("X-Mobisess-Token", ts.srv.token)
	}
	if !safeMethod(method) {
		req.Header.Set("Origin", ts.url)
		req.Header.Set("X-Mobisess-Tab", pageTab)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	return req
}

// do sends a request and returns the response with its body read.
func (ts *testServer) do(req *http.Request) (*http.Response, []byte) {
	ts.t.Helper()
	res, err := ts.client.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return res, data
}

func (ts *testServer) send(method, target string, body string, hdr ...string) (*http.Response, []byte) {
	ts.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return ts.do(ts.request(method, target, r, hdr...))
}

// expect checks a response's status and, for errors, the kind in {"error":{…}}.
func expect(t *testing.T, res *http.Response, body []byte, status int, kind string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", res.Request.Method, res.Request.URL, res.StatusCode, status, body)
	}
	if kind == "" {
		return
	}
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil || string(e.Error.Kind) != kind || e.Error.Message == "" {
		t.Fatalf("%s %s: body %s, want an error of kind %q", res.Request.Method, res.Request.URL, body, kind)
	}
}

func decodeJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
}

// sseReader reads events of one /api/events stream.
type sseReader struct {
	res    *http.Response
	events chan sseEvent
}

type sseEvent struct{ id, name, data string }

func (ts *testServer) openEvents(hdr ...string) *sseReader {
	ts.t.Helper()
	req := ts.request(http.MethodGet, "/api/events", nil, hdr...)
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		ts.t.Fatalf("GET /api/events: %d %s", res.StatusCode, body)
	}
	r := &sseReader{res: res, events: make(chan sseEvent, 64)}
	go func() {
		defer close(r.events)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					r.events <- ev
				}
				ev = sseEvent{id: ev.id}
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	ts.t.Cleanup(func() { res.Body.Close() })
	return r
}

// next waits (at most within) for an event named name whose data satisfies ok.
func (r *sseReader) next(t *testing.T, name string, within time.Duration, ok func(data string) bool) sseEvent {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, open := <-r.events:
			if !open {
				t.Fatalf("the event stream ended while waiting for a %q event", name)
			}
			if ev.name == name && (ok == nil || ok(ev.data)) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %q event within %v", name, within)
		}
	}
}

func hasPath(paths ...string) func(string) bool {
	return func(data string) bool {
		var ev diskEvent
		if json.Unmarshal([]byte(data), &ev) != nil || ev.Tab == pageTab {
			return false // the tab's own changes are no news to it
		}
		for _, want := range paths {
			found := false
			for _, p := range ev.Paths {
				found = found || p == want
			}
			if !found {
				return false
			}
		}
		return true
	}
}

// newsWait bounds the wait for an event on a machine busy with other tests: news normally comes within a poll or
// two; how fast it comes is measured by the benchmarks, not here.
const newsWait = 15 * time.Second
