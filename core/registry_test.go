package core

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"
)

// outcome says in one word what a refresh did with a path.
func outcome(rep *RefreshReport, path string) string {
	var out []string
	for _, u := range rep.Updated {
		if u.Path == path {
			out = append(out, "updated")
		}
	}
	for _, p := range rep.Unchanged {
		if p.Path == path {
			out = append(out, "unchanged")
		}
	}
	for _, p := range rep.NotLoaded {
		if p.Path == path {
			out = append(out, "notLoaded")
		}
	}
	for _, r := range rep.Removed {
		if r.Path == path {
			out = append(out, "removed "+r.Reason)
		}
	}
	for _, e := range rep.Errors {
		if e.Path == path {
			out = append(out, fmt.Sprintf("error %d", e.Code))
		}
	}
	return strings.Join(out, ", ")
}

// TestRefreshTable is the table of docs/rules.md, "what a refresh does", one row per line, for one session
// file. Preview announces the same and changes nothing.
func TestRefreshTable(t *testing.T) {
	const app, id = "com.a", "abcd"
	p := app + "/" + id
	valid := session("", "com.a", id, "pending")
	accepted := session("", "com.a", id, "accepted")
	invalid := session("", "com.a", id, "Accepted")
	reindented := strings.ReplaceAll(strings.ReplaceAll(valid, "{", "{\r\n\t"), ",", ",\r\n\t")
	tests := []struct {
		name          string
		before, after map[string]string // nil after: the root is gone
		want          string
		inMemory      string // the session's status in memory after the refresh; "" when absent
	}{
		{"passes, content differs, in memory: updated", map[string]string{p: valid}, map[string]string{p: accepted}, "updated", "accepted"},
		{"passes, same bytes, in memory: unchanged", map[string]string{p: valid}, map[string]string{p: valid}, "unchanged", "pending"},
		{"passes, same content re-indented, in memory: unchanged", map[string]string{p: valid}, map[string]string{p: reindented}, "unchanged", "pending"},
		{"passes, not in memory: not loaded", map[string]string{}, map[string]string{p: valid}, "notLoaded", ""},
		{"passes, was invalid at start: not loaded", map[string]string{p: invalid}, map[string]string{p: valid}, "notLoaded", ""},
		{"fails a check, in memory: removed and raised", map[string]string{p: valid}, map[string]string{p: invalid}, "removed invalid, error 3", ""},
		{"fails a check, not in memory: raised", map[string]string{}, map[string]string{p: invalid}, "error 3", ""},
		{"file gone, in memory: removed", map[string]string{p: valid}, map[string]string{app + "/": ""}, "removed deleted", ""},
		{"app folder gone, in memory: removed", map[string]string{p: valid}, map[string]string{}, "removed deleted", ""},
		{"root gone, in memory: removed, no error", map[string]string{p: valid}, nil, "removed deleted", ""},
		{"file gone, not in memory: nothing", map[string]string{p: invalid}, map[string]string{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			reg := NewRegistry(nil)
			if _, err := reg.Load(ctx, memTree(t, tt.before), root, CheckOptions{}); err != nil {
				t.Fatal(err)
			}
			loaded := memoryOf(reg)
			after := memTree(t, tt.after)
			if tt.after == nil {
				after = afero.NewMemMapFs()
			}
			preview, disk, err := reg.Preview(ctx, after, root, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := outcome(preview, p); got != tt.want {
				t.Errorf("Preview: %q, want %q", got, tt.want)
			}
			if disk == nil || len(disk.Errors) != len(preview.Errors) {
				t.Errorf("Preview's check report: %+v", disk)
			}
			if got := memoryOf(reg); !reflect.DeepEqual(got, loaded) {
				t.Errorf("Preview changed the memory: %v, was %v", got, loaded)
			}
			rep, err := reg.Refresh(ctx, after, root, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := outcome(rep, p); got != tt.want {
				t.Errorf("Refresh: %q, want %q", got, tt.want)
			}
			status := ""
			if s := reg.Sessions(); len(s) == 1 {
				status = s[0].Status
			}
			if status != tt.inMemory {
				t.Errorf("in memory after the refresh: %q, want %q", status, tt.inMemory)
			}
		})
	}
}

// Load keeps every file that passes all four checks, and only those; a second Load starts again from disk.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	fsys := memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "accepted"),
		"com.a/02": session("", "com.a", "02", "pending"),
		"com.a/03": session("", "com.a", "03", "Accepted"),
		"com.a/04": "{",
	})
	reg := NewRegistry(nil)
	rep, err := reg.Load(ctx, fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := memoryOf(reg); !reflect.DeepEqual(got, []memoryLine{{"com.a/01", "accepted"}, {"com.a/02", "pending"}}) {
		t.Errorf("memory %v", got)
	}
	if len(rep.Errors) != 2 || len(rep.Sessions) != 2 {
		t.Errorf("report: %d errors, %d sessions", len(rep.Errors), len(rep.Sessions))
	}
	if err := fsys.Remove(root + "/com.a/01"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Load(ctx, fsys, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := memoryOf(reg); !reflect.DeepEqual(got, []memoryLine{{"com.a/02", "pending"}}) {
		t.Errorf("memory after a second load %v", got)
	}
}

// A file whose bytes are those in memory is not parsed again. To see it, the checker's schema is swapped for
// one that rejects every file: the untouched file stays unchanged, the edited one is rejected.
func TestRefreshSkipsUnchangedBytes(t *testing.T) {
	ctx := context.Background()
	fsys := memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "pending"),
		"com.a/02": session("", "com.a", "02", "pending"),
	})
	reg := NewRegistry(&Checker{})
	if _, err := reg.Load(ctx, fsys, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	rejectAll, err := CompileSchema("reject", []byte(`{"required": ["nothing-has-this"]}`))
	if err != nil {
		t.Fatal(err)
	}
	reg.checker = NewChecker(CheckerOptions{Schema: rejectAll}) // the next refresh checks with another schema
	if err := afero.WriteFile(fsys, root+"/com.a/02", []byte(session("", "com.a", "02", "accepted")), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcome(rep, "com.a/01"); got != "unchanged" {
		t.Errorf("same bytes: %q, want unchanged (the file was parsed again)", got)
	}
	if got := outcome(rep, "com.a/02"); got != "removed invalid, error 3" {
		t.Errorf("changed bytes: %q, want removed by the new schema", got)
	}
}

// Readers never see half a refresh: while goroutines load the "before" folder and refresh on the "after" one,
// every read of the memory is the whole before-set or the whole after-set, and every report is one of the
// two that those states give. Run with -race.
func TestRefreshConcurrent(t *testing.T) {
	ctx := context.Background()
	before := memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "pending"),
		"com.a/02": session("", "com.a", "02", "pending"),
		"com.b/03": session("", "com.b", "03", "accepted"),
		"com.b/04": session("", "com.b", "04", "accepted"),
	})
	after := memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "accepted"),
		"com.a/02": session("", "com.a", "02", "accepted"),
		"com.b/03": session("", "com.b", "03", "Accepted"),
	})
	beforeSet := []memoryLine{{"com.a/01", "pending"}, {"com.a/02", "pending"}, {"com.b/03", "accepted"}, {"com.b/04", "accepted"}}
	afterSet := []memoryLine{{"com.a/01", "accepted"}, {"com.a/02", "accepted"}}
	reg := NewRegistry(nil)
	if _, err := reg.Load(ctx, before, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	fromBefore, err := reg.Refresh(ctx, after, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fromAfter, err := reg.Refresh(ctx, after, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reports := map[string]bool{string(marshalGolden(t, fromBefore)): true, string(marshalGolden(t, fromAfter)): true}
	if len(reports) != 2 {
		t.Fatal("the two states give the same report: the test could not tell them apart")
	}

	const rounds = 60
	var wg sync.WaitGroup
	fail := make(chan string, 100)
	report := func(format string, args ...any) {
		select {
		case fail <- fmt.Sprintf(format, args...):
		default:
		}
	}
	for g := 0; g < 2; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if _, err := reg.Load(ctx, before, root, CheckOptions{}); err != nil {
					report("Load: %v", err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				rep, err := reg.Refresh(ctx, after, root, CheckOptions{})
				if err != nil {
					report("Refresh: %v", err)
				} else if !reports[string(marshalGolden(t, rep))] {
					report("a refresh reported neither state's report:\n%s", marshalGolden(t, rep))
				}
			}
		}()
	}
	for g := 0; g < 3; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds*4; i++ {
				got := memoryOf(reg)
				if !reflect.DeepEqual(got, beforeSet) && !reflect.DeepEqual(got, afterSet) {
					report("a reader saw %v", got)
				}
				if n := reg.Len(); n != len(beforeSet) && n != len(afterSet) {
					report("a reader counted %d sessions", n)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				rep, _, err := reg.Preview(ctx, after, root, nil)
				if err != nil {
					report("Preview: %v", err)
				} else if !reports[string(marshalGolden(t, rep))] {
					report("a preview reported neither state's report:\n%s", marshalGolden(t, rep))
				}
			}
		}()
	}
	wg.Wait()
	close(fail)
	for msg := range fail {
		t.Error(msg)
	}
}

