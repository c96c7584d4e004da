package zipfs

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzZipDirectory holds readDirectory to archive/zip on any input: the same archives read, with the same
// entries, and the same ones refused. Then each entry is read as archive/zip opens and reads it: what archive/zip
// refuses (a local header not found, a method it cannot read, a size or checksum that the data or the data
// descriptor contradicts) is refused too, in memory and through ReadAt, and what is read is the same bytes.
// The engine is stricter in what localStricter says, and only there.
func FuzzZipDirectory(f *testing.F) {
	f.Add(makeZip(f, zipEntry{Name: "MobileApps/com.a/abcd", Data: "{}"}, zipEntry{Name: "MobileApps/com.a/"}))
	f.Add(longLocalHeaderZip(f, "com.a/abcd", []byte("{}"), 300))
	withComment := makeZip(f, zipEntry{Name: "a/b", Data: "x"})
	withComment = append(withComment[:len(withComment)-2], 5, 0, 'h', 'e', 'l', 'l', 'o')
	f.Add(withComment)
	f.Add(append([]byte("#!/bin/sh\nexit 0\n"), makeZip(f, zipEntry{Name: "a/b", Data: "self-extracting"})...))
	f.Add(makeZip(f, storedEntry("a/b", "stored"), storedEntry("a/c", "")))
	f.Add(patchLocal(f, makeZip(f, storedEntry("a/b", "stored")), func(h []byte) { h[localHeaderLen] = 'b' }))
	f.Add(zip64LocalZip(f, "a/b", []byte("zip64"), 5, 5))
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		records, err := readDirectory(bytes.NewReader(data), int64(len(data)), 1<<20)
		if (zerr == nil) != (err == nil) {
			t.Fatalf("archive/zip: %v; readDirectory: %v", zerr, err)
		}
		if err != nil {
			return
		}
		if len(records) != len(zr.File) {
			t.Fatalf("%d records, archive/zip reads %d", len(records), len(zr.File))
		}
		for i, zf := range zr.File {
			rec := records[i]
			same := rec.name == zf.Name && rec.crc32 == zf.CRC32 && rec.compressed == zf.CompressedSize64 &&
				rec.size == zf.UncompressedSize64 && rec.method == zf.Method && rec.flags == zf.Flags && rec.mode == zf.Mode()
			if !same {
				t.Fatalf("entry %d: %+v, archive/zip reads %+v (mode %v)", i, rec, zf.FileHeader, zf.Mode())
			}
			_, zoff := zf.Modified.Zone()
			_, off := rec.modified.Zone()
			if !rec.modified.Equal(zf.Modified) || zoff != off || (zf.Modified.Location() == time.UTC) != (rec.modified.Location() == time.UTC) {
				t.Fatalf("entry %d: modified %v, archive/zip reads %v", i, rec.modified, zf.Modified)
			}
			want, zerr := zf.DataOffset()
			head := make([]byte, localHeaderLen)
			_, err := bytes.NewReader(data).ReadAt(head, rec.headerOffset)
			start, ok := localDataOffset(head)
			if (zerr == nil) != (err == nil && ok) || zerr == nil && rec.headerOffset+start != want {
				t.Fatalf("entry %d: data at %d (%v, %v), archive/zip: %d (%v)", i, rec.headerOffset+start, err, ok, want, zerr)
			}
			if strings.HasSuffix(zf.Name, "/") {
				continue // a folder: never read
			}
			const limit = 1 << 20
			content, zerr := readEntry(zf, limit)
			if errors.Is(zerr, errPastLimit) {
				continue
			}
			for name, r := range map[string]io.ReaderAt{"in memory": memArchive(data), "through ReadAt": bytes.NewReader(data)} {
				got, err := (&entryReader{r: r, size: int64(len(data))}).read(&rec, limit)
				switch {
				case zerr != nil && err == nil:
					t.Fatalf("entry %d %s: read %q, archive/zip refuses it: %v", i, name, got, zerr)
				case err == nil && !bytes.Equal(got, content):
					t.Fatalf("entry %d %s: read %q, archive/zip reads %q", i, name, got, content)
				case err != nil && zerr == nil:
					faults := localStricter(data, rec, content)
					if !slices.ContainsFunc(faults, func(f string) bool { return strings.Contains(err.Error(), f) }) {
						t.Fatalf("entry %d %s: refused (%v), archive/zip reads it, and its faults are %q", i, name, err, faults)
					}
				}
			}
		}
	})
}

var errPastLimit = errors.New("past the limit")

