package api

import (
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
)

// The editor's text is checked before it is saved (inspect): the File the engine answers, and nothing written.
// Format lays the text out without saving it, and says why a text that is not JSON cannot be.
func TestInspectAndFormat(t *testing.T) {
	a := New(nil, Options{CanOpen: true})
	call(t, a, "openSample", map[string]any{"lang": "en"}, nil, nil)
	var f core.File
	call(t, a, "read", PathParams{Path: accepted}, nil, &f)
	var in core.File
	call(t, a, "inspect", InspectParams{Path: accepted, Content: strings.Replace(f.Content, `"accepted"`, `"Accepted"`, 1)}, nil, &in)
	if in.Error == nil || in.Error.Code != core.CodeSchema || in.ETag != "" || in.Actions.Fix == nil {
		t.Errorf("the unsaved text: %+v", in)
	}
	var again core.File
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

// Fix all: a preview of every file's fixes, then those applied, and only those.
func TestFixAll(t *testing.T) {
	a := New(nil, Options{CanOpen: true})
	call(t, a, "openSample", map[string]any{"lang": "en"}, nil, nil)
	var preview core.FixReport
	call(t, a, "fixAllPreview", nil, nil, &preview)
	if !preview.DryRun || len(preview.Files) != 4 {
		t.Fatalf("the sample's preview: %+v", preview)
	}
	var p FixAllParams
	for _, f := range preview.Files {
		if f.Fixes[0].Kind != core.FixNone {
			p.Files = append(p.Files, PathETag{Path: f.Path, ETag: f.Fixes[0].ETag})
		}
	}
	var done FixedAll
	call(t, a, "fixAll", p, nil, &done)
	if len(done.State.Disk.Errors) != 1 || done.State.Disk.Errors[0].Code != core.CodeMalformed {
		t.Errorf("after fixing all: %+v", done.State.Disk.Errors)
	}
	if len(done.Report.Files) != 3 {
		t.Errorf("%d files fixed, want the 3 previewed", len(done.Report.Files))
	}
}
