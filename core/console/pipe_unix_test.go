//go:build unix

package console

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// A session file swapped for a named pipe between the moment the workspace looks at it and the moment it opens
// it is refused, never waited on: what the workspace holds meanwhile would be held forever (core's
// TestFileSwappedForAPipeIsNotWaitedOn holds the engine's reads and writes to the same).
func TestWorkspaceReadOfAPipeIsNotWaitedOn(t *testing.T) {
	const p = "com.a/abcd"
	dir := filepath.Join(t.TempDir(), "MobileApps")
	coretest.WriteTree(t, afero.NewOsFs(), dir, p, []byte(session("", "com.a", "abcd", "pending")))
	ws, err := NewWorkspace(context.Background(), afero.NewOsFs(), dir, nil, WorkspaceOptions{Mode: "server"})
	if err != nil {
		t.Fatal(err)
	}
	fsys, release := coretest.SwapOnOpen(t, filepath.Join(dir, "com.a", "abcd"))
	ws.fs = fsys // the swap from here on
	done := make(chan error, 1)
	go func() { _, err := ws.Read(p); done <- err }()
	select {
	case err := <-done:
		if k := core.KindOf(err); k != core.KindInput && k != core.KindConflict {
			t.Errorf("%v (kind %q), want the pipe refused", err, k)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("still waiting on the pipe after 5 s")
		release()
		<-done
	}
}
