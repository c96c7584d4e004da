package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/afero"
)

// rescanBudget is the share of a core the full rescans may take while notifications tell of changes: the next
// rescan waits for the last one's cost divided by it. It is kept under the 5 % the watcher may cost at rest, so
// that the notifications and the garbage the scans leave fit in too.
const rescanBudget = 0.04

// settle is how long the watcher waits after a notification for those that follow it (a burst of writes, an
// atomic write's temporary and its rename), so that one look serves them all.
const settle = 25 * time.Millisecond

// On kqueue (macOS, the BSDs) a watched folder holds a descriptor for each of its files: app folders are
// watched only while that stays small, and the bigger ones are left to the rescans.
const (
	kqueueMaxPerFolder = 512
	kqueueMaxFiles     = 4096
)

// run watches until ctx ends. onChange runs in this goroutine, so a slow handler (an auto-refresh) delays the
// next look rather than piling up.
// The first look at the folder is taken before run, when the server starts.
func (w *watcher) run(ctx context.Context) {
	w.notify = startNotifier(w.fs, w.root, w.logf)
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.notify != nil {
		defer w.notify.close()
		events, errs = w.notify.w.Events, w.notify.w.Errors
		// The watches are in place from this look on; what changed since the first one is told now.
		w.deliver(w.poll())
	}
	w.mu.Lock()
	ended := w.endedLocked()
	w.mu.Unlock()
	rescan := time.NewTimer(w.rescanDelay())
	defer rescan.Stop()
	var settled <-chan time.Time
	mark := func(p string) {
		if w.dirty == nil {
			w.dirty = map[string]bool{}
		}
		w.dirty[p] = true
		if settled == nil {
			settled = time.After(settle)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if w.lose != nil && w.lose(ev) {
				continue
			}
			if p, ok := w.notify.pathOf(ev); ok {
				mark(p)
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				w.logf("watching %s: %v (rescanning)", w.root, err)
			}
			mark("") // whatever was missed, a full scan finds
		case <-ended:
			for p := range w.recheck {
				mark(p)
			}
			w.recheck = nil
		case <-settled:
			settled = nil
			paths := w.dirty
			w.dirty = nil
			w.deliver(w.check(paths))
		case <-rescan.C:
			w.deliver(w.poll())
			rescan.Reset(w.rescanDelay())
		}
	}
}

// deliver tells the changes: the API's first, the disk's last, so that within one look a change made on disk is
// the newest news ("" sorts first, so the tabs are taken in reverse).
func (w *watcher) deliver(changes map[string][]string) {
	tabs := sortedKeys(changes)
	for i := len(tabs) - 1; i >= 0; i-- {
		w.onChange(changes[tabs[i]], tabs[i])
	}
}

// rescanDelay is the time until the next full scan: the interval when polling; with notifications, what keeps
// the rescans within their budget, never less than the interval.
func (w *watcher) rescanDelay() time.Duration {
	if w.notify == nil {
		return w.interval
	}
	return paced(w.scanCost, w.interval)
}

func paced(cost, least time.Duration) time.Duration {
	return max(least, time.Duration(float64(cost)/rescanBudget))
}

// notifier holds the watcher's change notifications: on the root, on its parent (for a root deleted and
// created again) and on each app folder.
type notifier struct {
	w        *fsnotify.Watcher
	root     string
	logf     func(format string, args ...any)
	watching map[string]int // "" for the root, app folders by name: the entries each held when watched
	refused  map[string]bool
}

// startNotifier asks the system for change notifications; nil where there are none (a file system other than
// the disk's, no inotify instance left): the watcher then polls.
func startNotifier(fsys afero.Fs, root string, logf func(string, ...any)) *notifier {
	if _, ok := fsys.(*afero.OsFs); !ok {
		return nil
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		logf("no change notifications for %s (%v): polling it", root, err)
		return nil
	}
	n := &notifier{w: fw, root: filepath.Clean(root), logf: logf, watching: map[string]int{}, refused: map[string]bool{}}
	if parent := filepath.Dir(n.root); parent != n.root {
		fw.Add(parent) // best effort: without it, a recreated root is found by the next rescan
	}
	return n
}

func (n *notifier) close() { n.w.Close() }

// pathOf is the path under the root an event names ("" for the root itself, "app", "app/file"), and whether
// the watcher cares: hidden entries and the root's siblings are not its business.
func (n *notifier) pathOf(ev fsnotify.Event) (string, bool) {
	name := filepath.Clean(ev.Name)
	if name == n.root {
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			delete(n.watching, "")
		}
		return "", true
	}
	rel, err := filepath.Rel(n.root, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	parts := strings.Split(rel, "/")
	if len(parts) > 2 {
		return "", false
	}
	for _, part := range parts {
		if hidden(part) {
			return "", false
		}
	}
	if len(parts) == 1 && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) {
		delete(n.watching, rel) // the system dropped its watch with it
	}
	return rel, true
}

// follow puts the watches in line with a full scan: the root, each app folder it holds, none on what went.
func (n *notifier) follow(prev, next snapshot) {
	if _, ok := n.watching[""]; !ok {
		if err := n.w.Add(n.root); err == nil {
			n.watching[""] = 0
		}
	}
	var counts map[string]int
	if watchOpensEachFile {
		counts = map[string]int{}
		for p := range next {
			if app, _, nested := strings.Cut(p, "/"); nested {
				counts[app]++
			}
		}
	}
	for p, st := range next {
		if st.dir && !strings.Contains(p, "/") {
			if _, ok := n.watching[p]; !ok || watchOpensEachFile && counts[p] > kqueueMaxPerFolder {
				n.watchApp(p, counts[p])
			}
		}
	}
	for p := range n.watching {
		if p != "" && !next[p].dir {
			n.w.Remove(filepath.Join(n.root, p))
			delete(n.watching, p)
		}
	}
}

// watchApp watches an app folder holding about entries files (where each costs a descriptor, one over the
// limit is left to the rescans).
func (n *notifier) watchApp(app string, entries int) {
	full := filepath.Join(n.root, app)
	if watchOpensEachFile {
		total := 0
		for _, c := range n.watching {
			total += c
		}
		if entries > kqueueMaxPerFolder || total+entries > kqueueMaxFiles {
			if _, ok := n.watching[app]; ok {
				n.w.Remove(full)
				delete(n.watching, app)
			}
			return
		}
	}
	if _, ok := n.watching[app]; ok {
		n.watching[app] = entries
		return
	}
	if err := n.w.Add(full); err != nil {
		if !n.refused[app] { // once: the limit of watches stays reached until someone raises it
			n.logf("watching %s: %v (its changes are found by the rescans)", full, err)
			n.refused[app] = true
		}
		return
	}
	n.watching[app] = entries
}
