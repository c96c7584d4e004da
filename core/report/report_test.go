package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/sample"
)

// sampleCheck is the check report of the embedded sample: real files, one error of each code.
func sampleCheck(t *testing.T, lang i18n.Lang) *core.Report {
	t.Helper()
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	r, err := (&core.Checker{}).Check(context.Background(), fsys, root, core.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) == 0 || len(r.Sessions) == 0 || len(r.Skipped) == 0 {
		t.Fatalf("the sample has %d errors, %d sessions, %d skipped: the tests below need some of each", len(r.Errors), len(r.Sessions), len(r.Skipped))
	}
	return r.In(lang)
}

// sampleRefresh loads the sample, then changes it (a status accepted, a file deleted, a valid file broken,
// a new file) and refreshes.
func sampleRefresh(t *testing.T, lang i18n.Lang) *core.RefreshReport {
	t.Helper()
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reg := core.NewRegistry(nil)
	if _, err := reg.Load(ctx, fsys, root, core.CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	sessions := reg.Sessions()
	if len(sessions) < 3 {
		t.Fatalf("the sample loads %d sessions, want at least 3", len(sessions))
	}
	edit := func(s *core.Session, f func([]byte) []byte) {
		name := root + "/" + s.Path
		data, err := afero.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := afero.WriteFile(fsys, name, f(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit(sessions[0], func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"status"`), []byte(`"userInfo": {"a": 1}, "status"`), 1)
	})
	edit(sessions[1], func([]byte) []byte { return []byte("{") })
	if err := fsys.Remove(root + "/" + sessions[2].Path); err != nil {
		t.Fatal(err)
	}
	rep, err := reg.Refresh(ctx, fsys, root, core.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Updated) == 0 || len(rep.Removed) < 2 || len(rep.Errors) == 0 {
		t.Fatalf("refresh: %d updated, %d removed, %d errors: the edits above did not do what the tests need", len(rep.Updated), len(rep.Removed), len(rep.Errors))
	}
	return rep.In(lang)
}

var yes = true

// trickyCheck is a made-up report with what formats must escape: ',' ':' '%' and spaces in names, CR and LF
// and markup in messages, a control character, an error without a place, every kind of detail.
func trickyCheck() *core.Report {
	errs := []*core.Error{
		{Component: "mobi", Code: core.CodeLocation, Path: "a,b:c%d/0a", Message: i18n.Plain("location <&> mismatch"), Line: 3, Column: 9,
			Cause: i18n.Plain("should be in \"x\""), Expected: &core.Expected{Folder: "x", File: "0b"}},
		{Component: "mobi", Code: core.CodeMalformed, Path: "My Apps é/0c", Message: i18n.Plain("not well formed"), Cause: i18n.Plain("line one\r\nline two\n100% sure\x01")},
		{Component: "mobi", Code: core.CodeSchema, Path: "My Apps é/0d", Message: i18n.Plain("schema"), Line: 1, Column: 1,
			Violations: []core.Violation{{Pointer: "", Line: 1, Column: 1, Message: i18n.Plain("must be object")}, {Pointer: "/status", Line: 4, Column: 13, Message: i18n.Plain("must be one of \"accepted\", \"pending\"")}}},
		{Component: "mobi", Code: core.CodeToken, Path: "z.app/0e", Message: i18n.Plain("token"), Line: 9, Column: 12,
			Cause:      i18n.Plain("token teamID is \"A\", file has \"B\""),
			Mismatches: []core.Mismatch{{Field: "teamID", Property: "/team/id", Token: "A", File: "B"}, {Field: "id", Property: "/session/id", Token: "0f", File: "0e"}}},
	}
	return &core.Report{
		Sessions: []*core.Session{
			{Path: "a,b:c%d/01", App: "a,b:c%d", ID: "01", Status: "accepted", Device: "iPhone", OS: "iOS", OSVersion: "17", Simulator: &yes},
			{Path: "z.app/02", App: "z.app", ID: "02", Status: "pending", Email: "x@example.com", Language: "fr_FR"},
		},
		Errors:  errs,
		Skipped: []core.Skipped{{Path: "root.txt", Reason: i18n.Plain("a file at the root is not a session"), Kind: core.SkipRootFile}, {Path: "z.app/été.json", Reason: i18n.Plain("extension"), Kind: core.SkipExtension}},
		Apps: []core.App{
			{Name: "My Apps é", Errors: 2}, {Name: "a,b:c%d", Sessions: 1, Errors: 1}, {Name: "empty"}, {Name: "z.app", Sessions: 1, Errors: 1, Skipped: 1},
		},
		Summary: core.Summary{Apps: 4, Files: 6, Sessions: 2, Errors: 4, Skipped: 2},
	}
}

func trickyRefresh() *core.RefreshReport {
	return &core.RefreshReport{
		Updated: []core.Updated{{Path: "z.app/02", Changes: []core.Change{
			{Pointer: "/email", New: json.RawMessage(`"x@example.com"`)},
			{Pointer: "/status", Old: json.RawMessage(`"pending"`), New: json.RawMessage(`"accepted"`)},
			{Pointer: "/userInfo", Old: json.RawMessage(`{"a":1}`)},
		}}},
		Unchanged: []core.PathOnly{{Path: "z.app/03"}},
		NotLoaded: []core.PathOnly{{Path: "z.app/04"}},
		Loaded:    []core.PathOnly{{Path: "z.app/05"}},
		Removed:   []core.Removed{{Path: "a,b:c%d/0a", Reason: core.ReasonInvalid, Code: core.CodeLocation, Message: i18n.Plain("location")}, {Path: "z.app/06", Reason: core.ReasonDeleted, Message: i18n.Plain("deleted")}},
		Errors:    trickyCheck().Errors,
	}
}

type renderCase struct {
	name   string
	lang   i18n.Lang // what its words are said in
	errs   []*core.Error
	files  []string // the session files the report looked at
	render func(io.Writer, Format, Options) error
}

func renderCases(t *testing.T) []renderCase {
	var cases []renderCase
	addCheck := func(name string, lang i18n.Lang, r *core.Report) {
		cases = append(cases, renderCase{name, lang, r.Errors, checkedFiles(r), func(w io.Writer, f Format, o Options) error { return Check(w, f, r, o) }})
	}
	addRefresh := func(name string, lang i18n.Lang, r *core.RefreshReport) {
		cases = append(cases, renderCase{name, lang, r.Errors, refreshedFiles(r), func(w io.Writer, f Format, o Options) error { return Refresh(w, f, r, o) }})
	}
	addCheck("sample", i18n.English, sampleCheck(t, i18n.English))
	addCheck("sample-fr", i18n.French, sampleCheck(t, i18n.French))
	addRefresh("sample-refresh", i18n.Spanish, sampleRefresh(t, i18n.Spanish))
	addCheck("tricky", i18n.English, trickyCheck())
	addRefresh("tricky-refresh", i18n.English, trickyRefresh())
	addCheck("empty", i18n.English, &core.Report{Sessions: []*core.Session{}, Errors: []*core.Error{}, Skipped: []core.Skipped{}})
	return cases
}

// render renders c, in its language unless o says another.
func render(t *testing.T, c renderCase, f Format, o Options) []byte {
	t.Helper()
	if o.Lang == "" {
		o.Lang = c.lang
	}
	var b bytes.Buffer
	if err := c.render(&b, f, o); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return b.Bytes()
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); got != f || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	for _, s := range []string{"", "JSON", "xml", "text "} {
		if _, err := ParseFormat(s); err == nil {
			t.Errorf("ParseFormat(%q) accepted", s)
		}
	}
}

// JUnit: well-formed XML, testsuites > testsuite > testcase, one case per file looked at, one failure per
// error, and every count right.
func TestJUnit(t *testing.T) {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure"`
	}
	type testsuite struct {
		Name     string     `xml:"name,attr"`
		Tests    string     `xml:"tests,attr"`
		Failures string     `xml:"failures,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type testsuites struct {
		XMLName  xml.Name
		Tests    string      `xml:"tests,attr"`
		Failures string      `xml:"failures,attr"`
		Suites   []testsuite `xml:"testsuite"`
	}
	for _, c := range renderCases(t) {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, c, JUnit, Options{})
			if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
				t.Errorf("no XML declaration: %.60q", out)
			}
			var doc testsuites
			dec := xml.NewDecoder(bytes.NewReader(out))
			dec.Strict = true
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("not XML: %v\n%s", err, out)
			}
			if doc.XMLName.Local != "testsuites" {
				t.Errorf("root element %q, want testsuites", doc.XMLName.Local)
			}
			errByPath := map[string]*core.Error{}
			for _, e := range c.errs {
				errByPath[e.Path] = e
			}
			var total, failed int
			seen := map[string]bool{}
			for _, s := range doc.Suites {
				fails := 0
				for _, tc := range s.Cases {
					if tc.Classname != s.Name || !strings.HasPrefix(tc.Name, s.Name+"/") {
						t.Errorf("case %q (class %q) in suite %q", tc.Name, tc.Classname, s.Name)
					}
					if seen[tc.Name] {
						t.Errorf("case %q twice", tc.Name)
					}
					seen[tc.Name] = true
					e := errByPath[tc.Name]
					switch {
					case e == nil && tc.Failure != nil:
						t.Errorf("case %q fails (%s) but has no error", tc.Name, tc.Failure.Type)
					case e != nil && tc.Failure == nil:
						t.Errorf("case %q passes but has mobi %d", tc.Name, e.Code)
					case e != nil:
						fails++
						if want := fmt.Sprintf("mobi %d", e.Code); tc.Failure.Type != want {
							t.Errorf("case %q: failure type %q, want %q", tc.Name, tc.Failure.Type, want)
						}
						if tc.Failure.Message != e.Message.String() {
							t.Errorf("case %q: failure message %q, want %q", tc.Name, tc.Failure.Message, e.Message)
						}
						if !strings.Contains(tc.Failure.Body, location(e)) {
							t.Errorf("case %q: the failure does not say where: %q", tc.Name, tc.Failure.Body)
						}
					}
				}
				if s.Tests != strconv.Itoa(len(s.Cases)) || s.Failures != strconv.Itoa(fails) {
					t.Errorf("suite %q: tests=%s failures=%s, has %d cases and %d failures", s.Name, s.Tests, s.Failures, len(s.Cases), fails)
				}
				total += len(s.Cases)
				failed += fails
			}
			if doc.Tests != strconv.Itoa(total) || doc.Failures != strconv.Itoa(failed) {
				t.Errorf("testsuites: tests=%s failures=%s, has %d cases and %d failures", doc.Tests, doc.Failures, total, failed)
			}
			if total != len(c.files) || failed != len(c.errs) {
				t.Errorf("%d cases and %d failures for %d files and %d errors", total, failed, len(c.files), len(c.errs))
			}
		})
	}
}

// junitBody: a failure says what to fix once, not the cause twice.
func TestJUnitBodyNoRepeat(t *testing.T) {
	var b bytes.Buffer
	r := &core.Report{Errors: []*core.Error{{Component: "mobi", Code: core.CodeMalformed, Path: "a/01", Message: i18n.Plain("not well formed"), Line: 2, Column: 3, Cause: i18n.Plain("syntax error: here")}}}
	if err := Check(&b, JUnit, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "syntax error: here"); n != 1 {
		t.Errorf("the cause appears %d times:\n%s", n, b.String())
	}
	if !strings.Contains(b.String(), "mobi 2: a/01:2:3: not well formed") {
		t.Errorf("no first line with code, place and message:\n%s", b.String())
	}
}

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		ColumnKind string `json:"columnKind"`
		Results    []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// SARIF: the structure that code-scanning tools read, result by result.
func TestSARIF(t *testing.T) {
	for _, c := range renderCases(t) {
		for _, prefix := range []string{"", "ci/My Apps"} {
			t.Run(c.name+"/"+prefix, func(t *testing.T) {
				o := Options{Root: prefix}
				out := render(t, c, SARIF, o)
				var log sarifLog
				if err := json.Unmarshal(out, &log); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				if log.Version != "2.1.0" || len(log.Runs) != 1 {
					t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
				}
				run := log.Runs[0]
				if run.Tool.Driver.Name != "mobisess" {
					t.Errorf("driver %q", run.Tool.Driver.Name)
				}
				if run.ColumnKind != "unicodeCodePoints" {
					t.Errorf("columnKind %q: the engine counts characters", run.ColumnKind)
				}
				if len(run.Results) != len(c.errs) {
					t.Fatalf("%d results for %d errors", len(run.Results), len(c.errs))
				}
				for i, res := range run.Results {
					e := c.errs[i]
					if want := fmt.Sprintf("mobi%d", e.Code); res.RuleID != want {
						t.Errorf("result %d: ruleId %q, want %q", i, res.RuleID, want)
					}
					if res.RuleIndex == nil || *res.RuleIndex < 0 || *res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
						t.Errorf("result %d: ruleIndex does not point at rule %s", i, res.RuleID)
					}
					if res.Level != "error" || res.Message.Text == "" || !strings.HasPrefix(res.Message.Text, e.Message.String()) {
						t.Errorf("result %d: level %q, message %q", i, res.Level, res.Message.Text)
					}
					if len(res.Locations) != 1 {
						t.Fatalf("result %d: %d locations", i, len(res.Locations))
					}
					pl := res.Locations[0].PhysicalLocation
					// A relative reference: spaces, '%' and non-ASCII escaped; "./" before a first segment with ':'.
					uri := pl.ArtifactLocation.URI
					u, err := url.Parse(uri)
					if err != nil || u.Scheme != "" || strings.TrimPrefix(u.Path, "./") != toolPath(o, e.Path) || strings.ContainsAny(uri, " \t") {
						t.Errorf("result %d: uri %q (%v) does not name %q", i, uri, err, toolPath(o, e.Path))
					}
					switch {
					case e.Line == 0 && pl.Region != nil:
						t.Errorf("result %d: a region for an error without a place", i)
					case e.Line > 0 && pl.Region == nil:
						t.Errorf("result %d: no region", i)
					case e.Line > 0 && (pl.Region.StartLine != e.Line || pl.Region.StartColumn != e.Column || pl.Region.StartLine < 1 || pl.Region.StartColumn < 1):
						t.Errorf("result %d: region %d:%d, want %d:%d", i, pl.Region.StartLine, pl.Region.StartColumn, e.Line, e.Column)
					}
				}
			})
		}
	}
}

// TestSARIFSchema validates the SARIF output against the SARIF 2.1.0 JSON schema (see testdata/README.md).
func TestSARIFSchema(t *testing.T) {
	data, err := os.ReadFile("testdata/sarif-2.1.0-rtm.5.json")
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) { return nil, fmt.Errorf("offline: %s", u) }
	if err := c.AddResource("file:///sarif.json", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("file:///sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	// The schema must be able to fail: a log without its version, and a result without a message, are refused.
	for _, bad := range []string{`{"runs":[]}`, `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"x"}]}]}`} {
		var v any
		_ = json.Unmarshal([]byte(bad), &v)
		if schema.Validate(v) == nil {
			t.Fatalf("the schema accepts %s", bad)
		}
	}
	for _, rc := range renderCases(t) {
		for _, o := range []Options{{}, {Lang: i18n.French, Root: "My Apps"}} {
			out := render(t, rc, SARIF, o)
			var v any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("%s: not JSON: %v", rc.name, err)
			}
			if err := schema.Validate(v); err != nil {
				t.Errorf("%s (%+v): %#v", rc.name, o, err)
			}
		}
	}
}

var annotation = regexp.MustCompile(`^::error file=([^,:\r\n]+)(?:,line=([1-9][0-9]*),col=([1-9][0-9]*))?,title=mobi ([1-4])::([^\r\n]*)$`)

func unescapeProperty(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func unescapeData(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(s)
}

// GitHub: one workflow command per error, properties escaped so that ',' and ':' in a name cannot end them,
// data escaped so that a newline cannot start another command.
func TestGitHub(t *testing.T) {
	for _, c := range renderCases(t) {
		t.Run(c.name, func(t *testing.T) {
			o := Options{Root: "ci/x", Lang: c.lang}
			out := string(render(t, c, GitHub, o))
			if len(c.errs) == 0 {
				if out != "" {
					t.Errorf("output without errors: %q", out)
				}
				return
			}
			if !strings.HasSuffix(out, "\n") {
				t.Errorf("the last line does not end: %q", out)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != len(c.errs) {
				t.Fatalf("%d lines for %d errors:\n%s", len(lines), len(c.errs), out)
			}
			for i, l := range lines {
				e := c.errs[i]
				m := annotation.FindStringSubmatch(l)
				if m == nil {
					t.Errorf("line %d does not match %s:\n%q", i+1, annotation, l)
					continue
				}
				if got, want := unescapeProperty(m[1]), Printable(toolPath(o, e.Path)); got != want {
					t.Errorf("line %d: file %q, want %q", i+1, got, want)
				}
				if e.Line > 0 && (m[2] != strconv.Itoa(e.Line) || m[3] != strconv.Itoa(e.Column)) {
					t.Errorf("line %d: line=%s col=%s, want %d:%d", i+1, m[2], m[3], e.Line, e.Column)
				}
				if e.Line == 0 && m[2] != "" {
					t.Errorf("line %d: a line for an error without a place", i+1)
				}
				if m[4] != strconv.Itoa(int(e.Code)) {
					t.Errorf("line %d: title mobi %s, want %d", i+1, m[4], e.Code)
				}
				if got, want := unescapeData(m[5]), Printable(oneLine(e, o.Lang)); got != want {
					t.Errorf("line %d: message %q, want %q", i+1, got, want)
				}
			}
		})
	}
}

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, prop, data string }{
		{"plain", "plain", "plain"},
		{"a,b:c", "a%2Cb%3Ac", "a,b:c"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"}, // an escape already in the text stays text
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
	} {
		if got := escapeProperty(c.in); got != c.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", c.in, got, c.prop)
		}
		if got := escapeData(c.in); got != c.data {
			t.Errorf("escapeData(%q) = %q, want %q", c.in, got, c.data)
		}
		if unescapeProperty(escapeProperty(c.in)) != c.in || unescapeData(escapeData(c.in)) != c.in {
			t.Errorf("%q does not round-trip", c.in)
		}
	}
}

// JSON: the documented contract is the engine's own JSON, unchanged, with no HTML escaping.
func TestJSON(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		back any
		fn   func(io.Writer) error
	}{
		{"check", trickyCheck(), &core.Report{}, func(w io.Writer) error { return Check(w, JSON, trickyCheck(), Options{}) }},
		{"refresh", trickyRefresh(), &core.RefreshReport{}, func(w io.Writer) error { return Refresh(w, JSON, trickyRefresh(), Options{}) }},
	} {
		var b bytes.Buffer
		if err := c.fn(&b); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b.Bytes(), c.back); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want, _ := json.Marshal(c.v)
		got, _ := json.Marshal(c.back)
		if !bytes.Equal(got, want) {
			t.Errorf("%s does not round-trip:\n got %s\nwant %s", c.name, got, want)
		}
		if !strings.Contains(b.String(), "location <&> mismatch") {
			t.Errorf("%s: HTML-escaped or missing message", c.name)
		}
	}
}

func TestDetails(t *testing.T) {
	for _, c := range []struct {
		name string
		e    core.Error
		lang i18n.Lang
		want []string
	}{
		{"syntax", core.Error{Code: core.CodeMalformed, Cause: i18n.Plain("syntax error: x")}, i18n.English, []string{"syntax error: x"}},
		{"schema", core.Error{Code: core.CodeSchema, Violations: []core.Violation{{Pointer: "", Line: 1, Column: 1, Message: i18n.Plain("must be object")}, {Pointer: "/a~1b", Line: 2, Column: 5, Message: i18n.Plain("m")}}},
			i18n.English, []string{"/ (1:1): must be object", "/a~1b (2:5): m"}},
		{"location", core.Error{Code: core.CodeLocation, Path: "A/01", Cause: i18n.Plain("should be in B"), Expected: &core.Expected{Folder: "B", File: "02"}},
			i18n.English, []string{"should be in B", "expected location: B/02"}},
		{"location-fr", core.Error{Code: core.CodeLocation, Path: "A/01", Cause: i18n.Plain("devrait être dans B"), Expected: &core.Expected{Folder: "B", File: "02"}},
			i18n.French, []string{"devrait être dans B", "emplacement attendu : B/02"}},
		// The engine's cause repeats the first mismatch: each mismatch is listed once, both values.
		{"token", core.Error{Code: core.CodeToken, Cause: i18n.Plain("first"), Mismatches: []core.Mismatch{{Field: "teamID", Property: "/team/id", Token: "A", File: ""}, {Field: "id", Property: "/session/id", Token: "1", File: "2"}}},
			i18n.English, []string{`token teamID = "A", file /team/id = ""`, `token id = "1", file /session/id = "2"`}},
		{"token-es", core.Error{Code: core.CodeToken, Mismatches: []core.Mismatch{{Field: "teamID", Property: "/team/id", Token: "A", File: "B"}}},
			i18n.Spanish, []string{`token teamID = "A", archivo /team/id = "B"`}},
		{"token-undecodable", core.Error{Code: core.CodeToken, Cause: i18n.Plain("the token is not base64")}, i18n.English, []string{"the token is not base64"}},
	} {
		got := details(&c.e, c.lang)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: details = %q, want %q", c.name, got, c.want)
		}
	}
}

// checkedFiles lists every session file a check looked at, in path order.
func checkedFiles(r *core.Report) []string {
	var files []string
	for _, s := range r.Sessions {
		files = append(files, s.Path)
	}
	for _, e := range r.Errors {
		files = append(files, e.Path)
	}
	sort.Strings(files)
	return files
}

// A report written as the check produces it is, byte for byte, the report kept whole and then rendered, in every
// format; and its JSON is the Report's own encoding.
func TestStreamedIsKept(t *testing.T) {
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	// apps whose names sort apart from their paths ("a" before "a.b", but "a.b/x" before "a/x"), an empty app
	for _, p := range []string{"a/0001", "a.b/0002", "a/notes.txt", "zz/", "00.txt"} {
		if strings.HasSuffix(p, "/") {
			fsys.MkdirAll(root+"/"+p, 0o755)
			continue
		}
		afero.WriteFile(fsys, root+"/"+p, []byte(`{"broken":`), 0o644)
	}
	ctx := context.Background()
	for _, lang := range i18n.Langs {
		c := &core.Checker{}
		kept, err := c.Check(ctx, fsys, root, core.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Formats {
			o := Options{Lang: lang, Root: "ci"}
			var streamed, whole bytes.Buffer
			if err := c.CheckTo(ctx, fsys, root, core.CheckOptions{}, NewCheckWriter(&streamed, f, o)); err != nil {
				t.Fatal(err)
			}
			if err := Check(&whole, f, kept, o); err != nil {
				t.Fatal(err)
			}
			if streamed.String() != whole.String() {
				t.Errorf("%s %s: streamed\n%s\nkept\n%s", lang, f, streamed.String(), whole.String())
			}
			if f == JSON {
				var encoded bytes.Buffer
				if err := writeJSON(&encoded, kept.In(lang)); err != nil {
					t.Fatal(err)
				}
				if streamed.String() != encoded.String() {
					t.Errorf("%s: the streamed JSON is not the Report's encoding:\n%s\nwant\n%s", lang, streamed.String(), encoded.String())
				}
			}
		}
	}
}

// The report's own encoding of a session is encoding/json's, byte for byte, whatever the fields hold.
func TestAppendSessionIsEncodingJSON(t *testing.T) {
	yes, no := true, false
	texts := []string{"", "plain", `quo"te\back`, "tab\tnl\nbs\bff\fcr\r\x00\x1f\x7f", "<&>", "é日本\u2028\u2029", "bad\xffutf8\xc3", "\U0001F600"}
	var sessions []*core.Session
	for i, text := range texts {
		s := &core.Session{Path: "a/" + text, App: text, ID: text, Status: text, Email: text, ApplicationID: text,
			ApplicationName: text, ApplicationVersion: text, TeamID: text, Device: text, DeviceID: text, OS: text,
			OSVersion: text, Language: text, IP: text, Token: text}
		switch i % 3 {
		case 1:
			s.Simulator = &yes
		case 2:
			s.Simulator = &no
		}
		sessions = append(sessions, s)
	}
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	r, err := core.NewChecker(core.CheckerOptions{}).Check(context.Background(), fsys, root, core.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sessions = append(sessions, r.Sessions...)
	for _, s := range sessions {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("    ", "  ")
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendSession(nil, s, "    ")) + "\n"; got != want.String() {
			t.Errorf("got\n%s\nwant\n%s", got, want.String())
		}
	}
}

// FuzzAppendString: any text is escaped as encoding/json escapes it (without HTML escaping).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c", "\x00\x1f\u2028", "\xff\xfe", "日本<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendString(nil, s)) + "\n"; got != want.String() {
			t.Fatalf("%q: got %s want %s", s, got, want.String())
		}
	})
}
