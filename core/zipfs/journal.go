package zipfs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/spf13/afero"
)

// The overlay's journal: every path a change was asked for, and how the path differs from the base now, so
// that the edits can be told apart from the base and kept elsewhere (the console keeps them in the browser's
// storage). Re-applying what EditAt says of every path of the journal (RestoreFile, MkdirAll, RemoveAll)
// rebuilds the edits over the same base.

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
	// reported: the last Told said there was something to keep there, so its caller may hold a record of it.
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

// Seq counts the changes made to the overlay so far (and the download marks set).
func (o *Overlay) Seq() uint64 {
	j := &o.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.count
}

// RestoreMark sets the download mark of the path p (as MarkDownloaded set it, and the caller kept it).
func (o *Overlay) RestoreMark(p, downloaded string) {
	j := &o.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	j.count++
	e := j.entry(CleanPath(p))
	e.downloaded, e.changed, e.exported = downloaded, j.count, j.count
}

// PathPrint is one path of the journal with how it differs from the base now.
type PathPrint struct {
	Path string // absolute and clean (CleanPath)
	// Print says how the path differs from the base, in a short text that changes with it: "" when it does not,
	// PrintFolder for a folder the edits made.
	Print string
	// Downloaded is the print at the last download (MarkDownloaded, RestoreMark).
	Downloaded string
	// Exported is the Seq when the path's change or its download mark last changed.
	Exported uint64
	// Reported says that the last Told had something to keep at the path.
	Reported bool
	changed  uint64 // the entry's changed when Print was computed
}

// PrintFolder is the print of a folder the edits made.
const PrintFolder = "folder"

// Told is a path a caller named to whoever keeps the edits (or left out as having nothing to keep): Kept, whether
// it had something to keep there.
type Told struct {
	PathPrint
	Kept bool
}

// Told records what the caller told of each path, and forgets the paths left with nothing to keep and no
// difference to count, unless they changed meanwhile: a save's temporary file is forgotten at once.
func (o *Overlay) Told(paths []Told) {
	j := &o.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, t := range paths {
		e := j.paths[t.Path]
		if e == nil || e.exported != t.Exported {
			continue
		}
		if e.reported = t.Kept; !t.Kept && t.Print == "" {
			delete(j.paths, t.Path)
		}
	}
}

// Prints says, for every path of the journal in path order, how it differs from the base now, computing only
// those changed since last asked; and the journal's Seq.
func (o *Overlay) Prints() ([]PathPrint, uint64, error) {
	j := &o.journal
	j.mu.Lock()
	count := j.count
	out := make([]PathPrint, 0, len(j.paths))
	var stale []int
	for p, e := range j.paths {
		if e.printAt != e.changed {
			stale = append(stale, len(out))
		}
		out = append(out, PathPrint{Path: p, changed: e.changed, Print: e.print, Downloaded: e.downloaded, Exported: e.exported, Reported: e.reported})
	}
	j.mu.Unlock()
	for _, i := range stale {
		print, err := o.difference(out[i].Path)
		if err != nil {
			return nil, 0, err
		}
		out[i].Print = print
	}
	j.mu.Lock()
	for _, i := range stale {
		if e := j.paths[out[i].Path]; e.changed == out[i].changed { // not changed again meanwhile
			e.print, e.printAt = out[i].Print, e.changed
		}
	}
	j.mu.Unlock()
	sort.Slice(out, func(a, b int) bool { return out[a].Path < out[b].Path })
	return out, count, nil
}

// MarkDownloaded records the prints of now as downloaded, unless the journal changed since its Seq was before.
func (o *Overlay) MarkDownloaded(before uint64) error {
	prints, count, err := o.Prints()
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
		if e := j.paths[p.Path]; e.downloaded != p.Print {
			j.count++
			e.downloaded, e.exported = p.Print, j.count
		}
	}
	return nil
}

// difference says how p differs from the base, as a short print that changes with it: "" when it does not.
// A folder of the base that was removed counts as a difference whatever was made again in its place, since what
// it held is gone.
func (o *Overlay) difference(p string) (string, error) {
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
		return "file " + filePrint(data), nil
	case inTop:
		if inBase && baseInfo.IsDir() && !o.hidden(p) {
			return "", nil
		}
		return PrintFolder, nil
	case inBase && !o.hidden(p):
		return "", nil
	case inBase:
		return "removed", nil
	}
	return "", nil
}

// filePrint identifies a file's bytes in a print: the start of their SHA-256. A print is kept with the edits
// (PathPrint.Downloaded) and compared when they come back: its form never changes.
func filePrint(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Edit is what the edits hold at one path.
type Edit struct {
	// Removed: what the base holds at the path, and everything under it, is hidden.
	Removed bool
	// Kind is what the edits put at the path: EditFile (Data, Modified), EditFolder, or "" (nothing of their own).
	Kind     string
	Data     []byte
	Modified time.Time
}

// The values of Edit.Kind.
const (
	EditFile   = "file"
	EditFolder = "folder"
)

// EditAt is what the edits hold at the path p.
func (o *Overlay) EditAt(p string) (Edit, error) {
	p = CleanPath(p)
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

// RestoreFile writes a file of kept edits at p, in the folder that holds it, made when the edits removed it.
func (o *Overlay) RestoreFile(p string, data []byte, modified time.Time) error {
	p = CleanPath(p)
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
