package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/internal/probe"
	"github.com/mobisess/mobisess/core/zipfs"
)

// Limits bound what the engine reads, so that a hostile folder or zip cannot exhaust memory. They live in the
// Checker, so that every read of one workspace (the checks, a save, a status change, a delete) applies the same.
type Limits struct {
	MaxFileSize int64     // a larger session file fails check 1 (mobi 2) without being read, and is never saved
	Zip         ZipLimits // what a zip may hold and expand to
}

// DefaultLimits suit real session files (about 1 KB) with a wide margin.
var DefaultLimits = Limits{MaxFileSize: 4 << 20, Zip: DefaultZipLimits}

// withDefaults fills each limit left at zero (or below) with its default.
func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultLimits.MaxFileSize
	}
	if l.Zip.MaxEntries <= 0 {
		l.Zip.MaxEntries = DefaultZipLimits.MaxEntries
	}
	if l.Zip.MaxFileSize <= 0 {
		l.Zip.MaxFileSize = DefaultZipLimits.MaxFileSize
	}
	if l.Zip.MaxTotalSize <= 0 {
		l.Zip.MaxTotalSize = DefaultZipLimits.MaxTotalSize
	}
	return l
}

// Checker runs the four checks. It is immutable, so that one may be shared by every goroutine of a check. Its
// errors carry their messages as i18n.Text, in no language until they are shown. The zero value is usable:
// embedded schema, default limits.
type Checker struct {
	schema *Schema // nil: the embedded one, which the quick path implements
	limits Limits
}

// CheckerOptions say how a Checker checks; what is left zero takes its default.
type CheckerOptions struct {
	Schema *Schema // nil: the embedded schema
	Limits Limits
}

// NewChecker returns a Checker set as o says.
func NewChecker(o CheckerOptions) *Checker {
	return &Checker{schema: o.Schema, limits: o.Limits}
}

// Limits are the limits of every read.
func (c *Checker) Limits() Limits { return c.limits.withDefaults() }

func (c *Checker) compiledSchema() *Schema {
	if c.schema == nil {
		return DefaultSchema()
	}
	return c.schema
}

// Hash identifies a file's bytes within this process: unchanged bytes need no new check. It is compared, never
// stored or shown, so a fast seeded hash serves: two independent 64-bit halves make an accidental match of
// different bytes at one path as likely as 2^-128, and the seeds are secret to the process. (SHA-256 took 90%
// of a check's hashing time in WebAssembly, where it has no assembly.)
type Hash [2]uint64

var hashSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// hashOf is the Hash of data.
func hashOf(data []byte) Hash {
	return Hash{maphash.Bytes(hashSeeds[0], data), maphash.Bytes(hashSeeds[1], data)}
}

// FileResult is the outcome of checking one session file.
type FileResult struct {
	File    SessionFile
	Hash    Hash
	Gone    bool     // the file vanished between listing and reading
	Same    bool     // the bytes are those the memory (or its last check) already knew: not checked again
	Session *Session // set when the file passes every check (when Same, the session in memory)
	Data    []byte   // the file's bytes without BOM, when it passes: what memory keeps to compare with later
	Err     *Error   // set when a check fails
	broken  error    // the zip entry cannot be read as its archive declares it (a *zipfs.Error): no verdict
}

// Progress is told from time to time during long work how many files are done, of how many.
type Progress func(done, total int)

func newError(code Code, path string) *Error {
	return &Error{Component: Component, Code: code, Path: path, Message: CodeMessage(code)}
}

// CheckBytes runs the four checks, in order, on the content of one session file. One error at most.
func (c *Checker) CheckBytes(f SessionFile, data []byte) (*Session, map[string]any, *Error) {
	in := c.examine(f, data)
	if in.Error != nil {
		return nil, nil, in.Error
	}
	return in.Session, in.Doc, nil
}

