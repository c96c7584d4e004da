package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// jsonCheck writes the JSON of a check (the documented contract of --format json, as writeJSON would encode a
// core.Report) as it comes: each session at once; the errors, which come after every session, are kept in an
// errorLog.
type jsonCheck struct {
	w        *bufio.Writer
	lang     i18n.Lang // what its words are said in
	sessions int
	errors   errorLog
	skipped  []core.Skipped
	values   *jsonValues
	line     []byte // one session, reused
}

func (j *jsonCheck) Begin(skipped []core.Skipped, _ []string) error {
	j.skipped = skipped
	j.values = newJSONValues(j.w)
	_, err := j.w.WriteString("{\n  \"sessions\": [")
	return err
}

func (j *jsonCheck) File(s *core.Session, e *core.Error) error {
	if e != nil {
		return j.errors.add(e.In(j.lang))
	}
	sep := ",\n    "
	if j.sessions == 0 {
		sep = "\n    "
	}
	j.sessions++
	j.line = appendSession(append(j.line[:0], sep...), s, "    ")
	_, err := j.w.Write(j.line)
	return err
}

func (j *jsonCheck) End(apps []core.App, summary core.Summary) error {
	end := "\n  ],\n  \"errors\": ["
	if j.sessions == 0 {
		end = "],\n  \"errors\": ["
	}
	j.w.WriteString(end)
	n := 0
	err := j.errors.each(func(e *core.Error) error {
		n++
		return j.values.element(n-1, e, 2)
	})
	if err != nil {
		return err
	}
	if n > 0 {
		j.w.WriteString("\n  ")
	}
	j.w.WriteString("]")
	for _, part := range []struct {
		name  string
		value any
	}{{"skipped", (&core.Report{Skipped: j.skipped}).In(j.lang).Skipped}, {"apps", apps}, {"summary", summary}} {
		j.w.WriteString(",\n  \"" + part.name + "\": ")
		if err := j.values.value(part.value, 1); err != nil {
			return err
		}
	}
	j.w.WriteString("\n}\n")
	return j.w.Flush()
}

// jsonValues writes values inside a document as writeJSON indents them, one at a time.
type jsonValues struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

func newJSONValues(w io.Writer) *jsonValues {
	v := &jsonValues{w: w}
	v.enc = json.NewEncoder(&v.buf)
	v.enc.SetEscapeHTML(false)
	return v
}

// value writes v as the value of a property or an element of an array at depth (1: the document's own).
func (v *jsonValues) value(x any, depth int) error {
	v.buf.Reset()
	v.enc.SetIndent(strings.Repeat("  ", depth), "  ")
	if err := v.enc.Encode(x); err != nil {
		return err
	}
	_, err := v.w.Write(bytes.TrimSuffix(v.buf.Bytes(), []byte("\n")))
	return err
}

// element writes x as the i-th element of an array whose elements are at depth.
func (v *jsonValues) element(i int, x any, depth int) error {
	sep := ","
	if i == 0 {
		sep = ""
	}
	if _, err := io.WriteString(v.w, sep+"\n"+strings.Repeat("  ", depth)); err != nil {
		return err
	}
	return v.value(x, depth)
}

// toolCheck keeps what the formats for tools need, the errors (in an errorLog) and the names of the files
// checked, and writes them at the end: JUnit counts its failures before it lists its cases, and SARIF's results
// sit inside its log. GitHub's annotations are written as they come.
type toolCheck struct {
	w      *bufio.Writer
	format Format
	o      Options
	errors errorLog
	files  []checkedFile
}

func (t *toolCheck) Begin([]core.Skipped, []string) error { return nil }

func (t *toolCheck) File(s *core.Session, e *core.Error) error {
	switch {
	case t.format == GitHub:
		if e != nil {
			return github(t.w, errorsOf([]*core.Error{e}), t.o)
		}
		return nil
	case e != nil:
		t.files = append(t.files, checkedFile{e.Path, true})
		return t.errors.add(e.In(t.o.Lang)) // kept as its words
	}
	t.files = append(t.files, checkedFile{s.Path, false})
	return nil
}

func (t *toolCheck) End([]core.App, core.Summary) error {
	var err error
	switch t.format {
	case JUnit:
		sort.Slice(t.files, func(i, j int) bool { return t.files[i].path < t.files[j].path })
		err = junit(t.w, "mobisess check", t.errors.stream(), t.files, t.o)
	case SARIF:
		err = sarif(t.w, t.errors.stream(), t.o)
	}
	if err != nil {
		return err
	}
	return t.w.Flush()
}
