package core

import (
	"bytes"
	"context"
	"encoding/json"
	"path"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/spf13/afero"
)

// checkAt runs the four checks on data as the file at rel.
func checkAt(c *Checker, rel string, data []byte) *Error {
	app, name, _ := strings.Cut(rel, "/")
	_, _, e := c.CheckBytes(SessionFile{Path: rel, App: app, Name: name}, data)
	return e
}

// applied is the folder after fix is applied to a folder that holds data at rel, and the applied fix's error.
func applied(t *testing.T, c *Checker, rel string, data []byte, fix *Fix) (afero.Fs, error) {
	t.Helper()
	fsys := memTree(t, map[string]string{rel: string(data)})
	return fsys, c.ApplyFix(fsys, root, fix)
}

// Each rule of what is fixable, one row each: the fix proposed for the file's error, and what the file is once
// the fix is applied (it passes the check it failed; next is the error it may reveal).
func TestProposeFix(t *testing.T) {
	crlf := "\xEF\xBB\xBF" + strings.ReplaceAll(example, "\n", "\r\n")
	otherToken := EncodeToken(Token{AppNameID: "com.other.App", ID: exampleID, TeamID: "UTT7VDX8W5"})
	tests := []struct {
		name    string
		path    string
		content string
		code    Code
		kind    FixKind
		title   string // a part of the title
		to      string // a move's target
		after   string // an edit's new content
		next    Code   // the error the fixed file fails, 0 when it passes
	}{
		// mobi 1: the file moves to where its content says.
		{name: "wrong folder: moved", path: "com.wrong/" + exampleID, content: example, code: CodeLocation,
			kind: FixMove, title: "Move the file to " + examplePath, to: examplePath},
		{name: "wrong name: renamed", path: exampleApp + "/abcd", content: example, code: CodeLocation,
			kind: FixMove, title: "Rename the file " + exampleID, to: examplePath},
		{name: "a folder that leaves the root: no fix", path: "com.a/abcd", content: session("", "../x", "abcd", "accepted"),
			code: CodeLocation, kind: FixNone, title: `make no app folder name ("../x")`},
		{name: "a hidden folder: no fix", path: "com.a/abcd", content: session("", ".secret", "abcd", "accepted"),
			code: CodeLocation, kind: FixNone, title: "make no app folder name"},

		// mobi 4: the token is written from the content.
		{name: "token of another app: written anew", path: examplePath, content: edit(t, crlf, exampleToken, otherToken), code: CodeToken,
			kind: FixEdit, title: "Take the content as the truth", after: crlf},
		{name: "token not base64: written anew", path: examplePath, content: edit(t, example, exampleToken, "not*base64"), code: CodeToken,
			kind: FixEdit, after: example},

		// mobi 3: one right value.
		{name: "status in capitals", path: examplePath, content: edit(t, crlf, `"status": "accepted"`, `"status": "Accepted"`), code: CodeSchema,
			kind: FixEdit, title: "Correct /status", after: crlf},
		{name: "status all capitals", path: examplePath, content: edit(t, example, `"status": "accepted"`, `"status": "PENDING"`), code: CodeSchema,
			kind: FixEdit, after: edit(t, example, `"status": "accepted"`, `"status": "pending"`)},
		{name: "send in capitals", path: examplePath, content: edit(t, example, `"send": "link"`, `"send": "LINK"`), code: CodeSchema,
			kind: FixEdit, after: example},
		{name: "simulator as a string", path: examplePath, content: edit(t, example, `"simulator": true`, `"simulator": "true"`), code: CodeSchema,
			kind: FixEdit, title: "Correct /device/simulator", after: example},
		{name: "jb as a string, capitalised", path: examplePath, content: edit(t, example, `"simulator": true`, `"simulator": true, "jb": "False"`), code: CodeSchema,
			kind: FixEdit, after: edit(t, example, `"simulator": true`, `"simulator": true, "jb": false`)},
		{name: "two values at once", path: examplePath, content: edit(t, edit(t, example, `"send": "link"`, `"send": "Code"`), `"status": "accepted"`, `"status": "Pending"`), code: CodeSchema,
			kind: FixEdit, title: "Correct /send, /status", after: edit(t, edit(t, example, `"send": "link"`, `"send": "code"`), `"status": "accepted"`, `"status": "pending"`)},
		{name: "status fixed reveals the token's error", path: examplePath, content: edit(t, edit(t, example, exampleToken, otherToken), `"status": "accepted"`, `"status": "Accepted"`), code: CodeSchema,
			kind: FixEdit, after: edit(t, example, exampleToken, otherToken), next: CodeToken},
		{name: "status fixed reveals the location's error", path: "com.wrong/" + exampleID, content: edit(t, example, `"status": "accepted"`, `"status": "Accepted"`), code: CodeSchema,
			kind: FixEdit, after: example, next: CodeLocation},
		{name: "a status that is another word: no fix", path: examplePath, content: edit(t, example, `"status": "accepted"`, `"status": "Accept"`), code: CodeSchema,
			kind: FixNone, title: "the value of /status"},
		{name: "a status with more letters: no fix", path: examplePath, content: edit(t, example, `"status": "accepted"`, `"status": "ACCEPTEDX"`), code: CodeSchema,
			kind: FixNone},
		{name: "a status of another type: no fix", path: examplePath, content: edit(t, example, `"status": "accepted"`, `"status": 1`), code: CodeSchema,
			kind: FixNone},
		{name: "a boolean written yes: no fix", path: examplePath, content: edit(t, example, `"simulator": true`, `"simulator": "yes"`), code: CodeSchema,
			kind: FixNone, title: "the value of /device/simulator"},
		{name: "one value fixable, one missing: no fix", path: examplePath, content: edit(t, example, `"status": "accepted",`+"\n\t"+`"token": "`+exampleToken+`"`, `"status": "Accepted"`), code: CodeSchema,
			kind: FixNone, title: "the value of /token"},
		{name: "an empty application.id: no fix", path: examplePath, content: edit(t, example, `"id": "com.contactApp.Contact"`, `"id": ""`), code: CodeSchema,
			kind: FixNone},

		// mobi 2: only what stands for no value.
		{name: "two commas: no fix", path: examplePath, content: edit(t, crlf, `"status": "accepted",`, `"status": "accepted",,`), code: CodeMalformed,
			kind: FixNone},
		{name: "a trailing comma before }", path: examplePath, content: edit(t, crlf, `"`+exampleToken+`"`, `"`+exampleToken+`",`), code: CodeMalformed,
			kind: FixEdit, title: "Remove the trailing comma at 10:157 (no value changes)", after: crlf},
		{name: "trailing commas in an array and an object", path: examplePath, content: edit(t, edit(t, example, `"simulator": true}`, `"simulator": true,}`), `"send": "link"`, `"x": [1, [2,] ,],`+"\n\t"+`"send": "link"`), code: CodeMalformed,
			kind: FixEdit, title: "the trailing commas at 6:122, 7:13, 7:16", after: edit(t, edit(t, example, `"simulator": true}`, `"simulator": true}`), `"send": "link"`, `"x": [1, [2] ],`+"\n\t"+`"send": "link"`)},
		{name: "a doubled byte-order mark", path: examplePath, content: "\xEF\xBB\xBF" + crlf, code: CodeMalformed,
			kind: FixEdit, title: "Remove the extra byte-order mark at the start (no value changes)", after: crlf},
		{name: "a byte-order mark saved as Latin-1 and a comma", path: examplePath, content: "\xEF\xBB\xBFï»¿" + edit(t, example, `"`+exampleToken+`"`, `"`+exampleToken+`", `), code: CodeMalformed,
			kind: FixEdit, title: "the extra byte-order mark at the start and the trailing comma at 10:", after: "\xEF\xBB\xBF" + edit(t, example, `"`+exampleToken+`"`, `"`+exampleToken+`" `)},
		{name: "a comma inside a string is not touched", path: examplePath, content: edit(t, edit(t, example, `"email": ""`, `"email": ",}"`), `"`+exampleToken+`"`, `"`+exampleToken+`",`), code: CodeMalformed,
			kind: FixEdit, title: "the trailing comma at 10:157", after: edit(t, example, `"email": ""`, `"email": ",}"`)},
		{name: "a comma and another syntax error: no fix", path: examplePath, content: edit(t, edit(t, example, `"email": ""`, `"email": "`), `"`+exampleToken+`"`, `"`+exampleToken+`",`), code: CodeMalformed,
			kind: FixNone, title: "correct this syntax error in an editor"},
		{name: "a real syntax error: no fix", path: examplePath, content: edit(t, example, `"email": ""`, `"email" ""`), code: CodeMalformed,
			kind: FixNone, title: "only a trailing comma or an extra byte-order mark"},
		{name: "an empty object's comma: no fix", path: "com.a/abcd", content: `{,}`, code: CodeMalformed, kind: FixNone},
		{name: "an array at the root: no fix", path: "com.a/abcd", content: `[1,]`, code: CodeMalformed, kind: FixNone},
		{name: "an empty file: no fix", path: "com.a/abcd", content: "", code: CodeMalformed, kind: FixNone},
		{name: "UTF-16: no fix", path: "com.a/abcd", content: "\xFF\xFE{\x00}\x00", code: CodeMalformed, kind: FixNone},
	}
	c := &Checker{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.content)
			e := checkAt(c, tt.path, data)
			if e == nil || e.Code != tt.code {
				t.Fatalf("the file fails %v, want mobi %d", e, tt.code)
			}
			fix := c.ProposeFix(e, data)
			if fix.Kind != tt.kind || !strings.Contains(fix.Title.String(), tt.title) || fix.Path != tt.path || fix.Code != tt.code {
				t.Fatalf("fix %+v, want kind %s, title with %q", fix, tt.kind, tt.title)
			}
			if fix.Kind == FixNone {
				if fix.ETag != "" || fix.Content != "" || fix.To != "" {
					t.Errorf("a fix of kind none holds a change: %+v", fix)
				}
				return
			}
			if fix.ETag != ETag(data) {
				t.Errorf("etag %q, want the file's %q", fix.ETag, ETag(data))
			}
			fsys, err := applied(t, c, tt.path, data, fix)
			if err != nil {
				t.Fatal(err)
			}
			rel, want := tt.path, tt.content
			if fix.Kind == FixMove {
				if fix.From != tt.path || fix.To != tt.to {
					t.Errorf("move %s → %s, want %s → %s", fix.From, fix.To, tt.path, tt.to)
				}
				rel = tt.to
				if ok, _ := afero.Exists(fsys, root+"/"+tt.path); ok {
					t.Errorf("the file is still at %s", tt.path)
				}
			} else {
				want = tt.after
				if fix.Content != tt.after {
					t.Errorf("content\n%q\nwant\n%q", fix.Content, tt.after)
				}
			}
			got, err := afero.ReadFile(fsys, root+"/"+rel)
			if err != nil || string(got) != want {
				t.Fatalf("%s holds\n%q\nwant\n%q (%v)", rel, got, want, err)
			}
			next := checkAt(c, rel, got)
			switch {
			case tt.next == 0 && next != nil:
				t.Errorf("the fixed file fails %v", next)
			case tt.next != 0 && (next == nil || next.Code != tt.next):
				t.Errorf("the fixed file fails %v, want mobi %d", next, tt.next)
			}
		})
	}
}

