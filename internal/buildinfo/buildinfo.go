// Package buildinfo says which mobisess a binary is. A release build (`make dist`, `make site`) stamps the
// version and the commit with -ldflags -X; otherwise they come from what the go command recorded: the module
// version of `go install …@v1.2.3`, the VCS revision of a build in a clone (when -buildvcs allows it).
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Set with -ldflags "-X github.com/mobisess/mobisess/internal/buildinfo.version=v1.2.3 -X ….commit=HASH".
var (
	version string
	commit  string
)

// Info is one binary's version and commit, as version.json gives them to the console.
type Info struct {
	Version string `json:"version"`          // "v1.2.3", or "devel" for a build that carries no version
	Commit  string `json:"commit,omitempty"` // the full commit hash, "" when unknown
}

// Get is this binary's Info.
func Get() Info {
	info := Info{Version: version, Commit: commit}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		if info.Commit == "" {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					info.Commit = s.Value
				}
			}
		}
	}
	if info.Version == "" {
		info.Version = "devel"
	}
	return info
}

// String is the version and the commit's short hash, as `mobisess version` and `devserver -version` print them:
// "v1.2.3 (commit 8695a2b)", "devel (commit 8695a2b)", or the version alone when the commit is unknown or already
// in it (a pseudo-version such as v0.0.0-20261101120000-8695a2b359f0 names its commit).
func (i Info) String() string {
	short := i.Commit
	if len(short) > 7 {
		short = short[:7]
	}
	if short == "" || strings.Contains(i.Version, short) {
		return i.Version
	}
	return i.Version + " (commit " + short + ")"
}
