package zipfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"
)

// Overlay makes a read-only file system (a zip read in place, a tree copied into memory) editable: what is
// written goes to a small in-memory layer over it, and what is deleted from the base is hidden, so that opening
// a zip copies nothing and an edit costs what it writes. (afero's CopyOnWriteFs cannot delete a file of its
// base.) Every change is journaled (Prints).
//
// A path is the top layer's when the top has it; else the base's, unless it or a folder above it was deleted.
// A folder shows the entries of both. Paths are taken absolute, as CleanPath makes them.
type Overlay struct {
	base afero.Fs
	top  *afero.MemMapFs
	// written turns true at the first write: until then every lookup goes straight to the base.
	written atomic.Bool
	mu      sync.RWMutex
	deleted map[string]bool // paths of the base deleted, with everything under them
	journal journal
}

// NewOverlay makes base editable. base is never written.
func NewOverlay(base afero.Fs) *Overlay {
	return &Overlay{base: base, top: &afero.MemMapFs{}, deleted: map[string]bool{}, journal: journal{paths: map[string]*journalEntry{}}}
}

// Base is the file system under the edits, as it was opened.
func (o *Overlay) Base() afero.Fs { return o.base }

// Written says whether anything was changed since the overlay was made.
func (o *Overlay) Written() bool { return o.written.Load() }

func (o *Overlay) Name() string { return "overlay" }

// InMemory: the top layer is in memory; the base may be anything, and says so itself.
func (o *Overlay) InMemory() bool { return IsInMemory(o.base) }

// ReadSession reads a session file from the base, as long as nothing is written: until then the base is the
// whole file system.
func (o *Overlay) ReadSession(app, name string, limit int64) ([]byte, bool, error) {
	if r, ok := o.base.(SessionReader); ok && !o.written.Load() {
		return r.ReadSession(app, name, limit)
	}
	return nil, false, nil
}

// hidden says whether the base's p was deleted, itself or with a folder above it.
func (o *Overlay) hidden(p string) bool {
	if !o.written.Load() {
		return false
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	for q := p; ; q, _ = splitLast(q) {
		if o.deleted[q] {
			return true
		}
		if q == "/" {
			return false
		}
	}
}

func (o *Overlay) inTop(p string) (fs.FileInfo, bool) {
	if !o.written.Load() {
		return nil, false
	}
	info, err := o.top.Stat(p)
	return info, err == nil
}

// inBase is the base's p, when it is not hidden.
func (o *Overlay) inBase(p string) (fs.FileInfo, bool) {
	if o.hidden(p) {
		return nil, false
	}
	info, err := o.base.Stat(p)
	return info, err == nil
}

func (o *Overlay) Stat(name string) (fs.FileInfo, error) {
	if !o.written.Load() {
		return o.base.Stat(name)
	}
	p := CleanPath(name)
	if info, ok := o.inTop(p); ok {
		return info, nil
	}
	if info, ok := o.inBase(p); ok {
		return info, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// LstatIfPossible: neither layer holds links.
func (o *Overlay) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	info, err := o.Stat(name)
	return info, false, err
}

func (o *Overlay) Open(name string) (afero.File, error) {
	if !o.written.Load() {
		return o.base.Open(name) // as long as nothing is written, the base is the whole filesystem
	}
	p := CleanPath(name)
	topInfo, inTop := o.inTop(p)
	baseInfo, inBase := o.inBase(p)
	switch {
	case inTop && topInfo.IsDir() && inBase && baseInfo.IsDir():
		return &overlayDir{o: o, path: p, name: name, info: topInfo}, nil
	case inTop:
		return o.top.Open(p)
	case inBase && baseInfo.IsDir():
		return &overlayDir{o: o, path: p, name: name, info: baseInfo}, nil // its entries may be hidden
	case inBase:
		return o.base.Open(p)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (o *Overlay) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) == 0 {
		return o.Open(name)
	}
	p := CleanPath(name)
	if _, ok := o.inTop(p); !ok {
		info, inBase := o.inBase(p)
		switch {
		case inBase && flag&os.O_EXCL != 0 && flag&os.O_CREATE != 0:
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrExist}
		case inBase && info.IsDir():
			return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("is a directory")}
		case inBase && flag&os.O_TRUNC == 0:
			if err := o.copyUp(p); err != nil { // an edit in place keeps what the base holds
				return nil, err
			}
		case !inBase && flag&os.O_CREATE == 0:
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		if err := o.parentInTop(p, name); err != nil {
			return nil, err
		}
	}
	o.written.Store(true)
	o.journal.touch(p)
	f, err := o.top.OpenFile(p, flag, perm)
	if err != nil {
		return nil, err
	}
	return &journaledFile{File: f, o: o, path: p}, nil
}

// journaledFile is a file of the top layer opened for writing: what is written through it changes the path
// again, once it is closed.
type journaledFile struct {
	afero.File
	o    *Overlay
	path string
}

func (f *journaledFile) Close() error {
	err := f.File.Close()
	f.o.journal.touch(f.path)
	return err
}

// parentInTop makes in the top layer the folder that will hold p, when that folder can be seen.
func (o *Overlay) parentInTop(p, name string) error {
	parent, _ := splitLast(p)
	info, err := o.Stat(parent)
	if err != nil {
		return &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if !info.IsDir() {
		return &fs.PathError{Op: "open", Path: name, Err: errors.New("not a directory")}
	}
	o.written.Store(true)
	return o.top.MkdirAll(parent, 0o755)
}

// copyUp copies the base's file at p into the top layer, with its time.
func (o *Overlay) copyUp(p string) error {
	data, err := afero.ReadFile(o.base, p)
	if err != nil {
		return err
	}
	info, err := o.base.Stat(p)
	if err != nil {
		return err
	}
	if err := o.parentInTop(p, p); err != nil {
		return err
	}
	if err := afero.WriteFile(o.top, p, data, info.Mode().Perm()); err != nil {
		return err
	}
	return o.top.Chtimes(p, info.ModTime(), info.ModTime())
}

func (o *Overlay) Create(name string) (afero.File, error) {
	return o.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
}

func (o *Overlay) Mkdir(name string, perm os.FileMode) error {
	p := CleanPath(name)
	if _, err := o.Stat(p); err == nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: fs.ErrExist}
	}
	if err := o.parentInTop(p, name); err != nil {
		return err
	}
	o.journal.touch(p)
	return o.top.Mkdir(p, perm)
}

