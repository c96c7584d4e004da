package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

// Requests for the state that arrive while one is computed share it: five at once cost one pass over the
// folder, and get the same answer.
func TestStateIsShared(t *testing.T) {
	ts := startFolder(t, Config{MaxHeavy: 1})
	release := holdSlot(t, ts) // the computation waits for its slot: the requests meet it under way
	before := ts.srv.states.flights.Load()
	answers := make(chan string, 5)
	get := func() {
		res, body := ts.send("GET", "/api/state", "")
		if res.StatusCode != 200 {
			t.Errorf("GET /api/state: %d %s", res.StatusCode, body)
		}
		answers <- string(body)
	}
	go get()
	waitFor(t, func() bool { return waiters(ts) == 1 })
	for range 4 {
		go get()
	}
	waitFor(t, func() bool { return waiters(ts) == 5 })
	release()
	first := <-answers
	for range 4 {
		if got := <-answers; got != first {
			t.Errorf("two answers differ")
		}
	}
	if n := ts.srv.states.flights.Load() - before; n != 1 {
		t.Errorf("%d computations of the state for five requests at once, want 1", n)
	}
}

// A change is never answered with a state from before it, nor does a request made after it get one: a state
// computation under way when a change ends is not shared after. The change's own answer takes no slot: a
// change that is made is answered, however busy the server.
func TestStateAfterAChangeIsFresh(t *testing.T) {
	ts := startFolder(t, Config{MaxHeavy: 1})
	release := holdSlot(t, ts)
	old := make(chan []byte, 1)
	go func() {
		_, body := ts.send("GET", "/api/state", "")
		old <- body
	}()
	waitFor(t, func() bool { return waiters(ts) == 1 })
	// The change goes through while the slot is held, and its answer shows it.
	res, body := ts.send("GET", "/api/file?path="+contactPath, "")
	expect(t, res, body, 200, "")
	res, body = ts.send("POST", "/api/setStatus", fmt.Sprintf(`{"path":%q,"status":"pending","etag":%q}`, contactPath, responseETag(t, res)))
	expect(t, res, body, 200, "")
	if !strings.Contains(string(body), `"status":"pending"`) {
		t.Fatalf("the change's answer does not show it: %s", body)
	}
	// A request after the change does not join the computation begun before it.
	fresh := make(chan []byte, 1)
	go func() {
		_, body := ts.send("GET", "/api/state", "")
		fresh <- body
	}()
	waitFor(t, func() bool { return waiters(ts) == 1 })
	release()
	<-old
	var st console.State
	decodeJSON(t, <-fresh, &st)
	for _, sess := range st.Disk.Sessions {
		if sess.Path == contactPath && sess.Status != core.StatusPending {
			t.Errorf("the state after the change shows %s %s", sess.Path, sess.Status)
		}
	}
}

// Requests that read the whole folder take a slot each; one that finds none in time is answered 503 with
// Retry-After, and reads nothing. A change is still made and answered.
func TestHeavyRequestsAreBounded(t *testing.T) {
	ts := startFolder(t, Config{MaxHeavy: 1, Timeouts: Timeouts{Busy: 100 * time.Millisecond}})
	release := holdSlot(t, ts)
	for _, rt := range []struct{ method, target, body string }{
		{"GET", "/api/download", ""},
		{"GET", "/api/state", ""},
		{"POST", "/api/state", "{}"},
		{"POST", "/api/refresh", "{}"},
		{"POST", "/api/restart", "{}"},
	} {
		res, body := ts.send(rt.method, rt.target, rt.body)
		expect(t, res, body, 503, "busy")
		if res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 503 without Retry-After", rt.method, rt.target)
		}
	}
	res, body := ts.send("PUT", "/api/file?path="+contactPath, sampleSession(t, ts), "If-Match", "*")
	expect(t, res, body, 200, "")
	// A change of language says the rows again from what the engine knows: it reads nothing, and needs no slot.
	res, body = ts.send("POST", "/api/setLang", `{"lang":"fr"}`)
	expect(t, res, body, 200, "")
	release()
	res, body = ts.send("GET", "/api/download", "")
	expect(t, res, body, 200, "")
}

