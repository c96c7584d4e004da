package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

// Auto refresh is one setting: -auto-refresh gives its value at start, a page reads and changes it
// (settings, setSettings), every page is told (the settings event), and the watcher follows it from then on.
func TestSettingsAutoRefresh(t *testing.T) {
	ts := startFolder(t, Config{})
	res, body := ts.send("POST", "/api/settings", "{}", "Content-Type", "application/json")
	expect(t, res, body, 200, "")
	var got Settings
	decodeJSON(t, body, &got)
	if got.AutoRefresh {
		t.Fatal("auto refresh is on without -auto-refresh")
	}
	ev := ts.openEvents()
	res, body = ts.send("POST", "/api/setSettings", `{"autoRefresh":true}`, "Content-Type", "application/json")
	expect(t, res, body, 200, "")
	if decodeJSON(t, body, &got); !got.AutoRefresh {
		t.Fatalf("after turning it on: %s", body)
	}
	if e := ev.next(t, "settings", 2*time.Second, nil); !strings.Contains(e.data, `"autoRefresh":true`) {
		t.Errorf("settings event %s", e.data)
	}
	file := filepath.Join(ts.dir, contactPath)
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), `"accepted"`, `"pending"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "refresh", 2*time.Second, nil)

	// An empty change changes nothing; a parameter it does not take is refused.
	res, body = ts.send("POST", "/api/setSettings", `{}`, "Content-Type", "application/json")
	if expect(t, res, body, 200, ""); !strings.Contains(string(body), `"autoRefresh":true`) {
		t.Errorf("an empty change: %s", body)
	}
	res, body = ts.send("POST", "/api/setSettings", `{"auto":false}`, "Content-Type", "application/json")
	expect(t, res, body, 400, "input")

	on := startFolder(t, Config{AutoRefresh: true})
	res, body = on.send("POST", "/api/settings", "", "Content-Type", "application/json")
	if expect(t, res, body, 200, ""); !strings.Contains(string(body), `"autoRefresh":true`) {
		t.Errorf("with -auto-refresh: %s", body)
	}
}

// The methods of the console's everyday work, over HTTP as through the worker: the editor's text checked
// before it is saved, formatted, and every fix at once from its preview.
func TestEverydayMethods(t *testing.T) {
	ts := startFolder(t, Config{})
	post := func(method string, params any) []byte {
		t.Helper()
		p, _ := json.Marshal(params)
		res, body := ts.send("POST", "/api/"+method, string(p), "Content-Type", "application/json")
		expect(t, res, body, 200, "")
		return body
	}
	var f console.File
	decodeJSON(t, post("inspect", console.InspectParams{Path: contactPath, Content: `{"a" 1}`}), &f)
	if f.Error == nil || f.Error.Code != core.CodeMalformed || f.ETag != "" {
		t.Errorf("inspect: %+v", f)
	}
	var out console.ContentParams
	if decodeJSON(t, post("format", console.ContentParams{Content: `{"a":1}`}), &out); out.Content != "{\n\t\"a\": 1\n}" {
		t.Errorf("format: %q", out.Content)
	}
	res, body := ts.send("POST", "/api/format", `{"content":"{\"a\" 1}"}`, "Content-Type", "application/json")
	expect(t, res, body, 400, "input")

	var preview core.FixReport
	decodeJSON(t, post("fixAllPreview", struct{}{}), &preview)
	var p console.FixAllParams
	for _, f := range preview.Files {
		if f.Fixes[0].Kind != core.FixNone {
			p.Files = append(p.Files, console.PathETag{Path: f.Path, ETag: f.Fixes[0].ETag})
		}
	}
	if len(p.Files) == 0 {
		t.Fatalf("the sample has nothing to fix: %+v", preview)
	}
	var done console.FixedAll
	decodeJSON(t, post("fixAll", p), &done)
	for _, e := range done.State.Disk.Errors {
		for _, f := range p.Files {
			if e.Path == f.Path {
				t.Errorf("%s still fails after fix all: %v", f.Path, e)
			}
		}
	}
}
