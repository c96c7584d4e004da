package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
)

// watchers are the ways the server learns of changes on disk: by polling alone (where the file system gives no
// notifications), and by notifications alone (rescans an hour apart).
var watchers = []struct {
	name string
	cfg  Config
}{
	{"polling", Config{Fs: struct{ afero.Fs }{afero.NewOsFs()}, Poll: 20 * time.Millisecond}},
	{"notified", Config{Poll: time.Hour}},
}

// A change made behind the server's back reaches the page as a `disk` event within the bounded wait.
func TestEventsDisk(t *testing.T) {
	for _, wt := range watchers {
		t.Run(wt.name, func(t *testing.T) {
			// A ReadTimeout shorter than the test: the stream must outlive it (the server clears it for streams).
			cfg := wt.cfg
			cfg.Timeouts = Timeouts{Read: 300 * time.Millisecond}
			testEventsDisk(t, cfg)
		})
	}
}

func testEventsDisk(t *testing.T, cfg Config) {
	ts := startFolder(t, cfg)
	ev := ts.openEvents()
	time.Sleep(400 * time.Millisecond) // past the ReadTimeout

	// Someone edits a session file.
	file := filepath.Join(ts.dir, contactPath)
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), `"email": ""`, `"email": "x@y.z"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "disk", newsWait, hasPath(contactPath))

	// 4D writes a session into an app folder that did not exist.
	rel, err := core.CreateSession(afero.NewOsFs(), ts.dir, core.NewSession{ApplicationID: "com.example.later", TeamID: "TEAM123456", Status: "pending"})
	if err != nil {
		t.Fatal(err)
	}
	app := strings.Split(rel, "/")[0]
	ev.next(t, "disk", newsWait, hasPath(app))
	// …and then another one into it: the new folder is watched too.
	rel2, err := core.CreateSession(afero.NewOsFs(), ts.dir, core.NewSession{ApplicationID: "com.example.later", TeamID: "TEAM123456", Status: "pending"})
	if err != nil {
		t.Fatal(err)
	}
	ev.next(t, "disk", newsWait, hasPath(rel2))

	// The whole root is deleted, then created again.
	if err := os.RemoveAll(ts.dir); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "disk", newsWait, hasPath(app, contactApp))
	if err := os.MkdirAll(filepath.Join(ts.dir, "com.example.back"), 0o755); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "disk", newsWait, hasPath("com.example.back"))
	if err := os.WriteFile(filepath.Join(ts.dir, "com.example.back", "abc123"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "disk", newsWait, hasPath("com.example.back/abc123"))

	// An app folder removed.
	if err := os.RemoveAll(filepath.Join(ts.dir, "com.example.back")); err != nil {
		t.Fatal(err)
	}
	got := ev.next(t, "disk", newsWait, hasPath("com.example.back"))
	var de diskEvent
	json.Unmarshal([]byte(got.data), &de)
	if len(de.Paths) != 1 {
		t.Errorf("a removed folder is named alone, got %v", de.Paths)
	}
}

// With -auto-refresh the server refreshes on each change and pushes the report after the disk event.
func TestEventsAutoRefresh(t *testing.T) {
	ts := startFolder(t, Config{AutoRefresh: true})
	ev := ts.openEvents()
	file := filepath.Join(ts.dir, contactPath)
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), `"accepted"`, `"pending"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "disk", newsWait, hasPath(contactPath))
	got := ev.next(t, "refresh", newsWait, nil)
	var rep struct {
		core.RefreshReport
		UnchangedCount *int `json:"unchangedCount"`
	}
	decodeJSON(t, []byte(got.data), &rep)
	if len(rep.Updated) != 1 || rep.Updated[0].Path != contactPath || rep.UnchangedCount == nil || *rep.UnchangedCount != len(rep.Unchanged) {
		t.Fatalf("refresh event: %s", got.data)
	}
	// The memory was refreshed: nothing is pending for that file any more.
	res, body := ts.send("GET", "/api/state", "")
	expect(t, res, body, 200, "")
	var st stateDoc
	decodeJSON(t, body, &st)
	if len(st.Pending.Updated) != 0 {
		t.Fatalf("after the auto-refresh, pending %+v", st.Pending.Updated)
	}
}

