package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/spf13/afero"
)

// The quick fixes. For each error that the engine can repair without guessing, it proposes the repair as data
// (what will change), and applies it only when asked, with the atomic, ETag-checked writes of write.go. What is
// fixable is decided here and nowhere else:
//
//   - mobi 2: a trailing comma before a closing bracket, or byte-order marks after the first; nothing else;
//   - mobi 3: a status or send that differs from an allowed value by letter case only, a boolean written as
//     the string "true" or "false" (device.simulator, device.jb); nothing else;
//   - mobi 1: the file moves to the folder and name that its content gives;
//   - mobi 4: the token is written anew from the content, which is taken as the truth.

// FixKind says what a fix does to the folder.
type FixKind string

const (
	FixMove FixKind = "move" // move or rename the file, its bytes as they are
	FixEdit FixKind = "edit" // rewrite the file, the rest of its text as it was
	FixNone FixKind = "none" // the engine cannot fix the error without guessing: the title says why not
)

// Fix is a repair of one file that fails a check, as data: what applying it will change.
type Fix struct {
	Path  string  `json:"path"` // the file, relative to the root, as it is before the fix
	Code  Code    `json:"code"` // the error it fixes
	Kind  FixKind `json:"kind"`
	Title string  `json:"title"` // what it does, in the checker's language; for "none", why there is no fix
	// ETag is that of the bytes the fix was made from: applying it is refused once the file has changed.
	ETag string `json:"etag,omitempty"`
	// A move names the file before and after.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// An edit gives the values it changes (none when only the syntax is repaired) and the whole new text.
	Changes []Change `json:"changes,omitempty"`
	Content string   `json:"content,omitempty"`

	failed *Error // the error the fix was proposed for: what remains when it is not applied
}

// Titles of the fixes.
var (
	msgFixMove    = Msg{"Move the file to %s", "Déplacer le fichier vers %s", "Mover el archivo a %s"}
	msgFixRename  = Msg{"Rename the file %s (session.id)", "Renommer le fichier en %s (session.id)", "Renombrar el archivo a %s (session.id)"}
	msgFixToken   = Msg{"Take the content as the truth: write the token anew from application.id, session.id and team.id", "Tenir le contenu pour juste : écrire un nouveau jeton à partir de application.id, session.id et team.id", "Dar el contenido por correcto: escribir un token nuevo a partir de application.id, session.id y team.id"}
	msgFixValues  = Msg{"Correct %s", "Corriger %s", "Corregir %s"}
	msgFixSyntax  = Msg{"Remove %s (no value changes)", "Supprimer %s (aucune valeur ne change)", "Quitar %s (ningún valor cambia)"}
	msgFixMarks   = Msg{"the extra byte-order mark at the start", "la marque d'ordre des octets en trop au début", "la marca de orden de bytes de más al principio"}
	msgFixComma   = Msg{"the trailing comma at %s", "la virgule finale en %s", "la coma final en %s"}
	msgFixCommas  = Msg{"the trailing commas at %s", "les virgules finales en %s", "las comas finales en %s"}
	msgFixAnd     = Msg{"%s and %s", "%s et %s", "%s y %s"}
	msgNoSyntax   = Msg{"only a trailing comma or an extra byte-order mark can be removed without guessing: correct this syntax error in an editor", "seules une virgule finale ou une marque d'ordre des octets en trop s'enlèvent sans deviner : corrigez cette erreur de syntaxe dans un éditeur", "solo una coma final o una marca de orden de bytes de más se quitan sin adivinar: corrija este error de sintaxis en un editor"}
	msgNoValue    = Msg{"the value of %s (%s) cannot be told without guessing", "la valeur de %s (%s) ne se déduit pas sans deviner", "el valor de %s (%s) no se deduce sin adivinar"}
	msgNoFolder   = Msg{"application.id and team.id make no app folder name (%q)", "application.id et team.id ne donnent pas de nom de dossier d'app (%q)", "application.id y team.id no dan un nombre de carpeta de app (%q)"}
	msgNoName     = Msg{"session.id %q makes no session file name", "session.id %q ne donne pas de nom de fichier de session", "session.id %q no da un nombre de archivo de sesión"}
	msgNoTarget   = Msg{"%s already exists", "%s existe déjà", "%s ya existe"}
	msgNoStale    = Msg{"the file is no longer as it was checked: check it again", "le fichier n'est plus tel qu'il a été vérifié : vérifiez-le à nouveau", "el archivo ya no es como se verificó: verifíquelo de nuevo"}
	msgNoProgress = Msg{"the only change the engine knows would not make the file pass this check", "la seule modification que connaît le moteur ne ferait pas passer cette vérification au fichier", "el único cambio que conoce el motor no haría pasar esta verificación al archivo"}
)

