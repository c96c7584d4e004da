package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/mobisess/mobisess/core"
)

// errorStream gives a report's errors one at a time, in the order they were raised: nil at the end.
type errorStream func() (*core.Error, error)

func errorsOf(errs []*core.Error) errorStream {
	return func() (*core.Error, error) {
		if len(errs) == 0 {
			return nil, nil
		}
		e := errs[0]
		errs = errs[1:]
		return e, nil
	}
}

// checkedFile is a session file a report names, and whether it has an error.
type checkedFile struct {
	path   string
	failed bool
}

// junit writes one test suite per app folder and one test case per session file, in path order; a file with an
// error fails. The suites are written one at a time: the whole document is never held.
func junit(w io.Writer, name string, errs errorStream, files []checkedFile, o Options) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure,omitempty"`
	}
	type testsuite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Errors   int        `xml:"errors,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	failures := 0
	for _, f := range files {
		if f.failed {
			failures++
		}
	}
	// The errors come in the order raised, the files in path order: an error met before its file waits here.
	ahead := map[string]*core.Error{}
	errorOf := func(path string) (*core.Error, error) {
		for ahead[path] == nil {
			e, err := errs()
			if err != nil || e == nil {
				return nil, err
			}
			ahead[e.Path] = e
		}
		e := ahead[path]
		delete(ahead, path)
		return e, nil
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: name},
		{Name: xml.Name{Local: "tests"}, Value: strconv.Itoa(len(files))},
		{Name: xml.Name{Local: "failures"}, Value: strconv.Itoa(failures)},
	}}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for i := 0; i < len(files); {
		app := appOf(files[i].path)
		s := testsuite{Name: Printable(app)}
		for ; i < len(files) && appOf(files[i].path) == app; i++ { // an app's files are together in path order
			f := files[i]
			tc := testcase{Name: Printable(f.path), Classname: Printable(app)}
			if f.failed {
				e, err := errorOf(f.path)
				if err != nil {
					return err
				}
				if e != nil {
					// Not e.Error(): it ends with the cause, which the details list already.
					lines := append([]string{fmt.Sprintf("mobi %d: %s: %s", e.Code, location(e), e.Message.Render(o.Lang))}, details(e, o.Lang)...)
					for i, l := range lines {
						lines[i] = Printable(l)
					}
					tc.Failure = &failure{Message: Printable(e.Message.Render(o.Lang)), Type: fmt.Sprintf("mobi %d", e.Code), Body: strings.Join(lines, "\n")}
					s.Failures++
				}
			}
			s.Tests++
			s.Cases = append(s.Cases, tc)
		}
		if err := enc.EncodeElement(s, xml.StartElement{Name: xml.Name{Local: "testsuite"}}); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// sarif writes a SARIF 2.1.0 log with one rule per mobi code and one result per error.
func sarif(w io.Writer, errs errorStream, o Options) error {
	type message struct {
		Text string `json:"text"`
	}
	type region struct {
		StartLine   int `json:"startLine,omitempty"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type artifactLocation struct {
		URI string `json:"uri"`
	}
	type physicalLocation struct {
		ArtifactLocation artifactLocation `json:"artifactLocation"`
		Region           *region          `json:"region,omitempty"`
	}
	type location struct {
		PhysicalLocation physicalLocation `json:"physicalLocation"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		RuleIndex int        `json:"ruleIndex"`
		Level     string     `json:"level"`
		Message   message    `json:"message"`
		Locations []location `json:"locations"`
	}
	type rule struct {
		ID               string  `json:"id"`
		Name             string  `json:"name"`
		ShortDescription message `json:"shortDescription"`
	}
	type driver struct {
		Name           string `json:"name"`
		InformationURI string `json:"informationUri"`
		Rules          []rule `json:"rules"`
	}
	type run struct {
		Tool struct {
			Driver driver `json:"driver"`
		} `json:"tool"`
		ColumnKind string   `json:"columnKind"`
		Results    []result `json:"results"`
	}
	type log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []run  `json:"runs"`
	}
	names := []string{"", "LocationMismatch", "MalformedJSON", "SchemaViolation", "TokenMismatch"}
	var r run
	r.Tool.Driver = driver{Name: "mobisess", InformationURI: "https://developer.4d.com/docs/commands/mobile-app-refresh-sessions"}
	for code := core.CodeLocation; code <= core.CodeToken; code++ {
		r.Tool.Driver.Rules = append(r.Tool.Driver.Rules, rule{
			ID: fmt.Sprintf("mobi%d", code), Name: names[code],
			ShortDescription: message{core.CodeMessage(code).Render(o.Lang)},
		})
	}
	r.ColumnKind = "unicodeCodePoints" // the engine counts columns in characters
	r.Results = []result{}
	// The log is written around its results, which are written as they come: a log of many errors is not held.
	var whole bytes.Buffer
	if err := writeJSON(&whole, log{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []run{r}}); err != nil {
		return err
	}
	head, tail, _ := bytes.Cut(whole.Bytes(), []byte(`"results": []`))
	if _, err := w.Write(append(head, `"results": [`...)); err != nil {
		return err
	}
	out := newJSONValues(w)
	n := 0
	for {
		e, err := errs()
		if err != nil {
			return err
		}
		if e == nil {
			break
		}
		loc := location{PhysicalLocation: physicalLocation{ArtifactLocation: artifactLocation{URI: fileURI(o, e.Path)}}}
		if e.Line > 0 {
			loc.PhysicalLocation.Region = &region{StartLine: e.Line, StartColumn: e.Column}
		}
		if err := out.element(n, result{
			RuleID: fmt.Sprintf("mobi%d", e.Code), RuleIndex: int(e.Code) - 1, Level: "error",
			Message: message{Printable(oneLine(e, o.Lang))}, Locations: []location{loc},
		}, 4); err != nil {
			return err
		}
		n++
	}
	if n > 0 {
		if _, err := io.WriteString(w, "\n      "); err != nil {
			return err
		}
	}
	_, err := w.Write(append([]byte("]"), tail...))
	return err
}

// fileURI is a report path as a relative URI reference: a folder named "My Apps" must become My%20Apps, and a
// control character in a name is percent-encoded like the space (the URI still names the file, and carries no
// control character).
func fileURI(o Options, rel string) string {
	return (&url.URL{Path: toolPath(o, rel)}).String()
}

// github writes workflow commands that GitHub Actions shows as annotations on the files.
func github(w io.Writer, errs errorStream, o Options) error {
	for {
		e, err := errs()
		if err != nil || e == nil {
			return err
		}
		props := "file=" + escapeProperty(Printable(toolPath(o, e.Path)))
		if e.Line > 0 {
			props += fmt.Sprintf(",line=%d,col=%d", e.Line, e.Column)
		}
		props += ",title=" + escapeProperty(fmt.Sprintf("mobi %d", e.Code))
		if _, err := fmt.Fprintf(w, "::error %s::%s\n", props, escapeData(Printable(oneLine(e, o.Lang)))); err != nil {
			return err
		}
	}
}

// escapeData and escapeProperty follow the workflow command syntax of GitHub Actions, on text made Printable
// first: the runner's log would pass an ESC or a BEL on to whoever reads it.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string { return dataEscaper.Replace(s) }

func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
