package console

import (
	"errors"

	"github.com/mobisess/mobisess/core"
)

// Error is a refused or failed call, as the console shows it: the one error document of the console's methods,
// in the wasm module's rejections and the dev server's answers alike (docs/api.md, "Errors").
type Error struct {
	Message string    `json:"message"`
	Kind    core.Kind `json:"kind"`
	// Root is, for a zip whose root is probably not the folder meant (kind wrongroot), the folder inside the
	// zip that openZip's root parameter opens instead; absent when there is none to open.
	Root string `json:"root,omitempty"`
	// Entry is what a refused delete names (kind "foreign"): the first entry of the folder that 4D does not
	// put in a MobileApps folder, which a forced delete would take too.
	Entry string `json:"entry,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// ErrorOf is err as the console shows it, of the kind core says it is (core.KindOf).
func ErrorOf(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	out := &Error{Message: err.Error(), Kind: core.KindOf(err), Entry: core.ForeignEntry(err)}
	var wr *core.WrongRootError
	if errors.As(err, &wr) {
		out.Root, _ = wr.MeantInZip()
	}
	return out
}
