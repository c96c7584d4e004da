package console_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// OpenZip refuses the zip of a Data folder (core.CheckRoot's wrong root), and OpenZipAt opens the folder meant.
func TestOpenZipAtTheFolderMeant(t *testing.T) {
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	valid := sessionOf("", "com.a", id, "accepted")
	dataZip := coretest.MakeZip(t, coretest.ZipEntry{Name: "Data/MobileApps/com.a/" + id, Data: valid}, coretest.ZipEntry{Name: "Data/data.4DD", Data: "x"})
	var wr *core.WrongRootError
	if _, err := console.OpenZip(context.Background(), dataZip, "Data.zip", nil, console.WorkspaceOptions{}); !errors.As(err, &wr) {
		t.Fatalf("OpenZip: %v", err)
	}
	ws, err := console.OpenZipAt(context.Background(), dataZip, "Data.zip", "Data/MobileApps", nil, console.WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := ws.State(context.Background())
	if err != nil || len(st.Disk.Sessions) != 1 || st.Source != "Data.zip/Data/MobileApps" {
		t.Fatalf("the folder meant: %v, %+v", err, st)
	}
}
