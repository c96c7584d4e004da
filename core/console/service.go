package console

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
	"github.com/mobisess/mobisess/core/i18n"
)

// Service runs the console's methods (Methods) on the workspace open now: the dev server's, opened on its
// folder, or in the browser the zip or the sample the page opened last.
type Service struct {
	mu sync.RWMutex // held shared by every method, alone by the Exclusive ones, which replace ws
	ws *Workspace
	// canOpen allows openZip, openSample and discardEdits, which replace the workspace (browser mode only).
	canOpen  bool
	progress func(phase string, done, total int)

	checker *core.Checker // what a zip or the sample is opened with
	langMu  sync.Mutex
	lang    i18n.Lang // what the workspace opened next is said in: the last one's
}

// Options configure a Service.
type Options struct {
	// Checker checks the folders that openZip and openSample open (nil: the embedded schema, the default
	// limits).
	Checker *core.Checker
	// CanOpen allows the methods that open a folder of their own (browser mode).
	CanOpen bool
	// Progress is told how far long work has gone: phase is "import", "check" or "refresh".
	Progress func(phase string, done, total int)
}

// NewService returns a Service over ws (nil until openZip or openSample when CanOpen).
func NewService(ws *Workspace, o Options) *Service {
	switch {
	case o.Checker != nil:
	case ws != nil:
		o.Checker = ws.Checker()
	default:
		o.Checker = &core.Checker{}
	}
	s := &Service{ws: ws, checker: o.Checker, canOpen: o.CanOpen, progress: o.Progress, lang: i18n.English}
	if ws != nil {
		s.lang = ws.Lang()
	}
	return s
}

// Result is what a method answers, ready for a caller: its document as JSON, the bytes that go with it, and
// what the dev server tells its watcher and its client.
type Result struct {
	JSON []byte
	// Write writes the bytes that go with the document as they are made (Run); Bytes holds them (Call).
	Write func(io.Writer) error
	Bytes []byte
	// ETag is that of the file the document is about (a File, or a change's), "" for none.
	ETag string
	// Changed are the paths the method changed (Answer.Changed), also when it failed after changing them.
	Changed []string
}

// Call runs the method named name with its parameters as JSON; data carries the bytes of openZip. The bytes of
// the answer, if any, are in Result.Bytes.
func (s *Service) Call(ctx context.Context, name string, params, data []byte) (Result, error) {
	m := Lookup(name)
	if m == nil {
		return Result{}, &Error{Message: fmt.Sprintf("unknown method %q", name), Kind: core.KindInput}
	}
	p, err := m.Decode(params)
	if err != nil {
		return Result{}, err
	}
	res, err := s.Run(ctx, m, p, data)
	if err == nil && res.Write != nil {
		if res.Bytes, err = bytesOf(res.Write); err != nil {
			return Result{}, ErrorOf(err)
		}
		res.Write = nil
	}
	return res, err
}

// Run runs m with its parameters p, as m.Decode read them. An error is an *Error, the one document of a refused
// or failed call.
func (s *Service) Run(ctx context.Context, m *Method, p any, data []byte) (Result, error) {
	if m.Exclusive {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
		if s.ws == nil {
			return Result{}, errNoFolder
		}
	}
	ans, err := m.run(ctx, s, p, data)
	res := Result{Write: ans.Write, Changed: ans.Changed}
	if err != nil {
		return res, ErrorOf(err)
	}
	lang := s.lang // a method that runs where nothing is open yet (planFolder)
	if s.ws != nil {
		lang = s.ws.Lang()
	}
	if res.JSON, err = encode(ans.Doc, lang); err != nil {
		return res, ErrorOf(err)
	}
	if f := fileOf(ans.Doc); f != nil {
		res.ETag = f.ETag
	}
	return res, nil
}

// fileOf is the file an answer is about.
func fileOf(doc any) *File {
	switch doc := doc.(type) {
	case *File:
		return doc
	case FileChange:
		return doc.File
	}
	return nil
}

// Workspace is the workspace open now, nil before one is opened.
func (s *Service) Workspace() *Workspace {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ws
}

var errNoFolder = &Error{Message: "no folder is open", Kind: core.KindInput}

// ErrCannotOpen is openZip, openSample and discardEdits where the console works on a server's folder.
var ErrCannotOpen = &Error{Message: "this console works on its server's folder; it cannot open another", Kind: core.KindInput}

