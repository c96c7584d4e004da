package core

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mobisess/mobisess/core/i18n"
)

// checkText runs the four checks on text as the file f.
func checkText(t *testing.T, f SessionFile, text string) *Error {
	t.Helper()
	s, doc, err := (&Checker{}).CheckBytes(f, []byte(text))
	if err == nil && (s == nil || doc == nil) {
		t.Fatalf("CheckBytes passed the file but returned session %v and document %v", s, doc)
	}
	if err != nil && (s != nil || doc != nil) {
		t.Fatalf("CheckBytes failed the file (%v) but returned a session", err)
	}
	return err
}

// withoutLine removes the line of text that contains part, with its line break, and the comma that ends the
// line before when the removed line was the last property.
func withoutLine(t *testing.T, text, part string) string {
	t.Helper()
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if strings.Contains(l, part) {
			if !strings.HasSuffix(strings.TrimSpace(l), ",") && i > 0 {
				lines[i-1] = strings.Replace(lines[i-1], ",\n", "\n", 1)
			}
			return strings.Join(append(lines[:i:i], lines[i+1:]...), "")
		}
	}
	t.Fatalf("no line contains %q", part)
	return ""
}

// The checks run in the order of docs/rules.md and a file stops at the first that fails: one error per file.
func TestCheckOrder(t *testing.T) {
	otherToken := EncodeToken(Token{AppNameID: "com.other", ID: exampleID, TeamID: "UTT7VDX8W5"})
	tests := []struct {
		name string
		text string
		app  string // the app folder, when not the example's
		want Code   // 0: passes
	}{
		{name: "4D's example passes", text: example},
		{name: "not JSON and everything else wrong: mobi 2", text: `{"status": "Accepted", "token": "x"`, app: "elsewhere", want: CodeMalformed},
		{name: "schema, location and token wrong: mobi 3", text: edit(t, edit(t, example, `"accepted"`, `"Accepted"`), exampleToken, otherToken), app: "elsewhere", want: CodeSchema},
		{name: "location and token wrong: mobi 1", text: edit(t, example, exampleToken, otherToken), app: "elsewhere", want: CodeLocation},
		{name: "token wrong: mobi 4", text: edit(t, example, exampleToken, otherToken), want: CodeToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := exampleFile
			if tt.app != "" {
				f = SessionFile{Path: tt.app + "/" + exampleID, App: tt.app, Name: exampleID}
			}
			err := checkText(t, f, tt.text)
			switch {
			case tt.want == 0 && err != nil:
				t.Fatalf("want no error, got %v", err)
			case tt.want == 0:
			case err == nil:
				t.Fatalf("want mobi %d, got no error", tt.want)
			case err.Code != tt.want || err.Component != "mobi" || err.Path != f.Path || err.Message.String() != CodeMessage(tt.want).String():
				t.Fatalf("want mobi %d on %s, got %+v", tt.want, f.Path, err)
			}
		})
	}
}