// A fix says what changes in its own words: the changes of an edit name each value with its old and new JSON.
func TestFixChanges(t *testing.T) {
	c := &Checker{}
	data := []byte(edit(t, edit(t, example, `"status": "accepted"`, `"status": "Accepted"`), `"simulator": true`, `"simulator": "true"`))
	fix := c.ProposeFix(checkAt(c, examplePath, data), data)
	got, _ := json.Marshal(fix.Changes)
	// Change's values are raw JSON: "true" the string, true the boolean.
	want := `[{"pointer":"/device/simulator","old":"true","new":true},{"pointer":"/status","old":"Accepted","new":"accepted"}]`
	if string(got) != want {
		t.Errorf("changes %s\nwant    %s", got, want)
	}
	token := []byte(edit(t, example, exampleToken, "x"))
	fix = c.ProposeFix(checkAt(c, examplePath, token), token)
	if len(fix.Changes) != 1 || string(fix.Changes[0].Old) != `"x"` || string(fix.Changes[0].New) != `"`+exampleToken+`"` {
		t.Errorf("token changes %+v", fix.Changes)
	}
}

// The titles are said in the language they are shown in.
func TestFixLanguages(t *testing.T) {
	data := []byte(edit(t, example, `"status": "accepted"`, `"status": "Accept"`))
	c := &Checker{}
	fix := c.ProposeFix(checkAt(c, examplePath, data), data)
	for lang, want := range map[i18n.Lang]string{i18n.English: "cannot be told", i18n.French: "ne se déduit pas", i18n.Spanish: "no se deduce"} {
		if title := fix.Title.Render(lang); !strings.Contains(title, want) {
			t.Errorf("%s: %q", lang, title)
		}
	}
	moved := []byte(example)
	if fix := c.ProposeFix(checkAt(c, "com.a/"+exampleID, moved), moved); fix.In(i18n.French).Title.String() != "Déplacer le fichier vers "+examplePath {
		t.Errorf("fr: %q", fix.Title.Render(i18n.French))
	}
}

