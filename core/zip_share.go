package core

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"strings"
	"unicode/utf8"

	"github.com/spf13/afero"
)

// A ZipHelper inflates, and checks, the helper's share of a zip (HelperShare) somewhere else, such as a second
// WebAssembly engine in a second worker, while the importer does the rest: the browser gives each engine one
// thread. It is given the zip and how to check (nil: inflate only), and returns a function that waits for the
// share, or nil when there is no helper.
//
// The contents of a share are checked against the zip's sizes and checksums as they are used; when the helper
// fails or a content does not match, the importer inflates (and the load checks) those files itself. The
// helper's verdicts are taken as they come: it runs the same engine on the same bytes.
type ZipHelper func(zip []byte, check *ShareCheck) (wait func() ([]byte, error))

// ShareCheck asks a helper to check the session files of its share as the importer's Checker does: the embedded
// schema, messages in Lang, files up to MaxFileSize.
type ShareCheck struct {
	Lang        Lang  `json:"lang"`
	MaxFileSize int64 `json:"maxFileSize"`
}

// shareCheckOf is what a helper needs to check as c does, or nil when it cannot: a schema of the user's own
// stays with the importer.
func shareCheckOf(c *Checker) *ShareCheck {
	if c.Schema != nil {
		return nil
	}
	return &ShareCheck{Lang: c.lang(), MaxFileSize: c.limits().MaxFileSize}
}

func (sc *ShareCheck) checker() *Checker {
	return &Checker{Lang: sc.Lang, Limits: Limits{MaxFileSize: sc.MaxFileSize}}
}

// minHelpedFiles is the number of files under which a helper is not asked: handing a share over costs more
// than inflating a few files. A variable for the tests.
var minHelpedFiles = 256

// importZipHelped is ImportZip of a zip in memory, with the files of the helper's share inflated by helper and,
// when c is given, the session files checked as c does (importZipWith).
func importZipHelped(data []byte, limits ZipLimits, helper ZipHelper, c *Checker) (afero.Fs, string, imported, error) {
	r := bytes.NewReader(data)
	if helper == nil {
		return importZipWith(r, r.Size(), limits, nil, nil)
	}
	start := func(check *ShareCheck) (wait func() ([]byte, error)) { return helper(data, check) }
	return importZipWith(r, r.Size(), limits, start, c)
}

// HelperShare inflates the files of data's zip that fall to a helper (every second file the importer would
// write), in order, each as a 4-byte little-endian length and the bytes; with check, each followed by its
// verdict (appendVerdict). It refuses what ImportZip refuses.
func HelperShare(data []byte, limits ZipLimits, check *ShareCheck) ([]byte, error) {
	r := bytes.NewReader(data)
	plan, err := planZip(r, r.Size(), limits)
	if err != nil {
		return nil, err
	}
	_, helped := plan.shares()
	var want int
	for _, f := range helped {
		want += 4 + int(f.zf.UncompressedSize64) // in all within MaxTotalSize: planZip checked
	}
	if check != nil {
		want += len(helped) * 200 // a session's fields
	}
	var c *Checker
	if check != nil {
		c = check.checker()
	}
	out := make([]byte, 0, want)
	er := &entryReader{r: r, size: r.Size()}
	for _, f := range helped {
		content, err := er.read(f.zf, limits.MaxFileSize)
		if err != nil {
			return nil, err
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(len(content)))
		out = append(out, content...)
		if c != nil {
			in := importedFile{data: content}
			in.check(c, f.rel())
			out = appendVerdict(out, &in)
		}
	}
	return out, nil
}

// shares splits the files between the importer and a helper: every second file to the helper, so that both get
// about as many bytes.
func (p *zipPlan) shares() (own, helped []plannedFile) {
	own = make([]plannedFile, 0, (len(p.files)+1)/2)
	helped = make([]plannedFile, 0, len(p.files)/2)
	for i, f := range p.files {
		if i%2 == 0 {
			own = append(own, f)
		} else {
			helped = append(helped, f)
		}
	}
	return own, helped
}

// importedFile is a file as an import filed it and, when it was checked then, what checkFile finds of it.
type importedFile struct {
	data    []byte
	checked bool
	session *Session
	err     *Error
}

// imported are the files an import filed, by their path relative to the root (as a listing names them).
type imported map[string]*importedFile

// check runs the four checks on the file at rel when a listing would take it for a session file (sessionFileAt)
// and checkFile would read it.
func (in *importedFile) check(c *Checker, rel string) {
	f, ok := sessionFileAt(rel)
	if !ok || int64(len(in.data)) > c.limits().MaxFileSize {
		return
	}
	in.session, _, in.err = c.checkContent(f, in.data)
	in.checked = true
}

// sessionFileAt is the SessionFile that List gives for a regular file at rel, when it gives one. A file it does
// not list is only checked for nothing.
func sessionFileAt(rel string) (SessionFile, bool) {
	app, name, ok := strings.Cut(rel, "/")
	if !ok || strings.Contains(name, "/") || strings.HasPrefix(app, ".") || app == "__MACOSX" {
		return SessionFile{}, false
	}
	if _, ok := classify(name, 0); !ok {
		return SessionFile{}, false
	}
	return SessionFile{Path: rel, App: app, Name: name}, true
}

