package core

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

// A root that holds no session file in any app folder, and holds session files itself or a folder named
// MobileApps within two levels, is probably not the folder meant: CheckRoot names the one that is. One row per
// rule; what CheckRoot leaves alone stays what it is today.
func TestCheckRoot(t *testing.T) {
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	valid := session("", "com.a", id, "accepted")
	tests := []struct {
		name      string
		files     map[string]string // under the root; nil: the root does not exist
		rootName  string            // the root's own folder name, as named
		meant     string            // "": no error
		appFolder bool
	}{
		{"a MobileApps folder", map[string]string{"com.a/" + id: valid, "key.mobileapp": "k"}, "MobileApps", "", false},
		{"an empty MobileApps folder", map[string]string{}, "MobileApps", "", false},
		{"a MobileApps folder of empty app folders", map[string]string{"com.a/": "", "key.mobileapp": "k"}, "MobileApps", "", false},
		{"the root deleted, as 4D's example does", nil, "MobileApps", "", false},
		{"a folder that holds neither", map[string]string{"notes.txt": "x", "src/main.go": "x"}, "project", "", false},
		{"a session file in one app folder is enough", map[string]string{"com.a/" + id: valid, "Data/MobileApps/": ""}, "Data", "", false},
		{"a Data folder", map[string]string{"MobileApps/com.a/" + id: valid, "data.4DD": "x"}, "Data", "MobileApps", false},
		{"a Data folder with an empty MobileApps folder", map[string]string{"MobileApps/": "", "data.4DD": "x"}, "Data", "MobileApps", false},
		{"a project folder", map[string]string{"Data/MobileApps/com.a/" + id: valid, "Project/": ""}, "MyProject", "Data/MobileApps", false},
		{"MobileApps one level down wins", map[string]string{"A/MobileApps/": "", "MobileApps/": ""}, "x", "MobileApps", false},
		{"three levels down is too far", map[string]string{"a/b/MobileApps/com.a/" + id: valid}, "x", "", false},
		{"a hidden folder is not looked into", map[string]string{".git/MobileApps/": ""}, "x", "", false},
		{"an app folder", map[string]string{id: valid, "manifest.json": "{}"}, "com.a", "..", true},
		{"an app folder beside a MobileApps folder", map[string]string{id: valid, "MobileApps/": ""}, "com.a", "..", true},
		{"a MobileApps folder with a session file at its root", map[string]string{id: valid}, "MobileApps", "", false},
		{"a file with an extension is no session file", map[string]string{id + ".json": valid}, "com.a", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := afero.NewMemMapFs()
			if tt.files != nil {
				fsys = memTree(t, tt.files)
			}
			name := RootName{Path: filepath.Join("/home/dev", tt.rootName)}
			err := CheckRoot(fsys, root, name)
			if tt.meant == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			var wr *WrongRootError
			if !errors.As(err, &wr) || wr.Meant != tt.meant || wr.AppFolder != tt.appFolder || KindOf(err) != KindWrongRoot {
				t.Fatalf("error %v, want one that means %q", err, tt.meant)
			}
			if want := filepath.Join(name.Path, tt.meant); wr.MeantPath() != want || !strings.Contains(err.Error(), want) || !strings.HasSuffix(err.Error(), ": did you mean it?") {
				t.Errorf("%q names %q, want %q", err, wr.MeantPath(), want)
			}
		})
	}
}

