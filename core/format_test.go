package core

import (
	"fmt"
	"strings"
	"testing"
)

// Format moves white space only: every literal as written, a property given twice kept twice, the byte-order
// mark and the final line break kept; tabs, as 4D's JSON Stringify writes a pretty file.
func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"one line, as 4D writes it", `{"a":{"b":1},"c":[1,2]}`, "{\n\t\"a\": {\n\t\t\"b\": 1\n\t},\n\t\"c\": [\n\t\t1,\n\t\t2\n\t]\n}"},
		{"literals as written", `{"n":1.50,"big":1e400,"s":"\u00e9\/x","t":true,"z":null}`,
			"{\n\t\"n\": 1.50,\n\t\"big\": 1e400,\n\t\"s\": \"\\u00e9\\/x\",\n\t\"t\": true,\n\t\"z\": null\n}"},
		{"a property given twice", `{"status":"pending","status":"accepted"}`, "{\n\t\"status\": \"pending\",\n\t\"status\": \"accepted\"\n}"},
		{"the byte-order mark and the final line break", "\uFEFF{\"a\":1}\r\n", "\uFEFF{\n\t\"a\": 1\n}\n"},
		{"formatted already", "{\n\t\"a\": 1\n}\n", "{\n\t\"a\": 1\n}\n"},
		{"empty containers", `{"a":{},"b":[]}`, "{\n\t\"a\": {},\n\t\"b\": []\n}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (&Checker{}).Format([]byte(tt.in))
			if err != nil || string(got) != tt.want {
				t.Errorf("Format(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// Text that is not one JSON value is not formatted: the error says so, with the check's cause and place, in the
// checker's language.
func TestFormatRefuses(t *testing.T) {
	for _, tt := range []struct {
		name, lang, in, want string
	}{
		{"a missing comma", "en", "{\n\t\"a\": 1\n\t\"b\": 2\n}", `the text is not well-formed JSON, so it cannot be formatted: `},
		{"its place", "en", "{\n\t\"a\": 1\n\t\"b\": 2\n}", `(line 3, column 2)`},
		{"in French", "fr", "{\n\t\"a\": 1\n\t\"b\": 2\n}", `le texte n'est pas du JSON bien formé, il ne peut donc pas être mis en forme : `},
		{"data after the object", "en", `{"a":1} {"b":2}`, "unexpected data after the object"},
		{"empty", "en", "  \n", "the file is empty"},
		{"cut short", "es", `{"a":`, "el texto no es JSON bien formado"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lang, err := ParseLang(tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			got, err := (&Checker{}).WithLang(lang).Format([]byte(tt.in))
			if err == nil || KindOf(err) != KindInput || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Format(%q) = %q, %v; want an input error saying %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// Inspect answers of unsaved text what Read answers once it is saved, and reads and writes nothing.
func TestWorkspaceInspect(t *testing.T) {
	stale := EncodeToken(Token{AppNameID: "com.contactApp.Contact", ID: exampleID, TeamID: "OTHER"})
	for _, tt := range []struct {
		name, text string
		code       Code // 0: passes
	}{
		{"passes", example, 0},
		{"not well formed", edit(t, example, `"email": "",`, `"email": ""`), CodeMalformed},
		{"a status in the wrong case", edit(t, example, `"accepted"`, `"Accepted"`), CodeSchema},
		{"another session id", edit(t, example, `"id": "7023d9205074199d1c16fc00d24354e778137675"`, `"id": "7023d9205074199d1c16fc00d24354e778137676"`), CodeLocation},
		{"a stale token", edit(t, example, exampleToken, stale), CodeToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWorkspace(t, map[string]string{examplePath: example})
			before, err := ws.Read(examplePath)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ws.Inspect(examplePath, []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if got.ETag != "" || got.Content != tt.text || got.Path != examplePath {
				t.Errorf("the inspection names another file: %q %q, etag %q", got.Path, got.Content, got.ETag)
			}
			if (got.Error == nil) != (tt.code == 0) || got.Error != nil && got.Error.Code != tt.code {
				t.Fatalf("error %v, want mobi %d", got.Error, tt.code)
			}
			if _, err := ws.Write(examplePath, []byte(tt.text), WriteOptions{IfMatch: before.ETag}); err != nil {
				t.Fatal(err)
			}
			saved, err := ws.Read(examplePath)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.Error) != fmt.Sprint(saved.Error) || (got.Token == nil) != (saved.Token == nil) || got.Actions.Accept != saved.Actions.Accept ||
				(got.Actions.Fix == nil) != (saved.Actions.Fix == nil) || got.Actions.Fix != nil && got.Actions.Fix.Title != saved.Actions.Fix.Title {
				t.Errorf("inspected %+v, saved %+v", got, saved)
			}
		})
	}

	ws := newWorkspace(t, map[string]string{examplePath: example})
	before, _ := ws.Read(examplePath)
	if _, err := ws.Inspect(examplePath, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if after, err := ws.Read(examplePath); err != nil || after.ETag != before.ETag {
		t.Errorf("the file changed on disk after an inspection: %v", err)
	}
	// A path the console could not open is refused, as Read refuses it.
	if _, err := ws.Inspect("../etc/passwd", []byte(example)); KindOf(err) != KindInput {
		t.Errorf("a path out of the folder: %v", err)
	}
	// Text over the size limit fails as a file that large does, unchecked: a save of it would be refused.
	small := NewChecker(CheckerOptions{Limits: Limits{MaxFileSize: 64}})
	big, err := NewWorkspace(t.Context(), memTree(t, map[string]string{}), root, small, WorkspaceOptions{Mode: "browser"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := big.Inspect(examplePath, []byte(example))
	if err != nil || f.Error == nil || f.Error.Code != CodeMalformed || !strings.Contains(f.Error.Cause, "over the 64 B limit") {
		t.Errorf("text over the limit: %+v, %v", f.Error, err)
	}
}
