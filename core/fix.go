package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/internal/probe"
	"github.com/mobisess/mobisess/core/zipfs"
)

// The quick fixes. For each error that the engine can repair without guessing, it proposes the repair as data
// (what will change), and applies it only when asked, with the atomic, ETag-checked writes of write.go. What is
// fixable is decided here and nowhere else:
//
//   - mobi 2: a trailing comma before a closing bracket, or byte-order marks after the first; nothing else;
//   - mobi 3: a status or send that differs from an allowed value by letter case only, a boolean written as
//     the string "true" or "false" (device.simulator, device.jb); nothing else;
//   - mobi 1 and mobi 4: the file's place, content and token are three witnesses of its ids (witness.go); where
//     two agree against the third, the third is changed: the file moved or renamed, the content's property
//     corrected, or the token written anew. Where no two agree, or the token does not decode and the two
//     others differ, there is no fix, but one choice per side that can be trusted, applied only when named.

// FixKind says what a fix does to the folder.
type FixKind string

const (
	FixMove FixKind = "move" // move or rename the file, its bytes as they are unless Content gives new ones
	FixEdit FixKind = "edit" // rewrite the file, the rest of its text as it was
	FixNone FixKind = "none" // the engine cannot fix the error without guessing: the title says why not
)

// Fix is a repair of one file that fails a check, as data: what applying it will change.
type Fix struct {
	Path  string    `json:"path"` // the file, relative to the root, as it is before the fix
	Code  Code      `json:"code"` // the error it fixes
	Kind  FixKind   `json:"kind"`
	Title i18n.Text `json:"title"` // what it does; for "none", why there is no fix
	// ETag is that of the bytes the fix was made from: applying it is refused once the file has changed.
	ETag string `json:"etag,omitempty"`
	// A move names the file before and after.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// An edit gives the values it changes (none when only the syntax is repaired) and the whole new text.
	Changes []Change `json:"changes,omitempty"`
	Content string   `json:"content,omitempty"`
	// A fix of the location or the token says what the file's place, content and token say of each id, and
	// which the fix keeps.
	Witnesses []IDWitnesses `json:"witnesses,omitempty"`
	// Choice names the side a fix trusts where no two witnesses agree: it is applied only when that side is
	// named. Choices are those a fix of kind none offers, one per side that can be trusted.
	Choice  Witness `json:"choice,omitempty"`
	Choices []*Fix  `json:"choices,omitempty"`

	failed *Error // the error the fix was proposed for: what remains when it is not applied
}

