package console

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// fakeDisk is a folder on disk as the page reaches it through the File System Access API, taking the steps of a
// plan as the page does (web/fsaccess.js): each step checks that the disk holds what the step expects, and a
// file written gets a new time.
type fakeDisk struct {
	items map[string]*diskItem // by path in the folder; the folder itself is always there
	clock int64
}

type diskItem struct {
	dir      bool
	data     []byte
	modified int64
}

const diskEpoch = 1_700_000_000_000

func newFakeDisk(files map[string]string) *fakeDisk {
	d := &fakeDisk{items: map[string]*diskItem{}, clock: diskEpoch}
	for p, content := range files {
		if strings.HasSuffix(p, "/") {
			d.items[strings.TrimSuffix(p, "/")] = &diskItem{dir: true}
			continue
		}
		d.items[p] = &diskItem{data: []byte(content), modified: diskEpoch}
		for dir := p; strings.Contains(dir, "/"); {
			dir = dir[:strings.LastIndexByte(dir, '/')]
			d.items[dir] = &diskItem{dir: true}
		}
	}
	return d
}

// files is the disk as files (folders end in "/"), as treeOrGone lists a workspace.
func (d *fakeDisk) files() map[string]string {
	out := map[string]string{}
	for p, it := range d.items {
		if it.dir {
			out[p+"/"] = ""
		} else {
			out[p] = string(it.data)
		}
	}
	return out
}

// change rewrites a file behind the engine's back, as 4D or an editor does.
func (d *fakeDisk) change(p, content string) {
	d.clock++
	d.items[p] = &diskItem{data: []byte(content), modified: d.clock}
}

// take takes the steps of plan in order until one cannot be taken, and says what was done and why it stopped.
func (d *fakeDisk) take(plan *FolderWrites) (FolderWritten, error) {
	done := FolderWritten{Seq: plan.Seq, Done: []WrittenStep{}}
	for _, s := range plan.Writes {
		if err := d.step(s); err != nil {
			return done, fmt.Errorf("%s %s: %w", s.Op, s.Path, err)
		}
		step := WrittenStep{Path: s.Path}
		if s.Op == StepWrite {
			step.Modified = d.items[s.Path].modified
		}
		done.Done = append(done.Done, step)
	}
	return done, nil
}

func (d *fakeDisk) step(s FolderWrite) error {
	it := d.items[s.Path]
	if parent, _, ok := strings.Cut(s.Path, "/"); ok && (d.items[parent] == nil || !d.items[parent].dir) {
		return fmt.Errorf("its folder is gone")
	}
	switch {
	case s.Op == StepMkdir && it != nil && it.dir:
		return nil // made meanwhile: nothing lost
	case s.Expect == nil && it != nil:
		return fmt.Errorf("something is there that was not")
	case s.Expect != nil && it == nil:
		return fmt.Errorf("gone")
	case s.Expect != nil && (s.Expect.Kind == "folder") != it.dir:
		return fmt.Errorf("not a %s any more", s.Expect.Kind)
	case s.Expect != nil && s.Expect.Kind == "file":
		sum := sha256.Sum256(it.data)
		if int64(len(it.data)) != s.Expect.Size || it.modified != s.Expect.Modified || hex.EncodeToString(sum[:]) != s.Expect.SHA256 {
			return fmt.Errorf("changed since it was read")
		}
	}
	switch s.Op {
	case StepMkdir:
		d.items[s.Path] = &diskItem{dir: true}
	case StepWrite:
		d.clock++
		d.items[s.Path] = &diskItem{data: bytes.Clone(s.Data), modified: d.clock}
	case StepRemove:
		delete(d.items, s.Path)
	case StepRmdir:
		for p := range d.items {
			if strings.HasPrefix(p, s.Path+"/") {
				return fmt.Errorf("not empty: %s", p)
			}
		}
		delete(d.items, s.Path)
	default:
		return fmt.Errorf("unknown step")
	}
	return nil
}