func (s *Service) answerState(ctx context.Context, changed []string) (Answer, error) {
	st, err := s.ws.State(ctx)
	return Answer{Doc: st, Changed: changed}, err
}

// answerFile answers a change of one file with the file as it now is and what changed of the state; changed
// are the paths it changed (told to the dev server's watcher).
func answerFile(f *File, d *Delta, err error, changed ...string) (Answer, error) {
	if err != nil {
		if !errors.As(err, new(afterChange)) {
			changed = nil // nothing was changed
		}
		return Answer{Changed: changed}, err
	}
	return Answer{Doc: FileChange{File: f, Delta: d}, Changed: changed}, nil
}

// parseLang reads a language parameter.
func parseLang(s string) (i18n.Lang, error) {
	l, err := i18n.ParseLang(s)
	if err != nil {
		return "", &Error{Message: err.Error(), Kind: core.KindInput}
	}
	return l, nil
}

// setLang changes the language of the workspace and of the folders opened next; "" changes nothing.
func (s *Service) setLang(lang string) error {
	if lang == "" {
		return nil
	}
	l, err := parseLang(lang)
	if err != nil {
		return err
	}
	s.langMu.Lock()
	s.lang = l
	s.langMu.Unlock()
	s.ws.SetLang(l)
	return nil
}

// open replaces the workspace with the one open returns, once edits (kept from an earlier visit) are re-applied
// to it: the workspace stays as it was when either fails. The caller holds the service alone.
func (s *Service) open(ctx context.Context, edits []Edit, open func(*core.Checker, WorkspaceOptions) (*Workspace, error)) (Answer, error) {
	ws, err := open(s.checker, WorkspaceOptions{Progress: s.progress, Lang: s.lang})
	if err != nil {
		return Answer{}, err
	}
	if len(edits) > 0 {
		if err := ws.ApplyEdits(edits); err != nil {
			return Answer{}, err
		}
	}
	s.ws = ws
	return s.answerState(ctx, nil)
}

// opening checks what every method that opens a folder checks first, and takes its language.
func (s *Service) opening(lang string) error {
	if !s.canOpen {
		return ErrCannotOpen
	}
	if lang == "" {
		return nil
	}
	l, err := parseLang(lang)
	if err != nil {
		return err
	}
	s.lang = l
	return nil
}

func (s *Service) openZip(ctx context.Context, p *OpenParams, data []byte) (Answer, error) {
	if err := s.opening(p.Lang); err != nil {
		return Answer{}, err
	}
	if len(data) == 0 {
		return Answer{}, &Error{Message: p.Name + ": the file is empty", Kind: core.KindInput}
	}
	if s.progress != nil {
		s.progress("import", 0, 1)
	}
	return s.open(ctx, p.Edits, func(c *core.Checker, o WorkspaceOptions) (*Workspace, error) {
		return OpenZipAt(ctx, data, p.Name, p.Root, c, o) // the page names the file already
	})
}

func (s *Service) openSample(ctx context.Context, p *SampleParams) (Answer, error) {
	if err := s.opening(p.Lang); err != nil {
		return Answer{}, err
	}
	return s.open(ctx, p.Edits, func(c *core.Checker, o WorkspaceOptions) (*Workspace, error) {
		return OpenSample(ctx, c, o)
	})
}

// discardEdits opens the workspace's source again as it was opened, every edit dropped.
func (s *Service) discardEdits(ctx context.Context) (Answer, error) {
	if err := s.opening(""); err != nil {
		return Answer{}, err
	}
	if s.ws == nil {
		return Answer{}, errNoFolder
	}
	ws, err := s.ws.WithoutEdits(ctx)
	if err != nil {
		return Answer{}, err
	}
	s.ws = ws
	return s.answerState(ctx, nil)
}

// Decode reads parameters as the console's methods do (decode), for a host's own routes.
func Decode(params []byte, v any) error { return decode(params, v) }

// decode reads a method's parameters strictly: a property the method does not take is an error, so that a typo
// is not silently ignored; so is anything after the parameters' object. Empty parameters are {}. Text that is
// not UTF-8, raw or escaped (a lone surrogate, \ud800), is refused: encoding/json would put U+FFFD in its
// place, and a file saved from it would not hold what the caller sent.
func decode(params []byte, v any) error {
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
