package console

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// Method is one of the console's methods (docs/api.md): what its parameters are, whether it runs beside the
// others, what it may change, and what it does. Methods is the one table of them; the wasm module calls it
// through a Service, and so does the dev server, for POST /api/<method> and for the routes it reads from
// headers (/api/file, /api/state, /api/download).
type Method struct {
	Name string
	// Exclusive methods replace the workspace (a zip, the sample, its edits dropped): they run alone. The others
	// run side by side; the workspace serialises its changes.
	Exclusive bool
	// ReadsAll methods read every file of the folder to answer, and change none: a state, a refresh, a change of
	// language, a download.
	ReadsAll bool
	// ReadOnly methods change nothing that a state shows: the files, the memory, the language.
	ReadOnly bool
	// Bytes: the answer carries bytes beside its document (a download's zip).
	Bytes bool

	decode  func(params []byte) (any, error)
	touches func(p any) []Touch
	run     func(ctx context.Context, s *Service, p any, data []byte) (Answer, error)
}

// Touch is a path that a change may alter: the file or folder itself, or everything under it too (Subtree; ""
// with Subtree is the whole folder).
type Touch struct {
	Path    string
	Subtree bool
}

// Covers says whether a change of p is one that t allows.
func (t Touch) Covers(p string) bool {
	return p == t.Path || t.Subtree && (t.Path == "" || strings.HasPrefix(p, t.Path+"/"))
}

// Answer is what a method answers: its document, the bytes that go with it, and the paths it changed.
type Answer struct {
	Doc any
	// Write writes the bytes that go with the document (a download's zip) as they are made; nil for none.
	Write func(io.Writer) error
	// Changed are the files and folders the method changed, relative to the root: set when it changed them,
	// even when what it answers after (the state) failed.
	Changed []string
}

// Decode reads the method's parameters (docs/api.md): strictly, as decode says.
func (m *Method) Decode(params []byte) (any, error) { return m.decode(params) }

// Touches are what a change with parameters p may alter, told to the dev server's watcher before it runs; nil
// for a method that changes no file.
func (m *Method) Touches(p any) []Touch {
	if m.touches == nil {
		return nil
	}
	return m.touches(p)
}

// Lookup is the method named name, nil when there is none.
func Lookup(name string) *Method { return byName[name] }

// Methods are the console's methods, in the order docs/api.md lists them.
func Methods() []*Method { return slices.Clone(table) }

// method makes a Method whose parameters are a P.
func method[P any](name string, m Method, touches func(*P) []Touch, run func(context.Context, *Service, *P, []byte) (Answer, error)) *Method {
	m.Name = name
	m.decode = func(params []byte) (any, error) {
		p := new(P)
		if err := decode(params, p); err != nil {
			return nil, err
		}
		return p, nil
	}
	if touches != nil {
		m.touches = func(p any) []Touch { return touches(p.(*P)) }
	}
	m.run = func(ctx context.Context, s *Service, p any, data []byte) (Answer, error) {
		return run(ctx, s, p.(*P), data)
	}
	return &m
}

