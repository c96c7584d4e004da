package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/internal/coretest"
	"github.com/mobisess/mobisess/core/sample"
)

// The sample's files, by what they are.
const (
	contact   = "UTT7VDX8W5.com.contactApp.Contact"
	tasks     = "FAKETEAMID.com.4d.tasks"
	android   = "com.sample.myappname"
	accepted  = contact + "/7023d9205074199d1c16fc00d24354e778137675"
	pending   = contact + "/9f1c3e0a5b7d4c2e8a6f0b1d3c5e7a9b2d4f6a8c"
	malformed = contact + "/4e2d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d" // mobi 2: a comma is missing
	badToken  = contact + "/c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00" // mobi 4: teamID
	misplaced = tasks + "/1234567890abcdef1234567890abcdef12345678"   // mobi 1: com.4d.notes
	badStatus = android + "/D41D8CD98F00B204E9800998ECF8427E"         // mobi 3: "Accepted"
)

// The sample's sessions at start: every file that passes the four checks.
var sampleMemory = []string{
	tasks + "/5a5b5c5d5e5f60616263646566676869707172ab",
	accepted,
	pending,
	android + "/3C81A8D7AFE64C2E9CCFFCDC35DC52F5",
	android + "/8B2F0E6A1C4D4F3A9E5B7C6D2A1F0E9D",
}

