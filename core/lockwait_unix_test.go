//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos

package core

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// A save does not wait without end for an app folder's lock that another process holds (and may hold forever):
// past lockWait it goes on without it, compared once more, and says so.
func TestFolderLockHeldElsewhereIsNotWaitedOnForever(t *testing.T) {
	const p = "com.a/abcd"
	dir := diskTree(t, map[string]string{p: "{}"})
	holder, err := os.Open(filepath.Join(dir, "com.a"))
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if err := syscall.Flock(int(holder.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer func(wait time.Duration) { lockWait = wait }(lockWait)
	lockWait = 50 * time.Millisecond
	var told []string
	SetWriteNotice(func(path, msg string) { told = append(told, msg) })
	t.Cleanup(func() { SetWriteNotice(nil) })
	done := make(chan error, 1)
	go func() {
		_, err := WriteFile(afero.NewOsFs(), dir, p, []byte(`{"a":1}`), WriteOptions{IfMatch: ETag([]byte("{}"))})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		syscall.Flock(int(holder.Fd()), syscall.LOCK_UN)
		<-done
		t.Fatal("the save waited for the lock past 5 s")
	}
	if len(told) != 1 || !strings.Contains(told[0], "held by another process") {
		t.Errorf("told %q", told)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, p)); string(data) != `{"a":1}` {
		t.Errorf("the file holds %s", data)
	}
}
