package core

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

func wantKind(t *testing.T, err error, kind Kind) {
	t.Helper()
	if KindOf(err) != kind {
		t.Fatalf("got %v (kind %q), want kind %q", err, KindOf(err), kind)
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"", true},
		{"com.a", true},
		{"com.a/abcd", true},
		{"..", false},
		{"com.a/..", false},
		{"../com.a/abcd", false},
		{".", false},
		{"com.a/./x", false},
		{"/com.a/abcd", false},
		{"/", false},
		{`com.a\abcd`, false},
		{`..\..\x`, false},
		{"C:/x", false},
		{"c:x", false},
		{"com.a/ab\x00cd", false},
		{"com.a/abcd/deeper", false},
		{"com.a/", false},
		{"com.a//abcd", false},
	}
	for _, tt := range tests {
		got, err := CleanPath(tt.path)
		switch {
		case tt.ok && (err != nil || got != tt.path):
			t.Errorf("CleanPath(%q) = %q, %v; want it accepted as is", tt.path, got, err)
		case !tt.ok && KindOf(err) != KindInput:
			t.Errorf("CleanPath(%q) = %q, %v; want an input error", tt.path, got, err)
		}
	}
}

// assertTree fails when the folder holds anything but want: a write that left a temporary file fails it.
func assertTree(t *testing.T, fsys afero.Fs, want map[string]string) {
	t.Helper()
	if got := tree(t, fsys, root); !reflect.DeepEqual(got, want) {
		t.Errorf("the folder holds\n%q\nwant\n%q", got, want)
	}
}

func TestWriteFile(t *testing.T) {
	const p = "com.a/abcd"
	fsys := memTree(t, nil)

	etag, err := WriteFile(fsys, root, p, []byte("one"), WriteOptions{})
	if err != nil || etag != ETag([]byte("one")) {
		t.Fatalf("create: %q, %v", etag, err)
	}
	assertTree(t, fsys, map[string]string{"com.a/": "", p: "one"})

	_, err = WriteFile(fsys, root, p, []byte("two"), WriteOptions{})
	wantKind(t, err, KindConflict) // creating a file that exists
	_, err = WriteFile(fsys, root, p, []byte("two"), WriteOptions{IfMatch: ETag([]byte("stale"))})
	wantKind(t, err, KindConflict) // a stale ETag
	assertTree(t, fsys, map[string]string{"com.a/": "", p: "one"})

	if etag, err = WriteFile(fsys, root, p, []byte("two, longer"), WriteOptions{IfMatch: etag}); err != nil {
		t.Fatal(err)
	}
	assertTree(t, fsys, map[string]string{"com.a/": "", p: "two, longer"})
	if etag, err = WriteFile(fsys, root, p, []byte("3"), WriteOptions{IfMatch: etag}); err != nil {
		t.Fatal(err)
	}
	assertTree(t, fsys, map[string]string{"com.a/": "", p: "3"})

	if err := fsys.Remove(root + "/" + p); err != nil {
		t.Fatal(err)
	}
	_, err = WriteFile(fsys, root, p, []byte("4"), WriteOptions{IfMatch: etag})
	wantKind(t, err, KindConflict) // deleted since it was read
	assertTree(t, fsys, map[string]string{"com.a/": ""})

	if _, err = WriteFile(fsys, root, p, []byte("5"), WriteOptions{IfMatch: "whatever", Force: true}); err != nil {
		t.Fatal(err)
	}
	assertTree(t, fsys, map[string]string{"com.a/": "", p: "5"})

	for _, bad := range []string{"com.a", "../x/abcd", "com.a/abcd/x", `com.a\abcd`} {
		_, err := WriteFile(fsys, root, bad, []byte("x"), WriteOptions{Force: true})
		wantKind(t, err, KindInput)
	}
	assertTree(t, fsys, map[string]string{"com.a/": "", p: "5"})
}