// Inside a zip: the folder meant is named inside the zip, the zip opened there (zipfs.View, OpenPath with
// "x.zip/inner") holds the sessions, and above the zip's root there is nothing to name.
func TestWrongRootInZip(t *testing.T) {
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	valid := session("", "com.a", id, "accepted")
	dataZip := makeZip(t, zipEntry{Name: "Data/MobileApps/com.a/" + id, Data: valid}, zipEntry{Name: "Data/data.4DD", Data: "x"})
	view, dir, err := zipfs.View(bytes.NewReader(dataZip), int64(len(dataZip)), DefaultZipLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	err = CheckRoot(view, dir, RootName{Path: "Data.zip", Zip: true})
	var wr *WrongRootError
	if !errors.As(err, &wr) || wr.MeantPath() != "Data.zip/Data/MobileApps" {
		t.Fatalf("a zip of Data: %v", err)
	}
	if inner, ok := wr.MeantInZip(); !ok || inner != "Data/MobileApps" {
		t.Fatalf("inside the zip: %q %v", inner, ok)
	}
	inner, dir, err := zipfs.View(bytes.NewReader(dataZip), int64(len(dataZip)), DefaultZipLimits, "Data/MobileApps")
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, inner, dir); len(got) != 2 || got["com.a/"+id] != valid {
		t.Errorf("opened at Data/MobileApps: %q", got)
	}
	if err := CheckRoot(inner, dir, RootName{Path: "Data.zip", Zip: true, Inner: "Data/MobileApps"}); err != nil {
		t.Errorf("the folder meant: %v", err)
	}
	// An app folder inside the zip: the folder above it is inside the zip too.
	app, dir, err := zipfs.View(bytes.NewReader(dataZip), int64(len(dataZip)), DefaultZipLimits, "Data/MobileApps/com.a/")
	if err != nil {
		t.Fatal(err)
	}
	err = CheckRoot(app, dir, RootName{Path: "Data.zip", Zip: true, Inner: "Data/MobileApps/com.a"})
	if !errors.As(err, &wr) || !wr.AppFolder || wr.MeantPath() != "Data.zip/Data/MobileApps" {
		t.Fatalf("an app folder inside the zip: %v", err)
	}
	for _, bad := range []string{"Data/Missing", "../x", "Data/../Data", "/Data", "Data/data.4DD"} {
		if _, _, err := zipfs.View(bytes.NewReader(dataZip), int64(len(dataZip)), DefaultZipLimits, bad); KindOf(err) != KindInput {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// A zip of an app folder's files: nothing above its root to open.
	appZip := makeZip(t, zipEntry{Name: id, Data: valid})
	view, dir, err = zipfs.View(bytes.NewReader(appZip), int64(len(appZip)), DefaultZipLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	err = CheckRoot(view, dir, RootName{Path: "com.a.zip", Zip: true})
	if !errors.As(err, &wr) || !wr.AppFolder || wr.MeantPath() != "" || !strings.Contains(err.Error(), "make the zip of the MobileApps folder") {
		t.Fatalf("a zip of an app folder: %v", err)
	}
	if _, ok := wr.MeantInZip(); ok {
		t.Error("a folder above the zip's root")
	}
}

// A command line names a folder inside a zip with a "/" (or the system's separator) after the zip's name.
func TestOpenPathInsideZip(t *testing.T) {
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	valid := session("", "com.a", id, "accepted")
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "Data.zip")
	if err := os.WriteFile(zipPath, makeZip(t, zipEntry{Name: "Data/MobileApps/com.a/" + id, Data: valid}), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := afero.NewOsFs()
	for _, p := range []string{zipPath + "/Data/MobileApps", zipPath + "/Data/MobileApps/", zipPath + string(filepath.Separator) + filepath.Join("Data", "MobileApps")} {
		view, root, err := OpenPath(fsys, p, DefaultZipLimits)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if got := tree(t, view, root); got["com.a/"+id] != valid {
			t.Errorf("%s opens as %q", p, got)
		}
		if name := NameRoot(fsys, p); name != (RootName{Path: zipPath, Zip: true, Inner: "Data/MobileApps"}) {
			t.Errorf("%s is named %+v", p, name)
		}
	}
	if _, _, err := OpenPath(fsys, zipPath+"/Data/Missing", DefaultZipLimits); KindOf(err) != KindInput {
		t.Errorf("a folder the zip does not hold: %v", err)
	}
	if _, _, err := OpenPath(fsys, filepath.Join(dir, "Other.zip", "Data"), DefaultZipLimits); KindOf(err) != KindInput {
		t.Errorf("a zip that does not exist: %v", err)
	}
	if zip, inner, ok := SplitZipPath(fsys, filepath.Join(dir, "x.zipper", "a")); ok {
		t.Errorf("x.zipper: %q %q", zip, inner)
	}
}
