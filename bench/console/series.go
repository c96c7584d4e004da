//go:build !js && !wasip1

package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/bench/proc"
	"github.com/mobisess/mobisess/bench/server"
	"github.com/mobisess/mobisess/e2e/browser"
)

// The series, in the order they run.
const (
	actOpen    = "open"
	actSave    = "save"
	actAccept  = "accept"
	actPending = "pending"
	actFix     = "fix"
	actRefresh = "refresh"
	actLang    = "lang"
	actDisk    = "disk"
)

// allSeries are the series -series may name, in the order they run.
var allSeries = []string{actSave, actAccept, actFix, actRefresh, actLang, actDisk}

// tenEdits is when the renderer's memory is read a second time: after the tenth save, status change or fix.
const tenEdits = 10

// run is what one mode at one size measured.
type run struct {
	Mode, Size string
	N          int // sessions generated
	Files      int
	Series     map[string][]float64 `json:"series"` // ms; +Inf is a timeout
	Errors     map[string]string    `json:"errors"` // what stopped a series
	// RefreshProcess is `mobisess refresh` of the same source as a process, ms.
	RefreshProcess []float64
	RefreshSource  string
	Renderer       map[string]proc.Memory // "open", "edits", "end"
	EditsRead      int                    // the edits made when "edits" was read
	DevServer      map[string]proc.Memory // server mode
	IdleCPU        float64                // server mode: % of a core
	IdleSeconds    float64
	Chromium       string
	Seconds        float64
	Err            string // what stopped the run
}

func (r *run) add(series string, ms float64) {
	r.Series[series] = append(r.Series[series], ms)
	logf("%s %s %s: %s", r.Size, r.Mode, series, fmtMS(ms))
}

// settings are the flags a run needs.
type settings struct {
	reps        int
	timeout     time.Duration // each action
	openTimeout time.Duration
	idle        time.Duration
	rest        time.Duration   // between actions
	series      map[string]bool // nil: every series
	profile     string          // where the page's CPU profiles go; "": none
}

// source is one size's data: the folder, its zip and what the series work on.
type source struct {
	label, folder, zip string
	n                  int
	plan               *plan
}

// measure runs every series of one mode at one size in a fresh Chromium and, in server mode, a fresh dev server
// on a copy of the folder. A series that fails is noted and the next one runs; a page that stops answering ends
// the run, noted too.
func measure(t *tools, mode string, src source, cfg settings, runTimeout time.Duration) *run {
	r := &run{Mode: mode, Size: src.label, N: src.n, Files: src.plan.files, Series: map[string][]float64{}, Errors: map[string]string{},
		Renderer: map[string]proc.Memory{}, DevServer: map[string]proc.Memory{}}
	start := time.Now()
	if err := measureIn(t, mode, src, cfg, runTimeout, r); err != nil {
		r.Err = err.Error()
		logf("%s %s: %v", src.label, mode, err)
	}
	r.Seconds = time.Since(start).Seconds()
	return r
}