func (o *Overlay) MkdirAll(name string, perm os.FileMode) error {
	p := CleanPath(name)
	for q := p; q != "/"; q, _ = splitLast(q) {
		if info, err := o.Stat(q); err == nil {
			if !info.IsDir() {
				return &fs.PathError{Op: "mkdir", Path: name, Err: errors.New("not a directory")}
			}
			if q == p {
				return nil
			}
			break
		}
	}
	o.written.Store(true)
	o.journal.touch(p)
	return o.top.MkdirAll(p, perm)
}

func (o *Overlay) Remove(name string) error {
	p := CleanPath(name)
	info, err := o.Stat(p)
	if err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	if info.IsDir() {
		if names, err := (&overlayDir{o: o, path: p}).names(); err != nil {
			return err
		} else if len(names) > 0 {
			return &fs.PathError{Op: "remove", Path: name, Err: errors.New("directory not empty")}
		}
	}
	return o.RemoveAll(name)
}

func (o *Overlay) RemoveAll(name string) error {
	p := CleanPath(name)
	o.journal.touch(p)
	if _, ok := o.inTop(p); ok {
		if err := o.top.RemoveAll(p); err != nil {
			return err
		}
	}
	if _, ok := o.inBase(p); ok {
		o.mu.Lock()
		o.deleted[p] = true
		o.mu.Unlock()
		o.written.Store(true)
	}
	return nil
}

// Rename moves a file (atomic saves rename their temporary file over the target). A folder of the base is not
// moved: nothing in the engine moves one.
func (o *Overlay) Rename(oldname, newname string) error {
	from, to := CleanPath(oldname), CleanPath(newname)
	info, err := o.Stat(from)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: fs.ErrNotExist}
	}
	if info.IsDir() {
		if _, inBase := o.inBase(from); inBase {
			return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: errReadOnlyZip}
		}
	}
	if _, ok := o.inTop(from); !ok {
		if err := o.copyUp(from); err != nil {
			return err
		}
	}
	if err := o.parentInTop(to, newname); err != nil {
		return err
	}
	if err := o.top.Rename(from, to); err != nil {
		return err
	}
	if _, ok := o.inBase(from); ok {
		o.mu.Lock()
		o.deleted[from] = true
		o.mu.Unlock()
	}
	o.journal.touch(from)
	o.journal.touch(to)
	return nil
}

// chattr changes what the top layer holds of p, copying a file of the base up first.
func (o *Overlay) chattr(name string, change func(p string) error) error {
	p := CleanPath(name)
	defer o.journal.touch(p)
	if _, ok := o.inTop(p); !ok {
		info, ok := o.inBase(p)
		switch {
		case !ok:
			return &fs.PathError{Op: "chattr", Path: name, Err: fs.ErrNotExist}
		case info.IsDir():
			if err := o.MkdirAll(p, info.Mode().Perm()); err != nil {
				return err
			}
		default:
			if err := o.copyUp(p); err != nil {
				return err
			}
		}
	}
	return change(p)
}

