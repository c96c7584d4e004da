package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the exit code, stdout and stderr expected by testdata/*.txtar")

// TestScripts runs each testdata/*.txtar: a command line (section "cmd") run in a folder that holds the
// archive's other files, with its expected exit code ("exit"), standard output ("stdout") and standard error
// ("stderr"); an absent output section means nothing is printed there.
//
// Files are written as they are named. A name ending in "/" is an empty folder. A name under "NAME.zip/" is an
// entry of the zip NAME.zip, which the test builds (without directory entries, as most zip tools write them).
// Section "env" holds VAR=value lines; the locale variables are empty unless it sets them.
// In outputs, $WORK stands for the folder the command runs in.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.txtar")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			abs, err := filepath.Abs(file)
			if err != nil {
				t.Fatal(err)
			}
			runScript(t, abs)
		})
	}
}

var sections = map[string]bool{"cmd": true, "exit": true, "stdout": true, "stderr": true, "env": true}

func runScript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse(data)
	cmdLine, ok := get(ar, "cmd")
	if !ok {
		t.Fatal("no cmd section")
	}
	args, err := splitArgs(strings.TrimSpace(string(cmdLine)))
	if err != nil {
		t.Fatal(err)
	}

	work := t.TempDir()
	if err := writeTree(work, ar); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"MOBISESS_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR"} {
		t.Setenv(v, "")
	}
	if env, ok := get(ar, "env"); ok {
		for _, l := range strings.Split(strings.TrimSpace(string(env)), "\n") {
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				t.Fatalf("env: %q is not VAR=value", l)
			}
			t.Setenv(k, v)
		}
	}
	t.Chdir(work)
	before := snapshot(t, work)

	var stdout, stderr bytes.Buffer
	var code int
	stray := captureProcessOutput(t, func() {
		code = run(context.Background(), args, &stdout, &stderr, afero.NewOsFs())
	})
	if stray != "" {
		t.Errorf("run wrote to the process's own stdout or stderr, not to the writers it was given:\n%s", stray)
	}

	if after := snapshot(t, work); after != before {
		t.Errorf("the command changed the files it read:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	gotOut, gotErr := normalize(stdout.String(), work), normalize(stderr.String(), work)
	// The writers are buffers, not terminals: no colour, no progress line.
	for name, s := range map[string]string{"stdout": gotOut, "stderr": gotErr} {
		if strings.Contains(s, "\x1b") {
			t.Errorf("%s holds an ANSI escape code, though it is not a terminal:\n%q", name, s)
		}
	}

	if *update {
		set(ar, "exit", []byte(strconv.Itoa(code)+"\n"))
		set(ar, "stdout", []byte(gotOut))
		set(ar, "stderr", []byte(gotErr))
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantExit, ok := get(ar, "exit")
	if !ok {
		t.Fatal("no exit section (run with -update to write it)")
	}
	if want, err := strconv.Atoi(strings.TrimSpace(string(wantExit))); err != nil {
		t.Fatalf("exit: %v", err)
	} else if code != want {
		t.Errorf("exit code %d, want %d", code, want)
	}
	wantOut, _ := get(ar, "stdout")
	wantErr, _ := get(ar, "stderr")
	compare(t, "stdout", gotOut, string(wantOut))
	compare(t, "stderr", gotErr, string(wantErr))
}

// captureProcessOutput runs f with os.Stdout and os.Stderr sent to a file, and returns what was written there.
func captureProcessOutput(t *testing.T, f func()) string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "stray")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = tmp, tmp
	defer func() { os.Stdout, os.Stderr = stdout, stderr }()
	f()
	data, err := os.ReadFile(tmp.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func get(ar *txtar.Archive, name string) ([]byte, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// set replaces the named section's data, or adds the section at the end; no data removes it.
func set(ar *txtar.Archive, name string, data []byte) {
	for i, f := range ar.Files {
		if f.Name == name {
			if len(data) == 0 {
				ar.Files = append(ar.Files[:i], ar.Files[i+1:]...)
			} else {
				ar.Files[i].Data = data
			}
			return
		}
	}
	if len(data) > 0 {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
	}
}

// writeTree writes the archive's files under dir and builds its zips.
func writeTree(dir string, ar *txtar.Archive) error {
	zips := map[string]*zip.Writer{}
	bufs := map[string]*bytes.Buffer{}
	var order []string
	for _, f := range ar.Files {
		if sections[f.Name] {
			continue
		}
		if i := strings.Index(f.Name, ".zip/"); i >= 0 {
			name, entry := f.Name[:i+len(".zip")], f.Name[i+len(".zip/"):]
			zw := zips[name]
			if zw == nil {
				bufs[name] = &bytes.Buffer{}
				zw = zip.NewWriter(bufs[name])
				zips[name] = zw
				order = append(order, name)
			}
			w, err := zw.Create(entry)
			if err != nil {
				return err
			}
			if _, err := w.Write(f.Data); err != nil {
				return err
			}
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if strings.HasSuffix(f.Name, "/") {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, f.Data, 0o644); err != nil {
			return err
		}
	}
	for _, name := range order {
		if err := zips[name].Close(); err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, bufs[name].Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// snapshot lists every file under dir with its content, to show that a command wrote nothing.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
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
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func normalize(s, work string) string {
	if real, err := filepath.EvalSymlinks(work); err == nil && real != work {
		s = strings.ReplaceAll(s, real, "$WORK")
	}
	s = strings.ReplaceAll(s, work, "$WORK")
	return strings.ReplaceAll(s, "mobisess "+version()+"\n", "mobisess $VERSION\n")
}

func compare(t *testing.T, name, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
		i++
	}
	line := func(l []string) string {
		if i < len(l) {
			return strconv.Quote(l[i])
		}
		return "(end)"
	}
	t.Errorf("%s differs from line %d:\n got: %s\nwant: %s\nall of %s:\n%s", name, i+1, line(gl), line(wl), name, got)
}

// splitArgs splits a command line into words; single or double quotes keep spaces in a word.
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote in %q", s)
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, nil
}

func TestSplitArgs(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"check", []string{"check"}},
		{"check  --format json\ttree", []string{"check", "--format", "json", "tree"}},
		{`check 'My Apps' "a b"`, []string{"check", "My Apps", "a b"}},
		{`check ''`, []string{"check", ""}},
	} {
		got, err := splitArgs(c.in)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) || len(got) != len(c.want) {
			t.Errorf("splitArgs(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := splitArgs(`check 'open`); err == nil {
		t.Error("an unclosed quote is accepted")
	}
}
