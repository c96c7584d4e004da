//go:build !unix && !windows

package core

import "io/fs"

// Where mobisess only ever writes in memory (WebAssembly), files have no owner and processes no pid.

func ownerOf(fs.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }

func processOwner() (uid, gid int) { return -1, -1 }

func accountName(uid int) string { return "" }

func processAlive(pid int) bool { return true }

func renameNoReplace(oldname, newname string) error { return errNoRenameNoReplace }
