package core

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fuzzSeeds are the seed corpora of the three fuzz tests, kept in testdata/fuzz/<Name>/ where plain `go test`
// runs them: the sample's files and the hostile cases of the other tests.
func fuzzSeeds(t *testing.T) map[string][][]any {
	seeds := map[string][][]any{}
	add := func(fuzz, name string, args ...any) {
		seeds[fuzz+"/"+name] = append(seeds[fuzz+"/"+name], args)
	}

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

	for _, z := range hostileZips(t) {
		add("FuzzImportZip", "hostile-"+z.name, z.data)
	}
	for _, z := range moreHostileZips(t) {
		add("FuzzImportZip", "hostile-"+z.name, z.data)
	}
	mem, dir, err := CopyFS(os.DirFS("sample"), "MobileApps")
	if err != nil {
		t.Fatal(err)
	}
	for p := range tree(t, mem, dir) {
		if err := mem.Chtimes(dir+"/"+strings.TrimSuffix(p, "/"), fixedTime, fixedTime); err != nil {
			t.Fatal(err)
		}
	}
	if err := mem.Chtimes(dir, fixedTime, fixedTime); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ExportZip(mem, dir, &buf); err != nil {
		t.Fatal(err)
	}
	add("FuzzImportZip", "sample-export", buf.Bytes())
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	add("FuzzImportZip", "no-directory-entries", makeZip(t, zipEntry{Name: "com.a/" + id, Data: session("", "com.a", id, "accepted")}, zipEntry{Name: "key.mobileapp", Data: "k"}))
	add("FuzzImportZip", "stored", makeZip(t, storedEntry("MobileApps/com.a/"+id, session("", "com.a", id, "accepted")), zipEntry{Name: "MobileApps/key.mobileapp", Data: "k"}))
	add("FuzzImportZip", "macos-junk", makeZip(t, zipEntry{Name: "MobileApps/com.a/" + id, Data: "{}"}, zipEntry{Name: "__MACOSX/MobileApps/com.a/._" + id, Data: "fork"}))
	return seeds
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// corpusFile is the text of a seed file, as `go test -fuzz` writes one.
func corpusFile(args []any) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch a := a.(type) {
		case string:
			fmt.Fprintf(&b, "string(%q)\n", a)
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", a)
		default:
			panic(fmt.Sprintf("a seed of type %T", a))
		}
	}
	return b.Bytes()
}

// TestFuzzSeedCorpora keeps the seed corpora in step with the sample and the hostile cases; -update rewrites them.
func TestFuzzSeedCorpora(t *testing.T) {
	for key, argsList := range fuzzSeeds(t) {
		fuzz, name, _ := strings.Cut(key, "/")
		file := filepath.Join("testdata", "fuzz", fuzz, unsafeName.ReplaceAllString(name, "_"))
		if len(argsList) != 1 {
			t.Fatalf("%s: %d seeds of one name", file, len(argsList))
		}
		want := corpusFile(argsList[0])
		if *update {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is missing or stale (go test ./core -run TestFuzzSeedCorpora -update): %v", file, err)
		}
	}
}
