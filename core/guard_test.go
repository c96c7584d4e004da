package core

import (
	"errors"
	"reflect"
	"testing"

	"github.com/spf13/afero"
)

// What 4D puts in a MobileApps folder, as its real folders hold it: a delete of the whole folder takes it.
var fourDFolder = map[string]string{
	"key.mobileapp":   "key",
	".DS_Store":       "finder",
	"._key.mobileapp": "appledouble",
	"Thumbs.db":       "explorer",
	"desktop.ini":     "explorer",
	"UTT7VDX8W5.com.contactApp.Contact/" + exampleID:      example,
	"UTT7VDX8W5.com.contactApp.Contact/manifest.json":     "{}",
	"UTT7VDX8W5.com.contactApp.Contact/AuthKey_ABC123.p8": "key",
	"UTT7VDX8W5.com.contactApp.Contact/.DS_Store":         "finder",
	"UTT7VDX8W5.com.contactApp.Contact/.abcd.tmp-111":     "left by a save of an earlier version",
	"com.test.pntest/test_session":                        "{}",
	"com.test.pntest/google-services.json":                "{}",
	"com.test.pntest/3C81A8D7AFE64C2E9CCFFCDC35DC52F5":    "{",
	"com.empty.App/": "",
}

// A delete of the whole folder, or of an app folder, is refused when the folder holds what 4D does not put
// there, naming the first such entry in name order; nothing is deleted. Forced, it goes.
func TestDeleteGuard(t *testing.T) {
	tests := []struct {
		name  string
		add   map[string]string
		rel   string // what is deleted
		entry string // what the refusal names; "" when the delete goes
	}{
		{"4D's own folder", nil, "", ""},
		{"an app folder of 4D's", nil, "UTT7VDX8W5.com.contactApp.Contact", ""},
		{"a repository", map[string]string{".git/HEAD": "ref", "src/main.go": "package main", "README.md": "# notes"}, "", ".git"},
		{"a file at the root", map[string]string{"README.md": "# notes"}, "", "README.md"},
		{"a folder that is no app folder", map[string]string{"src/Makefile": "all:"}, "", "src"},
		{"a hidden folder", map[string]string{".backup/x": "x"}, "", ".backup"},
		{"notes in an app folder", map[string]string{"com.test.pntest/notes.txt": "mine"}, "", "com.test.pntest/notes.txt"},
		{"the first in name order", map[string]string{"com.test.pntest/notes.txt": "mine", "UTT7VDX8W5.com.contactApp.Contact/zz.txt": "z"}, "", "UTT7VDX8W5.com.contactApp.Contact/zz.txt"},
		{"a folder in an app folder", map[string]string{"com.test.pntest/old/x": "x"}, "", "com.test.pntest/old"},
		{"a hidden file in an app folder", map[string]string{"com.test.pntest/.547302015c7366daf048dfa58048d2ae37ae2bc8": "{}"}, "", "com.test.pntest/.547302015c7366daf048dfa58048d2ae37ae2bc8"},
		{"a session saved with an extension", map[string]string{"com.test.pntest/547302015c7366daf048dfa58048d2ae37ae2bc8.json": "{}"}, "", "com.test.pntest/547302015c7366daf048dfa58048d2ae37ae2bc8.json"},
		{"an app folder holding notes", map[string]string{"com.test.pntest/notes.txt": "mine"}, "com.test.pntest", "com.test.pntest/notes.txt"},
		{"another app folder holding notes", map[string]string{"com.test.pntest/notes.txt": "mine"}, "com.empty.App", ""},
		{"a folder that is no app folder, alone", map[string]string{"src/Makefile": "all:"}, "src", "src"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range fourDFolder {
				files[k] = v
			}
			for k, v := range tt.add {
				files[k] = v
			}
			fsys := memTree(t, files)
			before := tree(t, fsys, root)
			err := DeleteWith(fsys, root, tt.rel, DeleteOptions{})
			if tt.entry == "" {
				if err != nil {
					t.Fatal(err)
				}
				if ok, _ := afero.Exists(fsys, fsPath(root, tt.rel)); ok {
					t.Errorf("%q is still there", tt.rel)
				}
				return
			}
			var fe *ForeignError
			if !errors.As(err, &fe) || fe.Entry != tt.entry || KindOf(err) != KindForeign || ForeignEntry(err) != tt.entry {
				t.Fatalf("got %v, want a refusal naming %s", err, tt.entry)
			}
			if after := tree(t, fsys, root); !reflect.DeepEqual(before, after) {
				t.Fatalf("a refused delete changed the folder:\n%q\nnow\n%q", before, after)
			}
			if err := DeleteWith(fsys, root, tt.rel, DeleteOptions{Force: true}); err != nil {
				t.Fatalf("forced: %v", err)
			}
			if ok, _ := afero.Exists(fsys, fsPath(root, tt.rel)); ok {
				t.Errorf("forced: %q is still there", tt.rel)
			}
		})
	}
}
