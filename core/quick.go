package core

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The quick path: for the embedded schema, one pass over the bytes that validates the JSON, applies the
// schema's rules, reads the session's fields and runs the location and token checks, without building a map.
// Almost every file of a real folder passes, and for those the answer is the same as the four checks'. Where it
// is not sure (an error, an escape it does not read, a token written another way) it says no, and the full
// checks run and explain. FuzzQuickAgrees holds it to that: quick acceptance implies acceptance by the full
// checks, with the same session.
//
// Its rules are read from the schema itself (quickRulesOf), so that they follow it by construction; a schema
// that uses anything they do not implement exactly turns the quick path off.

// maxQuickDepth matches encoding/json's nesting limit; deeper files take the full path, which says why.
const maxQuickDepth = 10000

// maxQuickKeys bounds the properties of one object rule: which of them occurred is kept in a uint64's bits.
const maxQuickKeys = 64

// filledField is where one property goes: str for a string field, flag for the boolean one.
type filledField struct {
	pointer string
	str     func(*Session) *string
	flag    func(*Session) **bool
}

// filledFields says which property of a session file fills which field of Session, as sessionFromDoc reads
// them (TestFilledFieldsAgree holds the two together).
var filledFields = [...]filledField{
	{pointer: "/session/id", str: func(s *Session) *string { return &s.ID }},
	{pointer: "/status", str: func(s *Session) *string { return &s.Status }},
	{pointer: "/email", str: func(s *Session) *string { return &s.Email }},
	{pointer: "/application/id", str: func(s *Session) *string { return &s.ApplicationID }},
	{pointer: "/application/name", str: func(s *Session) *string { return &s.ApplicationName }},
	{pointer: "/application/version", str: func(s *Session) *string { return &s.ApplicationVersion }},
	{pointer: "/team/id", str: func(s *Session) *string { return &s.TeamID }},
	{pointer: "/device/description", str: func(s *Session) *string { return &s.Device }},
	{pointer: "/device/id", str: func(s *Session) *string { return &s.DeviceID }},
	{pointer: "/device/os", str: func(s *Session) *string { return &s.OS }},
	{pointer: "/device/version", str: func(s *Session) *string { return &s.OSVersion }},
	{pointer: "/device/simulator", flag: func(s *Session) **bool { return &s.Simulator }},
	{pointer: "/language/id", str: func(s *Session) *string { return &s.Language }},
	{pointer: "/session/ip", str: func(s *Session) *string { return &s.IP }},
	{pointer: "/token", str: func(s *Session) *string { return &s.Token }},
}

// quickType is a rule's "type": absent (any), or one of the three the session schema uses.
type quickType uint8

const (
	typeAny quickType = iota
	typeObject
	typeString
	typeBoolean
)

// quickRule is what the quick path knows of one subschema. As in JSON Schema, each constraint applies to the
// values of its kind only: keys and required to objects, minLength and pattern to strings.
type quickRule struct {
	typ       quickType
	never     bool // the schema false: no value is valid
	hasEnum   bool // enum: its values, all strings, are in enum
	enum      []string
	minLength int // in code points, as JSON Schema counts
	pattern   func([]byte) bool
	keys      []quickKey // properties and required names
	required  uint64     // the bits of keys that must be present
	field     int        // the index in filledFields of the field this value fills, or -1
	below     []int      // the fields this value and its members fill: a new occurrence clears them first
}

type quickKey struct {
	name string
	rule *quickRule
}

// quickPatterns are the patterns the quick path implements exactly (Go's regexp: $ is the end of the text).
var quickPatterns = map[string]func([]byte) bool{
	"^[0-9A-Fa-f]+$": hexBytes,
	"^[0-9a-fA-F]+$": hexBytes,
}

func hexBytes(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return len(b) > 0
}

// quickAnnotations are keywords that do not change which documents validate.
var quickAnnotations = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "title": true, "description": true, "default": true, "examples": true,
}

