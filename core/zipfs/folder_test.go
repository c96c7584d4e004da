package zipfs_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/internal/coretest"
	"github.com/mobisess/mobisess/core/zipfs"
)

// A folder given as a list is a file system of its bytes, in place: each file reads as the bytes given for it,
// in a buffer of its own, with its time; a folder of the list is a folder even when empty. A listing alone can be
// listed, and its files are not read.
func TestFolderView(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_000).UTC()
	entries := []zipfs.FolderEntry{
		{Path: "com.a/1", Size: 3, Modified: at},
		{Path: "com.a/2", Size: 0, Modified: at},
		{Path: "empty", Dir: true},
		{Path: "key.mobileapp", Size: 1, Modified: at},
	}
	data := []byte("onek")
	fsys, err := zipfs.OpenFolder("MobileApps", entries, data, zipfs.DefaultLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := coretest.Tree(t, fsys, zipfs.Root); !reflect.DeepEqual(got, map[string]string{"com.a/": "", "com.a/1": "one", "com.a/2": "", "empty/": "", "key.mobileapp": "k"}) {
		t.Errorf("tree %v", got)
	}
	// The bytes given are not changed through a file read.
	one, _ := afero.ReadFile(fsys, zipfs.Root+"/com.a/1")
	one[0] = 'X'
	if !bytes.Equal(data, []byte("onek")) {
		t.Errorf("a read shares the given bytes: %q", data)
	}
	if info, err := fsys.Stat(zipfs.Root + "/com.a/1"); err != nil || !info.ModTime().Equal(at) || info.Size() != 3 {
		t.Errorf("stat %v %v", info, err)
	}

	listed, read, err := zipfs.ListFolder("MobileApps", entries, zipfs.DefaultLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, []int{0, 1, 2, 3}) {
		t.Errorf("to read: %v", read)
	}
	_, err = afero.ReadFile(listed, zipfs.Root+"/com.a/1")
	var ze *zipfs.Error
	if !errors.As(err, &ze) || ze.Error() != `"MobileApps/com.a/1": only listed: its bytes were not read` {
		t.Errorf("a listed file read: %v", err)
	}
}

// Settle drops the edits that the base now holds, and only those.
func TestSettle(t *testing.T) {
	base := afero.NewMemMapFs()
	afero.WriteFile(base, "/r/a/1", []byte("one"), 0o644)
	afero.WriteFile(base, "/r/b/2", []byte("two"), 0o644)
	o := zipfs.NewOverlay(base)
	afero.WriteFile(o, "/r/a/1", []byte("ONE"), 0o644)
	o.RemoveAll("/r/b")
	if ok, err := o.Settle("/r/a/1", false); ok || err != nil {
		t.Fatalf("an edit the base lacks settled: %v %v", ok, err)
	}
	afero.WriteFile(base, "/r/a/1", []byte("ONE"), 0o644)
	base.RemoveAll("/r/b")
	for _, p := range []string{"/r/a/1", "/r/b"} {
		if ok, err := o.Settle(p, false); !ok || err != nil {
			t.Errorf("%s: %v %v", p, ok, err)
		}
	}
	base.MkdirAll("/r/b", 0o755) // the base's own again: no longer hidden
	if _, err := o.Stat("/r/b"); err != nil {
		t.Errorf("a settled removal still hides the base: %v", err)
	}
	prints, _, err := o.Prints()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prints {
		if p.Path != "/r/b" && p.Print != "" {
			t.Errorf("%s still differs: %s", p.Path, p.Print)
		}
	}
	// The folder given to a browser stays when the edits removed it: empty in the base, it settles.
	o.RemoveAll("/r")
	base.RemoveAll("/r/a")
	base.RemoveAll("/r/b")
	if ok, _ := o.Settle("/r", true); !ok {
		t.Error("the emptied root does not settle")
	}
	if info, err := o.Stat("/r"); err != nil || !info.IsDir() {
		t.Errorf("the root settled is the empty folder: %v", err)
	}
}
