//go:build !js && !wasip1

package core

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// deadPid is the pid of a process of this machine that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// WriteNewFile takes no name before the content is whole: while it writes, the name is free (a process killed
// then leaves no empty file that blocks the next run), and a file that takes the name meanwhile is never
// replaced. A write that fails leaves nothing.
func TestWriteNewFileReservesNoName(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) (afero.Fs, string){
		"memory": func(t *testing.T) (afero.Fs, string) { return afero.NewMemMapFs(), "/out" },
		"disk":   func(t *testing.T) (afero.Fs, string) { return afero.NewOsFs(), t.TempDir() },
	} {
		t.Run(name, func(t *testing.T) {
			fsys, dir := open(t)
			must(t, fsys.MkdirAll(dir, 0o755))
			out := filepath.Join(dir, "new.zip")
			err := WriteNewFile(fsys, out, func(w io.Writer) error {
				if ok, _ := afero.Exists(fsys, out); ok {
					t.Error("the name is taken while the content is written")
				}
				_, err := io.WriteString(w, "whole")
				return err
			})
			if got, _ := afero.ReadFile(fsys, out); err != nil || string(got) != "whole" {
				t.Fatalf("wrote %q, %v", got, err)
			}
			if names, _ := afero.ReadDir(fsys, dir); len(names) != 1 {
				t.Errorf("left beside it: %v", names)
			}

			// Another file takes the name while the content is written: it stays, and the write is refused.
			other := filepath.Join(dir, "other.zip")
			err = WriteNewFile(fsys, other, func(w io.Writer) error {
				return afero.WriteFile(fsys, other, []byte("theirs"), 0o644)
			})
			wantKind(t, err, KindConflict)
			if got, _ := afero.ReadFile(fsys, other); string(got) != "theirs" {
				t.Errorf("the other file now holds %q", got)
			}

			// The content fails: its error, and nothing left.
			broken := errors.New("cannot read the folder")
			if err := WriteNewFile(fsys, filepath.Join(dir, "broken.zip"), func(io.Writer) error { return broken }); err != broken {
				t.Errorf("got %v", err)
			}
			if names, _ := afero.ReadDir(fsys, dir); len(names) != 2 {
				t.Errorf("left: %v", names)
			}
		})
	}
}

// What a killed write left is removed when it is provably ours: its name records this machine and a process
// that is gone. A temporary file of a process that runs, of another machine, or of someone else is kept.
func TestStaleTempsOfDeadProcesses(t *testing.T) {
	dead := deadPid(t)
	ours := func(pid int, host string) string {
		return fmt.Sprintf(".new.zip%s%s-%d-0a1b2c", tempMark, host, pid)
	}
	old := time.Now().Add(-staleTempAge - time.Hour)
	files := map[string]bool{ // name → removed
		ours(dead, hostTag):         true,
		ours(os.Getpid(), hostTag):  false, // a write of this process, under way
		ours(os.Getppid(), hostTag): false, // a process that runs (go test)
		ours(dead, "0badc0de"):      false, // another machine's, on a shared folder
		".notes.tmp-1234":           false, // an earlier version's, or another program's: not in a folder of ours
		"new.zip":                   false,
	}
	for _, byAge := range []bool{false, true} {
		dir := t.TempDir()
		for name := range files {
			p := filepath.Join(dir, name)
			must(t, os.WriteFile(p, []byte("x"), 0o644))
			must(t, os.Chtimes(p, old, old))
		}
		removed := removeStaleTempsIn(afero.NewOsFs(), dir, byAge)
		for name, gone := range files {
			if byAge && strings.Contains(name, tempMark) && !strings.Contains(name, hostTag) {
				gone = true // in an app folder, a temporary file this old is a killed save's, whoever's
			}
			if _, err := os.Lstat(filepath.Join(dir, name)); (err != nil) != gone {
				t.Errorf("byAge %v: %s removed: %v, want %v", byAge, name, err != nil, gone)
			}
		}
		if removed == 0 {
			t.Errorf("byAge %v: removed nothing", byAge)
		}
	}
	// The next WriteNewFile in the folder removes it.
	dir := t.TempDir()
	left := filepath.Join(dir, ours(dead, hostTag))
	must(t, os.WriteFile(left, []byte(strings.Repeat("x", 1<<20)), 0o644))
	must(t, WriteNewFile(afero.NewOsFs(), filepath.Join(dir, "new.zip"), func(w io.Writer) error { return nil }))
	if _, err := os.Lstat(left); err == nil {
		t.Error("the temporary file of a dead process is still there")
	}
}
