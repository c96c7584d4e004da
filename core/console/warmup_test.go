package console

import (
	"context"
	"errors"
	"testing"

	"github.com/mobisess/mobisess/core"
)

func TestWarmUpOpensTheSampleZip(t *testing.T) {
	if err := WarmUp(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
}

// The warm-up is only worth its time if it runs the code a real zip runs: the import, many sessions that pass,
// and files that fail each check.
func TestWarmUpZipTakesEveryPath(t *testing.T) {
	data, err := warmUpZip()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ws, err := OpenZip(ctx, data, "MobileApps.zip", nil, WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := ws.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The copies are valid sessions: as many errors as in the sample, and the sessions copied.
	if len(st.Disk.Sessions) < 100 || st.Memory.Count != len(st.Disk.Sessions) || len(st.Disk.Errors) != 4 {
		t.Errorf("%d sessions on disk, %d in memory, %d errors: want 100 or more sessions, all in memory, and the sample's 4 errors",
			len(st.Disk.Sessions), st.Memory.Count, len(st.Disk.Errors))
	}
	codes := map[core.Code]bool{}
	for _, e := range st.Disk.Errors {
		codes[e.Code] = true
	}
	for _, c := range []core.Code{1, 2, 3, 4} {
		if !codes[c] {
			t.Errorf("no file fails with mobi %d: that check's failure path is not run (errors: %v)", c, codes)
		}
	}
}

func TestWarmUpStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WarmUp(ctx, 1000); !errors.Is(err, context.Canceled) {
		t.Fatalf("WarmUp on a canceled context: %v, want context.Canceled", err)
	}
}
