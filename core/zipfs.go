package core

import "github.com/mobisess/mobisess/core/zipfs"

// A zip of a MobileApps folder is read in place by package zipfs. These are its names as the engine's callers
// set its limits (Limits.Zip) and find its sessions.

// ZipLimits bound what a zip may expand to (zipfs.Limits).
type ZipLimits = zipfs.Limits

// DefaultZipLimits fit a folder of 100k sessions with room to spare.
var DefaultZipLimits = zipfs.DefaultLimits

// ZipRoot is where a zip's MobileApps folder sits in the file system that zipfs makes of it, and where CopyFS
// puts a tree.
const ZipRoot = zipfs.Root
