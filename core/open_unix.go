//go:build unix

package core

import (
	"os"
	"syscall"
)

// openListedFlags open a file without waiting on a pipe (O_NONBLOCK, which a regular file ignores) and without
// following a link (O_NOFOLLOW). openDirFlags open a folder alike, and fail at once on what is not one.
const (
	noFollow        = syscall.O_NOFOLLOW
	openListedFlags = os.O_RDONLY | syscall.O_NONBLOCK | noFollow
	openDirFlags    = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_DIRECTORY | noFollow
)

// errLinkRefused is what opening a link with O_NOFOLLOW fails with.
var errLinkRefused = syscall.ELOOP
