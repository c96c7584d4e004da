package zipfs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"io/fs"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/zipfs"
)

// The root of an imported zip is the zip's root, or its one top-level MobileApps folder. Zips without
// directory entries work; macOS junk is skipped.
func TestImportZip(t *testing.T) {
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	s := session("", "com.a", id, "accepted")
	tests := []struct {
		name    string
		entries []zipEntry
		want    map[string]string
	}{
		{"no directory entries", []zipEntry{{Name: "com.a/" + id, Data: s}, {Name: "key.mobileapp", Data: "k"}},
			map[string]string{"com.a/": "", "com.a/" + id: s, "key.mobileapp": "k"}},
		{"with directory entries", []zipEntry{{Name: "com.a/"}, {Name: "com.a/" + id, Data: s}, {Name: "com.b/"}},
			map[string]string{"com.a/": "", "com.a/" + id: s, "com.b/": ""}},
		{"one MobileApps top folder", []zipEntry{{Name: "MobileApps/"}, {Name: "MobileApps/com.a/"}, {Name: "MobileApps/com.a/" + id, Data: s}},
			map[string]string{"com.a/": "", "com.a/" + id: s}},
		{"one MobileApps top folder, no directory entries", []zipEntry{{Name: "MobileApps/com.a/" + id, Data: s}, {Name: "MobileApps/key.mobileapp", Data: "k"}},
			map[string]string{"com.a/": "", "com.a/" + id: s, "key.mobileapp": "k"}},
		{"MobileApps with macOS junk beside it", []zipEntry{
			{Name: "MobileApps/com.a/" + id, Data: s},
			{Name: "__MACOSX/"},
			{Name: "__MACOSX/MobileApps/com.a/._" + id, Data: "fork"},
			{Name: "MobileApps/com.a/._" + id, Data: "fork"},
		}, map[string]string{"com.a/": "", "com.a/" + id: s, "com.a/._" + id: "fork"}},
		{"macOS junk at the zip's root", []zipEntry{{Name: "com.a/" + id, Data: s}, {Name: "__MACOSX/com.a/._" + id, Data: "fork"}},
			map[string]string{"com.a/": "", "com.a/" + id: s, "__MACOSX/": "", "__MACOSX/com.a/": "", "__MACOSX/com.a/._" + id: "fork"}},
		{"a top folder of another name is an app folder", []zipEntry{{Name: "Sessions/com.a/" + id, Data: s}},
			map[string]string{"Sessions/": "", "Sessions/com.a/": "", "Sessions/com.a/" + id: s}},
		{"MobileApps and something beside it", []zipEntry{{Name: "MobileApps/com.a/" + id, Data: s}, {Name: "notes.txt", Data: "n"}},
			map[string]string{"MobileApps/": "", "MobileApps/com.a/": "", "MobileApps/com.a/" + id: s, "notes.txt": "n"}},
		{"stored, not compressed", []zipEntry{storedEntry("com.a/"+id, s)},
			map[string]string{"com.a/": "", "com.a/" + id: s}},
		{"an entry too large to inflate from memory is streamed", []zipEntry{{Name: "com.a/big", Data: incompressible}, {Name: "com.a/" + id, Data: s}},
			map[string]string{"com.a/": "", "com.a/big": incompressible, "com.a/" + id: s}},
		{"empty", nil, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys, err := importZip(t, makeZip(t, tt.entries...), zipfs.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := tree(t, fsys, root); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("imported\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	t.Run("junk is skipped, never checked", func(t *testing.T) {
		fsys, err := importZip(t, makeZip(t, tests[4].entries...), zipfs.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := (&core.Checker{}).Check(context.Background(), fsys, root, core.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Sessions) != 1 || len(rep.Errors) != 0 || len(rep.Skipped) != 1 || rep.Skipped[0].Kind != core.SkipJunk {
			t.Errorf("report %+v", rep)
		}
	})
}

// An imported file keeps the time its entry gives, and is an ordinary readable file: exported again, it
// extracts as one.
func TestImportZipKeepsTimeAndMode(t *testing.T) {
	fsys, err := importZip(t, makeZip(t, zipEntry{Name: "com.a/abcd", Data: "{}"}, storedEntry("com.a/ef01", "{}")), zipfs.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"abcd", "ef01"} {
		info, err := fsys.Stat(root + "/com.a/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != 0o644 {
			t.Errorf("%s: mode %v, want -rw-r--r--", name, info.Mode())
		}
		if name == "abcd" && !info.ModTime().Equal(fixedTime) { // a raw entry, as the stored one is written, has no time
			t.Errorf("%s: time %v, want %v", name, info.ModTime(), fixedTime)
		}
	}
}

// incompressible is more than RawInMemory bytes even deflated.
var incompressible = func() string {
	b := make([]byte, zipfs.RawInMemory+zipfs.RawInMemory/2)
	x := uint64(0x9E3779B97F4A7C15)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return string(b)
}()

// hostileZips are archives that are refused, each with an error that names the entry at fault (when one is).
// They also seed FuzzImportZip.
func hostileZips(t *testing.T) []struct {
	name   string
	data   []byte
	limits zipfs.Limits
	entry  string
	reason string
} {
	small := zipfs.Limits{MaxEntries: 3, MaxFileSize: 1 << 20, MaxTotalSize: 1 << 20}
	zeros := make([]byte, 2<<20)
	bomb := deflate(t, zeros)
	third := make([]byte, 400<<10)
	thirdZ := deflate(t, third)
	ok := zipEntry{Name: "MobileApps/com.a/abcd", Data: "{}"}
	valid := makeZip(t, ok, zipEntry{Name: "MobileApps/com.a/ef01", Data: strings.Repeat("session ", 100)})
	stored := storedEntry("MobileApps/com.a/abcd", `{"status": "accepted"}`)
	deflated := rawEntry("MobileApps/com.a/abcd", deflate(t, []byte("{}")), crc32.ChecksumIEEE([]byte("{}")), 2)
	return []struct {
		name   string
		data   []byte
		limits zipfs.Limits
		entry  string
		reason string
	}{
		{"dot-dot", makeZip(t, ok, zipEntry{Name: "MobileApps/../../evil", Data: "x"}), zipfs.DefaultLimits, "MobileApps/../../evil", "'..'"},
		{"dot-dot at the top", makeZip(t, zipEntry{Name: "../evil", Data: "x"}), zipfs.DefaultLimits, "../evil", "'..'"},
		{"absolute", makeZip(t, zipEntry{Name: "/etc/evil", Data: "x"}), zipfs.DefaultLimits, "/etc/evil", "absolute"},
		{"backslash", makeZip(t, zipEntry{Name: `MobileApps\com.a\abcd`, Data: "x"}), zipfs.DefaultLimits, `MobileApps\com.a\abcd`, "backslash"},
		{"backslash dot-dot", makeZip(t, zipEntry{Name: `..\evil`, Data: "x"}), zipfs.DefaultLimits, `..\evil`, "backslash"},
		{"drive letter", makeZip(t, zipEntry{Name: "C:/evil", Data: "x"}), zipfs.DefaultLimits, "C:/evil", "drive letter"},
		{"drive letter, relative", makeZip(t, zipEntry{Name: "c:evil", Data: "x"}), zipfs.DefaultLimits, "c:evil", "drive letter"},
		{"NUL", makeZip(t, zipEntry{Name: "com.a/ab\x00cd", Data: "x"}), zipfs.DefaultLimits, "com.a/ab\x00cd", "NUL"},
		{"not UTF-8", makeZip(t, zipEntry{Name: "com.a/\xff", Data: "x"}), zipfs.DefaultLimits, "com.a/\xff", "UTF-8"},
		{"symlink", makeZip(t, ok, zipEntry{Name: "MobileApps/com.a/link", Data: "/etc/passwd", Mode: fs.ModeSymlink | 0o777}), zipfs.DefaultLimits, "MobileApps/com.a/link", "links"},
		{"device", makeZip(t, zipEntry{Name: "com.a/dev", Mode: fs.ModeDevice | 0o644}), zipfs.DefaultLimits, "com.a/dev", "not a regular file"},
		{"duplicate names", makeZip(t, ok, ok), zipfs.DefaultLimits, ok.Name, "twice"},
		{"duplicate names once cleaned", makeZip(t, ok, zipEntry{Name: "MobileApps/com.a/./abcd", Data: "x"}), zipfs.DefaultLimits, "MobileApps/com.a/./abcd", "twice"},
		{"a file and a folder of one name", makeZip(t, zipEntry{Name: "com.a", Data: "x"}, zipEntry{Name: "com.a/"}), zipfs.DefaultLimits, "com.a", "both a file and a folder"},
		{"a file inside a file", makeZip(t, zipEntry{Name: "com.a", Data: "x"}, zipEntry{Name: "com.a/abcd", Data: "x"}), zipfs.DefaultLimits, "com.a/abcd", "also a file"},
		{"too many entries", makeZip(t, zipEntry{Name: "a/"}, zipEntry{Name: "a/1", Data: "x"}, zipEntry{Name: "a/2", Data: "x"}, zipEntry{Name: "a/3", Data: "x"}), small, "", "4 entries, over the limit of 3"},
		{"a bomb: a few KB that expand past the limit per file", makeZip(t, rawEntry("MobileApps/com.a/abcd", bomb, crc32.ChecksumIEEE(zeros), uint64(len(zeros)))), small, "MobileApps/com.a/abcd", "expands to 2.0 MiB, over the 1.0 MiB limit per file"},
		{"a bomb whose header says it is small", makeZip(t, rawEntry("MobileApps/com.a/abcd", bomb, crc32.ChecksumIEEE(zeros), 100)), small, "MobileApps/com.a/abcd", "does not match the size or checksum"},
		{"a header that claims more than the data", makeZip(t, rawEntry("MobileApps/com.a/abcd", deflate(t, []byte("{}")), crc32.ChecksumIEEE([]byte("{}")), 1000)), small, "MobileApps/com.a/abcd", "truncated"},
		{"an unknown compression method", makeZip(t, zipEntry{Name: "MobileApps/com.a/abcd", Data: "BZh", Header: &zip.FileHeader{
			Name: "MobileApps/com.a/abcd", Method: 12, Modified: fixedTime, CompressedSize64: 3, UncompressedSize64: 3}}),
			small, "MobileApps/com.a/abcd", "method 12, which cannot be read"},
		{"a wrong checksum", makeZip(t, rawEntry("MobileApps/com.a/abcd", deflate(t, []byte("{}")), 1234, 2)), small, "MobileApps/com.a/abcd", "checksum"},
		{"past the total size", makeZip(t, rawEntry("a/1", thirdZ, crc32.ChecksumIEEE(third), uint64(len(third))),
			rawEntry("a/2", thirdZ, crc32.ChecksumIEEE(third), uint64(len(third))), rawEntry("a/3", thirdZ, crc32.ChecksumIEEE(third), uint64(len(third)))),
			small, "a/3", "more than 1.0 MiB in all"},
		{"encrypted", makeZip(t, zipEntry{Name: "com.a/abcd", Data: "x", Flags: 0x1}), zipfs.DefaultLimits, "com.a/abcd", "encrypted"},
		// What an extractor reads is the local header: one that disagrees with the directory is refused.
		{"a local header that names another file", patchLocal(t, makeZip(t, stored), func(h []byte) { h[zipfs.LocalHeaderLen+len(stored.Name)-1] = 'e' }),
			zipfs.DefaultLimits, stored.Name, `its local header names another file, "MobileApps/com.a/abce"`},
		{"a local header that gives another method", patchLocal(t, makeZip(t, deflated), func(h []byte) { h[8] = byte(zip.Store) }),
			zipfs.DefaultLimits, deflated.Name, "compression method 0 and the directory 8"},
		{"a local header that gives another size", patchLocal(t, makeZip(t, stored), func(h []byte) { h[22]++ }),
			zipfs.DefaultLimits, stored.Name, "another size or checksum"},
		{"a local header that gives another compressed size", patchLocal(t, makeZip(t, stored), func(h []byte) { h[18]++ }),
			zipfs.DefaultLimits, stored.Name, "another size or checksum"},
		{"a local header that gives another checksum", patchLocal(t, makeZip(t, stored), func(h []byte) { h[14]++ }),
			zipfs.DefaultLimits, stored.Name, "another size or checksum"},
		{"a local header that says encrypted", patchLocal(t, makeZip(t, stored), func(h []byte) { h[6] |= 1 }),
			zipfs.DefaultLimits, stored.Name, "says that it is encrypted"},
		{"a checksum of 0 on altered data", makeZip(t, zipEntry{Name: stored.Name, Data: `{"status": "pending"}`, Header: &zip.FileHeader{
			Name: stored.Name, Method: zip.Store, Modified: fixedTime, CRC32: 0, CompressedSize64: 21, UncompressedSize64: 21}}),
			zipfs.DefaultLimits, stored.Name, "does not match the size or checksum"},
		{"a data descriptor that gives another checksum", patchDescriptor(t, makeZip(t, ok)), zipfs.DefaultLimits, ok.Name, "data descriptor"},
		{"truncated", valid[:len(valid)/2], zipfs.DefaultLimits, "", "not a readable zip"},
		{"truncated inside an entry's data", truncateData(t, valid), zipfs.DefaultLimits, "MobileApps/com.a/ef01", "corrupt"},
		{"not a zip", []byte("hello, I am not a zip"), zipfs.DefaultLimits, "", "not a readable zip"},
		{"empty file", nil, zipfs.DefaultLimits, "", "not a readable zip"},
	}
}

// patchDescriptor changes the checksum in the first data descriptor of a zip written by archive/zip (which
// writes the descriptor's signature).
func patchDescriptor(t *testing.T, data []byte) []byte {
	t.Helper()
	out := bytes.Clone(data)
	at := bytes.Index(out, []byte("PK\x07\x08"))
	if at < 0 {
		t.Fatal("no data descriptor")
	}
	out[at+4]++
	return out
}

// truncateData keeps the central directory but cuts the data of the last entry short, as a download that
// lost bytes in the middle.
func truncateData(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	last := zr.File[len(zr.File)-1]
	start, err := last.DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	cut := int(start) + int(last.CompressedSize64)/2
	end := int(start) + int(last.CompressedSize64)
	out := append([]byte{}, data[:cut]...)
	out = append(out, make([]byte, end-cut)...) // zeros where the data was: same offsets, broken stream
	return append(out, data[end:]...)
}

func TestImportZipHostile(t *testing.T) {
	for _, tt := range hostileZips(t) {
		t.Run(tt.name, func(t *testing.T) {
			fsys, err := importZip(t, tt.data, tt.limits)
			if err == nil {
				t.Fatalf("imported: %q", tree(t, fsys, root))
			}
			var ze *zipfs.Error
			if !errors.As(err, &ze) || core.KindOf(err) != core.KindInput || fsys != nil {
				t.Fatalf("got %v (%T), want a *zipfs.Error and no file system", err, err)
			}
			t.Log(err)
			if ze.Entry != tt.entry || !strings.Contains(ze.Reason, tt.reason) {
				t.Errorf("got entry %q: %q; want entry %q: ...%s...", ze.Entry, ze.Reason, tt.entry, tt.reason)
			}
			if tt.entry != "" && !strings.Contains(err.Error(), strconv.Quote(tt.entry)) {
				t.Errorf("the message %q does not name the entry", err)
			}
		})
	}
	t.Run("the bomb is a few KB", func(t *testing.T) {
		for _, tt := range hostileZips(t) {
			if strings.HasPrefix(tt.name, "a bomb") && len(tt.data) > 8<<10 {
				t.Errorf("%s: %d bytes", tt.name, len(tt.data))
			}
		}
	})
}

// fuzzLimits are small enough that the fuzzer can reach every limit.
var fuzzLimits = zipfs.Limits{MaxEntries: 20, MaxFileSize: 16 << 10, MaxTotalSize: 64 << 10}

func FuzzImportZip(f *testing.F) {
	f.Add(makeZip(f, zipEntry{Name: "MobileApps/com.a/abcd", Data: "{}"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys, err := importZip(t, data, fuzzLimits)
		if err != nil {
			if fsys != nil || core.KindOf(err) != core.KindInput {
				t.Fatalf("error %v (kind %s) with a filesystem %v", err, core.KindOf(err), fsys)
			}
			// A check of the zip read in place meets the same fault, or none when it is in a file the check
			// does not read (not a session file).
			if view, dir, err := zipfs.View(bytes.NewReader(data), int64(len(data)), fuzzLimits, ""); err == nil {
				if _, err := (&core.Checker{}).Check(context.Background(), view, dir, core.CheckOptions{}); err != nil && core.KindOf(err) != core.KindInput {
					t.Fatalf("a check of a broken zip: %v (kind %s)", err, core.KindOf(err))
				}
			}
			return
		}
		var entries int
		var total int64
		err = afero.Walk(fsys, "/", func(p string, info fs.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if p != "/" && p != zipfs.Root && !strings.HasPrefix(p, zipfs.Root+"/") {
				t.Errorf("wrote %q, outside %s", p, zipfs.Root)
			}
			if info.Mode()&fs.ModeSymlink != 0 {
				t.Errorf("wrote a link %q", p)
			}
			entries++
			if !info.IsDir() {
				if info.Size() > fuzzLimits.MaxFileSize {
					t.Errorf("%s: %d bytes, over the limit", p, info.Size())
				}
				total += info.Size()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if total > fuzzLimits.MaxTotalSize {
			t.Errorf("%d bytes in all, over the limit", total)
		}
		// Folders that the zip only implies add to its entries; each is the parent of a file, so at most twice.
		if entries > 2*fuzzLimits.MaxEntries+2 {
			t.Errorf("%d files and folders from at most %d entries", entries, fuzzLimits.MaxEntries)
		}
		if _, err := (&core.Checker{}).Check(context.Background(), fsys, zipfs.Root, core.CheckOptions{}); err != nil {
			t.Errorf("a zip read in place cannot be checked: %v", err)
		}
		// Opened for editing, the zip shows the same files; exported, it is read back as the same files.
		limits := core.Limits{Zip: fuzzLimits}
		for i, c := range []*core.Checker{core.NewChecker(core.CheckerOptions{Limits: limits}), core.NewChecker(core.CheckerOptions{Limits: core.Limits{MaxFileSize: 512, Zip: fuzzLimits}})} {
			ws, err := console.OpenZip(context.Background(), data, "f.zip", c, console.WorkspaceOptions{Lang: []i18n.Lang{i18n.English, i18n.Spanish}[i]})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tree(t, ws.Fs(), zipfs.Root), tree(t, fsys, zipfs.Root)) {
				t.Fatal("the editable zip shows other files than the zip")
			}
			if _, err := ws.State(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	})
}