// The verdicts of a share: one byte, then the session's fields, or the error as JSON, or nothing.
const (
	verdictNone    = 0
	verdictSession = 1
	verdictError   = 2
)

// sessionFields are the fields of a session that a verdict carries, in their order (Path and App come from
// where the file is).
func sessionFields(s *Session) []*string {
	return []*string{&s.ID, &s.Status, &s.Email, &s.ApplicationID, &s.ApplicationName, &s.ApplicationVersion,
		&s.TeamID, &s.Device, &s.DeviceID, &s.OS, &s.OSVersion, &s.Language, &s.IP, &s.Token}
}

func appendVerdict(out []byte, in *importedFile) []byte {
	switch {
	case in.checked && in.err == nil:
		out = append(out, verdictSession)
		for _, field := range sessionFields(in.session) {
			out = binary.AppendUvarint(out, uint64(len(*field)))
			out = append(out, *field...)
		}
		simulator := byte(0)
		if in.session.Simulator != nil {
			simulator = 1
			if *in.session.Simulator {
				simulator = 2
			}
		}
		return append(out, simulator)
	case in.checked && errorTextIsUTF8(in.err):
		text, err := json.Marshal(in.err)
		if err == nil {
			out = append(out, verdictError)
			out = binary.AppendUvarint(out, uint64(len(text)))
			return append(out, text...)
		}
	}
	return append(out, verdictNone) // the load checks it
}

// errorTextIsUTF8 says whether e crosses JSON unchanged: JSON would replace invalid UTF-8 (a token's decoded
// bytes may hold some).
func errorTextIsUTF8(e *Error) bool {
	texts := []string{e.Component, e.Path, e.Message, e.Cause}
	for _, v := range e.Violations {
		texts = append(texts, v.Pointer, v.Message)
	}
	if e.Expected != nil {
		texts = append(texts, e.Expected.Folder, e.Expected.File)
	}
	for _, m := range e.Mismatches {
		texts = append(texts, m.Field, m.Property, m.Token, m.File)
	}
	for _, t := range texts {
		if !utf8.ValidString(t) {
			return false
		}
	}
	return true
}

// nextInShare takes f's content, and with verdicts its verdict, from the front of a helper's share and returns
// it with the rest of the share. A content that does not have the size and checksum the zip declares, or a
// verdict that cannot be read, gives nil and an empty rest: from there on, the importer inflates the files
// itself and the load checks them.
func nextInShare(share []byte, f plannedFile, verdicts bool) (in *importedFile, rest []byte) {
	if len(share) < 4 {
		return nil, nil
	}
	n := uint64(binary.LittleEndian.Uint32(share))
	if n != f.zf.UncompressedSize64 || n > uint64(len(share)-4) {
		return nil, nil
	}
	content := share[4 : 4+n]
	if f.zf.CRC32 != 0 && crc32.ChecksumIEEE(content) != f.zf.CRC32 {
		return nil, nil
	}
	in = &importedFile{data: content}
	rest = share[4+n:]
	if !verdicts {
		return in, rest
	}
	if rest = readVerdict(rest, f.rel(), in); rest == nil {
		return nil, nil
	}
	return in, rest
}

// readVerdict reads the verdict at the front of b into in and returns the rest of b, or nil when it cannot be
// read or does not fit the file at rel.
func readVerdict(b []byte, rel string, in *importedFile) []byte {
	if len(b) == 0 {
		return nil
	}
	kind, b := b[0], b[1:]
	if kind == verdictNone {
		return b
	}
	sf, ok := sessionFileAt(rel)
	if !ok {
		return nil
	}
	switch kind {
	case verdictSession:
		s := &Session{Path: sf.Path, App: sf.App}
		fields := sessionFields(s)
		// The fields are read as strings of one copy of the record: one allocation per session, not 14.
		end := 0
		for range fields {
			size, k := binary.Uvarint(b[end:])
			if k <= 0 || size > uint64(len(b)-end-k) {
				return nil
			}
			end += k + int(size)
		}
		if end >= len(b) || b[end] > 2 {
			return nil
		}
		record := string(b[:end])
		at := 0
		for _, field := range fields {
			size, k := binary.Uvarint(b[at:])
			at += k
			*field = record[at : at+int(size)]
			at += int(size)
		}
		if b[end] > 0 {
			simulator := b[end] == 2
			s.Simulator = &simulator
		}
		in.checked, in.session = true, s
		return b[end+1:]
	case verdictError:
		size, k := binary.Uvarint(b)
		if k <= 0 || size > uint64(len(b)-k) {
			return nil
		}
		e := &Error{}
		if json.Unmarshal(b[k:k+int(size)], e) != nil || e.Path != rel {
			return nil
		}
		in.checked, in.err = true, e
		return b[k+int(size):]
	}
	return nil
}
