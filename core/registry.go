package core

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/i18n"
)

// Registry is the server's memory of sessions, keyed by path (app folder and file name).
// Refreshes are serialised; readers see the memory before or after a refresh, never half of one.
type Registry struct {
	checker   *Checker
	refreshMu sync.Mutex // one Load or Refresh at a time
	mu        sync.RWMutex
	memory    map[string]*memorySession // replaced whole, never mutated once published
	// failed remembers the files that failed a check, by path: the same bytes under the same schema raise the
	// same error without being checked again. Replaced with memory.
	failed map[string]failedFile
}

type failedFile struct {
	hash   Hash
	err    *Error
	schema *Schema
}

type memorySession struct {
	hash    Hash   // of the file bytes it was loaded from: same bytes, no new parse
	doc     []byte // the parsed content, compact: what a changed file is compared with
	session *Session
}

// NewRegistry returns an empty memory whose checks are run by c.
func NewRegistry(c *Checker) *Registry {
	if c == nil {
		c = &Checker{}
	}
	return &Registry{checker: c, memory: map[string]*memorySession{}}
}

// RefreshReport is what one refresh did: the JSON of `mobisess refresh --format json`.
type RefreshReport struct {
	Updated   []Updated  `json:"updated"`
	Unchanged []PathOnly `json:"unchanged"`
	NotLoaded []PathOnly `json:"notLoaded"`
	Loaded    []PathOnly `json:"loaded,omitempty"` // only when RefreshLoadsNewFiles
	Removed   []Removed  `json:"removed"`
	Errors    []*Error   `json:"errors"`
}

// Updated is a session whose file changed, with each change.
type Updated struct {
	Path    string   `json:"path"`
	Changes []Change `json:"changes"`
}

// PathOnly names a session file.
type PathOnly struct {
	Path string `json:"path"`
}

// In is r with its words said in lang: the removals and the errors copied, the rest shared.
func (r *RefreshReport) In(lang i18n.Lang) *RefreshReport {
	out := *r
	out.Errors = allIn(r.Errors, lang, (*Error).In)
	out.Removed = allIn(r.Removed, lang, Removed.In)
	return &out
}

// In is rm with its message said in lang.
func (rm Removed) In(lang i18n.Lang) Removed {
	rm.Message = rm.Message.In(lang)
	return rm
}

// Removed is a session dropped from memory: its file is gone ("deleted") or fails a check ("invalid").
type Removed struct {
	Path    string    `json:"path"`
	Reason  string    `json:"reason"`
	Code    Code      `json:"code,omitempty"`
	Message i18n.Text `json:"message"`
}

// Removal reasons.
const (
	ReasonDeleted = "deleted"
	ReasonInvalid = "invalid"
)

// Sessions returns the sessions in memory, in path order.
func (r *Registry) Sessions() []*Session {
	r.mu.RLock()
	mem := r.memory
	r.mu.RUnlock()
	out := make([]*Session, 0, len(mem))
	for _, m := range mem {
		out = append(out, m.session)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// SessionAt is the session in memory at path, nil when there is none.
func (r *Registry) SessionAt(path string) *Session {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if m := r.memory[path]; m != nil {
		return m.session
	}
	return nil
}

// Len is the number of sessions in memory.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.memory)
}

func (r *Registry) snapshot() (map[string]*memorySession, map[string]failedFile) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.memory, r.failed
}

func (r *Registry) publish(mem map[string]*memorySession, failed map[string]failedFile) {
	r.mu.Lock()
	r.memory, r.failed = mem, failed
	r.mu.Unlock()
}

// remember adds a failed file to failed, when its error came from its bytes (not from reading them).
func remember(c *Checker, failed map[string]failedFile, res FileResult) {
	if res.Hash != (Hash{}) {
		failed[res.File.Path] = failedFile{hash: res.Hash, err: res.Err, schema: c.schema}
	}
}

// Load replaces the memory with every session file under root that passes all checks, as a server does at
// start, and returns the check report of the folder.
func (r *Registry) Load(ctx context.Context, fsys afero.Fs, root string, opts CheckOptions) (*Report, error) {
	rep, _, err := r.LoadWithPreview(ctx, fsys, root, opts)
	return rep, err
}

