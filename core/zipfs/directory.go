package zipfs

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
)

// record is what the engine keeps of one entry of a zip's central directory. The directory is read here
// rather than by archive/zip for two reasons, both measured on 100k sessions: archive/zip keeps a *zip.File
// of about 300 bytes per entry and hides where each entry's local header is, so reading an entry took two
// reads (the header, then the data). A record is a few dozen bytes and knows its header's offset, so an entry
// is read in one.
type record struct {
	name         string // as the archive spells it, for errors
	modified     time.Time
	headerOffset int64
	compressed   uint64
	size         uint64 // uncompressed, as declared
	crc32        uint32
	mode         fs.FileMode
	method       uint16
	flags        uint16
	extraLen     uint16 // of the directory's header: the local header's is almost always the same
}

func (r *record) isDir() bool { return r.mode.IsDir() }

// errNotZip is an archive whose directory cannot be found or read as the zip format defines it.
var errNotZip = errors.New("it is not a zip, or it is cut short")

// errTooManyEntries is a directory with more entries than the limit; n counts them.
type errTooManyEntries struct{ n uint64 }

func (e errTooManyEntries) Error() string { return fmt.Sprintf("%d entries", e.n) }

const (
	endRecordLen         = 22 // the end of central directory record, without its comment
	end64LocatorLen      = 20
	end64RecordLen       = 56
	directoryHeaderLen   = 46
	localHeaderLen       = 30
	endSignature         = 0x06054b50
	end64LocatorSig      = 0x07064b50
	end64Signature       = 0x06064b50
	directorySignature   = 0x02014b50
	localHeaderSignature = 0x04034b50
)

// readDirectory reads the central directory of the zip in r, as archive/zip's NewReader does (the same
// archives are accepted, with the same names, sizes, offsets, modes and times: FuzzZipDirectory holds it to
// that), but stops keeping records past maxEntries: it only counts the rest, so that a directory of millions
// of empty entries costs no memory before it is refused.
func readDirectory(r io.ReaderAt, size int64, maxEntries int) ([]record, error) {
	end, err := readDirectoryEnd(r, size)
	if err != nil {
		return nil, err
	}
	if end.records > uint64(maxEntries) {
		return nil, errTooManyEntries{end.records}
	}
	buf := bufio.NewReaderSize(io.NewSectionReader(r, end.base+int64(end.offset), size-(end.base+int64(end.offset))), 64<<10)
	records := make([]record, 0, min(end.records, uint64(size/directoryHeaderLen)))
	var names strings.Builder // every name in one allocation: each record's is a slice of it
	// Sized for the usual names; an end record that claims a huge directory does not get it allocated up front.
	names.Grow(int(min(end.size, uint64(size), uint64(maxEntries)*128)))
	nameEnds := make([]int, 0, cap(records))
	var head [directoryHeaderLen]byte
	var rest []byte
	counted := uint64(0)
	for {
		// As archive/zip: a header cut short, or one that is not a directory header, ends the directory; an
		// archive that ends exactly where a header should start is refused.
		if _, err := io.ReadFull(buf, head[:]); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			return nil, notZip(err)
		}
		if binary.LittleEndian.Uint32(head[:]) != directorySignature {
			break
		}
		counted++
		variable := directoryVariableLen(head[:])
		if len(records) == maxEntries {
			if _, err := buf.Discard(variable); err != nil {
				break
			}
			continue // counted for the error, not kept
		}
		if cap(rest) < variable {
			rest = make([]byte, variable)
		}
		rest = rest[:variable]
		if _, err := io.ReadFull(buf, rest); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				counted--
				break
			}
			return nil, notZip(err)
		}
		rec, name, ok := parseDirectoryHeader(head[:], rest)
		if !ok {
			counted--
			break
		}
		rec.headerOffset += end.base
		names.Write(name)
		nameEnds = append(nameEnds, names.Len())
		records = append(records, rec)
	}
	if counted > uint64(maxEntries) {
		return nil, errTooManyEntries{counted}
	}
	// The declared count is kept in 16 bits by some writers: only those are compared, as archive/zip does.
	if uint16(counted) != uint16(end.records) {
		return nil, errNotZip
	}
	all := names.String()
	start := 0
	for i := range records {
		records[i].name = all[start:nameEnds[i]]
		start = nameEnds[i]
	}
	return records, nil
}

