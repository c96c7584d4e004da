package zipfs

import "syscall"

// mapFlags populates the mapping when it is made: the pages of a zip in the page cache are mapped in one call,
// not faulted in one by one as the checks touch them.
const mapFlags = syscall.MAP_SHARED | syscall.MAP_POPULATE