// The download is written as it is read (no Content-Length: nothing is built whole first) and is the folder.
// A file that cannot be read before the first byte is an error answered as such; one that fails after it cuts
// the download, which the client sees broken, never as a zip that ends cleanly without the rest.
func TestDownloadStreams(t *testing.T) {
	dir := copySample(t)
	big := make([]byte, 256<<10) // incompressible: the bytes of the first file leave before the next is read
	rand.Read(big)
	if err := os.MkdirAll(filepath.Join(dir, "!first"), 0o755); err != nil { // "!" sorts first
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "!first", "blob.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	var failing sync.Map // name → error of opening it
	fsys := &failingFs{Fs: afero.NewOsFs(), fail: &failing}
	ts := startFolder(t, Config{Dir: dir, Fs: fsys})

	res, body := ts.send("GET", "/api/download", "")
	expect(t, res, body, 200, "")
	if res.ContentLength >= 0 || res.Header.Get("Content-Type") != "application/zip" {
		t.Errorf("Content-Length %d, Content-Type %q: want a stream of a zip", res.ContentLength, res.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	if f, err := zr.Open("MobileApps/" + contactPath); err != nil {
		t.Errorf("the zip lacks %s: %v", contactPath, err)
	} else {
		f.Close()
	}

	// The first file fails: nothing was sent, and the error is the answer.
	failing.Store(filepath.Join(dir, "!first", "blob.bin"), fs.ErrPermission)
	res, body = ts.send("GET", "/api/download", "")
	if res.StatusCode < 400 || !strings.Contains(string(body), `"error"`) {
		t.Errorf("a failure before the first byte: %d %.200q", res.StatusCode, body)
	}
	failing.Delete(filepath.Join(dir, "!first", "blob.bin"))

	// A later file fails: the download is cut.
	failing.Store(filepath.Join(dir, contactPath), fs.ErrPermission)
	res2, err := ts.client.Do(ts.request("GET", "/api/download", nil))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(res2.Body)
	res2.Body.Close()
	if res2.StatusCode != 200 || len(data) < len(big) {
		t.Fatalf("status %d, %d bytes: the first file was not sent before the failure", res2.StatusCode, len(data))
	}
	if err == nil {
		t.Errorf("the download of %d bytes ended cleanly", len(data))
	}
	if _, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data))); zerr == nil {
		t.Errorf("a download cut short reads as a whole zip")
	}
}

// failingFs fails the open of the files named in fail, with the error stored there.
type failingFs struct {
	afero.Fs
	fail *sync.Map
}

func (f *failingFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if err, ok := f.fail.Load(name); ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err.(error)}
	}
	return f.Fs.OpenFile(name, flag, perm)
}

// What the client gets wrong is a 4xx, never a 500: a name longer than any file system keeps, a body that does
// not arrive in time, parameters followed by more, text that is not UTF-8 (a lone surrogate, which JSON can
// carry), a folder holding a path too long to be read.
func TestClientErrorsAre4xx(t *testing.T) {
	ts := startFolder(t, Config{Timeouts: Timeouts{Read: 300 * time.Millisecond}})
	long := strings.Repeat("a", 300)
	before := folderTree(t, ts.dir)
	for _, c := range []struct {
		method, target, body string
		status               int
	}{
		{"GET", "/api/file?path=" + contactApp + "/" + long, "", 400},
		{"GET", "/api/file?path=" + long + "/abcd", "", 400},
		{"PUT", "/api/file?path=" + contactApp + "/" + long, "{}", 400},
		{"DELETE", "/api/file?path=" + long, "", 400},
		{"POST", "/api/read", `{"path":"` + contactApp + "/" + long + `"}`, 400},
		{"POST", "/api/create", `{"applicationId":"` + long + `","status":"pending"}`, 400},
		{"POST", "/api/refresh", `{} {}`, 400},
		{"POST", "/api/read", `{"path":"` + contactPath + `"}x`, 400},
		{"POST", "/api/write", `{"path":"` + contactPath + `","content":"{\"a\": \"\ud800\"}"}`, 400},
		{"POST", "/api/write", `{"path":"` + contactPath + `","content":"{\"a\": \"` + "\xff" + `\"}"}`, 400},
	} {
		res, body := ts.send(c.method, c.target, c.body, "If-Match", "*")
		expect(t, res, body, c.status, "input")
	}
	if after := folderTree(t, ts.dir); !maps.Equal(before, after) {
		t.Error("a refused request changed the folder")
	}

	// A body that stops coming: 408, not 500.
	conn, err := net.Dial("tcp", ts.host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/refresh HTTP/1.1\r\nHost: %s\r\nX-Mobisess-Token: %s\r\nOrigin: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
		ts.host, ts.srv.token, ts.url)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	expect(t, withRequest(res, "POST", "/api/refresh"), body, 408, "input")
}

func withRequest(res *http.Response, method, target string) *http.Response {
	res.Request, _ = http.NewRequest(method, "http://x"+target, nil)
	return res
}

// holdSlot takes the server's only slot for whole-folder requests until the returned function gives it back.
func holdSlot(t *testing.T, ts *testServer) func() {
	t.Helper()
	release, err := ts.srv.heavySlot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	done := func() { once.Do(release) }
	t.Cleanup(done)
	return done
}

// waiters is how many requests wait for the state computation under way.
func waiters(ts *testServer) int32 {
	ss := &ts.srv.states
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.flight == nil {
		return 0
	}
	return ss.flight.waiters.Load()
}

func responseETag(t *testing.T, res *http.Response) string {
	t.Helper()
	etag := strings.Trim(res.Header.Get("ETag"), `"`)
	if etag == "" {
		t.Fatal("no ETag")
	}
	return etag
}

func sampleSession(t *testing.T, ts *testServer) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ts.dir, contactPath))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
