//go:build !js && !wasip1

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

// Paths in the embedded sample (core/sample/MobileApps).
const (
	contactApp      = "UTT7VDX8W5.com.contactApp.Contact"
	acceptedSession = contactApp + "/7023d9205074199d1c16fc00d24354e778137675" // accepted, guest
	pendingSession  = contactApp + "/9f1c3e0a5b7d4c2e8a6f0b1d3c5e7a9b2d4f6a8c" // pending, marie.dupont@example.com
	androidApp      = "com.sample.myappname"
	crlfSession     = androidApp + "/3C81A8D7AFE64C2E9CCFFCDC35DC52F5" // BOM + CRLF
	schemaError     = androidApp + "/D41D8CD98F00B204E9800998ECF8427E" // mobi 3 at /status
)

// TestConsole is the console in browser mode: the engine runs as WebAssembly in the page's Web Worker, on
// the embedded sample or an uploaded zip. The state lives in each page, so one dev server serves every
// subtest, each in its own browser context.
func TestConsole(t *testing.T) {
	skipInShortMode(t)
	srv := startDevserver(t, "")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *devserver)
	}{
		{"OpensOnSample", testOpensOnSample},
		{"UploadZip", testUploadZip},
		{"ErrorOpensAtItsLine", testErrorOpensAtItsLine},
		{"EditSaveRefresh", testEditSaveRefresh},
		{"DeleteAcceptDownload", testDeleteAcceptDownload},
		{"CreateSession", testCreateSession},
		{"FixErrors", testFixErrors},
		{"BadZips", testBadZips},
		{"LargeZipAsNative", testLargeZip},
		{"Languages", testLanguages},
		{"Theme", testTheme},
		{"SearchAndHashSurviveReload", testSearchAndHash},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, srv) })
	}
}

// The page opens on the sample and shows what the engine finds in it: every session with its status, the
// four errors (one per mobi code) in the engine's order, the sessions loaded in memory.
func testOpensOnSample(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	want := engineSample(t, "en")

	rows := byTestID(page, "session-row")
	must(t, expect.Locator(rows).ToHaveCount(len(want.Disk.Sessions)), "one row per session file")
	paths := attrs(t, rows, "data-path")
	sort.Strings(paths)
	if !slices.Equal(paths, sessionPaths(want)) {
		t.Errorf("session rows %v, want %v", paths, sessionPaths(want))
	}
	for _, s := range want.Disk.Sessions {
		must(t, expect.Locator(sessionRow(page, s.Path)).ToHaveAttribute("data-status", s.Status), s.Path+" status")
	}

	errs := byTestID(page, "error-row")
	must(t, expect.Locator(errs).ToHaveCount(4), "the sample's four errors")
	var wantPaths, wantCodes []string
	for _, e := range want.Disk.Errors {
		wantPaths = append(wantPaths, e.Path)
		wantCodes = append(wantCodes, fmt.Sprint(int(e.Code)))
	}
	if got := attrs(t, errs, "data-path"); !slices.Equal(got, wantPaths) {
		t.Errorf("error rows %v, want %v (the engine's order)", got, wantPaths)
	}
	codes := attrs(t, errs, "data-code")
	if !slices.Equal(codes, wantCodes) {
		t.Errorf("error codes %v, want %v", codes, wantCodes)
	}
	if sorted := slices.Sorted(slices.Values(codes)); !slices.Equal(sorted, []string{"1", "2", "3", "4"}) {
		t.Errorf("the sample should hold one error per mobi code, got %v", codes)
	}
	for i, e := range want.Disk.Errors {
		must(t, expect.Locator(errs.Nth(i).Locator(".err-msg")).ToHaveText(e.Message.String()), e.Path+" message")
	}
	must(t, expect.Locator(page.Locator("#errors-count")).ToHaveText("4"), "the error count")
	must(t, expect.Locator(byTestID(page, "memory-row")).ToHaveCount(want.Memory.Count), "the sessions in memory")
	must(t, expect.Locator(page.Locator("#summary")).ToContainText(
		fmt.Sprintf("%d apps", want.Disk.Summary.Apps)), "the summary")
	must(t, expect.Locator(byTestID(page, "error-banner")).ToBeHidden(), "no error banner")
	shot(t, page, "browser-sample")
}

