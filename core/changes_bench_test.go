package core_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mobisess/mobisess/bench/corpus"
	"github.com/mobisess/mobisess/core"
)

// BenchmarkKeepEdit is what browser mode does after each change to a dropped zip: the change (a status set),
// then the edits since the last ones kept. Its cost should not grow with the zip, only with what changed.
//
//	go test ./core -run '^$' -bench KeepEdit -benchmem
func BenchmarkKeepEdit(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("%dsessions", n), func(b *testing.B) {
			ctx := context.Background()
			ws, err := core.OpenZip(ctx, corpusZip(b, corpus.Options{Sessions: n, Seed: 1}), "MobileApps.zip", nil, core.WorkspaceOptions{})
			if err != nil {
				b.Fatal(err)
			}
			st, err := ws.State(ctx)
			if err != nil {
				b.Fatal(err)
			}
			path := st.Disk.Sessions[0].Path
			f, err := ws.Read(path)
			if err != nil {
				b.Fatal(err)
			}
			etag, status := f.ETag, []string{core.StatusAccepted, core.StatusPending}
			var seq uint64
			i := 0
			for b.Loop() {
				next, err := ws.SetStatus(path, status[i%2], etag)
				if err != nil {
					b.Fatal(err)
				}
				etag, i = next.ETag, i+1
				set, err := ws.Edits(seq)
				if err != nil || len(set.Edits) == 0 {
					b.Fatalf("edits: %v, %d", err, len(set.Edits))
				}
				seq = set.Seq
			}
		})
	}
}
