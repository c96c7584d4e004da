//go:build !js && !wasip1

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/internal/buildinfo"
	"github.com/mobisess/mobisess/internal/site"
)

// EnvSiteDir names a folder that already holds the static site (the Makefile passes build/site after `make
// site`); without it the site is built here from the wasm build, into build/e2e/site.
const EnvSiteDir = "MOBISESS_SITE_DIR"

// sitePath is where the static server puts the site: a sub-path, as a project's GitHub Pages does, so that any
// URL the site holds that is not relative breaks the tests.
const sitePath = "/console/"

var (
	siteOnce sync.Once
	siteDir  string
	siteErr  error
)

// builtSite is the static site to serve: EnvSiteDir's, or one built once for this run.
func builtSite(t *testing.T) string {
	t.Helper()
	siteOnce.Do(func() {
		if dir := os.Getenv(EnvSiteDir); dir != "" {
			siteDir = dir
			if !filepath.IsAbs(siteDir) {
				siteDir = filepath.Join(repoRoot, siteDir)
			}
			if _, err := os.Stat(filepath.Join(siteDir, site.ServiceWorker)); err != nil {
				siteErr = fmt.Errorf("%s=%s: %w (run `make site` first)", EnvSiteDir, dir, err)
			}
			return
		}
		siteDir = filepath.Join(repoRoot, "build", "e2e", "site")
		siteErr = site.Build(siteDir, wasmDir, buildinfo.Info{Version: "e2e"})
	})
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return siteDir
}

// staticServer is a plain static file server (Go's http.FileServer) over a folder that a test may swap, as a
// host does when a new version is published. It counts the requests for each file.
type staticServer struct {
	URL  string // http://127.0.0.1:PORT/console/
	root atomic.Pointer[string]
	mu   sync.Mutex
	hits map[string]int
	log  []string // every request's file, in order of arrival
}

func serveStatic(t *testing.T, dir string) *staticServer {
	t.Helper()
	s := &staticServer{hits: map[string]int{}}
	s.root.Store(&dir)
	mux := http.NewServeMux()
	mux.HandleFunc(sitePath, func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, sitePath)
		s.mu.Lock()
		s.hits[name]++
		s.log = append(s.log, name)
		s.mu.Unlock()
		http.StripPrefix(sitePath, http.FileServer(http.Dir(*s.root.Load()))).ServeHTTP(w, r)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	s.URL = ts.URL + sitePath
	return s
}

func (s *staticServer) swap(dir string) { s.root.Store(&dir) }

// requests is how many requests reached the server for a file ("" is the folder itself).
func (s *staticServer) requests(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[name]
}

func (s *staticServer) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// since is the files requested after the first n requests.
func (s *staticServer) since(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log[n:])
}

// TestSite is the console as a static site (`make site`) on a plain static server, under a sub-path: browser mode
// with no dev server, offline after a first visit, and a new version picked up on the next visit.
func TestSite(t *testing.T) {
	skipInShortMode(t)
	dir := builtSite(t)
	for _, tc := range []struct {
		name string
		run  func(*testing.T, string)
	}{
		{"OpensSample", testSiteOpensSample},
		{"UploadZip", testSiteUploadZip},
		{"EditDownload", testSiteEditDownload},
		{"Installable", testSiteInstallable},
		{"Offline", testSiteOffline},
		{"NewVersion", testSiteNewVersion},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, dir) })
	}
}

// openSite loads the site and waits for its empty state: browser mode, nothing open, the footer's version read.
func openSite(t *testing.T, page playwright.Page, url string) {
	t.Helper()
	_, err := page.Goto(url)
	must(t, err, "opening "+url)
	must(t, expect.Locator(page.Locator("#empty-state")).ToBeVisible(), "the site opens on its empty state")
	must(t, expect.Locator(byTestID(page, "version")).ToHaveText(regexp.MustCompile(`^mobisess \S+$`)), "the footer shows the version")
}

// waitOffline waits until the service worker holds every file of the site and controls the page.
func waitOffline(t *testing.T, page playwright.Page) {
	t.Helper()
	must(t, expect.Locator(byTestID(page, "offline-ready")).ToBeVisible(), "the footer says the console works offline")
	_, err := page.WaitForFunction(`() => !!navigator.serviceWorker.controller`, nil)
	must(t, err, "the service worker controls the page")
}

