package console

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mobisess/mobisess/core"
)

// The console's refresh answers the number of the sessions left unchanged and of the errors, and names the
// first of them only, however many there are; the report itself (the CLI's) names them all.
func TestRefreshAnswerCountsTheUnchanged(t *testing.T) {
	for _, n := range []int{3, MaxUnchangedShown, MaxUnchangedShown + 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			files := map[string]string{}
			for i := range n {
				id := fmt.Sprintf("%040x", i)
				files["com.a/"+id] = session("", "com.a", id, "pending")
				files["com.b/"+id] = "{"
			}
			ws, err := NewWorkspace(context.Background(), memTree(t, files), root, nil, WorkspaceOptions{Mode: "browser", Exclusive: true})
			if err != nil {
				t.Fatal(err)
			}
			var answer struct {
				Report struct {
					core.RefreshReport
					UnchangedCount *int `json:"unchangedCount"`
					ErrorsCount    *int `json:"errorsCount"`
				} `json:"report"`
			}
			call(t, NewService(ws, Options{}), "refresh", NoParams{}, nil, &answer)
			rep := answer.Report
			shown := min(n, MaxUnchangedShown)
			if rep.UnchangedCount == nil || *rep.UnchangedCount != n || len(rep.Unchanged) != shown {
				t.Fatalf("unchanged: %d named, count %v; want %d named, count %d", len(rep.Unchanged), rep.UnchangedCount, shown, n)
			}
			for i, u := range rep.Unchanged {
				if want := fmt.Sprintf("com.a/%040x", i); u.Path != want {
					t.Fatalf("unchanged[%d] = %s, want %s: the first ones, in the report's order", i, u.Path, want)
				}
			}
			if errors := min(n, MaxErrorsShown); rep.ErrorsCount == nil || *rep.ErrorsCount != n || len(rep.Errors) != errors {
				t.Fatalf("errors: %d named, count %v; want %d named, count %d", len(rep.Errors), rep.ErrorsCount, errors, n)
			}
			for i, e := range rep.Errors {
				if want := fmt.Sprintf("com.b/%040x", i); e.Path != want || e.Code != core.CodeMalformed || e.Message.String() == "" {
					t.Fatalf("errors[%d] = %+v, want the mobi 2 of %s", i, e, want)
				}
			}
			if rep.Updated == nil || rep.Removed == nil || rep.NotLoaded == nil {
				t.Errorf("the rest of the report: %+v", rep.RefreshReport)
			}
			full, err := ws.Refresh(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(full.Unchanged) != n || len(full.Errors) != n {
				t.Errorf("the report itself names %d unchanged and %d errors, want %d", len(full.Unchanged), len(full.Errors), n)
			}
			cli, err := json.Marshal(full)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(cli, &doc); err != nil {
				t.Fatal(err)
			}
			keys := []string{}
			for k := range doc {
				keys = append(keys, k)
			}
			if _, counted := doc["unchangedCount"]; counted || len(doc["unchanged"].([]any)) != n || len(doc["errors"].([]any)) != n {
				t.Errorf("the CLI's document changed: %v", keys)
			}
		})
	}
}
