package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/report"
)

// folder is the MobileApps folder that a command changes: DIR in place, or a zip's content in memory, which
// goes to --out once every change is made.
type folder struct {
	name string // DIR as given
	fsys afero.Fs
	root string
	zip  bool
}

// openFolder opens DIR for a command that writes. A zip is read into memory and needs --out, a new .zip, unless
// the run is dry; a folder is changed in place and takes no --out. With missingOK, a DIR that is not there, in
// a folder that is, is the folder deleted (create makes it again).
func openFolder(fsys afero.Fs, dir string, o *options, missingOK bool) (*folder, error) {
	info, err := fsys.Stat(dir)
	isDir := err == nil && info.IsDir() // a folder, whatever its name ends with
	_, _, inZip := core.SplitZipPath(fsys, dir)
	if isDir || !strings.HasSuffix(strings.ToLower(dir), ".zip") && !inZip {
		if o.out != "" {
			return nil, fmt.Errorf("--out is for a .zip; the folder %s is changed in place", dir)
		}
		if missingOK {
			if deleted, err := deletedFolder(fsys, dir); err != nil {
				return nil, err
			} else if deleted {
				return &folder{name: dir, fsys: fsys, root: dir}, nil
			}
		}
	} else {
		switch {
		case o.dryRun && o.out != "":
			return nil, errors.New("--out: a dry run writes nothing")
		case o.dryRun:
		case o.out == "":
			return nil, fmt.Errorf("%s is a zip, which is never changed: name a new .zip for the result with --out NEW.zip", dir)
		case !strings.HasSuffix(strings.ToLower(o.out), ".zip"):
			return nil, fmt.Errorf("--out %s: want the name of a .zip file", o.out)
		}
		if o.out != "" {
			if _, err := fsys.Stat(o.out); err == nil {
				return nil, fmt.Errorf("--out %s: the file already exists (it is never replaced)", o.out)
			}
		}
	}
	src, root, err := core.OpenPath(fsys, dir, o.checker.Limits().Zip)
	if err != nil {
		return nil, err
	}
	if isDir && !o.dryRun {
		core.RemoveStaleTemps(fsys, dir) // what writes of earlier runs, killed mid-way, left
	}
	return &folder{name: dir, fsys: src, root: root, zip: !isDir}, nil
}

// save writes a zip's changed content to --out, a zip that opens again within the run's limits; a folder was
// changed in place already.
func (f *folder) save(o *options, fsys afero.Fs) error {
	if !f.zip || o.dryRun {
		return nil
	}
	return core.WriteNewFile(fsys, o.out, func(w io.Writer) error {
		return core.ExportZipWithin(f.fsys, f.root, w, o.checker.Limits().Zip)
	})
}

// failed reports an operation's error on DIR: exit 2.
func (f *folder) failed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "mobisess: %s: %s\n", report.Printable(f.name), report.Printable(err.Error()))
	return exitInput
}

// failedAfter reports an error that stopped a command after some of its changes: those are reported first. A
// zip's are not, since the zip is then not written: nothing was changed.
func (f *folder) failedAfter(o *options, stdout, stderr io.Writer, err error, doc any, lines []string) int {
	if !f.zip {
		f.report(o, stdout, stderr, doc, lines)
	}
	return f.failed(stderr, err)
}

func create(_ context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(o.positionals) != 1 {
		return fail(stderr, "create takes one folder or .zip: DIR")
	}
	if o.session.ApplicationID == "" {
		return fail(stderr, "create needs --app BUNDLE_ID, the application.id of the session")
	}
	f, err := openFolder(fsys, o.positionals[0], o, true)
	if err != nil {
		return fail(stderr, err)
	}
	rel, err := core.CreateSession(f.fsys, f.root, o.session)
	if err != nil {
		return f.failed(stderr, err)
	}
	// What is reported is the file as written, checked as check would: the proof that it passes.
	data, _, err := core.ReadFile(f.fsys, f.root, rel, o.checker.Limits().MaxFileSize)
	if err != nil {
		return f.failed(stderr, err)
	}
	s, _, cerr := o.checker.CheckBytes(sessionFile(rel), data)
	if cerr != nil {
		return f.failed(stderr, cerr.In(o.lang))
	}
	if err := f.save(o, fsys); err != nil {
		return fail(stderr, err)
	}
	return f.report(o, stdout, stderr, s, []string{o.lang.Sprintf(msgCreated, rel, s.ID, s.Status)})
}

