// Package i18n holds the engine's words in each of its languages: a message (Msg) in English, French and
// Spanish, and a Text, a message with its arguments that is put into words only when it is shown. The engine's
// reports and errors carry Texts, not words: the renderers (package report), the console's documents and the
// CLI say them in the caller's language, so that showing a report in another language needs no new check.
package i18n

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lang is a language of the engine's messages.
type Lang string

const (
	English Lang = "en"
	French  Lang = "fr"
	Spanish Lang = "es"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{English, French, Spanish}

// ParseLang accepts "en", "fr", "es" and locale forms such as "fr_FR" or "es-419".
func ParseLang(s string) (Lang, error) {
	base := strings.ToLower(s)
	if i := strings.IndexAny(base, "_-."); i >= 0 {
		base = base[:i]
	}
	for _, l := range Langs {
		if string(l) == base {
			return l, nil
		}
	}
	return English, fmt.Errorf("unknown language %q (want en, fr or es)", s)
}

// Msg is one message in every language, as a fmt format.
type Msg struct{ En, Fr, Es string }

// in is m's format in l.
func (m *Msg) in(l Lang) string {
	switch l {
	case French:
		return m.Fr
	case Spanish:
		return m.Es
	}
	return m.En
}

// Sprintf renders m in lang l.
func (l Lang) Sprintf(m Msg, args ...any) string {
	return fmt.Sprintf(m.in(l), args...)
}

// Text is a message with its arguments, in no language until it is shown: String and its encodings (JSON, gob)
// say it in the language In gave it, English by default; Render in any. An argument may be a Text, said in the
// same language. The zero Text is empty.
type Text struct {
	msg  *Msg
	args []any
	lang Lang
	kind textKind
	// lower: the first letter in lower case, as a part that follows another (Lower).
	lower bool
}

type textKind uint8

const (
	ofMsg  textKind = iota // msg with args
	plain                  // args[0], a string: words that are the same in every language
	joined                 // args[1:], Texts, joined by args[0], a string
)

// New is the Text of m with args.
func New(m *Msg, args ...any) Text { return Text{msg: m, args: args} }

// Plain is words that are the same in every language: a name, or a message from outside the engine. Plain("")
// is the empty Text.
func Plain(s string) Text {
	if s == "" {
		return Text{}
	}
	return Text{args: []any{s}, kind: plain}
}

// Join is the parts said one after the other, sep between them.
func Join(sep string, parts ...Text) Text {
	args := make([]any, 0, len(parts)+1)
	args = append(args, sep)
	for _, p := range parts {
		args = append(args, p)
	}
	return Text{args: args, kind: joined}
}

// Lower is t with its first letter in lower case, as a part that follows another.
func Lower(t Text) Text {
	t.lower = true
	return t
}

// IsZero says whether t is empty: the zero Text, which JSON leaves out where a field says omitzero.
func (t Text) IsZero() bool { return t.msg == nil && len(t.args) == 0 }

// In is t said in l by String and its encodings.
func (t Text) In(l Lang) Text {
	t.lang = l
	return t
}

// String is t in its language (In), English by default.
func (t Text) String() string { return t.Render(t.lang) }

// Render is t in l.
func (t Text) Render(l Lang) string {
	var s string
	switch t.kind {
	case plain:
		s = t.args[0].(string)
	case joined:
		parts := make([]string, len(t.args)-1)
		for i, p := range t.args[1:] {
			parts[i] = p.(Text).Render(l)
		}
		s = strings.Join(parts, t.args[0].(string))
	default:
		if t.msg == nil {
			return ""
		}
		s = t.msg.in(l)
		if len(t.args) > 0 {
			s = fmt.Sprintf(s, rendered(t.args, l)...)
		}
	}
	if t.lower {
		r, size := utf8.DecodeRuneInString(s)
		s = string(unicode.ToLower(r)) + s[size:]
	}
	return s
}

// rendered is args with each Text among them said in l.
func rendered(args []any, l Lang) []any {
	out := args
	for i, a := range args {
		if t, ok := a.(Text); ok {
			if &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[i] = t.Render(l)
		}
	}
	return out
}

// MarshalText says t in its language: JSON has t as a string.
func (t Text) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a Text from its words, which then stay as they are (Plain).
func (t *Text) UnmarshalText(b []byte) error {
	*t = Plain(string(b))
	return nil
}

// GobEncode keeps t's words in its language: decoded, it is those words (Plain).
func (t Text) GobEncode() ([]byte, error) { return []byte(t.String()), nil }

// GobDecode reads what GobEncode wrote.
func (t *Text) GobDecode(data []byte) error {
	*t = Plain(string(data))
	return nil
}
