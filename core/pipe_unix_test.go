//go:build unix

package core

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/internal/coretest"
)

// A session file swapped for a named pipe between the moment it is looked at (listed, or lstat'ed) and the
// moment it is opened is refused, never waited on: opening a pipe the usual way waits for a writer, and
// whatever the reader holds meanwhile (the workspace, a request) is held forever. swapOnOpen makes the swap
// happen exactly there, on every open of the file; each operation gets a few seconds, and a pipe it waits on is
// released (a writer opens it) so that the test ends.
func TestFileSwappedForAPipeIsNotWaitedOn(t *testing.T) {
	const p = "com.a/abcd"
	content := session("", "com.a", "abcd", "pending")
	for _, op := range []struct {
		name string
		do   func(fsys afero.Fs, dir string) error
	}{
		{"ReadFile", func(fsys afero.Fs, dir string) error { _, _, err := ReadFile(fsys, dir, p, 1<<20); return err }},
		{"WriteFile", func(fsys afero.Fs, dir string) error {
			_, err := WriteFile(fsys, dir, p, []byte("{}"), WriteOptions{IfMatch: ETag([]byte(content))})
			return err
		}},
		{"Delete", func(fsys afero.Fs, dir string) error { return Delete(fsys, dir, p, ETag([]byte(content)), 0) }},
		{"SetStatus", func(fsys afero.Fs, dir string) error {
			_, err := SetStatus(fsys, dir, p, StatusAccepted, ETag([]byte(content)), 0)
			return err
		}},
		{"Check", func(fsys afero.Fs, dir string) error {
			rep, err := (&Checker{}).Check(context.Background(), fsys, dir, CheckOptions{})
			if err == nil && (len(rep.Errors) != 1 || rep.Errors[0].Code != CodeMalformed) {
				t.Errorf("Check: %+v, want a mobi 2 for the pipe", rep)
			}
			return err
		}},
	} {
		t.Run(op.name, func(t *testing.T) {
			dir := diskTree(t, map[string]string{p: content})
			target := filepath.Join(dir, "com.a", "abcd")
			fsys, release := swapOnOpen(t, target)
			done := make(chan error, 1)
			go func() { done <- op.do(fsys, dir) }()
			select {
			case err := <-done:
				if op.name != "Check" && KindOf(err) != KindInput && KindOf(err) != KindConflict {
					t.Errorf("%v (kind %q), want the pipe refused", err, KindOf(err))
				}
			case <-time.After(5 * time.Second):
				t.Errorf("still waiting on the pipe after 5 s")
				release()
				<-done
			}
		})
	}
}

var swapOnOpen = coretest.SwapOnOpen

// A zip named on a command line that is a named pipe, or becomes one between the moment it is looked at and
// the moment it is opened, is refused, never waited on: the CLI and the dev server would hang before reading
// anything, deaf to their own deadline and to SIGTERM.
func TestZipThatIsAPipeIsNotWaitedOn(t *testing.T) {
	for _, swapped := range []bool{false, true} {
		name := map[bool]string{false: "a pipe", true: "swapped for a pipe when opened"}[swapped]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "sessions.zip")
			var fsys afero.Fs = afero.NewOsFs()
			release := func() {
				if f, err := os.OpenFile(target, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
			}
			if swapped {
				if err := os.WriteFile(target, makeZip(t, zipEntry{Name: "MobileApps/com.a/abcd", Data: "{}"}), 0o644); err != nil {
					t.Fatal(err)
				}
				fsys, release = swapOnOpen(t, target)
			} else if err := syscall.Mkfifo(target, 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, _, err := OpenPath(fsys, target, DefaultZipLimits); done <- err }()
			select {
			case err := <-done:
				if KindOf(err) != KindInput || !strings.Contains(err.Error(), "not a regular file") {
					t.Errorf("%v (kind %q), want the pipe refused as not a regular file", err, KindOf(err))
				}
			case <-time.After(5 * time.Second):
				t.Errorf("still waiting on the pipe after 5 s")
				release()
				<-done
			}
		})
	}
}
