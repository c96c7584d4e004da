//go:build !js && !wasip1

package main

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Targets: ratios measured in one run.
const (
	targetEditRatio    = 2.0  // save, accept, fix, set pending: 100k ÷ 1k
	targetRefreshRatio = 1.5  // the console's Refresh at 100k ÷ `mobisess refresh` of the same source
	targetLangRatio    = 2.0  // language switch: 100k ÷ 1k
	targetIdleCPU      = 5.0  // % of a core, the dev server idle at 100k
	targetDiskMS       = 2000 // a change on disk shown, at 100k
	targetMemoryRatio  = 1.2  // renderer RSS after ten edits ÷ after opening, at 100k
)

type report struct {
	cmdline, commit    string
	cfg                settings
	sizes, modes       []string
	runs               []*run
	seed               uint64
	loadStart, loadEnd string
	seconds            float64
	dataDir            string
}

func (rp *report) find(mode, size string) *run {
	for _, r := range rp.runs {
		if r.Mode == mode && r.Size == size {
			return r
		}
	}
	return nil
}

// findN is the run of a mode at n sessions: the targets compare 1,000 and 100,000.
func (rp *report) findN(mode string, n int) *run {
	for _, r := range rp.runs {
		if r.Mode == mode && r.N == n {
			return r
		}
	}
	return nil
}

