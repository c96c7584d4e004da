//go:build !js && !wasip1

package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

// The Fix preview shows which of a file's place, content and token agree on each id, and the fix changes the
// one that differs: a team.id typo in the content, where the folder and the token agree, is corrected in the
// content and the file stays where it is. Where the three give three team.ids, there is no single right fix: the
// file's error offers one named action per side, each with its own preview, applied through the engine.
func TestFixChoices(t *testing.T) {
	srv := startDevserver(t, "")
	page := newPage(t)
	srv.open(t, page, "")
	const app, typoID, threeID = "com.e2e.app", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	folder := appFolder(app, "ABCDE12345")
	typo := replaceOnce(t, sessionFile(app, "ABCDE12345", typoID, "accepted", "ann@example.com"), `"id": "ABCDE12345"`, `"id": "ABCDE12346"`)
	three := replaceOnce(t, sessionFile(app, "ABCDE12347", threeID, "accepted", "bob@example.com"), `"id": "ABCDE12347"`, `"id": "ABCDE12346"`)
	data := zipTree(t, map[string]string{folder + "/" + typoID: typo, folder + "/" + threeID: three})
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "witnesses.zip", MimeType: "application/zip", Buffer: data}), "uploading the zip")
	waitLoaded(t, page, "witnesses.zip")

	// Two against one: the content is corrected.
	typoPath := folder + "/" + typoID
	must(t, errorRow(page, typoPath).Click(), "opening the team.id typo")
	must(t, byTestID(page, "file-error").Locator(`[data-testid="fix"]`).Click(), "its Fix button")
	preview := byTestID(page, "fix-preview")
	must(t, expect.Locator(preview).ToContainText("Correct /team/id"), "the fix corrects the content")
	row := preview.Locator(`[data-testid="witness-table"] tr[data-id="team.id"]`)
	for side, agrees := range map[string]string{"place": "true", "content": "false", "token": "true"} {
		must(t, expect.Locator(row.Locator(`td[data-witness="`+side+`"]`)).ToHaveAttribute("data-agree", agrees), "team.id's "+side)
	}
	must(t, expect.Locator(preview).ToContainText(`/team/id: "ABCDE12346" → "ABCDE12345"`), "the value that changes")
	shotWide(t, page, "browser-fix-witnesses")
	must(t, byTestID(page, "fix-apply").Click(), "applying it")
	must(t, expect.Locator(preview).ToBeHidden(), "the preview closes")
	must(t, expect.Locator(sessionRow(page, typoPath)).ToHaveCount(1), "the session passes where it was")

	// Three values: a named action per side.
	threePath := folder + "/" + threeID
	must(t, errorRow(page, threePath).Click(), "opening the file with three team.ids")
	choices := byTestID(page, "fix-choices")
	must(t, expect.Locator(choices).ToContainText("No single right fix"), "the engine says there is no single fix")
	must(t, expect.Locator(choices.Locator(`[data-testid="fix-choice"]`)).ToHaveCount(3), "one action per side")
	shot(t, page, "browser-fix-choices")
	must(t, choices.Locator(`[data-choice="token"]`).Click(), "trusting the token")
	must(t, expect.Locator(preview).ToContainText("Trust the token"), "the preview of that choice")
	must(t, expect.Locator(preview).ToContainText("ABCDE12347."+app+"/"+threeID), "it moves the file to the token's folder")
	row = preview.Locator(`[data-testid="witness-table"] tr[data-id="team.id"]`)
	for side, agrees := range map[string]string{"place": "false", "content": "false", "token": "true"} {
		must(t, expect.Locator(row.Locator(`td[data-witness="`+side+`"]`)).ToHaveAttribute("data-agree", agrees), "team.id's "+side+" beside the token trusted")
	}
	shotWide(t, page, "browser-fix-choice-preview")
	must(t, byTestID(page, "fix-apply").Click(), "applying it")
	must(t, expect.Locator(preview).ToBeHidden(), "the preview closes")
	must(t, expect.Locator(sessionRow(page, "ABCDE12347."+app+"/"+threeID)).ToHaveCount(1), "the session passes in the token's folder")
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(0), "no error is left")
}

// shotWide saves a screenshot of the page at 1280 px (the default window) and one at 800 px (name-800).
func shotWide(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	shot(t, page, name)
	must(t, page.SetViewportSize(800, 900), "an 800 px window")
	shot(t, page, name+"-800")
	must(t, page.SetViewportSize(1280, 720), "back to 1280 px")
}
