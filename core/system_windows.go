package core

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/windows"
)

// ownerOf: a file's owner on Windows is in its security descriptor, which a rename keeps with the folder's
// inherited rights; mobisess does not copy it.
func ownerOf(fs.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }

func processOwner() (uid, gid int) { return -1, -1 }

func accountName(uid int) string { return "" }

// stillActive is the exit code of a process that has not exited (STILL_ACTIVE).
const stillActive = 259

// processAlive says whether the process pid may still be running on this machine: only a process that is
// certainly gone (no such process, or one that has exited) is not.
func processAlive(pid int) bool {
	if pid <= 0 {
		return true
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return !errors.Is(err, windows.ERROR_INVALID_PARAMETER) // no such process; access denied: it exists
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	return code == stillActive
}

// renameNoReplace renames a file without ever replacing one (MoveFileEx without MOVEFILE_REPLACE_EXISTING), for
// the file systems that take no hard link (FAT, exFAT).
func renameNoReplace(oldname, newname string) error {
	from, err := windows.UTF16PtrFromString(oldname)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(newname)
	if err != nil {
		return err
	}
	if err := windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH); err != nil {
		if errors.Is(err, windows.ERROR_FILE_EXISTS) || errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
			return fs.ErrExist
		}
		return err
	}
	return nil
}
