package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A download that would make a zip that mobisess cannot open again is refused, naming the entry.
func TestDownloadRefusesWhatImportRefuses(t *testing.T) {
	ts := startFolder(t, Config{})
	if err := os.WriteFile(filepath.Join(ts.dir, contactApp, `notes\old`), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, body := ts.send("GET", "/api/download", "")
	expect(t, res, body, 400, "input")
	if !strings.Contains(string(body), `notes\\\\old`) || !strings.Contains(string(body), "backslash") {
		t.Errorf("the refusal does not name the entry: %s", body)
	}
}