func openSample(t *testing.T, opts console.WorkspaceOptions) *console.Workspace {
	t.Helper()
	fsys, dir, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := console.NewWorkspace(context.Background(), fsys, dir, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func paths[T any](list []T, path func(T) string) []string {
	out := []string{}
	for _, x := range list {
		out = append(out, path(x))
	}
	return out
}

func sessionPaths(s []*core.Session) []string {
	return paths(s, func(s *core.Session) string { return s.Path })
}

// memorySessions is the whole memory a state describes, as the console puts it together.
func memorySessions(t *testing.T, st *console.State) []*core.Session {
	t.Helper()
	onDisk := map[string]*core.Session{}
	for _, s := range st.Disk.Sessions {
		onDisk[s.Path] = s
	}
	out := slices.Clone(st.Memory.Sessions)
	for _, p := range st.Memory.SameAsDisk {
		if onDisk[p] == nil {
			t.Fatalf("memory names %s as the disk's session, and the disk has none", p)
		}
		out = append(out, onDisk[p])
	}
	slices.SortFunc(out, func(a, b *core.Session) int { return strings.Compare(a.Path, b.Path) })
	if len(out) != st.Memory.Count {
		t.Fatalf("memory counts %d sessions and describes %d", st.Memory.Count, len(out))
	}
	return out
}

func state(t *testing.T, ws *console.Workspace) *console.State {
	t.Helper()
	st, err := ws.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func wantKind(t *testing.T, err error, kind core.Kind) {
	t.Helper()
	if core.KindOf(err) != kind {
		t.Fatalf("got %v (kind %q), want %q", err, core.KindOf(err), kind)
	}
}

// At start the memory holds the sample's valid sessions, the disk report its four broken files, and a refresh
// would change nothing.
func TestWorkspaceState(t *testing.T) {
	ws := openSample(t, console.WorkspaceOptions{Source: "sample", Mode: "browser"})
	st := state(t, ws)
	if st.Source != "sample" || st.Mode != "browser" || st.Readonly || st.Lang != i18n.English {
		t.Errorf("state header %+v", st)
	}
	if got := sessionPaths(memorySessions(t, st)); !reflect.DeepEqual(got, sampleMemory) {
		t.Errorf("memory %q", got)
	}
	errs := paths(st.Disk.Errors, func(e *core.Error) string { return e.Path + " " + string(rune('0'+e.Code)) })
	want := []string{misplaced + " 1", malformed + " 2", badToken + " 4", badStatus + " 3"}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("disk errors %q, want %q", errs, want)
	}
	p := st.Pending
	if len(p.Updated)+len(p.NotLoaded)+len(p.Removed) != 0 || len(p.Unchanged) != len(sampleMemory) || len(p.Errors) != 4 {
		t.Errorf("pending %+v", p)
	}
	if got := paths(st.Apps, func(a core.App) string { return a.Name }); !reflect.DeepEqual(got, []string{tasks, contact, android}) {
		t.Errorf("apps %q", got)
	}
}

// Read opens a file with its ETag, its error and its token beside the file's fields.
func TestWorkspaceRead(t *testing.T) {
	ws := openSample(t, console.WorkspaceOptions{})
	f, err := ws.Read(pending)
	if err != nil {
		t.Fatal(err)
	}
	if f.Error != nil || f.Token == nil || !f.Token.Error.IsZero() || len(f.Token.Fields) != 3 || f.ETag != core.ETag([]byte(f.Content)) {
		t.Errorf("a valid file: %+v", f)
	}
	for _, field := range f.Token.Fields {
		if !field.Match {
			t.Errorf("field %+v", field)
		}
	}
	if f, err = ws.Read(badToken); err != nil || f.Error == nil || f.Error.Code != core.CodeToken || f.Token == nil {
		t.Fatalf("the bad token: %+v, %v", f, err)
	}
	if team := f.Token.Fields[2]; team.Field != "teamID" || team.Match || team.Token != "FAKETEAMID" || team.File != "UTT7VDX8W5" {
		t.Errorf("the token's teamID: %+v", team)
	}
	if f, err = ws.Read(malformed); err != nil || f.Error == nil || f.Error.Code != core.CodeMalformed || f.Error.Line != 29 || f.Error.Column != 2 {
		t.Errorf("the malformed file: %+v, %v", f.Error, err)
	}
	if f, err = ws.Read(contact + "/manifest.json"); err != nil || f.Error != nil || f.Token != nil || !strings.Contains(f.Content, "Contact") {
		t.Errorf("a file that is not a session is read, not checked: %+v, %v", f, err)
	}
	_, err = ws.Read(contact + "/0000")
	wantKind(t, err, core.KindNotFound)
	_, err = ws.Read("../etc/passwd")
	wantKind(t, err, core.KindInput)
}

// What a developer does by hand, in one step, then a refresh: accept, fix, create, reset.
func TestWorkspaceEdits(t *testing.T) {
	ctx := context.Background()
	ws := openSample(t, console.WorkspaceOptions{})

	before, err := ws.Read(pending)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ws.SetStatus(pending, core.StatusAccepted, before.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if f.Content != strings.Replace(before.Content, `"status": "pending"`, `"status": "accepted"`, 1) || f.ETag == before.ETag {
		t.Errorf("after SetStatus:\n%s", f.Content)
	}
	_, err = ws.SetStatus(pending, core.StatusPending, before.ETag)
	wantKind(t, err, core.KindConflict)
	if up := state(t, ws).Pending.Updated; len(up) != 1 || up[0].Path != pending || len(up[0].Changes) != 1 ||
		up[0].Changes[0].Pointer != "/status" || string(up[0].Changes[0].Old) != `"pending"` || string(up[0].Changes[0].New) != `"accepted"` {
		t.Errorf("pending updates %+v", up)
	}

	broken, err := ws.Read(malformed)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(broken.Content, `"status": "accepted"`, `"status": "accepted",`, 1)
	_, err = ws.Write(malformed, []byte(fixed), core.WriteOptions{IfMatch: core.ETag([]byte("stale"))})
	wantKind(t, err, core.KindConflict)
	if f, err = ws.Write(malformed, []byte(fixed), core.WriteOptions{IfMatch: broken.ETag}); err != nil || f.Error != nil {
		t.Fatalf("the fixed file: %+v, %v", f, err)
	}
	created, err := ws.Create(core.NewSession{ApplicationID: "com.4d.tasks", TeamID: "FAKETEAMID"})
	if err != nil || created.Error != nil || !strings.HasPrefix(created.Path, tasks+"/") {
		t.Fatalf("created %+v, %v", created, err)
	}

	rep, err := ws.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raised := paths(rep.Errors, func(e *core.Error) string { return e.Path })
	if got := paths(rep.Updated, func(u core.Updated) string { return u.Path }); !reflect.DeepEqual(got, []string{pending}) {
		t.Errorf("updated %q", got)
	}
	notLoaded := paths(rep.NotLoaded, func(p core.PathOnly) string { return p.Path })
	if len(notLoaded) != 2 || !contains(notLoaded, malformed) || !contains(notLoaded, created.Path) {
		t.Errorf("not loaded %q", notLoaded)
	}
	if !reflect.DeepEqual(raised, []string{misplaced, badToken, badStatus}) {
		t.Errorf("raised %q", raised)
	}
	if state(t, ws).Memory.Count != len(sampleMemory) {
		t.Errorf("a refresh loaded new files")
	}

	if _, err := ws.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if got := memorySessions(t, state(t, ws)); len(got) != len(sampleMemory)+2 {
		t.Errorf("after a restart: %q", sessionPaths(got))
	}

	if err := ws.Remove(android, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ws.Remove(accepted, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if rep, err = ws.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	removed := paths(rep.Removed, func(r core.Removed) string { return r.Path + " " + r.Reason })
	want := []string{accepted + " deleted", android + "/3C81A8D7AFE64C2E9CCFFCDC35DC52F5 deleted", android + "/8B2F0E6A1C4D4F3A9E5B7C6D2A1F0E9D deleted"}
	if !reflect.DeepEqual(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}

	if err := ws.Remove("", core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if rep, err = ws.Refresh(ctx); err != nil || len(rep.Errors) != 0 || len(rep.Removed) != 4 {
		t.Errorf("the root deleted: %+v, %v", rep, err)
	}
	if st := state(t, ws); st.Memory.Count != 0 || st.Disk.Summary != (core.Summary{}) {
		t.Errorf("after all is reset: %+v", st)
	}
	err = ws.Remove(android, core.DeleteOptions{})
	wantKind(t, err, core.KindNotFound)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A read-only workspace refuses every write and changes no file.
func TestWorkspaceReadonly(t *testing.T) {
	ws := openSample(t, console.WorkspaceOptions{Readonly: true})
	f, err := ws.Read(pending)
	if err != nil {
		t.Fatal(err)
	}
	var zipBefore bytes.Buffer
	if err := ws.Download(&zipBefore); err != nil {
		t.Fatal(err)
	}
	_, err = ws.Write(pending, []byte("{}"), core.WriteOptions{IfMatch: f.ETag})
	wantKind(t, err, core.KindReadonly)
	_, err = ws.SetStatus(pending, core.StatusAccepted, f.ETag)
	wantKind(t, err, core.KindReadonly)
	_, err = ws.Create(core.NewSession{ApplicationID: "com.a"})
	wantKind(t, err, core.KindReadonly)
	wantKind(t, ws.Remove(pending, core.DeleteOptions{}), core.KindReadonly)
	wantKind(t, ws.Remove("", core.DeleteOptions{}), core.KindReadonly)
	if _, err := ws.Refresh(context.Background()); err != nil {
		t.Errorf("a refresh writes nothing and is allowed: %v", err)
	}
	var zipAfter bytes.Buffer
	if err := ws.Download(&zipAfter); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(zipBefore.Bytes(), zipAfter.Bytes()) {
		t.Errorf("the folder changed")
	}
	if !state(t, ws).Readonly {
		t.Errorf("the state does not say read-only")
	}
}

// Messages are said in the language set, and change with it; nothing is checked again for it: the errors are
// the same values, said in the new language.
func TestWorkspaceSetLang(t *testing.T) {
	ws := openSample(t, console.WorkspaceOptions{})
	want := map[i18n.Lang][3]string{
		i18n.English: {"The json file location does not match its content", "a file at the root is not a session", "deleted"},
		i18n.French:  {"L'emplacement du fichier json ne correspond pas à son contenu", "un fichier à la racine n'est pas une session", "supprimé"},
		i18n.Spanish: {"La ubicación del archivo json no coincide con su contenido", "un archivo en la raíz no es una sesión", "eliminado"},
	}
	checked := state(t, ws).Disk.Errors[0]
	for _, lang := range []i18n.Lang{i18n.French, i18n.Spanish, i18n.English} {
		ws.SetLang(lang)
		st := state(t, ws)
		if st.Disk.Errors[0] != checked {
			t.Errorf("%s: the error was made anew", lang)
		}
		st = st.In(st.Lang) // as the state is encoded
		var rootFile string
		for _, s := range st.Disk.Skipped {
			if s.Kind == core.SkipRootFile {
				rootFile = s.Reason.String()
			}
		}
		if st.Lang != lang || st.Disk.Errors[0].Message.String() != want[lang][0] || st.Pending.Errors[0].Message.String() != want[lang][0] || rootFile != want[lang][1] {
			t.Errorf("%s: %q, %q", lang, st.Disk.Errors[0].Message, rootFile)
		}
		f, err := ws.Read(misplaced)
		if err != nil || f.In(lang).Error.Message.String() != want[lang][0] {
			t.Errorf("%s: read %+v, %v", lang, f.Error, err)
		}
	}
	ws.SetLang(i18n.French)
	if err := ws.Remove(accepted, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := ws.Refresh(context.Background())
	if err != nil || len(rep.Removed) != 1 || rep.In(ws.Lang()).Removed[0].Message.String() != want[i18n.French][2] {
		t.Errorf("removed %+v, %v", rep.Removed, err)
	}
}

// Download gives a zip that opens as the same folder: the same report, the same memory.
func TestWorkspaceDownload(t *testing.T) {
	ctx := context.Background()
	ws := openSample(t, console.WorkspaceOptions{})
	var zip bytes.Buffer
	if err := ws.Download(&zip); err != nil {
		t.Fatal(err)
	}
	back, err := console.OpenZip(ctx, zip.Bytes(), "MobileApps.zip", nil, console.WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := state(t, ws), state(t, back)
	if !bytes.Equal(mustJSON(t, a.Disk), mustJSON(t, b.Disk)) || !reflect.DeepEqual(sessionPaths(memorySessions(t, a)), sessionPaths(memorySessions(t, b))) {
		t.Errorf("the downloaded zip opens differently")
	}
	if b.Source != "MobileApps.zip" || b.Mode != "browser" {
		t.Errorf("opened zip: source %q, mode %q", b.Source, b.Mode)
	}
	for _, p := range []string{accepted, malformed, android + "/3C81A8D7AFE64C2E9CCFFCDC35DC52F5"} {
		x, _ := afero.ReadFile(ws.Fs(), ws.Root()+"/"+p)
		y, _ := afero.ReadFile(back.Fs(), back.Root()+"/"+p)
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs after the round trip", p)
		}
	}
	_, err = console.OpenZip(ctx, []byte("not a zip"), "x.zip", nil, console.WorkspaceOptions{})
	wantKind(t, err, core.KindInput)
}

// A workspace that alone changes its files answers the first state from its load, and every later one from the
// folder: after each change its state is the one a workspace that reads the folder every time gives.
func TestExclusiveWorkspaceStateIsTheFolders(t *testing.T) {
	ctx := context.Background()
	exclusive := openSample(t, console.WorkspaceOptions{Source: "sample", Mode: "browser", Exclusive: true})
	reading := openSample(t, console.WorkspaceOptions{Source: "sample", Mode: "browser"})
	edited, err := afero.ReadFile(reading.Fs(), reading.Root()+"/"+accepted)
	if err != nil {
		t.Fatal(err)
	}
	edited = bytes.Replace(edited, []byte(`"status"`), []byte(`"email": "changed@example.com", "status"`), 1)
	steps := []struct {
		name   string
		change func(ws *console.Workspace) error
	}{
		{"opened", func(*console.Workspace) error { return nil }},
		{"a file edited", func(ws *console.Workspace) error {
			_, err := ws.Write(accepted, edited, core.WriteOptions{Force: true})
			return err
		}},
		{"a session accepted", func(ws *console.Workspace) error {
			_, err := ws.SetStatus(pending, core.StatusAccepted, "")
			return err
		}},
		{"a file added", func(ws *console.Workspace) error {
			_, err := ws.Write(contact+"/00000000000000000000000000000000000000aa", edited, core.WriteOptions{Force: true})
			return err
		}},
		{"refreshed", func(ws *console.Workspace) error { _, err := ws.Refresh(ctx); return err }},
		{"a session deleted", func(ws *console.Workspace) error {
			return ws.Remove(android+"/3C81A8D7AFE64C2E9CCFFCDC35DC52F5", core.DeleteOptions{})
		}},
		{"the language changed", func(ws *console.Workspace) error { ws.SetLang(i18n.French); return nil }},
		{"restarted", func(ws *console.Workspace) error { _, err := ws.Restart(ctx); return err }},
		{"everything deleted", func(ws *console.Workspace) error { return ws.Remove("", core.DeleteOptions{}) }},
	}
	for _, step := range steps {
		for _, ws := range []*console.Workspace{exclusive, reading} {
			if err := step.change(ws); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
		got, want := state(t, exclusive), state(t, reading)
		got, want = got.In(got.Lang), want.In(want.Lang) // as they are encoded
		if !bytes.Equal(mustJSON(t, got), mustJSON(t, want)) {
			t.Errorf("%s: the exclusive workspace's state\n%s\nwant\n%s", step.name, mustJSON(t, got), mustJSON(t, want))
		}
		memorySessions(t, got) // the memory it describes adds up
	}
}

// After a create, the state shows the new file: nothing kept from the load hides it.
func TestExclusiveWorkspaceSeesCreate(t *testing.T) {
	ws := openSample(t, console.WorkspaceOptions{Exclusive: true})
	state(t, ws)
	f, err := ws.Create(core.NewSession{ApplicationID: "com.4d.tasks", TeamID: "FAKETEAMID"})
	if err != nil {
		t.Fatal(err)
	}
	st := state(t, ws)
	if !slices.Contains(sessionPaths(st.Disk.Sessions), f.Path) || !slices.ContainsFunc(st.Pending.NotLoaded, func(p core.PathOnly) bool { return p.Path == f.Path }) {
		t.Errorf("the created %s is not in the state: %+v", f.Path, st.Pending)
	}
}

// Memory names the sessions that are the disk's and gives the others whole: the old version of an edited file,
// the session of a deleted one.
func TestStateMemoryView(t *testing.T) {
	ctx := context.Background()
	ws := openSample(t, console.WorkspaceOptions{Exclusive: true})
	if m := state(t, ws).Memory; len(m.Sessions) != 0 || !reflect.DeepEqual(m.SameAsDisk, sampleMemory) || m.Count != len(sampleMemory) {
		t.Fatalf("at start, memory %+v", m)
	}
	if _, err := ws.SetStatus(accepted, core.StatusPending, ""); err != nil {
		t.Fatal(err)
	}
	deleted := android + "/3C81A8D7AFE64C2E9CCFFCDC35DC52F5"
	if err := ws.Remove(deleted, core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	m := state(t, ws).Memory
	if got := sessionPaths(m.Sessions); !reflect.DeepEqual(got, []string{accepted, deleted}) {
		t.Errorf("memory gives whole %q, want the edited and the deleted file", got)
	}
	if m.Sessions[0].Status != core.StatusAccepted || len(m.SameAsDisk) != len(sampleMemory)-2 || m.Count != len(sampleMemory) {
		t.Errorf("memory %+v: it should keep the old status until a refresh", m)
	}
	if _, err := ws.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if m := state(t, ws).Memory; len(m.Sessions) != 0 || m.Count != len(sampleMemory)-1 {
		t.Errorf("after a refresh, memory %+v", m)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The engine says which status changes apply to a file, and why none does: the console offers only those.
func TestWorkspaceFileActions(t *testing.T) {
	ws := openSample(t, console.WorkspaceOptions{})
	fr := openSample(t, console.WorkspaceOptions{})
	fr.SetLang(i18n.French)
	ro := openSample(t, console.WorkspaceOptions{Readonly: true})
	for _, tt := range []struct {
		ws      *console.Workspace
		path    string
		want    console.FileActions
		blocked string // part of the reason, when there is one
	}{
		{ws, accepted, console.FileActions{Pending: true}, ""},
		{ws, pending, console.FileActions{Accept: true}, ""},
		{ws, badStatus, console.FileActions{Accept: true, Pending: true}, ""}, // "Accepted" is neither: both fix it
		{ws, badToken, console.FileActions{Pending: true}, ""},
		{ws, malformed, console.FileActions{}, "not well-formed JSON"},
		{fr, malformed, console.FileActions{}, "pas du JSON bien formé"},
		{ro, pending, console.FileActions{}, "read-only"},
	} {
		f, err := tt.ws.Read(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		got := f.In(tt.ws.Lang()).Actions // as the file is encoded
		if got.Accept != tt.want.Accept || got.Pending != tt.want.Pending || (tt.blocked == "") != (got.Blocked.String() == "") || !strings.Contains(got.Blocked.String(), tt.blocked) {
			t.Errorf("%s: actions %+v, want %+v blocked %q", tt.path, got, tt.want, tt.blocked)
		}
	}
}

// The engine's fix of a file, offered in the File and applied by Fix: the file then passes the check it failed.
func TestWorkspaceFix(t *testing.T) {
	ws := openSample(t, console.WorkspaceOptions{})
	for _, tt := range []struct {
		path string
		kind core.FixKind
		to   string
	}{
		{misplaced, core.FixMove, "FAKETEAMID.com.4d.notes/1234567890abcdef1234567890abcdef12345678"},
		{badToken, core.FixEdit, badToken},
		{badStatus, core.FixEdit, badStatus},
	} {
		f, err := ws.Read(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		fix := f.Actions.Fix
		if fix == nil || fix.Kind != tt.kind || fix.Title.String() == "" {
			t.Fatalf("%s: fix %+v, want a %s", tt.path, fix, tt.kind)
		}
		if _, err := ws.Fix(tt.path, "stale", ""); core.KindOf(err) != core.KindConflict {
			t.Errorf("%s: a fix with a stale etag: %v, want a conflict", tt.path, err)
		}
		fixed, err := ws.Fix(tt.path, f.ETag, "")
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		if fixed.Path != tt.to || fixed.Error != nil && fixed.Error.Code == f.Error.Code || fixed.Actions.Fix != nil && fixed.Error == nil {
			t.Errorf("%s: after the fix %s, error %v, fix %+v", tt.path, fixed.Path, fixed.Error, fixed.Actions.Fix)
		}
	}
	f, err := ws.Read(malformed)
	if err != nil {
		t.Fatal(err)
	}
	if f.Actions.Fix == nil || f.Actions.Fix.Kind != core.FixNone || !strings.Contains(f.Actions.Fix.Title.String(), "syntax") {
		t.Errorf("a missing comma: fix %+v, want none, saying why", f.Actions.Fix)
	}
	_, err = ws.Fix(malformed, f.ETag, "")
	wantKind(t, err, core.KindInput)
	ro := openSample(t, console.WorkspaceOptions{Readonly: true})
	_, err = ro.Fix(misplaced, "", "")
	wantKind(t, err, core.KindReadonly)
}

// sessionOf returns a compact, valid session file for team (may be "") and application id.
var sessionOf = coretest.Session
