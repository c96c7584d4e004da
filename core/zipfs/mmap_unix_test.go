//go:build unix

package zipfs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/zipfs"
)

// A zip on disk is mapped; if its file is cut short while it is checked (a copy still being written, a disk
// full), the pages past the end fault. The check stops with an error naming the zip and the entry, and the
// process lives on.
func TestMappedZipCutShortWhileChecked(t *testing.T) {
	var entries []zipEntry
	for i := range 200 {
		entries = append(entries, zipEntry{Name: fmt.Sprintf("MobileApps/com.a/%040x", i), Data: strings.Repeat(fmt.Sprintf("%d ", i), 2000)})
	}
	path := filepath.Join(t.TempDir(), "sessions.zip")
	if err := os.WriteFile(path, makeZip(t, entries...), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, root, err := core.OpenPath(afero.NewOsFs(), path, zipfs.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !zipfs.IsMapped(fsys) {
		t.Fatal("the zip file is not mapped")
	}
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	_, err = (&core.Checker{}).Check(context.Background(), fsys, root, core.CheckOptions{})
	var ze *zipfs.Error
	if !errors.As(err, &ze) || ze.Archive != path || !strings.HasPrefix(ze.Entry, "MobileApps/com.a/") || !strings.Contains(ze.Reason, "changed on disk") {
		t.Fatalf("got %v, want the zip and an entry named, and why", err)
	}
	t.Log(err)
}