// Uploading a zip replaces the sample with its folder: rows, errors and memory are the zip's.
func testUploadZip(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")

	// The sample exported as a zip (top folder MobileApps/) reads exactly as the sample.
	want := engineSample(t, "en")
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "sample-copy.zip", MimeType: "application/zip", Buffer: sampleZip(t)}), "uploading the sample as a zip")
	waitLoaded(t, page, "sample-copy.zip")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(len(want.Disk.Sessions)), "the sample's sessions")
	paths := attrs(t, byTestID(page, "session-row"), "data-path")
	sort.Strings(paths)
	if !slices.Equal(paths, sessionPaths(want)) {
		t.Errorf("session rows %v, want %v", paths, sessionPaths(want))
	}
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(len(want.Disk.Errors)), "the sample's errors")
	must(t, expect.Locator(page.Locator("#summary")).ToContainText(fmt.Sprintf("%d skipped", want.Disk.Summary.Skipped)), "the skipped entries")

	const shop, android = "com.e2e.shop", "com.e2e.android"
	ids := []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "0123456789ABCDEF0123456789ABCDEF"}
	shopDir := appFolder(shop, "ABCDE12345")
	files := map[string]string{
		shopDir + "/" + ids[0]:    sessionFile(shop, "ABCDE12345", ids[0], "accepted", "ann@example.com"),
		shopDir + "/" + ids[1]:    sessionFile(shop, "ABCDE12345", ids[1], "pending", ""),
		android + "/" + ids[2]:    sessionFile(android, "", ids[2], "accepted", "bob@example.com"),
		android + "/cccccccccccc": "{\n\t\"status\": \"pending\",\n\t\"token\" \"x\"\n}\n", // mobi 2 at line 3
		android + "/notes.txt":    "not a session",
	}
	data := zipTree(t, files)
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "e2e-upload.zip", MimeType: "application/zip", Buffer: data}), "uploading the zip")
	waitLoaded(t, page, "e2e-upload.zip")

	rows := byTestID(page, "session-row")
	must(t, expect.Locator(rows).ToHaveCount(3), "the zip's three sessions")
	must(t, expect.Locator(sessionRow(page, shopDir+"/"+ids[0])).ToHaveAttribute("data-status", "accepted"), "accepted session")
	must(t, expect.Locator(sessionRow(page, shopDir+"/"+ids[1])).ToHaveAttribute("data-status", "pending"), "pending session")
	must(t, expect.Locator(sessionRow(page, android+"/"+ids[2])).ToHaveAttribute("data-status", "accepted"), "android session")
	errs := byTestID(page, "error-row")
	must(t, expect.Locator(errs).ToHaveCount(1), "the zip's one error")
	must(t, expect.Locator(errorRow(page, android+"/cccccccccccc")).ToHaveAttribute("data-code", "2"), "the broken file is mobi 2")
	must(t, expect.Locator(diskRow(page, android+"/notes.txt")).ToContainText("extension"), "notes.txt is listed as skipped")
	must(t, expect.Locator(byTestID(page, "memory-row")).ToHaveCount(3), "the valid sessions are loaded in memory")
	for _, p := range []string{acceptedSession, pendingSession} {
		must(t, expect.Locator(sessionRow(page, p)).ToHaveCount(0), "the sample is gone: "+p)
	}

	// The uploaded zip's error opens at its line too.
	must(t, errorRow(page, android+"/cccccccccccc").Click(), "clicking the error")
	must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(android+"/cccccccccccc"), "the broken file opens")
	eventually(t, "the caret on the syntax error's line", func() (bool, string) {
		line, _ := caretPosition(t, page)
		return line == 3, fmt.Sprintf("caret on line %d", line)
	})
	shot(t, page, "browser-uploaded-zip")
}

