//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos

package core

import (
	"os"
	"syscall"

	"github.com/spf13/afero"
)

// lockFolder takes the advisory lock of the app folder dir, which every mobisess process (the CLI, the dev server)
// takes around a compare-and-replace of a file in it, and returns what releases it. The lock is flock(2) on the
// folder itself: it leaves no file behind that 4D, a check or the delete guard would see, the system releases it
// when the process dies however it dies, and a folder deleted meanwhile releases it too. A file system that takes
// no flock (some network shares) leaves the write unlocked: the comparison just before the rename still stands.
func lockFolder(fsys afero.Fs, dir string) (unlock func()) {
	if _, ok := fsys.(*afero.OsFs); !ok {
		return func() {} // a folder in memory: only this process changes it, and its workspace serialises that
	}
	f, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	fd := int(f.Fd())
	for {
		if err = syscall.Flock(fd, syscall.LOCK_EX); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		_ = syscall.Flock(fd, syscall.LOCK_UN)
		f.Close()
	}
}
