package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/afero"
)

var update = flag.Bool("update", false, "rewrite the expected outputs (the files that cmp compares with) in testdata/*.txtar")

// TestMain makes the test binary the mobisess command of the scripts, as it is installed.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"mobisess": main})
}

// TestScripts runs each testdata/*.txtar with testscript: a folder tree in, a command line, its exit code and its
// exact output (cmp with the archive's stdout.txt and stderr.txt), and for the commands that write, the tree
// after. Besides testscript's own commands:
//
//	status CODE PROGRAM [ARGS...]   run PROGRAM, which must exit with CODE
//	unchanged                       the work folder is as it was before the last status: the command wrote nothing
//	mkzip ZIP DIR [ENTRY=FILE...]   build ZIP of the files under DIR, named from DIR, without directory entries
//	                                (as most zip tools write them), and FILE under the name ENTRY (such as ../x)
//	cmpline FILE WANT               FILE is WANT's one line without a line break after it, as 4D writes a
//	                                session file (an archive's file always ends with one)
//
// The environment holds no locale variables unless a script sets them; $VERSION is the command's version, $REPO
// the repository's folder, and the go command finds its caches offline.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                "testdata",
		UpdateScripts:      *update,
		RequireUniqueNames: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("VERSION", version())
			// For the scripts that build with the go command, as make does: the repository, and the caches
			// and toolchain of this test's go command (testscript's own environment has no HOME).
			repo, err := filepath.Abs("../..")
			if err != nil {
				return err
			}
			env.Setenv("REPO", repo)
			for _, v := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "GOTOOLCHAIN"} {
				out, err := exec.Command("go", "env", v).Output()
				if err != nil {
					return fmt.Errorf("go env %s: %v", v, err)
				}
				env.Setenv(v, strings.TrimSpace(string(out)))
			}
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOFLAGS", "-mod=readonly")
			env.Values[snapshotKey{}] = new(string)
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"status":    cmdStatus,
			"unchanged": cmdUnchanged,
			"mkzip":     cmdMkzip,
			"cmpline":   cmdCmpline,
		},
	})
}

// snapshotKey keeps, in a script's values, the work folder as it was before the last status.
type snapshotKey struct{}

func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	*ts.Value(snapshotKey{}).(*string) = snapshot(ts)
	got := 0
	var exit *exec.ExitError
	switch err := ts.Exec(args[1], args[2:]...); {
	case errors.As(err, &exit):
		got = exit.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

func cmdUnchanged(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: unchanged")
	}
	if before, after := *ts.Value(snapshotKey{}).(*string), snapshot(ts); before != after {
		ts.Fatalf("the command changed the files it read:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// snapshot lists every file of the work folder with its content, but testscript's own temporary folder.
func snapshot(ts *testscript.TestScript) string {
	work := ts.Getenv("WORK")
	var b strings.Builder
	err := filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(work, p)
		switch {
		case rel == ".tmp":
			return filepath.SkipDir
		case d.IsDir():
			fmt.Fprintf(&b, "%s/\n", rel)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %q\n", rel, data)
		return nil
	})
	ts.Check(err)
	return b.String()
}

func cmdMkzip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkzip ZIP DIR [ENTRY=FILE...]")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(entry, file string) {
		data, err := os.ReadFile(ts.MkAbs(file))
		ts.Check(err)
		w, err := zw.Create(entry)
		ts.Check(err)
		_, err = w.Write(data)
		ts.Check(err)
	}
	dir := ts.MkAbs(args[1])
	ts.Check(filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		add(filepath.ToSlash(rel), p)
		return nil
	}))
	for _, extra := range args[2:] {
		entry, file, ok := strings.Cut(extra, "=")
		if !ok {
			ts.Fatalf("mkzip: %q is not ENTRY=FILE", extra)
		}
		add(entry, file)
	}
	ts.Check(zw.Close())
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o644))
}

func cmdCmpline(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cmpline FILE WANT")
	}
	got, want := ts.ReadFile(args[0]), ts.ReadFile(args[1])
	if strings.Count(want, "\n") != 1 || !strings.HasSuffix(want, "\n") {
		ts.Fatalf("%s holds more than one line", args[1])
	}
	if want = strings.TrimSuffix(want, "\n"); got != want {
		ts.Fatalf("%s:\n%q\nwant %s, without a line break:\n%q", args[0], got, args[1], want)
	}
}

// rewriteFs is a disk on which another process rewrites one file just before its opening number at.
type rewriteFs struct {
	afero.Fs
	name    string
	at      int
	opens   int
	content string
}

func (f *rewriteFs) Open(name string) (afero.File, error) {
	if name == f.name {
		if f.opens++; f.opens == f.at {
			if err := afero.WriteFile(f.Fs, name, []byte(f.content), 0o644); err != nil {
				return nil, err
			}
		}
	}
	return f.Fs.Open(name)
}

// A write is refused, exit 2, when the file changed on disk between the read it was decided on and the write
// (which no script can time): the other process's content stays.
func TestWriteRefusedWhenTheFileChanged(t *testing.T) {
	const (
		file   = "/m/com.a/abcd"
		token  = "eyJhcHBOYW1lSUQiOiJjb20uYSIsImlkIjoiYWJjZCIsInRlYW1JRCI6IiJ9"
		before = `{"application":{"id":"com.a"},"session":{"id":"abcd"},"status":"Pending","token":"` + token + `"}`
		other  = `{"application":{"id":"com.a"},"session":{"id":"abcd"},"status":"accepted","token":"` + token + `"}`
	)
	tests := []struct {
		args   []string
		at     int // the open before which the file changes: the one of the write's own read
		stderr string
	}{
		{[]string{"accept", "--dir", "/m", "com.a/abcd"}, 2, "mobisess: /m: com.a/abcd: the file changed on disk since it was read\n"},
		{[]string{"delete", "--dir", "/m", "com.a/abcd"}, 2, "mobisess: /m: com.a/abcd: the file changed on disk since it was read\n"},
		{[]string{"fix", "/m"}, 3, "mobisess: a fix was refused: com.a/abcd: the file changed on disk since it was read\n"},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			mem := afero.NewMemMapFs()
			if err := afero.WriteFile(mem, file, []byte(before), 0o644); err != nil {
				t.Fatal(err)
			}
			fsys := &rewriteFs{Fs: mem, name: file, at: tt.at, content: other}
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stdout, &stderr, fsys); code != exitInput {
				t.Errorf("exit %d, want %d; stdout:\n%s", code, exitInput, stdout.String())
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.stderr)
			}
			if got, _ := afero.ReadFile(mem, file); string(got) != other {
				t.Errorf("the file holds %s, want the other process's", got)
			}
		})
	}
}
