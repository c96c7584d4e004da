package core

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

// OpenPath opens what a user names on a command line: a MobileApps folder, used in place, or a .zip of one, read
// in place with its edits kept in memory (zipfs.OpenFile), or a folder inside a zip
// ("export.zip/Data/MobileApps"). It returns the file system and the root of the sessions in it. A zip's file
// stays open, or mapped where the system can, while the file system is in use.
func OpenPath(fsys afero.Fs, path string, limits ZipLimits) (afero.Fs, string, error) {
	inner := ""
	info, err := fsys.Stat(path)
	if err != nil {
		if zip, in, ok := SplitZipPath(fsys, path); ok {
			path, inner = zip, in
			info, err = fsys.Stat(path)
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", &OpError{Kind: KindInput, Path: path, Msg: "no such file or folder"}
		}
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: unwrapPathError(err).Error()}
	}
	if info.IsDir() {
		return fsys, path, nil
	}
	if !strings.HasSuffix(strings.ToLower(path), ".zip") {
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: "not a folder or a .zip file"}
	}
	if info.Size() > limits.MaxTotalSize {
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: fmt.Sprintf("the zip is %s, over the %s limit", zipfs.FormatSize(info.Size()), zipfs.FormatSize(limits.MaxTotalSize))}
	}
	if !info.Mode().IsRegular() {
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: errNotRegular.Error()}
	}
	// Read where the zip's reader needs, not whole: the archive need not sit in memory.
	f, err := openNamed(fsys, path)
	if err != nil {
		return nil, "", &OpError{Kind: KindInput, Path: path, Msg: unwrapPathError(err).Error()}
	}
	zfs, err := zipfs.OpenFile(f, info.Size(), path, inner, limits)
	if err != nil {
		return nil, "", err
	}
	return zfs, zipfs.Root, nil
}

// CopyFS copies a read-only tree (such as an embedded folder) into an editable in-memory filesystem, under
// ZipRoot like an imported zip.
func CopyFS(src fs.FS, dir string) (afero.Fs, string, error) {
	mem := afero.NewMemMapFs()
	err := fs.WalkDir(src, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := ZipRoot + strings.TrimPrefix(p, dir)
		if d.IsDir() {
			return mem.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return afero.WriteFile(mem, target, data, 0o644)
	})
	if err != nil {
		return nil, "", err
	}
	return mem, ZipRoot, nil
}

// SplitZipPath reads a path that names a folder inside a zip, such as "export.zip/Data/MobileApps" (or with the
// system's separator): the zip file's path, and the folder's inside it, '/'-separated. ok is false when no part
// of the path that ends in ".zip" before a separator is a file.
func SplitZipPath(fsys afero.Fs, p string) (zip, inner string, ok bool) {
	lower := strings.ToLower(p)
	for at := 0; ; {
		i := strings.Index(lower[at:], ".zip")
		if i < 0 {
			return "", "", false
		}
		end := at + i + len(".zip")
		at = end
		if end >= len(p) || p[end] != '/' && p[end] != filepath.Separator {
			continue
		}
		if info, err := fsys.Stat(p[:end]); err == nil && info.Mode().IsRegular() {
			return p[:end], strings.Trim(filepath.ToSlash(p[end+1:]), "/"), true
		}
	}
}

// KindWrongRoot is a folder given as a MobileApps folder that is probably not the one meant (WrongRootError).
const KindWrongRoot Kind = "wrongroot"

// RootName is a root as the user named it, for an error that names another folder beside it.
type RootName struct {
	Path  string // the folder, or the zip file, as named
	Zip   bool   // Path is a zip file, and the root the folder Inner inside it ("" for the zip's own root)
	Inner string
}

// NameRoot is how the user named path, a folder or a zip (or a folder inside one) that OpenPath opens.
func NameRoot(fsys afero.Fs, path string) RootName {
	if info, err := fsys.Stat(path); err == nil {
		return RootName{Path: path, Zip: !info.IsDir()}
	}
	if zip, inner, ok := SplitZipPath(fsys, path); ok {
		return RootName{Path: zip, Zip: true, Inner: inner}
	}
	return RootName{Path: path}
}