// embeddedQuickRules are the rules of the embedded schema, read at first use; nil when the quick path is off.
var embeddedQuickRules = sync.OnceValue(func() *quickRule { return quickRulesOf(SchemaJSON) })

// quickRulesOf reads the rules of a schema, with the session's fields attached; nil when the schema uses a
// keyword, a type or a pattern the quick path does not implement exactly, so that it never has to be right
// about them.
func quickRulesOf(schema []byte) *quickRule {
	dec := json.NewDecoder(bytes.NewReader(schema))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return nil
	}
	root, ok := quickRuleOf(doc)
	if !ok {
		return nil
	}
	for i, f := range filledFields {
		r := root
		for _, name := range strings.Split(f.pointer[1:], "/") {
			r.below = append(r.below, i)
			k := r.key(name)
			if k < 0 {
				if len(r.keys) == maxQuickKeys {
					return nil
				}
				r.keys = append(r.keys, quickKey{name: name, rule: &quickRule{field: -1}})
				k = len(r.keys) - 1
			}
			r = r.keys[k].rule
		}
		r.field = i
		r.below = append(r.below, i)
	}
	root.below = nil // the session starts empty: nothing to clear
	return root
}

func quickRuleOf(v any) (*quickRule, bool) {
	r := &quickRule{field: -1}
	if b, ok := v.(bool); ok {
		r.never = !b
		return r, true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	var required []string
	for _, name := range slices.Sorted(maps.Keys(m)) { // the same rules, in the same order, each time
		switch x := m[name]; name {
		case "type":
			switch x {
			case "object":
				r.typ = typeObject
			case "string":
				r.typ = typeString
			case "boolean":
				r.typ = typeBoolean
			default:
				return nil, false
			}
		case "enum":
			if r.enum, ok = stringList(x); !ok {
				return nil, false
			}
			r.hasEnum = true
		case "minLength":
			n, ok := x.(json.Number)
			if !ok {
				return nil, false
			}
			min, err := strconv.Atoi(n.String())
			if err != nil || min < 0 {
				return nil, false
			}
			r.minLength = min
		case "pattern":
			p, _ := x.(string)
			if r.pattern = quickPatterns[p]; r.pattern == nil {
				return nil, false
			}
		case "properties":
			props, ok := x.(map[string]any)
			if !ok {
				return nil, false
			}
			for _, key := range slices.Sorted(maps.Keys(props)) {
				rule, ok := quickRuleOf(props[key])
				if !ok {
					return nil, false
				}
				r.keys = append(r.keys, quickKey{name: key, rule: rule})
			}
		case "required":
			if required, ok = stringList(x); !ok {
				return nil, false
			}
		case "additionalProperties":
			if x != true { // the default: other properties are allowed
				return nil, false
			}
		default:
			if !quickAnnotations[name] {
				return nil, false
			}
		}
	}
	for _, name := range required {
		k := r.key(name)
		if k < 0 {
			r.keys = append(r.keys, quickKey{name: name, rule: &quickRule{field: -1}})
			k = len(r.keys) - 1
		}
		if k >= maxQuickKeys {
			return nil, false
		}
		r.required |= 1 << k
	}
	if len(r.keys) > maxQuickKeys {
		return nil, false
	}
	return r, true
}

// stringList reads a JSON array of strings.
func stringList(x any) ([]string, bool) {
	list, ok := x.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// key is the index of name among r's keys, or -1. A short slice scanned in order costs less than a map here.
func (r *quickRule) key(name string) int {
	for i := range r.keys {
		if r.keys[i].name == name {
			return i
		}
	}
	return -1
}

// readsStrings says whether the rule needs a string's content: a string with escapes is then left to the
// full path.
func (r *quickRule) readsStrings() bool {
	return r.hasEnum || r.minLength > 0 || r.pattern != nil || r.field >= 0
}

func (r *quickRule) inEnum(b []byte) bool {
	for _, e := range r.enum {
		if string(b) == e {
			return true
		}
	}
	return false
}

// validString applies the rule's string constraints to b, a string's content without escapes.
func (r *quickRule) validString(b []byte) bool {
	if r.hasEnum && !r.inEnum(b) {
		return false
	}
	if len(b) < r.minLength || r.minLength > 1 && utf8.RuneCount(b) < r.minLength {
		return false
	}
	return r.pattern == nil || r.pattern(b)
}

type quickScanner struct {
	data  []byte
	i     int
	depth int
	s     *Session
	// Where the last occurrence of each string field lies in data: the strings are made at the end, in one
	// allocation for all of them.
	spans [len(filledFields)]struct{ start, end int }
}

// quickCheck returns the session of a file that passes the first two checks (well formed, valid against the
// embedded schema), or false: the file is then left to the full checks. data has no BOM.
func quickCheck(f SessionFile, data []byte) (*Session, bool) {
	return embeddedQuickRules().check(f, data)
}

// check is quickCheck under the rules r (nil: the quick path is off).
func (r *quickRule) check(f SessionFile, data []byte) (*Session, bool) {
	if r == nil {
		return nil, false
	}
	s := &Session{Path: f.Path, App: f.App}
	sc := quickScanner{data: data, s: s}
	sc.ws()
	if sc.peek() != '{' {
		return nil, false
	}
	if valid, ok := sc.ruled(r); !ok || !valid {
		return nil, false
	}
	if sc.ws(); sc.i != len(data) {
		return nil, false
	}
	sc.fill()
	return s, true
}

// ruled reads the value at the scanner against r, filling r's field, and says whether the value is valid. ok
// is false when the quick path cannot read on.
func (sc *quickScanner) ruled(r *quickRule) (valid, ok bool) {
	switch sc.peek() {
	case '{':
		valid = (r.typ == typeAny || r.typ == typeObject) && !r.hasEnum
		if len(r.keys) == 0 {
			ok = sc.value()
		} else {
			var members bool
			members, ok = sc.ruledObject(r)
			valid = valid && members
		}
	case '"':
		if !r.readsStrings() {
			valid, ok = r.typ == typeAny || r.typ == typeString, sc.anyString()
			break
		}
		var b []byte
		start := sc.i + 1
		if b, ok = sc.rawString(); !ok {
			return false, false
		}
		valid = (r.typ == typeAny || r.typ == typeString) && r.validString(b)
		if r.field >= 0 && filledFields[r.field].str != nil {
			sc.spans[r.field].start, sc.spans[r.field].end = start, start+len(b)
		}
	case 't', 'f':
		var b bool
		if b, ok = sc.boolean(); !ok {
			return false, false
		}
		valid = (r.typ == typeAny || r.typ == typeBoolean) && !r.hasEnum
		if r.field >= 0 && filledFields[r.field].flag != nil {
			*filledFields[r.field].flag(sc.s) = &b
		}
	default:
		valid, ok = r.typ == typeAny && !r.hasEnum, sc.value()
	}
	return valid && !r.never, ok
}

// ruledObject reads an object against r's keys; the last occurrence of a key is the one that counts, as when
// decoding. Keys with escapes are left to the full path: one could be a known key written another way.
func (sc *quickScanner) ruledObject(r *quickRule) (valid, ok bool) {
	if empty, ok := sc.enter('}'); !ok || empty {
		return r.required == 0, ok
	}
	var present, good uint64
	for {
		key, ok := sc.rawString()
		if !ok || !sc.colon() {
			return false, false
		}
		k := -1
		for i := range r.keys { // r.key, without making a string of the key

			if string(key) == r.keys[i].name {
				k = i
				break
			}
		}
		if k < 0 {
			if !sc.value() {
				return false, false
			}
		} else {
			rule, bit := r.keys[k].rule, uint64(1)<<k
			if present&bit != 0 { // the fields were empty at the key's first occurrence
				for _, f := range rule.below {
					sc.clear(f)
				}
			}
			v, ok := sc.ruled(rule)
			if !ok {
				return false, false
			}
			present |= bit
			if v {
				good |= bit
			} else {
				good &^= bit
			}
		}
		if more, ok := sc.next('}'); !ok || !more {
			return ok && present&^good == 0 && r.required&^present == 0, ok
		}
	}
}

// clear empties a field before a new occurrence of its property, which replaces the old one.
func (sc *quickScanner) clear(f int) {
	if filledFields[f].str != nil {
		sc.spans[f].start, sc.spans[f].end = 0, 0
	} else {
		*filledFields[f].flag(sc.s) = nil
	}
}

// fill makes the session's strings: one copy of their bytes, which they share, instead of one allocation each
// (they live and die with their session).
func (sc *quickScanner) fill() {
	n := 0
	for _, sp := range sc.spans {
		n += sp.end - sp.start
	}
	var b strings.Builder // its String is the bytes it grew, not a copy
	b.Grow(n)
	for _, sp := range sc.spans {
		b.Write(sc.data[sp.start:sp.end])
	}
	all := b.String()
	for i, sp := range sc.spans {
		if str := filledFields[i].str; str != nil {
			*str(sc.s), all = all[:sp.end-sp.start], all[sp.end-sp.start:]
		}
	}
}

// quickTokenMatches compares the token with the one 4D writes for the session's fields, without decoding it:
// its '=' padding dropped and the standard alphabet read as the URL one, as DecodeToken reads them. A token
// written any other way (other key order, escapes, spare bits) takes the full path, which decides.
func quickTokenMatches(s *Session) bool {
	raw := strings.TrimRight(s.Token, "=")
	var buf [256]byte
	want := AppendToken(buf[:0], Token{AppNameID: s.ApplicationID, ID: s.ID, TeamID: s.TeamID})
	if raw == string(want) || len(raw) != len(want) {
		return raw == string(want)
	}
	var std, url bool
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '+':
			c, std = '-', true
		case '/':
			c, std = '_', true
		case '-', '_':
			url = true
		}
		if c != want[i] {
			return false
		}
	}
	return !(std && url) // DecodeToken reads a token with '+' or '/' in the standard alphabet, where '-' and '_' are not
}

