//go:build !unix

package core

import "os"

// openListedFlags: without O_NONBLOCK and O_NOFOLLOW, the fstat after opening is what refuses a non-regular file.
const openListedFlags = os.O_RDONLY