func (rp *report) markdown() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	var files []string
	for _, s := range rp.sizes {
		if r := rp.find(rp.modes[0], s); r != nil {
			files = append(files, num(r.Files))
		}
	}
	w("## The console at scale (edit series)\n\n")
	w("`%s` — the console in Chromium, driven as a person uses it, on the folders bench/gen makes (%s session files, seed %d; "+
		"`%s/SIZE`): in browser mode the folder's zip is given to the console's file input and the engine runs in the page's "+
		"Web Worker; in server mode the dev server works on a copy of the folder (`devserver -dir`, watching it as by default). "+
		"Each action is timed in the page, from the user's event (the key, the click, the language chosen) to the DOM showing its "+
		"result (below, after each action); %d of each, median (min–max), ms. The file each action works on is found first with "+
		"the search box, as among thousands a person finds it. The run took %.0f s.\n\n",
		rp.cmdline, strings.Join(files, " and "), rp.seed, rp.dataDir, rp.cfg.reps, rp.seconds)

	var cols []*run
	var names []string
	for _, m := range rp.modes {
		for _, s := range rp.sizes {
			cols, names = append(cols, rp.find(m, s)), append(names, m+" "+s)
		}
	}
	header := func(title string) {
		w("| %s | %s |\n|---|%s\n", title, strings.Join(names, " | "), strings.Repeat("---:|", len(cols)))
	}
	header("action → what is waited for")
	row := func(label string, cell func(r *run) string) {
		w("| %s |", label)
		for _, r := range cols {
			if r == nil {
				w(" — |")
				continue
			}
			w(" %s |", cell(r))
		}
		w("\n")
	}
	series := func(name string) func(r *run) string {
		return func(r *run) string {
			if xs := r.Series[name]; len(xs) > 0 {
				return stat(xs)
			}
			if r.Mode == "browser" && name == actDisk {
				return "—"
			}
			return "not measured"
		}
	}
	row("open → rows shown (browser: from the zip given to the file input; server: from navigation start)", series(actOpen))
	row("Ctrl+S of an edited status → the row's new status, Save greyed", series(actSave))
	row("Accept → the row accepted", series(actAccept))
	row("Set pending → the row pending", series(actPending))
	row("Apply a fix (a token written anew) → the error gone, the file's session row there", series(actFix))
	row("Refresh sessions, nothing changed → the report's last change, the page idle", series(actRefresh))
	row("`mobisess refresh SRC SRC` as a process, SRC the same zip or folder (for the ratio)", func(r *run) string {
		if len(r.RefreshProcess) == 0 {
			return "not measured"
		}
		return stat(r.RefreshProcess)
	})
	row("switch language → an error's message in the new language", series(actLang))
	row("a status changed on disk (atomic rename) → its row or the page's banner shows it", series(actDisk))
	w("\n")

	header("memory and CPU")
	row("renderer RSS after opening (the largest Chromium renderer: page and worker)", func(r *run) string {
		if v, ok := r.Renderer["open"]; ok {
			return mib(v.RSS)
		}
		return "—"
	})
	row(fmt.Sprintf("renderer RSS after %d edits (saves, status changes, fixes)", tenEdits), func(r *run) string {
		v, ok := r.Renderer["edits"]
		if !ok {
			return "—"
		}
		if r.EditsRead != tenEdits {
			return fmt.Sprintf("%s (after %d)", mib(v.RSS), r.EditsRead)
		}
		return mib(v.RSS)
	})
	row("renderer RSS at the end (refreshes, languages), peak of the run", func(r *run) string {
		v, ok := r.Renderer["end"]
		if !ok {
			return "—"
		}
		return mib(v.RSS) + ", " + mib(v.Peak)
	})
	row("dev server RSS after opening, after ten edits", func(r *run) string {
		a, ok1 := r.DevServer["open"]
		e, ok2 := r.DevServer["edits"]
		if !ok1 || !ok2 {
			return "—"
		}
		return mib(a.RSS) + ", " + mib(e.RSS)
	})
	row(fmt.Sprintf("dev server CPU while idle, the page open (%v, /proc/PID/stat)", rp.cfg.idle), func(r *run) string {
		if r.IdleSeconds == 0 {
			return "—"
		}
		return fmt.Sprintf("%.1f %% of a core", r.IdleCPU)
	})
	w("\n")

	rp.targets(w)

	var failed []string
	for _, r := range rp.runs {
		if r.Err != "" {
			failed = append(failed, fmt.Sprintf("%s %s: %s", r.Mode, r.Size, oneLine(r.Err)))
		}
		names := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			failed = append(failed, fmt.Sprintf("%s %s, %s: %s", r.Mode, r.Size, k, oneLine(r.Errors[k])))
		}
	}
	if len(failed) > 0 {
		w("What did not finish:\n\n")
		for _, f := range failed {
			w("- %s\n", f)
		}
		w("\n")
	}
	chromium := ""
	for _, r := range rp.runs {
		if r.Chromium != "" {
			chromium = r.Chromium
		}
	}
	w("mobisess %s. Chromium %s, headless, 1280×800, a fresh browser for each mode and size. Machine: %d cores; load average %s at the start, %s at the end.",
		rp.commit, chromium, runtime.NumCPU(), rp.loadStart, rp.loadEnd)
	if busy(rp.loadStart) || busy(rp.loadEnd) {
		w(" **The machine was busy with other work** (load above its cores): times are inflated and spread out; the ratios compare runs made minutes apart.")
	}
	w("\n\nHow each result is waited for: a MutationObserver and a poll every 25 ms in the page check the condition; the "+
		"files are a session in the middle of the folder (its status edited in the editor for Ctrl+S; a pending one for Accept "+
		"and Set pending, alternately), token errors with one fix (a file each), an error that no action fixes (for the language: "+
		"English → French → Spanish → English…), and accepted sessions whose files are rewritten on disk (server mode). "+
		"Before the timed refreshes one refresh takes in the edits, so that each timed one is a refresh of an unchanged "+
		"folder against the memory loaded from it, the work of `mobisess refresh SRC SRC`. A timeout ends its series and counts "+
		"as longer than %v.\n", rp.cfg.timeout)
	return b.String()
}