// checkRank is the place of each error's check in the order the checks run (rules.go): a fix must take its file
// past the check it failed, so that a chain of fixes ends.
var checkRank = map[Code]int{CodeMalformed: 0, CodeSchema: 1, CodeLocation: 2, CodeToken: 3}

// ProposeFix proposes the fix of e, the error c found in data, the bytes of the file at e.Path. It reads no
// file: bytes in, fix out. When the engine cannot fix e without guessing, the fix is of kind FixNone and says why.
// A proposed fix makes the file pass the check it failed; it may reveal the next check's error.
func (c *Checker) ProposeFix(e *Error, data []byte) *Fix {
	lang := c.Lang()
	none := func(m Msg, args ...any) *Fix {
		return &Fix{Path: e.Path, Code: e.Code, Kind: FixNone, Title: lang.Sprintf(m, args...), failed: e}
	}
	app, name, err := sessionPath(e.Path)
	if err != nil {
		return none(msgUnreadable, err)
	}
	if limit := c.Limits().MaxFileSize; int64(len(data)) > limit {
		return none(msgUnreadable, lang.Sprintf(msgTooLarge, formatSize(int64(len(data))), formatSize(limit)))
	}
	f := SessionFile{Path: e.Path, App: app, Name: name}
	if _, _, found := c.CheckBytes(f, data); found == nil || found.Code != e.Code {
		return none(msgNoStale)
	}
	doc, _ := c.parse(f, withoutBOM(data)) // nil for mobi 2

	var fix *Fix
	why := lang.Sprintf(msgNoSyntax) // for mobi 2, when there is nothing to remove
	switch e.Code {
	case CodeMalformed:
		fix = fixSyntax(data, lang)
	case CodeSchema:
		fix, why = fixValues(data, doc, c.compiledSchema().validate(doc, lang), lang)
	case CodeLocation:
		fix, why = fixLocation(f, sessionFromDoc(f.Path, f.App, doc), lang)
	case CodeToken:
		fix = fixToken(data, sessionFromDoc(f.Path, f.App, doc), lang)
	}
	if fix == nil {
		return &Fix{Path: e.Path, Code: e.Code, Kind: FixNone, Title: why, failed: e}
	}
	fix.Path, fix.Code, fix.ETag, fix.failed = e.Path, e.Code, ETag(data), e
	// The rules above are meant to pass the check; the check itself says whether they do. Text whose commas
	// or marks are removed and that still does not parse has some other syntax error.
	to, after := fix.result(e.Path, data)
	app, name, _ = sessionPath(to)
	if _, _, next := c.CheckBytes(SessionFile{Path: to, App: app, Name: name}, after); next != nil && checkRank[next.Code] <= checkRank[e.Code] {
		if e.Code == CodeMalformed {
			return none(msgNoSyntax)
		}
		return none(msgNoProgress)
	}
	return fix
}

// result is the path and the bytes of the file once the fix is applied.
func (f *Fix) result(path string, data []byte) (string, []byte) {
	switch f.Kind {
	case FixMove:
		return f.To, data
	case FixEdit:
		return path, []byte(f.Content)
	}
	return path, data
}

