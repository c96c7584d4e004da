//go:build !js && !wasip1

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/core"
)

// TestEveryday is the console's everyday work in browser mode, on the embedded sample or an uploaded zip: the
// editor's text checked as it is typed, F8 and Shift+F8 from problem to problem, the filters' counts, a narrow
// window, and every string in the page's language.
func TestEveryday(t *testing.T) {
	skipInShortMode(t)
	srv := startDevserver(t, "")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *devserver)
	}{
		{"CheckedWhileTyping", testCheckedWhileTyping},
		{"NextProblemKeys", testNextProblemKeys},
		{"FacetCounts", testFacetCounts},
		{"NarrowWindow", testNarrowWindow},
		{"EveryStringFollowsTheLanguage", testEveryStringFollowsTheLanguage},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, srv) })
	}
}

// TestEverydayServer is the everyday work on a real folder (devserver -dir): Format changes nothing on disk
// until the file is saved, Fix all applies what its preview showed and nothing else, and auto refresh is the
// server's one setting.
func TestEverydayServer(t *testing.T) {
	skipInShortMode(t)
	for _, tc := range []struct {
		name string
		run  func(*testing.T, string)
	}{
		{"FormatIsUnsavedUntilSave", testFormatIsUnsavedUntilSave},
		{"FixAllAppliesWhatItShowed", testFixAllAppliesWhatItShowed},
		{"AutoRefreshIsTheServers", testAutoRefreshIsTheServers},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, copySample(t)) })
	}
}

// The editor's text is checked by the engine as it is typed, before any save: the markers, the file's error and
// the token follow the text, the file's Fix waits for the save (it applies to the file on disk), and the lists,
// which show the disk, change only once the text is saved.
func testCheckedWhileTyping(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	openInEditor(t, page, acceptedSession)
	fileErr := byTestID(page, "file-error")
	marks := page.Locator(".ed-gmark.err")
	must(t, expect.Locator(fileErr).ToBeHidden(), "the file passes")
	must(t, expect.Locator(marks).ToHaveCount(0), "no marker")
	original := editorValue(t, page)

	// A status in the wrong case: mobi 3 at /status, before any save.
	wrongCase := replaceOnce(t, original, `"status": "accepted"`, `"status": "Accepted"`)
	statusLine := 1 + strings.Count(wrongCase[:strings.Index(wrongCase, `"status"`)], "\n")
	setEditor(t, page, wrongCase)
	must(t, expect.Locator(fileErr).ToBeVisible(), "the unsaved text's error is shown")
	must(t, expect.Locator(fileErr).ToContainText("mobi 3"), "its code")
	must(t, expect.Locator(fileErr).ToContainText(engineSample(t, "en").Words.Codes[core.CodeSchema].String()), "its message")
	must(t, expect.Locator(marks).ToHaveCount(1), "one marker")
	must(t, expect.Locator(marks).ToHaveAttribute("aria-label", regexp.MustCompile(fmt.Sprintf(`^%d:\d+ mobi 3 /status`, statusLine))), "the marker is on the status's line")
	must(t, expect.Locator(page.Locator("#editor-status")).ToContainText("modified · checked"), "the status bar says the unsaved text was checked")
	fix := fileErr.Locator(`[data-testid="fix"]`)
	must(t, expect.Locator(fix).ToBeDisabled(), "the fix waits for the save")
	must(t, expect.Locator(fix).ToHaveAttribute("title", regexp.MustCompile(`^Save the file first`)), "and says so")
	must(t, expect.Locator(sessionRow(page, acceptedSession)).ToHaveAttribute("data-status", "accepted"), "the disk list still shows the file as saved")
	must(t, expect.Locator(errorRow(page, acceptedSession)).ToHaveCount(0), "no error listed before the save")
	shot(t, page, "browser-checked-while-typing")

	// A token that no longer decodes: the token inspector follows the text too.
	var doc struct {
		Token string `json:"token"`
	}
	must(t, json.Unmarshal([]byte(original), &doc), "the sample's file is JSON")
	setEditor(t, page, replaceOnce(t, original, doc.Token, "not-a-token"))
	must(t, expect.Locator(fileErr).ToContainText("mobi 4"), "a token that does not decode is mobi 4")
	must(t, expect.Locator(page.Locator("#token-summary")).ToHaveText("token does not decode"), "the token inspector follows the text")

	// A missing comma: mobi 2 at its line.
	broken := replaceOnce(t, original, `"status": "accepted",`, `"status": "accepted"`)
	setEditor(t, page, broken)
	must(t, expect.Locator(fileErr).ToContainText("mobi 2"), "a syntax error")
	must(t, expect.Locator(marks).ToHaveCount(1), "its marker")
	must(t, expect.Locator(marks).ToHaveAttribute("aria-label", regexp.MustCompile(fmt.Sprintf(`^%d:\d+ mobi 2`, statusLine+1))), "after the status, where the comma is missing")

	// Back to the saved text: nothing to say.
	setEditor(t, page, replaceOnce(t, original, `"email": ""`, `"email": "typed@example.com"`)) // an edit that keeps the file valid
	must(t, expect.Locator(fileErr).ToBeHidden(), "a valid text has no error")
	must(t, expect.Locator(marks).ToHaveCount(0), "and no marker")
	must(t, expect.Locator(page.Locator("#token-summary")).ToHaveText("token matches"), "its token matches")

	// Saved with the error: the lists follow the disk.
	setEditor(t, page, wrongCase)
	must(t, expect.Locator(fileErr).ToContainText("mobi 3"), "the error again")
	saveWithKeys(t, page)
	must(t, expect.Locator(errorRow(page, acceptedSession)).ToHaveAttribute("data-code", "3"), "once saved, the file is listed with its error")
	must(t, expect.Locator(fix).ToBeEnabled(), "and its fix can be applied")
}

