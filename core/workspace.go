package core

import (
	"context"
	"io"
	"sync"

	"github.com/spf13/afero"
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
	checker  *Checker
	registry *Registry
	// exclusive: nothing but this workspace changes its files (a zip or the sample, in memory), so what it last
	// read of them stays true until it changes them itself.
	exclusive bool
	// loaded is what the last load found (the disk, and the preview of a refresh), while it stays true: kept
	// only when exclusive, dropped by every change.
	loaded   *loadedState
	progress func(phase string, done, total int)
	// A folder read by a browser: the last plan of writes given to the page (writeback.go), and the paths of
	// edits kept from an earlier visit that changed on disk since (ApplyEdits), which are not written over.
	plan  *folderPlan
	stale []string
}

type loadedState struct {
	disk    *Report
	pending *RefreshReport
}

// WorkspaceOptions describe where a workspace comes from and how it is driven.
type WorkspaceOptions struct {
	Source   string // shown to the user: "sample", a zip's name, a directory
	Mode     string // "browser" or "server"
	Readonly bool   // refuse every write
	// Exclusive says that only this workspace changes the files (a zip or the sample, in memory): the state
	// after opening then comes from the load itself, without reading every file again.
	Exclusive bool
	// Progress, when set, is told how far the long work of a call (a load, a refresh, a state) has gone.
	Progress func(phase string, done, total int)
}

