//go:build !js && !wasip1

// Command console measures the console at scale, as a person uses it, in Chromium: in browser mode (the folder's
// zip given to the page, the engine in its Web Worker) and in server mode (the dev server on the folder), on the
// folders bench/gen makes. It times each action from the user's event (Ctrl+S, a click, a language chosen) to
// the DOM showing its result, reads the renderer's memory after opening and after ten edits, the dev server's
// CPU while idle, and the time a change made on disk takes to show. It prints a markdown section ("## The
// console at scale (edit series)") on stdout; progress goes to stderr.
//
//	go run ./bench/console -sizes 1k,100k
//
// To see where the page's time goes, run some series alone under Chromium's profiler:
//
//	go run ./bench/console -sizes 100k -modes browser -series lang -profile bench/out/profiles
//
// writes a .cpuprofile per series (open it in DevTools' Performance panel) and prints the page's script, style
// and layout time and the functions that took the most.
//
// The console is driven only through the test ids README lists ("Test surface") and what it documents, so
// that the same run measures it before and after a change of its design. Every wait is bounded: an action
// that shows nothing in time is a timeout, and counts as such.
//
// It needs e2e/setup.sh (Chromium and the Playwright driver). It builds mobisess, the dev server and the wasm
// into bench/out/, and makes the data where bench/run.sh does (bench/out/data/SIZE, shared with it).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mobisess/mobisess/bench/proc"
	"github.com/mobisess/mobisess/bench/server"
	"github.com/mobisess/mobisess/e2e/browser"
)

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/console:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench/console: "+format+"\n", a...) }

func mainErr() error {
	sizes := flag.String("sizes", "1k,100k", "sizes, comma-separated (a k suffix multiplies by 1000); the targets compare 1k and 100k")
	modes := flag.String("modes", "browser,server", "modes, comma-separated: browser (a zip in the page), server (devserver -dir)")
	reps := flag.Int("reps", 5, "repetitions of each action")
	timeout := flag.Duration("timeout", 2*time.Minute, "how long each action may take to show its result before it counts as a timeout")
	openTimeout := flag.Duration("open-timeout", 5*time.Minute, "how long opening the zip or the folder may take")
	runTimeout := flag.Duration("run-timeout", 45*time.Minute, "how long one mode at one size may take in all")
	idle := flag.Duration("idle", 20*time.Second, "how long the dev server's CPU is measured while the page is idle")
	rest := flag.Duration("rest", 500*time.Millisecond, "the pause after each action, once the console is idle")
	seed := flag.Uint64("seed", 1, "bench/gen's seed")
	dataDir := flag.String("data", "bench/out/data", "where the generated folders are (made when missing, as bench/run.sh does)")
	wasmDir := flag.String("wasm-dir", "bench/out/web", "where the wasm is built for the dev server's browser mode")
	jsonOut := flag.String("json", "", "also write the measurements to this JSON file")
	only := flag.String("series", "", "run only these series, comma-separated ("+strings.Join(allSeries, ", ")+"); all when empty")
	profile := flag.String("profile", "", "write a CPU profile of the page's main thread for each series into this folder (SIZE-MODE-SERIES.cpuprofile, for Chromium's DevTools), and print where its time went")
	flag.Parse()
	if *reps < 1 {
		return errors.New("-reps must be at least 1")
	}
	modeList := strings.Split(*modes, ",")
	for _, m := range modeList {
		if m != "browser" && m != "server" {
			return fmt.Errorf("-modes: %q is neither browser nor server", m)
		}
	}
	var labels []string
	var counts []int
	for _, l := range strings.Split(*sizes, ",") {
		n, err := sizeN(l)
		if err != nil {
			return err
		}
		labels, counts = append(labels, l), append(counts, n)
	}
	cfg := settings{reps: *reps, timeout: *timeout, openTimeout: *openTimeout, idle: *idle, rest: *rest, profile: *profile}
	if *only != "" {
		cfg.series = map[string]bool{}
		for _, name := range strings.Split(*only, ",") {
			if !slices.Contains(allSeries, name) {
				return fmt.Errorf("-series: %q is not one of %s", name, strings.Join(allSeries, ", "))
			}
			cfg.series[name] = true
		}
	}
	if *profile != "" {
		if err := os.MkdirAll(*profile, 0o755); err != nil {
			return err
		}
	}
	cmdline := "go run ./bench/console"
	for _, a := range os.Args[1:] {
		cmdline += " " + a
	}

	root, err := browser.RepoRoot()
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	if c, err := browser.DefaultConfig(); err != nil {
		return err
	} else if err := c.Check(); err != nil {
		return err
	}
	started, loadStart := time.Now(), proc.LoadAverage()
	logf("building mobisess, the dev server and the wasm")
	wasmAbs, err := filepath.Abs(*wasmDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(wasmAbs, 0o755); err != nil {
		return err
	}
	devsrv, err := server.Build(root)
	if err != nil {
		return err
	}
	t, err := buildTools(root, wasmAbs, devsrv)
	if err != nil {
		return err
	}

	var runs []*run
	for i, label := range labels {
		dir, err := t.dataset(*dataDir, label, counts[i], *seed)
		if err != nil {
			return err
		}
		src := source{label: label, n: counts[i], folder: filepath.Join(dir, "MobileApps"), zip: filepath.Join(dir, "MobileApps.zip")}
		logf("%s: reading the folder with mobisess check and fix --dry-run", label)
		if src.plan, err = t.plan(src.folder, *reps); err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		for _, mode := range modeList {
			logf("%s, %s mode", label, mode)
			runs = append(runs, measure(t, mode, src, cfg, *runTimeout))
		}
	}
	out := report{cmdline: cmdline, commit: commit(), cfg: cfg, sizes: labels, modes: modeList, runs: runs, seed: *seed,
		loadStart: loadStart, loadEnd: proc.LoadAverage(), seconds: time.Since(started).Seconds(), dataDir: *dataDir}
	fmt.Print(out.markdown())
	if *jsonOut != "" {
		b, err := json.MarshalIndent(jsonRuns(runs), "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
	}
	return nil
}

// commit is the checkout measured: its commit, and whether the product's code has changes not committed.
func commit() string {
	head, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(head))
	if changed, err := exec.Command("git", "status", "--porcelain", "--", "core", "cmd", "web", "wasm").Output(); err == nil && len(changed) > 0 {
		c += " + uncommitted changes"
	}
	return c
}

// sizeN is the number of sessions of a size: 1k is 1000.
func sizeN(label string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(label, "k"))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", label)
	}
	if strings.HasSuffix(label, "k") {
		n *= 1000
	}
	return n, nil
}

// jsonRuns is the runs with timeouts written as -1 (JSON has no infinity).
func jsonRuns(runs []*run) []*run {
	finite := func(xs []float64) []float64 {
		out := slices.Clone(xs)
		for i, x := range out {
			if math.IsInf(x, 1) {
				out[i] = -1
			}
		}
		return out
	}
	out := make([]*run, len(runs))
	for i, r := range runs {
		c := *r
		c.Series = map[string][]float64{}
		for k, v := range r.Series {
			c.Series[k] = finite(v)
		}
		c.RefreshProcess = finite(r.RefreshProcess)
		out[i] = &c
	}
	return out
}