// Titles of the fixes.
var (
	msgFixMove    = i18n.Msg{En: "Move the file to %s", Fr: "Déplacer le fichier vers %s", Es: "Mover el archivo a %s"}
	msgFixRename  = i18n.Msg{En: "Rename the file %s (session.id)", Fr: "Renommer le fichier en %s (session.id)", Es: "Renombrar el archivo a %s (session.id)"}
	msgFixAnew    = i18n.Msg{En: "write the token anew", Fr: "écrire un nouveau jeton", Es: "escribir un token nuevo"}
	msgFixToken   = i18n.Msg{En: "Take the content as the truth: write the token anew from application.id, session.id and team.id", Fr: "Tenir le contenu pour juste : écrire un nouveau jeton à partir de application.id, session.id et team.id", Es: "Dar el contenido por correcto: escribir un token nuevo a partir de application.id, session.id y team.id"}
	msgFixValues  = i18n.Msg{En: "Correct %s", Fr: "Corriger %s", Es: "Corregir %s"}
	msgFixSyntax  = i18n.Msg{En: "Remove %s (no value changes)", Fr: "Supprimer %s (aucune valeur ne change)", Es: "Quitar %s (ningún valor cambia)"}
	msgFixMarks   = i18n.Msg{En: "the extra byte-order mark at the start", Fr: "la marque d'ordre des octets en trop au début", Es: "la marca de orden de bytes de más al principio"}
	msgFixComma   = i18n.Msg{En: "the trailing comma at %s", Fr: "la virgule finale en %s", Es: "la coma final en %s"}
	msgFixCommas  = i18n.Msg{En: "the trailing commas at %s", Fr: "les virgules finales en %s", Es: "las comas finales en %s"}
	msgFixAnd     = i18n.Msg{En: "%s and %s", Fr: "%s et %s", Es: "%s y %s"}
	msgNoSyntax   = i18n.Msg{En: "only a trailing comma or an extra byte-order mark can be removed without guessing: correct this syntax error in an editor", Fr: "seules une virgule finale ou une marque d'ordre des octets en trop s'enlèvent sans deviner : corrigez cette erreur de syntaxe dans un éditeur", Es: "solo una coma final o una marca de orden de bytes de más se quitan sin adivinar: corrija este error de sintaxis en un editor"}
	msgNoValue    = i18n.Msg{En: "the value of %s (%s) cannot be told without guessing", Fr: "la valeur de %s (%s) ne se déduit pas sans deviner", Es: "el valor de %s (%s) no se deduce sin adivinar"}
	msgNoFolder   = i18n.Msg{En: "application.id and team.id make no app folder name (%q)", Fr: "application.id et team.id ne donnent pas de nom de dossier d'app (%q)", Es: "application.id y team.id no dan un nombre de carpeta de app (%q)"}
	msgNoName     = i18n.Msg{En: "session.id %q makes no session file name", Fr: "session.id %q ne donne pas de nom de fichier de session", Es: "session.id %q no da un nombre de archivo de sesión"}
	msgNoTarget   = i18n.Msg{En: "%s already exists", Fr: "%s existe déjà", Es: "%s ya existe"}
	msgNoStale    = i18n.Msg{En: "the file is no longer as it was checked: check it again", Fr: "le fichier n'est plus tel qu'il a été vérifié : vérifiez-le à nouveau", Es: "el archivo ya no es como se verificó: verifíquelo de nuevo"}
	msgNoEdit     = i18n.Msg{En: "%s cannot be written in this file", Fr: "%s ne peut pas être écrit dans ce fichier", Es: "%s no se puede escribir en este archivo"}
	msgNoSingle   = i18n.Msg{En: "no single right fix: the place, the content and the token each give another %s", Fr: "pas de correction unique : l'emplacement, le contenu et le jeton donnent chacun un autre %s", Es: "no hay una corrección única: la ubicación, el contenido y el token dan cada uno otro %s"}
	msgNoSingleTk = i18n.Msg{En: "no single right fix: the token does not decode, and the place and the content give another %s", Fr: "pas de correction unique : le jeton ne se décode pas, et l'emplacement et le contenu donnent un autre %s", Es: "no hay una corrección única: el token no se decodifica, y la ubicación y el contenido dan otro %s"}
	msgNoSingleRd = i18n.Msg{En: "no single right fix: the folder's name %q reads both as the content's team.id and application.id and as the token's, which differ", Fr: "pas de correction unique : le nom du dossier %q se lit comme le team.id et l'application.id du contenu et comme ceux du jeton, qui diffèrent", Es: "no hay una corrección única: el nombre de la carpeta %q se lee como el team.id y el application.id del contenido y como los del token, que difieren"}
	msgTrust      = map[Witness]*i18n.Msg{
		WitnessPlace:   {En: "Trust the place: %s", Fr: "Se fier à l'emplacement : %s", Es: "Confiar en la ubicación: %s"},
		WitnessContent: {En: "Trust the content: %s", Fr: "Se fier au contenu : %s", Es: "Confiar en el contenido: %s"},
		WitnessToken:   {En: "Trust the token: %s", Fr: "Se fier au jeton : %s", Es: "Confiar en el token: %s"},
	}
	msgNoProgress = i18n.Msg{En: "the only change the engine knows would not make the file pass this check", Fr: "la seule modification que connaît le moteur ne ferait pas passer cette vérification au fichier", Es: "el único cambio que conoce el motor no haría pasar esta verificación al archivo"}
)

// In is f with its titles said in lang, a copy.
func (f *Fix) In(lang i18n.Lang) *Fix {
	if f == nil {
		return nil
	}
	out := *f
	out.Title = f.Title.In(lang)
	out.Choices = allIn(f.Choices, lang, (*Fix).In)
	return &out
}

// checkRank is the place of each error's check in the order the checks run (rules.go): a fix must take its file
// past the check it failed, so that a chain of fixes ends.
var checkRank = map[Code]int{CodeMalformed: 0, CodeSchema: 1, CodeLocation: 2, CodeToken: 3}

// ProposeFix proposes the fix of e, the error c found in data, the bytes of the file at e.Path. It reads no
// file: bytes in, fix out. When the engine cannot fix e without guessing, the fix is of kind FixNone and says why.
// A proposed fix makes the file pass the check it failed; it may reveal the next check's error.
func (c *Checker) ProposeFix(e *Error, data []byte) *Fix {
	app, name, err := sessionPath(e.Path)
	if err != nil {
		return &Fix{Path: e.Path, Code: e.Code, Kind: FixNone, Title: i18n.New(&msgUnreadable, err.Error()), failed: e}
	}
	if limit := c.Limits().MaxFileSize; int64(len(data)) > limit {
		tl := i18n.New(&msgTooLarge, zipfs.FormatSize(int64(len(data))), zipfs.FormatSize(limit))
		return &Fix{Path: e.Path, Code: e.Code, Kind: FixNone, Title: i18n.New(&msgUnreadable, tl), failed: e}
	}
	in := c.examine(SessionFile{Path: e.Path, App: app, Name: name}, data)
	return c.proposeFix(e, &in)
}

