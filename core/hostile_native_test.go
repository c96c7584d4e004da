//go:build !js

// Hostile input that needs a real disk or much memory: native only (Node-hosted wasm has neither to spare).

package core

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// A 1 GB session file on a real disk (sparse: it takes no space) is refused by the size limit without being
// read: the check, the console's reader and a conditional write all answer from its size.
func TestHugeFileOnDisk(t *testing.T) {
	const p = "com.a/abcd"
	dir := diskTree(t, map[string]string{p: ""})
	if err := os.Truncate(filepath.Join(dir, "com.a", "abcd"), 1<<30); err != nil {
		t.Fatal(err)
	}
	fsys := afero.NewOsFs()
	allocated := allocatedBy(func() {
		rep, err := (&Checker{}).Check(context.Background(), fsys, dir, CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Cause.String() != "the file is 1.0 GiB, over the 4.0 MiB limit" {
			t.Errorf("errors %v", rep.Errors)
		}
		_, _, err = ReadFile(fsys, dir, p, DefaultLimits.MaxFileSize)
		wantKind(t, err, KindInput)
		_, err = WriteFile(fsys, dir, p, []byte("{}"), WriteOptions{IfMatch: ETag(nil)})
		wantKind(t, err, KindConflict)
		wantKind(t, Delete(fsys, dir, p, ETag(nil), 0), KindConflict)
	})
	if allocated > 64<<20 {
		t.Errorf("%d MiB allocated: the file was read", allocated>>20)
	}
}
