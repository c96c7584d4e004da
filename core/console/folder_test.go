package console

import (
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
)

// A folder read by the page opens through planFolder (the listing: what to read) and openFolder (the bytes), is
// written back through folderWrites and folderWritten, and cannot be opened where the console works on a server's
// folder.
func TestFolderMethods(t *testing.T) {
	id := strings.Repeat("a", 40)
	content := `{"application":{"id":"com.a"},"session":{"id":"` + id + `"},"status":"pending","token":"` +
		core.EncodeToken(core.Token{AppNameID: "com.a", ID: id}) + `"}`
	entries := []core.FolderEntry{
		{Path: "MobileApps", Dir: true},
		{Path: "MobileApps/com.a/" + id, Size: int64(len(content)), Modified: 1_700_000_000_000},
		{Path: "data.4DD", Size: 5 << 30},
	}
	a := NewService(nil, Options{CanOpen: true})
	e := callErr(t, a, "planFolder", FolderParams{Name: "Data", Entries: entries}, nil)
	if e.Kind != core.KindWrongRoot || e.Root != "MobileApps" {
		t.Fatalf("a Data folder: %+v, want wrongroot naming MobileApps", e)
	}
	var plan core.FolderPlan
	call(t, a, "planFolder", FolderParams{Name: "Data", Root: "MobileApps", Entries: entries}, nil, &plan)
	if len(plan.Read) != 2 || plan.Files != 1 || plan.Bytes != int64(len(content)) {
		t.Fatalf("plan %+v: the data file beside MobileApps is not read", plan)
	}
	var st State
	call(t, a, "openFolder", FolderParams{Name: "Data", Root: "MobileApps", Lang: "fr", Entries: entries[:2]}, []byte(content), &st)
	if st.Source != "Data/MobileApps" || len(st.Disk.Sessions) != 1 || st.Lang != "fr" {
		t.Fatalf("state %+v", st)
	}
	var fs FileChange
	call(t, a, "setStatus", StatusParams{Path: "com.a/" + id, Status: "accepted"}, nil, &fs)
	var writes FolderWrites
	call(t, a, "folderWrites", struct{}{}, nil, &writes)
	if len(writes.Writes) != 1 || writes.Writes[0].Op != StepWrite || writes.Writes[0].Expect.Modified != 1_700_000_000_000 {
		t.Fatalf("writes %+v", writes)
	}
	var left WriteBack
	done := FolderWritten{Seq: writes.Seq, Done: []WrittenStep{{Path: "com.a/" + id, Modified: 1_700_000_001_000}}}
	call(t, a, "folderWritten", done, nil, &left)
	if left.Written != 1 || left.Differ != 0 {
		t.Errorf("after writing: %+v", left)
	}

	server := NewService(nil, Options{})
	for _, m := range []string{"planFolder", "openFolder"} {
		if e := callErr(t, server, m, FolderParams{Name: "MobileApps"}, nil); e != ErrCannotOpen {
			t.Errorf("%s on a server's folder: %+v", m, e)
		}
	}
}
