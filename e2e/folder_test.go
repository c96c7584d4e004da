//go:build !js && !wasip1

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// A real folder opened in the browser: read through the folder input (every browser) or the folder picker and a
// drop (the File System Access API, Chromium), judged by the engine, written back where the browser allows it.
// Chromium headless grants no folder of the disk, but its origin private file system (navigator.storage
// .getDirectory()) gives the very FileSystemDirectoryHandle a picker gives, with write permission: the picker is
// replaced by it, and the writing half runs for real against it.

// The folder these tests open: two apps, a pending session, a broken file, and what 4D keeps beside them.
var (
	folderApp     = appFolder("com.e2e.folder", "FOLDR12345")
	folderID1     = strings.Repeat("1", 40)
	folderID2     = strings.Repeat("2", 40)
	folderBroken  = strings.Repeat("3", 40)
	folderOther   = "com.e2e.other/" + strings.Repeat("4", 40)
	folderPath1   = folderApp + "/" + folderID1 // accepted
	folderPath2   = folderApp + "/" + folderID2 // pending
	folderBadPath = folderApp + "/" + folderBroken
)

func folderFiles() map[string]string {
	return map[string]string{
		folderPath1:                  sessionFile("com.e2e.folder", "FOLDR12345", folderID1, "accepted", "ann@example.com"),
		folderPath2:                  sessionFile("com.e2e.folder", "FOLDR12345", folderID2, "pending", ""),
		folderBadPath:                "{\n\t\"status\": \"pending\",\n\t\"token\" \"x\"\n}\n",
		folderOther:                  sessionFile("com.e2e.other", "", strings.Repeat("4", 40), "accepted", "bob@example.com"),
		"key.mobileapp":              "key",
		folderApp + "/manifest.json": "{}",
	}
}

// diskFolder writes files under a new folder dir/name and returns its path.
func diskFolder(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	for p, content := range files {
		target := filepath.Join(dir, filepath.FromSlash(p))
		must(t, os.MkdirAll(filepath.Dir(target), 0o755), "making "+filepath.Dir(target))
		must(t, os.WriteFile(target, []byte(content), 0o644), "writing "+target)
	}
	return dir
}

// A place the console runs in browser mode: the dev server, which opens on the sample, or the static site, which
// opens on nothing.
type consoleAt struct {
	name   string
	url    string
	source string // what it shows once loaded, "" for nothing
}

func folderConsoles(t *testing.T) []consoleAt {
	t.Helper()
	srv := startDevserver(t, "")
	site := serveStatic(t, builtSite(t))
	return []consoleAt{{"devserver", srv.URL, "sample"}, {"site", site.URL, ""}}
}

// TestFolder opens a folder in the page, on the dev server in browser mode and on the static site.
func TestFolder(t *testing.T) {
	skipInShortMode(t)
	for _, at := range folderConsoles(t) {
		t.Run(at.name, func(t *testing.T) {
			for _, tc := range []struct {
				name string
				run  func(*testing.T, consoleAt)
			}{
				{"Input", testFolderInput},
				{"InputDataFolder", testFolderInputDataFolder},
				{"WriteBack", testFolderWriteBack},
				{"WriteBackRefused", testFolderWriteBackRefused},
				{"Reopen", testFolderReopen},
				{"Keyboard", testFolderKeyboard},
				{"Drop", testFolderDrop},
				{"DropEntries", testFolderDropEntries},
			} {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, at) })
			}
		})
	}
}

// openConsole loads the console as it opens, before a folder is given.
func openConsole(t *testing.T, page playwright.Page, at consoleAt) {
	t.Helper()
	_, err := page.Goto(at.url)
	must(t, err, "opening "+at.url)
	if at.source != "" {
		waitLoaded(t, page, at.source)
		return
	}
	must(t, expect.Locator(page.Locator("#empty-state")).ToBeVisible(), "the console waits for a source")
	waitIdle(t, page)
}