// An app folder that cannot be listed keeps its sessions: they are unknown, not deleted.
func TestRefreshUnreadableFolder(t *testing.T) {
	ctx := context.Background()
	mem := memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "pending"),
		"com.b/02": session("", "com.b", "02", "pending"),
	})
	reg := NewRegistry(nil)
	if _, err := reg.Load(ctx, mem, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	fsys := &faultyFs{Fs: mem, readDirErr: map[string]error{root + "/com.a": errDisk}}
	if err := afero.WriteFile(mem, root+"/com.b/02", []byte(session("", "com.b", "02", "accepted")), 0o644); err != nil {
		t.Fatal(err)
	}
	preview, disk, err := reg.Preview(ctx, fsys, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(preview.Removed) != 0 || outcome(preview, "com.b/02") != "updated" {
		t.Errorf("preview %+v", preview)
	}
	if len(disk.Skipped) != 1 || disk.Skipped[0].Kind != SkipUnreadable || disk.Skipped[0].Path != "com.a" {
		t.Errorf("skipped %+v", disk.Skipped)
	}
	rep, err := reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 0 || len(rep.Errors) != 0 || outcome(rep, "com.b/02") != "updated" {
		t.Errorf("report %+v", rep)
	}
	if !reflect.DeepEqual(preview, rep) {
		t.Errorf("the preview announced %+v, the refresh did %+v", preview, rep)
	}
	if got := memoryOf(reg); !reflect.DeepEqual(got, []memoryLine{{"com.a/01", "pending"}, {"com.b/02", "accepted"}}) {
		t.Errorf("memory %v", got)
	}
}

// A file listed but gone when read was deleted meanwhile: its session is removed, and it is no error.
func TestRefreshVanishedFile(t *testing.T) {
	ctx := context.Background()
	mem := memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "pending"),
		"com.a/02": session("", "com.a", "02", "pending"),
	})
	reg := NewRegistry(nil)
	if _, err := reg.Load(ctx, mem, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	fsys := &faultyFs{Fs: mem, openErr: map[string]error{root + "/com.a/01": fs.ErrNotExist}}
	rep, err := reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcome(rep, "com.a/01"); got != "removed deleted" {
		t.Errorf("vanished file: %q, want removed deleted", got)
	}
	if got := memoryOf(reg); !reflect.DeepEqual(got, []memoryLine{{"com.a/02", "pending"}}) {
		t.Errorf("memory %v", got)
	}
}

