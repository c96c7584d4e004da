package console

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// The editor's text is checked before it is saved (inspect): the File the engine answers, and nothing written.
// Format lays the text out without saving it, and says why a text that is not JSON cannot be, in the
// workspace's language.
func TestInspectAndFormat(t *testing.T) {
	a := NewService(nil, Options{CanOpen: true})
	call(t, a, "openSample", SampleParams{Lang: "en"}, nil, nil)
	var f File
	call(t, a, "read", PathParams{Path: accepted}, nil, &f)
	var in File
	res := call(t, a, "inspect", InspectParams{Path: accepted, Content: strings.Replace(f.Content, `"accepted"`, `"Accepted"`, 1)}, nil, &in)
	if in.Error == nil || in.Error.Code != core.CodeSchema || in.ETag != "" || res.ETag != "" || in.Actions.Fix == nil {
		t.Errorf("the unsaved text: %+v", in)
	}
	var again File
	call(t, a, "read", PathParams{Path: accepted}, nil, &again)
	if again.ETag != f.ETag || again.Error != nil {
		t.Errorf("the inspection changed the file: %+v", again)
	}
	if e := callErr(t, a, "inspect", map[string]any{"path": accepted, "content": "{}", "etag": "x"}, nil); e.Kind != core.KindInput {
		t.Errorf("a parameter inspect does not take: %+v", e)
	}

	var out ContentParams
	call(t, a, "format", ContentParams{Content: `{"a":{"b":1.50}}`}, nil, &out)
	if out.Content != "{\n\t\"a\": {\n\t\t\"b\": 1.50\n\t}\n}" {
		t.Errorf("formatted: %q", out.Content)
	}
	call(t, a, "setLang", LangParams{Lang: "fr"}, nil, nil)
	if e := callErr(t, a, "format", ContentParams{Content: `{"a" 1}`}, nil); e.Kind != core.KindInput || !strings.Contains(e.Message, "mis en forme") {
		t.Errorf("a text that is not JSON, in French: %+v", e)
	}
}

// A state says the words of the codes and of a deleted session in its language, so that a refresh report kept
// from before a change of language is shown in the new one.
func TestStateWords(t *testing.T) {
	a := NewService(nil, Options{CanOpen: true})
	type words struct {
		Words struct {
			Codes   map[string]string `json:"codes"`
			Deleted string            `json:"deleted"`
		} `json:"words"`
	}
	var en, fr words
	call(t, a, "openSample", SampleParams{Lang: "en"}, nil, &en)
	call(t, a, "setLang", LangParams{Lang: "fr"}, nil, &fr)
	for code := core.CodeLocation; code <= core.CodeToken; code++ {
		key := fmt.Sprint(int(code))
		if en.Words.Codes[key] != core.CodeMessage(code).Render("en") || fr.Words.Codes[key] != core.CodeMessage(code).Render("fr") {
			t.Errorf("mobi %d: %q in English, %q in French", code, en.Words.Codes[key], fr.Words.Codes[key])
		}
	}
	if en.Words.Deleted != "deleted" || fr.Words.Deleted != "supprimé" {
		t.Errorf("deleted: %q, %q", en.Words.Deleted, fr.Words.Deleted)
	}
}

// Fix all through the console's methods: a preview of every file's fixes, then those applied, and only those.
func TestFixAllMethods(t *testing.T) {
	a := NewService(nil, Options{CanOpen: true})
	call(t, a, "openSample", SampleParams{Lang: "en"}, nil, nil)
	var preview core.FixReport
	call(t, a, "fixAllPreview", NoParams{}, nil, &preview)
	if !preview.DryRun || len(preview.Files) != 4 {
		t.Fatalf("the sample's preview: %+v", preview)
	}
	var p FixAllParams
	for _, f := range preview.Files {
		if f.Fixes[0].Kind != core.FixNone {
			p.Files = append(p.Files, PathETag{Path: f.Path, ETag: f.Fixes[0].ETag})
		}
	}
	var done struct {
		Report core.FixReport `json:"report"`
		State  struct {
			Disk struct {
				Errors []struct {
					Code core.Code `json:"code"`
				} `json:"errors"`
			} `json:"disk"`
		} `json:"state"`
	}
	res := call(t, a, "fixAll", p, nil, &done)
	if len(done.State.Disk.Errors) != 1 || done.State.Disk.Errors[0].Code != core.CodeMalformed {
		t.Errorf("after fixing all: %+v", done.State.Disk.Errors)
	}
	if len(done.Report.Files) != 3 {
		t.Errorf("%d files fixed, want the 3 previewed", len(done.Report.Files))
	}
	if len(res.Changed) < 3 {
		t.Errorf("the paths changed, for the dev server's watcher: %v", res.Changed)
	}
}

