package core

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

// ExportZip writes the folder under root to w as a zip whose top folder is MobileApps/, so that importing it
// again gives the same folder, within the default limits (ExportZipWithin).
func ExportZip(fsys afero.Fs, root string, w io.Writer) error {
	return ExportZipWithin(fsys, root, w, DefaultZipLimits)
}

// exportEntry is a file or folder of an export: its name in the zip, and what the folder's listing said of it.
type exportEntry struct {
	path, name string
	info       fs.FileInfo
}

// ExportZipWithin writes the folder under root to w as a zip whose top folder is MobileApps/. Entries come in name
// order; links, pipes and devices are left out. The zip is one that mobisess opens again within limits: a folder
// whose zip it would refuse (a name that is not portable, such as one with a backslash or not in UTF-8; a file,
// or files in all, or entries, over a limit) is refused with an error naming the entry (KindInput), before
// anything is written to w; files that grow while they are read are refused when they are read.
func ExportZipWithin(fsys afero.Fs, root string, w io.Writer, limits ZipLimits) error {
	var entries []exportEntry
	err := afero.Walk(fsys, root, func(p string, _ fs.FileInfo, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // gone while walking
			}
			return err
		}
		entries = append(entries, exportEntry{path: p})
		return nil
	})
	if err != nil {
		return fmt.Errorf("cannot read the folder: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	var total int64
	kept := entries[:0]
	for _, e := range entries {
		info, err := lstat(fsys, e.path)
		if err != nil || !info.IsDir() && !info.Mode().IsRegular() {
			continue // gone, or a link, a pipe, a device: not a session's
		}
		rel, err := filepath.Rel(root, e.path)
		if err != nil {
			return err
		}
		e.info, e.name = info, "MobileApps"
		if rel != "." {
			e.name += "/" + filepath.ToSlash(rel)
		}
		refused := func(why string) error {
			// Quoted: a name from the folder is data, whatever bytes it holds.
			return &OpError{Kind: KindInput, Path: strconv.Quote(filepath.ToSlash(rel)), Msg: why + "; a zip of the folder would not open again, so nothing was written"}
		}
		// The import's own rule for names: what it would refuse is refused here.
		if err := zipfs.ValidName(e.name); err != nil {
			var ze *zipfs.Error
			errors.As(err, &ze)
			return refused(ze.Reason + " (rename it)")
		}
		if info.IsDir() {
			e.name += "/"
		} else {
			if info.Size() > limits.MaxFileSize {
				tl := &zipfs.TooLargeError{Size: info.Size(), Limit: limits.MaxFileSize}
				return &OpError{Kind: KindInput, Path: filepath.ToSlash(rel), Msg: "the file is " + tl.Error() + " of a zip entry: move it out of the folder"}
			}
			if total += info.Size(); total > limits.MaxTotalSize {
				return refused(fmt.Sprintf("the folder holds more than %s in all, over the limit of a zip", zipfs.FormatSize(limits.MaxTotalSize)))
			}
		}
		if len(kept) >= limits.MaxEntries {
			return refused(fmt.Sprintf("the folder holds more than %d files and folders, over the limit of a zip", limits.MaxEntries))
		}
		kept = append(kept, e)
	}
	out := &countingWriter{w: w}
	zw := zip.NewWriter(out)
	total = 0
	for _, e := range kept {
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: e.info.ModTime()}
		if e.info.IsDir() {
			hdr.Method = zip.Store
		}
		hdr.SetMode(e.info.Mode())
		dst, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if e.info.IsDir() {
			continue
		}
		rel := strings.TrimPrefix(e.name, "MobileApps/")
		data, err := readFile(fsys, e.path, limits.MaxFileSize)
		var tl *zipfs.TooLargeError
		if errors.As(err, &tl) {
			return &OpError{Kind: KindInput, Path: rel, Msg: "the file is " + tl.Error() + " of a zip entry: move it out of the folder"}
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", rel, err)
		}
		if total += int64(len(data)); total > limits.MaxTotalSize {
			return &OpError{Kind: KindInput, Path: rel, Msg: fmt.Sprintf("the folder grew past %s in all while it was read, over the limit of a zip", zipfs.FormatSize(limits.MaxTotalSize))}
		}
		if _, err := dst.Write(data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	// The import refuses a zip file larger than the total limit from its size alone.
	if out.n > limits.MaxTotalSize {
		return &OpError{Kind: KindInput, Msg: fmt.Sprintf("the zip is %s, over the %s limit of a zip: it could not be opened again", zipfs.FormatSize(out.n), zipfs.FormatSize(limits.MaxTotalSize))}
	}
	return nil
}

// countingWriter counts what goes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
