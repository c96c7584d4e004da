//go:build !js && !wasip1

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServerMode is the console over a real folder (devserver -dir): the engine runs natively and the page
// is told of changes on disk. Each subtest changes its folder, so each gets its own copy of the sample and
// its own dev server (a native start, cheap next to a page load).
func TestServerMode(t *testing.T) {
	skipInShortMode(t)
	for _, tc := range []struct {
		name string
		args []string
		run  func(*testing.T, *devserver)
	}{
		{"DiskChangeShowsUp", nil, testDiskChangeShowsUp},
		{"EditWritesDisk", nil, testEditWritesDisk},
		{"ConflictOverwriteAndReload", nil, testConflict},
		{"Readonly", []string{"-readonly"}, testReadonly},
		{"OnlyWithTheToken", nil, testOnlyWithTheToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startDevserver(t, copySample(t), tc.args...)
			tc.run(t, srv)
		})
	}
}

func (s *devserver) file(rel string) string { return filepath.Join(s.Dir, filepath.FromSlash(rel)) }

// Files changed on disk behind the page's back (an edit, a new session, a deletion) are announced in the
// disk banner; reloading the view shows them, and a refresh brings memory up to date.
func testDiskChangeShowsUp(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	must(t, expect.Locator(page.Locator("#mode-badge")).ToHaveText("dev server"), "server mode")
	openInEditor(t, page, pendingSession)
	banner := byTestID(page, "disk-banner")
	must(t, expect.Locator(banner).ToBeHidden(), "no banner before a change")

	// As 4D would: accept the pending session on disk.
	writeAtomic(t, srv.file(pendingSession), replaceOnce(t, readFile(t, srv.file(pendingSession)), `"status": "pending"`, `"status": "accepted"`))
	must(t, expect.Locator(banner).ToBeVisible(), "the disk banner appears")
	must(t, expect.Locator(banner).ToContainText(pendingSession), "it names the changed file")
	must(t, expect.Locator(page.Locator("#editor-status")).ToContainText("changed on disk"), "the editor says its file changed")
	must(t, expect.Locator(sessionRow(page, pendingSession)).ToHaveAttribute("data-status", "pending"), "the view waits for a reload")

	// A new session appears and another is deleted, meanwhile.
	const newID = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	newPath := contactApp + "/" + newID
	writeAtomic(t, srv.file(newPath), sessionFile("com.contactApp.Contact", "UTT7VDX8W5", newID, "pending", "new@example.com"))
	must(t, os.Remove(srv.file(acceptedSession)), "deleting a session on disk")
	must(t, expect.Locator(banner).ToContainText(newPath), "the banner names the new file")
	must(t, expect.Locator(banner).ToContainText(acceptedSession), "the banner names the deleted file")
	shot(t, page, "server-disk-banner")

	must(t, page.Locator("#disk-banner-reload").Click(), "Reload view")
	must(t, expect.Locator(banner).ToBeHidden(), "the banner goes")
	must(t, expect.Locator(sessionRow(page, pendingSession)).ToHaveAttribute("data-status", "accepted"), "the row shows the file's new status")
	must(t, expect.Locator(sessionRow(page, pendingSession).Locator(`[data-testid="differs-badge"]`)).ToHaveAttribute("data-kind", "updated"), "it differs from memory")
	must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(regexp.MustCompile(`"status": "accepted"`)), "the open file is reloaded")
	must(t, expect.Locator(sessionRow(page, newPath).Locator(`[data-testid="differs-badge"]`)).ToHaveAttribute("data-kind", "notLoaded"), "the new file is listed, not loaded")
	must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveCount(0), "the deleted file is gone")

	must(t, byTestID(page, "refresh").Click(), "Refresh")
	expectChange(t, page, pendingSession, "/status", `"pending"`, `"accepted"`)
	report := byTestID(page, "refresh-report")
	must(t, expect.Locator(report.Locator(".rep-sec[data-section=removed]")).ToContainText(acceptedSession), "the deleted session is removed from memory")
	must(t, expect.Locator(report.Locator(".rep-sec[data-section=notLoaded]")).ToContainText(newPath), "the new file is not loaded")
	memRow := page.Locator(fmt.Sprintf(`[data-testid="memory-row"][data-path=%q]`, pendingSession))
	must(t, expect.Locator(memRow).ToHaveAttribute("data-status", "accepted"), "memory is accepted")
	shot(t, page, "server-after-refresh")
}

