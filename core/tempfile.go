package core

import "strings"

// The temporary files of writes: where a write's content waits, whole and synced, before it gets its name.

// tempMark separates a temporary file's target from what says whose it is.
const tempMark = ".tmp-"

// isOurTemp says whether name is the name of a temporary file of a write of ours (".NAME.tmp-" and more).
func isOurTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMark)
}
