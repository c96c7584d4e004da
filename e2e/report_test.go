//go:build !js && !wasip1

package e2e

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestReportSaysWhatIsTrueNow: the refresh report is the last refresh's until the files change (then it is
// marked out of date, with a button to refresh again, and names the files gone since as gone), and it goes
// with a restart, a new source and Delete all.
func TestReportSaysWhatIsTrueNow(t *testing.T) {
	t.Run("Browser", func(t *testing.T) { testReportInBrowser(t, startDevserver(t, "")) })
	t.Run("Server", func(t *testing.T) { testReportInServer(t, startDevserver(t, copySample(t))) })
}

// refreshed clicks a refresh button and waits for a report that is the refresh's and current.
func refreshed(t *testing.T, page playwright.Page, button string) playwright.Locator {
	t.Helper()
	must(t, byTestID(page, button).Click(), button)
	waitIdle(t, page)
	report := byTestID(page, "refresh-report")
	must(t, expect.Locator(report).ToContainText("Refresh done at"), "the refresh ran")
	must(t, expect.Locator(byTestID(page, "report-stale")).ToBeHidden(), "the report is current")
	must(t, expect.Locator(report).Not().ToHaveClass(regexp.MustCompile(`\bstale\b`)), "the report is not dimmed")
	return report
}

func expectStale(t *testing.T, page playwright.Page, why string) {
	t.Helper()
	stale := byTestID(page, "report-stale")
	must(t, expect.Locator(stale).ToBeVisible(), why+": the report is marked out of date")
	must(t, expect.Locator(stale).ToContainText("may no longer be true"), why+": it says why")
	must(t, expect.Locator(byTestID(page, "refresh-again")).ToBeVisible(), why+": with a button to refresh again")
	must(t, expect.Locator(byTestID(page, "refresh-report")).ToContainText("Refresh done at"), why+": the report is kept to read")
}

// expectCleared checks that no refresh report is shown: only the preview of what a refresh would do now.
func expectCleared(t *testing.T, page playwright.Page, why string) {
	t.Helper()
	report := byTestID(page, "refresh-report")
	must(t, expect.Locator(report).ToHaveClass(regexp.MustCompile(`\bpreview\b`)), why+": the report is gone")
	must(t, expect.Locator(report).ToContainText("Preview: what Refresh sessions would do now"), why+": the preview shows")
	must(t, expect.Locator(byTestID(page, "report-stale")).ToBeHidden(), why+": nothing out of date")
}

func testReportInBrowser(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	report := refreshed(t, page, "refresh")
	errorsRaised := report.Locator(".rep-sec[data-section=errors]")
	must(t, expect.Locator(errorsRaised.Locator(fmt.Sprintf(`button.link:text-is(%q)`, schemaError))).ToHaveCount(1), "the report lists the mobi 3 file's error")

	// The file of an error is deleted: the report is out of date and names the file as gone, never as a
	// current error to open.
	openInEditor(t, page, schemaError)
	must(t, byTestID(page, "delete-session").Click(), "Delete")
	confirm(t, page, schemaError)
	expectStale(t, page, "a file deleted")
	must(t, expect.Locator(errorsRaised.Locator(fmt.Sprintf(`button.link:text-is(%q)`, schemaError))).ToHaveCount(0), "the deleted file is not offered to open")
	gone := errorsRaised.Locator("li.gone")
	must(t, expect.Locator(gone).ToHaveCount(1), "one error's file is gone")
	must(t, expect.Locator(gone).ToContainText(schemaError), "the gone file is named")
	must(t, expect.Locator(gone).ToContainText("no longer on disk"), "as gone")
	shot(t, page, "browser-report-stale")

	report = refreshed(t, page, "refresh-again")
	must(t, expect.Locator(report.Locator("li.gone")).ToHaveCount(0), "a new report names nothing gone")

	// An edit makes it stale; a restart clears it.
	staleThenRestart(t, page, "accept")

	// A new source clears it (the sample's changes discarded on the way).
	refreshed(t, page, "refresh")
	dropZip(t, page, "report.zip", keptZip(t))
	must(t, byTestID(page, "replace-discard").Click(), "discarding the sample's changes")
	waitLoaded(t, page, "report.zip")
	expectCleared(t, page, "a new source")

	// Delete all clears it.
	refreshed(t, page, "refresh")
	must(t, byTestID(page, "delete-all").Click(), "Delete all")
	confirm(t, page, "Delete every session")
	waitIdle(t, page)
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(0), "everything is deleted")
	expectCleared(t, page, "Delete all")
}

func testReportInServer(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	refreshed(t, page, "refresh")

	// A change on disk, made behind the page's back (as 4D would), reaches it as a disk event.
	writeAtomic(t, srv.file(pendingSession), replaceOnce(t, readFile(t, srv.file(pendingSession)), `"status": "pending"`, `"status": "accepted"`))
	expectStale(t, page, "a change on disk")
	shot(t, page, "server-report-stale")
	report := refreshed(t, page, "refresh-again")
	expectChange(t, page, pendingSession, "/status", `"pending"`, `"accepted"`)
	must(t, expect.Locator(report).ToContainText("Refresh done at"), "the report is the new refresh's")

	// The page's own change too.
	staleThenRestart(t, page, "set-pending")
}

// staleThenRestart sets the status of pendingSession with a button of the editor: the report is then out of
// date; Restart clears it.
func staleThenRestart(t *testing.T, page playwright.Page, button string) {
	t.Helper()
	openInEditor(t, page, pendingSession)
	must(t, byTestID(page, button).Click(), button)
	expectStale(t, page, "a status set")
	must(t, byTestID(page, "restart").Click(), "Restart")
	waitIdle(t, page)
	expectCleared(t, page, "Restart")
}