// proposeFix is ProposeFix of the error e, made from the inspection of the file's bytes.
func (c *Checker) proposeFix(e *Error, in *Inspection) *Fix {
	none := func(m *i18n.Msg, args ...any) *Fix {
		return &Fix{Path: e.Path, Code: e.Code, Kind: FixNone, Title: i18n.New(m, args...), failed: e}
	}
	if in.Error == nil || in.Error.Code != e.Code {
		return none(&msgNoStale)
	}
	f, data, doc := in.File, in.Data, in.Doc // doc: nil for mobi 2

	var fix *Fix
	why := i18n.New(&msgNoSyntax) // for mobi 2, when there is nothing to remove
	switch e.Code {
	case CodeMalformed:
		fix = fixSyntax(data)
	case CodeSchema:
		fix, why = fixValues(data, doc, in.Error.Violations)
	case CodeLocation, CodeToken:
		fix = c.fixIDs(f, e.Code, data, doc, in.Session)
	}
	if fix == nil {
		return &Fix{Path: e.Path, Code: e.Code, Kind: FixNone, Title: why, failed: e}
	}
	if fix.Kind == FixNone { // no fix, or no single one: the choices that do what a fix does
		fix.Path, fix.Code, fix.failed = e.Path, e.Code, e
		var choices []*Fix
		for _, choice := range fix.Choices {
			if c.finish(e, choice, data) == nil {
				choices = append(choices, choice)
			}
		}
		fix.Choices = choices
		return fix
	}
	if why := c.finish(e, fix, data); why != nil {
		refused := none(why)
		refused.Witnesses = fix.Witnesses
		return refused
	}
	return fix
}

// finish gives fix, made for e from data, what ties it to them, and says why it is no fix when the file it leaves
// does not pass the check it failed.
func (c *Checker) finish(e *Error, fix *Fix, data []byte) *i18n.Msg {
	fix.Path, fix.Code, fix.ETag, fix.failed = e.Path, e.Code, ETag(data), e
	// The rules are meant to pass the check; the check itself says whether they do. Text whose commas or
	// marks are removed and that still does not parse has some other syntax error.
	to, after := fix.result(e.Path, data)
	app, name, _ := sessionPath(to)
	if _, _, next := c.CheckBytes(SessionFile{Path: to, App: app, Name: name}, after); next != nil && checkRank[next.Code] <= checkRank[e.Code] {
		if e.Code == CodeMalformed {
			return &msgNoSyntax
		}
		return &msgNoProgress
	}
	return nil
}

// result is the path and the bytes of the file once the fix is applied.
func (f *Fix) result(path string, data []byte) (string, []byte) {
	switch {
	case f.Kind == FixMove && f.Content != "":
		return f.To, []byte(f.Content)
	case f.Kind == FixMove:
		return f.To, data
	case f.Kind == FixEdit:
		return path, []byte(f.Content)
	}
	return path, data
}

// ProposeFixes proposes the fixes that take a file past each check it fails, as far as the engine can without
// guessing: the first fixes e, each next one fixes the error that the one before reveals. When an error remains,
// the last fix is of kind FixNone and says why, and remaining is that error (nil: the fixed file passes).
// Where no two witnesses of the file's ids agree, the choice that trusts trust is taken ("": none is).
// Like ProposeFix it reads no file: each fix is made from the bytes the ones before it leave.
func (c *Checker) ProposeFixes(e *Error, data []byte, trust Witness) (fixes []*Fix, remaining *Error) {
	path := e.Path
	// Each fix takes the file past one check at least: there are as many fixes as checks, at most.
	for range len(checkRank) {
		fix := c.ProposeFix(e, data)
		if chosen := fix.choice(trust); chosen != nil {
			fix = chosen
		}
		fixes = append(fixes, fix)
		if fix.Kind == FixNone {
			return fixes, e
		}
		path, data = fix.result(path, data)
		app, name, _ := sessionPath(path)
		if _, _, e = c.CheckBytes(SessionFile{Path: path, App: app, Name: name}, data); e == nil {
			return fixes, nil
		}
	}
	return fixes, e
}