// F8 goes to the next problem, in the file, then to the next file with an error, in the errors panel's order,
// round to the first; Shift+F8 goes back the same way.
func testNextProblemKeys(t *testing.T, srv *devserver) {
	page := newPage(t)
	srv.open(t, page, "")
	const app = "com.e2e.keys"
	two, one := app+"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", app+"/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	twoText := sessionFile(app, "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "accepted", "ann@example.com")
	twoText = replaceOnce(t, twoText, `"simulator": true`, `"simulator": "yes"`)
	twoText = replaceOnce(t, twoText, `"status": "accepted"`, `"status": "Accepted"`)
	oneText := "{\n\t\"status\": \"pending\",\n\t\"token\" \"x\"\n}\n"
	data := zipTree(t, map[string]string{two: twoText, one: oneText})
	must(t, byTestID(page, "zip-input").SetInputFiles(playwright.InputFile{Name: "keys.zip", MimeType: "application/zip", Buffer: data}), "uploading the zip")
	waitLoaded(t, page, "keys.zip")

	// Where each problem is: the two violations of the first file, in the order of the text, and the syntax error.
	place := func(text, needle string) [2]int {
		i := strings.Index(text, needle)
		if i < 0 {
			t.Fatalf("%q is not in the fixture", needle)
		}
		before := text[:i]
		return [2]int{1 + strings.Count(before, "\n"), 1 + len([]rune(before[strings.LastIndex(before, "\n")+1:]))}
	}
	simulator := place(twoText, `"yes"`)
	status := place(twoText, `"Accepted"`)
	syntax := place(oneText, `"x"`)
	for _, step := range []struct {
		key, path string
		place     [2]int
		what      string
	}{
		{"F8", two, simulator, "F8 with nothing open: the first problem"},
		{"F8", two, status, "F8: the next problem in the file"},
		{"F8", one, syntax, "F8: the next file's problem"},
		{"F8", two, simulator, "F8 after the last: round to the first"},
		{"Shift+F8", one, syntax, "Shift+F8 before the first: round to the last"},
		{"Shift+F8", two, status, "Shift+F8: the previous file's last problem"},
		{"Shift+F8", two, simulator, "Shift+F8: the previous problem in the file"},
	} {
		must(t, page.Keyboard().Press(step.key), step.key)
		waitIdle(t, page)
		must(t, expect.Locator(page.Locator("#file-path")).ToHaveText(step.path), step.what+": the file")
		eventually(t, step.what+": the caret", func() (bool, string) {
			line, col := caretPosition(t, page)
			return line == step.place[0] && col == step.place[1], fmt.Sprintf("caret at %d:%d, want %d:%d", line, col, step.place[0], step.place[1])
		})
	}
}

