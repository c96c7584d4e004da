package report

import (
	"io"

	"github.com/mobisess/mobisess/core"
)

// Check renders a kept report of a check (core.Report), as NewCheckWriter renders one as it is produced: the
// tests hold the streamed renderings to it. Text groups the files by app folder and in name order within one,
// as a check produces them; the other formats list the sessions and the errors each in the report's own order.
func Check(w io.Writer, f Format, r *core.Report, o Options) error {
	out := NewCheckWriter(w, f, o)
	if f == Text {
		return r.Replay(out)
	}
	apps := make([]string, len(r.Apps))
	for i, a := range r.Apps {
		apps[i] = a.Name
	}
	if err := out.Begin(orNone(r.Skipped), apps); err != nil {
		return err
	}
	for _, s := range r.Sessions {
		if err := out.File(s, nil); err != nil {
			return err
		}
	}
	for _, e := range r.Errors {
		if err := out.File(nil, e); err != nil {
			return err
		}
	}
	return out.End(orNone(r.Apps), r.Summary)
}

func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
