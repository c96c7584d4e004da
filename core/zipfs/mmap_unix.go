//go:build unix

package zipfs

import "syscall"

// mapArchive maps the zip file of descriptor fd into memory, read-only. Its entries are then sliced where they lie instead of
// read with a system call each (for 100k sessions, a sixth of the check), and its pages are the page cache's,
// not a copy on the heap. ok is false where the file cannot be mapped: it is then read with ReadAt.
func mapArchive(fd uintptr, size int64) (m memArchive, ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, false
	}
	data, err := syscall.Mmap(int(fd), 0, int(size), syscall.PROT_READ, mapFlags)
	if err != nil {
		return nil, false
	}
	return memArchive(data), true
}

func unmapArchive(m memArchive) { _ = syscall.Munmap(m) }
