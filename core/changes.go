package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"
)

// A folder opened in memory (a zip, the sample) keeps its edits in an overlay over what was opened. The console
// keeps those edits elsewhere (the browser's storage) so that they outlive the page: the engine says what they
// are (Workspace.Edits) and opens the same source again with them re-applied (ApplyEdits). An Edit names a path
// a change was asked for and what the edits hold there, so re-applying every Edit rebuilds the folder exactly.

// Edit is what the edits hold at one path of the folder.
type Edit struct {
	// Path is relative to the folder ("app/file", "app", "" for the folder itself).
	Path string `json:"path"`
	// Removed: what the source holds at Path, and everything under it, is gone (applied before Kind).
	Removed bool `json:"removed,omitempty"`
	// Kind is what the edits put at Path: "file" (Data, Modified), "folder", or "" (nothing of their own).
	Kind     string    `json:"kind,omitempty"`
	Data     []byte    `json:"data,omitempty"`
	Modified time.Time `json:"modified,omitzero"`
	// Downloaded is how Path differed from the source when the folder was last downloaded ("": it did not, or
	// nothing was downloaded); kept with the change so that "not downloaded" survives a reload.
	Downloaded string `json:"downloaded,omitempty"`
}

// EditKinds are the values of Edit.Kind.
const (
	EditFile   = "file"
	EditFolder = "folder"
)

// EditSet is what Workspace.Edits reports.
type EditSet struct {
	// Seq is where the edits stand: asked again with since = Seq, only the paths changed after are reported.
	Seq uint64 `json:"seq"`
	// Complete says that Edits lists every edit (since was 0): what was kept before is replaced by it.
	// Otherwise Edits lists the paths changed since, and an Edit with neither Removed, Kind nor Downloaded
	// means that nothing needs keeping at its path any more.
	Complete bool   `json:"complete"`
	Edits    []Edit `json:"edits"`
	// Differ counts the paths where the folder differs from the source as it was opened; NotDownloaded, those
	// where it differs from what was last downloaded (from the source when nothing was).
	Differ        int `json:"differ"`
	NotDownloaded int `json:"notDownloaded"`
}

// errNotInMemory is a change-keeping call on a folder whose edits go to disk.
var errNotInMemory = &OpError{Kind: KindInput, Msg: "this folder's edits are written to disk, not kept in memory"}

// OpenEditable opens the folder at root of base, which is never written, with its edits kept in memory beside
// it, as OpenZip does for a zip.
func OpenEditable(ctx context.Context, base afero.Fs, root string, c *Checker, opts WorkspaceOptions) (*Workspace, error) {
	return NewWorkspace(ctx, newOverlay(base), root, c, opts)
}

func (w *Workspace) overlay() (*overlayFs, error) {
	if o, ok := w.fs.(*overlayFs); ok {
		return o, nil
	}
	return nil, errNotInMemory
}

// Edits reports the edits of a folder opened in memory: every one when since is 0 (or is not a Seq this
// workspace gave), else those made after since.
func (w *Workspace) Edits(since uint64) (*EditSet, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	o, err := w.overlay()
	if err != nil {
		return nil, err
	}
	prints, seq, err := o.fingerprints()
	if err != nil {
		return nil, err
	}
	set := &EditSet{Seq: seq, Complete: since == 0 || since > seq, Edits: []Edit{}}
	set.Differ = countPaths(prints, func(p pathPrint) bool { return p.print != "" })
	set.NotDownloaded = countPaths(prints, func(p pathPrint) bool { return p.print != p.downloaded })
	told := make([]toldPath, 0, len(prints))
	for _, p := range prints {
		if !set.Complete && p.exported <= since {
			continue
		}
		rel, ok := relativeTo(w.root, p.path)
		if !ok {
			continue // the engine changes nothing outside the folder
		}
		c, err := o.editAt(p.path)
		if err != nil {
			return nil, opError(rel, err)
		}
		c.Path, c.Downloaded = rel, p.downloaded
		kept := c.Removed || c.Kind != "" || c.Downloaded != ""
		told = append(told, toldPath{p, kept})
		// Nothing to keep at a path whose record the caller cannot hold (every record is replaced by a complete
		// set, and this path was never told as kept): not told at all, as a save's temporary file.
		if kept || !set.Complete && p.reported {
			set.Edits = append(set.Edits, c)
		}
	}
	o.journal.told(told)
	return set, nil
}