func measureIn(t *tools, mode string, src source, cfg settings, runTimeout time.Duration, r *run) error {
	args := []string{"-addr", "127.0.0.1:0", "-wasm-dir", t.wasmDir}
	folder := src.folder
	if mode == "server" {
		work := filepath.Join(t.root, "bench", "out", "console", src.label)
		if err := os.RemoveAll(work); err != nil {
			return err
		}
		if err := os.MkdirAll(work, 0o755); err != nil {
			return err
		}
		defer os.RemoveAll(work)
		folder = filepath.Join(work, "MobileApps")
		logf("%s server: copying the folder", src.label)
		if err := copyTree(src.folder, folder); err != nil {
			return fmt.Errorf("copying the folder: %w", err)
		}
		args = append(args, "-dir", folder)
	}
	srv, err := server.Start(t.devsrv, args...)
	if err != nil {
		return err
	}
	defer srv.Stop()

	b, err := browser.Launch()
	if err != nil {
		return err
	}
	// A page that never answers must not hold the run: closing the browser ends every call under way.
	closed := make(chan struct{})
	watchdog := time.AfterFunc(runTimeout, func() { close(closed); _ = b.Close() })
	defer func() {
		if watchdog.Stop() {
			_ = b.Close()
		}
	}()
	r.Chromium = b.Browser.Version()
	ctx, err := b.Browser.NewContext(playwright.BrowserNewContextOptions{
		Locale: playwright.String("en-US"), Viewport: &playwright.Size{Width: 1280, Height: 800},
	})
	if err != nil {
		return err
	}
	defer ctx.Close()
	if err := ctx.AddInitScript(playwright.Script{Content: playwright.String(timerScript)}); err != nil {
		return err
	}
	if mode == "server" { // the page opens on the folder: timed from navigation start
		arm := fmt.Sprintf(`(() => { const T = window.__consoleBench; T.arm(null, %s, {}, 0); })();`, condServerOpen)
		if err := ctx.AddInitScript(playwright.Script{Content: playwright.String(arm)}); err != nil {
			return err
		}
	}
	page, err := ctx.NewPage()
	if err != nil {
		return err
	}
	tb := &tab{page: page, timeout: cfg.timeout}
	page.OnPageError(tb.pageError)
	page.SetDefaultTimeout(float64(cfg.timeout.Milliseconds()))

	s := &session{tab: tb, r: r, cfg: cfg, src: src, folder: folder, srv: srv, tools: t, mode: mode}
	err = s.all()
	select {
	case <-closed:
		return fmt.Errorf("stopped after %v: the page did not finish (%v)", runTimeout, err)
	default:
	}
	return err
}

// session is one page's run through the series.
type session struct {
	*tab
	r      *run
	cfg    settings
	src    source
	folder string
	srv    *server.Server
	tools  *tools
	mode   string
	edits  int
	ready  func() error // under -profile: starts the profile again (timing)
}

func (s *session) all() error {
	if err := s.openSource(); err != nil {
		return fmt.Errorf("opening the %s: %w", map[string]string{"browser": "zip", "server": "folder"}[s.mode], err)
	}
	if err := s.memory("open"); err != nil {
		return err
	}
	if s.mode == "server" {
		if err := s.idleCPU(); err != nil {
			return err
		}
	}
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{actSave, s.saves}, {actAccept, s.statuses}, {actFix, s.fixes}, {actRefresh, s.refreshes}, {actLang, s.languages},
		{actDisk, s.diskChanges},
	} {
		if step.name == actDisk && s.mode != "server" || s.cfg.series != nil && !s.cfg.series[step.name] {
			continue
		}
		if err := s.profiled(step.name, step.run); err != nil {
			s.r.Errors[step.name] = err.Error()
			logf("%s %s %s: %v", s.src.label, s.mode, step.name, err)
			// A page that no longer answers ends the run; a series that could not be made does not.
			if errors.Is(err, errTimeout) {
				if err := s.settle(0); err != nil {
					return fmt.Errorf("the console did not come back after the %s series: %w", step.name, err)
				}
			}
		}
	}
	if _, ok := s.r.Renderer["edits"]; !ok && s.edits > 0 {
		if err := s.memory("edits"); err != nil {
			return err
		}
	}
	return s.memory("end")
}

