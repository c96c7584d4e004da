package core

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/internal/parallel"
)

// SkipKind says why an entry of the folder is not a session file.
type SkipKind string

const (
	SkipRootFile   SkipKind = "root-file"
	SkipExtension  SkipKind = "extension"
	SkipHidden     SkipKind = "hidden"
	SkipNotHex     SkipKind = "not-hex"
	SkipNested     SkipKind = "nested"
	SkipLink       SkipKind = "link"
	SkipNotRegular SkipKind = "not-regular"
	SkipJunk       SkipKind = "junk"
	// SkipUnreadable is an app folder whose listing failed: its sessions are unknown, not gone.
	SkipUnreadable SkipKind = "unreadable"
)

// Skipped is an entry that is not a session file, listed with its reason rather than dropped.
type Skipped struct {
	Path   string    `json:"path"`
	Reason i18n.Text `json:"reason"`
	Kind   SkipKind  `json:"kind"`
}

// In is s with its reason said in lang.
func (s Skipped) In(lang i18n.Lang) Skipped {
	s.Reason = s.Reason.In(lang)
	return s
}

// SessionFile is a file that the folder rules say is a session file: it gets the four checks.
type SessionFile struct {
	Path string // relative to the root, with '/'
	App  string // the app folder's name
	Name string // the file name, which should be the session id
}

// Listing is the result of reading the folder structure, before any file content is read.
type Listing struct {
	Files   []SessionFile
	Skipped []Skipped
	Apps    []string
	// Unreadable holds app folders that could not be listed: their sessions must not be taken as deleted.
	Unreadable map[string]bool
	// Missing is true when the root itself does not exist, which is "no sessions", not an error (docs/rules.md,
	// "Memory, and what a refresh does").
	Missing bool
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// classify says whether name, a non-directory entry inside an app folder, is a session file, or why it is
// skipped (docs/rules.md, "What is skipped").
func classify(name string, mode fs.FileMode) (SkipKind, bool) {
	switch {
	case mode&fs.ModeSymlink != 0:
		return SkipLink, false
	case strings.HasPrefix(name, "._"):
		return SkipJunk, false
	case strings.HasPrefix(name, "."):
		return SkipHidden, false
	case strings.Contains(name, "."):
		return SkipExtension, false
	case !mode.IsRegular():
		return SkipNotRegular, false
	case !IsSessionName(name):
		return SkipNotHex, false
	}
	return "", true
}

// List reads the folder structure under root: app folders and their session files, in name order, and every
// skipped entry with its reason. A missing root is an empty listing; a root that cannot be read is an error.
// The app folders are listed on every core (a folder of 100k sessions is a few folders of many files), and
// the listing is the same as one made in order.
func List(fsys afero.Fs, root string) (*Listing, error) {
	l := &Listing{Unreadable: map[string]bool{}}
	entries, err := readDir(fsys, root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			l.Missing = true
			return l, nil
		}
		return nil, fmt.Errorf("cannot read the folder %s: %w", root, err)
	}
	apps := make([]appListing, len(entries))
	var folders []int // the entries that are app folders, to list
	for i, app := range entries {
		if kind, skip := skipAtRoot(app.Name(), app.Type()); skip {
			apps[i].skipped = []Skipped{skipEntry(app.Name(), kind)}
		} else {
			folders = append(folders, i)
		}
	}
	parallel.Each(len(folders), func(k int) {
		i := folders[k]
		apps[i] = listApp(fsys, root, entries[i].Name())
	})
	files := 0
	for _, a := range apps {
		files += len(a.files)
	}
	l.Files = make([]SessionFile, 0, files)
	for i, a := range apps {
		if a.listed {
			l.Apps = append(l.Apps, entries[i].Name())
		}
		if a.unreadable {
			l.Unreadable[entries[i].Name()] = true
		}
		l.Files = append(l.Files, a.files...)
		l.Skipped = append(l.Skipped, a.skipped...)
	}
	return l, nil
}

