//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos

package core

import (
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// lockFolder takes the advisory lock of the app folder dir, which every mobisess process (the CLI, the dev server)
// takes around a compare-and-replace of a file in it, and returns what releases it. The lock is flock(2) on the
// folder itself: it leaves no file behind that 4D, a check or the delete guard would see, the system releases it
// when the process dies however it dies, and a folder deleted meanwhile releases it too. A file system that takes
// no flock (some network shares) leaves the write unlocked: the comparison just before the rename still stands;
// so does a lock that another process holds past lockWait.
func lockFolder(fsys afero.Fs, dir string) (unlock func()) {
	if _, ok := fsys.(*afero.OsFs); !ok {
		return func() {} // a folder in memory: only this process changes it, and its workspace serialises that
	}
	f, err := os.OpenFile(dir, openDirFlags&^noFollow, 0) // a folder swapped for a named pipe is not waited on
	if err != nil {
		return func() {}
	}
	fd := int(f.Fd())
	release := func() {
		_ = syscall.Flock(fd, syscall.LOCK_UN)
		f.Close()
	}
	if syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		return release // free, as it almost always is
	}
	// Taken: wait in a blocking flock, which the system grants in turn (a loop of tries would let a busy writer
	// take it again and again), for lockWait at most. A wait given up on goes on apart and lets the lock go as
	// soon as it gets it; each holds a thread, so past a few of them the write does not wait at all.
	if abandonedLockWaits.Load() >= maxAbandonedLockWaits {
		notice(dir, lockNotHad())
		f.Close()
		return func() {}
	}
	got := make(chan error, 1)
	go func() {
		for {
			if err := syscall.Flock(fd, syscall.LOCK_EX); err != syscall.EINTR {
				got <- err
				return
			}
		}
	}()
	timer := time.NewTimer(lockWait)
	defer timer.Stop()
	select {
	case err := <-got:
		if err != nil {
			f.Close()
			return func() {}
		}
		return release
	case <-timer.C:
		notice(dir, lockNotHad())
		abandonedLockWaits.Add(1)
		go func() {
			if <-got == nil {
				release()
			} else {
				f.Close()
			}
			abandonedLockWaits.Add(-1)
		}()
		return func() {}
	}
}

// abandonedLockWaits counts the waits for a lock that lockFolder gave up on and that still wait.
var abandonedLockWaits atomic.Int32

const maxAbandonedLockWaits = 4
