package console

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
	"github.com/mobisess/mobisess/core/zipfs"
)

// openSampleAs opens the embedded sample in memory, as the browser console does, alone in changing its files
// (exclusive) or not: the same files, the same options but that one.
func openSampleAs(t *testing.T, exclusive bool, wrap func(afero.Fs) afero.Fs) *Workspace {
	t.Helper()
	fsys, dir, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := NewWorkspace(context.Background(), wrap(zipfs.NewOverlay(fsys)), dir, nil, WorkspaceOptions{Source: "sample", Mode: "browser", Exclusive: exclusive})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func asIs(fsys afero.Fs) afero.Fs { return fsys }

// jsonOf is v as JSON, its words in English.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	data, err := encode(v, "en")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A workspace that alone changes its files refreshes by reading only those that differ from the memory, and
// answers exactly what a refresh reading the whole folder answers: the report, the State after it, the memory,
// and the changes of the State (patched into the State held before, it gives the State after), whatever the
// changes made before, and again when nothing changed since the last refresh.
func TestRefreshOfWhatDiffersIsTheFullRefresh(t *testing.T) {
	known := openSampleAs(t, true, asIs)
	full := openSampleAs(t, false, asIs)
	etag := func(ws *Workspace, rel string) string {
		f, err := ws.Read(rel)
		if err != nil {
			t.Fatal(err)
		}
		return f.ETag
	}
	content := func(ws *Workspace, rel string) string {
		f, err := ws.Read(rel)
		if err != nil {
			t.Fatal(err)
		}
		return f.Content
	}
	write := func(rel string, edit func(string) string) func(ws *Workspace) error {
		return func(ws *Workspace) error {
			_, err := ws.Write(rel, []byte(edit(content(ws, rel))), core.WriteOptions{IfMatch: etag(ws, rel)})
			return err
		}
	}
	var created *File
	refresh := func(*Workspace) error { return nil } // every step refreshes; this one changes nothing before
	steps := []struct {
		name   string
		change func(ws *Workspace) error
	}{
		{"nothing changed since the load", refresh},
		{"nothing changed since the last refresh", refresh},
		{"a session accepted", func(ws *Workspace) error {
			_, err := ws.SetStatus(pending, core.StatusAccepted, etag(ws, pending))
			return err
		}},
		{"a file edited", write(accepted, func(s string) string {
			return strings.Replace(s, `"status"`, `"email": "changed@example.com", "status"`, 1)
		})},
		{"nothing changed since", refresh},
		{"a file laid out anew, its content the same", write(accepted, func(s string) string { return strings.Replace(s, "{", "{\n  ", 1) })},
		{"a file made invalid", write(accepted, func(string) string { return "{" })},
		{"a file fixed", func(ws *Workspace) error {
			_, err := ws.Fix(misplacedSample, etag(ws, misplacedSample), "")
			return err
		}},
		{"a session created", func(ws *Workspace) error {
			if ws == full { // a new session is new: the other workspace writes the same file
				_, err := ws.Write(created.Path, []byte(created.Content), core.WriteOptions{})
				return err
			}
			var err error
			created, err = ws.Create(core.NewSession{ApplicationID: "com.known.app", TeamID: "TEAM123456", Status: "pending"})
			return err
		}},
		{"a session deleted", func(ws *Workspace) error { return ws.Remove(pending, core.DeleteOptions{}) }},
		{"a new file, valid but misplaced", func(ws *Workspace) error {
			data := content(ws, tasksSession)
			_, err := ws.Write("com.elsewhere.app/"+strings.TrimPrefix(tasksSession, tasksApp+"/"), []byte(data), core.WriteOptions{})
			return err
		}},
		{"an app folder deleted", func(ws *Workspace) error {
			return ws.Remove("com.sample.myappname", core.DeleteOptions{Force: true})
		}},
		{"nothing changed since, again", refresh},
		{"everything deleted", func(ws *Workspace) error { return ws.Remove("", core.DeleteOptions{Force: true}) }},
	}
	ctx := context.Background()
	for _, step := range steps {
		for _, ws := range []*Workspace{known, full} {
			if err := step.change(ws); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
		// Between changes too, the state a workspace knows is the one a pass over the folder finds.
		if got, want := jsonOf(t, mustState(t, known)), jsonOf(t, mustState(t, full)); got != want {
			t.Fatalf("%s: the state before the refresh\n%s\nwant\n%s", step.name, got, want)
		}
		held := decodeDoc(t, []byte(jsonOf(t, mustState(t, known))))
		rep, delta, err := known.RefreshChanges(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		want, _, err := full.RefreshChanges(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got, want := jsonOf(t, rep), jsonOf(t, want); got != want {
			t.Fatalf("%s: the report\n%s\nwant\n%s", step.name, got, want)
		}
		if got, want := jsonOf(t, known.registry.Sessions()), jsonOf(t, full.registry.Sessions()); got != want {
			t.Fatalf("%s: the memory\n%s\nwant\n%s", step.name, got, want)
		}
		after := jsonOf(t, mustState(t, full))
		if got := jsonOf(t, mustState(t, known)); got != after {
			t.Fatalf("%s: the state after the refresh\n%s\nwant\n%s", step.name, got, after)
		}
		patch(t, held, decodeDoc(t, []byte(jsonOf(t, delta))))
		if got, want := mustJSON(t, held), mustJSON(t, decodeDoc(t, []byte(after))); got != want {
			t.Fatalf("%s: the state patched with the refresh's changes\n%s\nwant\n%s", step.name, got, want)
		}
	}
}

// Sample files the refresh tests change.
const (
	tasksApp        = "FAKETEAMID.com.4d.tasks"
	tasksSession    = tasksApp + "/5a5b5c5d5e5f60616263646566676869707172ab"
	misplacedSample = tasksApp + "/1234567890abcdef1234567890abcdef12345678" // mobi 1, fixed by a move
	sampleSessions  = 5                                                      // the sample's files that pass every check
)

func mustState(t *testing.T, ws *Workspace) *State {
	t.Helper()
	st, err := ws.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// openCounted is the sample opened as the browser console does, every open of its files counted.
func openCounted(t *testing.T) (*Workspace, *countingFs) {
	t.Helper()
	var counted *countingFs
	ws := openSampleAs(t, true, func(fsys afero.Fs) afero.Fs {
		counted = &countingFs{Fs: fsys}
		return counted
	})
	return ws, counted
}

// A refresh of the page's own folder reads the files that differ from the memory, and no other.
func TestRefreshReadsOnlyWhatDiffers(t *testing.T) {
	ws, counted := openCounted(t)
	ctx := context.Background()
	refresh := func(why string, wantOpened int64) *core.RefreshReport {
		t.Helper()
		counted.opened.Store(0)
		rep, _, err := ws.RefreshChanges(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if opened := counted.opened.Load(); opened != wantOpened {
			t.Errorf("%s: the refresh opened %d files, want %d", why, opened, wantOpened)
		}
		return rep
	}
	if rep := refresh("nothing changed", 0); len(rep.Unchanged) != sampleSessions {
		t.Errorf("nothing changed: %d unchanged, want %d", len(rep.Unchanged), sampleSessions)
	}
	f, err := ws.Read(pending)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.SetStatus(pending, core.StatusAccepted, f.ETag); err != nil {
		t.Fatal(err)
	}
	if err := ws.Remove(accepted, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Create(core.NewSession{ApplicationID: "com.counted.app", TeamID: "TEAM123456", Status: "pending"}); err != nil {
		t.Fatal(err)
	}
	rep := refresh("a session accepted, one deleted, one created", 1) // the accepted one; the new one is not loaded
	if len(rep.Updated) != 1 || rep.Updated[0].Path != pending || len(rep.Removed) != 1 || rep.Removed[0].Path != accepted ||
		len(rep.NotLoaded) != 1 || len(rep.Unchanged) != sampleSessions-2 {
		t.Errorf("the report: %s", jsonOf(t, rep))
	}
	refresh("nothing changed since", 0)
}

// A workspace over a folder on disk, which others change (the dev server's), refreshes by reading the whole
// folder: a file changed behind its back is seen.
func TestRefreshOfAFolderOnDiskReadsItAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "MobileApps")
	copySample(t, dir)
	ws, err := NewWorkspace(context.Background(), afero.NewOsFs(), dir, nil, WorkspaceOptions{Source: dir, Mode: "server"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.State(context.Background()); err != nil { // the workspace knows each path
		t.Fatal(err)
	}
	file := filepath.Join(dir, filepath.FromSlash(accepted))
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"status"`, `"email": "behind@example.com", "status"`, 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(pending))); err != nil {
		t.Fatal(err)
	}
	rep, _, err := ws.RefreshChanges(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Updated) != 1 || rep.Updated[0].Path != accepted || len(rep.Removed) != 1 || rep.Removed[0].Path != pending {
		t.Errorf("the refresh did not see the changes made behind the workspace: %s", jsonOf(t, rep))
	}
}
