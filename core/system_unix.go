//go:build unix

package core

import (
	"errors"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// ownerOf is the account and group that own the file of info, when the file system says.
func ownerOf(info fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// processOwner is the account and group whose files this process creates.
func processOwner() (uid, gid int) { return os.Geteuid(), os.Getegid() }

// accountName names an account for a person: its login name, with its number.
func accountName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username + " (uid " + strconv.Itoa(uid) + ")"
	}
	return "uid " + strconv.Itoa(uid)
}

// processAlive says whether the process pid may still be running on this machine: only a process that is
// certainly gone (ESRCH) is not.
func processAlive(pid int) bool {
	if pid <= 0 {
		return true
	}
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// renameNoReplace is a rename that never replaces a file, where the system has one that mobisess uses: on unix
// a hard link is that (placeNew), and a file system without links gets the portable fallback.
func renameNoReplace(oldname, newname string) error { return errNoRenameNoReplace }
