package core

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"github.com/mobisess/mobisess/core/i18n"
)

// Token is the decoded connection token of a session.
type Token struct {
	AppNameID string `json:"appNameID"`
	ID        string `json:"id"`
	TeamID    string `json:"teamID"`
}

// EncodeToken writes a token as 4D does: base64url without padding of the compact JSON, keys in this order.
func EncodeToken(t Token) string {
	var buf [256]byte
	return string(AppendToken(buf[:0], t))
}

// AppendToken appends EncodeToken(t) to dst. Fields of printable ASCII without quotes or backslashes, as real
// ids are, are written as they are, without an allocation (the quick check encodes a token per file); others
// go through encoding/json, which escapes them.
func AppendToken(dst []byte, t Token) []byte {
	var buf [192]byte
	js := buf[:0]
	if plainASCII(t.AppNameID) && plainASCII(t.ID) && plainASCII(t.TeamID) {
		js = append(js, `{"appNameID":"`...)
		js = append(js, t.AppNameID...)
		js = append(js, `","id":"`...)
		js = append(js, t.ID...)
		js = append(js, `","teamID":"`...)
		js = append(js, t.TeamID...)
		js = append(js, `"}`...)
	} else {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(t) // a struct of strings always encodes
		js = bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	}
	return base64.RawURLEncoding.AppendEncode(dst, js)
}

// plainASCII says whether JSON writes s as itself between quotes, whichever encoder writes it.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

var errTokenNotObject = errors.New("not a JSON object of strings")

// DecodeToken reads a token in either base64 alphabet, padded or not. A field absent from the token is "".
// The error is a base64 error, or errTokenNotObject when the decoded bytes are not an object of strings.
func DecodeToken(s string) (Token, error) {
	raw := strings.TrimRight(s, "=")
	enc := base64.RawURLEncoding
	if strings.ContainsAny(raw, "+/") {
		enc = base64.RawStdEncoding
	}
	data, err := enc.DecodeString(raw)
	if err != nil {
		return Token{}, err
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return Token{}, errTokenNotObject
	}
	var t Token
	for key, dst := range map[string]*string{"appNameID": &t.AppNameID, "id": &t.ID, "teamID": &t.TeamID} {
		v, present := fields[key]
		if !present {
			continue
		}
		str, ok := v.(string)
		if !ok {
			return Token{}, errTokenNotObject
		}
		*dst = str
	}
	return t, nil
}

// tokenField ties a token field to the file property it must equal.
type tokenField struct {
	field    string
	property string // JSON pointer in the session file
	token    func(Token) string
	file     func(*Session) string
}

var tokenFields = []tokenField{
	{"appNameID", "/application/id", func(t Token) string { return t.AppNameID }, func(s *Session) string { return s.ApplicationID }},
	{"id", "/session/id", func(t Token) string { return t.ID }, func(s *Session) string { return s.ID }},
	{"teamID", "/team/id", func(t Token) string { return t.TeamID }, func(s *Session) string { return s.TeamID }},
}

// TokenField is one row of the token inspector: a token field beside the file's property.
type TokenField struct {
	Field    string `json:"field"`
	Property string `json:"property"`
	Token    string `json:"token"`
	File     string `json:"file"`
	Match    bool   `json:"match"`
}

// TokenInspection is the decoded token of a file beside the file's own fields.
type TokenInspection struct {
	Raw     string       `json:"raw"`
	Decoded *Token       `json:"decoded,omitempty"`
	Error   i18n.Text    `json:"error,omitzero"` // why the token does not decode
	Fields  []TokenField `json:"fields,omitempty"`
}

// In is t with its message said in lang.
func (t *TokenInspection) In(lang i18n.Lang) *TokenInspection {
	if t == nil {
		return nil
	}
	out := *t
	out.Error = t.Error.In(lang)
	return &out
}

// InspectToken compares s's token with its fields. It is the rule of mobi 4, used by the check and the console.
func InspectToken(s *Session) TokenInspection {
	in := TokenInspection{Raw: s.Token}
	t, err := DecodeToken(s.Token)
	if err != nil {
		if errors.Is(err, errTokenNotObject) {
			in.Error = i18n.New(&msgTokenJSON)
		} else {
			in.Error = i18n.New(&msgTokenDecode, err.Error())
		}
		return in
	}
	in.Decoded = &t
	for _, f := range tokenFields {
		tv, fv := f.token(t), f.file(s)
		in.Fields = append(in.Fields, TokenField{Field: f.field, Property: f.property, Token: tv, File: fv, Match: tv == fv})
	}
	return in
}
