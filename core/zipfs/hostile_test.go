package zipfs_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/zipfs"
)

// A zip inside the zip is a file like any other: imported byte for byte, never expanded, skipped by the folder
// rules (it has an extension), even when it is a bomb itself.
func TestImportZipNestedZipIsNotExpanded(t *testing.T) {
	zeros := make([]byte, 8<<20)
	innerBomb := makeZip(t, rawEntry("MobileApps/com.a/abcd", deflate(t, zeros), crc32.ChecksumIEEE(zeros), uint64(len(zeros))))
	inner := string(innerBomb)
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	s := session("", "com.a", id, "accepted")
	outer := makeZip(t,
		zipEntry{Name: "MobileApps/com.a/" + id, Data: s},
		zipEntry{Name: "MobileApps/com.a/backup.zip", Data: inner},
		zipEntry{Name: "MobileApps/sessions.zip", Data: inner},
	)
	limits := zipfs.Limits{MaxEntries: 10, MaxFileSize: 1 << 20, MaxTotalSize: 2 << 20} // the inner bomb would pass them all
	fsys, err := importZip(t, outer, limits)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"com.a/": "", "com.a/" + id: s, "com.a/backup.zip": inner, "sessions.zip": inner}
	if got := tree(t, fsys, root); !reflect.DeepEqual(got, want) {
		t.Errorf("imported %d files, want the inner zips as they are: %q", len(got), sortedKeys(got))
	}
	rep, err := (&core.Checker{}).Check(context.Background(), fsys, root, core.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, sk := range rep.Skipped {
		skipped = append(skipped, sk.Path+" "+string(sk.Kind))
	}
	if want := []string{"com.a/backup.zip extension", "sessions.zip root-file"}; !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped %q, want %q", skipped, want)
	}
	if len(rep.Sessions) != 1 || len(rep.Errors) != 0 {
		t.Errorf("sessions %d, errors %v", len(rep.Sessions), rep.Errors)
	}
}

// moreHostileZips are refused like those of hostileZips: a zip64 header that declares more than 4 GiB, and
// files that are not zips at all. They seed FuzzImportZip too.
func moreHostileZips(t *testing.T) []struct {
	name   string
	data   []byte
	limits zipfs.Limits
	entry  string
	reason string
} {
	small := []byte("{}")
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	if err := tw.WriteHeader(&tar.Header{Name: "MobileApps/com.a/abcd", Mode: 0o644, Size: 2, ModTime: fixedTime}); err != nil {
		t.Fatal(err)
	}
	tw.Write(small)
	tw.Close()
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	return []struct {
		name   string
		data   []byte
		limits zipfs.Limits
		entry  string
		reason string
	}{
		{"zip64: an entry that declares 5 GiB",
			makeZip(t, rawEntry("MobileApps/com.a/abcd", deflate(t, small), crc32.ChecksumIEEE(small), 5<<30)),
			zipfs.DefaultLimits, "MobileApps/com.a/abcd", "expands to 5.0 GiB, over the 64.0 MiB limit per file"},
		{"a PNG", png, zipfs.DefaultLimits, "", "not a readable zip archive"},
		{"a tar", tarball.Bytes(), zipfs.DefaultLimits, "", "not a readable zip archive"},
		{"a zip's end record alone", zipEndRecord(0, 0, 0), zipfs.DefaultLimits, "", ""},
		{"a directory that claims 65535 entries and holds none", zipEndRecord(0xFFFF, 0, 0), zipfs.DefaultLimits, "", "not a readable zip archive"},
		{"a directory past the end of the file", zipEndRecord(1, 46, 1<<31), zipfs.DefaultLimits, "", "not a readable zip archive"},
	}
}

// zipEndRecord is an end-of-central-directory record and nothing else: what a hostile zip's reader reads first.
func zipEndRecord(entries uint16, dirSize, dirOffset uint32) []byte {
	b := make([]byte, 22)
	binary.LittleEndian.PutUint32(b, 0x06054b50)
	binary.LittleEndian.PutUint16(b[8:], entries)
	binary.LittleEndian.PutUint16(b[10:], entries)
	binary.LittleEndian.PutUint32(b[12:], dirSize)
	binary.LittleEndian.PutUint32(b[16:], dirOffset)
	return b
}

func TestImportZipMoreHostile(t *testing.T) {
	for _, tt := range moreHostileZips(t) {
		t.Run(tt.name, func(t *testing.T) {
			fsys, err := importZip(t, tt.data, tt.limits)
			if tt.reason == "" { // an empty archive is a valid one
				if err != nil || len(tree(t, fsys, root)) != 0 {
					t.Fatalf("got %v, want an empty folder", err)
				}
				return
			}
			var ze *zipfs.Error
			if !errors.As(err, &ze) || fsys != nil {
				t.Fatalf("got %v (%T), want a *zipfs.Error and no file system", err, err)
			}
			t.Log(err)
			if ze.Entry != tt.entry || !strings.Contains(ze.Reason, tt.reason) {
				t.Errorf("got entry %q: %q; want entry %q: ...%s...", ze.Entry, ze.Reason, tt.entry, tt.reason)
			}
		})
	}
}

// A file over the size limit is refused from its size alone: hugeFs reports 1 GB and panics when read.
// A zip file is read where the zip reader needs it (io.ReaderAt), not loaded whole into memory beside what it
// expands to.
func TestImportZipFromFile(t *testing.T) {
	data := makeZip(t, zipEntry{Name: "MobileApps/com.a/abcd", Data: "{}"})
	mem := afero.NewMemMapFs()
	if err := afero.WriteFile(mem, "/in.zip", data, 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, dir, err := core.OpenPath(countingFs{Fs: mem, t: t}, "/in.zip", zipfs.DefaultLimits)
	if err != nil || dir != zipfs.Root {
		t.Fatal(err)
	}
	if got := tree(t, fsys, dir); got["com.a/abcd"] != "{}" {
		t.Errorf("imported %q", got)
	}
}

// countingFs fails the test when a file is read whole with Read (ReadAt is what a zip reader needs).
type countingFs struct {
	afero.Fs
	t *testing.T
}

func (c countingFs) Open(name string) (afero.File, error) {
	f, err := c.Fs.Open(name)
	if err != nil {
		return nil, err
	}
	return readAtOnly{f, c.t}, nil
}

type readAtOnly struct {
	afero.File
	t *testing.T
}

func (r readAtOnly) Read(p []byte) (int, error) {
	r.t.Errorf("the zip was read with Read: it is loaded whole instead of read where needed")
	return r.File.Read(p)
}