// A write that fails halfway leaves the old file whole and no temporary file behind.
func TestWriteFileFailsWhole(t *testing.T) {
	const p = "com.a/abcd"
	for name, fsys := range map[string]*faultyFs{
		"disk full":     {writeErr: errDisk},
		"rename fails":  {renameErr: errDisk},
		"both, at once": {writeErr: errDisk, renameErr: errDisk},
	} {
		t.Run(name, func(t *testing.T) {
			fsys.Fs = memTree(t, map[string]string{p: "old content"})
			_, err := WriteFile(fsys, root, p, []byte("new content, a bit longer"), WriteOptions{IfMatch: ETag([]byte("old content"))})
			if err == nil || KindOf(err) != KindInternal || !strings.Contains(err.Error(), errDisk.Error()) {
				t.Fatalf("got %v, want the disk error", err)
			}
			assertTree(t, fsys.Fs, map[string]string{"com.a/": "", p: "old content"})
		})
	}
}

func TestReadFile(t *testing.T) {
	fsys := memTree(t, map[string]string{"com.a/abcd": "content", "com.a/big": strings.Repeat("x", 100)})
	data, etag, err := ReadFile(fsys, root, "com.a/abcd", 1<<20)
	if err != nil || string(data) != "content" || etag != ETag([]byte("content")) {
		t.Errorf("ReadFile = %q, %q, %v", data, etag, err)
	}
	_, _, err = ReadFile(fsys, root, "com.a/missing", 1<<20)
	wantKind(t, err, KindNotFound)
	_, _, err = ReadFile(fsys, root, "com.a", 1<<20)
	wantKind(t, err, KindInput)
	_, _, err = ReadFile(fsys, root, "com.a/big", 99)
	wantKind(t, err, KindInput)
}