// DownloadMarked writes the folder as a zip, as Download does, and remembers what it held: Edits counts what
// differs from it as not downloaded. A change made while the zip was written leaves the marks as they were (the
// zip may lack it).
func (w *Workspace) DownloadMarked(out io.Writer) error {
	o, _ := w.fs.(*overlayFs)
	var before uint64
	if o != nil {
		before = o.journal.current()
	}
	if err := w.Download(out); err != nil {
		return err
	}
	if o == nil {
		return nil
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return o.markDownloaded(before)
}

// ApplyEdits re-applies edits, as Edits reported them, to a folder just opened in memory: its memory stays
// what was loaded from the source, as a server that started on it, and its files become the edited ones.
// Nothing is applied unless every change is valid and within the checker's zip limits.
func (w *Workspace) ApplyEdits(edits []Edit) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	o, err := w.overlay()
	if err != nil {
		return err
	}
	if o.written.Load() {
		return &OpError{Kind: KindInput, Msg: "edits are re-applied only to a folder just opened"}
	}
	edits, err = validEdits(edits, w.checker.Limits().Zip)
	if err != nil {
		return err
	}
	w.loaded = nil
	abs := func(rel string) string { return cleanName(fsPath(w.root, rel)) }
	refused := func(rel string, err error) error {
		return &OpError{Kind: KindInput, Path: rel, Msg: "a kept edit does not fit the source: " + unwrapPathError(err).Error()}
	}
	// Removals first, the deepest first (each then hides what it hid when it was made), then what the edits
	// made: a folder removed and made again holds only what was made.
	for i := len(edits) - 1; i >= 0; i-- {
		if c := edits[i]; c.Removed {
			if err := o.RemoveAll(abs(c.Path)); err != nil {
				return refused(c.Path, err)
			}
		}
	}
	for _, c := range edits {
		var err error
		switch c.Kind {
		case EditFolder:
			err = o.MkdirAll(abs(c.Path), 0o755)
		case EditFile:
			err = o.restoreFile(abs(c.Path), c.Data, c.Modified)
		}
		if err != nil {
			return refused(c.Path, err)
		}
	}
	for _, c := range edits {
		o.journal.restoreMark(abs(c.Path), c.Downloaded)
	}
	return nil
}

// WithoutEdits opens the source of a folder opened in memory again, as it was opened: every edit dropped, the
// memory loaded from it again.
func (w *Workspace) WithoutEdits(ctx context.Context) (*Workspace, error) {
	w.mu.RLock()
	o, err := w.overlay()
	opts := WorkspaceOptions{Source: w.source, Mode: w.mode, Readonly: w.readonly, Exclusive: w.exclusive, Progress: w.progress}
	checker, root := w.checker, w.root
	w.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return OpenEditable(ctx, o.base, root, checker, opts)
}

// countPaths counts the paths that differ as differs says, as a person counts changes: a folder the edits made
// is not counted apart from a file made in it.
func countPaths(prints []pathPrint, differs func(pathPrint) bool) int {
	counted := map[string]bool{}
	for _, p := range prints {
		if differs(p) {
			counted[p.path] = true
		}
	}
	n := len(counted)
	for p := range counted {
		for dir := path.Dir(p); dir != "/" && dir != "."; dir = path.Dir(dir) {
			if counted[dir] && madeFolder(prints, dir) {
				delete(counted, dir)
				n--
			}
		}
	}
	return n
}

// madeFolder says whether the difference at dir is only that the edits made the folder.
func madeFolder(prints []pathPrint, dir string) bool {
	i := sort.Search(len(prints), func(i int) bool { return prints[i].path >= dir })
	return i < len(prints) && prints[i].path == dir && (prints[i].print == printFolder || prints[i].print == "" && prints[i].downloaded == printFolder)
}

// maxMarkLength bounds Edit.Downloaded, which the engine itself writes short.
const maxMarkLength = 64

