//go:build !js

// Tests on a real disk: links and atomic renames need one, and Node-hosted wasm has only a limited file system.

package core

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spf13/afero"
)

// diskTree writes files under a new temporary MobileApps folder and returns it.
func diskTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "MobileApps")
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatalf("cannot make a link (these tests run where links exist): %v", err)
	}
}

// A folder with links: at the root (to an app folder, to nothing) and inside an app folder (to a session
// file, to a folder). Every link is skipped as a link, never followed.
func linkedTree(t *testing.T) (dir, outside string) {
	t.Helper()
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	dir = diskTree(t, map[string]string{"com.a/" + id: session("", "com.a", id, "accepted")})
	outside = filepath.Join(filepath.Dir(dir), "outside")
	if err := os.MkdirAll(filepath.Join(outside, "com.a"), 0o755); err != nil {
		t.Fatal(err)
	}
	secret := session("", "com.a", "abcdef", "accepted")
	if err := os.WriteFile(filepath.Join(outside, "com.a", "abcdef"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(outside, "com.a"), filepath.Join(dir, "com.linked"))
	symlink(t, filepath.Join(outside, "nothing"), filepath.Join(dir, "dangling"))
	symlink(t, filepath.Join(outside, "com.a", "abcdef"), filepath.Join(dir, "com.a", "abcdef"))
	symlink(t, outside, filepath.Join(dir, "com.a", "folder"))
	return dir, outside
}

func TestFolderLinksOnDisk(t *testing.T) {
	dir, _ := linkedTree(t)
	rep, err := (&Checker{}).Check(context.Background(), afero.NewOsFs(), dir, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, s := range rep.Skipped {
		skipped = append(skipped, s.Path+" "+string(s.Kind))
	}
	want := []string{"com.a/abcdef link", "com.a/folder link", "com.linked link", "dangling link"}
	if strings.Join(skipped, "|") != strings.Join(want, "|") {
		t.Errorf("skipped %q, want %q", skipped, want)
	}
	if len(rep.Sessions) != 1 || len(rep.Errors) != 0 || rep.Summary.Apps != 1 {
		t.Errorf("report %+v", rep)
	}
}

// Reads, writes and deletes refuse a path through a link: following it could leave the folder.
func TestOperationsRefuseLinks(t *testing.T) {
	dir, outside := linkedTree(t)
	fsys := afero.NewOsFs()
	secretPath := filepath.Join(outside, "com.a", "abcdef")
	secret, _ := os.ReadFile(secretPath)
	for _, p := range []string{"com.linked/abcdef", "com.a/abcdef"} {
		_, _, err := ReadFile(fsys, dir, p, 1<<20)
		wantKind(t, err, KindInput)
		_, err = WriteFile(fsys, dir, p, []byte("{}"), WriteOptions{Force: true})
		wantKind(t, err, KindInput)
		_, err = SetStatus(fsys, dir, p, StatusPending, "", 0)
		wantKind(t, err, KindInput)
		wantKind(t, Delete(fsys, dir, p, "", 0), KindInput)
	}
	wantKind(t, Delete(fsys, dir, "com.linked", "", 0), KindInput)
	if got, _ := os.ReadFile(secretPath); !bytes.Equal(got, secret) {
		t.Errorf("the file outside the folder changed: %s", got)
	}
	if _, err := os.Lstat(filepath.Join(dir, "com.linked")); err != nil {
		t.Errorf("the link is gone: %v", err)
	}
}

// An exported zip leaves links out, so that it holds nothing from outside the folder.
func TestExportLeavesLinksOut(t *testing.T) {
	dir, _ := linkedTree(t)
	var buf bytes.Buffer
	if err := ExportZip(afero.NewOsFs(), dir, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	want := []string{"MobileApps/", "MobileApps/com.a/", "MobileApps/com.a/7023d9205074199d1c16fc00d24354e778137675"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("entries %q, want %q", names, want)
	}
}

// On a real disk a reader sees the old file or the new one, never a mix, and no temporary file is left.
func TestAtomicWriteOnDisk(t *testing.T) {
	const p = "com.a/abcd"
	short, long := "{\"v\": 1}\n", "{\"v\": 2, \"padding\": \""+strings.Repeat("x", 1<<20)+"\"}\n"
	dir := diskTree(t, map[string]string{p: short})
	fsys := afero.NewOsFs()
	target := filepath.Join(dir, filepath.FromSlash(p))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var torn atomic.Int32
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				data, err := os.ReadFile(target)
				if err != nil || (string(data) != short && string(data) != long) {
					torn.Add(1)
					return
				}
			}
		}()
	}
	for i := 0; i < 40; i++ {
		content := short
		if i%2 == 0 {
			content = long
		}
		if _, err := WriteFile(fsys, dir, p, []byte(content), WriteOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if torn.Load() > 0 {
		t.Errorf("a reader saw a file that was neither the old nor the new one")
	}
	if got, _ := os.ReadFile(target); string(got) != short {
		t.Errorf("the last write did not win")
	}
	entries, err := os.ReadDir(filepath.Dir(target))
	if err != nil || len(entries) != 1 {
		t.Errorf("the app folder holds %v (%v): a temporary file was left", entries, err)
	}
}

// OpenPath opens a folder in place or a .zip into memory.
func TestOpenPath(t *testing.T) {
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	dir := diskTree(t, map[string]string{"com.a/" + id: session("", "com.a", id, "accepted")})
	fsys := afero.NewOsFs()
	if got, gotRoot, err := OpenPath(fsys, dir, DefaultZipLimits); err != nil || got != fsys || gotRoot != dir {
		t.Errorf("a folder: %v, %q, %v", got, gotRoot, err)
	}
	var buf bytes.Buffer
	if err := ExportZip(fsys, dir, &buf); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(filepath.Dir(dir), "Sessions.ZIP")
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	mem, memRoot, err := OpenPath(fsys, zipPath, DefaultZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, mem, memRoot); got["com.a/"+id] == "" || len(got) != 2 {
		t.Errorf("the zip opens as %q", got)
	}
	_, _, err = OpenPath(fsys, zipPath, ZipLimits{MaxEntries: 10, MaxFileSize: 10, MaxTotalSize: 10})
	wantKind(t, err, KindInput)
	_, _, err = OpenPath(fsys, filepath.Join(dir, "com.a", id), DefaultZipLimits)
	wantKind(t, err, KindInput)
	_, _, err = OpenPath(fsys, filepath.Join(dir, "missing"), DefaultZipLimits)
	wantKind(t, err, KindInput)
	notZip := filepath.Join(filepath.Dir(dir), "broken.zip")
	if err := os.WriteFile(notZip, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = OpenPath(fsys, notZip, DefaultZipLimits)
	wantKind(t, err, KindInput)
}