// notZip is errNotZip for an archive that ends where the format wants more; other read errors as they are.
func notZip(err error) error {
	if errors.Is(err, io.EOF) {
		return errNotZip
	}
	return err
}

// directoryVariableLen is the length of what follows a directory header: the name, the extra fields, the
// comment.
func directoryVariableLen(head []byte) int {
	b := readLE(head[28:])
	return int(b.uint16()) + int(b.uint16()) + int(b.uint16())
}

// parseDirectoryHeader reads a directory header (head, with its signature) and what follows it (rest). It is
// false for a header that needs zip64 values it lacks.
func parseDirectoryHeader(head, rest []byte) (record, []byte, bool) {
	h := readLE(head[4:])
	creator := h.uint16()
	h.uint16() // version needed
	rec := record{flags: h.uint16(), method: h.uint16()}
	dosTime, dosDate := h.uint16(), h.uint16()
	rec.crc32 = h.uint32()
	compressed32, size32 := h.uint32(), h.uint32()
	nameLen, extraLen := int(h.uint16()), int(h.uint16())
	h.skip(2 + 4) // the comment's length, the disk the entry starts on, its internal attributes
	external := h.uint32()
	offset32 := h.uint32()
	rec.compressed, rec.size, rec.headerOffset, rec.extraLen = uint64(compressed32), uint64(size32), int64(offset32), uint16(extraLen)
	name := rest[:nameLen]
	rec.mode = entryMode(creator, external, name)
	modified, ok := rec.readExtra(readLE(rest[nameLen:nameLen+extraLen]), size32 == ^uint32(0), compressed32 == ^uint32(0), offset32 == ^uint32(0))
	rec.modified = dosTimeOf(dosDate, dosTime, modified)
	return rec, name, ok
}

// readExtra reads, from the extra fields of a directory header, the 64-bit values that replace the maxed-out
// 32-bit ones and the most precise modification time given. It is false when a 64-bit value that is needed
// is missing.
func (rec *record) readExtra(extra readLE, needSize, needCompressed, needOffset bool) (time.Time, bool) {
	var modified time.Time
	for len(extra) >= 4 {
		tag, n := extra.uint16(), int(extra.uint16())
		if len(extra) < n {
			break
		}
		field := extra.sub(n)
		switch tag {
		case 0x0001: // zip64
			for _, need := range []struct {
				needed bool
				value  *uint64
			}{{needSize, &rec.size}, {needCompressed, &rec.compressed}} {
				if need.needed {
					if len(field) < 8 {
						return modified, false
					}
					*need.value = field.uint64()
				}
			}
			needSize, needCompressed = false, false
			if needOffset {
				if len(field) < 8 {
					return modified, false
				}
				rec.headerOffset = int64(field.uint64())
				needOffset = false
			}
		case 0x000a: // NTFS: times in 100 ns since 1601
			if len(field) < 4 {
				continue
			}
			field.skip(4)
			for len(field) >= 4 {
				attr, size := field.uint16(), int(field.uint16())
				if len(field) < size {
					break
				}
				value := field.sub(size)
				if attr != 1 || size != 24 {
					continue
				}
				ticks := int64(value.uint64())
				const perSecond = 1e7
				epoch := time.Date(1601, time.January, 1, 0, 0, 0, 0, time.UTC)
				modified = time.Unix(epoch.Unix()+ticks/perSecond, (1e9/perSecond)*(ticks%perSecond))
			}
		case 0x000d, 0x5855: // Unix, Info-ZIP Unix: access time, then modification time
			if len(field) < 8 {
				continue
			}
			field.skip(4)
			modified = time.Unix(int64(field.uint32()), 0)
		case 0x5455: // extended timestamp
			if len(field) < 5 || field.uint8()&1 == 0 {
				continue
			}
			modified = time.Unix(int64(field.uint32()), 0)
		}
	}
	return modified, !needCompressed && !needOffset
}

