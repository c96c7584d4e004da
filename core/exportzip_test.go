package core

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

// A folder whose zip mobisess would refuse to open is refused by the export, naming the entry, and nothing is
// written: a name that is not portable (a backslash, not UTF-8), a file over the limit of an entry, more than
// the limit in all, more entries than the limit. The same folder without it exports, and opens again.
func TestExportRefusesWhatImportRefuses(t *testing.T) {
	small := ZipLimits{MaxEntries: 8, MaxFileSize: 1 << 10, MaxTotalSize: 4 << 10}
	tests := []struct {
		name string
		add  map[string]string
		says string
	}{
		{"a backslash", map[string]string{exampleApp + `/notes\old`: "x"}, `"` + exampleApp + `/notes\\old": the name contains a backslash`},
		{"not UTF-8", map[string]string{exampleApp + "/caf\xe9": "x"}, `"` + exampleApp + `/caf\xe9": the name is not valid UTF-8`},
		{"a file over the limit of an entry", map[string]string{"logs/big": strings.Repeat("x", 2<<10)}, "logs/big: the file is 2.0 KiB, over the 1.0 KiB limit of a zip entry"},
		{"more than the limit in all", map[string]string{"logs/1": strings.Repeat("x", 1000), "logs/2": strings.Repeat("x", 1000), "logs/3": strings.Repeat("x", 1000), "logs/4": strings.Repeat("x", 1000)}, `"logs/4": the folder holds more than 4.0 KiB in all`},
		{"more entries than the limit", map[string]string{"a/1": "", "a/2": "", "a/3": "", "a/4": "", "a/5": ""}, `"a/5": the folder holds more than 8 files and folders`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{examplePath: example}
			for k, v := range tt.add {
				files[k] = v
			}
			var out bytes.Buffer
			err := ExportZipWithin(memTree(t, files), root, &out, small)
			if KindOf(err) != KindInput || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("got %v, want an input error saying %s", err, tt.says)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes were written before the refusal", out.Len())
			}
		})
	}
	var out bytes.Buffer
	if err := ExportZipWithin(memTree(t, map[string]string{examplePath: example}), root, &out, small); err != nil {
		t.Fatal(err)
	}
	if _, err := importZip(t, out.Bytes(), small); err != nil {
		t.Errorf("the export does not open again: %v", err)
	}
}

// checkJSON is the report of a check of the folder at root, as JSON: what a folder and its export must share.
func checkJSON(t *testing.T, fsys afero.Fs, root string) string {
	t.Helper()
	rep, err := (&Checker{}).Check(context.Background(), fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A folder and its exported zip check alike: the export either refuses the folder, as one a zip of which would
// not open again, or writes a zip that opens within the same limits and whose check says, file for file, what the
// folder's says. The folder is made of fuzzed names (app folder / file, any bytes) and contents.
func FuzzExportChecksAlike(f *testing.F) {
	f.Add("com.a/0123\nkey.mobileapp\ncom.a/manifest.json", []byte(example))
	f.Add(exampleApp+"/"+exampleID+"\n"+exampleApp+"/.hidden\n__MACOSX/._x\ncom.b/sub/x", []byte(example))
	f.Add("com.a/ab\\cd\ncom.a/caf\xe9", []byte("{}"))
	f.Add("com.a/abcd\ncom.a/ABCD\ncom.a/._abcd\n._x", []byte("\xef\xbb\xbf{}"))
	f.Add("a/b/c/d\n./x\ncom.a/../y", []byte(strings.Repeat("x", 600)))
	limits := ZipLimits{MaxEntries: 12, MaxFileSize: 1 << 10, MaxTotalSize: 2 << 10}
	f.Fuzz(func(t *testing.T, names string, content []byte) {
		fsys := afero.NewMemMapFs()
		if err := fsys.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, name := range strings.Split(names, "\n") {
			if i == 8 || name == "" || strings.HasPrefix(name, "/") || strings.Count(name, "/") > 2 {
				continue
			}
			segs := strings.Split(name, "/")
			bad := false
			for _, s := range segs {
				bad = bad || s == "" || s == "." || s == ".."
			}
			if bad {
				continue // not a name a folder can hold
			}
			data := content
			if len(segs) == 2 && IsSessionName(segs[1]) && i%2 == 0 {
				data = []byte(session("", segs[0], segs[1], "accepted")) // now and then, one that passes
			} else if len(data) > 0 {
				data = data[i%len(data):]
			}
			writeTree(t, fsys, root, name, data)
		}
		var out bytes.Buffer
		err := ExportZipWithin(fsys, root, &out, limits)
		if err != nil {
			if KindOf(err) != KindInput || !utf8.ValidString(err.Error()) {
				t.Fatalf("a refusal must be an input error that names the entry readably: %v", err)
			}
			return
		}
		back, dir, err := zipfs.View(bytes.NewReader(out.Bytes()), int64(out.Len()), limits, "")
		if err != nil {
			t.Fatalf("the export does not open again: %v", err)
		}
		if got, want := checkJSON(t, back, dir), checkJSON(t, fsys, root); got != want {
			t.Errorf("the zip checks as\n%s\nthe folder as\n%s", got, want)
		}
	})
}

// Exporting then importing gives the same folder; the export's top folder is MobileApps/, entries in order.
func TestExportImport(t *testing.T) {
	files := map[string]string{
		"key.mobileapp":                       "k",
		exampleApp + "/" + exampleID:          example,
		exampleApp + "/manifest.json":         "{}",
		"com.sample.myappname/3C81A8D7AFE6":   "\xEF\xBB\xBF{\r\n}\r\n",
		"com.sample.myappname/sub/":           "",
		"com.empty/":                          "",
		"com.sample.myappname/.hidden":        "h",
		"com.sample.myappname/binary\x7f\x01": "\x00\x01\x02",
	}
	fsys := memTree(t, files)
	var buf bytes.Buffer
	if err := ExportZip(fsys, root, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "MobileApps/") {
			t.Errorf("entry %q is not under MobileApps/", f.Name)
		}
		names = append(names, f.Name)
	}
	assertSorted(t, "entries", len(names), func(i int) string { return names[i] })
	back, err := importZip(t, buf.Bytes(), DefaultZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tree(t, back, root), tree(t, fsys, root); !reflect.DeepEqual(got, want) {
		t.Errorf("re-imported\n%q\nwant\n%q", got, want)
	}
}
