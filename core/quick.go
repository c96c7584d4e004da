package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"unicode/utf8"
)

// The quick path: for the embedded schema, one pass over the bytes that validates the JSON, applies the
// schema's rules, reads the session's fields and runs the location and token checks, without building a map.
// Almost every file of a real folder passes, and for those the answer is the same as the four checks'. Where it
// is not sure (an error, an escape it does not read, a token written another way) it says no, and the full
// checks run and explain. FuzzQuickAgrees holds it to that: quick acceptance implies acceptance by the full
// checks, with the same session.

// quickSchemaSum is the SHA-256 of session.schema.json that the rules below implement. A test fails when the
// schema changes without them.
const quickSchemaSum = "6d86262ce1708d0f401958dad9ebb0c7dcf3ab21ad1a3d1aa6df5ccd003754d9"

func schemaSum() string {
	sum := sha256.Sum256(SchemaJSON)
	return hex.EncodeToString(sum[:])
}

// maxQuickDepth matches encoding/json's nesting limit; deeper files take the full path, which says why.
const maxQuickDepth = 10000

type quickScanner struct {
	data  []byte
	i     int
	depth int
}

// prop is what the quick path knows of a property: whether it occurred and whether its last occurrence is
// valid. The last occurrence is the one that counts, as when decoding.
type prop struct{ present, valid bool }

func (p *prop) set(valid bool) { p.present, p.valid = true, valid }

// ok says whether the property satisfies the schema: valid when present, and present when required.
func (p prop) ok(required bool) bool { return p.valid || !p.present && !required }

func nonEmpty(s string) bool  { return s != "" }
func hexID(s string) bool     { return s != "" && isHex(s) }
func sendValue(s string) bool { return s == "link" || s == "code" }
func statusValue(s string) bool {
	return s == StatusAccepted || s == StatusPending
}

// quickCheck returns the session of a file that passes all four checks under the embedded schema, or false.
// data has no BOM.
func quickCheck(f SessionFile, data []byte) (*Session, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	sc := quickScanner{data: data}
	s := &Session{Path: f.Path, App: f.App}
	var application, team, language, email, device, send, parameters, userInfo, session, status, token prop
	var tokenBytes []byte
	sc.ws()
	if sc.peek() != '{' {
		return nil, false
	}
	ok := sc.object(func(key []byte) bool {
		switch string(key) {
		case "application":
			var id, name, version prop
			s.ApplicationID, s.ApplicationName, s.ApplicationVersion = "", "", ""
			return sc.objectProp(&application, func(k []byte) bool {
				switch string(k) {
				case "id":
					return sc.strProp(&s.ApplicationID, &id, nonEmpty)
				case "name":
					return sc.strProp(&s.ApplicationName, &name, nil)
				case "version":
					return sc.strProp(&s.ApplicationVersion, &version, nil)
				}
				return sc.value()
			}, func() bool { return id.ok(true) && name.ok(false) && version.ok(false) })
		case "team":
			var id, name prop
			s.TeamID = ""
			return sc.objectProp(&team, func(k []byte) bool {
				switch string(k) {
				case "id":
					return sc.strProp(&s.TeamID, &id, nil)
				case "name":
					return sc.strProp(nil, &name, nil)
				}
				return sc.value()
			}, func() bool { return id.ok(false) && name.ok(false) })
		case "language":
			var id, code, region prop
			s.Language = ""
			return sc.objectProp(&language, func(k []byte) bool {
				switch string(k) {
				case "id":
					return sc.strProp(&s.Language, &id, nil)
				case "code":
					return sc.strProp(nil, &code, nil)
				case "region":
					return sc.strProp(nil, &region, nil)
				}
				return sc.value()
			}, func() bool { return id.ok(false) && code.ok(false) && region.ok(false) })
		case "email":
			return sc.strProp(&s.Email, &email, nil)
		case "device":
			var id, description, version, os, pushToken, simulator, jb prop
			s.DeviceID, s.Device, s.OSVersion, s.OS, s.Simulator = "", "", "", "", nil
			return sc.objectProp(&device, func(k []byte) bool {
				switch string(k) {
				case "id":
					return sc.strProp(&s.DeviceID, &id, nil)
				case "description":
					return sc.strProp(&s.Device, &description, nil)
				case "version":
					return sc.strProp(&s.OSVersion, &version, nil)
				case "os":
					return sc.strProp(&s.OS, &os, nil)
				case "token":
					return sc.strProp(nil, &pushToken, nil)
				case "simulator":
					return sc.boolProp(&s.Simulator, &simulator)
				case "jb":
					var b *bool
					return sc.boolProp(&b, &jb)
				}
				return sc.value()
			}, func() bool {
				return id.ok(false) && description.ok(false) && version.ok(false) && os.ok(false) &&
					pushToken.ok(false) && simulator.ok(false) && jb.ok(false)
			})
		case "send":
			return sc.strProp(nil, &send, sendValue)
		case "parameters":
			return sc.objectProp(&parameters, func([]byte) bool { return sc.value() }, func() bool { return true })
		case "userInfo":
			return sc.objectProp(&userInfo, func([]byte) bool { return sc.value() }, func() bool { return true })
		case "session":
			var id, ip prop
			s.ID, s.IP = "", ""
			return sc.objectProp(&session, func(k []byte) bool {
				switch string(k) {
				case "id":
					return sc.strProp(&s.ID, &id, hexID)
				case "ip":
					return sc.strProp(&s.IP, &ip, nil)
				}
				return sc.value()
			}, func() bool { return id.ok(true) && ip.ok(false) })
		case "status":
			return sc.strProp(&s.Status, &status, statusValue)
		case "token":
			start := sc.i
			if !sc.strProp(&s.Token, &token, nonEmpty) {
				return false
			}
			if token.valid { // a string without escapes: its bytes are those between the quotes
				tokenBytes = sc.data[start+1 : sc.i-1]
			}
			return true
		}
		return sc.value()
	})
	if !ok || !application.ok(true) || !session.ok(true) || !status.ok(true) || !token.ok(true) ||
		!team.ok(false) || !language.ok(false) || !email.ok(false) || !device.ok(false) || !send.ok(false) ||
		!parameters.ok(false) || !userInfo.ok(false) {
		return nil, false
	}
	if sc.ws(); sc.i != len(data) {
		return nil, false
	}
	if f.App != ExpectedFolder(s.TeamID, s.ApplicationID) || f.Name != s.ID {
		return nil, false
	}
	return s, quickTokenMatches(s, tokenBytes)
}

