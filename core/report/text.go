package report

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

var (
	msgSkipped    = i18n.Msg{En: "skipped: %s", Fr: "ignoré : %s", Es: "omitido: %s"}
	msgRootLabel  = i18n.Msg{En: "(root)", Fr: "(racine)", Es: "(raíz)"}
	msgNoSessions = i18n.Msg{En: "no session files", Fr: "aucun fichier de session", Es: "ningún archivo de sesión"}
	msgSimulator  = i18n.Msg{En: "simulator", Fr: "simulateur", Es: "simulador"}
	msgAbsent     = i18n.Msg{En: "(absent)", Fr: "(absent)", Es: "(ausente)"}
	msgExpected   = i18n.Msg{En: "expected location: %s", Fr: "emplacement attendu : %s", Es: "ubicación esperada: %s"}
	msgMismatch   = i18n.Msg{En: "token %s = %q, file %s = %q", Fr: "jeton %s = %q, fichier %s = %q", Es: "token %s = %q, archivo %s = %q"}
	msgUpdated    = i18n.Msg{En: "updated", Fr: "mise à jour", Es: "actualizada"}
	msgNotLoaded  = i18n.Msg{En: "not loaded", Fr: "non chargée", Es: "no cargada"}
	msgLoaded     = i18n.Msg{En: "loaded", Fr: "chargée", Es: "cargada"}
	msgRemoved    = i18n.Msg{En: "removed", Fr: "supprimée", Es: "eliminada"}
	// French puts a space before ':' and ';'.
	msgSummary        = i18n.Msg{En: "%s, %s: %s, %s", Fr: "%s, %s : %s, %s", Es: "%s, %s: %s, %s"}
	msgSummarySkipped = i18n.Msg{En: "; %s", Fr: " ; %s", Es: "; %s"}
	msgRefresh        = i18n.Msg{En: "refresh: %s", Fr: "actualisation : %s", Es: "actualización: %s"}
)

// The summaries count things: each count has a singular and a plural form.
var (
	countApps     = counted{i18n.Msg{En: "%d app", Fr: "%d app", Es: "%d app"}, i18n.Msg{En: "%d apps", Fr: "%d apps", Es: "%d apps"}}
	countFiles    = counted{i18n.Msg{En: "%d session file", Fr: "%d fichier de session", Es: "%d archivo de sesión"}, i18n.Msg{En: "%d session files", Fr: "%d fichiers de session", Es: "%d archivos de sesión"}}
	countValid    = counted{i18n.Msg{En: "%d valid", Fr: "%d valide", Es: "%d válido"}, i18n.Msg{En: "%d valid", Fr: "%d valides", Es: "%d válidos"}}
	countInvalid  = counted{i18n.Msg{En: "%d invalid", Fr: "%d invalide", Es: "%d inválido"}, i18n.Msg{En: "%d invalid", Fr: "%d invalides", Es: "%d inválidos"}}
	countSkipped  = counted{i18n.Msg{En: "%d other entry skipped", Fr: "%d autre entrée ignorée", Es: "%d otra entrada omitida"}, i18n.Msg{En: "%d other entries skipped", Fr: "%d autres entrées ignorées", Es: "%d otras entradas omitidas"}}
	countUpdated  = counted{i18n.Msg{En: "%d updated", Fr: "%d mise à jour", Es: "%d actualizada"}, i18n.Msg{En: "%d updated", Fr: "%d mises à jour", Es: "%d actualizadas"}}
	countSame     = counted{i18n.Msg{En: "%d unchanged", Fr: "%d inchangée", Es: "%d sin cambios"}, i18n.Msg{En: "%d unchanged", Fr: "%d inchangées", Es: "%d sin cambios"}}
	countNotLoad  = counted{i18n.Msg{En: "%d not loaded", Fr: "%d non chargée", Es: "%d no cargada"}, i18n.Msg{En: "%d not loaded", Fr: "%d non chargées", Es: "%d no cargadas"}}
	countLoaded   = counted{i18n.Msg{En: "%d loaded", Fr: "%d chargée", Es: "%d cargada"}, i18n.Msg{En: "%d loaded", Fr: "%d chargées", Es: "%d cargadas"}}
	countRemoved  = counted{i18n.Msg{En: "%d removed", Fr: "%d supprimée", Es: "%d eliminada"}, i18n.Msg{En: "%d removed", Fr: "%d supprimées", Es: "%d eliminadas"}}
	countErrors   = counted{i18n.Msg{En: "%d error", Fr: "%d erreur", Es: "%d error"}, i18n.Msg{En: "%d errors", Fr: "%d erreurs", Es: "%d errores"}}
	refreshCounts = []counted{countUpdated, countSame, countNotLoad, countRemoved, countErrors}
)

