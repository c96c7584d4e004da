package core_test

import (
	"context"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
)

// TestGoldenSample keeps the check report of the embedded sample (`go test ./core -run TestGolden -update`).
func TestGoldenSample(t *testing.T) {
	fsys, dir, err := sample.Open()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := (&core.Checker{}).Check(context.Background(), fsys, dir, core.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	core.Golden(t, "testdata/sample.golden.json", core.MarshalGolden(t, rep))
}

func TestSessionEqual(t *testing.T) {
	yes, no, alsoYes := true, false, true
	a := core.Session{Path: "a/b", Status: "accepted", Simulator: &yes}
	for _, tt := range []struct {
		b    core.Session
		want bool
	}{
		{core.Session{Path: "a/b", Status: "accepted", Simulator: &alsoYes}, true},
		{core.Session{Path: "a/b", Status: "accepted", Simulator: &no}, false},
		{core.Session{Path: "a/b", Status: "accepted"}, false},
		{core.Session{Path: "a/b", Status: "pending", Simulator: &yes}, false},
	} {
		if got := a.Equal(&tt.b); got != tt.want {
			t.Errorf("%+v equal to %+v: %v, want %v", a, tt.b, got, tt.want)
		}
	}
}