// A fix is made from the bytes of its error: other bytes, or bytes over the size limit, get none.
func TestProposeFixRefuses(t *testing.T) {
	c := &Checker{}
	stale := []byte(edit(t, example, `"status": "accepted"`, `"status": "Accepted"`))
	e := checkAt(c, examplePath, stale)
	if fix := c.ProposeFix(e, []byte(example)); fix.Kind != FixNone || !strings.Contains(fix.Title.String(), "check it again") {
		t.Errorf("valid bytes: %+v", fix)
	}
	if fix := c.ProposeFix(e, []byte("{")); fix.Kind != FixNone || !strings.Contains(fix.Title.String(), "check it again") {
		t.Errorf("bytes with another error: %+v", fix)
	}
	small := NewChecker(CheckerOptions{Limits: Limits{MaxFileSize: 10}})
	if fix := small.ProposeFix(e, stale); fix.Kind != FixNone || !strings.Contains(fix.Title.String(), "over the 10 B limit") {
		t.Errorf("over the limit: %+v", fix)
	}
	if fix := c.ProposeFix(&Error{Code: CodeSchema, Path: "../x"}, stale); fix.Kind != FixNone {
		t.Errorf("a path out of the root: %+v", fix)
	}
}

// ProposeFixes chains the fixes until the file passes, or says which error remains; where no two witnesses of
// the ids agree, it takes the choice that trusts the side named, and only then.
func TestProposeFixes(t *testing.T) {
	c := &Checker{}
	otherToken := EncodeToken(Token{AppNameID: "com.other.App", ID: exampleID, TeamID: "UTT7VDX8W5"})
	staleToken := EncodeToken(Token{AppNameID: "com.contactApp.Contact", ID: strings.Repeat("c", 40), TeamID: "UTT7VDX8W5"})
	broken := func(token string) string {
		return "\xEF\xBB\xBF\xEF\xBB\xBF" + edit(t, edit(t, example, `"status": "accepted"`, `"status": "Accepted",`+"\n\t"+`"x": [1,]`), exampleToken, token)
	}
	outside := edit(t, edit(t, example, `"id": "com.contactApp.Contact"`, `"id": "../x"`), exampleToken, EncodeToken(Token{AppNameID: "../x", ID: exampleID, TeamID: "UTT7VDX8W5"}))
	tests := []struct {
		name, path, content string
		trust               Witness
		kinds               []FixKind
		codes               []Code
		remaining           Code
	}{
		// The place is wrong against the content and the token on the pair; then the token against the place
		// and the content on session.id.
		{"mobi 2, 3, 1 and 4 in turn", "com.wrong/" + exampleID, broken(staleToken), "",
			[]FixKind{FixEdit, FixEdit, FixMove, FixEdit}, []Code{CodeMalformed, CodeSchema, CodeLocation, CodeToken}, 0},
		// The place, the content and the token each give another application.id.
		{"no single fix: left", "com.wrong/" + exampleID, broken(otherToken), "",
			[]FixKind{FixEdit, FixEdit, FixNone}, []Code{CodeMalformed, CodeSchema, CodeLocation}, CodeLocation},
		{"no single fix: the content trusted", "com.wrong/" + exampleID, broken(otherToken), WitnessContent,
			[]FixKind{FixEdit, FixEdit, FixMove, FixEdit}, []Code{CodeMalformed, CodeSchema, CodeLocation, CodeToken}, 0},
		{"no single fix: the token trusted", "com.wrong/" + exampleID, broken(otherToken), WitnessToken,
			[]FixKind{FixEdit, FixEdit, FixMove}, []Code{CodeMalformed, CodeSchema, CodeLocation}, 0},
		{"a side named where two witnesses agree changes nothing", "com.wrong/" + exampleID, broken(staleToken), WitnessPlace,
			[]FixKind{FixEdit, FixEdit, FixMove, FixEdit}, []Code{CodeMalformed, CodeSchema, CodeLocation, CodeToken}, 0},
		// The place and the token agree against a content whose application.id makes no folder: corrected.
		{"a status, then an application.id the place and the token agree on", examplePath, edit(t, edit(t, example, `"status": "accepted"`, `"status": "Accepted"`), `"id": "com.contactApp.Contact"`, `"id": "../x"`), "",
			[]FixKind{FixEdit, FixEdit}, []Code{CodeSchema, CodeLocation}, 0},
		// The content and the token agree on an application.id that makes no folder: no move.
		{"fixed, then an error with no fix", examplePath, edit(t, outside, `"status": "accepted"`, `"status": "Accepted"`), "",
			[]FixKind{FixEdit, FixNone}, []Code{CodeSchema, CodeLocation}, CodeLocation},
		{"no fix at all", examplePath, "{", "", []FixKind{FixNone}, []Code{CodeMalformed}, CodeMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.content)
			fixes, remaining := c.ProposeFixes(checkAt(c, tt.path, data), data, tt.trust)
			var kinds []FixKind
			var codes []Code
			for _, f := range fixes {
				kinds, codes = append(kinds, f.Kind), append(codes, f.Code)
			}
			if !equalSlices(kinds, tt.kinds) || !equalSlices(codes, tt.codes) {
				t.Errorf("fixes %v of %v, want %v of %v", kinds, codes, tt.kinds, tt.codes)
			}
			if got := codeOf(remaining); got != tt.remaining {
				t.Errorf("remaining %v, want mobi %d", remaining, tt.remaining)
			}
			// Applied in turn, each on the file the one before left, they take the file where they said.
			fsys := memTree(t, map[string]string{tt.path: tt.content})
			for _, f := range fixes {
				if f.Kind == FixNone {
					break
				}
				if err := c.ApplyFix(fsys, root, f); err != nil {
					t.Fatalf("%s: %v", f.Title, err)
				}
			}
			rep, err := c.Check(context.Background(), fsys, root, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors)+len(rep.Sessions) != 1 || tt.remaining == 0 && len(rep.Errors) != 0 || tt.remaining != 0 && (len(rep.Errors) == 0 || rep.Errors[0].Code != tt.remaining) {
				t.Errorf("after the fixes: %v", rep.Errors)
			}
		})
	}
}