// sessionText is the example session file for session id, its content's team.id team, its token's teamID
// tokenTeam.
func sessionText(t *testing.T, id, team, tokenTeam string) string {
	t.Helper()
	text := strings.ReplaceAll(coretest.Example, coretest.ExampleID, id)
	text = coretest.Edit(t, text, coretest.ExampleToken, core.EncodeToken(core.Token{AppNameID: "com.contactApp.Contact", ID: id, TeamID: tokenTeam}))
	return coretest.Edit(t, text, `"team": {"id": "UTT7VDX8W5"}`, `"team": {"id": "`+team+`"}`)
}

// Fixing every file at once, as the console's Fix all does: the preview changes nothing and shows each file's
// fixes; applying takes the files of the preview with their ETags and fixes those that have one right fix. A
// file whose witnesses give three values is left with its choices, never applied; one changed since the preview
// is refused, unchanged; a file that failed after the preview is not touched.
func TestWorkspaceFixAll(t *testing.T) {
	const (
		app       = coretest.ExampleApp
		choices   = coretest.ExamplePath // place UTT7VDX8W5, content UTT7VDX8W6, token UTT7VDX8W7
		typo      = app + "/1111111111111111111111111111111111111111"
		status    = app + "/2222222222222222222222222222222222222222"
		malformed = app + "/3333333333333333333333333333333333333333"
		changed   = app + "/4444444444444444444444444444444444444444"
		later     = app + "/5555555555555555555555555555555555555555"
	)
	id := func(p string) string { return strings.TrimPrefix(p, app+"/") }
	edit := coretest.Edit
	ws := newWorkspace(t, map[string]string{
		choices:   sessionText(t, coretest.ExampleID, "UTT7VDX8W6", "UTT7VDX8W7"),
		typo:      sessionText(t, id(typo), "UTT7VDX8W6", "UTT7VDX8W5"),
		status:    edit(t, sessionText(t, id(status), "UTT7VDX8W5", "UTT7VDX8W5"), `"accepted"`, `"Accepted"`),
		malformed: `{"a" 1}`,
		changed:   edit(t, sessionText(t, id(changed), "UTT7VDX8W5", "UTT7VDX8W5"), `"accepted"`, `"PENDING"`),
	})
	ctx := context.Background()
	preview, err := ws.PreviewFixAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]core.FixKind{choices: core.FixNone, typo: core.FixEdit, status: core.FixEdit, malformed: core.FixNone, changed: core.FixEdit}
	seen := map[string]string{}
	for _, f := range preview.Files {
		if f.Fixes[0].Kind != want[f.Path] || f.Applied != 0 {
			t.Errorf("preview of %s: %s first, %d applied; want %s, none applied", f.Path, f.Fixes[0].Kind, f.Applied, want[f.Path])
		}
		seen[f.Path] = f.Fixes[0].ETag
		if f.Path == choices && len(f.Fixes[0].Choices) != 3 {
			t.Errorf("the file with three team.ids offers %d choices, want 3", len(f.Fixes[0].Choices))
		}
	}
	if len(preview.Files) != len(want) {
		t.Fatalf("the preview has %d files, want %d", len(preview.Files), len(want))
	}
	if st, _ := ws.State(ctx); len(st.Disk.Errors) != len(want) {
		t.Fatalf("the preview changed the folder: %d errors", len(st.Disk.Errors))
	}

	// Meanwhile, one file is edited and another starts to fail.
	before, _ := ws.Read(changed)
	if _, err := ws.Write(changed, []byte(edit(t, before.Content, `"PENDING"`, `"Pending"`)), core.WriteOptions{IfMatch: before.ETag}); err != nil {
		t.Fatal(err)
	}
	laterText := edit(t, sessionText(t, id(later), "UTT7VDX8W5", "UTT7VDX8W5"), `"accepted"`, `"Accepted"`)
	if _, err := ws.Write(later, []byte(laterText), core.WriteOptions{IfMatch: ""}); err != nil {
		t.Fatal(err)
	}

	done, err := ws.FixAll(ctx, seen)
	if err != nil {
		t.Fatal(err)
	}
	applied := map[string]int{}
	refused := map[string]string{}
	for _, f := range done.Files {
		applied[f.Path], refused[f.Path] = f.Applied, f.Refused.String()
	}
	if applied[typo] != 1 || applied[status] != 1 || applied[choices] != 0 || applied[malformed] != 0 || applied[changed] != 0 {
		t.Errorf("applied %v: want the typo and the status, not the choices, the syntax error or the file changed", applied)
	}
	if !strings.Contains(refused[changed], "no longer as it was checked") {
		t.Errorf("the file changed since the preview: refused %q", refused[changed])
	}
	if _, listed := applied[later]; listed {
		t.Errorf("a file that failed after the preview was fixed: it was never shown")
	}
	left := map[string]bool{}
	for _, e := range done.Errors {
		left[e.Path] = true
	}
	for _, p := range []string{choices, malformed, changed, later} {
		if !left[p] {
			t.Errorf("%s should be left failing", p)
		}
	}
	if left[typo] || left[status] {
		t.Errorf("fixed files still fail: %v", left)
	}
	if f, _ := ws.Read(later); f.Content != laterText {
		t.Errorf("the file not previewed changed:\n%s", f.Content)
	}
	// Nothing seen, nothing fixed.
	if none, err := ws.FixAll(ctx, nil); err != nil || len(none.Files) != 0 {
		t.Errorf("fixing without a preview: %+v, %v", none, err)
	}
}

