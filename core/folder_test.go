package core

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/i18n"
)

// isSession marks a row whose entry is a session file.
const isSession SkipKind = "session"

// TestFolderRules builds one folder with a row per rule of docs/rules.md's "The folder" and "What is skipped",
// and checks how each entry is listed: a session file, or skipped with its kind. Nothing else is listed: what is
// inside a skipped folder is not read.
func TestFolderRules(t *testing.T) {
	const app = "UTT7VDX8W5.com.contactApp.Contact"
	rows := []struct {
		path string // a trailing "/" makes a folder
		want SkipKind
		why  string
	}{
		{app + "/7023d9205074199d1c16fc00d24354e778137675", isSession, "40 lower-case hex characters"},
		{"com.sample.myappname/3C81A8D7AFE64C2E9CCFFCDC35DC52F5", isSession, "32 upper-case hex characters (a 4D UUID)"},
		{"com.sample.myappname/aBc0", isSession, "any hex name, mixed case"},
		{"key.mobileapp", SkipRootFile, "a file at the root"},
		{"README", SkipRootFile, "a file at the root, even with a hex-like name"},
		{".DS_Store", SkipRootFile, "a hidden file at the root is a file at the root"},
		{"._" + app, SkipJunk, "macOS resource fork at the root"},
		{"__MACOSX/", SkipJunk, "macOS metadata folder"},
		{".git/", SkipHidden, "a hidden folder at the root is no app folder"},
		{app + "/manifest.json", SkipExtension, "a name with an extension"},
		{app + "/AuthKey_ABC123.p8", SkipExtension, "a key file"},
		{app + "/abcdef.", SkipExtension, "a dot at the end is an extension"},
		{app + "/.7023d9205074199d1c16fc00d24354e778137675", SkipHidden, "a hidden file"},
		{app + "/._7023d9205074199d1c16fc00d24354e778137675", SkipJunk, "macOS resource fork"},
		{app + "/.7023d92.tmp-123", SkipHidden, "a write's temporary file is hidden"},
		{"com.sample.myappname/test_session", SkipNotHex, "not hexadecimal"},
		{"com.sample.myappname/7023g", SkipNotHex, "one letter past f"},
		{"com.sample.myappname/sub/", SkipNested, "a folder inside an app folder"},
		{"com.sample.myappname/fifo", SkipNotRegular, "a named pipe"},
		{"com.sample.myappname/abcd", SkipNotRegular, "a device, even with a hex name"},
		{"com.empty/", "", "an app folder with no sessions is still an app folder"},
	}
	files := map[string]string{
		"__MACOSX/" + app + "/._7023d9205074199d1c16fc00d24354e778137675": "junk",
		"com.sample.myappname/sub/abcdef":                                 "inside a nested folder: not read",
		".git/abcdef":                                                     "inside a hidden folder: not read",
	}
	for _, r := range rows {
		files[r.path] = `{}`
	}
	mem := memTree(t, files)
	fsys := &faultyFs{Fs: mem, modes: map[string]fs.FileMode{
		root + "/com.sample.myappname/fifo": fs.ModeNamedPipe | 0o644,
		root + "/com.sample.myappname/abcd": fs.ModeDevice | 0o644,
	}}
	l, err := List(fsys, root)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]SkipKind{}
	for _, f := range l.Files {
		if f.Path != f.App+"/"+f.Name {
			t.Errorf("session file %+v: its path is not app/name", f)
		}
		got[f.Path] = isSession
	}
	for _, s := range l.Skipped {
		if s.Reason.String() != i18n.English.Sprintf(*skipMessages[s.Kind]) || s.Reason.String() == "" {
			t.Errorf("%s: reason %q for kind %s", s.Path, s.Reason, s.Kind)
		}
		got[s.Path] = s.Kind
	}
	for _, r := range rows {
		p := strings.TrimSuffix(r.path, "/")
		if r.want == "" {
			if _, listed := got[p]; listed {
				t.Errorf("%s (%s): listed as %s", r.path, r.why, got[p])
			}
			continue
		}
		if got[p] != r.want {
			t.Errorf("%s (%s): got %q, want %q", r.path, r.why, got[p], r.want)
		}
		delete(got, p)
	}
	for p, kind := range got {
		t.Errorf("%s: listed as %s, but no rule lists it", p, kind)
	}
	wantApps := []string{app, "com.empty", "com.sample.myappname"}
	if !reflect.DeepEqual(l.Apps, wantApps) {
		t.Errorf("apps %q, want %q", l.Apps, wantApps)
	}
	if l.Missing || len(l.Unreadable) != 0 {
		t.Errorf("missing %v, unreadable %v", l.Missing, l.Unreadable)
	}
}

