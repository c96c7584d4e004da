//go:build !js && !wasip1

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/playwright-community/playwright-go"
)

// timerScript runs in the page before its own scripts. It times one action at a time, in the page's clock:
// arm(match, cond, args) waits for the first event that match accepts (a key, a click, a choice: the user's
// action, its time the event's timeStamp) and then for cond to hold of the DOM, checked after each batch of DOM
// mutations and each time the benchmark polls. Nothing of the console's own code is used: conditions read
// the test ids that README lists and what a person sees.
const timerScript = `(() => {
  const T = window.__consoleBench = { armed: false, action: -1, shown: 0, error: '' };
  const sel = (id, path) => '[data-testid="' + id + '"]' + (path == null ? '' : '[data-path="' + CSS.escape(path) + '"]');
  T.one = (id, path) => document.querySelector(sel(id, path));
  T.visible = (el) => !!el && (el.checkVisibility ? el.checkVisibility() : !el.hidden);
  T.idle = () => !T.visible(T.one('progress'));
  T.text = (el) => (el ? (typeof el.value === 'string' ? el.value : el.textContent) || '' : '');
  T.inside = (r, id) => {
    const s = sel(id);
    const n = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    if (n && n.closest(s)) return true;
    return [...r.addedNodes].some((x) => x.nodeType === 1 && (x.matches(s) || x.querySelector(s)));
  };
  const observer = new MutationObserver((records) => T.check(records));
  T.check = (records) => {
    if (!T.armed || T.action < 0 || T.shown) return;
    let ok = false;
    try { ok = T.cond(records, T.args, T.state); } catch (e) { T.error = String(e && e.stack || e); }
    if (ok || T.error) {
      T.shown = typeof ok === 'number' ? ok : performance.now();
      T.armed = false;
      observer.disconnect();
    }
  };
  // action: the time of the action when it is not an event of the page (a file written on disk, navigation start)
  T.arm = (match, cond, args, action) => {
    Object.assign(T, { armed: true, action: action ?? -1, shown: 0, error: '', match, cond, args, state: {} });
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  };
  T.disarm = () => { T.armed = false; observer.disconnect(); };
  const stamp = (e) => {
    if (!T.armed || T.action >= 0 || !T.match) return;
    try { if (T.match(e, T.args)) T.action = e.timeStamp || performance.now(); } catch (err) { T.error = String(err); }
  };
  for (const type of ['keydown', 'click', 'input', 'change']) document.addEventListener(type, stamp, true);
})();`

// The events that start the actions, and the DOM conditions that show their results (JavaScript functions of
// the timer above: match(event, args), cond(records, args, state) → true, or the time it became true).
const (
	matchClick   = `(e, a) => e.type === 'click' && !!e.target.closest('[data-testid="' + a.button + '"]')`
	matchCtrlS   = `(e) => e.type === 'keydown' && (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's'`
	matchZipFile = `(e) => e.type === 'change' && e.target.matches('[data-testid="zip-input"]')`
	matchLang    = `(e) => (e.type === 'input' || e.type === 'change') && e.target.matches('[data-testid="lang-select"]')`

	// The zip's rows shown (a session row that the page did not show before), no progress.
	condZipOpen = `(r, a) => [...document.querySelectorAll('[data-testid="session-row"]')]
		.some((row) => !a.before.includes(row.dataset.path)) && T.idle()`
	// The folder's rows shown, in server mode (armed at navigation start).
	condServerOpen = `() => !!T.one('session-row') && T.idle()`
	// A session's row with the status wanted, and Save greyed when it was a save.
	condStatus = `(r, a) => { const row = T.one('session-row', a.path); const save = T.one('save');
		return !!row && row.dataset.status === a.status && (!a.saved || !save || save.disabled); }`
	// The fixed file is a session: its error row gone, its session row there.
	condFixed = `(r, a) => !T.one('error-row', a.path) && !!T.one('session-row', a.path)`
	// The last change of the report before the page is idle and the report has been still for half a second: a
	// page that shows something in the report while it works is timed to the report it shows at the end.
	condReport = `(r, a, s) => {
		if (r.some((x) => T.inside(x, 'refresh-report'))) s.last = performance.now();
		return !!s.last && T.idle() && performance.now() - s.last >= 500 ? s.last : false; }`
	// The error's row says the engine's message in the new language.
	condMessage = `(r, a) => T.text(T.one('error-row', a.path)).includes(a.message)`
	// A change on disk shown: the file's row with its new status, or the banner that names it.
	condDisk = `(r, a) => { const row = T.one('session-row', a.path); if (row && row.dataset.status === a.status) return true;
		const b = T.one('disk-banner'); return T.visible(b) && T.text(b).includes(a.path); }`
)

var errTimeout = errors.New("timeout")

// tab is one page of the console in its own browser context.
type tab struct {
	page    playwright.Page
	timeout time.Duration // each wait for the console
	mu      sync.Mutex
	errs    []string // uncaught errors of the page
}

func (t *tab) pageError(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = append(t.errs, err.Error())
}

func (t *tab) pageErrors() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.errs, "; ")
}