// The number of streams is bounded; a reconnecting page gets what it missed, or is told to start over.
func TestEventsStreams(t *testing.T) {
	ts := startFolder(t, Config{MaxStreams: 2, Poll: time.Hour})
	a := ts.openEvents()
	ts.openEvents()
	res, body := ts.send("GET", "/api/events", "")
	expect(t, res, body, 503, "internal")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a refused stream")
	}

	ts.srv.hub.publish("disk", diskEvent{Paths: []string{"one"}})
	first := a.next(t, "disk", newsWait, hasPath("one"))
	ts.srv.hub.publish("disk", diskEvent{Paths: []string{"two"}})
	a.next(t, "disk", newsWait, hasPath("two"))
	a.res.Body.Close()
	waitFor(t, func() bool { return ts.srv.hub.streams() < 2 })

	// Reconnect after "one": "two" is replayed.
	b := ts.openEvents("Last-Event-ID", first.id)
	b.next(t, "disk", newsWait, hasPath("two"))
	b.res.Body.Close()
	waitFor(t, func() bool { return ts.srv.hub.streams() < 2 })

	// An id from another run of the server: start over.
	c := ts.openEvents("Last-Event-ID", "00000000.3")
	got := c.next(t, "disk", newsWait, nil)
	var de diskEvent
	decodeJSON(t, []byte(got.data), &de)
	if !de.Resync {
		t.Fatalf("a stale Last-Event-ID: %s, want resync", got.data)
	}
}

// Shutting down ends the streams instead of waiting for them.
func TestShutdown(t *testing.T) {
	ts := startFolder(t, Config{Timeouts: Timeouts{Shutdown: 10 * time.Second}})
	ev := ts.openEvents()
	start := time.Now()
	if err := ts.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("shutdown took %v: the stream held it", d)
	}
	select {
	case _, open := <-ev.events:
		for open {
			_, open = <-ev.events
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream is still open after shutdown")
	}
	if _, err := http.Get(ts.url + "/"); err == nil {
		t.Fatal("the server still answers after shutdown")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5 s")
}

// Changes made through the API are no news to the tab that made them, which has the result: they come tagged with
// that tab (hasPath, as a page, ignores them). A change made on disk right after one of them is news.
func TestEventsOwnChanges(t *testing.T) {
	for _, wt := range watchers {
		t.Run(wt.name, func(t *testing.T) { testEventsOwnChanges(t, wt.cfg) })
	}
}

func testEventsOwnChanges(t *testing.T, cfg Config) {
	ts := startFolder(t, cfg)
	ev := ts.openEvents()
	res, body := ts.send("GET", "/api/file?path="+contactPath, "")
	expect(t, res, body, 200, "")
	var f fileDoc
	decodeJSON(t, body, &f)
	edited := strings.Replace(f.Content, `"email": ""`, `"email": "page@example.com"`, 1)
	res, body = ts.send("PUT", "/api/file?path="+contactPath, edited, "If-Match", `"`+f.ETag+`"`)
	expect(t, res, body, 200, "")
	res, body = ts.send("POST", "/api/create", `{"applicationId":"com.example.own","status":"pending"}`)
	expect(t, res, body, 200, "")
	var created fileAndDelta
	decodeJSON(t, body, &created)
	res, body = ts.send("POST", "/api/setStatus", `{"path":"`+contactPath+`","status":"pending"}`)
	expect(t, res, body, 200, "")
	res, body = ts.send("DELETE", "/api/file?path=com.sample.myappname", "")
	expect(t, res, body, 200, "")

	// A change made on disk after them, so that every event of the tab's changes is read. A scan lists one app
	// folder after another, so it can see the sentinel before it sees an app folder that the API deleted just
	// before: events are read until both are in.
	sentinel := contactApp + "/sentinel" // a name 4D could have written: the delete of everything below takes it
	os.WriteFile(filepath.Join(ts.dir, sentinel), []byte("x"), 0o644)
	tagged := map[string]bool{} // what other pages are told of the tab's changes: each must come tagged with the tab
	sawSentinel := false
	for !sawSentinel || !tagged[contactPath] || !tagged["com.sample.myappname"] {
		got := ev.next(t, "disk", newsWait, nil)
		for _, own := range []string{contactPath, created.File.Path, "com.example.own", "com.sample.myappname"} {
			if hasPath(own)(got.data) {
				t.Fatalf("the API's own change %s was announced as news to its tab: %s", own, got.data)
			}
		}
		var d diskEvent
		decodeJSON(t, []byte(got.data), &d)
		for _, p := range d.Paths {
			tagged[p] = tagged[p] || d.Tab == pageTab
		}
		sawSentinel = sawSentinel || hasPath(sentinel)(got.data)
	}
	// Saved through the API, then changed on disk at once: announced.
	res, body = ts.send("PUT", "/api/file?path="+contactPath, edited, "If-Match", "*")
	expect(t, res, body, 200, "")
	os.WriteFile(filepath.Join(ts.dir, contactPath), []byte(strings.Replace(edited, "page@", "disk@", 1)), 0o644)
	ev.next(t, "disk", newsWait, hasPath(contactPath))

	// Everything removed through the API: not news either.
	res, body = ts.send("DELETE", "/api/file?path=", "")
	expect(t, res, body, 200, "")
	os.MkdirAll(filepath.Join(ts.dir, "com.example.after"), 0o755)
	got := ev.next(t, "disk", newsWait, hasPath("com.example.after"))
	if hasPath(contactApp)(got.data) {
		t.Fatalf("the API's removal was announced: %s", got.data)
	}
}

// streams is how many event streams are open.
func (h *hub) streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