// dosTimeOf is the entry's time: the extended one where there is one, in the zone that the difference with
// the MS-DOS one suggests (as archive/zip gives it), else the MS-DOS one, taken as UTC.
func dosTimeOf(date, clock uint16, extended time.Time) time.Time {
	dos := time.Date(int(date>>9+1980), time.Month(date>>5&0xf), int(date&0x1f),
		int(clock>>11), int(clock>>5&0x3f), int(clock&0x1f*2), 0, time.UTC)
	if extended.IsZero() {
		return dos
	}
	if date == 0 && clock == 0 {
		return extended.UTC()
	}
	offset := dos.Sub(extended.UTC()).Round(15 * time.Minute)
	if offset < -12*time.Hour || offset > 14*time.Hour {
		offset = 0
	}
	return extended.In(time.FixedZone("", int(offset/time.Second)))
}

// entryMode is the file mode that the creator's system wrote in the external attributes, as archive/zip reads
// it: Unix modes from Unix and macOS, the directory and read-only bits from MS-DOS and Windows; a name that ends
// with '/' is a folder whatever they say.
func entryMode(creator uint16, external uint32, name []byte) fs.FileMode {
	var mode fs.FileMode
	switch creator >> 8 {
	case 3, 19: // Unix, macOS
		m := external >> 16
		mode = fs.FileMode(m & 0o777)
		switch m & 0xf000 {
		case 0x6000:
			mode |= fs.ModeDevice
		case 0x2000:
			mode |= fs.ModeDevice | fs.ModeCharDevice
		case 0x4000:
			mode |= fs.ModeDir
		case 0x1000:
			mode |= fs.ModeNamedPipe
		case 0xa000:
			mode |= fs.ModeSymlink
		case 0xc000:
			mode |= fs.ModeSocket
		}
		if m&0x400 != 0 {
			mode |= fs.ModeSetgid
		}
		if m&0x800 != 0 {
			mode |= fs.ModeSetuid
		}
		if m&0x200 != 0 {
			mode |= fs.ModeSticky
		}
	case 0, 11, 14: // MS-DOS, NTFS, VFAT
		mode = 0o666
		if external&0x10 != 0 {
			mode = fs.ModeDir | 0o777
		}
		if external&0x01 != 0 {
			mode &^= 0o222
		}
	}
	if len(name) > 0 && name[len(name)-1] == '/' {
		mode |= fs.ModeDir
	}
	return mode
}

// directoryEnd is where the central directory is and how many records it declares.
type directoryEnd struct {
	records uint64
	size    uint64
	offset  uint64
	base    int64 // where the archive starts in the file: past a self-extractor's code, for one
}