// Saving in the page writes the file on disk, byte for byte what the editor holds, with the file's own
// byte-order mark and CRLF line breaks kept.
func testEditWritesDisk(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	original := readFile(t, srv.file(crlfSession))
	if !strings.HasPrefix(original, "\uFEFF") || !strings.Contains(original, "\r\n") {
		t.Fatalf("%s should start with a BOM and use CRLF", crlfSession)
	}
	openInEditor(t, page, crlfSession)
	must(t, expect.Locator(page.Locator("#editor-status")).ToContainText("CRLF"), "the editor tells the line breaks")
	text := editorValue(t, page)
	edited := replaceOnce(t, text, `"android.user@example.com"`, `"edited.on.page@example.com"`)
	setEditor(t, page, edited)
	saveWithKeys(t, page)
	must(t, expect.Locator(byTestID(page, "save")).ToBeDisabled(), "saved")

	want := replaceOnce(t, original, `"android.user@example.com"`, `"edited.on.page@example.com"`)
	// The page says saved once the server answered, and the server answers once the file is written.
	if got := readFile(t, srv.file(crlfSession)); got != want {
		t.Errorf("the file on disk holds %q, want %q", got, want)
	}
	must(t, expect.Locator(sessionRow(page, crlfSession)).ToContainText("edited.on.page@example.com"), "the row shows it")

	// A status change from the page is on disk too.
	openInEditor(t, page, pendingSession)
	must(t, byTestID(page, "accept").Click(), "Accept")
	must(t, expect.Locator(sessionRow(page, pendingSession)).ToHaveAttribute("data-status", "accepted"), "the row is accepted")
	var doc struct {
		Status string `json:"status"`
	}
	must(t, json.Unmarshal([]byte(readFile(t, srv.file(pendingSession))), &doc), "the accepted file is JSON")
	if doc.Status != "accepted" {
		t.Errorf("the file on disk has status %q, want accepted", doc.Status)
	}

	// Deleting from the page deletes on disk.
	openInEditor(t, page, acceptedSession)
	must(t, byTestID(page, "delete-session").Click(), "Delete")
	confirm(t, page, acceptedSession)
	must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveCount(0), "the row is gone")
	if _, err := os.Stat(srv.file(acceptedSession)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the deleted file is still on disk (%v)", err)
	}
}

// A file changed on disk after the page read it: saving shows the conflict bar instead of overwriting.
// Overwrite writes the page's version; Reload takes the disk's.
func testConflict(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	conflict := byTestID(page, "conflict")
	path := srv.file(acceptedSession)

	// Round 1: Overwrite.
	openInEditor(t, page, acceptedSession)
	mine := replaceOnce(t, editorValue(t, page), `"email": ""`, `"email": "page@example.com"`)
	setEditor(t, page, mine)
	writeAtomic(t, path, replaceOnce(t, readFile(t, path), `"version": "11.3"`, `"version": "99.0"`))
	saveWithKeys(t, page)
	must(t, expect.Locator(conflict).ToBeVisible(), "the conflict bar")
	must(t, expect.Locator(conflict).ToContainText("changed on disk"), "it says why")
	if got := readFile(t, path); !strings.Contains(got, `"99.0"`) || strings.Contains(got, "page@example.com") {
		t.Fatalf("a conflicting save must not write; disk holds:\n%s", got)
	}
	shot(t, page, "server-conflict")
	must(t, byTestID(page, "conflict-overwrite").Click(), "Overwrite")
	must(t, expect.Locator(conflict).ToBeHidden(), "the conflict bar goes")
	must(t, expect.Locator(byTestID(page, "save")).ToBeDisabled(), "saved")
	if got := readFile(t, path); got != mine {
		t.Errorf("after Overwrite the disk holds:\n%s\nwant the page's version:\n%s", got, mine)
	}

	// Round 2: Reload.
	mine2 := replaceOnce(t, editorValue(t, page), `"page@example.com"`, `"page2@example.com"`)
	setEditor(t, page, mine2)
	theirs := replaceOnce(t, readFile(t, path), `"page@example.com"`, `"disk@example.com"`)
	writeAtomic(t, path, theirs)
	saveWithKeys(t, page)
	must(t, expect.Locator(conflict).ToBeVisible(), "the conflict bar again")
	must(t, byTestID(page, "conflict-reload").Click(), "Reload")
	must(t, expect.Locator(conflict).ToBeHidden(), "the conflict bar goes")
	must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(theirs), "the editor holds the disk's version")
	must(t, expect.Locator(byTestID(page, "save")).ToBeDisabled(), "nothing to save")
	if got := readFile(t, path); got != theirs {
		t.Errorf("Reload must not write; disk holds:\n%s", got)
	}
}

