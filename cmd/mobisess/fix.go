package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/report"
)

func fix(ctx context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(o.positionals) != 1 {
		return fail(stderr, "fix takes one folder or .zip: DIR")
	}
	f, err := openFolder(fsys, o.positionals[0], o, false)
	if err == nil {
		err = checkRoot(fsys, f.fsys, f.root, f.name)
	}
	if err != nil {
		return fail(stderr, err)
	}
	_, done := o.withProgress(stderr, "checking")
	rep, err := o.checker.FixFolder(ctx, f.fsys, f.root, core.FixOptions{DryRun: o.dryRun, Trust: o.trust})
	done()
	if err != nil {
		return fail(stderr, o.explain(err))
	}
	if err := f.save(o, fsys); err != nil {
		return fail(stderr, err)
	}
	if code := f.report(o, stdout, stderr, rep.In(o.lang), report.FixText(rep, o.renderOptions(f.name, f.zip))); code != exitOK {
		return code
	}
	for _, file := range rep.Files {
		if !file.Refused.IsZero() {
			fmt.Fprintf(stderr, "mobisess: a fix was refused: %s\n", report.Printable(file.Refused.Render(o.lang)))
			return exitInput
		}
	}
	if len(rep.Errors) > 0 {
		return exitErrors
	}
	return exitOK
}

// printJSON prints a document as the reports' JSON is printed.
func printJSON(stdout, stderr io.Writer, doc any) int {
	if err := report.WriteJSON(stdout, doc); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