// writeBack plans the writes of ws, takes them on d, and tells ws what was done; the error of the step that
// stopped, if one did.
func writeBack(t *testing.T, ws *Workspace, d *fakeDisk) (*FolderWrites, error) {
	t.Helper()
	plan, err := ws.FolderWrites()
	if err != nil {
		t.Fatalf("FolderWrites: %v", err)
	}
	done, stopped := d.take(plan)
	if _, err := ws.FolderWritten(done); err != nil {
		t.Fatalf("FolderWritten: %v", err)
	}
	return plan, stopped
}

func steps(plan *FolderWrites) []string {
	out := []string{}
	for _, s := range plan.Writes {
		out = append(out, s.Op+" "+s.Path)
	}
	return out
}

// writeBackFiles is a MobileApps folder of two apps, with what 4D keeps beside the sessions.
func writeBackFiles() (files map[string]string, a, b, c, m string) {
	a, b, c, m = strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40), strings.Repeat("d", 40)
	return map[string]string{
		"com.a/" + a:          session("", "com.a", a, "pending"),
		"com.a/" + b:          session("", "com.a", b, "accepted"),
		"com.b/" + c:          session("", "com.b", c, "accepted"),
		"com.b/manifest.json": "{}",
		"com.wrong/" + m:      session("", "com.right", m, "accepted"),
		"key.mobileapp":       "k",
	}, a, b, c, m
}

// Every change the console makes is written back step by step, each step where the disk holds what it expects,
// folders made before files, files written before any is removed; once written, the disk holds what the
// workspace shows and nothing is left to write, nor to keep.
func TestWriteBack(t *testing.T) {
	files, a, b, c, m := writeBackFiles()
	created := core.NewSession{ApplicationID: "com.new", ID: strings.Repeat("e", 40), Email: "x@example.com"}
	for _, tc := range []struct {
		name  string
		do    func(t *testing.T, ws *Workspace)
		steps []string
	}{
		{"a file edited", func(t *testing.T, ws *Workspace) {
			f, _ := ws.Read("com.a/" + a)
			if _, err := ws.SetStatus("com.a/"+a, core.StatusAccepted, f.ETag); err != nil {
				t.Fatal(err)
			}
		}, []string{"write com.a/" + a}},
		{"a file removed", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("com.a/"+b, core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}, []string{"remove com.a/" + b}},
		{"an app folder removed", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("com.b", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}, []string{"remove com.b/" + c, "remove com.b/manifest.json", "rmdir com.b"}},
		{"a file moved by its fix", func(t *testing.T, ws *Workspace) {
			f, _ := ws.Read("com.wrong/" + m)
			if _, err := ws.Fix("com.wrong/"+m, f.ETag, ""); err != nil {
				t.Fatal(err)
			}
		}, []string{"mkdir com.right", "write com.right/" + m, "remove com.wrong/" + m}},
		{"a session created in a new app folder", func(t *testing.T, ws *Workspace) {
			if _, err := ws.Create(created); err != nil {
				t.Fatal(err)
			}
		}, []string{"mkdir " + created.AppFolder(), "write " + created.AppFolder() + "/" + created.ID}},
		{"everything deleted", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}, []string{"remove com.a/" + a, "remove com.a/" + b, "remove com.b/" + c, "remove com.b/manifest.json",
			"remove com.wrong/" + m, "remove key.mobileapp", "rmdir com.wrong", "rmdir com.b", "rmdir com.a"}},
		{"everything deleted, then a session created", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := ws.Create(created); err != nil {
				t.Fatal(err)
			}
		}, []string{"mkdir " + created.AppFolder(), "write " + created.AppFolder() + "/" + created.ID, "remove com.a/" + a, "remove com.a/" + b,
			"remove com.b/" + c, "remove com.b/manifest.json", "remove com.wrong/" + m, "remove key.mobileapp",
			"rmdir com.wrong", "rmdir com.b", "rmdir com.a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := openFolder(t, "MobileApps", files, "")
			disk := newFakeDisk(files)
			tc.do(t, ws)
			want := treeOrGone(t, ws)
			plan, err := writeBack(t, ws, disk)
			if err != nil {
				t.Fatalf("a step was refused: %v", err)
			}
			if got := steps(plan); !reflect.DeepEqual(got, tc.steps) {
				t.Errorf("steps\n%q\nwant\n%q", got, tc.steps)
			}
			if want == nil {
				want = map[string]string{} // the folder given stays, emptied
			}
			if got := disk.files(); !reflect.DeepEqual(got, want) {
				t.Errorf("the disk holds\n%v\nthe workspace shows\n%v", coretest.SortedKeys(got), coretest.SortedKeys(want))
			}
			if got := treeOrGone(t, ws); !reflect.DeepEqual(got, disk.files()) {
				t.Errorf("once written, the workspace shows\n%v\nthe disk\n%v", coretest.SortedKeys(got), coretest.SortedKeys(disk.files()))
			}
			set := mustEdits(t, ws, 0)
			if set.Differ != 0 || len(set.Edits) != 0 {
				t.Errorf("once written: differ %d, edits %v", set.Differ, editPaths(set))
			}
			again, err := ws.FolderWrites()
			if err != nil || len(again.Writes) != 0 {
				t.Errorf("nothing is left to write: %v, %v", steps(again), err)
			}
			// The folder read again holds what was written.
			reread := openFolder(t, "MobileApps", disk.files(), "")
			if got := treeOrGone(t, reread); !reflect.DeepEqual(got, disk.files()) {
				t.Errorf("read again: %v", coretest.SortedKeys(got))
			}
		})
	}
}