// unsavedSays waits until the header's count says text (hidden for ""), with nothing still being kept or written.
func unsavedSays(t *testing.T, page playwright.Page, text string) {
	t.Helper()
	box := byTestID(page, "unsaved")
	must(t, expect.Locator(box).Not().ToHaveAttribute("data-keeping", "true"), "the work is stored")
	if text == "" {
		must(t, expect.Locator(box).ToBeHidden(), "nothing left unsaved")
		return
	}
	must(t, expect.Locator(box).ToContainText(text), "the header says "+text)
}

// The folder input reads a folder of the disk as the engine reads its zip: the same sessions, the error, what is
// skipped; an edit is kept in the browser, to download (the input gives no way to write back), and comes back
// after a reload, from the bytes kept.
func testFolderInput(t *testing.T, at consoleAt) {
	dir := diskFolder(t, "MobileApps", folderFiles())
	page := newPage(t)
	openConsole(t, page, at)
	must(t, byTestID(page, "folder-input").SetInputFiles(dir), "choosing the folder")
	waitLoaded(t, page, "MobileApps")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(3), "the folder's three sessions")
	must(t, expect.Locator(sessionRow(page, folderPath2)).ToHaveAttribute("data-status", "pending"), "the pending session")
	must(t, expect.Locator(errorRow(page, folderBadPath)).ToHaveAttribute("data-code", "2"), "the broken file is mobi 2")
	must(t, expect.Locator(byTestID(page, "error-banner")).ToBeHidden(), "no error")
	must(t, expect.Locator(byTestID(page, "folder-write")).ToBeHidden(), "a folder read through the input is not written back")
	for _, width := range []int{800, 1280, 2560} {
		must(t, page.SetViewportSize(width, 800), "resizing")
		shot(t, page, fmt.Sprintf("folder-input-%d", width))
	}
	must(t, page.SetViewportSize(1280, 800), "resizing")

	editEmail(t, page, folderPath1, "folder@example.com")
	unsavedSays(t, page, "1 change not downloaded")
	_, err := page.Reload()
	must(t, err, "reloading")
	waitLoaded(t, page, "MobileApps")
	unsavedSays(t, page, "1 change not downloaded")
	must(t, expect.Locator(sessionRow(page, folderPath1)).ToContainText("folder@example.com"), "the edit is kept")

	dl, err := page.ExpectDownload(func() error { return byTestID(page, "unsaved-download").Click() })
	must(t, err, "downloading")
	path, err := dl.Path()
	must(t, err, "the download")
	data, err := os.ReadFile(path)
	must(t, err, "reading the download")
	got := unzip(t, data)
	if !strings.Contains(got["MobileApps/"+folderPath1], "folder@example.com") || got["MobileApps/key.mobileapp"] != "key" {
		t.Errorf("the download: %v", got)
	}
	if !strings.Contains(readFile(t, filepath.Join(dir, filepath.FromSlash(folderPath1))), "ann@example.com") {
		t.Error("the folder on disk was changed through the input")
	}
	unsavedSays(t, page, "")
}

// A Data folder is not taken for an empty MobileApps folder: the banner names the MobileApps folder inside it, and
// opens it; the data file beside it, however large, is not read.
func testFolderInputDataFolder(t *testing.T, at consoleAt) {
	files := map[string]string{"Logs/journal.txt": "log"}
	for p, c := range folderFiles() {
		files["MobileApps/"+p] = c
	}
	dir := diskFolder(t, "Data", files)
	// A sparse data file of 3 GiB: over every limit, listed by its size and never read.
	f, err := os.Create(filepath.Join(dir, "data.4DD"))
	must(t, err, "the data file")
	must(t, f.Truncate(3<<30), "sizing the data file")
	f.Close()
	page := newPage(t)
	openConsole(t, page, at)
	must(t, byTestID(page, "folder-input").SetInputFiles(dir), "choosing the Data folder")
	banner := byTestID(page, "wrong-root")
	must(t, expect.Locator(banner).ToBeVisible(), "the banner asks")
	must(t, expect.Locator(banner).ToContainText("Data holds no app folder of session files, but a folder named MobileApps: MobileApps"), "it names the folder inside")
	shot(t, page, "folder-data-banner")
	must(t, byTestID(page, "wrong-root-open").Click(), "Open MobileApps")
	waitLoaded(t, page, "Data/MobileApps")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(3), "its sessions")
	must(t, expect.Locator(banner).ToBeHidden(), "the banner is gone")
}

