package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
)

func fix(ctx context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(o.positionals) != 1 {
		return fail(stderr, "fix takes one folder or .zip: DIR")
	}
	f, err := openFolder(fsys, o.positionals[0], o, false)
	if err != nil {
		return fail(stderr, err)
	}
	done := o.withProgress(stderr, "checking")
	rep, err := o.checker.FixFolder(ctx, f.fsys, f.root, core.FixOptions{DryRun: o.dryRun})
	done()
	if err != nil {
		return fail(stderr, o.explain(err))
	}
	if err := f.save(o, fsys); err != nil {
		return fail(stderr, err)
	}
	if code := f.report(o, stdout, stderr, rep, fixText(rep, o.lang)); code != exitOK {
		return code
	}
	for _, file := range rep.Files {
		if file.Refused != "" {
			fmt.Fprintf(stderr, "mobisess: a fix was refused: %s\n", file.Refused)
			return exitInput
		}
	}
	if len(rep.Errors) > 0 {
		return exitErrors
	}
	return exitOK
}

// fixText is a fix report for people: each failed file with its error, then each of its fixes with what became
// of it and the values an edit changes, then how many fixes were applied and errors are left.
func fixText(r *core.FixReport, lang core.Lang) []string {
	if len(r.Files) == 0 {
		return []string{lang.Sprintf(msgNothing)}
	}
	width := 0
	for _, m := range []core.Msg{msgFixed, msgToFix, msgRefused, msgNotApplied, msgNoFix} {
		width = max(width, len([]rune(lang.Sprintf(m))))
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	fixes := 0
	for _, file := range r.Files {
		add("%s  mobi %d  %s", file.Path, file.Error.Code, file.Error.Message)
		for i, fix := range file.Fixes {
			state := msgNotApplied
			switch {
			case fix.Kind == core.FixNone:
				state = msgNoFix
			case r.DryRun:
				state = msgToFix
				fixes++
			case i < file.Applied:
				state = msgFixed
				fixes++
			case i == file.Applied && file.Refused != "":
				state = msgRefused
			}
			label := lang.Sprintf(state)
			add("  %s%s  mobi %d  %s", label, strings.Repeat(" ", width-len([]rune(label))), fix.Code, fix.Title)
			for _, c := range fix.Changes {
				add("      %s: %s → %s", c.Pointer, value(c.Old, lang), value(c.New, lang))
			}
			if state == msgRefused {
				add("      %s", file.Refused)
			}
		}
	}
	summary, done, left := msgFixSummary, countApplied, countLeft
	if r.DryRun {
		summary, done, left = msgDrySummary, countToApply, countWouldLeft
	}
	return append(lines, lang.Sprintf(summary, done.of(lang, fixes), left.of(lang, len(r.Errors))))
}

func value(v json.RawMessage, lang core.Lang) string {
	if v == nil {
		return lang.Sprintf(msgAbsent)
	}
	return string(v)
}

// printJSON prints a document as the reports' JSON is printed: indented, HTML characters as they are.
func printJSON(stdout, stderr io.Writer, doc any) int {
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