// openSource opens the zip in the console (browser mode), or loads the page on the folder (server mode).
func (s *session) openSource() error {
	if _, err := s.page.Goto(s.srv.URL); err != nil {
		return err
	}
	if s.mode == "server" {
		ms, err := s.shown(s.cfg.openTimeout)
		if err != nil {
			return err
		}
		s.r.add(actOpen, ms)
		if math.IsInf(ms, 1) {
			return errors.New("the folder's rows were not shown")
		}
		return nil
	}
	if err := s.waitFor("the sample's rows", `() => !!window.__consoleBench.one('session-row') && window.__consoleBench.idle()`, nil, s.cfg.openTimeout); err != nil {
		return err
	}
	// As a person takes a moment to pick a file: the engine warms up meanwhile (README, "The console").
	time.Sleep(3 * time.Second)
	before, err := s.eval(`() => [...document.querySelectorAll('[data-testid="session-row"]')].map((row) => row.dataset.path)`, nil)
	if err != nil {
		return err
	}
	if err := s.arm(matchZipFile, condZipOpen, map[string]any{"before": before}, false); err != nil {
		return err
	}
	if err := s.byTestID("zip-input").SetInputFiles(s.src.zip); err != nil {
		return err
	}
	ms, err := s.shown(s.cfg.openTimeout)
	if err != nil {
		return err
	}
	s.r.add(actOpen, ms)
	if math.IsInf(ms, 1) {
		return errors.New("the zip's rows were not shown")
	}
	return nil
}

// memory reads the renderer's (and the dev server's) resident size once the console has rested.
func (s *session) memory(at string) error {
	if err := s.settle(2 * time.Second); err != nil {
		return err
	}
	m, err := proc.LargestRenderer()
	if err != nil {
		return err
	}
	s.r.Renderer[at] = m
	if at == "edits" {
		s.r.EditsRead = s.edits
	}
	if s.mode == "server" {
		if s.r.DevServer[at], err = proc.ProcessMemory(s.srv.Pid()); err != nil {
			return err
		}
	}
	logf("%s %s memory %s: renderer %s", s.src.label, s.mode, at, mib(m.RSS))
	return nil
}

// edit records a timed edit, reads the memory after the tenth, and lets the console rest before the next.
func (s *session) edit(series string, ms float64, err error) error {
	if err := s.step(series, ms, err); err != nil {
		return err
	}
	if s.edits++; s.edits == tenEdits {
		if err := s.memory("edits"); err != nil {
			return err
		}
	}
	return s.settle(s.cfg.rest)
}

// idleCPU is the dev server's CPU time while the page is open and nothing happens.
func (s *session) idleCPU() error {
	before, err := proc.CPUSeconds(s.srv.Pid())
	if err != nil {
		return err
	}
	start := time.Now()
	time.Sleep(s.cfg.idle)
	after, err := proc.CPUSeconds(s.srv.Pid())
	if err != nil {
		return err
	}
	s.r.IdleSeconds = time.Since(start).Seconds()
	s.r.IdleCPU = 100 * (after - before) / s.r.IdleSeconds
	logf("%s server: idle CPU %.1f %% of a core", s.src.label, s.r.IdleCPU)
	return nil
}

// step records one timed action and says whether the series may go on: a timeout ends it.
func (s *session) step(series string, ms float64, err error) error {
	if err != nil {
		return err
	}
	s.r.add(series, ms)
	if math.IsInf(ms, 1) {
		return fmt.Errorf("%s: no result within %v: %w", series, s.cfg.timeout, errTimeout)
	}
	return nil
}

// saves edits a session's status in the editor and saves it with Ctrl+S, back and forth.
func (s *session) saves() error {
	p := s.src.plan
	if err := s.open(p.save, "session-row"); err != nil {
		return err
	}
	status := "accepted"
	for range s.cfg.reps {
		status = other(status)
		text := statusText.ReplaceAllString(p.saveText, "${1}"+status+"${3}")
		if err := s.byTestID("editor").Fill(text); err != nil {
			return fmt.Errorf("typing in the editor: %w", err)
		}
		if err := s.waitEnabled("save"); err != nil {
			return err
		}
		ms, err := s.timed(matchCtrlS, condStatus, map[string]any{"path": p.save, "status": status, "saved": true},
			func() error { return s.byTestID("editor").Press("Control+s") })
		if err := s.edit(actSave, ms, err); err != nil {
			return err
		}
	}
	return nil
}

