//go:build !unix

package zipfs

// mapArchive: where files are not mapped, a zip is read with ReadAt.
func mapArchive(uintptr, int64) (memArchive, bool) { return nil, false }

func unmapArchive(memArchive) {}