func sessionFile(rel string) core.SessionFile {
	app, name, _ := strings.Cut(rel, "/")
	return core.SessionFile{Path: rel, App: app, Name: name}
}

// openPaths opens the --dir DIR of accept, pending and delete, and reads their PATHs: at least one, each once.
func openPaths(fsys afero.Fs, o *options) (*folder, []string, error) {
	if o.dir == "" || len(o.positionals) == 0 {
		return nil, nil, fmt.Errorf("%s takes --dir DIR and the PATHs of sessions in it (APP/ID or APP)", o.cmd)
	}
	for _, p := range o.positionals {
		if p == "" {
			return nil, nil, fmt.Errorf("%s: an empty PATH names no session", o.cmd)
		}
	}
	f, err := openFolder(fsys, o.dir, o, false)
	if err != nil {
		return nil, nil, err
	}
	var paths []string
	for _, p := range o.positionals {
		rel, err := f.resolve(p)
		if err != nil {
			return nil, nil, err
		}
		if !slices.Contains(paths, rel) {
			paths = append(paths, rel)
		}
	}
	return f, paths, nil
}

// resolve reads a PATH of accept, pending or delete: APP or APP/ID relative to DIR, or a path to one of them
// inside DIR as a shell completes it from the current folder or as check names it (DIR/APP/ID; a zip's
// ZIP/APP/ID), with the system's separator (APP\ID on Windows) and a trailing one. A PATH that names an entry
// both ways is refused: which one is meant cannot be told.
func (f *folder) resolve(p string) (string, error) {
	slashed := filepath.ToSlash(p)
	if trimmed := strings.TrimRight(slashed, "/"); trimmed != "" {
		slashed = trimmed
	}
	rel, relErr := core.CleanPath(slashed)
	inside, isInside := f.inside(p)
	if isInside && inside == "" {
		return "", fmt.Errorf("%s is --dir itself: name the sessions (APP/ID) or app folders (APP) in it", p)
	}
	if isInside {
		var err error
		inside, err = core.CleanPath(inside)
		isInside = err == nil
	}
	switch {
	case !isInside && relErr != nil:
		return "", fmt.Errorf("%w (PATHs are relative to --dir %s)", relErr, f.name)
	case !isInside || inside == rel:
		return rel, nil
	case relErr != nil || !f.exists(rel):
		return inside, nil
	case f.exists(inside):
		return "", fmt.Errorf("%s names both %s in --dir %s and %s from the current folder: name it from --dir", p, rel, f.name, inside)
	}
	return rel, nil
}

