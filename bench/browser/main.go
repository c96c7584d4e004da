//go:build !js && !wasip1

// Command browser measures the engine where the console runs it: compiled to WebAssembly, in Chromium through the
// real console (the dev server in browser mode, the page, its Web Worker), in Node (the engine alone), and natively
// in this process, on the same zip. It also measures what the wasm costs to download. It prints a markdown section
// ("## The engine in the browser") on stdout; progress goes to stderr.
//
//	go run ./bench/browser -zip bench/out/data/10k/MobileApps.zip -wasm-dir bench/out/web
//
// The wasm dir holds mobisess.wasm and wasm_exec.js:
//
//	GOOS=js GOARCH=wasm go build -ldflags='-s -w' -o DIR/mobisess.wasm ./wasm
//	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" DIR/
//
// In Chromium, each run is a fresh browser context (no cache shared with earlier runs): the page is loaded, and
// the time to a usable console is navigation start → the first session row of the sample in the DOM. Then the zip
// is given to the console's file input: at once and again in one page, and after pickDelay in a second page. An
// init script (web/ is not changed) wraps the page's Worker to note when
// the openZip request is posted and when its answer comes back, and a MutationObserver notes when the console
// shows the new zip (its name as the source, the progress bar hidden, session rows present). All times are the
// page's performance.now().
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/bench/server"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/e2e/browser"
)

// Targets.
const (
	targetChromiumMS = 3000            // import + check of a 10k-session zip in Chromium, through the console
	targetRatio      = 4.0             // wasm in Chromium ÷ native
	targetTransfer   = 2_500_000       // compressed wasm (bytes, as served)
	targetMinFiles   = 9_000           // the Chromium time target is for a 10k-session zip
	waitTimeout      = 5 * 60 * 1000.0 // ms, for each wait in the page
)

// initScript runs in the page before its own scripts.
const initScript = `(() => {
  const B = window.__bench = { firstRow: 0, change: 0, sent: 0, answered: 0, shown: 0, want: '', openId: -1, error: '' };
  const W = window.Worker;
  window.Worker = class extends W {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => {
        const d = e.data;
        if (d && !d.progress && d.id === B.openId) {
          B.answered = performance.now();
          if (d.error) B.error = String(d.error.message || 'error');
          check();
        }
      });
    }
    postMessage(m, t) {
      if (m && m.method === 'openZip') { B.openId = m.id; B.sent = performance.now(); }
      return super.postMessage(m, t);
    }
  };
  document.addEventListener('change', (e) => {
    if (e.target && e.target.matches && e.target.matches('[data-testid="zip-input"]')) B.change = performance.now();
  }, true);
  function check() {
    if (!B.firstRow && document.querySelector('[data-testid="session-row"]')) B.firstRow = performance.now();
    if (B.want && B.answered && !B.shown) {
      const s = document.querySelector('[data-testid="source"]');
      const p = document.querySelector('[data-testid="progress"]');
      if (s && s.textContent === B.want && p && p.hidden && document.querySelector('[data-testid="session-row"]')) {
        B.shown = performance.now();
      }
    }
  }
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
})();`

