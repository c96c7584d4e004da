//go:build unix

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// A session file that keeps turning into a named pipe and back (atomic renames, as another process could do)
// while the page reads it: no read waits on the pipe, and the API stays up: every request is answered, and a
// refresh after them too. Before, one read waited in open(2) holding the workspace, and every call behind it.
func TestPipeSwappedInDoesNotFreezeTheServer(t *testing.T) {
	ts := startFolder(t, Config{})
	target := filepath.Join(ts.dir, contactPath)
	regular, pipe, tmp := filepath.Join(ts.dir, contactApp, ".reg"), filepath.Join(ts.dir, contactApp, ".fifo"), filepath.Join(ts.dir, contactApp, ".tmp")
	if err := os.Link(target, regular); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		for !stop.Load() {
			for _, src := range []string{pipe, regular} {
				os.Remove(tmp)
				if os.Link(src, tmp) == nil {
					os.Rename(tmp, target)
				}
			}
		}
	}()
	client := &http.Client{Timeout: 3 * time.Second}
	var hung atomic.Int32
	for round := 0; round < 40 && hung.Load() == 0; round++ {
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				res, err := client.Do(ts.request("GET", "/api/file?path="+contactPath, nil))
				if err != nil {
					hung.Add(1)
					return
				}
				res.Body.Close()
			})
		}
		wg.Wait()
	}
	stop.Store(true)
	<-swapped
	if n := hung.Load(); n > 0 {
		t.Errorf("%d reads got no answer within 3 s", n)
		for range 100 { // let whoever waits on a pipe go: a writer opens it
			if f, err := os.OpenFile(target, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
	}
	res, err := client.Do(ts.request("POST", "/api/refresh", nil))
	if err != nil {
		t.Fatalf("a refresh after the reads: %v", err)
	}
	res.Body.Close()
}
