package core

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// fileRecord is what an imported file is: its content, mode and time.
type fileRecord struct {
	content string
	mode    fs.FileMode
	mod     time.Time
}

func records(t *testing.T, fsys afero.Fs) map[string]fileRecord {
	t.Helper()
	out := map[string]fileRecord{}
	err := afero.Walk(fsys, ZipRoot, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		r := fileRecord{mode: info.Mode(), mod: info.ModTime()}
		if info.IsDir() {
			r.mod = time.Time{} // a folder made by the import is stamped with the clock
		} else {
			data, err := afero.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			r.content = string(data)
		}
		out[p] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// manyFilesZip is enough files for a helper to be asked, with a folder entry, stored entries, an entry streamed
// from the archive and macOS junk.
func manyFilesZip(t *testing.T) []byte {
	entries := []zipEntry{{Name: "MobileApps/com.empty/"}, {Name: "__MACOSX/MobileApps/._x", Data: "junk"}}
	for i := range minHelpedFiles + 41 {
		name := fmt.Sprintf("MobileApps/com.app%d/%040x", i%7, i)
		data := session("TEAM", fmt.Sprintf("com.app%d", i%7), fmt.Sprintf("%040x", i), "accepted")
		switch {
		case i%13 == 5:
			entries = append(entries, storedEntry(name, data))
		case i == 100:
			entries = append(entries, zipEntry{Name: "MobileApps/com.app1/big.bin", Data: incompressible})
		default:
			entries = append(entries, zipEntry{Name: name, Data: data})
		}
	}
	return makeZip(t, entries...)
}

// importHelped imports with a helper and no checker: the files as the import writes them.
func importHelped(data []byte, limits ZipLimits, helper ZipHelper) (afero.Fs, string, error) {
	fsys, root, _, err := importZipHelped(data, limits, helper, nil)
	return fsys, root, err
}

func helperOf(share func(data []byte) ([]byte, error), calls *int) ZipHelper {
	return func(data []byte, check *ShareCheck) func() ([]byte, error) {
		*calls++
		if check != nil {
			return func() ([]byte, error) { return nil, errors.New("an import without a checker asked for verdicts") }
		}
		return func() ([]byte, error) { return share(data) }
	}
}

// However the helper's share comes back (right, failed, cut short, altered), the import is the one ImportZip
// makes on its own: a helper can make it faster, never different.
func TestImportZipHelpedIsImportZip(t *testing.T) {
	data := manyFilesZip(t)
	want, _, err := importHelped(data, DefaultZipLimits, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantRecords := records(t, want)
	right, err := HelperShare(data, DefaultZipLimits, nil)
	if err != nil {
		t.Fatal(err)
	}
	flipped := func(at int) []byte {
		b := append([]byte(nil), right...)
		b[at] ^= 0x20
		return b
	}
	cases := map[string]func([]byte) ([]byte, error){
		"right":           func(d []byte) ([]byte, error) { return HelperShare(d, DefaultZipLimits, nil) },
		"failed":          func([]byte) ([]byte, error) { return nil, errors.New("the helper is gone") },
		"empty":           func([]byte) ([]byte, error) { return nil, nil },
		"cut short":       func([]byte) ([]byte, error) { return right[:len(right)/2], nil },
		"a byte altered":  func([]byte) ([]byte, error) { return flipped(len(right) / 3), nil },
		"a length wrong":  func([]byte) ([]byte, error) { return flipped(0), nil },
		"more than asked": func([]byte) ([]byte, error) { return append(append([]byte(nil), right...), 1, 0, 0, 0, 'x'), nil },
	}
	for name, share := range cases {
		t.Run(name, func(t *testing.T) {
			calls := 0
			got, root, err := importHelped(data, DefaultZipLimits, helperOf(share, &calls))
			if err != nil || root != ZipRoot {
				t.Fatalf("root %q, error %v", root, err)
			}
			if calls != 1 {
				t.Errorf("the helper was asked %d times, want once", calls)
			}
			if gotRecords := records(t, got); !reflect.DeepEqual(gotRecords, wantRecords) {
				t.Errorf("%d files imported, want %d as ImportZip imports them", len(gotRecords), len(wantRecords))
				for p, r := range wantRecords {
					if gotRecords[p] != r {
						t.Errorf("%s: got %.40q %v %v, want %.40q %v %v", p, gotRecords[p].content, gotRecords[p].mode, gotRecords[p].mod, r.content, r.mode, r.mod)
						break
					}
				}
			}
		})
	}
}

// A zip of a few files is inflated in place: handing it over would cost more.
func TestImportZipHelpedSmallZipIsNotHandedOver(t *testing.T) {
	data := makeZip(t, zipEntry{Name: "MobileApps/com.a/abcd", Data: "{}"})
	calls := 0
	if _, _, err := importHelped(data, DefaultZipLimits, helperOf(func(d []byte) ([]byte, error) { return HelperShare(d, DefaultZipLimits, nil) }, &calls)); err != nil {
		t.Fatal(err)
	}
	if calls != 0 {
		t.Errorf("the helper was asked for a zip of one file")
	}
}

// Every hostile zip gets the same error with a helper as without, whether the helper refuses it too or
// answers with nothing.
func TestImportZipHelpedHostile(t *testing.T) {
	defer func(n int) { minHelpedFiles = n }(minHelpedFiles)
	minHelpedFiles = 0
	for _, tt := range hostileZips(t) {
		t.Run(tt.name, func(t *testing.T) {
			_, _, want := importHelped(tt.data, tt.limits, nil)
			if want == nil {
				t.Fatal("ImportZip accepted it")
			}
			for helperName, share := range map[string]func([]byte) ([]byte, error){
				"helper refuses it too":  func(d []byte) ([]byte, error) { return HelperShare(d, tt.limits, nil) },
				"helper answers nothing": func([]byte) ([]byte, error) { return nil, nil },
			} {
				calls := 0
				fsys, _, err := importHelped(tt.data, tt.limits, helperOf(share, &calls))
				if err == nil || err.Error() != want.Error() || fsys != nil {
					t.Errorf("%s: got %v (filesystem %v), want %v", helperName, err, fsys != nil, want)
				}
			}
		})
	}
}

// With a helper, every session file comes to the load checked, half by the importer and half by the helper, so
// that the load neither reads nor checks any again; files that are not session files are not checked.
func TestImportZipHelpedChecksEverySessionFile(t *testing.T) {
	data := manyFilesZip(t)
	helper := func(d []byte, check *ShareCheck) func() ([]byte, error) {
		return func() ([]byte, error) { return HelperShare(d, DefaultZipLimits, check) }
	}
	fsys, root, pre, err := importZipHelped(data, DefaultZipLimits, helper, &Checker{Lang: French})
	if err != nil {
		t.Fatal(err)
	}
	listing, err := List(fsys, root, French)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range listing.Files {
		in := pre[f.Path]
		if in == nil || !in.checked {
			t.Fatalf("%s: not checked by the import (%+v)", f.Path, in)
		}
		// Every file is in a folder its content does not name: a mobi 1, in the importer's language.
		if in.session != nil || in.err == nil || in.err.Path != f.Path || in.err.Code != CodeLocation ||
			in.err.Message != French.Sprintf(codeMessages[CodeLocation]) {
			t.Errorf("%s: session %+v, error %v", f.Path, in.session, in.err)
		}
	}
	if in := pre["com.app1/big.bin"]; in == nil || in.checked {
		t.Errorf("big.bin, not a session file: %+v", in)
	}
	if len(listing.Files) < minHelpedFiles {
		t.Errorf("%d session files listed", len(listing.Files))
	}
}

// Whatever bytes come back as a helper's share with verdicts, the import files what the zip holds and the load
// gives each session file a verdict, without a panic: contents are checked against the zip, verdicts are read
// with bounds.
func FuzzHelperShare(f *testing.F) {
	defer func(n int) { minHelpedFiles = n }(minHelpedFiles)
	minHelpedFiles = 0
	var entries []zipEntry
	for i := range 6 {
		id := fmt.Sprintf("%040x", i)
		entries = append(entries, zipEntry{Name: "MobileApps/TEAM.com.app/" + id, Data: session("TEAM", "com.app", id, "accepted")})
	}
	entries = append(entries, zipEntry{Name: "MobileApps/TEAM.com.app/" + fmt.Sprintf("%040x", 9), Data: `{"broken":`})
	data := makeZip(f, entries...)
	want, _, err := importHelped(data, DefaultZipLimits, nil)
	if err != nil {
		f.Fatal(err)
	}
	right, err := HelperShare(data, DefaultZipLimits, shareCheckOf(&Checker{}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(right)
	f.Add(right[:len(right)-1])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, share []byte) {
		helper := func([]byte, *ShareCheck) func() ([]byte, error) {
			return func() ([]byte, error) { return share, nil }
		}
		ws, err := OpenZip(context.Background(), data, "f.zip", nil, DefaultZipLimits, helper)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(records(t, ws.Fs()), records(t, want)) {
			t.Fatal("a share changed the files imported")
		}
		st, err := ws.State(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(st.Disk.Sessions) + len(st.Disk.Errors); n != len(entries) {
			t.Fatalf("%d sessions and errors for %d session files", n, len(entries))
		}
	})
}
