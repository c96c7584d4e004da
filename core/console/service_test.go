package console

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/probe"
	"github.com/mobisess/mobisess/core/sample"
)

// call runs one method and decodes its answer into out (when not nil).
func call(t *testing.T, a *Service, method string, params any, data []byte, out any) Result {
	t.Helper()
	p, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Call(context.Background(), method, p, data)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	if out != nil {
		if err := json.Unmarshal(res.JSON, out); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
	}
	return res
}

func callErr(t *testing.T, a *Service, method string, params any, data []byte) *Error {
	t.Helper()
	p, _ := json.Marshal(params)
	_, err := a.Call(context.Background(), method, p, data)
	if err == nil {
		t.Fatalf("%s %s: no error", method, p)
	}
	return err.(*Error)
}

// sampleZip is the embedded sample, zipped.
func sampleZip(t *testing.T) []byte {
	t.Helper()
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := core.ExportZip(fsys, root, &b); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

const (
	contact  = "UTT7VDX8W5.com.contactApp.Contact"
	accepted = contact + "/7023d9205074199d1c16fc00d24354e778137675"
	pending  = contact + "/9f1c3e0a5b7d4c2e8a6f0b1d3c5e7a9b2d4f6a8c"
	badToken = contact + "/c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00" // mobi 4: teamID
)

// The page keeps a zip's bytes once and its edits as the engine reports them (edits), and opens the zip again
// with them (openZip's edits): the folder comes back as it was, and the edits with it.
func TestEditsKeptAndReapplied(t *testing.T) {
	data := sampleZip(t)
	a := NewService(nil, Options{CanOpen: true})
	call(t, a, "openZip", map[string]any{"name": "kept.zip", "lang": "en"}, data, nil)
	var set EditSet
	call(t, a, "edits", map[string]any{}, nil, &set)
	if !set.Complete || len(set.Edits) != 0 || set.Differ != 0 || set.NotDownloaded != 0 {
		t.Fatalf("a zip just opened: %+v", set)
	}

	var f File
	call(t, a, "read", PathParams{Path: pending}, nil, &f)
	call(t, a, "setStatus", StatusParams{Path: pending, Status: "accepted", ETag: f.ETag}, nil, nil)
	call(t, a, "remove", RemoveParams{Path: accepted}, nil, nil)
	var created FileChange
	call(t, a, "create", core.NewSession{ApplicationID: "com.kept.app", TeamID: "TEAM123456", Status: "pending"}, nil, &created)
	var next EditSet
	call(t, a, "edits", EditsParams{Since: set.Seq}, nil, &next)
	if next.Differ != 3 || next.NotDownloaded != 3 {
		t.Fatalf("after three changes (a session created in a new app folder is one): %d differ, %d not downloaded; want 3 and 3", next.Differ, next.NotDownloaded)
	}
	var all EditSet
	call(t, a, "edits", EditsParams{}, nil, &all)
	var edited State
	call(t, a, "state", nil, nil, &edited)

	b := NewService(nil, Options{CanOpen: true})
	var restored State
	call(t, b, "openZip", OpenParams{Name: "kept.zip", Lang: "en", Edits: all.Edits}, data, &restored)
	if !reflect.DeepEqual(restored.Disk, edited.Disk) {
		t.Errorf("the folder re-opened with its edits checks as %+v, want %+v", restored.Disk.Summary, edited.Disk.Summary)
	}
	if restored.Source != "kept.zip" {
		t.Errorf("source %q", restored.Source)
	}
	var f2 File
	call(t, b, "read", PathParams{Path: created.File.Path}, nil, &f2)
	if f2.Content != created.File.Content {
		t.Error("the created session did not come back as it was")
	}
	var again EditSet
	call(t, b, "edits", EditsParams{}, nil, &again)
	if again.Differ != 3 || again.NotDownloaded != 3 {
		t.Errorf("re-opened: %d differ, %d not downloaded, want 3 and 3", again.Differ, again.NotDownloaded)
	}

	// A download marks what it held.
	res := call(t, b, "download", nil, nil, nil)
	if len(res.Bytes) == 0 {
		t.Fatal("an empty download")
	}
	call(t, b, "edits", EditsParams{Since: again.Seq}, nil, &next)
	if next.Differ != 3 || next.NotDownloaded != 0 || len(next.Edits) != 4 {
		t.Errorf("after the download: %d differ, %d not downloaded, %d edits reported (their marks: the new app folder's too); want 3, 0, 4",
			next.Differ, next.NotDownloaded, len(next.Edits))
	}

	// Discarding opens the zip as it was dropped.
	var discarded State
	call(t, b, "discardEdits", nil, nil, &discarded)
	var original State
	call(t, NewService(nil, Options{CanOpen: true}), "openZip", OpenParams{Name: "kept.zip", Lang: "en"}, data, &original)
	if !reflect.DeepEqual(discarded, original) {
		t.Errorf("after discarding: %+v, want the zip as opened %+v", discarded.Disk.Summary, original.Disk.Summary)
	}
	call(t, b, "edits", EditsParams{}, nil, &next)
	if next.Differ != 0 || len(next.Edits) != 0 {
		t.Errorf("edits after discarding: %+v", next)
	}
}

// The sample keeps its edits the same way.
func TestSampleEditsReapplied(t *testing.T) {
	a := NewService(nil, Options{CanOpen: true})
	call(t, a, "openSample", LangParams{Lang: "fr"}, nil, nil)
	call(t, a, "remove", RemoveParams{Path: contact}, nil, nil)
	var set EditSet
	call(t, a, "edits", nil, nil, &set)
	if set.Differ != 1 || len(set.Edits) != 1 || set.Edits[0].Path != contact || !set.Edits[0].Removed {
		t.Fatalf("the sample's edits: %+v", set)
	}
	b := NewService(nil, Options{CanOpen: true})
	var st State
	call(t, b, "openSample", map[string]any{"lang": "fr", "edits": set.Edits}, nil, &st)
	for _, app := range st.Apps {
		if app.Name == contact {
			t.Errorf("the removed app folder is back: %+v", st.Apps)
		}
	}
	if st.Lang != "fr" || st.Source != "sample" {
		t.Errorf("lang %q, source %q", st.Lang, st.Source)
	}
}

// Edits that do not fit are refused, and the folder open before stays open, unchanged.
func TestOpenWithBadEditsKeepsTheFolder(t *testing.T) {
	data := sampleZip(t)
	a := NewService(nil, Options{CanOpen: true})
	var before State
	call(t, a, "openSample", LangParams{Lang: "en"}, nil, &before)
	for _, edits := range [][]Edit{
		{{Path: "../escape", Kind: EditFile, Data: []byte("x")}},
		{{Path: contact, Kind: EditFile, Data: []byte("x")}}, // a file over an app folder
	} {
		if e := callErr(t, a, "openZip", OpenParams{Name: "bad.zip", Edits: edits}, data); e.Kind != core.KindInput {
			t.Errorf("%+v: %v, want an input error", edits, e)
		}
	}
	if e := callErr(t, a, "edits", map[string]any{"since": 0, "all": true}, nil); e.Kind != core.KindInput {
		t.Errorf("an unknown parameter: %v", e)
	}
	var after State
	call(t, a, "state", nil, nil, &after)
	if !reflect.DeepEqual(after, before) {
		t.Error("refused edits changed the folder open")
	}
}

// A folder on disk keeps no edits in memory: in server mode these calls are refused.
func TestEditsOfAFolderOnDisk(t *testing.T) {
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := NewWorkspace(context.Background(), fsys, root, nil, WorkspaceOptions{Mode: "server"})
	if err != nil {
		t.Fatal(err)
	}
	a := NewService(ws, Options{})
	if e := callErr(t, a, "edits", nil, nil); e.Kind != core.KindInput {
		t.Errorf("edits: %v", e)
	}
	if e := callErr(t, a, "discardEdits", nil, nil); e != ErrCannotOpen {
		t.Errorf("discardEdits: %v", e)
	}
	if res := call(t, a, "download", nil, nil, nil); len(res.Bytes) == 0 {
		t.Error("the download of a folder on disk is empty")
	}
}

// countingFs counts the files opened through it.
type countingFs struct {
	afero.Fs
	opened atomic.Int64
}

func (c *countingFs) Open(name string) (afero.File, error) {
	c.opened.Add(1)
	return c.Fs.Open(name)
}

func (c *countingFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	c.opened.Add(1)
	return c.Fs.OpenFile(name, flag, perm)
}

// A change of language says the documents again and checks nothing again: the state's errors, and with a path
// the file open in the editor, as the page read it, come back in the new language without a file being opened,
// decoded or validated, whether the workspace is the page's own (exclusive) or a folder on disk.
func TestSetLangSaysAgain(t *testing.T) {
	for _, exclusive := range []bool{true, false} {
		fsys, root, err := sample.Open()
		if err != nil {
			t.Fatal(err)
		}
		counted := &countingFs{Fs: fsys}
		ws, err := NewWorkspace(context.Background(), counted, root, nil, WorkspaceOptions{Exclusive: exclusive})
		if err != nil {
			t.Fatal(err)
		}
		a := NewService(ws, Options{})
		var f File
		call(t, a, "read", PathParams{Path: badToken}, nil, &f)
		if !strings.HasPrefix(f.Error.Message.String(), "Connection token") {
			t.Fatalf("read in English: %q", f.Error.Message)
		}
		if !exclusive {
			call(t, a, "state", NoParams{}, nil, nil) // what a folder on disk checks once, and then knows unchanged
		}
		var decoded, validated int
		probe.Decode = func([]byte) { decoded++ }
		probe.Validate = func() { validated++ }
		counted.opened.Store(0)
		var fr FileChange
		call(t, a, "setLang", LangParams{Lang: "fr", Path: badToken, ETag: f.ETag}, nil, &fr)
		probe.Decode, probe.Validate = nil, nil
		if opened := counted.opened.Load(); decoded != 0 || validated != 0 || (exclusive && opened != 0) {
			t.Errorf("exclusive %v: the change of language decoded %d files, validated %d, opened %d", exclusive, decoded, validated, opened)
		}
		if fr.Delta.Lang != "fr" || fr.File == nil || fr.File.ETag != f.ETag || !strings.HasPrefix(fr.File.Error.Message.String(), "Le jeton de connexion") ||
			!strings.HasPrefix(fr.Delta.Words.Codes[1].String(), "L'emplacement") || !strings.HasPrefix(causeOf(t, fr.Delta, badToken), "le jeton a teamID") {
			t.Fatalf("exclusive %v: after setLang fr: %+v", exclusive, fr)
		}
		// Without a path, the State's words alone; a file the workspace does not have in mind is read.
		var d Delta
		call(t, a, "setLang", LangParams{Lang: "es"}, nil, &d)
		if d.Lang != "es" || len(d.Rows) != 0 || !strings.HasPrefix(d.Words.Codes[1].String(), "La ubicación") || !strings.HasPrefix(causeOf(t, &d, badToken), "el token tiene") {
			t.Errorf("exclusive %v: after setLang es: %s, %d rows, %q", exclusive, d.Lang, len(d.Rows), d.Words.Codes[1])
		}
		counted.opened.Store(0)
		call(t, a, "setLang", LangParams{Lang: "en", Path: badToken, ETag: "older"}, nil, &fr)
		if fr.File == nil || fr.File.ETag != f.ETag || !strings.HasPrefix(fr.File.Error.Message.String(), "Connection token") || counted.opened.Load() == 0 {
			t.Errorf("exclusive %v: a file read again (%d opened): %+v", exclusive, counted.opened.Load(), fr.File)
		}
	}
}

// causeOf is the cause of path's error that d says again.
func causeOf(t *testing.T, d *Delta, path string) string {
	t.Helper()
	for _, w := range d.Said {
		if w.Path == path {
			return w.Cause.String()
		}
	}
	t.Fatalf("%s is not among the %d paths said again", path, len(d.Said))
	return ""
}
