package core

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// ZipView reads a zip of a MobileApps folder in place, as a read-only filesystem whose root (ZipRoot) is the
// zip's root or, when every entry sits under one top-level MobileApps folder, that folder. Only the directory is
// read here, and everything that is wrong with it is an error now: names, links, sizes, the limits. Each entry is
// inflated when it is read, by whichever goroutine reads it (the checks read on every core), and checked then
// against the size and checksum its header declares: a broken entry is a *ZipError when it is read.
//
// r must stay readable while the filesystem is used; it is read concurrently (an *os.File or a *bytes.Reader).
func ZipView(r io.ReaderAt, size int64, limits ZipLimits) (afero.Fs, string, error) {
	return zipViewNamed(r, size, limits, "")
}

// zipViewNamed is ZipView of the zip file archive, which its errors name.
func zipViewNamed(r io.ReaderAt, size int64, limits ZipLimits, archive string) (*zipView, string, error) {
	plan, err := planZip(r, size, limits)
	if err != nil {
		var ze *ZipError
		if errors.As(err, &ze) {
			ze.Archive = archive
		}
		return nil, "", err
	}
	v := &zipView{r: r, size: size, limit: limits.MaxFileSize, archive: archive, dirs: map[string]*zipNode{}}
	v.dir("/", time.Time{})
	v.dir(ZipRoot, time.Time{})
	for _, d := range plan.dirs {
		v.dir(d.target, d.modified)
	}
	// The folders' files counted first, so that each folder's map is made at its size.
	counts := map[string]int{}
	for _, f := range plan.files {
		parent, _ := splitLast(f.target)
		counts[parent]++
	}
	nodes := make([]zipNode, len(plan.files)) // one allocation for every file
	for i, f := range plan.files {
		parent, name := splitLast(f.target)
		d := v.dir(parent, time.Time{})
		n := &nodes[i]
		n.name, n.zf = name, f.zf
		d.children = append(d.children, n)
		if d.files == nil {
			d.files = make(map[string]*zipNode, counts[parent])
		}
		d.files[name] = n
	}
	for _, d := range v.dirs {
		slices.SortFunc(d.children, func(a, b *zipNode) int { return strings.Compare(a.name, b.name) })
	}
	return v, ZipRoot, nil
}

// zipView is the filesystem of ZipView. Its folders are kept by path, and each folder's files by name.
type zipView struct {
	r       io.ReaderAt
	size    int64
	limit   int64  // of one entry, inflated
	archive string // the zip file's name, for errors
	dirs    map[string]*zipNode
	readers sync.Pool // *entryReader: one inflater per goroutine at a time
}

type zipNode struct {
	name     string
	zf       *zip.File           // nil for a folder
	modified time.Time           // of a folder
	children []*zipNode          // of a folder, in name order
	files    map[string]*zipNode // of a folder, its files by name
}

func splitLast(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/", p[1:]
	}
	return p[:i], p[i+1:]
}

// dir returns the folder at p, making it and its parents when the zip has no entry for them.
func (v *zipView) dir(p string, modified time.Time) *zipNode {
	if d := v.dirs[p]; d != nil {
		if !modified.IsZero() {
			d.modified = modified
		}
		return d
	}
	_, name := splitLast(p)
	d := &zipNode{name: name, modified: modified}
	v.dirs[p] = d
	if p != "/" {
		parent, _ := splitLast(p)
		pd := v.dir(parent, time.Time{})
		pd.children = append(pd.children, d)
	}
	return d
}