// fixSyntax removes what may make the text not JSON without standing for any value: byte-order marks after the
// first, and commas just before a closing bracket. Nothing else is removed, so that the fixed text, when it
// parses, holds the values the file was meant to.
func fixSyntax(data []byte) *Fix {
	body := withoutBOM(data)
	bom := data[:len(data)-len(body)]
	rest := withoutMarks(body)
	marks := len(body) - len(rest)
	commas := trailingCommas(rest)
	if marks == 0 && len(commas) == 0 {
		return nil
	}
	fixed := append([]byte{}, bom...)
	from := 0
	var places []string
	for _, at := range commas {
		fixed = append(fixed, rest[from:at]...)
		from = at + 1
		line, col := lineCol(body, marks+at)
		places = append(places, fmt.Sprintf("%d:%d", line, col))
	}
	fixed = append(fixed, rest[from:]...)
	var what []i18n.Text
	if marks > 0 {
		what = append(what, i18n.New(&msgFixMarks))
	}
	switch len(places) {
	case 0:
	case 1:
		what = append(what, i18n.New(&msgFixComma, places[0]))
	default:
		what = append(what, i18n.New(&msgFixCommas, strings.Join(places, ", ")))
	}
	title := what[0]
	if len(what) == 2 {
		title = i18n.New(&msgFixAnd, what[0], what[1])
	}
	return &Fix{Kind: FixEdit, Title: i18n.New(&msgFixSyntax, title), Content: string(fixed)}
}

// byteOrderMarks are the forms a byte-order mark takes at the start of a file saved more than once: UTF-8's, and
// UTF-8's read as Latin-1 and written again as UTF-8 ("ï»¿").
var byteOrderMarks = [][]byte{[]byte("\xEF\xBB\xBF"), []byte("\xC3\xAF\xC2\xBB\xC2\xBF")}

// withoutMarks is data without the byte-order marks it starts with, of either form.
func withoutMarks(data []byte) []byte {
	for cut := true; cut; {
		cut = false
		for _, m := range byteOrderMarks {
			if rest, ok := bytes.CutPrefix(data, m); ok {
				data, cut = rest, true
			}
		}
	}
	return data
}

// trailingCommas returns the offsets of the commas that follow a value and stand just before a closing bracket,
// outside strings.
func trailingCommas(data []byte) []int {
	var out []int
	var prev byte // the last byte outside white space: '"' for a string
	for i := 0; i < len(data); i++ {
		b := data[i]
		switch b {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			i = skipString(data, i) - 1
		case ',':
			next := skipSpace(data, i+1)
			afterValue := prev != 0 && prev != ',' && prev != ':' && prev != '{' && prev != '['
			if afterValue && next < len(data) && (data[next] == '}' || data[next] == ']') {
				out = append(out, i)
			}
		}
		prev = b
	}
	return out
}

// valueFixes are the schema violations that have one right value, by the pointer of the value: each gives the
// value that replaces the one in the file, or false when it cannot tell.
var valueFixes = map[string]func(any) (any, bool){
	"/status":           caseOf(StatusAccepted, StatusPending),
	"/send":             caseOf("link", "code"),
	"/device/simulator": boolOfString,
	"/device/jb":        boolOfString,
}

// caseOf corrects a string that differs from one of the allowed values by letter case only.
func caseOf(allowed ...string) func(any) (any, bool) {
	return func(v any) (any, bool) {
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		for _, a := range allowed {
			if strings.EqualFold(s, a) && s != a {
				return a, true
			}
		}
		return nil, false
	}
}

// boolOfString corrects a boolean written as a string: "true" or "false", in any letter case.
func boolOfString(v any) (any, bool) {
	s, _ := v.(string)
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return nil, false
}

