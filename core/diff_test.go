package core

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// "Content differs" compares parsed JSON values: formatting, key order and the spelling of numbers do not count.
func TestSameContent(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{`{"a":1,"b":[1,2]}`, "{\r\n\t\"b\": [1, 2],\r\n\t\"a\": 1\r\n}", true},
		{`{"n":1}`, `{"n":1.0}`, true},
		{`{"n":0.5}`, `{"n":5e-1}`, true},
		{`{"n":100}`, `{"n":1E2}`, true},
		{`{"n":12345678901234567890}`, `{"n":12345678901234567891}`, false},
		{`{"n":1e999999999}`, `{"n":1e999999999}`, true},
		{`{"n":1e999999999}`, `{"n":2e999999999}`, false},
		{`{"s":"1"}`, `{"n":1}`, false},
		{`{"s":"1"}`, `{"s":1}`, false},
		{`{"a":null}`, `{}`, false},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},
		{`{"a":{}}`, `{"a":[]}`, false},
		{`{"a":true}`, `{"a":true}`, true},
		{`{"a":"x","a":"y"}`, `{"a":"y"}`, true},
	}
	for _, tt := range tests {
		if got := SameContent(decode(t, tt.a), decode(t, tt.b)); got != tt.same {
			t.Errorf("SameContent(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

// Each change at the deepest property that differs, by JSON pointer, with old and new value; an added property
// has no old value and a removed one no new value.
func TestDiff(t *testing.T) {
	type c struct{ pointer, old, new string }
	tests := []struct {
		name     string
		old, new string
		want     []c
	}{
		{"same", `{"a":1}`, `{"a":1.0}`, nil},
		{"a value", `{"status":"pending"}`, `{"status":"accepted"}`, []c{{"/status", `"pending"`, `"accepted"`}}},
		{"deep", `{"device":{"version":"17.0","os":"iOS"}}`, `{"device":{"version":"17.4","os":"iOS"}}`, []c{{"/device/version", `"17.0"`, `"17.4"`}}},
		{"added", `{"device":{}}`, `{"device":{"token":"t"}}`, []c{{"/device/token", "", `"t"`}}},
		{"removed", `{"email":"x","a":1}`, `{"a":1}`, []c{{"/email", `"x"`, ""}}},
		{"added object", `{}`, `{"userInfo":{"a":[1]}}`, []c{{"/userInfo", "", `{"a":[1]}`}}},
		{"type changes", `{"a":{"b":1}}`, `{"a":"b"}`, []c{{"/a", `{"b":1}`, `"b"`}}},
		{"array element", `{"t":["a","b"]}`, `{"t":["a","c"]}`, []c{{"/t/1", `"b"`, `"c"`}}},
		{"array grows and shrinks", `{"t":["a"],"u":[1,2]}`, `{"t":["a","b"],"u":[1]}`, []c{{"/t/1", "", `"b"`}, {"/u/1", "2", ""}}},
		{"keys escaped", `{"a/b":1,"c~d":1}`, `{"a/b":2,"c~d":2}`, []c{{"/a~1b", "1", "2"}, {"/c~0d", "1", "2"}}},
		{"in key order", `{"z":1,"a":1,"m":1}`, `{"z":2,"a":2,"m":2}`, []c{{"/a", "1", "2"}, {"/m", "1", "2"}, {"/z", "1", "2"}}},
		{"null is a value", `{"a":null}`, `{}`, []c{{"/a", "null", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []c
			for _, ch := range Diff(decode(t, tt.old), decode(t, tt.new)) {
				got = append(got, c{ch.Pointer, string(ch.Old), string(ch.New)})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// lineCol and locate place a JSON pointer in the text: CR, LF and CRLF end lines, columns count characters,
// a missing property is placed at the deepest value that exists, and with duplicate keys the last one counts.
func TestLocate(t *testing.T) {
	text := "{\r\n\t\"a\": {\"b\": [10, {\"c\": \"é\"}]},\n\t\"a/b\": 1, \"t~\": 2,\r\t\"d\": 1, \"d\": \"last\"\n}"
	tests := []struct {
		pointer   string
		line, col int
	}{
		{"", 1, 1},
		{"/a", 2, 7},
		{"/a/b", 2, 13},
		{"/a/b/0", 2, 14},
		{"/a/b/1/c", 2, 24},
		{"/a/b/2", 2, 13},
		{"/a/b/x", 2, 13},
		{"/a/missing", 2, 7},
		{"/a~1b", 3, 9},
		{"/t~0", 3, 18},
		{"/d", 4, 15},
		{"/missing/deeper", 1, 1},
	}
	for _, tt := range tests {
		line, col := lineCol([]byte(text), locate([]byte(text), tt.pointer))
		if line != tt.line || col != tt.col {
			t.Errorf("%q at %d:%d, want %d:%d", tt.pointer, line, col, tt.line, tt.col)
		}
	}
}