// SetStatus changes the value of status and nothing else of the text: byte-order mark, line breaks,
// indentation and key order stay as they were. A file without status gets one.
func TestSetStatus(t *testing.T) {
	crlf := "\xEF\xBB\xBF" + strings.ReplaceAll(example, "\n", "\r\n")
	crlf = edit(t, crlf, `"accepted"`, `"pending"`)
	tests := []struct {
		name   string
		before string
		status string
		after  string
	}{
		{"BOM, CRLF and tabs kept", crlf, "accepted", edit(t, crlf, `"status": "pending"`, `"status": "accepted"`)},
		{"back to pending", example, "pending", edit(t, example, `"status": "accepted"`, `"status": "pending"`)},
		{"the same status rewrites the same bytes", example, "accepted", example},
		{"spaces around the value kept", `{ "status" :  "pending"  , "a": 1 }`, "accepted", `{ "status" :  "accepted"  , "a": 1 }`},
		{"a nested status is not the status", `{"device": {"status": "pending"}, "status": "pending"}`, "accepted", `{"device": {"status": "pending"}, "status": "accepted"}`},
		{"a status of another type is replaced", `{"status": 1}`, "accepted", `{"status": "accepted"}`},
		{"absent: added first", "{\n\t\"a\": 1\n}\n", "accepted", "{\"status\":\"accepted\",\n\t\"a\": 1\n}\n"},
		{"absent from an empty object", "{}", "pending", `{"status":"pending"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const p = "com.a/abcd"
			fsys := memTree(t, map[string]string{p: tt.before})
			etag, err := SetStatus(fsys, root, p, tt.status, ETag([]byte(tt.before)), 0)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := afero.ReadFile(fsys, root+"/"+p)
			if string(got) != tt.after {
				t.Errorf("got\n%q\nwant\n%q", got, tt.after)
			}
			if etag != ETag(got) {
				t.Errorf("returned ETag %s is not the new file's", etag)
			}
			assertTree(t, fsys, map[string]string{"com.a/": "", p: tt.after})
		})
	}
	t.Run("the example stays valid", func(t *testing.T) {
		fsys := memTree(t, map[string]string{examplePath: crlf})
		if _, err := SetStatus(fsys, root, examplePath, StatusAccepted, "", 0); err != nil {
			t.Fatal(err)
		}
		rep, err := (&Checker{}).Check(context.Background(), fsys, root, CheckOptions{})
		if err != nil || len(rep.Errors) != 0 || len(rep.Sessions) != 1 || rep.Sessions[0].Status != StatusAccepted {
			t.Errorf("after SetStatus: %+v, %v", rep, err)
		}
	})
	for _, tt := range []struct {
		name, content, status, ifMatch string
		kind                           Kind
	}{
		{"a stale ETag", example, "accepted", ETag([]byte("stale")), KindConflict},
		{"a status 4D does not know", example, "Accepted", "", KindInput},
		{"not JSON", "{", "accepted", "", KindInput},
		{"an array", "[1]", "accepted", "", KindInput},
		{"null", "null", "accepted", "", KindInput},
	} {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			const p = "com.a/abcd"
			fsys := memTree(t, map[string]string{p: tt.content})
			_, err := SetStatus(fsys, root, p, tt.status, tt.ifMatch, 0)
			wantKind(t, err, tt.kind)
			assertTree(t, fsys, map[string]string{"com.a/": "", p: tt.content})
		})
	}
	t.Run("refused: no such file", func(t *testing.T) {
		_, err := SetStatus(memTree(t, nil), root, "com.a/abcd", "accepted", "", 0)
		wantKind(t, err, KindNotFound)
	})
}

// Delete resets one session (its file), an app's sessions (its folder) or all of them (the root).
func TestDelete(t *testing.T) {
	files := map[string]string{"com.a/01": "a1", "com.a/02": "a2", "com.b/03": "b3"}
	tests := []struct {
		name, path, ifMatch string
		kind                Kind // "" when the delete happens
		left                map[string]string
	}{
		{"a file", "com.a/01", "", "", map[string]string{"com.a/": "", "com.a/02": "a2", "com.b/": "", "com.b/03": "b3"}},
		{"a file, ETag matches", "com.a/01", ETag([]byte("a1")), "", map[string]string{"com.a/": "", "com.a/02": "a2", "com.b/": "", "com.b/03": "b3"}},
		{"an app folder", "com.a", "", "", map[string]string{"com.b/": "", "com.b/03": "b3"}},
		{"a file, stale ETag", "com.a/01", ETag([]byte("old")), KindConflict, nil},
		{"a missing file", "com.a/09", "", KindNotFound, nil},
		{"a missing folder", "com.c", "", KindNotFound, nil},
		{"escaping", "..", "", KindInput, nil},
		{"absolute", "/MobileApps", "", KindInput, nil},
		{"backslash", `com.a\01`, "", KindInput, nil},
		{"NUL", "com.a/0\x001", "", KindInput, nil},
		{"deeper", "com.a/01/x", "", KindInput, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := memTree(t, files)
			err := Delete(fsys, root, tt.path, tt.ifMatch, 0)
			if tt.kind != "" {
				wantKind(t, err, tt.kind)
				assertTree(t, fsys, map[string]string{"com.a/": "", "com.a/01": "a1", "com.a/02": "a2", "com.b/": "", "com.b/03": "b3"})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertTree(t, fsys, tt.left)
		})
	}
	t.Run("the root", func(t *testing.T) {
		fsys := memTree(t, files)
		if err := Delete(fsys, root, "", "", 0); err != nil {
			t.Fatal(err)
		}
		if ok, _ := afero.Exists(fsys, root); ok {
			t.Errorf("the root is still there: %q", tree(t, fsys, root))
		}
	})
}

// CreateSession writes what 4D writes after a login, and the file passes all four checks where it is: in
// [team.id.]application.id, with FAKETEAMID for an Apple app without a Team ID and no team for Android,
// accepted unless asked for pending.
func TestCreateSession(t *testing.T) {
	tests := []struct {
		n                    NewSession
		folder, team, status string
	}{
		{NewSession{ApplicationID: "com.contactApp.Contact", TeamID: "UTT7VDX8W5", Status: "accepted", Email: "a@b.c"}, "UTT7VDX8W5.com.contactApp.Contact", "UTT7VDX8W5", "accepted"},
		{NewSession{ApplicationID: "com.4d.tasks"}, "FAKETEAMID.com.4d.tasks", "FAKETEAMID", "accepted"},
		{NewSession{ApplicationID: "com.4d.tasks", OS: "macOS", Status: "pending"}, "FAKETEAMID.com.4d.tasks", "FAKETEAMID", "pending"},
		{NewSession{ApplicationID: "com.sample.myappname", OS: "Android"}, "com.sample.myappname", "", "accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.folder+"/"+tt.n.OS, func(t *testing.T) {
			fsys := memTree(t, nil)
			rel, err := CreateSession(fsys, root, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			app, name, _ := strings.Cut(rel, "/")
			if app != tt.folder || len(name) != 40 || !IsSessionName(name) {
				t.Errorf("created %s", rel)
			}
			if got := tt.n.AppFolder(); got != app { // what a server watches for while the file is written
				t.Errorf("AppFolder is %q, the file went to %q", got, app)
			}
			rep, err := (&Checker{}).Check(context.Background(), fsys, root, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) != 0 || len(rep.Skipped) != 0 || len(rep.Sessions) != 1 {
				t.Fatalf("the created file: %+v", rep)
			}
			s := rep.Sessions[0]
			if s.Path != rel || s.Status != tt.status || s.ApplicationID != tt.n.ApplicationID || s.TeamID != tt.team || s.Email != tt.n.Email {
				t.Errorf("created %+v", s)
			}
			if second, err := CreateSession(fsys, root, tt.n); err != nil || second == rel {
				t.Errorf("a second session: %q, %v", second, err)
			}
		})
	}
	for _, bad := range []NewSession{
		{},
		{ApplicationID: "com.a", Status: "Accepted"},
		{ApplicationID: "a/b"},
		{ApplicationID: "..", OS: "Android"},
		{ApplicationID: `a\b`},
		{ApplicationID: "com.a", TeamID: "x/y"},
		{ApplicationID: "com.a\x00"},
		{ApplicationID: ".hidden", OS: "Android"},
		{ApplicationID: "__MACOSX", OS: "Android"},
		{ApplicationID: "com.a", ID: "xyz"},
		{ApplicationID: "com.a", ID: "ab/cd"},
		{ApplicationID: "com.a", OS: "Windows"},
		{ApplicationID: "com.a", OS: "Android", TeamID: "UTT7VDX8W5"}, // the Team ID is Apple's
	} {
		fsys := memTree(t, nil)
		_, err := CreateSession(fsys, root, bad)
		wantKind(t, err, KindInput)
		assertTree(t, fsys, map[string]string{})
	}
}

// CreateSession writes, for each system, what 4D writes after that system's SDK logs in: the properties in
// 4D's order (for an Apple system, its documented example's; for Android, the Android SDK's, with parameters
// and without team or send), the device as the SDK describes a simulator, an IPv6-mapped loopback address,
// compact JSON in one line. The device id is drawn from the session id, so the same id makes the same file.
func TestCreateSessionAsFourDWrites(t *testing.T) {
	tests := []struct {
		n    NewSession
		rel  string
		want string
	}{
		{
			NewSession{ApplicationID: "com.contactApp.Contact", TeamID: "UTT7VDX8W5", Email: "marie.dupont@example.com", ID: "7023d9205074199d1c16fc00d24354e778137675"},
			"UTT7VDX8W5.com.contactApp.Contact/7023d9205074199d1c16fc00d24354e778137675",
			`{"application":{"id":"com.contactApp.Contact","name":"Contact","version":"1.0.0"},"team":{"id":"UTT7VDX8W5"},"language":{"id":"en_US","code":"en","region":"US"},"email":"marie.dupont@example.com","device":{"description":"Simulator (iPhone 15)","version":"17.5","id":"EED1892A-EE7A-4F7A-97B4-476CBCCE10AA","os":"iOS","simulator":true},"send":"link","session":{"id":"7023d9205074199d1c16fc00d24354e778137675","ip":"::ffff:127.0.0.1"},"status":"accepted","token":"eyJhcHBOYW1lSUQiOiJjb20uY29udGFjdEFwcC5Db250YWN0IiwiaWQiOiI3MDIzZDkyMDUwNzQxOTlkMWMxNmZjMDBkMjQzNTRlNzc4MTM3Njc1IiwidGVhbUlEIjoiVVRUN1ZEWDhXNSJ9"}`,
		},
		{
			NewSession{ApplicationID: "com.myCompany.My-App", OS: "ipados", ID: "A1B2C3D4E5F60718293A4B5C6D7E8F90", Status: "pending"},
			"FAKETEAMID.com.myCompany.My-App/A1B2C3D4E5F60718293A4B5C6D7E8F90",
			`{"application":{"id":"com.myCompany.My-App","name":"My-App","version":"1.0.0"},"team":{"id":"FAKETEAMID"},"language":{"id":"en_US","code":"en","region":"US"},"email":"","device":{"description":"Simulator (iPad Air (5th generation))","version":"17.5","id":"647B8AE4-BF4F-491D-94DD-5B38326EAD72","os":"iPadOS","simulator":true},"send":"link","session":{"id":"A1B2C3D4E5F60718293A4B5C6D7E8F90","ip":"::ffff:127.0.0.1"},"status":"pending","token":"eyJhcHBOYW1lSUQiOiJjb20ubXlDb21wYW55Lk15LUFwcCIsImlkIjoiQTFCMkMzRDRFNUY2MDcxODI5M0E0QjVDNkQ3RThGOTAiLCJ0ZWFtSUQiOiJGQUtFVEVBTUlEIn0"}`,
		},
		{ // a Mac is no simulator: the iOS SDK then sends no simulator; its id is the Mac's hardware address
			NewSession{ApplicationID: "com.myCompany.My-App", OS: "macOS", TeamID: "ABCDE12345", ID: "0F1E2D3C4B5A69788796A5B4C3D2E1F0", Email: "a<b>&c@example.com"},
			"ABCDE12345.com.myCompany.My-App/0F1E2D3C4B5A69788796A5B4C3D2E1F0",
			`{"application":{"id":"com.myCompany.My-App","name":"My-App","version":"1.0.0"},"team":{"id":"ABCDE12345"},"language":{"id":"en_US","code":"en","region":"US"},"email":"a<b>&c@example.com","device":{"description":"macOS_Version 14.5 (Build 23F79)","version":"Version 14.5 (Build 23F79)","id":"a0:73:e9:34:63:60","os":"macOS"},"send":"link","session":{"id":"0F1E2D3C4B5A69788796A5B4C3D2E1F0","ip":"::ffff:127.0.0.1"},"status":"accepted","token":"eyJhcHBOYW1lSUQiOiJjb20ubXlDb21wYW55Lk15LUFwcCIsImlkIjoiMEYxRTJEM0M0QjVBNjk3ODg3OTZBNUI0QzNEMkUxRjAiLCJ0ZWFtSUQiOiJBQkNERTEyMzQ1In0"}`,
		},
		{
			NewSession{ApplicationID: "com.sample.myappname", OS: "Android", ID: "3C81A8D7AFE64C2E9CCFFCDC35DC52F5", Email: "john@example.com", Device: "Pixel 8"},
			"com.sample.myappname/3C81A8D7AFE64C2E9CCFFCDC35DC52F5",
			`{"email":"john@example.com","application":{"id":"com.sample.myappname","name":"myappname","version":"1.0.0"},"device":{"id":"e71454023564b84d","simulator":true,"description":"Pixel 8","version":"34 (Android 14)","os":"Android"},"language":{"id":"en_US","code":"en","region":"US"},"parameters":{},"session":{"id":"3C81A8D7AFE64C2E9CCFFCDC35DC52F5","ip":"::ffff:127.0.0.1"},"status":"accepted","token":"eyJhcHBOYW1lSUQiOiJjb20uc2FtcGxlLm15YXBwbmFtZSIsImlkIjoiM0M4MUE4RDdBRkU2NEMyRTlDQ0ZGQ0RDMzVEQzUyRjUiLCJ0ZWFtSUQiOiIifQ"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			fsys := memTree(t, nil)
			rel, err := CreateSession(fsys, root, tt.n)
			if err != nil || rel != tt.rel {
				t.Fatalf("created %q, %v", rel, err)
			}
			data, _ := afero.ReadFile(fsys, root+"/"+rel)
			if string(data) != tt.want {
				t.Errorf("wrote\n%s\nwant\n%s", data, tt.want)
			}
			s, _, cerr := (&Checker{}).CheckBytes(SessionFile{Path: rel, App: strings.Split(rel, "/")[0], Name: tt.n.ID}, data)
			if cerr != nil {
				t.Errorf("the created file fails: %v", cerr)
			} else if s.ID != tt.n.ID {
				t.Errorf("checked %+v", s)
			}
			_, err = CreateSession(fsys, root, tt.n)
			wantKind(t, err, KindConflict)
			assertTree(t, fsys, map[string]string{strings.Split(rel, "/")[0] + "/": "", rel: tt.want})
		})
	}
}

