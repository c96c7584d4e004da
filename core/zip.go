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
	"strconv"
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

// compressed returns a reader of the entry's compressed bytes, after its local header, once the local header
// (and the data descriptor, when the directory says there is one) agree with the directory: the entry is read
// as an extractor will read it.
func (er *entryReader) compressed(rec *zipRecord) (io.Reader, error) {
	bad := func(reason string) error { return &ZipError{Entry: rec.name, Reason: reason} }
	off := rec.headerOffset
	if off < 0 || off > er.size-localHeaderLen || rec.compressed > uint64(er.size) {
		return nil, bad("the archive is truncated")
	}
	csize := int64(rec.compressed)
	corrupt := bad("its local header is not where the directory says: the archive is corrupt")
	descriptor := int64(0)
	if rec.flags&flagDataDescriptor != 0 {
		descriptor = dataDescriptorLen
	}
	if mem, ok := er.r.(memArchive); ok {
		start, ok := localDataOffset(mem[off:])
		if !ok {
			return nil, corrupt
		}
		if start+off > er.size-csize {
			return nil, bad("the archive is truncated")
		}
		if err := er.agree(rec, mem[off:off+start], mem[off+start+csize:min(off+start+csize+descriptor, er.size)]); err != nil {
			return nil, err
		}
		er.src.Reset(mem[off+start : off+start+csize])
		return &er.src, nil
	}
	// The local header's extra fields are almost always the directory's, so one read gets the header, the data
	// and the descriptor; a second read gets what a longer local header pushed past it.
	guess := localHeaderLen + int64(len(rec.name)) + int64(rec.extraLen)
	span := guess
	if csize <= rawInMemory {
		span += csize + descriptor
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
	// What must be in memory: the whole local header, and unless the entry is streamed, its data and descriptor.
	whole := start
	if csize <= rawInMemory {
		whole = min(start+csize+descriptor, er.size-off)
	}
	if whole > int64(len(head)) {
		if int64(cap(er.raw)) < whole {
			grown := make([]byte, whole)
			copy(grown, head)
			er.raw = grown
		}
		at := int64(len(head))
		head = er.raw[:whole]
		if n, err := er.r.ReadAt(head[at:], off+at); n < len(head[at:]) {
			return nil, bad(fmt.Sprintf("cannot be read: %v", err))
		}
	}
	if csize > rawInMemory {
		var desc []byte
		if descriptor > 0 {
			desc = make([]byte, min(descriptor, er.size-(off+start+csize)))
			if n, err := er.r.ReadAt(desc, off+start+csize); n < len(desc) {
				return nil, bad(fmt.Sprintf("cannot be read: %v", err))
			}
		}
		if err := er.agree(rec, head[:start], desc); err != nil {
			return nil, err
		}
		return bufio.NewReader(io.NewSectionReader(er.r, off+start, csize)), nil
	}
	if err := er.agree(rec, head[:start], head[start+csize:]); err != nil {
		return nil, err
	}
	er.src.Reset(head[start : start+csize])
	return &er.src, nil
}

// agree refuses an entry whose local header (whole) or data descriptor (the bytes after its data, when the
// directory says it has one) disagrees with the directory.
func (er *entryReader) agree(rec *zipRecord, local, descriptor []byte) error {
	reason := rec.localMismatch(local)
	if reason == "" && rec.flags&flagDataDescriptor != 0 {
		reason = rec.descriptorMismatch(descriptor)
	}
	if reason != "" {
		return &ZipError{Entry: rec.name, Reason: reason}
	}
	return nil
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
		// A session file: read into a buffer of its own, sized from the header, which the caller keeps. The
		// reader's own error is kept: a stream cut short is refused even when it gave the declared size.
		data = make([]byte, want)
		n := 0
		for n < len(data) && err == nil {
			var m int
			m, err = body.Read(data[n:])
			n += m
		}
		data = data[:n]
		if err == io.EOF {
			err = nil
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
	case uint64(n) > rec.size, crc32.ChecksumIEEE(data) != rec.crc32:
		// A checksum of 0 is checked too: a writer that knows no checksum writes none, and the data of a
		// nonempty file has another.
		return nil, bad("the data does not match the size or checksum its header declares")
	}
	return data, nil
}

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
		if _, err := entryName(e.name); err != nil {
			var ze *ZipError
			errors.As(err, &ze)
			return refused(ze.Reason + " (rename it)")
		}
		if info.IsDir() {
			e.name += "/"
		} else {
			if info.Size() > limits.MaxFileSize {
				tl := &tooLargeError{size: info.Size(), limit: limits.MaxFileSize}
				return &OpError{Kind: KindInput, Path: filepath.ToSlash(rel), Msg: "the file is " + tl.Error() + " of a zip entry: move it out of the folder"}
			}
			if total += info.Size(); total > limits.MaxTotalSize {
				return refused(fmt.Sprintf("the folder holds more than %s in all, over the limit of a zip", formatSize(limits.MaxTotalSize)))
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
		var tl *tooLargeError
		if errors.As(err, &tl) {
			return &OpError{Kind: KindInput, Path: rel, Msg: "the file is " + tl.Error() + " of a zip entry: move it out of the folder"}
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", rel, err)
		}
		if total += int64(len(data)); total > limits.MaxTotalSize {
			return &OpError{Kind: KindInput, Path: rel, Msg: fmt.Sprintf("the folder grew past %s in all while it was read, over the limit of a zip", formatSize(limits.MaxTotalSize))}
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
		return &OpError{Kind: KindInput, Msg: fmt.Sprintf("the zip is %s, over the %s limit of a zip: it could not be opened again", formatSize(out.n), formatSize(limits.MaxTotalSize))}
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

func lstat(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		info, _, err := l.LstatIfPossible(name)
		return info, err
	}
	return fsys.Stat(name)
}
