//go:build !js && !wasip1

package main

// A MobileApps folder opened on the static site beside the same folder's zip (-folder-sizes): the folder given to
// the folder input (<input webkitdirectory>) as a person picks it, the zip given to the zip input, each in a fresh
// browser, the two interleaved run by run so that the machine's load weighs on both alike.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/bench/proc"
	"github.com/mobisess/mobisess/e2e/browser"
)

// openHookScript notes, in the page's clock, the input's change, each engine call the page posts to its worker and
// its answer, and the first moment after the last answer when rows are shown and the progress bar is hidden.
const openHookScript = `(() => {
  const B = window.__open = { change: 0, calls: [], shown: 0, error: '', last: '' };
  const opens = new Set(['openZip', 'openFolder']);
  const W = window.Worker;
  window.Worker = class extends W {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => {
        const d = e.data;
        const c = d && !d.progress && B.calls.find((c) => c.id === d.id);
        if (!c) return;
        c.answered = performance.now();
        if (d.error) B.error = String(d.error.message || 'error');
        else if (opens.has(c.method)) B.last = d.json;
        check();
      });
    }
    postMessage(m, t) {
      if (m && m.method) B.calls.push({ id: m.id, method: m.method, sent: performance.now(), answered: 0 });
      return super.postMessage(m, t);
    }
  };
  document.addEventListener('change', (e) => {
    const id = e.target && e.target.getAttribute && e.target.getAttribute('data-testid');
    if (id === 'zip-input' || id === 'folder-input') B.change = performance.now();
  }, true);
  function check() {
    if (B.shown || !B.change) return;
    const open = B.calls.find((c) => opens.has(c.method) && c.answered);
    const p = document.querySelector('[data-testid="progress"]');
    if (open && p && p.hidden && document.querySelector('[data-testid="session-row"]')) B.shown = performance.now();
  }
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
})();`

// The wait for each step of an open; a 100k folder on a loaded machine takes minutes, not this.
const openTimeout = 10 * 60 * 1000.0 // ms

type openCall struct {
	Method   string  `json:"method"`
	Sent     float64 `json:"sent"`
	Answered float64 `json:"answered"`
}

// openRun is one open of the folder or of its zip in a fresh browser.
type openRun struct {
	Change   float64    `json:"change"`
	Shown    float64    `json:"shown"`
	Calls    []openCall `json:"calls"`
	Sessions int        `json:"sessions"` // sessions in memory, as the engine answered
	renderer proc.Memory
	memErr   string
}

func (r openRun) total() float64 { return r.Shown - r.Change }

// call is the first call of method, or a zero call.
func (r openRun) call(method string) openCall {
	for _, c := range r.Calls {
		if c.Method == method {
			return c
		}
	}
	return openCall{}
}

// phases splits an open into the page's part and the engine's: for a folder, listing the input's files (change →
// planFolder posted), the engine's plan, reading the planned files' bytes (→ openFolder posted), the engine's
// check; for a zip, reading its bytes (change → openZip posted) and the engine's check; then drawing the rows.
func (r openRun) phases() (list, plan, read, check, draw float64) {
	if p := r.call("planFolder"); p.Sent > 0 {
		o := r.call("openFolder")
		return p.Sent - r.Change, p.Answered - p.Sent, o.Sent - p.Answered, o.Answered - o.Sent, r.Shown - o.Answered
	}
	o := r.call("openZip")
	return 0, 0, o.Sent - r.Change, o.Answered - o.Sent, r.Shown - o.Answered
}

// folderSize is one size's runs, zip and folder side by side.
type folderSize struct {
	label          string
	files, zipSize int64
	zip, folder    []openRun
	err            string // why the size was not measured to the end
}

// folderSizes measures each size's folder beside its zip, runs times, and prints the subsection.
func folderSizes(url, dataDir string, sizes []string, runs int, cmdline string) error {
	loadStart := proc.LoadAverage()
	var out []folderSize
	version := ""
	for _, label := range sizes {
		dir := filepath.Join(dataDir, label)
		s := folderSize{label: label}
		fi, err := os.Stat(filepath.Join(dir, "MobileApps.zip"))
		if err != nil {
			return fmt.Errorf("%s: no zip (bench/gen writes it): %w", label, err)
		}
		s.zipSize = fi.Size()
		n, err := countFiles(filepath.Join(dir, "MobileApps"))
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		s.files = n
		for i := range runs {
			// Interleaved, each first in turn: a burst of another tenant's load falls on both.
			order := []bool{false, true}
			if i%2 == 1 {
				order = []bool{true, false}
			}
			for _, folder := range order {
				r, v, err := openOnce(url, dir, folder)
				if err != nil {
					s.err = fmt.Sprintf("run %d, the %s: %v", i+1, kindName(folder), err)
					break
				}
				version = v
				l, p, rd, c, d := r.phases()
				logf("%s run %d, %s: %.0f ms (list %.0f, plan %.0f, read %.0f, check %.0f, draw %.0f), %d sessions, renderer peak %s",
					label, i+1, kindName(folder), r.total(), l, p, rd, c, d, r.Sessions, mib(r.renderer.Peak))
				if folder {
					s.folder = append(s.folder, r)
				} else {
					s.zip = append(s.zip, r)
				}
			}
			if s.err != "" {
				break
			}
		}
		out = append(out, s)
	}
	printFolderSection(out, runs, cmdline, version, loadStart)
	return nil
}

