//go:build unix

package core

import (
	"os"
	"syscall"
)

// openListedFlags open a listed file without waiting on a pipe and without following a link.
const openListedFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOFOLLOW
