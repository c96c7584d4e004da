package console

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// Workspace is a MobileApps folder as the console works on it: the files on disk, the server's memory of them,
// and the edits a developer makes. The wasm module and the dev server both drive one; neither decides a rule.
// Changes are serialised; reads run side by side, and beside a change: they hold the workspace only to see its
// settings, never while they wait on the disk, so that a read that waits (a slow share) holds up no change and
// a change holds up no read of the disk.
type Workspace struct {
	mu       sync.RWMutex // every change holds it; a read holds it only to see the checker and what was loaded
	fs       afero.Fs
	root     string
	source   string
	mode     string
	readonly bool
	lang     i18n.Lang // what the workspace's documents are said in
	checker  *core.Checker
	registry *core.Registry
	// exclusive: nothing but this workspace changes its files (a zip or the sample, in memory), so what it last
	// read of them stays true until it changes them itself.
	exclusive bool
	// loaded is what the last load found (the disk, and the preview of a refresh), while it stays true: kept
	// only when exclusive, dropped by every change.
	loaded *loadedState
	// ix is what the workspace knows of each path as its State shows it, kept up to date path by path (Changed);
	// nil when it must be made again from a pass over the folder. gen counts its changes.
	ix       *index
	gen      uint64
	progress func(phase string, done, total int)
	served   servedFiles
	// A folder read by a browser: the last plan of writes given to the page (writeback.go), and the paths of
	// edits kept from an earlier visit that changed on disk since (ApplyEdits), which are not written over.
	plan  *folderPlan
	stale []string
}

type loadedState struct {
	disk    *core.Report
	pending *core.RefreshReport
}

// WorkspaceOptions describe where a workspace comes from and how it is driven.
type WorkspaceOptions struct {
	Source   string    // shown to the user: "sample", a zip's name, a directory
	Mode     string    // "browser" or "server"
	Readonly bool      // refuse every write
	Lang     i18n.Lang // the language its documents are said in ("": English)
	// Exclusive says that only this workspace changes the files (a zip or the sample, in memory): the state
	// after opening then comes from the load itself, without reading every file again.
	Exclusive bool
	// Progress, when set, is told how far the long work of a call (a load, a refresh, a state) has gone.
	Progress func(phase string, done, total int)
}

