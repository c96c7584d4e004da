//go:build !js && !wasip1

package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/sample"
	"github.com/mobisess/mobisess/e2e/browser"
)

// Bounds on waiting. Nothing here sleeps for correctness: every wait is a Playwright auto-waiting assertion,
// a locator wait or a bounded poll, and these only cap how long a broken page takes to fail.
const (
	waitMS       = 60_000 // a cold wasm compile on a busy 2-core machine takes seconds; this only caps a failure
	serverStart  = 30 * time.Second
	serverStop   = 5 * time.Second
	pollInterval = 25 * time.Millisecond
)

// expect is Playwright's auto-waiting assertions (toHaveText, toHaveCount, …).
var expect = playwright.NewPlaywrightAssertions(waitMS)

// ---- the dev server

// devserver is one running cmd/devserver.
type devserver struct {
	URL    string // http://127.0.0.1:PORT/
	Dir    string // the folder in server mode, "" in browser mode
	Source string // what the page shows as its source once loaded
	cmd    *exec.Cmd
	out    *watchedBuffer
	exited chan struct{}
}

// startDevserver runs the dev server on a free loopback port with args (e.g. -dir PATH) and stops it when t
// ends. In server mode the folder is watched every 50 ms, so that disk changes reach the page quickly.
func startDevserver(t *testing.T, dir string, args ...string) *devserver {
	t.Helper()
	full := []string{"-addr", "127.0.0.1:0", "-wasm-dir", wasmDir}
	s := &devserver{Dir: dir, Source: "sample", exited: make(chan struct{}), out: newWatchedBuffer(`listening on (http://\S+)`)}
	if dir != "" {
		full = append(full, "-dir", dir, "-poll", "50ms")
		s.Source = dir
	}
	full = append(full, args...)
	s.cmd = exec.Command(devserverBin, full...)
	s.cmd.Dir = repoRoot
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting the dev server: %v", err)
	}
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("dev server %v output:\n%s", full, s.out.String())
		}
	})
	select {
	case url := <-s.out.match:
		s.URL = url
	case <-s.exited:
		t.Fatalf("the dev server exited before listening (%v): %v\n%s", full, s.cmd.ProcessState, s.out.String())
	case <-time.After(serverStart):
		t.Fatalf("the dev server did not print its address within %v:\n%s", serverStart, s.out.String())
	}
	return s
}

// stop asks the dev server to shut down (SIGTERM, handled like Ctrl+C) and kills it if it lingers; only
// this process, by its id.
func (s *devserver) stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	terminate(s.cmd.Process)
	select {
	case <-s.exited:
	case <-time.After(serverStop):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// watchedBuffer collects a process's output and reports the first submatch of a pattern, once.
type watchedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	re    *regexp.Regexp
	match chan string
	found bool
}

