package core

import (
	"math"
	"time"

	"github.com/mobisess/mobisess/core/zipfs"
)

// A folder that a browser reads (picked or dropped by the user) reaches the engine as a list: each entry's path,
// size and time, and the bytes of its files one after another. The engine judges the list first, before the page
// reads a byte (PlanFolder: the zip limits, the names, the root), then opens the folder from the bytes the plan
// asked for (ReadFolder), in memory, as a zip is opened: the page only moves bytes. The console opens it
// (console.OpenFolder) and says what to write back to it.

// FolderEntry is one entry of a folder read by a browser: a file or a folder, by its path in the folder.
type FolderEntry struct {
	Path string `json:"path"` // relative to the folder, '/'-separated
	Dir  bool   `json:"dir,omitempty"`
	Size int64  `json:"size,omitempty"` // of a file
	// Modified is the file's time in milliseconds since 1970, as a browser's File.lastModified gives it.
	Modified int64 `json:"modified,omitempty"`
}

// FolderPlan is what the page reads of a folder before the engine opens it.
type FolderPlan struct {
	// Read are the indices of the entries to give OpenFolder, with the bytes of the files among them, in listing
	// order.
	Read  []int `json:"read"`
	Files int   `json:"files"` // how many of them are files
	Bytes int64 `json:"bytes"` // their bytes in all
}

// PlanFolder judges the folder name, given as entries, before any of its bytes is read: more entries or bytes
// than c's zip limits, a name that is not portable or would leave the folder, and a root that is probably not
// the one meant (a WrongRootError naming the folder inside it to open instead) are refused as for a zip. inner,
// when not "", is the folder inside it to open ('/'-separated). It returns the entries to read.
func PlanFolder(name string, entries []FolderEntry, inner string, c *Checker) (*FolderPlan, error) {
	if c == nil {
		c = &Checker{}
	}
	listing, limits := folderEntries(entries), c.Limits().Zip
	// The root first, judged whatever the sizes beside it: a Data folder holds the data file, larger than any
	// session file, beside the MobileApps folder it is taken for.
	anySize := ZipLimits{MaxEntries: limits.MaxEntries, MaxFileSize: math.MaxInt64, MaxTotalSize: math.MaxInt64}
	fsys, _, err := zipfs.ListFolder(name, listing, anySize, inner)
	if err != nil {
		return nil, err
	}
	if err := CheckRoot(fsys, zipfs.Root, RootName{Path: name, Browser: true, Inner: inner}); err != nil {
		return nil, err
	}
	_, read, err := zipfs.ListFolder(name, listing, limits, inner)
	if err != nil {
		return nil, err
	}
	plan := &FolderPlan{Read: read}
	if plan.Read == nil {
		plan.Read = []int{}
	}
	for _, i := range read {
		if !entries[i].Dir {
			plan.Files++
			plan.Bytes += entries[i].Size
		}
	}
	return plan, nil
}

// ReadFolder reads the folder name given as entries and data, the bytes of its files one after another in the
// order of entries (as PlanFolder asked for them), judged as PlanFolder judges it. The folder is held in memory,
// as a zip is (its root is zipfs.Root): the disk as the page read it, which takes what the page writes back.
func ReadFolder(name string, entries []FolderEntry, data []byte, inner string, c *Checker) (*zipfs.Overlay, error) {
	if c == nil {
		c = &Checker{}
	}
	disk, err := zipfs.OpenFolder(name, folderEntries(entries), data, c.Limits().Zip, inner)
	if err != nil {
		return nil, err
	}
	if err := CheckRoot(disk, zipfs.Root, RootName{Path: name, Browser: true, Inner: inner}); err != nil {
		return nil, err
	}
	return disk, nil
}

func folderEntries(entries []FolderEntry) []zipfs.FolderEntry {
	out := make([]zipfs.FolderEntry, len(entries))
	for i, e := range entries {
		out[i] = zipfs.FolderEntry{Path: e.Path, Dir: e.Dir, Size: e.Size, Modified: TimeOfMillis(e.Modified)}
	}
	return out
}

// TimeOfMillis is a time in milliseconds since 1970, as browsers give it; 0 is none.
func TimeOfMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
