package zipfs

import "github.com/spf13/afero"

// What the tests of package zipfs_test (which import the engine, to check what they read) see of the inside.
const (
	LocalHeaderLen = localHeaderLen
	RawInMemory    = rawInMemory
)

// IsMapped says whether fsys is the overlay of a view whose archive is a mapping of its file.
func IsMapped(fsys afero.Fs) bool {
	o, ok := fsys.(*Overlay)
	if !ok {
		return false
	}
	v, ok := o.base.(*view)
	return ok && v.mapped
}