// A folder open read-only previews nothing and fixes nothing.
func TestWorkspaceFixAllReadonly(t *testing.T) {
	ws, err := NewWorkspace(context.Background(), memTree(t, map[string]string{coretest.ExamplePath: `{"a" 1}`}), root, nil, WorkspaceOptions{Readonly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.PreviewFixAll(context.Background()); core.KindOf(err) != core.KindReadonly {
		t.Errorf("preview: %v, want read-only", err)
	}
	if _, err := ws.FixAll(context.Background(), map[string]string{coretest.ExamplePath: ""}); core.KindOf(err) != core.KindReadonly {
		t.Errorf("fix: %v, want read-only", err)
	}
}

// Inspect answers of unsaved text what Read answers once it is saved, and reads and writes nothing.
func TestWorkspaceInspect(t *testing.T) {
	example, path, edit := coretest.Example, coretest.ExamplePath, coretest.Edit
	stale := core.EncodeToken(core.Token{AppNameID: "com.contactApp.Contact", ID: coretest.ExampleID, TeamID: "OTHER"})
	for _, tt := range []struct {
		name, text string
		code       core.Code // 0: passes
	}{
		{"passes", example, 0},
		{"not well formed", edit(t, example, `"email": "",`, `"email": ""`), core.CodeMalformed},
		{"a status in the wrong case", edit(t, example, `"accepted"`, `"Accepted"`), core.CodeSchema},
		{"another session id", edit(t, example, `"id": "7023d9205074199d1c16fc00d24354e778137675"`, `"id": "7023d9205074199d1c16fc00d24354e778137676"`), core.CodeLocation},
		{"a stale token", edit(t, example, coretest.ExampleToken, stale), core.CodeToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWorkspace(t, map[string]string{path: example})
			before, err := ws.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ws.Inspect(path, []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if got.ETag != "" || got.Content != tt.text || got.Path != path {
				t.Errorf("the inspection names another file: %q %q, etag %q", got.Path, got.Content, got.ETag)
			}
			if (got.Error == nil) != (tt.code == 0) || got.Error != nil && got.Error.Code != tt.code {
				t.Fatalf("error %v, want mobi %d", got.Error, tt.code)
			}
			if _, err := ws.Write(path, []byte(tt.text), core.WriteOptions{IfMatch: before.ETag}); err != nil {
				t.Fatal(err)
			}
			saved, err := ws.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			inspected, _ := json.Marshal(got.In("en"))
			read, _ := json.Marshal(saved.In("en"))
			if strings.Replace(string(read), `"etag":"`+saved.ETag+`"`, `"etag":""`, 1) != string(inspected) {
				t.Errorf("inspected\n%s\nsaved\n%s", inspected, read)
			}
		})
	}

	ws := newWorkspace(t, map[string]string{path: example})
	before, _ := ws.Read(path)
	if _, err := ws.Inspect(path, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if after, err := ws.Read(path); err != nil || after.ETag != before.ETag {
		t.Errorf("the file changed on disk after an inspection: %v", err)
	}
	// A path the console could not open is refused, as Read refuses it.
	for _, bad := range []string{"../etc/passwd", "manifest.json", coretest.ExampleApp + "/./" + coretest.ExampleID} {
		if _, err := ws.Inspect(bad, []byte(example)); core.KindOf(err) != core.KindInput {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// Text over the size limit fails as a file that large does, unchecked: a save of it would be refused.
	small := core.NewChecker(core.CheckerOptions{Limits: core.Limits{MaxFileSize: 64}})
	big, err := NewWorkspace(t.Context(), memTree(t, map[string]string{}), root, small, WorkspaceOptions{Mode: "browser"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := big.Inspect(path, []byte(example))
	if err != nil || f.Error == nil || f.Error.Code != core.CodeMalformed || !strings.Contains(f.Error.Cause.String(), "over the 64 B limit") {
		t.Errorf("text over the limit: %+v, %v", f.Error, err)
	}
}
