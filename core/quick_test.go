package core

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// quickAgrees is the rule that keeps the quick path honest: what it accepts, the four checks accept, with the
// same session.
func quickAgrees(t *testing.T, app, name string, data []byte) bool {
	t.Helper()
	return quickAgreesUnder(t, embeddedQuickRules(), &Checker{}, app, name, data)
}

// quickAgreesUnder is quickAgrees for the quick path of rules beside the checks of c.
func quickAgreesUnder(t *testing.T, rules *quickRule, c *Checker, app, name string, data []byte) bool {
	t.Helper()
	f := SessionFile{Path: app + "/" + name, App: app, Name: name}
	quick, ok := rules.check(f, withoutBOM(data))
	full, _, err := c.CheckBytes(f, data)
	if ok {
		// What the quick path read goes on to the checks after the schema's: the verdict must be the full
		// checks', error for error.
		quickErr := c.checkQuicklyRead(f, withoutBOM(data), quick)
		if err != nil && (err.Code == CodeMalformed || err.Code == CodeSchema) {
			t.Fatalf("%s: the quick path reads as valid what the checks refuse: %v\n%q", f.Path, err, data)
		}
		if !reflect.DeepEqual(quickErr, err) {
			t.Fatalf("%s: verdicts differ:\nquick %+v\nfull  %+v\n%q", f.Path, quickErr, err, data)
		}
		if err == nil && !reflect.DeepEqual(quick, full) {
			t.Fatalf("%s: sessions differ:\nquick %+v\nfull  %+v", f.Path, quick, full)
		}
	}
	return ok
}

// sampleFile is one file of an app folder of the sample, with its bytes.
type sampleFile struct {
	SessionFile
	data []byte
}

