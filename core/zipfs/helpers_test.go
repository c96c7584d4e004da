package zipfs_test

import (
	"bytes"
	"flag"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/internal/coretest"
	"github.com/mobisess/mobisess/core/zipfs"
)

var update = flag.Bool("update", false, "rewrite the seed corpora under testdata")

// root is where the sessions of a zip read in place are.
const root = zipfs.Root

// Zips built by a test, entry by entry (coretest).
type zipEntry = coretest.ZipEntry

var (
	fixedTime   = coretest.FixedTime
	makeZip     = coretest.MakeZip
	storedEntry = coretest.StoredEntry
	rawEntry    = coretest.RawEntry
	deflate     = coretest.Deflate
	patchLocal  = coretest.PatchLocal
	tree        = coretest.Tree
	allocatedBy = coretest.AllocatedBy
	heapGrowth  = coretest.HeapGrowth
)

// importZip reads a zip as the engine does (View) and then every one of its files, as a check and a download
// would: the file system, or the first error met.
func importZip(t testing.TB, data []byte, limits zipfs.Limits) (afero.Fs, error) {
	t.Helper()
	fsys, dir, err := zipfs.View(bytes.NewReader(data), int64(len(data)), limits, "")
	if err != nil {
		return nil, err
	}
	if dir != root {
		t.Fatalf("View's root is %q, want %q", dir, root)
	}
	if err := coretest.ReadAll(fsys); err != nil {
		return nil, err
	}
	return fsys, nil
}

// memTree builds an in-memory MobileApps folder under root. A name ending in "/" is an empty folder.
func memTree(t testing.TB, files map[string]string) afero.Fs {
	t.Helper()
	return coretest.MemTree(t, root, files)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return coretest.SortedKeys(m) }

// session returns a compact, valid session file for team (may be "") and application id.
var session = coretest.Session