// readEntry reads an entry as archive/zip opens and reads it, up to limit bytes.
func readEntry(zf *zip.File, limit int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err == nil && int64(len(data)) > limit {
		return nil, errPastLimit
	}
	return data, err
}

// localStricter is what the engine refuses in an entry that archive/zip reads (content): where its local header
// disagrees with the directory, where the checksum is 0 (archive/zip then checks none), where the directory's
// compressed size runs past the archive. It returns the words of each refusal that applies.
func localStricter(data []byte, rec record, content []byte) []string {
	le := binary.LittleEndian
	h := data[rec.headerOffset:]
	flags, method := le.Uint16(h[6:]), le.Uint16(h[8:])
	crc, csize, usize := le.Uint32(h[14:]), le.Uint32(h[18:]), le.Uint32(h[22:])
	nameLen, extraLen := int(le.Uint16(h[26:])), int(le.Uint16(h[28:]))
	var faults []string
	add := func(fault bool, words string) {
		if fault {
			faults = append(faults, words)
		}
	}
	add(string(h[localHeaderLen:localHeaderLen+nameLen]) != rec.name, "names another file")
	add(method != rec.method, "compression method")
	add(flags&1 != rec.flags&1, "encrypted")
	add(rec.headerOffset+int64(localHeaderLen+nameLen+extraLen)+int64(rec.compressed) > int64(len(data)), "truncated")
	add(flags&8 == 0 && (crc != rec.crc32 || csize != uint32(rec.compressed) && csize != ^uint32(0) || usize != uint32(rec.size) && usize != ^uint32(0)), "another size or checksum")
	// The zip64 field's values, which localMismatch reads (TestLocalHeaderZip64 holds it to them).
	add(flags&8 == 0 && (csize == ^uint32(0) || usize == ^uint32(0)), "another size or checksum")
	add(rec.crc32 == 0 && rec.flags&8 == 0 && crc32.ChecksumIEEE(content) != 0, "checksum")
	return faults
}

// A local header may give its sizes in a zip64 field (0xFFFFFFFF in the header): they are compared with the
// directory's like the others; a header that maxes a size out without a zip64 field carries none.
func TestLocalHeaderZip64(t *testing.T) {
	body := []byte(`{"a": "b"}`)
	n := uint64(len(body))
	for _, c := range []struct {
		name             string
		size, compressed uint64 // in the local zip64 field; 0: no field
		refused          bool
	}{
		{"the directory's sizes", n, n, false},
		{"another size", n + 1, n, true},
		{"another compressed size", n, n + 1, true},
		{"no zip64 field", 0, 0, false},
	} {
		data := zip64LocalZip(t, "MobileApps/com.a/abcd", body, c.size, c.compressed)
		for name, r := range map[string]io.ReaderAt{"in memory": memArchive(data), "through ReadAt": bytes.NewReader(data)} {
			fsys, root, err := View(r, int64(len(data)), DefaultLimits, "")
			if err != nil {
				t.Fatalf("%s, %s: %v", c.name, name, err)
			}
			f, err := fsys.Open(root + "/com.a/abcd")
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.(WholeFile).Contents() // as the engine reads a file that hands its bytes over
			if c.refused != (err != nil) || err == nil && string(got) != string(body) {
				t.Errorf("%s, %s: read %q, %v", c.name, name, got, err)
			}
			if c.refused && (err == nil || !strings.Contains(err.Error(), "local header gives another size")) {
				t.Errorf("%s, %s: %v, want the local header named", c.name, name, err)
			}
		}
	}
}

// zip64LocalZip is a zip of one stored entry whose local header gives its sizes as 0xFFFFFFFF and, unless both
// are 0, in a zip64 field (the uncompressed size, then the compressed one); its directory gives them plainly.
func zip64LocalZip(t testing.TB, name string, body []byte, size, compressed uint64) []byte {
	t.Helper()
	le := binary.LittleEndian
	var extra []byte
	if size != 0 || compressed != 0 {
		extra = le.AppendUint64(le.AppendUint64(le.AppendUint16(le.AppendUint16(nil, 0x0001), 16), size), compressed)
	}
	crc := crc32.ChecksumIEEE(body)
	var b []byte
	b = le.AppendUint32(b, localHeaderSignature)
	b = le.AppendUint16(b, 45)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint16(b, zip.Store)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, crc)
	b = le.AppendUint32(b, ^uint32(0))
	b = le.AppendUint32(b, ^uint32(0))
	b = le.AppendUint16(b, uint16(len(name)))
	b = le.AppendUint16(b, uint16(len(extra)))
	b = append(append(append(b, name...), extra...), body...)
	return appendDirectory(b, name, crc, len(body))
}

