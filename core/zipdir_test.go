package core

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"
)

// FuzzZipDirectory holds readZipDirectory to archive/zip on any input: the same archives read, with the same
// entries, and the same ones refused.
func FuzzZipDirectory(f *testing.F) {
	f.Add(makeZip(f, zipEntry{Name: "MobileApps/com.a/abcd", Data: "{}"}, zipEntry{Name: "MobileApps/com.a/"}))
	f.Add(longLocalHeaderZip(f, "com.a/abcd", []byte("{}"), 300))
	withComment := makeZip(f, zipEntry{Name: "a/b", Data: "x"})
	withComment = append(withComment[:len(withComment)-2], 5, 0, 'h', 'e', 'l', 'l', 'o')
	f.Add(withComment)
	f.Add(append([]byte("#!/bin/sh\nexit 0\n"), makeZip(f, zipEntry{Name: "a/b", Data: "self-extracting"})...))
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		records, err := readZipDirectory(bytes.NewReader(data), int64(len(data)), 1<<20)
		if (zerr == nil) != (err == nil) {
			t.Fatalf("archive/zip: %v; readZipDirectory: %v", zerr, err)
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
		}
	})
}

// The directory's count of entries is a bound: past it, entries are counted, not kept.
func TestZipDirectoryCountsPastTheLimit(t *testing.T) {
	var entries []zipEntry
	for i := range 10 {
		entries = append(entries, zipEntry{Name: "a/" + strings.Repeat("b", i+1), Data: "x"})
	}
	data := makeZip(t, entries...)
	_, err := readZipDirectory(bytes.NewReader(data), int64(len(data)), 3)
	if many, ok := err.(errTooManyEntries); !ok || many.n != 10 {
		t.Fatalf("got %v, want 10 entries counted", err)
	}
	// An end record that declares fewer entries than the directory holds: the directory is counted.
	end := bytes.LastIndex(data, []byte("PK\x05\x06"))
	lying := bytes.Clone(data)
	binary.LittleEndian.PutUint16(lying[end+8:], 2)
	binary.LittleEndian.PutUint16(lying[end+10:], 2)
	_, err = readZipDirectory(bytes.NewReader(lying), int64(len(lying)), 3)
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
		fsys, root, err := ZipView(r, int64(len(data)), DefaultZipLimits)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, err := fsys.Open(root + "/com.a/abcd")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := readOpened(f, "abcd", 1<<20)
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
	directory := len(b)
	b = le.AppendUint32(b, directorySignature)
	b = le.AppendUint16(b, 3<<8|20) // made by Unix
	b = le.AppendUint16(b, 20)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint16(b, zip.Store)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, crc)
	b = le.AppendUint32(b, uint32(len(body)))
	b = le.AppendUint32(b, uint32(len(body)))
	b = le.AppendUint16(b, uint16(len(name)))
	b = le.AppendUint16(b, 0) // no extra fields here
	b = le.AppendUint16(b, 0) // no comment
	b = le.AppendUint32(b, 0) // disk, internal attributes
	b = le.AppendUint32(b, 0o100644<<16)
	b = le.AppendUint32(b, 0) // the local header's offset
	b = append(b, name...)
	size := len(b) - directory
	b = le.AppendUint32(b, endSignature)
	b = le.AppendUint32(b, 0) // disks
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint32(b, uint32(size))
	b = le.AppendUint32(b, uint32(directory))
	return le.AppendUint16(b, 0)
}