// The site opens with nothing loaded (no dev server tells it to open the sample), in browser mode; the sample
// opens from its button and reads as the engine reads it; the footer shows the site's version.
func testSiteOpensSample(t *testing.T, dir string) {
	srv := serveStatic(t, dir)
	page := newPage(t)
	openSite(t, page, srv.URL)
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(0), "nothing is open before a choice")
	must(t, expect.Locator(byTestID(page, "open-sample")).ToBeVisible(), "browser mode offers the sample")
	must(t, expect.Locator(byTestID(page, "auto-refresh")).ToBeHidden(), "no dev server: no auto refresh")

	must(t, page.Locator("#empty-sample").Click(), "Open the sample")
	waitLoaded(t, page, "sample")
	want := engineSample(t, "en")
	paths := attrs(t, byTestID(page, "session-row"), "data-path")
	sort.Strings(paths)
	if !slices.Equal(paths, sessionPaths(want)) {
		t.Errorf("session rows %v, want %v", paths, sessionPaths(want))
	}
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(len(want.Disk.Errors)), "the sample's errors")
	info := readVersion(t, dir)
	must(t, expect.Locator(byTestID(page, "version")).ToHaveText("mobisess "+info.Version), "the footer's version is the site's")
	if srv.requests("mobisess.wasm") == 0 {
		t.Error("the engine was not loaded from the site")
	}
	for _, width := range []int{1280, 800} {
		must(t, page.SetViewportSize(width, 800), "resizing")
		shot(t, page, fmt.Sprintf("site-sample-%d", width))
	}
}

// A zip dropped on the site's page opens as on the dev server's.
func testSiteUploadZip(t *testing.T, dir string) {
	srv := serveStatic(t, dir)
	page := newPage(t)
	openSite(t, page, srv.URL)
	uploadSiteZip(t, page, "site-upload.zip")
}

// uploadSiteZip gives the page a zip of three sessions and an error, and checks what it shows.
func uploadSiteZip(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	const shop = "com.e2e.site"
	ids := []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccccccccccccccccccc"}
	app := appFolder(shop, "ABCDE12345")
	files := map[string]string{
		app + "/" + ids[0]: sessionFile(shop, "ABCDE12345", ids[0], "accepted", "ann@example.com"),
		app + "/" + ids[1]: sessionFile(shop, "ABCDE12345", ids[1], "pending", ""),
		app + "/" + ids[2]: "{\n\t\"status\": \"pending\",\n\t\"token\" \"x\"\n}\n",
	}
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: name, MimeType: "application/zip", Buffer: zipTree(t, files)}), "uploading the zip")
	waitLoaded(t, page, name)
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(2), "the zip's two sessions")
	must(t, expect.Locator(sessionRow(page, app+"/"+ids[1])).ToHaveAttribute("data-status", "pending"), "the pending session")
	must(t, expect.Locator(errorRow(page, app+"/"+ids[2])).ToHaveAttribute("data-code", "2"), "the broken file is mobi 2")
	must(t, expect.Locator(byTestID(page, "error-banner")).ToBeHidden(), "no error banner")
}

// Edit, save, refresh and download, all in the page.
func testSiteEditDownload(t *testing.T, dir string) {
	srv := serveStatic(t, dir)
	page := newPage(t)
	_, err := page.Goto(srv.URL + "?sample")
	must(t, err, "opening the site on the sample")
	waitLoaded(t, page, "sample")
	openInEditor(t, page, acceptedSession)
	edited := replaceOnce(t, editorValue(t, page), `"email": ""`, `"email": "site@example.com"`)
	setEditor(t, page, edited)
	saveWithKeys(t, page)
	must(t, expect.Locator(sessionRow(page, acceptedSession)).ToContainText("site@example.com"), "the row shows the new email")
	must(t, byTestID(page, "refresh").Click(), "Refresh")
	expectChange(t, page, acceptedSession, "/email", `""`, `"site@example.com"`)

	dl, err := page.ExpectDownload(func() error { return byTestID(page, "download").Click() })
	must(t, err, "downloading")
	path, err := dl.Path()
	must(t, err, "the downloaded file")
	data, err := os.ReadFile(path)
	must(t, err, "reading the download")
	if got := unzip(t, data)["MobileApps/"+acceptedSession]; got != edited {
		t.Errorf("the download holds %s as:\n%s\nwant:\n%s", acceptedSession, got, edited)
	}
}