// pickerScript makes the page's folder picker answer the folder name of the origin private file system: the
// handle a picker gives, which Chromium headless can be given without a person.
func pickerScript(name string) string {
	return fmt.Sprintf(`window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(%q);`, name)
}

// opfsWrite writes files under the folder name of the origin private file system (made anew).
func opfsWrite(t *testing.T, page playwright.Page, name string, files map[string]string) {
	t.Helper()
	_, err := page.Evaluate(`async ([name, files]) => {
		const root = await navigator.storage.getDirectory();
		await root.removeEntry(name, { recursive: true }).catch(() => {});
		const top = await root.getDirectoryHandle(name, { create: true });
		for (const [path, content] of Object.entries(files)) {
			const parts = path.split('/');
			const file = parts.pop();
			let dir = top;
			for (const p of parts) dir = await dir.getDirectoryHandle(p, { create: true });
			const w = await (await dir.getFileHandle(file, { create: true })).createWritable();
			await w.write(content);
			await w.close();
		}
	}`, []any{name, anyMap(files)})
	must(t, err, "writing the folder "+name)
}

// anyMap is m as Playwright passes an object to the page.
func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// opfsRead is every file under the folder name of the origin private file system, folders ending in "/"; nil
// when the folder is gone.
func opfsRead(t *testing.T, page playwright.Page, name string) map[string]string {
	t.Helper()
	files, err := opfsTry(page, name)
	must(t, err, "reading the folder "+name)
	return files
}

// opfsSays polls the folder name of the origin private file system until says is true of it (a read that meets
// a file removed meanwhile is tried again).
func opfsSays(t *testing.T, page playwright.Page, name, what string, says func(map[string]string) bool) {
	t.Helper()
	eventually(t, what, func() (bool, string) {
		files, err := opfsTry(page, name)
		if err != nil {
			return false, err.Error()
		}
		return says(files), fmt.Sprint(files)
	})
}

func opfsTry(page playwright.Page, name string) (map[string]string, error) {
	v, err := page.Evaluate(`async (name) => {
		const root = await navigator.storage.getDirectory();
		let top;
		try { top = await root.getDirectoryHandle(name); } catch { return null; }
		const out = {};
		const walk = async (dir, prefix) => {
			for await (const [n, h] of dir.entries()) {
				if (h.kind === 'directory') { out[prefix + n + '/'] = ''; await walk(h, prefix + n + '/'); }
				else out[prefix + n] = await (await h.getFile()).text();
			}
		};
		await walk(top, '');
		return out;
	}`, name)
	if err != nil || v == nil {
		return nil, err
	}
	data, _ := json.Marshal(v)
	var out map[string]string
	return out, json.Unmarshal(data, &out)
}

// openPicked opens the console, puts files in the origin private file system, and opens them with Open folder….
func openPicked(t *testing.T, page playwright.Page, at consoleAt, files map[string]string) {
	t.Helper()
	must(t, page.AddInitScript(playwright.Script{Content: playwright.String(pickerScript("MobileApps"))}), "the picker")
	openConsole(t, page, at)
	opfsWrite(t, page, "MobileApps", files)
	must(t, byTestID(page, "open-folder").Click(), "Open folder…")
	waitLoaded(t, page, "MobileApps")
}

// openWritten opens files with Open folder… on a new page, edits the first session's email and writes it to the
// folder: from then on each change is written.
func openWritten(t *testing.T, at consoleAt, files map[string]string, email string) playwright.Page {
	t.Helper()
	page := newPage(t)
	openPicked(t, page, at, files)
	editEmail(t, page, folderPath1, email)
	must(t, byTestID(page, "folder-write").Click(), "Write to the folder")
	unsavedSays(t, page, "")
	return page
}