// Check 1 (mobi 2): the bytes are one JSON object. A syntax error names the line and column of the character at
// fault (columns count characters, not bytes).
func TestCheckMalformed(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		line, col int // 0: no place
		cause     string
	}{
		{name: "empty file", text: "", cause: "the file is empty"},
		{name: "only spaces", text: " \r\n\t\n", cause: "the file is empty"},
		{name: "array at the root", text: "\n  [1, 2]", line: 2, col: 3, cause: "the root is an array, not an object"},
		{name: "string at the root", text: `"x"`, line: 1, col: 1, cause: "the root is a string, not an object"},
		{name: "null at the root", text: `null`, line: 1, col: 1, cause: "the root is null, not an object"},
		{name: "missing colon", text: `{"a" 1}`, line: 1, col: 6, cause: "expected ':' after a property name, found '1'"},
		{name: "trailing comma", text: "{\n\t\"a\": 1,\n}", line: 3, col: 1, cause: "expected a property name in double quotes, found '}' (a comma before '}' is not allowed)"},
		{name: "bad literal", text: `{"a": tru}`, line: 1, col: 10, cause: "syntax error: invalid character '}' in literal true (expecting 'e')"},
		{name: "column counts characters", text: "{\n\t\"déjà\": \"vu\" x}", line: 2, col: 15, cause: "expected ',' or '}' after a property, found 'x': is a comma missing?"},
		{name: "cut short", text: `{"a": "b"`, line: 1, col: 10, cause: "the file ends before the JSON is complete: a '}', ']' or '\"' is missing"},
		{name: "data after the object", text: "{}\n{}", line: 2, col: 1, cause: "unexpected data after the object"},
		{name: "invalid UTF-8", text: "{\"a\": \"\xff\"}", line: 1, col: 8, cause: "invalid UTF-8 byte"},
		{name: "UTF-16", text: "\xFF\xFE{\x00}\x00", cause: "the file is UTF-16; session files are UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkText(t, exampleFile, tt.text)
			if err == nil || err.Code != CodeMalformed {
				t.Fatalf("want mobi 2, got %v", err)
			}
			if err.Line != tt.line || err.Column != tt.col || err.Cause.String() != tt.cause {
				t.Errorf("got %d:%d %q, want %d:%d %q", err.Line, err.Column, err.Cause, tt.line, tt.col, tt.cause)
			}
		})
	}
}