// NewWorkspace opens the folder at root of fsys and loads the memory from it, as a server does at start.
func NewWorkspace(ctx context.Context, fsys afero.Fs, root string, c *core.Checker, opts WorkspaceOptions) (*Workspace, error) {
	if c == nil {
		c = &core.Checker{}
	}
	if opts.Lang == "" {
		opts.Lang = i18n.English
	}
	w := &Workspace{fs: fsys, root: root, source: opts.Source, mode: opts.Mode, readonly: opts.Readonly, lang: opts.Lang,
		checker: c, registry: core.NewRegistry(c), exclusive: opts.Exclusive, progress: opts.Progress}
	if _, err := w.load(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// progressOf reports a phase of work to the workspace's Progress.
func (w *Workspace) progressOf(phase string) core.Progress {
	if w.progress == nil {
		return nil
	}
	return func(done, total int) { w.progress(phase, done, total) }
}

// load loads the memory from the folder and, when the workspace is exclusive, keeps what it found. Either way
// it knows each path from then on.
func (w *Workspace) load(ctx context.Context) (*core.Report, error) {
	w.loaded = nil
	disk, pending, err := w.registry.LoadWithPreview(ctx, w.fs, w.root, core.CheckOptions{Progress: w.progressOf("check")})
	if err != nil {
		return nil, err
	}
	if w.exclusive {
		w.loaded = &loadedState{disk, pending}
	}
	w.setIndex(newIndex(disk, pending, w.registry.Sessions()))
	return disk, nil
}

// setIndex replaces what the workspace knows of each path; w.mu is held.
func (w *Workspace) setIndex(ix *index) {
	w.ix = ix
	w.gen++
}

// Fs and Root say where the workspace's files are.
func (w *Workspace) Fs() afero.Fs           { return w.fs }
func (w *Workspace) Root() string           { return w.root }
func (w *Workspace) Checker() *core.Checker { return w.checker }

// State is everything the console shows. Its words are said in Lang when it is encoded (Encode).
type State struct {
	Lang     i18n.Lang           `json:"lang"`
	Source   string              `json:"source"`
	Mode     string              `json:"mode"`
	Readonly bool                `json:"readonly"`
	Disk     *core.Report        `json:"disk"`
	Memory   MemoryView          `json:"memory"`
	Pending  *core.RefreshReport `json:"pending"`
	Apps     []core.App          `json:"apps"`
	// Words are what the reports name by code, said in Lang (set by In): a refresh report from before a change
	// of language is shown in them.
	Words core.Words `json:"words"`
}

// MemoryView is the memory as the console shows it beside the disk. Most sessions in memory are, field for
// field, the disk's session at the same path: those are named, not repeated, which halves a state's size.
type MemoryView struct {
	Count int `json:"count"` // sessions in memory
	// SameAsDisk are the paths whose session in memory is the one in disk.sessions.
	SameAsDisk []string `json:"sameAsDisk"`
	// Sessions are the others, in path order: the memory of files that changed, fail a check, or are gone.
	Sessions []*core.Session `json:"sessions"`
}

func memoryView(memory []*core.Session, disk []*core.Session) MemoryView {
	onDisk := make(map[string]*core.Session, len(disk))
	for _, s := range disk {
		onDisk[s.Path] = s
	}
	v := MemoryView{Count: len(memory), SameAsDisk: make([]string, 0, len(memory)), Sessions: []*core.Session{}}
	for _, m := range memory {
		if d := onDisk[m.Path]; d != nil && d.Equal(m) {
			v.SameAsDisk = append(v.SameAsDisk, m.Path)
		} else {
			v.Sessions = append(v.Sessions, m)
		}
	}
	return v
}

// File is one file opened in the editor, with what the engine says of it.
type File struct {
	Path    string                `json:"path"`
	Content string                `json:"content"`
	ETag    string                `json:"etag"`
	Token   *core.TokenInspection `json:"token,omitempty"`
	Error   *core.Error           `json:"error,omitempty"`
	// Duplicates are the pointers of properties given twice or more in one object: the last value is the one
	// that counts, as when 4D decodes the file, and the console should say so.
	Duplicates []string `json:"duplicates,omitempty"`
	// Actions are what the console may offer on the file, as the engine decides them.
	Actions FileActions `json:"actions"`
}

// FileActions say which of the console's actions apply to a file.
type FileActions struct {
	Accept  bool `json:"accept"`  // setStatus "accepted" would change the file
	Pending bool `json:"pending"` // setStatus "pending" would
	// Blocked says why the status cannot be set at all; empty when it can.
	Blocked i18n.Text `json:"blocked,omitzero"`
	// Fix is the fix of the file's error, what applying it will change (kind "none": why there is none); nil
	// when the file passes, or the folder is read-only.
	Fix *core.Fix `json:"fix,omitempty"`
}

// State computes what the console shows. A workspace that alone changes its files (exclusive) has it from what
// it knows of each path; another reads the whole folder again, in one pass, and knows each path anew from it.
// The memory it compares with is the registry's at the start of the pass: a refresh that ends meanwhile is in
// the next state.
func (w *Workspace) State(ctx context.Context) (*State, error) {
	w.mu.RLock()
	lang, loaded := w.lang, w.loaded
	if loaded == nil && w.exclusive && w.ix != nil {
		disk, pending, mem := w.ix.reports()
		w.mu.RUnlock()
		return &State{Lang: lang, Source: w.source, Mode: w.mode, Readonly: w.readonly,
			Disk: disk, Memory: mem, Pending: pending, Apps: disk.Apps, Words: core.WordsIn(lang)}, nil
	}
	gen := w.gen
	w.mu.RUnlock()
	var disk *core.Report
	var pending *core.RefreshReport
	memory := w.registry.Sessions()
	if loaded != nil {
		disk, pending = loaded.disk, loaded.pending
	} else {
		var err error
		if pending, disk, err = w.registry.Preview(ctx, w.fs, w.root, w.progressOf("check")); err != nil {
			return nil, err
		}
		ix := newIndex(disk, pending, memory)
		w.mu.Lock()
		if w.gen == gen { // nothing changed meanwhile: what the pass saw is the newest
			w.setIndex(ix)
		}
		w.mu.Unlock()
	}
	return &State{
		Lang: lang, Source: w.source, Mode: w.mode, Readonly: w.readonly,
		Disk: disk, Memory: memoryView(memory, disk.Sessions), Pending: pending, Apps: disk.Apps,
		Words: core.WordsIn(lang),
	}, nil
}

// Changed brings what the workspace knows of the paths up to date with the folder, after a change it is told
// of (the dev server's watcher): those paths alone are read and checked again, files and app folders with what
// they hold ("": the whole folder). It returns what changed of the State. The workspace's own changes need no
// telling.
func (w *Workspace) Changed(ctx context.Context, paths []string) (*Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changedLocked(ctx, paths)
}

// changedLocked is Changed; w.mu is held.
func (w *Workspace) changedLocked(ctx context.Context, paths []string) (*Delta, error) {
	if w.ix == nil {
		if err := w.reindex(ctx); err != nil {
			return nil, err
		}
	}
	pending, disk, err := w.registry.PreviewPaths(ctx, w.fs, w.root, paths)
	if err != nil {
		return nil, err
	}
	listed := make([]string, len(disk.Apps))
	for i, a := range disk.Apps {
		listed[i] = a.Name
	}
	changed := w.ix.update(paths, disk, pending, listed)
	w.gen++
	return w.ix.delta(changed), nil
}

// reindex knows each path anew from a pass over the folder; w.mu is held.
func (w *Workspace) reindex(ctx context.Context) error {
	pending, disk, err := w.registry.Preview(ctx, w.fs, w.root, w.progressOf("check"))
	if err != nil {
		return err
	}
	w.setIndex(newIndex(disk, pending, w.registry.Sessions()))
	return nil
}

// Worded is what a change of language says again, without checking anything again: the words of every row
// (Delta.Said, Delta.Words), no row moved.
func (w *Workspace) Worded(ctx context.Context) (*Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ix == nil {
		if err := w.reindex(ctx); err != nil {
			return nil, err
		}
	}
	return w.ix.worded(), nil
}

// SetLang changes the language the workspace's documents are said in. Nothing is checked again: the
// documents carry their messages as i18n.Text, said in a language only when they are encoded.
func (w *Workspace) SetLang(lang i18n.Lang) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lang = lang
}

// Lang is the language the workspace's documents are said in.
func (w *Workspace) Lang() i18n.Lang {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.lang
}

// Read opens one file of the folder: a session file with what the engine says of it, another file as it is.
func (w *Workspace) Read(rel string) (*File, error) {
	w.mu.RLock()
	checker := w.checker
	w.mu.RUnlock()
	return w.readWith(checker, rel)
}

// read is Read for a change, which holds the workspace.
func (w *Workspace) read(rel string) (*File, error) { return w.readWith(w.checker, rel) }

func (w *Workspace) readWith(checker *core.Checker, rel string) (*File, error) {
	data, etag, err := core.ReadFile(w.fs, w.root, rel, checker.Limits().MaxFileSize)
	if err != nil {
		return nil, err
	}
	f := w.fileOf(checker, rel, data, etag)
	w.served.add(f)
	return f, nil
}

// Inspect says what the engine finds in content, the text of the file at rel that the editor holds and has not
// saved: the File that Read would answer once content is saved, but nothing is read or written, and its ETag is
// empty (the caller keeps the one it read). So the console checks as the user types, with the engine's rules.
// Content over the size limit fails as a file that large does (mobi 2): a save of it would be refused.
func (w *Workspace) Inspect(rel string, content []byte) (*File, error) {
	if clean, err := core.CleanPath(rel); err != nil {
		return nil, err
	} else if _, name, _ := strings.Cut(clean, "/"); name == "" || clean != rel {
		return nil, &core.OpError{Kind: core.KindInput, Path: rel, Msg: "not the path of a file inside an app folder"}
	}
	w.mu.RLock()
	checker := w.checker
	w.mu.RUnlock()
	if e := checker.TooLarge(rel, int64(len(content))); e != nil {
		return &File{Path: rel, Content: string(content), Error: e}, nil
	}
	return w.fileOf(checker, rel, content, ""), nil
}

// fileOf is the File of the bytes data of the file at rel, read with etag: for a session file, with what the
// engine says of it.
func (w *Workspace) fileOf(checker *core.Checker, rel string, data []byte, etag string) *File {
	f := &File{Path: rel, Content: string(data), ETag: etag}
	app, name, _ := strings.Cut(rel, "/")
	if !core.IsSessionName(name) {
		return f
	}
	in := checker.Inspect(core.SessionFile{Path: rel, App: app, Name: name}, data)
	f.Error, f.Duplicates, f.Token = in.Error, in.Duplicates, in.Token
	switch {
	case w.readonly:
		f.Actions.Blocked = i18n.New(&msgReadonlyFolder)
	case in.Doc == nil: // SetStatus edits the text of a JSON object, which this is not
		f.Actions.Blocked = i18n.New(&msgStatusNeedsObject)
	default:
		status := in.Session.Status
		f.Actions.Accept, f.Actions.Pending = status != core.StatusAccepted, status != core.StatusPending
	}
	if !w.readonly {
		f.Actions.Fix = in.ProposeFix()
	}
	return f
}

// Format lays out content, a session file's text, for reading (core.Checker.Format). A text that is not JSON is
// refused with why, in the workspace's language.
func (w *Workspace) Format(content []byte) ([]byte, error) {
	out, err := w.Checker().Format(content)
	var fe *core.FormatError
	if errors.As(err, &fe) {
		return nil, &core.OpError{Kind: core.KindInput, Msg: fe.Why.Render(w.Lang())}
	}
	return out, err
}

// Served is the file at rel as the workspace last handed it out, read with the ETag etag: what a change of
// language says again, without reading and checking it anew. Nil when the workspace has no such file in mind.
func (w *Workspace) Served(rel, etag string) *File { return w.served.find(rel, etag) }

// servedFiles are the files a workspace handed out last: the editor's, and those of the last changes.
type servedFiles struct {
	mu    sync.Mutex
	files []*File // the most recent last
	size  int     // bytes of their contents
}

// A workspace keeps at most maxServed files in mind, of maxServedBytes in all (the last one whatever its size).
const (
	maxServed      = 16
	maxServedBytes = 4 << 20
)

func (s *servedFiles) add(f *File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files = append(s.files, f)
	s.size += len(f.Content)
	for len(s.files) > 1 && (len(s.files) > maxServed || s.size > maxServedBytes) {
		s.size -= len(s.files[0].Content)
		s.files[0] = nil
		s.files = s.files[1:]
	}
}

func (s *servedFiles) find(rel, etag string) *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.files) - 1; i >= 0; i-- {
		if f := s.files[i]; f.Path == rel && f.ETag == etag {
			return f
		}
	}
	return nil
}