// Open folder… (the picker) reads the folder; the changes stay in the browser until Write to the folder; then
// every change is written to the folder itself: an edit, a status, a session created in a new app folder, an app
// folder deleted, everything deleted.
func testFolderWriteBack(t *testing.T, at consoleAt) {
	files := folderFiles()
	page := newPage(t)
	openPicked(t, page, at, files)
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(3), "the folder's sessions")

	editEmail(t, page, folderPath1, "written@example.com")
	unsavedSays(t, page, "1 change not written to the folder")
	if got := opfsRead(t, page, "MobileApps")[folderPath1]; got != files[folderPath1] {
		t.Fatalf("written before the user allowed it:\n%s", got)
	}
	shot(t, page, "folder-not-written")
	must(t, byTestID(page, "folder-write").Click(), "Write to the folder")
	unsavedSays(t, page, "")
	if got := opfsRead(t, page, "MobileApps")[folderPath1]; got != editorValue(t, page) {
		t.Fatalf("the folder holds\n%s\nthe editor\n%s", got, editorValue(t, page))
	}

	// From now on each change is written.
	openInEditor(t, page, folderPath2)
	must(t, byTestID(page, "accept").Click(), "Accept")
	must(t, expect.Locator(sessionRow(page, folderPath2)).ToHaveAttribute("data-status", "accepted"), "accepted")
	unsavedSays(t, page, "")
	opfsSays(t, page, "MobileApps", "the status is written", func(disk map[string]string) bool {
		return strings.Contains(disk[folderPath2], `"status": "accepted"`)
	})

	createdPath := createInNewApp(t, page)
	unsavedSays(t, page, "")
	opfsSays(t, page, "MobileApps", "the session is written in its new app folder", func(disk map[string]string) bool {
		_, ok := disk[createdPath]
		return ok
	})

	openInEditor(t, page, folderOther)
	must(t, byTestID(page, "delete-app").Click(), "Delete app")
	confirm(t, page, "com.e2e.other")
	unsavedSays(t, page, "")
	opfsSays(t, page, "MobileApps", "the app folder is removed", func(disk map[string]string) bool {
		_, file := disk[folderOther]
		_, folder := disk["com.e2e.other/"]
		return disk != nil && !file && !folder
	})

	must(t, byTestID(page, "delete-all").Click(), "Delete all")
	confirm(t, page, "")
	unsavedSays(t, page, "")
	opfsSays(t, page, "MobileApps", "the folder is emptied, and stays", func(disk map[string]string) bool {
		return disk != nil && len(disk) == 0
	})
	must(t, expect.Locator(byTestID(page, "error-banner")).ToBeHidden(), "no error")
	shot(t, page, "folder-written")
}

// A file changed in the folder since it was read is not written over: the write stops there, says what was and
// was not written, and the change stays in the browser, counted, to download or to write again.
func testFolderWriteBackRefused(t *testing.T, at consoleAt) {
	files := folderFiles()
	page := openWritten(t, at, files, "first@example.com")

	// 4D rewrites the other session behind the page's back; the console, which read it before, edits it.
	theirs := strings.Replace(files[folderPath2], `"pending"`, `"accepted"`, 1)
	_, err := page.Evaluate(`async ([path, content]) => {
		let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('MobileApps');
		const parts = path.split('/');
		const name = parts.pop();
		for (const p of parts) dir = await dir.getDirectoryHandle(p);
		const w = await (await dir.getFileHandle(name)).createWritable();
		await w.write(content);
		await w.close();
	}`, []any{folderPath2, theirs})
	must(t, err, "changing the file behind the page's back")
	editEmail(t, page, folderPath2, "mine@example.com")
	banner := byTestID(page, "error-banner")
	must(t, expect.Locator(banner).ToBeVisible(), "the write is refused")
	must(t, expect.Locator(banner).ToContainText(folderPath2), "the banner names the file")
	must(t, expect.Locator(banner).ToContainText("changed in the folder since it was read"), "and why")
	must(t, expect.Locator(banner).ToContainText("0 of the 1 steps were written"), "and what was written")
	unsavedSays(t, page, "1 change not written to the folder")
	must(t, expect.Locator(byTestID(page, "folder-write")).ToHaveText("Write again"), "writing waits for the user again")
	shot(t, page, "folder-write-refused")
	if got := opfsRead(t, page, "MobileApps")[folderPath2]; got != theirs {
		t.Fatalf("the change made behind the page's back was written over:\n%s", got)
	}
	// Write again: still refused, nothing lost.
	must(t, byTestID(page, "error-banner").Locator("#error-banner-close").Click(), "closing the banner")
	must(t, byTestID(page, "folder-write").Click(), "Write to the folder, again")
	must(t, expect.Locator(banner).ToContainText(folderPath2), "refused again")
	if got := opfsRead(t, page, "MobileApps")[folderPath2]; got != theirs {
		t.Fatal("written over on the second try")
	}
	unsavedSays(t, page, "1 change not written to the folder")
}