func (sc *quickScanner) peek() byte {
	if sc.i < len(sc.data) {
		return sc.data[sc.i]
	}
	return 0
}

// strProp reads a property that must be a string (satisfying rule, when given). A value of another type is
// read as absent, as the full checks read it, and marks the property invalid. The result is false only when
// the quick path cannot read on.
// A nil dst reads a property the session does not keep, without making a string of it.
func (sc *quickScanner) strProp(dst *string, p *prop, rule func(string) bool) bool {
	if sc.peek() != '"' {
		if dst != nil {
			*dst = ""
		}
		p.set(false)
		return sc.value()
	}
	if dst == nil {
		b, ok := sc.rawString()
		if !ok {
			return false
		}
		p.set(rule == nil || rule(string(b)))
		return true
	}
	v, ok := sc.str()
	if !ok {
		return false
	}
	*dst = v
	p.set(rule == nil || rule(v))
	return true
}

func (sc *quickScanner) boolProp(dst **bool, p *prop) bool {
	if b, ok := sc.boolean(); ok {
		*dst = &b
		p.set(true)
		return true
	}
	*dst = nil
	p.set(false)
	return sc.value()
}

// objectProp reads a property that must be an object, then asks valid whether its members were.
func (sc *quickScanner) objectProp(p *prop, member func(key []byte) bool, valid func() bool) bool {
	if sc.peek() != '{' {
		p.set(false)
		return sc.value()
	}
	if !sc.object(member) {
		return false
	}
	p.set(valid())
	return true
}

// quickTokenMatches decodes the token (raw: its bytes, s.Token) and compares it with the JSON 4D writes for the
// session's fields. A
// token that decodes to anything else (other key order, a missing teamID, escapes) takes the full path.
func quickTokenMatches(s *Session, raw []byte) bool {
	for len(raw) > 0 && raw[len(raw)-1] == '=' {
		raw = raw[:len(raw)-1]
	}
	enc := base64.RawURLEncoding
	if bytes.ContainsAny(raw, "+/") {
		enc = base64.RawStdEncoding
	}
	var buf [512]byte
	if enc.DecodedLen(len(raw)) > len(buf) {
		return false
	}
	n, err := enc.Decode(buf[:], raw)
	if err != nil {
		return false
	}
	var want [512]byte
	w := want[:0]
	w = append(w, `{"appNameID":"`...)
	w = append(w, s.ApplicationID...)
	w = append(w, `","id":"`...)
	w = append(w, s.ID...)
	w = append(w, `","teamID":"`...)
	w = append(w, s.TeamID...)
	w = append(w, `"}`...)
	return plainJSONString(s.ApplicationID) && plainJSONString(s.TeamID) && bytes.Equal(buf[:n], w)
}

// plainJSONString says whether s is written in JSON as itself, between quotes.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

func (sc *quickScanner) ws() {
	for sc.i < len(sc.data) {
		switch sc.data[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// object reads an object, calling member with each key once the scanner stands on its value; member must read
// the value.
func (sc *quickScanner) object(member func(key []byte) bool) bool {
	if sc.peek() != '{' {
		return false
	}
	if empty, ok := sc.enter('}'); !ok || empty {
		return ok
	}
	for {
		key, ok := sc.rawString()
		if !ok {
			return false
		}
		sc.ws()
		if sc.peek() != ':' {
			return false
		}
		sc.i++
		sc.ws()
		if !member(key) {
			return false
		}
		if more, ok := sc.next('}'); !ok || !more {
			return ok
		}
	}
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
	if sc.i >= len(sc.data) || sc.data[sc.i] != '"' {
		return nil, false
	}
	start := sc.i + 1
	for j := start; j < len(sc.data); j++ {
		switch c := sc.data[j]; {
		case c == '"':
			sc.i = j + 1
			return sc.data[start:j], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

func (sc *quickScanner) str() (string, bool) {
	b, ok := sc.rawString()
	return string(b), ok
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

// value reads and validates any JSON value.
func (sc *quickScanner) value() bool {
	if sc.i >= len(sc.data) {
		return false
	}
	switch c := sc.data[sc.i]; {
	case c == '{':
		return sc.object(func([]byte) bool { return sc.value() })
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
		switch c := sc.data[j]; {
		case c == '"':
			sc.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(sc.data) {
				return false
			}
			switch sc.data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(sc.data) {
					return false
				}
				if !isHex(string(sc.data[j+1 : j+5])) {
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