// Each value of the filters says how many files choosing it shows, under the other filters, as Datasette's
// facets do; the counts follow the other filters, and choosing a value shows as many rows as it said.
func testFacetCounts(t *testing.T, srv *devserver) {
	page := newPage(t)
	must(t, page.SetViewportSize(1280, 1200), "a window tall enough for every row")
	srv.open(t, page, "")
	st := engineSample(t, "en")
	status := map[string]int{}
	for _, s := range st.Disk.Sessions {
		status[s.Status]++
	}
	code := map[string]int{}
	for _, e := range st.Disk.Errors {
		code[fmt.Sprint(int(e.Code))]++
	}
	all := len(st.Disk.Sessions) + len(st.Disk.Errors) + len(st.Disk.Skipped)
	option := func(id, value string) playwright.Locator {
		return page.Locator(fmt.Sprintf(`#%s option[value=%q]`, id, value))
	}
	count := func(l playwright.Locator, label string, n int, what string) {
		t.Helper()
		must(t, expect.Locator(l).ToHaveText(fmt.Sprintf("%s (%d)", label, n)), what)
		must(t, expect.Locator(l).ToHaveAttribute("data-count", fmt.Sprint(n)), what+": data-count")
	}
	if status["pending"] == 0 || status["accepted"] == 0 {
		t.Fatalf("the sample should hold accepted and pending sessions: %v", status)
	}
	count(option("f-status", "pending"), "pending", status["pending"], "pending")
	count(option("f-status", "accepted"), "accepted", status["accepted"], "accepted")
	count(option("f-status", ""), "All statuses", all, "every file")
	for c := 1; c <= 4; c++ {
		count(option("f-code", fmt.Sprint(c)), fmt.Sprintf("mobi %d", c), code[fmt.Sprint(c)], fmt.Sprintf("mobi %d", c))
	}
	count(page.Locator("#f-skipped-label"), "Skipped", len(st.Disk.Skipped), "the skipped entries")

	// Under an app: the counts are that app's.
	inApp := map[string]int{}
	for _, s := range st.Disk.Sessions {
		if s.App == contactApp {
			inApp[s.Status]++
		}
	}
	_, err := byTestID(page, "filter-app").SelectOption(playwright.SelectOptionValues{Values: &[]string{contactApp}})
	must(t, err, "choosing an app")
	count(option("f-status", "pending"), "pending", inApp["pending"], "pending in the app")
	count(option("f-status", "accepted"), "accepted", inApp["accepted"], "accepted in the app")

	// Choosing a value shows as many files as it said; the app's own count is taken under it.
	_, err = byTestID(page, "filter-status").SelectOption(playwright.SelectOptionValues{Values: &[]string{"pending"}})
	must(t, err, "choosing pending")
	must(t, expect.Locator(byTestID(page, "session-row")).ToHaveCount(inApp["pending"]), "the pending rows of the app")
	must(t, expect.Locator(option("f-app", contactApp)).ToHaveText(fmt.Sprintf("%s (%d)", contactApp, inApp["pending"])), "the app's count under pending")
	count(option("f-code", "4"), "mobi 4", 0, "an error has no status: none under pending")
	shot(t, page, "browser-facet-counts")
}

