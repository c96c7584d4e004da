package core

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// ListPaths lists a path as List lists the whole folder: every entry of the root listed alone adds up to List's
// listing, and each entry of an app folder listed alone is what List says of it. A path not there lists nothing.
func TestListPathsAsList(t *testing.T) {
	fsys := memTree(t, map[string]string{
		"UTT7VDX8W5.com.contactApp.Contact/7023d9205074199d1c16fc00d24354e778137675": "{}",
		"UTT7VDX8W5.com.contactApp.Contact/manifest.json":                            "{}",
		"UTT7VDX8W5.com.contactApp.Contact/.7023d92.tmp-1":                           "",
		"UTT7VDX8W5.com.contactApp.Contact/sub/abcdef":                               "",
		"com.sample.myappname/test_session":                                          "{}",
		"com.sample.myappname/8B2F0E6A1C4D4F3A9E5B7C6D2A1F0E9D":                      "{}",
		"com.empty/":                       "",
		"key.mobileapp":                    "",
		".git/abcdef":                      "",
		"__MACOSX/com.empty/._abcdef":      "",
		"com.a.b/0123456789abcdef01234567": "{}",
	})
	whole, err := List(fsys, root)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := readDir(fsys, root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	byEntry, err := ListPaths(fsys, root, names)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(byEntry.Files, whole.Files) || !reflect.DeepEqual(byEntry.Apps, whole.Apps) ||
		!reflect.DeepEqual(pathsOf(byEntry.Skipped), pathsOf(whole.Skipped)) {
		t.Fatalf("listed entry by entry:\n%+v\nwant\n%+v", byEntry, whole)
	}
	for _, f := range whole.Files {
		one, err := ListPaths(fsys, root, []string{f.Path})
		if err != nil || !reflect.DeepEqual(one.Files, []SessionFile{f}) || len(one.Skipped) != 0 || !slices.Equal(one.Apps, []string{f.App}) {
			t.Errorf("%s alone: %+v, %v", f.Path, one, err)
		}
	}
	for _, k := range whole.Skipped {
		if !strings.Contains(k.Path, "/") {
			continue
		}
		one, err := ListPaths(fsys, root, []string{k.Path})
		if err != nil || len(one.Files) != 0 || len(one.Skipped) != 1 || one.Skipped[0].Kind != k.Kind {
			t.Errorf("%s alone: %+v, %v; want skipped as %s", k.Path, one, err, k.Kind)
		}
	}
	for _, p := range []string{"com.gone", "com.empty/0123456789abcdef01234567", ".git/abcdef", "key.mobileapp/x"} {
		one, err := ListPaths(fsys, root, []string{p})
		if err != nil || len(one.Files)+len(one.Skipped) != 0 {
			t.Errorf("%s: %+v, %v; want nothing", p, one, err)
		}
	}
}

func pathsOf(skipped []Skipped) []string {
	var out []string
	for _, k := range skipped {
		out = append(out, k.Path+" "+string(k.Kind))
	}
	slices.Sort(out)
	return out
}