// inside is p as a path from DIR, when p names DIR or an entry inside it from the current folder (a zip's, as
// ZIP/APP/ID): "" for DIR itself.
func (f *folder) inside(p string) (string, bool) {
	if f.zip {
		dir, name := path.Clean(filepath.ToSlash(f.name)), path.Clean(filepath.ToSlash(p))
		rel, ok := strings.CutPrefix(name, dir+"/")
		if name == dir {
			return "", true
		}
		return rel, ok
	}
	dir, err := filepath.Abs(f.name)
	if err != nil {
		return "", false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	if rel == "." {
		return "", true
	}
	return filepath.ToSlash(rel), true
}

// exists says whether rel names an entry of DIR.
func (f *folder) exists(rel string) bool {
	_, err := f.fsys.Stat(filepath.Join(f.root, filepath.FromSlash(rel)))
	return err == nil
}

// readSession reads the session file at rel for a change, with its ETag: what the change must find on disk.
func (f *folder) readSession(rel string) ([]byte, string, error) {
	_, name, ok := strings.Cut(rel, "/")
	if !ok || !core.IsSessionName(name) {
		return nil, "", &core.OpError{Kind: core.KindInput, Path: rel, Msg: "not a session file (APP/ID, the ID hexadecimal)"}
	}
	return core.ReadFile(f.fsys, f.root, rel, core.DefaultLimits.MaxFileSize)
}

// sessionsOf replaces each app folder (APP) among paths by its session files, as check lists them: what
// accept and pending change. An app folder that holds none is refused: the PATH names no session.
func (f *folder) sessionsOf(paths []string, lang i18n.Lang) ([]string, error) {
	var listing *core.Listing
	var out []string
	for _, rel := range paths {
		if strings.Contains(rel, "/") {
			if !slices.Contains(out, rel) {
				out = append(out, rel)
			}
			continue
		}
		if info, err := f.fsys.Stat(filepath.Join(f.root, rel)); err != nil || !info.IsDir() {
			return nil, &core.OpError{Kind: core.KindNotFound, Path: rel, Msg: "no such app folder, nor a session file (APP/ID)"}
		}
		if listing == nil {
			var err error
			if listing, err = core.List(f.fsys, f.root); err != nil {
				return nil, err
			}
		}
		found := false
		for _, file := range listing.Files {
			if file.App == rel {
				found = true
				if !slices.Contains(out, file.Path) {
					out = append(out, file.Path)
				}
			}
		}
		if !found {
			return nil, &core.OpError{Kind: core.KindNotFound, Path: rel, Msg: "the app folder holds no session file"}
		}
	}
	return out, nil
}

// statusChange is one session whose status was set: the JSON of accept and pending.
type statusChange struct {
	Path   string `json:"path"`
	Status string `json:"status"`
}

func setStatus(status string) func(context.Context, *options, io.Writer, io.Writer, afero.Fs) int {
	return func(_ context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
		f, paths, err := openPaths(fsys, o)
		if err != nil {
			return fail(stderr, err)
		}
		if paths, err = f.sessionsOf(paths, o.lang); err != nil {
			return f.failed(stderr, err)
		}
		// Every file is read, and its change made in memory, before any is written: a wrong PATH, or a file
		// whose status cannot be set, changes nothing.
		etags := make([]string, len(paths))
		trial := afero.NewMemMapFs()
		for i, rel := range paths {
			var data []byte
			if data, etags[i], err = f.readSession(rel); err == nil {
				if err = afero.WriteFile(trial, filepath.Join("/", rel), data, 0o600); err == nil {
					_, err = core.SetStatus(trial, "/", rel, status, "", o.checker.Limits().MaxFileSize)
				}
			}
			if err != nil {
				return f.failed(stderr, err)
			}
		}
		changes := []statusChange{}
		for i, rel := range paths {
			if _, err := core.SetStatus(f.fsys, f.root, rel, status, etags[i], o.checker.Limits().MaxFileSize); err != nil {
				return f.failedAfter(o, stdout, stderr, err, map[string]any{"updated": changes}, changesText(o, changes))
			}
			changes = append(changes, statusChange{Path: rel, Status: status})
		}
		if err := f.save(o, fsys); err != nil {
			return fail(stderr, err)
		}
		return f.report(o, stdout, stderr, map[string]any{"updated": changes}, changesText(o, changes))
	}
}

func changesText(o *options, changes []statusChange) []string {
	var lines []string
	for _, c := range changes {
		lines = append(lines, o.lang.Sprintf(msgStatusSet, c.Path, c.Status))
	}
	return lines
}

// report prints what a write command did, as JSON or as lines of text, the last naming the zip written.
func (f *folder) report(o *options, stdout, stderr io.Writer, doc any, lines []string) int {
	if o.format == report.JSON {
		return printJSON(stdout, stderr, doc)
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, report.Printable(l))
	}
	if f.zip && !o.dryRun {
		fmt.Fprintln(stdout, o.lang.Sprintf(msgWroteZip, o.out))
	}
	return exitOK
}

// deletion is one file or folder deleted: the JSON of delete ("" is the whole folder).
type deletion struct {
	Path string `json:"path"`
}

