package core

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/internal/coretest"
	"github.com/mobisess/mobisess/core/zipfs"
)

var update = flag.Bool("update", false, "rewrite the golden files and seed corpora under testdata")

// root is where every in-memory test tree keeps its sessions, as an imported zip does.
const root = ZipRoot

// The session file of 4D's documentation, one property a line, as docs/rules.md quotes it.
const (
	exampleApp   = coretest.ExampleApp
	exampleID    = coretest.ExampleID
	examplePath  = coretest.ExamplePath
	exampleToken = coretest.ExampleToken
	example      = coretest.Example
)

// exampleFile is the SessionFile of the example, in its right place.
var exampleFile = SessionFile{Path: examplePath, App: exampleApp, Name: exampleID}

// edit replaces old by new in s, once, and fails the test when old is not there.
var edit = coretest.Edit

// session returns a compact, valid session file for team (may be "") and application id.
var session = coretest.Session

// memTree builds an in-memory MobileApps folder under root. A name ending in "/" is an empty folder.
func memTree(t testing.TB, files map[string]string) afero.Fs {
	t.Helper()
	return coretest.MemTree(t, root, files)
}

var writeTree = coretest.WriteTree

// txtarTree builds the tree of the archive's files under prefix (such as "MobileApps/") at root. When no file
// has the prefix, the root does not exist. A name ending in "/" is an empty folder.
func txtarTree(t testing.TB, a *txtar.Archive, prefix string) afero.Fs {
	t.Helper()
	fsys := afero.NewMemMapFs()
	for _, f := range a.Files {
		rel, ok := strings.CutPrefix(f.Name, prefix)
		if !ok {
			continue
		}
		if rel == "" {
			if err := fsys.MkdirAll(root, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeTree(t, fsys, root, rel, f.Data)
	}
	return fsys
}

// tree lists every file under dir of fsys with its content, paths relative to dir with '/'; folders end in '/'.
var tree = coretest.Tree

// golden compares got with the file at name, or rewrites the file with -update.
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test ./core -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the engine says now (go test ./core -run %s -update rewrites it):\n%s",
			name, t.Name(), firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(same lines, different bytes)"
}

// raising is a Report that also records each error as the check hands it over, in the order 4D raises them.
type raising struct {
	Report
	raised []*Error
}

func (r *raising) File(s *Session, e *Error) error {
	if e != nil {
		r.raised = append(r.raised, e)
	}
	return r.Report.File(s, e)
}

// checkRaising is c.Check of the folder at root, and its errors in the order they were raised.
func checkRaising(t testing.TB, c *Checker, fsys afero.Fs, root string) (*Report, []*Error) {
	t.Helper()
	var r raising
	if err := c.CheckTo(context.Background(), fsys, root, CheckOptions{}, &r); err != nil {
		t.Fatal(err)
	}
	return &r.Report, r.raised
}

// Zips built by a test, entry by entry (coretest).
type zipEntry = coretest.ZipEntry

var makeZip = coretest.MakeZip

// importZip reads a zip as the engine does (zipfs.View) and then every one of its files, as a check and a
// download would: the file system, or the first error met.
func importZip(t testing.TB, data []byte, limits ZipLimits) (afero.Fs, error) {
	t.Helper()
	fsys, dir, err := zipfs.View(bytes.NewReader(data), int64(len(data)), limits, "")
	if err != nil {
		return nil, err
	}
	if dir != ZipRoot {
		t.Fatalf("View's root is %q, want %q", dir, ZipRoot)
	}
	if err := coretest.ReadAll(fsys); err != nil {
		return nil, err
	}
	return fsys, nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return coretest.SortedKeys(m) }

// faultyFs wraps an Fs to make chosen operations fail, as a real disk does now and then.
type faultyFs struct {
	afero.Fs
	readDirErr map[string]error       // folder → error of listing it
	openErr    map[string]error       // file → error of opening it (after it was listed)
	modes      map[string]fs.FileMode // entry → the type a listing reports for it (a device, a pipe)
	renameErr  error
	writeErr   error
}

func (f *faultyFs) Open(name string) (afero.File, error) {
	name = filepath.ToSlash(filepath.Clean(name))
	if err := f.openErr[name]; err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	file, err := f.Fs.Open(name)
	if err != nil {
		return nil, err
	}
	return &faultyFile{File: file, dir: name, fs: f}, nil
}

func (f *faultyFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || f.writeErr == nil {
		return file, err
	}
	return &faultyFile{File: file, writeErr: f.writeErr}, nil
}

func (f *faultyFs) Rename(oldname, newname string) error {
	if f.renameErr != nil {
		return f.renameErr
	}
	return f.Fs.Rename(oldname, newname)
}

type faultyFile struct {
	afero.File
	dir      string
	fs       *faultyFs
	writeErr error
}

func (f *faultyFile) Readdir(n int) ([]os.FileInfo, error) {
	if f.fs == nil {
		return f.File.Readdir(n)
	}
	if err := f.fs.readDirErr[f.dir]; err != nil {
		return nil, err
	}
	infos, err := f.File.Readdir(n)
	for i, info := range infos {
		if mode, ok := f.fs.modes[path.Join(f.dir, info.Name())]; ok {
			infos[i] = modeInfo{info, mode}
		}
	}
	return infos, err
}

type modeInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (m modeInfo) Mode() fs.FileMode { return m.mode }
func (m modeInfo) IsDir() bool       { return m.mode.IsDir() }

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.writeErr != nil {
		// Half the bytes reach the disk, as when it fills up.
		n, _ := f.File.Write(p[:len(p)/2])
		return n, f.writeErr
	}
	return f.File.Write(p)
}

var errDisk = errors.New("input/output error")

// loadedFolder is an in-memory folder and the server's memory of it, its valid files loaded as a server does at
// start: what the console's workspace is made of.
type loadedFolder struct {
	fs  afero.Fs
	reg *Registry
}

func newLoaded(t testing.TB, files map[string]string) *loadedFolder {
	t.Helper()
	l := &loadedFolder{fs: memTree(t, files), reg: NewRegistry(nil)}
	if _, err := l.reg.Load(context.Background(), l.fs, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	return l
}

func (l *loadedFolder) refresh() (*RefreshReport, error) {
	return l.reg.Refresh(context.Background(), l.fs, root, CheckOptions{})
}

// open reads the session file at rel and inspects it, as the console does to open it in the editor.
func (l *loadedFolder) open(rel string) (*Inspection, error) {
	data, _, err := ReadFile(l.fs, root, rel, DefaultLimits.MaxFileSize)
	if err != nil {
		return nil, err
	}
	app, name, _ := strings.Cut(rel, "/")
	return (&Checker{}).Inspect(SessionFile{Path: rel, App: app, Name: name}, data), nil
}
