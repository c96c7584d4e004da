// Package report renders the engine's reports for people and for tools: text, JSON, JUnit XML, SARIF 2.1.0
// and GitHub workflow annotations. Every front end prints through it; none formats a report of its own.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// Format is an output format.
type Format string

const (
	Text   Format = "text"
	JSON   Format = "json"
	JUnit  Format = "junit"
	SARIF  Format = "sarif"
	GitHub Format = "github"
)

// Formats lists the formats, the default first.
var Formats = []Format{Text, JSON, JUnit, SARIF, GitHub}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want text, json, junit, sarif or github)", s)
}

// Options tune rendering.
type Options struct {
	Lang  i18n.Lang
	Color bool // ANSI colours, for a terminal
	// Root is the MobileApps folder as the user named it, '/'-separated ("exported/MobileApps"), or a zip as
	// named, with the folder inside it if one was named ("export.zip", "export.zip/Data/MobileApps"); "" for a
	// folder that has no name (the embedded sample). The text report names each file under it, as compilers
	// do, so that a terminal or an editor opens it (exported/MobileApps/APP/ID:28:9), and SARIF and GitHub
	// annotations so that they point into the repository. JSON and JUnit name files relative to the root.
	Root string
	// InZip says that Root names a zip, whose files are not on disk: SARIF and GitHub annotations then name
	// them relative to the root, and the text report as the zip's path and the path inside it, which
	// mobisess check opens again.
	InZip bool
}

// NewCheckWriter renders a check's report to w as the check produces it (core.Checker.CheckTo), so that a
// report of any size is written without being held: JSON and text write each session as it comes (text keeps
// one app's lines, to align them); the formats for tools keep the errors and the names of the files only.
func NewCheckWriter(w io.Writer, f Format, o Options) core.ReportWriter {
	switch f {
	case JSON:
		return &jsonCheck{w: bufio.NewWriterSize(w, 64<<10), lang: o.Lang}
	case JUnit, SARIF, GitHub:
		return &toolCheck{w: bufio.NewWriterSize(w, 64<<10), format: f, o: o}
	}
	return newTextCheck(w, o)
}

// Refresh renders the report of a refresh.
func Refresh(w io.Writer, f Format, r *core.RefreshReport, o Options) error {
	switch f {
	case JSON:
		return writeJSON(w, r.In(o.Lang))
	case JUnit:
		failed := map[string]bool{}
		for _, e := range r.Errors {
			failed[e.Path] = true
		}
		var files []checkedFile
		for _, p := range refreshedFiles(r) {
			files = append(files, checkedFile{p, failed[p]})
		}
		return junit(w, "mobisess refresh", errorsOf(r.Errors), files, o)
	case SARIF:
		return sarif(w, errorsOf(r.Errors), o)
	case GitHub:
		return github(w, errorsOf(r.Errors), o)
	}
	return refreshText(w, r, o)
}

// WriteJSON writes a document of the engine (a fix report, what a write did) as the reports are written.
func WriteJSON(w io.Writer, v any) error { return writeJSON(w, v) }

// writeJSON is the one JSON encoding of reports: the documented contract of --format json.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func refreshedFiles(r *core.RefreshReport) []string {
	var files []string
	for _, u := range r.Updated {
		files = append(files, u.Path)
	}
	for _, p := range append(append(r.Unchanged, r.NotLoaded...), r.Loaded...) {
		files = append(files, p.Path)
	}
	for _, e := range r.Errors {
		files = append(files, e.Path)
	}
	sort.Strings(files)
	return dedupe(files)
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func appOf(p string) string {
	app, _, _ := strings.Cut(p, "/")
	return app
}

// toolPath is a report path as the formats for tools name it: in the repository, where the file is on disk.
func toolPath(o Options, rel string) string {
	if o.InZip {
		return rel
	}
	return textPath(o, rel)
}

// textPath is a report path as the text report names it: under the root as the user named it.
func textPath(o Options, rel string) string {
	if o.Root == "" {
		return rel
	}
	return path.Join(o.Root, rel)
}

// details are the lines under an error that say how to fix it, in the report's language.
func details(e *core.Error, lang i18n.Lang) []string {
	var out []string
	// For a token mismatch the engine's cause repeats the first mismatch: list every mismatch alike instead.
	if !e.Cause.IsZero() && len(e.Mismatches) == 0 {
		out = append(out, e.Cause.Render(lang))
	}
	for _, v := range e.Violations {
		out = append(out, fmt.Sprintf("%s (%d:%d): %s", pointerOrRoot(v.Pointer), v.Line, v.Column, v.Message.Render(lang)))
	}
	if e.Expected != nil {
		out = append(out, lang.Sprintf(msgExpected, e.Expected.Folder+"/"+e.Expected.File))
	}
	for _, m := range e.Mismatches {
		out = append(out, lang.Sprintf(msgMismatch, m.Field, m.Token, m.Property, m.File))
	}
	return out
}

// location is an error's path, with line and column when the error has a place.
func location(e *core.Error) string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d", e.Path, e.Line, e.Column)
	}
	return e.Path
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// oneLine is an error as one line, for formats that have room for one message.
func oneLine(e *core.Error, lang i18n.Lang) string {
	parts := append([]string{e.Message.Render(lang)}, details(e, lang)...)
	return strings.Join(parts, "; ")
}
