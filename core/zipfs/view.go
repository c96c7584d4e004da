package zipfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/internal/parallel"
)

// View reads a zip of a MobileApps folder in place, as a read-only file system whose root (Root) is the zip's
// root or, when every entry sits under one top-level MobileApps folder, that folder; or, when inner is not "",
// the folder inner inside the zip ('/'-separated, such as "Data/MobileApps"), named by the user: what lies
// outside it is not seen. Only the directory is read here, and everything that is wrong with it is an error
// now: names, links, sizes, the limits. Each entry is inflated when it is read, by whichever goroutine reads
// it (the checks read on every core), and checked then against the size and checksum its header declares: a
// broken entry is an *Error when it is read. It returns the file system and its root, Root.
//
// r must stay readable while the file system is used; it is read concurrently (an *os.File or a
// *bytes.Reader).
func View(r io.ReaderAt, size int64, limits Limits, inner string) (afero.Fs, string, error) {
	v, err := viewNamed(r, size, limits, "", inner)
	if err != nil {
		return nil, "", err
	}
	return v, Root, nil
}

// viewNamed is View of the zip file archive, which its errors name.
func viewNamed(r io.ReaderAt, size int64, limits Limits, archive, inner string) (*view, error) {
	v, err := readView(r, size, limits, inner)
	if err != nil {
		var ze *Error
		if errors.As(err, &ze) {
			ze.Archive = archive
		}
		return nil, err
	}
	v.archive = archive
	return v, nil
}

