package core

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/spf13/afero"
)

// ZipLimits bound what a zip may expand to, so that a zip bomb gets an error instead of the machine's memory.
type ZipLimits struct {
	MaxEntries   int
	MaxFileSize  int64 // uncompressed, per entry
	MaxTotalSize int64 // uncompressed, all entries
}

// DefaultZipLimits fit a folder of 100k sessions with room to spare.
var DefaultZipLimits = ZipLimits{MaxEntries: 250_000, MaxFileSize: 64 << 20, MaxTotalSize: 1 << 30}

// ZipRoot is where a zip's MobileApps folder sits in the filesystem that ZipView makes of it.
const ZipRoot = "/MobileApps"

// ZipError is a zip that is refused, naming the entry at fault when there is one.
type ZipError struct {
	Archive string // the zip's file name, when it has one
	Entry   string
	Reason  string
}

func (e *ZipError) Error() string {
	s := "zip: " + e.Reason
	if e.Entry != "" {
		s = fmt.Sprintf("zip entry %q: %s", e.Entry, e.Reason)
	}
	if e.Archive != "" {
		s = e.Archive + ": " + s
	}
	return s
}

func isMacJunk(name string) bool {
	return name == "__MACOSX" || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), "._")
}

// entryName validates a zip entry's name and returns it cleaned, without a trailing slash.
func entryName(raw string) (string, error) {
	bad := func(reason string) error { return &ZipError{Entry: raw, Reason: reason} }
	switch {
	case raw == "":
		return "", bad("empty name")
	case !utf8.ValidString(raw):
		return "", bad("the name is not valid UTF-8")
	case strings.ContainsRune(raw, 0):
		return "", bad("the name contains a NUL character")
	case strings.Contains(raw, `\`):
		return "", bad(`the name contains a backslash: not a portable path`)
	case strings.HasPrefix(raw, "/"):
		return "", bad("absolute names are refused")
	case len(raw) >= 2 && raw[1] == ':':
		return "", bad("names with a drive letter are refused")
	}
	name := strings.TrimSuffix(raw, "/")
	for seg := range strings.SplitSeq(name, "/") {
		if seg == ".." {
			return "", bad("names with '..' would escape the folder")
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", bad("empty name")
	}
	return clean, nil
}

// zipPlan is what a zip will be once imported: its folders and its files, each under ZipRoot.
type zipPlan struct {
	dirs  []plannedDir
	files []plannedFile
}

type plannedDir struct {
	target   string
	modified time.Time
}

type plannedFile struct {
	target string
	zf     *zip.File
}

// planZip reads the zip's directory and refuses, before anything is inflated, an archive that is not readable,
// has too many entries, a name that is unsafe or given twice, a link, an encrypted entry or a file over the size
// limit.
func planZip(r io.ReaderAt, size int64, limits ZipLimits) (*zipPlan, error) {
	if n := countEntryHeaders(r, size, limits.MaxEntries); n > limits.MaxEntries {
		return nil, &ZipError{Reason: fmt.Sprintf("%d entries, over the limit of %d", n, limits.MaxEntries)}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		why := strings.TrimPrefix(err.Error(), "zip: ")
		if errors.Is(err, zip.ErrFormat) {
			why = "it is not a zip, or it is cut short"
		}
		return nil, &ZipError{Reason: "not a readable zip archive (" + why + ")"}
	}
	if len(zr.File) > limits.MaxEntries {
		return nil, &ZipError{Reason: fmt.Sprintf("%d entries, over the limit of %d", len(zr.File), limits.MaxEntries)}
	}
	type entry struct {
		name string
		file *zip.File
	}
	entries := make([]entry, 0, len(zr.File))
	names := make(map[string]bool, len(zr.File))
	dirs := map[string]bool{}
	underMobileApps := true
	for _, f := range zr.File {
		name, err := entryName(f.Name)
		if err != nil {
			return nil, err
		}
		mode := f.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			return nil, &ZipError{Entry: f.Name, Reason: "links are refused"}
		case f.Flags&0x1 != 0:
			return nil, &ZipError{Entry: f.Name, Reason: "encrypted entries cannot be read"}
		case !f.FileInfo().IsDir() && !mode.IsRegular():
			return nil, &ZipError{Entry: f.Name, Reason: "not a regular file"}
		}
		isDir := f.FileInfo().IsDir()
		if isDir {
			dirs[name] = true
		} else {
			if names[name] {
				return nil, &ZipError{Entry: f.Name, Reason: "the name appears twice in the archive"}
			}
			names[name] = true
		}
		if !isMacJunk(name) && name != "MobileApps" && !strings.HasPrefix(name, "MobileApps/") {
			underMobileApps = false
		}
		entries = append(entries, entry{name, f})
	}
	for name := range names {
		if dirs[name] {
			return nil, &ZipError{Entry: name, Reason: "the name is both a file and a folder"}
		}
		for dir := name; ; { // its folders, without path.Dir's copies: names are clean already
			i := strings.LastIndexByte(dir, '/')
			if i < 0 {
				break
			}
			dir = dir[:i]
			if names[dir] {
				return nil, &ZipError{Entry: name, Reason: fmt.Sprintf("its folder %q is also a file", dir)}
			}
		}
	}
	strip := ""
	if underMobileApps && len(entries) > 0 {
		strip = "MobileApps"
	}
	plan := &zipPlan{files: make([]plannedFile, 0, len(names))}
	var total int64
	for _, e := range entries {
		rel := e.name
		if strip != "" {
			if rel == strip {
				continue
			}
			if !strings.HasPrefix(rel, strip+"/") {
				continue // macOS junk beside the MobileApps folder
			}
			rel = strings.TrimPrefix(rel, strip+"/")
		}
		target := ZipRoot + "/" + rel // rel is clean (entryName)
		if e.file.FileInfo().IsDir() {
			plan.dirs = append(plan.dirs, plannedDir{target, e.file.Modified})
			continue
		}
		if e.file.UncompressedSize64 > uint64(limits.MaxFileSize) {
			return nil, &ZipError{Entry: e.file.Name, Reason: fmt.Sprintf("expands to %s, over the %s limit per file", formatSize(int64(min(e.file.UncompressedSize64, 1<<62))), formatSize(limits.MaxFileSize))}
		}
		// A file that inflates to other than its declared size is refused when read, so the declared sizes
		// are what the import will hold: the total is judged here, before anything is inflated.
		if total += int64(e.file.UncompressedSize64); total > limits.MaxTotalSize {
			return nil, &ZipError{Entry: e.file.Name, Reason: fmt.Sprintf("the archive expands to more than %s in all, over the limit", formatSize(limits.MaxTotalSize))}
		}
		plan.files = append(plan.files, plannedFile{target, e.file})
	}
	return plan, nil
}

// countEntryHeaders counts the central-directory signatures of the archive, stopping past stop. zip.NewReader
// reads every entry header it finds, whatever count the archive declares, at about 200 bytes of memory each:
// without this bound, a 1 GiB archive of empty entries would take gigabytes before the limit on entries is
// even looked at. The count is an upper bound of the entries: a zip stored uncompressed inside counts its own.
func countEntryHeaders(r io.ReaderAt, size int64, stop int) int {
	sig := []byte("PK\x01\x02")
	buf := make([]byte, max(min(size, 1<<20), 0))
	n := 0
	for off := int64(0); off < size && n <= stop; {
		k, err := r.ReadAt(buf, off)
		n += bytes.Count(buf[:k], sig)
		if err != nil || off+int64(k) >= size || k < len(sig) {
			break // what cannot be read, zip.NewReader reports
		}
		off += int64(k - (len(sig) - 1)) // a signature across two reads is counted in the second
	}
	return n
}

// entryReader reads entries one after another with one decompressor. A session file is a few hundred bytes,
// so the cost of a zip of them is in starting each entry, not in inflating: the compressed bytes are read in
// one call into a reused buffer and inflated from memory (klauspost's inflater has a fast path for a
// bytes.Reader that the standard library's lacks), which halves the import in WebAssembly.
type entryReader struct {
	out      bytes.Buffer // what read returns, reused: the caller copies it before the next read
	limited  io.LimitedReader
	r        io.ReaderAt
	size     int64
	raw      []byte
	src      bytes.Reader
	inflater io.ReadCloser
}

// rawInMemory is the compressed size up to which an entry is read into memory before inflating; larger ones
// are streamed.
const rawInMemory = 1 << 20

// read reads one entry, trusting the bytes that come out rather than the size the header declares, and checks
// them against the header's size and CRC-32. What it returns is valid until the next read.
func (er *entryReader) read(f *zip.File, limit int64) ([]byte, error) {
	bad := func(reason string) error { return &ZipError{Entry: f.Name, Reason: reason} }
	off, err := f.DataOffset()
	if err != nil {
		return nil, bad(strings.TrimPrefix(err.Error(), "zip: "))
	}
	if off > er.size || f.CompressedSize64 > uint64(er.size-off) {
		return nil, bad("the archive is truncated")
	}
	csize := int64(f.CompressedSize64)
	var body io.Reader
	switch f.Method {
	case zip.Store:
		body = io.NewSectionReader(er.r, off, csize)
	case zip.Deflate:
		var compressed io.Reader
		if csize <= rawInMemory {
			if int64(cap(er.raw)) < csize {
				er.raw = make([]byte, csize)
			}
			raw := er.raw[:csize]
			if _, err := er.r.ReadAt(raw, off); err != nil && !errors.Is(err, io.EOF) {
				return nil, bad(err.Error())
			}
			er.src.Reset(raw)
			compressed = &er.src
		} else {
			compressed = bufio.NewReader(io.NewSectionReader(er.r, off, csize))
		}
		if er.inflater == nil {
			er.inflater = flate.NewReader(compressed)
		} else if err := er.inflater.(flate.Resetter).Reset(compressed, nil); err != nil {
			return nil, bad(err.Error())
		}
		body = er.inflater
	default:
		return nil, bad(fmt.Sprintf("compressed with method %d, which cannot be read: zip the folder again with the usual (deflate) compression", f.Method))
	}
	// Sized from the header so that a session file is read in one allocation; capped, since a header can lie.
	buf := &er.out
	buf.Reset()
	if er.out.Cap() > 4<<20 {
		er.out = bytes.Buffer{} // one large entry is not kept for the rest of the import
	}
	buf.Grow(int(min(int64(min(f.UncompressedSize64, 1<<20)), limit)) + bytes.MinRead)
	// One byte past what the header declares is enough to know it lied: a bomb is not inflated further.
	er.limited = io.LimitedReader{R: body, N: min(limit, int64(min(f.UncompressedSize64, 1<<62))) + 1}
	n, err := buf.ReadFrom(&er.limited)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, bad("the archive is truncated")
	case err != nil:
		return nil, bad(strings.TrimPrefix(err.Error(), "flate: "))
	case uint64(n) < f.UncompressedSize64:
		return nil, bad("the archive is truncated")
	case n > limit:
		return nil, bad(fmt.Sprintf("expands to more than %s, over the limit per file", formatSize(limit)))
	case uint64(n) > f.UncompressedSize64, f.CRC32 != 0 && crc32.ChecksumIEEE(buf.Bytes()) != f.CRC32:
		return nil, bad("the data does not match the size or checksum its header declares")
	}
	return buf.Bytes(), nil
}

// ExportZip writes the folder under root to w as a zip whose top folder is MobileApps/, so that importing it
// again gives the same folder. Entries come in name order; links are left out.
func ExportZip(fsys afero.Fs, root string, w io.Writer) error {
	zw := zip.NewWriter(w)
	var paths []string
	err := afero.Walk(fsys, root, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // gone while walking
			}
			return err
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("cannot read the folder: %w", err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		info, err := lstat(fsys, p)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		name := "MobileApps"
		if rel != "." {
			name += "/" + filepath.ToSlash(rel)
		}
		if info.IsDir() {
			name += "/"
		} else if !info.Mode().IsRegular() {
			continue
		}
		hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: info.ModTime()}
		if info.IsDir() {
			hdr.Method = zip.Store
		}
		hdr.SetMode(info.Mode())
		out, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if info.IsDir() {
			continue
		}
		// A file larger than an import accepts would make a zip that cannot be opened again, at the cost of
		// reading it whole: refuse it, unread.
		data, err := readFile(fsys, p, DefaultZipLimits.MaxFileSize)
		var tl *tooLargeError
		if errors.As(err, &tl) {
			return &OpError{Kind: KindInput, Path: filepath.ToSlash(rel), Msg: "the file is " + tl.Error() + " of a zip entry: move it out of the folder"}
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", rel, err)
		}
		if _, err := out.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

func lstat(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		info, _, err := l.LstatIfPossible(name)
		return info, err
	}
	return fsys.Stat(name)
}