// validEdits checks edits as they come back from outside the engine, and returns them in path order.
func validEdits(edits []Edit, limits ZipLimits) ([]Edit, error) {
	if len(edits) > limits.MaxEntries {
		return nil, &OpError{Kind: KindInput, Msg: fmt.Sprintf("%d kept edits, over the limit of %d entries", len(edits), limits.MaxEntries)}
	}
	out := make([]Edit, len(edits))
	copy(out, edits)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	var total int64
	for i, c := range out {
		bad := func(why string) error { return &OpError{Kind: KindInput, Path: c.Path, Msg: "a kept edit " + why} }
		if _, err := CleanPath(c.Path); err != nil {
			return nil, err
		}
		switch {
		case i > 0 && out[i-1].Path == c.Path:
			return nil, bad("is given twice")
		case c.Kind != "" && c.Kind != EditFile && c.Kind != EditFolder:
			return nil, bad(fmt.Sprintf("has an unknown kind %q", c.Kind))
		case c.Kind != EditFile && (len(c.Data) > 0 || !c.Modified.IsZero()):
			return nil, bad("has content but is not a file")
		case c.Kind == EditFile && c.Path == "":
			return nil, bad("makes the folder itself a file")
		case int64(len(c.Data)) > limits.MaxFileSize:
			return nil, bad(fmt.Sprintf("is %d bytes, over the limit of %d", len(c.Data), limits.MaxFileSize))
		case len(c.Downloaded) > maxMarkLength:
			return nil, bad("has a download mark that the engine did not write")
		}
		if total += int64(len(c.Data)); total > limits.MaxTotalSize {
			return nil, &OpError{Kind: KindInput, Msg: fmt.Sprintf("the kept edits hold over %d bytes, the limit", limits.MaxTotalSize)}
		}
	}
	return out, nil
}

// relativeTo is p (absolute, clean) relative to root, and whether it is inside it.
func relativeTo(root, p string) (string, bool) {
	root = cleanName(root)
	switch {
	case p == root:
		return "", true
	case root == "/":
		return p[1:], true
	case strings.HasPrefix(p, root+"/"):
		return p[len(root)+1:], true
	}
	return "", false
}

// ---- the overlay's side

// journal counts the changes made to an overlay and names the paths they were made at.
type journal struct {
	mu    sync.Mutex
	count uint64
	paths map[string]*journalEntry
}

type journalEntry struct {
	changed  uint64 // the count when the path last changed
	exported uint64 // the count when its change (or download mark) last changed: reported after it
	print    string // how the path differs from the base, computed at printAt (0: not yet)
	printAt  uint64
	// downloaded is the print at the last download.
	downloaded string
	// reported: the last EditSet that named the path told something to keep there, so its caller may hold a
	// record of it.
	reported bool
}

func (j *journal) entry(p string) *journalEntry {
	e := j.paths[p]
	if e == nil {
		e = &journalEntry{}
		j.paths[p] = e
	}
	return e
}

// touch records a change asked for at p.
func (j *journal) touch(p string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.count++
	e := j.entry(p)
	e.changed, e.exported = j.count, j.count
}

func (j *journal) current() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.count
}

// restoreMark sets p's download mark, as kept with its change.
func (j *journal) restoreMark(p, downloaded string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.count++
	e := j.entry(p)
	e.downloaded, e.changed, e.exported = downloaded, j.count, j.count
}

// toldPath is a path an EditSet named (or left out as having nothing to keep): kept, whether it told something
// to keep there.
type toldPath struct {
	pathPrint
	kept bool
}

// told records what an EditSet told of each path, and forgets the paths left with nothing to keep and no
// difference to count, unless they changed meanwhile: a save's temporary file is forgotten at once.
func (j *journal) told(paths []toldPath) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, t := range paths {
		e := j.paths[t.path]
		if e == nil || e.exported != t.exported {
			continue
		}
		if e.reported = t.kept; !t.kept && t.print == "" {
			delete(j.paths, t.path)
		}
	}
}

// pathPrint is one journal path with how it differs from the base now.
type pathPrint struct {
	path       string
	reported   bool
	changed    uint64 // the entry's changed when print was computed
	print      string
	differs    bool
	downloaded string
	exported   uint64
}