type pageTimes struct {
	FirstRow float64 `json:"firstRow"`
	Change   float64 `json:"change"`
	Sent     float64 `json:"sent"`
	Answered float64 `json:"answered"`
	Shown    float64 `json:"shown"`
	Error    string  `json:"error"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/browser:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench/browser: "+format+"\n", a...) }

func run() error {
	zipPath := flag.String("zip", "bench/out/data/10k/MobileApps.zip", "the zipped MobileApps folder to open")
	wasmDir := flag.String("wasm-dir", "bench/out/web", "the folder holding mobisess.wasm and wasm_exec.js")
	runs := flag.Int("runs", 5, "runs of each measurement")
	chromiumArgs := flag.String("chromium-args", "", "more command-line arguments for Chromium, space-separated: what V8 would do under\n"+
		"other flags (--js-flags=--no-wasm-dynamic-tiering, say); the report names them")
	largeZip := flag.Bool("large", false, "only open the zip in the console, once per run, and measure whether the tab stays alive and its memory\n"+
		"(for the 100k-session zip: prints a \"### The console on a … zip\" subsection)")
	flag.Parse()
	if *runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	root, err := browser.RepoRoot()
	if err != nil {
		return err
	}
	zipAbs, err := filepath.Abs(*zipPath)
	if err != nil {
		return err
	}
	wasmAbs, err := filepath.Abs(*wasmDir)
	if err != nil {
		return err
	}
	for _, f := range []string{zipAbs, filepath.Join(wasmAbs, "mobisess.wasm"), filepath.Join(wasmAbs, "wasm_exec.js")} {
		if _, err := os.Stat(f); err != nil {
			return err
		}
	}
	zipData, err := os.ReadFile(zipAbs)
	if err != nil {
		return err
	}
	cmdline := "go run ./bench/browser"
	for _, a := range os.Args[1:] {
		cmdline += " " + shellQuoted(a)
	}
	if *largeZip {
		return large(cmdline, root, zipAbs, wasmAbs, *runs, strings.Fields(*chromiumArgs), zipData)
	}
	loadStart := loadavg()

	// Native first: it also says how many files the zip holds.
	logf("native openZip, %d runs", *runs)
	nat, err := native(zipData, *runs, 0)
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	nat1, err := native(zipData, *runs, 1)
	if err != nil {
		return fmt.Errorf("native (1 thread): %w", err)
	}
	coreTimes, err := nativeCore(zipData, *runs)
	if err != nil {
		return fmt.Errorf("native console.OpenZip: %w", err)
	}

	logf("node, %d runs", *runs)
	nodeTimes, nodeVersion, nodeErr := node(root, wasmAbs, zipAbs, *runs)
	if nodeErr != nil {
		logf("node: %v", nodeErr)
	}

	logf("building and starting the dev server")
	srv, err := startDevserver(root, wasmAbs)
	if err != nil {
		return err
	}
	defer srv.Stop()

	tr, err := transfer(srv.URL, filepath.Join(wasmAbs, "mobisess.wasm"))
	if err != nil {
		return fmt.Errorf("transfer size: %w", err)
	}

	logf("chromium, %d runs", *runs)
	pages, chromeVersion, err := chromium(srv.URL, zipAbs, *runs, strings.Fields(*chromiumArgs), func() (float64, error) {
		r, err := native(zipData, nativeRunsPerPage, 0)
		if err != nil {
			return 0, err
		}
		return median(r.ms), nil
	})
	if err != nil {
		return fmt.Errorf("chromium: %w", err)
	}

	var load, console, worker, consoleAgain, workerAgain, consolePicked, workerPicked []float64
	var ratioWarm, ratioCold, ratioPicked, nativeBefore, warmRounds, warmMS []float64
	warmDone := 0
	for _, p := range pages {
		nativeBefore = append(nativeBefore, p.native)
		ratioWarm = append(ratioWarm, (p.again.Answered-p.again.Sent)/p.native)
		ratioCold = append(ratioCold, (p.first.Answered-p.first.Sent)/p.native)
		ratioPicked = append(ratioPicked, (p.picked.Answered-p.picked.Sent)/p.nativePicked)
		nativeBefore = append(nativeBefore, p.nativePicked)
		warmRounds = append(warmRounds, float64(p.warmUp.Rounds))
		warmMS = append(warmMS, p.warmUp.MS)
		if p.warmUp.Done {
			warmDone++
		}
		consolePicked = append(consolePicked, p.picked.Shown-p.picked.Change)
		workerPicked = append(workerPicked, p.picked.Answered-p.picked.Sent)
		load = append(load, p.first.FirstRow)
		console = append(console, p.first.Shown-p.first.Change)
		worker = append(worker, p.first.Answered-p.first.Sent)
		consoleAgain = append(consoleAgain, p.again.Shown-p.again.Change)
		workerAgain = append(workerAgain, p.again.Answered-p.again.Sent)
	}

	// --- the section ---
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	rel := func(p string) string { return relTo(root, p) }
	w("## The engine in the browser\n\n")
	w("`%s` — %s (%s, %s files, %s sessions, %s errors), wasm from `%s` (%s, %s). %d runs of each; median (min–max), ms.\n\n",
		cmdline, "`"+rel(zipAbs)+"`", mb(int64(len(zipData))), num(nat.files), num(nat.sessions), num(nat.errors),
		rel(wasmAbs), runtime.Version(), "`-ldflags='-s -w'`", *runs)
	w("| What | Time (ms) | Notes |\n|---|---:|---|\n")
	w("| Page load to a usable console | %s | navigation start → the sample's first `session-row` in the DOM; fresh context (cold cache) each run: fetch + compile the wasm, start the engine, open the sample |\n", stat(load))
	w("| Import + check in Chromium, through the console | %s | the file input's `change` → the console shows the zip (source name, progress bar hidden, rows drawn); uploaded the moment the console is usable |\n", stat(console))
	w("| — of which the worker's openZip round trip | %s | openZip posted to the Web Worker → its answer (the State) back in the page |\n", stat(worker))
	w("| The zip picked %v after the console is usable, fresh page | %s | as a person picks a file: the worker has warmed the engine up meanwhile (web/worker.js) |\n", pickDelay, stat(consolePicked))
	w("| — of which the worker's openZip round trip | %s | |\n", stat(workerPicked))
	w("| — the warm-up by then | %s | the engine's time in it, timed in the worker: %.0f rounds of %d (median), finished in %d of %d runs; each round opens the sample enlarged to ~110 files (console.WarmUp) |\n",
		stat(warmMS), median(warmRounds), pages[0].warmUp.MaxRounds, warmDone, len(pages))
	w("| The same zip again, in the same page | %s | the engine's code now optimised by V8, as native's is after its warm-up run |\n", stat(consoleAgain))
	w("| — of which the worker's openZip round trip | %s | |\n", stat(workerAgain))
	if nodeErr == nil {
		w("| Import + check in Node, engine only | %s | `mobisess.call('openZip', …)` (bench/browser/node_open.js, %s); fresh engine each run, the first run includes V8's tier-up |\n", stat(nodeTimes), nodeVersion)
	} else {
		w("| Import + check in Node, engine only | not available: %s | |\n", oneLine(nodeErr.Error()))
	}
	w("| Import + check native (this process) | %s | `console.Service.Call(\"openZip\")`, GOMAXPROCS=%d |\n", stat(nat.ms), runtime.NumCPU())
	w("| Import + check native, just before each page | %s | the same, the median of %d runs (after a warm-up) before each fresh page: what that page's ratios divide by |\n", stat(nativeBefore), nativeRunsPerPage)
	w("| Import + check native, one thread | %s | the same, GOMAXPROCS=1 (the wasm build runs on one thread) |\n", stat(nat1.ms))
	w("| `console.OpenZip` native | %s | without building and encoding the State |\n", stat(coreTimes))
	w("\n")

	// Engine against engine, both warm: native is timed after a warm-up run, so the wasm is timed on its
	// second zip. The first zip of a fresh page is given beside it. Each run's ratio divides by a native
	// openZip timed just before its page; the median of those ratios is given.
	chromeRatio := median(ratioWarm)
	w("| Ratio (median of the runs' ratios, each over a native openZip timed just before its page) | Value |\n|---|---:|\n")
	w("| wasm in Chromium ÷ native (worker round trip, second zip of the page ÷ native openZip) | %.1fx (%.1f–%.1f) |\n", chromeRatio, slices.Min(ratioWarm), slices.Max(ratioWarm))
	w("| wasm in Chromium ÷ native, first zip of a fresh page, picked %v after the console is usable | %.1fx (%.1f–%.1f) |\n", pickDelay, median(ratioPicked), slices.Min(ratioPicked), slices.Max(ratioPicked))
	w("| wasm in Chromium ÷ native, first zip of a fresh page, the moment the console is usable (code not yet optimised) | %.1fx (%.1f–%.1f) |\n", median(ratioCold), slices.Min(ratioCold), slices.Max(ratioCold))
	w("| wasm in Chromium ÷ native, one thread | %.1fx |\n", median(workerAgain)/median(nat1.ms))
	w("| console in Chromium ÷ native (change → rows shown) | %.1fx |\n", median(console)/median(nat.ms))
	if nodeErr == nil {
		w("| Node ÷ native | %.1fx |\n", median(nodeTimes)/median(nat.ms))
	}
	w("\n")

	w("| Transfer of mobisess.wasm | Bytes |\n|---|---:|\n")
	w("| raw | %s (%s) |\n", num(int(tr.raw)), mb(tr.raw))
	w("| gzip, as the dev server serves it (`Accept-Encoding: gzip`) | %s (%s) |\n", num(int(tr.served)), mb(tr.served))
	w("| gzip -9 | %s (%s) |\n", num(int(tr.gzip9)), mb(tr.gzip9))
	if tr.brotliErr == nil {
		w("| brotli -q 11 | %s (%s) |\n", num(int(tr.brotli)), mb(tr.brotli))
	} else {
		w("| brotli | not available: %s |\n", oneLine(tr.brotliErr.Error()))
	}
	w("\n")

	w("| Target | Measured | |\n|---|---:|:-:|\n")
	if nat.files >= targetMinFiles {
		w("| import + check of a 10k-session zip in Chromium (through the console) under %.0f s | %.2f s | %s |\n",
			targetChromiumMS/1000.0, median(console)/1000, mark(median(console) < targetChromiumMS))
	} else {
		w("| import + check of a 10k-session zip in Chromium under %.0f s | %.2f s for %s files | not judged (the target is for 10k) |\n",
			targetChromiumMS/1000.0, median(console)/1000, num(nat.files))
	}
	w("| wasm in Chromium within %.0fx of native (both warm) | %.1fx | %s |\n", targetRatio, chromeRatio, mark(chromeRatio <= targetRatio))
	w("| wasm in Chromium within %.0fx of native, first zip of a fresh page (picked %v after the console is usable) | %.1fx | %s |\n", targetRatio, pickDelay, median(ratioPicked), mark(median(ratioPicked) <= targetRatio))
	w("| wasm in Chromium within %.0fx of native, first zip of a fresh page, uploaded the moment the console is usable | %.1fx | %s |\n", targetRatio, median(ratioCold), mark(median(ratioCold) <= targetRatio))
	w("| wasm transfer under %.1f MB compressed (gzip, as served) | %s | %s |\n", float64(targetTransfer)/1e6, mb(tr.served), mark(tr.served < targetTransfer))
	w("\n")
	w("Chromium: %s, headless (Debian package, through playwright-go)", chromeVersion)
	if *chromiumArgs != "" {
		w(", started with `%s`", *chromiumArgs)
	}
	w(". Machine: %d cores; load average %s at the start, %s at the end.", runtime.NumCPU(), loadStart, loadavg())
	if tr.brotliErr == nil {
		w(" Brotli is only measured: the dev server serves gzip.")
	}
	w("\n")
	w("\nWhere the time goes in WebAssembly, what was changed for it, and how to profile it: [docs/wasm-performance.md](docs/wasm-performance.md).\n")
	fmt.Print(b.String())
	return nil
}

