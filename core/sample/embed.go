// Package sample holds a small MobileApps folder: several apps (one Android app without team), accepted and
// pending sessions, a broken file for each mobi code and files that are not sessions. The CLI and the console
// open it when no folder is given.
package sample

import (
	"embed"
	"io/fs"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
)

//go:embed all:MobileApps
var files embed.FS

// FS returns the sample; its root is "MobileApps".
func FS() fs.FS { return files }

// Root is the folder of FS that holds the sessions.
const Root = "MobileApps"

// Open copies the sample into an editable in-memory filesystem and returns it with the sessions' root.
func Open() (afero.Fs, string, error) {
	return core.CopyFS(files, Root)
}
