// Command floor measures, in one process, what mobisess does against what no checker can beat on the same
// files with the same parallelism (GOMAXPROCS workers, as core's checkAll):
//
//	floor run   -root DIR [-zip FILE] [-rounds N] [-out FILE]   every phase below, rounds interleaved, then ratios
//	floor read  -root DIR    one pass of the read floor, for hyperfine
//	floor valid -root DIR    one pass of the read + json.Valid floor
//	floor zip   -zip FILE    one pass of the zip floor: inflate every entry + json.Valid (see zipAll)
//
// Phases of run: the floors (list the app folders and read every file; the same plus json.Valid), a check
// (core.Checker.Check, no memory), with -zip the zip floor and a check of the zip (core.OpenPath, then Check, as
// the CLI does), a registry Load, a refresh when nothing changed and a refresh after 1% of the files changed. To
// change files it rewrites 1% of them in place with corpus.Mutate and restores them before it exits;
// DIR/../floor.dirty exists while the folder differs from what gen wrote.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/bench/corpus"
	"github.com/mobisess/mobisess/bench/results"
	"github.com/mobisess/mobisess/core"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: floor run|read|valid -root DIR [-zip FILE] [-rounds N] [-out FILE]; floor zip -zip FILE")
		os.Exit(2)
	}
	mode := os.Args[1]
	fl := flag.NewFlagSet("floor", flag.ExitOnError)
	root := fl.String("root", "", "the MobileApps folder")
	zipPath := fl.String("zip", "", "a zip of the MobileApps folder (zip; run: adds the zip phases)")
	rounds := fl.Int("rounds", 5, "measurements of each phase (run)")
	out := fl.String("out", "", "write the results as JSON to this file (run); default stdout")
	_ = fl.Parse(os.Args[2:])
	switch {
	case mode == "zip" && *zipPath == "":
		fmt.Fprintln(os.Stderr, "floor zip: -zip is required")
		os.Exit(2)
	case mode != "zip" && *root == "":
		fmt.Fprintf(os.Stderr, "floor %s: -root is required\n", mode)
		os.Exit(2)
	}
	var err error
	switch mode {
	case "read", "valid", "zip":
		var n, size, invalid int64
		if mode == "zip" {
			n, size, invalid, err = zipAll(*zipPath)
		} else {
			n, size, invalid, err = readAll(*root, mode == "valid")
		}
		if err == nil {
			fmt.Printf("%d files, %d bytes, %d not valid JSON\n", n, size, invalid)
		}
	case "run":
		err = run(*root, *zipPath, *rounds, *out)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// readAll is the floor: list the app folders, then read every file (and run json.Valid on it) with as many
// workers as core.checkAll uses. It returns the files and bytes read, and how many are not valid JSON. Each file
// is read with the fewest system calls a reader can make (readWhole), which are mobisess's too.
func readAll(root string, valid bool) (files, size, invalid int64, err error) {
	apps, err := os.ReadDir(root)
	if err != nil {
		return 0, 0, 0, err
	}
	var paths []string
	for _, app := range apps {
		if !app.IsDir() {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(root, app.Name()))
		if err != nil {
			return 0, 0, 0, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				paths = append(paths, filepath.Join(root, app.Name(), e.Name()))
			}
		}
	}
	var total, bad atomic.Int64
	err = forEach(len(paths), func() func(int) error {
		return func(i int) error {
			data, err := readWhole(paths[i])
			if err != nil {
				return err
			}
			total.Add(int64(len(data)))
			if valid && !json.Valid(data) {
				bad.Add(1)
			}
			return nil
		}
	})
	return int64(len(paths)), total.Load(), bad.Load(), err
}

// readWhole reads a file in one read of the size its stat gives: open, fstat, read, close. os.ReadFile makes a
// read more, to be told the file ends, which a floor need not (nor does mobisess).
func readWhole(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, st.Size()+1)
	n, err := f.Read(buf)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if int64(n) == st.Size() {
		return buf[:n], nil // a read of a regular file stops short only at its end
	}
	rest, err := io.ReadAll(f) // it grew or shrank since its stat
	return append(buf[:n], rest...), err
}

