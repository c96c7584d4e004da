//go:build !embedengine

package main

import "io/fs"

// embeddedEngine is nil: this build has no engine inside (engine.go says where it looks instead).
var embeddedEngine fs.FS