// readView reads the zip's directory and refuses, before anything is inflated, an archive that is not
// readable, has too many entries, a name that is unsafe or given twice, a link, an encrypted entry, or files
// over the size limits. inner, when not "", is the folder to take as the root, which must be in the zip.
func readView(r io.ReaderAt, size int64, limits Limits, inner string) (*view, error) {
	if inner != "" {
		inner = strings.TrimSuffix(inner, "/")
		if clean, err := entryName(inner); err != nil || clean != inner {
			return nil, &Error{Entry: inner, Reason: "not a folder's path inside the zip (relative, '/'-separated, without '.' or '..')"}
		}
	}
	records, err := readDirectory(r, size, limits.MaxEntries)
	var many errTooManyEntries
	switch {
	case errors.As(err, &many):
		return nil, &Error{Reason: fmt.Sprintf("has %d entries, over the limit of %d", many.n, limits.MaxEntries)}
	case err != nil:
		return nil, &Error{Reason: "is not a readable zip archive (" + err.Error() + ")"}
	}
	clean := make([]string, len(records)) // each entry's name as entryName cleans it, for errors
	// The root: the zip's, or its one top-level MobileApps folder when every entry sits in it.
	topFolder := "MobileApps"
	underMobileApps, inMobileApps := true, false
	for i := range records {
		rec := &records[i]
		name, err := entryName(rec.name)
		if err != nil {
			return nil, err
		}
		switch {
		case rec.mode&fs.ModeSymlink != 0:
			return nil, &Error{Entry: rec.name, Reason: "links are refused"}
		case rec.flags&0x1 != 0:
			return nil, &Error{Entry: rec.name, Reason: "encrypted entries cannot be read"}
		case !rec.isDir() && !rec.mode.IsRegular():
			return nil, &Error{Entry: rec.name, Reason: "not a regular file"}
		}
		clean[i] = name
		inside := strings.HasPrefix(name, topFolder+"/")
		inMobileApps = inMobileApps || inside
		if !isMacJunk(name) && name != topFolder && !inside {
			underMobileApps = false
		}
	}
	strip := underMobileApps && len(records) > 0
	if inner != "" { // the user's choice, which must name a folder of the zip
		topFolder, strip, inMobileApps = inner, true, false
		folder := false
		for i, name := range clean {
			inMobileApps = inMobileApps || strings.HasPrefix(name, inner+"/")
			folder = folder || name == inner && records[i].isDir()
		}
		if !inMobileApps && !folder {
			return nil, &Error{Entry: inner, Reason: "no such folder in the zip"}
		}
	}
	top := topFolder + "/"

	v := &view{r: r, size: size, limit: limits.MaxFileSize, dirs: map[string]*node{}}
	v.dir("/", -1)
	v.dir(Root, -1)
	nodes := make([]node, 0, len(records)) // in archive order, until sortFolders; never grown, so never moved
	var total int64
	lastParent, lastDir := "", (*node)(nil)
	for i := range records {
		rec := &records[i]
		rel := clean[i]
		if strip {
			if rel == topFolder {
				if !rec.isDir() && inMobileApps {
					return nil, &Error{Entry: rel, Reason: "the name is both a file and a folder"}
				}
				continue
			}
			if !strings.HasPrefix(rel, top) {
				continue // macOS junk beside the MobileApps folder
			}
			rel = rel[len(top):]
		}
		if rec.isDir() {
			d := v.dir(Root+"/"+rel, i)
			d.modified, d.explicit = rec.modified, true
			continue
		}
		if rec.size > uint64(limits.MaxFileSize) {
			return nil, &Error{Entry: rec.name, Reason: fmt.Sprintf("expands to %s, over the %s limit per file", FormatSize(int64(min(rec.size, 1<<62))), FormatSize(limits.MaxFileSize))}
		}
		// A file that inflates to other than its declared size is refused when read, so the declared sizes
		// are what the view will give: the total is judged here, before anything is inflated.
		if total += int64(rec.size); total > limits.MaxTotalSize {
			return nil, &Error{Entry: rec.name, Reason: fmt.Sprintf("the archive expands to more than %s in all, over the limit", FormatSize(limits.MaxTotalSize))}
		}
		parent, name := "", rel
		if j := strings.LastIndexByte(rel, '/'); j >= 0 {
			parent, name = rel[:j], rel[j+1:]
		}
		if lastDir == nil || parent != lastParent { // entries of one folder mostly come together: one lookup for them
			full := Root
			if parent != "" {
				full += "/" + parent
			}
			lastParent, lastDir = parent, v.dir(full, i)
		}
		nodes = append(nodes, node{name: name, rec: rec, entry: i})
		lastDir.children = append(lastDir.children, &nodes[len(nodes)-1])
		lastDir.fileCount++
	}
	v.sortFolders(len(nodes))
	v.apps = map[string]*node{}
	for _, n := range v.dirs[Root].children {
		if n.rec == nil {
			v.apps[n.name] = n
		}
	}
	for _, d := range v.dirList {
		for j := 1; j < len(d.children); j++ {
			a, b := d.children[j-1], d.children[j]
			if a.name != b.name {
				continue
			}
			if a.rec != nil && b.rec != nil {
				return nil, &Error{Entry: b.rec.name, Reason: "the name appears twice in the archive"}
			}
			file, folder := a, b
			if a.rec == nil {
				file, folder = b, a
			}
			if folder.explicit {
				return nil, &Error{Entry: clean[file.entry], Reason: "the name is both a file and a folder"}
			}
			return nil, &Error{Entry: clean[folder.entry], Reason: fmt.Sprintf("its folder %q is also a file", clean[file.entry])}
		}
	}
	return v, nil
}

// sortFolders puts each folder's entries in name order (in archive order where names are equal), lays its
// files out in that order, with their records and names beside each other, and indexes them by name. The
// listing and the checks then walk memory in order instead of jumping across the archive's order (on the
// 100k-session zip, a check takes a tenth less CPU so laid out). The folders are shared among the cores: a zip
// of sessions is a few folders of many files.
func (v *view) sortFolders(files int) {
	nodes := make([]node, files) // the files, folder after folder, each folder's in name order
	records := make([]record, files)
	starts := make([]int, len(v.dirList))
	at := 0
	for i, d := range v.dirList {
		starts[i] = at
		at += d.fileCount
	}
	parallel.Each(len(v.dirList), func(i int) {
		d := v.dirList[i]
		slices.SortFunc(d.children, func(a, b *node) int {
			if c := strings.Compare(a.name, b.name); c != 0 {
				return c
			}
			return a.entry - b.entry
		})
		block, recs := nodes[starts[i]:starts[i]+d.fileCount], records[starts[i]:starts[i]+d.fileCount]
		var names strings.Builder
		size := 0
		for _, n := range d.children {
			size += len(n.name)
		}
		names.Grow(size)
		k := 0
		for j, n := range d.children {
			if n.rec == nil {
				continue
			}
			recs[k], block[k] = *n.rec, *n
			block[k].rec = &recs[k]
			names.WriteString(n.name)
			d.children[j] = &block[k]
			k++
		}
		all, at := names.String(), 0
		d.files = make(map[string]*node, len(block))
		for k := range block {
			n := &block[k]
			n.name = all[at : at+len(n.name)]
			at += len(n.name)
			d.files[n.name] = n
		}
	})
}