func (o *Overlay) Chmod(name string, mode os.FileMode) error {
	return o.chattr(name, func(p string) error { return o.top.Chmod(p, mode) })
}

func (o *Overlay) Chown(name string, uid, gid int) error {
	return o.chattr(name, func(p string) error { return o.top.Chown(p, uid, gid) })
}

func (o *Overlay) Chtimes(name string, atime, mtime time.Time) error {
	return o.chattr(name, func(p string) error { return o.top.Chtimes(p, atime, mtime) })
}

// overlayDir is a folder of the overlay: the entries of the top layer, and those of the base not hidden.
type overlayDir struct {
	o       *Overlay
	path    string
	name    string
	info    fs.FileInfo
	entries []fs.DirEntry // read at the first listing
	listed  bool
	at      int
}

func (d *overlayDir) list() error {
	if d.listed {
		return nil
	}
	var base, top []fs.DirEntry
	if _, ok := d.o.inBase(d.path); ok {
		entries, err := readDirOf(d.o.base, d.path)
		if err != nil {
			return err
		}
		base = make([]fs.DirEntry, 0, len(entries)) // entries may be the layer's own
		for _, e := range entries {
			if !d.o.hidden(CleanPath(d.path + "/" + e.Name())) {
				base = append(base, e)
			}
		}
	}
	if _, ok := d.o.inTop(d.path); ok {
		entries, err := readDirOf(d.o.top, d.path)
		if err != nil {
			return err
		}
		top = entries
	}
	d.entries = mergeByName(base, top)
	d.listed = true
	return nil
}

// mergeByName is the entries of base and top in name order, top's where both have a name. Both layers list in
// name order already (the zip's view and afero's memory do): merged, a folder of many files is listed without a
// sort each time a file is written into it.
func mergeByName(base, top []fs.DirEntry) []fs.DirEntry {
	byName := func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) }
	sorted := func(layer []fs.DirEntry) []fs.DirEntry {
		if slices.IsSortedFunc(layer, byName) {
			return layer
		}
		layer = slices.Clone(layer)
		slices.SortFunc(layer, byName)
		return layer
	}
	base, top = sorted(base), sorted(top)
	out := make([]fs.DirEntry, 0, len(base)+len(top))
	i, j := 0, 0
	for i < len(base) && j < len(top) {
		switch c := byName(base[i], top[j]); {
		case c < 0:
			out = append(out, base[i])
			i++
		case c > 0:
			out = append(out, top[j])
			j++
		default: // the top's wins
			out = append(out, top[j])
			i++
			j++
		}
	}
	out = append(out, base[i:]...)
	return append(out, top[j:]...)
}

func readDirOf(fsys afero.Fs, p string) ([]fs.DirEntry, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if rd, ok := f.(fs.ReadDirFile); ok {
		return rd.ReadDir(-1)
	}
	infos, err := f.Readdir(-1)
	entries := make([]fs.DirEntry, len(infos))
	for i, info := range infos {
		entries[i] = fs.FileInfoToDirEntry(info)
	}
	return entries, err
}

func (d *overlayDir) names() ([]string, error) {
	if err := d.list(); err != nil {
		return nil, err
	}
	names := make([]string, len(d.entries))
	for i, e := range d.entries {
		names[i] = e.Name()
	}
	return names, nil
}

func (d *overlayDir) ReadDir(count int) ([]fs.DirEntry, error) {
	if err := d.list(); err != nil {
		return nil, err
	}
	rest := d.entries[d.at:]
	if count > 0 && len(rest) > count {
		rest = rest[:count]
	}
	if count > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	d.at += len(rest)
	return rest, nil
}

func (d *overlayDir) Readdir(count int) ([]fs.FileInfo, error) { return infosOf(d.ReadDir(count)) }

func (d *overlayDir) Readdirnames(count int) ([]string, error) { return namesOf(d.ReadDir(count)) }

func (d *overlayDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *overlayDir) Name() string               { return d.name }
func (d *overlayDir) Close() error               { return nil }
func (d *overlayDir) Sync() error                { return nil }

func (d *overlayDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *overlayDir) ReadAt([]byte, int64) (int, error) { return d.Read(nil) }
func (d *overlayDir) Seek(int64, int) (int64, error)    { return 0, nil }
func (d *overlayDir) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: d.name, Err: errors.New("is a directory")}
}
func (d *overlayDir) WriteAt([]byte, int64) (int, error) { return d.Write(nil) }
func (d *overlayDir) WriteString(string) (int, error)    { return d.Write(nil) }
func (d *overlayDir) Truncate(int64) error               { _, err := d.Write(nil); return err }
