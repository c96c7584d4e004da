package main

import "github.com/mobisess/mobisess/internal/buildinfo"

// version is what `mobisess version` prints after the name: the release's version and commit (stamped by
// `make dist`), the module version of `go install …@version`, or "devel" and the commit when known.
func version() string { return buildinfo.Get().String() }
