package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	pathpkg "path"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
)

// target is what check reads: a MobileApps folder, or one file of one (check FILE).
type target struct {
	fsys afero.Fs
	root string
	// name is the root as the user named it, for the reports: a FILE's MobileApps folder named from the FILE
	// ("MobileApps" for MobileApps/APP/ID, ".." for ID); "" for the embedded sample.
	name  string
	inZip bool
	file  bool // the root shows one file, in one app folder
}

// openTarget opens what check was given: a folder or a zip (or a folder inside one), or a session file, on
// disk or inside a zip (export.zip/APP/ID, as the text report names it), which is checked alone.
func openTarget(fsys afero.Fs, path string, o *options) (*target, error) {
	if path == "" {
		src, root, err := open(fsys, path, o)
		return &target{fsys: src, root: root}, err
	}
	if info, err := fsys.Stat(path); err == nil && info.Mode().IsRegular() && !strings.HasSuffix(strings.ToLower(path), ".zip") {
		return openFile(fsys, path)
	}
	src, root, err := open(fsys, path, o)
	if err != nil {
		if t, ferr := openFileInZip(fsys, path, o); ferr == nil {
			return t, nil
		}
		return nil, err
	}
	return &target{fsys: src, root: root, name: filepath.ToSlash(path), inZip: core.NameRoot(fsys, path).Zip}, nil
}

// checkRoot refuses a folder that is probably not the MobileApps folder meant (checkRoot), and a file that is
// not a session file, saying why: a file named on the command line is meant to be checked. An app folder is
// taken as what it is: t becomes the folder above it, showing that app folder alone.
func (t *target) checkRoot(fsys afero.Fs, path string, o *options) error {
	if !t.file {
		err := checkRoot(fsys, t.fsys, t.root, path)
		var wrong *core.WrongRootError
		if errors.As(err, &wrong) && wrong.AppFolder {
			if app, aerr := openApp(fsys, path, wrong, o); aerr == nil {
				*t = *app
				return nil
			}
		}
		return err
	}
	listing, err := core.List(t.fsys, t.root)
	switch {
	case err != nil:
		return err
	case len(listing.Files) > 0:
		return nil
	case len(listing.Skipped) > 0:
		return &core.OpError{Kind: core.KindInput, Path: path, Msg: "not a folder, a .zip file or a session file: " + listing.Skipped[0].Reason.Render(o.lang)}
	}
	return &core.OpError{Kind: core.KindInput, Path: path, Msg: "no such file or folder"}
}

// openApp opens the app folder path, which wrong says holds session files itself, as the only app folder of
// the folder above it, which is named as the user named the app folder (MobileApps for MobileApps/APP, .. for
// ., export.zip/MobileApps for export.zip/MobileApps/APP). An app folder at the root of a zip has no folder
// above it: wrong stands.
func openApp(fsys afero.Fs, path string, wrong *core.WrongRootError, o *options) (*target, error) {
	parent := wrong.MeantPath()
	if parent == "" {
		return nil, wrong
	}
	var app, name string
	if wrong.Name.Zip {
		app, name = pathpkg.Base(wrong.Name.Inner), parent
	} else {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		app, name = filepath.Base(abs), filepath.ToSlash(filepath.Join(path, ".."))
	}
	src, root, err := open(fsys, parent, o)
	if err != nil {
		return nil, err
	}
	if info, err := src.Stat(filepath.Join(root, app)); err != nil || !info.IsDir() {
		return nil, wrong
	}
	return &target{fsys: &oneFile{Fs: src, root: root, app: app}, root: root, name: name, inZip: wrong.Name.Zip}, nil
}

// openFile opens the session file path on disk as the only file of its MobileApps folder: the folder that
// holds it is its app folder, the folder above that the MobileApps folder.
func openFile(fsys afero.Fs, path string) (*target, error) {
	clean := filepath.Clean(path)
	app, err := filepath.Abs(filepath.Dir(clean))
	if err != nil {
		return nil, err
	}
	root := filepath.Dir(app)
	if root == app {
		return nil, &core.OpError{Kind: core.KindInput, Path: path, Msg: "a session file is in an app folder, inside a MobileApps folder"}
	}
	return &target{
		fsys: &oneFile{Fs: fsys, root: root, app: filepath.Base(app), name: filepath.Base(clean)},
		root: root,
		name: filepath.ToSlash(filepath.Join(filepath.Dir(clean), "..")),
		file: true,
	}, nil
}