// NewWorkspace opens the folder at root of fsys and loads the memory from it, as a server does at start.
func NewWorkspace(ctx context.Context, fsys afero.Fs, root string, c *Checker, opts WorkspaceOptions) (*Workspace, error) {
	if c == nil {
		c = &Checker{}
	}
	w := &Workspace{fs: fsys, root: root, source: opts.Source, mode: opts.Mode, readonly: opts.Readonly,
		checker: c, registry: NewRegistry(c), exclusive: opts.Exclusive, progress: opts.Progress}
	if _, err := w.load(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// progressOf reports a phase of work to the workspace's Progress.
func (w *Workspace) progressOf(phase string) Progress {
	if w.progress == nil {
		return nil
	}
	return func(done, total int) { w.progress(phase, done, total) }
}

// load loads the memory from the folder and, when the workspace is exclusive, keeps what it found.
func (w *Workspace) load(ctx context.Context) (*Report, error) {
	w.loaded = nil
	disk, pending, err := w.registry.load(ctx, w.fs, w.root, CheckOptions{Progress: w.progressOf("check")})
	if err != nil {
		return nil, err
	}
	if w.exclusive {
		w.loaded = &loadedState{disk, pending}
	}
	return disk, nil
}

// OpenZip opens a zipped MobileApps folder held in memory, within c's limits: the zip is read in place, and
// the edits made to it are kept beside it (Download writes both as one zip).
func OpenZip(ctx context.Context, data []byte, name string, c *Checker, opts WorkspaceOptions) (*Workspace, error) {
	return OpenZipAt(ctx, data, name, "", c, opts)
}

// Fs and Root say where the workspace's files are.
func (w *Workspace) Fs() afero.Fs      { return w.fs }
func (w *Workspace) Root() string      { return w.root }
func (w *Workspace) Checker() *Checker { return w.checker }

// State is everything the console shows.
type State struct {
	Lang     Lang           `json:"lang"`
	Source   string         `json:"source"`
	Mode     string         `json:"mode"`
	Readonly bool           `json:"readonly"`
	Disk     *Report        `json:"disk"`
	Memory   MemoryView     `json:"memory"`
	Pending  *RefreshReport `json:"pending"`
	Apps     []App          `json:"apps"`
}

// MemoryView is the memory as the console shows it beside the disk. Most sessions in memory are, field for
// field, the disk's session at the same path: those are named, not repeated, which halves a state's size.
type MemoryView struct {
	Count int `json:"count"` // sessions in memory
	// SameAsDisk are the paths whose session in memory is the one in disk.sessions.
	SameAsDisk []string `json:"sameAsDisk"`
	// Sessions are the others, in path order: the memory of files that changed, fail a check, or are gone.
	Sessions []*Session `json:"sessions"`
}

func memoryView(memory []*Session, disk []*Session) MemoryView {
	onDisk := make(map[string]*Session, len(disk))
	for _, s := range disk {
		onDisk[s.Path] = s
	}
	v := MemoryView{Count: len(memory), SameAsDisk: make([]string, 0, len(memory)), Sessions: []*Session{}}
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
	Path    string           `json:"path"`
	Content string           `json:"content"`
	ETag    string           `json:"etag"`
	Token   *TokenInspection `json:"token,omitempty"`
	Error   *Error           `json:"error,omitempty"`
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
	// Blocked says, in the workspace's language, why the status cannot be set at all; "" when it can.
	Blocked string `json:"blocked,omitempty"`
	// Fix is the fix of the file's error, what applying it will change (kind "none": why there is none); nil
	// when the file passes, or the folder is read-only.
	Fix *Fix `json:"fix,omitempty"`
}

// State computes what the console shows, in one pass over the folder. The memory it compares with is the
// registry's at the start of the pass: a refresh that ends meanwhile is in the next state.
func (w *Workspace) State(ctx context.Context) (*State, error) {
	w.mu.RLock()
	checker, loaded := w.checker, w.loaded
	w.mu.RUnlock()
	return w.state(ctx, checker, loaded)
}

func (w *Workspace) state(ctx context.Context, checker *Checker, loaded *loadedState) (*State, error) {
	var disk *Report
	var pending *RefreshReport
	if loaded != nil {
		disk, pending = loaded.disk, loaded.pending
	} else {
		var err error
		if pending, disk, err = w.registry.preview(ctx, w.fs, w.root, w.progressOf("check")); err != nil {
			return nil, err
		}
	}
	return &State{
		Lang: checker.Lang(), Source: w.source, Mode: w.mode, Readonly: w.readonly,
		Disk: disk, Memory: memoryView(w.registry.Sessions(), disk.Sessions), Pending: pending, Apps: disk.Apps,
	}, nil
}

// SetLang changes the language of messages.
func (w *Workspace) SetLang(lang Lang) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	w.checker = w.checker.WithLang(lang)
	w.registry.UseChecker(w.checker)
}

// Read opens one session file.
func (w *Workspace) Read(rel string) (*File, error) {
	w.mu.RLock()
	checker := w.checker
	w.mu.RUnlock()
	return w.readWith(checker, rel)
}

// read is Read for a change, which holds the workspace.
func (w *Workspace) read(rel string) (*File, error) { return w.readWith(w.checker, rel) }

func (w *Workspace) readWith(checker *Checker, rel string) (*File, error) {
	data, etag, err := ReadFile(w.fs, w.root, rel, checker.Limits().MaxFileSize)
	if err != nil {
		return nil, err
	}
	app, name, _ := sessionPath(rel)
	f := &File{Path: rel, Content: string(data), ETag: etag}
	sf := SessionFile{Path: rel, App: app, Name: name}
	if !IsSessionName(name) {
		return f, nil
	}
	in := checker.Inspect(sf, data)
	f.Error, f.Duplicates, f.Token = in.Error, in.Duplicates, in.Token
	lang := checker.Lang()
	switch {
	case w.readonly:
		f.Actions.Blocked = lang.Sprintf(msgReadonlyFolder)
	case in.Doc == nil: // SetStatus edits the text of a JSON object, which this is not
		f.Actions.Blocked = lang.Sprintf(msgStatusNeedsObject)
	default:
		status := str(in.Doc, "status")
		f.Actions.Accept, f.Actions.Pending = status != StatusAccepted, status != StatusPending
	}
	if f.Error != nil && !w.readonly {
		f.Actions.Fix = checker.proposeFix(f.Error, in)
	}
	return f, nil
}

// Fix applies the fix the engine proposes for the file at rel, as it was read with the ETag ifMatch: refused when
// the file changed since, or when the engine has no fix for it. Where the engine has no single right fix but
// offers choices, trust names the one to apply (Fix.Trusting). It returns the file where the fix left it (a
// move changes its path).
func (w *Workspace) Fix(rel, ifMatch string, trust Witness) (*File, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, err
	}
	f, err := w.read(rel)
	if err != nil {
		return nil, err
	}
	if ifMatch != "" && f.ETag != ifMatch {
		return nil, changedOnDisk(rel)
	}
	fix := f.Actions.Fix
	if fix == nil {
		return nil, &OpError{Kind: KindInput, Path: rel, Msg: "the file passes every check: there is nothing to fix"}
	}
	if fix, err = fix.Trusting(trust); err != nil {
		return nil, err
	}
	if err := w.checker.ApplyFix(w.fs, w.root, fix); err != nil {
		return nil, err
	}
	if fix.Kind == FixMove {
		rel = fix.To
	}
	return w.read(rel)
}