// At 800 px the disk list is above the editor, and keeps the file's id and an error's message in sight (the
// least useful columns go); every action of the header keeps its label in every language, in one row or in
// the More menu.
func testNarrowWindow(t *testing.T, srv *devserver) {
	page := newPage(t)
	must(t, page.SetViewportSize(800, 900), "an 800 px window")
	srv.open(t, page, "")
	width := func(l playwright.Locator) float64 {
		t.Helper()
		box, err := l.BoundingBox()
		must(t, err, "measuring")
		if box == nil {
			return 0
		}
		return box.Width
	}
	disk, right := page.Locator(".pane.left"), page.Locator(".pane.right")
	diskBox, err := disk.BoundingBox()
	must(t, err, "the disk pane")
	rightBox, err := right.BoundingBox()
	must(t, err, "the editor pane")
	if diskBox.Y+diskBox.Height > rightBox.Y+1 || diskBox.Width < 780 {
		t.Errorf("at 800 px the disk list (%+v) should be above the editor (%+v), the window's width", diskBox, rightBox)
	}
	must(t, expect.Locator(page.Locator("#disk-head .c-ip")).ToBeHidden(), "the IP column goes first")
	must(t, expect.Locator(page.Locator("#disk-head .c-sim")).ToBeHidden(), "and the Sim column")
	row := diskRow(page, schemaError)
	must(t, row.ScrollIntoViewIfNeeded(), "the mobi 3 row in view")
	id, msg := row.Locator(".cell").Nth(1), row.Locator(".cell.span-msg")
	must(t, expect.Locator(id).ToBeVisible(), "the file's id")
	must(t, expect.Locator(msg).ToBeVisible(), "the error's message")
	if w := width(id); w < 100 {
		t.Errorf("the id column is %.0f px wide", w)
	}
	if w := width(msg); w < 300 {
		t.Errorf("the message column is %.0f px wide", w)
	}

	actions := []string{"open-sample", "refresh", "restart", "create-session", "download", "delete-all"}
	labels := map[string]map[string]string{} // by language, each action's label
	for _, lang := range []string{"en", "fr", "es"} {
		_, err := byTestID(page, "lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{lang}})
		must(t, err, "choosing "+lang)
		must(t, expect.Locator(page.Locator("html")).ToHaveAttribute("lang", lang), "the page's language")
		waitIdle(t, page)
		top := page.Locator("header.top")
		h, err := top.Evaluate(`(el) => el.offsetHeight`, nil)
		must(t, err, "the header's height")
		if toInt(h) > 52 {
			t.Errorf("%s: the header is %d px high at 800 px: more than one row", lang, toInt(h))
		}
		labels[lang] = map[string]string{}
		for _, name := range append([]string{"zip"}, actions...) {
			sel := fmt.Sprintf(`[data-testid=%q]`, name)
			if name == "zip" {
				sel = "label.file-btn"
			}
			b := page.Locator(sel)
			inMenu, err := page.Evaluate(`(sel) => !!document.querySelector(sel).closest('.more-menu')`, sel)
			must(t, err, "where "+name+" is")
			if inMenu.(bool) {
				must(t, byTestID(page, "more-actions").Click(), lang+": opening More")
				must(t, expect.Locator(byTestID(page, "more-menu")).ToBeVisible(), lang+": the menu")
			}
			label := b.Locator("span:not(.icon)").First()
			must(t, expect.Locator(label).ToBeVisible(), fmt.Sprintf("%s: %s's label", lang, name))
			text, err := label.TextContent()
			must(t, err, "reading "+name)
			cut, err := b.Evaluate(`(el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > innerWidth`, nil)
			must(t, err, "measuring "+name)
			if strings.TrimSpace(text) == "" || cut.(bool) {
				t.Errorf("%s: %s's label %q is empty or cut", lang, name, text)
			}
			labels[lang][name] = text
			if inMenu.(bool) {
				must(t, page.Keyboard().Press("Escape"), "closing More")
				must(t, expect.Locator(byTestID(page, "more-menu")).ToBeHidden(), lang+": the menu closes")
			}
		}
		if lang == "fr" {
			must(t, byTestID(page, "more-actions").Click(), "opening More")
			shot(t, page, "browser-800-more-fr")
			must(t, page.Keyboard().Press("Escape"), "closing More")
		}
	}
	for name, en := range labels["en"] {
		if labels["fr"][name] == en || labels["es"][name] == en {
			t.Errorf("%s's label is %q in English, %q in French, %q in Spanish", name, en, labels["fr"][name], labels["es"][name])
		}
	}
}

// Every string of the page follows the language switch: the page's own labels, tooltips and menus, the skip
// kinds beside the engine's reasons, the theme button's tooltip, and the messages of a refresh report made
// before the switch. Collected from the whole page (text, titles, labels, placeholders, options), a string left
// in English after a switch to French or Spanish fails, unless it is data (from the folder) or a word that the
// language writes the same.
func testEveryStringFollowsTheLanguage(t *testing.T, srv *devserver) {
	page := newPage(t)
	must(t, page.SetViewportSize(1600, 1400), "a window that shows every row")
	srv.open(t, page, "")
	openInEditor(t, page, schemaError)
	must(t, byTestID(page, "refresh").Click(), "a refresh, in English")
	waitIdle(t, page)
	report := byTestID(page, "refresh-report")
	en := engineSample(t, "en")
	must(t, expect.Locator(report).ToContainText(en.Words.Codes[core.CodeToken].String()), "the report in English")
	// The page, and the preview of Fix all over it.
	shown := func() map[string]bool {
		out := pageStrings(t, page)
		must(t, byTestID(page, "fix-all").Click(), "Fix all")
		must(t, expect.Locator(byTestID(page, "fix-all-preview")).ToBeVisible(), "its preview")
		maps.Copy(out, pageStrings(t, page))
		must(t, byTestID(page, "fix-all-cancel").Click(), "closing it")
		must(t, expect.Locator(byTestID(page, "fix-all-preview")).ToBeHidden(), "the preview closes")
		return out
	}
	english := shown()

	// What the folder holds is the same in every language: the State in the language switched to, and the file.
	content, err := byTestID(page, "editor").InputValue()
	must(t, err, "the editor's text")
	same := map[string]bool{ // the words French or Spanish write as English does, and the languages' own names
		"mobisess": true, "Source": true, "Email": true, "OS": true, "IP": true, "Sim": true, "sim": true, "LF": true,
		"Token": true, "token": true, "extension": true, "Actions": true, "Editor": true, "5 sessions": true,
		"Ctrl+↵": true, "English": true, "Français": true, "Español": true,
		"iOS": true, "iPadOS": true, "macOS": true, "Android": true, "com.company.app": true, // the create dialog's choices and example
	}
	for _, lang := range []string{"fr", "es"} {
		_, err := byTestID(page, "lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{lang}})
		must(t, err, "choosing "+lang)
		must(t, expect.Locator(page.Locator("html")).ToHaveAttribute("lang", lang), "the page's language")
		waitIdle(t, page)
		st := engineSample(t, lang)
		words := st.Words
		var data bytes.Buffer
		json.NewEncoder(&data).Encode(st)
		data.WriteString(content)
		must(t, expect.Locator(report).ToContainText(words.Codes[core.CodeToken].String()), lang+": the report made in English speaks "+lang)
		must(t, expect.Locator(report).Not().ToContainText(en.Words.Codes[core.CodeToken].String()), lang+": and no longer English")
		var left []string
		for s := range shown() {
			if english[s] && !same[s] && !isData(s, data.String()) {
				left = append(left, s)
			}
		}
		sort.Strings(left)
		if len(left) > 0 {
			t.Errorf("%s: %d strings are still in English: %q", lang, len(left), left)
		}
		shot(t, page, "browser-every-string-"+lang)
	}
}

// pageStrings is every string the page shows or says: the text of its visible elements, the titles, labels and
// placeholders of all, and the options of its lists; a closed dialog's text is left out.
func pageStrings(t *testing.T, page playwright.Page) map[string]bool {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const out = new Set();
		const add = (s) => { s = (s ?? '').replace(/\s+/g, ' ').trim(); if (s) out.add(s); };
		const shown = (el) => !el.closest('dialog:not([open])');
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const el = n.parentElement;
			if (el && shown(el) && el.checkVisibility()) add(n.textContent);
		}
		for (const el of document.body.querySelectorAll('[title], [aria-label], [placeholder]')) {
			if (shown(el)) { add(el.getAttribute('title')); add(el.getAttribute('aria-label')); add(el.getAttribute('placeholder')); }
		}
		for (const o of document.querySelectorAll('option')) if (shown(o)) add(o.textContent);
		return [...out];
	}`)
	must(t, err, "reading the page's strings")
	out := map[string]bool{}
	for _, s := range v.([]any) {
		out[s.(string)] = true
	}
	return out
}

// isData says whether s is what the folder holds rather than words of the page: a number, a place, a code, a
// JSON pointer, a token's field, or text of the State or the file, alone or with its count ("APP (6)"), or a
// list of them ("iPhone X · DEVICE-ID").
func isData(s, data string) bool {
	if dataLike.MatchString(s) {
		return true
	}
	s = countSuffix.ReplaceAllString(s, "")
	for _, part := range strings.Split(s, " · ") {
		part = strings.Trim(part, `"`)
		if dataLike.MatchString(part) || strings.Contains(data, part) {
			continue
		}
		// values put side by side ("Android 14", a folder and a file's names): each word is the folder's
		for _, word := range dataWord.FindAllString(part, -1) {
			if !regexp.MustCompile(`(^|[^\w.@-])` + regexp.QuoteMeta(word) + `($|[^\w.@-])`).MatchString(data) {
				return false
			}
		}
	}
	return true
}

