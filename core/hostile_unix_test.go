//go:build unix

package core

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spf13/afero"
)

// A named pipe in an app folder is never opened: opening one waits for a writer, so a check, the console's
// reader or a conditional write would hang there. The listing skips it; the operations refuse it from its type.
// noOpenFs fails the test instead of opening the pipe (and hanging).
func TestNamedPipeIsNeverOpened(t *testing.T) {
	const p = "com.a/abcd"
	dir := diskTree(t, map[string]string{"com.a/01": session("", "com.a", "01", "accepted")})
	fifo := filepath.Join(dir, "com.a", "abcd")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := &faultFs{Fs: afero.NewOsFs(), fault: func(op, name string) error {
		if op == opOpen && name == filepath.ToSlash(fifo) {
			t.Errorf("the named pipe was opened")
			return syscall.EAGAIN
		}
		return nil
	}}
	rep, err := (&Checker{}).Check(context.Background(), fsys, dir, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Path != p || rep.Skipped[0].Kind != SkipNotRegular || len(rep.Sessions) != 1 {
		t.Errorf("report %+v", rep)
	}
	_, _, err = ReadFile(fsys, dir, p, 1<<20)
	wantKind(t, err, KindInput)
	_, err = WriteFile(fsys, dir, p, []byte("{}"), WriteOptions{IfMatch: ETag(nil)})
	wantKind(t, err, KindInput)
	wantKind(t, Delete(fsys, dir, p, ETag(nil), 0), KindInput)
	_, err = readFile(fsys, fifo, 1<<20)
	if err == nil || err.Error() != "open "+fifo+": not a regular file" {
		t.Errorf("readFile: %v", err)
	}
}
