package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A save over -max-file-size and under the body limit is refused before anything is written: the file on disk
// is as it was, and the ETag read before still saves it.
func TestOversizeSaveWritesNothing(t *testing.T) {
	ts := startFolder(t, Config{MaxFileSize: 1 << 10})
	target := filepath.Join(ts.dir, contactPath)
	before, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	res, body := ts.send("GET", "/api/file?path="+contactPath, "")
	expect(t, res, body, 200, "")
	etag := res.Header.Get("ETag")
	big := `{"pad":"` + strings.Repeat("x", 4<<10) + `"}`
	res, body = ts.send("PUT", "/api/file?path="+contactPath, big, "If-Match", etag)
	expect(t, res, body, 400, "input")
	res, body = ts.send("POST", "/api/write", `{"path":"`+contactPath+`","content":"`+strings.Repeat("x", 4<<10)+`"}`)
	expect(t, res, body, 400, "input")
	if after, _ := os.ReadFile(target); string(after) != string(before) {
		t.Fatalf("a refused save replaced the file: %d bytes, were %d", len(after), len(before))
	}
	res, body = ts.send("PUT", "/api/file?path="+contactPath, string(before), "If-Match", etag)
	expect(t, res, body, 200, "")
}

// Delete all, on a folder that holds what 4D does not put there, is refused (409, kind foreign, the entry named)
// and deletes nothing; forced (POST remove with force), it goes.
func TestDeleteAllGuard(t *testing.T) {
	ts := startFolder(t, Config{})
	notes := filepath.Join(ts.dir, contactApp, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, req := range [][2]string{{"DELETE", ""}, {"POST", `{"path":""}`}} {
		target := "/api/file?path="
		if req[0] == "POST" {
			target = "/api/remove"
		}
		res, body := ts.send(req[0], target, req[1])
		expect(t, res, body, 409, "foreign")
		var e errorBody
		decodeJSON(t, body, &e)
		if e.Error.Entry != contactApp+"/notes.txt" || !strings.Contains(e.Error.Message, contactApp+"/notes.txt") {
			t.Errorf("the refusal names %q: %s", e.Error.Entry, body)
		}
		if _, err := os.Stat(filepath.Join(ts.dir, contactPath)); err != nil {
			t.Fatalf("a refused delete deleted a session: %v", err)
		}
	}
	res, body := ts.send("POST", "/api/remove", `{"path":"","force":true}`)
	expect(t, res, body, 200, "")
	if _, err := os.Stat(ts.dir); !os.IsNotExist(err) {
		t.Errorf("forced, the folder is still there: %v", err)
	}
}

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
