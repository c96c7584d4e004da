package core

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The rules that 4D does not publish, which docs/rules.md marks as inferred, live here, so that each can change
// in one place when 4D's real behaviour is known. Three stay beside what they are part of: what else is skipped
// (classify, folder.go), the schema (session.schema.json) and what a token may look like (DecodeToken, token.go).

// ExpectedFolder is the app folder a session file belongs in: [team.id "."] application.id. Documented for a
// team; without one (Android), application.id alone.
func ExpectedFolder(teamID, applicationID string) string {
	if teamID == "" {
		return applicationID
	}
	return teamID + "." + applicationID
}

// IsSessionName is the rule for a session file's name: not empty, hexadecimal (so without a dot, and not
// hidden). Inferred from 4D's Mobile Session Management component; 4D's current Mobile App Server component reads
// every file without an extension as a session, so the skip reason of another name says that 4D may judge it.
func IsSessionName(name string) bool {
	return name != "" && isHex(name)
}

// checksAfterParse are the checks that run on a well-formed file, in order; a file stops at the first that
// fails. Syntax, schema, then session data is the order of the command's own description; the location before
// the token follows the numbering of their codes (1 before 4).
var checksAfterParse = append([]sessionCheck{(*Checker).checkSchema}, checksAfterSchema...)

// checksAfterSchema are the checks after the schema's, which read only the session: they also finish the
// checks of a file that the quick path read (quickCheck), which has no doc.
var checksAfterSchema = []sessionCheck{
	(*Checker).checkLocation,
	(*Checker).checkToken,
}

type sessionCheck func(c *Checker, f SessionFile, data []byte, doc map[string]any, s *Session) *Error

// RefreshLoadsNewFiles says whether a refresh creates sessions for valid files it has not seen. 4D's page says a
// session is updated "if it already exists", and 4D creates one when an app logs in, not when a file appears, so
// a refresh reports them as "not loaded".
const RefreshLoadsNewFiles = false

// LoadAtStart says whether a server restores sessions from valid files when it starts, as 4D is inferred to do.
const LoadAtStart = true

// SameContent is what "the file changed" means: the parsed JSON values differ. Formatting, key order and
// number spelling (1.0 and 1) do not count. Duplicate keys count as the last one, as when decoding.
func SameContent(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !SameContent(av, bv) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !SameContent(a[i], b[i]) {
				return false
			}
		}
		return true
	case json.Number:
		b, ok := b.(json.Number)
		return ok && sameNumber(a, b)
	default:
		return a == b
	}
}

// sameNumber compares two JSON numbers by value, exactly and in time linear in their length: 1.0, 1 and 10e-1
// are the same, while two 400-digit numbers that differ in their last digit are not (float64, or any fixed
// precision, would round them together). Numbers whose exponent has more than 18 digits are compared by spelling.
func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, okx := canonicalNumber(string(a))
	y, oky := canonicalNumber(string(b))
	return okx && oky && x == y
}

// canonicalNumber writes a JSON number as sign, significant digits and the exponent of 0.DIGITS, so that
// numbers of equal value have equal forms. It reports false for what is not a JSON number or has a huge exponent.
func canonicalNumber(s string) (string, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) {
		return "", false
	}
	e := int64(0)
	if hasExp {
		digits := strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
		if len(digits) > 18 {
			return "", false
		}
		var err error
		if e, err = strconv.ParseInt(strings.TrimPrefix(exp, "+"), 10, 64); err != nil {
			return "", false
		}
	}
	digits := whole + frac
	lead := len(digits) - len(strings.TrimLeft(digits, "0"))
	digits = strings.TrimRight(digits[lead:], "0")
	if digits == "" {
		return "0", true // -0 is 0
	}
	e += int64(len(whole) - lead)
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + "0." + digits + "e" + strconv.FormatInt(e, 10), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
