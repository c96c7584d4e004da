package console

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// openFolder plans and opens a folder given as files (a name ending in "/" is a folder), as the console does: the
// listing first, then the bytes of the files the plan names. Every file's time is the same.
func openFolder(t *testing.T, name string, files map[string]string, inner string) *Workspace {
	t.Helper()
	var entries []core.FolderEntry
	for _, p := range coretest.SortedKeys(files) {
		if dir, ok := strings.CutSuffix(p, "/"); ok {
			entries = append(entries, core.FolderEntry{Path: dir, Dir: true})
			continue
		}
		entries = append(entries, core.FolderEntry{Path: p, Size: int64(len(files[p])), Modified: 1_700_000_000_000})
	}
	plan, err := core.PlanFolder(name, entries, inner, nil)
	if err != nil {
		t.Fatalf("PlanFolder: %v", err)
	}
	var read []core.FolderEntry
	var data bytes.Buffer
	for _, i := range plan.Read {
		read = append(read, entries[i])
		if !entries[i].Dir {
			data.WriteString(files[entries[i].Path])
		}
	}
	ws, err := OpenFolder(context.Background(), name, read, data.Bytes(), inner, nil, WorkspaceOptions{})
	if err != nil {
		t.Fatalf("OpenFolder: %v", err)
	}
	return ws
}

// A folder read by a browser is checked as its zip is: the same report, the same skipped entries, the same
// State but for its source's name.
func TestOpenFolderAsItsZip(t *testing.T) {
	ctx := context.Background()
	a, b, c := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)
	files := map[string]string{
		"com.a/" + a:          session("", "com.a", a, "pending"),
		"com.a/" + b:          session("", "com.a", b, "accepted"),
		"com.a/manifest.json": "{}",
		"TEAM.com.b/" + c:     session("TEAM", "com.b", c, "Accepted"),
		"key.mobileapp":       "k",
		".DS_Store":           "junk",
		"empty.app/":          "",
	}
	ws := openFolder(t, "MobileApps", files, "")
	var zipped []coretest.ZipEntry
	for _, p := range coretest.SortedKeys(files) {
		zipped = append(zipped, coretest.StoredEntry("MobileApps/"+p, files[p]))
	}
	zws, err := OpenZip(ctx, coretest.MakeZip(t, zipped...), "MobileApps.zip", nil, WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ws.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := zws.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "MobileApps" || got.Mode != "browser" || got.Readonly {
		t.Errorf("source %q, mode %q, readonly %v", got.Source, got.Mode, got.Readonly)
	}
	got.Source = want.Source
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the folder's State differs from its zip's:\nfolder %+v\nzip    %+v", got.Disk, want.Disk)
	}
	if len(got.Disk.Sessions) != 2 || len(got.Disk.Errors) != 1 || len(got.Disk.Skipped) == 0 {
		t.Errorf("the folder: %d sessions, %d errors, %d skipped", len(got.Disk.Sessions), len(got.Disk.Errors), len(got.Disk.Skipped))
	}
	info, err := ws.Fs().Stat(root + "/com.a/manifest.json")
	if err != nil || info.ModTime().UnixMilli() != 1_700_000_000_000 {
		t.Errorf("a file's time is the browser's: %v, %v", info, err)
	}
	if _, err := ws.Fs().Stat(root + "/empty.app"); err != nil {
		t.Errorf("an empty folder of the listing is a folder: %v", err)
	}
	if st, _ := openFolder(t, "Data", map[string]string{"MobileApps/com.a/" + a: files["com.a/"+a]}, "MobileApps").State(ctx); st.Source != "Data/MobileApps" {
		t.Errorf("a folder inside is named inside the folder read: %q", st.Source)
	}
}
