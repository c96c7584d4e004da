//go:build !js

// A write that is refused changes nothing, on every file system a workspace works on: in memory, in a zip's
// overlay and on a real disk (which Node-hosted wasm has not).

package core

import (
	"fmt"
	"io/fs"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/quick"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

// refusalTree is the folder each random write starts from.
var refusalTree = map[string]string{
	"com.a/abcd":    "{\"v\": 1}\n",
	"com.a/ef01":    "{\"v\": 2}\n",
	"com.b/":        "",
	"key.mobileapp": "key",
	"com.a/sub/x":   "nested",
}

// randomWrite is one write of the property test: a path, content of some size, what it expects on disk, and
// whether it goes through a workspace (as the console's saves do) or to WriteFile itself.
type randomWrite struct {
	Path      string
	Size      int
	IfMatch   string
	Force     bool
	Workspace bool
}

// refusalLimit is the size limit of the random writes: small, so that content over it costs nothing.
const refusalLimit = 64

func (randomWrite) Generate(r *rand.Rand, _ int) reflect.Value {
	paths := []string{
		"com.a/abcd", "com.a/ef01", "com.a/new0", "com.b/new1", "com.new/new2", // files and folders that exist, or not
		"com.a/" + strings.Repeat("a", 300), "com.new/" + strings.Repeat("a", 300), strings.Repeat("c", 300) + "/abcd", // names no file system takes
		"key.mobileapp/x", "com.a/sub", "com.a", "../x/abcd", "com.a/abcd/x", `com.a\abcd`, "", // not a file's path
	}
	w := randomWrite{Path: paths[r.Intn(len(paths))], Size: r.Intn(refusalLimit * 2), Workspace: r.Intn(2) == 0}
	switch r.Intn(4) {
	case 0: // the ETag of what is there
		w.IfMatch = ETag([]byte(refusalTree[w.Path]))
	case 1: // a stale ETag
		w.IfMatch = ETag([]byte("stale"))
	case 2: // create: the file must not exist
	case 3:
		w.Force = true
	}
	return reflect.ValueOf(w)
}

// snapshot is every file and folder under dir with its mode and content: what a refused write must leave as it
// was.
func snapshot(t *testing.T, fsys afero.Fs, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := afero.Walk(fsys, dir, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		content := ""
		if !info.IsDir() {
			data, err := afero.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			content = string(data)
		}
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%v %q", info.Mode(), content)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The property: whatever the write (a path, content under or over the size limit, a right, stale or missing
// ETag, forced or not), when WriteFile refuses it, no byte of the folder changed: not the file, not its folder,
// no temporary file left, no folder made for it. And a write that is not refused changes its file alone (and
// the app folder it needed).
func TestRefusedWriteChangesNothing(t *testing.T) {
	backends := []struct {
		name string
		open func(t *testing.T) (afero.Fs, string)
	}{
		{"memory", func(t *testing.T) (afero.Fs, string) { return memTree(t, refusalTree), root }},
		{"zip overlay", func(t *testing.T) (afero.Fs, string) {
			var entries []zipEntry
			for _, name := range sortedKeys(refusalTree) {
				entries = append(entries, zipEntry{Name: "MobileApps/" + name, Data: refusalTree[name]})
			}
			fsys, err := zipfs.Open(makeZip(t, entries...), "", DefaultZipLimits)
			if err != nil {
				t.Fatal(err)
			}
			return fsys, zipfs.Root
		}},
		{"disk", func(t *testing.T) (afero.Fs, string) {
			dir := filepath.Join(t.TempDir(), "MobileApps")
			for name, content := range refusalTree {
				writeTree(t, afero.NewOsFs(), dir, name, []byte(content))
			}
			return afero.NewOsFs(), dir
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			refused := 0
			property := func(w randomWrite) bool {
				fsys, dir := b.open(t)
				before := snapshot(t, fsys, dir)
				data := []byte(strings.Repeat("x", w.Size))
				opts := WriteOptions{IfMatch: w.IfMatch, Force: w.Force, MaxFileSize: refusalLimit}
				var err error
				if w.Workspace {
					checker := NewChecker(CheckerOptions{Limits: Limits{MaxFileSize: refusalLimit}})
					ws, werr := NewWorkspace(t.Context(), fsys, dir, checker, WorkspaceOptions{})
					if werr != nil {
						t.Fatal(werr)
					}
					_, err = ws.Write(w.Path, data, opts)
				} else {
					_, err = WriteFile(fsys, dir, w.Path, data, opts)
				}
				after := snapshot(t, fsys, dir)
				if err != nil {
					refused++
					if !reflect.DeepEqual(before, after) {
						t.Errorf("%+v was refused (%v) but changed the folder:\n%q\nnow\n%q", w, err, before, after)
						return false
					}
					return true
				}
				for name := range after {
					if name != w.Path && name != filepath.Dir(w.Path) && after[name] != before[name] {
						t.Errorf("%+v changed %s too: %q → %q", w, name, before[name], after[name])
						return false
					}
				}
				if got := after[w.Path]; !strings.HasSuffix(got, fmt.Sprintf(" %q", data)) {
					t.Errorf("%+v was not refused, but the file holds %s", w, got)
					return false
				}
				return true
			}
			if err := quick.Check(property, &quick.Config{MaxCount: 400}); err != nil {
				t.Fatal(err)
			}
			if refused < 100 {
				t.Errorf("only %d of 400 writes were refused: the property was hardly tested", refused)
			}
		})
	}
}

// A save over the size limit is refused before anything is written, as a save under it: the file keeps its
// bytes, and the ETag the caller held still saves it.
func TestWriteOverLimitIsNotWritten(t *testing.T) {
	const p = "com.a/abcd"
	for _, opts := range []WriteOptions{{IfMatch: ETag([]byte("{}"))}, {Force: true}} {
		fsys := memTree(t, map[string]string{p: "{}"})
		_, err := WriteFile(fsys, root, p, []byte(`{"pad":"`+strings.Repeat("x", 100)+`"}`), WriteOptions{IfMatch: opts.IfMatch, Force: opts.Force, MaxFileSize: 64})
		if KindOf(err) != KindInput || !strings.Contains(err.Error(), "over the 64 B limit: nothing was written") {
			t.Fatalf("got %v", err)
		}
		assertTree(t, fsys, map[string]string{"com.a/": "", p: "{}"})
		if _, err := WriteFile(fsys, root, p, []byte(`{"v":1}`), WriteOptions{IfMatch: ETag([]byte("{}")), MaxFileSize: 64}); err != nil {
			t.Errorf("the ETag read before: %v", err)
		}
	}
	// The workspace judges by its own limit, as every read of it does.
	fsys := memTree(t, map[string]string{p: "{}"})
	ws, err := NewWorkspace(t.Context(), fsys, root, NewChecker(CheckerOptions{Limits: Limits{MaxFileSize: 64}}), WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.Write(p, []byte(strings.Repeat(" ", 65)), WriteOptions{IfMatch: ETag([]byte("{}"))})
	wantKind(t, err, KindInput)
	assertTree(t, fsys, map[string]string{"com.a/": "", p: "{}"})
}

// A create that fails (a name no file system takes, a full disk) leaves no app folder behind, nor the root it
// made again; a folder that was there stays.
func TestFailedCreateLeavesNoFolder(t *testing.T) {
	long := strings.Repeat("a", 300)
	fsys := memTree(t, nil)
	_, err := CreateSession(fsys, root, NewSession{ApplicationID: "com.long.App", TeamID: "LONG000000", ID: long})
	if KindOf(err) != KindInput || !strings.Contains(err.Error(), "a name of 300 bytes, over the 255") {
		t.Fatalf("got %v", err)
	}
	assertTree(t, fsys, map[string]string{})

	for name, fault := range map[string]func() func(string, string) error{
		"disk full":                     func() func(string, string) error { return once(opWrite, root+"/com.new.App/.*", fail(syscall.ENOSPC)) },
		"disk full, syncing":            func() func(string, string) error { return once(opSync, root+"/com.new.App/.*", fail(syscall.ENOSPC)) },
		"the folder refuses new files":  func() func(string, string) error { return once(opCreate, root+"/com.new.App/.*", fail(syscall.EACCES)) },
		"the name is refused on rename": func() func(string, string) error { return once(opRename, root+"/com.new.App/*", fail(syscall.ENOSPC)) },
	} {
		t.Run(name, func(t *testing.T) {
			mem := memTree(t, map[string]string{"com.old.App/abcd": "{}"})
			_, err := CreateSession(&faultFs{Fs: mem, fault: fault()}, root, NewSession{ApplicationID: "com.new.App", OS: "Android"}) // no team: the folder com.new.App
			if err == nil {
				t.Fatal("the create went through")
			}
			assertTree(t, mem, map[string]string{"com.old.App/": "", "com.old.App/abcd": "{}"})
			// The root too, when the create made it again.
			mem = afero.NewMemMapFs()
			_, err = CreateSession(&faultFs{Fs: mem, fault: fault()}, root, NewSession{ApplicationID: "com.new.App", OS: "Android"}) // no team: the folder com.new.App
			if ok, _ := afero.Exists(mem, root); err == nil || ok {
				t.Errorf("after %v, the root is there: %v", err, ok)
			}
		})
	}
}
