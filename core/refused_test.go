//go:build !js

// A write that is refused changes nothing, on every file system a workspace works on: in memory, in a zip's
// overlay and on a real disk (which Node-hosted wasm has not).

package core

import (
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"
)

// A save over the size limit is refused before anything is written, as a save under it: the file keeps its
// bytes, and the ETag the caller held still saves it.
func TestWriteOverLimitIsNotWritten(t *testing.T) {
	const p = "com.a/abcd"
	for _, opts := range []WriteOptions{{IfMatch: ETag([]byte("{}"))}, {Force: true}} {
		fsys := memTree(t, map[string]string{p: "{}"})
		_, err := WriteFile(fsys, root, p, []byte(`{"pad":"`+strings.Repeat("x", 100)+`"}`), WriteOptions{IfMatch: opts.IfMatch, Force: opts.Force, MaxFileSize: 64})
		if KindOf(err) != KindInput || !strings.Contains(err.Error(), "over the 64 B limit: nothing was written") {
			t.Fatalf("got %v", err)
		}
		assertTree(t, fsys, map[string]string{"com.a/": "", p: "{}"})
		if _, err := WriteFile(fsys, root, p, []byte(`{"v":1}`), WriteOptions{IfMatch: ETag([]byte("{}")), MaxFileSize: 64}); err != nil {
			t.Errorf("the ETag read before: %v", err)
		}
	}
}

// A create that fails (a name no file system takes, a full disk) leaves no app folder behind, nor the root it
// made again; a folder that was there stays.
func TestFailedCreateLeavesNoFolder(t *testing.T) {
	long := strings.Repeat("a", 300)
	fsys := memTree(t, nil)
	_, err := CreateSession(fsys, root, NewSession{ApplicationID: "com.long.App", TeamID: "LONG000000", ID: long})
	if KindOf(err) != KindInput || !strings.Contains(err.Error(), "a name of 300 bytes, over the 255") {
		t.Fatalf("got %v", err)
	}
	assertTree(t, fsys, map[string]string{})

	for name, fault := range map[string]func() func(string, string) error{
		"disk full":                     func() func(string, string) error { return once(opWrite, root+"/com.new.App/.*", fail(syscall.ENOSPC)) },
		"disk full, syncing":            func() func(string, string) error { return once(opSync, root+"/com.new.App/.*", fail(syscall.ENOSPC)) },
		"the folder refuses new files":  func() func(string, string) error { return once(opCreate, root+"/com.new.App/.*", fail(syscall.EACCES)) },
		"the name is refused on rename": func() func(string, string) error { return once(opRename, root+"/com.new.App/*", fail(syscall.ENOSPC)) },
	} {
		t.Run(name, func(t *testing.T) {
			mem := memTree(t, map[string]string{"com.old.App/abcd": "{}"})
			_, err := CreateSession(&faultFs{Fs: mem, fault: fault()}, root, NewSession{ApplicationID: "com.new.App", OS: "Android"}) // no team: the folder com.new.App
			if err == nil {
				t.Fatal("the create went through")
			}
			assertTree(t, mem, map[string]string{"com.old.App/": "", "com.old.App/abcd": "{}"})
			// The root too, when the create made it again.
			mem = afero.NewMemMapFs()
			_, err = CreateSession(&faultFs{Fs: mem, fault: fault()}, root, NewSession{ApplicationID: "com.new.App", OS: "Android"}) // no team: the folder com.new.App
			if ok, _ := afero.Exists(mem, root); err == nil || ok {
				t.Errorf("after %v, the root is there: %v", err, ok)
			}
		})
	}
}