type counted struct{ one, many i18n.Msg }

// of renders n with the form its language wants: French counts 0 as singular, English and Spanish as plural.
func (c counted) of(lang i18n.Lang, n int) string {
	if n == 1 || (n == 0 && lang == i18n.French) {
		return lang.Sprintf(c.one, n)
	}
	return lang.Sprintf(c.many, n)
}

type painter struct{ on bool }

func (p painter) paint(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
func (p painter) red(s string) string    { return p.paint("31", s) }
func (p painter) green(s string) string  { return p.paint("32", s) }
func (p painter) yellow(s string) string { return p.paint("33", s) }
func (p painter) dim(s string) string    { return p.paint("2", s) }
func (p painter) bold(s string) string   { return p.paint("1", s) }

// pad right-pads s to width characters (not bytes: names and labels may hold accents).
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// Printable escapes control characters (C0, DEL and C1, line breaks included) as \n, \r, \t, \xNN or \uNNNN,
// so that a file name or a message cannot move the cursor, set a terminal's title, clear the screen or start a
// line of its own, in a report for people or for a tool: a folder or a zip may hold any name. It is the one
// escaping of names as data in every format of this package (and in the CLI's own messages); backslashes are
// kept, so that escaping twice changes nothing.
func Printable(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsControl(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hasControl is strings.ContainsFunc(s, unicode.IsControl), read a byte at a time where s is ASCII: every line of
// a report passes here.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return true
		} else if c >= utf8.RuneSelf {
			return strings.ContainsFunc(s[i:], unicode.IsControl)
		}
	}
	return false
}

// line is one row under an app: a session, an error or a skipped entry, named relative to its app folder. A
// session is kept as its description only: a report of any size is written without holding its sessions.
type line struct {
	name     string // the file name, with :line:col for an error that has a place
	describe string // of a session
	err      *core.Error
	skipped  *core.Skipped
}

// textCheck prints a check for people as it comes: by app folder, each session file in name order (valid, or
// its error at name:line:col with what to fix), then each skipped entry with its reason, then a summary line.
// Entries at the root come first, under "(root)"; every app folder is shown, even an empty one. It keeps the
// lines of one app at a time, to align their names.
type textCheck struct {
	w       *bufio.Writer
	p       painter
	lang    i18n.Lang
	apps    []string
	next    int // the index in apps of the next app folder to print
	skipped map[string][]line
	current string
	o       Options
	lines   []line
	groups  int    // printed so far
	buf     []byte // a session's description, reused
	// simulator is the word in the report's language, made once
	simulator string
	// under is what names every file under the root (textPath), escaped, made once: every line has it.
	under string
}

func newTextCheck(w io.Writer, o Options) *textCheck {
	t := &textCheck{w: bufio.NewWriterSize(w, 64<<10), p: painter{o.Color}, lang: o.Lang, o: o, simulator: o.Lang.Sprintf(msgSimulator)}
	switch root := path.Clean(o.Root); {
	case o.Root == "" || root == ".":
	case root == "/":
		t.under = "/"
	default:
		t.under = Printable(root) + "/"
	}
	return t
}

// name is the file at rel as the text report names it, escaped: Printable(textPath(rel)), without joining and
// cleaning the root again for each line.
func (t *textCheck) name(rel string) string {
	if rel == "" || rel[0] == '/' || rel == ".." || strings.HasPrefix(rel, "../") || path.Clean(rel) != rel {
		return Printable(textPath(t.o, rel))
	}
	return t.under + Printable(rel)
}

func (t *textCheck) Begin(skipped []core.Skipped, apps []string) error {
	t.apps = apps
	t.skipped = map[string][]line{}
	var root []line
	for i := range skipped {
		s := &skipped[i]
		l := line{name: t.name(s.Path), skipped: s}
		if app, _, ok := strings.Cut(s.Path, "/"); ok {
			t.skipped[app] = append(t.skipped[app], l)
		} else {
			root = append(root, l)
		}
	}
	if len(root) > 0 {
		t.group("", root)
	}
	return nil
}