// --- native ---

type nativeResult struct {
	ms                      []float64
	files, sessions, errors int
}

// native times console.Service.Call("openZip") — what the wasm build runs — with GOMAXPROCS procs (0: unchanged).
func native(data []byte, runs, procs int) (nativeResult, error) {
	var r nativeResult
	if procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	}
	ctx := context.Background()
	params := []byte(`{"name":"MobileApps.zip"}`)
	for i := 0; i < runs+1; i++ { // one warm-up run
		runtime.GC()
		a := console.NewService(nil, console.Options{CanOpen: true})
		t := time.Now()
		res, err := a.Call(ctx, "openZip", params, data)
		ms := float64(time.Since(t).Microseconds()) / 1000
		if err != nil {
			return r, err
		}
		if i == 0 {
			var st console.State
			if err := json.Unmarshal(res.JSON, &st); err != nil {
				return r, err
			}
			if st.Disk != nil {
				r.files, r.sessions, r.errors = st.Disk.Summary.Files, st.Disk.Summary.Sessions, st.Disk.Summary.Errors
			}
			continue
		}
		r.ms = append(r.ms, ms)
	}
	return r, nil
}

func nativeCore(data []byte, runs int) ([]float64, error) {
	ctx := context.Background()
	var out []float64
	for i := 0; i < runs+1; i++ {
		runtime.GC()
		t := time.Now()
		_, err := console.OpenZip(ctx, data, "MobileApps.zip", nil, console.WorkspaceOptions{})
		ms := float64(time.Since(t).Microseconds()) / 1000
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ms)
		}
	}
	return out, nil
}

