package console_test

// Benchmarks of what the console does with a zip dropped on it.
//
//	go test ./core/console -run '^$' -bench . -benchmem

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mobisess/mobisess/bench/corpus"
	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

// BenchmarkOpenZip is what the console does with a dropped zip: import 10,000 generated sessions into memory,
// load them and compute the State. To profile: add -cpuprofile cpu.out (docs/wasm-performance.md for wasm).
func BenchmarkOpenZip(b *testing.B) {
	data := corpusZip(b, corpus.Options{Sessions: 10_000, Seed: 1})
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		ws, err := console.OpenZip(ctx, data, "MobileApps.zip", nil, console.WorkspaceOptions{})
		if err != nil {
			b.Fatal(err)
		}
		st, err := ws.State(ctx)
		if err != nil || st.Memory.Count == 0 {
			b.Fatalf("state: %v, %d sessions in memory", err, st.Memory.Count)
		}
	}
}

// corpusZip is a zip of a generated MobileApps folder, without directory entries: every kind of broken file,
// BOMs, CRLF, entries that are not sessions.
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

// BenchmarkKeepEdit is what browser mode does after each change to a dropped zip: the change (a status set),
// then the edits since the last ones kept. Its cost should not grow with the zip, only with what changed.
//
//	go test ./core/console -run '^$' -bench KeepEdit -benchmem
func BenchmarkKeepEdit(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("%dsessions", n), func(b *testing.B) {
			ws, path, etag := openCorpusSession(b, n, 0)
			status := []string{core.StatusAccepted, core.StatusPending}
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

// BenchmarkEditAnswer is what one edit costs the engine, its answer included: a status set through the
// console's method table on a zip of n generated sessions, and the answer's JSON. What the page does with it
// comes on top (bench/console). The cost should follow the file changed, not the folder.
//
//	go test ./core/console -run '^$' -bench EditAnswer -benchmem -cpuprofile cpu.out
func BenchmarkEditAnswer(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("%dsessions", n), func(b *testing.B) {
			ctx := context.Background()
			ws, path, etag := openCorpusSession(b, n, n/2)
			svc := console.NewService(ws, console.Options{})
			status := []string{core.StatusAccepted, core.StatusPending}
			i := 0
			size := 0
			for b.Loop() {
				params, _ := json.Marshal(console.StatusParams{Path: path, Status: status[i%2], ETag: etag})
				res, err := svc.Call(ctx, "setStatus", params, nil)
				if err != nil {
					b.Fatal(err)
				}
				etag, i, size = res.ETag, i+1, len(res.JSON)
			}
			b.ReportMetric(float64(size), "answer-bytes")
		})
	}
}

// openCorpusSession opens a zip of n generated sessions and reads its at-th session file: the workspace, the
// file's path and its ETag.
func openCorpusSession(b *testing.B, n, at int) (*console.Workspace, string, string) {
	ctx := context.Background()
	ws, err := console.OpenZip(ctx, corpusZip(b, corpus.Options{Sessions: n, Seed: 1}), "MobileApps.zip", nil, console.WorkspaceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := ws.State(ctx)
	if err != nil {
		b.Fatal(err)
	}
	path := st.Disk.Sessions[min(at, len(st.Disk.Sessions)-1)].Path
	f, err := ws.Read(path)
	if err != nil {
		b.Fatal(err)
	}
	return ws, path, f.ETag
}