func readDirectoryEnd(r io.ReaderAt, size int64) (*directoryEnd, error) {
	// The end record is in the last 1 KiB unless a long comment follows it; it cannot be before the last 65 KiB.
	var block []byte
	var endAt int64 = -1
	for _, n := range []int64{1 << 10, 65 << 10} {
		n = min(n, size)
		block = make([]byte, n)
		if _, err := r.ReadAt(block, size-n); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if p := findEndRecord(block); p >= 0 {
			block, endAt = block[p:], size-n+int64(p)
			break
		}
		if n == size {
			break
		}
	}
	if endAt < 0 {
		return nil, errNotZip
	}
	b := readLE(block[4:])
	b.skip(4) // disk numbers
	b.uint16()
	end := &directoryEnd{records: uint64(b.uint16()), size: uint64(b.uint32()), offset: uint64(b.uint32())}
	if end.records == 0xffff || end.size == 0xffff || end.offset == 0xffffffff {
		at, err := findEnd64(r, endAt)
		if err != nil {
			return nil, err
		}
		if at >= 0 {
			endAt = at
			var rec [end64RecordLen]byte
			if _, err := r.ReadAt(rec[:], at); err != nil {
				return nil, err
			}
			b := readLE(rec[:])
			if b.uint32() != end64Signature {
				return nil, errNotZip
			}
			b.skip(12 + 8 + 8) // its size, versions, disk numbers, records on this disk
			end.records, end.size, end.offset = b.uint64(), b.uint64(), b.uint64()
		}
	}
	if end.size > 1<<63-1 || end.offset > 1<<63-1 {
		return nil, errNotZip
	}
	end.base = endAt - int64(end.size) - int64(end.offset)
	if at := end.base + int64(end.offset); at < 0 || at >= size {
		return nil, errNotZip
	}
	// Some writers put a wrong base in the end record: where a directory record is found at the offset it
	// gives without one, there is none.
	if end.base > 0 {
		if validDirectoryHeader(r, int64(end.offset)) {
			end.base = 0
		}
	}
	return end, nil
}

// validDirectoryHeader is whether a whole directory record can be read and parsed at off.
func validDirectoryHeader(r io.ReaderAt, off int64) bool {
	var head [directoryHeaderLen]byte
	if _, err := r.ReadAt(head[:], off); err != nil || binary.LittleEndian.Uint32(head[:]) != directorySignature {
		return false
	}
	rest := make([]byte, directoryVariableLen(head[:]))
	if _, err := r.ReadAt(rest, off+directoryHeaderLen); err != nil && !(errors.Is(err, io.EOF) && len(rest) == 0) {
		return false
	}
	_, _, ok := parseDirectoryHeader(head[:], rest)
	return ok
}

func findEndRecord(b []byte) int {
	for i := len(b) - endRecordLen; i >= 0; i-- {
		if b[i] == 'P' && b[i+1] == 'K' && b[i+2] == 0x05 && b[i+3] == 0x06 {
			comment := int(b[i+endRecordLen-2]) | int(b[i+endRecordLen-1])<<8
			if i+endRecordLen+comment > len(b) {
				return -1 // a comment cut short: not an archive that can be trusted
			}
			return i
		}
	}
	return -1
}

// findEnd64 returns the offset of the zip64 end record that the locator just before endAt points to, or -1
// when there is no valid locator.
func findEnd64(r io.ReaderAt, endAt int64) (int64, error) {
	at := endAt - end64LocatorLen
	if at < 0 {
		return -1, nil
	}
	var loc [end64LocatorLen]byte
	if _, err := r.ReadAt(loc[:], at); err != nil {
		return -1, err
	}
	b := readLE(loc[:])
	if b.uint32() != end64LocatorSig || b.uint32() != 0 {
		return -1, nil
	}
	p := b.uint64()
	if b.uint32() != 1 {
		return -1, nil
	}
	return int64(p), nil
}

// localDataOffset is where the entry's data starts, from its local header in head (which holds at least
// localHeaderLen bytes read at the record's header offset).
func localDataOffset(head []byte) (int64, bool) {
	b := readLE(head)
	if b.uint32() != localHeaderSignature {
		return 0, false
	}
	b.skip(22)
	return localHeaderLen + int64(b.uint16()) + int64(b.uint16()), true
}

const (
	flagEncrypted           = 0x1
	flagDataDescriptor      = 0x8 // the checksum and sizes follow the data, not in the local header
	dataDescriptorSignature = 0x08074b50
	dataDescriptorLen       = 16 // with its signature; 12 without
)

