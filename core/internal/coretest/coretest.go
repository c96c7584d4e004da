// Package coretest holds what the tests of the engine (core) and of its zip file system (zipfs) share: zips
// built entry by entry, as given, the tree of a file system to compare, and the seed corpora of their fuzz
// targets. It imports neither package, so that the tests of both may import it.
package coretest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// ZipEntry is one entry of a zip built by a test; Raw entries are written as given, sizes included.
type ZipEntry struct {
	Name   string
	Data   string
	Mode   fs.FileMode // 0 for a regular file
	Flags  uint16
	Header *zip.FileHeader // when set, written with CreateRaw: Data is the already compressed data
}

// FixedTime keeps test zips byte-stable.
var FixedTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// MakeZip writes a zip of entries, in order.
func MakeZip(t testing.TB, entries ...ZipEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		if e.Header != nil {
			w, err := zw.CreateRaw(e.Header)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte(e.Data)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: FixedTime, Flags: e.Flags}
		if strings.HasSuffix(e.Name, "/") {
			h.Method = zip.Store
		}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.Data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Deflate compresses data, to build entries whose header says what the test wants.
func Deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// StoredEntry is an entry kept uncompressed, as some zip tools write small files.
func StoredEntry(name, data string) ZipEntry {
	return ZipEntry{Name: name, Data: data, Header: &zip.FileHeader{
		Name: name, Method: zip.Store, Modified: FixedTime,
		CRC32: crc32.ChecksumIEEE([]byte(data)), CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data)),
	}}
}

// RawEntry is an entry written as is: compressed data and a header that may lie about it.
func RawEntry(name string, compressed []byte, crc uint32, size uint64) ZipEntry {
	return ZipEntry{Name: name, Data: string(compressed), Header: &zip.FileHeader{
		Name: name, Method: zip.Deflate, Modified: FixedTime,
		CRC32: crc, CompressedSize64: uint64(len(compressed)), UncompressedSize64: size,
	}}
}

// PatchLocal changes the first local header of a zip (from its signature on) with patch.
func PatchLocal(t testing.TB, data []byte, patch func(header []byte)) []byte {
	t.Helper()
	out := bytes.Clone(data)
	at := bytes.Index(out, []byte("PK\x03\x04"))
	if at < 0 {
		t.Fatal("no local header")
	}
	patch(out[at:])
	return out
}

// ReadAll reads every file of fsys, as a check and a download of it would: the first error met.
func ReadAll(fsys afero.Fs) error {
	return afero.Walk(fsys, "/", func(p string, info fs.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		_, err = afero.ReadFile(fsys, p)
		return err
	})
}

// Tree lists every file under dir of fsys with its content, paths relative to dir with '/'; folders end in '/'.
func Tree(t testing.TB, fsys afero.Fs, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := afero.Walk(fsys, dir, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case info.IsDir():
			out[rel+"/"] = ""
		default:
			data, err := afero.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			out[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Seeds are the seed corpora of fuzz targets, by target and then seed name: each seed's arguments.
type Seeds map[string]map[string][]any

// Add adds a seed, and fails the test when the target has one of that name already.
func (s Seeds) Add(t testing.TB, target, name string, args ...any) {
	t.Helper()
	if s[target] == nil {
		s[target] = map[string][]any{}
	}
	if _, ok := s[target][name]; ok {
		t.Fatalf("%s: two seeds named %q", target, name)
	}
	s[target][name] = args
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Keep compares the seeds with testdata/fuzz/<Target>/ of the package under test, or rewrites them there when
// update is set (go test -fuzz writes its finds there too, and every plain go test runs them).
func (s Seeds) Keep(t *testing.T, update bool, rerun string) {
	for target, seeds := range s {
		for name, args := range seeds {
			file := SeedFile(target, name)
			want := CorpusFile(args)
			if update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, want, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(file)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s is missing or stale (%s -update): %v", file, rerun, err)
			}
		}
	}
}

// SeedFile is where the seed name of target is kept: testdata/fuzz/<Target>/ of the package under test.
func SeedFile(target, name string) string {
	return filepath.Join("testdata", "fuzz", target, unsafeName.ReplaceAllString(name, "_"))
}

// CorpusFile is the text of a seed file, as `go test -fuzz` writes one.
func CorpusFile(args []any) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch a := a.(type) {
		case string:
			fmt.Fprintf(&b, "string(%q)\n", a)
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", a)
		default:
			panic(fmt.Sprintf("a seed of type %T", a))
		}
	}
	return b.Bytes()
}

// MemTree builds an in-memory folder at dir holding files, by path relative to dir. A name ending in "/" is an
// empty folder.
func MemTree(t testing.TB, dir string, files map[string]string) afero.Fs {
	t.Helper()
	fsys := afero.NewMemMapFs()
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		WriteTree(t, fsys, dir, name, []byte(content))
	}
	return fsys
}

