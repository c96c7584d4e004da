package core

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/spf13/afero"
)

// Limits bound what the engine reads, so that a hostile folder cannot exhaust memory.
type Limits struct {
	MaxFileSize int64 // a larger session file fails check 1 (mobi 2) without being read
}

// DefaultLimits suit real session files (about 1 KB) with a wide margin.
var DefaultLimits = Limits{MaxFileSize: 4 << 20}

// Checker runs the four checks. The zero value is usable: embedded schema, English, default limits.
type Checker struct {
	Schema *Schema
	Lang   Lang
	Limits Limits
	// Progress, when set, is called from time to time during long work with the files done and the total.
	Progress func(done, total int)
}

func (c *Checker) schema() *Schema {
	if c.Schema == nil {
		return DefaultSchema()
	}
	return c.Schema
}

func (c *Checker) lang() Lang {
	if c.Lang == "" {
		return English
	}
	return c.Lang
}

func (c *Checker) limits() Limits {
	if c.Limits.MaxFileSize <= 0 {
		return DefaultLimits
	}
	return c.Limits
}

// Hash identifies a file's bytes: unchanged bytes need no new check.
type Hash [sha256.Size]byte

// FileResult is the outcome of checking one session file.
type FileResult struct {
	File    SessionFile
	Hash    Hash
	Gone    bool     // the file vanished between listing and reading
	Session *Session // set when the file passes every check
	Doc     map[string]any
	Err     *Error // set when a check fails
}

func (c *Checker) newError(code Code, path string) *Error {
	return &Error{Component: Component, Code: code, Path: path, Message: c.lang().Sprintf(codeMessages[code])}
}

// CheckBytes runs the four checks, in order, on the content of one session file. One error at most.
func (c *Checker) CheckBytes(f SessionFile, data []byte) (*Session, map[string]any, *Error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	doc, err := c.parse(f, data)
	if err != nil {
		return nil, nil, err
	}
	s := sessionFromDoc(f.Path, f.App, doc)
	for _, check := range checksAfterParse {
		if err := check(c, f, data, doc, s); err != nil {
			return nil, nil, err
		}
	}
	return s, doc, nil
}

// parse is check 1: the bytes are one JSON object, in UTF-8.
func (c *Checker) parse(f SessionFile, data []byte) (map[string]any, *Error) {
	lang := c.lang()
	fail := func(offset int, cause string) *Error {
		e := c.newError(CodeMalformed, f.Path)
		e.Cause = cause
		if offset >= 0 {
			e.Line, e.Column = lineCol(data, offset)
		}
		return e
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fail(-1, lang.Sprintf(msgUTF16))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(-1, lang.Sprintf(msgEmpty))
	}
	if !utf8.Valid(data) {
		return nil, fail(firstInvalidUTF8(data), lang.Sprintf(msgInvalidUTF8))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the byte at fault: the place to show is the byte before it.
			return nil, fail(max(int(se.Offset)-1, 0), syntaxCause(lang, se.Error()))
		}
		// io.ErrUnexpectedEOF: the text stops inside a value.
		return nil, fail(len(data), syntaxCause(lang, "unexpected end of JSON input"))
	}
	if rest := skipSpace(data, int(dec.InputOffset())); rest < len(data) {
		return nil, fail(rest, lang.Sprintf(msgTrailing))
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fail(skipSpace(data, 0), lang.Sprintf(msgNotObject, jsonKind(v)))
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
	violations := c.schema().validate(doc, c.lang())
	if len(violations) == 0 {
		return nil
	}
	for i := range violations {
		violations[i].Line, violations[i].Column = lineCol(data, locate(data, violations[i].Pointer))
	}
	e := c.newError(CodeSchema, f.Path)
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
	e := c.newError(CodeLocation, f.Path)
	e.Expected = &Expected{Folder: folder, File: s.ID}
	pointer := "/session/id"
	if f.App != folder {
		e.Cause = c.lang().Sprintf(msgWrongFolder, folder)
		pointer = "/application/id"
	} else {
		e.Cause = c.lang().Sprintf(msgWrongName, s.ID)
	}
	e.Line, e.Column = lineCol(data, locate(data, pointer))
	return e
}

