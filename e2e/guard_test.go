//go:build !js && !wasip1

package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// Delete all on a folder that holds what 4D does not put in a MobileApps folder: the engine refuses it and
// deletes nothing; the page says so, naming the entry, and offers to delete anyway only in a dialog that names
// it. Cancelled, everything stays and the refusal is shown; confirmed, the folder goes.
func TestDeleteAllGuard(t *testing.T) {
	t.Run("Server", func(t *testing.T) {
		dir := copySample(t)
		notes := filepath.Join(dir, contactApp, "notes.txt")
		must(t, os.WriteFile(notes, []byte("mine"), 0o644), "writing notes beside the sessions")
		srv := startDevserver(t, dir)
		page := newPage(t)
		srv.open(t, page, "")
		entry := contactApp + "/notes.txt"

		askDeleteAll(t, page, entry)
		shot(t, page, "server-delete-all-refused")
		must(t, byTestID(page, "confirm-cancel").Click(), "not deleting anyway")
		must(t, expect.Locator(byTestID(page, "error-banner")).ToContainText(entry), "the refusal names the entry")
		for _, p := range []string{notes, srv.file(acceptedSession), srv.file(pendingSession)} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("a refused Delete all deleted %s: %v", p, err)
			}
		}
		must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveCount(1), "the sessions are still listed")

		askDeleteAll(t, page, entry)
		must(t, byTestID(page, "confirm-ok").Click(), "deleting anyway")
		must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveCount(0), "no session is listed")
		eventually(t, "the folder is deleted", func() (bool, string) {
			_, err := os.Stat(dir)
			return os.IsNotExist(err), dir
		})
	})

	t.Run("Browser", func(t *testing.T) {
		srv := startDevserver(t, "")
		page := newPage(t)
		srv.open(t, page, "")
		const entry = ".git"
		data := zipTree(t, map[string]string{acceptedSession: readSampleFile(t, acceptedSession), ".git/HEAD": "ref: refs/heads/main"})
		must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "repo.zip", MimeType: "application/zip", Buffer: data}), "uploading a zip of a repository")
		waitLoaded(t, page, "repo.zip")

		askDeleteAll(t, page, entry)
		must(t, byTestID(page, "confirm-cancel").Click(), "not deleting anyway")
		must(t, expect.Locator(byTestID(page, "error-banner")).ToContainText(entry), "the refusal names the entry")
		must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveCount(1), "the session is still there")

		askDeleteAll(t, page, entry)
		must(t, byTestID(page, "confirm-ok").Click(), "deleting anyway")
		must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveCount(0), "no session is left")
	})
}

// askDeleteAll clicks Delete all, confirms it, and waits for the second dialog: the refusal, naming entry, with
// Delete anyway.
func askDeleteAll(t *testing.T, page playwright.Page, entry string) {
	t.Helper()
	must(t, byTestID(page, "delete-all").Click(), "Delete all")
	dialog := page.Locator("#confirm-dialog")
	must(t, expect.Locator(dialog).ToBeVisible(), "the confirmation dialog opens")
	must(t, expect.Locator(page.Locator("#confirm-text")).ToContainText("every session"), "it asks to delete every session")
	must(t, byTestID(page, "confirm-ok").Click(), "confirming")
	must(t, expect.Locator(dialog).ToBeVisible(), "a second dialog: the refusal")
	must(t, expect.Locator(page.Locator("#confirm-text")).ToContainText(entry+", which 4D does not put in a MobileApps folder"), "it names the entry")
	must(t, expect.Locator(byTestID(page, "confirm-ok")).ToHaveText("Delete anyway"), "it offers to delete anyway")
}

// readSampleFile is a file of the embedded sample, by its path.
func readSampleFile(t *testing.T, rel string) string {
	t.Helper()
	return readFile(t, filepath.Join(copySample(t), filepath.FromSlash(rel)))
}
