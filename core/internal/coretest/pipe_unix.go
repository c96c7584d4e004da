//go:build unix

package coretest

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"
)

// SwapOnOpen is the system's disk, on which each open of target first replaces it by a named pipe (atomically,
// by a rename, as fifo_swap would): the swap happens exactly between the moment a reader looks at the file
// (lists or lstats it) and the moment it opens it. release unblocks whoever waits in an open of the pipe.
func SwapOnOpen(t testing.TB, target string) (afero.Fs, func()) {
	t.Helper()
	var once sync.Once
	fsys := &swapFs{Fs: afero.NewOsFs(), t: t, target: filepath.Clean(target)}
	release := func() {
		once.Do(func() {
			if f, err := os.OpenFile(target, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		})
	}
	return fsys, release
}

type swapFs struct {
	afero.Fs
	t      testing.TB
	target string
}

func (f *swapFs) swap(name string) {
	if filepath.Clean(name) != f.target {
		return
	}
	pipe := filepath.Join(filepath.Dir(f.target), ".pipe")
	os.Remove(pipe)
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		f.t.Error(err)
	}
	if err := os.Rename(pipe, f.target); err != nil {
		f.t.Error(err)
	}
}

func (f *swapFs) Open(name string) (afero.File, error) {
	f.swap(name)
	return f.Fs.Open(name)
}

func (f *swapFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	f.swap(name)
	return f.Fs.OpenFile(name, flag, perm)
}

func (f *swapFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	return f.Fs.(afero.Lstater).LstatIfPossible(name)
}