// Entries come in name order, apps first by name, whatever order the disk gives.
func TestListOrder(t *testing.T) {
	fsys := memTree(t, map[string]string{"b/02": "", "b/01": "", "a/ff": "", "a/0A": "", "zz": "", "a/x.json": ""})
	l, err := List(fsys, root)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range l.Files {
		paths = append(paths, f.Path)
	}
	for _, s := range l.Skipped {
		paths = append(paths, "skip "+s.Path)
	}
	want := []string{"a/0A", "a/ff", "b/01", "b/02", "skip a/x.json", "skip zz"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("got %q, want %q", paths, want)
	}
}

// A missing root is no sessions, not an error; a root that cannot be read, or is a file, is an error; an app
// folder that cannot be listed is skipped as unreadable (its sessions are unknown, not gone); one deleted while
// the root is read is simply not there.
func TestListRoot(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		l, err := List(memTree(t, nil), root+"/nothing")
		if err != nil || !l.Missing || len(l.Files)+len(l.Skipped)+len(l.Apps) != 0 {
			t.Errorf("got %+v, %v", l, err)
		}
	})
	t.Run("a file", func(t *testing.T) {
		if l, err := List(memTree(t, map[string]string{"x": ""}), root+"/x"); err == nil {
			t.Errorf("listing a file: %+v", l)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		fsys := &faultyFs{Fs: memTree(t, nil), readDirErr: map[string]error{root: errDisk}}
		if l, err := List(fsys, root); !errors.Is(err, errDisk) {
			t.Errorf("got %+v, %v", l, err)
		}
	})
	t.Run("unreadable app folder", func(t *testing.T) {
		fsys := &faultyFs{Fs: memTree(t, map[string]string{"a/01": "", "b/02": ""}), readDirErr: map[string]error{root + "/a": errDisk}}
		l, err := List(fsys, root)
		if err != nil {
			t.Fatal(err)
		}
		if !l.Unreadable["a"] || len(l.Skipped) != 1 || l.Skipped[0].Kind != SkipUnreadable || l.Skipped[0].Path != "a" ||
			!strings.Contains(l.Skipped[0].Reason.String(), "input/output error") {
			t.Errorf("unreadable %v, skipped %+v", l.Unreadable, l.Skipped)
		}
		if len(l.Files) != 1 || l.Files[0].Path != "b/02" {
			t.Errorf("files %+v", l.Files)
		}
	})
	t.Run("app folder deleted meanwhile", func(t *testing.T) {
		fsys := &faultyFs{Fs: memTree(t, map[string]string{"a/01": "", "b/02": ""}), openErr: map[string]error{root + "/a": fs.ErrNotExist}}
		l, err := List(fsys, root)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(l.Apps, []string{"b"}) || len(l.Skipped) != 0 || len(l.Unreadable) != 0 {
			t.Errorf("apps %q, skipped %+v", l.Apps, l.Skipped)
		}
	})
}

func TestIsSessionName(t *testing.T) {
	for name, want := range map[string]bool{
		"7023d9205074199d1c16fc00d24354e778137675": true,
		"3C81A8D7AFE64C2E9CCFFCDC35DC52F5":         true,
		"0":                                        true,
		"":                                         false,
		"test_session":                             false,
		"abc.def":                                  false,
		".abc":                                     false,
		"abc ":                                     false,
		"éa":                                       false,
	} {
		if got := IsSessionName(name); got != want {
			t.Errorf("IsSessionName(%q) = %v, want %v", name, got, want)
		}
	}
}