// WriteNewFile writes a file that is not there, and never one that is.
func TestWriteNewFile(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := WriteNewFile(fsys, "/out.zip", writeString("zip")); err != nil {
		t.Fatal(err)
	}
	wantKind(t, WriteNewFile(fsys, "/out.zip", writeString("other")), KindConflict)
	if got, _ := afero.ReadFile(fsys, "/out.zip"); string(got) != "zip" {
		t.Errorf("out.zip holds %q", got)
	}
	if names, _ := afero.ReadDir(fsys, "/"); len(names) != 1 {
		t.Errorf("left beside it: %v", names)
	}
}

// writeString is the content of WriteNewFile: s.
func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// syncLog records, in order, the names of the files and folders synced through it.
type syncLog struct {
	afero.Fs
	synced []string
}

func (s *syncLog) Open(name string) (afero.File, error) {
	f, err := s.Fs.Open(name)
	if err != nil {
		return nil, err
	}
	return &syncLogFile{File: f, log: s}, nil
}

func (s *syncLog) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	f, err := s.Fs.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &syncLogFile{File: f, log: s}, nil
}

type syncLogFile struct {
	afero.File
	log *syncLog
}

func (f *syncLogFile) Sync() error {
	f.log.synced = append(f.log.synced, f.Name())
	return f.File.Sync()
}