// eval is page.Evaluate bounded by the tab's timeout: a page whose main thread is stuck does not answer at all.
func (t *tab) eval(expr string, arg any) (any, error) {
	type answer struct {
		v   any
		err error
	}
	done := make(chan answer, 1)
	go func() {
		v, err := t.page.Evaluate(expr, arg)
		done <- answer{v, err}
	}()
	select {
	case a := <-done:
		return a.v, a.err
	case <-time.After(t.timeout):
		return nil, fmt.Errorf("the page did not answer in %v: %w", t.timeout, errTimeout)
	}
}

// waitFor waits until the expression holds in the page.
func (t *tab) waitFor(what, expr string, arg any, timeout time.Duration) error {
	_, err := t.page.WaitForFunction(expr, arg, playwright.PageWaitForFunctionOptions{
		Timeout: playwright.Float(float64(timeout.Milliseconds())), Polling: 25,
	})
	if errors.Is(err, playwright.ErrTimeout) {
		return fmt.Errorf("%s: not within %v: %w", what, timeout, errTimeout)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (page errors: %s)", what, err, t.pageErrors())
	}
	return nil
}

// settle waits until the console shows no progress and has drawn two frames, then lets it rest for a moment,
// so that one action's trailing work is not counted against the next.
func (t *tab) settle(rest time.Duration) error {
	if err := t.waitFor("the console idle", `() => window.__consoleBench.idle()`, nil, t.timeout); err != nil {
		return err
	}
	if _, err := t.eval(`() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(0))))`, nil); err != nil {
		return err
	}
	time.Sleep(rest)
	return nil
}

// arm makes the timer wait for an action that match accepts, then for cond. With now, the action is this
// moment (for what is not an event of the page).
func (t *tab) arm(match, cond string, args map[string]any, now bool) error {
	if match == "" {
		match = "null"
	}
	action := "undefined"
	if now {
		action = "performance.now()"
	}
	// The conditions name the timer T: they are made in its scope.
	_, err := t.eval(fmt.Sprintf(`(a) => { const T = window.__consoleBench; T.arm(%s, %s, a, %s); }`, match, cond, action), args)
	return err
}

// shown waits for the armed condition and returns the time from the action to it, in ms; +Inf on a timeout.
func (t *tab) shown(timeout time.Duration) (float64, error) {
	err := t.waitFor("the result shown", `() => { const T = window.__consoleBench; T.check([]); return T.shown > 0; }`, nil, timeout)
	if errors.Is(err, errTimeout) {
		_, _ = t.eval(`() => window.__consoleBench.disarm()`, nil)
		return math.Inf(1), nil
	}
	if err != nil {
		return 0, err
	}
	v, err := t.eval(`() => { const T = window.__consoleBench; return { action: T.action, shown: T.shown, error: T.error }; }`, nil)
	if err != nil {
		return 0, err
	}
	var r struct {
		Action, Shown float64
		Error         string
	}
	raw, _ := json.Marshal(v)
	if err := json.Unmarshal(raw, &r); err != nil {
		return 0, err
	}
	if r.Error != "" {
		return 0, fmt.Errorf("the timer's condition failed in the page: %s", r.Error)
	}
	if r.Action < 0 {
		return 0, errors.New("the timer saw no action")
	}
	return r.Shown - r.Action, nil
}

// timed arms the timer, does the action, and returns how long its result took to show.
func (t *tab) timed(match, cond string, args map[string]any, act func() error) (float64, error) {
	if err := t.arm(match, cond, args, false); err != nil {
		return 0, err
	}
	if err := act(); err != nil {
		_, _ = t.eval(`() => window.__consoleBench.disarm()`, nil)
		return 0, err
	}
	return t.shown(t.timeout)
}

func (t *tab) byTestID(id string) playwright.Locator {
	return t.page.Locator(fmt.Sprintf(`[data-testid=%q]`, id))
}

func (t *tab) row(id, p string) playwright.Locator {
	return t.page.Locator(fmt.Sprintf(`[data-testid=%q][data-path=%q]`, id, p))
}

// find types the file's path in the search box, as a person looks for one file among many, and waits for its
// row (a session's or an error's).
func (t *tab) find(p, id string) error {
	if err := t.byTestID("search").Fill(p); err != nil {
		return fmt.Errorf("searching %s: %w", p, err)
	}
	err := t.row(id, p).First().WaitFor(playwright.LocatorWaitForOptions{
		State: playwright.WaitForSelectorStateVisible, Timeout: playwright.Float(float64(t.timeout.Milliseconds())),
	})
	if err != nil {
		return fmt.Errorf("the %s of %s after a search: %w", id, p, err)
	}
	return t.settle(0)
}

// open finds the file and clicks its row (id: session-row, or error-row to open it at its error), and waits for
// the editor to hold it: session files hold their name (the session id).
func (t *tab) open(p, id string) error {
	if err := t.find(p, id); err != nil {
		return err
	}
	if err := t.row(id, p).First().Click(); err != nil {
		return fmt.Errorf("opening %s: %w", p, err)
	}
	if err := t.waitFor("the editor holding "+p, `(name) => window.__consoleBench.text(window.__consoleBench.one('editor')).includes(name)`,
		path.Base(p), t.timeout); err != nil {
		return err
	}
	return t.settle(0)
}

// waitEnabled waits for a button of the console to be enabled, so that a click is the user's action and not
// Playwright's wait for it.
func (t *tab) waitEnabled(id string) error {
	return t.waitFor(id+" enabled", `(id) => { const b = window.__consoleBench.one(id); return !!b && !b.disabled && window.__consoleBench.visible(b); }`, id, t.timeout)
}