// Fix applies the fix the engine proposes for the file at rel, as it was read with the ETag ifMatch
// (core.Checker.FixFile), and returns the file where the fix left it (a move changes its path).
func (w *Workspace) Fix(rel, ifMatch string, trust core.Witness) (*File, error) {
	f, _, err := w.fix(rel, ifMatch, trust)
	return f, err
}

// fix is Fix, also returning what changed of the State.
func (w *Workspace) fix(rel, ifMatch string, trust core.Witness) (*File, *Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, nil, err
	}
	to, err := w.checker.FixFile(w.fs, w.root, rel, ifMatch, trust)
	if err != nil {
		return nil, nil, err
	}
	return w.changedFile(to, rel, to)
}

// PreviewFixAll says what fixing every file that fails a check would do, as `mobisess fix --dry-run` does, and
// changes nothing: each file's fixes where it has one right fix, and why the others are left. A file whose ids
// have no two witnesses that agree is left, its choices named: they are applied one file at a time (Fix), never
// all at once.
func (w *Workspace) PreviewFixAll(ctx context.Context) (*core.FixReport, error) {
	w.mu.RLock()
	checker := w.checker
	w.mu.RUnlock()
	if err := w.writable(); err != nil {
		return nil, err
	}
	return checker.FixFolder(ctx, w.fs, w.root, core.FixOptions{DryRun: true})
}

