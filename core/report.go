package core

import (
	"context"
	"strings"

	"github.com/spf13/afero"
)

// Report is the result of checking a folder: the JSON of `mobisess check --format json`.
type Report struct {
	Sessions []*Session `json:"sessions"`
	Errors   []*Error   `json:"errors"`
	Skipped  []Skipped  `json:"skipped"`
	Apps     []App      `json:"apps"`
	Summary  Summary    `json:"summary"`
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
	// OnError is called with each error as it is raised, in path order.
	OnError ErrorHandler
}

// Check runs the four checks on every session file under root. The error is for input that cannot be read
// at all (the root is unreadable, the context ended); problems of single files are in the report.
func (c *Checker) Check(ctx context.Context, fsys afero.Fs, root string, opts CheckOptions) (*Report, error) {
	listing, err := List(fsys, root, c.lang())
	if err != nil {
		return nil, err
	}
	return c.checkListing(ctx, fsys, root, listing, opts.OnError)
}

func (c *Checker) checkListing(ctx context.Context, fsys afero.Fs, root string, listing *Listing, onError ErrorHandler) (*Report, error) {
	r := newReport(listing)
	stack := NewErrorStack(onError)
	err := c.checkAll(ctx, fsys, root, listing.Files, false, nil, nil, func(res FileResult) {
		switch {
		case res.Gone:
		case res.Err != nil:
			stack.Push(res.Err)
		default:
			r.Sessions = append(r.Sessions, res.Session)
		}
	})
	if err != nil {
		return nil, err
	}
	r.Errors = stack.Errors()
	r.summarize(listing)
	return r, nil
}

func newReport(listing *Listing) *Report {
	r := &Report{Sessions: []*Session{}, Skipped: listing.Skipped}
	if r.Skipped == nil {
		r.Skipped = []Skipped{}
	}
	return r
}

// summarize fills the counts, per app and in all.
func (r *Report) summarize(listing *Listing) {
	index := make(map[string]int, len(listing.Apps))
	r.Apps = make([]App, len(listing.Apps))
	for i, name := range listing.Apps {
		index[name] = i
		r.Apps[i].Name = name
	}
	app := func(path string) *App {
		name, _, _ := strings.Cut(path, "/")
		if i, ok := index[name]; ok {
			return &r.Apps[i]
		}
		return &App{} // an entry at the root: counted in the summary only
	}
	for _, s := range r.Sessions {
		app(s.Path).Sessions++
	}
	for _, e := range r.Errors {
		app(e.Path).Errors++
	}
	for _, s := range r.Skipped {
		if strings.Contains(s.Path, "/") {
			app(s.Path).Skipped++
		}
	}
	r.Summary = Summary{Apps: len(listing.Apps), Files: len(listing.Files), Sessions: len(r.Sessions), Errors: len(r.Errors), Skipped: len(r.Skipped)}
}
