//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package main

// kqueue opens each file of a watched folder.
const watchOpensEachFile = true
