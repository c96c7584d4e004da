//go:build !js

package core

import (
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// A name longer than a file system keeps is the caller's mistake, refused as input (a 400 from the dev server),
// not an internal error from the system's ENAMETOOLONG.
func TestNameTooLong(t *testing.T) {
	long := strings.Repeat("a", maxNameBytes+1)
	for _, rel := range []string{long, "com.a/" + long, long + "/abcd"} {
		if _, err := CleanPath(rel); KindOf(err) != KindInput || !strings.Contains(err.Error(), "over the 255 that file systems take") {
			t.Errorf("CleanPath(%d bytes): %v", len(rel), err)
		}
	}
	if _, err := CleanPath("com.a/" + strings.Repeat("é", maxNameBytes/2)); err != nil {
		t.Errorf("a name of 254 bytes: %v", err)
	}
	dir := diskTree(t, map[string]string{"com.a/abcd": "{}"})
	fsys := afero.NewOsFs()
	_, _, err := ReadFile(fsys, dir, "com.a/"+long, 1<<20)
	wantKind(t, err, KindInput)
	_, err = WriteFile(fsys, dir, "com.a/"+long, []byte("{}"), WriteOptions{})
	wantKind(t, err, KindInput)
	_, err = CreateSession(fsys, dir, NewSession{ApplicationID: long, Status: StatusPending})
	wantKind(t, err, KindInput)
}
