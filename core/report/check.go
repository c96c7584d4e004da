package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/mobisess/mobisess/core"
)

// jsonCheck writes the JSON of a check (the documented contract of --format json, as writeJSON would encode a
// core.Report) as it comes: each session at once; the errors, which come after every session, are kept.
type jsonCheck struct {
	w        *bufio.Writer
	sessions int
	errors   []*core.Error
	skipped  []core.Skipped
	buf      bytes.Buffer
	enc      *json.Encoder
	line     []byte // one session, reused
}

func (j *jsonCheck) Begin(skipped []core.Skipped, _ []string) error {
	j.skipped = skipped
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	_, err := j.w.WriteString("{\n  \"sessions\": [")
	return err
}

// value writes v as an element of an array or the value of a property at depth (1: the report's own), in the
// indentation writeJSON gives it.
func (j *jsonCheck) value(v any, depth int) error {
	j.buf.Reset()
	j.enc.SetIndent(strings.Repeat("  ", depth), "  ")
	if err := j.enc.Encode(v); err != nil {
		return err
	}
	_, err := j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

func (j *jsonCheck) File(s *core.Session, e *core.Error) error {
	if e != nil {
		j.errors = append(j.errors, e)
		return nil
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
	end := "\n  ],\n  \"errors\": "
	if j.sessions == 0 {
		end = "],\n  \"errors\": "
	}
	j.w.WriteString(end)
	for _, part := range []struct {
		name  string
		value any
	}{{"", orNone(j.errors)}, {"skipped", j.skipped}, {"apps", apps}, {"summary", summary}} {
		if part.name != "" {
			j.w.WriteString(",\n  \"" + part.name + "\": ")
		}
		if err := j.value(part.value, 1); err != nil {
			return err
		}
	}
	j.w.WriteString("\n}\n")
	return j.w.Flush()
}

func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// toolCheck keeps what the formats for tools need, the errors and the names of the files checked, and writes
// them at the end: JUnit counts its failures before it lists its cases.
type toolCheck struct {
	w      io.Writer
	format Format
	o      Options
	errors []*core.Error
	files  []string
}

func (t *toolCheck) Begin([]core.Skipped, []string) error { return nil }

func (t *toolCheck) File(s *core.Session, e *core.Error) error {
	if e != nil {
		t.errors = append(t.errors, e)
		t.files = append(t.files, e.Path)
	} else {
		t.files = append(t.files, s.Path)
	}
	return nil
}

func (t *toolCheck) End([]core.App, core.Summary) error {
	errs := orNone(t.errors)
	switch t.format {
	case JUnit:
		sort.Strings(t.files)
		return junit(t.w, "mobisess check", errs, t.files, t.o)
	case SARIF:
		return sarif(t.w, errs, t.o)
	}
	return github(t.w, errs, t.o)
}
