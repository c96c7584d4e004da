package core

import (
	"encoding/json"
	"math/big"
)

// The rules that 4D does not publish and that SPEC.md marks as inferred live here, so that each can change in
// one place when 4D's real behaviour is known. The schema itself is session.schema.json.

// ExpectedFolder is the app folder a session file belongs in: [team.id "."] application.id.
func ExpectedFolder(teamID, applicationID string) string {
	if teamID == "" {
		return applicationID
	}
	return teamID + "." + applicationID
}

// checksAfterParse are the checks that run on a well-formed file, in order; a file stops at the first that
// fails. The order after "well formed" is inferred from the order of 4D's error codes in its documentation.
var checksAfterParse = []func(c *Checker, f SessionFile, data []byte, doc map[string]any, s *Session) *Error{
	(*Checker).checkSchema,
	(*Checker).checkLocation,
	(*Checker).checkToken,
}

// RefreshLoadsNewFiles says whether a refresh creates sessions for valid files it has not seen. 4D creates a
// session when an app logs in, not when a file appears, so a refresh reports them as "not loaded".
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

// sameNumber compares two JSON numbers by value, well beyond float64 precision. big.Float rather than big.Rat:
// an exponent such as 1e999999999 must not allocate its digits.
func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, _, errx := big.ParseFloat(string(a), 10, 1024, big.ToNearestEven)
	y, _, erry := big.ParseFloat(string(b), 10, 1024, big.ToNearestEven)
	if errx != nil || erry != nil || x.IsInf() || y.IsInf() {
		return false // past big.Float's exponent range both would be Inf: different spellings count as different
	}
	return x.Cmp(y) == 0
}
