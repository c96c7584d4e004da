package core

import (
	"context"
	"sort"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/i18n"
)

// Report is the result of checking a folder: the JSON of `mobisess check --format json`.
type Report struct {
	Sessions []*Session `json:"sessions"`
	// Errors are the errors the check raises, one per file that fails, in path order: what 4D hands its ON ERR
	// CALL method one after another, and then its Last errors.
	Errors  []*Error  `json:"errors"`
	Skipped []Skipped `json:"skipped"`
	Apps    []App     `json:"apps"`
	Summary Summary   `json:"summary"`
}

// In is r with its words said in lang: the errors and the skipped entries copied, the rest shared.
func (r *Report) In(lang i18n.Lang) *Report {
	out := *r
	out.Errors = allIn(r.Errors, lang, (*Error).In)
	out.Skipped = allIn(r.Skipped, lang, Skipped.In)
	return &out
}

// allIn is list with each element said in lang by in, a copy: the elements may be shared. Nil stays nil.
func allIn[T any](list []T, lang i18n.Lang, in func(T, i18n.Lang) T) []T {
	if list == nil {
		return nil
	}
	out := make([]T, len(list))
	for i, x := range list {
		out[i] = in(x, lang)
	}
	return out
}

// App counts what one app folder holds.
type App struct {
	Name     string `json:"name"`
	Sessions int    `json:"sessions"`
	Errors   int    `json:"errors"`
	Skipped  int    `json:"skipped"`
}

// Summary counts what a report holds.
type Summary struct {
	Apps     int `json:"apps"`
	Files    int `json:"files"`
	Sessions int `json:"sessions"`
	Errors   int `json:"errors"`
	Skipped  int `json:"skipped"`
}

// CheckOptions are the optional parts of a check.
type CheckOptions struct {
	// Progress, when set, is told from time to time how many files are done.
	Progress Progress
}

// A ReportWriter takes a check's report as it is produced, so that a report of any size can be written out
// without being held: the listing's part first, then each session file in path order (its session, or its
// error), then the counts. Report is the ReportWriter that keeps everything; report.NewCheckWriter renders.
type ReportWriter interface {
	Begin(skipped []Skipped, apps []string) error
	File(s *Session, e *Error) error
	End(apps []App, summary Summary) error
}

// Check runs the four checks on every session file under root and returns the report. The error is for input
// that cannot be read at all (the root is unreadable, a zip entry is broken, the context ended); problems of
// single files are in the report.
func (c *Checker) Check(ctx context.Context, fsys afero.Fs, root string, opts CheckOptions) (*Report, error) {
	r := &Report{}
	if err := c.CheckTo(ctx, fsys, root, opts, r); err != nil {
		return nil, err
	}
	return r, nil
}

// CheckTo is Check, handing the report to w as it is produced rather than keeping it.
func (c *Checker) CheckTo(ctx context.Context, fsys afero.Fs, root string, opts CheckOptions, w ReportWriter) error {
	_, err := c.checkFolder(ctx, fsys, root, folderCheck{progress: opts.Progress}, w)
	return err
}

// folderCheck says how checkFolder checks a folder, and who is told what it finds besides its report.
type folderCheck struct {
	hash     bool       // hash each file's bytes (FileResult.Hash), for a memory to compare with
	known    knownBytes // bytes already known, by their hash: not checked again
	progress Progress
	listed   func(*Listing)         // told the listing, before any file is checked
	each     func(FileResult) error // told each result, in listing order, before the report is
	// only, when set, are the paths checked (ListPaths) instead of the whole folder.
	only []string
}