var (
	dataLike    = regexp.MustCompile(`^[\d\s:.,()/·—–+%-]*$|^mobi \d$|^(/[\w.-]+)+( \d+:\d+)?$|^(appNameID|id|teamID)$|^mobisess \S+$`)
	countSuffix = regexp.MustCompile(` \(\d+\)$`)
	dataWord    = regexp.MustCompile(`[\w.@-]+`)
)

// Format shows the engine's layout of the file in the editor as unsaved text: the file on disk is unchanged
// until Save writes it. A text that is not JSON is not formatted, and the page says why.
func testFormatIsUnsavedUntilSave(t *testing.T, dir string) {
	const id = "dddddddddddddddddddddddddddddddddddddddd"
	path := contactApp + "/" + id
	var compact bytes.Buffer
	must(t, json.Compact(&compact, []byte(sessionFile("com.contactApp.Contact", "UTT7VDX8W5", id, "accepted", "fmt@example.com"))), "a file in one line")
	compact.WriteString("\n")
	srv := startDevserver(t, dir)
	writeAtomic(t, srv.file(path), compact.String())
	page := newPage(t)
	srv.open(t, page, "")
	want, err := core.NewChecker(core.CheckerOptions{}).Format(compact.Bytes())
	must(t, err, "the engine's layout")
	if strings.Count(string(want), "\n") < 10 {
		t.Fatalf("the formatted text should be one property a line:\n%s", want)
	}

	openInEditor(t, page, path)
	must(t, byTestID(page, "format").Click(), "Format")
	must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(string(want)), "the editor shows the engine's layout")
	must(t, expect.Locator(byTestID(page, "save")).ToBeEnabled(), "as unsaved text")
	must(t, expect.Locator(page.Locator("#editor-status")).ToContainText("modified"), "the status bar says so")
	if got := readFile(t, srv.file(path)); got != compact.String() {
		t.Errorf("Format changed the file on disk:\n%s", got)
	}
	shot(t, page, "server-format-unsaved")
	saveWithKeys(t, page)
	must(t, expect.Locator(byTestID(page, "save")).ToBeDisabled(), "saved")
	if got := readFile(t, srv.file(path)); got != string(want) {
		t.Errorf("Save wrote %q, want the formatted text %q", got, want)
	}

	// Shift+Alt+F on a text that is not JSON: nothing changes, and the banner says why.
	broken := strings.Replace(string(want), `"status": "accepted",`, `"status": "accepted"`, 1)
	setEditor(t, page, broken)
	must(t, byTestID(page, "editor").Press("Shift+Alt+F"), "Shift+Alt+F")
	must(t, expect.Locator(byTestID(page, "error-banner")).ToContainText("cannot be formatted"), "the page says why")
	must(t, expect.Locator(byTestID(page, "editor")).ToHaveValue(broken), "the text is as typed")
	if got := readFile(t, srv.file(path)); got != string(want) {
		t.Errorf("a refused format changed the file on disk:\n%s", got)
	}
}

