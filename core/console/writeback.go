package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/zipfs"
)

// A folder read by a browser (OpenFolder) is written back by the page where the browser lets it (the File System
// Access API): the engine says what to write, step by step, each with what the folder on disk must still hold
// there, and the page moves the bytes, checks that each file is still what was read, and says what it wrote.
// The engine keeps the disk as last known (what was read, then what the page wrote) under the edits not written
// yet, so that every step checks against what is really there, and a step the page could not take stays an edit,
// neither lost nor written twice.

// DiskEntry is what the folder on disk holds at a path, as last known: a file (its size, time and bytes) or a
// folder.
type DiskEntry struct {
	Kind     string `json:"kind"` // "file" or "folder"
	Size     int64  `json:"size,omitempty"`
	Modified int64  `json:"modified,omitempty"` // ms since 1970, as File.lastModified
	SHA256   string `json:"sha256,omitempty"`   // of the file's bytes, hexadecimal
}

// FolderWrite is one step of writing the edits back: Op "mkdir" (make the folder, unless it is there), "write"
// (the file's new bytes, Data), "remove" (a file) or "rmdir" (a folder, empty by then: one that is not holds what
// was not there when it was read, and stays). Expect is what the disk must hold at Path before the step, nil for
// nothing: a step whose path holds anything else is not taken.
type FolderWrite struct {
	Path   string     `json:"path"` // relative to the folder
	Op     string     `json:"op"`
	Data   []byte     `json:"data,omitempty"`
	Expect *DiskEntry `json:"expect,omitempty"`
}

// The values of FolderWrite.Op.
const (
	StepMkdir  = "mkdir"
	StepWrite  = "write"
	StepRemove = "remove"
	StepRmdir  = "rmdir"
)

// FolderWrites is what to write to bring the folder on disk to the edits, in order: folders made and files written
// before anything is removed, so that a move stopped midway leaves the file in both places rather than in none.
type FolderWrites struct {
	Seq    uint64        `json:"seq"` // names this plan to FolderWritten
	Writes []FolderWrite `json:"writes"`
}

// WrittenStep is one step of a plan the page took, with what the disk said of a file it wrote.
type WrittenStep struct {
	Path     string `json:"path"`
	Modified int64  `json:"modified,omitempty"` // ms since 1970
}

// FolderWritten is what the page wrote of the plan Seq: its first len(Done) steps, in order.
type FolderWritten struct {
	Seq  uint64        `json:"seq"`
	Done []WrittenStep `json:"done"`
}

// WriteBack is what FolderWritten left: the paths still not written.
type WriteBack struct {
	Written int `json:"written"`
	Differ  int `json:"differ"`
}

// folderPlan is the last plan FolderWrites gave, kept until FolderWritten says what of it was done.
type folderPlan struct {
	seq    uint64
	writes []FolderWrite
	roots  []string // the paths of the journal it was made from, in path order
}

var errNotAFolder = &core.OpError{Kind: core.KindInput, Msg: "only a folder read by a browser is written back by the page"}

// disk is the folder on disk as last known, under the edits, for a folder read by a browser.
func (w *Workspace) disk() (edits, disk *zipfs.Overlay, err error) {
	o, ok := w.fs.(*zipfs.Overlay)
	if !ok {
		return nil, nil, errNotAFolder
	}
	d, ok := o.Base().(*zipfs.Overlay)
	if !ok {
		return nil, nil, errNotAFolder
	}
	return o, d, nil
}

// FolderWrites says what to write to bring the folder on disk to the edits (a folder that OpenFolder opened). An
// edit kept from an earlier visit whose path changed on disk since it was kept (ApplyEdits) is not written over
// what is there now: the plan is refused (core.KindConflict), naming it.
func (w *Workspace) FolderWrites() (*FolderWrites, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	edits, disk, err := w.disk()
	if err != nil {
		return nil, err
	}
	if len(w.stale) > 0 {
		return nil, &core.OpError{Kind: core.KindConflict, Path: w.stale[0], Msg: "changed in the folder since the change made to it here was kept, before the page was reloaded: it is not written over; download the changes, or discard them"}
	}
	prints, seq, err := edits.Prints()
	if err != nil {
		return nil, err
	}
	p := &planner{edits: edits, disk: disk, root: w.root, steps: map[string]FolderWrite{}}
	var roots []string
	for _, pp := range prints {
		if _, inside := relativeTo(w.root, pp.Path); !inside || pp.Print == "" {
			continue
		}
		roots = append(roots, pp.Path)
		if err := p.at(pp.Path); err != nil {
			return nil, err
		}
	}
	plan := &folderPlan{seq: seq, writes: p.ordered(), roots: roots}
	w.plan = plan
	return &FolderWrites{Seq: seq, Writes: plan.writes}, nil
}