// view is the file system of View. Its folders are kept by path, and each folder's files by name.
type view struct {
	r       io.ReaderAt
	size    int64
	limit   int64  // of one entry, inflated
	archive string // the zip file's name, for errors
	mapped  bool   // r is a mapping of the file, whose reads can fault
	dirs    map[string]*node
	dirList []*node          // the folders in the order they were made
	apps    map[string]*node // the folders in Root, by name
	readers sync.Pool        // *entryReader: one inflater per goroutine at a time
}

type node struct {
	name      string
	rec       *record          // nil for a folder
	entry     int              // the index of its record; of a folder, of the first entry inside it (-1: none)
	explicit  bool             // a folder that has an entry of its own
	modified  time.Time        // of a folder
	children  []*node          // of a folder, in name order
	files     map[string]*node // of a folder, its files by name: a lookup per file checked, cheaper than a search
	fileCount int              // of a folder, its files
}

// dir returns the folder at p, making it and its parents, for the entry at index entry, when there is none yet.
func (v *view) dir(p string, entry int) *node {
	if d := v.dirs[p]; d != nil {
		return d
	}
	_, name := splitLast(p)
	d := &node{name: name, entry: entry}
	v.dirs[p] = d
	v.dirList = append(v.dirList, d)
	if p != "/" {
		parent, _ := splitLast(p)
		pd := v.dir(parent, entry)
		pd.children = append(pd.children, d)
	}
	return d
}

func (v *view) lookup(name string) (*node, bool) {
	p := CleanPath(name)
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

func (v *view) readOnly(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: errReadOnlyZip}
}

func (v *view) Name() string { return "zip" }

func (v *view) Open(name string) (afero.File, error) {
	n, ok := v.lookup(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &file{view: v, node: n, name: name}, nil
}

func (v *view) OpenFile(name string, flag int, _ os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, v.readOnly("open", name)
	}
	return v.Open(name)
}

func (v *view) Stat(name string) (fs.FileInfo, error) {
	n, ok := v.lookup(name)
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return nodeInfo{n}, nil
}

// LstatIfPossible: a view holds no links (View refuses them).
func (v *view) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	info, err := v.Stat(name)
	return info, false, err
}

func (v *view) Create(name string) (afero.File, error)    { return nil, v.readOnly("create", name) }
func (v *view) Mkdir(name string, _ os.FileMode) error    { return v.readOnly("mkdir", name) }
func (v *view) MkdirAll(name string, _ os.FileMode) error { return v.readOnly("mkdir", name) }
func (v *view) Remove(name string) error                  { return v.readOnly("remove", name) }
func (v *view) RemoveAll(name string) error               { return v.readOnly("remove", name) }
func (v *view) Rename(old, _ string) error                { return v.readOnly("rename", old) }
func (v *view) Chmod(name string, _ os.FileMode) error    { return v.readOnly("chmod", name) }
func (v *view) Chown(name string, _, _ int) error         { return v.readOnly("chown", name) }
func (v *view) Chtimes(name string, _ time.Time, _ time.Time) error {
	return v.readOnly("chtimes", name)
}

// inflate reads the entry of n, within the view's limit, into a buffer of its own.
func (v *view) inflate(n *node) (data []byte, err error) {
	if v.mapped {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer recoverFault(&err, n.rec.name, v.archive)
	}
	er, _ := v.readers.Get().(*entryReader)
	if er == nil {
		er = &entryReader{r: v.r, size: v.size}
	}
	data, err = er.read(n.rec, v.limit)
	if err != nil {
		var ze *Error
		if errors.As(err, &ze) {
			ze.Archive = v.archive
		}
		v.readers.Put(er)
		return nil, err
	}
	v.readers.Put(er) // not after a fault: its inflater stopped halfway
	return data, nil
}

