package zipfs

import (
	"path"
	"strings"
	"unicode/utf8"
)

// The names of a zip's entries, and the paths of its file system.

// isMacJunk says whether an entry is what macOS adds to a zip it makes: its __MACOSX folder and "._" files.
func isMacJunk(name string) bool {
	return name == "__MACOSX" || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), "._")
}

// entryName validates a zip entry's name and returns it cleaned, without a trailing slash.
func entryName(raw string) (string, error) {
	bad := func(reason string) error { return &Error{Entry: raw, Reason: reason} }
	switch {
	case raw == "":
		return "", bad("empty name")
	case !utf8.ValidString(raw):
		return "", bad("the name is not valid UTF-8")
	case strings.ContainsRune(raw, 0):
		return "", bad("the name contains a NUL character")
	case strings.Contains(raw, `\`):
		return "", bad(`the name contains a backslash: not a portable path`)
	case strings.HasPrefix(raw, "/"):
		return "", bad("absolute names are refused")
	case len(raw) >= 2 && raw[1] == ':':
		return "", bad("names with a drive letter are refused")
	}
	name := strings.TrimSuffix(raw, "/")
	clean := true
	for rest := name; ; {
		seg, after, more := strings.Cut(rest, "/")
		switch seg {
		case "..":
			return "", bad("names with '..' would escape the folder")
		case "", ".":
			clean = false
		}
		if !more {
			break
		}
		rest = after
	}
	if clean {
		return name, nil // as almost every name is: path.Clean would only scan it again
	}
	if name = path.Clean(name); name == "." {
		return "", bad("empty name")
	}
	return name, nil
}

// ValidName says why the name raw would be refused as an entry of a zip (an *Error naming it), or nil: the
// rule of the import, for a writer of zips that must open again.
func ValidName(raw string) error {
	_, err := entryName(raw)
	return err
}

// CleanPath is name in the form of the paths of this package's file systems: absolute, '/'-separated, clean.
// A backslash separates too: a name from Windows means the same path.
func CleanPath(name string) string {
	if strings.HasPrefix(name, "/") && !strings.Contains(name, `\`) {
		return path.Clean(name) // no copy of a name that is clean already: the checks' names are
	}
	return path.Clean("/" + strings.ReplaceAll(name, `\`, "/"))
}

// splitLast cuts a clean path into its folder and its last name.
func splitLast(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/", p[1:]
	}
	return p[:i], p[i+1:]
}