// WriteTree writes the file name (relative to dir, '/'-separated) of fsys, making its folders; a name ending
// in "/" is a folder.
func WriteTree(t testing.TB, fsys afero.Fs, dir, name string, data []byte) {
	t.Helper()
	p := path.Join(dir, name)
	if strings.HasSuffix(name, "/") {
		if err := fsys.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := fsys.MkdirAll(path.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(fsys, p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// SortedKeys returns m's keys in order.
func SortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// AllocatedBy is how many bytes f allocates, freed or not.
func AllocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// HeapGrowth is how much more live heap there is after f, f's result kept alive until measured.
func HeapGrowth(f func() any) (uint64, any) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := f()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapAlloc < before.HeapAlloc {
		return 0, v
	}
	return after.HeapAlloc - before.HeapAlloc, v
}

// The session file of 4D's documentation, one property a line, as docs/rules.md quotes it.
const (
	ExampleApp   = "UTT7VDX8W5.com.contactApp.Contact"
	ExampleID    = "7023d9205074199d1c16fc00d24354e778137675"
	ExamplePath  = ExampleApp + "/" + ExampleID
	ExampleToken = "eyJhcHBOYW1lSUQiOiJjb20uY29udGFjdEFwcC5Db250YWN0IiwiaWQiOiI3MDIzZDkyMDUwNzQxOTlkMWMxNmZjMDBkMjQzNTRlNzc4MTM3Njc1IiwidGVhbUlEIjoiVVRUN1ZEWDhXNSJ9"
	Example      = `{
	"application": {"id": "com.contactApp.Contact", "name": "Contact", "version": "1.0.0"},
	"team": {"id": "UTT7VDX8W5"},
	"language": {"id": "en_US", "code": "en", "region": "US"},
	"email": "",
	"device": {"description": "iPhone X", "version": "11.3", "id": "0DC5132E-1EF4-407C-A832-5FE33D818AF3", "simulator": true},
	"send": "link",
	"session": {"id": "7023d9205074199d1c16fc00d24354e778137675", "ip": "::ffff:192.168.5.4"},
	"status": "accepted",
	"token": "` + ExampleToken + `"
}
`
)

// Edit replaces old by new in s, once, and fails the test when old is not there: a row that edits nothing
// would test the unedited file.
func Edit(t testing.TB, s, old, new string) string {
	t.Helper()
	if strings.Count(s, old) != 1 {
		t.Fatalf("edit: %q occurs %d times, want once", old, strings.Count(s, old))
	}
	return strings.Replace(s, old, new, 1)
}

// Session returns a compact, valid session file for team (may be "") and application id: the token written
// as 4D writes it, base64url without padding of its compact JSON, for ids of plain ASCII as test ids are.
func Session(team, app, id, status string) string {
	tok := base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID":"` + app + `","id":"` + id + `","teamID":"` + team + `"}`))
	teamPart := ""
	if team != "" {
		teamPart = `"team":{"id":"` + team + `"},`
	}
	return `{"application":{"id":"` + app + `"},` + teamPart + `"session":{"id":"` + id + `"},"status":"` + status + `","token":"` + tok + `"}`
}