// -readonly: the page says so and offers no change; the server refuses a save even when asked directly
// with the page's own token, and the folder stays as it was. Refreshing memory still works.
func testReadonly(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	must(t, expect.Locator(page.Locator("#ro-badge")).ToBeVisible(), "the read-only badge")
	must(t, expect.Locator(page.Locator("#ro-badge")).ToHaveText("read-only"), "its text")
	openInEditor(t, page, pendingSession)
	must(t, expect.Locator(byTestID(page, "editor")).Not().ToBeEditable(), "the editor is read-only")
	for _, id := range []string{"save", "accept", "delete-session", "delete-app", "delete-all", "create-session"} {
		must(t, expect.Locator(byTestID(page, id)).ToBeDisabled(), id+" is disabled")
	}
	must(t, expect.Locator(page.Locator("#editor-status")).ToContainText("read-only"), "the status bar says read-only")
	before := readFile(t, srv.file(pendingSession))

	// Typing changes nothing, and Ctrl+S has nothing to save.
	must(t, byTestID(page, "editor").Press("x"), "typing")
	must(t, byTestID(page, "editor").Press("Control+s"), "Ctrl+S")
	waitIdle(t, page)
	must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(strings.ReplaceAll(before, "\r\n", "\n")), "the text is unchanged")

	res, err := page.Evaluate(`async ([path, content]) => {
		const token = sessionStorage.getItem('mobisess.token');
		const r = await fetch('/api/file?path=' + encodeURIComponent(path), {
			method: 'PUT', body: content, headers: {'X-Mobisess-Token': token, 'If-Match': '*'},
		});
		return {status: r.status, body: await r.text()};
	}`, []any{pendingSession, strings.Replace(before, "pending", "accepted", 1)})
	must(t, err, "a save through the API")
	out := res.(map[string]any)
	if status := toInt(out["status"]); status != 403 || !strings.Contains(out["body"].(string), `"readonly"`) {
		t.Errorf("a save on a read-only server answered %d %s, want 403 with kind readonly", status, out["body"])
	}
	if got := readFile(t, srv.file(pendingSession)); got != before {
		t.Errorf("the read-only folder changed:\n%s", got)
	}

	must(t, expect.Locator(byTestID(page, "refresh")).ToBeEnabled(), "refresh stays available")
	must(t, byTestID(page, "refresh").Click(), "Refresh")
	must(t, expect.Locator(byTestID(page, "refresh-report")).ToContainText("Refresh done at"), "the refresh ran")
	must(t, expect.Locator(byTestID(page, "error-banner")).ToBeHidden(), "without error")
	shot(t, page, "server-readonly")
}

// The page is opened from the address the server printed, with its token: the token leaves the address bar at
// once and stays for the tab's session (a reload keeps working). A page opened without it (or after a restart,
// with the old one) shows where to find the address, and nothing of the folder; its requests are refused.
func testOnlyWithTheToken(t *testing.T, srv *devserver) {
	base, token, ok := strings.Cut(srv.URL, "?token=")
	if !ok || len(token) != 64 {
		t.Fatalf("the printed address %q holds no token", srv.URL)
	}
	page := newPage(t)
	srv.open(t, page, "#q=marie")
	if u := page.URL(); strings.Contains(u, token) || strings.Contains(u, "token=") || !strings.HasSuffix(u, "#q=marie") {
		t.Errorf("the address bar holds %q: want the token gone and the view kept", u)
	}
	must(t, expect.Locator(byTestID(page, "search")).ToHaveValue("marie"), "the view from the address")
	if _, err := page.Reload(); err != nil {
		t.Fatal(err)
	}
	waitLoaded(t, page, srv.Source)
	must(t, expect.Locator(sessionRow(page, pendingSession)).ToHaveCount(1), "a reload keeps working")
	// A disk change reaches the page over the event stream, which carries the token too.
	writeAtomic(t, srv.file(pendingSession), replaceOnce(t, readFile(t, srv.file(pendingSession)), `"status": "pending"`, `"status": "accepted"`))
	must(t, expect.Locator(byTestID(page, "disk-banner")).ToBeVisible(), "the disk banner appears")

	for _, c := range []struct{ name, url string }{
		{"without the token", base},
		{"with a wrong token", base + "?token=" + strings.Repeat("0", 64)},
	} {
		stranger := newPage(t)
		if _, err := stranger.Goto(c.url); err != nil {
			t.Fatal(err)
		}
		notice := byTestID(stranger, "token-needed")
		must(t, expect.Locator(notice).ToBeVisible(), c.name+": the page says where to find the address")
		must(t, expect.Locator(notice).ToContainText("?token="), c.name+": it shows the address's form")
		must(t, expect.Locator(notice).ToContainText("devserver"), c.name+": it names the dev server")
		html, err := stranger.Content()
		must(t, err, "the page's content")
		for _, secret := range []string{token, srv.Dir, contactApp, "pending"} {
			if strings.Contains(html, secret) {
				t.Errorf("%s: the page holds %q", c.name, secret)
			}
		}
		res, err := stranger.Evaluate(`async () => (await fetch('/api/state')).status`)
		must(t, err, "a read through the API")
		if toInt(res) != 401 {
			t.Errorf("%s: GET /api/state answered %v", c.name, res)
		}
		if c.name == "without the token" {
			shot(t, stranger, "server-token-needed")
		}
	}
}
