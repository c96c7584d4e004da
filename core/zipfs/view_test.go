package zipfs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/zipfs"
)

// A zip read in place is checked as the same files in a folder are: same report, same errors, same order.
func TestZipViewIsTheFolder(t *testing.T) {
	files := map[string]string{
		"key.mobileapp":                           "k",
		"TEAM.com.a/" + strings.Repeat("a", 40):   session("TEAM", "com.a", strings.Repeat("a", 40), "accepted"),
		"TEAM.com.a/" + strings.Repeat("b", 40):   "\xEF\xBB\xBF" + session("TEAM", "com.a", strings.Repeat("b", 40), "pending"),
		"TEAM.com.a/" + strings.Repeat("c", 40):   `{"broken":`,
		"TEAM.com.a/manifest.json":                "{}",
		"com.b/" + strings.Repeat("d", 32):        session("", "com.b", strings.Repeat("e", 32), "accepted"),
		"com.b/nested/" + strings.Repeat("f", 32): "{}",
		"com.b/.hidden":                           "x",
		"empty/":                                  "",
	}
	var entries []zipEntry
	for _, name := range sortedKeys(files) {
		entries = append(entries, zipEntry{Name: "MobileApps/" + name, Data: files[name]})
	}
	data := makeZip(t, entries...)
	view, dir, err := zipfs.View(bytes.NewReader(data), int64(len(data)), zipfs.DefaultLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	c := &core.Checker{}
	for _, lang := range i18n.Langs {
		fromZip, err := c.Check(context.Background(), view, dir, core.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fromFolder, err := c.Check(context.Background(), memTree(t, files), root, core.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(fromZip.In(lang))
		want, _ := json.Marshal(fromFolder.In(lang))
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\nzip    %s\nfolder %s", lang, got, want)
		}
	}
	if _, err := view.Create(dir + "/x"); err == nil {
		t.Error("a zip read in place took a new file")
	}
}

// An entry whose data does not match its header is found when it is read: the check stops with an error that
// names the zip and the entry, as a zip refused before it was used would.
func TestZipViewBrokenEntryStopsTheCheck(t *testing.T) {
	id := strings.Repeat("a", 40)
	data := makeZip(t, zipEntry{Name: "MobileApps/com.a/" + strings.Repeat("b", 40), Data: session("", "com.a", strings.Repeat("b", 40), "accepted")},
		rawEntry("MobileApps/com.a/"+id, deflate(t, []byte("{}")), crc32.ChecksumIEEE([]byte("[]")), 2))
	dir := t.TempDir()
	zipPath := dir + "/broken.zip"
	if err := os.WriteFile(zipPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, root, err := core.OpenPath(afero.NewOsFs(), zipPath, zipfs.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&core.Checker{}).Check(context.Background(), fsys, root, core.CheckOptions{})
	var ze *zipfs.Error
	if !errors.As(err, &ze) || core.KindOf(err) != core.KindInput || !strings.Contains(err.Error(), `the entry "MobileApps/com.a/`+id+`" in `+zipPath) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("got %v, want the zip and the entry named, and its checksum", err)
	}
	if _, err := console.OpenZip(context.Background(), data, "broken.zip", nil, console.WorkspaceOptions{}); !errors.As(err, &ze) {
		t.Fatalf("OpenZip: %v, want the zip refused", err)
	}
}

// The edits made to a zip read in place are kept beside it: each change shows, the zip itself does not change,
// and the download holds both.
func TestOverlayEdits(t *testing.T) {
	a, b, c := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)
	data := makeZip(t,
		zipEntry{Name: "MobileApps/com.a/" + a, Data: session("", "com.a", a, "pending")},
		zipEntry{Name: "MobileApps/com.a/" + b, Data: session("", "com.a", b, "accepted")},
		zipEntry{Name: "MobileApps/com.b/" + c, Data: session("", "com.b", c, "accepted")},
		zipEntry{Name: "MobileApps/key.mobileapp", Data: "k"})
	before := append([]byte{}, data...)
	ws, err := console.OpenZip(context.Background(), data, "x.zip", nil, console.WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := tree(t, ws.Fs(), zipfs.Root)
	step := func(what string, do func() error, change func()) {
		t.Helper()
		if err := do(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		change()
		if got := tree(t, ws.Fs(), zipfs.Root); !reflect.DeepEqual(got, want) {
			t.Fatalf("after %s:\n got %q\nwant %q", what, got, want)
		}
	}
	file, err := ws.Read("com.a/" + a)
	if err != nil {
		t.Fatal(err)
	}
	step("accepting a", func() error { _, err := ws.SetStatus("com.a/"+a, core.StatusAccepted, file.ETag); return err }, func() {
		want["com.a/"+a] = strings.Replace(want["com.a/"+a], `"pending"`, `"accepted"`, 1)
	})
	step("deleting b", func() error { return ws.Remove("com.a/"+b, core.DeleteOptions{}) }, func() { delete(want, "com.a/"+b) })
	step("deleting com.b", func() error { return ws.Remove("com.b", core.DeleteOptions{}) }, func() { delete(want, "com.b/"); delete(want, "com.b/"+c) })
	var created string
	step("creating a session in com.b again", func() error {
		f, err := ws.Create(core.NewSession{ApplicationID: "com.b", OS: "Android", Status: core.StatusAccepted})
		if err == nil {
			created = f.Path
		}
		return err
	}, func() {
		content, _ := afero.ReadFile(ws.Fs(), zipfs.Root+"/"+created)
		want["com.b/"] = ""
		want[created] = string(content)
	})
	if st, err := ws.State(context.Background()); err != nil || st.Disk.Summary.Sessions != 2 || len(st.Disk.Errors) != 0 {
		t.Fatalf("state: %v %+v", err, st.Disk.Summary)
	}
	var zip bytes.Buffer
	if err := ws.Download(&zip); err != nil {
		t.Fatal(err)
	}
	back, err := importZip(t, zip.Bytes(), zipfs.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, back, zipfs.Root); !reflect.DeepEqual(got, want) {
		t.Errorf("downloaded:\n got %q\nwant %q", got, want)
	}
	if err := ws.Remove("", core.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Fs().Stat(zipfs.Root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the root after deleting everything: %v", err)
	}
	if st, err := ws.State(context.Background()); err != nil || st.Disk.Summary.Files != 0 {
		t.Fatalf("state of a deleted root: %v %+v", err, st)
	}
	if !bytes.Equal(data, before) {
		t.Error("the zip's bytes changed")
	}
}
