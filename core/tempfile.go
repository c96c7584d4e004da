package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/afero"
)

// The temporary files of writes: where a write's content waits, whole and synced, before it gets its name.

// errNoRenameNoReplace is a system without a rename that never replaces (renameNoReplace).
var errNoRenameNoReplace = errors.New("no rename without replacing")

// hostTag names this machine in the names of temporary files, so that one left in a shared folder by a process
// of another machine is never taken for one of a dead process here.
var hostTag = func() string {
	name, _ := os.Hostname()
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:4])
}()

// tempMark separates a temporary file's target from what says whose it is.
const tempMark = ".tmp-"

// tempName is a new name for a temporary file beside target: hidden, so that every listing skips it (4D's, a
// check's); named after its target, so that a person who finds one knows what it was for; and after this machine
// and process, so that one left by a process that was killed can be told from one still being written
// (tempOwner). The target's part is cut so that the whole fits in a file name.
func tempName(target string) string {
	base := filepath.Base(target)
	if len(base) > 64 {
		cut := 64
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = base[:cut]
	}
	var random [6]byte
	_, _ = rand.Read(random[:])
	return filepath.Join(filepath.Dir(target), fmt.Sprintf(".%s%s%s-%d-%s", base, tempMark, hostTag, os.Getpid(), hex.EncodeToString(random[:])))
}

// isOurTemp says whether name is the name of a temporary file of a write of ours, of this version (tempName) or
// an earlier one (".NAME.tmp-" and digits).
func isOurTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMark)
}

// tempOwner reads the machine and process that a temporary file's name records; ok is false for a name that
// records none (an earlier version's).
func tempOwner(name string) (host string, pid int, ok bool) {
	i := strings.LastIndex(name, tempMark)
	if i < 0 {
		return "", 0, false
	}
	parts := strings.Split(name[i+len(tempMark):], "-")
	if len(parts) != 3 || len(parts[0]) != len(hostTag) || !isHex(parts[0]) || parts[2] == "" || !isHex(parts[2]) {
		return "", 0, false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	return parts[0], pid, true
}

// createTemp creates an empty temporary file beside target, with a name no other file has, and the mode of a
// new file under the process's umask.
func createTemp(fsys afero.Fs, target string) (afero.File, error) {
	for {
		f, err := fsys.OpenFile(tempName(target), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// writeTemp writes a temporary file beside target with fill, syncs it and closes it, and returns its name. A
// temporary file that fails is removed.
func writeTemp(fsys afero.Fs, target string, fill func(afero.File) error) (string, error) {
	f, err := createTemp(fsys, target)
	if err != nil {
		return "", err
	}
	name := f.Name()
	err = fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = fsys.Remove(name)
		return "", err
	}
	return name, nil
}

// staleTempAge is how old a temporary file that records no living process of this machine must be before
// RemoveStaleTemps removes it from an app folder: a save takes milliseconds, so one this old was left by a save
// that was killed, not one under way.
const staleTempAge = 10 * time.Minute

// removeStaleTempsIn removes from dir the temporary files of writes of ours that were killed before they
// finished, and returns how many it removed: those whose name records this machine and a process that is gone,
// whatever their age; and, when byAge, the others once staleTempAge old (an earlier version's, another
// machine's on a shared folder). A temporary file whose process may still run is never removed. Best effort: a
// file that cannot be removed stays.
func removeStaleTempsIn(fsys afero.Fs, dir string, byAge bool) int {
	d, err := OpenDir(fsys, dir, true)
	if err != nil {
		return 0
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	removed := 0
	for _, name := range names {
		if !isOurTemp(name) {
			continue
		}
		p := filepath.Join(dir, name)
		info, err := lstat(fsys, p)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		host, pid, recorded := tempOwner(name)
		stale := false
		switch {
		case recorded && host == hostTag:
			stale = pid != os.Getpid() && !processAlive(pid)
		case byAge:
			stale = time.Since(info.ModTime()) > staleTempAge
		}
		if stale && fsys.Remove(p) == nil {
			removed++
		}
	}
	return removed
}

// RemoveStaleTemps removes the temporary files that writes killed mid-way left in the app folders under root
// (hidden, so every scan skips them anyway; removeStaleTempsIn says which), and returns how many it removed. A
// server calls it once at start, and the CLI before it changes a folder: what a killed process left is there to
// find; doing it on each save would list the folder each time.
func RemoveStaleTemps(fsys afero.Fs, root string) int {
	apps, err := readDir(fsys, root)
	if err != nil {
		return 0
	}
	removed := 0
	for _, app := range apps {
		if app.IsDir() {
			removed += removeStaleTempsIn(fsys, filepath.Join(root, app.Name()), true)
		}
	}
	return removed
}

// placeNew gives the complete temporary file tmp the name target, which must not exist, and never replaces a
// file there (fs.ErrExist). On a disk this is a hard link (then the temporary name goes): the name appears
// with the whole content, or not at all. Where the system has no link, a rename that never replaces, and
// where it has none either (or the folder is in memory), the name is taken, empty, only now that the content is
// whole, and the content renamed over it. tmp is left to the caller when placeNew fails.
func placeNew(fsys afero.Fs, tmp, target string) error {
	if _, ok := fsys.(*afero.OsFs); ok {
		err := os.Link(tmp, target)
		if err == nil {
			_ = fsys.Remove(tmp)
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			return fs.ErrExist
		}
		if err := renameNoReplace(tmp, target); !errors.Is(err, errNoRenameNoReplace) {
			return err
		}
	}
	reserved, err := fsys.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	reserved.Close()
	if err := fsys.Rename(tmp, target); err != nil {
		_ = fsys.Remove(target)
		return err
	}
	return nil
}
