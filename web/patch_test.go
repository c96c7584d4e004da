package web

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/console"
)

// The page patches the State and its lists with each change's rows rather than make them again: what it holds
// after each row is what it would make from scratch (testdata/patch_check.mjs, run by Node).
func TestPagePatchesAsItMakes(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is needed to run the page's scripts: ", err)
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, filepath.Join("testdata", "patch_check.mjs"), dir).CombinedOutput()
	if err != nil || strings.Contains(string(out), "FAIL") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}

// A change of language moves no row: the page says the State's words again in place (state.js, sayAgain), and
// what it then holds is the State the engine gives in that language, its lookups those made from it
// (testdata/say_check.mjs, on the sample's State in English, the Delta of setLang, and the State in French).
func TestPageSaysAgainAsTheEngine(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is needed to run the page's scripts: ", err)
	}
	svc := console.NewService(nil, console.Options{CanOpen: true})
	do := func(method string, params any) []byte {
		t.Helper()
		raw, err := json.Marshal(params)
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.Call(context.Background(), method, raw, nil)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		return a.JSON
	}
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "en.json"), filepath.Join(dir, "delta.json"), filepath.Join(dir, "fr.json")}
	for i, doc := range [][]byte{
		do("openSample", console.SampleParams{Lang: "en"}),
		do("setLang", console.LangParams{Lang: "fr"}),
		do("state", console.NoParams{}),
	} {
		if err := os.WriteFile(files[i], doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	web, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, append([]string{filepath.Join("testdata", "say_check.mjs"), web}, files...)...).CombinedOutput()
	if err != nil || strings.Contains(string(out), "FAIL") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
