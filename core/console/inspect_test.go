package console

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
	"github.com/mobisess/mobisess/core/internal/probe"
)

// Opening a file in the console decodes its text once and validates it once, whatever it fails: the editor's
// error, duplicates, token and actions, and the fix, all come from that one inspection. A fix is then checked
// on the bytes it leaves, a decoding and a validation of its own, which is what makes it a fix; a fix that
// edits values decodes what it wrote, to say what changed.
func TestOpeningAFileInspectsItOnce(t *testing.T) {
	stale := core.EncodeToken(core.Token{AppNameID: "com.contactApp.Contact", ID: coretest.ExampleID, TeamID: "OTHER"})
	for _, tt := range []struct {
		name, path, text   string
		decoded, validated int // opening the file in the console
		inspDec, inspValid int // Inspect alone
	}{
		{"passes", coretest.ExamplePath, coretest.Example, 1, 1, 1, 1},
		// The fix is checked: its text decoded and validated.
		{"mobi 2, a trailing comma", coretest.ExamplePath, coretest.Edit(t, coretest.Example, coretest.ExampleToken+`"`, coretest.ExampleToken+`",`), 2, 1, 1, 0},
		{"mobi 2, beyond repair", coretest.ExamplePath, `{"a" 1}`, 1, 0, 1, 0},
		{"mobi 3, a status in the wrong case", coretest.ExamplePath, coretest.Edit(t, coretest.Example, `"accepted"`, `"Accepted"`), 2, 2, 1, 1},
		// The file moved, its text as it is, is checked where it goes.
		{"mobi 1, in the wrong folder", "com.contactApp.Contact/" + coretest.ExampleID, coretest.Example, 2, 2, 1, 1},
		// The token written anew: what changed is decoded from what was written, then checked.
		{"mobi 4, a stale token", coretest.ExamplePath, coretest.Edit(t, coretest.Example, coretest.ExampleToken, stale), 3, 2, 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWorkspace(t, map[string]string{tt.path: tt.text})
			var decoded, validated int
			probe.Decode = func([]byte) { decoded++ }
			probe.Validate = func() { validated++ }
			defer func() { probe.Decode, probe.Validate = nil, nil }()
			f, err := ws.Read(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.name == "passes"; (f.Error == nil) != want || f.Error != nil && !strings.HasPrefix(tt.name, "mobi "+string('0'+rune(f.Error.Code))) {
				t.Fatalf("error %v, not what the row is about", f.Error)
			}
			if fixable := strings.Contains(tt.name, "beyond") || tt.name == "passes"; f.Error != nil && (f.Actions.Fix.Kind == core.FixNone) != fixable {
				t.Fatalf("fix %+v, not what the row is about", f.Actions.Fix)
			}
			if decoded != tt.decoded || validated != tt.validated {
				t.Errorf("opening it decoded %d texts and validated %d documents; want %d and %d", decoded, validated, tt.decoded, tt.validated)
			}
			decoded, validated = 0, 0
			app, name, _ := strings.Cut(tt.path, "/")
			in := ws.Checker().Inspect(core.SessionFile{Path: tt.path, App: app, Name: name}, []byte(tt.text))
			if fmt.Sprint(in.Error) != fmt.Sprint(f.Error) || decoded != tt.inspDec || validated != tt.inspValid {
				t.Errorf("Inspect: %v, decoded %d texts and validated %d documents; want %v, %d and %d", in.Error, decoded, validated, f.Error, tt.inspDec, tt.inspValid)
			}
		})
	}
}

// newWorkspace opens an in-memory folder as the console does, its valid files loaded.
func newWorkspace(t *testing.T, files map[string]string) *Workspace {
	t.Helper()
	ws, err := NewWorkspace(t.Context(), memTree(t, files), root, nil, WorkspaceOptions{Mode: "browser"})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