// Fix all shows every file's fixes in one preview, the token's fix as the decoded field that changes; applying
// fixes the files it showed, each as it was shown: a file changed since the preview is left as it is (and the
// page says so), and a file that started failing meanwhile is not touched.
func testFixAllAppliesWhatItShowed(t *testing.T, dir string) {
	srv := startDevserver(t, dir)
	page := newPage(t)
	srv.open(t, page, "")
	st := engineSample(t, "en")
	byCode := map[core.Code]string{}
	for _, e := range st.Disk.Errors {
		byCode[e.Code] = e.Path
	}
	moved, malformed, tokenFix, schema := byCode[core.CodeLocation], byCode[core.CodeMalformed], byCode[core.CodeToken], byCode[core.CodeSchema]
	if len(byCode) != 4 || schema != schemaError {
		t.Fatalf("the sample's errors: %v", byCode)
	}

	must(t, byTestID(page, "fix-all").Click(), "Fix all")
	preview := byTestID(page, "fix-all-preview")
	must(t, expect.Locator(preview).ToBeVisible(), "the preview")
	file := func(path string) playwright.Locator {
		return preview.Locator(fmt.Sprintf(`[data-testid="fix-all-file"][data-path=%q]`, path))
	}
	for _, p := range []string{moved, tokenFix, schema} {
		must(t, expect.Locator(file(p)).ToHaveAttribute("data-state", "fix"), p+" is fixed")
	}
	must(t, expect.Locator(file(malformed)).ToHaveAttribute("data-state", "left"), "the syntax error is left")
	must(t, expect.Locator(file(tokenFix).Locator(`[data-token-field="teamID"]`)).ToHaveText(`/token · teamID: "FAKETEAMID" → "UTT7VDX8W5"`), "the token's fix as the field that changes")
	must(t, expect.Locator(file(schema)).ToContainText(`/status: "Accepted" → "accepted"`), "the status's fix")
	must(t, expect.Locator(byTestID(page, "fix-all-apply")).ToHaveText("Fix 3 files"), "the button says how many")
	shot(t, page, "server-fix-all-preview")

	// Meanwhile, on disk: a previewed file is edited (still failing), and a new file fails.
	schemaEdited := replaceOnce(t, readFile(t, srv.file(schema)), `"email": ""`, `"email": "edited@example.com"`)
	writeAtomic(t, srv.file(schema), schemaEdited)
	const newID = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	newPath := contactApp + "/" + newID
	newText := replaceOnce(t, sessionFile("com.contactApp.Contact", "UTT7VDX8W5", newID, "accepted", "new@example.com"), `"status": "accepted"`, `"status": "Accepted"`)
	writeAtomic(t, srv.file(newPath), newText)
	must(t, expect.Locator(byTestID(page, "disk-banner")).ToContainText(newPath), "the page hears of the changes")

	must(t, byTestID(page, "fix-all-apply").Click(), "applying")
	must(t, expect.Locator(preview).ToBeHidden(), "the preview closes")
	waitIdle(t, page)
	must(t, expect.Locator(byTestID(page, "toast")).ToContainText("Changed since the preview, so not fixed: 1 file"), "the page says which were not fixed")

	target := strings.Replace(moved, "FAKETEAMID.com.4d.tasks", "FAKETEAMID.com.4d.notes", 1)
	if _, err := os.Stat(srv.file(target)); err != nil {
		t.Errorf("the misplaced file was not moved to %s: %v", target, err)
	}
	if _, err := os.Stat(srv.file(moved)); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", moved, err)
	}
	var fixed struct {
		Token string `json:"token"`
	}
	must(t, json.Unmarshal([]byte(readFile(t, srv.file(tokenFix))), &fixed), "the token's file is JSON")
	tok, err := core.DecodeToken(fixed.Token)
	must(t, err, "the new token decodes")
	if tok.TeamID != "UTT7VDX8W5" {
		t.Errorf("the token's teamID is %q, want UTT7VDX8W5", tok.TeamID)
	}
	if got := readFile(t, srv.file(schema)); got != schemaEdited {
		t.Errorf("the file changed since the preview was changed again:\n%s", got)
	}
	if got := readFile(t, srv.file(newPath)); got != newText {
		t.Errorf("the file that was not in the preview was changed:\n%s", got)
	}
	must(t, expect.Locator(byTestID(page, "error-row")).ToHaveCount(3), "three errors left")
	got := attrs(t, byTestID(page, "error-row"), "data-path")
	slices.Sort(got)
	want := []string{malformed, newPath, schema}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("errors left %v, want %v", got, want)
	}
	shot(t, page, "server-fix-all-applied")
}