// checkToken is check 4.
func (c *Checker) checkToken(f SessionFile, data []byte, _ map[string]any, s *Session) *Error {
	in := InspectToken(s, c.lang())
	if in.Error == "" {
		var mismatches []Mismatch
		for _, field := range in.Fields {
			if !field.Match {
				mismatches = append(mismatches, Mismatch{Field: field.Field, Property: field.Property, Token: field.Token, File: field.File})
			}
		}
		if len(mismatches) == 0 {
			return nil
		}
		e := c.newError(CodeToken, f.Path)
		e.Mismatches = mismatches
		m := mismatches[0]
		e.Cause = c.lang().Sprintf(msgTokenDiffers, m.Field, m.Token, m.File)
		e.Line, e.Column = lineCol(data, locate(data, "/token"))
		return e
	}
	e := c.newError(CodeToken, f.Path)
	e.Cause = in.Error
	e.Line, e.Column = lineCol(data, locate(data, "/token"))
	return e
}

// readFile reads one session file within the size limit. A file over the limit is refused before it is read.
func readFile(fsys afero.Fs, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(512)
	if st, err := f.Stat(); err == nil {
		if st.Size() > limit {
			return nil, &tooLargeError{size: st.Size(), limit: limit}
		}
		size = st.Size() + 1 // +1 so that a file that grew is still seen to end
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	n, err := buf.ReadFrom(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, &tooLargeError{size: n, limit: limit}
	}
	return buf.Bytes(), nil
}

type tooLargeError struct{ size, limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("%s, over the %s limit", formatSize(e.size), formatSize(e.limit))
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// checkFile reads and checks one file. known, when set, says whether bytes of this hash need no new check:
// it then returns a result with only the hash set (and Session nil, Err nil).
func (c *Checker) checkFile(fsys afero.Fs, root string, f SessionFile, known func(SessionFile, Hash) bool) FileResult {
	r := FileResult{File: f}
	data, err := readFile(fsys, fsPath(root, f.Path), c.limits().MaxFileSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			r.Gone = true
			return r
		}
		r.Err = c.newError(CodeMalformed, f.Path)
		var tl *tooLargeError
		if errors.As(err, &tl) {
			r.Err.Cause = c.lang().Sprintf(msgTooLarge, formatSize(tl.size), formatSize(tl.limit))
		} else {
			r.Err.Cause = c.lang().Sprintf(msgUnreadable, unwrapPathError(err))
		}
		return r
	}
	r.Hash = sha256.Sum256(data)
	if known != nil && known(f, r.Hash) {
		return r
	}
	r.Session, r.Doc, r.Err = c.CheckBytes(f, data)
	return r
}

// unwrapPathError drops the path from an fs error: the report names the file already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkAll checks files in parallel and hands each result to emit in listing order, so that error handlers
// and reports see a stable order whatever the scheduling.
func (c *Checker) checkAll(ctx context.Context, fsys afero.Fs, root string, files []SessionFile,
	known func(SessionFile, Hash) bool, emit func(FileResult)) error {
	workers := runtime.GOMAXPROCS(0)
	if workers > len(files) {
		workers = len(files)
	}
	results := make([]FileResult, len(files))
	done := make([]chan struct{}, len(files))
	for i := range done {
		done[i] = make(chan struct{})
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = c.checkFile(fsys, root, files[i], known)
				close(done[i])
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range files {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var err error
	step := progressStep(len(files))
	for i := range files {
		select {
		case <-done[i]:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
		emit(results[i])
		results[i] = FileResult{} // let the report own what it kept
		if c.Progress != nil && ((i+1)%step == 0 || i+1 == len(files)) {
			c.Progress(i+1, len(files))
		}
	}
	wg.Wait()
	return err
}

func progressStep(total int) int {
	if total < 100 {
		return 1
	}
	return total / 100
}