func (sc *quickScanner) peek() byte {
	if sc.i < len(sc.data) {
		return sc.data[sc.i]
	}
	return 0
}

// jsonSpace marks the four bytes JSON reads as white space: one load a byte where pretty-printed files have many.
var jsonSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

func (sc *quickScanner) ws() {
	for sc.i < len(sc.data) && jsonSpace[sc.data[sc.i]] {
		sc.i++
	}
}

// colon steps past the ':' after a key and the space around it.
func (sc *quickScanner) colon() bool {
	sc.ws()
	if sc.peek() != ':' {
		return false
	}
	sc.i++
	sc.ws()
	return true
}

// enter steps into the object or array at the scanner; empty is true when it closes at once (and is left).
func (sc *quickScanner) enter(close byte) (empty, ok bool) {
	sc.depth++
	if sc.depth > maxQuickDepth {
		return false, false
	}
	sc.i++
	sc.ws()
	if sc.peek() == close {
		sc.i++
		sc.depth--
		return true, true
	}
	return false, true
}

// next steps past what follows a member or element: more after a comma, not after close (which is left).
func (sc *quickScanner) next(close byte) (more, ok bool) {
	sc.ws()
	switch sc.peek() {
	case ',':
		sc.i++
		sc.ws()
		return true, true
	case close:
		sc.i++
		sc.depth--
		return false, true
	}
	return false, false
}

