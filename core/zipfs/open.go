package zipfs

import (
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/afero"
)

// Open reads a zip held in memory in place (View, its entries sliced from data rather than copied), with the
// edits made to it kept beside it. inner is the folder inside the zip to take as the root ("" for the zip's
// own choice). data must not change while the file system is used.
func Open(data []byte, inner string, limits Limits) (*Overlay, error) {
	v, _, err := View(memArchive(data), int64(len(data)), limits, inner)
	if err != nil {
		return nil, err
	}
	return NewOverlay(v), nil
}

// OpenFile reads the zip file f, of size bytes, in place, as Open does; name is what its errors call it. Where
// the system can, the file is mapped into memory and closed, the mapping kept while the file system is used;
// elsewhere f stays open for as long. On an error, f is closed.
func OpenFile(f afero.File, size int64, name, inner string, limits Limits) (*Overlay, error) {
	var archive io.ReaderAt = f
	var mapped memArchive
	if file, ok := f.(interface{ Fd() uintptr }); ok {
		if m, ok := mapArchive(file.Fd(), size); ok {
			archive, mapped = m, m
			f.Close() // the mapping stays
		}
	}
	v, err := func() (v *view, err error) {
		if mapped != nil {
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer recoverFault(&err, "", name)
		}
		return viewNamed(archive, size, limits, name, inner)
	}()
	if err != nil {
		if mapped != nil {
			unmapArchive(mapped) // nothing refers to it: the errors' names are copies
		} else {
			f.Close()
		}
		return nil, err
	}
	if mapped != nil {
		v.mapped = true
		runtime.AddCleanup(v, unmapArchive, mapped)
	}
	return NewOverlay(v), nil
}