func (t *textCheck) File(s *core.Session, e *core.Error) error {
	p := ""
	if e != nil {
		p = e.Path
	} else {
		p = s.Path
	}
	app, _, _ := strings.Cut(p, "/")
	if app != t.current || t.lines == nil {
		t.flushUntil(app)
	}
	name := t.name(p)
	if e != nil && e.Line > 0 {
		name = fmt.Sprintf("%s:%d:%d", name, e.Line, e.Column)
	}
	l := line{name: name, err: e}
	if s != nil {
		l.describe = t.describe(s)
	}
	t.lines = append(t.lines, l)
	return nil
}

// flushUntil prints the app folder being read and every folder before app, and starts app's lines.
func (t *textCheck) flushUntil(app string) {
	if t.lines != nil {
		t.group(t.current, append(t.lines, t.skipped[t.current]...))
		t.lines = nil
	}
	for t.next < len(t.apps) {
		name := t.apps[t.next]
		t.next++
		if name == app {
			t.current, t.lines = app, []line{}
			return
		}
		t.group(name, t.skipped[name])
	}
	t.current, t.lines = app, []line{} // a file outside the listed folders: a group of its own
}

func (t *textCheck) group(app string, lines []line) {
	p, lang, bw := t.p, t.lang, t.w
	if t.groups > 0 {
		fmt.Fprintln(bw)
	}
	t.groups++
	title := Printable(app)
	if app == "" {
		title = lang.Sprintf(msgRootLabel)
	}
	fmt.Fprintln(bw, p.bold(title))
	if len(lines) == 0 {
		fmt.Fprintf(bw, "  %s\n", p.dim(lang.Sprintf(msgNoSessions)))
	}
	width := 0
	for _, l := range lines {
		width = max(width, utf8.RuneCountInString(l.name))
	}
	for _, l := range lines {
		switch {
		case l.err != nil:
			fmt.Fprintf(bw, "  %s %s  %s  %s\n", p.red("✗"), pad(l.name, width), p.red(fmt.Sprintf("mobi %d", l.err.Code)), Printable(l.err.Message.Render(lang)))
			for _, d := range details(l.err, lang) {
				fmt.Fprintf(bw, "      %s\n", Printable(d))
			}
		case l.skipped != nil:
			fmt.Fprintf(bw, "  %s\n", p.dim("- "+pad(l.name, width)+"  "+lang.Sprintf(msgSkipped, Printable(l.skipped.Reason.Render(lang)))))
		default: // most lines: written without fmt
			bw.WriteString("  ")
			bw.WriteString(p.green("✓"))
			bw.WriteByte(' ')
			bw.WriteString(l.name)
			for n := utf8.RuneCountInString(l.name); n < width; n++ {
				bw.WriteByte(' ')
			}
			bw.WriteString("  ")
			bw.WriteString(l.describe)
			bw.WriteByte('\n')
		}
	}
}

func (t *textCheck) End(_ []core.App, s core.Summary) error {
	p, lang, bw := t.p, t.lang, t.w
	t.flushUntil("\x00") // no app folder has this name: every one left is printed
	t.lines = nil
	if t.groups == 0 {
		fmt.Fprintln(bw, lang.Sprintf(msgNoSessions))
	} else {
		fmt.Fprintln(bw)
	}
	sum := lang.Sprintf(msgSummary, countApps.of(lang, s.Apps), countFiles.of(lang, s.Files),
		countValid.of(lang, s.Sessions), countInvalid.of(lang, s.Errors))
	if s.Skipped > 0 {
		sum += lang.Sprintf(msgSummarySkipped, countSkipped.of(lang, s.Skipped))
	}
	if s.Errors > 0 {
		sum = p.red(sum)
	} else {
		sum = p.green(sum)
	}
	fmt.Fprintln(bw, sum)
	return bw.Flush()
}

// describe is a session's status, who and what device, in one short line. The status is padded so that the
// devices line up; a pending session (waiting for a manual validation) stands out.
func (t *textCheck) describe(s *core.Session) string {
	b := t.buf[:0]
	status := Printable(s.Status)
	if s.Status == core.StatusPending {
		status = t.p.yellow(pad(status, len(core.StatusAccepted)))
	}
	b = append(b, status...)
	for n := utf8.RuneCountInString(s.Status); s.Status != core.StatusPending && n < len(core.StatusAccepted); n++ {
		b = append(b, ' ')
	}
	part := func(v string) {
		if v != "" {
			b = append(append(b, "  "...), Printable(v)...)
		}
	}
	part(s.Email)
	part(describeDevice(s, t.simulator))
	part(s.Language)
	t.buf = b
	return strings.TrimRight(string(b), " ")
}