// localMismatch says how the entry's local header (head: the whole of it, from its signature to the end of its
// extra fields) disagrees with the directory's record, or "" when it does not. An extractor reads the local
// header: where the two differ, what is checked here is not what would be extracted. Name, method and the
// encryption flag are compared, and the checksum and sizes where the header carries them (not when they
// follow the data; a size of 0xFFFFFFFF is read from the header's zip64 field, when it has one).
func (rec *record) localMismatch(head []byte) string {
	b := readLE(head[6:])
	flags, method := b.uint16(), b.uint16()
	b.skip(4) // time and date: not what is extracted
	crc, compressed32, size32 := b.uint32(), b.uint32(), b.uint32()
	nameLen, extraLen := int(b.uint16()), int(b.uint16())
	if name := head[localHeaderLen : localHeaderLen+nameLen]; string(name) != rec.name {
		return fmt.Sprintf("its local header names another file, %q: the archive is corrupt", name)
	}
	switch {
	case method != rec.method:
		return fmt.Sprintf("its local header gives compression method %d and the directory %d: the archive is corrupt", method, rec.method)
	case flags&flagEncrypted != rec.flags&flagEncrypted:
		return "its local header says that it is encrypted and the directory that it is not: the archive is corrupt"
	case flags&flagDataDescriptor != 0:
		return ""
	}
	compressed, size := uint64(compressed32), uint64(size32)
	if compressed32 == ^uint32(0) || size32 == ^uint32(0) {
		// The zip64 field holds the values that are maxed out, the uncompressed size first. A value it lacks
		// is not carried by the header, and not compared.
		var zip64 readLE
		for extra := readLE(head[localHeaderLen+nameLen : localHeaderLen+nameLen+extraLen]); len(extra) >= 4; {
			tag, n := extra.uint16(), int(extra.uint16())
			if len(extra) < n {
				break
			}
			if field := extra.sub(n); tag == 0x0001 {
				zip64 = field
				break
			}
		}
		if size32 == ^uint32(0) {
			size = rec.size
			if len(zip64) >= 8 {
				size = zip64.uint64()
			}
		}
		if compressed32 == ^uint32(0) {
			compressed = rec.compressed
			if len(zip64) >= 8 {
				compressed = zip64.uint64()
			}
		}
	}
	if crc != rec.crc32 || compressed != rec.compressed || size != rec.size {
		return "its local header gives another size or checksum than the directory: the archive is corrupt"
	}
	return ""
}

// descriptorMismatch reads the data descriptor d that follows the entry's data (at most dataDescriptorLen
// bytes, fewer at the end of the archive) as archive/zip does when it opens an entry: its checksum must be the
// directory's. The sizes that follow are not read: writers disagree on their width.
func (rec *record) descriptorMismatch(d []byte) string {
	if len(d) >= 4 && binary.LittleEndian.Uint32(d) == dataDescriptorSignature {
		d = d[4:]
		if len(d) < 12 {
			return "the archive is truncated"
		}
	}
	if len(d) < 12 {
		return "the archive is truncated"
	}
	if binary.LittleEndian.Uint32(d) != rec.crc32 {
		return "its data descriptor gives another checksum than the directory: the archive is corrupt"
	}
	return ""
}

// readLE reads little-endian values off the front of a slice that the caller has sized.
type readLE []byte

func (b *readLE) uint8() uint8 {
	v := (*b)[0]
	*b = (*b)[1:]
	return v
}

func (b *readLE) uint16() uint16 {
	v := binary.LittleEndian.Uint16(*b)
	*b = (*b)[2:]
	return v
}

func (b *readLE) uint32() uint32 {
	v := binary.LittleEndian.Uint32(*b)
	*b = (*b)[4:]
	return v
}

func (b *readLE) uint64() uint64 {
	v := binary.LittleEndian.Uint64(*b)
	*b = (*b)[8:]
	return v
}

func (b *readLE) skip(n int) { *b = (*b)[n:] }

func (b *readLE) sub(n int) readLE {
	s := (*b)[:n]
	*b = (*b)[n:]
	return s
}
