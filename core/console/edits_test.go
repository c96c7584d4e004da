package console

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// editsZip is a zip of three apps: com.a with two sessions, com.b with one, com.wrong with a file whose content
// and token both say it belongs in com.right (its fix moves it), and a file that is not a session.
func editsZip(t *testing.T) (data []byte, a, b, c, m string) {
	t.Helper()
	a, b, c, m = strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40), strings.Repeat("d", 40)
	data = coretest.MakeZip(t,
		coretest.ZipEntry{Name: "MobileApps/com.a/" + a, Data: session("", "com.a", a, "pending")},
		coretest.ZipEntry{Name: "MobileApps/com.a/" + b, Data: session("", "com.a", b, "accepted")},
		coretest.ZipEntry{Name: "MobileApps/com.b/" + c, Data: session("", "com.b", c, "accepted")},
		coretest.ZipEntry{Name: "MobileApps/com.wrong/" + m, Data: session("", "com.right", m, "accepted")},
		coretest.ZipEntry{Name: "MobileApps/key.mobileapp", Data: "k"})
	return data, a, b, c, m
}

func openEditsZip(t *testing.T, data []byte, edits []Edit) *Workspace {
	t.Helper()
	ws, err := OpenZip(context.Background(), data, "x.zip", nil, WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if edits != nil {
		if err := ws.ApplyEdits(edits); err != nil {
			t.Fatalf("ApplyEdits: %v", err)
		}
	}
	return ws
}

// treeOrGone is the workspace's tree, nil when its folder was deleted.
func treeOrGone(t *testing.T, ws *Workspace) map[string]string {
	t.Helper()
	if _, err := ws.Fs().Stat(core.ZipRoot); err != nil {
		return nil
	}
	return coretest.Tree(t, ws.Fs(), core.ZipRoot)
}

func mustEdits(t *testing.T, ws *Workspace, since uint64) *EditSet {
	t.Helper()
	set, err := ws.Edits(since)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func editPaths(set *EditSet) []string {
	out := []string{}
	for _, e := range set.Edits {
		out = append(out, e.Path)
	}
	return out
}

// Every kind of edit the console makes (a file edited, a file removed, an app folder removed, a file moved by a
// fix, a session created in a new app folder and in a removed one, everything deleted and made again) comes
// back whole: the same source opened again with its edits re-applied holds the same files, and its memory is
// what was loaded from the source, as a server that started on it.
func TestEditsComeBackWhole(t *testing.T) {
	data, a, b, _, m := editsZip(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		do   func(t *testing.T, ws *Workspace)
	}{
		{"nothing", func(t *testing.T, ws *Workspace) {}},
		{"a file edited", func(t *testing.T, ws *Workspace) {
			f, err := ws.Read("com.a/" + a)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ws.SetStatus("com.a/"+a, core.StatusAccepted, f.ETag); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file removed", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("com.a/"+b, core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}},
		{"an app folder removed", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("com.b", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file moved", func(t *testing.T, ws *Workspace) {
			f, err := ws.Read("com.wrong/" + m)
			if err != nil {
				t.Fatal(err)
			}
			if f.Actions.Fix == nil || f.Actions.Fix.Kind != core.FixMove {
				t.Fatalf("the misplaced file's fix: %+v, want a move", f.Actions.Fix)
			}
			if _, err := ws.Fix("com.wrong/"+m, f.ETag, ""); err != nil {
				t.Fatal(err)
			}
		}},
		{"a session created in a new app folder", func(t *testing.T, ws *Workspace) {
			if _, err := ws.Create(core.NewSession{ApplicationID: "com.new", TeamID: "TEAM123456", Status: core.StatusAccepted}); err != nil {
				t.Fatal(err)
			}
		}},
		{"an app folder removed and a session made in it again", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("com.a", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := ws.Create(core.NewSession{ApplicationID: "com.a", OS: "Android", Status: core.StatusPending}); err != nil { // Android: no team, the folder com.a
				t.Fatal(err)
			}
		}},
		{"a file removed, then its folder", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("com.a/"+a, core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := ws.Remove("com.a", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}},
		{"everything deleted", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}},
		{"everything deleted, then a session created", func(t *testing.T, ws *Workspace) {
			if err := ws.Remove("", core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := ws.Create(core.NewSession{ApplicationID: "com.after", Status: core.StatusPending}); err != nil {
				t.Fatal(err)
			}
		}},
		{"a created file removed again", func(t *testing.T, ws *Workspace) {
			f, err := ws.Create(core.NewSession{ApplicationID: "com.a", OS: "Android", Status: core.StatusPending}) // Android: no team, the folder com.a
			if err != nil {
				t.Fatal(err)
			}
			if err := ws.Remove(f.Path, core.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := openEditsZip(t, data, nil)
			source, err := ws.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tc.do(t, ws)
			want := treeOrGone(t, ws)
			set := mustEdits(t, ws, 0)
			if !set.Complete {
				t.Error("Edits(0) is not complete")
			}
			back := openEditsZip(t, data, set.Edits)
			if got := treeOrGone(t, back); !reflect.DeepEqual(got, want) {
				t.Fatalf("re-applied:\n got %q\nwant %q", got, want)
			}
			edited, err := ws.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			restored, err := back.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(restored.Disk, edited.Disk) {
				t.Errorf("the re-applied folder checks as\n%+v\nwant\n%+v", restored.Disk.Summary, edited.Disk.Summary)
			}
			if restored.Memory.Count != source.Memory.Count || !reflect.DeepEqual(restored.Memory.Sessions, source.Memory.Sessions) && len(source.Memory.Sessions) > 0 {
				t.Errorf("memory after re-applying: %d sessions, want the source's %d", restored.Memory.Count, source.Memory.Count)
			}
			again := mustEdits(t, back, 0)
			if again.Differ != set.Differ || again.NotDownloaded != set.NotDownloaded || !reflect.DeepEqual(editPaths(again), editPaths(set)) {
				t.Errorf("the re-applied edits: %d differ, %d not downloaded, %v; want %d, %d, %v",
					again.Differ, again.NotDownloaded, editPaths(again), set.Differ, set.NotDownloaded, editPaths(set))
			}
			if tc.name == "nothing" && (set.Differ != 0 || len(set.Edits) != 0) {
				t.Errorf("a folder just opened has %d differences, edits %v", set.Differ, editPaths(set))
			}
		})
	}
}

// What differs from the source is counted by path, as the engine sees it: an edit undone by hand is no longer a
// difference, and a file created and removed again leaves nothing to keep.
func TestEditsCountWhatDiffers(t *testing.T) {
	data, a, b, _, _ := editsZip(t)
	ws := openEditsZip(t, data, nil)
	f, err := ws.Read("com.a/" + a)
	if err != nil {
		t.Fatal(err)
	}
	original := f.Content
	if _, err := ws.SetStatus("com.a/"+a, core.StatusAccepted, f.ETag); err != nil {
		t.Fatal(err)
	}
	if err := ws.Remove("com.a/"+b, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	first := mustEdits(t, ws, 0)
	if first.Differ != 2 || first.NotDownloaded != 2 {
		t.Fatalf("after an edit and a removal: %d differ, %d not downloaded, want 2 and 2", first.Differ, first.NotDownloaded)
	}
	if got := editPaths(first); !reflect.DeepEqual(got, []string{"com.a/" + a, "com.a/" + b}) {
		t.Errorf("edits %v", got)
	}
	for _, e := range first.Edits {
		switch e.Path {
		case "com.a/" + a:
			if e.Kind != EditFile || !strings.Contains(string(e.Data), `"accepted"`) || e.Removed {
				t.Errorf("the edited file: %+v", e)
			}
		case "com.a/" + b:
			if !e.Removed || e.Kind != "" || e.Data != nil {
				t.Errorf("the removed file: %+v", e)
			}
		}
	}
	if none := mustEdits(t, ws, first.Seq); len(none.Edits) != 0 || none.Complete || none.Seq != first.Seq {
		t.Errorf("asked again since %d: %+v, want nothing new", first.Seq, none)
	}

	// Undone by hand: the file is as the source has it.
	f, err = ws.Read("com.a/" + a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Write("com.a/"+a, []byte(original), core.WriteOptions{IfMatch: f.ETag}); err != nil {
		t.Fatal(err)
	}
	// A session created and removed between two reports was never kept: nothing is said of it. One created,
	// reported, then removed is reported with nothing to keep, so that its record goes.
	unseen, err := ws.Create(core.NewSession{ApplicationID: "com.a", OS: "Android", Status: core.StatusPending}) // Android: no team, the folder com.a
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.Remove(unseen.Path, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	created, err := ws.Create(core.NewSession{ApplicationID: "com.a", OS: "Android", Status: core.StatusPending}) // Android: no team, the folder com.a
	if err != nil {
		t.Fatal(err)
	}
	if seen := mustEdits(t, ws, first.Seq); !slices.Contains(editPaths(seen), created.Path) || slices.Contains(editPaths(seen), unseen.Path) {
		t.Fatalf("edits %v: want %s, not %s", editPaths(seen), created.Path, unseen.Path)
	}
	if err := ws.Remove(created.Path, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	next := mustEdits(t, ws, first.Seq)
	if next.Differ != 1 || next.NotDownloaded != 1 {
		t.Errorf("after undoing the edit: %d differ, %d not downloaded, want 1 and 1", next.Differ, next.NotDownloaded)
	}
	byPath := map[string]Edit{}
	for _, e := range next.Edits {
		byPath[e.Path] = e
	}
	if e, ok := byPath[created.Path]; !ok || e.Removed || e.Kind != "" || e.Downloaded != "" {
		t.Errorf("the created and removed file: %+v (reported: %v), want an empty edit, so that nothing is kept", e, ok)
	}
	if _, ok := byPath["com.a/"+b]; ok {
		t.Error("the removal, unchanged since, is reported again")
	}
	for p := range byPath {
		if strings.Contains(p, ".tmp-") || p == unseen.Path {
			t.Errorf("%s is reported, though nothing was ever kept there", p)
		}
	}
	if complete := mustEdits(t, ws, 0); !reflect.DeepEqual(editPaths(complete), []string{"com.a/" + a, "com.a/" + b}) {
		t.Errorf("every edit: %v; a path with nothing to keep is left out", editPaths(complete))
	}
}

// A download marks what it held: nothing is left to download until the next change, and the marks come back
// with the edits.
func TestEditsDownloaded(t *testing.T) {
	data, a, b, _, _ := editsZip(t)
	ws := openEditsZip(t, data, nil)
	if err := ws.Remove("com.a/"+b, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := ws.DownloadMarked(&zip); err != nil {
		t.Fatal(err)
	}
	set := mustEdits(t, ws, 0)
	if set.Differ != 1 || set.NotDownloaded != 0 {
		t.Fatalf("after the download: %d differ, %d not downloaded, want 1 and 0", set.Differ, set.NotDownloaded)
	}
	f, err := ws.Read("com.a/" + a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.SetStatus("com.a/"+a, core.StatusAccepted, f.ETag); err != nil {
		t.Fatal(err)
	}
	set = mustEdits(t, ws, 0)
	if set.Differ != 2 || set.NotDownloaded != 1 {
		t.Fatalf("after another edit: %d differ, %d not downloaded, want 2 and 1", set.Differ, set.NotDownloaded)
	}
	back := openEditsZip(t, data, set.Edits)
	if again := mustEdits(t, back, 0); again.Differ != 2 || again.NotDownloaded != 1 {
		t.Errorf("re-applied: %d differ, %d not downloaded, want 2 and 1", again.Differ, again.NotDownloaded)
	}
	// The removal, made again by the file coming back as it was, differs from the download.
	if err := ws.Remove("com.a/"+a, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if set := mustEdits(t, ws, 0); set.NotDownloaded != 1 || set.Differ != 2 {
		t.Errorf("after removing the edited file: %d differ, %d not downloaded, want 2 and 1", set.Differ, set.NotDownloaded)
	}
}

// Discarding opens the source again as it was: every file, and the memory.
func TestWithoutEdits(t *testing.T) {
	data, a, _, _, _ := editsZip(t)
	ws := openEditsZip(t, data, nil)
	want := coretest.Tree(t, ws.Fs(), core.ZipRoot)
	if err := ws.Remove("com.a", core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	fresh, err := ws.WithoutEdits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := coretest.Tree(t, fresh.Fs(), core.ZipRoot); !reflect.DeepEqual(got, want) {
		t.Errorf("without edits:\n got %q\nwant %q", got, want)
	}
	st, err := fresh.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Memory.Count != 3 || st.Source != "x.zip" {
		t.Errorf("memory %d sessions, source %q; want the zip's 3, x.zip", st.Memory.Count, st.Source)
	}
	if _, err := fresh.Read("com.a/" + a); err != nil {
		t.Errorf("the removed folder's file: %v", err)
	}
	if set := mustEdits(t, fresh, 0); set.Differ != 0 || len(set.Edits) != 0 {
		t.Errorf("edits after discarding: %+v", set)
	}
}

// Edits come back from the browser's storage: anything the engine would not have written is refused, and
// nothing of it is applied.
func TestApplyEditsRefuses(t *testing.T) {
	data, a, _, _, _ := editsZip(t)
	file := func(p, content string) Edit { return Edit{Path: p, Kind: EditFile, Data: []byte(content)} }
	small := core.NewChecker(core.CheckerOptions{Limits: core.Limits{Zip: core.ZipLimits{MaxFileSize: 1000, MaxTotalSize: 3000, MaxEntries: 8}}})
	many := func(n, size int) []Edit {
		var out []Edit
		for i := range n {
			out = append(out, file(fmt.Sprintf("com.a/%d", i), strings.Repeat("x", size)))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		edits []Edit
		c     *core.Checker
		want  string
	}{
		{"a path out of the folder", []Edit{file("../x", "{}")}, nil, "'..'"},
		{"an absolute path", []Edit{{Path: "/etc", Removed: true}}, nil, "relative"},
		{"a path too deep", []Edit{file("a/b/c", "{}")}, nil, "deeper"},
		{"a path twice", []Edit{file("com.a/x", "1"), {Path: "com.a/x", Removed: true}}, nil, "twice"},
		{"an unknown kind", []Edit{{Path: "com.a/x", Kind: "link"}}, nil, "unknown kind"},
		{"content on a folder", []Edit{{Path: "com.a", Kind: EditFolder, Data: []byte("x")}}, nil, "not a file"},
		{"the folder made a file", []Edit{{Path: "", Kind: EditFile, Data: []byte("x")}}, nil, "folder itself"},
		{"a file over the limit", many(1, 1001), small, "1001 bytes, over the limit"},
		{"files over the total", many(4, 900), small, "over 3000 bytes"},
		{"too many", many(9, 0), small, "9 kept edits"},
		{"a forged download mark", []Edit{{Path: "com.a", Downloaded: strings.Repeat("x", 65)}}, nil, "download mark"},
		{"a file over a folder", []Edit{file("com.a", "x")}, nil, "is a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := OpenZip(context.Background(), data, "x.zip", tc.c, WorkspaceOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := coretest.Tree(t, ws.Fs(), core.ZipRoot)
			err = ws.ApplyEdits(tc.edits)
			if err == nil || !strings.Contains(err.Error(), tc.want) || core.KindOf(err) != core.KindInput {
				t.Fatalf("ApplyEdits: %v, want an input error saying %q", err, tc.want)
			}
			if tc.name == "a file over a folder" {
				return // refused once applying: the caller drops the workspace (api.open)
			}
			if got := coretest.Tree(t, ws.Fs(), core.ZipRoot); !reflect.DeepEqual(got, want) {
				t.Errorf("refused edits changed the folder:\n got %q\nwant %q", got, want)
			}
		})
	}
	ws := openEditsZip(t, data, nil)
	if err := ws.Remove("com.a/"+a, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ws.ApplyEdits(nil); err == nil || core.KindOf(err) != core.KindInput {
		t.Errorf("edits applied to a folder already edited: %v, want refused", err)
	}
	disk, err := NewWorkspace(context.Background(), memTree(t, map[string]string{}), root, nil, WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := disk.Edits(0); err == nil || core.KindOf(err) != core.KindInput {
		t.Errorf("Edits of a folder written in place: %v, want refused", err)
	}
	if _, err := disk.WithoutEdits(context.Background()); err == nil {
		t.Error("WithoutEdits of a folder written in place: no error")
	}
}