// FixAll applies the fixes that PreviewFixAll showed: seen names each file of the preview with the ETag it had
// then. Only those files are fixed, each only if it is still as it was (else it is refused, unchanged), with the
// ETag-checked writes of a single fix; the report says what was applied and what is left.
func (w *Workspace) FixAll(ctx context.Context, seen map[string]string) (*core.FixReport, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, err
	}
	if seen == nil {
		seen = map[string]string{} // nothing seen: nothing fixed
	}
	w.ix = nil // what the fixes leave is known from the next pass (the state that answers them)
	return w.checker.FixFolder(ctx, w.fs, w.root, core.FixOptions{Expect: seen})
}

func (w *Workspace) writable() error {
	if w.readonly {
		return &core.OpError{Kind: core.KindReadonly, Msg: "this folder is open read-only"}
	}
	return nil
}

// changedFile is the file at rel after a change, and what changed of the State with the paths it changed; w.mu
// is held.
func (w *Workspace) changedFile(rel string, paths ...string) (*File, *Delta, error) {
	d, err := w.changedLocked(context.Background(), paths)
	if err != nil {
		return nil, nil, afterChange{err}
	}
	f, err := w.read(rel)
	if err != nil {
		return nil, nil, afterChange{err}
	}
	return f, d, nil
}

