package console

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
)

// Each change answers what changed of the State (a Delta), and the page patches the State it holds with it:
// after every change, that patched State is the State a fresh pass over the folder gives, in browser mode (a
// workspace that alone changes its folder) and in server mode (a folder on disk), whatever the change.
func TestDeltaPatchesTheState(t *testing.T) {
	browser := NewService(nil, Options{CanOpen: true})
	call(t, browser, "openSample", SampleParams{Lang: "en"}, nil, nil)
	dir := filepath.Join(t.TempDir(), "MobileApps")
	copySample(t, dir)
	ws, err := NewWorkspace(context.Background(), afero.NewOsFs(), dir, nil, WorkspaceOptions{Source: dir, Mode: "server"})
	if err != nil {
		t.Fatal(err)
	}
	server := NewService(ws, Options{})
	for _, mode := range []struct {
		name string
		svc  *Service
	}{{"browser", browser}, {"server", server}} {
		t.Run(mode.name, func(t *testing.T) {
			a := mode.svc
			held := decodeDoc(t, call(t, a, "state", NoParams{}, nil, nil).JSON)
			etag := func(path string) string {
				var f File
				call(t, a, "read", PathParams{Path: path}, nil, &f)
				return f.ETag
			}
			fixable := func() FixParams {
				for _, e := range held["disk"].(map[string]any)["errors"].([]any) {
					p := e.(map[string]any)["path"].(string)
					var f File
					call(t, a, "read", PathParams{Path: p}, nil, &f)
					if fx := f.Actions.Fix; fx != nil && fx.Kind != core.FixNone && len(fx.Choices) == 0 {
						return FixParams{Path: p, ETag: f.ETag}
					}
				}
				t.Fatal("no error with a fix")
				return FixParams{}
			}
			edited := strings.Replace(readSample(t, accepted), `"status"`, `"email": "changed@example.com", "status"`, 1)
			steps := []struct {
				name   string
				method string
				params func() any
			}{
				{"the language changed", "setLang", func() any { return LangParams{Lang: "es"} }},
				{"a session accepted", "setStatus", func() any { return StatusParams{Path: pending, Status: "accepted", ETag: etag(pending)} }},
				{"a file edited", "write", func() any { e := etag(accepted); return WriteParams{Path: accepted, Content: edited, ETag: &e} }},
				{"a file broken", "write", func() any { e := etag(accepted); return WriteParams{Path: accepted, Content: "{", ETag: &e} }},
				{"the language changed after a file broke", "setLang", func() any { return LangParams{Lang: "en"} }},
				{"a fix applied", "fix", func() any { return fixable() }},
				{"a session created in a new app folder", "create", func() any {
					return core.NewSession{ApplicationID: "com.delta.app", TeamID: "TEAM123456", Status: "pending"}
				}},
				{"the language changed", "setLang", func() any { return LangParams{Lang: "fr"} }},
				{"refreshed", "refresh", func() any { return NoParams{} }},
				{"a file deleted", "remove", func() any { return RemoveParams{Path: pending} }},
				{"an app folder deleted", "remove", func() any { return RemoveParams{Path: "com.sample.myappname", Force: true} }},
				{"refreshed again", "refresh", func() any { return NoParams{} }},
				{"everything deleted", "remove", func() any { return RemoveParams{Path: "", Force: true} }},
			}
			for _, step := range steps {
				answer := decodeDoc(t, call(t, a, step.method, step.params(), nil, nil).JSON)
				delta := answer
				if d, ok := answer["delta"].(map[string]any); ok {
					delta = d
				}
				if _, ok := delta["rows"]; !ok {
					t.Fatalf("%s: no delta in %v", step.name, answer)
				}
				patch(t, held, delta)
				fresh := decodeDoc(t, call(t, a, "state", NoParams{}, nil, nil).JSON)
				if !reflect.DeepEqual(held, fresh) {
					got, _ := json.Marshal(held)
					want, _ := json.Marshal(fresh)
					t.Fatalf("%s: the patched state\n%s\nwant\n%s", step.name, got, want)
				}
			}
		})
	}
}

