// Package api is the console's one entry point to the engine: a method name and JSON parameters in, JSON out.
// The wasm module and the dev server both call it, so the browser and server modes behave alike; it decides
// no rule itself, it only maps calls to core.Workspace. The methods are documented in docs/api.md.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
)

// Result is what a call returns: a JSON document, and bytes for the calls that produce a file (download).
type Result struct {
	JSON  []byte
	Bytes []byte
}

// Error is a refused or failed call, as the console shows it.
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

// Progress reports long work: phase is "import", "check" or "refresh".
type Progress func(phase string, done, total int)

// API holds the workspace the console works on.
type API struct {
	mu      sync.RWMutex // held shared by sharedMethods, alone by the calls that change the fields below
	ws      *core.Workspace
	checker *core.Checker // what a zip or the sample is opened with; its language follows setLang
	// canOpen allows openZip, openSample and openFolder, which replace the workspace (browser mode only).
	canOpen  bool
	progress Progress
}

// Options configure an API.
type Options struct {
	// Checker checks the folders that openZip and openSample open (nil: the embedded schema, English, the
	// default limits).
	Checker  *core.Checker
	CanOpen  bool
	Progress Progress
}

// New returns an API over ws (nil until openZip or openSample when CanOpen).
func New(ws *core.Workspace, o Options) *API {
	switch {
	case o.Checker != nil:
	case ws != nil:
		o.Checker = ws.Checker()
	default:
		o.Checker = &core.Checker{}
	}
	return &API{ws: ws, checker: o.Checker, canOpen: o.CanOpen, progress: o.Progress}
}

// sharedMethods leave the API's own fields alone (the workspace, the language), so they run side by side; the
// workspace serialises the changes among them, and the registry its refreshes. A save or a refresh then does not
// wait behind every state.
var sharedMethods = map[string]bool{
	"state": true, "read": true, "download": true, "write": true, "remove": true, "setStatus": true, "create": true, "fix": true,
	"refresh": true, "restart": true, "edits": true, "folderWrites": true, "folderWritten": true,
}

