package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/sample"
)

// The PATHs of accept, pending and delete may come with the system's separator, as a shell completes them: on
// Windows APP\ID. Built with filepath here, so that on Windows this runs with backslashes (and on a folder given
// by its absolute path, drive letter included).
func TestPathsTakeTheSystemSeparator(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "MobileApps")
	sub, err := fs.Sub(sample.FS(), sample.Root)
	if err == nil {
		err = os.CopyFS(dir, sub)
	}
	if err != nil {
		t.Fatal(err)
	}
	const app, id = "UTT7VDX8W5.com.contactApp.Contact", "9f1c3e0a5b7d4c2e8a6f0b1d3c5e7a9b2d4f6a8c"
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"accept", "--dir", dir, filepath.Join(app, id)}, &stdout, &stderr, afero.NewOsFs())
	if code != exitOK {
		t.Fatalf("accept %s: exit %d\n%s%s", filepath.Join(app, id), code, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, app, id))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"status": "accepted"`) && !strings.Contains(string(data), `"status":"accepted"`) {
		t.Errorf("the session is not accepted:\n%s", data)
	}
}