// The parameters of the console's methods (docs/api.md).
type (
	// NoParams are those of a method that takes none: {}.
	NoParams struct{}
	// LangParams: with Path, the file open in the editor as read with ETag, setLang answers that file too, its
	// words said in the new language.
	LangParams struct {
		Lang string `json:"lang"`
		Path string `json:"path,omitempty"`
		ETag string `json:"etag,omitempty"`
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
	// InspectParams: the text the editor holds for the file at Path, not saved.
	InspectParams struct {
		Path    string `json:"path"`
		Content string `json:"content"`
	}
	// ContentParams: a session file's text (format's parameters, and its answer).
	ContentParams struct {
		Content string `json:"content"`
	}
	// FixAllParams: the files of a preview (fixAllPreview) to fix, each with the ETag it was shown with.
	FixAllParams struct {
		Files []PathETag `json:"files"`
	}
	PathETag struct {
		Path string `json:"path"`
		ETag string `json:"etag"`
	}
	// EditsParams: since, the Seq of the EditSet last received (0: every edit).
	EditsParams struct {
		Since uint64 `json:"since"`
	}
	// OpenParams open a zip (Name; its bytes beside the parameters), in Lang, with the Edits kept from an
	// earlier visit re-applied.
	OpenParams struct {
		Name  string `json:"name"`
		Lang  string `json:"lang"`
		Root  string `json:"root"` // the folder inside the zip to open, "" for the zip's own root
		Edits []Edit `json:"edits"`
	}
	// SampleParams open the embedded sample, in Lang, with the Edits kept from an earlier visit re-applied.
	SampleParams struct {
		Lang  string `json:"lang"`
		Edits []Edit `json:"edits"`
	}
)

// FileChange is the answer of the calls that change one file: the file as it now is, and what changed of the
// State. setLang with a path answers one too: that file in the new language, and the rows said again.
type FileChange struct {
	File  *File  `json:"file"`
	Delta *Delta `json:"delta"`
}

// FixedAll is the answer of fixAll: what was applied and what is left, and what the console shows after.
type FixedAll struct {
	Report *core.FixReport `json:"report"`
	State  *State          `json:"state"`
}

// Refreshed is the answer of refresh: what it did, and what changed of the State, from the same pass. Its
// report is sent as a ShownReport.
type Refreshed struct {
	Report *core.RefreshReport `json:"report"`
	Delta  *Delta              `json:"delta"`
}

// ShownReport is a refresh report as the console's refresh answers it: whole, but for the sessions left
// unchanged and the errors, of which it names the first (MaxUnchangedShown, MaxErrorsShown, in the report's
// order) and gives the numbers. The page shows those numbers and lists as many; at a hundred thousand sessions
// the rest would be most of the answer, encoded, sent and parsed for nothing (the State holds every error). The
// CLI's report (core.RefreshReport) names them all.
type ShownReport struct {
	*core.RefreshReport
	UnchangedCount int `json:"unchangedCount"`
	ErrorsCount    int `json:"errorsCount"`
}

// How many of the sessions a refresh left unchanged, and of its errors, its answer names.
const (
	MaxUnchangedShown = 500
	MaxErrorsShown    = 200
)

// Shown is r as the console's refresh answers it.
func Shown(r *core.RefreshReport) ShownReport {
	cut := *r
	cut.Unchanged, cut.Errors = first(r.Unchanged, MaxUnchangedShown), first(r.Errors, MaxErrorsShown)
	return ShownReport{RefreshReport: &cut, UnchangedCount: len(r.Unchanged), ErrorsCount: len(r.Errors)}
}

// In is s with its words said in lang.
func (s ShownReport) In(lang i18n.Lang) ShownReport {
	s.RefreshReport = s.RefreshReport.In(lang)
	return s
}

// first are the first n of list at most, never nil: a list in a document is [] when empty.
func first[T any](list []T, n int) []T {
	return append([]T{}, list[:min(len(list), n)]...)
}

// fileTouches are what a change of one file may alter: the file and its app folder.
func fileTouches(p string) []Touch {
	app, _, _ := strings.Cut(p, "/")
	return []Touch{{Path: p}, {Path: app}}
}

// table is the console's methods, in the order docs/api.md lists them.
var table = []*Method{
	method("openZip", Method{Exclusive: true}, nil, func(ctx context.Context, s *Service, p *OpenParams, data []byte) (Answer, error) {
		return s.openZip(ctx, p, data)
	}),
	method("openSample", Method{Exclusive: true}, nil, func(ctx context.Context, s *Service, p *SampleParams, _ []byte) (Answer, error) {
		return s.openSample(ctx, p)
	}),
	// A folder read by the browser: planned from its listing (which replaces nothing, but runs where no
	// workspace is open yet), opened from the bytes the plan named, written back by the page step by step.
	method("planFolder", Method{Exclusive: true, ReadOnly: true}, nil, func(_ context.Context, s *Service, p *FolderParams, _ []byte) (Answer, error) {
		return s.planFolder(p)
	}),
	method("openFolder", Method{Exclusive: true}, nil, func(ctx context.Context, s *Service, p *FolderParams, data []byte) (Answer, error) {
		return s.openFolder(ctx, p, data)
	}),
	method("folderWrites", Method{ReadOnly: true}, nil, func(_ context.Context, s *Service, _ *NoParams, _ []byte) (Answer, error) {
		plan, err := s.ws.FolderWrites()
		return Answer{Doc: plan}, err
	}),
	method("folderWritten", Method{}, nil, func(_ context.Context, s *Service, p *FolderWritten, _ []byte) (Answer, error) {
		left, err := s.ws.FolderWritten(*p)
		return Answer{Doc: left}, err
	}),
	method("discardEdits", Method{Exclusive: true}, nil, func(ctx context.Context, s *Service, _ *NoParams, _ []byte) (Answer, error) {
		return s.discardEdits(ctx)
	}),
	method("state", Method{ReadsAll: true, ReadOnly: true}, nil, func(ctx context.Context, s *Service, _ *NoParams, _ []byte) (Answer, error) {
		return s.answerState(ctx, nil)
	}),
	// The rows that hold words are said again in the new language: nothing is checked again, nor, with a path,
	// read again when the workspace has that file in mind as the page read it.
	method("setLang", Method{}, nil, func(ctx context.Context, s *Service, p *LangParams, _ []byte) (Answer, error) {
		if err := s.setLang(p.Lang); err != nil {
			return Answer{}, err
		}
		d, err := s.ws.Worded(ctx)
		if err != nil || p.Path == "" {
			return Answer{Doc: d}, err
		}
		f := s.ws.Served(p.Path, p.ETag)
		if f == nil {
			f, _ = s.ws.Read(p.Path) // nil when it cannot be read any more: the rows say why
		}
		return Answer{Doc: FileChange{File: f, Delta: d}}, nil
	}),
	method("read", Method{ReadOnly: true}, nil, func(_ context.Context, s *Service, p *PathParams, _ []byte) (Answer, error) {
		f, err := s.ws.Read(p.Path)
		return Answer{Doc: f}, err
	}),
	method("write", Method{}, func(p *WriteParams) []Touch { return fileTouches(p.Path) },
		func(ctx context.Context, s *Service, p *WriteParams, _ []byte) (Answer, error) {
			f, d, err := s.ws.write(p.Path, []byte(p.Content), p.writeOptions())
			return answerFile(f, d, err, p.Path)
		}),
	method("remove", Method{}, func(p *RemoveParams) []Touch { return []Touch{{Path: p.Path, Subtree: true}} },
		func(ctx context.Context, s *Service, p *RemoveParams, _ []byte) (Answer, error) {
			d, err := s.ws.remove(p.Path, core.DeleteOptions{IfMatch: p.ETag, Force: p.Force})
			if err != nil && !errors.As(err, new(afterChange)) {
				return Answer{}, err
			}
			return Answer{Doc: d, Changed: []string{p.Path}}, err
		}),
	method("setStatus", Method{}, func(p *StatusParams) []Touch { return fileTouches(p.Path) },
		func(ctx context.Context, s *Service, p *StatusParams, _ []byte) (Answer, error) {
			f, d, err := s.ws.setStatus(p.Path, p.Status, p.ETag)
			return answerFile(f, d, err, p.Path)
		}),
	// A fix's move may take the file to any app folder: the whole folder may change.
	method("fix", Method{}, func(*FixParams) []Touch { return []Touch{{Path: "", Subtree: true}} },
		func(ctx context.Context, s *Service, p *FixParams, _ []byte) (Answer, error) {
			trust, err := p.side()
			if err != nil {
				return Answer{}, err
			}
			f, d, err := s.ws.fix(p.Path, p.ETag, trust)
			if f == nil {
				return answerFile(f, d, err, p.Path) // a move's target is known once the file is read back
			}
			return answerFile(f, d, err, p.Path, f.Path)
		}),
	method("create", Method{}, func(p *core.NewSession) []Touch { return []Touch{{Path: p.AppFolder(), Subtree: true}} },
		func(ctx context.Context, s *Service, p *core.NewSession, _ []byte) (Answer, error) {
			f, d, err := s.ws.create(*p)
			if f == nil {
				return answerFile(f, d, err)
			}
			return answerFile(f, d, err, f.Path)
		}),
	method("inspect", Method{ReadOnly: true}, nil, func(_ context.Context, s *Service, p *InspectParams, _ []byte) (Answer, error) {
		f, err := s.ws.Inspect(p.Path, []byte(p.Content))
		return Answer{Doc: f}, err
	}),
	method("format", Method{ReadOnly: true}, nil, func(_ context.Context, s *Service, p *ContentParams, _ []byte) (Answer, error) {
		out, err := s.ws.Format([]byte(p.Content))
		return Answer{Doc: ContentParams{Content: string(out)}}, err
	}),
	method("fixAllPreview", Method{ReadsAll: true, ReadOnly: true}, nil, func(ctx context.Context, s *Service, _ *NoParams, _ []byte) (Answer, error) {
		rep, err := s.ws.PreviewFixAll(ctx)
		return Answer{Doc: rep}, err
	}),
	// Moves may take files to any app folder: the whole folder may change.
	method("fixAll", Method{ReadsAll: true}, func(*FixAllParams) []Touch { return []Touch{{Path: "", Subtree: true}} },
		func(ctx context.Context, s *Service, p *FixAllParams, _ []byte) (Answer, error) {
			rep, err := s.ws.FixAll(ctx, p.seen())
			if err != nil {
				return Answer{}, err
			}
			changed := []string{}
			for _, f := range rep.Files {
				for _, fix := range f.Fixes[:f.Applied] {
					changed = append(changed, fix.Path)
					if fix.To != "" {
						changed = append(changed, fix.To)
					}
				}
			}
			st, err := s.ws.State(ctx)
			return Answer{Doc: FixedAll{Report: rep, State: st}, Changed: changed}, err
		}),
	method("refresh", Method{ReadsAll: true}, nil, func(ctx context.Context, s *Service, _ *NoParams, _ []byte) (Answer, error) {
		rep, d, err := s.ws.RefreshChanges(ctx)
		if err != nil {
			return Answer{}, err
		}
		return Answer{Doc: Refreshed{rep, d}}, nil
	}),
	method("restart", Method{ReadsAll: true}, nil, func(ctx context.Context, s *Service, _ *NoParams, _ []byte) (Answer, error) {
		if _, err := s.ws.Restart(ctx); err != nil {
			return Answer{}, err
		}
		return s.answerState(ctx, nil)
	}),
	method("download", Method{ReadsAll: true, ReadOnly: true, Bytes: true}, nil, func(_ context.Context, s *Service, _ *NoParams, _ []byte) (Answer, error) {
		ws := s.ws
		return Answer{Doc: downloaded{Name: "MobileApps.zip"}, Write: ws.DownloadMarked}, nil
	}),
	method("edits", Method{ReadOnly: true}, nil, func(_ context.Context, s *Service, p *EditsParams, _ []byte) (Answer, error) {
		set, err := s.ws.Edits(p.Since)
		return Answer{Doc: set}, err
	}),
}

// byName is the table, by name.
var byName = func() map[string]*Method {
	out := make(map[string]*Method, len(table))
	for _, m := range table {
		out[m.Name] = m
	}
	return out
}()

// downloaded is the document of a download, beside its zip.
type downloaded struct {
	Name string `json:"name"`
}

// side is the side that p trusts, "" for none.
func (p *FixParams) side() (core.Witness, error) {
	if p.Trust == "" {
		return "", nil
	}
	return core.ParseWitness(p.Trust)
}

// seen is what p names: each file with the ETag it was shown with.
func (p *FixAllParams) seen() map[string]string {
	seen := make(map[string]string, len(p.Files))
	for _, f := range p.Files {
		seen[f.Path] = f.ETag
	}
	return seen
}

// writeOptions are the write options that p asks for.
func (p *WriteParams) writeOptions() core.WriteOptions {
	if p.ETag == nil {
		return core.WriteOptions{Force: true}
	}
	return core.WriteOptions{IfMatch: *p.ETag}
}

// bytesOf writes what goes with an answer into memory, for a caller that takes it whole (the wasm module).
func bytesOf(write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
