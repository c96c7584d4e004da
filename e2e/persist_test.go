//go:build !js && !wasip1

package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/e2e/browser"
)

// The zip these tests drop: two apps, three sessions.
const (
	keptApp   = "com.e2e.kept"
	keptTeam  = "KEEPT12345"
	otherApp  = "com.e2e.other"
	keptID1   = "1111111111111111111111111111111111111111"
	keptID2   = "2222222222222222222222222222222222222222"
	otherID   = "3333333333333333333333333333333333333333"
	keptEmail = "kept@example.com"
)

var (
	keptDir   = appFolder(keptApp, keptTeam)
	keptPath1 = keptDir + "/" + keptID1 // accepted, ann@example.com
	keptPath2 = keptDir + "/" + keptID2 // pending
	otherPath = otherApp + "/" + otherID
)

func keptZip(t *testing.T) []byte {
	t.Helper()
	return zipTree(t, map[string]string{
		keptPath1: sessionFile(keptApp, keptTeam, keptID1, "accepted", "ann@example.com"),
		keptPath2: sessionFile(keptApp, keptTeam, keptID2, "pending", ""),
		otherPath: sessionFile(otherApp, "", otherID, "accepted", "bob@example.com"),
	})
}

// TestKeepsWork is browser mode keeping the user's work: a dropped zip and every edit on it are kept in the
// browser and come back after a reload or a restart of the browser; replacing them asks first.
func TestKeepsWork(t *testing.T) {
	srv := startDevserver(t, "")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *devserver)
	}{
		{"ReloadKeepsEditsAndView", testReloadKeepsWork},
		{"ReplacingAsks", testReplacingAsks},
		{"DownloadAndDiscard", testDownloadAndDiscard},
		{"StorageRefused", testStorageRefused},
		{"BrowserRestart", testBrowserRestart},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, srv) })
	}
}

// dropZip gives the page a zip as the file input would; when it opens, the page shows it as its source.
func dropZip(t *testing.T, page playwright.Page, name string, data []byte) {
	t.Helper()
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: name, MimeType: "application/zip", Buffer: data}), "dropping "+name)
}

// createInNewApp creates a session of a new app, com.e2e.created, with no team (an Apple app then takes
// FAKETEAMID), and returns its path.
func createInNewApp(t *testing.T, page playwright.Page) string {
	t.Helper()
	must(t, byTestID(page, "create-session").Click(), "New session")
	must(t, byTestID(page, "create-application-id").Fill("com.e2e.created"), "application id")
	must(t, byTestID(page, "create-team-id").Fill(""), "no team: an Apple app then takes FAKETEAMID")
	must(t, byTestID(page, "create-submit").Click(), "Create")
	created := page.Locator(`[data-testid="session-row"][data-path^="FAKETEAMID.com.e2e.created/"]`)
	must(t, expect.Locator(created).ToHaveCount(1), "the new session")
	return attrs(t, created, "data-path")[0]
}

// waitKept waits until the header says n changes are not downloaded (hidden for none) and nothing is still
// being stored.
func waitKept(t *testing.T, page playwright.Page, n int) {
	t.Helper()
	box := byTestID(page, "unsaved")
	must(t, expect.Locator(box).Not().ToHaveAttribute("data-keeping", "true"), "the work is stored")
	switch n {
	case 0:
		must(t, expect.Locator(box).ToBeHidden(), "nothing left to download")
	case 1:
		must(t, expect.Locator(box).ToContainText("1 change not downloaded"), "one change not downloaded")
	default:
		must(t, expect.Locator(box).ToContainText(fmt.Sprintf("%d changes not downloaded", n)), fmt.Sprintf("%d changes not downloaded", n))
	}
}

// editEmail opens a session file, changes its email and saves it.
func editEmail(t *testing.T, page playwright.Page, path, email string) {
	t.Helper()
	openInEditor(t, page, path)
	setEditor(t, page, regexp.MustCompile(`"email": "[^"]*"`).ReplaceAllString(editorValue(t, page), fmt.Sprintf(`"email": %q`, email)))
	saveWithKeys(t, page)
	must(t, expect.Locator(sessionRow(page, path)).ToContainText(email), "the row shows the new email")
}

// openEditedZip opens the console, drops keptZip as name and edits one file.
func openEditedZip(t *testing.T, srv *devserver, page playwright.Page, name string) {
	t.Helper()
	srv.open(t, page, "")
	dropZip(t, page, name, keptZip(t))
	waitLoaded(t, page, name)
	editEmail(t, page, keptPath1, keptEmail)
	waitKept(t, page, 1)
}