// LoadWithPreview is Load, also returning what Preview would say right after it if the folder did not change:
// a caller that alone changes the folder (a zip opened in the browser) need not read it a second time to know.
func (r *Registry) LoadWithPreview(ctx context.Context, fsys afero.Fs, root string, opts CheckOptions) (*Report, *RefreshReport, error) {
	r.refreshMu.Lock()
	defer r.refreshMu.Unlock()
	c := r.checker
	rep := &Report{}
	pending := newRefreshReport()
	var mem map[string]*memorySession
	failed := map[string]failedFile{}
	_, err := c.checkFolder(ctx, fsys, root, folderCheck{
		hash:     true,
		progress: opts.Progress,
		listed:   func(l *Listing) { mem = make(map[string]*memorySession, len(l.Files)) },
		each: func(res FileResult) error {
			switch {
			case res.Err != nil:
				remember(c, failed, res)
			case LoadAtStart:
				mem[res.File.Path] = newMemorySession(res)
				pending.Unchanged = append(pending.Unchanged, PathOnly{res.File.Path})
			default:
				pending.NotLoaded = append(pending.NotLoaded, PathOnly{res.File.Path})
			}
			return nil
		},
	}, rep)
	if err != nil {
		return nil, nil, err
	}
	pending.Errors = rep.Errors
	r.publish(mem, failed)
	return rep, pending, nil
}

func newRefreshReport() *RefreshReport {
	return &RefreshReport{Updated: []Updated{}, Unchanged: []PathOnly{}, NotLoaded: []PathOnly{}, Removed: []Removed{}, Errors: []*Error{}}
}

func newMemorySession(res FileResult) *memorySession {
	return &memorySession{hash: res.Hash, doc: res.Data, session: res.Session}
}

// Refresh is MOBILE APP REFRESH SESSIONS: it checks every file under root against the memory, updates the
// sessions whose files changed, drops those whose files are invalid or gone, and raises the errors (its
// report's Errors).
func (r *Registry) Refresh(ctx context.Context, fsys afero.Fs, root string, opts CheckOptions) (*RefreshReport, error) {
	rep, _, err := r.RefreshChecked(ctx, fsys, root, opts)
	return rep, err
}

// RefreshChecked is Refresh, also returning the check report of the folder as the refresh read it: what the
// folder is now, from the same pass.
func (r *Registry) RefreshChecked(ctx context.Context, fsys afero.Fs, root string, opts CheckOptions) (*RefreshReport, *Report, error) {
	r.refreshMu.Lock()
	defer r.refreshMu.Unlock()
	rep, disk, mem, failed, err := r.refresh(ctx, fsys, root, opts.Progress, nil)
	if err != nil {
		return nil, nil, err
	}
	r.publish(mem, failed)
	return rep, disk, nil
}

// Preview tells what a refresh would do now, without changing the memory, and the check report of the folder,
// in one pass: files whose bytes are those in memory are not parsed again.
func (r *Registry) Preview(ctx context.Context, fsys afero.Fs, root string, progress Progress) (*RefreshReport, *Report, error) {
	rep, disk, _, _, err := r.refresh(ctx, fsys, root, progress, nil)
	return rep, disk, err
}

// PreviewPaths is Preview of some paths alone (see ListPaths: files, app folders with what they hold), without
// reading the rest of the folder: the check of each file there, and what a refresh would do of it. A session in
// memory under one of the paths whose file is not there any more is one a refresh would drop. The report's
// apps are the app folders of the paths that are there.
func (r *Registry) PreviewPaths(ctx context.Context, fsys afero.Fs, root string, paths []string) (*RefreshReport, *Report, error) {
	rep, disk, _, _, err := r.refresh(ctx, fsys, root, nil, scopeOf(paths))
	return rep, disk, err
}

// RefreshPaths is Refresh of some paths alone (as PreviewPaths names them), for a caller that knows the rest of
// the folder is as the memory has it (it alone changes the folder, and knows what it changed): only the files
// there are read. The memory under the paths becomes what the refresh found there; the rest is kept as it is.
// The report tells of the paths alone, and the check report is of them alone.
func (r *Registry) RefreshPaths(ctx context.Context, fsys afero.Fs, root string, paths []string, opts CheckOptions) (*RefreshReport, *Report, error) {
	r.refreshMu.Lock()
	defer r.refreshMu.Unlock()
	only := scopeOf(paths)
	rep, disk, mem, failed, err := r.refresh(ctx, fsys, root, opts.Progress, only)
	if err != nil {
		return nil, nil, err
	}
	if only != nil && len(only) == 0 {
		return rep, disk, nil // nothing read, nothing to change
	}
	if only != nil {
		under := within(only)
		old, oldFailed := r.snapshot() // what refresh compared with: the refresh mutex is held
		mem = merged(old, mem, under)
		failed = merged(oldFailed, failed, under)
	}
	r.publish(mem, failed)
	return rep, disk, nil
}

// scopeOf is the paths of a partial pass as refresh takes them: nil for the whole folder, never nil otherwise.
func scopeOf(paths []string) []string {
	switch {
	case slices.Contains(paths, ""):
		return nil // the whole folder
	case paths == nil:
		return []string{}
	}
	return paths
}

