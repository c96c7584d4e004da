// Package zipfs reads a zip of a MobileApps folder in place, as an afero.Fs, and keeps the edits made to it
// beside it.
//
// A zip comes from another machine: everything that is wrong with its central directory (a name that is not
// portable or would leave the folder, a link, an encrypted entry, a name given twice, more entries or bytes
// than its Limits) is refused when it is opened, before anything is inflated, with an *Error that names the
// entry. The directory is read as archive/zip reads it (FuzzZipDirectory holds it to that); each entry is
// inflated when it is read, by whichever goroutine reads it, and checked then against the size and checksum
// its headers declare. A zip file on disk is mapped into memory where the system can (OpenFile); a fault
// reading the mapping (the file cut short meanwhile) is an *Error too, never a crash.
//
// An Overlay makes such a read-only file system editable: what is written goes to a small layer in memory over
// it, and what is deleted from it is hidden, so that opening a zip copies nothing and an edit costs what it
// writes. The Overlay journals the paths it changed, so that its edits can be told apart from the zip and kept
// elsewhere (Overlay.Prints, Overlay.EditAt).
//
// # What a file system offers the engine
//
// The engine reads any afero.Fs. Where a file system of this package can be read faster than through Open
// and Read, it says so through one of these optional interfaces, which the engine asks for as io.Copy asks
// for io.WriterTo; any afero.Fs may implement them:
//
//   - InMemory: every file is in memory, so opening one never waits and none is a pipe or a device. The
//     engine opens a listed file at once, without first asking what it is.
//   - SessionReader: reads a session file of the MobileApps folder at Root by its app folder's name and its
//     own, without a path built, cleaned and looked up again for each of 100,000 files.
//   - WholeFile: an open file that hands its bytes over at once, in a buffer of their own (a zip entry,
//     inflated), instead of being copied out through Read.
//
// The package imports nothing of the engine: its limits, its errors and its size formatting are its own, and
// the engine maps them to its reports and operation errors.
package zipfs

import (
	"fmt"

	"github.com/spf13/afero"
)

// Root is where a zip's MobileApps folder sits in the file system of a zip: the zip's root or, when every
// entry sits under one top-level MobileApps folder, that folder.
const Root = "/MobileApps"

// Limits bound what a zip may expand to, so that a zip bomb gets an error instead of the machine's memory.
type Limits struct {
	MaxEntries   int
	MaxFileSize  int64 // uncompressed, per entry
	MaxTotalSize int64 // uncompressed, all entries
}

// DefaultLimits fit a folder of 100k sessions with room to spare.
var DefaultLimits = Limits{MaxEntries: 250_000, MaxFileSize: 64 << 20, MaxTotalSize: 1 << 30}

// Error is a zip that is refused, naming the entry at fault when there is one. Error() says it as a sentence
// that people read (a report, the console's banner): a Reason without an Entry ends a sentence whose subject is
// the archive ("is not a readable zip archive"), one with an Entry follows the entry's name.
type Error struct {
	Archive string // the zip's file name, when it has one
	Entry   string
	Reason  string
}

func (e *Error) Error() string {
	if e.Entry == "" {
		subject := e.Archive
		if subject == "" {
			subject = "the file"
		}
		return subject + " " + e.Reason
	}
	in := ""
	if e.Archive != "" {
		in = " in " + e.Archive
	}
	return fmt.Sprintf("the entry %q%s: %s", e.Entry, in, e.Reason)
}

// TooLargeError is a file over a size limit, refused from its size before it is read.
type TooLargeError struct{ Size, Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s, over the %s limit", FormatSize(e.Size), FormatSize(e.Limit))
}

// FormatSize writes a size in bytes for a person: "1.5 MiB".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// InMemory is a file system whose files are all in memory when InMemory says so: opening one never waits, and
// none is a pipe or a device.
type InMemory interface {
	InMemory() bool
}

// IsInMemory says whether fsys says that its files are all in memory.
func IsInMemory(fsys afero.Fs) bool {
	m, ok := fsys.(InMemory)
	return ok && m.InMemory()
}

// SessionReader is a file system that reads the session file app/name of the MobileApps folder at Root by
// name, within limit: a larger file is a *TooLargeError, unread. ok is false when it cannot answer for that
// file (it has no such file, or cannot tell): the caller then reads it by its path, and gets what a path gets.
type SessionReader interface {
	ReadSession(app, name string, limit int64) (data []byte, ok bool, err error)
}

// WholeFile is an open file that hands its bytes over at once, in a buffer of their own that the caller may
// keep: as many bytes as its Stat gave, or an error.
type WholeFile interface {
	Contents() ([]byte, error)
}