// --- node ---

func node(root, wasmDir, zip string, runs int) ([]float64, string, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, "", errors.New("node is not installed")
	}
	version, _ := exec.Command(nodeBin, "--version").Output()
	cmd := exec.Command(nodeBin, filepath.Join(root, "bench", "browser", "node_open.js"), wasmDir, zip, strconv.Itoa(runs))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("%v: %s", err, lastLine(stderr.String()))
	}
	var ms []float64
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "openZip "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return nil, "", fmt.Errorf("node_open.js printed %q", line)
			}
			ms = append(ms, f)
		}
	}
	if len(ms) == 0 {
		return nil, "", errors.New("node_open.js printed no time")
	}
	return ms, "Node " + strings.TrimSpace(string(version)), nil
}

// --- the dev server ---

// startDevserver builds the dev server and runs it in browser mode on a free port.
func startDevserver(root, wasmDir string) (*server.Server, error) {
	bin, err := server.Build(root)
	if err != nil {
		return nil, err
	}
	return server.Start(bin, "-addr", "127.0.0.1:0", "-wasm-dir", wasmDir)
}

// --- transfer size ---

type transferSizes struct {
	raw, served, gzip9, brotli int64
	brotliErr                  error
}

func transfer(baseURL, wasmPath string) (transferSizes, error) {
	var t transferSizes
	data, err := os.ReadFile(wasmPath)
	if err != nil {
		return t, err
	}
	t.raw = int64(len(data))

	// As served: Go's client would decompress on its own unless the header is set by hand.
	req, err := http.NewRequest(http.MethodGet, baseURL+"mobisess.wasm", nil)
	if err != nil {
		return t, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: time.Minute}).Do(req)
	if err != nil {
		return t, err
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return t, err
	}
	if res.StatusCode != http.StatusOK {
		return t, fmt.Errorf("GET mobisess.wasm: %s", res.Status)
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		return t, fmt.Errorf("the dev server did not gzip mobisess.wasm (Content-Encoding %q)", res.Header.Get("Content-Encoding"))
	}
	t.served = n

	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(data); err != nil {
		return t, err
	}
	if err := zw.Close(); err != nil {
		return t, err
	}
	t.gzip9 = int64(buf.Len())

	if _, err := exec.LookPath("brotli"); err != nil {
		t.brotliErr = errors.New("`brotli` is not installed (apt-get install -y brotli)")
	} else {
		out, err := exec.Command("brotli", "-q", "11", "-c", wasmPath).Output()
		if err != nil {
			t.brotliErr = fmt.Errorf("brotli failed: %v", err)
		} else {
			t.brotli = int64(len(out))
		}
	}
	return t, nil
}

