package zipfs

import (
	"bytes"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/afero"
)

// A folder given as a list is what a browser reads of a folder the user picked or dropped: each file's path,
// size and time, and the bytes of the files one after another. It is the zip's equivalent in memory, and is
// judged as a zip's directory is (names, limits, the top MobileApps folder), with errors that name the file by
// its path in the folder.

// FolderEntry is one entry of a folder given as a list: a file or a folder, by its path in the folder.
type FolderEntry struct {
	Path     string // relative, '/'-separated
	Dir      bool
	Size     int64 // of a file; a folder's is 0
	Modified time.Time
}

var folderWording = wording{
	folder: true, where: "the folder", size: "is", tooLarge: "the folder holds more than %s in all, over the limit",
	twice: "the name is given twice",
}

// ListFolder judges the folder name given as entries, before any of its bytes is read, as View judges a zip's
// directory: more entries or bytes than limits, a name that is unsafe or given twice, and a file over the size
// limit are refused (an *Error that names the file). inner, when not "", is the folder inside it to take as the
// root ('/'-separated), which must be among the entries. It returns the file system of the listing, whose files
// can be listed but not read (enough for the engine to judge its root), and the indices of the entries that it
// holds, in listing order: those to give OpenFolder, with their bytes.
func ListFolder(name string, entries []FolderEntry, limits Limits, inner string) (afero.Fs, []int, error) {
	v, err := folderView(name, entries, nil, limits, inner)
	if err != nil {
		return nil, nil, err
	}
	return v, v.kept, nil
}

// OpenFolder reads the folder name given as entries and data, the bytes of its files one after another in the
// order of entries, as ListFolder judges it, with the edits made to it kept beside it (an Overlay, as Open of a
// zip). data is read in place, never copied whole, and must not change while the file system is used.
func OpenFolder(name string, entries []FolderEntry, data []byte, limits Limits, inner string) (*Overlay, error) {
	if data == nil {
		data = []byte{} // a folder of empty files: its files can be read
	}
	v, err := folderView(name, entries, data, limits, inner)
	if err != nil {
		return nil, err
	}
	return NewOverlay(v), nil
}

// folderView is the view of a folder given as a list; data nil for a listing whose files are not read.
func folderView(name string, entries []FolderEntry, data []byte, limits Limits, inner string) (*view, error) {
	named := func(err error) error {
		if ze, ok := err.(*Error); ok {
			ze.Archive = name
		}
		return err
	}
	inner, err := innerFolder(inner, folderWording)
	if err != nil {
		return nil, named(err)
	}
	if len(entries) > limits.MaxEntries {
		return nil, named(&Error{Folder: true, Reason: fmt.Sprintf("has %d entries, over the limit of %d", len(entries), limits.MaxEntries)})
	}
	records := make([]record, len(entries))
	var at int64
	for i, e := range entries {
		rec := &records[i]
		rec.name, rec.modified, rec.mode = e.Path, e.Modified, 0o644
		switch {
		case e.Dir && e.Size != 0, e.Size < 0:
			return nil, named(&Error{Entry: e.Path, Folder: true, Reason: fmt.Sprintf("a size of %d bytes cannot be", e.Size)})
		case e.Dir:
			rec.mode = fs.ModeDir | 0o755
			continue
		}
		rec.size, rec.compressed = uint64(e.Size), uint64(e.Size)
		if data == nil {
			continue
		}
		if e.Size > int64(len(data))-at { // at <= len(data): no overflow
			return nil, named(&Error{Folder: true, Reason: fmt.Sprintf("is listed with more bytes than the %d given", len(data))})
		}
		rec.headerOffset = at
		at += e.Size
	}
	if data != nil && at != int64(len(data)) {
		return nil, named(&Error{Folder: true, Reason: fmt.Sprintf("is listed with %d bytes, but %d are given", at, len(data))})
	}
	v, err := buildView(records, limits, inner, folderWording)
	if err != nil {
		return nil, named(err)
	}
	v.archive, v.folder, v.data = name, true, data
	return v, nil
}

// folderFile is the bytes of a file of a folder given as a list, in a buffer of their own, as a zip entry's.
func (v *view) folderFile(n *node) ([]byte, error) {
	if v.data == nil {
		return nil, &Error{Archive: v.archive, Entry: n.rec.name, Folder: true, Reason: "only listed: its bytes were not read"}
	}
	return bytes.Clone(v.data[n.rec.headerOffset : n.rec.headerOffset+int64(n.rec.size)]), nil
}
