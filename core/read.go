package core

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

// Reading a file of the folder within the size limit, without ever waiting on something that is not a regular
// file: the folders come from servers and other people's machines.

// errNotRegular is an entry that is no longer a regular file when it is read (a folder, a device, a pipe).
var errNotRegular = errors.New("not a regular file")

// readFile reads one session file within the size limit. A file over the limit is refused before it is read.
// The buffer is sized from the file's size, so that what memory keeps of it holds no slack. What is not a
// regular file is refused from its lstat, unopened; one that becomes something else before it is opened is
// refused then, never waited on (openRegular).
func readFile(fsys afero.Fs, name string, limit int64) ([]byte, error) {
	if onDisk(fsys) { // elsewhere openRegular asks the lstat itself, or opens what cannot be waited on
		if info, err := lstat(fsys, name); err != nil {
			return nil, err
		} else if !info.Mode().IsRegular() {
			return nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
		}
	}
	return readListedFile(fsys, name, limit)
}

// readSessionFile reads the listed session file f of the folder at root. A file system that reads its sessions
// by app folder and name (zipfs.SessionReader: a zip read in place and not edited) is asked so: no path is
// built, cleaned and looked up again, per file of a 100k-session check.
func readSessionFile(fsys afero.Fs, root string, f SessionFile, limit int64) ([]byte, error) {
	if r, ok := fsys.(zipfs.SessionReader); ok && root == zipfs.Root {
		if data, ok, err := r.ReadSession(f.App, f.Name, limit); ok {
			return data, err
		}
	}
	return readListedFile(fsys, fsPath(root, f.Path), limit)
}

// readListedFile reads a file that the listing has just seen as regular, sparing readFile's lstat: openRegular
// cannot wait on what replaced it since (a pipe, a link), and refuses it.
func readListedFile(fsys afero.Fs, name string, limit int64) ([]byte, error) {
	f, info, err := openRegular(fsys, name)
	if err != nil {
		return nil, err
	}
	return readOpened(f, info, limit)
}

// OpenRegular opens a file for reading only when it is a regular file, never waiting on a named pipe and never
// following a link, for readers outside core (the dev server's watcher) that must not hang either.
func OpenRegular(fsys afero.Fs, name string) (afero.File, error) {
	f, _, err := openRegular(fsys, name)
	return f, err
}

// openRegular is OpenRegular, also giving the file's stat: a read need not ask for it again. On the system's
// disk the open itself cannot wait: a file replaced by a named pipe after it was looked at (listed, or lstat'ed
// by the caller) is opened without blocking and without following a link (openListedFlags), then refused from
// what the open file says it is. Opening a pipe the usual way waits for a writer, forever, and whatever the
// caller holds meanwhile is held forever too. A file system whose files are all in memory (zipfs.InMemory)
// opens at once, and the open file says what it is. Others (afero's MemMapFs, or one over the disk that does
// not pass the flags on) are asked first: what is not regular is refused from its lstat, unopened.
func openRegular(fsys afero.Fs, name string) (afero.File, fs.FileInfo, error) {
	var f afero.File
	var err error
	switch {
	case onDisk(fsys):
		if f, err = fsys.OpenFile(name, openListedFlags, 0); errors.Is(err, errLinkRefused) {
			err = &fs.PathError{Op: "open", Path: name, Err: errNotRegular} // a link, swapped in since it was looked at
		}
	case zipfs.IsInMemory(fsys):
		f, err = fsys.Open(name)
	default:
		if info, lerr := lstat(fsys, name); lerr != nil {
			return nil, nil, lerr
		} else if !info.Mode().IsRegular() {
			return nil, nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
		}
		f, err = fsys.Open(name)
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
	}
	return f, st, nil
}

// openNamed opens for reading a file that a user named: a link is followed, as the user may name one, and a
// named pipe is refused, never waited on, even one swapped in since the file was looked at.
func openNamed(fsys afero.Fs, name string) (afero.File, error) {
	var f afero.File
	var err error
	if onDisk(fsys) {
		f, err = fsys.OpenFile(name, openListedFlags&^noFollow, 0)
	} else {
		f, err = fsys.Open(name)
	}
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
	}
	return f, nil
}

// onDisk says whether fsys opens the system's files (afero's OsFs, or a file system that wraps it and passes
// OpenFile's flags on), where a name may be a named pipe. It asks the name, as no interface can say it: afero's
// OsFs implements none of its own, and every other file system would have to deny it.
func onDisk(fsys afero.Fs) bool { return fsys.Name() == (afero.OsFs{}).Name() }

// OpenDir opens a folder to list it without waiting on a named pipe that replaced it since it was looked at.
// follow says whether a link is followed: the root of a listing may be one.
func OpenDir(fsys afero.Fs, name string, follow bool) (afero.File, error) {
	if !onDisk(fsys) {
		return fsys.Open(name)
	}
	flags := openDirFlags
	if follow {
		flags &^= noFollow
	}
	return fsys.OpenFile(name, flags, 0)
}

// readOpened reads the open regular file f, whose stat is st, within limit, and closes it.
func readOpened(f afero.File, st fs.FileInfo, limit int64) ([]byte, error) {
	defer f.Close()
	if st.Size() > limit {
		return nil, &zipfs.TooLargeError{Size: st.Size(), Limit: limit}
	}
	if w, ok := f.(zipfs.WholeFile); ok {
		return w.Contents() // of the size Stat gave: a zip entry that inflates to more is refused
	}
	buf := make([]byte, 0, st.Size()+1) // +1 so that the end of the file is seen without growing the buffer
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew since its size was read
		}
		want := cap(buf) - len(buf)
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, &zipfs.TooLargeError{Size: int64(len(buf)), Limit: limit}
		}
		if err == io.EOF {
			return buf, nil
		}
		// A read of a regular file stops short only at its end: with exactly the size its stat gave, the file is
		// read, and a read more to be told so would cost a call per file.
		if err == nil && n < want && int64(len(buf)) == st.Size() {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// unwrapPathError drops the path from an fs error: the report names the file already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError // a rename: its paths are those of a temporary file
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// lstat is the file system's lstat where it has one (a link is not followed), else its stat.
func lstat(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		info, _, err := l.LstatIfPossible(name)
		return info, err
	}
	return fsys.Stat(name)
}