// cleanName turns a name given to the filesystem into the form of its paths: absolute, with '/'.
func cleanName(name string) string {
	if strings.HasPrefix(name, "/") && !strings.Contains(name, `\`) {
		return path.Clean(name) // no copy of a name that is clean already: the checks' names are
	}
	return path.Clean("/" + strings.ReplaceAll(name, `\`, "/"))
}

func (v *zipView) node(name string) (*zipNode, bool) {
	p := cleanName(name)
	if d := v.dirs[p]; d != nil {
		return d, true
	}
	parent, base := splitLast(p)
	if d := v.dirs[parent]; d != nil {
		if n := d.files[base]; n != nil {
			return n, true
		}
	}
	return nil, false
}

var errReadOnlyZip = errors.New("a zip is read in place: its entries cannot be changed")

func (v *zipView) readOnly(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: errReadOnlyZip}
}

func (v *zipView) Name() string { return "zip" }

func (v *zipView) Open(name string) (afero.File, error) {
	n, ok := v.node(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &zipFile{view: v, node: n, name: name}, nil
}

func (v *zipView) OpenFile(name string, flag int, _ os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, v.readOnly("open", name)
	}
	return v.Open(name)
}

func (v *zipView) Stat(name string) (fs.FileInfo, error) {
	n, ok := v.node(name)
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return nodeInfo{n}, nil
}

// LstatIfPossible: a zip view holds no links (ZipView refuses them).
func (v *zipView) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	info, err := v.Stat(name)
	return info, false, err
}

func (v *zipView) Create(name string) (afero.File, error)    { return nil, v.readOnly("create", name) }
func (v *zipView) Mkdir(name string, _ os.FileMode) error    { return v.readOnly("mkdir", name) }
func (v *zipView) MkdirAll(name string, _ os.FileMode) error { return v.readOnly("mkdir", name) }
func (v *zipView) Remove(name string) error                  { return v.readOnly("remove", name) }
func (v *zipView) RemoveAll(name string) error               { return v.readOnly("remove", name) }
func (v *zipView) Rename(old, _ string) error                { return v.readOnly("rename", old) }
func (v *zipView) Chmod(name string, _ os.FileMode) error    { return v.readOnly("chmod", name) }
func (v *zipView) Chown(name string, _, _ int) error         { return v.readOnly("chown", name) }
func (v *zipView) Chtimes(name string, _ time.Time, _ time.Time) error {
	return v.readOnly("chtimes", name)
}

// inflate reads the entry of n, within the view's limit, into a buffer of its own.
func (v *zipView) inflate(n *zipNode) ([]byte, error) {
	er, _ := v.readers.Get().(*entryReader)
	if er == nil {
		er = &entryReader{r: v.r, size: v.size}
	}
	defer v.readers.Put(er)
	data, err := er.read(n.zf, v.limit)
	if err != nil {
		var ze *ZipError
		if errors.As(err, &ze) {
			ze.Archive = v.archive
		}
		return nil, err
	}
	return bytes.Clone(data), nil // er reuses its buffer
}

// nodeInfo is the fs.FileInfo and fs.DirEntry of a node. Files read as 0644 and folders as 0755, whatever the
// zip says, as files extracted by a user would be.
type nodeInfo struct{ n *zipNode }

func (i nodeInfo) Name() string { return i.n.name }
func (i nodeInfo) Size() int64 {
	if i.n.zf == nil {
		return 0
	}
	return int64(min(i.n.zf.UncompressedSize64, 1<<62))
}
func (i nodeInfo) Mode() fs.FileMode {
	if i.n.zf == nil {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i nodeInfo) ModTime() time.Time {
	if i.n.zf == nil {
		return i.n.modified
	}
	return i.n.zf.Modified
}
func (i nodeInfo) IsDir() bool                { return i.n.zf == nil }
func (i nodeInfo) Sys() any                   { return nil }
func (i nodeInfo) Type() fs.FileMode          { return i.Mode().Type() }
func (i nodeInfo) Info() (fs.FileInfo, error) { return i, nil }

// zipFile is an open file or folder of a zipView. A file is inflated at its first read, not when opened, so
// that its size can be judged first.
type zipFile struct {
	view   *zipView
	node   *zipNode
	name   string
	data   []byte
	loaded bool
	off    int64
	dirAt  int // entries of a folder already listed
}

func (f *zipFile) load() error {
	if f.node.zf == nil {
		return &fs.PathError{Op: "read", Path: f.name, Err: syscall.EISDIR}
	}
	if !f.loaded {
		data, err := f.view.inflate(f.node)
		if err != nil {
			return err
		}
		f.data, f.loaded = data, true
	}
	return nil
}

// contents hands the file's bytes over without a copy: readOpened takes them as they are.
func (f *zipFile) contents() ([]byte, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	return f.data, nil
}

func (f *zipFile) Read(p []byte) (int, error) {
	n, err := f.ReadAt(p, f.off)
	f.off += int64(n)
	return n, err
}

func (f *zipFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *zipFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	switch whence {
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += int64(len(f.data))
	}
	if offset < 0 {
		return 0, &fs.PathError{Op: "seek", Path: f.name, Err: fs.ErrInvalid}
	}
	f.off = offset
	return offset, nil
}

func (f *zipFile) ReadDir(count int) ([]fs.DirEntry, error) {
	if f.node.zf != nil {
		return nil, &fs.PathError{Op: "readdir", Path: f.name, Err: syscall.ENOTDIR}
	}
	rest := f.node.children[f.dirAt:]
	if count > 0 && len(rest) > count {
		rest = rest[:count]
	}
	if count > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	out := make([]fs.DirEntry, len(rest))
	for i, n := range rest {
		out[i] = nodeInfo{n}
	}
	f.dirAt += len(rest)
	return out, nil
}

func (f *zipFile) Readdir(count int) ([]fs.FileInfo, error) { return infosOf(f.ReadDir(count)) }

func (f *zipFile) Readdirnames(count int) ([]string, error) { return namesOf(f.ReadDir(count)) }

// infosOf and namesOf give the older listings of afero.File from ReadDir's.
func infosOf(entries []fs.DirEntry, err error) ([]fs.FileInfo, error) {
	infos := make([]fs.FileInfo, 0, len(entries))
	for _, e := range entries {
		if info, ierr := e.Info(); ierr == nil { // else gone meanwhile
			infos = append(infos, info)
		}
	}
	return infos, err
}

func namesOf(entries []fs.DirEntry, err error) ([]string, error) {
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, err
}

func (f *zipFile) Stat() (fs.FileInfo, error) { return nodeInfo{f.node}, nil }
func (f *zipFile) Name() string               { return f.name }
func (f *zipFile) Close() error               { return nil }
func (f *zipFile) Sync() error                { return nil }

func (f *zipFile) Write([]byte) (int, error)          { return 0, f.view.readOnly("write", f.name) }
func (f *zipFile) WriteAt([]byte, int64) (int, error) { return 0, f.view.readOnly("write", f.name) }
func (f *zipFile) WriteString(string) (int, error)    { return 0, f.view.readOnly("write", f.name) }
func (f *zipFile) Truncate(int64) error               { return f.view.readOnly("truncate", f.name) }