// Clicking an error in the errors panel opens its file with the caret at the error's line and column, the
// line marked and scrolled into view, and the file's error shown above the editor.
func testErrorOpensAtItsLine(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	want := engineSample(t, "en")
	if len(want.Disk.Errors) != 4 {
		t.Fatalf("the sample has %d errors, want 4", len(want.Disk.Errors))
	}
	for _, e := range want.Disk.Errors {
		if e.Line == 0 {
			t.Fatalf("%s: the engine gives no line for mobi %d", e.Path, e.Code)
		}
		must(t, errorRow(page, e.Path).Click(), "clicking the error of "+e.Path)
		must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(e.Path), "the editor opens "+e.Path)
		eventually(t, e.Path+": caret at the error", func() (bool, string) {
			line, col := caretPosition(t, page)
			return line == e.Line && col == e.Column, fmt.Sprintf("caret at %d:%d, error at %d:%d", line, col, e.Line, e.Column)
		})
		marked, inView := markedLine(t, page)
		if marked != e.Line || !inView {
			t.Errorf("%s: marked line %d (in view: %v), want line %d in view", e.Path, marked, inView, e.Line)
		}
		fileErr := byTestID(page, "file-error")
		must(t, expect.Locator(fileErr).ToBeVisible(), "the file's error is shown")
		must(t, expect.Locator(fileErr).ToContainText(fmt.Sprintf("mobi %d", e.Code)), "the file's error code")
		must(t, expect.Locator(fileErr).ToContainText(e.Message.String()), "the file's error message")
		must(t, expect.Locator(page.Locator("#editor-status")).ToContainText(fmt.Sprintf("Ln %d, Col %d", e.Line, e.Column)), "the status bar position")
		if e.Code == core.CodeSchema {
			must(t, expect.Locator(fileErr).ToContainText(e.Violations[0].Pointer), "the violation's pointer")
			shot(t, page, "browser-error-in-editor")
		}
	}
	// The token inspector names the mismatching field of the mobi 4 file.
	for _, e := range want.Disk.Errors {
		if e.Code != core.CodeToken {
			continue
		}
		must(t, errorRow(page, e.Path).Click(), "clicking the token error")
		must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(e.Path), "the editor opens "+e.Path)
		bad := byTestID(page, "token-inspector").Locator(`tr[data-match="false"]`)
		must(t, expect.Locator(bad).ToHaveCount(len(e.Mismatches)), "one mismatching row per mismatch")
		must(t, expect.Locator(bad.First()).ToHaveAttribute("data-field", e.Mismatches[0].Field), "the mismatching field")
	}
}

// Edit a file in the editor, save with Ctrl+S, refresh with Ctrl+Enter: the report lists the file as updated
// with each changed property (the deepest pointer) and its old and new values.
func testEditSaveRefresh(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	openInEditor(t, page, acceptedSession)
	before := editorValue(t, page)
	edited := replaceOnce(t, before, `"email": ""`, `"email": "e2e@example.com"`)
	edited = replaceOnce(t, edited, `"version": "11.3"`, `"version": "12.1"`)
	setEditor(t, page, edited)
	must(t, expect.Locator(page.Locator("#editor-status")).ToContainText("modified"), "the status bar says modified")

	saveWithKeys(t, page)
	must(t, expect.Locator(byTestID(page, "save")).ToBeDisabled(), "saved: nothing left to save")
	must(t, expect.Locator(page.Locator("#editor-status")).Not().ToContainText("modified"), "saved: not modified")
	if got := editorValue(t, page); got != edited {
		t.Errorf("after the save the editor holds:\n%s\nwant:\n%s", got, edited)
	}
	badge := sessionRow(page, acceptedSession).Locator(`[data-testid="differs-badge"]`)
	must(t, expect.Locator(badge).ToHaveAttribute("data-kind", "updated"), "the file now differs from memory")
	must(t, expect.Locator(sessionRow(page, acceptedSession)).ToContainText("e2e@example.com"), "the row shows the new email")

	must(t, page.Keyboard().Press("Control+Enter"), "Ctrl+Enter")
	report := byTestID(page, "refresh-report")
	must(t, expect.Locator(report).ToContainText("Refresh done at"), "the refresh ran")
	must(t, expect.Locator(report).Not().ToHaveClass(regexp.MustCompile(`\bpreview\b`)), "the report is the refresh's, not the preview")
	expectChange(t, page, acceptedSession, "/email", `""`, `"e2e@example.com"`)
	expectChange(t, page, acceptedSession, "/device/version", `"11.3"`, `"12.1"`)
	must(t, expect.Locator(report.Locator(".rep-sec[data-section=updated] .rep-item")).ToHaveCount(1), "only that file was updated")
	must(t, expect.Locator(badge).ToHaveCount(0), "after the refresh memory matches the file")
	must(t, expect.Locator(page.Locator(fmt.Sprintf(`[data-testid="memory-row"][data-path=%q]`, acceptedSession))).
		ToContainText("e2e@example.com"), "memory holds the new email")
	shot(t, page, "browser-refresh-report")
}