func reload(t *testing.T, page playwright.Page, source string) {
	t.Helper()
	_, err := page.Reload()
	must(t, err, "reloading")
	waitLoaded(t, page, source)
}

// Drop a zip, change it in every way the console can (an edit, a status, an app folder deleted, a session
// created in a new app folder), reload: every change is there, with the view the URL names, and memory is
// what a server that started on the zip holds.
func testReloadKeepsWork(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	dropZip(t, page, "kept.zip", keptZip(t))
	waitLoaded(t, page, "kept.zip")
	waitKept(t, page, 0)

	openInEditor(t, page, keptPath2)
	must(t, byTestID(page, "accept").Click(), "Accept")
	must(t, expect.Locator(sessionRow(page, keptPath2)).ToHaveAttribute("data-status", "accepted"), "accepted")
	waitKept(t, page, 1)

	openInEditor(t, page, otherPath)
	must(t, byTestID(page, "delete-app").Click(), "Delete app")
	confirm(t, page, otherApp)
	must(t, expect.Locator(sessionRow(page, otherPath)).ToHaveCount(0), "the app is gone")
	waitKept(t, page, 2)

	createdPath := createInNewApp(t, page)
	waitKept(t, page, 3) // a session in a new app folder is one change

	editEmail(t, page, keptPath1, keptEmail)
	waitKept(t, page, 4)
	must(t, byTestID(page, "search").Fill(keptEmail), "searching")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(1), "the search finds the edited session")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`#.*q=kept`)), "the search is in the URL")
	edited := editorValue(t, page)
	shot(t, page, "browser-unsaved-before-reload")

	reload(t, page, "kept.zip")
	waitKept(t, page, 4)
	must(t, expect.Locator(byTestID(page, "search")).ToHaveValue(keptEmail), "the search survives the reload")
	must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(keptPath1), "the open file survives the reload")
	must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(edited), "with its edited content")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(1), "the filter survives the reload")

	must(t, byTestID(page, "search").Press("Escape"), "clearing the search")
	must(t, expect.Locator(sessionRow(page, keptPath2)).ToHaveAttribute("data-status", "accepted"), "the accepted status is kept")
	must(t, expect.Locator(sessionRow(page, otherPath)).ToHaveCount(0), "the deleted app stays deleted")
	must(t, expect.Locator(sessionRow(page, createdPath)).ToHaveCount(1), "the created session is kept")
	// Memory is the zip's, as loaded by a server started on it: the edits are what a refresh would take.
	must(t, expect.Locator(sessionRow(page, keptPath2).Locator(`[data-testid="differs-badge"]`)).ToHaveAttribute("data-kind", "updated"), "the accepted file differs from memory")
	memRow := page.Locator(fmt.Sprintf(`[data-testid="memory-row"][data-path=%q]`, otherPath))
	must(t, expect.Locator(memRow).ToHaveCount(1), "memory still holds the deleted app's session")

	// The work is kept: leaving does not warn.
	closed := make(chan struct{})
	dialogs := make(chan string, 1)
	page.OnClose(func(playwright.Page) { close(closed) })
	page.OnDialog(func(d playwright.Dialog) { dialogs <- d.Type(); d.Accept() })
	must(t, page.Close(playwright.PageCloseOptions{RunBeforeUnload: playwright.Bool(true)}), "closing the page")
	select {
	case <-closed:
	case kind := <-dialogs:
		t.Errorf("leaving a page whose work is kept asks (%s)", kind)
	case <-time.After(waitMS * time.Millisecond):
		t.Fatal("the page did not close")
	}
}

