package core

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestGolden runs whole folder trees, each a txtar archive in testdata/check or testdata/refresh, and compares
// the engine's JSON with the golden file beside the archive. `go test ./core -run TestGolden -update` rewrites
// the golden files. An archive's comment may set "lang: fr".
func TestGolden(t *testing.T) {
	t.Run("check", func(t *testing.T) { eachArchive(t, "testdata/check", goldenCheck) })
	t.Run("refresh", func(t *testing.T) { eachArchive(t, "testdata/refresh", goldenRefresh) })
}

func eachArchive(t *testing.T, dir string, run func(*testing.T, *txtar.Archive, i18n.Lang) any) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no archives in %s (%v)", dir, err)
	}
	for _, name := range names {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			lang := i18n.English
			for _, line := range strings.Split(string(a.Comment), "\n") {
				if v, ok := strings.CutPrefix(line, "lang: "); ok {
					if lang, err = i18n.ParseLang(v); err != nil {
						t.Fatal(err)
					}
				}
			}
			golden(t, strings.TrimSuffix(name, ".txtar")+".golden.json", marshalGolden(t, run(t, a, lang)))
		})
	}
}

// marshalGolden is the JSON of the golden files: indented, keys in struct order, lists in the engine's order
// (which the tests ask to be sorted), one final newline.
func marshalGolden(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// goldenCheck checks the tree under MobileApps/ and returns the report in lang, after checking what every
// report promises: one error per file, and errors and sessions in path order.
func goldenCheck(t *testing.T, a *txtar.Archive, lang i18n.Lang) any {
	fsys := txtarTree(t, a, "MobileApps/")
	rep, raised := checkRaising(t, &Checker{}, fsys, root)
	if len(raised) != len(rep.Errors) || len(raised) > 0 && !reflect.DeepEqual(raised, rep.Errors) {
		t.Errorf("the handler saw %d errors, the report holds %d", len(raised), len(rep.Errors))
	}
	seen := map[string]bool{}
	for _, e := range rep.Errors {
		if seen[e.Path] {
			t.Errorf("%s: more than one error", e.Path)
		}
		seen[e.Path] = true
	}
	for _, s := range rep.Sessions {
		if seen[s.Path] {
			t.Errorf("%s: both a session and an error", s.Path)
		}
		seen[s.Path] = true
	}
	if len(seen) != rep.Summary.Files {
		t.Errorf("%d files listed, %d have a session or an error", rep.Summary.Files, len(seen))
	}
	assertSorted(t, "errors", len(rep.Errors), func(i int) string { return rep.Errors[i].Path })
	assertSorted(t, "sessions", len(rep.Sessions), func(i int) string { return rep.Sessions[i].Path })
	return rep.In(lang)
}

func assertSorted(t *testing.T, what string, n int, key func(int) string) {
	t.Helper()
	for i := 1; i < n; i++ {
		if key(i-1) >= key(i) {
			t.Errorf("%s out of order: %s before %s", what, key(i-1), key(i))
		}
	}
}

// refreshGolden is what a refresh golden file holds: the report and the memory after it.
type refreshGolden struct {
	Refresh *RefreshReport `json:"refresh"`
	Memory  []memoryLine   `json:"memory"`
}

type memoryLine struct {
	Path   string `json:"path"`
	Status string `json:"status"`
}

func memoryOf(r *Registry) []memoryLine {
	out := []memoryLine{}
	for _, s := range r.Sessions() {
		out = append(out, memoryLine{s.Path, s.Status})
	}
	return out
}

// goldenRefresh loads the before/ tree as a server does at start, then refreshes on the after/ tree, and returns
// the report in lang. A Preview just before must announce exactly what the refresh then does, and change
// nothing.
func goldenRefresh(t *testing.T, a *txtar.Archive, lang i18n.Lang) any {
	c := &Checker{}
	ctx := context.Background()
	reg := NewRegistry(c)
	if _, err := reg.Load(ctx, txtarTree(t, a, "before/MobileApps/"), root, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	before := memoryOf(reg)
	after := txtarTree(t, a, "after/MobileApps/")
	preview, _, err := reg.Preview(ctx, after, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := memoryOf(reg); !reflect.DeepEqual(got, before) {
		t.Errorf("Preview changed the memory: %v, was %v", got, before)
	}
	rep, err := reg.Refresh(ctx, after, root, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The errors a refresh raises are those a check of the folder raises, in the same order.
	_, raised := checkRaising(t, c, after, root)
	if !bytes.Equal(marshalGolden(t, preview), marshalGolden(t, rep)) {
		t.Errorf("Preview announced\n%s\nthe refresh did\n%s", marshalGolden(t, preview), marshalGolden(t, rep))
	}
	if len(raised) != len(rep.Errors) || len(raised) > 0 && !reflect.DeepEqual(raised, rep.Errors) {
		t.Errorf("a check raises %d errors, the refresh %d", len(raised), len(rep.Errors))
	}
	assertSorted(t, "removed", len(rep.Removed), func(i int) string { return rep.Removed[i].Path })
	assertSorted(t, "errors", len(rep.Errors), func(i int) string { return rep.Errors[i].Path })
	for _, u := range rep.Updated {
		assertSorted(t, "changes", len(u.Changes), func(i int) string { return u.Changes[i].Pointer })
	}
	return refreshGolden{Refresh: rep.In(lang), Memory: memoryOf(reg)}
}