// openFileInZip opens a session file inside a zip, named as the zip's path and the file's path in it: the zip
// is opened at the folder above the file's app folder, or at its root as a zip is opened (its one top-level
// MobileApps folder, when every entry is in one), as the text report names the zip's files.
func openFileInZip(fsys afero.Fs, path string, o *options) (*target, error) {
	zip, inner, ok := core.SplitZipPath(fsys, path)
	parts := strings.Split(inner, "/")
	if !ok || len(parts) < 2 {
		return nil, errors.New("not a file in a zip")
	}
	rootName := zip
	if len(parts) > 2 {
		rootName = zip + "/" + strings.Join(parts[:len(parts)-2], "/")
	}
	src, root, err := open(fsys, rootName, o)
	if err != nil {
		return nil, err
	}
	app, name := parts[len(parts)-2], parts[len(parts)-1]
	if info, err := src.Stat(filepath.Join(root, app, name)); err != nil || info.IsDir() {
		return nil, errors.New("no such file in the zip")
	}
	return &target{
		fsys: &oneFile{Fs: src, root: root, app: app, name: name},
		root: root, name: filepath.ToSlash(rootName), inZip: true, file: true,
	}, nil
}

// oneFile is a MobileApps folder seen as if it held one app folder, and in it one file (name, unless ""): the
// check of that folder is the check of the app folder or the file, with every rule of the folder's (what is a
// session file and what is skipped, the limits, the four checks, the report's shape).
type oneFile struct {
	afero.Fs
	root, app, name string
}

func (f *oneFile) Open(name string) (afero.File, error) {
	file, err := f.Fs.Open(name)
	return f.filter(name, file, err)
}

func (f *oneFile) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	return f.filter(name, file, err)
}

func (f *oneFile) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	if l, ok := f.Fs.(afero.Lstater); ok {
		return l.LstatIfPossible(name)
	}
	info, err := f.Fs.Stat(name)
	return info, false, err
}

// filter makes the listing of the root show the app folder alone, and the app folder's the file alone.
func (f *oneFile) filter(name string, file afero.File, err error) (afero.File, error) {
	if err != nil {
		return file, err
	}
	switch filepath.Clean(name) {
	case filepath.Clean(f.root):
		return &oneEntry{File: file, keep: f.app}, nil
	case filepath.Join(f.root, f.app):
		if f.name != "" {
			return &oneEntry{File: file, keep: f.name}, nil
		}
	}
	return file, nil
}

// oneEntry is a folder listed with one of its entries only.
type oneEntry struct {
	afero.File
	keep string
	done bool
}

func (d *oneEntry) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.done {
		return d.end(n)
	}
	d.done = true
	var entries []fs.DirEntry
	if rd, ok := d.File.(interface {
		ReadDir(int) ([]fs.DirEntry, error)
	}); ok {
		all, err := rd.ReadDir(-1)
		if err != nil {
			return nil, err
		}
		entries = all
	} else {
		infos, err := d.File.Readdir(-1)
		if err != nil {
			return nil, err
		}
		for _, info := range infos {
			entries = append(entries, fs.FileInfoToDirEntry(info))
		}
	}
	for _, e := range entries {
		if e.Name() == d.keep {
			return []fs.DirEntry{e}, nil
		}
	}
	return d.end(n)
}

func (d *oneEntry) Readdir(n int) ([]os.FileInfo, error) {
	entries, err := d.ReadDir(n)
	infos := make([]os.FileInfo, 0, len(entries))
	for _, e := range entries {
		info, ierr := e.Info()
		if ierr != nil {
			return nil, ierr
		}
		infos = append(infos, info)
	}
	return infos, err
}

func (d *oneEntry) Readdirnames(n int) ([]string, error) {
	entries, err := d.ReadDir(n)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, err
}

// end is what a listing says once every entry was given: io.EOF when asked for a number of them.
func (d *oneEntry) end(n int) ([]fs.DirEntry, error) {
	if n > 0 {
		return nil, io.EOF
	}
	return nil, nil
}
