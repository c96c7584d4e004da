package console

import (
	"maps"
	"slices"
	"strings"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// index is what the workspace knows of each path of its folder, as its State shows it: the file's verdict on
// disk, the session in memory, and what a refresh would do of it; with the counts per app folder. It is made
// from a pass over the folder (a load, a state, a refresh) and then kept up to date by the workspace's own
// changes and the changes it is told of, path by path: an edit costs the file it changed, not the folder.
type index struct {
	rows    map[string]*row
	apps    map[string]*core.App
	summary core.Summary
	memory  int // sessions in memory
	// saidOnce are the rows' own words (said), kept until a row changes: a change of language, and the next,
	// cost the words, not a look at every row. Nil: not known.
	saidOnce []Said
}

// row is one path: a file on disk (its session, its error, or why it is skipped), a session in memory, or both.
type row struct {
	session *core.Session
	err     *core.Error
	skipped *core.Skipped
	memory  *core.Session
	// what a refresh would do of it (State.pending); none when it would leave it as it is
	updated   *core.Updated
	notLoaded bool
	removed   *core.Removed
}

func (r *row) empty() bool {
	return r.session == nil && r.err == nil && r.skipped == nil && r.memory == nil && r.updated == nil && !r.notLoaded && r.removed == nil
}

// same says whether two rows show the same: the engine hands out the same session and error for the same
// bytes, so pointers tell.
func (r *row) same(o *row) bool {
	return r.session == o.session && r.err == o.err && r.memory == o.memory && r.notLoaded == o.notLoaded &&
		r.updated == nil && o.updated == nil && r.removed == nil && o.removed == nil &&
		(r.skipped == nil) == (o.skipped == nil) && (r.skipped == nil || r.skipped.Kind == o.skipped.Kind)
}

// newIndex indexes what a pass over the folder found, and the sessions in memory.
func newIndex(disk *core.Report, pending *core.RefreshReport, memory []*core.Session) *index {
	ix := &index{
		rows:    make(map[string]*row, len(disk.Sessions)+len(disk.Errors)+len(disk.Skipped)),
		apps:    make(map[string]*core.App, len(disk.Apps)),
		summary: disk.Summary,
		memory:  len(memory),
	}
	for _, a := range disk.Apps {
		ix.apps[a.Name] = &a
	}
	ix.take(disk, pending)
	for _, m := range memory {
		ix.at(m.Path).memory = m
	}
	return ix
}

func (ix *index) at(path string) *row {
	r := ix.rows[path]
	if r == nil {
		r = &row{}
		ix.rows[path] = r
	}
	return r
}

// take puts the rows of a pass (or of part of one) in the index, without counting them.
func (ix *index) take(disk *core.Report, pending *core.RefreshReport) {
	ix.saidOnce = nil
	for _, s := range disk.Sessions {
		ix.at(s.Path).session = s
	}
	for _, e := range disk.Errors {
		ix.at(e.Path).err = e
	}
	for i := range disk.Skipped {
		ix.at(disk.Skipped[i].Path).skipped = &disk.Skipped[i]
	}
	if pending == nil {
		return
	}
	for i := range pending.Updated {
		ix.at(pending.Updated[i].Path).updated = &pending.Updated[i]
	}
	for _, n := range pending.NotLoaded {
		ix.at(n.Path).notLoaded = true
	}
	for i := range pending.Removed {
		ix.at(pending.Removed[i].Path).removed = &pending.Removed[i]
	}
}

// count adds (sign 1) or takes away (-1) what a row counts for, in its app folder and in all.
func (ix *index) count(path string, r *row, sign int) {
	app, _, nested := strings.Cut(path, "/")
	a := ix.apps[app]
	if !nested {
		a = nil
	}
	switch {
	case r.session != nil:
		ix.summary.Sessions += sign
		ix.summary.Files += sign
		if a != nil {
			a.Sessions += sign
		}
	case r.err != nil:
		ix.summary.Errors += sign
		ix.summary.Files += sign
		if a != nil {
			a.Errors += sign
		}
	}
	if r.skipped != nil {
		ix.summary.Skipped += sign
		if a != nil {
			a.Skipped += sign
		}
	}
}

// update puts in the rows of the paths a partial pass looked at (core.Registry.PreviewPaths of scope): their
// files on disk as it found them, and what a refresh would do of them; the memory is as it was. It returns the
// paths whose rows changed.
func (ix *index) update(scope []string, disk *core.Report, pending *core.RefreshReport, listed []string) []string {
	ix.saidOnce = nil
	covered := map[string]bool{}
	all := slices.Contains(scope, "")
	var apps []string
	for _, p := range scope {
		if p == "" {
			continue
		}
		covered[p] = true
		if !strings.Contains(p, "/") {
			apps = append(apps, p)
		}
	}
	if all || len(apps) > 0 {
		for q := range ix.rows {
			app, _, nested := strings.Cut(q, "/")
			if all || nested && slices.Contains(apps, app) {
				covered[q] = true
			}
		}
	}
	before := make(map[string]row, len(covered))
	for p := range covered {
		r := ix.rows[p]
		if r == nil {
			continue
		}
		before[p] = *r
		ix.count(p, r, -1)
		*r = row{memory: r.memory}
	}
	// The app folders: those listed are there; those named and not listed are gone.
	isListed := map[string]bool{}
	for _, app := range listed {
		isListed[app] = true
		if ix.apps[app] == nil {
			ix.apps[app] = &core.App{Name: app}
			ix.summary.Apps++
		}
	}
	gone := func(app string) {
		if !isListed[app] && ix.apps[app] != nil {
			delete(ix.apps, app)
			ix.summary.Apps--
		}
	}
	if all {
		for app := range ix.apps {
			gone(app)
		}
	}
	for _, p := range scope {
		app, _, _ := strings.Cut(p, "/")
		gone(app)
	}
	ix.take(disk, pending)
	for _, s := range disk.Sessions {
		covered[s.Path] = true
	}
	for _, e := range disk.Errors {
		covered[e.Path] = true
	}
	for _, k := range disk.Skipped {
		covered[k.Path] = true
	}
	var changed []string
	for p := range covered {
		_, was := before[p]
		r := ix.rows[p]
		if r != nil {
			ix.count(p, r, 1)
			if r.empty() {
				delete(ix.rows, p)
				r = nil
			}
		}
		if r != nil || was {
			changed = append(changed, p)
		}
	}
	slices.SortFunc(changed, compareListed)
	return changed
}

// changedFrom are the paths whose rows differ between old and ix.
func (ix *index) changedFrom(old *index) []string {
	var changed []string
	for p, r := range ix.rows {
		if o := old.rows[p]; o == nil || !r.same(o) {
			changed = append(changed, p)
		}
	}
	for p := range old.rows {
		if ix.rows[p] == nil {
			changed = append(changed, p)
		}
	}
	slices.SortFunc(changed, compareListed)
	return changed
}

// compareListed orders paths as a listing does: app folder by app folder, by name, then each one's files by
// name.
func compareListed(a, b string) int {
	appA, restA, _ := strings.Cut(a, "/")
	appB, restB, _ := strings.Cut(b, "/")
	if c := strings.Compare(appA, appB); c != 0 {
		return c
	}
	return strings.Compare(restA, restB)
}

// reports are the index as a pass over the folder would report it: the check, and what a refresh would do.
func (ix *index) reports() (*core.Report, *core.RefreshReport, MemoryView) {
	paths := ix.paths()
	disk := &core.Report{Sessions: []*core.Session{}, Errors: []*core.Error{}, Skipped: []core.Skipped{}, Summary: ix.summary}
	pending := &core.RefreshReport{Updated: []core.Updated{}, Unchanged: []core.PathOnly{}, NotLoaded: []core.PathOnly{}, Removed: []core.Removed{}}
	mem := MemoryView{Count: ix.memory, SameAsDisk: []string{}, Sessions: []*core.Session{}}
	var memory []*core.Session
	for _, p := range paths {
		r := ix.rows[p]
		switch {
		case r.session != nil:
			disk.Sessions = append(disk.Sessions, r.session)
		case r.err != nil:
			disk.Errors = append(disk.Errors, r.err)
		}
		if r.skipped != nil {
			disk.Skipped = append(disk.Skipped, *r.skipped)
		}
		switch {
		case r.updated != nil:
			pending.Updated = append(pending.Updated, *r.updated)
		case r.notLoaded:
			pending.NotLoaded = append(pending.NotLoaded, core.PathOnly{Path: p})
		case r.removed != nil:
			pending.Removed = append(pending.Removed, *r.removed)
		case r.session != nil && r.memory != nil:
			pending.Unchanged = append(pending.Unchanged, core.PathOnly{Path: p})
		}
		if r.memory != nil {
			memory = append(memory, r.memory)
		}
	}
	slices.SortFunc(pending.Removed, func(a, b core.Removed) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(memory, func(a, b *core.Session) int { return strings.Compare(a.Path, b.Path) })
	for _, m := range memory {
		if r := ix.rows[m.Path]; r.session != nil && r.session.Equal(m) {
			mem.SameAsDisk = append(mem.SameAsDisk, m.Path)
		} else {
			mem.Sessions = append(mem.Sessions, m)
		}
	}
	pending.Errors = disk.Errors
	disk.Apps = ix.appList()
	return disk, pending, mem
}

// Delta is what changed of the State: the rows of the paths that changed, each as the State now shows it, and
// the counts, which are small and given whole.
type Delta struct {
	Lang    i18n.Lang    `json:"lang"` // the language its words are said in
	Rows    []Row        `json:"rows"`
	Apps    []core.App   `json:"apps"`
	Summary core.Summary `json:"summary"`
	Memory  int          `json:"memoryCount"`
	// Words are State.Words, said in Lang: each code's message, which is every error's message and every
	// removal's, and what a kept refresh report names by code.
	Words core.Words `json:"words"`
	// Said are the words of the rows that are their own, said in Lang: given by a change of language, which
	// moves no row and says every word again.
	Said []Said `json:"said,omitempty"`
}

// Said is what one path's row says in words of its own, in the order the State holds them: its error's cause
// and the message of each of its violations, or the reason it is skipped. A message that is a code's (an
// error's, a removal's) is said once, in Words.
type Said struct {
	Path       string      `json:"path"`
	Cause      i18n.Text   `json:"cause,omitzero"`
	Violations []i18n.Text `json:"violations,omitempty"`
	Reason     i18n.Text   `json:"reason,omitzero"`
}

// Row is one path as the State shows it: its file on disk (Session, Error or Skipped; none when it is not on
// disk), its session in memory (SameAsDisk: the disk's session; Memory: another one; neither: not in memory),
// and what a refresh would do of it (Updated, NotLoaded or Removed; none: leave it as it is). A row with
// nothing but its path is a path the State no longer holds.
type Row struct {
	Path       string        `json:"path"`
	Session    *core.Session `json:"session,omitempty"`
	Error      *core.Error   `json:"error,omitempty"`
	Skipped    *core.Skipped `json:"skipped,omitempty"`
	SameAsDisk bool          `json:"sameAsDisk,omitempty"`
	Memory     *core.Session `json:"memory,omitempty"`
	Updated    *core.Updated `json:"updated,omitempty"`
	NotLoaded  bool          `json:"notLoaded,omitempty"`
	Removed    *core.Removed `json:"removed,omitempty"`
}

// delta is the Delta of the paths changed.
func (ix *index) delta(changed []string) *Delta {
	d := &Delta{Rows: make([]Row, 0, len(changed)), Apps: ix.appList(), Summary: ix.summary, Memory: ix.memory}
	for _, p := range changed {
		d.Rows = append(d.Rows, ix.rowOf(p))
	}
	return d
}

// appList are the app folders with their counts, by name.
func (ix *index) appList() []core.App {
	names := make([]string, 0, len(ix.apps))
	for name := range ix.apps {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]core.App, 0, len(names))
	for _, name := range names {
		out = append(out, *ix.apps[name])
	}
	return out
}

func (ix *index) rowOf(p string) Row {
	out := Row{Path: p}
	r := ix.rows[p]
	if r == nil {
		return out
	}
	out.Session, out.Error, out.Skipped = r.session, r.err, r.skipped
	if r.memory != nil {
		if r.session != nil && r.session.Equal(r.memory) {
			out.SameAsDisk = true
		} else {
			out.Memory = r.memory
		}
	}
	out.Updated, out.NotLoaded, out.Removed = r.updated, r.notLoaded, r.removed
	return out
}

// said are the words of the State's rows that are their own, every one (see Said): what a change of language
// says again, with Words, by path.
func (ix *index) said() []Said {
	if ix.saidOnce != nil {
		return ix.saidOnce
	}
	out := []Said{}
	for p, r := range ix.rows {
		s := Said{Path: p}
		if e := r.err; e != nil {
			s.Cause = e.Cause
			if len(e.Violations) > 0 {
				s.Violations = make([]i18n.Text, len(e.Violations))
				for i, v := range e.Violations {
					s.Violations[i] = v.Message
				}
			}
		}
		if r.skipped != nil {
			s.Reason = r.skipped.Reason
		}
		if !s.Cause.IsZero() || len(s.Violations) > 0 || !s.Reason.IsZero() {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Said) int { return strings.Compare(a.Path, b.Path) })
	ix.saidOnce = out
	return out
}

// worded is the Delta of a change of language: no row changed, and the words of every row said again.
func (ix *index) worded() *Delta {
	d := ix.delta(nil)
	d.Said = ix.said()
	return d
}

// In is d with its words said in lang.
func (d *Delta) In(lang i18n.Lang) *Delta {
	out := *d
	out.Lang = lang
	out.Words = core.WordsIn(lang)
	out.Said = make([]Said, len(d.Said))
	for i, w := range d.Said {
		w.Cause, w.Reason = w.Cause.In(lang), w.Reason.In(lang)
		w.Violations = slices.Clone(w.Violations)
		for j := range w.Violations {
			w.Violations[j] = w.Violations[j].In(lang)
		}
		out.Said[i] = w
	}
	out.Rows = make([]Row, len(d.Rows))
	for i, r := range d.Rows {
		if r.Error != nil {
			r.Error = r.Error.In(lang)
		}
		if r.Skipped != nil {
			k := r.Skipped.In(lang)
			r.Skipped = &k
		}
		if r.Removed != nil {
			rm := r.Removed.In(lang)
			r.Removed = &rm
		}
		out.Rows[i] = r
	}
	return &out
}

// paths are every path the index knows, in listing order: grouped by app folder first, so that within one the
// paths share its prefix and sort as plain strings, quicker than cutting each path at each comparison.
func (ix *index) paths() []string {
	byApp := map[string][]string{}
	for p := range ix.rows {
		app, _, _ := strings.Cut(p, "/")
		byApp[app] = append(byApp[app], p)
	}
	out := make([]string, 0, len(ix.rows))
	for _, app := range slices.Sorted(maps.Keys(byApp)) {
		in := byApp[app]
		slices.Sort(in)
		out = append(out, in...)
	}
	return out
}

// toRefresh are the paths whose rows a refresh would change, in listing order: what it would do of them
// (updated, removed, and not loaded when a refresh loads new files), and the sessions in memory from other
// bytes than the file's (told unchanged, but remembered from the file's bytes after a refresh). The engine hands
// out the session in memory for the file's bytes when they are those in memory, so pointers tell.
func (ix *index) toRefresh() []string {
	out := []string{}
	for p, r := range ix.rows {
		if r.updated != nil || r.removed != nil || r.notLoaded && core.RefreshLoadsNewFiles || r.memory != nil && r.session != r.memory {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, compareListed)
	return out
}

// refreshed puts in the rows of the files a refresh of them alone went over (core.Registry.RefreshPaths of
// scope): the files as it read them, what a refresh would do of them next, and their sessions in memory after
// it (memory). It returns the paths whose rows changed, in listing order.
func (ix *index) refreshed(scope []string, disk *core.Report, rep *core.RefreshReport, memory func(path string) *core.Session) []string {
	listed := make([]string, len(disk.Apps))
	for i, a := range disk.Apps {
		listed[i] = a.Name
	}
	changed := ix.update(scope, disk, &core.RefreshReport{NotLoaded: rep.NotLoaded}, listed)
	for _, p := range scope {
		r, m := ix.rows[p], memory(p)
		if r == nil {
			if m == nil {
				continue
			}
			r = ix.at(p)
			changed = append(changed, p)
		}
		if r.memory != nil {
			ix.memory--
		}
		if r.memory = m; m != nil {
			ix.memory++
		}
		if r.empty() {
			delete(ix.rows, p)
		}
	}
	slices.SortFunc(changed, compareListed)
	return slices.Compact(changed)
}

// refreshReport is the report of a refresh of the whole folder, from part (what a refresh of some paths alone
// did, core.Registry.RefreshPaths) and the index after it: the sessions updated, loaded and removed are part's;
// the others in memory and on disk are unchanged; the errors are the folder's.
func (ix *index) refreshReport(part *core.RefreshReport) *core.RefreshReport {
	acted := map[string]bool{}
	for _, u := range part.Updated {
		acted[u.Path] = true
	}
	for _, l := range part.Loaded {
		acted[l.Path] = true
	}
	rep := &core.RefreshReport{Updated: part.Updated, Unchanged: []core.PathOnly{}, NotLoaded: []core.PathOnly{},
		Loaded: part.Loaded, Removed: part.Removed, Errors: []*core.Error{}}
	for _, p := range ix.paths() {
		r := ix.rows[p]
		switch {
		case r.err != nil:
			rep.Errors = append(rep.Errors, r.err)
		case r.notLoaded:
			rep.NotLoaded = append(rep.NotLoaded, core.PathOnly{Path: p})
		case r.session != nil && r.memory != nil && !acted[p]:
			rep.Unchanged = append(rep.Unchanged, core.PathOnly{Path: p})
		}
	}
	return rep
}
