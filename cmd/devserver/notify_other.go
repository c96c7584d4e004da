//go:build !(darwin || dragonfly || freebsd || netbsd || openbsd)

package main

// inotify and ReadDirectoryChangesW watch a folder with one handle, whatever it holds.
const watchOpensEachFile = false
