package core

import (
	"context"
	"strings"
	"testing"
)

// sessionText is the example session file for session id, its content's team.id team, its token's teamID
// tokenTeam.
func sessionText(t *testing.T, id, team, tokenTeam string) string {
	t.Helper()
	text := strings.ReplaceAll(example, exampleID, id)
	text = edit(t, text, exampleToken, EncodeToken(Token{AppNameID: "com.contactApp.Contact", ID: id, TeamID: tokenTeam}))
	return edit(t, text, `"team": {"id": "UTT7VDX8W5"}`, `"team": {"id": "`+team+`"}`)
}

// Fixing every file at once, as the console's Fix all does: the preview changes nothing and shows each file's
// fixes; applying takes the files of the preview with their ETags and fixes those that have one right fix. A
// file whose witnesses give three values is left with its choices, never applied; one changed since the preview
// is refused, unchanged; a file that failed after the preview is not touched.
func TestWorkspaceFixAll(t *testing.T) {
	const (
		choices   = examplePath // place UTT7VDX8W5, content UTT7VDX8W6, token UTT7VDX8W7
		typo      = exampleApp + "/1111111111111111111111111111111111111111"
		status    = exampleApp + "/2222222222222222222222222222222222222222"
		malformed = exampleApp + "/3333333333333333333333333333333333333333"
		changed   = exampleApp + "/4444444444444444444444444444444444444444"
		later     = exampleApp + "/5555555555555555555555555555555555555555"
	)
	id := func(p string) string { return strings.TrimPrefix(p, exampleApp+"/") }
	ws := newWorkspace(t, map[string]string{
		choices:   sessionText(t, exampleID, "UTT7VDX8W6", "UTT7VDX8W7"),
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
	want := map[string]FixKind{choices: FixNone, typo: FixEdit, status: FixEdit, malformed: FixNone, changed: FixEdit}
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
	if _, err := ws.Write(changed, []byte(edit(t, before.Content, `"PENDING"`, `"Pending"`)), WriteOptions{IfMatch: before.ETag}); err != nil {
		t.Fatal(err)
	}
	laterText := edit(t, sessionText(t, id(later), "UTT7VDX8W5", "UTT7VDX8W5"), `"accepted"`, `"Accepted"`)
	if _, err := ws.Write(later, []byte(laterText), WriteOptions{IfMatch: ""}); err != nil {
		t.Fatal(err)
	}

	done, err := ws.FixAll(ctx, seen)
	if err != nil {
		t.Fatal(err)
	}
	applied := map[string]int{}
	refused := map[string]string{}
	for _, f := range done.Files {
		applied[f.Path], refused[f.Path] = f.Applied, f.Refused
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
	ws, err := NewWorkspace(context.Background(), memTree(t, map[string]string{examplePath: `{"a" 1}`}), root, nil, WorkspaceOptions{Readonly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.PreviewFixAll(context.Background()); KindOf(err) != KindReadonly {
		t.Errorf("preview: %v, want read-only", err)
	}
	if _, err := ws.FixAll(context.Background(), map[string]string{examplePath: ""}); KindOf(err) != KindReadonly {
		t.Errorf("fix: %v, want read-only", err)
	}
}
