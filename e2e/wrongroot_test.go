//go:build !js && !wasip1

package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

// A zip of a Data folder, dropped on the console, holds no app folder of session files at its root: the
// console says so in a banner instead of "no errors", names the MobileApps folder inside the zip, and its button
// opens that folder, whose sessions then show. A zip of an app folder's files says what to zip instead, with no
// button. The banner follows the language.
func TestWrongRoot(t *testing.T) {
	srv := startDevserver(t, "")
	page := newPage(t)
	srv.open(t, page, "")
	const id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	app := appFolder("com.e2e.app", "ABCDE12345")
	session := sessionFile("com.e2e.app", "ABCDE12345", id, "accepted", "ann@example.com")
	data := rawZip(t, [][2]string{
		{"Data/MobileApps/" + app + "/" + id, session},
		{"Data/MobileApps/key.mobileapp", "key"},
		{"Data/data.4DD", "not a session"},
	})
	banner := byTestID(page, "wrong-root")
	open := byTestID(page, "wrong-root-open")

	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "Data.zip", MimeType: "application/zip", Buffer: data}), "uploading a zip of a Data folder")
	must(t, expect.Locator(banner).ToBeVisible(), "the wrong-root banner shows")
	must(t, expect.Locator(banner).ToContainText("Data.zip holds no app folder of session files"), "the banner says what is wrong")
	must(t, expect.Locator(banner).ToContainText("Data/MobileApps"), "the banner names the folder inside the zip")
	must(t, expect.Locator(open).ToHaveText("Open Data/MobileApps"), "the button names it")
	must(t, expect.Locator(byTestID(page, "error-banner")).ToBeHidden(), "no error banner besides")
	must(t, expect.Locator(byTestID(page, "source")).ToHaveText("sample"), "the sample stays open")
	waitIdle(t, page)
	shotWide(t, page, "browser-wrong-root")

	_, err := byTestID(page, "lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{"fr"}})
	must(t, err, "choosing French")
	must(t, expect.Locator(banner).ToContainText("ne contient aucun dossier d'app"), "the banner in French")
	must(t, expect.Locator(open).ToHaveText("Ouvrir Data/MobileApps"), "the button in French")
	_, err = byTestID(page, "lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{"en"}})
	must(t, err, "back to English")

	must(t, open.Click(), "opening the folder inside the zip")
	waitLoaded(t, page, "Data.zip/Data/MobileApps")
	must(t, expect.Locator(banner).ToBeHidden(), "the banner goes")
	must(t, expect.Locator(sessionRow(page, app+"/"+id)).ToHaveCount(1), "the session inside the zip shows")
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(0), "and no error")
	shot(t, page, "browser-wrong-root-opened")

	appZip := rawZip(t, [][2]string{{id, session}})
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "app.zip", MimeType: "application/zip", Buffer: appZip}), "uploading a zip of an app folder's files")
	must(t, expect.Locator(banner).ToContainText("app.zip holds session files at its root, as an app folder does"), "the banner says what the zip is")
	must(t, expect.Locator(open).ToBeHidden(), "with nothing to open inside it")
	must(t, expect.Locator(byTestID(page, "source")).ToHaveText("Data.zip/Data/MobileApps"), "the folder open stays open")
	must(t, page.Locator("#root-banner-close").Click(), "closing the banner")
	must(t, expect.Locator(banner).ToBeHidden(), "the banner closes")
}
