package core

import (
	"errors"
	"io/fs"
	"slices"
	"strings"

	"github.com/spf13/afero"
)

// ListPaths lists some paths of the folder under root as List lists the whole folder: "app", an entry of the
// root, with what it holds when it is an app folder; "app/name", one entry of an app folder. A path that is not
// there lists nothing; Apps names the app folders of the paths that are there. "" is the whole folder.
func ListPaths(fsys afero.Fs, root string, paths []string) (*Listing, error) {
	if slices.Contains(paths, "") {
		return List(fsys, root)
	}
	l := &Listing{Unreadable: map[string]bool{}}
	whole := map[string]bool{}
	for _, p := range paths {
		if !strings.Contains(p, "/") {
			whole[p] = true
		}
	}
	apps := map[string]bool{}
	for _, p := range paths {
		app, name, nested := strings.Cut(p, "/")
		if nested && whole[app] {
			continue // listed with its folder
		}
		info, err := lstat(fsys, fsPath(root, app))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return nil, err
		}
		if !nested {
			a := listRootEntry(fsys, root, app, info)
			if a.listed {
				apps[app] = true
			}
			if a.unreadable {
				l.Unreadable[app] = true
			}
			l.Files = append(l.Files, a.files...)
			l.Skipped = append(l.Skipped, a.skipped...)
			continue
		}
		if _, skip := skipAtRoot(app, info.Mode().Type()); skip {
			continue // nothing under it is listed
		}
		apps[app] = true
		fi, err := lstat(fsys, fsPath(root, p))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return nil, err
		case fi.IsDir():
			l.Skipped = append(l.Skipped, skipEntry(p, SkipNested))
		default:
			if kind, ok := classify(name, fi.Mode().Type()); ok {
				l.Files = append(l.Files, SessionFile{Path: p, App: app, Name: name})
			} else {
				l.Skipped = append(l.Skipped, skipEntry(p, kind))
			}
		}
	}
	for app := range apps {
		l.Apps = append(l.Apps, app)
	}
	slices.Sort(l.Apps)
	slices.SortFunc(l.Files, func(a, b SessionFile) int {
		if c := strings.Compare(a.App, b.App); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	slices.SortFunc(l.Skipped, func(a, b Skipped) int { return strings.Compare(a.Path, b.Path) })
	return l, nil
}

// listRootEntry is what List makes of one entry of the root.
func listRootEntry(fsys afero.Fs, root, name string, info fs.FileInfo) appListing {
	if kind, skip := skipAtRoot(name, info.Mode().Type()); skip {
		return appListing{skipped: []Skipped{skipEntry(name, kind)}}
	}
	return listApp(fsys, root, name)
}