// After a reload, a folder opened through the picker is read again from the folder itself, once the browser
// allows it (the banner asks when it does not at once): what was written is the folder's own, and a change not
// written yet comes back over it, written once the user allows it again.
func testFolderReopen(t *testing.T, at consoleAt) {
	page := openWritten(t, at, folderFiles(), "written@example.com")

	// The next pages ask before reading the folder and before writing it, as after a reload of a folder of the
	// disk: Chromium grants its origin private file system at once, so the page is told it does not.
	must(t, page.AddInitScript(playwright.Script{Content: playwright.String(`{
		const query = FileSystemHandle.prototype.queryPermission;
		FileSystemHandle.prototype.queryPermission = async function (d) {
			return d?.mode === 'readwrite' || !window.__asked ? 'prompt' : query.call(this, d);
		};
		const request = FileSystemHandle.prototype.requestPermission;
		FileSystemHandle.prototype.requestPermission = async function (d) { window.__asked = true; return request.call(this, d); };
	}`)}), "the permission asked again")
	reopen := func(name string, waiting func()) {
		t.Helper()
		_, err := page.Reload()
		must(t, err, "reloading")
		banner := byTestID(page, "folder-reopen")
		must(t, expect.Locator(banner).ToBeVisible(), "the banner asks to reopen the folder")
		must(t, expect.Locator(banner).ToContainText("MobileApps"), "it names the folder")
		shot(t, page, name)
		waiting()
		must(t, banner.Locator("button").Click(), "Reopen")
		waitLoaded(t, page, "MobileApps")
		must(t, expect.Locator(banner).ToBeHidden(), "the banner is gone")
	}
	reopen("folder-reopen", func() {})
	must(t, expect.Locator(sessionRow(page, folderPath1)).ToContainText("written@example.com"), "what was written, read from the folder")
	unsavedSays(t, page, "")

	editEmail(t, page, folderPath2, "kept@example.com") // not written: the page is not allowed to, yet
	unsavedSays(t, page, "1 change not written to the folder")
	reopen("folder-reopen-kept", func() {
		// The work waits for the click, counted: another folder opened meanwhile asks first.
		unsavedSays(t, page, "1 change not written to the folder")
		for _, id := range []string{"unsaved-download", "folder-write", "discard"} {
			must(t, expect.Locator(byTestID(page, id)).ToBeHidden(), id+" waits for the folder to be open")
		}
		other := diskFolder(t, "MobileApps", folderFiles())
		must(t, byTestID(page, "folder-input").SetInputFiles(other), "choosing another folder")
		must(t, expect.Locator(byTestID(page, "replace-dialog")).ToBeVisible(), "replacing the kept work asks first")
		must(t, byTestID(page, "replace-cancel").Click(), "Cancel")
		must(t, expect.Locator(byTestID(page, "folder-reopen")).ToBeVisible(), "the banner still waits")
	})
	must(t, expect.Locator(sessionRow(page, folderPath2)).ToContainText("kept@example.com"), "the change not written is kept")
	unsavedSays(t, page, "1 change not written to the folder")
	must(t, byTestID(page, "folder-write").Click(), "Write to the folder")
	unsavedSays(t, page, "")
	if got := opfsRead(t, page, "MobileApps")[folderPath2]; !strings.Contains(got, "kept@example.com") {
		t.Errorf("the kept change is not written:\n%s", got)
	}
}

