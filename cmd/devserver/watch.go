package main

import (
	"context"
	"errors"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

// The watcher is a hybrid. Change notifications (fsnotify: inotify, ReadDirectoryChangesW, kqueue) on the root,
// its parent and each app folder tell of a change at once, and only the paths they name are looked at again.
// A full rescan (one readdir per app folder, one lstat per file, no reads) still runs, paced from the cost of
// the last one (rescanBudget), because notifications alone miss things:
//   - they watch directories, not trees: each app folder 4D creates later needs its own watch, added after a
//     race with the files written into it, and a deleted-and-recreated root needs a watch on its parent;
//   - on macOS (where 4D developers work) kqueue holds a file descriptor per watched file, so a folder of
//     thousands of sessions would exhaust the process's limit: big app folders are left to the rescans there;
//   - inotify sees nothing of changes made by another machine on a shared folder (SMB, NFS, a VM's mount),
//     which is where a 4D Server's MobileApps folder often sits, and its queue overflows under a burst.
// Where notifications cannot be had at all (another file system than the disk's, no inotify instance left),
// the watcher polls every interval, as a rescan alone.

// watchWindow is how recent a modification time must be for the watcher to also hash the file: two writes
// within a file system's timestamp granularity (1 s on HFS+, 2 s on FAT) can leave size and mtime equal.
const watchWindow = 3 * time.Second

// maxHashed bounds what the watcher reads of a recently modified file; session files are about 1 KB.
const maxHashed = 8 << 20

// stamp is what the watcher remembers of one entry.
type stamp struct {
	dir    bool
	mode   fs.FileMode
	size   int64
	mtime  int64
	hashed bool
	sum    uint64
}

func (a stamp) same(b stamp) bool {
	if a.dir || b.dir {
		// A folder's own mtime changes with every file written in it; its files are compared one by one.
		return a.dir == b.dir
	}
	if a.mode != b.mode || a.size != b.size || a.mtime != b.mtime {
		return false
	}
	return !a.hashed || !b.hashed || a.sum == b.sum
}

// snapshot maps the paths under the root ("app", "app/file", "root-file") to their stamps.
type snapshot map[string]stamp

type watcher struct {
	fs       afero.Fs
	root     string
	interval time.Duration // between polls without notifications; the least time between rescans with them
	now      func() time.Time
	onChange func(paths []string, tab string)
	logf     func(format string, args ...any)
	lose     func(fsnotify.Event) bool // tests: the notifications to lose, as a system may

	// Only run's goroutine (and the first poll, before it) touches these.
	prev     snapshot // the last good scan, nil until one succeeds
	failing  bool
	scanCost time.Duration   // of the last full scan: wall or CPU time, whichever is more
	notify   *notifier       // nil when polling
	recheck  map[string]bool // paths held back while a change was under way, looked at again when it ends
	dirty    map[string]bool // paths notifications named, looked at once they settle

	// The changes the API makes are announced as the changes of the tab that asked for them, which has their
	// result and ignores them; every other page is told as of any change. mu guards what the watcher knows of
	// them; it is never held across a scan or an engine call.
	mu       sync.Mutex
	inflight map[int]apiChange      // changes under way
	lastID   int                    // of the last change begun
	gen      uint64                 // counts the changes ended
	expect   map[string]expectation // the state each change left, until a scan begun after it is compared
	ended    chan struct{}          // signalled when a change ends, so that what it held back is looked at
}

// apiChange is a change made through the API, under way: what it may touch (the console's method says), and the
// tab that asked for it.
type apiChange struct {
	touches []console.Touch
	tab     string
}

// expectation is the state a path is in after a change made through the API: a look that finds exactly
// that does not report it. Gone covers the path and everything under it ("" is the root).
type expectation struct {
	gen  uint64
	gone bool
	st   stamp
	tab  string
}

// poll scans the whole folder and returns what changed since the last look, by the tab whose API change made it
// ("" for a change made on disk). A path that a change under way may touch is held back: looked at again when
// that change has said what it left.
func (w *watcher) poll() map[string][]string {
	w.mu.Lock()
	begun := w.gen
	w.mu.Unlock()
	started, cpu := time.Now(), processCPU()
	next, err := w.scan(w.prev)
	w.scanCost = max(time.Since(started), processCPU()-cpu)
	if err != nil {
		if !w.failing {
			w.logf("watching %s: %v (retrying)", w.root, err)
		}
		w.failing = true
		return nil // unknown is not deleted: keep the last good listing
	}
	if w.failing {
		w.logf("watching %s again", w.root)
		w.failing = false
	}
	if w.notify != nil {
		w.notify.follow(w.prev, next)
	}
	prev := w.prev
	w.prev = next
	if prev == nil {
		return nil
	}
	return w.tagged(prev, next, changedPaths(prev, next), begun, nil)
}

// check looks again at the paths named (by notifications, or held back while a change was under way) and
// returns what changed, as poll does. A name that may stand for more than it says (the root, a folder's
// event queue that overflowed) is a full scan.
func (w *watcher) check(paths map[string]bool) map[string][]string {
	if w.prev == nil || paths[""] || len(paths) > maxChecked {
		return w.poll()
	}
	w.mu.Lock()
	begun := w.gen
	w.mu.Unlock()
	recent := w.clock().Add(-watchWindow).UnixNano()
	before, after := snapshot{}, snapshot{}
	for p := range paths {
		full := filepath.Join(w.root, filepath.FromSlash(p))
		_, _, nested := strings.Cut(p, "/")
		if nested {
			if st, ok := w.prev[p]; ok {
				before[p] = st
			}
			if info, err := lstat(w.fs, full); err == nil {
				after[p] = w.stampOf(full, info, recent)
			} else if !errors.Is(err, fs.ErrNotExist) {
				delete(before, p) // unknown is not deleted
			}
			continue
		}
		// An entry of the root: itself and, for a folder, what it holds, listed after its watch is in place.
		info, err := lstat(w.fs, full)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		for k, st := range w.prev {
			if k == p || strings.HasPrefix(k, p+"/") {
				before[k] = st
			}
		}
		if err != nil {
			continue
		}
		after[p] = w.stampOf(full, info, recent)
		if !info.IsDir() {
			continue
		}
		if w.notify != nil {
			w.notify.watchApp(p, -1)
		}
		files, err := readDirInfo(w.fs, full)
		if errors.Is(err, fs.ErrNotExist) {
			delete(after, p)
			continue
		}
		if err != nil {
			for k, st := range before {
				after[k] = st // unreadable for now: keep what was known
			}
			continue
		}
		for _, f := range files {
			if !hidden(f.Name()) {
				after[p+"/"+f.Name()] = w.stampOf(filepath.Join(full, f.Name()), f, recent)
			}
		}
	}
	return w.tagged(before, after, changedPaths(before, after), begun, paths)
}

// maxChecked is how many paths named at once are looked at one by one; more is a full scan.
const maxChecked = 4096

// tagged sorts the changed paths by the tab whose change made them and brings w.prev up to date with next for
// each of them, except those held back for a change under way (looked at again when it ends). The
// expectations a look begun after their change has compared are spent: all of them after a full scan (looked
// is nil), those under the paths looked at otherwise.
func (w *watcher) tagged(prev, next snapshot, changed map[string]bool, begun uint64, looked map[string]bool) map[string][]string {
	byTab := map[string]map[string]bool{}
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range changed {
		if w.held(p) {
			if w.recheck == nil {
				w.recheck = map[string]bool{}
			}
			w.recheck[p] = true
			if st, ok := prev[p]; ok {
				w.prev[p] = st
			} else {
				delete(w.prev, p)
			}
			continue
		}
		if looked != nil {
			if st, ok := next[p]; ok {
				w.prev[p] = st
			} else {
				delete(w.prev, p)
			}
		}
		tab, _ := w.expected(p, next)
		if byTab[tab] == nil {
			byTab[tab] = map[string]bool{}
		}
		byTab[tab][p] = true
	}
	for p, e := range w.expect {
		if e.gen <= begun && !w.held(p) && (looked == nil || lookedAt(looked, p)) {
			delete(w.expect, p)
		}
	}
	out := map[string][]string{}
	for tab, paths := range byTab {
		out[tab] = collapse(paths)
	}
	return out
}

// lookedAt says whether p is one of the paths looked at, or under one of them.
func lookedAt(looked map[string]bool, p string) bool {
	app, _, nested := strings.Cut(p, "/")
	return looked[p] || nested && looked[app]
}

func (w *watcher) held(p string) bool {
	for _, c := range w.inflight {
		for _, t := range c.touches {
			if t.Covers(p) {
				return true
			}
		}
	}
	return false
}

// expected says whether a path's state in next is the one an API change left, and the tab that asked for it.
func (w *watcher) expected(p string, next snapshot) (tab string, ok bool) {
	st, present := next[p]
	if e, ok := w.expect[p]; ok && e.gone != present && (e.gone || e.st.same(st)) {
		return e.tab, true
	}
	if present {
		return "", false
	}
	for k, e := range w.expect {
		if e.gone && (console.Touch{Path: k, Subtree: true}).Covers(p) {
			return e.tab, true
		}
	}
	return "", false
}

// begin announces a change made through the API for a page's tab that may touch these paths; end says which
// paths it did change (none when it failed).
func (w *watcher) begin(touches []console.Touch, tab string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.inflight == nil {
		w.inflight = map[int]apiChange{}
	}
	w.lastID++
	w.inflight[w.lastID] = apiChange{touches, tab}
	return w.lastID
}

func (w *watcher) end(id int, paths []string) {
	// What the change left is read before taking the lock: it is on disk already.
	type result struct {
		path string
		e    expectation
	}
	var results []result
	recent := w.clock().Add(-watchWindow).UnixNano()
	for _, p := range paths {
		for _, q := range []string{p, parentOf(p)} {
			if q == "" && p != "" {
				continue
			}
			full := filepath.Join(w.root, filepath.FromSlash(q))
			info, err := lstat(w.fs, full)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				results = append(results, result{q, expectation{gone: true}})
			case err == nil && q != "":
				results = append(results, result{q, expectation{st: w.stampOf(full, info, recent)}})
			}
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	tab := w.inflight[id].tab
	delete(w.inflight, id)
	w.gen++
	if w.expect == nil {
		w.expect = map[string]expectation{}
	}
	for _, r := range results {
		r.e.gen, r.e.tab = w.gen, tab
		w.expect[r.path] = r.e
	}
	select {
	case w.endedLocked() <- struct{}{}:
	default: // already signalled: one look serves both
	}
}

// endedLocked is the channel end signals on; w.mu is held.
func (w *watcher) endedLocked() chan struct{} {
	if w.ended == nil {
		w.ended = make(chan struct{}, 1)
	}
	return w.ended
}

func parentOf(p string) string {
	app, _, _ := strings.Cut(p, "/")
	return app
}

func (w *watcher) clock() time.Time {
	if w.now != nil {
		return w.now()
	}
	return time.Now()
}

func lstat(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		info, _, err := l.LstatIfPossible(name)
		return info, err
	}
	return fsys.Stat(name)
}

// scan lists the root and its app folders. A missing root is an empty snapshot (it may come back); a root
// that cannot be read is an error. An app folder that cannot be read keeps its previous entries.
func (w *watcher) scan(prev snapshot) (snapshot, error) {
	snap := snapshot{}
	entries, err := readDirInfo(w.fs, w.root)
	if errors.Is(err, fs.ErrNotExist) {
		return snap, nil
	}
	if err != nil {
		return nil, err
	}
	recent := w.clock().Add(-watchWindow).UnixNano()
	for _, e := range entries {
		if hidden(e.Name()) {
			continue
		}
		name := e.Name()
		snap[name] = w.stampOf(filepath.Join(w.root, name), e, recent)
		if !snap[name].dir {
			continue
		}
		files, err := readDirInfo(w.fs, filepath.Join(w.root, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			delete(snap, name) // gone between the two reads: the next poll sees it gone
			continue
		case err != nil:
			for p, st := range prev {
				if strings.HasPrefix(p, name+"/") {
					snap[p] = st
				}
			}
			continue
		}
		for _, f := range files {
			if hidden(f.Name()) {
				continue
			}
			snap[name+"/"+f.Name()] = w.stampOf(filepath.Join(w.root, name, f.Name()), f, recent)
		}
	}
	return snap, nil
}

// hidden entries are never sessions, and they churn: the temporary files of atomic writes, .DS_Store.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

func (w *watcher) stampOf(full string, info fs.FileInfo, recent int64) stamp {
	st := stamp{dir: info.IsDir(), mode: info.Mode(), size: info.Size(), mtime: info.ModTime().UnixNano()}
	if st.mode.IsRegular() && st.mtime >= recent {
		if sum, ok := hashFile(w.fs, full); ok {
			st.hashed, st.sum = true, sum
		}
	}
	return st
}

func hashFile(fsys afero.Fs, name string) (uint64, bool) {
	f, err := core.OpenRegular(fsys, name) // a pipe swapped in must not block the watcher
	if err != nil {
		return 0, false
	}
	defer f.Close()
	h := fnv.New64a()
	if _, err := io.Copy(h, io.LimitReader(f, maxHashed)); err != nil {
		return 0, false
	}
	return h.Sum64(), true
}

// readDirInfo lists a directory without following links (os.File.Readdir uses lstat), and without waiting on a
// named pipe that replaced it since it was listed (core.OpenDir).
func readDirInfo(fsys afero.Fs, dir string) ([]os.FileInfo, error) {
	f, err := core.OpenDir(fsys, dir, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdir(-1)
}

// changedPaths are the paths added, removed or changed.
func changedPaths(prev, next snapshot) map[string]bool {
	changed := map[string]bool{}
	for p, a := range prev {
		if b, ok := next[p]; !ok || !a.same(b) {
			changed[p] = true
		}
	}
	for p := range next {
		if _, ok := prev[p]; !ok {
			changed[p] = true
		}
	}
	return changed
}

// collapse sorts the changed paths; a folder that appeared or vanished is named alone, not with each of its
// files.
func collapse(changed map[string]bool) []string {
	paths := make([]string, 0, len(changed))
	for p := range changed {
		if app, _, nested := strings.Cut(p, "/"); nested && changed[app] {
			continue
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// tellEngine tells the engine of the changes made on disk behind its back (tab ""), so that what it knows of each
// path, and the counts its answers carry, follow the folder: those paths alone are read again. The changes made
// through the API it made itself, and knows.
func (s *Server) tellEngine(paths []string, tab string) {
	if tab != "" {
		return
	}
	if _, err := s.ws.Changed(context.Background(), paths); err != nil {
		s.logf("reading the changes of %s: %v", s.cfg.Dir, err)
	}
}
