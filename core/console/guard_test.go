package console_test

import (
	"context"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// The console's Delete all is the same guard: refused in the workspace, with the entry named, forced with Force.
func TestWorkspaceRemoveGuard(t *testing.T) {
	fsys := coretest.MemTree(t, core.ZipRoot, map[string]string{coretest.ExamplePath: coretest.Example, "notes.txt": "mine"})
	ws, err := console.NewWorkspace(context.Background(), fsys, core.ZipRoot, nil, console.WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = ws.Remove("", core.DeleteOptions{})
	if core.KindOf(err) != core.KindForeign || core.ForeignEntry(err) != "notes.txt" {
		t.Fatalf("got %v", err)
	}
	if ok, _ := afero.Exists(fsys, core.ZipRoot+"/"+coretest.ExamplePath); !ok {
		t.Fatal("a refused Delete all deleted a session")
	}
	if err := ws.Remove("", core.DeleteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := afero.Exists(fsys, core.ZipRoot); ok {
		t.Error("forced: the folder is still there")
	}
}