// statuses accepts a pending session, sets it pending again, and so on.
func (s *session) statuses() error {
	p := s.src.plan
	if err := s.open(p.status, "session-row"); err != nil {
		return err
	}
	status := "pending"
	for range 2 * s.cfg.reps {
		status = other(status)
		button, series := "accept", actAccept
		if status == "pending" {
			button, series = "set-pending", actPending
		}
		if err := s.waitEnabled(button); err != nil {
			return err
		}
		ms, err := s.timed(matchClick, condStatus, map[string]any{"path": p.status, "status": status, "button": button},
			func() error { return s.byTestID(button).Click() })
		if err := s.edit(series, ms, err); err != nil {
			return err
		}
	}
	return nil
}

// fixes opens files at their token error and applies the engine's fix, one file each.
func (s *session) fixes() error {
	for _, p := range s.src.plan.fixes {
		if err := s.open(p, "error-row"); err != nil {
			return err
		}
		if err := s.waitEnabled("fix"); err != nil {
			return err
		}
		if err := s.byTestID("fix").Click(); err != nil {
			return err
		}
		if err := s.waitEnabled("fix-apply"); err != nil {
			return err
		}
		ms, err := s.timed(matchClick, condFixed, map[string]any{"path": p, "button": "fix-apply"},
			func() error { return s.byTestID("fix-apply").Click() })
		if err := s.edit(actFix, ms, err); err != nil {
			return err
		}
	}
	return nil
}

// refreshes refreshes the sessions once to take in the edits, times `mobisess refresh` of the same source, then
// times refreshes of the unchanged source.
func (s *session) refreshes() error {
	refresh := func() (float64, error) {
		return s.timed(matchClick, condReport, map[string]any{"button": "refresh"}, func() error { return s.byTestID("refresh").Click() })
	}
	if err := s.find(s.src.plan.langError, "error-row"); err != nil {
		return err
	}
	if ms, err := refresh(); err != nil || math.IsInf(ms, 1) {
		return s.step(actRefresh, ms, err)
	}
	src := s.folder
	if s.mode == "browser" {
		src = s.src.zip
	}
	s.r.RefreshSource = src
	times, err := s.tools.refreshProcess(src, s.cfg.reps, s.cfg.timeout)
	if err != nil {
		return err
	}
	s.r.RefreshProcess = times
	logf("%s %s mobisess refresh: %s", s.src.label, s.mode, fmtMS(median(times)))
	if err := s.timing(); err != nil {
		return err
	}
	for range s.cfg.reps {
		if err := s.settle(s.cfg.rest); err != nil {
			return err
		}
		ms, err := refresh()
		if err := s.step(actRefresh, ms, err); err != nil {
			return err
		}
	}
	return nil
}

// languages switches the language, French, Spanish, English and so on, and waits for an error's message in it.
func (s *session) languages() error {
	p := s.src.plan
	if err := s.find(p.langError, "error-row"); err != nil {
		return err
	}
	if err := s.timing(); err != nil {
		return err
	}
	for i := range s.cfg.reps {
		l := langs[(i+1)%len(langs)]
		if err := s.settle(s.cfg.rest); err != nil {
			return err
		}
		ms, err := s.timed(matchLang, condMessage, map[string]any{"path": p.langError, "message": p.messages[l]}, func() error {
			_, err := s.byTestID("lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{l}})
			return err
		})
		if err := s.step(actLang, ms, err); err != nil {
			return err
		}
	}
	return nil
}

// diskChanges sets sessions pending on disk, one by one, as another program would, and waits for the page to
// show it.
func (s *session) diskChanges() error {
	for _, p := range s.src.plan.disk {
		if err := s.find(p, "session-row"); err != nil {
			return err
		}
		if err := s.settle(s.cfg.rest); err != nil {
			return err
		}
		if err := s.arm("", condDisk, map[string]any{"path": p, "status": "pending"}, true); err != nil {
			return err
		}
		if err := setStatus(s.folder, p, "pending"); err != nil {
			return err
		}
		ms, err := s.shown(s.cfg.timeout)
		if err := s.step(actDisk, ms, err); err != nil {
			return err
		}
	}
	return nil
}

func other(status string) string {
	if status == "accepted" {
		return "pending"
	}
	return "accepted"
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
