package core

import (
	"bytes"
	"encoding/json"
)

// msgCannotFormat is why a text cannot be formatted: it is not one JSON value, as its check says (mobi 2).
var (
	msgCannotFormat   = Msg{"the text is not well-formed JSON, so it cannot be formatted: %s", "le texte n'est pas du JSON bien formé, il ne peut donc pas être mis en forme : %s", "el texto no es JSON bien formado, así que no se puede formatear: %s"}
	msgCannotFormatAt = Msg{"the text is not well-formed JSON, so it cannot be formatted: %s (line %d, column %d)", "le texte n'est pas du JSON bien formé, il ne peut donc pas être mis en forme : %s (ligne %d, colonne %d)", "el texto no es JSON bien formado, así que no se puede formatear: %s (línea %d, columna %d)"}
)

// Format lays out the JSON text of a session file for reading: one property or element per line, indented by
// tabs as 4D's JSON Stringify does with its pretty option. Only white space moves: every string and number stays
// as written (json.Indent copies them byte for byte), and so do properties given twice. A byte-order mark at the
// start and a line break at the end are kept. Text that is not one JSON value cannot be formatted: the error
// (KindInput) says why and where, in the words of the check of a file that is not well formed.
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
	lang := c.Lang()
	_, e := c.parse(SessionFile{}, body)
	if e == nil || e.Cause == "" {
		return &OpError{Kind: KindInput, Msg: lang.Sprintf(msgCannotFormat, syntaxCause(lang, err.Error()))}
	}
	if e.Line > 0 {
		return &OpError{Kind: KindInput, Msg: lang.Sprintf(msgCannotFormatAt, e.Cause, e.Line, e.Column)}
	}
	return &OpError{Kind: KindInput, Msg: lang.Sprintf(msgCannotFormat, e.Cause)}
}
