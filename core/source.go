package core

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/afero"
)

// OpenPath opens what a user names on a command line: a MobileApps folder, used in place, or a .zip of one, read
// in place (ZipView) with its edits kept in memory. It returns the filesystem and the root of the sessions in
// it. A zip's file stays open, or mapped where the system can, while the filesystem is in use.
func OpenPath(fsys afero.Fs, path string, limits ZipLimits) (afero.Fs, string, error) {
	info, err := fsys.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", &OpError{Kind: KindInput, Path: path, Msg: "no such file or folder"}
		}
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: unwrapPathError(err).Error()}
	}
	if info.IsDir() {
		return fsys, path, nil
	}
	if !strings.HasSuffix(strings.ToLower(path), ".zip") {
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: "not a folder or a .zip file"}
	}
	if info.Size() > limits.MaxTotalSize {
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: fmt.Sprintf("the zip is %s, over the %s limit", formatSize(info.Size()), formatSize(limits.MaxTotalSize))}
	}
	// Read where the zip's reader needs, not whole: the archive need not sit in memory.
	f, err := fsys.Open(path)
	if err != nil {
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: unwrapPathError(err).Error()}
	}
	var archive io.ReaderAt = f
	var mapped memArchive
	if osFile, ok := f.(*os.File); ok {
		if m, ok := mapArchive(osFile, info.Size()); ok {
			archive, mapped = m, m
			f.Close() // the mapping stays
		}
	}
	view, root, err := func() (view *zipView, root string, err error) {
		if mapped != nil {
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer recoverFault(&err, "", path)
		}
		return zipViewNamed(archive, info.Size(), limits, path)
	}()
	if err != nil {
		if mapped != nil {
			unmapArchive(mapped) // nothing refers to it: the errors' names are copies
		} else {
			f.Close()
		}
		return nil, "", err
	}
	if mapped != nil {
		view.mapped = true
		runtime.AddCleanup(view, unmapArchive, mapped)
	}
	return newOverlay(view), root, nil
}

// CopyFS copies a read-only tree (such as an embedded folder) into an editable in-memory filesystem, under
// ZipRoot like an imported zip.
func CopyFS(src fs.FS, dir string) (afero.Fs, string, error) {
	mem := afero.NewMemMapFs()
	err := fs.WalkDir(src, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := ZipRoot + strings.TrimPrefix(p, dir)
		if d.IsDir() {
			return mem.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return afero.WriteFile(mem, target, data, 0o644)
	})
	if err != nil {
		return nil, "", err
	}
	return mem, ZipRoot, nil
}
