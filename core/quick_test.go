package core

import (
	"io/fs"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"
)

// The quick path implements session.schema.json by hand: a change to the schema must come with a change to it.
func TestQuickPathFollowsTheSchema(t *testing.T) {
	if got := schemaSum(); got != quickSchemaSum {
		t.Fatalf("session.schema.json changed (sha256 %s): update quickCheck to its rules, then quickSchemaSum", got)
	}
}

// quickAgrees is the rule that keeps the quick path honest: what it accepts, the four checks accept, with the
// same session.
func quickAgrees(t *testing.T, app, name string, data []byte) bool {
	t.Helper()
	f := SessionFile{Path: app + "/" + name, App: app, Name: name}
	body := data
	if len(body) >= 3 && string(body[:3]) == "\xEF\xBB\xBF" {
		body = body[3:]
	}
	quick, ok := quickCheck(f, body)
	full, _, err := (&Checker{}).CheckBytes(f, data)
	if ok {
		if err != nil {
			t.Fatalf("%s: the quick path accepts what the checks refuse: %v\n%q", f.Path, err, data)
		}
		if !reflect.DeepEqual(quick, full) {
			t.Fatalf("%s: sessions differ:\nquick %+v\nfull  %+v", f.Path, quick, full)
		}
	}
	return ok
}

func TestQuickPathTakesRealFiles(t *testing.T) {
	sampleFS := os.DirFS("sample/MobileApps")
	quick := 0
	err := fs.WalkDir(sampleFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, "/") {
			return err
		}
		data, err := fs.ReadFile(sampleFS, p)
		if err != nil {
			return err
		}
		app, name := path.Split(p)
		if quickAgrees(t, strings.TrimSuffix(app, "/"), name, data) {
			quick++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The sample's five valid sessions, BOM, CRLF, compact and padded token included; the padded token is
	// compared after its '=' are dropped, so it takes the quick path too.
	if quick != 5 {
		t.Fatalf("the quick path took %d of the sample's 5 valid files", quick)
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

// A file that failed and has not changed raises its error again without a new check; a new language makes the
// error anew, in that language.
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
	c.Lang = French
	rep, err = reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0] == loaded.Errors[0] || !strings.HasPrefix(rep.Errors[0].Message, "Le fichier json") {
		t.Fatalf("after a change of language: %v, %+v", err, rep.Errors)
	}
	writeTree(t, fsys, root, "com.a/aa", []byte(session("", "com.a", "aa", "accepted")))
	rep, err = reg.Refresh(ctx, fsys, root, CheckOptions{})
	if err != nil || len(rep.Errors) != 0 || len(rep.NotLoaded) != 1 {
		t.Fatalf("after the fix: %v, %+v", err, rep)
	}
}

// BenchmarkQuickCheck is the quick path alone on the sample's valid files, the kind of file it is there for.
func BenchmarkQuickCheck(b *testing.B) {
	type file struct {
		f    SessionFile
		body []byte
	}
	var files []file
	var size int
	sampleFS := os.DirFS("sample/MobileApps")
	err := fs.WalkDir(sampleFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, "/") {
			return err
		}
		data, err := fs.ReadFile(sampleFS, p)
		if err != nil {
			return err
		}
		app, name := path.Split(p)
		f := SessionFile{Path: p, App: strings.TrimSuffix(app, "/"), Name: name}
		if _, ok := quickCheck(f, withoutBOM(data)); ok {
			files = append(files, file{f, withoutBOM(data)})
			size += len(data)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		b.Fatalf("%d files: %v", len(files), err)
	}
	b.SetBytes(int64(size / len(files)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := files[i%len(files)]
		if _, ok := quickCheck(f.f, f.body); !ok {
			b.Fatal(f.f.Path)
		}
		i++
	}
}