// describeDevice is the device, its system and version in brackets, and whether it is a simulator: "iPhone X
// (iOS 11.3) simulator". What the device's description already says is not said again, nor the system that the
// version names: the SDKs send "34 (Android 14)" as Android's version, "macOS_Version 14.5 (Build 23F79)" as a
// Mac's description and "Simulator (iPhone 15)" as a simulator's.
func describeDevice(s *core.Session, simulator string) string {
	device, system, version := s.Device, s.OS, s.OSVersion
	if mentions(device, version) {
		version = ""
	}
	if mentions(device, system) || mentions(version, system) {
		system = ""
	}
	if system != "" || version != "" {
		device = strings.TrimSpace(device + " (" + strings.TrimSpace(system+" "+version) + ")")
	}
	if s.Simulator != nil && *s.Simulator && !mentions(device, "simulator") {
		device = strings.TrimSpace(device + " " + simulator)
	}
	return device
}

// mentions says whether text holds word as a word of its own, whatever their case: "Pixel 10" does not
// mention the version "1", nor "iPadOS" the system "iOS".
func mentions(text, word string) bool {
	if word == "" {
		return false
	}
	index := indexFoldASCII
	if !isASCII(text) || !isASCII(word) {
		text, word = strings.ToLower(text), strings.ToLower(word)
		index = strings.Index
	}
	isWordRune := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' }
	for at := 0; ; {
		i := index(text[at:], word)
		if i < 0 {
			return false
		}
		start, end := at+i, at+i+len(word)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (start == 0 || !isWordRune(before)) && (end == len(text) || !isWordRune(after)) {
			return true
		}
		at = start + 1
	}
}

// indexFoldASCII is strings.Index(strings.ToLower(s), strings.ToLower(substr)) for ASCII s and substr, without
// making either: every session line of a report asks it three times.
func indexFoldASCII(s, substr string) int {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return i
		}
	}
	return -1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// refreshText prints what a refresh did: each updated session with its changes, each session loaded, not
// loaded or removed, then each error with what to fix, then a summary line. Unchanged sessions are counted only.
func refreshText(w io.Writer, r *core.RefreshReport, o Options) error {
	bw := bufio.NewWriter(w)
	p := painter{o.Color}
	lang := o.Lang
	const width = 12
	indent := strings.Repeat(" ", width+1)
	label := func(m i18n.Msg) string { return pad(lang.Sprintf(m), width) }
	for _, u := range r.Updated {
		fmt.Fprintf(bw, "%s %s\n", p.yellow(label(msgUpdated)), Printable(textPath(o, u.Path)))
		for _, c := range u.Changes {
			fmt.Fprintf(bw, "%s%s: %s → %s\n", indent, Printable(pointerOrRoot(c.Pointer)), Printable(changeValue(c.Old, lang)), Printable(changeValue(c.New, lang)))
		}
	}
	for _, l := range r.Loaded {
		fmt.Fprintf(bw, "%s %s\n", p.green(label(msgLoaded)), Printable(textPath(o, l.Path)))
	}
	for _, n := range r.NotLoaded {
		fmt.Fprintf(bw, "%s %s\n", p.dim(label(msgNotLoaded)), Printable(textPath(o, n.Path)))
	}
	for _, rm := range r.Removed {
		reason := rm.Message.Render(lang)
		if rm.Code != 0 {
			reason = fmt.Sprintf("mobi %d", rm.Code)
		}
		fmt.Fprintf(bw, "%s %s (%s)\n", p.red(label(msgRemoved)), Printable(textPath(o, rm.Path)), Printable(reason))
	}
	for _, e := range r.Errors {
		fmt.Fprintf(bw, "%s %s  %s\n", p.red(pad(fmt.Sprintf("mobi %d", e.Code), width)), Printable(textPath(o, location(e))), Printable(e.Message.Render(lang)))
		for _, d := range details(e, lang) {
			fmt.Fprintf(bw, "%s%s\n", indent, Printable(d))
		}
	}
	counts := []int{len(r.Updated), len(r.Unchanged), len(r.NotLoaded), len(r.Removed), len(r.Errors)}
	var parts []string
	for i, c := range refreshCounts {
		parts = append(parts, c.of(lang, counts[i]))
		if i == 1 && len(r.Loaded) > 0 { // only when the engine loads new files: say so beside "unchanged"
			parts = append(parts, countLoaded.of(lang, len(r.Loaded)))
		}
	}
	sum := lang.Sprintf(msgRefresh, strings.Join(parts, ", "))
	if len(r.Errors) > 0 {
		sum = p.red(sum)
	}
	fmt.Fprintln(bw, sum)
	return bw.Flush()
}