// appendDirectory ends a zip of one stored entry, whose local header is at 0 in b: its directory and end record.
func appendDirectory(b []byte, name string, crc uint32, size int) []byte {
	le := binary.LittleEndian
	directory := len(b)
	b = le.AppendUint32(b, directorySignature)
	b = le.AppendUint16(b, 3<<8|20) // made by Unix
	b = le.AppendUint16(b, 20)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint16(b, zip.Store)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, crc)
	b = le.AppendUint32(b, uint32(size))
	b = le.AppendUint32(b, uint32(size))
	b = le.AppendUint16(b, uint16(len(name)))
	b = le.AppendUint16(b, 0) // no extra fields here
	b = le.AppendUint16(b, 0) // no comment
	b = le.AppendUint32(b, 0) // disk, internal attributes
	b = le.AppendUint32(b, 0o100644<<16)
	b = le.AppendUint32(b, 0) // the local header's offset
	b = append(b, name...)
	dirSize := len(b) - directory
	b = le.AppendUint32(b, endSignature)
	b = le.AppendUint32(b, 0) // disks
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint32(b, uint32(dirSize))
	b = le.AppendUint32(b, uint32(directory))
	return le.AppendUint16(b, 0)
}

// The directory's count of entries is a bound: past it, entries are counted, not kept.
func TestZipDirectoryCountsPastTheLimit(t *testing.T) {
	var entries []zipEntry
	for i := range 10 {
		entries = append(entries, zipEntry{Name: "a/" + strings.Repeat("b", i+1), Data: "x"})
	}
	data := makeZip(t, entries...)
	_, err := readDirectory(bytes.NewReader(data), int64(len(data)), 3)
	if many, ok := err.(errTooManyEntries); !ok || many.n != 10 {
		t.Fatalf("got %v, want 10 entries counted", err)
	}
	// An end record that declares fewer entries than the directory holds: the directory is counted.
	end := bytes.LastIndex(data, []byte("PK\x05\x06"))
	lying := bytes.Clone(data)
	binary.LittleEndian.PutUint16(lying[end+8:], 2)
	binary.LittleEndian.PutUint16(lying[end+10:], 2)
	_, err = readDirectory(bytes.NewReader(lying), int64(len(lying)), 3)
	if many, ok := err.(errTooManyEntries); !ok || many.n != 10 {
		t.Fatalf("a lying count: got %v, want 10 entries counted", err)
	}
}

// A local header may carry more extra fields than the directory's: the entry's data is found after them, in
// a second read when the archive is read with ReadAt, by slicing when it is in memory.
func TestZipEntryWithLongerLocalHeader(t *testing.T) {
	const body = `{"a": "b"}`
	data := longLocalHeaderZip(t, "MobileApps/com.a/abcd", []byte(body), 2000)
	for name, r := range map[string]interface {
		ReadAt([]byte, int64) (int, error)
	}{"read": bytes.NewReader(data), "in memory": memArchive(data)} {
		fsys, root, err := View(r, int64(len(data)), DefaultLimits, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, err := fsys.Open(root + "/com.a/abcd")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := f.(WholeFile).Contents() // as the engine reads a file that hands its bytes over
		if err != nil || string(got) != body {
			t.Fatalf("%s: read %q, %v; want %q", name, got, err, body)
		}
	}
}

// longLocalHeaderZip is a zip of one stored entry whose local header has extra bytes of padding (an unknown
// extra field) that its directory header does not.
func longLocalHeaderZip(t testing.TB, name string, body []byte, padding int) []byte {
	t.Helper()
	le := binary.LittleEndian
	var b []byte
	extra := le.AppendUint16(le.AppendUint16(nil, 0xcafe), uint16(padding-4))
	extra = append(extra, make([]byte, padding-4)...)
	crc := crc32.ChecksumIEEE(body)
	b = le.AppendUint32(b, localHeaderSignature)
	b = le.AppendUint16(b, 20) // version needed
	b = le.AppendUint16(b, 0)  // flags
	b = le.AppendUint16(b, zip.Store)
	b = le.AppendUint32(b, 0) // time and date
	b = le.AppendUint32(b, crc)
	b = le.AppendUint32(b, uint32(len(body)))
	b = le.AppendUint32(b, uint32(len(body)))
	b = le.AppendUint16(b, uint16(len(name)))
	b = le.AppendUint16(b, uint16(len(extra)))
	b = append(append(append(b, name...), extra...), body...)
	return appendDirectory(b, name, crc, len(body))
}