// Inspection is what the engine finds in the bytes of one session file, from one decoding of its text and at
// most one validation against the schema: the verdict of the four checks, what they read, and what the console
// shows beside the verdict. The editor's File and the fix of its error (ProposeFix) are made from it.
type Inspection struct {
	File    SessionFile
	Data    []byte         // the bytes inspected, as read
	Doc     map[string]any // the decoded object; nil when the text is not one (mobi 2)
	Session *Session       // read from Doc, whichever check fails after the parse; nil with Doc
	Error   *Error         // the first check that fails; nil when the file passes them all
	// Duplicates are the pointers of the properties given twice or more in one object (Inspect only).
	Duplicates []string
	// Token is the file's token beside its ids, when it has one (Inspect only).
	Token *TokenInspection

	checker *Checker // what inspected it: its fix is proposed by the same rules
}

// Inspect runs the four checks on a session file's bytes, as CheckBytes does, and keeps what the console shows
// beside the verdict: the properties given twice (the last value counts, as when 4D decodes the file) and the
// token beside the file's ids.
func (c *Checker) Inspect(f SessionFile, data []byte) *Inspection {
	in := c.examine(f, data)
	if in.Doc != nil {
		in.Duplicates = duplicateKeys(withoutBOM(data))
		if in.Session.Token != "" {
			t := InspectToken(in.Session)
			in.Token = &t
		}
	}
	return &in
}

// TooLarge is the error of a session file of size bytes, nil when it is within the checker's size limit: not
// well formed (mobi 2), unread, as the check of a file that large says. The editor's unsaved text is held to it
// too: a save of it would be refused.
func (c *Checker) TooLarge(path string, size int64) *Error {
	limit := c.Limits().MaxFileSize
	if size <= limit {
		return nil
	}
	e := newError(CodeMalformed, path)
	e.Cause = i18n.New(&msgTooLarge, zipfs.FormatSize(size), zipfs.FormatSize(limit))
	return e
}

// ProposeFix is the fix of the inspected file's error (Checker.ProposeFix), made from this inspection: the file
// is not decoded and validated again. Nil when the file passes every check.
func (in *Inspection) ProposeFix() *Fix {
	if in.Error == nil {
		return nil
	}
	return in.checker.proposeFix(in.Error, in)
}

// examine is check 1, then the checks after it in order until one fails, keeping the document and the session
// they read.
func (c *Checker) examine(f SessionFile, data []byte) Inspection {
	in := Inspection{File: f, Data: data, checker: c}
	body := withoutBOM(data)
	doc, err := c.parse(f, body)
	if err != nil {
		in.Error = err
		return in
	}
	in.Doc, in.Session = doc, sessionFromDoc(f.Path, f.App, doc)
	for _, check := range checksAfterParse {
		if err := check(c, f, body, doc, in.Session); err != nil {
			in.Error = err
			break
		}
	}
	return in
}

// parse is check 1: the bytes are one JSON object, in UTF-8.
func (c *Checker) parse(f SessionFile, data []byte) (map[string]any, *Error) {
	if probe.Decode != nil {
		probe.Decode(data)
	}
	fail := func(offset int, cause i18n.Text) *Error {
		e := newError(CodeMalformed, f.Path)
		e.Cause = cause
		if offset >= 0 {
			e.Line, e.Column = lineCol(data, offset)
		}
		return e
	}
	// UTF-32 first: its little-endian byte-order mark starts like UTF-16's. JSON text starts with ASCII: without
	// a mark, UTF-32 puts three NUL bytes beside it, UTF-16 one.
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}) || bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return nil, fail(-1, i18n.New(&msgUTF32))
	case len(data) >= 4 && data[1] == 0 && data[2] == 0 && (data[0] == 0) != (data[3] == 0):
		return nil, fail(-1, i18n.New(&msgUTF32NoBOM))
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, fail(-1, i18n.New(&msgUTF16))
	case len(data) >= 2 && (data[0] == 0) != (data[1] == 0):
		return nil, fail(-1, i18n.New(&msgUTF16NoBOM))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(-1, i18n.New(&msgEmpty))
	}
	if !utf8.Valid(data) {
		return nil, fail(firstInvalidUTF8(data), i18n.New(&msgInvalidUTF8))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the byte at fault: the place to show is the byte before it.
			return nil, fail(max(int(se.Offset)-1, 0), syntaxCause(se.Error()))
		}
		// io.ErrUnexpectedEOF: the text stops inside a value.
		return nil, fail(len(data), syntaxCause("unexpected end of JSON input"))
	}
	if rest := skipSpace(data, int(dec.InputOffset())); rest < len(data) {
		return nil, fail(rest, i18n.New(&msgTrailing))
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fail(skipSpace(data, 0), i18n.New(&msgNotObject, jsonKind(v)))
	}
	return doc, nil
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// checkSchema is check 2.
func (c *Checker) checkSchema(f SessionFile, data []byte, doc map[string]any, _ *Session) *Error {
	violations := c.compiledSchema().validate(doc)
	if len(violations) == 0 {
		return nil
	}
	for i := range violations {
		violations[i].Line, violations[i].Column = lineCol(data, locate(data, violations[i].Pointer))
	}
	e := newError(CodeSchema, f.Path)
	e.Violations = violations
	e.Line, e.Column = violations[0].Line, violations[0].Column
	return e
}