// sampleFiles are the files of the sample's app folders, sessions or not.
func sampleFiles(tb testing.TB) []sampleFile {
	tb.Helper()
	var files []sampleFile
	sampleFS := os.DirFS("sample/MobileApps")
	err := fs.WalkDir(sampleFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, "/") {
			return err
		}
		data, err := fs.ReadFile(sampleFS, p)
		app, name := path.Split(p)
		files = append(files, sampleFile{SessionFile{Path: p, App: strings.TrimSuffix(app, "/"), Name: name}, data})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func TestQuickPathTakesRealFiles(t *testing.T) {
	quick := 0
	for _, f := range sampleFiles(t) {
		if quickAgrees(t, f.App, f.Name, f.data) {
			quick++
		}
	}
	// The sample's five valid sessions, BOM, CRLF, compact and padded token included (the padded token is
	// compared after its '=' are dropped), and the two that only the location or the token fails.
	if quick != 7 {
		t.Fatalf("the quick path read %d of the sample's files, want its 5 valid ones and the 2 with mobi 1 or 4", quick)
	}
	for name, text := range map[string]string{
		"duplicate status, last valid":    edit(t, example, `"status": "accepted"`, `"status": "Accepted", "status": "accepted"`),
		"application twice":               edit(t, example, `"application": {`, `"application": {"id": ""}, "application": {`),
		"numbers and nesting":             edit(t, example, `"email": ""`, `"email": "", "parameters": {"n": [-0.5e+3, 0, 12, true, null, {"a": []}]}`),
		"not a simulator, not jailbroken": edit(t, example, `"simulator": true`, `"simulator": false, "jb": false`),
	} {
		if !quickAgrees(t, exampleApp, exampleID, []byte(text)) {
			t.Errorf("%s: the quick path should take it", name)
		}
	}
	for name, text := range map[string]string{
		"second application lacks id": edit(t, example, `"application": {`, `"application": {"id": "x"}, "application": {"name": "n"}, "dummy": {`),
		"escaped status":              edit(t, example, `"status": "accepted"`, `"status": "acc\u0065pted"`),
		"bad number":                  edit(t, example, `"email": ""`, `"email": "", "n": 01`),
		"trailing comma":              edit(t, example, `"email": ""`, `"email": "",`+"\n}, \"x\": {"),
		"simulator not a boolean":     edit(t, example, `"simulator": true`, `"simulator": "yes"`),
	} {
		if quickAgrees(t, exampleApp, exampleID, []byte(text)) {
			t.Errorf("%s: the quick path must leave it to the full checks", name)
		}
	}
}

// FuzzQuickAgrees holds the quick path to the full checks on any input: never a file it accepts that they
// refuse, never another session.
func FuzzQuickAgrees(f *testing.F) {
	f.Add(exampleApp, exampleID, []byte(example))
	f.Add(exampleApp, exampleID, []byte(edit(f, example, `"email": ""`, `"email": "", "p": {"a": [1, "\u00e9", {}]}`)))
	f.Add("com.x", "ab", []byte(`{"application":{"id":"com.x"},"session":{"id":"ab"},"status":"pending","token":"eyJhcHBOYW1lSUQiOiJjb20ueCIsImlkIjoiYWIiLCJ0ZWFtSUQiOiIifQ"}`))
	f.Fuzz(func(t *testing.T, app, name string, data []byte) {
		quickAgrees(t, app, name, data)
	})
}

// quickSeeds are the stored corpus of FuzzQuickAgrees, in testdata/fuzz/FuzzQuickAgrees/ where plain `go test`
// runs them: the sample's files, and each way a file can be written that the quick path must read right or
// leave to the full checks.
func quickSeeds(t *testing.T) map[string][]any {
	seeds := map[string][]any{}
	add := func(name, app, id string, data []byte) {
		if seeds[name] != nil {
			t.Fatalf("two seeds named %s", name)
		}
		seeds[name] = []any{app, id, data}
	}
	for _, f := range sampleFiles(t) {
		add("sample-"+f.Path, f.App, f.Name, f.data)
	}

	// An application whose token holds '-' and '_', and needs padding: both alphabets and '=' are tried on it.
	const app, id = "com.4d.app???>>>", exampleID
	tok := EncodeToken(Token{AppNameID: app, ID: id})
	tokenJSON := []byte(`{"appNameID":"` + app + `","id":"` + id + `","teamID":""}`)
	compact := session("", app, id, "pending")
	for name, token := range map[string]string{
		"unpadded":        tok,
		"padded":          base64.URLEncoding.EncodeToString(tokenJSON),
		"std-unpadded":    base64.RawStdEncoding.EncodeToString(tokenJSON),
		"std-padded":      base64.StdEncoding.EncodeToString(tokenJSON),
		"std-escaped":     strings.ReplaceAll(base64.StdEncoding.EncodeToString(tokenJSON), "/", `\/`),
		"mixed-alphabets": strings.Replace(tok, "_", "/", 1),
		"extra-padding":   tok + "====",
		"padding-inside":  tok[:8] + "=" + tok[8:],
		"spare-bits":      tok[:len(tok)-1] + string(tok[len(tok)-1]+1),
		"other-key-order": base64.RawURLEncoding.EncodeToString([]byte(`{"id":"` + id + `","appNameID":"` + app + `","teamID":""}`)),
		"no-teamID":       base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID":"` + app + `","id":"` + id + `"}`)),
		"escaped-inside":  base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID":"com\u002e4d.app???>>>","id":"` + id + `","teamID":""}`)),
		"another-session": EncodeToken(Token{AppNameID: app, ID: "ab"}),
		"empty":           "",
		"not-base64":      "%%%",
	} {
		add("token-"+name, app, id, []byte(edit(t, compact, tok, token)))
	}
	add("token-a-number", app, id, []byte(edit(t, compact, `"`+tok+`"`, "12")))
	add("token-example-padded", exampleApp, exampleID, []byte(edit(t, example, exampleToken, exampleToken+"==")))

	noTeam := edit(t, edit(t, example, `"team": {"id": "UTT7VDX8W5"},`, ``), exampleToken, EncodeToken(Token{AppNameID: "com.contactApp.Contact", ID: exampleID}))
	deep := func(n int) string { return strings.Repeat(`{"a":[`, n) + strings.Repeat("]}", n) }
	for name, text := range map[string]string{
		"example":                      example,
		"status-wrong-case":            edit(t, example, `"accepted"`, `"Accepted"`),
		"status-pending":               edit(t, example, `"accepted"`, `"pending"`),
		"status-a-list":                edit(t, example, `"status": "accepted"`, `"status": ["accepted"]`),
		"send-sms":                     edit(t, example, `"send": "link"`, `"send": "sms"`),
		"send-code":                    edit(t, example, `"send": "link"`, `"send": "code"`),
		"simulator-string":             edit(t, example, `"simulator": true`, `"simulator": "true"`),
		"simulator-false-jb-true":      edit(t, example, `"simulator": true`, `"simulator": false, "jb": true`),
		"jb-null":                      edit(t, example, `"simulator": true`, `"simulator": true, "jb": null`),
		"duplicate-last-valid":         edit(t, example, `"status": "accepted"`, `"status": "Accepted", "status": "accepted"`),
		"duplicate-last-invalid":       edit(t, example, `"status": "accepted"`, `"status": "accepted", "status": "Accepted"`),
		"duplicate-object-last-valid":  edit(t, example, `"application": {`, `"application": {"id": "", "name": 1}, "application": {`),
		"duplicate-object-last-fewer":  edit(t, example, `"device": {`, `"device": {"os": "iOS", "simulator": false}, "device": {`),
		"duplicate-object-first-bad":   edit(t, example, `"send": "link",`, `"send": "link", "session": {"id": "ab"},`),
		"duplicate-object-last-bad":    edit(t, example, `"status": "accepted",`, `"status": "accepted", "session": {"id": "`+exampleID+`", "ip": 1},`),
		"duplicate-simulator":          edit(t, example, `"simulator": true`, `"simulator": true, "simulator": false`),
		"duplicate-nested-unread":      edit(t, example, `"email": ""`, `"email": "", "parameters": {"a": 1, "a": {"b": 2, "b": [3]}}`),
		"escaped-known-key":            edit(t, example, `"status": "accepted"`, `"st\u0061tus": "accepted"`),
		"escaped-key-becomes-required": edit(t, withoutLine(t, example, `"status"`), `"email": ""`, `"email": "", "st\u0061tus": "accepted"`),
		"escaped-unknown-key":          edit(t, example, `"email": ""`, `"email": "", "x\"y": 1`),
		"escaped-status":               edit(t, example, `"status": "accepted"`, `"status": "acc\u0065pted"`),
		"escaped-unread-value":         edit(t, example, `"language": {"id": "en_US", "code": "en"`, `"language": {"id": "en_US", "code": "e\u006e\n\t\\\/"`),
		"escaped-in-parameters":        edit(t, example, `"email": ""`, `"email": "", "parameters": {"k\u00e9y": "v\ud83d\ude00", "\u0000": "\ud800"}`),
		"escape-cut":                   edit(t, example, `"email": ""`, `"email": "", "parameters": {"k": "\u00e"}`),
		"escape-unknown":               edit(t, example, `"email": ""`, `"email": "", "parameters": {"k": "\x41"}`),
		"non-ascii-values":             edit(t, example, `"description": "iPhone X"`, `"description": "iPhone de José ✓ 😀"`),
		"non-ascii-key":                edit(t, example, `"email": ""`, `"email": "", "clé": "é"`),
		"invalid-utf8-value":           edit(t, example, `"description": "iPhone X"`, "\"description\": \"iPhone \xff\""),
		"invalid-utf8-unread":          edit(t, example, `"email": ""`, "\"email\": \"\", \"x\": \"\xc0\xaf\""),
		"invalid-utf8-outside":         edit(t, example, `"email": ""`, "\"email\": \"\"\xc3\xa9"),
		"surrogate-utf8":               edit(t, example, `"email": ""`, "\"email\": \"\xed\xa0\x80\""),
		"control-in-string":            edit(t, example, `"email": ""`, "\"email\": \"a\tb\""),
		"bom":                          "\xEF\xBB\xBF" + example,
		"bom-crlf":                     "\xEF\xBB\xBF" + strings.ReplaceAll(example, "\n", "\r\n"),
		"cr":                           strings.ReplaceAll(example, "\n", "\r"),
		"bom-twice":                    "\xEF\xBB\xBF\xEF\xBB\xBF" + example,
		"compact":                      session("UTT7VDX8W5", "com.contactApp.Contact", exampleID, "accepted"),
		"deep-within-limit":            edit(t, example, `"email": ""`, `"email": "", "parameters": `+deep(100)),
		"deep-past-limit":              edit(t, example, `"email": ""`, `"email": "", "parameters": `+deep(5001)),
		"deep-unclosed":                edit(t, example, `"email": ""`, `"email": "", "parameters": `+strings.Repeat(`{"a":[`, 200)),
		"trailing-object":              example + "{}",
		"trailing-garbage":             example + "x",
		"trailing-space":               example + " \t\r\n",
		"trailing-comma":               edit(t, example, `"email": ""`, `"email": "",`+"\n}, \"x\": {"),
		"missing-closing":              strings.TrimSuffix(example, "}\n"),
		"extra-properties":             edit(t, edit(t, example, `"simulator": true`, `"simulator": true, "model": "iPhone10,3", "jb": false, "token": "push"`), `"email": ""`, `"email": "", "userInfo": {"name": "x"}, "x-custom": [{"a": null}], "session2": {}`),
		"extra-in-session":             edit(t, example, `"ip": "::ffff:192.168.5.4"`, `"ip": "::ffff:192.168.5.4", "created": 1700000000`),
		"parameters-not-object":        edit(t, example, `"email": ""`, `"email": "", "parameters": []`),
		"numbers":                      edit(t, example, `"email": ""`, `"email": "", "parameters": {"n": [0, -0, 1, -1, 12.5, -0.5e+3, 1e5, 1E+5, 1e-5, 0.0, -0.0E-0, 1`+strings.Repeat("0", 40)+`, 1e400, 1e-400, 123456789012345678901234567890.5]}`),
		"number-leading-zero":          edit(t, example, `"email": ""`, `"email": "", "n": 01`),
		"number-dot":                   edit(t, example, `"email": ""`, `"email": "", "n": 1.`),
		"number-leading-dot":           edit(t, example, `"email": ""`, `"email": "", "n": .5`),
		"number-plus":                  edit(t, example, `"email": ""`, `"email": "", "n": +1`),
		"number-exponent-cut":          edit(t, example, `"email": ""`, `"email": "", "n": 1e`),
		"number-exponent-sign-cut":     edit(t, example, `"email": ""`, `"email": "", "n": 1e+`),
		"number-minus":                 edit(t, example, `"email": ""`, `"email": "", "n": -`),
		"number-hex":                   edit(t, example, `"email": ""`, `"email": "", "n": 0x10`),
		"number-nan":                   edit(t, example, `"email": ""`, `"email": "", "n": NaN`),
		"email-a-number":               edit(t, example, `"email": ""`, `"email": 0`),
		"literals":                     edit(t, example, `"email": ""`, `"email": "", "t": true, "f": false, "n": null`),
		"literal-cut":                  edit(t, example, `"email": ""`, `"email": "", "t": tru`),
		"literal-capital":              edit(t, example, `"email": ""`, `"email": "", "t": True`),
		"missing-team":                 noTeam,
		"team-a-string":                edit(t, example, `"team": {"id": "UTT7VDX8W5"}`, `"team": "UTT7VDX8W5"`),
		"empty-application-id":         edit(t, example, `"id": "com.contactApp.Contact"`, `"id": ""`),
		"application-id-a-number":      edit(t, example, `"id": "com.contactApp.Contact"`, `"id": 12`),
		"missing-application-id":       edit(t, example, `"id": "com.contactApp.Contact", `, ``),
		"missing-application":          withoutLine(t, example, `"application"`),
		"missing-status":               withoutLine(t, example, `"status"`),
		"missing-token":                withoutLine(t, example, `"token"`),
		"session-id-not-hex":           edit(t, example, `"id": "7023d9205074199d1c16fc00d24354e778137675"`, `"id": "test_session"`),
		"session-id-upper-case":        edit(t, example, `"id": "7023d9205074199d1c16fc00d24354e778137675"`, `"id": "7023D9205074199D1C16FC00D24354E778137675"`),
		"session-id-empty":             edit(t, example, `"id": "7023d9205074199d1c16fc00d24354e778137675"`, `"id": ""`),
		"empty-object":                 `{}`,
		"empty":                        ``,
		"only-space":                   " \n\t",
		"array":                        `[` + example + `]`,
		"null":                         `null`,
		"string":                       `"` + exampleToken + `"`,
		"utf16":                        "\xFF\xFE{\x00}\x00",
	} {
		add(name, exampleApp, exampleID, []byte(text))
	}
	add("missing-team-in-its-folder", "com.contactApp.Contact", exampleID, []byte(noTeam))
	add("team-empty", "com.contactApp.Contact", exampleID, []byte(edit(t, noTeam, `"email": ""`, `"email": "", "team": {"id": ""}`)))
	add("team-without-id", "com.contactApp.Contact", exampleID, []byte(edit(t, noTeam, `"email": ""`, `"email": "", "team": {"name": "Acme"}`)))
	add("misplaced-folder", "com.contactApp.Contact", exampleID, []byte(example))
	add("misplaced-name", exampleApp, strings.ToUpper(exampleID), []byte(example))
	return seeds
}

// TestQuickSeedCorpus keeps FuzzQuickAgrees' stored corpus in step with quickSeeds; -update rewrites it. Files
// the fuzzer found are kept beside them.
func TestQuickSeedCorpus(t *testing.T) {
	for name, args := range quickSeeds(t) {
		golden(t, coretest.SeedFile("FuzzQuickAgrees", name), coretest.CorpusFile(args))
	}
}

// The quick path's rules are read from the schema: a schema that says otherwise changes what it accepts, and
// one that uses what it does not implement turns it off. Each row is checked against the full checks under the
// same schema.
func TestQuickRulesFollowTheSchema(t *testing.T) {
	schema := string(SchemaJSON)
	refused := edit(t, example, `"status": "accepted"`, `"status": "refused"`)
	noEmail := edit(t, example, `"email": "",`, ``)
	for _, tt := range []struct {
		name   string
		schema string
		take   []string // files the quick path takes under this schema
		leave  []string // files it leaves to the full checks
	}{
		{name: "the embedded schema", schema: schema, take: []string{example, noEmail}, leave: []string{refused}},
		{name: "a third status", schema: edit(t, schema, `"enum": ["accepted", "pending"]`, `"enum": ["accepted", "pending", "refused"]`),
			take: []string{example, refused}},
		{name: "email required", schema: edit(t, schema, `"required": ["application", "session", "status", "token"]`, `"required": ["application", "session", "status", "token", "email"]`),
			take: []string{example}, leave: []string{noEmail}},
		{name: "a required property the schema does not describe", schema: edit(t, schema, `"required": ["application", "session", "status", "token"]`, `"required": ["application", "session", "status", "token", "x-custom"]`),
			take: []string{edit(t, example, `"email": ""`, `"email": "", "x-custom": [1]`)}, leave: []string{example}},
		{name: "email a boolean", schema: edit(t, schema, `"email": {"type": "string"}`, `"email": {"type": "boolean"}`),
			take: []string{edit(t, example, `"email": ""`, `"email": false`), noEmail}, leave: []string{example}},
		{name: "a longer token", schema: edit(t, schema, `"token": {"type": "string", "minLength": 1}`, `"token": {"type": "string", "minLength": 125}`),
			take: []string{example}, leave: []string{session("UTT7VDX8W5", "com.a", "ab", "accepted")}},
		{name: "device described nowhere", schema: edit(t, schema, `"device": {`, `"unused": {`),
			take: []string{example, edit(t, example, `"simulator": true`, `"simulator": "yes"`)}},
		{name: "no type for send", schema: edit(t, schema, `"send": {"type": "string", "enum": ["link", "code"]}`, `"send": {"enum": ["link", "code"]}`),
			take: []string{example}, leave: []string{edit(t, example, `"send": "link"`, `"send": 1`)}},
		{name: "status the schema true", schema: edit(t, schema, `"status": {"type": "string", "enum": ["accepted", "pending"]}`, `"status": true`),
			take: []string{refused, edit(t, example, `"status": "accepted"`, `"status": {}`)}},
		{name: "send the schema false", schema: edit(t, schema, `"send": {"type": "string", "enum": ["link", "code"]}`, `"send": false`),
			take: []string{edit(t, example, `"send": "link",`, ``)}, leave: []string{example}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rules := quickRulesOf([]byte(tt.schema))
			if rules == nil {
				t.Fatal("the quick path is off")
			}
			compiled, err := CompileSchema(tt.name, []byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			c := NewChecker(CheckerOptions{Schema: compiled})
			for i, text := range tt.take {
				if !quickAgreesUnder(t, rules, c, exampleApp, exampleID, []byte(text)) {
					t.Errorf("file %d: the quick path should take it", i)
				}
			}
			for i, text := range tt.leave {
				if quickAgreesUnder(t, rules, c, exampleApp, exampleID, []byte(text)) {
					t.Errorf("file %d: the quick path must leave it to the full checks", i)
				}
			}
		})
	}
	for name, modified := range map[string]string{
		"an unknown keyword":         edit(t, schema, `"token": {"type": "string", "minLength": 1}`, `"token": {"type": "string", "minLength": 1, "maxLength": 500}`),
		"a format":                   edit(t, schema, `"email": {"type": "string"}`, `"email": {"type": "string", "format": "email"}`),
		"a reference":                edit(t, schema, `"email": {"type": "string"}`, `"email": {"$ref": "#/properties/status"}`),
		"a number":                   edit(t, schema, `"email": {"type": "string"}`, `"email": {"type": "number"}`),
		"a list of types":            edit(t, schema, `"email": {"type": "string"}`, `"email": {"type": ["string", "null"]}`),
		"an unknown pattern":         edit(t, schema, `"pattern": "^[0-9A-Fa-f]+$"`, `"pattern": "^[0-9a-f]{40}$"`),
		"an enum of other than text": edit(t, schema, `"enum": ["link", "code"]`, `"enum": ["link", "code", null]`),
		"no other properties":        edit(t, schema, `"required": ["id"],`+"\n"+`      "properties": {`+"\n"+`        "id": {"type": "string", "pattern"`, `"required": ["id"], "additionalProperties": false,`+"\n"+`      "properties": {`+"\n"+`        "id": {"type": "string", "pattern"`),
		"a fractional minLength":     edit(t, schema, `"minLength": 1}`+"\n  }", `"minLength": 1.5}`+"\n  }"),
		"not JSON":                   schema[:len(schema)/2],
	} {
		if quickRulesOf([]byte(modified)) != nil {
			t.Errorf("%s: the quick path should be off", name)
		}
	}
}

// filledFields and sessionFromDoc read the same properties into the same fields, and together every field of
// Session but where the file is.
func TestFilledFieldsAgree(t *testing.T) {
	all := map[string]any{}
	want := &Session{Path: "p", App: "a"}
	for i, f := range filledFields {
		doc := map[string]any{}
		one := &Session{Path: "p", App: "a"}
		var v any = fmt.Sprintf("v%d", i)
		if f.flag != nil {
			b := true
			v, *f.flag(one), *f.flag(want) = true, &b, &b
		} else {
			*f.str(one), *f.str(want) = v.(string), v.(string)
		}
		for _, m := range []map[string]any{doc, all} {
			keys := strings.Split(f.pointer[1:], "/")
			for _, k := range keys[:len(keys)-1] {
				if m[k] == nil {
					m[k] = map[string]any{}
				}
				m = m[k].(map[string]any)
			}
			m[keys[len(keys)-1]] = v
		}
		if got := sessionFromDoc("p", "a", doc); !reflect.DeepEqual(got, one) {
			t.Errorf("%s: sessionFromDoc fills %+v, filledFields %+v", f.pointer, got, one)
		}
	}
	if got := sessionFromDoc("p", "a", all); !reflect.DeepEqual(got, want) {
		t.Errorf("every property: sessionFromDoc fills %+v, filledFields %+v", got, want)
	}
	v := reflect.ValueOf(want).Elem()
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("no property fills Session.%s", v.Type().Field(i).Name)
		}
	}
}