func equalSlices[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func codeOf(e *Error) Code {
	if e == nil {
		return 0
	}
	return e.Code
}

// Applying a fix is refused, and changes nothing, when the file changed since the fix was made, when a move's
// target exists, or when there is nothing to apply.
func TestApplyFixRefuses(t *testing.T) {
	c := &Checker{}
	status := edit(t, example, `"status": "accepted"`, `"status": "Accepted"`)
	statusFix := c.ProposeFix(checkAt(c, examplePath, []byte(status)), []byte(status))
	moveFix := c.ProposeFix(checkAt(c, "com.wrong/"+exampleID, []byte(example)), []byte(example))
	tests := []struct {
		name  string
		files map[string]string
		fix   *Fix
		kind  Kind
	}{
		{"an edit of a file changed since", map[string]string{examplePath: status + " "}, statusFix, KindConflict},
		{"an edit of a file deleted since", map[string]string{"com.a/": ""}, statusFix, KindConflict},
		{"a move of a file changed since", map[string]string{"com.wrong/" + exampleID: example + " "}, moveFix, KindConflict},
		{"a move of a file deleted since", map[string]string{"com.wrong/": ""}, moveFix, KindNotFound},
		{"a move onto a file", map[string]string{"com.wrong/" + exampleID: example, examplePath: "other"}, moveFix, KindConflict},
		{"a move into a folder that is a file", map[string]string{"com.wrong/" + exampleID: example, exampleApp: "a file"}, moveFix, KindInput},
		{"no fix", map[string]string{examplePath: status}, &Fix{Path: examplePath, Kind: FixNone, Title: i18n.Plain("x")}, KindInput},
		{"no etag", map[string]string{examplePath: status}, &Fix{Path: examplePath, Kind: FixEdit, Content: "{}"}, KindInput},
		{"a path out of the root", map[string]string{examplePath: status}, &Fix{Path: "../x", Kind: FixEdit, ETag: "1", Content: "{}"}, KindInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := memTree(t, tt.files)
			before := tree(t, fsys, root)
			wantKind(t, c.ApplyFix(fsys, root, tt.fix), tt.kind)
			assertTree(t, fsys, before)
		})
	}
}