// Open folder… reached with the keyboard (the folder input focused, Space) takes the picker too, where there is
// one: the folder is then one that can be written back.
func testFolderKeyboard(t *testing.T, at consoleAt) {
	page := newPage(t)
	must(t, page.AddInitScript(playwright.Script{Content: playwright.String(pickerScript("MobileApps"))}), "the picker")
	openConsole(t, page, at)
	opfsWrite(t, page, "MobileApps", folderFiles())
	must(t, byTestID(page, "folder-input").Focus(), "focusing Open folder…")
	must(t, page.Keyboard().Press("Space"), "Space")
	waitLoaded(t, page, "MobileApps")
	editEmail(t, page, folderPath1, "keys@example.com")
	unsavedSays(t, page, "1 change not written to the folder")
	must(t, expect.Locator(byTestID(page, "folder-write")).ToBeVisible(), "the picked folder can be written back")
}

// A folder dropped on the window opens as one picked: Chromium gives its handle (the drop is made here with the
// handle of the origin private file system, as a drop of a folder of the disk gives one).
func testFolderDrop(t *testing.T, at consoleAt) {
	page := newPage(t)
	openConsole(t, page, at)
	opfsWrite(t, page, "Dropped", folderFiles())
	_, err := page.Evaluate(`async () => {
		const handle = await (await navigator.storage.getDirectory()).getDirectoryHandle('Dropped');
		const dt = new DataTransfer();
		dt.items.add(new File([''], 'Dropped'));
		DataTransferItem.prototype.webkitGetAsEntry = function () { return { isDirectory: true, name: 'Dropped' }; };
		DataTransferItem.prototype.getAsFileSystemHandle = async function () { return handle; };
		window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
	}`)
	must(t, err, "dropping the folder")
	waitLoaded(t, page, "Dropped")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(3), "the dropped folder's sessions")
	must(t, expect.Locator(byTestID(page, "source")).ToHaveText(regexp.MustCompile(`^Dropped$`)), "named by the folder")
}

// Where a drop gives no handle (Firefox, Safari), the folder is read through the Entries API: its entries come in
// batches, and it opens as a copy, as through the folder input. The entries are made here from the origin private
// file system, in batches of two, as a browser without the File System Access API would give them.
func testFolderDropEntries(t *testing.T, at consoleAt) {
	page := newPage(t)
	openConsole(t, page, at)
	opfsWrite(t, page, "Dropped", folderFiles())
	_, err := page.Evaluate(`async () => {
		const asEntry = (handle) => handle.kind === 'directory'
			? {
				isDirectory: true, isFile: false, name: handle.name,
				createReader() {
					let batches = null;
					return {
						readEntries(ok, fail) {
							(async () => {
								if (!batches) {
									const all = [];
									for await (const [, h] of handle.entries()) all.push(asEntry(h));
									batches = [];
									for (let i = 0; i < all.length; i += 2) batches.push(all.slice(i, i + 2));
								}
								return batches.shift() ?? [];
							})().then(ok, fail);
						},
					};
				},
			}
			: { isDirectory: false, isFile: true, name: handle.name, file(ok, fail) { handle.getFile().then(ok, fail); } };
		const root = asEntry(await (await navigator.storage.getDirectory()).getDirectoryHandle('Dropped'));
		delete DataTransferItem.prototype.getAsFileSystemHandle;
		DataTransferItem.prototype.webkitGetAsEntry = function () { return root; };
		const dt = new DataTransfer();
		dt.items.add(new File([''], 'Dropped'));
		window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
	}`)
	must(t, err, "dropping the folder")
	waitLoaded(t, page, "Dropped")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(3), "the dropped folder's sessions")
	must(t, expect.Locator(errorRow(page, folderBadPath)).ToHaveAttribute("data-code", "2"), "the broken file is mobi 2")
	must(t, expect.Locator(byTestID(page, "folder-write")).ToBeHidden(), "a folder read through its entries is not written back")
	editEmail(t, page, folderPath1, "dropped@example.com")
	unsavedSays(t, page, "1 change not downloaded")
}
