package core_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
)

// The sample zipped by the tools people use (testdata/zips/README.md says which made each: Info-ZIP with and
// without folder entries, 7-Zip, bsdtar's data descriptors, Finder's __MACOSX twins) reads as the sample folder
// does: the same report, entry for entry, as a user opening any of them on the command line would get.
func TestRealWorldZips(t *testing.T) {
	checker := core.NewChecker(core.CheckerOptions{})
	report := func(t *testing.T, fsys afero.Fs, root string) string {
		t.Helper()
		rep, err := checker.Check(context.Background(), fsys, root, core.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	want := report(t, fsys, root)
	zips, err := filepath.Glob(filepath.Join("testdata", "zips", "*.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if len(zips) != 5 {
		t.Fatalf("%d zips in testdata/zips, want the 5 its README lists: %v", len(zips), zips)
	}
	for _, zip := range zips {
		t.Run(filepath.Base(zip), func(t *testing.T) {
			fsys, root, err := core.OpenPath(afero.NewOsFs(), zip, core.DefaultZipLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := report(t, fsys, root); got != want {
				t.Errorf("the report differs from the sample folder's:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