// WrongRootError is a root that holds no session file in any app folder, beside the folder that was probably
// meant: the root holds session files itself, as an app folder does (the folder above it was meant), or holds
// a folder named MobileApps one or two levels down, as a 4D Data folder or a project's folder does. Such a
// root would check as "every session file passes", which is an answer wrong in silence.
type WrongRootError struct {
	Name      RootName
	AppFolder bool   // the root holds session files itself
	Meant     string // the folder probably meant, relative to the root, '/'-separated: "Data/MobileApps", ".."
}

func (e *WrongRootError) Error() string {
	root := e.Name.Path
	if e.Name.Zip && e.Name.Inner != "" {
		root += "/" + e.Name.Inner
	}
	meant := e.MeantPath()
	switch {
	case e.AppFolder && meant == "":
		return root + " holds session files at its root, as an app folder does: make the zip of the MobileApps folder that holds that app folder instead"
	case e.AppFolder:
		return root + " holds session files itself, as an app folder does: " + meant + ", the folder above it, is the MobileApps folder: did you mean it?"
	}
	return root + " holds no app folder of session files, but a folder named MobileApps: " + meant + ": did you mean it?"
}

// MeantPath is the folder probably meant, named as the root was: a folder's path, or a zip's path and the
// folder inside it ("export.zip/Data/MobileApps"). It is "" above the root of a zip, where there is nothing.
func (e *WrongRootError) MeantPath() string {
	if !e.Name.Zip {
		return filepath.Join(e.Name.Path, filepath.FromSlash(e.Meant))
	}
	inner, ok := e.MeantInZip()
	if !ok {
		return ""
	}
	return e.Name.Path + "/" + inner
}

// MeantInZip is, for a zip, the folder probably meant inside it, as zipfs.View and the console's openZip take it;
// ok is false when it would be above the zip's root.
func (e *WrongRootError) MeantInZip() (string, bool) {
	p := path.Join(e.Name.Inner, e.Meant)
	if !e.Name.Zip || p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// CheckRoot says whether root, about to be checked as a MobileApps folder, is probably another folder: one that
// holds no session file in any app folder, and either holds session files itself or a folder named MobileApps
// within two levels (WrongRootError). An empty MobileApps folder, a folder that holds neither, and a root that
// does not exist (4D's example deletes the MobileApps folder to reset every session) are what they are: no
// error. It reads the root, its folders until one holds a session file, and, only when none does, looks for
// MobileApps below.
func CheckRoot(fsys afero.Fs, root string, name RootName) error {
	entries, err := readDir(fsys, root)
	if err != nil {
		return nil // missing, or unreadable: the check itself says so
	}
	holdsSessions := false
	var folders []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.Type()&fs.ModeSymlink != 0, strings.HasPrefix(n, "."), n == "__MACOSX":
		case e.IsDir():
			if holdsSessionFile(fsys, fsPath(root, n)) {
				return nil
			}
			folders = append(folders, n)
		case e.Type().IsRegular() && IsSessionName(n):
			holdsSessions = true
		}
	}
	if holdsSessions && !strings.EqualFold(rootBase(name), "MobileApps") {
		return &WrongRootError{Name: name, AppFolder: true, Meant: ".."}
	}
	for _, n := range folders {
		if n == "MobileApps" {
			return &WrongRootError{Name: name, Meant: n}
		}
	}
	for _, n := range folders {
		if info, err := lstat(fsys, fsPath(root, n+"/MobileApps")); err == nil && info.IsDir() {
			return &WrongRootError{Name: name, Meant: n + "/MobileApps"}
		}
	}
	return nil
}

// rootBase is the name of the root's own folder, as named ("" for a zip's root).
func rootBase(name RootName) string {
	if name.Zip {
		return path.Base("/" + name.Inner)
	}
	return filepath.Base(name.Path)
}

// holdsSessionFile says whether the folder dir holds a session file, reading its listing only until one.
func holdsSessionFile(fsys afero.Fs, dir string) bool {
	f, err := OpenDir(fsys, dir, true)
	if err != nil {
		return false
	}
	defer f.Close()
	for {
		entries, err := dirEntries(f, 256)
		for _, e := range entries {
			if _, ok := classify(e.Name(), e.Type()); ok && !e.IsDir() {
				return true
			}
		}
		if err != nil || len(entries) == 0 {
			return false
		}
	}
}