// FolderWritten records what the page wrote of the last plan: the disk as last known takes each step done (a file
// written, with the time the disk gave it), and the edits that the disk now holds are edits no more. The rest
// stays to be written.
func (w *Workspace) FolderWritten(done FolderWritten) (*WriteBack, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	edits, disk, err := w.disk()
	if err != nil {
		return nil, err
	}
	plan := w.plan
	if plan == nil || plan.seq != done.Seq {
		return nil, &core.OpError{Kind: core.KindInput, Msg: "what was written is not of the last plan of writes"}
	}
	if len(done.Done) > len(plan.writes) {
		return nil, &core.OpError{Kind: core.KindInput, Msg: "more steps written than the plan holds"}
	}
	w.plan = nil
	w.loaded = nil
	for i, step := range done.Done {
		s := plan.writes[i]
		if step.Path != s.Path {
			return nil, &core.OpError{Kind: core.KindInput, Path: step.Path, Msg: fmt.Sprintf("written in the place of step %d, %s", i+1, s.Path)}
		}
		if err := takeStep(disk, path.Join(w.root, s.Path), s, step.Modified); err != nil {
			return nil, core.FileError(s.Path, err)
		}
	}
	var settled []string
	for _, p := range plan.roots {
		if under := slicesContainAbove(settled, p); under {
			continue
		}
		ok, err := edits.Settle(p, p == zipfs.CleanPath(w.root))
		if err != nil {
			return nil, err
		}
		if ok {
			settled = append(settled, p)
		}
	}
	prints, _, err := edits.Prints()
	if err != nil {
		return nil, err
	}
	return &WriteBack{Written: len(done.Done), Differ: countPaths(prints, func(p zipfs.PathPrint) bool { return p.Print != "" })}, nil
}