// rawString reads a string without escapes and returns its bytes; a string with escapes is left to the full
// path (a key or value written with escapes is rare enough not to be worth decoding here).
func (sc *quickScanner) rawString() ([]byte, bool) {
	if sc.peek() != '"' {
		return nil, false
	}
	start := sc.i + 1
	for j := start; j < len(sc.data); j++ {
		j += plainRun(sc.data[j:])
		if j >= len(sc.data) {
			break
		}
		switch c := sc.data[j]; {
		case c == '"':
			sc.i = j + 1
			return sc.data[start:j], true
		case c >= utf8.RuneSelf:
			if j = sc.rune(j); j < 0 {
				return nil, false
			}
		default: // an escape or a control character
			return nil, false
		}
	}
	return nil, false
}

// rune checks the UTF-8 sequence at j and returns the index of its last byte, or -1. Bytes outside strings
// are ASCII or a syntax error, so checking the strings' is checking the file's.
func (sc *quickScanner) rune(j int) int {
	r, size := utf8.DecodeRune(sc.data[j:])
	if r == utf8.RuneError && size == 1 {
		return -1
	}
	return j + size - 1
}

// plainRun is how many leading bytes of b are printable ASCII other than '"' and '\\': the bytes a string
// holds as themselves. It looks at eight bytes at a time, since most of a session file is inside strings.
func plainRun(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := 0
	for ; n+8 <= len(b); n += 8 {
		w := binary.LittleEndian.Uint64(b[n:])
		quote, backslash := w^(ones*'"'), w^(ones*'\\')
		// The high bit of each byte that is non-ASCII, below 0x20, or '"' or '\\' (zero after the xor). A borrow
		// can mark a byte above a marked one, never below: the lowest mark is the first such byte.
		if m := (w | (w-ones*0x20)&^w | (quote-ones)&^quote | (backslash-ones)&^backslash) & highs; m != 0 {
			return n + bits.TrailingZeros64(m)/8
		}
	}
	for ; n < len(b); n++ {
		if c := b[n]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			break
		}
	}
	return n
}

