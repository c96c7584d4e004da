package core

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/afero"
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
		return nil, "", opError(rel, err)
	}
	return data, ETag(data), nil
}

func opError(rel string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) { // ENOTDIR: a part of the path is a file
		return &OpError{Kind: KindNotFound, Path: rel, Msg: "no such file"}
	}
	var tl *tooLargeError
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
	// on disk cannot match IfMatch, and is not read to find out.
	MaxFileSize int64
}

// WriteFile writes a session file atomically: a reader sees the old content or the new, never a mix, and a
// crash leaves one of the two. It returns the new ETag.
func WriteFile(fsys afero.Fs, root, rel string, data []byte, opts WriteOptions) (string, error) {
	app, _, err := sessionPath(rel)
	if err != nil {
		return "", err
	}
	if err := refuseLink(fsys, root, rel); err != nil {
		return "", err
	}
	target := fsPath(root, rel)
	if info, err := lstat(fsys, fsPath(root, app)); err == nil && !info.IsDir() {
		return "", &OpError{Kind: KindInput, Path: rel, Msg: app + " is a file, not an app folder"}
	}
	if info, err := lstat(fsys, target); err == nil && !info.Mode().IsRegular() {
		return "", &OpError{Kind: KindInput, Path: rel, Msg: "not a regular file"}
	}
	if !opts.Force {
		current, err := readFile(fsys, target, orDefault(opts.MaxFileSize))
		var tl *tooLargeError
		exists := err == nil || errors.As(err, &tl) // a file over the limit was never read, so never matched
		switch {
		case exists && opts.IfMatch == "":
			return "", &OpError{Kind: KindConflict, Path: rel, Msg: "the file already exists"}
		case exists && (tl != nil || ETag(current) != opts.IfMatch):
			return "", &OpError{Kind: KindConflict, Path: rel, Msg: "the file changed on disk since it was read"}
		case errors.Is(err, fs.ErrNotExist) && opts.IfMatch != "":
			return "", &OpError{Kind: KindConflict, Path: rel, Msg: "the file was deleted since it was read"}
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", opError(rel, err)
		}
	}
	dir := fsPath(root, app)
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return "", opError(rel, err)
	}
	if err := atomicWrite(fsys, dir, target, data); err != nil {
		return "", opError(rel, err)
	}
	return ETag(data), nil
}

// atomicWrite writes a temporary file beside target, syncs it, renames it over target and syncs the folder.
// The temporary name is hidden, so a scan that sees it skips it.
func atomicWrite(fsys afero.Fs, dir, target string, data []byte) error {
	tmp, err := afero.TempFile(fsys, dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		fsys.Remove(name)
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		fsys.Remove(name)
		return err
	}
	if err := fsys.Rename(name, target); err != nil {
		fsys.Remove(name)
		return err
	}
	syncDir(fsys, dir)
	return nil
}

// staleTempAge is how old a temporary file of a save must be before RemoveStaleTemps removes it: a save takes
// milliseconds, so one this old was left by a save that was killed, not one under way.
const staleTempAge = 10 * time.Minute

// RemoveStaleTemps removes the temporary files that saves killed mid-way left in the app folders under root
// (hidden, so every scan skips them anyway), and returns how many it removed. A server calls it once at start,
// when what a killed process left is there to find; doing it on each save would list the folder each time.
// Best effort: a file that cannot be removed stays.
func RemoveStaleTemps(fsys afero.Fs, root string) int {
	apps, err := readDir(fsys, root)
	if err != nil {
		return 0
	}
	removed := 0
	for _, app := range apps {
		if !app.IsDir() {
			continue
		}
		dir := filepath.Join(root, app.Name())
		d, err := fsys.Open(dir)
		if err != nil {
			continue
		}
		names, _ := d.Readdirnames(-1)
		d.Close()
		for _, name := range names {
			if !strings.HasPrefix(name, ".") || !strings.Contains(name, ".tmp-") { // atomicWrite's names
				continue
			}
			p := filepath.Join(dir, name)
			if info, err := lstat(fsys, p); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > staleTempAge {
				if fsys.Remove(p) == nil {
					removed++
				}
			}
		}
	}
	return removed
}

