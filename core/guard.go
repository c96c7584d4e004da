package core

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"
)

// What 4D puts in a MobileApps folder, and nothing else, is what a delete of the whole folder or of an app folder
// may take with it: a folder that holds anything more (a repository, sources, notes, a folder named by mistake)
// is refused, naming the first such entry, unless the caller forces it. The rule is here once, for the CLI, the
// console and the dev server's API.

// ForeignError is a delete refused because the folder holds an entry that 4D does not put in a MobileApps
// folder. Nothing was deleted.
type ForeignError struct {
	Folder string // the folder whose delete was refused, relative to the root: "" for the root itself
	Entry  string // the first entry, in name order, that 4D does not put there, relative to the root
	Why    string // what that entry is
}

func (e *ForeignError) Error() string {
	folder := "the folder holds"
	switch {
	case e.Folder == e.Entry:
		folder = "this is"
	case e.Folder != "":
		folder = "the app folder holds"
	}
	return fmt.Sprintf("%s %s (%s), which 4D does not put in a MobileApps folder: nothing was deleted", folder, e.Entry, e.Why)
}

// ForeignEntry is the entry named by a refused delete (a *ForeignError in err's chain), or "".
func ForeignEntry(err error) string {
	var fe *ForeignError
	if errors.As(err, &fe) {
		return fe.Entry
	}
	return ""
}

// fourDFiles are the files 4D itself keeps in an app folder beside the sessions: the app's manifest, the key of
// Apple's push service, the Firebase configuration of Android's.
func isFourDAppFile(name string) bool {
	return name == "manifest.json" || name == "google-services.json" ||
		strings.HasPrefix(name, "AuthKey_") && strings.HasSuffix(name, ".p8")
}

// isSystemJunk is what macOS and Windows leave in any folder that is browsed: Finder's view settings and the
// AppleDouble files of other volumes, Explorer's thumbnails and folder settings.
func isSystemJunk(name string) bool {
	return name == ".DS_Store" || strings.HasPrefix(name, "._") ||
		strings.EqualFold(name, "Thumbs.db") || strings.EqualFold(name, "desktop.ini")
}

// foreignAtRoot says what an entry at the root of a MobileApps folder is when 4D does not put it there; "" when
// it does (an app folder is judged by its content too).
func foreignAtRoot(name string, mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSymlink != 0:
		return "a link"
	case mode.IsRegular() && (name == "key.mobileapp" || isSystemJunk(name)):
		return ""
	case !mode.IsDir():
		return "a file"
	case strings.HasPrefix(name, "."):
		return "a hidden folder"
	case !strings.Contains(name, "."):
		// An app folder is named [team.id "."] application.id, and an application id is a bundle id or a
		// package name, which has a dot.
		return "a folder that is not an app folder ([team.id.]application.id)"
	}
	return ""
}

// foreignInApp says what an entry of an app folder is when 4D does not put it there; "" when it does: a session
// file (4D reads every regular file without an extension as one), 4D's own files, the system's, and the
// temporary files of a write of ours.
func foreignInApp(name string, mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSymlink != 0:
		return "a link"
	case mode.IsDir():
		return "a folder inside an app folder"
	case !mode.IsRegular():
		return "not a regular file"
	case isSystemJunk(name), isOurTemp(name), isFourDAppFile(name):
		return ""
	case strings.HasPrefix(name, "."):
		return "a hidden file"
	case strings.Contains(name, "."):
		return "a file that is neither a session nor one of 4D's"
	}
	return ""
}

// refuseForeign refuses (*ForeignError) a delete of the folder at rel ("" the root, "APP" an app folder) that
// holds what 4D does not put there. A folder that cannot be read is refused too: what it holds is unknown.
func refuseForeign(fsys afero.Fs, root, rel string) error {
	apps := []string{rel}
	if rel == "" {
		entries, err := readDir(fsys, root)
		if err != nil {
			return &OpError{Kind: KindInternal, Msg: "cannot tell what the folder holds, so nothing was deleted: " + unwrapPathError(err).Error()}
		}
		apps = apps[:0]
		for _, e := range entries {
			if why := foreignAtRoot(e.Name(), e.Type()); why != "" {
				return &ForeignError{Entry: e.Name(), Why: why}
			}
			if e.IsDir() {
				apps = append(apps, e.Name())
			}
		}
	} else if info, err := lstat(fsys, fsPath(root, rel)); err == nil {
		if why := foreignAtRoot(rel, info.Mode()); why != "" {
			return &ForeignError{Folder: rel, Entry: rel, Why: why}
		}
	}
	for _, app := range apps {
		entries, err := readDir(fsys, filepath.Join(root, app))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return &OpError{Kind: KindInternal, Path: app, Msg: "cannot tell what the folder holds, so nothing was deleted: " + unwrapPathError(err).Error()}
		}
		for _, e := range entries {
			if why := foreignInApp(e.Name(), e.Type()); why != "" {
				return &ForeignError{Folder: rel, Entry: app + "/" + e.Name(), Why: why}
			}
		}
	}
	return nil
}