// Chromium finds nothing that keeps the site from being installed as an app: the manifest parses, its icons
// load, a service worker controls the page.
func testSiteInstallable(t *testing.T, dir string) {
	srv := serveStatic(t, dir)
	page := newPage(t)
	openSite(t, page, srv.URL)
	waitOffline(t, page)
	cdp, err := page.Context().NewCDPSession(page)
	must(t, err, "a DevTools session")
	manifest, err := cdp.Send("Page.getAppManifest", nil)
	must(t, err, "Page.getAppManifest")
	m := manifest.(map[string]any)
	if errs, _ := m["errors"].([]any); len(errs) > 0 {
		t.Errorf("the manifest has errors: %v", errs)
	}
	if url, _ := m["url"].(string); url != srv.URL+"manifest.webmanifest" {
		t.Errorf("the manifest is %q, want %q", url, srv.URL+"manifest.webmanifest")
	}
	res, err := cdp.Send("Page.getInstallabilityErrors", nil)
	must(t, err, "Page.getInstallabilityErrors")
	// A Playwright context is an incognito profile, where Chromium installs nothing: that one error is the
	// browser's, not the site's, and every other check is still made and reported.
	errs, _ := res.(map[string]any)["installabilityErrors"].([]any)
	for _, e := range errs {
		if id, _ := e.(map[string]any)["errorId"].(string); id != "in-incognito" {
			t.Errorf("Chromium would not install the site: %v", e)
		}
	}
	for _, icon := range []string{"icon-192.png", "icon-512.png"} {
		if srv.requests(icon) == 0 {
			t.Errorf("%s was never fetched", icon)
		}
	}
}

// After a first visit the site opens with no network: the service worker answers every file, and a zip opens.
func testSiteOffline(t *testing.T, dir string) {
	srv := serveStatic(t, dir)
	page := newPage(t)
	openSite(t, page, srv.URL)
	waitOffline(t, page)
	// The first visit ends when the browser has nothing left to fetch (the manifest's icons come late): a request
	// sent before going offline may arrive after.
	must(t, page.WaitForLoadState(playwright.PageWaitForLoadStateOptions{State: playwright.LoadStateNetworkidle}), "the first visit's requests done")

	must(t, page.Context().SetOffline(true), "going offline")
	before := srv.total()
	_, err := page.Reload()
	must(t, err, "reloading offline")
	must(t, expect.Locator(page.Locator("#empty-state")).ToBeVisible(), "the page opens offline")
	uploadSiteZip(t, page, "offline.zip")
	must(t, expect.Locator(byTestID(page, "version")).ToHaveText("mobisess "+readVersion(t, dir).Version), "the footer's version, from the cache")
	if late := srv.since(before); len(late) != 0 {
		t.Errorf("%d requests reached the server while offline: %q", len(late), late)
	}
	shot(t, page, "site-offline")

	// A new page of the same browser, offline too: the sample opens.
	page2, err := page.Context().NewPage()
	must(t, err, "a second page")
	_, err = page2.Goto(srv.URL + "?sample")
	must(t, err, "opening the sample offline")
	waitLoaded(t, page2, "sample")
	must(t, expect.Locator(byTestID(page2, "session-row")).ToHaveCount(len(engineSample(t, "en").Disk.Sessions)), "the sample's sessions, offline")
}

// A new version published on the host is picked up on the next visit: the page that runs says a new version is
// ready, the next load is the new version, the files that did not change (the wasm) are not downloaded again,
// and the old version's cache is gone.
func testSiteNewVersion(t *testing.T, dir string) {
	next := filepath.Join(t.TempDir(), "site")
	must(t, site.Build(next, dir, buildinfo.Info{Version: "e2e-next"}), "building the next version")
	srv := serveStatic(t, dir)
	page := newPage(t)
	openSite(t, page, srv.URL)
	waitOffline(t, page)
	first := cacheNames(t, page)
	wasmLoads := srv.requests("mobisess.wasm")

	srv.swap(next)
	_, err := page.Reload()
	must(t, err, "reloading after the new version is published")
	must(t, expect.Locator(byTestID(page, "update-ready")).ToBeVisible(), "the page says a new version is ready")
	_, err = page.Reload()
	must(t, err, "the next visit")
	must(t, expect.Locator(byTestID(page, "version")).ToHaveText("mobisess e2e-next"), "the next visit runs the new version")
	must(t, expect.Locator(byTestID(page, "offline-ready")).ToBeVisible(), "the new version works offline")
	if n := srv.requests("mobisess.wasm"); n != wasmLoads {
		t.Errorf("the unchanged wasm was downloaded again (%d requests, %d before)", n, wasmLoads)
	}
	caches := cacheNames(t, page)
	if len(caches) != 1 || slices.Equal(caches, first) {
		t.Errorf("caches %v after the update, %v before: want one, the new version's", caches, first)
	}
	must(t, page.Locator("#empty-sample").Click(), "Open the sample")
	waitLoaded(t, page, "sample")
}

func cacheNames(t *testing.T, page playwright.Page) []string {
	t.Helper()
	v, err := page.Evaluate(`caches.keys()`)
	must(t, err, "reading the caches")
	var names []string
	for _, n := range v.([]any) {
		names = append(names, n.(string))
	}
	return names
}

func readVersion(t *testing.T, dir string) buildinfo.Info {
	t.Helper()
	var info buildinfo.Info
	data, err := os.ReadFile(filepath.Join(dir, "version.json"))
	must(t, err, "reading version.json")
	must(t, json.Unmarshal(data, &info), "decoding version.json")
	return info
}
