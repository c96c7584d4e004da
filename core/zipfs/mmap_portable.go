//go:build unix && !linux

package zipfs

import "syscall"

// mapFlags: elsewhere than Linux, the pages are faulted in as the checks touch them.
const mapFlags = syscall.MAP_SHARED