// The token is compared as EncodeToken writes it, padding dropped and either alphabet read, as DecodeToken reads
// it; a token that decodes to the same fields but is written another way is left to the full checks.
func TestQuickPathTokens(t *testing.T) {
	// An application id whose token holds both '-' and '_' in the URL alphabet, and '=' once padded.
	const app, id = "com.4d.app???>>>", exampleID
	tok := EncodeToken(Token{AppNameID: app, ID: id})
	data := []byte(`{"appNameID":"` + app + `","id":"` + id + `","teamID":""}`)
	if !strings.ContainsAny(tok, "-") || !strings.ContainsAny(tok, "_") || len(data)%3 == 0 {
		t.Fatalf("the token %s does not test both alphabets and padding", tok)
	}
	file := func(token string) []byte {
		return []byte(edit(t, session("", app, id, "pending"), tok, token))
	}
	for _, tt := range []struct {
		name  string
		token string
		quick bool // matched by the quick comparison, without the full checks' decoding
		full  bool // accepted by the full checks
	}{
		{"unpadded URL alphabet", tok, true, true},
		{"padded URL alphabet", base64.URLEncoding.EncodeToString(data), true, true},
		{"unpadded standard alphabet", base64.RawStdEncoding.EncodeToString(data), true, true},
		{"padded standard alphabet", base64.StdEncoding.EncodeToString(data), true, true},
		{"more padding than needed", tok + "====", true, true},
		{"both alphabets", strings.Replace(tok, "_", "/", 1), false, false},
		{"padding inside", tok[:8] + "=" + tok[8:], false, false},
		{"spare bits set", tok[:len(tok)-1] + string(tok[len(tok)-1]+1), false, true},
		{"other key order", base64.RawURLEncoding.EncodeToString([]byte(`{"id":"` + id + `","appNameID":"` + app + `","teamID":""}`)), false, true},
		{"no teamID", base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID":"` + app + `","id":"` + id + `"}`)), false, true},
		{"spaces", base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID": "` + app + `", "id": "` + id + `", "teamID": ""}`)), false, true},
		{"escaped", base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID":"` + app[:3] + `\u002e` + app[4:] + `","id":"` + id + `","teamID":""}`)), false, true},
		{"another session's", EncodeToken(Token{AppNameID: app, ID: "ab"}), false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := file(tt.token)
			_, _, err := (&Checker{}).CheckBytes(SessionFile{Path: app + "/" + id, App: app, Name: id}, text)
			if full := err == nil; full != tt.full {
				t.Fatalf("the full checks accept it: %v, want %v (%v)", full, tt.full, err)
			}
			if !quickAgrees(t, app, id, text) {
				t.Fatal("the quick path does not read it, which is valid against the schema")
			}
			s, _ := embeddedQuickRules().check(SessionFile{Path: app + "/" + id, App: app, Name: id}, text)
			if quick := quickTokenMatches(s); quick != tt.quick {
				t.Errorf("the quick comparison of the token matches it: %v, want %v", quick, tt.quick)
			}
		})
	}
}

// A file that failed and has not changed raises its error again without a new check, in any language: its
// message is said in the language it is shown in.
func TestRefreshRemembersFailedFiles(t *testing.T) {
	ctx := t.Context()
	fsys := memTree(t, map[string]string{
		"com.a/aa": session("", "com.a", "aa", "Accepted"),
		"com.a/bb": session("", "com.a", "bb", "pending"),
	})
	c := &Checker{}
	reg := NewRegistry(c)
	loaded, err := reg.Load(ctx, fsys, root, CheckOptions{})
	if err != nil || len(loaded.Errors) != 1 {
		t.Fatalf("load: %v, %v", err, loaded)
	}
	rep, err := reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil || len(rep.Errors) != 1 {
		t.Fatalf("refresh: %v, %v", err, rep)
	}
	if rep.Errors[0] != loaded.Errors[0] {
		t.Fatal("the unchanged broken file was checked again")
	}
	rep, err = reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0] != loaded.Errors[0] || !strings.HasPrefix(rep.Errors[0].In(i18n.French).Message.String(), "Le fichier json") {
		t.Fatalf("said in French: %v, %+v", err, rep.Errors)
	}
	writeTree(t, fsys, root, "com.a/aa", []byte(session("", "com.a", "aa", "accepted")))
	rep, err = reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil || len(rep.Errors) != 0 || len(rep.NotLoaded) != 1 {
		t.Fatalf("after the fix: %v, %+v", err, rep)
	}
}

// BenchmarkQuickCheck is the quick path alone on the sample's valid files, the kind of file it is there for.
func BenchmarkQuickCheck(b *testing.B) {
	var files []sampleFile
	var size int
	for _, f := range sampleFiles(b) {
		f.data = withoutBOM(f.data)
		if _, ok := quickCheck(f.SessionFile, f.data); ok {
			files = append(files, f)
			size += len(f.data)
		}
	}
	if len(files) == 0 {
		b.Fatal("the quick path takes none of the sample's files")
	}
	b.SetBytes(int64(size / len(files)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := files[i%len(files)]
		if _, ok := quickCheck(f.SessionFile, f.data); !ok {
			b.Fatal(f.Path)
		}
		i++
	}
}

// plainRun reads eight bytes at a time: each byte value at each place of a word, and past it, stops it where
// a byte-by-byte loop stops.
func TestPlainRun(t *testing.T) {
	for at := range 20 {
		for c := range 256 {
			b := bytes.Repeat([]byte("a"), 20)
			b[at] = byte(c)
			want := 0
			for want < len(b) && b[want] >= 0x20 && b[want] != '"' && b[want] != '\\' && b[want] < 0x80 {
				want++
			}
			if got := plainRun(b); got != want {
				t.Fatalf("byte %#x at %d: %d, want %d", c, at, got, want)
			}
		}
	}
}