// Delete a session (confirmed) and an app, accept a pending session, refresh, then download: the zip has the
// accepted status and lacks what was deleted.
func testDeleteAcceptDownload(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	want := engineSample(t, "en")
	memRow := func(p string) playwright.Locator {
		return page.Locator(fmt.Sprintf(`[data-testid="memory-row"][data-path=%q]`, p))
	}

	openInEditor(t, page, acceptedSession)
	must(t, byTestID(page, "delete-session").Click(), "Delete")
	confirm(t, page, acceptedSession)
	must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveCount(0), "the deleted row is gone")
	must(t, expect.Locator(page.Locator("#file-path")).ToHaveText("no file open"), "the editor closed the deleted file")
	must(t, expect.Locator(memRow(acceptedSession)).ToHaveCount(1), "memory keeps the session until a refresh")

	// Cancelling a deletion keeps the file.
	openInEditor(t, page, crlfSession)
	must(t, byTestID(page, "delete-app").Click(), "Delete app")
	must(t, expect.Locator(page.Locator("#confirm-text")).ToContainText(androidApp), "the dialog names the app")
	must(t, byTestID(page, "confirm-cancel").Click(), "cancelling")
	must(t, expect.Locator(sessionRow(page, crlfSession)).ToHaveCount(1), "a cancelled deletion keeps the file")
	must(t, byTestID(page, "delete-app").Click(), "Delete app")
	confirm(t, page, androidApp)
	must(t, expect.Locator(page.Locator(fmt.Sprintf(`#disk-list [data-path^="%s/"]`, androidApp))).ToHaveCount(0), "the app's files are gone")
	must(t, expect.Locator(errorRow(page, schemaError)).ToHaveCount(0), "the app's error is gone")

	openInEditor(t, page, pendingSession)
	must(t, byTestID(page, "accept").Click(), "Accept")
	must(t, expect.Locator(sessionRow(page, pendingSession)).ToHaveAttribute("data-status", "accepted"), "the row is accepted")
	must(t, expect.Locator(byTestID(page, "accept")).ToBeDisabled(), "Accept is done")
	must(t, expect.Locator(sessionRow(page, pendingSession).Locator(`[data-testid="differs-badge"]`)).ToHaveAttribute("data-kind", "updated"), "the file differs from memory")
	must(t, expect.Locator(memRow(pendingSession)).ToHaveAttribute("data-status", "pending"), "memory is pending until a refresh")

	must(t, byTestID(page, "refresh").Click(), "Refresh")
	report := byTestID(page, "refresh-report")
	must(t, expect.Locator(report.Locator(".rep-sec[data-section=removed]")).ToContainText(acceptedSession), "the report removes the deleted session")
	must(t, expect.Locator(report.Locator(".rep-sec[data-section=removed]")).ToContainText(crlfSession), "the report removes the deleted app's session")
	expectChange(t, page, pendingSession, "/status", `"pending"`, `"accepted"`)
	must(t, expect.Locator(memRow(acceptedSession)).ToHaveCount(0), "the deleted session left memory")
	must(t, expect.Locator(memRow(pendingSession)).ToHaveAttribute("data-status", "accepted"), "memory is accepted")

	dl, err := page.ExpectDownload(func() error { return byTestID(page, "download").Click() })
	must(t, err, "downloading")
	if name := dl.SuggestedFilename(); !strings.HasSuffix(name, ".zip") {
		t.Errorf("the download is named %q, want a .zip", name)
	}
	path, err := dl.Path()
	must(t, err, "the downloaded file")
	data, err := os.ReadFile(path)
	must(t, err, "reading the download")
	files := unzip(t, data)
	var doc struct {
		Status string `json:"status"`
	}
	content, ok := files["MobileApps/"+pendingSession]
	if !ok {
		t.Fatalf("the zip lacks %s; it holds %v", pendingSession, keys(files))
	}
	must(t, json.Unmarshal([]byte(content), &doc), "the accepted session is JSON")
	if doc.Status != "accepted" {
		t.Errorf("the downloaded %s has status %q, want accepted", pendingSession, doc.Status)
	}
	for p := range files {
		if p == "MobileApps/"+acceptedSession || strings.HasPrefix(p, "MobileApps/"+androidApp+"/") {
			t.Errorf("the zip still holds the deleted %s", p)
		}
	}
	// Everything else of the sample is still there: 13 files, less the session and the app's 4 files.
	if want := want.Disk.Summary.Files + want.Disk.Summary.Skipped - 1 - 4; len(files) != want {
		t.Errorf("the zip holds %d files, want %d: %v", len(files), want, keys(files))
	}
}