// A file changed on disk since it was read is not written over: the step is refused, nothing is written, and the
// edit stays, counted and kept, to download or to write once the user chose.
func TestWriteBackRefusesAChangedFile(t *testing.T) {
	files, a, _, _, _ := writeBackFiles()
	ws := openFolder(t, "MobileApps", files, "")
	disk := newFakeDisk(files)
	f, _ := ws.Read("com.a/" + a)
	if _, err := ws.SetStatus("com.a/"+a, core.StatusAccepted, f.ETag); err != nil {
		t.Fatal(err)
	}
	theirs := strings.Replace(files["com.a/"+a], "pending", "accepted", 1) + " " // the same change, by 4D, and a space
	disk.change("com.a/"+a, theirs)
	for round := range 2 {
		_, err := writeBack(t, ws, disk)
		if err == nil || !strings.Contains(err.Error(), "changed since it was read") {
			t.Fatalf("round %d: %v, want the write refused", round, err)
		}
		if got := disk.files()["com.a/"+a]; got != theirs {
			t.Fatalf("the disk's change was written over: %q", got)
		}
		if set := mustEdits(t, ws, 0); set.Differ != 1 || len(set.Edits) != 1 {
			t.Fatalf("the edit is still to write: differ %d, %v", set.Differ, editPaths(set))
		}
	}
	// The same size and time, other bytes: refused too.
	disk.items["com.a/"+a].data = bytes.Repeat([]byte{' '}, len(theirs))
	if _, err := writeBack(t, ws, disk); err == nil {
		t.Fatal("a file whose bytes changed, its size and time alike, was written over")
	}
}