// skipAtRoot says why an entry of the root is not an app folder, or that it is one (skip false).
func skipAtRoot(name string, mode fs.FileMode) (kind SkipKind, skip bool) {
	switch {
	case mode&fs.ModeSymlink != 0:
		return SkipLink, true
	case name == "__MACOSX" || strings.HasPrefix(name, "._"):
		return SkipJunk, true
	case !mode.IsDir():
		return SkipRootFile, true
	case strings.HasPrefix(name, "."):
		return SkipHidden, true
	}
	return "", false
}

// appListing is what one entry at the root adds to a Listing.
type appListing struct {
	listed     bool // an app folder, listed
	unreadable bool
	files      []SessionFile
	skipped    []Skipped
}

func skipEntry(path string, kind SkipKind) Skipped {
	return Skipped{Path: path, Reason: i18n.New(skipMessages[kind]), Kind: kind}
}

// listApp lists the app folder name: its session files, and what it holds that is not one.
func listApp(fsys afero.Fs, root, name string) appListing {
	var a appListing
	files, err := readDir(fsys, filepath.Join(root, name))
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist): // deleted while we read: it has no sessions now
		case errors.Is(err, syscall.ENOTDIR):
			a.skipped = []Skipped{skipEntry(name, SkipRootFile)} // replaced by a file while we read: what the next listing will say
		default:
			a.unreadable = true
			a.skipped = []Skipped{{Path: name, Reason: i18n.New(&msgUnreadable, err.Error()), Kind: SkipUnreadable}}
		}
		return a
	}
	a.listed = true
	// The paths of the folder's files are cut from one string: an allocation per folder, not per file.
	a.files = make([]SessionFile, 0, len(files))
	var paths strings.Builder
	size := 0
	for _, f := range files {
		size += len(name) + 1 + len(f.Name())
	}
	paths.Grow(size)
	for _, f := range files {
		if f.IsDir() {
			a.skipped = append(a.skipped, skipEntry(name+"/"+f.Name(), SkipNested))
			continue
		}
		if kind, ok := classify(f.Name(), f.Type()); !ok {
			a.skipped = append(a.skipped, skipEntry(name+"/"+f.Name(), kind))
			continue
		}
		paths.WriteString(name)
		paths.WriteByte('/')
		paths.WriteString(f.Name())
		a.files = append(a.files, SessionFile{App: name, Name: f.Name()})
	}
	all, at := paths.String(), 0
	for i := range a.files {
		n := len(name) + 1 + len(a.files[i].Name)
		a.files[i].Path = all[at : at+n]
		at += n
	}
	return a
}

// readDir lists a directory sorted by name, without following links. It reads the entries' types from the
// directory itself where the filesystem can (os.File.ReadDir), sparing a stat per file.
func readDir(fsys afero.Fs, dir string) ([]fs.DirEntry, error) {
	f, err := OpenDir(fsys, dir, true) // a folder replaced by a pipe since it was listed is not waited on
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: syscall.ENOTDIR}
	}
	entries, err := dirEntries(f, -1)
	if err != nil {
		return nil, err
	}
	// A zip read in place lists its folders sorted already; a disk does not.
	if !slices.IsSortedFunc(entries, byName) {
		slices.SortFunc(entries, byName)
	}
	return entries, nil
}

// dirEntries reads the next n entries of the open folder f (n <= 0: all of them), from the folder's own listing
// where the filesystem can (os.File.ReadDir), else from Readdir's.
func dirEntries(f afero.File, n int) ([]fs.DirEntry, error) {
	if rd, ok := f.(interface {
		ReadDir(int) ([]fs.DirEntry, error)
	}); ok {
		return rd.ReadDir(n)
	}
	infos, err := f.Readdir(n)
	entries := make([]fs.DirEntry, len(infos))
	for i, info := range infos {
		entries[i] = fs.FileInfoToDirEntry(info)
	}
	return entries, err
}

func byName(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) }

// fsPath turns a report path ("app/file") into a path of the filesystem under root.
func fsPath(root, rel string) string {
	switch {
	case rel == "":
		return root
	case os.PathSeparator == '/' && !strings.HasSuffix(root, "/"):
		return root + "/" + rel // listed paths are clean already: no Clean per file
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}
