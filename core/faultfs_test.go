package core

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// faultFs wraps an Fs with the faults of a real disk. Before each operation on a name, fault (when set) may
// fail it, or change the tree first as another process would (a file deleted or rewritten between the listing
// and the read). readDelay slows each read, as a network share does.
type faultFs struct {
	afero.Fs
	fault     func(op, name string) error
	readDelay func(name string) time.Duration
}

// The operations a fault can be attached to.
const (
	opOpen    = "open"    // Open: reading a file or listing a folder
	opLstat   = "lstat"   // LstatIfPossible
	opReaddir = "readdir" // File.Readdir
	opCreate  = "create"  // OpenFile for writing: the temporary file of an atomic write
	opWrite   = "write"   // File.Write
	opSync    = "sync"    // File.Sync
	opRename  = "rename"  // Rename (name is the target)
	opRemove  = "remove"  // Remove, RemoveAll
)

func (f *faultFs) check(op, name string) error {
	if f.fault == nil {
		return nil
	}
	return f.fault(op, filepath.ToSlash(filepath.Clean(name)))
}

func (f *faultFs) Open(name string) (afero.File, error) {
	if err := f.check(opOpen, name); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	file, err := f.Fs.Open(name)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, name: filepath.ToSlash(filepath.Clean(name))}, nil
}

func (f *faultFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	op := opOpen
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE) != 0 {
		op = opCreate
	}
	if err := f.check(op, name); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, name: filepath.ToSlash(filepath.Clean(name))}, nil
}

func (f *faultFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	if err := f.check(opLstat, name); err != nil {
		return nil, true, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	if l, ok := f.Fs.(afero.Lstater); ok {
		return l.LstatIfPossible(name)
	}
	info, err := f.Fs.Stat(name)
	return info, false, err
}

func (f *faultFs) Rename(oldname, newname string) error {
	if err := f.check(opRename, newname); err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return f.Fs.Rename(oldname, newname)
}

func (f *faultFs) Remove(name string) error {
	if err := f.check(opRemove, name); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return f.Fs.Remove(name)
}

func (f *faultFs) RemoveAll(name string) error {
	if err := f.check(opRemove, name); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return f.Fs.RemoveAll(name)
}

type faultFile struct {
	afero.File
	fs   *faultFs
	name string
}

func (f *faultFile) Read(p []byte) (int, error) {
	if f.fs.readDelay != nil {
		time.Sleep(f.fs.readDelay(f.name))
	}
	return f.File.Read(p)
}

func (f *faultFile) Readdir(n int) ([]os.FileInfo, error) {
	if err := f.fs.check(opReaddir, f.name); err != nil {
		return nil, &fs.PathError{Op: "readdirent", Path: f.name, Err: err}
	}
	return f.File.Readdir(n)
}

func (f *faultFile) Write(p []byte) (int, error) {
	if err := f.fs.check(opWrite, f.name); err != nil {
		n, _ := f.File.Write(p[:len(p)/2]) // half the bytes reach the disk before it is full
		return n, &fs.PathError{Op: "write", Path: f.name, Err: err}
	}
	return f.File.Write(p)
}

func (f *faultFile) Sync() error {
	if err := f.fs.check(opSync, f.name); err != nil {
		return &fs.PathError{Op: "sync", Path: f.name, Err: err}
	}
	return f.File.Sync()
}

// once makes a fault happen on the first operation op on name (or, for a name ending in "*", on a name with that
// prefix), running do first; later operations go through.
func once(op, name string, do func() error) func(string, string) error {
	var mu sync.Mutex
	done := false
	return func(o, n string) error {
		mu.Lock()
		defer mu.Unlock()
		prefix, wild := strings.CutSuffix(name, "*")
		if done || o != op || n != name && !(wild && strings.HasPrefix(n, prefix)) {
			return nil
		}
		done = true
		return do()
	}
}

func fail(err error) func() error { return func() error { return err } }

// both runs two faults: the first that fails an operation wins.
func both(a, b func(string, string) error) func(string, string) error {
	return func(op, name string) error {
		if err := a(op, name); err != nil {
			return err
		}
		return b(op, name)
	}
}

// The folder of the fault tests: two apps, three valid sessions, all loaded at start.
func faultTree(t *testing.T) afero.Fs {
	return memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "accepted"),
		"com.a/02": session("", "com.a", "02", "accepted"),
		"com.b/03": session("", "com.b", "03", "accepted"),
	})
}

