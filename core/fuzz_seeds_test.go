package core

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/internal/coretest"
)

// fuzzSeeds are the seed corpora of the engine's fuzz tests of a session file and a token, kept in
// testdata/fuzz/<Name>/ where plain `go test` runs them: the sample's files and the hostile cases of the other
// tests. (The zip's are in zipfs.)
func fuzzSeeds(t *testing.T) coretest.Seeds {
	seeds := coretest.Seeds{}
	add := func(fuzz, name string, args ...any) { seeds.Add(t, fuzz, name, args...) }

	sampleFS := os.DirFS("sample/MobileApps")
	err := fs.WalkDir(sampleFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sampleFS, p)
		if err != nil {
			return err
		}
		app, name := path.Split(p)
		add("FuzzCheckBytes", "sample-"+p, strings.TrimSuffix(app, "/"), name, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"example":         example,
		"example-crlf":    "\xEF\xBB\xBF" + strings.ReplaceAll(example, "\n", "\r\n"),
		"example-cr":      strings.ReplaceAll(example, "\n", "\r"),
		"syntax":          `{"a" 1}`,
		"cut":             example[:len(example)/2],
		"deep":            strings.Repeat(`{"a":`, 10001) + strings.Repeat("}", 10001),
		"deep-array":      `{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "}",
		"huge-exponent":   edit(t, example, `"email": ""`, `"email": 1e999999999`),
		"duplicate-keys":  edit(t, example, `"status": "accepted"`, `"status": "Accepted", "status": "accepted"`),
		"escaped-keys":    edit(t, example, `"email": ""`, `"em\u0061il": "", "a/b~c": {"x\"y": [1, {"z": null}]}`),
		"utf16":           "\xFF\xFE{\x00}\x00",
		"invalid-utf8":    "{\"a\": \"\xff\xfe\"}",
		"schema":          edit(t, edit(t, example, `"accepted"`, `"Accepted"`), `"send": "link"`, `"send": "sms"`),
		"token-not-b64":   edit(t, example, exampleToken, "not*base64"),
		"token-not-json":  edit(t, example, exampleToken, base64.RawURLEncoding.EncodeToString([]byte("hello"))),
		"missing-all":     `{}`,
		"array":           `[{}]`,
		"trailing":        "{}\r\n{}",
		"only-bom":        "\xEF\xBB\xBF",
		"non-ascii-line":  "{\n\t\"é\": \"✓\", \"status\": 1\n}",
		"status-not-text": edit(t, example, `"status": "accepted"`, `"status": ["accepted"]`),
		// The hostile JSON of hostile_test.go.
		"utf16le-no-bom":   "{\x00\"\x00a\x00\"\x00:\x001\x00}\x00",
		"utf16be-no-bom":   "\x00{\x00\"\x00a\x00\"\x00:\x001\x00}",
		"nul-raw":          edit(t, example, `"email": ""`, "\"email\": \"a\x00b\""),
		"nul-escaped":      edit(t, example, `"email": ""`, `"email": "a\u0000b"`),
		"beyond-float64":   edit(t, example, `"email": ""`, `"email": "", "parameters": {"big": 1`+strings.Repeat("0", 400)+`1, "tiny": 1e-400, "huge": 1e400}`),
		"duplicate-nested": edit(t, example, `"email": ""`, `"email": "", "parameters": {"a": [{"k": 1, "\u006b": 2}], "a": {}}`),
		"overlong-utf8":    "{\"a\": \"\xc0\xaf\"}",
		"deep-unclosed":    strings.Repeat(`{"a":[`, 10001),
	} {
		add("FuzzCheckBytes", name, exampleApp, exampleID, []byte(text))
	}
	add("FuzzCheckBytes", "misplaced", "com.contactApp.Contact", strings.ToUpper(exampleID), []byte(example))

	for name, args := range map[string][]any{
		"example":        {exampleToken, "com.contactApp.Contact", exampleID, "UTT7VDX8W5"},
		"padded-std":     {base64.StdEncoding.EncodeToString([]byte(`{"appNameID":"com.4d.app???","id":"abc","teamID":""}`)), "com.4d.app???", "abc", ""},
		"not-base64":     {"%%%", "", "", ""},
		"mixed-alphabet": {"ab-+", "a<b>&", "", ""},
		"not-json":       {base64.RawURLEncoding.EncodeToString([]byte("hello")), "", "", ""},
		"null":           {base64.RawURLEncoding.EncodeToString([]byte("null")), "", "", ""},
		"field-number":   {base64.RawURLEncoding.EncodeToString([]byte(`{"id":1}`)), "é", "\u2028", "\x7f"},
		"many-equals":    {exampleToken + "=====", "", "", ""},
	} {
		add("FuzzDecodeToken", name, args...)
	}

	return seeds
}

// TestFuzzSeedCorpora keeps the seed corpora in step with the sample and the hostile cases; -update rewrites them.
func TestFuzzSeedCorpora(t *testing.T) {
	fuzzSeeds(t).Keep(t, *update, "go test ./core -run TestFuzzSeedCorpora")
}