// ProposeFixes proposes the fixes that take a file past each check it fails, as far as the engine can without
// guessing: the first fixes e, each next one fixes the error that the one before reveals. When an error remains,
// the last fix is of kind FixNone and says why, and remaining is that error (nil: the fixed file passes).
// Like ProposeFix it reads no file: each fix is made from the bytes the ones before it leave.
func (c *Checker) ProposeFixes(e *Error, data []byte) (fixes []*Fix, remaining *Error) {
	path := e.Path
	// Each fix takes the file past one check at least: there are as many fixes as checks, at most.
	for range len(checkRank) {
		fix := c.ProposeFix(e, data)
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
func fixSyntax(data []byte, lang Lang) *Fix {
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
	var what []string
	if marks > 0 {
		what = append(what, lang.Sprintf(msgFixMarks))
	}
	switch len(places) {
	case 0:
	case 1:
		what = append(what, lang.Sprintf(msgFixComma, places[0]))
	default:
		what = append(what, lang.Sprintf(msgFixCommas, strings.Join(places, ", ")))
	}
	title := what[0]
	if len(what) == 2 {
		title = lang.Sprintf(msgFixAnd, what[0], what[1])
	}
	return &Fix{Kind: FixEdit, Title: lang.Sprintf(msgFixSyntax, title), Content: string(fixed)}
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
func fixValues(data []byte, doc map[string]any, violations []Violation, lang Lang) (*Fix, string) {
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
			return nil, lang.Sprintf(msgNoValue, pointerOrRoot(v.Pointer), v.Message)
		}
		value, ok := correct(old)
		if !ok {
			return nil, lang.Sprintf(msgNoValue, v.Pointer, v.Message)
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
	return &Fix{Kind: FixEdit, Title: lang.Sprintf(msgFixValues, strings.Join(pointers, ", ")), Changes: changes,
		Content: string(append(append([]byte{}, bom...), body...))}, ""
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// fixLocation moves the file to the folder and name its content gives.
func fixLocation(f SessionFile, s *Session, lang Lang) (*Fix, string) {
	folder, err := appFolder(s.TeamID, s.ApplicationID)
	if err != nil {
		return nil, lang.Sprintf(msgNoFolder, ExpectedFolder(s.TeamID, s.ApplicationID))
	}
	if !IsSessionName(s.ID) { // a schema of the user's own may let it through
		return nil, lang.Sprintf(msgNoName, s.ID)
	}
	to := folder + "/" + s.ID
	title := lang.Sprintf(msgFixMove, to)
	if folder == f.App {
		title = lang.Sprintf(msgFixRename, s.ID)
	}
	return &Fix{Kind: FixMove, Title: title, From: f.Path, To: to}, ""
}

// fixToken writes the token that the content gives.
func fixToken(data []byte, s *Session, lang Lang) *Fix {
	body := withoutBOM(data)
	bom := data[:len(data)-len(body)]
	token := rawJSON(EncodeToken(Token{AppNameID: s.ApplicationID, ID: s.ID, TeamID: s.TeamID}))
	body = replaceValue(body, "/token", token)
	return &Fix{Kind: FixEdit, Title: lang.Sprintf(msgFixToken), Changes: []Change{{Pointer: "/token", Old: rawJSON(s.Token), New: token}},
		Content: string(append(append([]byte{}, bom...), body...))}
}

// ApplyFix applies a fix that ProposeFix made, with the atomic writes of write.go. It is refused (KindConflict),
// changing nothing, when the file is no longer the one the fix was made from, or when a move's target exists.
func (c *Checker) ApplyFix(fsys afero.Fs, root string, f *Fix) error {
	if f.Kind == FixNone {
		return &OpError{Kind: KindInput, Path: f.Path, Msg: "no fix to apply: " + f.Title}
	}
	if f.ETag == "" {
		return &OpError{Kind: KindInput, Path: f.Path, Msg: "the fix names no etag: propose it again"}
	}
	limit := c.Limits().MaxFileSize
	if f.Kind == FixMove {
		return moveFile(fsys, root, f.From, f.To, f.ETag, limit)
	}
	_, err := WriteFile(fsys, root, f.Path, []byte(f.Content), WriteOptions{IfMatch: f.ETag, MaxFileSize: limit})
	return err
}

// moveFile moves a session file whose ETag is etag: it writes the target, which must not exist, then deletes the
// source. When the delete fails, the target goes again, so that no session is left twice.
func moveFile(fsys afero.Fs, root, from, to, etag string, limit int64) error {
	data, current, err := ReadFile(fsys, root, from, limit)
	if err != nil {
		return err
	}
	if current != etag {
		return changedOnDisk(from)
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
}

// FixReport is what fixing a folder did, or would do: the JSON of `mobisess fix --format json`.
type FixReport struct {
	DryRun bool        `json:"dryRun"`
	Files  []FileFixes `json:"files"` // one per file that failed a check, in the check's order
	// Errors are what fails once the fixes are applied: the folder checked again, or in a dry run the errors
	// that the fixes would leave.
	Errors []*Error `json:"errors"`
}

// FileFixes are the fixes of one file that failed a check, in the order they apply.
type FileFixes struct {
	Path    string `json:"path"`
	Error   *Error `json:"error"` // what the check found
	Fixes   []*Fix `json:"fixes"` // the last is of kind none when an error remains
	Applied int    `json:"applied"`
	Refused string `json:"refused,omitempty"` // why applying stopped: the file changed, a move's target appeared
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
		var left *Error
		if data, _, err := ReadFile(fsys, root, e.Path, c.Limits().MaxFileSize); err != nil {
			ff.Fixes, left = []*Fix{{Path: e.Path, Code: e.Code, Kind: FixNone, Title: c.Lang().Sprintf(msgUnreadable, opMessage(err))}}, e
		} else {
			ff.Fixes, left = c.ProposeFixes(e, data)
			ff.Fixes, left = c.claimTargets(fsys, root, ff.Fixes, left, targets)
		}
		if !opts.DryRun {
			for _, fix := range ff.Fixes {
				if fix.Kind == FixNone {
					break
				}
				if err := c.ApplyFix(fsys, root, fix); err != nil {
					ff.Refused = err.Error()
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
			none := &Fix{Path: fix.Path, Code: fix.Code, Kind: FixNone, Title: c.Lang().Sprintf(msgNoTarget, fix.To), failed: fix.failed}
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
