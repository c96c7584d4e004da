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
	clean := true
	for rest := name; ; {
		seg, after, more := strings.Cut(rest, "/")
		switch seg {
		case "..":
			return "", bad("names with '..' would escape the folder")
		case "", ".":
			clean = false
		}
		if !more {
			break
		}
		rest = after
	}
	if clean {
		return name, nil // as almost every name is: path.Clean would only scan it again
	}
	if name = path.Clean(name); name == "." {
		return "", bad("empty name")
	}
	return name, nil
}

// entryReader reads entries one after another with one decompressor. A session file is a few hundred bytes,
// so the cost of a zip of them is in starting each entry, not in inflating: its local header and compressed
// bytes are read in one call into a reused buffer (or sliced, when the archive is in memory) and inflated from
// memory (klauspost's inflater has a fast path for a bytes.Reader that the standard library's lacks).
type entryReader struct {
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

// memArchive is an archive held in memory, whose entries are sliced rather than copied.
type memArchive []byte

func (m memArchive) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(m)) {
		return 0, io.EOF
	}
	n := copy(p, m[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// compressed returns a reader of the entry's compressed bytes, after its local header.
func (er *entryReader) compressed(rec *zipRecord) (io.Reader, error) {
	bad := func(reason string) error { return &ZipError{Entry: rec.name, Reason: reason} }
	off := rec.headerOffset
	if off < 0 || off > er.size-localHeaderLen || rec.compressed > uint64(er.size) {
		return nil, bad("the archive is truncated")
	}
	csize := int64(rec.compressed)
	corrupt := bad("its local header is not where the directory says: the archive is corrupt")
	if mem, ok := er.r.(memArchive); ok {
		start, ok := localDataOffset(mem[off:])
		if !ok {
			return nil, corrupt
		}
		if start += off; start > er.size-csize {
			return nil, bad("the archive is truncated")
		}
		er.src.Reset(mem[start : start+csize])
		return &er.src, nil
	}
	// The local header's extra fields are almost always the directory's, so one read gets the header and the
	// data; a second read gets what a longer local header pushed past it.
	guess := localHeaderLen + int64(len(rec.name)) + int64(rec.extraLen)
	span := guess
	if csize <= rawInMemory {
		span += csize
	}
	span = min(span, er.size-off)
	if int64(cap(er.raw)) < span {
		er.raw = make([]byte, span)
	}
	head := er.raw[:span]
	if n, err := er.r.ReadAt(head, off); n < len(head) {
		return nil, bad(fmt.Sprintf("cannot be read: %v", err))
	}
	start, ok := localDataOffset(head)
	if !ok {
		return nil, corrupt
	}
	if off+start > er.size-csize {
		return nil, bad("the archive is truncated")
	}
	if csize > rawInMemory {
		return bufio.NewReader(io.NewSectionReader(er.r, off+start, csize)), nil
	}
	if start+csize > int64(len(head)) {
		whole := start + csize
		if int64(cap(er.raw)) < whole {
			grown := make([]byte, whole)
			copy(grown, head)
			er.raw = grown
		}
		head = er.raw[:whole]
		at := span
		if n, err := er.r.ReadAt(head[at:], off+at); n < len(head[at:]) {
			return nil, bad(fmt.Sprintf("cannot be read: %v", err))
		}
	}
	er.src.Reset(head[start : start+csize])
	return &er.src, nil
}

// read reads one entry, trusting the bytes that come out rather than the size the header declares, and checks
// them against the header's size and CRC-32. What it returns is the caller's.
func (er *entryReader) read(rec *zipRecord, limit int64) ([]byte, error) {
	bad := func(reason string) error { return &ZipError{Entry: rec.name, Reason: reason} }
	var body io.Reader
	switch rec.method {
	case zip.Store, zip.Deflate:
		compressed, err := er.compressed(rec)
		if err != nil {
			return nil, err
		}
		body = compressed
		if rec.method == zip.Deflate {
			if er.inflater == nil {
				er.inflater = flate.NewReader(compressed)
			} else if err := er.inflater.(flate.Resetter).Reset(compressed, nil); err != nil {
				return nil, bad(err.Error())
			}
			body = er.inflater
		}
	default:
		return nil, bad(fmt.Sprintf("compressed with method %d, which cannot be read: zip the folder again with the usual (deflate) compression", rec.method))
	}
	// One byte past what the header declares is enough to know it lied: a bomb is not inflated further.
	want := min(limit, int64(min(rec.size, 1<<62))) + 1
	var data []byte
	var err error
	if want <= 1<<20 {
		// A session file: read into a buffer of its own, sized from the header, which the caller keeps.
		data = make([]byte, want)
		var n int
		n, err = io.ReadFull(body, data)
		data = data[:n]
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			err = nil // shorter than declared: judged below
		}
	} else {
		// A header that declares a large entry may lie: the buffer grows with what comes out instead.
		var buf bytes.Buffer
		buf.Grow(1<<20 + bytes.MinRead)
		er.limited = io.LimitedReader{R: body, N: want}
		_, err = buf.ReadFrom(&er.limited)
		data = buf.Bytes()
	}
	n := int64(len(data))
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, bad("the archive is truncated")
	case err != nil:
		return nil, bad(strings.TrimPrefix(err.Error(), "flate: "))
	case uint64(n) < rec.size:
		return nil, bad("the archive is truncated")
	case n > limit:
		return nil, bad(fmt.Sprintf("expands to more than %s, over the limit per file", formatSize(limit)))
	case uint64(n) > rec.size, rec.crc32 != 0 && crc32.ChecksumIEEE(data) != rec.crc32:
		return nil, bad("the data does not match the size or checksum its header declares")
	}
	return data, nil
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
