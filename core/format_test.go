package core

import (
	"errors"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/i18n"
)

// Format moves white space only: every literal as written, a property given twice kept twice, the byte-order
// mark and the final line break kept; tabs, as 4D's JSON Stringify writes a pretty file.
func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"one line, as 4D writes it", `{"a":{"b":1},"c":[1,2]}`, "{\n\t\"a\": {\n\t\t\"b\": 1\n\t},\n\t\"c\": [\n\t\t1,\n\t\t2\n\t]\n}"},
		{"literals as written", `{"n":1.50,"big":1e400,"s":"\u00e9\/x","t":true,"z":null}`,
			"{\n\t\"n\": 1.50,\n\t\"big\": 1e400,\n\t\"s\": \"\\u00e9\\/x\",\n\t\"t\": true,\n\t\"z\": null\n}"},
		{"a property given twice", `{"status":"pending","status":"accepted"}`, "{\n\t\"status\": \"pending\",\n\t\"status\": \"accepted\"\n}"},
		{"the byte-order mark and the final line break", "\uFEFF{\"a\":1}\r\n", "\uFEFF{\n\t\"a\": 1\n}\n"},
		{"formatted already", "{\n\t\"a\": 1\n}\n", "{\n\t\"a\": 1\n}\n"},
		{"empty containers", `{"a":{},"b":[]}`, "{\n\t\"a\": {},\n\t\"b\": []\n}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (&Checker{}).Format([]byte(tt.in))
			if err != nil || string(got) != tt.want {
				t.Errorf("Format(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// Text that is not one JSON value is not formatted: the error says so, with the check's cause and place, in
// whichever language it is said.
func TestFormatRefuses(t *testing.T) {
	for _, tt := range []struct {
		name     string
		lang     i18n.Lang
		in, want string
	}{
		{"a missing comma", "en", "{\n\t\"a\": 1\n\t\"b\": 2\n}", `the text is not well-formed JSON, so it cannot be formatted: `},
		{"its place", "en", "{\n\t\"a\": 1\n\t\"b\": 2\n}", `(line 3, column 2)`},
		{"in French", "fr", "{\n\t\"a\": 1\n\t\"b\": 2\n}", `le texte n'est pas du JSON bien formé, il ne peut donc pas être mis en forme : `},
		{"data after the object", "en", `{"a":1} {"b":2}`, "unexpected data after the object"},
		{"empty", "en", "  \n", "the file is empty"},
		{"cut short", "es", `{"a":`, "el texto no es JSON bien formado"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (&Checker{}).Format([]byte(tt.in))
			var fe *FormatError
			if !errors.As(err, &fe) || KindOf(err) != KindInput || !strings.Contains(fe.Why.Render(tt.lang), tt.want) {
				t.Errorf("Format(%q) = %q, %v; want an input error saying %q", tt.in, got, err, tt.want)
			}
		})
	}
}