// A root that cannot be read changes nothing: better stale than wrongly empty.
func TestRefreshUnreadableRoot(t *testing.T) {
	ctx := context.Background()
	mem := memTree(t, map[string]string{"com.a/01": session("", "com.a", "01", "pending")})
	reg := NewRegistry(nil)
	if _, err := reg.Load(ctx, mem, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	fsys := &faultyFs{Fs: mem, readDirErr: map[string]error{root: errDisk}}
	if rep, err := reg.Refresh(ctx, fsys, root, CheckOptions{}); !errors.Is(err, errDisk) {
		t.Errorf("Refresh = %+v, %v; want the disk error", rep, err)
	}
	if reg.Len() != 1 {
		t.Errorf("the memory changed: %v", memoryOf(reg))
	}
}

// A refresh of some paths alone reads and acts on those: the sessions there are updated or dropped, and the
// rest of the memory stays as it was, even where the folder changed (its caller knows it did not).
func TestRefreshPaths(t *testing.T) {
	ctx := context.Background()
	fsys := memTree(t, map[string]string{
		"com.a/01": session("", "com.a", "01", "pending"),
		"com.a/02": session("", "com.a", "02", "pending"),
		"com.a/03": session("", "com.a", "03", "pending"),
		"com.b/04": session("", "com.b", "04", "pending"),
		"com.b/05": session("", "com.b", "05", "pending"),
	})
	reg := NewRegistry(nil)
	if _, err := reg.Load(ctx, fsys, root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"com.a/01", "com.a/02", "com.b/04"} {
		if err := afero.WriteFile(fsys, root+"/"+p, []byte(session("", strings.Split(p, "/")[0], p[6:], "accepted")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"com.a/03", "com.b/05"} {
		if err := fsys.Remove(root + "/" + p); err != nil {
			t.Fatal(err)
		}
	}
	rep, disk, err := reg.RefreshPaths(ctx, fsys, root, []string{"com.a/02", "com.a/03", "com.b"}, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"com.a/01": "", "com.a/02": "updated", "com.a/03": "removed deleted", "com.b/04": "updated", "com.b/05": "removed deleted"} {
		if got := outcome(rep, path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	if len(disk.Sessions) != 2 {
		t.Errorf("the check of the paths: %d sessions, want 2", len(disk.Sessions))
	}
	want := []memoryLine{{"com.a/01", "pending"}, {"com.a/02", "accepted"}, {"com.b/04", "accepted"}}
	if got := memoryOf(reg); !reflect.DeepEqual(got, want) {
		t.Errorf("memory %v, want %v", got, want)
	}
	if rep, _, err = reg.RefreshPaths(ctx, fsys, root, nil, CheckOptions{}); err != nil || len(rep.Updated)+len(rep.Unchanged)+len(rep.Removed) != 0 {
		t.Errorf("no paths: %+v, %v", rep, err)
	}
	if got := memoryOf(reg); !reflect.DeepEqual(got, want) {
		t.Errorf("memory after a refresh of no path %v, want %v", got, want)
	}
}
