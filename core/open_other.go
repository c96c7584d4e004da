//go:build !unix

package core

import (
	"errors"
	"os"
)

// openListedFlags, openDirFlags: without O_NONBLOCK and O_NOFOLLOW, the stat after opening is what refuses a file
// that is not regular. (No system but Unix keeps named pipes among files.)
const (
	noFollow        = 0
	openListedFlags = os.O_RDONLY
	openDirFlags    = os.O_RDONLY
)

// errLinkRefused is never returned where links are followed.
var errLinkRefused = errors.New("link refused")
