package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A folder that holds a path longer than the system reads (folders nested deeper than PATH_MAX allows) cannot
// be downloaded: the answer says so as a fault of what the folder holds (400), not of the server (500).
func TestDownloadOfAFolderTooDeep(t *testing.T) {
	ts := startFolder(t, Config{})
	fd, err := syscall.Open(filepath.Join(ts.dir, contactApp), syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.Repeat("d", 200)
	for range 30 { // 30 × 201 bytes: past PATH_MAX (4096); made one level at a time, relative to the last
		if err := syscall.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	syscall.Close(fd)
	res, body := ts.send("GET", "/api/download", "")
	expect(t, res, body, 400, "input")
}
