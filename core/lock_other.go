//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos || windows)

package core

import "github.com/spf13/afero"

// lockFolder takes no lock where the system has none that mobisess uses (WebAssembly, whose folders are in memory).
func lockFolder(afero.Fs, string) (unlock func()) { return func() {} }
