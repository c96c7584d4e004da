package core_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"testing"

	"github.com/mobisess/mobisess/bench/corpus"
	"github.com/mobisess/mobisess/core"
)

// corpusZip is a zip of a generated MobileApps folder: every kind of broken file, BOMs, CRLF, entries that are
// not sessions.
func corpusZip(t testing.TB, opts corpus.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := corpus.Generate(opts, func(f corpus.File) error {
		w, err := zw.Create("MobileApps/" + f.Path)
		if err != nil {
			return err
		}
		_, err = w.Write(f.Data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func stateJSON(t *testing.T, ws *core.Workspace) string {
	t.Helper()
	st, err := ws.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A helper that inflates and checks half of the files gives the state the engine finds alone, whatever it
// answers, in every language and with a schema of the user's own (which the helper does not have: it then
// only inflates).
func TestOpenZipHelpedIsOpenZip(t *testing.T) {
	ctx := context.Background()
	data := corpusZip(t, corpus.Options{Sessions: 700, Seed: 7, Broken: 0.03})
	altered := func(share []byte, at int, b byte) []byte {
		out := bytes.Clone(share)
		out[at] = b
		return out
	}
	// The first file's verdict starts after its length and content.
	firstVerdict := func(share []byte) int { return 4 + int(binary.LittleEndian.Uint32(share)) }
	schema := core.DefaultSchema()
	checkers := map[string]*core.Checker{
		"english":        nil,
		"french":         {Lang: core.French},
		"spanish":        {Lang: core.Spanish},
		"its own schema": {Schema: schema},
		"small files":    {Limits: core.Limits{MaxFileSize: 700}},
	}
	for name, c := range checkers {
		t.Run(name, func(t *testing.T) {
			alone, err := core.OpenZip(ctx, data, "corpus.zip", c, core.DefaultZipLimits, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := stateJSON(t, alone)
			// Each answer is made from the right share, that of HelperShare with the check asked for.
			answers := map[string]func(right []byte) ([]byte, error){
				"right":                func(right []byte) ([]byte, error) { return right, nil },
				"failed":               func([]byte) ([]byte, error) { return nil, errors.New("gone") },
				"empty":                func([]byte) ([]byte, error) { return nil, nil },
				"cut short":            func(right []byte) ([]byte, error) { return right[:len(right)/2], nil },
				"a content byte":       func(right []byte) ([]byte, error) { return altered(right, 6, right[6]^0x20), nil },
				"a verdict of no kind": func(right []byte) ([]byte, error) { return altered(right, firstVerdict(right), 7), nil },
				"a verdict cut":        func(right []byte) ([]byte, error) { return right[:firstVerdict(right)+3], nil },
			}
			for answer, share := range answers {
				t.Run(answer, func(t *testing.T) {
					asked := 0
					helper := func(d []byte, check *core.ShareCheck) func() ([]byte, error) {
						asked++
						if (check == nil) != (name == "its own schema") {
							t.Errorf("asked to check: %+v", check)
						}
						return func() ([]byte, error) {
							right, err := core.HelperShare(d, core.DefaultZipLimits, check)
							if err != nil {
								return nil, err
							}
							return share(right)
						}
					}
					helped, err := core.OpenZip(ctx, data, "corpus.zip", c, core.DefaultZipLimits, helper)
					if err != nil {
						t.Fatal(err)
					}
					if asked != 1 {
						t.Errorf("the helper was asked %d times", asked)
					}
					if got := stateJSON(t, helped); got != want {
						t.Errorf("the state differs from the engine's alone:\n got %.300s\nwant %.300s", got, want)
					}
					// What the load took from the import is for the load only: a refresh reads the folder.
					rep, err := helped.Refresh(ctx, nil)
					if err != nil || len(rep.Updated)+len(rep.Removed) != 0 {
						t.Errorf("refresh after the open: %v, %d updated, %d removed", err, len(rep.Updated), len(rep.Removed))
					}
				})
			}
		})
	}
}
