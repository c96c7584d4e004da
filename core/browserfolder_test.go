package core

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/zipfs"
)

// folderList is a folder as a browser gives it: its entries in path order (a name ending in "/" is a folder) and
// the bytes of its files one after another. Every file's time is modified.
func folderList(files map[string]string, modified int64) ([]FolderEntry, []byte) {
	var entries []FolderEntry
	var data bytes.Buffer
	for _, p := range sortedKeys(files) {
		if strings.HasSuffix(p, "/") {
			entries = append(entries, FolderEntry{Path: strings.TrimSuffix(p, "/"), Dir: true})
			continue
		}
		entries = append(entries, FolderEntry{Path: p, Size: int64(len(files[p])), Modified: modified})
		data.WriteString(files[p])
	}
	return entries, data.Bytes()
}

// planned is what a page gives OpenFolder once PlanFolder said what to read: the planned entries, their bytes.
func planned(t *testing.T, entries []FolderEntry, files map[string]string, plan *FolderPlan) ([]FolderEntry, []byte) {
	t.Helper()
	var out []FolderEntry
	var data bytes.Buffer
	for _, i := range plan.Read {
		e := entries[i]
		out = append(out, e)
		if !e.Dir {
			data.WriteString(files[e.Path])
		}
	}
	return out, data.Bytes()
}

