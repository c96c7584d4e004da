package console

import (
	"encoding/json"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// The console's documents carry their words as i18n.Text: they are said in a language only here, at the border,
// where a method's answer is encoded. Changing the language re-renders the same documents; it checks nothing
// again.

// encode is a method's document as JSON, its words said in lang, or in its State's own language when it holds
// one (a state is said in the language it was computed for).
func encode(doc any, lang i18n.Lang) ([]byte, error) {
	switch d := doc.(type) {
	case *State:
		doc = d.In(d.Lang)
	case *File:
		doc = d.In(lang)
	case *Delta:
		doc = d.In(lang)
	case FileChange:
		doc = FileChange{File: d.File.In(lang), Delta: d.Delta.In(lang)}
	case Refreshed:
		doc = struct {
			Report ShownReport `json:"report"`
			Delta  *Delta      `json:"delta"`
		}{Shown(d.Report).In(lang), d.Delta.In(lang)}
	case *core.FixReport:
		doc = d.In(lang)
	case FixedAll:
		doc = FixedAll{Report: d.Report.In(d.State.Lang), State: d.State.In(d.State.Lang)}
	}
	return json.Marshal(doc)
}

// In is st with its words said in lang: the reports' errors, skipped entries and removals copied, the rest (the
// sessions, the memory) shared.
func (st *State) In(lang i18n.Lang) *State {
	out := *st
	out.Lang = lang
	out.Disk = st.Disk.In(lang)
	out.Words = core.WordsIn(lang)
	if p := st.Pending; p != nil {
		if sameErrors(p.Errors, st.Disk.Errors) { // the preview's errors are the check's: said once
			without := *p
			without.Errors = nil
			out.Pending = without.In(lang)
			out.Pending.Errors = out.Disk.Errors
		} else {
			out.Pending = p.In(lang)
		}
	}
	return &out
}

func sameErrors(a, b []*core.Error) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// In is f with its words said in lang.
func (f *File) In(lang i18n.Lang) *File {
	if f == nil {
		return nil
	}
	out := *f
	out.Error = f.Error.In(lang)
	out.Token = f.Token.In(lang)
	out.Actions.Blocked = f.Actions.Blocked.In(lang)
	out.Actions.Fix = f.Actions.Fix.In(lang)
	return &out
}
