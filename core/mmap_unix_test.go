//go:build unix

package core

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
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
	fsys, root, err := OpenPath(afero.NewOsFs(), path, DefaultZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	if view := fsys.(*overlayFs).base.(*zipView); !view.mapped {
		t.Fatal("the zip file is not mapped")
	}
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	_, err = (&Checker{}).Check(context.Background(), fsys, root, CheckOptions{})
	var ze *ZipError
	if !errors.As(err, &ze) || ze.Archive != path || !strings.HasPrefix(ze.Entry, "MobileApps/com.a/") || !strings.Contains(ze.Reason, "changed on disk") {
		t.Fatalf("got %v, want the zip and an entry named, and why", err)
	}
	t.Log(err)
}