// For each fault of a disk during a refresh, the report says what happened, the memory keeps what it should
// (an app folder that cannot be listed keeps its sessions: unknown is not deleted), and the decision for an
// unreadable file holds: it is mobi 2, as docs/rules.md says of a file that cannot be read, so its session is removed.
func TestRefreshUnderFaults(t *testing.T) {
	const a1, a2, b3 = "com.a/01", "com.a/02", "com.b/03"
	tests := []struct {
		name    string
		fault   func(mem afero.Fs) func(op, name string) error
		outcome map[string]string // path → outcome; unlisted paths are "unchanged"
		cause   string            // of the one error, when there is one
		skipped string            // "path kind: reason", when one entry is skipped
		memory  []string
	}{
		{
			name:    "permission denied on a file",
			fault:   func(afero.Fs) func(string, string) error { return once(opOpen, root+"/"+a1, fail(syscall.EACCES)) },
			outcome: map[string]string{a1: "removed invalid, error 2"},
			cause:   "the file cannot be read: " + syscall.EACCES.Error(),
			memory:  []string{a2, b3},
		},
		{
			name:    "permission denied on an app folder's listing",
			fault:   func(afero.Fs) func(string, string) error { return once(opOpen, root+"/com.a", fail(syscall.EACCES)) },
			outcome: map[string]string{a1: "", a2: ""},
			skipped: "com.a unreadable: the file cannot be read: open " + root + "/com.a: " + syscall.EACCES.Error(),
			memory:  []string{a1, a2, b3},
		},
		{
			name:    "an app folder's listing fails midway",
			fault:   func(afero.Fs) func(string, string) error { return once(opReaddir, root+"/com.a", fail(syscall.EIO)) },
			outcome: map[string]string{a1: "", a2: ""},
			skipped: "com.a unreadable: the file cannot be read: readdirent " + root + "/com.a: " + syscall.EIO.Error(),
			memory:  []string{a1, a2, b3},
		},
		{
			name: "a file vanishes between the listing and the read",
			fault: func(mem afero.Fs) func(string, string) error {
				return once(opOpen, root+"/"+a1, func() error { return mem.Remove(root + "/" + a1) })
			},
			outcome: map[string]string{a1: "removed deleted"},
			memory:  []string{a2, b3},
		},
		{
			name: "a file changes between the listing and the read",
			fault: func(mem afero.Fs) func(string, string) error {
				return once(opOpen, root+"/"+a1, func() error {
					return afero.WriteFile(mem, root+"/"+a1, []byte(session("", "com.a", "01", "pending")), 0o644)
				})
			},
			outcome: map[string]string{a1: "updated"},
			memory:  []string{a1, a2, b3},
		},
		{
			name: "a file becomes invalid between the listing and the read",
			fault: func(mem afero.Fs) func(string, string) error {
				return once(opOpen, root+"/"+a1, func() error { return afero.WriteFile(mem, root+"/"+a1, []byte("{"), 0o644) })
			},
			outcome: map[string]string{a1: "removed invalid, error 2"},
			cause:   "the file ends before the JSON is complete: a '}', ']' or '\"' is missing",
			memory:  []string{a2, b3},
		},
		{
			name: "an app folder replaced by a file between the listings",
			fault: func(mem afero.Fs) func(string, string) error {
				return once(opOpen, root+"/com.a", func() error {
					if err := mem.RemoveAll(root + "/com.a"); err != nil {
						return err
					}
					return afero.WriteFile(mem, root+"/com.a", []byte("a file"), 0o644)
				})
			},
			outcome: map[string]string{a1: "removed deleted", a2: "removed deleted"},
			skipped: "com.a root-file: a file at the root is not a session",
			memory:  []string{b3},
		},
		{
			name: "a session file replaced by a folder between the listing and the read",
			fault: func(mem afero.Fs) func(string, string) error {
				return once(opLstat, root+"/"+a1, func() error {
					if err := mem.Remove(root + "/" + a1); err != nil {
						return err
					}
					return mem.Mkdir(root+"/"+a1, 0o755)
				})
			},
			outcome: map[string]string{a1: "removed invalid, error 2"},
			cause:   "the file cannot be read: not a regular file",
			memory:  []string{a2, b3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			mem := faultTree(t)
			reg := NewRegistry(nil)
			if _, err := reg.Load(ctx, mem, root, CheckOptions{}); err != nil || reg.Len() != 3 {
				t.Fatalf("load: %v, %d sessions", err, reg.Len())
			}
			fsys := &faultFs{Fs: mem, fault: tt.fault(mem)}
			// RefreshChecked rather than Refresh, to see the disk's report too. The fault happens once: a second
			// pass would not see it.
			rep, disk, err := reg.RefreshChecked(ctx, fsys, root, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{a1, a2, b3} {
				want, ok := tt.outcome[p]
				if !ok {
					want = "unchanged"
				}
				if got := outcome(rep, p); got != want {
					t.Errorf("%s: %q, want %q", p, got, want)
				}
			}
			switch {
			case tt.cause == "" && len(rep.Errors) != 0:
				t.Errorf("errors %v", rep.Errors)
			case tt.cause != "" && (len(rep.Errors) != 1 || rep.Errors[0].Cause.String() != tt.cause || len(disk.Errors) != 1):
				t.Errorf("errors %v (the disk's report: %d), want one: %s", rep.Errors, len(disk.Errors), tt.cause)
			}
			var skipped []string
			for _, s := range disk.Skipped {
				skipped = append(skipped, s.Path+" "+string(s.Kind)+": "+s.Reason.String())
			}
			if want := []string{tt.skipped}; tt.skipped == "" && len(skipped) != 0 || tt.skipped != "" && !reflect.DeepEqual(skipped, want) {
				t.Errorf("skipped %q, want %q", skipped, tt.skipped)
			}
			var memory []string
			for _, s := range reg.Sessions() {
				memory = append(memory, s.Path)
			}
			if !reflect.DeepEqual(memory, tt.memory) {
				t.Errorf("memory %q, want %q", memory, tt.memory)
			}
		})
	}
}

// A full disk (ENOSPC while writing the temporary file, syncing it, or renaming it over the old file), or a
// folder that refuses writes: the write fails with the disk's own words, the old file is intact, no temporary
// file is left, and the memory is untouched.
func TestWriteUnderFaults(t *testing.T) {
	const p = "com.a/01"
	old := session("", "com.a", "01", "pending")
	tmp := root + "/com.a/.01.tmp-*"
	tests := []struct {
		name  string
		fault func(string, string) error
		says  string
	}{
		{"disk full while writing", once(opWrite, tmp, fail(syscall.ENOSPC)), syscall.ENOSPC.Error()},
		{"disk full while syncing", once(opSync, tmp, fail(syscall.ENOSPC)), syscall.ENOSPC.Error()},
		{"disk full while renaming", once(opRename, root+"/"+p, fail(syscall.ENOSPC)), syscall.ENOSPC.Error()},
		{"the folder refuses new files", once(opCreate, tmp, fail(syscall.EACCES)), syscall.EACCES.Error()},
		{"disk full, and the temporary file cannot be removed", both(once(opWrite, tmp, fail(syscall.ENOSPC)), once(opRemove, tmp, fail(syscall.EIO))),
			syscall.ENOSPC.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memTree(t, map[string]string{p: old})
			fsys := &faultFs{Fs: mem, fault: tt.fault}
			reg := NewRegistry(nil)
			if _, err := reg.Load(context.Background(), fsys, root, CheckOptions{}); err != nil {
				t.Fatal(err)
			}
			_, err := SetStatus(fsys, root, p, StatusAccepted, ETag([]byte(old)), 0)
			if KindOf(err) != KindInternal || err.Error() != p+": "+tt.says {
				t.Fatalf("got %v, want an error that names the file and says %q", err, tt.says)
			}
			got := tree(t, mem, root)
			for name := range got {
				if strings.Contains(name, ".tmp-") && !strings.Contains(tt.name, "cannot be removed") {
					t.Errorf("a temporary file is left: %s", name)
				}
			}
			// A temporary file that could not be removed is hidden: the checks skip it, as they skip any dot file.
			if rep, err := reg.Refresh(context.Background(), fsys, root, CheckOptions{}); err != nil || len(rep.Errors) != 0 || outcome(rep, p) != "unchanged" {
				t.Errorf("refresh after the fault: %v %+v", err, rep)
			}
			if got[p] != old {
				t.Errorf("the old file is now %q", got[p])
			}
			if m := memoryOf(reg); !reflect.DeepEqual(m, []memoryLine{{p, StatusPending}}) {
				t.Errorf("memory %v", m)
			}
			// Once the disk has room again, the same write goes through.
			if _, err := SetStatus(fsys, root, p, StatusAccepted, ETag([]byte(old)), 0); err != nil {
				t.Errorf("the write after the fault: %v", err)
			}
		})
	}
	t.Run("a delete that is refused", func(t *testing.T) {
		mem := memTree(t, map[string]string{p: old})
		fsys := &faultFs{Fs: mem, fault: once(opRemove, root+"/"+p, fail(syscall.EACCES))}
		err := Delete(fsys, root, p, "", 0)
		if KindOf(err) != KindInternal || err.Error() != p+": "+syscall.EACCES.Error() {
			t.Errorf("got %v", err)
		}
		if got := tree(t, mem, root); got[p] != old {
			t.Errorf("the file is now %q", got[p])
		}
	})
}