// copySample writes the embedded sample to dir on disk.
func copySample(t *testing.T, dir string) {
	t.Helper()
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	err = afero.Walk(fsys, root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		target := filepath.Join(dir, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := afero.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readSample(t *testing.T, rel string) string {
	t.Helper()
	fsys, root, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	data, err := afero.ReadFile(fsys, root+"/"+rel)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// stateDoc is a State as the page holds it: the JSON, decoded into generic values.
type stateDoc = map[string]any

// patch applies a Delta's JSON to a State's, as the page does (web/state.js, patchState): each row in place in
// the lists it belongs to, the counts replaced.
func patch(t *testing.T, st stateDoc, delta map[string]any) {
	t.Helper()
	disk := st["disk"].(map[string]any)
	mem := st["memory"].(map[string]any)
	pend := st["pending"].(map[string]any)
	if said, ok := delta["said"].([]any); ok {
		sayAgain(st, delta["words"].(map[string]any), said)
	}
	for _, r := range delta["rows"].([]any) {
		row := r.(map[string]any)
		p := row["path"].(string)
		put(disk, "sessions", p, row["session"], compareListed)
		put(disk, "errors", p, row["error"], compareListed)
		put(disk, "skipped", p, row["skipped"], compareListed)
		var same any
		if row["sameAsDisk"] == true {
			same = p
		}
		put(mem, "sameAsDisk", p, same, strings.Compare)
		put(mem, "sessions", p, row["memory"], strings.Compare)
		put(pend, "updated", p, row["updated"], compareListed)
		var notLoaded, unchanged any
		if row["notLoaded"] == true {
			notLoaded = map[string]any{"path": p}
		}
		inMemory := row["sameAsDisk"] == true || row["memory"] != nil
		if row["session"] != nil && inMemory && row["updated"] == nil && row["notLoaded"] == nil && row["removed"] == nil {
			unchanged = map[string]any{"path": p}
		}
		put(pend, "notLoaded", p, notLoaded, compareListed)
		put(pend, "unchanged", p, unchanged, compareListed)
		put(pend, "removed", p, row["removed"], strings.Compare)
	}
	pend["errors"] = disk["errors"]
	st["apps"], disk["apps"], disk["summary"] = delta["apps"], delta["apps"], delta["summary"]
	mem["count"] = delta["memoryCount"]
	st["lang"], st["words"] = delta["lang"], delta["words"]
}

// sayAgain says a State's words again as the page does (web/state.js, sayAgain): each error's message and each
// removal's its code's, in words; an error's cause and violations and a reason to skip from said.
func sayAgain(st stateDoc, words map[string]any, said []any) {
	own := map[string]map[string]any{}
	for _, w := range said {
		own[w.(map[string]any)["path"].(string)] = w.(map[string]any)
	}
	codes := words["codes"].(map[string]any)
	codeOf := func(doc map[string]any) string { return strconv.Itoa(int(doc["code"].(float64))) }
	disk := st["disk"].(map[string]any)
	errors, _ := disk["errors"].([]any)
	for _, x := range errors {
		e := x.(map[string]any)
		w := own[e["path"].(string)]
		e["message"] = codes[codeOf(e)]
		delete(e, "cause")
		if c, ok := w["cause"]; ok {
			e["cause"] = c
		}
		violations, _ := e["violations"].([]any)
		for i, v := range violations {
			v.(map[string]any)["message"] = w["violations"].([]any)[i]
		}
	}
	skipped, _ := disk["skipped"].([]any)
	for _, x := range skipped {
		k := x.(map[string]any)
		if w, ok := own[k["path"].(string)]; ok {
			k["reason"] = w["reason"]
		}
	}
	pend := st["pending"].(map[string]any)
	removed, _ := pend["removed"].([]any)
	for _, x := range removed {
		r := x.(map[string]any)
		if r["reason"] == core.ReasonDeleted {
			r["message"] = words["deleted"]
		} else {
			r["message"] = codes[codeOf(r)]
		}
	}
}

func put(doc map[string]any, key, path string, item any, compare func(a, b string) int) {
	list, _ := doc[key].([]any)
	pathOf := func(x any) string {
		if s, ok := x.(string); ok {
			return s
		}
		return x.(map[string]any)["path"].(string)
	}
	i, found := slices.BinarySearchFunc(list, path, func(x any, p string) int { return compare(pathOf(x), p) })
	switch {
	case item == nil && found:
		list = slices.Delete(list, i, i+1)
	case item == nil:
	case found:
		list[i] = item
	default:
		list = slices.Insert(list, i, item)
	}
	if list == nil {
		list = []any{}
	}
	doc[key] = list
}

func decodeDoc(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