// slicesContainAbove says whether one of dirs is p or a folder above it.
func slicesContainAbove(dirs []string, p string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// takeStep makes the disk as last known take a step the page took.
func takeStep(disk *zipfs.Overlay, p string, s FolderWrite, modified int64) error {
	switch s.Op {
	case StepMkdir:
		return disk.MkdirAll(p, 0o755)
	case StepWrite:
		return disk.RestoreFile(p, s.Data, core.TimeOfMillis(modified))
	case StepRemove, StepRmdir:
		return disk.RemoveAll(p)
	}
	return fmt.Errorf("unknown step %q", s.Op)
}

// planner works out the steps from the disk as last known to the edits, path by path.
type planner struct {
	edits, disk *zipfs.Overlay
	root        string
	steps       map[string]FolderWrite
}

// at adds the steps that bring the disk at the path p (absolute), and under it, to the edits.
func (p *planner) at(abs string) error {
	info, err := p.edits.Stat(abs)
	inEdits := err == nil
	diskInfo, err := p.disk.Stat(abs)
	onDisk := err == nil
	rel, _ := relativeTo(p.root, abs)
	switch {
	case inEdits && !info.IsDir():
		if onDisk && diskInfo.IsDir() {
			return &core.OpError{Kind: core.KindInternal, Path: rel, Msg: "a folder on disk would become a file"}
		}
		data, err := afero.ReadFile(p.edits, abs)
		if err != nil {
			return core.FileError(rel, err)
		}
		var expect *DiskEntry
		if onDisk {
			now, err := afero.ReadFile(p.disk, abs)
			if err != nil {
				return core.FileError(rel, err)
			}
			if bytes.Equal(now, data) {
				return nil
			}
			expect = fileEntry(diskInfo, now)
		}
		p.steps[rel] = FolderWrite{Path: rel, Op: StepWrite, Data: data, Expect: expect}
		return p.parents(abs)
	case inEdits:
		if onDisk && !diskInfo.IsDir() {
			return &core.OpError{Kind: core.KindInternal, Path: rel, Msg: "a file on disk would become a folder"}
		}
		if !onDisk {
			p.steps[rel] = FolderWrite{Path: rel, Op: StepMkdir}
			return p.parents(abs)
		}
		// What the disk holds in the folder and the edits do not (a folder removed, then made again).
		return p.removeUnder(abs, func(child string) bool {
			_, err := p.edits.Stat(child)
			return !errors.Is(err, fs.ErrNotExist)
		})
	case onDisk && abs == zipfs.CleanPath(p.root):
		// The folder the browser was given stays: it is emptied (4D's example deletes it; an empty MobileApps
		// folder holds no session either).
		return p.removeUnder(abs, nil)
	case onDisk:
		return p.remove(abs)
	}
	return nil
}

// parents adds a mkdir of each folder above abs that the disk lacks.
func (p *planner) parents(abs string) error {
	for dir := path.Dir(abs); ; dir = path.Dir(dir) {
		rel, inside := relativeTo(p.root, dir)
		if !inside || rel == "" {
			return nil
		}
		if info, err := p.disk.Stat(dir); err == nil {
			if !info.IsDir() {
				return &core.OpError{Kind: core.KindInternal, Path: rel, Msg: "a file on disk would become a folder"}
			}
			return nil
		}
		p.steps[rel] = FolderWrite{Path: rel, Op: StepMkdir}
	}
}

// remove adds the steps that remove what the disk holds at abs: each file, then each folder, deepest first.
func (p *planner) remove(abs string) error {
	rel, _ := relativeTo(p.root, abs)
	info, err := p.disk.Stat(abs)
	if err != nil {
		return core.FileError(rel, err)
	}
	if !info.IsDir() {
		data, err := afero.ReadFile(p.disk, abs)
		if err != nil {
			return core.FileError(rel, err)
		}
		p.steps[rel] = FolderWrite{Path: rel, Op: StepRemove, Expect: fileEntry(info, data)}
		return nil
	}
	if err := p.removeUnder(abs, nil); err != nil {
		return err
	}
	p.steps[rel] = FolderWrite{Path: rel, Op: StepRmdir, Expect: &DiskEntry{Kind: "folder"}}
	return nil
}

// removeUnder adds the steps that remove what the disk holds in the folder abs, but what stays says stays.
func (p *planner) removeUnder(abs string, stays func(child string) bool) error {
	entries, err := afero.ReadDir(p.disk, abs) // in memory: no pipe to wait on
	if err != nil {
		rel, _ := relativeTo(p.root, abs)
		return core.FileError(rel, err)
	}
	for _, e := range entries {
		child := zipfs.CleanPath(abs + "/" + e.Name())
		if stays != nil && stays(child) {
			continue
		}
		if err := p.remove(child); err != nil {
			return err
		}
	}
	return nil
}

// ordered is the steps in the order to take them: folders made (parents first), files written, files removed,
// folders removed (deepest first).
func (p *planner) ordered() []FolderWrite {
	rank := map[string]int{StepMkdir: 0, StepWrite: 1, StepRemove: 2, StepRmdir: 3}
	out := make([]FolderWrite, 0, len(p.steps))
	for _, s := range p.steps {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rank[a.Op] != rank[b.Op] {
			return rank[a.Op] < rank[b.Op]
		}
		if a.Op == StepRmdir {
			return a.Path > b.Path
		}
		return a.Path < b.Path
	})
	return out
}

func fileEntry(info fs.FileInfo, data []byte) *DiskEntry {
	sum := sha256.Sum256(data)
	e := &DiskEntry{Kind: "file", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	if t := info.ModTime(); !t.IsZero() {
		e.Modified = t.UnixMilli()
	}
	return e
}

// diskPrint says what the disk as last known holds at abs, in a short text kept with an edit (Edit.Base):
// "none", "folder", or "file " and the ETag of its bytes.
func diskPrint(disk afero.Fs, abs string) (string, error) {
	info, err := disk.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "none", nil
	case err != nil:
		return "", err
	case info.IsDir():
		return "folder", nil
	}
	data, err := afero.ReadFile(disk, abs)
	if err != nil {
		return "", err
	}
	return "file " + core.ETag(data), nil
}
