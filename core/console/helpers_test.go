package console

import (
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// root is where every in-memory test tree keeps its sessions, as an imported zip does.
const root = core.ZipRoot

// session returns a compact, valid session file for team (may be "") and application id.
var session = coretest.Session

// memTree builds an in-memory MobileApps folder under root. A name ending in "/" is an empty folder.
func memTree(t testing.TB, files map[string]string) afero.Fs {
	t.Helper()
	return coretest.MemTree(t, root, files)
}
