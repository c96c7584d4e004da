//go:build !unix

package core

import "os"

// mapArchive: where files are not mapped, a zip is read with ReadAt.
func mapArchive(*os.File, int64) (memArchive, bool) { return nil, false }

func unmapArchive(memArchive) {}