// within says whether the path of a file is under one of the paths of a partial pass: one of them, or in an app
// folder among them.
func within(only []string) func(path string) bool {
	files, apps := map[string]bool{}, map[string]bool{}
	for _, p := range only {
		if strings.Contains(p, "/") {
			files[p] = true
		} else {
			apps[p] = true
		}
	}
	return func(path string) bool {
		app, _, _ := strings.Cut(path, "/")
		return files[path] || apps[app]
	}
}

// merged is old without what is under the paths of a partial pass, with what the pass found there: a new map,
// old being published and never changed.
func merged[V any](old, found map[string]V, under func(path string) bool) map[string]V {
	out := make(map[string]V, len(old)+len(found))
	for path, v := range old {
		if !under(path) {
			out[path] = v
		}
	}
	for path, v := range found {
		out[path] = v
	}
	return out
}

// refresh is one pass of a refresh over the folder, or over the paths only (nil: the whole folder), against the
// memory: what it does, the check of the folder, and the memory and failed files after it.
func (r *Registry) refresh(ctx context.Context, fsys afero.Fs, root string, progress Progress, only []string) (*RefreshReport, *Report, map[string]*memorySession, map[string]failedFile, error) {
	c := r.checker
	old, oldFailed := r.snapshot()
	disk := &Report{}
	rep := newRefreshReport()
	var mem map[string]*memorySession
	var seen map[string]bool
	failed := map[string]failedFile{}
	schema := c.schema
	known := func(f SessionFile, h Hash) (*Session, *Error, bool) {
		if m := old[f.Path]; m != nil && m.hash == h {
			return m.session, nil, true
		}
		if ff, ok := oldFailed[f.Path]; ok && ff.hash == h && ff.schema == schema {
			return nil, ff.err, true
		}
		return nil, nil, false
	}
	listing, err := c.checkFolder(ctx, fsys, root, folderCheck{
		hash:     true,
		known:    known,
		progress: progress,
		only:     only,
		listed: func(l *Listing) {
			seen = make(map[string]bool, len(l.Files))
			if only == nil {
				mem = make(map[string]*memorySession, len(old))
			} else {
				mem = make(map[string]*memorySession, len(l.Files)) // the memory of these paths alone
			}
		},
		each: func(res FileResult) error {
			path := res.File.Path
			prev := old[path]
			seen[path] = true
			switch {
			case res.Err != nil:
				remember(c, failed, res)
				if prev != nil {
					rep.Removed = append(rep.Removed, Removed{Path: path, Reason: ReasonInvalid, Code: res.Err.Code, Message: res.Err.Message})
				}
			case res.Same: // same bytes as in memory
				mem[path] = prev
				rep.Unchanged = append(rep.Unchanged, PathOnly{path})
			case prev == nil:
				if RefreshLoadsNewFiles {
					mem[path] = newMemorySession(res)
					rep.Loaded = append(rep.Loaded, PathOnly{path})
				} else {
					rep.NotLoaded = append(rep.NotLoaded, PathOnly{path})
				}
			default:
				prevDoc, doc := decodeDoc(prev.doc), decodeDoc(res.Data)
				if SameContent(prevDoc, doc) {
					rep.Unchanged = append(rep.Unchanged, PathOnly{path})
				} else {
					rep.Updated = append(rep.Updated, Updated{Path: path, Changes: Diff(prevDoc, doc)})
				}
				mem[path] = newMemorySession(res)
			}
			return nil
		},
	}, disk)
	if err != nil {
		return nil, nil, nil, nil, err // an unreadable root changes nothing: better stale than wrongly empty
	}
	var gone []string
	lost := func(path string, m *memorySession) {
		switch {
		case seen[path]:
		case listing.Unreadable[m.session.App]:
			mem[path] = m // its folder could not be read: unknown, not deleted
		default:
			gone = append(gone, path)
		}
	}
	if only == nil {
		for path, m := range old {
			lost(path, m)
		}
	} else {
		// Only what is under the paths: a file is looked up, an app folder's sessions are looked for.
		under := within(only)
		wholeApps := slices.ContainsFunc(only, func(p string) bool { return !strings.Contains(p, "/") })
		if wholeApps {
			for path, m := range old {
				if under(path) {
					lost(path, m)
				}
			}
		} else {
			for _, p := range only {
				if m := old[p]; m != nil {
					lost(p, m)
				}
			}
		}
	}
	sort.Strings(gone)
	for _, path := range gone {
		rep.Removed = append(rep.Removed, Removed{Path: path, Reason: ReasonDeleted, Message: i18n.New(&msgDeleted)})
	}
	sort.SliceStable(rep.Removed, func(i, j int) bool { return rep.Removed[i].Path < rep.Removed[j].Path })
	rep.Errors = disk.Errors
	return rep, disk, mem, failed, nil
}

func decodeDoc(data []byte) any {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v) // memory holds only documents that decoded before
	return v
}