// syncDir makes a rename in dir durable across a power loss. It is best effort: the rename is done whatever
// happens here, and some systems cannot sync a folder (Windows refuses to).
func syncDir(fsys afero.Fs, dir string) {
	if d, err := fsys.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Delete removes a session file ("app/file"), an app folder ("app") or the whole folder (""), as a developer
// does to reset sessions. A file is only removed when its ETag matches ifMatch, unless ifMatch is empty; limit
// is the largest file the caller could have read (0: DefaultLimits.MaxFileSize).
func Delete(fsys afero.Fs, root, rel, ifMatch string, limit int64) error {
	rel, err := CleanPath(rel)
	if err != nil {
		return err
	}
	if err := refuseLink(fsys, root, rel); err != nil {
		return err
	}
	target := fsPath(root, rel)
	if _, err := lstat(fsys, target); err != nil {
		return opError(rel, err)
	}
	if strings.Contains(rel, "/") {
		if ifMatch != "" {
			current, err := readFile(fsys, target, orDefault(limit))
			var tl *tooLargeError
			if err != nil && !errors.As(err, &tl) {
				return opError(rel, err)
			}
			if tl != nil || ETag(current) != ifMatch { // a file over the limit was never read, so never matched
				return &OpError{Kind: KindConflict, Path: rel, Msg: "the file changed on disk since it was read"}
			}
		}
		if err := fsys.Remove(target); err != nil {
			return opError(rel, err)
		}
		return nil
	}
	if err := fsys.RemoveAll(target); err != nil {
		return opError(rel, err)
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
		return "", &OpError{Kind: KindConflict, Path: rel, Msg: "the file changed on disk since it was read"}
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
	body := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	bom := data[:len(data)-len(body)]
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil || doc == nil { // null decodes to a nil map
		return nil, errors.New("the file is not a JSON object: fix it in the editor first")
	}
	value, _ := json.Marshal(status)
	var out []byte
	if _, ok := doc["status"]; ok {
		start := locate(body, "/status")
		end := skipValue(body, start)
		out = append(append(append(out, body[:start]...), value...), body[end:]...)
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

// NewSession describes a test session to create, as 4D writes one after a login.
type NewSession struct {
	ApplicationID string `json:"applicationId"`
	TeamID        string `json:"teamId"`
	Status        string `json:"status"`
	Email         string `json:"email"`
}

// CreateSession writes a new well-formed session file (random hex id, matching token) and returns its path.
func CreateSession(fsys afero.Fs, root string, n NewSession) (string, error) {
	if n.ApplicationID == "" {
		return "", &OpError{Kind: KindInput, Msg: "application.id is required"}
	}
	if n.Status == "" {
		n.Status = StatusPending
	}
	if n.Status != StatusAccepted && n.Status != StatusPending {
		return "", &OpError{Kind: KindInput, Msg: fmt.Sprintf("status must be %q or %q", StatusAccepted, StatusPending)}
	}
	folder := ExpectedFolder(n.TeamID, n.ApplicationID)
	if _, err := CleanPath(folder); err != nil || strings.Contains(folder, "/") {
		return "", &OpError{Kind: KindInput, Path: folder, Msg: "application.id and team.id must make a folder name (no '/', '\\' or '..')"}
	}
	var raw [20]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(raw[:])
	doc := sessionDocument(n, id)
	rel := path.Join(folder, id)
	if _, err := WriteFile(fsys, root, rel, doc, WriteOptions{IfMatch: ""}); err != nil {
		return "", err
	}
	return rel, nil
}

// sessionDocument is the file 4D writes for a login, with the properties in 4D's order.
func sessionDocument(n NewSession, id string) []byte {
	type obj = []field
	doc := obj{
		{"application", obj{{"id", n.ApplicationID}, {"name", n.ApplicationID}, {"version", "1.0.0"}}},
	}
	if n.TeamID != "" {
		doc = append(doc, field{"team", obj{{"id", n.TeamID}}})
	}
	doc = append(doc,
		field{"language", obj{{"id", "en_US"}, {"code", "en"}, {"region", "US"}}},
		field{"email", n.Email},
		field{"device", obj{{"description", "Test device"}, {"version", "17.0"}, {"id", strings.ToUpper(id[:8]) + "-0000-4000-8000-000000000000"}, {"os", "iOS"}, {"simulator", true}}},
		field{"send", "link"},
		field{"session", obj{{"id", id}, {"ip", "127.0.0.1"}}},
		field{"status", n.Status},
		field{"token", EncodeToken(Token{AppNameID: n.ApplicationID, ID: id, TeamID: n.TeamID})},
	)
	var b bytes.Buffer
	writeOrdered(&b, doc, "")
	b.WriteByte('\n')
	return b.Bytes()
}

// field is a property of an object written in a fixed order (maps would sort the keys).
type field struct {
	key   string
	value any
}

func writeOrdered(b *bytes.Buffer, v any, indent string) {
	fields, ok := v.([]field)
	if !ok {
		enc, _ := json.Marshal(v)
		b.Write(enc)
		return
	}
	b.WriteString("{\n")
	for i, f := range fields {
		key, _ := json.Marshal(f.key)
		b.WriteString(indent + "\t")
		b.Write(key)
		b.WriteString(": ")
		writeOrdered(b, f.value, indent+"\t")
		if i < len(fields)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(indent + "}")
}
