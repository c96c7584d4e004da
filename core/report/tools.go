package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/mobisess/mobisess/core"
)

// junit writes one test suite per app folder and one test case per session file; a file with an error fails.
func junit(w io.Writer, name string, errs []*core.Error, files []string, o Options) error {
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
	type testsuites struct {
		XMLName  xml.Name    `xml:"testsuites"`
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Suites   []testsuite `xml:"testsuite"`
	}
	byPath := map[string]*core.Error{}
	for _, e := range errs {
		byPath[e.Path] = e
	}
	doc := testsuites{Name: name}
	index := map[string]int{}
	for _, f := range files {
		app := appOf(f)
		i, ok := index[app]
		if !ok {
			i = len(doc.Suites)
			index[app] = i
			doc.Suites = append(doc.Suites, testsuite{Name: app})
		}
		s := &doc.Suites[i]
		tc := testcase{Name: f, Classname: app}
		if e := byPath[f]; e != nil {
			// Not e.Error(): it ends with the cause, which the details list already.
			body := strings.Join(append([]string{fmt.Sprintf("mobi %d: %s: %s", e.Code, location(e), e.Message)}, details(e, o.Lang)...), "\n")
			tc.Failure = &failure{Message: e.Message, Type: fmt.Sprintf("mobi %d", e.Code), Body: body}
			s.Failures++
			doc.Failures++
		}
		s.Tests++
		doc.Tests++
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// sarif writes a SARIF 2.1.0 log with one rule per mobi code and one result per error.
func sarif(w io.Writer, errs []*core.Error, o Options) error {
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
			ShortDescription: message{core.ErrorMessage(o.Lang, code)},
		})
	}
	r.ColumnKind = "unicodeCodePoints" // the engine counts columns in characters
	r.Results = []result{}
	for _, e := range errs {
		loc := location{PhysicalLocation: physicalLocation{ArtifactLocation: artifactLocation{URI: fileURI(o, e.Path)}}}
		if e.Line > 0 {
			loc.PhysicalLocation.Region = &region{StartLine: e.Line, StartColumn: e.Column}
		}
		r.Results = append(r.Results, result{
			RuleID: fmt.Sprintf("mobi%d", e.Code), RuleIndex: int(e.Code) - 1, Level: "error",
			Message: message{oneLine(e, o.Lang)}, Locations: []location{loc},
		})
	}
	return writeJSON(w, log{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []run{r}})
}

// fileURI is a report path as a relative URI reference: a folder named "My Apps" must become My%20Apps.
func fileURI(o Options, rel string) string {
	return (&url.URL{Path: filePath(o, rel)}).String()
}

// github writes workflow commands that GitHub Actions shows as annotations on the files.
func github(w io.Writer, errs []*core.Error, o Options) error {
	for _, e := range errs {
		props := "file=" + escapeProperty(filePath(o, e.Path))
		if e.Line > 0 {
			props += fmt.Sprintf(",line=%d,col=%d", e.Line, e.Column)
		}
		props += ",title=" + escapeProperty(fmt.Sprintf("mobi %d", e.Code))
		if _, err := fmt.Fprintf(w, "::error %s::%s\n", props, escapeData(oneLine(e, o.Lang))); err != nil {
			return err
		}
	}
	return nil
}

// escapeData and escapeProperty follow the workflow command syntax of GitHub Actions.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