// Replacing the source (another zip, the sample, Delete all) while changes are not downloaded asks first:
// Cancel keeps everything, Download downloads the work then goes on, Discard goes on without it.
func testReplacingAsks(t *testing.T, srv *devserver) {
	page := newPage(t)
	openEditedZip(t, srv, page, "first.zip")
	edited := editorValue(t, page)

	dialog := byTestID(page, "replace-dialog")
	cancel := func(what string, start func() error, mentions ...string) {
		t.Helper()
		must(t, start(), what)
		must(t, expect.Locator(dialog).ToBeVisible(), what+": the dialog asks")
		for _, m := range append(mentions, "first.zip", "1 change not downloaded") {
			must(t, expect.Locator(dialog).ToContainText(m), what+": the dialog names "+m)
		}
		must(t, byTestID(page, "replace-cancel").Click(), "Cancel")
		must(t, expect.Locator(dialog).ToBeHidden(), "the dialog closes")
		waitIdle(t, page)
		must(t, expect.Locator(byTestID(page, "source")).ToHaveText("first.zip"), what+", cancelled: the zip stays open")
		must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(edited), what+", cancelled: the edit stays")
		waitKept(t, page, 1)
	}
	cancel("Sample", func() error { return byTestID(page, "open-sample").Click() }, "sample")
	cancel("another zip", func() error {
		return byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "second.zip", MimeType: "application/zip", Buffer: sampleZip(t)})
	}, "second.zip")
	must(t, byTestID(page, "delete-all").Click(), "Delete all")
	must(t, expect.Locator(dialog).ToContainText("Delete all"), "Delete all asks about the changes")
	shot(t, page, "browser-replace-dialog")
	must(t, byTestID(page, "replace-cancel").Click(), "Cancel")
	must(t, expect.Locator(page.Locator("#confirm-dialog")).ToBeHidden(), "no deletion is asked for")
	must(t, expect.Locator(sessionRow(page, keptPath1)).ToHaveCount(1), "Delete all, cancelled: the files stay")

	// Download, then go on: the zip downloaded holds the edit, and the next zip opens.
	dropZip(t, page, "second.zip", sampleZip(t))
	must(t, expect.Locator(dialog).ToBeVisible(), "the dialog asks")
	dl, err := page.ExpectDownload(func() error { return byTestID(page, "replace-download").Click() })
	must(t, err, "Download, then go on")
	path, err := dl.Path()
	must(t, err, "the download")
	data, err := os.ReadFile(path)
	must(t, err, "reading the download")
	if got := unzip(t, data)["MobileApps/"+keptPath1]; !strings.Contains(got, keptEmail) {
		t.Errorf("the downloaded %s lacks the edit:\n%s", keptPath1, got)
	}
	waitLoaded(t, page, "second.zip")
	waitKept(t, page, 0)

	// Discard: the sample opens, and the zip's edit is gone for good.
	editEmail(t, page, acceptedSession, keptEmail)
	waitKept(t, page, 1)
	must(t, byTestID(page, "open-sample").Click(), "Sample")
	must(t, byTestID(page, "replace-discard").Click(), "Discard them")
	waitLoaded(t, page, "sample")
	waitKept(t, page, 0)
	must(t, expect.Locator(sessionRow(page, acceptedSession)).Not().ToContainText(keptEmail), "the sample as embedded")
	reload(t, page, "sample")
	waitKept(t, page, 0)
	must(t, expect.Locator(sessionRow(page, acceptedSession)).Not().ToContainText(keptEmail), "the discarded zip does not come back")
}

// Download in the header marks the work as downloaded (and stays so after a reload); Discard takes the zip
// back to how it was dropped.
func testDownloadAndDiscard(t *testing.T, srv *devserver) {
	page := newPage(t)
	openEditedZip(t, srv, page, "kept.zip")
	dl, err := page.ExpectDownload(func() error { return byTestID(page, "unsaved-download").Click() })
	must(t, err, "Download in the header")
	if _, err := dl.Path(); err != nil {
		t.Fatal(err)
	}
	waitKept(t, page, 0)
	reload(t, page, "kept.zip")
	waitKept(t, page, 0)
	must(t, expect.Locator(sessionRow(page, keptPath1)).ToContainText(keptEmail), "the downloaded edit is still there")

	editEmail(t, page, keptPath2, "second@example.com")
	waitKept(t, page, 1)
	must(t, byTestID(page, "discard").Click(), "Discard")
	confirm(t, page, "kept.zip")
	waitIdle(t, page)
	waitKept(t, page, 0)
	must(t, expect.Locator(sessionRow(page, keptPath1)).ToContainText("ann@example.com"), "the zip as it was dropped")
	must(t, expect.Locator(sessionRow(page, keptPath2)).Not().ToContainText("second@example.com"), "every edit discarded")
	reload(t, page, "kept.zip")
	waitKept(t, page, 0)
	must(t, expect.Locator(sessionRow(page, keptPath1)).ToContainText("ann@example.com"), "discarded for good")
}