func (w *Workspace) writable() error {
	if w.readonly {
		return &OpError{Kind: KindReadonly, Msg: "this folder is open read-only"}
	}
	return nil
}

// Write saves a file's content; see WriteOptions for the ETag rule. Content over the workspace's file size limit
// is refused before anything is written: the file could not be read back, and 4D would drop its session.
func (w *Workspace) Write(rel string, content []byte, opts WriteOptions) (*File, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, err
	}
	opts.MaxFileSize = w.checker.Limits().MaxFileSize
	if _, err := WriteFile(w.fs, w.root, rel, content, opts); err != nil {
		return nil, err
	}
	return w.read(rel)
}

// Remove deletes a session file (only when its ETag is ifMatch, unless empty), an app folder, or everything ("");
// see RemoveWith.
func (w *Workspace) Remove(rel, ifMatch string) error {
	return w.RemoveWith(rel, DeleteOptions{IfMatch: ifMatch})
}

// RemoveWith deletes a session file, an app folder, or everything (""), as DeleteWith does: a folder that holds
// what 4D does not put in a MobileApps folder is refused (KindForeign, naming the entry) unless opts.Force.
func (w *Workspace) RemoveWith(rel string, opts DeleteOptions) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return err
	}
	opts.MaxFileSize = w.checker.Limits().MaxFileSize
	return DeleteWith(w.fs, w.root, rel, opts)
}

// SetStatus accepts a pending session or puts one back to pending.
func (w *Workspace) SetStatus(rel, status, ifMatch string) (*File, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, err
	}
	if _, err := SetStatus(w.fs, w.root, rel, status, ifMatch, w.checker.Limits().MaxFileSize); err != nil {
		return nil, err
	}
	return w.read(rel)
}

// Create writes a new test session file.
func (w *Workspace) Create(n NewSession) (*File, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	if err := w.writable(); err != nil {
		return nil, err
	}
	rel, err := CreateSession(w.fs, w.root, n)
	if err != nil {
		return nil, err
	}
	return w.read(rel)
}

// Refresh runs MOBILE APP REFRESH SESSIONS on the folder.
func (w *Workspace) Refresh(ctx context.Context) (*RefreshReport, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loaded = nil
	return w.registry.Refresh(ctx, w.fs, w.root, CheckOptions{Progress: w.progressOf("refresh")})
}

// Restart reloads the memory from the folder, as a server restart does.
func (w *Workspace) Restart(ctx context.Context) (*Report, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.load(ctx)
}

// Download writes the folder as a zip that opens again within the workspace's zip limits: a folder whose zip
// would not is refused, naming the entry (ExportZipWithin). It holds the workspace only to see its limits, not
// while it writes: out may be a slow client, which must hold up nothing.
func (w *Workspace) Download(out io.Writer) error {
	w.mu.RLock()
	limits := w.checker.Limits().Zip
	w.mu.RUnlock()
	return ExportZipWithin(w.fs, w.root, out, limits)
}
