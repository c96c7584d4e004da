package core

import (
	"errors"
	"fmt"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/zipfs"
)

// Component is the 4D component name of every error the engine raises, as in 4D's error stack.
const Component = "mobi"

// Code is a mobi error code, as documented for MOBILE APP REFRESH SESSIONS.
type Code int

const (
	CodeLocation  Code = 1 // the file's location does not match its content
	CodeMalformed Code = 2 // the file is not well formed JSON (or cannot be read)
	CodeSchema    Code = 3 // the file does not validate the JSON schema
	CodeToken     Code = 4 // the connection token does not match the session
)

// Error is the one error type of the engine: a failed check of one session file. Every front end (CLI formats,
// HTTP, wasm, console) renders this same value; its messages are i18n.Text, said in the language of whoever
// shows them (In).
type Error struct {
	Component string    `json:"component"`
	Code      Code      `json:"code"`
	Path      string    `json:"path"`
	Message   i18n.Text `json:"message"` // the words of 4D's documentation for the code
	Line      int       `json:"line,omitempty"`
	Column    int       `json:"column,omitempty"`
	// Cause is one sentence on what exactly failed (syntax detail, read failure, token decoding).
	Cause      i18n.Text   `json:"cause,omitzero"`
	Violations []Violation `json:"violations,omitempty"`
	Expected   *Expected   `json:"expected,omitempty"`
	Mismatches []Mismatch  `json:"mismatches,omitempty"`
}

// Violation is one schema violation, placed in the file.
type Violation struct {
	Pointer string    `json:"pointer"`
	Line    int       `json:"line,omitempty"`
	Column  int       `json:"column,omitempty"`
	Message i18n.Text `json:"message"`
}

// Expected is where a file should be, given its content (mobi 1).
type Expected struct {
	Folder string `json:"folder"`
	File   string `json:"file"`
}

// Mismatch is one field of the connection token that differs from the file (mobi 4).
type Mismatch struct {
	Field    string `json:"field"`
	Property string `json:"property"`
	Token    string `json:"token"`
	File     string `json:"file"`
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s %d: %s", e.Component, e.Code, e.Path)
	if e.Line > 0 {
		s += fmt.Sprintf(":%d:%d", e.Line, e.Column)
	}
	s += ": " + e.Message.String()
	if !e.Cause.IsZero() {
		s += ": " + e.Cause.String()
	}
	return s
}

// In is e with its messages said in lang, a copy: e may be shared, by a report and the memory's cache of
// failed files.
func (e *Error) In(lang i18n.Lang) *Error {
	if e == nil {
		return nil
	}
	out := *e
	out.Message, out.Cause = e.Message.In(lang), e.Cause.In(lang)
	out.Violations = allIn(e.Violations, lang, Violation.In)
	return &out
}

// In is v with its message said in lang.
func (v Violation) In(lang i18n.Lang) Violation {
	v.Message = v.Message.In(lang)
	return v
}

// Kind classifies the errors of operations (not of checks), so that each front end maps them once:
// to an HTTP status, an exit code, a worker error.
type Kind string

const (
	KindInput    Kind = "input"    // bad zip, bad path, bad request
	KindConflict Kind = "conflict" // the file changed since the caller read it
	KindNotFound Kind = "notfound"
	KindReadonly Kind = "readonly"
	// KindForeign is a delete refused because the folder holds what 4D does not put in a MobileApps folder
	// (ForeignError names it); a forced delete takes it too.
	KindForeign  Kind = "foreign"
	KindInternal Kind = "internal"
)

// OpError is an operation that was refused or failed, naming the file concerned.
type OpError struct {
	Kind Kind
	Path string
	Msg  string
}

func (e *OpError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// KindOf says which kind an operation's error is.
func KindOf(err error) Kind {
	var op *OpError
	var ze *zipfs.Error
	var wr *WrongRootError
	var fe *ForeignError
	var fmtErr *FormatError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &fe):
		return KindForeign
	case errors.As(err, &fmtErr):
		return KindInput
	case errors.As(err, &op):
		return op.Kind
	case errors.As(err, &ze):
		return KindInput
	case errors.As(err, &wr):
		return KindWrongRoot
	}
	return KindInternal
}
