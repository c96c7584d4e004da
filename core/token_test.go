package core

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// The token of 4D's documentation decodes to the JSON that docs/rules.md quotes, byte for byte, and EncodeToken
// writes it back exactly: base64url, no padding, compact JSON, keys in 4D's order.
func TestToken4DExample(t *testing.T) {
	const want = `{"appNameID":"com.contactApp.Contact","id":"7023d9205074199d1c16fc00d24354e778137675","teamID":"UTT7VDX8W5"}`
	raw, err := base64.RawURLEncoding.DecodeString(exampleToken)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != want {
		t.Errorf("the example token decodes to\n%s\nwant\n%s", raw, want)
	}
	tok, err := DecodeToken(exampleToken)
	if err != nil {
		t.Fatal(err)
	}
	if tok != (Token{AppNameID: "com.contactApp.Contact", ID: exampleID, TeamID: "UTT7VDX8W5"}) {
		t.Errorf("DecodeToken = %+v", tok)
	}
	if got := EncodeToken(tok); got != exampleToken {
		t.Errorf("EncodeToken = %s\nwant        %s", got, exampleToken)
	}
}

// A token whose base64 uses the characters on which the two alphabets differ: '_' in base64url, '/' in std.
var alphabetToken = Token{AppNameID: "com.4d.app???", ID: "abc", TeamID: ""}

func TestDecodeToken(t *testing.T) {
	json := `{"appNameID":"com.4d.app???","id":"abc","teamID":""}`
	url, std := base64.RawURLEncoding.EncodeToString([]byte(json)), base64.RawStdEncoding.EncodeToString([]byte(json))
	if !strings.Contains(url, "_") || !strings.Contains(std, "/") || len(json)%3 == 0 {
		t.Fatalf("the alphabet token no longer tells the alphabets apart or needs no padding: %s %s", url, std)
	}
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name    string
		token   string
		want    Token
		notB64  bool // a base64 error
		notJSON bool // errTokenNotObject
	}{
		{name: "4D example, base64url unpadded", token: exampleToken, want: Token{"com.contactApp.Contact", exampleID, "UTT7VDX8W5"}},
		{name: "base64url unpadded", token: url, want: alphabetToken},
		{name: "base64url padded", token: base64.URLEncoding.EncodeToString([]byte(json)), want: alphabetToken},
		{name: "std unpadded", token: std, want: alphabetToken},
		{name: "std padded", token: base64.StdEncoding.EncodeToString([]byte(json)), want: alphabetToken},
		{name: "absent fields are empty", token: b64(`{"appNameID":"a"}`), want: Token{AppNameID: "a"}},
		{name: "extra fields are ignored", token: b64(`{"appNameID":"a","id":"b","teamID":"c","exp":1}`), want: Token{"a", "b", "c"}},
		{name: "key order does not matter", token: b64(`{"teamID":"c","id":"b","appNameID":"a"}`), want: Token{"a", "b", "c"}},
		{name: "not base64", token: "%%%", notB64: true},
		{name: "both alphabets at once", token: strings.Replace(url, "_", "/", 1) + "-", notB64: true},
		{name: "cut in the middle of a byte", token: url[:len(url)-len(url)%4+1], notB64: true},
		{name: "not JSON", token: b64("hello"), notJSON: true},
		{name: "JSON array", token: b64(`["a"]`), notJSON: true},
		{name: "JSON null", token: b64(`null`), notJSON: true},
		{name: "field not a string", token: b64(`{"appNameID":"a","id":1,"teamID":"c"}`), notJSON: true},
		{name: "empty", token: "", notJSON: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeToken(tt.token)
			switch {
			case tt.notB64:
				if err == nil || errors.Is(err, errTokenNotObject) {
					t.Fatalf("DecodeToken(%q) = %+v, %v; want a base64 error", tt.token, got, err)
				}
			case tt.notJSON:
				if !errors.Is(err, errTokenNotObject) {
					t.Fatalf("DecodeToken(%q) = %+v, %v; want errTokenNotObject", tt.token, got, err)
				}
			case err != nil:
				t.Fatalf("DecodeToken(%q): %v", tt.token, err)
			case got != tt.want:
				t.Errorf("DecodeToken(%q) = %+v, want %+v", tt.token, got, tt.want)
			}
		})
	}
}

