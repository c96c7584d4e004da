package core

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unsafe"

	"github.com/spf13/afero"
	"golang.org/x/sys/windows"
)

// lockFolder takes the advisory lock of the app folder dir, which every mobisess process (the CLI, the dev server)
// takes around a compare-and-replace of a file in it, and returns what releases it. Windows locks no folder, so
// the lock is a named mutex, named after the folder's path: it leaves no file anywhere, the system releases it
// when the process dies (the next owner is told it was abandoned, and takes it), and it is in the global
// namespace, open to every account, so that a developer's CLI and a service's dev server exclude each other. A
// mutex that cannot be had leaves the write unlocked: the comparison just before the rename still stands.
func lockFolder(fsys afero.Fs, dir string) (unlock func()) {
	if _, ok := fsys.(*afero.OsFs); !ok {
		return func() {} // a folder in memory: only this process changes it, and its workspace serialises that
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return func() {}
	}
	sum := sha256.Sum256([]byte(strings.ToLower(filepath.Clean(abs)))) // paths are case-insensitive here
	name, err := windows.UTF16PtrFromString(`Global\mobisess-` + hex.EncodeToString(sum[:16]))
	if err != nil {
		return func() {}
	}
	var attrs *windows.SecurityAttributes
	if sd, err := windows.SecurityDescriptorFromString("D:(A;;GA;;;WD)"); err == nil {
		attrs = &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}
	}
	// A mutex belongs to the thread that took it: this goroutine stays on its thread until it releases it.
	runtime.LockOSThread()
	h, err := windows.CreateMutex(attrs, false, name)
	if h == 0 {
		runtime.UnlockOSThread()
		return func() {}
	}
	if ev, _ := windows.WaitForSingleObject(h, uint32(lockWait/time.Millisecond)); ev != windows.WAIT_OBJECT_0 && ev != windows.WAIT_ABANDONED {
		if ev == uint32(windows.WAIT_TIMEOUT) {
			notice(dir, lockNotHad())
		}
		windows.CloseHandle(h)
		runtime.UnlockOSThread()
		return func() {}
	}
	return func() {
		_ = windows.ReleaseMutex(h)
		windows.CloseHandle(h)
		runtime.UnlockOSThread()
	}
}