func newWatchedBuffer(pattern string) *watchedBuffer {
	return &watchedBuffer{re: regexp.MustCompile(pattern), match: make(chan string, 1)}
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.found {
		if m := w.re.FindSubmatch(w.buf.Bytes()); m != nil {
			w.found = true
			w.match <- string(m[1])
		}
	}
	return len(p), nil
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// ---- pages

// newPage opens a page in a fresh browser context (browser.NewPage: console errors logged, a screenshot on
// failure) with bounded waits.
func newPage(t *testing.T) playwright.Page {
	t.Helper()
	page := browser.Require(t).NewPage(t)
	page.SetDefaultTimeout(waitMS)
	page.SetDefaultNavigationTimeout(waitMS)
	return page
}

// open loads the console (hash: the view state, "" or "#q=…") and waits until the engine's State is shown.
func (s *devserver) open(t *testing.T, page playwright.Page, hash string) {
	t.Helper()
	if _, err := page.Goto(s.URL + hash); err != nil {
		t.Fatalf("opening %s%s: %v", s.URL, hash, err)
	}
	waitLoaded(t, page, s.Source)
}

// waitLoaded waits for the page to show source and to be idle (no call under way).
func waitLoaded(t *testing.T, page playwright.Page, source string) {
	t.Helper()
	must(t, expect.Locator(byTestID(page, "source")).ToHaveText(source), "the page shows its source")
	waitIdle(t, page)
}

// waitIdle waits until no engine call is under way (app.js sets aria-busy on <body> during calls).
func waitIdle(t *testing.T, page playwright.Page) {
	t.Helper()
	must(t, expect.Locator(page.Locator("body")).Not().ToHaveAttribute("aria-busy", "true"), "the page is idle")
}

func byTestID(page playwright.Page, id string) playwright.Locator {
	return page.Locator(fmt.Sprintf(`[data-testid=%q]`, id))
}

func sessionRow(page playwright.Page, path string) playwright.Locator {
	return page.Locator(fmt.Sprintf(`[data-testid="session-row"][data-path=%q]`, path))
}

func errorRow(page playwright.Page, path string) playwright.Locator {
	return page.Locator(fmt.Sprintf(`[data-testid="error-row"][data-path=%q]`, path))
}

func diskRow(page playwright.Page, path string) playwright.Locator {
	return page.Locator(fmt.Sprintf(`#disk-list .row[data-path=%q]`, path))
}

// attrs returns one attribute of every element a locator matches, in document order.
func attrs(t *testing.T, l playwright.Locator, name string) []string {
	t.Helper()
	v, err := l.EvaluateAll(`(els, name) => els.map((e) => e.getAttribute(name) ?? '')`, name)
	must(t, err, "reading "+name)
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// openInEditor clicks a file's row in the disk list and waits for the editor to hold it.
func openInEditor(t *testing.T, page playwright.Page, path string) {
	t.Helper()
	must(t, diskRow(page, path).Click(), "clicking "+path)
	must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(path), "the editor opens "+path)
	waitIdle(t, page)
}

// editorValue is the editor's text.
func editorValue(t *testing.T, page playwright.Page) string {
	t.Helper()
	v, err := byTestID(page, "editor").InputValue()
	must(t, err, "reading the editor")
	return v
}

// setEditor replaces the editor's text as typing would (an input event), and checks that the page took it
// as an unsaved change.
func setEditor(t *testing.T, page playwright.Page, text string) {
	t.Helper()
	must(t, byTestID(page, "editor").Fill(text), "typing in the editor")
	must(t, expect.Locator(byTestID(page, "save")).ToBeEnabled(), "an edit enables Save")
}

// saveWithKeys presses Ctrl+S in the editor and waits until the page holds no unsaved change.
func saveWithKeys(t *testing.T, page playwright.Page) {
	t.Helper()
	must(t, byTestID(page, "editor").Press("Control+s"), "Ctrl+S")
	waitIdle(t, page)
}

// caretPosition is the editor's caret as the engine counts: 1-based line and character column.
func caretPosition(t *testing.T, page playwright.Page) (line, column int) {
	t.Helper()
	v, err := byTestID(page, "editor").Evaluate(`(ta) => {
		const lines = ta.value.slice(0, ta.selectionStart).split('\n');
		return [lines.length, [...lines[lines.length - 1]].length + 1];
	}`, nil)
	must(t, err, "reading the caret")
	pos := v.([]any)
	return toInt(pos[0]), toInt(pos[1])
}

// markedLine is the line the editor highlights after a jump (its "goto" band), and whether that band is
// scrolled into the editor's view.
func markedLine(t *testing.T, page playwright.Page) (line int, inView bool) {
	t.Helper()
	v, err := byTestID(page, "editor").Evaluate(`(ta) => {
		const band = document.querySelector('.ed-band.goto');
		if (!band) return [0, false];
		const cs = getComputedStyle(ta);
		const line = Math.round((parseFloat(band.style.top) - parseFloat(cs.paddingTop)) / parseFloat(cs.lineHeight)) + 1;
		const b = band.getBoundingClientRect(), r = ta.getBoundingClientRect();
		return [line, b.top >= r.top && b.bottom <= r.bottom];
	}`, nil)
	must(t, err, "reading the marked line")
	r := v.([]any)
	return toInt(r[0]), r[1].(bool)
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	panic(fmt.Sprintf("not a number: %T %v", v, v))
}

// confirm waits for the confirmation dialog, checks that it names what it is about, and answers OK.
func confirm(t *testing.T, page playwright.Page, mentions string) {
	t.Helper()
	dialog := page.Locator("#confirm-dialog")
	must(t, expect.Locator(dialog).ToBeVisible(), "the confirmation dialog opens")
	must(t, expect.Locator(page.Locator("#confirm-text")).ToContainText(mentions), "the dialog names "+mentions)
	must(t, byTestID(page, "confirm-ok").Click(), "confirming")
	must(t, expect.Locator(dialog).ToBeHidden(), "the dialog closes")
}

// reportChange is the row of the refresh report for one changed pointer of one updated file.
func reportChange(page playwright.Page, path, pointer string) playwright.Locator {
	return byTestID(page, "refresh-report").Locator(".rep-sec[data-section=updated] .rep-item").
		Filter(playwright.LocatorFilterOptions{Has: page.Locator(fmt.Sprintf(`button.link:text-is(%q)`, path))}).
		Locator(fmt.Sprintf(`tr[data-pointer=%q]`, pointer))
}

// expectChange checks one change of the report: its old and new values as the page prints them (JSON).
func expectChange(t *testing.T, page playwright.Page, path, pointer, old, new string) {
	t.Helper()
	row := reportChange(page, path, pointer)
	must(t, expect.Locator(row).ToHaveCount(1), fmt.Sprintf("the report lists %s %s", path, pointer))
	must(t, expect.Locator(row.Locator("td").Nth(1)).ToHaveText(old), pointer+" old value")
	must(t, expect.Locator(row.Locator("td").Nth(2)).ToHaveText(new), pointer+" new value")
}

// shot saves a screenshot of a key state to e2e/artifacts/<name>.png, to look at.
func shot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(filepath.Join(artifactsDir, name+".png"))})
	must(t, err, "screenshot "+name)
}

func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eventually polls cond (bounded) for what the page cannot wait on itself, such as a file on disk.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(waitMS * time.Millisecond)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not true after %v: %s", what, waitMS*time.Millisecond, detail)
		}
		time.Sleep(pollInterval)
	}
}