// fingerprints says, for every path of the journal in path order, how it differs from the base, computing only
// those changed since last asked; and the journal's count.
func (o *overlayFs) fingerprints() ([]pathPrint, uint64, error) {
	j := &o.journal
	j.mu.Lock()
	count := j.count
	out := make([]pathPrint, 0, len(j.paths))
	var stale []int
	for p, e := range j.paths {
		if e.printAt != e.changed {
			stale = append(stale, len(out))
		}
		out = append(out, pathPrint{path: p, changed: e.changed, print: e.print, downloaded: e.downloaded, exported: e.exported, reported: e.reported})
	}
	j.mu.Unlock()
	for _, i := range stale {
		print, err := o.difference(out[i].path)
		if err != nil {
			return nil, 0, err
		}
		out[i].print = print
	}
	j.mu.Lock()
	for _, i := range stale {
		if e := j.paths[out[i].path]; e.changed == out[i].changed { // not changed again meanwhile
			e.print, e.printAt = out[i].print, e.changed
		}
	}
	j.mu.Unlock()
	for i := range out {
		out[i].differs = out[i].print != ""
	}
	sort.Slice(out, func(a, b int) bool { return out[a].path < out[b].path })
	return out, count, nil
}

// markDownloaded records the prints of now as downloaded, unless the journal changed since before.
func (o *overlayFs) markDownloaded(before uint64) error {
	prints, count, err := o.fingerprints()
	if err != nil {
		return err
	}
	j := &o.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	if count != before || j.count != before {
		return nil
	}
	for _, p := range prints {
		if e := j.paths[p.path]; e.downloaded != p.print {
			j.count++
			e.downloaded, e.exported = p.print, j.count
		}
	}
	return nil
}

// printFolder is the print of a folder the edits made.
const printFolder = "folder"

// difference says how p differs from the base, as a short print that changes with it: "" when it does not.
// A folder of the base that was removed counts as a difference whatever was made again in its place, since what
// it held is gone.
func (o *overlayFs) difference(p string) (string, error) {
	baseInfo, err := o.base.Stat(p)
	inBase := err == nil
	o.mu.RLock()
	removed := o.deleted[p]
	o.mu.RUnlock()
	if removed && inBase && baseInfo.IsDir() {
		return "removed folder", nil
	}
	topInfo, inTop := o.inTop(p)
	switch {
	case inTop && !topInfo.IsDir():
		data, err := afero.ReadFile(o.top, p)
		if err != nil {
			return "", err
		}
		if inBase && !baseInfo.IsDir() && baseInfo.Size() == int64(len(data)) {
			if same, err := afero.ReadFile(o.base, p); err == nil && bytes.Equal(same, data) {
				return "", nil
			}
		}
		return "file " + ETag(data), nil
	case inTop:
		if inBase && baseInfo.IsDir() && !o.hidden(p) {
			return "", nil
		}
		return printFolder, nil
	case inBase && !o.hidden(p):
		return "", nil
	case inBase:
		return "removed", nil
	}
	return "", nil
}

// editAt is what the edits hold at p (its Path and Downloaded left to the caller).
func (o *overlayFs) editAt(p string) (Edit, error) {
	var c Edit
	o.mu.RLock()
	c.Removed = o.deleted[p]
	o.mu.RUnlock()
	info, inTop := o.inTop(p)
	switch {
	case inTop && !info.IsDir():
		data, err := afero.ReadFile(o.top, p)
		if err != nil {
			return c, err
		}
		c.Kind, c.Data, c.Modified = EditFile, data, info.ModTime().UTC()
	case inTop:
		if baseInfo, err := o.base.Stat(p); err != nil || !baseInfo.IsDir() || o.hidden(p) {
			c.Kind = EditFolder
		}
	}
	return c, nil
}

// restoreFile writes a file of a kept change, in the folder that holds it, made when the edits removed it.
func (o *overlayFs) restoreFile(p string, data []byte, modified time.Time) error {
	dir, _ := path.Split(p)
	if err := o.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if info, err := o.Stat(p); err == nil && info.IsDir() {
		return &fs.PathError{Op: "write", Path: p, Err: errors.New("is a folder")}
	}
	if err := afero.WriteFile(o, p, data, 0o644); err != nil {
		return err
	}
	if !modified.IsZero() {
		return o.Chtimes(p, modified, modified)
	}
	return nil
}
