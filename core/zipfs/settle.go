package zipfs

import (
	"bytes"
	"strings"

	"github.com/spf13/afero"
)

// Settle drops the edits at the path p, and under it, once the overlay holds there what its base holds: the base
// was brought to the edits (a folder on disk, written back through a browser, is the base of its edits), so they
// are edits no more. Nothing is dropped where the two differ, nor while a folder above p is removed by the edits
// (that folder settles first, p with it). kept says that p is a folder that stays in the base even when the edits
// removed it (the folder the browser was given, emptied): empty in the base, it settles as the empty folder.
//
// p is journaled as changed whether or not it settles: its base changed, and whoever keeps the edits is told.
func (o *Overlay) Settle(p string, kept bool) (bool, error) {
	p = CleanPath(p)
	defer o.touchUnder(p)
	if p != "/" {
		parent, _ := splitLast(p)
		if o.hidden(parent) {
			return false, nil
		}
	}
	same, err := o.sameAsBase(p, kept)
	if err != nil || !same {
		return false, err
	}
	if _, ok := o.inTop(p); ok {
		if err := o.top.RemoveAll(p); err != nil {
			return false, err
		}
	}
	o.mu.Lock()
	for q := range o.deleted {
		if q == p || isUnder(q, p) {
			delete(o.deleted, q)
		}
	}
	o.mu.Unlock()
	return true, nil
}

// touchUnder journals p, and every path of the journal under it, as changed.
func (o *Overlay) touchUnder(p string) {
	j := &o.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	j.count++
	for q, e := range j.paths {
		if q == p || isUnder(q, p) {
			e.changed, e.exported = j.count, j.count
		}
	}
	e := j.entry(p)
	e.changed, e.exported = j.count, j.count
}

func isUnder(q, dir string) bool {
	return dir == "/" && q != "/" || strings.HasPrefix(q, dir+"/")
}

// sameAsBase says whether the overlay holds at p, and under it, what the base holds: the same kind of entry, the
// same names in a folder, the same bytes in a file.
func (o *Overlay) sameAsBase(p string, kept bool) (bool, error) {
	info, err := o.Stat(p)
	inOverlay := err == nil
	baseInfo, err := o.base.Stat(p)
	inBase := err == nil
	if kept && !inOverlay && inBase && baseInfo.IsDir() {
		names, err := readDirOf(o.base, p)
		return len(names) == 0, err
	}
	switch {
	case inOverlay != inBase:
		return false, nil
	case !inOverlay:
		return true, nil
	case info.IsDir() != baseInfo.IsDir():
		return false, nil
	case !info.IsDir():
		if _, ok := o.inTop(p); !ok && !o.hidden(p) {
			return true, nil // the base's own file
		}
		mine, err := afero.ReadFile(o, p)
		if err != nil {
			return false, err
		}
		theirs, err := afero.ReadFile(o.base, p)
		return err == nil && bytes.Equal(mine, theirs), err
	}
	mine, err := (&overlayDir{o: o, path: p}).names()
	if err != nil {
		return false, err
	}
	theirs, err := readDirOf(o.base, p)
	if err != nil || len(mine) != len(theirs) {
		return false, err
	}
	for i, e := range theirs { // both in name order
		if e.Name() != mine[i] {
			return false, nil
		}
		same, err := o.sameAsBase(CleanPath(p+"/"+e.Name()), false)
		if err != nil || !same {
			return false, err
		}
	}
	return true, nil
}
