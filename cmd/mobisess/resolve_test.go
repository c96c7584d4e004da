package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// The DIR of delete --all is refused, before anything is read, when it cannot be a MobileApps folder: named by
// '.' or '..', a link (its folder is named by its own path), the root of a volume, a folder that holds the
// current folder or the home folder. A MobileApps folder named any other way resolves to its absolute path.
func TestResolveAll(t *testing.T) {
	work := t.TempDir()
	real := filepath.Join(work, "MobileApps")
	if err := os.MkdirAll(filepath.Join(real, "com.a"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(work, "link")
	linked := os.Symlink(real, link) == nil // Windows lets only some accounts make links
	t.Chdir(filepath.Join(real, "com.a"))
	t.Setenv("HOME", filepath.Join(work, "home", "me"))
	t.Setenv("USERPROFILE", filepath.Join(work, "home", "me"))
	tests := []struct {
		dir, refused string // refused: what the refusal says; "" when it resolves
	}{
		{real + "/.", "not by '.' or '..'"},
		{"..", "not by '.' or '..'"},
		{"../com.a/..", "not by '.' or '..'"},
		{".", "not by '.' or '..'"},
		{"", "not by '.' or '..'"},
		{link, "it is a link; name the folder it leads to (" + real + ") itself"},
		{string(filepath.Separator), "the root of a volume"},
		{real, "it holds the current folder"},
		{"../../MobileApps", "it holds the current folder"},
		{filepath.Join(work, "home"), "it holds the home folder"},
		{filepath.Join(work, "other", "MobileApps"), ""},
		{"../../other/MobileApps", ""},
	}
	for _, tt := range tests {
		if tt.dir == link && !linked {
			continue
		}
		got, err := resolveAll(afero.NewOsFs(), tt.dir)
		switch {
		case tt.refused == "" && err != nil:
			t.Errorf("%q: %v", tt.dir, err)
		case tt.refused == "" && !filepath.IsAbs(got):
			t.Errorf("%q resolves to %q, not an absolute path", tt.dir, got)
		case tt.refused != "" && (err == nil || !strings.Contains(err.Error(), tt.refused)):
			t.Errorf("%q: got %q, %v; want a refusal saying %q", tt.dir, got, err, tt.refused)
		}
	}
}