// forEach calls do(i) for i in [0, n) on as many workers as core.checkAll uses, each with the function that
// newWorker gives it (its own buffers), and returns the first error; a worker stops at its error.
func forEach(n int, newWorker func() func(int) error) error {
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do := newWorker()
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				if err := do(int(i)); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func run(root, zipPath string, rounds int, out string) error {
	ctx := context.Background()
	fsys := afero.NewOsFs()
	res := &results.Floor{Root: root, Zip: zipPath, GOMAXPROCS: runtime.GOMAXPROCS(0), Rounds: rounds, Phases: map[string]*results.Phase{}}
	for _, name := range results.Phases {
		res.Phases[name] = &results.Phase{}
	}
	measure := func(name string, f func() error) error {
		runtime.GC() // each phase starts from a clean heap, as a new process would
		resetPeakRSS()
		start := time.Now()
		err := f()
		res.Phases[name].Add(time.Since(start), peakRSS())
		return err
	}
	floor := func(valid bool) func() error {
		return func() error {
			n, size, _, err := readAll(root, valid)
			res.Files, res.Bytes = int(n), size
			return err
		}
	}
	// One pass first, so that every phase finds the files in the page cache, and the embedded schema compiled
	// (once per process, as in the CLI), so that the first check is not charged with it.
	if _, _, _, err := readAll(root, false); err != nil {
		return err
	}
	if zipPath != "" {
		if _, _, _, err := zipAll(zipPath); err != nil {
			return err
		}
	}
	core.DefaultSchema()
	checker := &core.Checker{}
	for range rounds {
		if err := measure(results.PhaseRead, floor(false)); err != nil {
			return err
		}
		if err := measure(results.PhaseValid, floor(true)); err != nil {
			return err
		}
		err := measure(results.PhaseCheck, func() error {
			rep, err := checker.Check(ctx, fsys, root, core.CheckOptions{})
			if err == nil {
				res.CheckErrors = len(rep.Errors)
			}
			return err
		})
		if err != nil {
			return err
		}
		if zipPath == "" {
			continue
		}
		err = measure(results.PhaseZip, func() error {
			n, size, _, err := zipAll(zipPath)
			res.ZipFiles, res.ZipBytes = int(n), size
			return err
		})
		if err != nil {
			return err
		}
		// As the CLI does: the zip read in place (core.OpenPath), then checked.
		err = measure(results.PhaseCheckZip, func() error {
			src, zipRoot, err := core.OpenPath(fsys, zipPath, checker.Limits().Zip)
			if err != nil {
				return err
			}
			_, err = checker.Check(ctx, src, zipRoot, core.CheckOptions{})
			return err
		})
		if err != nil {
			return err
		}
	}

	// The registry: its size, then refreshes against it.
	reg := core.NewRegistry(checker)
	err := measure(results.PhaseLoad, func() error {
		_, err := reg.Load(ctx, fsys, root, core.CheckOptions{})
		return err
	})
	if err != nil {
		return err
	}
	res.Sessions = reg.Len()

	change, err := newChanger(root)
	if err != nil {
		return err
	}
	defer change.restore()
	res.Changed = len(change.paths)
	for range rounds {
		if err := measure(results.PhaseRead, floor(false)); err != nil {
			return err
		}
		err := measure(results.PhaseUnchanged, func() error {
			rep, err := reg.Refresh(ctx, fsys, root, core.CheckOptions{})
			if err == nil && (len(rep.Updated) != 0 || len(rep.Removed) != 0) {
				err = fmt.Errorf("a refresh with nothing changed updated %d and removed %d sessions", len(rep.Updated), len(rep.Removed))
			}
			return err
		})
		if err != nil {
			return err
		}
		if err := change.toggle(); err != nil {
			return err
		}
		err = measure(results.PhaseOnePercent, func() error {
			rep, err := reg.Refresh(ctx, fsys, root, core.CheckOptions{})
			if err == nil {
				res.Updated, res.UnchangedAfterChange = len(rep.Updated), len(rep.Unchanged)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	if err := change.restore(); err != nil {
		return err
	}
	// What the registry keeps: the live heap that dropping it frees.
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	sessions := reg.Len()
	reg = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	if sessions > 0 {
		res.RegistryBytesPerSession = (int64(with.HeapAlloc) - int64(without.HeapAlloc)) / int64(sessions)
	}

	for _, p := range res.Phases {
		p.Finish()
	}
	ph := res.Phases
	res.Ratios.CheckVsValid = ph[results.PhaseCheck].Median / ph[results.PhaseValid].Median
	if zipPath != "" {
		res.Ratios.CheckZipVsZip = ph[results.PhaseCheckZip].Median / ph[results.PhaseZip].Median
	}
	res.Ratios.UnchangedVsRead = ph[results.PhaseUnchanged].Median / ph[results.PhaseRead].Median
	res.Ratios.OnePercentVsRead = ph[results.PhaseOnePercent].Median / ph[results.PhaseRead].Median
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(append(data, '\n'))
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

// changer rewrites 1% of the session files (every hundredth, in listing order) with corpus.Mutate, and puts
// the original bytes back.
type changer struct {
	marker   string
	paths    []string
	original [][]byte
	dirty    bool // the files may differ from original
}

func newChanger(root string) (*changer, error) {
	listing, err := core.List(afero.NewOsFs(), root)
	if err != nil {
		return nil, err
	}
	c := &changer{marker: filepath.Join(filepath.Dir(filepath.Clean(root)), "floor.dirty")}
	for i, f := range listing.Files {
		if i%100 != 50 {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		c.paths = append(c.paths, p)
		c.original = append(c.original, data)
	}
	return c, nil
}

// toggle changes the files, or changes them back: corpus.Mutate undoes itself.
func (c *changer) toggle() error {
	if err := os.WriteFile(c.marker, nil, 0o644); err != nil {
		return err
	}
	c.dirty = true
	for _, p := range c.paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, corpus.Mutate(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (c *changer) restore() error {
	if !c.dirty {
		return nil
	}
	for i, p := range c.paths {
		if err := os.WriteFile(p, c.original[i], 0o644); err != nil {
			return err
		}
	}
	c.dirty = false
	return os.Remove(c.marker)
}

// resetPeakRSS resets VmHWM (Linux: writing 5 to clear_refs). Elsewhere it does nothing.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM in bytes, or 0 where /proc is missing.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