// Call runs one method. data carries the bytes of openZip and openFolder.
func (a *API) Call(ctx context.Context, method string, params []byte, data []byte) (res Result, err error) {
	if sharedMethods[method] {
		a.mu.RLock()
		defer a.mu.RUnlock()
	} else {
		a.mu.Lock()
		defer a.mu.Unlock()
	}
	defer func() {
		// A panic is a bug, but the console must show it rather than die with it.
		if p := recover(); p != nil {
			err = &Error{Message: fmt.Sprintf("internal error in %s: %v", method, p), Kind: core.KindInternal}
		}
	}()
	var v any
	switch method {
	case "openZip":
		v, err = a.openZip(ctx, params, data)
	case "openSample":
		v, err = a.openSample(ctx, params)
	case "planFolder":
		v, err = a.planFolder(params)
	case "openFolder":
		v, err = a.openFolder(ctx, params, data)
	case "discardEdits":
		v, err = a.discardEdits(ctx, params)
	case "download":
		return a.download()
	default:
		if a.ws == nil {
			return Result{}, &Error{Message: "no folder is open", Kind: core.KindInput}
		}
		v, err = a.call(ctx, method, params)
	}
	if err != nil {
		return Result{}, toError(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return Result{}, toError(err)
	}
	return Result{JSON: out}, nil
}

func toError(err error) *Error {
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

// Decode reads a method's parameters strictly: a property the method does not take is an error, so that a typo
// is not silently ignored; so is anything after the parameters' object. Empty parameters are {}. Text that is
// not UTF-8, raw or escaped (a lone surrogate, \ud800), is refused: encoding/json would put U+FFFD in its
// place, and a file saved from it would not hold what the caller sent.
func Decode(params []byte, v any) error {
	if len(bytes.TrimSpace(params)) == 0 {
		params = []byte("{}")
	}
	bad := func(why string) error { return &Error{Message: "bad parameters: " + why, Kind: core.KindInput} }
	if !utf8.Valid(params) {
		return bad("they are not UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bad(err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad("more follows the parameters' object")
	}
	if at := loneSurrogate(params); at >= 0 {
		return bad(fmt.Sprintf("a string holds %s, half of a UTF-16 pair: it is not UTF-8 text", params[at:at+6]))
	}
	return nil
}

// loneSurrogate is the offset of the first \uXXXX escape in JSON text (read already: well formed) that is
// half of a UTF-16 surrogate pair without the other half, or -1.
func loneSurrogate(text []byte) int {
	hex := func(at int) (rune, bool) {
		if at+6 > len(text) || text[at] != '\\' || text[at+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(text[at+2:at+6]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '\\' {
			continue
		}
		r, ok := hex(i)
		if !ok {
			i++ // an escape of one character: the backslash of "\\" is not the start of another
			continue
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xDC00:
			if low, ok := hex(i + 6); ok && low >= 0xDC00 && low <= 0xDFFF {
				i += 11
				continue
			}
			return i
		case utf16.IsSurrogate(r):
			return i
		}
		i += 5
	}
	return -1
}

// The parameters of the console's methods (docs/api.md), read alike by the wasm module and the dev server.
type (
	LangParams struct {
		Lang string `json:"lang"`
	}
	PathParams struct {
		Path string `json:"path"`
	}
	// WriteParams: ETag "" creates, nil forces.
	WriteParams struct {
		Path    string  `json:"path"`
		Content string  `json:"content"`
		ETag    *string `json:"etag"`
	}
	// RemoveParams: Force deletes a folder that holds what 4D does not put there (after a refusal of kind
	// "foreign" that named it).
	RemoveParams struct {
		Path  string `json:"path"`
		ETag  string `json:"etag"`
		Force bool   `json:"force"`
	}
	StatusParams struct {
		Path   string `json:"path"`
		Status string `json:"status"`
		ETag   string `json:"etag"`
	}
	// FixParams: the file, as read with ETag, whose proposed fix (File.actions.fix) to apply; Trust names the
	// choice to apply where the fix offers choices (place, content or token).
	FixParams struct {
		Path  string `json:"path"`
		ETag  string `json:"etag"`
		Trust string `json:"trust,omitempty"`
	}
	// EditsParams: since, the Seq of the EditSet last received (0: every edit).
	EditsParams struct {
		Since uint64 `json:"since"`
	}
	// OpenParams open a zip (Name; its bytes beside the parameters) or the sample, in Lang, with the Edits kept
	// from an earlier visit re-applied.
	OpenParams struct {
		Name  string      `json:"name"`
		Lang  string      `json:"lang"`
		Root  string      `json:"root"` // the folder inside the zip to open, "" for the zip's own root
		Edits []core.Edit `json:"edits"`
	}
)

// Side is the side that p trusts, "" for none.
func (p FixParams) Side() (core.Witness, error) {
	if p.Trust == "" {
		return "", nil
	}
	return core.ParseWitness(p.Trust)
}

// WriteOptions are the write options that p asks for.
func (p WriteParams) WriteOptions() core.WriteOptions {
	if p.ETag == nil {
		return core.WriteOptions{Force: true}
	}
	return core.WriteOptions{IfMatch: *p.ETag}
}

// DeleteOptions are the delete options that p asks for.
func (p RemoveParams) DeleteOptions() core.DeleteOptions {
	return core.DeleteOptions{IfMatch: p.ETag, Force: p.Force}
}

// FileState is the answer of the calls that change one file: the file as it now is, and what the console shows.
type FileState struct {
	File  *core.File  `json:"file"`
	State *core.State `json:"state"`
}

// Refreshed is the answer of refresh.
type Refreshed struct {
	Report *core.RefreshReport `json:"report"`
	State  *core.State         `json:"state"`
}

// ParseLang reads a language parameter; "" is none.
func ParseLang(s string) (core.Lang, error) {
	l, err := core.ParseLang(s)
	if err != nil {
		return "", &Error{Message: err.Error(), Kind: core.KindInput}
	}
	return l, nil
}

// ErrCannotOpen is openZip, openSample and openFolder where the console works on a server's folder.
var ErrCannotOpen = &Error{Message: "this console works on its server's folder; it cannot open another", Kind: core.KindInput}

func (a *API) setLang(s string) error {
	if s == "" {
		return nil
	}
	l, err := ParseLang(s)
	if err != nil {
		return err
	}
	a.checker = a.checker.WithLang(l)
	return nil
}

// open replaces the workspace with the one open returns, once edits (kept from an earlier visit) are re-applied
// to it: the workspace stays as it was when either fails.
func (a *API) open(ctx context.Context, edits []core.Edit, open func(*core.Checker, core.WorkspaceOptions) (*core.Workspace, error)) (*core.State, error) {
	if !a.canOpen {
		return nil, ErrCannotOpen
	}
	ws, err := open(a.checker, core.WorkspaceOptions{Progress: a.progress})
	if err != nil {
		return nil, err
	}
	if len(edits) > 0 {
		if err := ws.ApplyEdits(edits); err != nil {
			return nil, err
		}
	}
	a.ws = ws
	return ws.State(ctx)
}

func (a *API) openZip(ctx context.Context, params, data []byte) (*core.State, error) {
	var p OpenParams
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	if err := a.setLang(p.Lang); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, &Error{Message: p.Name + ": the file is empty", Kind: core.KindInput}
	}
	if a.progress != nil {
		a.progress("import", 0, 1)
	}
	return a.open(ctx, p.Edits, func(c *core.Checker, o core.WorkspaceOptions) (*core.Workspace, error) {
		return core.OpenZipAt(ctx, data, p.Name, p.Root, c, o) // the page names the file already
	})
}

func (a *API) openSample(ctx context.Context, params []byte) (*core.State, error) {
	var p struct {
		Lang  string      `json:"lang"`
		Edits []core.Edit `json:"edits"`
	}
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	if err := a.setLang(p.Lang); err != nil {
		return nil, err
	}
	return a.open(ctx, p.Edits, func(c *core.Checker, o core.WorkspaceOptions) (*core.Workspace, error) {
		fsys, root, err := sample.Open()
		if err != nil {
			return nil, err
		}
		o.Source, o.Mode, o.Exclusive = "sample", "browser", true
		return core.OpenEditable(ctx, fsys, root, c, o) // its edits kept beside it, as a zip's
	})
}

// discardEdits opens the workspace's source again as it was opened, every edit dropped.
func (a *API) discardEdits(ctx context.Context, params []byte) (*core.State, error) {
	if err := Decode(params, &struct{}{}); err != nil {
		return nil, err
	}
	if !a.canOpen {
		return nil, ErrCannotOpen
	}
	if a.ws == nil {
		return nil, &Error{Message: "no folder is open", Kind: core.KindInput}
	}
	ws, err := a.ws.WithoutEdits(ctx)
	if err != nil {
		return nil, err
	}
	a.ws = ws
	return ws.State(ctx)
}

func (a *API) withState(ctx context.Context, f *core.File, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	st, err := a.ws.State(ctx)
	if err != nil {
		return nil, err
	}
	return FileState{File: f, State: st}, nil
}

func (a *API) call(ctx context.Context, method string, params []byte) (any, error) {
	ws := a.ws
	switch method {
	case "state":
		return ws.State(ctx)
	case "setLang":
		var p LangParams
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		if err := a.setLang(p.Lang); err != nil {
			return nil, err
		}
		ws.SetLang(a.checker.Lang())
		return ws.State(ctx)
	case "read":
		var p PathParams
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		return ws.Read(p.Path)
	case "write":
		var p WriteParams
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		f, err := ws.Write(p.Path, []byte(p.Content), p.WriteOptions())
		return a.withState(ctx, f, err)
	case "remove":
		var p RemoveParams
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		if err := ws.RemoveWith(p.Path, p.DeleteOptions()); err != nil {
			return nil, err
		}
		return ws.State(ctx)
	case "setStatus":
		var p StatusParams
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		f, err := ws.SetStatus(p.Path, p.Status, p.ETag)
		return a.withState(ctx, f, err)
	case "fix":
		var p FixParams
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		trust, err := p.Side()
		if err != nil {
			return nil, err
		}
		f, err := ws.Fix(p.Path, p.ETag, trust)
		return a.withState(ctx, f, err)
	case "create":
		var p core.NewSession
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		f, err := ws.Create(p)
		return a.withState(ctx, f, err)
	case "refresh":
		rep, err := ws.Refresh(ctx)
		if err != nil {
			return nil, err
		}
		st, err := ws.State(ctx)
		if err != nil {
			return nil, err
		}
		return Refreshed{rep, st}, nil
	case "restart":
		if _, err := ws.Restart(ctx); err != nil {
			return nil, err
		}
		return ws.State(ctx)
	case "edits":
		var p EditsParams
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		return ws.Edits(p.Since)
	case "folderWrites":
		if err := Decode(params, &struct{}{}); err != nil {
			return nil, err
		}
		return ws.FolderWrites()
	case "folderWritten":
		var p core.FolderWritten
		if err := Decode(params, &p); err != nil {
			return nil, err
		}
		return ws.FolderWritten(p)
	}
	return nil, &Error{Message: fmt.Sprintf("unknown method %q", method), Kind: core.KindInput}
}

func (a *API) download() (Result, error) {
	if a.ws == nil {
		return Result{}, &Error{Message: "no folder is open", Kind: core.KindInput}
	}
	var buf bytes.Buffer
	if err := a.ws.DownloadMarked(&buf); err != nil {
		return Result{}, toError(err)
	}
	return Result{JSON: []byte(`{"name":"MobileApps.zip"}`), Bytes: buf.Bytes()}, nil
}
