//go:build !js

// A write that is refused changes nothing, on every file system a workspace works on: in memory, in a zip's
// overlay and on a real disk (which Node-hosted wasm has not), whether it is WriteFile's or the workspace's.

package console_test

import (
	"fmt"
	"io/fs"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/quick"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/internal/coretest"
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
		w.IfMatch = core.ETag([]byte(refusalTree[w.Path]))
	case 1: // a stale ETag
		w.IfMatch = core.ETag([]byte("stale"))
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
		{"memory", func(t *testing.T) (afero.Fs, string) {
			return coretest.MemTree(t, core.ZipRoot, refusalTree), core.ZipRoot
		}},
		{"zip overlay", func(t *testing.T) (afero.Fs, string) {
			var entries []coretest.ZipEntry
			for _, name := range coretest.SortedKeys(refusalTree) {
				entries = append(entries, coretest.ZipEntry{Name: "MobileApps/" + name, Data: refusalTree[name]})
			}
			fsys, err := zipfs.Open(coretest.MakeZip(t, entries...), "", core.DefaultZipLimits)
			if err != nil {
				t.Fatal(err)
			}
			return fsys, zipfs.Root
		}},
		{"disk", func(t *testing.T) (afero.Fs, string) {
			dir := filepath.Join(t.TempDir(), "MobileApps")
			for name, content := range refusalTree {
				coretest.WriteTree(t, afero.NewOsFs(), dir, name, []byte(content))
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
				opts := core.WriteOptions{IfMatch: w.IfMatch, Force: w.Force, MaxFileSize: refusalLimit}
				var err error
				if w.Workspace {
					checker := core.NewChecker(core.CheckerOptions{Limits: core.Limits{MaxFileSize: refusalLimit}})
					ws, werr := console.NewWorkspace(t.Context(), fsys, dir, checker, console.WorkspaceOptions{})
					if werr != nil {
						t.Fatal(werr)
					}
					_, err = ws.Write(w.Path, data, opts)
				} else {
					_, err = core.WriteFile(fsys, dir, w.Path, data, opts)
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

// A save over the workspace's size limit is refused before anything is written: the workspace judges by its
// own limit, as every read of it does.
func TestWorkspaceWriteOverLimitIsNotWritten(t *testing.T) {
	const p = "com.a/abcd"
	fsys := coretest.MemTree(t, core.ZipRoot, map[string]string{p: "{}"})
	ws, err := console.NewWorkspace(t.Context(), fsys, core.ZipRoot, core.NewChecker(core.CheckerOptions{Limits: core.Limits{MaxFileSize: 64}}), console.WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.Write(p, []byte(strings.Repeat(" ", 65)), core.WriteOptions{IfMatch: core.ETag([]byte("{}"))})
	wantKind(t, err, core.KindInput)
	if got := coretest.Tree(t, fsys, core.ZipRoot); !reflect.DeepEqual(got, map[string]string{"com.a/": "", p: "{}"}) {
		t.Errorf("the folder is now %q", got)
	}
}

// A workspace's size limit is the one of every read: a file under it is read, accepted and removed with the
// ETag just read, whatever the default limit.
func TestWorkspaceLimitIsEveryReadsLimit(t *testing.T) {
	id := strings.Repeat("a", 40)
	big := strings.Replace(sessionOf("", "com.a", id, "pending"), `"status"`, `"padding": "`+strings.Repeat("x", 5<<20)+`", "status"`, 1)
	fsys := coretest.MemTree(t, core.ZipRoot, map[string]string{"com.a/" + id: big})
	c := core.NewChecker(core.CheckerOptions{Limits: core.Limits{MaxFileSize: 16 << 20}})
	ws, err := console.NewWorkspace(t.Context(), fsys, core.ZipRoot, c, console.WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := ws.Read("com.a/" + id)
	if err != nil {
		t.Fatal(err)
	}
	if f.Error != nil {
		t.Fatalf("a 5 MiB file under a 16 MiB limit: %v", f.Error)
	}
	accepted, err := ws.SetStatus("com.a/"+id, core.StatusAccepted, f.ETag)
	if err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if err := ws.Remove("com.a/"+id, core.DeleteOptions{IfMatch: accepted.ETag}); err != nil {
		t.Fatalf("Remove with the ETag just read: %v", err)
	}
}