// Auto refresh is the dev server's setting, not a page's: -auto-refresh turns it on in every page; on, a change
// on disk is refreshed and shown with no banner; turned off in one page, it is off in the others; off, a change
// on disk shows the banner, which goes once the view shows the change.
func testAutoRefreshIsTheServers(t *testing.T, dir string) {
	srv := startDevserver(t, dir, "-auto-refresh")
	one, two := newPage(t), newPage(t)
	srv.open(t, one, "")
	srv.open(t, two, "")
	for _, page := range []playwright.Page{one, two} {
		must(t, expect.Locator(byTestID(page, "auto-refresh")).ToBeChecked(), "-auto-refresh: on in every page")
	}

	writeAtomic(t, srv.file(pendingSession), replaceOnce(t, readFile(t, srv.file(pendingSession)), `"status": "pending"`, `"status": "accepted"`))
	memRow := one.Locator(fmt.Sprintf(`[data-testid="memory-row"][data-path=%q]`, pendingSession))
	must(t, expect.Locator(memRow).ToHaveAttribute("data-status", "accepted"), "on: memory is refreshed")
	must(t, expect.Locator(sessionRow(one, pendingSession)).ToHaveAttribute("data-status", "accepted"), "and the view follows")
	must(t, expect.Locator(byTestID(one, "disk-banner")).ToBeHidden(), "with no banner")

	must(t, byTestID(one, "auto-refresh").Uncheck(), "turning auto refresh off in one page")
	must(t, expect.Locator(byTestID(two, "auto-refresh")).Not().ToBeChecked(), "it is off in the other")

	writeAtomic(t, srv.file(acceptedSession), replaceOnce(t, readFile(t, srv.file(acceptedSession)), `"email": ""`, `"email": "seen@example.com"`))
	banner := byTestID(two, "disk-banner")
	must(t, expect.Locator(banner).ToContainText(acceptedSession), "off: the banner names the change")
	must(t, expect.Locator(sessionRow(two, acceptedSession)).Not().ToContainText("seen@example.com"), "the view waits")
	must(t, byTestID(two, "refresh").Click(), "Refresh sessions")
	must(t, expect.Locator(sessionRow(two, acceptedSession)).ToContainText("seen@example.com"), "the view shows the change")
	must(t, expect.Locator(banner).ToBeHidden(), "and the banner goes")
}