// A plan stopped midway (a file gone, a folder that holds what was not there) says what was written: that is the
// disk's now, and the next plan takes up from there, expecting what was written.
func TestWriteBackMidway(t *testing.T) {
	files, _, _, c, _ := writeBackFiles()
	ws := openFolder(t, "MobileApps", files, "")
	disk := newFakeDisk(files)
	if err := ws.Remove("com.b", core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	disk.items["com.b/notes.txt"] = &diskItem{data: []byte("mine"), modified: diskEpoch} // put there since
	plan, err := writeBack(t, ws, disk)
	if err == nil || !strings.Contains(err.Error(), "rmdir com.b: not empty: com.b/notes.txt") {
		t.Fatalf("plan %v: %v", steps(plan), err)
	}
	if disk.items["com.b/"+c] != nil || disk.items["com.b/notes.txt"] == nil {
		t.Fatalf("the files of the plan are removed, the one it did not know kept: %v", coretest.SortedKeys(disk.files()))
	}
	next, err := ws.FolderWrites()
	if err != nil {
		t.Fatal(err)
	}
	if got := steps(next); !reflect.DeepEqual(got, []string{"rmdir com.b"}) {
		t.Errorf("what is left: %q", got)
	}
	if set := mustEdits(t, ws, 0); set.Differ != 1 {
		t.Errorf("still to write: %d", set.Differ)
	}
	delete(disk.items, "com.b/notes.txt") // the user moved it away
	if _, err := writeBack(t, ws, disk); err != nil {
		t.Fatal(err)
	}
	if set := mustEdits(t, ws, 0); set.Differ != 0 {
		t.Errorf("all written: %d left", set.Differ)
	}
}

// An edit made while its plan is written is written by the next plan, which expects the first one's bytes.
func TestWriteBackEditMeanwhile(t *testing.T) {
	files, a, _, _, _ := writeBackFiles()
	ws := openFolder(t, "MobileApps", files, "")
	disk := newFakeDisk(files)
	p := "com.a/" + a
	f, _ := ws.Read(p)
	if _, err := ws.SetStatus(p, core.StatusAccepted, f.ETag); err != nil {
		t.Fatal(err)
	}
	plan, err := ws.FolderWrites()
	if err != nil {
		t.Fatal(err)
	}
	f, _ = ws.Read(p)
	if _, err := ws.SetStatus(p, core.StatusPending, f.ETag); err != nil { // back to what the disk held
		t.Fatal(err)
	}
	done, err := disk.take(plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.FolderWritten(done); err != nil {
		t.Fatal(err)
	}
	next, err := ws.FolderWrites()
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Writes) != 1 || string(next.Writes[0].Data) != files[p] || next.Writes[0].Expect.Modified != disk.items[p].modified {
		t.Fatalf("the next plan: %q", steps(next))
	}
	if _, err := writeBack(t, ws, disk); err != nil {
		t.Fatal(err)
	}
	if disk.files()[p] != files[p] {
		t.Errorf("the disk holds %q", disk.files()[p])
	}
	if _, err := ws.FolderWritten(done); err == nil {
		t.Error("a plan told written twice is taken")
	}
}

// Edits kept across a reload come back over the folder read again: written then when the disk still holds what
// it held when they were kept, refused (nothing written over) where it changed meanwhile.
func TestWriteBackKeptEdits(t *testing.T) {
	files, a, b, _, _ := writeBackFiles()
	ws := openFolder(t, "MobileApps", files, "")
	f, _ := ws.Read("com.a/" + a)
	if _, err := ws.SetStatus("com.a/"+a, core.StatusAccepted, f.ETag); err != nil {
		t.Fatal(err)
	}
	if err := ws.Remove("com.a/"+b, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	kept := mustEdits(t, ws, 0).Edits
	for _, e := range kept {
		if e.Base == "" {
			t.Errorf("%s kept without the disk's print", e.Path)
		}
	}

	reopen := func(disk *fakeDisk) *Workspace {
		ws := openFolder(t, "MobileApps", disk.files(), "")
		if err := ws.ApplyEdits(kept); err != nil {
			t.Fatal(err)
		}
		return ws
	}
	disk := newFakeDisk(files)
	again := reopen(disk)
	if _, err := writeBack(t, again, disk); err != nil {
		t.Fatalf("the disk as it was: %v", err)
	}
	if disk.items["com.a/"+b] != nil || !strings.Contains(disk.files()["com.a/"+a], `"accepted"`) {
		t.Error("the kept edits are not written")
	}

	disk = newFakeDisk(files)
	disk.change("com.a/"+b, "rewritten by 4D")
	again = reopen(disk)
	_, err := again.FolderWrites()
	if err == nil || core.KindOf(err) != core.KindConflict || !strings.Contains(err.Error(), "com.a/"+b) {
		t.Fatalf("a kept edit over a file changed since: %v", err)
	}
	if err := again.Download(&bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	fresh, err := again.WithoutEdits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if plan, err := fresh.FolderWrites(); err != nil || len(plan.Writes) != 0 {
		t.Errorf("discarded: %v, %v", plan, err)
	}
}

// A zip, or the sample, is not written back by the page.
func TestWriteBackOnlyFolders(t *testing.T) {
	data, _, _, _, _ := editsZip(t)
	ws := openEditsZip(t, data, nil)
	if _, err := ws.FolderWrites(); err == nil || core.KindOf(err) != core.KindInput {
		t.Errorf("a zip: %v", err)
	}
}