func TestEncodeToken(t *testing.T) {
	tests := []struct {
		tok  Token
		json string
	}{
		{Token{"com.contactApp.Contact", exampleID, "UTT7VDX8W5"}, `{"appNameID":"com.contactApp.Contact","id":"7023d9205074199d1c16fc00d24354e778137675","teamID":"UTT7VDX8W5"}`},
		{Token{"com.sample.myappname", "3C81A8D7AFE64C2E9CCFFCDC35DC52F5", ""}, `{"appNameID":"com.sample.myappname","id":"3C81A8D7AFE64C2E9CCFFCDC35DC52F5","teamID":""}`},
		{alphabetToken, `{"appNameID":"com.4d.app???","id":"abc","teamID":""}`},
		// 4D's JSON does not escape HTML characters.
		{Token{"a<b>&c", "", ""}, `{"appNameID":"a<b>&c","id":"","teamID":""}`},
	}
	for _, tt := range tests {
		got := EncodeToken(tt.tok)
		if strings.ContainsAny(got, "=+/") {
			t.Errorf("EncodeToken(%+v) = %s: want base64url without padding", tt.tok, got)
		}
		raw, err := base64.RawURLEncoding.DecodeString(got)
		if err != nil || string(raw) != tt.json {
			t.Errorf("EncodeToken(%+v) encodes %s (%v), want %s", tt.tok, raw, err, tt.json)
		}
	}
}

func FuzzDecodeToken(f *testing.F) {
	f.Add(exampleToken, "com.contactApp.Contact", exampleID, "UTT7VDX8W5")
	f.Add("%%%", "", "", "")
	f.Fuzz(func(t *testing.T, token, app, id, team string) {
		got, err := DecodeToken(token)
		if err == nil {
			again, err := DecodeToken(EncodeToken(got))
			if err != nil || again != got {
				t.Fatalf("DecodeToken(%q) = %+v, but its re-encoding decodes to %+v, %v", token, got, again, err)
			}
		}
		// Tokens are made from the strings of a decoded JSON file, which are valid UTF-8.
		if !utf8.ValidString(app) || !utf8.ValidString(id) || !utf8.ValidString(team) {
			return
		}
		tok := Token{AppNameID: app, ID: id, TeamID: team}
		enc := EncodeToken(tok)
		if got, err := DecodeToken(enc); err != nil || got != tok {
			t.Fatalf("DecodeToken(EncodeToken(%+v)) = %+v, %v", tok, got, err)
		}
		padded := enc + strings.Repeat("=", (4-len(enc)%4)%4)
		std := strings.NewReplacer("-", "+", "_", "/").Replace(padded)
		if got, err := DecodeToken(std); err != nil || got != tok {
			t.Fatalf("the std padded form %q decodes to %+v, %v; want %+v", std, got, err, tok)
		}
	})
}

// AppendToken writes what encoding/json would: with escapes where a field needs them, as they are otherwise.
func TestAppendTokenIsJSON(t *testing.T) {
	for _, tok := range []Token{
		{"com.contactApp.Contact", "7023d9205074199d1c16fc00d24354e778137675", "UTT7VDX8W5"},
		{"com.a", "ab", ""},
		{`we"ird\\`, "é", "\u2028\x01<>&"},
	} {
		js, err := json.Marshal(tok)
		if err != nil {
			t.Fatal(err)
		}
		js = bytes.ReplaceAll(bytes.ReplaceAll(bytes.ReplaceAll(js, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">")), []byte(`\u0026`), []byte("&"))
		if got, want := string(AppendToken([]byte("x"), tok)), "x"+base64.RawURLEncoding.EncodeToString(js); got != want {
			t.Errorf("%+v: %s, want %s", tok, got, want)
		}
		if back, err := DecodeToken(EncodeToken(tok)); err != nil || back != tok {
			t.Errorf("%+v: decoded %+v, %v", tok, back, err)
		}
	}
}