// A slow disk (up to 5 ms a read, a different delay for each file so that the parallel reads finish out of
// order) changes nothing: the same report, errors raised in path order, nothing times out.
func TestRefreshOnASlowDisk(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 24; i++ {
		app := []string{"com.a", "com.b", "com.c"}[i%3]
		id := strings.Repeat(string("0123456789abcdef"[i%16]), 2) + string("0123456789abcdef"[i/16])
		files[app+"/"+id] = session("", app, id, "pending")
		if i%5 == 0 {
			files[app+"/"+id] = `{"broken": `
		}
	}
	run := func(delay func(string) time.Duration) (string, []string) {
		ctx := context.Background()
		mem := memTree(t, files)
		reg := NewRegistry(nil)
		if _, err := reg.Load(ctx, mem, root, CheckOptions{}); err != nil {
			t.Fatal(err)
		}
		for name, content := range files {
			if strings.Contains(content, "pending") {
				writeTree(t, mem, root, name, []byte(strings.Replace(content, "pending", "accepted", 1)))
			}
		}
		var raised []string
		rep, err := reg.Refresh(ctx, &faultFs{Fs: mem, readDelay: delay}, root, CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range rep.Errors {
			raised = append(raised, e.Path)
		}
		out, _ := json.Marshal(rep)
		return string(out), raised
	}
	fast, fastRaised := run(nil)
	slow, slowRaised := run(func(name string) time.Duration {
		h := fnv.New32a()
		h.Write([]byte(name))
		return time.Duration(h.Sum32()%6) * time.Millisecond
	})
	if slow != fast {
		t.Errorf("on a slow disk the report is\n%s\nwant\n%s", slow, fast)
	}
	if !reflect.DeepEqual(slowRaised, fastRaised) || len(slowRaised) != 5 {
		t.Errorf("errors raised in the order %q, want %q", slowRaised, fastRaised)
	}
	assertSorted(t, "errors raised", len(slowRaised), func(i int) string { return slowRaised[i] })
	if !strings.Contains(slow, `"updated":[{`) {
		t.Errorf("the report updates nothing: %s", slow)
	}
}