// When the browser refuses to store the work (a private window, storage full), the page says so once, keeps
// working in memory, and warns before the page is left with changes not downloaded.
func testStorageRefused(t *testing.T, srv *devserver) {
	for _, tc := range []struct{ name, script string }{
		{"refused", `IDBFactory.prototype.open = function () { throw new DOMException('The operation is insecure.', 'SecurityError'); };`},
		{"full", `IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := newPage(t)
			must(t, page.AddInitScript(playwright.Script{Content: playwright.String(tc.script)}), "breaking the storage")
			srv.open(t, page, "")
			dropZip(t, page, "kept.zip", keptZip(t))
			waitLoaded(t, page, "kept.zip")
			notice := byTestID(page, "storage-refused")
			must(t, expect.Locator(notice).ToBeVisible(), "the page says the work is not kept")
			must(t, expect.Locator(notice).ToContainText("this tab only"), "and where it lives")
			must(t, page.Locator("#storage-refused-close").Click(), "closing the notice")

			editEmail(t, page, keptPath1, keptEmail)
			waitKept(t, page, 1)
			must(t, expect.Locator(byTestID(page, "unsaved")).ToHaveClass(regexp.MustCompile(`\bnot-kept\b`)), "the count says the work is in this tab only")
			must(t, expect.Locator(notice).ToBeHidden(), "said once")
			must(t, expect.Locator(byTestID(page, "error-banner")).ToBeHidden(), "no error: the console works on")
			if tc.name == "refused" {
				shot(t, page, "browser-storage-refused")
			}

			dialogs := make(chan playwright.Dialog, 1)
			page.OnDialog(func(d playwright.Dialog) { dialogs <- d })
			must(t, page.Close(playwright.PageCloseOptions{RunBeforeUnload: playwright.Bool(true)}), "leaving the page")
			select {
			case d := <-dialogs:
				if d.Type() != "beforeunload" {
					t.Errorf("a %s dialog, want beforeunload", d.Type())
				}
				must(t, d.Dismiss(), "staying")
			case <-time.After(waitMS * time.Millisecond):
				t.Fatal("leaving with work kept nowhere does not warn")
			}
			must(t, expect.Locator(byTestID(page, "unsaved")).ToBeVisible(), "the page stays, with its work")
		})
	}
}

// The work outlives the browser: a zip dropped and edited in one browser is there when the browser starts again
// on the same profile, even once the zip is gone from where it was dropped; and its bytes are stored once,
// whatever the number of edits.
func testBrowserRestart(t *testing.T, srv *devserver) {
	profile := t.TempDir()
	open := func() (playwright.BrowserContext, playwright.Page) {
		t.Helper()
		ctx, err := browser.Require(t).LaunchPersistent(profile)
		must(t, err, "starting the browser on the profile")
		page, err := ctx.NewPage()
		must(t, err, "a page")
		page.SetDefaultTimeout(waitMS)
		return ctx, page
	}
	ctx, page := open()
	closed := false
	defer func() {
		if !closed {
			ctx.Close()
		}
	}()
	dropped := filepath.Join(t.TempDir(), "kept.zip")
	must(t, os.WriteFile(dropped, keptZip(t), 0o644), "the zip to drop")
	srv.open(t, page, "")
	must(t, byTestID(page, "zip-input").SetInputFiles(dropped), "dropping the zip from disk")
	waitLoaded(t, page, "kept.zip")
	editEmail(t, page, keptPath1, keptEmail)
	editEmail(t, page, keptPath2, "second@example.com")
	waitKept(t, page, 2)
	must(t, ctx.Close(), "closing the browser")
	closed = true
	must(t, os.Remove(dropped), "removing the dropped zip")
	var blobs []string
	filepath.WalkDir(filepath.Join(profile, "Default", "IndexedDB"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.Contains(p, ".indexeddb.blob") {
			blobs = append(blobs, p)
		}
		return nil
	})
	if len(blobs) != 1 {
		t.Errorf("the profile holds %d stored blobs after a drop and two edits, want the zip's bytes once: %v", len(blobs), blobs)
	}

	ctx2, page2 := open()
	defer ctx2.Close()
	if _, err := page2.Goto(srv.URL + "#file=" + keptPath1); err != nil {
		t.Fatal(err)
	}
	waitLoaded(t, page2, "kept.zip")
	waitKept(t, page2, 2)
	must(t, expect.Locator(page2.Locator("#file-path")).ToHaveText(keptPath1), "the file the URL names is open")
	must(t, expect.Locator(byTestID(page2, "editor")).ToHaveValue(regexp.MustCompile(regexp.QuoteMeta(keptEmail))), "with its edit")
	shot(t, page2, "browser-after-restart")
}