func (sc *quickScanner) boolean() (bool, bool) {
	switch {
	case bytes.HasPrefix(sc.data[sc.i:], []byte("true")):
		sc.i += 4
		return true, true
	case bytes.HasPrefix(sc.data[sc.i:], []byte("false")):
		sc.i += 5
		return false, true
	}
	return false, false
}

// value reads and validates any JSON value that no rule looks into.
func (sc *quickScanner) value() bool {
	if sc.i >= len(sc.data) {
		return false
	}
	switch c := sc.data[sc.i]; {
	case c == '{':
		if empty, ok := sc.enter('}'); !ok || empty {
			return ok
		}
		for {
			if sc.peek() != '"' || !sc.anyString() || !sc.colon() || !sc.value() {
				return false
			}
			if more, ok := sc.next('}'); !ok || !more {
				return ok
			}
		}
	case c == '[':
		if empty, ok := sc.enter(']'); !ok || empty {
			return ok
		}
		for {
			if !sc.value() {
				return false
			}
			if more, ok := sc.next(']'); !ok || !more {
				return ok
			}
		}
	case c == '"':
		return sc.anyString()
	case c == 't':
		return sc.literal("true")
	case c == 'f':
		return sc.literal("false")
	case c == 'n':
		return sc.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return sc.number()
	}
	return false
}

// anyString validates a string that is not read, escapes included.
func (sc *quickScanner) anyString() bool {
	for j := sc.i + 1; j < len(sc.data); j++ {
		j += plainRun(sc.data[j:])
		if j >= len(sc.data) {
			return false
		}
		switch c := sc.data[j]; {
		case c == '"':
			sc.i = j + 1
			return true
		case c < 0x20:
			return false
		case c >= utf8.RuneSelf:
			if j = sc.rune(j); j < 0 {
				return false
			}
		case c == '\\':
			j++
			if j >= len(sc.data) {
				return false
			}
			switch sc.data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(sc.data) || !isHex(string(sc.data[j+1:j+5])) {
					return false
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}

func (sc *quickScanner) literal(word string) bool {
	if !bytes.HasPrefix(sc.data[sc.i:], []byte(word)) {
		return false
	}
	sc.i += len(word)
	return true
}

// number follows JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *quickScanner) number() bool {
	d := sc.data
	i := sc.i
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i - start
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	sc.i = i
	return true
}