// afterChange is an error met once a change was made (the file read back, the paths known again): the change is
// in the folder all the same.
type afterChange struct{ error }

func (e afterChange) Unwrap() error { return e.error }

// Write saves a file's content; see core.WriteOptions for the ETag rule. Content over the workspace's file size
// limit is refused before anything is written: the file could not be read back, and 4D would drop its session.
func (w *Workspace) Write(rel string, content []byte, opts core.WriteOptions) (*File, error) {
	f, _, err := w.write(rel, content, opts)
	return f, err
}

// write is Write, also returning what changed of the State.
func (w *Workspace) write(rel string, content []byte, opts core.WriteOptions) (*File, *Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, nil, err
	}
	opts.MaxFileSize = w.checker.Limits().MaxFileSize
	if _, err := core.WriteFile(w.fs, w.root, rel, content, opts); err != nil {
		return nil, nil, err
	}
	return w.changedFile(rel, rel)
}

// Remove deletes a session file, an app folder, or everything (""), as core.DeleteWith does: a folder that
// holds what 4D does not put in a MobileApps folder is refused (KindForeign, naming the entry) unless
// opts.Force.
func (w *Workspace) Remove(rel string, opts core.DeleteOptions) error {
	_, err := w.remove(rel, opts)
	return err
}

// remove is Remove, also returning what changed of the State.
func (w *Workspace) remove(rel string, opts core.DeleteOptions) (*Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, err
	}
	opts.MaxFileSize = w.checker.Limits().MaxFileSize
	if err := core.DeleteWith(w.fs, w.root, rel, opts); err != nil {
		return nil, err
	}
	d, err := w.changedLocked(context.Background(), []string{rel})
	if err != nil {
		return nil, afterChange{err}
	}
	return d, nil
}