// ---- what the engine says, computed natively, to compare with what the page shows

// engineSample is the State of the embedded sample as the console package computes it, in a language.
func engineSample(t *testing.T, lang string) *console.State {
	t.Helper()
	a := console.NewService(nil, console.Options{CanOpen: true})
	res, err := a.Call(context.Background(), "openSample", []byte(fmt.Sprintf(`{"lang":%q}`, lang)), nil)
	must(t, err, "the native engine opens the sample")
	var st console.State
	must(t, json.Unmarshal(res.JSON, &st), "decoding the State")
	return &st
}

func sessionPaths(st *console.State) []string {
	var out []string
	for _, s := range st.Disk.Sessions {
		out = append(out, s.Path)
	}
	sort.Strings(out)
	return out
}

// ---- fixtures

// token is a session's connection token: base64url, unpadded, of compact JSON (docs/rules.md, "The token").
func token(appID, id, teamID string) string {
	data, _ := json.Marshal(struct {
		AppNameID string `json:"appNameID"`
		ID        string `json:"id"`
		TeamID    string `json:"teamID"`
	}{appID, id, teamID})
	return base64.RawURLEncoding.EncodeToString(data)
}

// sessionFile is a well-formed session file as 4D writes it, with a matching token.
func sessionFile(appID, teamID, id, status, email string) string {
	doc := map[string]any{
		"application": map[string]any{"id": appID, "name": "E2E", "version": "2.0.0"},
		"language":    map[string]any{"id": "en_US", "code": "en", "region": "US"},
		"email":       email,
		"device":      map[string]any{"description": "iPhone 15", "version": "17.5", "id": "E2E-DEVICE", "simulator": true, "os": "iOS"},
		"send":        "link",
		"session":     map[string]any{"id": id, "ip": "::1"},
		"status":      status,
		"token":       token(appID, id, teamID),
	}
	if teamID != "" {
		doc["team"] = map[string]any{"id": teamID}
	}
	data, _ := json.MarshalIndent(doc, "", "\t")
	return string(data) + "\n"
}

// appFolder is the folder 4D keeps an app's sessions in: [team.id "."] application.id.
func appFolder(appID, teamID string) string {
	if teamID == "" {
		return appID
	}
	return teamID + "." + appID
}

// zipTree is a zip of a MobileApps folder holding files (relative paths), made by the engine's exporter.
func zipTree(t *testing.T, files map[string]string) []byte {
	t.Helper()
	mem := afero.NewMemMapFs()
	for p, content := range files {
		must(t, afero.WriteFile(mem, filepath.Join("MobileApps", filepath.FromSlash(p)), []byte(content), 0o644), "fixture "+p)
	}
	var buf bytes.Buffer
	must(t, core.ExportZip(mem, "MobileApps", &buf), "zipping the fixture")
	return buf.Bytes()
}

// sampleZip is the embedded sample as a zip, the way the console's Download writes it.
func sampleZip(t *testing.T) []byte {
	t.Helper()
	fsys, root, err := core.CopyFS(sample.FS(), sample.Root)
	must(t, err, "copying the sample")
	var buf bytes.Buffer
	must(t, core.ExportZip(fsys, root, &buf), "zipping the sample")
	return buf.Bytes()
}

// rawZip is a zip with exactly these entry names, for archives the exporter would never write.
func rawZip(t *testing.T, entries [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		must(t, err, "zip entry "+e[0])
		io.WriteString(w, e[1])
	}
	must(t, zw.Close(), "closing the zip")
	return buf.Bytes()
}

// unzip reads a zip's regular files by name.
func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err, "reading the zip")
	out := map[string]string{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		must(t, err, "opening "+f.Name)
		b, err := io.ReadAll(rc)
		rc.Close()
		must(t, err, "reading "+f.Name)
		out[f.Name] = string(b)
	}
	return out
}

// copySample writes the embedded sample into a fresh temporary MobileApps folder and returns its path.
func copySample(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "MobileApps")
	err := fs.WalkDir(sample.FS(), sample.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(p, sample.Root)))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(sample.FS(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	must(t, err, "copying the sample")
	return dir
}

// writeAtomic replaces a file the way careful writers do (a hidden temporary file, then a rename), so that
// the dev server never reads it half written.
func writeAtomic(t *testing.T, path string, data string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".e2e-"+filepath.Base(path))
	must(t, os.WriteFile(tmp, []byte(data), 0o644), "writing "+tmp)
	must(t, os.Rename(tmp, path), "renaming over "+path)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err, "reading "+path)
	return string(data)
}

// replaceOnce replaces old by new in s, and fails when old is not there exactly once.
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("expected %q once in the file, found it %d times:\n%s", old, n, s)
	}
	return strings.Replace(s, old, new, 1)
}

// terminate asks a process to stop (SIGTERM; where signals do not exist, it is killed).
func terminate(p *os.Process) {
	if err := p.Signal(syscall.SIGTERM); err != nil {
		p.Kill()
	}
}