// New session: the dialog writes the file 4D writes after a login (generated id and matching token), for the
// system chosen: accepted by default; an Apple app without a Team ID in FAKETEAMID's folder; an Android app
// without a team, its team field off.
func testCreateSession(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	openCreate := func() {
		t.Helper()
		must(t, byTestID(page, "create-session").Click(), "New session")
		must(t, expect.Locator(page.Locator("#create-dialog")).ToBeVisible(), "the dialog opens")
		must(t, expect.Locator(byTestID(page, "create-status")).ToHaveValue("accepted"), "accepted by default, as 4D writes after a login")
	}
	selectOption := func(testID, value string) {
		t.Helper()
		_, err := byTestID(page, testID).SelectOption(playwright.SelectOptionValues{Values: &[]string{value}})
		must(t, err, testID+" "+value)
	}
	openCreate()
	systems, err := byTestID(page, "create-os").Locator("option").AllTextContents()
	must(t, err, "the systems offered")
	if !slices.Equal(systems, []string{"iOS", "iPadOS", "macOS", "Android"}) {
		t.Errorf("the dialog offers %v", systems)
	}
	must(t, byTestID(page, "create-application-id").Fill("com.e2e.created"), "application id")
	must(t, byTestID(page, "create-team-id").Fill("TEAM123456"), "team id")
	must(t, byTestID(page, "create-email").Fill("new@example.com"), "email")
	must(t, byTestID(page, "create-submit").Click(), "Create")

	row := page.Locator(`[data-testid="session-row"][data-path^="TEAM123456.com.e2e.created/"]`)
	must(t, expect.Locator(row).ToHaveCount(1), "the new session is listed in its app folder")
	must(t, expect.Locator(row).ToHaveAttribute("data-status", "accepted"), "accepted")
	must(t, expect.Locator(row).ToContainText("new@example.com"), "with its email")
	must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(regexp.MustCompile(`^TEAM123456\.com\.e2e\.created/[0-9a-fA-F]+$`)), "the editor opens it")
	must(t, expect.Locator(byTestID(page, "token-inspector").Locator(`tr[data-match="true"]`)).ToHaveCount(3), "its token matches on all three fields")
	must(t, expect.Locator(row.Locator(`[data-testid="differs-badge"]`)).ToHaveAttribute("data-kind", "notLoaded"), "a refresh creates no session")

	// Android: the team field, filled from the open session, is off and empty, and gets its text back for iOS.
	openCreate()
	must(t, byTestID(page, "create-application-id").Fill("com.e2e.android"), "application id")
	team := byTestID(page, "create-team-id")
	selectOption("create-os", "Android")
	must(t, expect.Locator(team).ToBeDisabled(), "an Android app has no team")
	must(t, expect.Locator(team).ToHaveValue(""), "and shows none")
	selectOption("create-os", "iOS")
	must(t, expect.Locator(team).ToHaveValue("TEAM123456"), "an iOS app gets its team back")
	selectOption("create-os", "Android")
	must(t, byTestID(page, "create-submit").Click(), "Create")
	android := page.Locator(`[data-testid="session-row"][data-path^="com.e2e.android/"]`)
	must(t, expect.Locator(android).ToHaveCount(1), "an Android session is in the folder of its application id alone")
	must(t, expect.Locator(android).ToContainText("Android"), "with its system")

	// macOS without a Team ID, pending: FAKETEAMID's folder, as 4D's project editor writes it.
	openCreate()
	must(t, byTestID(page, "create-application-id").Fill("com.e2e.mac"), "application id")
	selectOption("create-os", "macOS")
	must(t, expect.Locator(team).ToBeEnabled(), "an Apple app has a team")
	must(t, team.Fill(""), "no team id")
	selectOption("create-status", "pending")
	must(t, byTestID(page, "create-submit").Click(), "Create")
	mac := page.Locator(`[data-testid="session-row"][data-path^="FAKETEAMID.com.e2e.mac/"]`)
	must(t, expect.Locator(mac).ToHaveCount(1), "a session without a Team ID is FAKETEAMID's")
	must(t, expect.Locator(mac).ToHaveAttribute("data-status", "pending"), "pending when asked")
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(4), "no new error")
}

