package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

var emailLine = regexp.MustCompile(`"email": "[^"]*"`)

// Many pages at once, 4D writing behind the server's back, auto-refresh on: run under -race. Every answer is
// a success or a clean 412, and every edit that succeeded is in the file at the end.
func TestConcurrentUse(t *testing.T) {
	ts := startFolder(t, Config{AutoRefresh: true, Poll: 20 * time.Millisecond})
	events := ts.openEvents()
	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	var mu sync.Mutex
	landed := map[string]bool{} // the last email that landed wins; each success is checked against the file
	var last string
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				switch i % 5 {
				case 0:
					if res, body := ts.send("GET", "/api/state", ""); res.StatusCode != 200 {
						errs <- fmt.Errorf("state: %d %s", res.StatusCode, body)
					}
				case 1:
					if res, body := ts.send("POST", "/api/refresh", "{}"); res.StatusCode != 200 {
						errs <- fmt.Errorf("refresh: %d %s", res.StatusCode, body)
					}
				case 2:
					// 4D rewrites another session at the same time.
					other := filepath.Join(ts.dir, "com.sample.myappname", "3C81A8D7AFE64C2E9CCFFCDC35DC52F5")
					data, _ := os.ReadFile(other)
					os.WriteFile(other, data, 0o644)
				default:
					email := fmt.Sprintf("w%d-%d@example.com", w, i)
					for attempt := 0; ; attempt++ {
						res, body := ts.send("GET", "/api/file?path="+contactPath, "")
						var f fileDoc
						if res.StatusCode != 200 || json.Unmarshal(body, &f) != nil {
							errs <- fmt.Errorf("read: %d %s", res.StatusCode, body)
							return
						}
						edited := emailLine.ReplaceAllString(f.Content, `"email": "`+email+`"`)
						mu.Lock() // the order of successes is the order of writes: keep the last under the lock
						res, body = ts.send("PUT", "/api/file?path="+contactPath, edited, "If-Match", `"`+f.ETag+`"`)
						if res.StatusCode == 200 {
							landed[email], last = true, email
						}
						mu.Unlock()
						if res.StatusCode == 200 {
							break
						}
						if res.StatusCode != 412 || attempt > 500 { // retried until it lands: a loaded machine makes many conflicts
							errs <- fmt.Errorf("write: %d %s", res.StatusCode, body)
							return
						}
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	data, _ := os.ReadFile(filepath.Join(ts.dir, contactPath))
	if want := `"email": "` + last + `"`; !regexp.MustCompile(regexp.QuoteMeta(want)).Match(data) {
		t.Fatalf("the file does not hold the last edit %q", last)
	}
	if len(landed) != workers*rounds*2/5 {
		t.Fatalf("%d edits landed, want %d", len(landed), workers*rounds*2/5)
	}
	events.next(t, "disk", newsWait, nil)
}