// When the source of a move cannot be deleted, the copy goes again (and the folder made for it): no session is
// left twice.
func TestApplyFixMoveUndone(t *testing.T) {
	c := &Checker{}
	from := "com.wrong/" + exampleID
	fix := c.ProposeFix(checkAt(c, from, []byte(example)), []byte(example))
	base := memTree(t, map[string]string{from: example})
	fsys := &faultFs{Fs: base, fault: once(opRemove, root+"/"+from, fail(syscall.EACCES))}
	err := c.ApplyFix(fsys, root, fix)
	if KindOf(err) != KindInternal {
		t.Fatalf("error %v (%s)", err, KindOf(err))
	}
	assertTree(t, base, map[string]string{"com.wrong/": "", from: example})
}

// FixFolder fixes what it can of a folder, says what it cannot, and in a dry run changes nothing.
func TestFixFolder(t *testing.T) {
	otherID := strings.Repeat("b", 40)
	other := edit(t, strings.ReplaceAll(example, exampleID, otherID), EncodeToken(Token{AppNameID: "com.contactApp.Contact", ID: exampleID, TeamID: "UTT7VDX8W5"}),
		EncodeToken(Token{AppNameID: "com.contactApp.Contact", ID: otherID, TeamID: "UTT7VDX8W5"}))
	files := map[string]string{
		"com.wrong/" + exampleID:   example,                                                        // mobi 1: moves to examplePath
		"com.wrong2/" + exampleID:  example,                                                        // mobi 1: the same target, taken by the first
		exampleApp + "/" + otherID: edit(t, other, `"status": "accepted"`, `"status": "Accepted"`), // mobi 3: fixed
		exampleApp + "/cccc":       "{",                                                            // mobi 2: no fix
		"com.a/dddd":               `{"status": "pending",}`,                                       // mobi 2 fixed, then mobi 3 with no fix
	}
	c := &Checker{}
	fsys := memTree(t, files)
	before := tree(t, fsys, root)

	dry, err := c.FixFolder(context.Background(), fsys, root, FixOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	assertTree(t, fsys, before)
	summary := func(r *FixReport) string {
		var b strings.Builder
		for _, f := range r.Files {
			b.WriteString(f.Path + ":")
			for _, fix := range f.Fixes {
				b.WriteString(" " + string(fix.Kind))
			}
			b.WriteString("\n")
		}
		for _, e := range r.Errors {
			b.WriteString("left " + e.Path + "\n")
		}
		return b.String()
	}
	want := exampleApp + "/" + otherID + ": edit\n" +
		exampleApp + "/cccc: none\n" +
		"com.a/dddd: edit none\n" +
		"com.wrong/" + exampleID + ": move\n" +
		"com.wrong2/" + exampleID + ": none\n" +
		"left " + exampleApp + "/cccc\n" +
		"left com.a/dddd\n" +
		"left com.wrong2/" + exampleID + "\n"
	if got := summary(dry); got != want || !dry.DryRun {
		t.Errorf("dry run:\n%s\nwant\n%s", got, want)
	}
	if title := dry.Files[4].Fixes[0].Title.String(); title != examplePath+" already exists" {
		t.Errorf("the second move: %q", title)
	}

	done, err := c.FixFolder(context.Background(), fsys, root, FixOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(done); got != want || done.DryRun {
		t.Errorf("fixed:\n%s\nwant\n%s", got, want)
	}
	for _, f := range done.Files {
		applicable := 0
		for _, fix := range f.Fixes {
			if fix.Kind != FixNone {
				applicable++
			}
		}
		if f.Applied != applicable || f.Refused.String() != "" {
			t.Errorf("%s: %d of %d applied, refused %q", f.Path, f.Applied, applicable, f.Refused)
		}
	}
	after := tree(t, fsys, root)
	if after[examplePath] != example || after[exampleApp+"/"+otherID] != other || after["com.a/dddd"] != `{"status": "pending"}` {
		t.Errorf("after: %q", after)
	}
	if _, ok := after["com.wrong/"+exampleID]; ok {
		t.Error("the moved file is still in com.wrong")
	}
	again, err := c.FixFolder(context.Background(), fsys, root, FixOptions{DryRun: true})
	if err != nil || len(again.Errors) != len(done.Errors) {
		t.Errorf("fixing again: %v, %v", again, err)
	}
}

// A fix applied while the folder changes is refused, and says so.
func TestFixFolderRefused(t *testing.T) {
	status := edit(t, example, `"status": "accepted"`, `"status": "Accepted"`)
	base := memTree(t, map[string]string{examplePath: status})
	// Between the read the fix is made from (the second, after the check's) and the read of the write that
	// applies it, another process rewrites the file.
	opens := 0
	fsys := &faultFs{Fs: base, fault: func(op, name string) error {
		if op == opOpen && name == root+"/"+examplePath {
			if opens++; opens == 3 {
				return afero.WriteFile(base, root+"/"+examplePath, []byte(status+"\n"), 0o644)
			}
		}
		return nil
	}}
	rep, err := (&Checker{}).FixFolder(context.Background(), fsys, root, FixOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 1 || rep.Files[0].Applied != 0 || !strings.Contains(rep.Files[0].Refused.String(), "changed on disk") || len(rep.Errors) != 1 {
		t.Errorf("report %+v", rep.Files)
	}
}

// FuzzProposeFix: for any bytes at any place, a proposed fix (and each choice a fix offers where there is none)
// never panics, takes the file past the check it failed, and, once applied, changes no JSON value but those its
// changes name (a fix of mobi 2 changes none: it only removes commas before a closing bracket and extra
// byte-order marks). A fix of the ids that is not a choice keeps, of each id, a value two witnesses agree on, and
// changes none of the witnesses that hold it.
func FuzzProposeFix(f *testing.F) {
	teamTypo := strings.Replace(example, `"UTT7VDX8W5"`, `"UTT7VDX8W6"`, 1)
	for _, s := range []string{
		example,
		teamTypo,
		strings.Replace(example, `"accepted"`, `"ACCEPTED"`, 1),
		strings.Replace(example, `"simulator": true`, `"simulator": "False", "jb": "true"`, 1),
		strings.Replace(example, exampleToken, "x", 1),
		strings.Replace(example, `"send": "link"`, `"send": "Link", "a": [1,],`, 1),
		strings.Replace(example, `"team": {"id": "UTT7VDX8W5"},`, ``, 1),
		"\xEF\xBB\xBF\xEF\xBB\xBF" + example,
		`{"a":"\",}",}`,
		`{"status":"Pending","status":"accepted",}`,
		"[1,]", "{,}", "",
	} {
		for _, place := range [][2]string{{exampleApp, exampleID}, {"com.a", exampleID}, {"UTT7VDX8W6.com.contactApp.Contact", exampleID}, {exampleApp, "abcd"}, {"A.b.c", exampleID}} {
			f.Add([]byte(s), place[0], place[1])
		}
	}
	c := &Checker{}
	f.Fuzz(func(t *testing.T, data []byte, folder, name string) {
		rel := folder + "/" + name
		if clean, err := CleanPath(rel); err != nil || clean != rel || strings.Count(rel, "/") != 1 || !IsSessionName(name) {
			return
		}
		e := checkAt(c, rel, data)
		if e == nil {
			return
		}
		fix := c.ProposeFix(e, data)
		fixes := []*Fix{fix}
		if fix.Kind == FixNone {
			fixes = fix.Choices
		}
		for _, fix := range fixes {
			to, after := fix.result(rel, data)
			if next := checkAt(c, to, after); next != nil && checkRank[next.Code] <= checkRank[e.Code] {
				t.Fatalf("the fix %q leaves mobi %d", fix.Title, next.Code)
			}
			if fix.Choice == "" && (e.Code == CodeLocation || e.Code == CodeToken) {
				keepsWitnesses(t, fix, rel, data, to, after)
			}
			if fix.Kind == FixMove && fix.Content == "" {
				if !bytes.Equal(after, data) {
					t.Fatal("a move changed the bytes")
				}
				continue
			}
			if e.Code == CodeMalformed {
				if len(fix.Changes) != 0 || !onlyRemoved(data, after) {
					t.Fatalf("a fix of mobi 2 changed more than commas and marks:\n%q\n%q", data, after)
				}
				continue
			}
			changes := Diff(decodeDoc(withoutBOM(data)), decodeDoc(withoutBOM(after)))
			got, _ := json.Marshal(changes)
			want, _ := json.Marshal(fix.Changes)
			if !bytes.Equal(got, want) {
				t.Fatalf("the fix changes %s, says %s", got, want)
			}
		}
	})
}

// keepsWitnesses fails unless fix, a fix of the ids that trusts no side, keeps of each id a value that two
// witnesses hold, and leaves those witnesses as they were.
func keepsWitnesses(t *testing.T, fix *Fix, rel string, data []byte, to string, after []byte) {
	t.Helper()
	if len(fix.Witnesses) != 3 {
		t.Fatalf("the fix %q shows %d ids' witnesses", fix.Title, len(fix.Witnesses))
	}
	before, _ := decodeDoc(withoutBOM(data)).(map[string]any)
	now, _ := decodeDoc(withoutBOM(after)).(map[string]any)
	tokenBefore, _ := DecodeToken(str(before, "token"))
	tokenNow, _ := DecodeToken(str(now, "token"))
	// The folder's name is the place's witness of the pair: it holds both ids, or it may change.
	placeHoldsPair := slices.Contains(fix.Witnesses[0].Agree, WitnessPlace) && slices.Contains(fix.Witnesses[1].Agree, WitnessPlace)
	for i, w := range fix.Witnesses {
		if w.Value == nil || len(w.Agree) < 2 {
			t.Fatalf("the fix %q keeps %s with %v agreeing", fix.Title, w.ID, w.Agree)
		}
		keys := splitPointer(w.Property)
		for _, side := range w.Agree {
			switch {
			case side == WitnessContent && str(before, keys...) != str(now, keys...),
				side == WitnessToken && tokenFields[[]int{2, 0, 1}[i]].token(tokenBefore) != tokenFields[[]int{2, 0, 1}[i]].token(tokenNow),
				side == WitnessPlace && i == 2 && path.Base(rel) != path.Base(to),
				side == WitnessPlace && i < 2 && placeHoldsPair && path.Dir(rel) != path.Dir(to):
				t.Fatalf("the fix %q changes the %s, which holds %s %q with %v", fix.Title, side, w.ID, *w.Value, w.Agree)
			}
		}
	}
}

// onlyRemoved says whether after is before with some commas and byte-order marks removed, and nothing else.
func onlyRemoved(before, after []byte) bool {
	bom := []byte("\xEF\xBB\xBF")
	if bytes.HasPrefix(before, bom) {
		if !bytes.HasPrefix(after, bom) {
			return false
		}
		before, after = before[len(bom):], after[len(bom):]
	}
	before = withoutMarks(before)
	i := 0
	for _, b := range before {
		switch {
		case i < len(after) && after[i] == b:
			i++
		case b != ',':
			return false
		}
	}
	return i == len(after)
}
