//go:build !js && !wasip1

package e2e

import (
	"fmt"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestRefreshReportCountsTheUnchanged: a refresh of a folder of many sessions reports how many were left
// unchanged and how many errors it raised, lists the first of each and says how many of how many it lists; a
// preview, which the State gives whole, lists them as it is.
func TestRefreshReportCountsTheUnchanged(t *testing.T) {
	const app, team, many, broken = "com.e2e.many", "ABCDE12345", 1200, 250
	folder := appFolder(app, team)
	files := map[string]string{}
	for i := range many {
		id := fmt.Sprintf("%040x", i)
		files[folder+"/"+id] = sessionFile(app, team, id, "accepted", "")
		if i < broken {
			files[folder+"/"+fmt.Sprintf("%040x", many+i)] = "{"
		}
	}
	srv := startDevserver(t, "")
	page := newPage(t)
	must(t, page.SetViewportSize(1280, 900), "a 1280 px window")
	srv.open(t, page, "")
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "many.zip", MimeType: "application/zip", Buffer: zipTree(t, files)}), "uploading the zip")
	waitLoaded(t, page, "many.zip")

	report := byTestID(page, "refresh-report")
	unchanged := report.Locator(".rep-sec[data-section=unchanged]")
	must(t, expect.Locator(unchanged.Locator("summary")).ToHaveText("Unchanged (1,200)"), "the preview counts them")
	must(t, expect.Locator(unchanged.Locator("li:not(.muted)")).ToHaveCount(500), "and lists 500")

	report = refreshed(t, page, "refresh")
	must(t, expect.Locator(report.Locator(".counts")).ToContainText("1,200 unchanged"), "the refresh's count")
	must(t, expect.Locator(unchanged.Locator("summary")).ToHaveText("Unchanged (1,200)"), "the list's count")
	must(t, unchanged.Locator("summary").Click(), "opening the list")
	must(t, expect.Locator(unchanged.Locator("li:not(.muted)")).ToHaveCount(500), "the first 500 listed")
	must(t, expect.Locator(unchanged.Locator("li:not(.muted)").First()).ToHaveText(folder+"/"+fmt.Sprintf("%040x", 0)), "in the report's order")
	must(t, expect.Locator(unchanged.Locator("li.muted")).ToHaveText("500 of 1,200 shown"), "and how many of how many")
	errorsRaised := report.Locator(".rep-sec[data-section=errors]")
	must(t, expect.Locator(report.Locator(".counts")).ToContainText("250 errors"), "the errors' count")
	must(t, expect.Locator(errorsRaised.Locator("h3")).ToHaveText("Errors raised (250)"), "the errors' list's count")
	must(t, expect.Locator(errorsRaised.Locator("li:not(.muted)")).ToHaveCount(200), "the first 200 errors listed")
	must(t, expect.Locator(errorsRaised.Locator("li.muted")).ToHaveText("200 of 250 shown"), "and how many of how many")
	for _, width := range []int{800, 1280, 2560} {
		must(t, page.SetViewportSize(width, 900), fmt.Sprintf("a %d px window", width))
		must(t, unchanged.Locator("li.muted").ScrollIntoViewIfNeeded(), "the end of the list in view")
		shot(t, page, fmt.Sprintf("browser-refresh-unchanged-%d", width))
	}
	must(t, page.SetViewportSize(1280, 900), "a 1280 px window")
	must(t, errorsRaised.Locator("li.muted").ScrollIntoViewIfNeeded(), "the end of the errors in view")
	shot(t, page, "browser-refresh-errors-1280")
}
