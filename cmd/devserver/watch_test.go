package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

func TestDiffSnapshots(t *testing.T) {
	file := func(size, mtime int64) stamp { return stamp{mode: 0o644, size: size, mtime: mtime} }
	dir := stamp{dir: true, mode: os.ModeDir | 0o755}
	for _, c := range []struct {
		name       string
		prev, next snapshot
		want       []string
	}{
		{"nothing", snapshot{"a": dir, "a/1": file(1, 1)}, snapshot{"a": dir, "a/1": file(1, 1)}, []string{}},
		{"edited (size)", snapshot{"a": dir, "a/1": file(1, 1)}, snapshot{"a": dir, "a/1": file(2, 1)}, []string{"a/1"}},
		{"edited (mtime)", snapshot{"a": dir, "a/1": file(1, 1)}, snapshot{"a": dir, "a/1": file(1, 2)}, []string{"a/1"}},
		{"edited (same stat, other bytes)",
			snapshot{"a/1": {mode: 0o644, size: 1, mtime: 1, hashed: true, sum: 1}}, snapshot{"a/1": {mode: 0o644, size: 1, mtime: 1, hashed: true, sum: 2}}, []string{"a/1"}},
		{"hash aged out", snapshot{"a/1": {mode: 0o644, size: 1, mtime: 1, hashed: true, sum: 1}}, snapshot{"a/1": file(1, 1)}, []string{}},
		{"a folder's mtime is not a change", snapshot{"a": dir}, snapshot{"a": {dir: true, mtime: 5}}, []string{}},
		{"file added", snapshot{"a": dir}, snapshot{"a": dir, "a/2": file(1, 1)}, []string{"a/2"}},
		{"file removed", snapshot{"a": dir, "a/2": file(1, 1)}, snapshot{"a": dir}, []string{"a/2"}},
		{"folder added with files", snapshot{}, snapshot{"b": dir, "b/1": file(1, 1), "b/2": file(1, 1)}, []string{"b"}},
		{"folder removed with files", snapshot{"b": dir, "b/1": file(1, 1), "c": file(1, 1)}, snapshot{}, []string{"b", "c"}},
		{"file became folder", snapshot{"a": file(1, 1)}, snapshot{"a": dir}, []string{"a"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := diffSnapshots(c.prev, c.next); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// Two writes of the same size within the file system's timestamp granularity leave the same stat: the watcher
// hashes recently modified files to tell them apart.
func TestScanSameStat(t *testing.T) {
	root := t.TempDir()
	name := filepath.Join(root, "app", "abc")
	os.MkdirAll(filepath.Dir(name), 0o755)
	when := time.Now().Truncate(time.Second)
	os.WriteFile(name, []byte("version-1"), 0o644)
	os.Chtimes(name, when, when)
	w := &watcher{fs: afero.NewOsFs(), root: root, now: func() time.Time { return when.Add(500 * time.Millisecond) }}
	before, err := w.scan(nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(name, []byte("version-2"), 0o644)
	os.Chtimes(name, when, when)
	after, err := w.scan(before)
	if err != nil {
		t.Fatal(err)
	}
	if got := diffSnapshots(before, after); !reflect.DeepEqual(got, []string{"app/abc"}) {
		t.Fatalf("got %v", got)
	}
}

// Hidden entries (atomic-write temporaries, .DS_Store) and links are not followed nor reported; a missing
// root is an empty listing.
func TestScanSkips(t *testing.T) {
	root := filepath.Join(t.TempDir(), "MobileApps")
	w := &watcher{fs: afero.NewOsFs(), root: root}
	snap, err := w.scan(nil)
	if err != nil || len(snap) != 0 {
		t.Fatalf("missing root: %v %v", snap, err)
	}
	os.MkdirAll(filepath.Join(root, "app"), 0o755)
	os.WriteFile(filepath.Join(root, "app", ".abc.tmp-123"), nil, 0o644)
	os.WriteFile(filepath.Join(root, ".DS_Store"), nil, 0o644)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "abc"), nil, 0o644)
	os.Symlink(outside, filepath.Join(root, "link"))
	snap, err = w.scan(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap) != 2 || !snap["app"].dir || snap["link"].dir {
		t.Fatalf("snapshot %v", snap)
	}
}

// BenchmarkScan measures one poll of a folder of 1000 sessions in 10 app folders.
func BenchmarkScan(b *testing.B) {
	root := b.TempDir()
	fsys := afero.NewOsFs()
	for i := 0; i < 1000; i++ {
		if _, err := core.CreateSession(fsys, root, core.NewSession{ApplicationID: fmt.Sprintf("com.example.app%d", i%10), Status: "accepted"}); err != nil {
			b.Fatal(err)
		}
	}
	// Age the files so that the poll does not hash them, as for a folder at rest.
	old := time.Now().Add(-time.Hour)
	filepath.Walk(root, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	w := &watcher{fs: fsys, root: root}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.scan(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The API's own changes are held back while under way, and once done told as the changes of the tab that asked
// for them; a change on disk right after one is told as the disk's.
func TestWatcherOwnChanges(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "app", "abc")
	os.MkdirAll(filepath.Dir(file), 0o755)
	os.WriteFile(file, []byte("v0"), 0o644)
	w := &watcher{fs: afero.NewOsFs(), root: root, logf: t.Logf}
	poll := func(want map[string][]string) {
		t.Helper()
		if got := w.poll(); (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
			t.Fatalf("poll: %v, want %v", got, want)
		}
	}
	ours := []console.Touch{{Path: "app/abc"}, {Path: "app"}}
	byTab := func(paths ...string) map[string][]string { return map[string][]string{"tab1": paths} }
	onDisk := func(paths ...string) map[string][]string { return map[string][]string{"": paths} }
	poll(nil)

	// Seen while under way: held back; then the tab's.
	id := w.begin(ours, "tab1")
	os.WriteFile(file, []byte("v1-ours"), 0o644)
	poll(nil)
	w.end(id, []string{"app/abc"})
	poll(byTab("app/abc"))

	// A poll between the start of a change and its write, then the write.
	id = w.begin(ours, "tab1")
	poll(nil)
	os.WriteFile(file, []byte("v2-ours"), 0o644)
	w.end(id, []string{"app/abc"})
	poll(byTab("app/abc"))

	// Ours, then someone else's: the disk's.
	id = w.begin(ours, "tab1")
	os.WriteFile(file, []byte("v3-ours"), 0o644)
	w.end(id, []string{"app/abc"})
	os.WriteFile(file, []byte("v4-theirs"), 0o644)
	poll(onDisk("app/abc"))

	// A failed change leaves no expectation; a change on disk during it is the disk's, told after it.
	id = w.begin(ours, "tab1")
	os.WriteFile(file, []byte("v5-theirs"), 0o644)
	poll(nil)
	w.end(id, nil)
	poll(onDisk("app/abc"))

	// Two saves of one file at once: the first lands, a poll holds the file back while the second is under
	// way, the second fails (412). The first's result is the first's tab's.
	a := w.begin(ours, "tab1")
	b := w.begin(ours, "tab2")
	os.WriteFile(file, []byte("v6-ours-a"), 0o644)
	w.end(a, []string{"app/abc"})
	poll(nil)
	w.end(b, nil)
	poll(byTab("app/abc"))

	// A folder removed through the API, one created on disk.
	id = w.begin([]console.Touch{{Path: "app", Subtree: true}}, "tab1")
	os.RemoveAll(filepath.Join(root, "app"))
	os.MkdirAll(filepath.Join(root, "other"), 0o755)
	w.end(id, []string{"app"})
	poll(map[string][]string{"": {"other"}, "tab1": {"app"}})
	poll(nil)
}

// diffSnapshots names what changed between two scans, in path order, as the watcher reports it.
func diffSnapshots(prev, next snapshot) []string {
	return collapse(changedPaths(prev, next))
}

// The rescans are paced from the cost of the last one, within their budget of a core, never closer than the
// interval.
func TestRescanPace(t *testing.T) {
	for _, c := range []struct{ cost, least, want time.Duration }{
		{time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond},
		{700 * time.Millisecond, 500 * time.Millisecond, 17500 * time.Millisecond},
		{0, time.Hour, time.Hour},
	} {
		if got := paced(c.cost, c.least); got != c.want {
			t.Errorf("paced(%v, %v) = %v, want %v", c.cost, c.least, got, c.want)
		}
	}
}

// runWatcher runs a watcher on root until the test ends and returns the changes it tells, one slice per call.
func runWatcher(t *testing.T, w *watcher) *toldLog {
	t.Helper()
	told := make(chan []string, 100)
	w.fs, w.logf = afero.NewOsFs(), t.Logf
	w.onChange = func(paths []string, tab string) { told <- paths }
	w.poll() // the server's first look
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return &toldLog{ch: told, seen: map[string]bool{}}
}

// toldLog is what a watcher told, read as the test goes.
type toldLog struct {
	ch   <-chan []string
	seen map[string]bool
}

// wait waits for the watcher to have told of want (before or during the wait), within limit.
func (l *toldLog) wait(want string, limit time.Duration) bool {
	deadline := time.After(limit)
	for !l.seen[want] {
		select {
		case paths := <-l.ch:
			for _, p := range paths {
				l.seen[p] = true
			}
		case <-deadline:
			return false
		}
	}
	return true
}

// A change whose notification is lost (a network share, an overflowed queue) is found by the next rescan.
func TestWatcherMissedEvent(t *testing.T) {
	lost := func(ev fsnotify.Event) bool { return filepath.Base(ev.Name) == "abc" }
	for _, c := range []struct {
		name     string
		interval time.Duration
		found    bool
	}{
		{"rescans an hour apart: missed", time.Hour, false},
		{"rescans 100 ms apart: found", 100 * time.Millisecond, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			os.MkdirAll(filepath.Join(root, "app"), 0o755)
			told := runWatcher(t, &watcher{root: root, interval: c.interval, lose: lost})
			time.Sleep(100 * time.Millisecond) // past the watcher's own first look
			os.WriteFile(filepath.Join(root, "app", "abc"), []byte("{}"), 0o644)
			// A change notified at once, after the lost one: told, without the lost one unless a rescan ran.
			os.WriteFile(filepath.Join(root, "app", "other"), []byte("{}"), 0o644)
			if !told.wait("app/other", 2*time.Second) {
				t.Fatal("a notified change was not told")
			}
			if got := told.wait("app/abc", time.Second); got != c.found {
				t.Fatalf("the change whose notification was lost: told %v, want %v", got, c.found)
			}
		})
	}
}

// With notifications alone (rescans an hour apart): a new app folder and the files written into it, the root
// deleted and created again, and files written into the new root are all told.
func TestWatcherNotified(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "MobileApps")
	os.MkdirAll(filepath.Join(root, "app"), 0o755)
	told := runWatcher(t, &watcher{root: root, interval: time.Hour})
	time.Sleep(100 * time.Millisecond)
	step := func(what, want string, change func() error) {
		t.Helper()
		if err := change(); err != nil {
			t.Fatal(err)
		}
		if !told.wait(want, 2*time.Second) {
			t.Fatalf("%s: %s not told", what, want)
		}
	}
	write := func(rel string) func() error {
		return func() error { return os.WriteFile(filepath.Join(root, rel), []byte("{}"), 0o644) }
	}
	step("a file written", "app/one", write("app/one"))
	step("a new app folder", "new", func() error { return os.Mkdir(filepath.Join(root, "new"), 0o755) })
	step("a file in the new app folder", "new/two", write("new/two"))
	step("the root deleted", "app", func() error { return os.RemoveAll(root) })
	step("the root created again", "back", func() error { return os.MkdirAll(filepath.Join(root, "back"), 0o755) })
	step("a file in the new root", "back/three", write("back/three"))
	step("an atomic write", "back/three", func() error {
		tmp := filepath.Join(root, "back", ".three.tmp")
		if err := os.WriteFile(tmp, []byte(`{"a":1}`), 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, filepath.Join(root, "back", "three"))
	})
}