// Check 2 (mobi 3): each violation of the schema with its JSON pointer, line and column, in pointer order.
// The example has one property a line: line 2 is application, 3 team, 6 device, 7 send, 8 session, 9 status.
func TestCheckSchema(t *testing.T) {
	type v struct {
		pointer   string
		line, col int
		message   string
	}
	tests := []struct {
		name string
		text string
		want []v // none: the file passes the schema
	}{
		{name: `status "Accepted"`, text: edit(t, example, `"accepted"`, `"Accepted"`),
			want: []v{{"/status", 9, 12, `must be one of "accepted", "pending"`}}},
		{name: `status "pending" passes`, text: edit(t, example, `"accepted"`, `"pending"`)},
		{name: `send "sms"`, text: edit(t, example, `"send": "link"`, `"send": "sms"`),
			want: []v{{"/send", 7, 10, `must be one of "link", "code"`}}},
		{name: `send "code" passes`, text: edit(t, example, `"send": "link"`, `"send": "code"`)},
		{name: `simulator "true", a string`, text: edit(t, example, `"simulator": true`, `"simulator": "true"`),
			want: []v{{"/device/simulator", 6, 118, "must be boolean, not string"}}},
		{name: "empty application.id", text: edit(t, example, `"id": "com.contactApp.Contact"`, `"id": ""`),
			want: []v{{"/application/id", 2, 24, "must not be empty"}}},
		{name: "application.id a number", text: edit(t, example, `"id": "com.contactApp.Contact"`, `"id": 12`),
			want: []v{{"/application/id", 2, 24, "must be string, not number"}}},
		{name: "non-hex session.id", text: edit(t, example, `"id": "7023d9205074199d1c16fc00d24354e778137675"`, `"id": "test_session"`),
			want: []v{{"/session/id", 8, 20, "does not match the pattern '^[0-9A-Fa-f]+$'"}}},
		{name: "team.id a number", text: edit(t, example, `"team": {"id": "UTT7VDX8W5"}`, `"team": {"id": 42}`),
			want: []v{{"/team/id", 3, 17, "must be string, not number"}}},
		{name: "missing token", text: withoutLine(t, example, `"token"`),
			want: []v{{"/token", 1, 1, "missing required property 'token'"}}},
		{name: "missing status", text: withoutLine(t, example, `"status"`),
			want: []v{{"/status", 1, 1, "missing required property 'status'"}}},
		{name: "missing application", text: withoutLine(t, example, `"application"`),
			want: []v{{"/application", 1, 1, "missing required property 'application'"}}},
		{name: "missing session.id", text: edit(t, example, `"id": "7023d9205074199d1c16fc00d24354e778137675", `, ``),
			want: []v{{"/session/id", 8, 13, "missing required property 'id'"}}},
		{name: "parameters not an object", text: edit(t, example, `"send": "link"`, `"send": "link", "parameters": []`),
			want: []v{{"/parameters", 7, 32, "must be object, not array"}}},
		{name: "other properties are allowed", text: edit(t, example, `"email": ""`, `"email": "", "custom": {"x": [1, 2]}`)},
		{name: "every violation, in pointer order; the error is placed at the first",
			text: edit(t, edit(t, example, `"accepted"`, `"Accepted"`), `"send": "link"`, `"send": "sms"`),
			want: []v{{"/send", 7, 10, `must be one of "link", "code"`}, {"/status", 9, 12, `must be one of "accepted", "pending"`}}},
		{name: "column counts characters", text: edit(t, example, `"send": "link"`, `"note": "déjà vu", "send": "sms"`),
			want: []v{{"/send", 7, 29, `must be one of "link", "code"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkText(t, exampleFile, tt.text)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("want no error, got %v (%+v)", err, err.Violations)
				}
				return
			}
			if err == nil || err.Code != CodeSchema {
				t.Fatalf("want mobi 3, got %v", err)
			}
			var got []v
			for _, x := range err.Violations {
				got = append(got, v{x.Pointer, x.Line, x.Column, x.Message.String()})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("violations:\n got %+v\nwant %+v", got, tt.want)
			}
			if err.Line != tt.want[0].line || err.Column != tt.want[0].col {
				t.Errorf("error at %d:%d, want the first violation's %d:%d", err.Line, err.Column, tt.want[0].line, tt.want[0].col)
			}
		})
	}
}

// Check 3 (mobi 1): the folder is [team.id "."] application.id and the name is session.id, compared exactly.
// The error says where the file should be.
func TestCheckLocation(t *testing.T) {
	const app = "com.contactApp.Contact"
	noTeam := withoutLine(t, example, `"team"`)
	upperID := strings.ToUpper(exampleID)
	tests := []struct {
		name       string
		text       string
		folder     string
		file       string
		wantFolder string // "" when the file is where it belongs
		wantFile   string
		line, col  int
	}{
		{name: "4D's example is where it belongs", text: example, folder: exampleApp, file: exampleID},
		{name: "team absent: the app id alone", text: noTeam, folder: exampleApp, file: exampleID,
			wantFolder: app, wantFile: exampleID, line: 2, col: 24},
		{name: `team "": the app id alone`, text: edit(t, example, `"id": "UTT7VDX8W5"`, `"id": ""`), folder: exampleApp, file: exampleID,
			wantFolder: app, wantFile: exampleID, line: 2, col: 24},
		{name: "team absent, in the app id's folder", text: edit(t, noTeam, exampleToken, EncodeToken(Token{app, exampleID, ""})), folder: app, file: exampleID},
		// The folder has no team: team.id is the property that differs from it.
		{name: "FAKETEAMID is a team like any other", text: edit(t, example, `"UTT7VDX8W5"`, `"FAKETEAMID"`), folder: app, file: exampleID,
			wantFolder: "FAKETEAMID." + app, wantFile: exampleID, line: 3, col: 17},
		{name: "a team.id typo: the property that differs", text: edit(t, example, `"UTT7VDX8W5"`, `"UTT7VDX8W6"`), folder: exampleApp, file: exampleID,
			wantFolder: "UTT7VDX8W6." + app, wantFile: exampleID, line: 3, col: 17},
		{name: "a team typo in the folder: team.id, which it contradicts", text: example, folder: "UTT7VDX8W6." + app, file: exampleID,
			wantFolder: exampleApp, wantFile: exampleID, line: 3, col: 17},
		{name: "an application.id typo", text: edit(t, example, `"com.contactApp.Contact"`, `"com.contactApp.Contacts"`), folder: exampleApp, file: exampleID,
			wantFolder: exampleApp + "s", wantFile: exampleID, line: 2, col: 24},
		{name: "the folder's case differs", text: example, folder: "utt7vdx8w5.com.contactapp.contact", file: exampleID,
			wantFolder: exampleApp, wantFile: exampleID, line: 2, col: 24},
		{name: "the file name's case differs", text: example, folder: exampleApp, file: upperID,
			wantFolder: exampleApp, wantFile: exampleID, line: 8, col: 20},
		{name: "another session's name", text: example, folder: exampleApp, file: "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
			wantFolder: exampleApp, wantFile: exampleID, line: 8, col: 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := SessionFile{Path: tt.folder + "/" + tt.file, App: tt.folder, Name: tt.file}
			err := checkText(t, f, tt.text)
			if tt.wantFolder == "" {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil || err.Code != CodeLocation {
				t.Fatalf("want mobi 1, got %v", err)
			}
			if err.Expected == nil || *err.Expected != (Expected{Folder: tt.wantFolder, File: tt.wantFile}) {
				t.Errorf("expected = %+v, want %s/%s", err.Expected, tt.wantFolder, tt.wantFile)
			}
			if err.Line != tt.line || err.Column != tt.col {
				t.Errorf("error at %d:%d, want %d:%d", err.Line, err.Column, tt.line, tt.col)
			}
		})
	}
}

// Check 4 (mobi 4): the token decodes (either alphabet, padded or not) and its three fields equal the file's.
// The error names each field that differs with both values, or why the token does not decode.
func TestCheckToken(t *testing.T) {
	const app, team = "com.contactApp.Contact", "UTT7VDX8W5"
	with := func(tok string) string { return edit(t, example, exampleToken, tok) }
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	padded := base64.URLEncoding.EncodeToString([]byte(`{"appNameID":"com.contactApp.Contact","id":"7023d9205074199d1c16fc00d24354e778137675","teamID":"UTT7VDX8W5"} `))
	if !strings.HasSuffix(padded, "=") {
		t.Fatalf("the padded token has no padding: %s", padded)
	}
	tests := []struct {
		name       string
		text       string
		mismatches []Mismatch
		cause      string // when the token does not decode
	}{
		{name: "4D's example token", text: example},
		{name: "compact file, unpadded token", text: strings.NewReplacer("\n", "", "\t", "", ": ", ":", ", ", ",").Replace(example)},
		{name: "padded token", text: with(padded)},
		{name: "std alphabet, padded", text: with(base64.StdEncoding.EncodeToString([]byte(`{"appNameID":"com.contactApp.Contact","id":"7023d9205074199d1c16fc00d24354e778137675","teamID":"UTT7VDX8W5"}`)))},
		{name: "appNameID differs", text: with(EncodeToken(Token{"com.contactApp.Other", exampleID, team})),
			mismatches: []Mismatch{{"appNameID", "/application/id", "com.contactApp.Other", app}}},
		{name: "id differs", text: with(EncodeToken(Token{app, "c0ffee", team})),
			mismatches: []Mismatch{{"id", "/session/id", "c0ffee", exampleID}}},
		{name: "teamID differs", text: with(EncodeToken(Token{app, exampleID, "FAKETEAMID"})),
			mismatches: []Mismatch{{"teamID", "/team/id", "FAKETEAMID", team}}},
		{name: "teamID absent from the token", text: with(b64(`{"appNameID":"com.contactApp.Contact","id":"7023d9205074199d1c16fc00d24354e778137675"}`)),
			mismatches: []Mismatch{{"teamID", "/team/id", "", team}}},
		{name: "every field differs", text: with(EncodeToken(Token{"a", "b", "c"})),
			mismatches: []Mismatch{{"appNameID", "/application/id", "a", app}, {"id", "/session/id", "b", exampleID}, {"teamID", "/team/id", "c", team}}},
		{name: "id differs only in case", text: with(EncodeToken(Token{app, strings.ToUpper(exampleID), team})),
			mismatches: []Mismatch{{"id", "/session/id", strings.ToUpper(exampleID), exampleID}}},
		{name: "not base64", text: with("not*base64"), cause: "the token is not base64: illegal base64 data at input byte 3"},
		{name: "not JSON", text: with(b64("appNameID=com.contactApp.Contact")), cause: "the decoded token is not a JSON object of strings"},
		{name: "a field is not a string", text: with(b64(`{"appNameID":"com.contactApp.Contact","id":7023,"teamID":"UTT7VDX8W5"}`)), cause: "the decoded token is not a JSON object of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkText(t, exampleFile, tt.text)
			if tt.mismatches == nil && tt.cause == "" {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil || err.Code != CodeToken {
				t.Fatalf("want mobi 4, got %v", err)
			}
			if !reflect.DeepEqual(err.Mismatches, tt.mismatches) {
				t.Errorf("mismatches:\n got %+v\nwant %+v", err.Mismatches, tt.mismatches)
			}
			if tt.cause != "" && err.Cause.String() != tt.cause {
				t.Errorf("cause = %q, want %q", err.Cause, tt.cause)
			}
			if err.Line != 10 || err.Column != 11 {
				t.Errorf("error at %d:%d, want the token's 10:11", err.Line, err.Column)
			}
		})
	}
}

// A byte-order mark and CR, LF or CRLF line breaks are all accepted, and lines and columns stay right with each:
// the mark is not a column, CRLF is one line break, a lone CR is one too.
func TestLineEndings(t *testing.T) {
	bad := edit(t, example, `"accepted"`, `"Accepted"`)                                 // mobi 3 at 9:12
	broken := edit(t, example, `"send": "link",`, `"send": "link"`)                     // mobi 2 at 8:2
	tokenLine := edit(t, example, exampleToken, EncodeToken(Token{"x", exampleID, ""})) // mobi 4 at 10:11
	endings := map[string]string{"LF": "\n", "CRLF": "\r\n", "CR": "\r"}
	for _, name := range sortedKeys(endings) {
		for _, bom := range []string{"", "\xEF\xBB\xBF"} {
			variant := func(s string) string { return bom + strings.ReplaceAll(s, "\n", endings[name]) }
			label := name
			if bom != "" {
				label += "+BOM"
			}
			t.Run(label, func(t *testing.T) {
				if err := checkText(t, exampleFile, variant(example)); err != nil {
					t.Errorf("the example fails: %v", err)
				}
				for _, tt := range []struct {
					text      string
					code      Code
					line, col int
				}{{bad, CodeSchema, 9, 12}, {broken, CodeMalformed, 8, 2}, {tokenLine, CodeToken, 10, 11}} {
					err := checkText(t, exampleFile, variant(tt.text))
					if err == nil || err.Code != tt.code || err.Line != tt.line || err.Column != tt.col {
						t.Errorf("got %v, want mobi %d at %d:%d", err, tt.code, tt.line, tt.col)
					}
				}
			})
		}
	}
	t.Run("a mark before a one-line file shifts no column", func(t *testing.T) {
		line := `{"status": "Accepted"}`
		err := checkText(t, exampleFile, "\xEF\xBB\xBF"+line)
		if err == nil || err.Line != 1 || err.Column != 1 || len(err.Violations) == 0 {
			t.Fatalf("got %v", err)
		}
		for _, v := range err.Violations {
			if v.Pointer == "/status" && v.Column != 12 {
				t.Errorf("/status at column %d, want 12", v.Column)
			}
		}
	})
}

// Every file gets exactly one error, whatever else is wrong with it, and errors come by app folder then file
// name, as the handler sees them.
func TestCheckFolder(t *testing.T) {
	const a, b = "FAKETEAMID.com.a", "com.b"
	files := map[string]string{
		a + "/" + "aa": session("FAKETEAMID", "com.a", "aa", "accepted"),
		a + "/" + "bb": `{"status": "Accepted", "session": {"id": "x"}}`,                                                                             // schema, location and token
		a + "/" + "cc": session("OTHER", "com.a", "dd", "pending"),                                                                                   // location
		b + "/" + "01": session("", "com.b", "02", "accepted")[:30],                                                                                  // malformed
		b + "/" + "02": edit(t, session("", "com.b", "02", "pending"), EncodeToken(Token{"com.b", "02", ""}), EncodeToken(Token{"com.b", "03", ""})), // token
		b + "/" + "03": strings.Repeat(" ", 200) + session("", "com.b", "03", "accepted"),
		b + "/" + "04": session("", "com.b", "04", "pending"),
	}
	fsys := memTree(t, files)
	var raised []string
	c := NewChecker(CheckerOptions{Limits: Limits{MaxFileSize: 199}})
	rep, errs := checkRaising(t, c, fsys, root)
	for _, e := range errs {
		raised = append(raised, e.Path)
	}
	var got []string
	for _, e := range rep.Errors {
		got = append(got, fmt.Sprintf("%s %s %d", e.Path, e.Component, e.Code))
	}
	want := []string{
		a + "/bb mobi 3",
		a + "/cc mobi 1",
		b + "/01 mobi 2",
		b + "/02 mobi 4",
		b + "/03 mobi 2",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(raised, []string{a + "/bb", a + "/cc", b + "/01", b + "/02", b + "/03"}) {
		t.Errorf("the handler saw %q", raised)
	}
	if e, want := rep.Errors[4], fmt.Sprintf("the file is %d B, over the 199 B limit", len(files[b+"/03"])); e.Cause.String() != want {
		t.Errorf("a file over the size limit: %q, want %q", e.Cause, want)
	}
	var sessions []string
	for _, s := range rep.Sessions {
		sessions = append(sessions, s.Path)
	}
	if !reflect.DeepEqual(sessions, []string{a + "/aa", b + "/04"}) {
		t.Errorf("sessions %q", sessions)
	}
	wantSummary := Summary{Apps: 2, Files: 7, Sessions: 2, Errors: 5}
	if rep.Summary != wantSummary {
		t.Errorf("summary %+v, want %+v", rep.Summary, wantSummary)
	}
	wantApps := []App{{Name: a, Sessions: 1, Errors: 2}, {Name: b, Sessions: 1, Errors: 3}}
	if !reflect.DeepEqual(rep.Apps, wantApps) {
		t.Errorf("apps %+v, want %+v", rep.Apps, wantApps)
	}
}

// A file that cannot be read is mobi 2 with the reason; a file that vanished after the listing is no error.
func TestCheckUnreadableAndVanished(t *testing.T) {
	fsys := &faultyFs{
		Fs: memTree(t, map[string]string{
			"com.a/aa": session("", "com.a", "aa", "accepted"),
			"com.a/bb": session("", "com.a", "bb", "accepted"),
			"com.a/cc": session("", "com.a", "cc", "accepted"),
		}),
		openErr: map[string]error{root + "/com.a/aa": errDisk, root + "/com.a/bb": fs.ErrNotExist},
	}
	rep, err := (&Checker{}).Check(context.Background(), fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Path != "com.a/aa" || rep.Errors[0].Code != CodeMalformed ||
		rep.Errors[0].Cause.String() != "the file cannot be read: input/output error" {
		t.Errorf("errors: %v", rep.Errors)
	}
	if len(rep.Sessions) != 1 || rep.Sessions[0].Path != "com.a/cc" {
		t.Errorf("sessions: %v", rep.Sessions)
	}
}

// The messages are said in the language they are shown in: one check, every language.
func TestCheckLanguages(t *testing.T) {
	text := edit(t, example, `"accepted"`, `"Accepted"`)
	want := map[i18n.Lang][2]string{
		i18n.English: {"The json file does not validate the json schema", `must be one of "accepted", "pending"`},
		i18n.French:  {"Le fichier json ne valide pas le schéma json", `doit valoir "accepted", "pending"`},
		i18n.Spanish: {"El archivo json no valida el esquema json", `debe ser uno de "accepted", "pending"`},
	}
	_, _, checked := (&Checker{}).CheckBytes(exampleFile, []byte(text))
	for _, lang := range i18n.Langs {
		err := checked.In(lang)
		if err == nil || err.Message.String() != want[lang][0] || err.Violations[0].Message.String() != want[lang][1] {
			t.Errorf("%s: got %+v", lang, err)
		}
	}
}

// lineLengths splits data as lineCol does (CR, LF and CRLF each end a line) and counts each line's characters.
func lineLengths(data []byte) []int {
	var out []int
	start := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			out, start = append(out, utf8.RuneCount(data[start:i])), i+1
		case '\r':
			out = append(out, utf8.RuneCount(data[start:i]))
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	return append(out, utf8.RuneCount(data[start:]))
}

func FuzzCheckBytes(f *testing.F) {
	f.Add(exampleApp, exampleID, []byte(example))
	f.Add("a", "b", []byte(`{"a" 1}`))
	f.Fuzz(func(t *testing.T, app, name string, data []byte) {
		sf := SessionFile{Path: app + "/" + name, App: app, Name: name}
		s, doc, err := (&Checker{}).CheckBytes(sf, data)
		if err == nil {
			if s == nil || doc == nil {
				t.Fatalf("no error and no session")
			}
			if s.Path != sf.Path || s.App != app || s.ID != name {
				t.Fatalf("session %+v for file %+v", s, sf)
			}
			return
		}
		if s != nil || doc != nil {
			t.Fatalf("an error (%v) and a session", err)
		}
		if err.Component != Component || err.Code < CodeLocation || err.Code > CodeToken || err.Path != sf.Path || err.Message.String() == "" {
			t.Fatalf("malformed error %+v", err)
		}
		lines := lineLengths(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
		within := func(what string, line, col int) {
			if line == 0 && col == 0 {
				return
			}
			if line < 1 || line > len(lines) || col < 1 || col > lines[line-1]+1 {
				t.Fatalf("%s at %d:%d, outside the file's %d lines (%v): %v", what, line, col, len(lines), lines, err)
			}
		}
		within("error", err.Line, err.Column)
		for _, v := range err.Violations {
			within("violation "+v.Pointer, v.Line, v.Column)
		}
	})
}

// A user's schema (such as 4D's own) is used instead of the embedded one; its missing properties are placed at
// their own pointers whatever their names, and it may not load anything from elsewhere.
func TestUserSchema(t *testing.T) {
	s, err := CompileSchema("mine.json", []byte(`{"type": "object", "required": ["it's", "say \"hi\"", "é/~"]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _, e := NewChecker(CheckerOptions{Schema: s}).CheckBytes(exampleFile, []byte(example))
	if e == nil || e.Code != CodeSchema {
		t.Fatalf("want mobi 3, got %v", e)
	}
	var pointers []string
	for _, v := range e.Violations {
		pointers = append(pointers, v.Pointer)
	}
	if want := []string{"/it's", `/say "hi"`, "/é~1~0"}; !reflect.DeepEqual(pointers, want) {
		t.Errorf("pointers %q, want %q", pointers, want)
	}
	for name, schema := range map[string]string{
		"not JSON":           `{`,
		"not a schema":       `{"type": 12}`,
		"an external schema": `{"$ref": "https://example.com/other.json"}`,
	} {
		if _, err := CompileSchema(name, []byte(schema)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
