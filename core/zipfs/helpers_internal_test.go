package zipfs

import "github.com/mobisess/mobisess/core/internal/coretest"

// Zips built by a test, entry by entry (coretest).
type zipEntry = coretest.ZipEntry

var (
	makeZip     = coretest.MakeZip
	storedEntry = coretest.StoredEntry
	patchLocal  = coretest.PatchLocal
)