func (rp *report) targets(w func(string, ...any)) {
	w("| target (%s, or as said) | measured | |\n|---|---|:-:|\n", "100k ÷ 1k")
	for _, m := range rp.modes {
		small, large := rp.findN(m, 1000), rp.findN(m, 100_000)
		for _, a := range []struct{ series, name string }{
			{actSave, "save (Ctrl+S)"}, {actAccept, "Accept"}, {actFix, "Apply a fix"}, {actPending, "Set pending"},
		} {
			w("| %s at 100k within %.0fx of 1k, %s mode | %s |\n", a.name, targetEditRatio, m, ratioCells(small, large, a.series, targetEditRatio))
		}
		measured, ok := "not measured", false
		if large != nil && len(large.Series[actRefresh]) > 0 && len(large.RefreshProcess) > 0 {
			c, p := median(large.Series[actRefresh]), median(large.RefreshProcess)
			measured, ok = fmt.Sprintf("**%s** (%s ÷ %s ms)", ratio(c, p), fmtMS(c), fmtMS(p)), c/p <= targetRefreshRatio
		}
		w("| Refresh at 100k within %.1fx of `mobisess refresh` of the same %s as a process, %s mode | %s | %s |\n",
			targetRefreshRatio, map[string]string{"browser": "zip", "server": "folder"}[m], m, measured, judged(measured, ok))
		w("| language switch at 100k within %.0fx of 1k, %s mode | %s |\n", targetLangRatio, m, ratioCells(small, large, actLang, targetLangRatio))
		measured, ok = "not measured", false
		if large != nil {
			open, edits := large.Renderer["open"], large.Renderer["edits"]
			if open.RSS > 0 && edits.RSS > 0 {
				measured = fmt.Sprintf("**%.2fx** (%s ÷ %s)", float64(edits.RSS)/float64(open.RSS), mib(edits.RSS), mib(open.RSS))
				ok = float64(edits.RSS)/float64(open.RSS) <= targetMemoryRatio && large.EditsRead == tenEdits
			}
		}
		w("| renderer memory after ten edits at 100k within %.1fx of after opening, %s mode | %s | %s |\n", targetMemoryRatio, m, measured, judged(measured, ok))
		if m != "server" {
			continue
		}
		measured, ok = "not measured", false
		if large != nil && large.IdleSeconds > 0 {
			measured, ok = fmt.Sprintf("**%.1f %%**", large.IdleCPU), large.IdleCPU <= targetIdleCPU
		}
		w("| idle dev server at 100k sessions: at most %.0f %% of a core | %s | %s |\n", targetIdleCPU, measured, judged(measured, ok))
		measured, ok = "not measured", false
		if large != nil && len(large.Series[actDisk]) > 0 {
			xs := large.Series[actDisk]
			measured, ok = fmt.Sprintf("**%s ms**, the slowest of %d (median %s ms)", fmtMS(slices.Max(xs)), len(xs), fmtMS(median(xs))), slices.Max(xs) <= targetDiskMS
		}
		w("| a change on disk shown within %.0f s at 100k, server mode | %s | %s |\n", targetDiskMS/1000.0, measured, judged(measured, ok))
	}
	w("\n")
}

// ratioCells is "measured | mark" of a series' median at 100k over its median at 1k.
func ratioCells(small, large *run, series string, target float64) string {
	if small == nil || large == nil || len(small.Series[series]) == 0 || len(large.Series[series]) == 0 {
		return "not measured (needs 1k and 100k) | —"
	}
	a, b := median(large.Series[series]), median(small.Series[series])
	return fmt.Sprintf("**%s** (%s ÷ %s ms) | %s", ratio(a, b), fmtMS(a), fmtMS(b), mark(a/b <= target))
}

func judged(measured string, ok bool) string {
	if strings.HasPrefix(measured, "not measured") {
		return "—"
	}
	return mark(ok)
}

func ratio(a, b float64) string {
	if math.IsInf(a, 1) {
		return "timeout"
	}
	return fmt.Sprintf("%.1fx", a/b)
}

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

func busy(load string) bool {
	f := strings.Fields(load)
	if len(f) == 0 {
		return false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return err == nil && v > float64(runtime.NumCPU())
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else if math.IsInf(s[n/2], 1) {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func stat(xs []float64) string {
	return fmt.Sprintf("%s (%s–%s)", fmtMS(median(xs)), fmtMS(slices.Min(xs)), fmtMS(slices.Max(xs)))
}

// fmtMS is a time in ms as the tables print it; a timeout is "timeout".
func fmtMS(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "timeout"
	case v >= 100:
		return num(int(v + 0.5))
	default:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
}

func num(n int) string {
	s := strconv.Itoa(n)
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

func mib(n int64) string { return fmt.Sprintf("%s MiB", num(int(float64(n)/(1<<20)+0.5))) }

func oneLine(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
