package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func checkTextOf(t *testing.T, r *core.Report, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Check(&b, Text, r, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func refreshTextOf(t *testing.T, r *core.RefreshReport, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Refresh(&b, Text, r, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Colour is for a terminal only, and changes nothing but colour: without the escape codes, the coloured text
// is the plain one, so that columns line up the same.
func TestTextColour(t *testing.T) {
	for _, c := range renderCases(t) {
		plain := render(t, c, Text, Options{})
		if bytes.Contains(plain, []byte("\x1b")) {
			t.Errorf("%s: escape codes without Color:\n%q", c.name, plain)
		}
		coloured := render(t, c, Text, Options{Color: true})
		if len(c.errs) > 0 && !bytes.Contains(coloured, []byte("\x1b[31m")) {
			t.Errorf("%s: errors are not red with Color", c.name)
		}
		if got := ansi.ReplaceAll(coloured, nil); !bytes.Equal(got, plain) {
			t.Errorf("%s: colour changes the text:\n%s\nwant\n%s", c.name, got, plain)
		}
		for _, f := range []Format{JSON, JUnit, SARIF, GitHub} {
			if out := render(t, c, f, Options{Color: true}); bytes.Contains(out, []byte("\x1b")) {
				t.Errorf("%s: %s holds escape codes", c.name, f)
			}
		}
	}
}

// Text groups the files by app folder, and names each by its path under the folder as the user named it, as a
// terminal or an editor opens it (line:column at an error); a zip's, as the zip's path and the path inside it.
func TestCheckText(t *testing.T) {
	got := checkTextOf(t, trickyCheck(), Options{Root: "exported/MobileApps/"})
	want := `(root)
  - exported/MobileApps/root.txt  skipped: a file at the root is not a session

My Apps é
  ✗ exported/MobileApps/My Apps é/0c      mobi 2  not well formed
      line one\r\nline two\n100% sure\x01
  ✗ exported/MobileApps/My Apps é/0d:1:1  mobi 3  schema
      / (1:1): must be object
      /status (4:13): must be one of "accepted", "pending"

a,b:c%d
  ✓ exported/MobileApps/a,b:c%d/01      accepted  iPhone (iOS 17) simulator
  ✗ exported/MobileApps/a,b:c%d/0a:3:9  mobi 1  location <&> mismatch
      should be in "x"
      expected location: x/0b

empty
  no session files

z.app
  ✓ exported/MobileApps/z.app/02        pending   x@example.com  fr_FR
  ✗ exported/MobileApps/z.app/0e:9:12   mobi 4  token
      token teamID = "A", file /team/id = "B"
      token id = "0f", file /session/id = "0e"
  - exported/MobileApps/z.app/été.json  skipped: extension

4 apps, 6 session files: 2 valid, 4 invalid; 2 other entries skipped
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{}, "  ✗ z.app/0e:9:12   mobi 4  token\n"},
		{Options{Root: "export.zip", InZip: true}, "  ✗ export.zip/z.app/0e:9:12   mobi 4  token\n"},
		{Options{Root: "/srv/4D/Data/MobileApps"}, "  ✗ /srv/4D/Data/MobileApps/z.app/0e:9:12   mobi 4  token\n"},
		{Options{Root: "./MobileApps"}, "  ✗ MobileApps/z.app/0e:9:12   mobi 4  token\n"},
	} {
		if got := checkTextOf(t, trickyCheck(), c.o); !strings.Contains(got, c.want) {
			t.Errorf("%+v: no %q in\n%s", c.o, c.want, got)
		}
	}
}

// Within an app, the session files come in name order, valid or not, so that a file is found where the
// folder lists it; entries that are not sessions come after them.
func TestCheckTextOrder(t *testing.T) {
	r := &core.Report{
		Sessions: []*core.Session{{Path: "app/03", App: "app", Status: "accepted"}, {Path: "app/01", App: "app", Status: "accepted"}},
		Errors:   []*core.Error{{Code: core.CodeMalformed, Path: "app/02", Message: i18n.Plain("m")}, {Code: core.CodeMalformed, Path: "app/00", Message: i18n.Plain("m")}},
		Skipped:  []core.Skipped{{Path: "app/.a", Reason: i18n.Plain("hidden")}},
		Apps:     []core.App{{Name: "app"}},
		Summary:  core.Summary{Apps: 1, Files: 4, Sessions: 2, Errors: 2, Skipped: 1},
	}
	got := checkTextOf(t, r, Options{})
	var names []string
	for _, l := range strings.Split(got, "\n") {
		if f := strings.Fields(l); len(f) > 1 && (f[0] == "✓" || f[0] == "✗" || f[0] == "-") {
			names = append(names, f[1])
		}
	}
	if strings.Join(names, " ") != "app/00 app/01 app/02 app/03 app/.a" {
		t.Errorf("order %q:\n%s", names, got)
	}
}

func TestCheckTextEmpty(t *testing.T) {
	got := checkTextOf(t, &core.Report{}, Options{Lang: i18n.French})
	if want := "aucun fichier de session\n0 app, 0 fichier de session : 0 valide, 0 invalide\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The sample in each language: the summary and the words around the engine's messages are in that language.
func TestCheckTextLanguages(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.English, []string{"(root)", "skipped: ", " simulator ", "expected location: ", "3 apps, 9 session files: 5 valid, 4 invalid; 4 other entries skipped\n"}},
		{i18n.French, []string{"(racine)", "ignoré : ", " simulateur ", "emplacement attendu : ", "3 apps, 9 fichiers de session : 5 valides, 4 invalides ; 4 autres entrées ignorées\n"}},
		{i18n.Spanish, []string{"(raíz)", "omitido: ", " simulador ", "ubicación esperada: ", "3 apps, 9 archivos de sesión: 5 válidos, 4 inválidos; 4 otras entradas omitidas\n"}},
	} {
		got := checkTextOf(t, sampleCheck(t, c.lang), Options{Lang: c.lang})
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: no %q in\n%s", c.lang, w, got)
			}
		}
	}
}

func TestRefreshText(t *testing.T) {
	got := refreshTextOf(t, trickyRefresh(), Options{Lang: i18n.French})
	want := `mise à jour  z.app/02
             /email: (absent) → "x@example.com"
             /status: "pending" → "accepted"
             /userInfo: {"a":1} → (absent)
chargée      z.app/05
non chargée  z.app/04
supprimée    a,b:c%d/0a (mobi 1)
supprimée    z.app/06 (deleted)
mobi 1       a,b:c%d/0a:3:9  location <&> mismatch
             should be in "x"
             emplacement attendu : x/0b
mobi 2       My Apps é/0c  not well formed
             line one\r\nline two\n100% sure\x01
mobi 3       My Apps é/0d:1:1  schema
             / (1:1): must be object
             /status (4:13): must be one of "accepted", "pending"
mobi 4       z.app/0e:9:12  token
             jeton teamID = "A", fichier /team/id = "B"
             jeton id = "0f", fichier /session/id = "0e"
actualisation : 1 mise à jour, 1 inchangée, 1 chargée, 1 non chargée, 2 supprimées, 4 erreurs
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Under a root, each file is named by its path there, as check names it.
	rooted := refreshTextOf(t, trickyRefresh(), Options{Root: "after/MobileApps"})
	for _, want := range []string{"updated      after/MobileApps/z.app/02\n", "removed      after/MobileApps/z.app/06 (deleted)\n", "mobi 4       after/MobileApps/z.app/0e:9:12  token\n"} {
		if !strings.Contains(rooted, want) {
			t.Errorf("no %q in\n%s", want, rooted)
		}
	}
	empty := refreshTextOf(t, &core.RefreshReport{}, Options{})
	if want := "refresh: 0 updated, 0 unchanged, 0 not loaded, 0 removed, 0 errors\n"; empty != want {
		t.Errorf("got %q, want %q", empty, want)
	}
}

func TestCounted(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		n    int
		want string
	}{
		{i18n.English, 0, "0 errors"}, {i18n.English, 1, "1 error"}, {i18n.English, 2, "2 errors"},
		{i18n.French, 0, "0 erreur"}, {i18n.French, 1, "1 erreur"}, {i18n.French, 2, "2 erreurs"},
		{i18n.Spanish, 0, "0 errores"}, {i18n.Spanish, 1, "1 error"}, {i18n.Spanish, 2, "2 errores"},
	} {
		if got := countErrors.of(c.lang, c.n); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

// Every message of the renderers exists in the three languages, with the same verbs in each.
func TestMessagesComplete(t *testing.T) {
	msgs := []i18n.Msg{msgSkipped, msgRootLabel, msgNoSessions, msgSimulator, msgAbsent, msgExpected, msgMismatch,
		msgUpdated, msgNotLoaded, msgLoaded, msgRemoved, msgRefresh, msgSummary, msgSummarySkipped}
	for _, c := range append(refreshCounts, countApps, countFiles, countValid, countInvalid, countSkipped, countLoaded) {
		msgs = append(msgs, c.one, c.many)
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for _, m := range msgs {
		if m.En == "" || m.Fr == "" || m.Es == "" {
			t.Errorf("%q: a language is missing", m)
			continue
		}
		en := strings.Join(verbs.FindAllString(m.En, -1), "")
		if fr, es := strings.Join(verbs.FindAllString(m.Fr, -1), ""), strings.Join(verbs.FindAllString(m.Es, -1), ""); fr != en || es != en {
			t.Errorf("%q: verbs differ between languages", m)
		}
	}
}

// A folder may hold any name: one with an escape code or a newline is shown escaped, never sent to the terminal.
func TestTextControlCharacters(t *testing.T) {
	app := "evil\x1b[2J"
	r := &core.Report{
		Sessions: []*core.Session{{Path: app + "/01", App: app, Status: "accepted", Device: "a\nb"}},
		Errors:   []*core.Error{{Code: core.CodeMalformed, Path: app + "/02", Message: i18n.Plain("m"), Cause: i18n.Plain("c\x07")}},
		Skipped:  []core.Skipped{{Path: app + "/x\ry", Reason: i18n.Plain("r")}, {Path: "root\x00", Reason: i18n.Plain("r")}},
		Apps:     []core.App{{Name: app}},
		Summary:  core.Summary{Apps: 1, Files: 2, Sessions: 1, Errors: 1, Skipped: 2},
	}
	got := checkTextOf(t, r, Options{})
	if strings.ContainsFunc(strings.ReplaceAll(got, "\n", ""), unicode.IsControl) {
		t.Errorf("control characters reach the output:\n%q", got)
	}
	for _, want := range []string{"evil\\x1b[2J\n", `a\nb`, `c\x07`, `x\ry`, `root\x00`} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if n := strings.Count(got, "evil"); n != 4 { // its heading, and the path of each of its three entries
		t.Errorf("the app is shown %d times:\n%s", n, got)
	}
	rr := &core.RefreshReport{Updated: []core.Updated{{Path: app + "/01", Changes: []core.Change{{Pointer: "/a\nb", New: []byte(`"\u001b"`)}}}}, Removed: []core.Removed{{Path: app + "/03", Message: i18n.Plain("gone\n")}}}
	if got := refreshTextOf(t, rr, Options{}); strings.ContainsFunc(strings.ReplaceAll(got, "\n", ""), unicode.IsControl) || strings.Count(got, "\n") != 4 {
		t.Errorf("control characters reach the output:\n%q", got)
	}
}

// A device is described once: what its description says, or the system its version names, is not repeated.
func TestDescribeDevice(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		device, os, version string
		simulator           *bool
		want                string
	}{
		{"iPhone 15", "iOS", "17.4", nil, "iPhone 15 (iOS 17.4)"},
		{"iPhone X", "", "11.3", &yes, "iPhone X (11.3) simulator"},
		{"Simulator (iPhone 15)", "iOS", "17.4", &yes, "Simulator (iPhone 15) (iOS 17.4)"},
		{"SM-G950F", "Android", "34 (Android 14)", &no, "SM-G950F (34 (Android 14))"},
		{"sdk_gphone64_x86_64", "Android", "34 (Android UPSIDE_DOWN_CAKE)", &yes, "sdk_gphone64_x86_64 (34 (Android UPSIDE_DOWN_CAKE)) simulator"},
		{"macOS_Version 14.5 (Build 23F79)", "macOS", "Version 14.5 (Build 23F79)", nil, "macOS_Version 14.5 (Build 23F79)"},
		{"Pixel 10", "Android", "1", nil, "Pixel 10 (Android 1)"},
		{"iPad Pro", "iPadOS", "17.4", nil, "iPad Pro (iPadOS 17.4)"},
		{"iPadOS tablet", "iOS", "17.4.1", nil, "iPadOS tablet (iOS 17.4.1)"},
		{"Mac 17.4.1", "macOS", "17.4", nil, "Mac 17.4.1 (macOS 17.4)"},
		{"", "", "", &yes, "simulator"},
		{"", "iOS", "", nil, "(iOS)"},
	} {
		s := &core.Session{Device: c.device, OS: c.os, OSVersion: c.version, Simulator: c.simulator}
		if got := describeDevice(s, "simulator"); got != c.want {
			t.Errorf("%q, %q, %q: %q, want %q", c.device, c.os, c.version, got, c.want)
		}
	}
}

// The text report names each file under its root once per line without joining the two again: the names are those
// of Printable(textPath), whatever the root and however odd the path.
func TestTextNamesAsTextPath(t *testing.T) {
	roots := []string{"", ".", "/", "x.zip", "x.zip/Data/MobileApps", "/home/me/MobileApps/", "dir//sub/./", "../up", "ctl\x1b[2J", "é/ü"}
	rels := []string{"app/ID", "app", "app/ID.json", "a\nb/c", "app/\x7f", "a//b", "./a", "../a", "..", "/abs", "a/..", "é/\u0085"}
	for _, root := range roots {
		tc := newTextCheck(&bytes.Buffer{}, Options{Root: root})
		for _, rel := range rels {
			if got, want := tc.name(rel), Printable(textPath(Options{Root: root}, rel)); got != want {
				t.Errorf("root %q, path %q: %q, want %q", root, rel, got, want)
			}
		}
	}
}

// mentions finds a word whatever its case, as strings.ToLower on both would, in ASCII and beyond.
func TestMentionsFoldsCase(t *testing.T) {
	for _, tt := range []struct {
		text, word string
		want       bool
	}{
		{"iPhone X", "iphone", true},
		{"IPHONE 15 PRO", "15", true},
		{"Pixel 10", "1", false},
		{"iPadOS 17", "ios", false},
		{"Simulator (iPhone 15)", "SIMULATOR", true},
		{"Émulateur Android", "android", true},
		{"ÉMULATEUR", "émulateur", true},
		{"macOS_Version 14.5", "14.5", true},
		{"", "x", false},
		{"x", "", false},
	} {
		if got := mentions(tt.text, tt.word); got != tt.want {
			t.Errorf("mentions(%q, %q) = %v, want %v", tt.text, tt.word, got, tt.want)
		}
	}
}
