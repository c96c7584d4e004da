package zipfs

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/klauspost/compress/flate"
)

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
func (er *entryReader) compressed(rec *record) (io.Reader, error) {
	bad := func(reason string) error { return &Error{Entry: rec.name, Reason: reason} }
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
func (er *entryReader) agree(rec *record, local, descriptor []byte) error {
	reason := rec.localMismatch(local)
	if reason == "" && rec.flags&flagDataDescriptor != 0 {
		reason = rec.descriptorMismatch(descriptor)
	}
	if reason != "" {
		return &Error{Entry: rec.name, Reason: reason}
	}
	return nil
}

// read reads one entry, trusting the bytes that come out rather than the size the header declares, and checks
// them against the header's size and CRC-32. What it returns is the caller's.
func (er *entryReader) read(rec *record, limit int64) ([]byte, error) {
	bad := func(reason string) error { return &Error{Entry: rec.name, Reason: reason} }
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
		return nil, bad(fmt.Sprintf("expands to more than %s, over the limit per file", FormatSize(limit)))
	case uint64(n) > rec.size, crc32.ChecksumIEEE(data) != rec.crc32:
		// A checksum of 0 is checked too: a writer that knows no checksum writes none, and the data of a
		// nonempty file has another.
		return nil, bad("the data does not match the size or checksum its header declares")
	}
	return data, nil
}