// A file that is not a zip, and a zip with an entry escaping the folder, are refused with the engine's reason
// in the error banner; the folder open before stays.
func testBadZips(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	rows := byTestID(page, "session-row")
	must(t, expect.Locator(rows).ToHaveCount(5), "the sample")
	banner := byTestID(page, "error-banner")

	junk := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(junk)
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "x.zip", MimeType: "application/zip", Buffer: junk}), "uploading junk")
	must(t, expect.Locator(banner).ToBeVisible(), "the banner shows")
	must(t, expect.Locator(banner).ToContainText(`Cannot open "x.zip":`), "the banner names the file")
	must(t, expect.Locator(banner).ToContainText("not a readable zip archive"), "the banner says why")
	shot(t, page, "browser-bad-zip")
	must(t, expect.Locator(byTestID(page, "source")).ToHaveText("sample"), "the sample stays open")
	must(t, expect.Locator(rows).ToHaveCount(5), "its rows stay")

	evil := rawZip(t, [][2]string{
		{"MobileApps/com.e2e.app/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", sessionFile("com.e2e.app", "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "accepted", "")},
		{"MobileApps/../escape", "outside"},
	})
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "evil.zip", MimeType: "application/zip", Buffer: evil}), "uploading the escaping zip")
	must(t, expect.Locator(banner).ToContainText(`Cannot open "evil.zip":`), "the banner names the second file")
	must(t, expect.Locator(banner).ToContainText("../escape"), "the banner names the entry")
	must(t, expect.Locator(banner).ToContainText("'..'"), "the banner says why")
	must(t, expect.Locator(byTestID(page, "source")).ToHaveText("sample"), "the sample stays open")

	must(t, page.Locator("#error-banner-close").Click(), "closing the banner")
	must(t, expect.Locator(banner).ToBeHidden(), "the banner closes")
}