func kindName(folder bool) string {
	if folder {
		return "folder"
	}
	return "zip"
}

// openOnce opens the site in a browser of its own (so that its renderer's peak is this open's alone), waits until
// the console is usable and its engine started, gives it the folder or the zip, and waits for the rows.
func openOnce(url, dir string, folder bool) (openRun, string, error) {
	var r openRun
	b, err := browser.Launch()
	if err != nil {
		return r, "", err
	}
	defer b.Close()
	version := b.Browser.Version()
	ctx, err := b.Browser.NewContext()
	if err != nil {
		return r, version, err
	}
	defer ctx.Close()
	if err := ctx.AddInitScript(playwright.Script{Content: playwright.String(openHookScript)}); err != nil {
		return r, version, err
	}
	page, err := ctx.NewPage()
	if err != nil {
		return r, version, err
	}
	var pageErrs []string
	page.OnPageError(func(err error) { pageErrs = append(pageErrs, err.Error()) })
	if _, err := page.Goto(url, playwright.PageGotoOptions{Timeout: playwright.Float(openTimeout)}); err != nil {
		return r, version, err
	}
	wait := func(what, expr string) error {
		if _, err := page.WaitForFunction(expr, nil, playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(openTimeout)}); err != nil {
			return fmt.Errorf("waiting for %s: %w (page errors: %v)", what, err, pageErrs)
		}
		return nil
	}
	// Usable: the empty console waiting for a source, idle, its engine compiled and started in the worker (a
	// person takes longer than that to choose a folder).
	if err := wait("the empty console", `() => { const e = document.querySelector('#empty-state'); return e && !e.hidden && document.body.getAttribute('aria-busy') !== 'true'; }`); err != nil {
		return r, version, err
	}
	if err := waitEngine(page); err != nil {
		return r, version, err
	}
	input, target := "zip-input", filepath.Join(dir, "MobileApps.zip")
	if folder {
		input, target = "folder-input", filepath.Join(dir, "MobileApps")
	}
	if err := page.Locator(fmt.Sprintf(`[data-testid=%q]`, input)).SetInputFiles(target, playwright.LocatorSetInputFilesOptions{Timeout: playwright.Float(openTimeout)}); err != nil {
		return r, version, err
	}
	if err := wait("the rows", `() => window.__open.shown > 0 || window.__open.error !== ''`); err != nil {
		return r, version, err
	}
	// The memory first, before anything more runs in the page.
	r.renderer, err = proc.LargestRenderer()
	if err != nil {
		r.memErr = err.Error()
	}
	v, err := page.Evaluate(`() => {
	  const B = window.__open, m = /"memory":\{"count":(\d+)/.exec(B.last);
	  B.last = '';
	  if (B.error) return { error: B.error };
	  return { change: B.change, shown: B.shown, calls: B.calls, sessions: m ? Number(m[1]) : -1 };
	}`)
	if err != nil {
		return r, version, err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return r, version, err
	}
	var got struct {
		openRun
		Error string `json:"error"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return r, version, err
	}
	if got.Error != "" {
		return r, version, fmt.Errorf("the console could not open it: %s", got.Error)
	}
	got.openRun.renderer, got.openRun.memErr = r.renderer, r.memErr
	return got.openRun, version, nil
}

// waitEngine waits until the console's worker has started the engine (its globalThis.mobisess is set).
func waitEngine(page playwright.Page) error {
	deadline := time.Now().Add(time.Duration(openTimeout) * time.Millisecond)
	for time.Now().Before(deadline) {
		for _, w := range page.Workers() {
			if !strings.HasSuffix(w.URL(), "/worker.js") {
				continue
			}
			if v, err := w.Evaluate(`() => typeof globalThis.mobisess === 'object'`); err == nil && v == true {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("the console's engine did not start in its worker")
}

func countFiles(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	return n, err
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

func num(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// spread is "median (min–max)" of xs, formatted by f.
func spread(xs []float64, f func(float64) string) string {
	if len(xs) == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (%s–%s)", f(median(xs)), f(slices.Min(xs)), f(slices.Max(xs)))
}

func ms(x float64) string    { return fmt.Sprintf("%.0f", x) }
func ratio(x float64) string { return fmt.Sprintf("%.2f", x) }
func mibf(x float64) string  { return mib(int64(x)) }

func printFolderSection(sizes []folderSize, runs int, cmdline, version, loadStart string) {
	var sb strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&sb, format, a...) }
	w("### A folder beside its zip (Chromium)\n\n")
	w("`%s` — on the static site, a person's MobileApps folder given to the console's folder input (`<input webkitdirectory>`, "+
		"every browser) beside the same folder zipped given to its zip input (bench/gen, seed 1; `bench/out/data/SIZE`). "+
		"Each open is a fresh browser given the folder or the zip once the empty console is usable and its engine started; "+
		"%d of each, the folder and the zip interleaved (each first in turn). Time: from the input's `change` to the rows "+
		"shown (the engine's answer in, the progress bar hidden), in the page's clock, ms, median (min–max). **folder ÷ zip** "+
		"is the median of each run's folder time over the zip time beside it. Renderer peak: VmHWM of the browser's "+
		"renderer process (page and engine worker share it), read when the rows are shown.\n\n", cmdline, runs)
	w("| size | zip | folder | folder ÷ zip | renderer peak, zip | renderer peak, folder | sessions in memory (zip / folder) |\n")
	w("|---|--:|--:|--:|--:|--:|---|\n")
	for _, s := range sizes {
		var zt, ft, rt, zp, fp []float64
		for i := range min(len(s.zip), len(s.folder)) {
			rt = append(rt, s.folder[i].total()/s.zip[i].total())
		}
		for _, r := range s.zip {
			zt = append(zt, r.total())
			if r.memErr == "" {
				zp = append(zp, float64(r.renderer.Peak))
			}
		}
		for _, r := range s.folder {
			ft = append(ft, r.total())
			if r.memErr == "" {
				fp = append(fp, float64(r.renderer.Peak))
			}
		}
		w("| %s files (%s zip) | %s | %s | %s | %s | %s | %s |\n", num(s.files), mb(s.zipSize), spread(zt, ms), spread(ft, ms), spread(rt, ratio),
			spread(zp, mibf), spread(fp, mibf), sessionCounts(s))
		if s.err != "" {
			w("| %s: not measured to the end | %s |||||\n", s.label, strings.ReplaceAll(oneLine(s.err), "|", "\\|"))
		}
	}
	w("\nWhere the time goes, medians, ms: for the folder, the page lists the input's files (`change` → planFolder posted), " +
		"the engine plans what to read (planFolder), the page reads those files' bytes into one buffer and keeps a copy " +
		"(→ openFolder posted), the engine checks them (openFolder, the worker's round trip); for the zip, the page reads " +
		"its bytes and keeps a copy (→ openZip posted), the engine checks them (openZip). Then the page draws the rows.\n\n")
	w("| files | what | list | plan | read | check | draw |\n|---|---|--:|--:|--:|--:|--:|\n")
	for _, s := range sizes {
		for _, k := range []struct {
			what string
			runs []openRun
		}{{"zip", s.zip}, {"folder", s.folder}} {
			var l, p, rd, c, d []float64
			for _, r := range k.runs {
				a, b, x, y, z := r.phases()
				l, p, rd, c, d = append(l, a), append(p, b), append(rd, x), append(c, y), append(d, z)
			}
			if len(k.runs) == 0 {
				continue
			}
			dash := func(xs []float64) string {
				if k.what == "zip" {
					return "—"
				}
				return ms(median(xs))
			}
			w("| %s | %s | %s | %s | %s | %s | %s |\n", num(s.files), k.what, dash(l), dash(p), ms(median(rd)), ms(median(c)), ms(median(d)))
		}
	}
	w("\nChromium %s, headless, %s/%s. Load average %s at the start, %s at the end.\n", version, runtime.GOOS, runtime.GOARCH, loadStart, proc.LoadAverage())
	fmt.Print(sb.String())
}

// sessionCounts says how many sessions the engine kept in memory from the zip and from the folder: the same
// folder must give the same sessions either way.
func sessionCounts(s folderSize) string {
	seen := map[string]bool{}
	var parts []string
	for _, rs := range [][]openRun{s.zip, s.folder} {
		var counts []string
		for _, r := range rs {
			c := fmt.Sprint(r.Sessions)
			if !slices.Contains(counts, c) {
				counts = append(counts, c)
			}
		}
		parts = append(parts, strings.Join(counts, ", "))
		for _, c := range counts {
			seen[c] = true
		}
	}
	out := strings.Join(parts, " / ")
	if len(seen) > 1 {
		out += " ❌ differ"
	}
	return out
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
