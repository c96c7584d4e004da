package core

import (
	"bytes"
	"encoding/json"

	"github.com/mobisess/mobisess/core/i18n"
)

// msgCannotFormat is why a text cannot be formatted: it is not one JSON value, as its check says (mobi 2).
var (
	msgCannotFormat   = i18n.Msg{En: "the text is not well-formed JSON, so it cannot be formatted: %s", Fr: "le texte n'est pas du JSON bien formé, il ne peut donc pas être mis en forme : %s", Es: "el texto no es JSON bien formado, así que no se puede formatear: %s"}
	msgCannotFormatAt = i18n.Msg{En: "the text is not well-formed JSON, so it cannot be formatted: %s (line %d, column %d)", Fr: "le texte n'est pas du JSON bien formé, il ne peut donc pas être mis en forme : %s (ligne %d, colonne %d)", Es: "el texto no es JSON bien formado, así que no se puede formatear: %s (línea %d, columna %d)"}
)

// FormatError is why a text cannot be formatted: it is not one JSON value. Why is said in a language by whoever
// shows it; Error says it in English.
type FormatError struct{ Why i18n.Text }

func (e *FormatError) Error() string { return e.Why.String() }

// Format lays out the JSON text of a session file for reading: one property or element per line, indented by
// tabs as 4D's JSON Stringify does with its pretty option. Only white space moves: every string and number stays
// as written (json.Indent copies them byte for byte), and so do properties given twice. A byte-order mark at the
// start and a line break at the end are kept. Text that is not one JSON value cannot be formatted: the error (a
// *FormatError, KindInput) says why and where, in the words of the check of a file that is not well formed.
func (c *Checker) Format(data []byte) ([]byte, error) {
	body := withoutBOM(data)
	var out bytes.Buffer
	out.Grow(len(data) + len(data)/4)
	out.Write(data[:len(data)-len(body)])
	if err := json.Indent(&out, body, "", "\t"); err != nil {
		return nil, c.cannotFormat(body, err)
	}
	// json.Indent copies the white space after the value as it is: the text ends with one line break, or none.
	formatted := bytes.TrimRight(out.Bytes(), " \t\r\n")
	if bytes.HasSuffix(bytes.TrimRight(body, " \t\r"), []byte("\n")) {
		formatted = append(formatted, '\n')
	}
	return formatted, nil
}

// cannotFormat says why body, which json.Indent refused with err, is not one JSON value: the cause and place that
// the check of the file gives (mobi 2).
func (c *Checker) cannotFormat(body []byte, err error) error {
	_, e := c.parse(SessionFile{}, body)
	switch {
	case e == nil || e.Cause.IsZero():
		return &FormatError{Why: i18n.New(&msgCannotFormat, syntaxCause(err.Error()))}
	case e.Line > 0:
		return &FormatError{Why: i18n.New(&msgCannotFormatAt, e.Cause, e.Line, e.Column)}
	}
	return &FormatError{Why: i18n.New(&msgCannotFormat, e.Cause)}
}