// Switching the language re-renders the engine's messages (errors, violations) and the page's own text; the open
// file comes back in the new language with the state, not read again.
func testLanguages(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	openInEditor(t, page, schemaError)
	var mu sync.Mutex
	var fileReads, setLangs int
	page.OnRequest(func(r playwright.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch u := r.URL(); {
		case strings.Contains(u, "/api/file"):
			fileReads++
		case strings.Contains(u, "/api/setLang"):
			setLangs++
		}
	})
	for _, tc := range []struct{ lang, refresh string }{
		{"fr", "Actualiser les sessions"},
		{"es", "Actualizar sesiones"},
		{"en", "Refresh sessions"},
	} {
		want := engineSample(t, tc.lang)
		_, err := byTestID(page, "lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{tc.lang}})
		must(t, err, "choosing "+tc.lang)
		must(t, expect.Locator(page.Locator("html")).ToHaveAttribute("lang", tc.lang), "the page's language")
		must(t, expect.Locator(byTestID(page, "refresh")).ToContainText(tc.refresh), tc.lang+": the page's own text")
		var msgs []string
		var violation string
		for _, e := range want.Disk.Errors {
			msgs = append(msgs, e.Message.String())
			if e.Path == schemaError {
				violation = e.Violations[0].Message.String()
			}
		}
		must(t, expect.Locator(byTestID(page, "error-row").Locator(".err-msg")).ToHaveText(msgs), tc.lang+": the engine's messages")
		must(t, expect.Locator(byTestID(page, "file-error")).ToContainText(violation), tc.lang+": the open file's violation")
		waitIdle(t, page)
		if tc.lang == "fr" {
			shot(t, page, "browser-lang-fr")
		}
	}
	mu.Lock()
	if srv.Dir != "" && (fileReads != 0 || setLangs != 3) { // the page's calls are requests in server mode
		t.Errorf("three changes of language made %d calls of setLang and read the open file %d times, want 3 and 0", setLangs, fileReads)
	}
	mu.Unlock()
	if fr, en := engineSample(t, "fr").Disk.Errors[0].Message.String(), engineSample(t, "en").Disk.Errors[0].Message.String(); fr == en {
		t.Errorf("the engine's French message equals the English one: %q", fr)
	}
}

// On a folder on disk, the page's calls are requests of the dev server: a change of language asks setLang for the
// open file too, and reads nothing again.
func TestLanguagesOnAFolder(t *testing.T) {
	skipInShortMode(t)
	testLanguages(t, startDevserver(t, copySample(t)))
}

// The theme button switches between light and dark, and the choice survives a reload.
func testTheme(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	html := page.Locator("html")
	toggle := byTestID(page, "theme-toggle")
	bg := func() string {
		v, err := page.Evaluate(`() => getComputedStyle(document.body).backgroundColor`)
		must(t, err, "reading the background")
		return v.(string)
	}
	darkNow, err := page.Evaluate(`() => matchMedia('(prefers-color-scheme: dark)').matches`)
	must(t, err, "reading the preferred scheme")
	first, second := "dark", "light"
	if darkNow.(bool) {
		first, second = "light", "dark"
	}
	before := bg()

	must(t, toggle.Click(), "toggling the theme")
	must(t, expect.Locator(html).ToHaveAttribute("data-theme", first), "the theme switches to "+first)
	must(t, expect.Locator(toggle).ToHaveAttribute("aria-pressed", fmt.Sprint(first == "dark")), "the button's state")
	eventually(t, "the background changes with the theme", func() (bool, string) {
		now := bg()
		return now != before, "background still " + now
	})
	shot(t, page, "browser-theme-"+first)

	_, err = page.Reload()
	must(t, err, "reloading")
	waitLoaded(t, page, srv.Source)
	must(t, expect.Locator(html).ToHaveAttribute("data-theme", first), "the theme survives a reload")

	must(t, toggle.Click(), "toggling back")
	must(t, expect.Locator(html).ToHaveAttribute("data-theme", second), "the theme switches back")
	eventually(t, "the background is back", func() (bool, string) {
		now := bg()
		return now == before, "background " + now + ", want " + before
	})
}

// The search box filters the rows; the view (search, open file) is kept in the URL hash, so a reload shows
// the same view.
func testSearchAndHash(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	rows := byTestID(page, "session-row")
	must(t, expect.Locator(rows).ToHaveCount(5), "all sessions")

	must(t, byTestID(page, "search").Fill("marie.dupont"), "searching")
	must(t, expect.Locator(rows).ToHaveCount(1), "one session matches")
	must(t, expect.Locator(rows).ToHaveAttribute("data-path", pendingSession), "the matching session")
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(0), "no error matches")
	must(t, expect.Locator(byTestID(page, "memory-row")).ToHaveCount(1), "memory is filtered too")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`#.*q=marie\.dupont`)), "the search is in the URL")

	must(t, byTestID(page, "search").Fill("mobi 3"), "searching an error code")
	must(t, expect.Locator(rows).ToHaveCount(0), "no session matches")
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(1), "one error matches")
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveAttribute("data-path", schemaError), "the mobi 3 error")

	must(t, byTestID(page, "search").Fill("marie.dupont"), "searching again")
	must(t, expect.Locator(rows).ToHaveCount(1), "one session matches")
	openInEditor(t, page, pendingSession)
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`#.*file=`)), "the open file is in the URL")

	_, err := page.Reload()
	must(t, err, "reloading")
	waitLoaded(t, page, srv.Source)
	must(t, expect.Locator(byTestID(page, "search")).ToHaveValue("marie.dupont"), "the search survives the reload")
	must(t, expect.Locator(rows).ToHaveCount(1), "the filter survives the reload")
	must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(pendingSession), "the open file survives the reload")
	must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(regexp.MustCompile(`"marie\.dupont@example\.com"`)), "with its content")
	shot(t, page, "browser-search-after-reload")

	// Escape clears the search.
	must(t, byTestID(page, "search").Press("Escape"), "Escape")
	must(t, expect.Locator(rows).ToHaveCount(5), "all sessions again")
	must(t, expect.Page(page).Not().ToHaveURL(regexp.MustCompile(`q=`)), "the search left the URL")
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A zip of hundreds of files: the console shows what the engine finds in it natively.
func testLargeZip(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")

	files := map[string]string{}
	for i := range 700 {
		app, team := fmt.Sprintf("com.e2e.large%d", i%4), "ABCDE12345"
		id := fmt.Sprintf("%040x", i+1)
		files[appFolder(app, team)+"/"+id] = sessionFile(app, team, id, []string{"accepted", "pending"}[i%2], "")
	}
	files[appFolder("com.e2e.large1", "ABCDE12345")+"/"+fmt.Sprintf("%040x", 9001)] = "{\n\t\"status\": \"pending\",\n\t\"token\" \"x\"\n}\n"
	data := zipTree(t, files)
	a := console.NewService(nil, console.Options{CanOpen: true})
	res, err := a.Call(context.Background(), "openZip", []byte(`{"name":"large.zip","lang":"en"}`), data)
	must(t, err, "the native engine opens the zip")
	var want console.State
	must(t, json.Unmarshal(res.JSON, &want), "decoding the State")

	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "large.zip", MimeType: "application/zip", Buffer: data}), "uploading the zip")
	waitLoaded(t, page, "large.zip")
	must(t, expect.Locator(page.Locator("#summary")).ToContainText(fmt.Sprintf("%d sessions", want.Disk.Summary.Sessions)), "the zip's sessions")
	must(t, expect.Locator(page.Locator("#errors-count")).ToHaveText(fmt.Sprint(len(want.Disk.Errors))), "the zip's errors")
	var wantErrs []string
	for _, e := range want.Disk.Errors {
		wantErrs = append(wantErrs, fmt.Sprintf("%s %d", e.Path, e.Code))
	}
	var gotErrs []string
	for i, p := range attrs(t, byTestID(page, "error-row"), "data-path") {
		gotErrs = append(gotErrs, p+" "+attrs(t, byTestID(page, "error-row"), "data-code")[i])
	}
	if !slices.Equal(gotErrs, wantErrs) {
		t.Errorf("errors %v, want %v", gotErrs, wantErrs)
	}
	shot(t, page, "browser-large-zip")
}

