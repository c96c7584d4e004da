package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A change made on disk behind the server's back is told to the engine as it is seen: the counts that the next
// answer of a change carries include it, though that change read only its own file.
func TestEngineToldOfDiskChanges(t *testing.T) {
	ts := startFolder(t, Config{})
	ev := ts.openEvents()
	summary := func(body []byte) (errors, files int) {
		var d struct {
			Delta struct {
				Summary struct {
					Errors int `json:"errors"`
					Files  int `json:"files"`
				} `json:"summary"`
			} `json:"delta"`
		}
		decodeJSON(t, body, &d)
		return d.Delta.Summary.Errors, d.Delta.Summary.Files
	}
	res, body := ts.send("POST", "/api/setStatus", `{"path":"`+contactPath+`","status":"pending"}`)
	expect(t, res, body, 200, "")
	errorsBefore, filesBefore := summary(body)

	broken := contactApp + "/0123456789abcdef0123456789abcdef01234567"
	if err := os.WriteFile(filepath.Join(ts.dir, broken), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "disk", newsWait, hasPath(broken))

	res, body = ts.send("POST", "/api/setStatus", `{"path":"`+contactPath+`","status":"accepted"}`)
	expect(t, res, body, 200, "")
	if errs, files := summary(body); errs != errorsBefore+1 || files != filesBefore+1 {
		t.Fatalf("after a broken file written on disk: %d errors in %d files, want %d in %d", errs, files, errorsBefore+1, filesBefore+1)
	}
}