// SetStatus accepts a pending session or puts one back to pending.
func (w *Workspace) SetStatus(rel, status, ifMatch string) (*File, error) {
	f, _, err := w.setStatus(rel, status, ifMatch)
	return f, err
}

// setStatus is SetStatus, also returning what changed of the State.
func (w *Workspace) setStatus(rel, status, ifMatch string) (*File, *Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, nil, err
	}
	if _, err := core.SetStatus(w.fs, w.root, rel, status, ifMatch, w.checker.Limits().MaxFileSize); err != nil {
		return nil, nil, err
	}
	return w.changedFile(rel, rel)
}

// Create writes a new test session file.
func (w *Workspace) Create(n core.NewSession) (*File, error) {
	f, _, err := w.create(n)
	return f, err
}

// create is Create, also returning what changed of the State.
func (w *Workspace) create(n core.NewSession) (*File, *Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, nil, err
	}
	rel, err := core.CreateSession(w.fs, w.root, n)
	if err != nil {
		return nil, nil, err
	}
	return w.changedFile(rel, rel)
}

// Refresh runs MOBILE APP REFRESH SESSIONS on the folder.
func (w *Workspace) Refresh(ctx context.Context) (*core.RefreshReport, error) {
	rep, _, err := w.RefreshChanges(ctx)
	return rep, err
}

// RefreshChanges is Refresh, also returning what changed of the State: from the same pass, the files as the
// refresh read them and the memory it left. A workspace that alone changes its files (exclusive) and knows each
// path reads only the files that differ from the memory: it knows the rest is as the memory has it.
func (w *Workspace) RefreshChanges(ctx context.Context) (*core.RefreshReport, *Delta, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if w.exclusive && w.ix != nil {
		return w.refreshKnown(ctx)
	}
	rep, disk, err := w.registry.RefreshChecked(ctx, w.fs, w.root, core.CheckOptions{Progress: w.progressOf("refresh")})
	if err != nil {
		return nil, nil, err
	}
	// Right after a refresh, memory holds every file that passes, except those a refresh does not load.
	after := &core.RefreshReport{NotLoaded: rep.NotLoaded}
	ix := newIndex(disk, after, w.registry.Sessions())
	var changed []string
	if w.ix != nil {
		changed = ix.changedFrom(w.ix)
	} else {
		changed = ix.paths()
	}
	w.setIndex(ix)
	return rep, ix.delta(changed), nil
}

// refreshKnown is RefreshChanges of the paths whose rows say a refresh would act on them, the files read there
// alone; the report's other sessions and errors, and the rest of the rows, are what the workspace knows of the
// folder, which only it changes. w.mu is held.
func (w *Workspace) refreshKnown(ctx context.Context) (*core.RefreshReport, *Delta, error) {
	paths := w.ix.toRefresh()
	rep, disk, err := w.registry.RefreshPaths(ctx, w.fs, w.root, paths, core.CheckOptions{Progress: w.progressOf("refresh")})
	if err != nil {
		return nil, nil, err
	}
	changed := w.ix.refreshed(paths, disk, rep, w.registry.SessionAt)
	w.gen++
	return w.ix.refreshReport(rep), w.ix.delta(changed), nil
}

// Restart reloads the memory from the folder, as a server restart does.
func (w *Workspace) Restart(ctx context.Context) (*core.Report, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.load(ctx)
}

// Download writes the folder as a zip that opens again within the workspace's zip limits: a folder whose zip
// would not is refused, naming the entry (core.ExportZipWithin). It holds the workspace only to see its limits,
// not while it writes: out may be a slow client, which must hold up nothing.
func (w *Workspace) Download(out io.Writer) error {
	w.mu.RLock()
	limits := w.checker.Limits().Zip
	w.mu.RUnlock()
	return core.ExportZipWithin(w.fs, w.root, out, limits)
}