// checkFolder is the one loop of every check of a folder (a check, a load, a refresh): it lists the folder at
// root, hands the listing to w, checks every session file in listing order and hands each result to check.each
// and then to w, counting them per app (the files gone since they were listed are left out: they are not in
// the folder), and ends w with the counts. It returns the listing.
func (c *Checker) checkFolder(ctx context.Context, fsys afero.Fs, root string, check folderCheck, w ReportWriter) (*Listing, error) {
	var listing *Listing
	var err error
	if check.only != nil {
		listing, err = ListPaths(fsys, root, check.only)
	} else {
		listing, err = List(fsys, root)
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // before anything is written
	}
	if check.listed != nil {
		check.listed(listing)
	}
	if err := w.Begin(orEmpty(listing.Skipped), listing.Apps); err != nil {
		return nil, err
	}
	t := newTally(listing)
	err = c.checkAll(ctx, fsys, root, listing.Files, check.hash, check.known, check.progress, func(res FileResult) error {
		if res.Gone {
			return nil
		}
		t.count(res.File.Path, res.Err == nil)
		if check.each != nil {
			if err := check.each(res); err != nil {
				return err
			}
		}
		return w.File(res.Session, res.Err)
	})
	if err != nil {
		return nil, err
	}
	return listing, w.End(t.apps, t.summary)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Begin, File and End make Report a ReportWriter that keeps everything.
func (r *Report) Begin(skipped []Skipped, _ []string) error {
	r.Sessions, r.Errors, r.Skipped = []*Session{}, []*Error{}, skipped
	return nil
}

func (r *Report) File(s *Session, e *Error) error {
	if e != nil {
		r.Errors = append(r.Errors, e)
	} else {
		r.Sessions = append(r.Sessions, s)
	}
	return nil
}

func (r *Report) End(apps []App, summary Summary) error {
	r.Apps, r.Summary = apps, summary
	return nil
}

// Replay hands a kept report to w as CheckTo would have: the files app by app, in the order of r.Apps, and by
// path within an app.
func (r *Report) Replay(w ReportWriter) error {
	apps := make([]string, len(r.Apps))
	index := make(map[string]int, len(r.Apps))
	for i, a := range r.Apps {
		apps[i] = a.Name
		index[a.Name] = i
	}
	type file struct {
		path string
		s    *Session
		e    *Error
	}
	files := make([]file, 0, len(r.Sessions)+len(r.Errors))
	for _, s := range r.Sessions {
		files = append(files, file{s.Path, s, nil})
	}
	for _, e := range r.Errors {
		files = append(files, file{e.Path, nil, e})
	}
	rank := func(p string) int {
		app, _, _ := strings.Cut(p, "/")
		if i, ok := index[app]; ok {
			return i
		}
		return len(apps)
	}
	sort.SliceStable(files, func(i, j int) bool {
		ri, rj := rank(files[i].path), rank(files[j].path)
		return ri < rj || ri == rj && files[i].path < files[j].path
	})
	if err := w.Begin(orEmpty(r.Skipped), apps); err != nil {
		return err
	}
	for _, f := range files {
		if err := w.File(f.s, f.e); err != nil {
			return err
		}
	}
	return w.End(orEmpty(r.Apps), r.Summary)
}

// tally counts a report's files per app and in all, as they come.
type tally struct {
	index   map[string]int
	apps    []App
	summary Summary
}

func newTally(listing *Listing) *tally {
	t := &tally{index: make(map[string]int, len(listing.Apps)), apps: make([]App, len(listing.Apps))}
	for i, name := range listing.Apps {
		t.index[name] = i
		t.apps[i].Name = name
	}
	for _, s := range listing.Skipped {
		if name, _, ok := strings.Cut(s.Path, "/"); ok {
			if i, ok := t.index[name]; ok {
				t.apps[i].Skipped++
			}
		}
	}
	t.summary = Summary{Apps: len(listing.Apps), Files: len(listing.Files), Skipped: len(listing.Skipped)}
	return t
}

// count adds a session file that passes (valid) or fails.
func (t *tally) count(path string, valid bool) {
	name, _, _ := strings.Cut(path, "/")
	i, ok := t.index[name]
	if valid {
		t.summary.Sessions++
		if ok {
			t.apps[i].Sessions++
		}
		return
	}
	t.summary.Errors++
	if ok {
		t.apps[i].Errors++
	}
}
