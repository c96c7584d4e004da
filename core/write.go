package core

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

// ETag identifies a file's content for optimistic concurrency: a write names the ETag it read.
func ETag(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// CleanPath validates a path relative to the root as the API receives it ("app/file", "app", or "" for the
// root) and refuses anything that could leave the root.
func CleanPath(rel string) (string, error) {
	bad := func(why string) error { return &OpError{Kind: KindInput, Path: rel, Msg: why} }
	switch {
	case rel == "":
		return "", nil
	case strings.ContainsRune(rel, 0):
		return "", bad("the path contains a NUL character")
	case strings.Contains(rel, `\`):
		return "", bad("the path contains a backslash")
	case strings.HasPrefix(rel, "/") || len(rel) >= 2 && rel[1] == ':':
		return "", bad("the path must be relative to the folder")
	}
	segs := strings.Split(rel, "/")
	if len(segs) > 2 {
		return "", bad("the path is deeper than app folder / session file")
	}
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return "", bad("the path has an empty, '.' or '..' part")
		}
		if len(s) > maxNameBytes { // a read or a delete of it could only fail, and not as the caller's mistake
			return "", bad(fmt.Sprintf("a name of %d bytes, over the %d that file systems take", len(s), maxNameBytes))
		}
	}
	return rel, nil
}

// sessionPath validates the path of a session file: app folder and file name.
func sessionPath(rel string) (app, name string, err error) {
	rel, err = CleanPath(rel)
	if err != nil {
		return "", "", err
	}
	app, name, ok := strings.Cut(rel, "/")
	if !ok {
		return "", "", &OpError{Kind: KindInput, Path: rel, Msg: "not the path of a file inside an app folder"}
	}
	return app, name, nil
}

// ReadFile reads a file of the folder with its ETag.
func ReadFile(fsys afero.Fs, root, rel string, limit int64) ([]byte, string, error) {
	if _, _, err := sessionPath(rel); err != nil {
		return nil, "", err
	}
	if err := refuseLink(fsys, root, rel); err != nil {
		return nil, "", err
	}
	data, err := readFile(fsys, fsPath(root, rel), limit)
	if err != nil {
		return nil, "", FileError(rel, err)
	}
	return data, ETag(data), nil
}

// changedOnDisk refuses a write or delete whose file is no longer the one the caller read.
func changedOnDisk(rel string) error {
	return &OpError{Kind: KindConflict, Path: rel, Msg: "the file changed on disk since it was read"}
}

// FileError is err, a failure of the file system on the file at rel, as the engine reports it: KindNotFound
// for a file that is not there, KindInput for one over the size limit or not a regular file, KindInternal
// otherwise.
func FileError(rel string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) { // ENOTDIR: a part of the path is a file
		return &OpError{Kind: KindNotFound, Path: rel, Msg: "no such file"}
	}
	var tl *zipfs.TooLargeError
	if errors.As(err, &tl) {
		return &OpError{Kind: KindInput, Path: rel, Msg: "the file is " + tl.Error()}
	}
	if errors.Is(err, errNotRegular) {
		return &OpError{Kind: KindInput, Path: rel, Msg: "not a regular file"}
	}
	return &OpError{Kind: KindInternal, Path: rel, Msg: unwrapPathError(err).Error()}
}

// refuseLink refuses a path whose app folder or file is a link: following it could leave the root.
func refuseLink(fsys afero.Fs, root, rel string) error {
	p := root
	for _, seg := range strings.Split(rel, "/") {
		p = filepath.Join(p, seg)
		info, err := lstat(fsys, p)
		if err != nil {
			return nil // what does not exist is not a link; the operation reports it
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return &OpError{Kind: KindInput, Path: rel, Msg: "links are not followed"}
		}
	}
	return nil
}

// WriteOptions says what a write expects to find on disk.
type WriteOptions struct {
	// IfMatch is the ETag the caller read: the write is refused (KindConflict) when the file changed since.
	// "" means the file must not exist yet. Force skips the check.
	IfMatch string
	Force   bool
	// MaxFileSize is the largest file the caller could have read (0: DefaultLimits.MaxFileSize). A larger file
	// on disk cannot match IfMatch, and is not read to find out; larger content is refused, unwritten.
	MaxFileSize int64
}

// maxNameBytes is the longest name of a file or folder that Linux, macOS and Windows all take (255 bytes of
// UTF-8 on ext4 and APFS; 255 UTF-16 units on NTFS, which 255 bytes never exceed).
const maxNameBytes = 255

// judgeWrite refuses, before anything is written, a write that cannot end well: content over the size limit
// (the file would fail every check, and 4D would drop its session), a name longer than a file system takes.
func judgeWrite(rel, app, name string, data []byte, limit int64) error {
	if int64(len(data)) > limit {
		return &OpError{Kind: KindInput, Path: rel, Msg: fmt.Sprintf("the content is %s, over the %s limit: nothing was written", zipfs.FormatSize(int64(len(data))), zipfs.FormatSize(limit))}
	}
	for _, n := range []string{app, name} {
		if len(n) > maxNameBytes {
			return &OpError{Kind: KindInput, Path: rel, Msg: fmt.Sprintf("a name of %d bytes, over the %d that file systems take: nothing was written", len(n), maxNameBytes)}
		}
	}
	return nil
}

// WriteFile writes a session file atomically: a reader sees the old content or the new, never a mix, and a
// crash leaves one of the two. It returns the new ETag.
//
// Every limit is judged before anything is written, and a write that is refused or fails changes nothing: the
// app folder (and the root) it made for a new file go again. The comparison with what the caller expects
// (WriteOptions) and the rename are one step for every mobisess process, the CLI's and the dev server's: both
// hold the app folder's lock (lockFolder) across them, and compare once more just before the rename. The new
// file keeps the mode and owner of the file it replaces, or takes those of its folder's other session files.
func WriteFile(fsys afero.Fs, root, rel string, data []byte, opts WriteOptions) (string, error) {
	app, name, err := sessionPath(rel)
	if err != nil {
		return "", err
	}
	if err := judgeWrite(rel, app, name, data, orDefault(opts.MaxFileSize)); err != nil {
		return "", err
	}
	if err := refuseLink(fsys, root, rel); err != nil {
		return "", err
	}
	dir, target := fsPath(root, app), fsPath(root, rel)
	info, err := lstat(fsys, dir)
	if err != nil {
		info = nil
	}
	switch {
	case info != nil && !info.IsDir():
		return "", &OpError{Kind: KindInput, Path: rel, Msg: app + " is a file, not an app folder"}
	case info == nil && opts.IfMatch != "" && !opts.Force:
		return "", &OpError{Kind: KindConflict, Path: rel, Msg: "the file was deleted since it was read"}
	}
	if info, err := lstat(fsys, target); err == nil && !info.Mode().IsRegular() {
		return "", &OpError{Kind: KindInput, Path: rel, Msg: "not a regular file"}
	}
	var created []string
	if info == nil {
		if created, err = makeFolders(fsys, root, dir); err != nil {
			return "", FileError(rel, err)
		}
	}
	unlock := lockFolder(fsys, dir)
	err = replaceFile(fsys, dir, target, rel, data, opts)
	unlock()
	if err != nil {
		removeFolders(fsys, created)
		return "", err
	}
	return ETag(data), nil
}

// makeFolders makes the app folder dir of a file, and root above it when it is gone (create makes a deleted
// MobileApps folder again), and returns those it made, deepest first: a write that fails removes them again,
// and only them. A folder made for a process running as root is given to the owner of the folder it is in.
func makeFolders(fsys afero.Fs, root, dir string) ([]string, error) {
	var created []string
	for _, d := range []string{root, dir} {
		err := fsys.Mkdir(d, 0o755)
		switch {
		case err == nil:
			created = append([]string{d}, created...)
			if parent, err := lstat(fsys, filepath.Dir(d)); err == nil {
				giveOwnerAsRoot(fsys, d, parent)
			}
		case errors.Is(err, fs.ErrExist):
		default:
			removeFolders(fsys, created)
			return nil, err
		}
	}
	return created, nil
}

// removeFolders removes the folders a failed write made, when they are still empty.
func removeFolders(fsys afero.Fs, created []string) {
	for _, d := range created {
		_ = fsys.Remove(d) // a folder that something else filled meanwhile stays
	}
}

// expected refuses (KindConflict) a write whose file on disk is not what opts expects: absent (IfMatch ""), or
// the one the caller read (IfMatch, its ETag). It returns the file's lstat when there is one.
func expected(fsys afero.Fs, target, rel string, opts WriteOptions) (fs.FileInfo, error) {
	info, statErr := lstat(fsys, target)
	if statErr != nil {
		info = nil
	}
	if opts.Force {
		return info, nil
	}
	current, err := readFile(fsys, target, orDefault(opts.MaxFileSize))
	var tl *zipfs.TooLargeError
	exists := err == nil || errors.As(err, &tl) // a file over the limit was never read, so never matched
	switch {
	case exists && opts.IfMatch == "":
		return nil, &OpError{Kind: KindConflict, Path: rel, Msg: "the file already exists"}
	case exists && (tl != nil || ETag(current) != opts.IfMatch):
		return nil, changedOnDisk(rel)
	case errors.Is(err, fs.ErrNotExist) && opts.IfMatch != "":
		return nil, &OpError{Kind: KindConflict, Path: rel, Msg: "the file was deleted since it was read"}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, FileError(rel, err)
	}
	return info, nil
}

// replaceFile puts data at target, as opts expects to find it: it checks the file on disk, writes a temporary
// file beside it with the mode and owner the file should have, syncs it, checks the file on disk again, and puts
// the temporary file in place (a rename over the file; for a new file, placeNew, which never replaces one),
// then syncs the folder. The caller holds the folder's lock.
func replaceFile(fsys afero.Fs, dir, target, rel string, data []byte, opts WriteOptions) error {
	old, err := expected(fsys, target, rel, opts)
	if err != nil {
		return err
	}
	name, err := writeTemp(fsys, target, func(tmp afero.File) error {
		if _, err := tmp.Write(data); err != nil {
			return err
		}
		return dressLike(fsys, tmp.Name(), rel, old, dir)
	})
	if err != nil {
		return FileError(rel, err)
	}
	// The second comparison: a writer that takes no lock (4D, an editor) may have changed the file while the
	// content was written.
	if _, err := expected(fsys, target, rel, opts); err != nil {
		fsys.Remove(name)
		return err
	}
	if opts.IfMatch == "" && !opts.Force {
		err = placeNew(fsys, name, target)
		if errors.Is(err, fs.ErrExist) {
			err = &OpError{Kind: KindConflict, Path: rel, Msg: "the file already exists"}
		}
	} else {
		err = fsys.Rename(name, target)
	}
	if err != nil {
		fsys.Remove(name)
		if KindOf(err) == KindConflict {
			return err
		}
		return FileError(rel, err)
	}
	syncDir(fsys, dir)
	return nil
}

// dressLike gives the temporary file tmp the mode and owner its file should have. A file that is replaced keeps
// its own (4D's account must still read what it wrote), and its owner and group where this process may set them:
// where it may not, the write goes on and says so (SetWriteNotice). A new file takes the mode of its folder's
// other session files, or the mode of a new file under the umask when there is none (as 4D's own files), and,
// for a process running as root, their owner.
func dressLike(fsys afero.Fs, tmp, rel string, old fs.FileInfo, dir string) error {
	if old == nil {
		like := neighbour(fsys, dir)
		if like == nil {
			if folder, err := lstat(fsys, dir); err == nil {
				giveOwnerAsRoot(fsys, tmp, folder)
			}
			return nil
		}
		if err := fsys.Chmod(tmp, like.Mode().Perm()); err != nil {
			return err
		}
		giveOwnerAsRoot(fsys, tmp, like)
		return nil
	}
	if err := fsys.Chmod(tmp, old.Mode().Perm()); err != nil {
		return err
	}
	uid, gid, ok := ownerOf(old)
	myUID, myGID := processOwner()
	if !ok || uid == myUID && gid == myGID {
		return nil
	}
	if err := fsys.Chown(tmp, uid, gid); err != nil {
		keptGroup := fsys.Chown(tmp, -1, gid) == nil // a member of 4D's group may give that back at least
		msg := fmt.Sprintf("the file belonged to %s; this process may not give it back (%v), so it now belongs to %s",
			accountName(uid), unwrapPathError(err), accountName(myUID))
		if !keptGroup && gid != myGID {
			msg += fmt.Sprintf(", and not to its group (gid %d)", gid)
		}
		notice(rel, msg+": make sure 4D can still read it")
	}
	return nil
}

// neighbour is one of the other session files of the folder dir, whose mode a new file takes; nil when there is
// none. It reads the folder's names a few at a time: a folder of many sessions is not listed whole for this.
func neighbour(fsys afero.Fs, dir string) fs.FileInfo {
	d, err := OpenDir(fsys, dir, true)
	if err != nil {
		return nil
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(64)
		for _, name := range names {
			if !IsSessionName(name) {
				continue
			}
			if info, err := lstat(fsys, filepath.Join(dir, name)); err == nil && info.Mode().IsRegular() {
				return info
			}
		}
		if err != nil || len(names) == 0 {
			return nil
		}
	}
}

// giveOwnerAsRoot gives the file or folder p the owner and group of like, when this process runs as root: a
// session that root creates for 4D's account must be that account's, as 4D's own are. Any other process
// cannot, and its new files are its own, as any program's.
func giveOwnerAsRoot(fsys afero.Fs, p string, like fs.FileInfo) {
	if myUID, _ := processOwner(); myUID != 0 {
		return
	}
	if uid, gid, ok := ownerOf(like); ok && (uid != 0 || gid != 0) {
		_ = fsys.Chown(p, uid, gid)
	}
}

// writeNotice is told what a write that succeeded could not do as asked (SetWriteNotice).
var writeNotice atomic.Pointer[func(path, msg string)]

// SetWriteNotice sets what is told, with the file's path, what a write that succeeded could not do as asked: the
// owner of a file it replaced, which this process may not give back. The CLI prints it on stderr, the dev server
// in its log. Set it once, at start.
func SetWriteNotice(tell func(path, msg string)) { writeNotice.Store(&tell) }

func notice(path, msg string) {
	if tell := writeNotice.Load(); tell != nil && *tell != nil {
		(*tell)(path, msg)
	}
}

// WriteNewFile writes a file that must not exist yet, such as an exported zip, and refuses (KindConflict) one
// that does; write gives the content. No name is taken before the content is whole and synced: it goes to a
// temporary file beside name, which then gets the name without ever replacing a file (placeNew). A process
// killed meanwhile leaves only that temporary file, which the next WriteNewFile in the folder removes (its name
// records a process that is gone). An error of write is returned as it is.
func WriteNewFile(fsys afero.Fs, name string, write func(io.Writer) error) error {
	exists := &OpError{Kind: KindConflict, Path: name, Msg: "the file already exists (it is never replaced)"}
	if _, err := lstat(fsys, name); err == nil {
		return exists
	}
	dir := filepath.Dir(name)
	removeStaleTempsIn(fsys, dir, false)
	var failed error // of write: returned as it is
	tmpName, err := writeTemp(fsys, name, func(tmp afero.File) error {
		buffered := bufio.NewWriterSize(tmp, 1<<20)
		if failed = write(buffered); failed != nil {
			return failed
		}
		return buffered.Flush()
	})
	if failed != nil {
		return failed
	}
	if err != nil {
		return FileError(name, err)
	}
	if err := placeNew(fsys, tmpName, name); err != nil {
		fsys.Remove(tmpName)
		if errors.Is(err, fs.ErrExist) {
			return exists
		}
		return FileError(name, err)
	}
	syncDir(fsys, dir)
	return nil
}

// syncDir makes a rename in dir durable across a power loss. It is best effort: the rename is done whatever
// happens here, and some systems cannot sync a folder (Windows refuses to).
func syncDir(fsys afero.Fs, dir string) {
	if d, err := OpenDir(fsys, dir, true); err == nil { // a folder swapped for a pipe is not waited on
		_ = d.Sync()
		d.Close()
	}
}

// DeleteOptions say what a delete expects to find.
type DeleteOptions struct {
	// IfMatch, for a session file, is the ETag the caller read: a file that changed since is kept (KindConflict).
	// "" deletes the file whatever it holds.
	IfMatch string
	// MaxFileSize is the largest file the caller could have read (0: DefaultLimits.MaxFileSize).
	MaxFileSize int64
	// Force deletes an app folder, or the whole folder, even when it holds what 4D does not put there.
	Force bool
}

// Delete removes a session file ("app/file"), an app folder ("app") or the whole folder (""), as a developer
// does to reset sessions; DeleteWith says how.
func Delete(fsys afero.Fs, root, rel, ifMatch string, limit int64) error {
	return DeleteWith(fsys, root, rel, DeleteOptions{IfMatch: ifMatch, MaxFileSize: limit})
}

// DeleteWith removes a session file ("app/file"), an app folder ("app") or the whole folder (""). A file is
// removed only when its ETag matches opts.IfMatch (unless empty), compared under the app folder's lock as a
// write is. A folder is removed only when it holds nothing but what 4D puts in a MobileApps folder (ForeignError,
// KindForeign, naming the first other entry), unless opts.Force.
func DeleteWith(fsys afero.Fs, root, rel string, opts DeleteOptions) error {
	rel, err := CleanPath(rel)
	if err != nil {
		return err
	}
	if err := refuseLink(fsys, root, rel); err != nil {
		return err
	}
	target := fsPath(root, rel)
	if _, err := lstat(fsys, target); err != nil {
		return FileError(rel, err)
	}
	if app, _, isFile := strings.Cut(rel, "/"); isFile {
		unlock := lockFolder(fsys, fsPath(root, app))
		defer unlock()
		if opts.IfMatch != "" {
			current, err := readFile(fsys, target, orDefault(opts.MaxFileSize))
			var tl *zipfs.TooLargeError
			if err != nil && !errors.As(err, &tl) {
				return FileError(rel, err)
			}
			if tl != nil || ETag(current) != opts.IfMatch { // a file over the limit was never read, so never matched
				return changedOnDisk(rel)
			}
		}
		if err := fsys.Remove(target); err != nil {
			return FileError(rel, err)
		}
		return nil
	}
	if !opts.Force {
		if err := refuseForeign(fsys, root, rel); err != nil {
			return err
		}
	}
	if err := fsys.RemoveAll(target); err != nil {
		return FileError(rel, err)
	}
	return nil
}

// SetStatus sets a session file's status ("accepted" or "pending"), changing nothing else of the text: the
// rest of the file keeps its formatting. limit is the largest file it reads (0: DefaultLimits.MaxFileSize).
func SetStatus(fsys afero.Fs, root, rel, status, ifMatch string, limit int64) (string, error) {
	if status != StatusAccepted && status != StatusPending {
		return "", &OpError{Kind: KindInput, Path: rel, Msg: fmt.Sprintf("status must be %q or %q", StatusAccepted, StatusPending)}
	}
	data, etag, err := ReadFile(fsys, root, rel, orDefault(limit))
	if err != nil {
		return "", err
	}
	if ifMatch != "" && etag != ifMatch {
		return "", changedOnDisk(rel)
	}
	edited, err := withStatus(data, status)
	if err != nil {
		return "", &OpError{Kind: KindInput, Path: rel, Msg: err.Error()}
	}
	return WriteFile(fsys, root, rel, edited, WriteOptions{IfMatch: etag, MaxFileSize: limit})
}

// orDefault is limit, or the default file size limit when it is not set.
func orDefault(limit int64) int64 {
	if limit <= 0 {
		return DefaultLimits.MaxFileSize
	}
	return limit
}

// withStatus replaces the value of the top-level "status" in a JSON object's text, or adds the property.
func withStatus(data []byte, status string) ([]byte, error) {
	body := withoutBOM(data)
	bom := data[:len(data)-len(body)]
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil || doc == nil { // null decodes to a nil map
		return nil, errors.New("the file is not a JSON object: fix it in the editor first")
	}
	value, _ := json.Marshal(status)
	var out []byte
	if _, ok := doc["status"]; ok {
		out = replaceValue(body, "/status", value)
	} else {
		open := bytes.IndexByte(body, '{') + 1
		sep := ","
		if len(doc) == 0 {
			sep = ""
		}
		out = append(append(out, body[:open]...), `"status":`+string(value)+sep...)
		out = append(out, body[open:]...)
	}
	return append(append([]byte{}, bom...), out...), nil
}

// replaceValue returns the text of a JSON document with the value at pointer, which exists, replaced by value:
// the rest of the text (spacing, key order, line breaks) stays as it was.
func replaceValue(body []byte, pointer string, value []byte) []byte {
	start := locate(body, pointer)
	end := skipValue(body, start)
	out := make([]byte, 0, len(body)-(end-start)+len(value))
	return append(append(append(out, body[:start]...), value...), body[end:]...)
}

// NewSession describes a test session to create, as 4D writes one after a login (docs/rules.md, "Creating a
// session").
type NewSession struct {
	ApplicationID string `json:"applicationId"`
	TeamID        string `json:"teamId"`           // FAKETEAMID when empty on an Apple system; none on Android
	Status        string `json:"status"`           // accepted when empty
	Email         string `json:"email"`            // "" for a guest
	ID            string `json:"id,omitempty"`     // hexadecimal; random (40 digits, as 4D's example) when empty
	Device        string `json:"device,omitempty"` // device.description; the system's simulator when empty
	OS            string `json:"os,omitempty"`     // iOS, iPadOS, macOS or Android; iOS when empty
}

// fakeTeamID is the team.id of an Apple app built without a Team ID: 4D's project editor writes it, and the
// app sends it at login.
const fakeTeamID = "FAKETEAMID"

// The values of device.os that the SDKs send: the iOS SDK's (macOS is its Mac branch), then the Android SDK's.
const (
	osIOS     = "iOS"
	osIPadOS  = "iPadOS"
	osMacOS   = "macOS"
	osAndroid = "Android"
)

var deviceOSes = []string{osIOS, osIPadOS, osMacOS, osAndroid}

// simulators are the devices a session is created for when none is named, described as each SDK describes
// them: the iOS SDK names a simulator "Simulator (MODEL)" and a Mac "macOS_" + its version string; the Android
// SDK sends the emulator's model, and its API level with the Android version.
var simulators = map[string]struct{ description, version string }{
	osIOS:     {"Simulator (iPhone 15)", "17.5"},
	osIPadOS:  {"Simulator (iPad Air (5th generation))", "17.5"},
	osMacOS:   {"macOS_Version 14.5 (Build 23F79)", "Version 14.5 (Build 23F79)"},
	osAndroid: {"sdk_gphone64_x86_64", "34 (Android 14)"},
}

// loopbackIP is session.ip for a login from the server's own machine, as 4D writes an IPv4 address: mapped to
// IPv6.
const loopbackIP = "::ffff:127.0.0.1"

// CreateSession writes a new well-formed session file (its id, or a random hex one, and a matching token) and
// returns its path. A file already there is refused (KindConflict).
func CreateSession(fsys afero.Fs, root string, n NewSession) (string, error) {
	if n.ApplicationID == "" {
		return "", &OpError{Kind: KindInput, Msg: "application.id is required"}
	}
	if n.Status == "" {
		n.Status = StatusAccepted // 4D accepts a login unless the authentication method asks to verify it
	}
	if n.Status != StatusAccepted && n.Status != StatusPending {
		return "", &OpError{Kind: KindInput, Msg: fmt.Sprintf("status must be %q or %q", StatusAccepted, StatusPending)}
	}
	system, ok := deviceOS(n.OS)
	if !ok {
		return "", &OpError{Kind: KindInput, Msg: fmt.Sprintf("device os %q: want %s or %s", n.OS, strings.Join(deviceOSes[:len(deviceOSes)-1], ", "), deviceOSes[len(deviceOSes)-1])}
	}
	n.OS = system
	if n.OS == osAndroid && n.TeamID != "" {
		return "", &OpError{Kind: KindInput, Msg: fmt.Sprintf("team.id %q: an Android app sends no team (the Team ID is Apple's)", n.TeamID)}
	}
	n.TeamID = n.team()
	folder, err := appFolder(n.TeamID, n.ApplicationID)
	if err != nil {
		return "", err
	}
	if n.ID == "" {
		var raw [20]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return "", err
		}
		n.ID = hex.EncodeToString(raw[:])
	} else if !IsSessionName(n.ID) {
		return "", &OpError{Kind: KindInput, Msg: fmt.Sprintf("session id %q: want hexadecimal digits only", n.ID)}
	}
	if n.Device == "" {
		n.Device = simulators[n.OS].description
	}
	rel := path.Join(folder, n.ID)
	if _, err := WriteFile(fsys, root, rel, sessionDocument(n), WriteOptions{IfMatch: ""}); err != nil {
		return "", err
	}
	return rel, nil
}

// team is the team.id of a session created from n: FAKETEAMID for an app of an Apple system without one.
func (n NewSession) team() string {
	if system, _ := deviceOS(n.OS); n.TeamID == "" && system != osAndroid {
		return fakeTeamID
	}
	return n.TeamID
}

// AppFolder is the app folder CreateSession writes n in, so that a caller can tell what it will touch before.
func (n NewSession) AppFolder() string { return ExpectedFolder(n.team(), n.ApplicationID) }

// deviceOS is the spelling 4D writes of an os named in any letter case; "" is iOS.
func deviceOS(name string) (string, bool) {
	if name == "" {
		return osIOS, true
	}
	for _, system := range deviceOSes {
		if strings.EqualFold(name, system) {
			return system, true
		}
	}
	return "", false
}

// appFolder is the app folder of a session with these ids, refused when they make no name that a listing reads
// as an app folder: one that would leave the root or sit deeper, or that is skipped as hidden or as macOS junk.
func appFolder(teamID, applicationID string) (string, error) {
	folder := ExpectedFolder(teamID, applicationID)
	if _, err := CleanPath(folder); err != nil || strings.Contains(folder, "/") || strings.HasPrefix(folder, ".") || folder == "__MACOSX" {
		return "", &OpError{Kind: KindInput, Path: folder, Msg: "application.id and team.id must make a folder name (no '/', '\\' or '..', not starting with '.')"}
	}
	return folder, nil
}

// sessionDocument is the file 4D writes for a login: the body the app's SDK sent, then session, status and
// token, in one line without a final line break, as 4D writes it. An iOS body has the properties in the order
// of 4D's documented example (the iOS SDK sends a dictionary, in no fixed order); an Android body, in the order
// the Android SDK builds it, with no team and no send. The device's id takes the form its system gives it (a
// simulator's UUID, a Mac's hardware address, Android's 16 hex digits), drawn from the session id so that a
// session created again with the same id is the same file.
func sessionDocument(n NewSession) []byte {
	type obj = []field
	application := obj{{"id", n.ApplicationID}, {"name", appName(n.ApplicationID)}, {"version", "1.0.0"}}
	language := obj{{"id", "en_US"}, {"code", "en"}, {"region", "US"}}
	version := simulators[n.OS].version
	seed := sha256.Sum256([]byte(n.ID))
	var doc obj
	switch n.OS {
	case osAndroid:
		device := obj{{"id", hex.EncodeToString(seed[:8])}, {"simulator", true}, {"description", n.Device}, {"version", version}, {"os", n.OS}}
		doc = obj{{"email", n.Email}, {"application", application}, {"device", device}, {"language", language}, {"parameters", obj{}}}
	default:
		device := obj{{"description", n.Device}, {"version", version}, {"id", appleDeviceID(n.OS, seed)}, {"os", n.OS}}
		if n.OS != osMacOS { // the iOS SDK sends simulator only when it is true, and a Mac is none
			device = append(device, field{"simulator", true})
		}
		doc = obj{{"application", application}, {"team", obj{{"id", n.TeamID}}}, {"language", language}, {"email", n.Email}, {"device", device}, {"send", "link"}}
	}
	doc = append(doc,
		field{"session", obj{{"id", n.ID}, {"ip", loopbackIP}}},
		field{"status", n.Status},
		field{"token", EncodeToken(Token{AppNameID: n.ApplicationID, ID: n.ID, TeamID: n.TeamID})},
	)
	var b bytes.Buffer
	writeCompact(&b, doc)
	return b.Bytes()
}

// appName is application.name for an application id: its last part, as an app is often named
// ("com.contactApp.Contact" is "Contact").
func appName(applicationID string) string {
	if i := strings.LastIndexByte(applicationID, '.'); i >= 0 && i < len(applicationID)-1 {
		return applicationID[i+1:]
	}
	return applicationID
}

// appleDeviceID is device.id as the iOS SDK sends it: a Mac's hardware address, or a simulator's UUID.
func appleDeviceID(system string, seed [32]byte) string {
	if system == osMacOS {
		pairs := make([]string, 6)
		for i := range pairs {
			pairs[i] = hex.EncodeToString(seed[i : i+1])
		}
		return strings.Join(pairs, ":")
	}
	u := seed[:16]
	u[6] = u[6]&0x0f | 0x40 // a version 4 UUID, as a simulator's
	u[8] = u[8]&0x3f | 0x80
	h := strings.ToUpper(hex.EncodeToString(u))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// field is a property of an object written in a fixed order (maps would sort the keys).
type field struct {
	key   string
	value any
}

// writeCompact writes v as JSON without spaces, the objects given as fields in order, and strings as 4D
// writes them: '<', '>' and '&' as they are.
func writeCompact(b *bytes.Buffer, v any) {
	fields, ok := v.([]field)
	if !ok {
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)       // strings and booleans always encode
		b.Truncate(b.Len() - 1) // Encode ends with a line break
		return
	}
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		writeCompact(b, f.key)
		b.WriteByte(':')
		writeCompact(b, f.value)
	}
	b.WriteByte('}')
}
