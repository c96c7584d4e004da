//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos || windows

package core

import "time"

// lockWait bounds the wait for an app folder's lock (lockFolder). A mobisess process holds it for the few
// milliseconds of a compare-and-replace; one held longer is held by something else (a process stopped in a
// debugger, or another account's that holds it on purpose), which may hold it forever, and a save of the dev
// server waits holding the workspace. Past lockWait the write goes on without the lock, as where the system has
// none, and says so: the comparison just before the rename still stands.
var lockWait = 10 * time.Second

// lockNotHad is what the write says then (SetWriteNotice).
func lockNotHad() string {
	return "the app folder's lock was held by another process for " + lockWait.String() +
		": written without it, after comparing the file once more"
}
