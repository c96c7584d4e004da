package core_test

// Benchmarks of the engine's hot paths on generated sessions (bench/corpus: a realistic mix, about 1% broken in
// each of the four ways). `make bench` runs whole folders against the floors and the peer validators.
//
//	go test ./core -run '^$' -bench . -benchmem

import (
	"context"
	"path"
	"runtime"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/bench/corpus"
	"github.com/mobisess/mobisess/core"
)

func sessionFile(f corpus.File) core.SessionFile {
	return core.SessionFile{Path: f.Path, App: path.Dir(f.Path), Name: path.Base(f.Path)}
}

func generate(b *testing.B, n int) []corpus.File {
	b.Helper()
	var files []corpus.File
	err := corpus.Generate(corpus.Options{Sessions: n, Seed: 1}, func(f corpus.File) error {
		if f.Kind != corpus.NotSession {
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return files
}

// BenchmarkCheckBytes is the four checks on one file of each kind, and on the whole mix in turn.
func BenchmarkCheckBytes(b *testing.B) {
	files := generate(b, 1000)
	c := &core.Checker{}
	first := map[corpus.Kind]corpus.File{}
	var size int
	for _, f := range files {
		if _, ok := first[f.Kind]; !ok {
			first[f.Kind] = f
		}
		size += len(f.Data)
	}
	for _, kind := range []corpus.Kind{corpus.Valid, corpus.Location, corpus.Malformed, corpus.Schema, corpus.Token} {
		f := first[kind]
		b.Run(string(kind), func(b *testing.B) {
			sf := sessionFile(f)
			b.SetBytes(int64(len(f.Data)))
			b.ReportAllocs()
			for b.Loop() {
				c.CheckBytes(sf, f.Data)
			}
		})
	}
	b.Run("mix", func(b *testing.B) {
		sfs := make([]core.SessionFile, len(files))
		for i, f := range files {
			sfs[i] = sessionFile(f)
		}
		b.SetBytes(int64(size / len(files)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			c.CheckBytes(sfs[i%len(files)], files[i%len(files)].Data)
			i++
		}
	})
}

// folder writes a generated folder of n sessions under /MobileApps, on the disk ("os": the CLI, the dev server)
// or in memory ("mem": a zip, the wasm build).
func folder(b *testing.B, kind string, n int) afero.Fs {
	b.Helper()
	fsys := afero.NewMemMapFs()
	if kind == "os" {
		fsys = afero.NewBasePathFs(afero.NewOsFs(), b.TempDir())
	}
	if _, err := corpus.Write(fsys, "/MobileApps", corpus.Options{Sessions: n, Seed: 1}, nil); err != nil {
		b.Fatal(err)
	}
	return fsys
}

// BenchmarkCheck is a check of a generated folder of 1000 sessions, with no memory.
func BenchmarkCheck(b *testing.B) {
	ctx := context.Background()
	for _, name := range []string{"os", "mem"} {
		fsys := folder(b, name, 1000)
		b.Run("1k/"+name, func(b *testing.B) {
			c := &core.Checker{}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Check(ctx, fsys, "/MobileApps", core.CheckOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRefresh is a refresh of 1000 sessions against a loaded registry: with nothing changed, and after
// 1% of the files changed (changed back and forth between iterations, outside the timing).
func BenchmarkRefresh(b *testing.B) {
	ctx := context.Background()
	fsys := folder(b, "os", 1000)
	reg := core.NewRegistry(nil)
	if _, err := reg.Load(ctx, fsys, "/MobileApps", core.CheckOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Run("1k/unchanged", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := reg.Refresh(ctx, fsys, "/MobileApps", core.CheckOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	listing, err := core.List(fsys, "/MobileApps")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("1k/1%changed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			for i, f := range listing.Files {
				if i%100 == 50 {
					p := "/MobileApps/" + f.Path
					data, err := afero.ReadFile(fsys, p)
					if err == nil {
						err = afero.WriteFile(fsys, p, corpus.Mutate(data), 0o644)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StartTimer()
			if _, err := reg.Refresh(ctx, fsys, "/MobileApps", core.CheckOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoad is a registry Load of 1000 sessions, with the live heap it keeps per session.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	fsys := folder(b, "mem", 1000)
	b.ReportAllocs()
	var reg *core.Registry
	for b.Loop() {
		reg = core.NewRegistry(nil)
		if _, err := reg.Load(ctx, fsys, "/MobileApps", core.CheckOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	// What the registry keeps: the live heap that dropping it frees.
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	sessions := reg.Len()
	reg = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	b.ReportMetric(float64(int64(with.HeapAlloc)-int64(without.HeapAlloc))/float64(sessions), "heap-B/session")
}
