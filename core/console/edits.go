package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/zipfs"
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
	// Base, for a folder read by a browser, is what the folder on disk held at Path when the edit was reported
	// ("none", "folder", "file ETAG"): re-applied to the folder read again, an edit whose path changed on disk
	// meanwhile is not written over it.
	Base string `json:"base,omitempty"`
}

// EditKinds are the values of Edit.Kind.
const (
	EditFile   = zipfs.EditFile
	EditFolder = zipfs.EditFolder
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
var errNotInMemory = &core.OpError{Kind: core.KindInput, Msg: "this folder's edits are written to disk, not kept in memory"}

func (w *Workspace) overlay() (*zipfs.Overlay, error) {
	if o, ok := w.fs.(*zipfs.Overlay); ok {
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
	prints, seq, err := o.Prints()
	if err != nil {
		return nil, err
	}
	set := &EditSet{Seq: seq, Complete: since == 0 || since > seq, Edits: []Edit{}}
	set.Differ = countPaths(prints, func(p zipfs.PathPrint) bool { return p.Print != "" })
	set.NotDownloaded = countPaths(prints, func(p zipfs.PathPrint) bool { return p.Print != p.Downloaded })
	told := make([]zipfs.Told, 0, len(prints))
	for _, p := range prints {
		if !set.Complete && p.Exported <= since {
			continue
		}
		rel, ok := relativeTo(w.root, p.Path)
		if !ok {
			continue // the engine changes nothing outside the folder
		}
		e, err := o.EditAt(p.Path)
		if err != nil {
			return nil, core.FileError(rel, err)
		}
		c := Edit{Path: rel, Removed: e.Removed, Kind: e.Kind, Data: e.Data, Modified: e.Modified, Downloaded: p.Downloaded}
		kept := c.Removed || c.Kind != "" || c.Downloaded != ""
		if disk, ok := o.Base().(*zipfs.Overlay); ok && kept {
			if c.Base, err = diskPrint(disk, p.Path); err != nil {
				return nil, core.FileError(rel, err)
			}
		}
		told = append(told, zipfs.Told{PathPrint: p, Kept: kept})
		// Nothing to keep at a path whose record the caller cannot hold (every record is replaced by a complete
		// set, and this path was never told as kept): not told at all, as a save's temporary file.
		if kept || !set.Complete && p.Reported {
			set.Edits = append(set.Edits, c)
		}
	}
	o.Told(told)
	return set, nil
}

// DownloadMarked writes the folder as a zip, as Download does, and remembers what it held: Edits counts what
// differs from it as not downloaded. A change made while the zip was written leaves the marks as they were (the
// zip may lack it).
func (w *Workspace) DownloadMarked(out io.Writer) error {
	o, _ := w.fs.(*zipfs.Overlay)
	var before uint64
	if o != nil {
		before = o.Seq()
	}
	if err := w.Download(out); err != nil {
		return err
	}
	if o == nil {
		return nil
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return o.MarkDownloaded(before)
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
	if o.Written() {
		return &core.OpError{Kind: core.KindInput, Msg: "edits are re-applied only to a folder just opened"}
	}
	edits, err = validEdits(edits, w.checker.Limits().Zip)
	if err != nil {
		return err
	}
	w.loaded = nil
	w.ix = nil // what the edits leave is known from the next pass
	abs := func(rel string) string { return filepath.Join(w.root, filepath.FromSlash(rel)) }
	refused := func(rel string, err error) error {
		var pe *fs.PathError
		if errors.As(err, &pe) { // the path is the overlay's; the edit is named already
			err = pe.Err
		}
		return &core.OpError{Kind: core.KindInput, Path: rel, Msg: "a kept edit does not fit the source: " + err.Error()}
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
			err = o.RestoreFile(abs(c.Path), c.Data, c.Modified)
		}
		if err != nil {
			return refused(c.Path, err)
		}
	}
	for _, c := range edits {
		o.RestoreMark(abs(c.Path), c.Downloaded)
	}
	w.stale = nil
	if disk, ok := o.Base().(*zipfs.Overlay); ok {
		for _, c := range edits {
			if c.Base == "" {
				continue
			}
			if now, err := diskPrint(disk, abs(c.Path)); err != nil || now != c.Base {
				w.stale = append(w.stale, c.Path)
			}
		}
	}
	return nil
}

// WithoutEdits opens the source of a folder opened in memory again, as it was opened: every edit dropped, the
// memory loaded from it again.
func (w *Workspace) WithoutEdits(ctx context.Context) (*Workspace, error) {
	w.mu.RLock()
	o, err := w.overlay()
	opts := WorkspaceOptions{Source: w.source, Mode: w.mode, Readonly: w.readonly, Lang: w.lang, Exclusive: w.exclusive, Progress: w.progress}
	checker, root := w.checker, w.root
	w.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return OpenEditable(ctx, o.Base(), root, checker, opts)
}

// countPaths counts the paths that differ as differs says, as a person counts changes: a folder the edits made
// is not counted apart from a file made in it.
func countPaths(prints []zipfs.PathPrint, differs func(zipfs.PathPrint) bool) int {
	counted := map[string]bool{}
	for _, p := range prints {
		if differs(p) {
			counted[p.Path] = true
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
func madeFolder(prints []zipfs.PathPrint, dir string) bool {
	i := sort.Search(len(prints), func(i int) bool { return prints[i].Path >= dir })
	return i < len(prints) && prints[i].Path == dir && (prints[i].Print == zipfs.PrintFolder || prints[i].Print == "" && prints[i].Downloaded == zipfs.PrintFolder)
}

// maxMarkLength bounds Edit.Downloaded, which the engine itself writes short.
const maxMarkLength = 64

// validEdits checks edits as they come back from outside the engine, and returns them in path order.
func validEdits(edits []Edit, limits core.ZipLimits) ([]Edit, error) {
	if len(edits) > limits.MaxEntries {
		return nil, &core.OpError{Kind: core.KindInput, Msg: fmt.Sprintf("%d kept edits, over the limit of %d entries", len(edits), limits.MaxEntries)}
	}
	out := make([]Edit, len(edits))
	copy(out, edits)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	var total int64
	for i, c := range out {
		bad := func(why string) error {
			return &core.OpError{Kind: core.KindInput, Path: c.Path, Msg: "a kept edit " + why}
		}
		if _, err := core.CleanPath(c.Path); err != nil {
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
		case len(c.Base) > maxMarkLength:
			return nil, bad("has a print of the disk that the engine did not write")
		}
		if total += int64(len(c.Data)); total > limits.MaxTotalSize {
			return nil, &core.OpError{Kind: core.KindInput, Msg: fmt.Sprintf("the kept edits hold over %d bytes, the limit", limits.MaxTotalSize)}
		}
	}
	return out, nil
}

// relativeTo is p (absolute, clean) relative to root, and whether it is inside it.
func relativeTo(root, p string) (string, bool) {
	root = zipfs.CleanPath(root)
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