// A save survives a power loss: the new content is synced before the rename, and the folder after it.
func TestWriteFileSyncsFileThenFolder(t *testing.T) {
	for name, base := range map[string]func() (afero.Fs, string){
		"memory": func() (afero.Fs, string) { return memTree(t, nil), root },
		"disk":   func() (afero.Fs, string) { return afero.NewOsFs(), t.TempDir() },
	} {
		t.Run(name, func(t *testing.T) {
			fsys, dir := base()
			log := &syncLog{Fs: fsys}
			if _, err := WriteFile(log, dir, "com.a/abcd", []byte("{}"), WriteOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			if len(log.synced) != 2 || !strings.HasPrefix(filepath.Base(log.synced[0]), ".abcd.tmp-") ||
				filepath.Clean(log.synced[1]) != filepath.Join(dir, "com.a") {
				t.Errorf("synced %q; want the temporary file, then %s", log.synced, filepath.Join(dir, "com.a"))
			}
		})
	}
}

// What killed saves left is removed once old enough not to be a save under way; recent temporaries, folders
// and other hidden files stay.
func TestRemoveStaleTemps(t *testing.T) {
	fsys := memTree(t, map[string]string{
		"com.a/abcd":                "{}",
		"com.a/.abcd.tmp-111":       "left by a killed save",
		"com.a/.abcd.tmp-222":       "a save under way",
		"com.b/.ef01.tmp-333":       "another app's, left too",
		"com.a/.abcd.tmp-444/":      "",
		"com.a/.hidden":             "not a temporary",
		"com.a/.abcd.tmp-555-looks": "also stale",
	})
	old := time.Now().Add(-staleTempAge - time.Minute)
	for _, name := range []string{"com.a/.abcd.tmp-111", "com.b/.ef01.tmp-333", "com.a/.abcd.tmp-444", "com.a/.hidden", "com.a/.abcd.tmp-555-looks"} {
		if err := fsys.Chtimes(root+"/"+name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if n := RemoveStaleTemps(fsys, root); n != 3 {
		t.Errorf("removed %d, want 3", n)
	}
	assertTree(t, fsys, map[string]string{
		"com.a/":               "",
		"com.b/":               "",
		"com.a/abcd":           "{}",
		"com.a/.abcd.tmp-222":  "a save under way",
		"com.a/.abcd.tmp-444/": "",
		"com.a/.hidden":        "not a temporary",
	})
}
