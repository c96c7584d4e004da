package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// hostile is a name as a folder or a zip from someone else may hold one: it sets the terminal's title, clears
// the screen, rings the bell, and starts a line that looks like a line of the report.
const hostile = "x\x1b]0;PWNED\x07\x1b[2J\u009b31m\x7f\r\n  to fix       mobi 1  (forged line)"

// hostileEscaped is hostile as Printable shows it.
const hostileEscaped = `x\x1b]0;PWNED\x07\x1b[2J\x9b31m\x7f\r\n  to fix       mobi 1  (forged line)`

func hostileCheck() *core.Report {
	app := hostile
	e := &core.Error{Component: "mobi", Code: core.CodeLocation, Path: app + "/0a", Message: i18n.Plain("m " + hostile), Line: 2, Column: 3,
		Cause:      i18n.Plain("c " + hostile),
		Expected:   &core.Expected{Folder: hostile, File: hostile},
		Violations: []core.Violation{{Pointer: "/" + hostile, Line: 1, Column: 1, Message: i18n.Plain(hostile)}},
	}
	tok := &core.Error{Component: "mobi", Code: core.CodeToken, Path: app + "/0b", Message: i18n.Plain("token"),
		Mismatches: []core.Mismatch{{Field: "teamID", Property: "/team/id", Token: hostile, File: hostile}}}
	return &core.Report{
		Sessions: []*core.Session{{Path: app + "/01", App: app, ID: "01", Status: hostile, Email: hostile, Device: hostile, OS: hostile, Language: hostile}},
		Errors:   []*core.Error{e, tok},
		Skipped:  []core.Skipped{{Path: app + "/" + hostile, Reason: i18n.Plain(hostile), Kind: core.SkipExtension}, {Path: hostile, Reason: i18n.Plain(hostile), Kind: core.SkipRootFile}},
		Apps:     []core.App{{Name: app, Sessions: 1, Errors: 2, Skipped: 1}},
		Summary:  core.Summary{Apps: 1, Files: 3, Sessions: 1, Errors: 2, Skipped: 2},
	}
}

func hostileRefresh() *core.RefreshReport {
	return &core.RefreshReport{
		Updated:   []core.Updated{{Path: hostile + "/01", Changes: []core.Change{{Pointer: "/" + hostile, Old: json.RawMessage(`"\u009b"`), New: json.RawMessage("\"\u009b2J\"")}}}},
		Loaded:    []core.PathOnly{{Path: hostile + "/05"}},
		NotLoaded: []core.PathOnly{{Path: hostile + "/04"}},
		Removed:   []core.Removed{{Path: hostile + "/06", Reason: core.ReasonDeleted, Message: i18n.Plain(hostile)}},
		Errors:    hostileCheck().Errors,
	}
}

func hostileFix(dry bool) *core.FixReport {
	errs := hostileCheck().Errors
	return &core.FixReport{DryRun: dry, Errors: errs[1:], Files: []core.FileFixes{
		{Path: errs[0].Path, Error: errs[0], Applied: 0, Refused: i18n.Plain("refused " + hostile), Fixes: []*core.Fix{
			{Path: errs[0].Path, Code: core.CodeLocation, Kind: core.FixMove, Title: i18n.Plain("Move the file to " + hostile + "/0a"), From: errs[0].Path, To: hostile + "/0a"},
			{Path: errs[0].Path, Code: core.CodeToken, Kind: core.FixEdit, Title: i18n.Plain(hostile), Changes: []core.Change{{Pointer: "/" + hostile, New: json.RawMessage("\"\u009b\"")}}},
		}},
		{Path: errs[1].Path, Error: errs[1], Fixes: []*core.Fix{{Path: errs[1].Path, Code: core.CodeToken, Kind: core.FixNone, Title: i18n.Plain(hostile)}}},
	}}
}

// Names from files are data in every format: no control character of a name, a message or a value reaches the
// output raw, whatever the format, and each is shown by the one escaping, Printable. JSON keeps them exact, in
// JSON's own escapes.
func TestNamesAreDataInEveryFormat(t *testing.T) {
	for _, f := range Formats {
		for _, c := range []struct {
			name   string
			render func(*bytes.Buffer) error
		}{
			{"check", func(b *bytes.Buffer) error { return Check(b, f, hostileCheck(), Options{Root: "ci"}) }},
			{"check streamed", func(b *bytes.Buffer) error {
				r, w := hostileCheck(), NewCheckWriter(b, f, Options{})
				w.Begin(r.Skipped, []string{hostile})
				for _, s := range r.Sessions {
					w.File(s, nil)
				}
				for _, e := range r.Errors {
					w.File(nil, e)
				}
				return w.End(r.Apps, r.Summary)
			}},
			{"refresh", func(b *bytes.Buffer) error { return Refresh(b, f, hostileRefresh(), Options{}) }},
		} {
			t.Run(string(f)+"/"+c.name, func(t *testing.T) {
				var b bytes.Buffer
				if err := c.render(&b); err != nil {
					t.Fatal(err)
				}
				out := b.String()
				if f == JSON {
					if strings.ContainsFunc(strings.ReplaceAll(out, "\n", ""), func(r rune) bool { return r < 0x20 }) || !json.Valid(b.Bytes()) {
						t.Fatalf("raw C0 control characters or invalid JSON:\n%q", out)
					}
					if !strings.Contains(out, `x\u001b]0;PWNED\u0007\u001b[2J`) {
						t.Errorf("the name is not kept exact:\n%s", out)
					}
					return
				}
				assertNoControl(t, out)
				want := hostileEscaped
				if f == SARIF { // JSON again: the backslashes of Printable are escaped in turn
					want = strings.ReplaceAll(hostileEscaped, `\`, `\\`)
				}
				if f == GitHub { // and the workflow command's own escapes after
					want = escapeData(hostileEscaped)
				}
				if !strings.Contains(out, want) {
					t.Errorf("no %q in\n%s", want, out)
				}
			})
		}
	}
	for _, dry := range []bool{true, false} {
		lines := FixText(hostileFix(dry), Options{Lang: i18n.English})
		text := strings.Join(lines, "\n")
		assertNoControl(t, text)
		for _, want := range []string{"Move the file to " + hostileEscaped + "/0a", "refused " + hostileEscaped, "/" + hostileEscaped + `: (absent) → "\x9b"`} {
			if !dry && !strings.Contains(text, want) {
				t.Errorf("fix: no %q in\n%s", want, text)
			}
		}
		if n := strings.Count(text, "(forged line)"); n == 0 || strings.Contains(text, "\n  to fix       mobi 1  (forged line)") {
			t.Errorf("fix: the forged line is a line of its own:\n%s", text)
		}
	}
}

func assertNoControl(t *testing.T, out string) {
	t.Helper()
	if i := strings.IndexFunc(strings.ReplaceAll(out, "\n", ""), unicode.IsControl); i >= 0 {
		t.Fatalf("a control character reaches the output:\n%q", out)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain é":      "plain é",
		"\x1b[2J":      `\x1b[2J`,
		"a\nb\rc\td":   `a\nb\rc\td`,
		"\x00\x07\x7f": `\x00\x07\x7f`,
		"\u009b\u0085": `\x9b\x85`,
		`\x1b stays`:   `\x1b stays`,
		"\u2028\u200b": "\u2028\u200b", // not control characters: a terminal shows them as what they are
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
		if Printable(Printable(in)) != Printable(in) {
			t.Errorf("Printable(%q) changes when applied twice", in)
		}
	}
}