// fixValues corrects every violated value that has one right value, or none when one of them has not.
func fixValues(data []byte, doc map[string]any, violations []Violation) (*Fix, i18n.Text) {
	body := withoutBOM(data)
	bom := data[:len(data)-len(body)]
	fixed := map[string]any{}
	var pointers []string
	for _, v := range violations {
		if _, done := fixed[v.Pointer]; done {
			continue
		}
		correct := valueFixes[v.Pointer]
		old := lookup(doc, splitPointer(v.Pointer)...)
		if correct == nil || old == nil {
			return nil, i18n.New(&msgNoValue, pointerOrRoot(v.Pointer), v.Message)
		}
		value, ok := correct(old)
		if !ok {
			return nil, i18n.New(&msgNoValue, v.Pointer, v.Message)
		}
		fixed[v.Pointer] = value
		pointers = append(pointers, v.Pointer)
	}
	sort.Strings(pointers)
	var changes []Change
	for _, p := range pointers {
		old := lookup(doc, splitPointer(p)...)
		value := rawJSON(fixed[p])
		body = replaceValue(body, p, value)
		changes = append(changes, Change{Pointer: p, Old: rawJSON(old), New: value})
	}
	return &Fix{Kind: FixEdit, Title: i18n.New(&msgFixValues, strings.Join(pointers, ", ")), Changes: changes,
		Content: string(append(append([]byte{}, bom...), body...))}, i18n.Text{}
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// fixIDs is the fix of a file whose place, content and token disagree on its ids (witness.go), which fails the
// check code. Where two witnesses agree against the third on each id, it changes the third: the file is moved
// or renamed, the content's property corrected, or the token written anew. Otherwise it is of kind none and
// offers one choice per side that can be trusted, each a fix that makes the other sides say what that one says.
func (c *Checker) fixIDs(f SessionFile, code Code, data []byte, doc map[string]any, s *Session) *Fix {
	t := testify(f, s)
	token := code == CodeToken
	kept, pairOK, sessionOK := t.keep("")
	if pairOK && sessionOK {
		fix, why := fixTo(f, data, doc, t, kept, "", token)
		if fix == nil {
			fix = &Fix{Kind: FixNone, Title: why}
		}
		fix.Witnesses = t.witnesses(kept, true, true)
		return fix
	}
	witnesses := t.witnesses(kept, pairOK, sessionOK)
	none := &Fix{Kind: FixNone, Title: noSingleFix(t, witnesses), Witnesses: witnesses}
	for _, side := range witnessOrder {
		trusted, pairOK, sessionOK := t.keep(side)
		if !pairOK || !sessionOK {
			continue
		}
		if fix, _ := fixTo(f, data, doc, t, trusted, side, token); fix != nil {
			fix.Choice, fix.Witnesses = side, t.witnesses(trusted, true, true)
			none.Choices = append(none.Choices, fix)
		}
	}
	return none
}

// fixTo makes the file's place and content say kept: it moves or renames the file and writes the content's
// properties that differ (the rest of the text as it was). For a fix of the token (mobi 4), it writes the token
// anew when it differs or does not decode; a fix of the location leaves the token to the next check, which then
// finds the place and the content agreeing. trusted is the side a choice trusts, "" for a fix that two
// witnesses make.
func fixTo(f SessionFile, data []byte, doc map[string]any, t testimony, kept ids, trusted Witness, token bool) (*Fix, i18n.Text) {
	folder, err := appFolder(kept.team, kept.app)
	if err != nil {
		return nil, i18n.New(&msgNoFolder, ExpectedFolder(kept.team, kept.app))
	}
	if !IsSessionName(kept.session) { // a schema of the user's own may let it through
		return nil, i18n.New(&msgNoName, kept.session)
	}
	body := withoutBOM(data)
	bom := data[:len(data)-len(body)]
	edited := body
	var parts []i18n.Text
	var pointers []string
	to := folder + "/" + kept.session
	switch {
	case to == f.Path:
	case folder == f.App:
		parts = append(parts, i18n.New(&msgFixRename, kept.session))
	default:
		parts = append(parts, i18n.New(&msgFixMove, to))
	}
	for _, row := range idRows {
		if row.of(t.content) == row.of(kept) {
			continue
		}
		var ok bool
		if edited, ok = setString(edited, doc, row.property, row.of(kept)); !ok {
			return nil, i18n.New(&msgNoEdit, row.property)
		}
		pointers = append(pointers, row.property)
	}
	if len(pointers) > 0 {
		sort.Strings(pointers)
		parts = append(parts, i18n.New(&msgFixValues, strings.Join(pointers, ", ")))
	}
	if token && (!t.tokenOK || t.token != kept) {
		var ok bool
		if edited, ok = setString(edited, doc, "/token", EncodeToken(Token{AppNameID: kept.app, ID: kept.session, TeamID: kept.team})); !ok {
			return nil, i18n.New(&msgNoEdit, "/token")
		}
		if len(parts) == 0 && trusted == "" {
			parts = append(parts, i18n.New(&msgFixToken)) // the place and the content agree: the token alone is written
		} else {
			parts = append(parts, i18n.New(&msgFixAnew))
		}
	}
	if len(parts) == 0 {
		return nil, i18n.New(&msgNoProgress)
	}
	fix := &Fix{Kind: FixEdit, Title: joinTitles(parts)}
	if trusted != "" {
		fix.Title = i18n.New(msgTrust[trusted], i18n.Lower(fix.Title))
	}
	if !bytes.Equal(edited, body) {
		after, err := decodeObject(edited)
		if err != nil { // the edits write JSON values in place of JSON values: this is a bug
			return nil, i18n.New(&msgNoProgress)
		}
		fix.Changes = Diff(doc, after)
		fix.Content = string(append(append([]byte{}, bom...), edited...))
	}
	if to != f.Path {
		fix.Kind, fix.From, fix.To = FixMove, f.Path, to
	}
	return fix, i18n.Text{}
}

// noSingleFix says why witnesses, where some id has no value to keep, make no single fix.
func noSingleFix(t testimony, witnesses []IDWitnesses) i18n.Text {
	if t.tokenOK && t.content.pair() != t.token.pair() && t.placeHolds(t.content) && t.placeHolds(t.token) {
		return i18n.New(&msgNoSingleRd, t.folder)
	}
	var differ []string
	for _, w := range witnesses {
		if w.Value != nil {
			continue
		}
		values := map[string]bool{w.Content: true}
		if w.Place != nil {
			values[*w.Place] = true
		}
		if w.Token != nil {
			values[*w.Token] = true
		}
		if len(values) > 1 {
			differ = append(differ, w.ID)
		}
	}
	if len(differ) == 0 { // the folder's name, unread, against a pair the content and the token share in part
		differ = []string{"team.id", "application.id"}
	}
	which := i18n.Plain(differ[0])
	if len(differ) > 1 {
		which = i18n.New(&msgFixAnd, strings.Join(differ[:len(differ)-1], ", "), differ[len(differ)-1])
	}
	if !t.tokenOK {
		return i18n.New(&msgNoSingleTk, which)
	}
	return i18n.New(&msgNoSingle, which)
}

// joinTitles makes one title of the parts of a fix, each after the first in lower case.
func joinTitles(parts []i18n.Text) i18n.Text {
	if len(parts) == 1 {
		return parts[0]
	}
	for i := 1; i < len(parts); i++ {
		parts[i] = i18n.Lower(parts[i])
	}
	return i18n.Join("; ", parts...)
}

// setString writes value at pointer, a string property of the object doc that body holds: in place of the value
// there, or as a new member of the deepest object that exists (with the objects between), the rest of the text
// as it was. It reports false when the place is inside something that is not an object.
func setString(body []byte, doc map[string]any, pointer, value string) ([]byte, bool) {
	keys := splitPointer(pointer)
	raw := rawJSON(value)
	var at any = doc
	depth := 0
	for ; depth < len(keys); depth++ {
		obj, ok := at.(map[string]any)
		if !ok {
			return nil, false
		}
		next, exists := obj[keys[depth]]
		if !exists {
			break
		}
		at = next
	}
	if depth == len(keys) {
		return replaceValue(body, pointer, raw), true
	}
	if _, ok := at.(map[string]any); !ok {
		return nil, false
	}
	for i := len(keys) - 1; i > depth; i-- {
		raw = append(append(append(append([]byte("{"), rawJSON(keys[i])...), ": "...), raw...), '}')
	}
	object := ""
	if depth > 0 {
		object = "/" + strings.Join(keys[:depth], "/")
	}
	return insertMember(body, locate(body, object), keys[depth], raw), true
}

// insertMember writes "key": value as the first member of the object that starts at body[at], followed by the
// space that stood before the member it comes before.
func insertMember(body []byte, at int, key string, value []byte) []byte {
	member := append(append(rawJSON(key), ": "...), value...)
	i := skipSpace(body, at+1)
	out := make([]byte, 0, len(body)+len(member)+len(body[at+1:i])+1)
	out = append(out, body[:at+1]...)
	if i < len(body) && body[i] == '}' {
		out = append(out, member...)
		return append(out, body[at+1:]...)
	}
	out = append(append(append(append(out, body[at+1:i]...), member...), ','), body[at+1:i]...)
	return append(out, body[i:]...)
}

// decodeObject decodes a JSON object as the checks do: numbers as they are written.
func decodeObject(body []byte) (map[string]any, error) {
	if probe.Decode != nil {
		probe.Decode(body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// choice is the choice of f that trusts side, nil when there is none (or side is "").
func (f *Fix) choice(side Witness) *Fix {
	if side == "" {
		return nil
	}
	for _, c := range f.Choices {
		if c.Choice == side {
			return c
		}
	}
	return nil
}

// Trusting is the fix to apply when the user names side as the one to trust: f itself when side is "", and
// where f offers choices, the one that trusts side. Naming a side where f has one right fix, or offers no
// choice that trusts it, is refused: the user expected a choice that is not there.
func (f *Fix) Trusting(side Witness) (*Fix, error) {
	if side == "" {
		return f, nil
	}
	if chosen := f.choice(side); chosen != nil {
		return chosen, nil
	}
	if f.Kind != FixNone {
		return nil, &OpError{Kind: KindInput, Path: f.Path, Msg: fmt.Sprintf("this file has one right fix, which trusts no single side: apply it without naming %s", side)}
	}
	return nil, &OpError{Kind: KindInput, Path: f.Path, Msg: fmt.Sprintf("no fix of this file trusts the %s: %s", side, f.Title)}
}

// FixFile applies the fix the engine proposes now for the session file at rel, as it was read with the ETag
// ifMatch ("": as it is): refused (KindConflict) when the file changed since, and (KindInput) when it passes
// every check or the engine has no fix for it. Where the engine has no single right fix but offers choices,
// trust names the one to apply (Fix.Trusting). It returns the file's path after the fix: a move changes it.
func (c *Checker) FixFile(fsys afero.Fs, root, rel, ifMatch string, trust Witness) (string, error) {
	data, etag, err := ReadFile(fsys, root, rel, c.Limits().MaxFileSize)
	if err != nil {
		return "", err
	}
	if ifMatch != "" && etag != ifMatch {
		return "", changedOnDisk(rel)
	}
	var fix *Fix
	if app, name, _ := strings.Cut(rel, "/"); IsSessionName(name) { // another file is not checked: it fails nothing
		fix = c.Inspect(SessionFile{Path: rel, App: app, Name: name}, data).ProposeFix()
	}
	if fix == nil {
		return "", &OpError{Kind: KindInput, Path: rel, Msg: "the file passes every check: there is nothing to fix"}
	}
	if fix, err = fix.Trusting(trust); err != nil {
		return "", err
	}
	if err := c.ApplyFix(fsys, root, fix); err != nil {
		return "", err
	}
	if fix.Kind == FixMove {
		return fix.To, nil
	}
	return rel, nil
}

// ApplyFix applies a fix that ProposeFix made, with the atomic writes of write.go. It is refused (KindConflict),
// changing nothing, when the file is no longer the one the fix was made from, or when a move's target exists.
func (c *Checker) ApplyFix(fsys afero.Fs, root string, f *Fix) error {
	if f.Kind == FixNone {
		return &OpError{Kind: KindInput, Path: f.Path, Msg: "no fix to apply: " + f.Title.String()}
	}
	if f.ETag == "" {
		return &OpError{Kind: KindInput, Path: f.Path, Msg: "the fix names no etag: propose it again"}
	}
	limit := c.Limits().MaxFileSize
	if f.Kind == FixMove {
		var content []byte // nil: the bytes as they are
		if f.Content != "" {
			content = []byte(f.Content)
		}
		return moveFile(fsys, root, f.From, f.To, f.ETag, content, limit)
	}
	_, err := WriteFile(fsys, root, f.Path, []byte(f.Content), WriteOptions{IfMatch: f.ETag, MaxFileSize: limit})
	return err
}

// moveFile moves a session file whose ETag is etag: it writes the target, which must not exist, then deletes the
// source. When the delete fails, the target goes again, so that no session is left twice. content, when not nil,
// is what the target holds instead of the source's bytes.
func moveFile(fsys afero.Fs, root, from, to, etag string, content []byte, limit int64) error {
	data, current, err := ReadFile(fsys, root, from, limit)
	if err != nil {
		return err
	}
	if current != etag {
		return changedOnDisk(from)
	}
	if content != nil {
		data = content
	}
	app, _, err := sessionPath(to)
	if err != nil {
		return err
	}
	_, statErr := lstat(fsys, fsPath(root, app))
	newFolder := errors.Is(statErr, fs.ErrNotExist)
	written, err := WriteFile(fsys, root, to, data, WriteOptions{IfMatch: "", MaxFileSize: limit})
	if err != nil {
		return err
	}
	if err := Delete(fsys, root, from, etag, limit); err != nil {
		_ = Delete(fsys, root, to, written, limit)
		if newFolder {
			_ = fsys.Remove(fsPath(root, app)) // only when empty: nothing but the undone file was there
		}
		return err
	}
	return nil
}

// FixOptions are the optional parts of FixFolder.
type FixOptions struct {
	DryRun bool // propose the fixes and say what would remain, changing nothing
	// Trust is the side to trust where no two witnesses of a file's ids agree ("": none, such files are left).
	Trust Witness
	// Expect, when not nil, names the files to fix, each with the ETag it had when its fixes were shown (a dry
	// run): the fixes applied are the ones that were seen. A failing file not named is left as it is; one whose
	// ETag is no longer that one is refused, nothing of it changed.
	Expect map[string]string
}

// FixReport is what fixing a folder did, or would do: the JSON of `mobisess fix --format json`.
type FixReport struct {
	DryRun bool        `json:"dryRun"`
	Files  []FileFixes `json:"files"` // one per file that failed a check, in the check's order
	// Errors are what fails once the fixes are applied: the folder checked again, or in a dry run the errors
	// that the fixes would leave.
	Errors []*Error `json:"errors"`
}

// In is r with its words said in lang, a copy.
func (r *FixReport) In(lang i18n.Lang) *FixReport {
	out := *r
	out.Errors = allIn(r.Errors, lang, (*Error).In)
	out.Files = allIn(r.Files, lang, FileFixes.In)
	return &out
}

// In is f with its words said in lang.
func (f FileFixes) In(lang i18n.Lang) FileFixes {
	f.Error, f.Refused = f.Error.In(lang), f.Refused.In(lang)
	f.Fixes = allIn(f.Fixes, lang, (*Fix).In)
	return f
}

// FileFixes are the fixes of one file that failed a check, in the order they apply.
type FileFixes struct {
	Path    string    `json:"path"`
	Error   *Error    `json:"error"` // what the check found
	Fixes   []*Fix    `json:"fixes"` // the last is of kind none when an error remains
	Applied int       `json:"applied"`
	Refused i18n.Text `json:"refused,omitzero"` // why applying stopped: the file changed, a move's target appeared
}

// FixFolder checks every session file under root, proposes the fixes of each error, and applies them unless
// opts.DryRun. A move whose target exists, or is the target of an earlier move, is not proposed.
func (c *Checker) FixFolder(ctx context.Context, fsys afero.Fs, root string, opts FixOptions) (*FixReport, error) {
	rep, err := c.Check(ctx, fsys, root, CheckOptions{})
	if err != nil {
		return nil, err
	}
	out := &FixReport{DryRun: opts.DryRun, Files: []FileFixes{}, Errors: []*Error{}}
	targets := map[string]bool{}
	for _, e := range rep.Errors {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ff := FileFixes{Path: e.Path, Error: e}
		seen, named := opts.Expect[e.Path]
		if opts.Expect != nil && !named {
			continue
		}
		var left *Error
		if data, etag, err := ReadFile(fsys, root, e.Path, c.Limits().MaxFileSize); err != nil {
			ff.Fixes, left = []*Fix{{Path: e.Path, Code: e.Code, Kind: FixNone, Title: i18n.New(&msgUnreadable, opMessage(err))}}, e
		} else {
			ff.Fixes, left = c.ProposeFixes(e, data, opts.Trust)
			ff.Fixes, left = c.claimTargets(fsys, root, ff.Fixes, left, targets)
			if named && etag != seen {
				ff.Refused = i18n.New(&msgNoStale)
				out.Files = append(out.Files, ff)
				continue
			}
		}
		if !opts.DryRun {
			for _, fix := range ff.Fixes {
				if fix.Kind == FixNone {
					break
				}
				if err := c.ApplyFix(fsys, root, fix); err != nil {
					ff.Refused = i18n.Plain(err.Error())
					break
				}
				ff.Applied++
			}
		}
		if opts.DryRun && left != nil {
			out.Errors = append(out.Errors, left)
		}
		out.Files = append(out.Files, ff)
	}
	if opts.DryRun {
		sort.SliceStable(out.Errors, func(i, j int) bool { return listingOrder(out.Errors[i].Path, out.Errors[j].Path) })
		return out, nil
	}
	after, err := c.Check(ctx, fsys, root, CheckOptions{})
	if err != nil {
		return nil, err
	}
	out.Errors = after.Errors
	return out, nil
}

// claimTargets stops a chain of fixes at a move whose target exists or is already taken by another move, and
// takes the targets of the moves it keeps.
func (c *Checker) claimTargets(fsys afero.Fs, root string, fixes []*Fix, left *Error, targets map[string]bool) ([]*Fix, *Error) {
	for i, fix := range fixes {
		if fix.Kind != FixMove {
			continue
		}
		_, err := lstat(fsys, fsPath(root, fix.To))
		if targets[fix.To] || !errors.Is(err, fs.ErrNotExist) {
			none := &Fix{Path: fix.Path, Code: fix.Code, Kind: FixNone, Title: i18n.New(&msgNoTarget, fix.To), failed: fix.failed}
			return append(fixes[:i:i], none), fix.failed
		}
		targets[fix.To] = true
	}
	return fixes, left
}

// listingOrder sorts paths as a listing does: by app folder, then by file name.
func listingOrder(a, b string) bool {
	appA, nameA, _ := strings.Cut(a, "/")
	appB, nameB, _ := strings.Cut(b, "/")
	if appA != appB {
		return appA < appB
	}
	return nameA < nameB
}

// opMessage is what an operation's error says, without the path that the caller names already.
func opMessage(err error) string {
	var op *OpError
	if errors.As(err, &op) {
		return op.Msg
	}
	return err.Error()
}