// --- chromium ---

// nativeRunsPerPage is how many native openZips are timed just before each page, their median the page's
// reference: a single one varied by ±20% from page to page on the 2-core benchmark machine.
const nativeRunsPerPage = 3

// chromium runs the pages; before each, nativeOnce times native openZip, so that each run's ratio compares
// measurements taken a moment apart (this machine's speed drifts by more than the differences measured).
func chromium(url, zipPath string, runs int, extraArgs []string, nativeOnce func() (float64, error)) ([]pageRun, string, error) {
	// The console shows the file's name as the source: give the zip a name the sample does not have.
	tmp, err := os.MkdirTemp("", "mobisess-bench-browser-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(tmp)
	name := "bench-" + filepath.Base(filepath.Dir(zipPath)) + ".zip"
	again := "bench-" + filepath.Base(filepath.Dir(zipPath)) + "-again.zip" // the second upload, in the same page
	for _, n := range []string{name, again} {
		if err := linkOrCopy(zipPath, filepath.Join(tmp, n)); err != nil {
			return nil, "", err
		}
	}

	cfg, err := browser.DefaultConfig()
	if err != nil {
		return nil, "", err
	}
	cfg.ExtraArgs = extraArgs
	b, err := cfg.Launch()
	if err != nil {
		return nil, "", err
	}
	defer b.Close()
	version := b.Browser.Version()

	var out []pageRun
	for i := 0; i < runs; i++ {
		p, err := chromiumRun(b, url, tmp, name, again, nativeOnce)
		if err != nil {
			return nil, "", fmt.Errorf("run %d: %w", i+1, err)
		}
		logf("chromium run %d: load %.0f ms, console %.0f ms, worker %.0f ms; again in the same page: console %.0f ms, worker %.0f ms; picked after %v in a fresh page: console %.0f ms, worker %.0f ms",
			i+1, p.first.FirstRow, p.first.Shown-p.first.Change, p.first.Answered-p.first.Sent, p.again.Shown-p.again.Change, p.again.Answered-p.again.Sent,
			pickDelay, p.picked.Shown-p.picked.Change, p.picked.Answered-p.picked.Sent)
		out = append(out, p)
	}
	return out, version, nil
}

// pageRun is two fresh pages. In the first, the zip is uploaded as soon as the console is usable (the engine's
// code still cold: V8 compiles WebAssembly with a baseline compiler first and optimises what runs hot, and the
// worker's warm-up has only begun), then again (optimised, as native is after its warm-up run). In the second,
// the zip is uploaded pickDelay after the console is usable, as a person who picks a file does.
type pageRun struct {
	first, again, picked pageTimes
	native               float64 // native openZip, ms, timed just before the first page
	nativePicked         float64 // the same, just before the second page
	warmUp               warmUpStats
}

// warmUpStats is what the engine's warm-up (web/worker.js) had done when the zip was picked.
type warmUpStats struct {
	Rounds    int     `json:"rounds"`
	MS        float64 `json:"ms"`
	Done      bool    `json:"done"`
	MaxRounds int     `json:"maxRounds"`
}

// pickDelay is how long the second page is left idle before its upload: a person needs longer than that to pick a
// file in a dialog, and the worker's warm-up (web/worker.js) is done by then on this machine.
const pickDelay = 3 * time.Second

func chromiumRun(b *browser.Browser, url, dir, name, again string, nativeOnce func() (float64, error)) (pageRun, error) {
	var run pageRun
	var err error
	if run.native, err = nativeOnce(); err != nil {
		return run, fmt.Errorf("native: %w", err)
	}
	err = withPage(b, url, dir, func(_ playwright.Page, upload func(string) (pageTimes, error)) error {
		var err error
		if run.first, err = upload(name); err != nil {
			return err
		}
		run.again, err = upload(again)
		return err
	})
	if err != nil {
		return run, err
	}
	if run.nativePicked, err = nativeOnce(); err != nil {
		return run, fmt.Errorf("native: %w", err)
	}
	err = withPage(b, url, dir, func(page playwright.Page, upload func(string) (pageTimes, error)) error {
		time.Sleep(pickDelay)
		if err := readWarmUp(page, &run.warmUp); err != nil {
			return err
		}
		var err error
		run.picked, err = upload(name)
		return err
	})
	return run, err
}

// readWarmUp reads the warm-up's account from the page's engine worker (the one not named as the helper).
func readWarmUp(page playwright.Page, into *warmUpStats) error {
	for _, w := range page.Workers() {
		if name, err := w.Evaluate(`() => self.name`); err != nil || name != "" {
			continue
		}
		v, err := w.Evaluate(`() => warmUpStats`)
		if err != nil {
			return fmt.Errorf("reading the warm-up's account: %w", err)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return json.Unmarshal(raw, into)
	}
	return errors.New("the page has no engine worker")
}

// withPage opens the console in a fresh browser context (no cache shared with other pages), waits until it is
// usable, and gives use a function that uploads a zip of dir and times it.
func withPage(b *browser.Browser, url, dir string, use func(page playwright.Page, upload func(string) (pageTimes, error)) error) error {
	ctx, err := b.Browser.NewContext()
	if err != nil {
		return err
	}
	defer ctx.Close()
	if err := ctx.AddInitScript(playwright.Script{Content: playwright.String(initScript)}); err != nil {
		return err
	}
	page, err := ctx.NewPage()
	if err != nil {
		return err
	}
	var pageErrs []string
	page.OnPageError(func(err error) { pageErrs = append(pageErrs, err.Error()) })
	wait := func(what, expr string) error {
		if _, err := page.WaitForFunction(expr, nil, playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(waitTimeout)}); err != nil {
			return fmt.Errorf("waiting for %s: %w (page errors: %v)", what, err, pageErrs)
		}
		return nil
	}
	if _, err := page.Goto(url); err != nil {
		return err
	}
	if err := wait("the sample's rows", `() => window.__bench.firstRow > 0`); err != nil {
		return err
	}
	upload := func(name string) (pageTimes, error) {
		var p pageTimes
		if _, err := page.Evaluate(`(n) => { Object.assign(window.__bench, { want: n, openId: -1, change: 0, sent: 0, answered: 0, shown: 0, error: '' }); }`, name); err != nil {
			return p, err
		}
		if err := page.Locator(`[data-testid="zip-input"]`).SetInputFiles(filepath.Join(dir, name)); err != nil {
			return p, err
		}
		if err := wait("the zip's rows", `() => window.__bench.shown > 0 || window.__bench.error !== ''`); err != nil {
			return p, err
		}
		v, err := page.Evaluate(`() => window.__bench`)
		if err != nil {
			return p, err
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return p, err
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return p, err
		}
		if p.Error != "" {
			return p, fmt.Errorf("the console could not open the zip: %s", p.Error)
		}
		if p.Change == 0 || p.Sent == 0 {
			return p, fmt.Errorf("the hooks missed the upload (change %.0f, sent %.0f)", p.Change, p.Sent)
		}
		return p, nil
	}
	return use(page, upload)
}

// linkOrCopy makes dst the file src, by a hard link where it can.
func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// --- formatting ---

// relTo is p relative to root when it is under it, for the report.
func relTo(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

// shellQuoted is a, quoted for a POSIX shell when it holds a space or a quote, so that the report's command can
// be pasted as it is.
func shellQuoted(a string) string {
	if !strings.ContainsAny(a, " \t'\"") {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func stat(xs []float64) string {
	if len(xs) == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (%s–%s)", ms(median(xs)), ms(slices.Min(xs)), ms(slices.Max(xs)))
}

func ms(v float64) string {
	if v >= 100 {
		return num(int(v + 0.5))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func num(n int) string {
	s := strconv.Itoa(n)
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[0] != '-' {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

func mb(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// statMiB is stat of sizes in bytes, in MiB.
func statMiB(xs []float64) string {
	if len(xs) == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (%s–%s)", mib(int64(median(xs))), mib(int64(slices.Min(xs))), mib(int64(slices.Max(xs))))
}

// statCount is stat of counts.
func statCount(xs []float64) string {
	if len(xs) == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (%s–%s)", num(int(median(xs))), num(int(slices.Min(xs))), num(int(slices.Max(xs))))
}

// loadavg is the 1-minute load average, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return oneLine(lines[len(lines)-1])
}

func oneLine(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
