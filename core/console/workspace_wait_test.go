package console

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
)

// A read that waits on the disk (a dead network share) holds nothing that a change or another read needs: while
// one Read waits in the open of a file, a read of another file, a status change and a save go through.
func TestReadWaitingOnTheDiskHoldsNothing(t *testing.T) {
	const stuck, other = "com.a/aaaa", "com.a/bbbb"
	mem := memTree(t, map[string]string{stuck: session("", "com.a", "aaaa", "accepted"), other: session("", "com.a", "bbbb", "pending")})
	ws, err := NewWorkspace(context.Background(), mem, root, nil, WorkspaceOptions{Mode: "server"})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	waiting := make(chan struct{})
	ws.fs = &gatedFs{Fs: mem, name: filepath.ToSlash(root + "/" + stuck), waiting: waiting, release: release}
	read := make(chan error, 1)
	go func() {
		_, err := ws.Read(stuck)
		read <- err
	}()
	<-waiting
	defer func() {
		close(release)
		if err := <-read; err != nil {
			t.Errorf("the read that waited: %v", err)
		}
	}()
	done := make(chan error, 1)
	go func() {
		f, err := ws.Read(other)
		if err == nil {
			_, err = ws.SetStatus(other, core.StatusAccepted, f.ETag)
		}
		if err == nil {
			_, err = ws.Write(other, []byte(session("", "com.a", "bbbb", "pending")), core.WriteOptions{Force: true})
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a read, a status change and a save waited for a read of another file")
	}
	if got, _ := afero.ReadFile(mem, root+"/"+other); string(got) != session("", "com.a", "bbbb", "pending") {
		t.Errorf("the save did not land: %s", got)
	}
}

// gatedFs is a folder whose file name, once opened, waits until release is closed: a network share that hangs.
type gatedFs struct {
	afero.Fs
	name             string
	waiting, release chan struct{}
}

func (g *gatedFs) Open(name string) (afero.File, error) {
	if filepath.ToSlash(filepath.Clean(name)) == g.name {
		close(g.waiting)
		<-g.release
	}
	return g.Fs.Open(name)
}
