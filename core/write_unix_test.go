//go:build unix

package core

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"
)

// modeOwner is a file's permissions, account and group.
func modeOwner(t *testing.T, p string) (fs.FileMode, int, int) {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return info.Mode().Perm(), int(st.Uid), int(st.Gid)
}

// nobody is an account and group other than the test's, to give files to (running as root).
const nobody = 65534

// A rewrite keeps the file's mode, and its owner and group: a 0644 file of 4D's account stays 4D's 0644 file
// after a status change by root, which 4D can then still read. A new file takes the mode of its folder's other
// session files, or 0644 under the umask.
func TestWriteKeepsModeAndOwner(t *testing.T) {
	const p = "com.a/abcd"
	fsys := afero.NewOsFs()
	for _, perm := range []fs.FileMode{0o644, 0o640, 0o444, 0o600} {
		dir := diskTree(t, map[string]string{p: example})
		target := filepath.Join(dir, p)
		must(t, os.Chmod(target, perm))
		if _, err := SetStatus(fsys, dir, p, StatusPending, "", 0); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := modeOwner(t, target); got != perm {
			t.Errorf("a %v file is %v after a rewrite", perm, got)
		}
	}

	t.Run("a new file, beside others", func(t *testing.T) {
		dir := diskTree(t, map[string]string{p: example})
		must(t, os.Chmod(filepath.Join(dir, p), 0o664))
		// Android: no team, so the session goes into com.a itself, beside its neighbour.
		rel, err := CreateSession(fsys, dir, NewSession{ApplicationID: "com.a", OS: "Android"})
		if err != nil {
			t.Fatal(err)
		}
		if got, _, _ := modeOwner(t, filepath.Join(dir, rel)); got != 0o664 {
			t.Errorf("a new session is %v, its neighbour 0664", got)
		}
	})
	t.Run("a new file, alone", func(t *testing.T) {
		dir := diskTree(t, nil)
		rel, err := CreateSession(fsys, dir, NewSession{ApplicationID: "com.a", OS: "Android"})
		if err != nil {
			t.Fatal(err)
		}
		umask := syscall.Umask(0)
		syscall.Umask(umask)
		if got, _, _ := modeOwner(t, filepath.Join(dir, rel)); got != 0o644&^fs.FileMode(umask) {
			t.Errorf("a new session is %v, want 0644 under the umask %03o", got, umask)
		}
	})

	t.Run("the owner, as root", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("giving a file to another account needs root")
		}
		dir := diskTree(t, map[string]string{p: example})
		target := filepath.Join(dir, p)
		must(t, os.Chown(target, nobody, nobody))
		if _, err := SetStatus(fsys, dir, p, StatusPending, "", 0); err != nil {
			t.Fatal(err)
		}
		if _, uid, gid := modeOwner(t, target); uid != nobody || gid != nobody {
			t.Errorf("the file now belongs to %d:%d, want %d:%d", uid, gid, nobody, nobody)
		}
		// A session root creates beside 4D's belongs to 4D's account too, in an app folder of 4D's account.
		must(t, os.Chown(dir, nobody, nobody))
		must(t, os.Chown(filepath.Dir(target), nobody, nobody))
		for _, app := range []string{"com.a", "com.new"} {
			rel, err := CreateSession(fsys, dir, NewSession{ApplicationID: app, OS: "Android"})
			if err != nil {
				t.Fatal(err)
			}
			if _, uid, gid := modeOwner(t, filepath.Join(dir, rel)); uid != nobody || gid != nobody {
				t.Errorf("a session root created in %s belongs to %d:%d", app, uid, gid)
			}
			if _, uid, _ := modeOwner(t, filepath.Join(dir, app)); uid != nobody {
				t.Errorf("the app folder %s belongs to %d", app, uid)
			}
		}
	})

	t.Run("an owner that cannot be given back is told", func(t *testing.T) {
		dir := diskTree(t, map[string]string{p: example})
		target := filepath.Join(dir, p)
		var mu sync.Mutex
		var told []string
		SetWriteNotice(func(path, msg string) {
			mu.Lock()
			defer mu.Unlock()
			told = append(told, path+": "+msg)
		})
		t.Cleanup(func() { SetWriteNotice(nil) })
		// A file of another account, as lstat says; this process may not give it back.
		_, err := SetStatus(&otherOwner{Fs: fsys, name: target}, dir, p, StatusPending, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(told) != 1 || !strings.HasPrefix(told[0], p+": the file belonged to uid 4242") || !strings.Contains(told[0], "operation not permitted") {
			t.Errorf("told %q", told)
		}
	})
}

// otherOwner is a disk whose file name lstat says belongs to uid 4242, and where no file can be given away.
type otherOwner struct {
	afero.Fs
	name string
}

func (o *otherOwner) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	info, ok, err := o.Fs.(afero.Lstater).LstatIfPossible(name)
	if err == nil && name == o.name {
		st := *info.Sys().(*syscall.Stat_t)
		st.Uid, st.Gid = 4242, 4242
		info = sysInfo{info, &st}
	}
	return info, ok, err
}

func (o *otherOwner) Chown(name string, uid, gid int) error {
	return &fs.PathError{Op: "chown", Path: name, Err: syscall.EPERM}
}

type sysInfo struct {
	fs.FileInfo
	sys any
}

func (s sysInfo) Sys() any { return s.sys }