// InMemory: a view's files are entries of a zip in memory (or mapped): opening one never waits.
func (v *view) InMemory() bool { return true }

// ReadSession reads the session file app/name under Root as a read through Open would, within limit, without
// a path built and looked up. ok is false when the view has no such file: the caller then asks by path, and
// gets the error a path gets.
func (v *view) ReadSession(app, name string, limit int64) (data []byte, ok bool, err error) {
	folder := v.apps[app]
	if folder == nil {
		return nil, false, nil
	}
	n := folder.files[name]
	if n == nil {
		return nil, false, nil
	}
	if size := int64(min(n.rec.size, 1<<62)); size > limit {
		return nil, true, &TooLargeError{Size: size, Limit: limit}
	}
	data, err = v.inflate(n)
	return data, true, err
}

// recoverFault, deferred after debug.SetPanicOnFault(true), makes a fault reading a mapped archive (its file
// cut short meanwhile, which the kernel signals as SIGBUS) an error that names the entry, instead of a crash.
func recoverFault(err *error, entry, archive string) {
	r := recover()
	if r == nil {
		return
	}
	if _, ok := r.(interface{ Addr() uintptr }); !ok {
		panic(r)
	}
	*err = &Error{Archive: archive, Entry: entry, Reason: "the archive changed on disk while it was read"}
}

// nodeInfo is the fs.FileInfo and fs.DirEntry of a node. Files read as 0644 and folders as 0755, whatever the
// zip says, as files extracted by a user would be.
type nodeInfo struct{ n *node }

func (i nodeInfo) Name() string { return i.n.name }
func (i nodeInfo) Size() int64 {
	if i.n.rec == nil {
		return 0
	}
	return int64(min(i.n.rec.size, 1<<62))
}
func (i nodeInfo) Mode() fs.FileMode {
	if i.n.rec == nil {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i nodeInfo) ModTime() time.Time {
	if i.n.rec == nil {
		return i.n.modified
	}
	return i.n.rec.modified
}
func (i nodeInfo) IsDir() bool                { return i.n.rec == nil }
func (i nodeInfo) Sys() any                   { return nil }
func (i nodeInfo) Type() fs.FileMode          { return i.Mode().Type() }
func (i nodeInfo) Info() (fs.FileInfo, error) { return i, nil }

// file is an open file or folder of a view. A file is inflated at its first read, not when opened, so
// that its size can be judged first.
type file struct {
	view   *view
	node   *node
	name   string
	data   []byte
	loaded bool
	off    int64
	dirAt  int // entries of a folder already listed
}

func (f *file) load() error {
	if f.node.rec == nil {
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

// Contents hands the file's bytes over without a copy (WholeFile).
func (f *file) Contents() ([]byte, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	return f.data, nil
}

func (f *file) Read(p []byte) (int, error) {
	n, err := f.ReadAt(p, f.off)
	f.off += int64(n)
	return n, err
}

func (f *file) ReadAt(p []byte, off int64) (int, error) {
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

func (f *file) Seek(offset int64, whence int) (int64, error) {
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

func (f *file) ReadDir(count int) ([]fs.DirEntry, error) {
	if f.node.rec != nil {
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

func (f *file) Readdir(count int) ([]fs.FileInfo, error) { return infosOf(f.ReadDir(count)) }

func (f *file) Readdirnames(count int) ([]string, error) { return namesOf(f.ReadDir(count)) }

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

func (f *file) Stat() (fs.FileInfo, error) { return nodeInfo{f.node}, nil }
func (f *file) Name() string               { return f.name }
func (f *file) Close() error               { return nil }
func (f *file) Sync() error                { return nil }

func (f *file) Write([]byte) (int, error)          { return 0, f.view.readOnly("write", f.name) }
func (f *file) WriteAt([]byte, int64) (int, error) { return 0, f.view.readOnly("write", f.name) }
func (f *file) WriteString(string) (int, error)    { return 0, f.view.readOnly("write", f.name) }
func (f *file) Truncate(int64) error               { return f.view.readOnly("truncate", f.name) }