func remove(_ context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if o.all {
		return removeAll(o, stdout, stderr, fsys)
	}
	f, paths, err := openPaths(fsys, o)
	if err != nil {
		return fail(stderr, err)
	}
	// A file inside a folder that goes too needs no delete of its own.
	paths = slices.DeleteFunc(paths, func(rel string) bool {
		app, _, isFile := strings.Cut(rel, "/")
		return isFile && slices.Contains(paths, app)
	})
	etags := make([]string, len(paths))
	for i, rel := range paths {
		if strings.Contains(rel, "/") {
			_, etags[i], err = f.readSession(rel)
		} else if info, serr := f.fsys.Stat(filepath.Join(f.root, rel)); serr != nil || !info.IsDir() {
			err = &core.OpError{Kind: core.KindNotFound, Path: rel, Msg: "no such app folder"}
		}
		if err != nil {
			return f.failed(stderr, err)
		}
	}
	deleted := []deletion{}
	lines := func() []string {
		var out []string
		for _, d := range deleted {
			out = append(out, o.lang.Sprintf(msgDeleted, d.Path))
		}
		return out
	}
	for i, rel := range paths {
		opts := core.DeleteOptions{IfMatch: etags[i], MaxFileSize: o.checker.Limits().MaxFileSize, Force: o.force}
		if err := core.DeleteWith(f.fsys, f.root, rel, opts); err != nil {
			return f.failedAfter(o, stdout, stderr, withForceHint(err), map[string]any{"deleted": deleted}, lines())
		}
		deleted = append(deleted, deletion{Path: rel})
	}
	if err := f.save(o, fsys); err != nil {
		return fail(stderr, err)
	}
	return f.report(o, stdout, stderr, map[string]any{"deleted": deleted}, lines())
}

// removeAll deletes DIR itself, as 4D's documented example does to reset every session, when it holds nothing
// but what 4D puts in a MobileApps folder (or with --force), and says which folder it deleted, by its absolute
// path. A DIR already gone, from a folder that is there, is done already. A DIR that cannot be a MobileApps folder
// (resolveAll) is refused before anything is touched, even with --force.
func removeAll(o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(o.positionals) != 0 {
		return fail(stderr, "delete --all DIR takes no PATH: it deletes the whole folder")
	}
	abs, err := resolveAll(fsys, o.dir)
	if err != nil {
		return fail(stderr, err)
	}
	if deleted, err := deletedFolder(fsys, o.dir); err != nil {
		return fail(stderr, err)
	} else if deleted {
		fmt.Fprintf(stderr, "mobisess: %s does not exist: no session to delete\n", o.dir)
		return exitOK
	}
	f, err := openFolder(fsys, o.dir, o, false)
	if err != nil {
		return fail(stderr, err)
	}
	if err := core.DeleteWith(f.fsys, f.root, "", core.DeleteOptions{Force: o.force}); err != nil {
		if core.KindOf(err) == core.KindForeign {
			return fail(stderr, fmt.Sprintf("%s: %v", abs, withForceHint(err)))
		}
		return f.failed(stderr, err)
	}
	if err := f.save(o, fsys); err != nil {
		return fail(stderr, err)
	}
	if f.zip {
		abs = o.dir // the zip is not deleted: its copy at --out is empty
	}
	return f.report(o, stdout, stderr, map[string]any{"deleted": []deletion{{Path: ""}}, "folder": abs}, []string{o.lang.Sprintf(msgDeletedAll, abs)})
}

// withForceHint says, of a delete refused because the folder holds what 4D does not put there, how to delete
// it anyway.
func withForceHint(err error) error {
	if core.KindOf(err) != core.KindForeign {
		return err
	}
	return fmt.Errorf("%w (--force deletes it anyway)", err)
}

// resolveAll resolves the DIR of delete --all to an absolute path, and refuses one that is surely not a
// MobileApps folder, whatever it holds: one named by '.' or '..' (other/.. is the current folder), a link (the
// folder it leads to is named by its own path), the root of a volume, a folder that holds the current folder or
// the home folder.
func resolveAll(fsys afero.Fs, dir string) (string, error) {
	refuse := func(why string) error {
		return fmt.Errorf("delete --all %s: %s; nothing was deleted", dir, why)
	}
	if base := filepath.Base(dir); base == "." || base == ".." {
		return "", refuse("name the MobileApps folder by its own name, not by '.' or '..'")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", refuse(err.Error())
	}
	real := abs
	if info, err := os.Lstat(abs); err == nil {
		if info.Mode()&fs.ModeSymlink != 0 {
			to, _ := filepath.EvalSymlinks(abs)
			return "", refuse("it is a link; name the folder it leads to (" + to + ") itself")
		}
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			real = r
		}
	}
	if filepath.Dir(real) == real {
		return "", refuse("it is the root of a volume")
	}
	holds := func(p string) bool {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return p == real || strings.HasPrefix(p, real+string(filepath.Separator))
	}
	if wd, err := os.Getwd(); err == nil && holds(wd) {
		return "", refuse("it holds the current folder")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" && holds(home) {
		return "", refuse("it holds the home folder")
	}
	return abs, nil
}