// checkLocation is check 3: the app folder and the file name follow from the content.
func (c *Checker) checkLocation(f SessionFile, data []byte, _ map[string]any, s *Session) *Error {
	folder := ExpectedFolder(s.TeamID, s.ApplicationID)
	if f.App == folder && f.Name == s.ID {
		return nil
	}
	e := newError(CodeLocation, f.Path)
	e.Expected = &Expected{Folder: folder, File: s.ID}
	if f.App != folder {
		e.Cause = i18n.New(&msgWrongFolder, folder)
	} else {
		e.Cause = i18n.New(&msgWrongName, s.ID)
	}
	e.Line, e.Column = lineCol(data, locate(data, locationPointer(f, s)))
	return e
}

// checkToken is check 4.
func (c *Checker) checkToken(f SessionFile, data []byte, _ map[string]any, s *Session) *Error {
	in := InspectToken(s)
	if in.Error.IsZero() {
		var mismatches []Mismatch
		for _, field := range in.Fields {
			if !field.Match {
				mismatches = append(mismatches, Mismatch{Field: field.Field, Property: field.Property, Token: field.Token, File: field.File})
			}
		}
		if len(mismatches) == 0 {
			return nil
		}
		e := newError(CodeToken, f.Path)
		e.Mismatches = mismatches
		m := mismatches[0]
		e.Cause = i18n.New(&msgTokenDiffers, m.Field, m.Token, m.File)
		e.Line, e.Column = lineCol(data, locate(data, "/token"))
		return e
	}
	e := newError(CodeToken, f.Path)
	e.Cause = in.Error
	e.Line, e.Column = lineCol(data, locate(data, "/token"))
	return e
}

// knownBytes says whether bytes of this hash were seen at this path before, and what they gave: the session in
// memory, or the error they failed with.
type knownBytes func(SessionFile, Hash) (*Session, *Error, bool)

// checkFile reads and checks one file. With hash, it hashes the bytes for a memory to compare with; when known
// knows them, the result is Same, with the error they had, and they are not checked again.
func (c *Checker) checkFile(fsys afero.Fs, root string, f SessionFile, hash bool, known knownBytes) FileResult {
	r := FileResult{File: f}
	data, err := readSessionFile(fsys, root, f, c.Limits().MaxFileSize)
	if err != nil {
		var ze *zipfs.Error
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.Gone = true
		case errors.As(err, &ze):
			r.broken = err // the archive itself is at fault, not the session file: the whole zip is refused
		default:
			r.Err = newError(CodeMalformed, f.Path)
			var tl *zipfs.TooLargeError
			if errors.As(err, &tl) {
				r.Err.Cause = i18n.New(&msgTooLarge, zipfs.FormatSize(tl.Size), zipfs.FormatSize(tl.Limit))
			} else {
				r.Err.Cause = i18n.New(&msgUnreadable, unwrapPathError(err).Error())
			}
		}
		return r
	}
	if hash {
		r.Hash = hashOf(data)
		if known != nil {
			if s, err, ok := known(f, r.Hash); ok {
				r.Same, r.Session, r.Err = true, s, err
				return r
			}
		}
	}
	r.Session, r.Data, r.Err = c.checkContent(f, data)
	return r
}