// The plan reads what the root holds; a folder that holds only a MobileApps folder opens it, as a zip does.
func TestPlanFolderReads(t *testing.T) {
	files := map[string]string{"MobileApps/com.a/" + strings.Repeat("a", 40): session("", "com.a", strings.Repeat("a", 40), "accepted"), "MobileApps/": "", "._MobileApps": "x"}
	entries, _ := folderList(files, 0)
	plan, err := PlanFolder("Export", entries, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, i := range plan.Read {
		read = append(read, entries[i].Path)
	}
	if want := []string{"MobileApps", "MobileApps/com.a/" + strings.Repeat("a", 40)}; !reflect.DeepEqual(read, want) {
		t.Errorf("reads %q, want %q (not the junk beside MobileApps)", read, want)
	}
	if plan.Files != 1 || plan.Bytes != int64(len(files["MobileApps/com.a/"+strings.Repeat("a", 40)])) {
		t.Errorf("plan %+v", plan)
	}
	given, data := planned(t, entries, files, plan)
	disk, err := ReadFolder("Export", given, data, "", nil)
	if err != nil {
		t.Fatalf("ReadFolder: %v", err)
	}
	if _, err := disk.Stat(ZipRoot + "/com.a/" + strings.Repeat("a", 40)); err != nil {
		t.Errorf("the MobileApps folder inside is its root: %v", err)
	}
}

// A Data folder, a project folder, an app folder: not the MobileApps folder. The plan names the folder inside to
// open (whatever the size of the data file beside it), which then opens; an app folder is refused with no folder to open, since nothing above it was given.
func TestPlanFolderWrongRoot(t *testing.T) {
	id := strings.Repeat("a", 40)
	data := map[string]string{"MobileApps/com.a/" + id: session("", "com.a", id, "accepted"), "data.4DD": "big data file", "Logs/x.txt": "log"}
	entries, _ := folderList(data, 0)
	entries = append(entries, FolderEntry{Path: "data.4DD.big", Size: 5 << 30}) // 4D's data file: its size is no matter
	_, err := PlanFolder("Data", entries, "", nil)
	var wr *WrongRootError
	if !errors.As(err, &wr) || KindOf(err) != KindWrongRoot {
		t.Fatalf("a Data folder: %v, want a wrong root", err)
	}
	if meant, ok := wr.MeantInZip(); !ok || meant != "MobileApps" {
		t.Errorf("the folder meant: %q %v, want MobileApps", meant, ok)
	}
	if !strings.Contains(err.Error(), "Data/MobileApps: did you mean it?") {
		t.Errorf("message: %v", err)
	}
	plan, err := PlanFolder("Data", entries, "MobileApps", nil)
	if err != nil {
		t.Fatalf("the MobileApps folder inside: %v", err)
	}
	for _, i := range plan.Read {
		if !strings.HasPrefix(entries[i].Path, "MobileApps") {
			t.Errorf("reads %s, outside the folder opened", entries[i].Path)
		}
	}
	read, bytes := planned(t, entries, data, plan)
	if _, err := ReadFolder("Data", read, bytes, "MobileApps", nil); err != nil {
		t.Errorf("Data/MobileApps opens: %v", err)
	}
	whole, all := folderList(data, 0)
	if _, err := ReadFolder("Data", whole, all, "", nil); KindOf(err) != KindWrongRoot {
		t.Errorf("the Data folder itself, read: %v, want a wrong root", err)
	}

	app := map[string]string{id: session("", "com.a", id, "accepted")}
	entries, _ = folderList(app, 0)
	_, err = PlanFolder("com.a", entries, "", nil)
	if !errors.As(err, &wr) || !wr.AppFolder {
		t.Fatalf("an app folder: %v", err)
	}
	if _, ok := wr.MeantInZip(); ok {
		t.Error("an app folder names a folder above what was given")
	}
	if !strings.Contains(err.Error(), "open the MobileApps folder that holds that app folder instead") {
		t.Errorf("message: %v", err)
	}
}

// The zip's limits and name rules hold for a folder, judged from the listing before a byte is read, and the
// error names the file by its path in the folder.
func TestPlanFolderRefuses(t *testing.T) {
	limits := ZipLimits{MaxEntries: 4, MaxFileSize: 100, MaxTotalSize: 150}
	c := NewChecker(CheckerOptions{Limits: Limits{Zip: limits}})
	file := func(p string, size int64) FolderEntry { return FolderEntry{Path: p, Size: size} }
	for _, tc := range []struct {
		name    string
		entries []FolderEntry
		inner   string
		want    string
	}{
		{"too many entries", []FolderEntry{file("a/1", 1), file("a/2", 1), file("a/3", 1), file("a/4", 1), file("a/5", 1)}, "", `MobileApps has 5 entries, over the limit of 4`},
		{"a file over the limit", []FolderEntry{file("a/1", 1), file("a/big", 2<<30)}, "", `"MobileApps/a/big": is 2.0 GiB, over the 100 B limit per file`},
		{"over the total", []FolderEntry{file("a/1", 90), file("a/2", 90)}, "", `"MobileApps/a/2": the folder holds more than 150 B in all, over the limit`},
		{"a name out of the folder", []FolderEntry{file("../x", 1)}, "", `"MobileApps/../x": names with '..' would escape the folder`},
		{"a backslash", []FolderEntry{file(`a\b`, 1)}, "", `the name contains a backslash`},
		{"a name twice", []FolderEntry{file("a/1", 1), file("a/1", 1)}, "", `"MobileApps/a/1": the name is given twice`},
		{"a negative size", []FolderEntry{file("a/1", -1)}, "", `a size of -1 bytes`},
		{"no such root", []FolderEntry{file("a/1", 1)}, "Data/MobileApps", `"MobileApps/Data/MobileApps": no such folder in the folder`},
		{"a root out of the folder", []FolderEntry{file("a/1", 1)}, "../x", `not a folder's path inside the folder`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PlanFolder("MobileApps", tc.entries, tc.inner, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) || KindOf(err) != KindInput {
				t.Errorf("got %v (%s), want %q", err, KindOf(err), tc.want)
			}
		})
	}
}

// The folder's own errors name it, never a zip.
func TestFolderErrorsNameTheFolder(t *testing.T) {
	err := (&zipfs.Error{Archive: "MobileApps", Entry: "a/\x1b[31m", Reason: "bad", Folder: true}).Error()
	if err != `"MobileApps/a/\x1b[31m": bad` {
		t.Errorf("got %s", err)
	}
}

// The bytes given must be those the listing declares.
func TestReadFolderRefusesBytes(t *testing.T) {
	entries := []FolderEntry{{Path: "a/1", Size: 3}, {Path: "a/2", Size: 3}}
	for _, data := range [][]byte{[]byte("12345"), []byte("1234567")} {
		_, err := ReadFolder("MobileApps", entries, data, "", nil)
		if err == nil || KindOf(err) != KindInput || !strings.Contains(err.Error(), "bytes") {
			t.Errorf("%d bytes for 6 declared: %v", len(data), err)
		}
	}
}
