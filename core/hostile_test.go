package core

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// Hostile input: what a folder or a session file from a stranger's machine can hold. Each case names the clear
// error it must get. The cases that need a real disk or much memory are in hostile_native_test.go; a zip's, in
// zipfs/hostile_test.go.

type hugeFs struct {
	afero.Fs
	name string
	size int64
}

func (h hugeFs) Open(name string) (afero.File, error) {
	f, err := h.Fs.Open(name)
	if err != nil || name != h.name {
		return f, err
	}
	return hugeFile{f, h.size}, nil
}

type hugeFile struct {
	afero.File
	size int64
}

func (f hugeFile) Stat() (fs.FileInfo, error) {
	info, err := f.File.Stat()
	return sizedInfo{info, f.size}, err
}
func (f hugeFile) Read([]byte) (int, error)          { panic("the 1 GB file was read") }
func (f hugeFile) ReadAt([]byte, int64) (int, error) { panic("the 1 GB file was read") }

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (i sizedInfo) Size() int64 { return i.size }

func TestHugeFileIsNotRead(t *testing.T) {
	const p = "com.a/abcd"
	fsys := hugeFs{Fs: memTree(t, map[string]string{p: session("", "com.a", "abcd", "accepted")}), name: root + "/" + p, size: 1 << 30}
	rep, err := (&Checker{}).Check(context.Background(), fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Code != CodeMalformed || rep.Errors[0].Cause.String() != "the file is 1.0 GiB, over the 4.0 MiB limit" {
		t.Errorf("errors %v", rep.Errors)
	}
	_, _, err = ReadFile(fsys, root, p, DefaultLimits.MaxFileSize)
	if KindOf(err) != KindInput || !strings.Contains(err.Error(), "1.0 GiB, over the 4.0 MiB limit") {
		t.Errorf("ReadFile: %v", err)
	}
	// A write or delete that names what the caller read cannot match a file too large to have been read.
	_, err = WriteFile(fsys, root, p, []byte("{}"), WriteOptions{IfMatch: ETag([]byte("anything"))})
	wantKind(t, err, KindConflict)
	_, err = WriteFile(fsys, root, p, []byte("{}"), WriteOptions{})
	wantKind(t, err, KindConflict)
	wantKind(t, Delete(fsys, root, p, ETag([]byte("anything")), 0), KindConflict)
	if _, err := fsys.Stat(root + "/" + p); err != nil {
		t.Errorf("the file is gone: %v", err)
	}
}

// Downloading a folder that holds a file larger than a zip entry may be is refused, without reading it.
func TestExportRefusesHugeFile(t *testing.T) {
	const p = "com.a/abcd"
	fsys := hugeFs{Fs: memTree(t, map[string]string{p: "{}"}), name: root + "/" + p, size: 1 << 40}
	err := ExportZip(fsys, root, io.Discard)
	if KindOf(err) != KindInput || err.Error() != p+": the file is 1024.0 GiB, over the 64.0 MiB limit of a zip entry: move it out of the folder" {
		t.Errorf("got %v", err)
	}
}

// 10 MB in one string: a file of that size parses under a raised --max-file-size, and is refused unread as too
// large under the default 4 MiB.
func TestTenMegabyteString(t *testing.T) {
	text := edit(t, example, `"email": ""`, `"email": "", "parameters": {"blob": "`+strings.Repeat("é", 5<<20)+`"}`)
	fsys := memTree(t, map[string]string{examplePath: text})
	raised := NewChecker(CheckerOptions{Limits: Limits{MaxFileSize: 16 << 20}})
	rep, err := raised.Check(context.Background(), fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 0 || len(rep.Sessions) != 1 {
		t.Errorf("raised limit: errors %v", rep.Errors)
	}
	rep, err = (&Checker{}).Check(context.Background(), fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Cause.String() != "the file is 10.0 MiB, over the 4.0 MiB limit" {
		t.Errorf("default limit: errors %v", rep.Errors)
	}
}

// Nesting deeper than encoding/json's 10000 levels is mobi 2 with the place and a clear cause, whatever the
// depth: no stack overflow in the check, the refresh or the console.
func TestDeepNesting(t *testing.T) {
	const depth = 100_000
	tests := []struct {
		name, text string
		col        int
	}{
		{"objects", strings.Repeat(`{"a":`, depth) + strings.Repeat("}", depth), 10000*len(`{"a":`) + 1},
		{"arrays", `{"a":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "}", len(`{"a":`) + 9999 + 1},
		{"never closed", strings.Repeat(`{"a":[`, depth), 5000*len(`{"a":[`) + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkText(t, exampleFile, tt.text)
			if err == nil || err.Code != CodeMalformed || err.Line != 1 || err.Column != tt.col ||
				!strings.HasPrefix(err.Cause.String(), "nesting deeper than 10000 levels") {
				t.Fatalf("got %v at %d:%d, want mobi 2 at 1:%d, nesting deeper than 10000 levels", err, err.Line, err.Column, tt.col)
			}
			l := newLoaded(t, map[string]string{examplePath: example})
			writeTree(t, l.fs, root, examplePath, []byte(tt.text))
			rep, rerr := l.refresh()
			if rerr != nil || outcome(rep, examplePath) != "removed invalid, error 2" {
				t.Errorf("refresh: %v %+v", rerr, rep)
			}
			f, rerr := l.open(examplePath)
			if rerr != nil || f.Error == nil || f.Error.Code != CodeMalformed || len(f.Data) != len(tt.text) {
				t.Errorf("the console cannot open the file: %v", rerr)
			}
		})
	}
	// Just under the limit, the file is well formed: the checks, the diff and the memory handle 9990 levels.
	t.Run("9990 levels in a valid session", func(t *testing.T) {
		deep := func(leaf string) string {
			return edit(t, example, `"email": ""`, `"email": "", "parameters": `+strings.Repeat(`{"a":`, 9990)+leaf+strings.Repeat("}", 9990))
		}
		l := newLoaded(t, map[string]string{examplePath: deep("1")})
		writeTree(t, l.fs, root, examplePath, []byte(deep("2")))
		rep, err := l.refresh()
		if err != nil {
			t.Fatal(err)
		}
		want := "/parameters" + strings.Repeat("/a", 9990)
		if len(rep.Updated) != 1 || len(rep.Updated[0].Changes) != 1 || rep.Updated[0].Changes[0].Pointer != want ||
			string(rep.Updated[0].Changes[0].Old) != "1" || string(rep.Updated[0].Changes[0].New) != "2" {
			t.Errorf("report %+v", rep)
		}
	})
}

// Two valid files that differ in 100 000 places 5 000 levels deep: named one by one, the changes would take a
// gigabyte of pointers. The diff stays small (one change at the root, with both documents) and linear in time;
// a difference of a thousand shallow changes is still listed change by change.
func TestDiffIsBounded(t *testing.T) {
	deep := func(digit string) string {
		return edit(t, example, `"email": ""`, `"email": "", "parameters": `+strings.Repeat(`{"a":`, 5000)+
			"["+strings.Repeat(digit+",", 99_999)+digit+"]"+strings.Repeat("}", 5000))
	}
	l := newLoaded(t, map[string]string{examplePath: deep("0")})
	writeTree(t, l.fs, root, examplePath, []byte(deep("1")))
	var rep *RefreshReport
	allocated := allocatedBy(func() {
		var err error
		if rep, err = l.refresh(); err != nil {
			t.Fatal(err)
		}
	})
	if len(rep.Updated) != 1 || len(rep.Updated[0].Changes) != 1 || rep.Updated[0].Changes[0].Pointer != "" ||
		!strings.Contains(string(rep.Updated[0].Changes[0].New), "[1,1,1") {
		t.Fatalf("report: %d updated", len(rep.Updated))
	}
	t.Logf("%d MiB allocated for the refresh", allocated>>20)
	if allocated > 256<<20 {
		t.Errorf("%d MiB allocated for the refresh", allocated>>20)
	}

	many := func(digit string) string {
		return edit(t, example, `"email": ""`, `"email": "", "parameters": {"list": [`+strings.Repeat(digit+",", 999)+digit+"]}")
	}
	l = newLoaded(t, map[string]string{examplePath: many("0")})
	writeTree(t, l.fs, root, examplePath, []byte(many("1")))
	rep, err := l.refresh()
	if err != nil || len(rep.Updated) != 1 || len(rep.Updated[0].Changes) != 1000 || rep.Updated[0].Changes[999].Pointer != "/parameters/list/999" {
		t.Errorf("a thousand changes: %v %+v", err, rep)
	}
}

// allocatedBy is how many bytes f allocates.
var allocatedBy = coretest.AllocatedBy

// Bytes that are not UTF-8 are mobi 2 at the first bad byte, wherever it is.
func TestInvalidUTF8(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
	}{
		{"Latin-1 in a value", edit(t, example, `"email": ""`, "\"email\": \"d\xe9j\xe0\""), 5, 13},
		{"in a key", edit(t, example, `"email": ""`, "\"\xff\": \"\""), 5, 3},
		{"an overlong '/'", "{\"a\": \"\xc0\xaf\"}", 1, 8},
		{"a UTF-16 surrogate encoded in UTF-8", "{\"a\": \"\xed\xa0\x80\"}", 1, 8},
		{"cut inside a character at the end", "{\"a\": \"é\"}\xe2\x82", 1, 11},
		{"after a byte-order mark", "\xEF\xBB\xBF{\n\"a\": \"\xfe\"}", 2, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkText(t, exampleFile, tt.text)
			if err == nil || err.Code != CodeMalformed || err.Cause.String() != "invalid UTF-8 byte" || err.Line != tt.line || err.Column != tt.col {
				t.Errorf("got %v at %d:%d, want mobi 2 invalid UTF-8 byte at %d:%d", err, err.Line, err.Column, tt.line, tt.col)
			}
		})
	}
}

// Duplicate keys: the last value wins, as when decoding. The checks, the memory and the diff use it, and the
// console is told which properties are duplicated (File.Duplicates), since nothing else would show it.
func TestDuplicateKeys(t *testing.T) {
	twice := edit(t, example, `"status": "accepted"`, `"status": "pending", "status": "accepted"`)
	s, _, err := (&Checker{}).CheckBytes(exampleFile, []byte(twice))
	if err != nil || s.Status != StatusAccepted {
		t.Fatalf("got %v, %v; want the session with the last status, accepted", s, err)
	}
	// The last value is the one checked, and the error points at it.
	lastBad := edit(t, example, `"status": "accepted"`, "\"status\": \"accepted\",\n\t\"status\": \"Accepted\"")
	err = checkText(t, exampleFile, lastBad)
	if err == nil || err.Code != CodeSchema || err.Violations[0].Pointer != "/status" || err.Line != 10 || err.Column != 12 {
		t.Errorf("got %v, want mobi 3 on the second status, at 10:12", err)
	}
	if err := checkText(t, exampleFile, edit(t, example, `"status": "accepted"`, "\"status\": \"Accepted\",\n\t\"status\": \"accepted\"")); err != nil {
		t.Errorf("a wrong first value that the last replaces: %v", err)
	}

	l := newLoaded(t, map[string]string{examplePath: edit(t, example, `"status": "accepted"`, `"status": "pending"`)})
	writeTree(t, l.fs, root, examplePath, []byte(twice))
	rep, err2 := l.refresh()
	if err2 != nil || len(rep.Updated) != 1 || rep.Updated[0].Changes[0].Pointer != "/status" || string(rep.Updated[0].Changes[0].New) != `"accepted"` {
		t.Fatalf("refresh: %v %+v", err2, rep)
	}
	if got := memoryOf(l.reg); !reflect.DeepEqual(got, []memoryLine{{examplePath, StatusAccepted}}) {
		t.Errorf("memory %v, want the last value", got)
	}
	f, err2 := l.open(examplePath)
	if err2 != nil || !reflect.DeepEqual(f.Duplicates, []string{"/status"}) {
		t.Errorf("the console is not told of the duplicate: %+v, %v", f, err2)
	}
	writeTree(t, l.fs, root, examplePath, []byte(example))
	if f, err2 = l.open(examplePath); err2 != nil || f.Duplicates != nil {
		t.Errorf("a file without duplicates: %+v, %v", f.Duplicates, err2)
	}
}

func TestDuplicateKeysScanner(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{`{}`, nil},
		{`{"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]}`, nil},
		{`{"a":1,"a":2}`, []string{"/a"}},
		{`{"a":1,"a":2,"a":3}`, []string{"/a"}},
		{`{"a":1,"\u0061":2}`, []string{"/a"}},
		{`{"a":{"x":[1,{"y":1,"y":{}}],"x":2},"b":1,"a":null}`, []string{"/a/x/1/y", "/a/x", "/a"}},
		{`{"l":[{"k":1,"k":2},{"k":1},{"k":[],"k":[]}]}`, []string{"/l/0/k", "/l/2/k"}},
		{`{"a/b~c":1,"a/b~c":2}`, []string{"/a~1b~0c"}},
		{`{"":1,"":2}`, []string{"/"}},
		{`[{"a":1,"a":1}]`, []string{"/0/a"}},
	}
	for _, tt := range tests {
		if got := duplicateKeys([]byte(tt.text)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("duplicateKeys(%s) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// Numbers beyond float64 (more digits than it holds, exponents past its range) are kept as written: compared
// exactly, reported in the diff digit for digit, and respelled numbers of equal value are no change.
func TestNumbersBeyondFloat64(t *testing.T) {
	long := "1" + strings.Repeat("0", 398) + "1" // 400 digits
	file := func(big, tiny, huge string) string {
		return edit(t, example, `"email": ""`, `"email": "", "parameters": {"big": `+big+`, "tiny": `+tiny+`, "huge": `+huge+`}`)
	}
	before := file(long, "1e-400", "1e400")
	tests := []struct {
		name, after string
		changes     []Change
	}{
		{"the 400th digit changes", file(long[:399]+"2", "1e-400", "1e400"),
			[]Change{{Pointer: "/parameters/big", Old: json.RawMessage(long), New: json.RawMessage(long[:399] + "2")}}},
		{"past float64's smallest", file(long, "2e-400", "1e400"),
			[]Change{{Pointer: "/parameters/tiny", Old: json.RawMessage("1e-400"), New: json.RawMessage("2e-400")}}},
		{"past float64's largest", file(long, "1e-400", "1.0000000000000000000000001e400"),
			[]Change{{Pointer: "/parameters/huge", Old: json.RawMessage("1e400"), New: json.RawMessage("1.0000000000000000000000001e400")}}},
		{"respelled, same values", file(long+".000", "0.1E-399", "10e399"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLoaded(t, map[string]string{examplePath: before})
			if l.reg.Len() != 1 {
				t.Fatalf("the file does not load: %v", checkText(t, exampleFile, before))
			}
			writeTree(t, l.fs, root, examplePath, []byte(tt.after))
			rep, err := l.refresh()
			if err != nil {
				t.Fatal(err)
			}
			if tt.changes == nil {
				if outcome(rep, examplePath) != "unchanged" {
					t.Errorf("report %+v, want unchanged", rep)
				}
				return
			}
			if len(rep.Updated) != 1 || !reflect.DeepEqual(rep.Updated[0].Changes, tt.changes) {
				t.Errorf("report %+v\nwant the changes %s", rep, tt.changes)
			}
			// The memory holds the new digits: a refresh of the same file is no change.
			if rep, err = l.refresh(); err != nil || outcome(rep, examplePath) != "unchanged" {
				t.Errorf("second refresh: %v %+v", err, rep)
			}
		})
	}
}

func TestSameNumberExact(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"0", "-0", true},
		{"0", "0e999", true},
		{"0.0", "0E-5", true},
		{"1", "1.000", true},
		{"1", "0.1e1", true},
		{"1", "10E-1", true},
		{"-1.5", "-15e-1", true},
		{"120", "1.2e+2", true},
		{"0.001", "1e-3", true},
		{"1e1000000000000000000", "1e1000000000000000000", true},  // the same spelling
		{"1e1000000000000000000", "10e999999999999999999", false}, // exponents past int64 are compared by spelling
		{"1", "-1", false},
		{"1", "2", false},
		{"0.1", "0.10000000000000000000000000000000000000000000001", false},
		{"9007199254740993", "9007199254740992", false}, // 2^53 + 1 and 2^53: one float64
		{"1e-400", "0", false},
	}
	for _, tt := range tests {
		if got := sameNumber(json.Number(tt.a), json.Number(tt.b)); got != tt.same {
			t.Errorf("sameNumber(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
		if got := sameNumber(json.Number(tt.b), json.Number(tt.a)); got != tt.same {
			t.Errorf("sameNumber(%s, %s) = %v, want %v", tt.b, tt.a, got, tt.same)
		}
	}
}

// NUL bytes: raw, they are not JSON (mobi 2, placed); escaped as \u0000 they are a character like another.
func TestNULBytes(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
		cause      string
	}{
		{"raw, inside a string", edit(t, example, `"email": ""`, "\"email\": \"a\x00b\""), 5, 13, `character '\x00' is not allowed inside a string: escape it`},
		{"raw, between properties", edit(t, example, `"email": "",`, "\"email\": \"\",\x00"), 5, 14, `expected a property name in double quotes, found '\x00'`},
		{"raw, after the object", example + "\x00", 12, 1, "unexpected data after the object"},
		{"only NUL bytes", "\x00\x00\x00\x00", 1, 1, `expected a value, found '\x00'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkText(t, exampleFile, tt.text)
			if err == nil || err.Code != CodeMalformed || err.Line != tt.line || err.Column != tt.col || err.Cause.String() != tt.cause {
				t.Errorf("got %v at %d:%d, want mobi 2 at %d:%d %q", err, err.Line, err.Column, tt.line, tt.col, tt.cause)
			}
		})
	}
	t.Run("escaped, in a free text", func(t *testing.T) {
		s, _, err := (&Checker{}).CheckBytes(exampleFile, []byte(edit(t, example, `"email": ""`, `"email": "a\u0000b"`)))
		if err != nil || s.Email != "a\x00b" {
			t.Errorf("got %+v, %v; want a session whose email holds a NUL", s, err)
		}
	})
	t.Run("escaped, in the session id", func(t *testing.T) {
		err := checkText(t, exampleFile, edit(t, example, `"id": "`+exampleID+`"`, `"id": "`+exampleID+`\u0000"`))
		if err == nil || err.Code != CodeSchema || err.Violations[0].Pointer != "/session/id" {
			t.Errorf("got %v, want mobi 3 at /session/id", err)
		}
	})
	t.Run("escaped, in the application id", func(t *testing.T) {
		err := checkText(t, exampleFile, edit(t, example, `"id": "com.contactApp.Contact"`, `"id": "com.contactApp.Contact\u0000"`))
		if err == nil || err.Code != CodeLocation || err.Expected.Folder != exampleApp+"\x00" {
			t.Errorf("got %v, want mobi 1 naming the folder the content asks for", err)
		}
	})
}

// UTF-16, in either byte order, with or without a byte-order mark: mobi 2 that says so. Without the mark the
// bytes look like NUL bytes between ASCII characters, which is what a syntax error would have talked about.
func TestUTF16(t *testing.T) {
	noBOM := "the file looks like UTF-16 without a byte-order mark (a NUL byte beside each character); session files are UTF-8"
	checkWide(t, 2, "the file is UTF-16; session files are UTF-8", noBOM)
	for _, lang := range []i18n.Lang{i18n.French, i18n.Spanish} {
		err := (&Checker{}).parseErr(encodeWide(example, 2, false, false)).In(lang)
		if err == nil || !strings.Contains(err.Cause.String(), "UTF-16") || err.Cause.String() == noBOM {
			t.Errorf("%s: %v", lang, err)
		}
	}
}

// A UTF-32 file is named UTF-32, with or without a byte-order mark, in either byte order: its little-endian mark
// starts like UTF-16's, and without a mark it has NUL bytes as UTF-16 has.
func TestUTF32(t *testing.T) {
	checkWide(t, 4, "the file is UTF-32; session files are UTF-8",
		"the file looks like UTF-32 without a byte-order mark (three NUL bytes beside each character); session files are UTF-8")
	if err := (&Checker{}).parseErr(encodeWide(example, 4, false, true)).In(i18n.French); err == nil || err.Cause.String() != "le fichier est en UTF-32 ; les fichiers de session sont en UTF-8" {
		t.Errorf("French: %v", err)
	}
}

// checkWide checks the example encoded in UTF-16 (width 2) or UTF-32 (width 4), in each byte order, with and
// without a byte-order mark, and after a line break: mobi 2 with the cause given, and no place in the file.
func checkWide(t *testing.T, width int, withBOM, noBOM string) {
	t.Helper()
	for _, tt := range []struct {
		name           string
		bigEndian, bom bool
		cause          string
	}{
		{"little-endian with BOM", false, true, withBOM},
		{"big-endian with BOM", true, true, withBOM},
		{"little-endian without BOM", false, false, noBOM},
		{"big-endian without BOM", true, false, noBOM},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, text := range []string{example, "\r\n" + example} {
				err := checkText(t, exampleFile, encodeWide(text, width, tt.bigEndian, tt.bom))
				if err == nil || err.Code != CodeMalformed || err.Cause.String() != tt.cause || err.Line != 0 {
					t.Errorf("got %v, want mobi 2: %s", err, tt.cause)
				}
			}
		})
	}
}

// encodeWide is s in UTF-16 (width 2) or UTF-32 (width 4), in the byte order given, a byte-order mark first when
// bom.
func encodeWide(s string, width int, bigEndian, bom bool) string {
	order := binary.AppendByteOrder(binary.LittleEndian)
	if bigEndian {
		order = binary.BigEndian
	}
	var b []byte
	if width == 2 {
		units := utf16.Encode([]rune(s))
		if bom {
			units = append([]uint16{0xFEFF}, units...)
		}
		for _, u := range units {
			b = order.AppendUint16(b, u)
		}
		return string(b)
	}
	runes := []rune(s)
	if bom {
		runes = append([]rune{0xFEFF}, runes...)
	}
	for _, r := range runes {
		b = order.AppendUint32(b, uint32(r))
	}
	return string(b)
}

// parseErr is the error of check 1 on text, nil when it is well formed.
func (c *Checker) parseErr(text string) *Error {
	_, err := c.parse(exampleFile, []byte(text))
	return err
}

// The console's reader and writer refuse what is not a regular file (KindInput) rather than fail on it (a
// folder here; a named pipe in hostile_unix_test.go). For the checks, see TestRefreshUnderFaults.
func TestNotARegularFileWhenRead(t *testing.T) {
	const p = "com.a/abcd"
	mem := memTree(t, map[string]string{p + "/": ""}) // a folder where a file is expected
	_, _, err := ReadFile(mem, root, p, 1<<20)
	if KindOf(err) != KindInput || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadFile: %v", err)
	}
	_, err = WriteFile(mem, root, p, []byte("{}"), WriteOptions{Force: true})
	wantKind(t, err, KindInput)
	// A file where an app folder is expected.
	mem = memTree(t, map[string]string{"com.a": "a file"})
	_, err = WriteFile(mem, root, p, []byte("{}"), WriteOptions{Force: true})
	if KindOf(err) != KindInput || !strings.Contains(err.Error(), "com.a is a file, not an app folder") {
		t.Errorf("WriteFile under a file: %v", err)
	}
	if got := tree(t, mem, root); !reflect.DeepEqual(got, map[string]string{"com.a": "a file"}) {
		t.Errorf("the folder changed: %q", got)
	}
}