// Each fixable error of the sample has a Fix button in the editor: its preview says what will change (the move,
// or each value, with "the content as the truth" for a token), and once applied the error is gone and the
// file passes. A syntax error the engine cannot repair says why instead.
func testFixErrors(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	want := engineSample(t, "en")
	fixed := 0
	for _, e := range want.Disk.Errors {
		must(t, errorRow(page, e.Path).Click(), "clicking the error of "+e.Path)
		must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(e.Path), "the editor opens "+e.Path)
		fileErr := byTestID(page, "file-error")
		if e.Code == core.CodeMalformed {
			must(t, expect.Locator(fileErr.Locator(`[data-testid="no-fix"]`)).ToContainText("syntax error"), "the engine says why a syntax error has no fix")
			continue
		}
		must(t, fileErr.Locator(`[data-testid="fix"]`).Click(), "the Fix button of "+e.Path)
		preview := byTestID(page, "fix-preview")
		must(t, expect.Locator(preview).ToBeVisible(), "the preview of the fix")
		switch e.Code {
		case core.CodeLocation:
			must(t, expect.Locator(preview).ToContainText(e.Expected.Folder+"/"+e.Expected.File), "the preview names where the file goes")
		case core.CodeToken:
			must(t, expect.Locator(preview).ToContainText("content as the truth"), "the preview says the content is taken as the truth")
			must(t, expect.Locator(preview).ToContainText("/token"), "the preview names the token")
			shot(t, page, "browser-fix-preview")
		case core.CodeSchema:
			must(t, expect.Locator(preview).ToContainText(`"accepted"`), "the preview gives the corrected value")
		}
		must(t, byTestID(page, "fix-apply").Click(), "applying the fix of "+e.Path)
		must(t, expect.Locator(preview).ToBeHidden(), "the preview closes")
		must(t, expect.Locator(errorRow(page, e.Path)).ToHaveCount(0), "the error of "+e.Path+" is gone")
		fixed++
	}
	if fixed != 3 {
		t.Fatalf("%d fixes applied, want 3 (mobi 1, 3 and 4)", fixed)
	}
	must(t, expect.Locator(page.Locator("#errors-count")).ToHaveText("1"), "only the syntax error is left")
	must(t, expect.Locator(sessionRow(page, "FAKETEAMID.com.4d.notes/1234567890abcdef1234567890abcdef12345678")).ToHaveCount(1), "the moved file is a session where its content says")
	shot(t, page, "browser-fixed")
}