// checkContent is the verdict of the four checks on a session file's bytes, read within the size limit: the
// session and the bytes memory keeps of it (without BOM), or the error.
func (c *Checker) checkContent(f SessionFile, data []byte) (*Session, []byte, *Error) {
	body := withoutBOM(data)
	if c.schema == nil {
		if s, ok := quickCheck(f, body); ok {
			if err := c.checkQuicklyRead(f, body, s); err != nil {
				return nil, nil, err
			}
			return s, body, nil
		}
	}
	s, _, err := c.CheckBytes(f, data)
	if err != nil {
		return nil, nil, err
	}
	return s, body, nil
}

// checkQuicklyRead runs the checks after the schema's on a file that the quick path read: a file in the wrong
// place or with a stale token gets its error without being parsed and validated again.
func (c *Checker) checkQuicklyRead(f SessionFile, body []byte, s *Session) *Error {
	if f.App == ExpectedFolder(s.TeamID, s.ApplicationID) && f.Name == s.ID && quickTokenMatches(s) {
		return nil // the usual file, without the allocations of the checks' messages
	}
	for _, check := range checksAfterSchema {
		if err := check(c, f, body, nil, s); err != nil {
			return err
		}
	}
	return nil
}

func withoutBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")) }

// checkAll checks files in parallel and hands each result to emit in listing order, so that error handlers
// and reports see a stable order whatever the scheduling. Workers take files in chunks: one synchronisation
// per chunk, not per file.
//
// A file whose zip entry is broken stops the whole check with that error: the archive is refused, as it would
// be had it been expanded first.
func (c *Checker) checkAll(ctx context.Context, fsys afero.Fs, root string, files []SessionFile,
	hash bool, known knownBytes, progress Progress, emit func(FileResult) error) error {
	if err := ctx.Err(); err != nil {
		return err // a deadline already past stops before any file is read, whatever the scheduling
	}
	const chunk = 64
	chunks := (len(files) + chunk - 1) / chunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	results := make([]FileResult, len(files))
	done := make([]chan struct{}, chunks)
	for i := range done {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64
	stop := make(chan struct{})
	// The workers stay at most this many chunks ahead of emit: the results not yet emitted are all held, and a
	// slow reader of the report (a pipe) must not make them every result of the folder.
	ahead := make(chan struct{}, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case ahead <- struct{}{}:
				}
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				for i := k * chunk; i < min((k+1)*chunk, len(files)); i++ {
					results[i] = c.checkFile(fsys, root, files[i], hash, known)
				}
				close(done[k])
			}
		}()
	}
	wait := true
	defer func() {
		if wait {
			wg.Wait()
		}
	}()
	defer close(stop)
	step := progressStep(len(files))
	for k := range chunks {
		select {
		case <-done[k]:
		case <-ctx.Done():
			// Do not wait for the workers: one may be stuck in a read that never returns (a dead network
			// share), and the deadline is there to stop waiting. They take no more files.
			wait = false
			return ctx.Err()
		}
		<-ahead
		for i := k * chunk; i < min((k+1)*chunk, len(files)); i++ {
			if err := results[i].broken; err != nil {
				return err
			}
			if err := emit(results[i]); err != nil {
				return err
			}
			results[i] = FileResult{} // let the report own what it kept
			if progress != nil && ((i+1)%step == 0 || i+1 == len(files)) {
				progress(i+1, len(files))
			}
		}
	}
	return nil
}

func progressStep(total int) int {
	if total < 100 {
		return 1
	}
	return total / 100
}
