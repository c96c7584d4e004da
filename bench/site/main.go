//go:build !js && !wasip1

// Command site measures the console as a static site (`make site`): what it weighs on the wire, compressed as a
// static host serves it (gzip, and brotli when the brotli command is installed), and the time to a usable
// console in Chromium from a cold cache (a first visit) and a warm one (a later visit, the service worker
// answering). It prints a markdown section ("## The console as a static site") on stdout; progress goes to
// stderr.
//
//	go run ./bench/site -site build/site -runs 5
//
// The site is served from this process over loopback, each file gzip-compressed when the browser accepts it
// (as a static host does), with Last-Modified so that revalidation works. A usable console is the sample's
// first session row in the DOM, from navigation start (the page's performance.now()), with ?sample: the engine
// downloaded, compiled, started, and its first answer shown. Each cold run is a fresh browser context; its warm
// run is a new page of the same context once the service worker is ready. A cold run over a slower link (the
// server pacing its responses to a rate, after a round trip) shows what the download costs on a real network.
//
// With -folder-sizes it measures instead a MobileApps folder given to the console's folder input beside the same
// folder's zip given to its zip input (folder.go), and prints the subsection "### A folder beside its zip":
//
//	go run ./bench/site -site build/site -folder-sizes 1k,10k -data bench/out/data -runs 5
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/e2e/browser"
)

// firstRowScript notes when the sample's first session row appears.
const firstRowScript = `(() => {
  window.__firstRow = 0;
  new MutationObserver((_, obs) => {
    if (!window.__firstRow && document.querySelector('[data-testid="session-row"]')) {
      window.__firstRow = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})();`

// The slow link of one cold run: a modest office or home connection.
const (
	linkMbps    = 20
	linkLatency = 40 // ms, round trip
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/site:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench/site: "+format+"\n", a...) }

func run() error {
	siteDir := flag.String("site", "build/site", "the static site (`make site`)")
	runs := flag.Int("runs", 5, "runs of each measurement")
	folderSizesFlag := flag.String("folder-sizes", "", "only open each size's folder beside its zip (1k,10k: DATA/SIZE/MobileApps and its zip)\n"+
		"and print the subsection \"### A folder beside its zip\"")
	dataDir := flag.String("data", "bench/out/data", "with -folder-sizes: where bench/gen wrote each size")
	flag.Parse()

	files, err := readSite(*siteDir)
	if err != nil {
		return err
	}
	url, stop, err := serve(files, nil)
	if err != nil {
		return err
	}
	defer stop()
	if *folderSizesFlag != "" {
		cmdline := fmt.Sprintf("go run ./bench/site -site %s -folder-sizes %s -data %s -runs %d", *siteDir, *folderSizesFlag, *dataDir, *runs)
		return folderSizes(url, *dataDir, strings.Split(*folderSizesFlag, ","), *runs, cmdline)
	}
	sizes := measureSizes(files)
	slowURL, stopSlow, err := serve(files, &link{bytesPerSec: linkMbps * 1e6 / 8, latency: linkLatency * time.Millisecond})
	if err != nil {
		return err
	}
	defer stopSlow()
	b, err := browser.Launch()
	if err != nil {
		return err
	}
	defer b.Close()

	var cold, warm, link, linkWarm []float64
	for i := 0; i < *runs; i++ {
		c, w, err := coldAndWarm(b, url)
		if err != nil {
			return err
		}
		l, lw, err := coldAndWarm(b, slowURL)
		if err != nil {
			return err
		}
		logf("run %d: cold %.0f ms, warm %.0f ms; over the slow link: cold %.0f ms, warm %.0f ms", i+1, c, w, l, lw)
		cold, warm, link, linkWarm = append(cold, c), append(warm, w), append(link, l), append(linkWarm, lw)
	}
	printSection(*siteDir, *runs, sizes, [][]float64{cold, warm, link, linkWarm}, b.Browser.Version())
	return nil
}

func readSite(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err == nil && files["sw.js"] == nil {
		err = fmt.Errorf("%s is not a site: no sw.js (make site)", dir)
	}
	return files, err
}

type sizeRow struct {
	what              string
	raw, gzip, brotli int
	brotliUnavailable string
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".png", "":
		return false
	}
	return true
}

// measureSizes is each group's bytes raw, gzip -6 (what hosts use on the fly) and brotli -q 11 (what hosts
// that precompress serve).
func measureSizes(files map[string][]byte) []sizeRow {
	groups := map[string]*sizeRow{"the engine (mobisess.wasm)": {}, "the page, scripts, styles, worker, manifest, icons": {}}
	total := &sizeRow{what: "**the site**"}
	_, brotliErr := exec.LookPath("brotli")
	for name, data := range files {
		g := groups["the page, scripts, styles, worker, manifest, icons"]
		if name == "mobisess.wasm" {
			g = groups["the engine (mobisess.wasm)"]
		}
		gz, br := len(data), len(data)
		if compressible(name) {
			gz = gzipSize(data)
			if brotliErr == nil {
				br = brotliSize(data)
			}
		}
		for _, r := range []*sizeRow{g, total} {
			r.raw += len(data)
			r.gzip += gz
			r.brotli += br
		}
	}
	var rows []sizeRow
	for what, r := range groups {
		r.what = what
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].what < rows[j].what })
	rows = append(rows, *total)
	if brotliErr != nil {
		for i := range rows {
			rows[i].brotliUnavailable = "not available: no brotli command"
		}
	}
	return rows
}

func gzipSize(data []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, 6)
	zw.Write(data)
	zw.Close()
	return buf.Len()
}

func brotliSize(data []byte) int {
	cmd := exec.Command("brotli", "-c", "-q", "11")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		return len(data)
	}
	return len(out)
}

// link is a network link that responses share: each waits a round trip, then its bytes go out in turn at
// the link's rate.
type link struct {
	bytesPerSec float64
	latency     time.Duration
	mu          sync.Mutex
	free        time.Time // when the link is next free
}

// paced writes body in chunks, each when the link can carry it.
func (l *link) write(w http.ResponseWriter, body []byte) {
	time.Sleep(l.latency)
	const chunk = 16 << 10
	for len(body) > 0 {
		n := min(chunk, len(body))
		l.mu.Lock()
		start := time.Now()
		if l.free.After(start) {
			start = l.free
		}
		l.free = start.Add(time.Duration(float64(n) / l.bytesPerSec * float64(time.Second)))
		until := l.free
		l.mu.Unlock()
		time.Sleep(time.Until(until))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		body = body[n:]
	}
}

// serve answers the site's files as a static host does: gzip when accepted, Last-Modified for revalidation;
// over slow when it is not nil.
func serve(files map[string][]byte, slow *link) (string, func(), error) {
	type entry struct{ raw, gz []byte }
	entries := map[string]entry{}
	for name, data := range files {
		e := entry{raw: data}
		if compressible(name) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, 6)
			zw.Write(data)
			zw.Close()
			e.gz = buf.Bytes()
		}
		entries[name] = e
	}
	modified := time.Now()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		e, ok := entries[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body := e.raw
		if e.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			body = e.gz
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Header().Set("Vary", "Accept-Encoding")
		if ct := contentType(name); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if slow == nil || r.Method != http.MethodGet {
			http.ServeContent(w, r, "", modified, bytes.NewReader(body))
			return
		}
		w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
		if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.Truncate(time.Second).After(ims) {
			slow.write(w, nil)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		slow.write(w, body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/", func() { srv.Close() }, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".webmanifest":
		return "application/manifest+json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	return ""
}

// coldAndWarm is one fresh context's first visit and, once its service worker is ready, a later one.
func coldAndWarm(b *browser.Browser, url string) (cold, warm float64, err error) {
	ctx, err := b.Browser.NewContext()
	if err != nil {
		return 0, 0, err
	}
	defer ctx.Close()
	if err := ctx.AddInitScript(playwright.Script{Content: playwright.String(firstRowScript)}); err != nil {
		return 0, 0, err
	}
	visit := func(wait bool) (float64, error) {
		page, err := ctx.NewPage()
		if err != nil {
			return 0, err
		}
		defer page.Close()
		if _, err := page.Goto(url+"?sample", playwright.PageGotoOptions{Timeout: playwright.Float(300_000)}); err != nil {
			return 0, err
		}
		v, err := page.WaitForFunction(`() => window.__firstRow || 0`, nil, playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(300_000)})
		if err != nil {
			return 0, err
		}
		ms, err := v.JSONValue()
		if err != nil {
			return 0, err
		}
		if wait {
			// The service worker has every file once the footer says so.
			if err := page.Locator(`[data-testid="offline-ready"]`).WaitFor(playwright.LocatorWaitForOptions{Timeout: playwright.Float(300_000)}); err != nil {
				return 0, err
			}
		}
		return toFloat(ms), nil
	}
	if cold, err = visit(true); err != nil {
		return 0, 0, err
	}
	if warm, err = visit(false); err != nil {
		return 0, 0, err
	}
	return cold, warm, nil
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	}
	return 0
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func kb(n int) string { return fmt.Sprintf("%.0f kB", float64(n)/1000) }

func printSection(siteDir string, runs int, sizes []sizeRow, times [][]float64, version string) {
	fmt.Printf("## The console as a static site\n\n")
	fmt.Printf("`make site`'s output (%s), measured by `go run ./bench/site -site %s -runs %d` (bench/run.sh runs it), %s, Chromium %s, %s/%s.\n\n",
		"build/site", siteDir, runs, time.Now().UTC().Format("2006-01-02"), version, runtime.GOOS, runtime.GOARCH)
	fmt.Printf("### Transfer size\n\nWhat a first visit downloads, compressed as a static host serves it: gzip at level 6 (what hosts do on the fly), brotli at quality 11 (what hosts that precompress serve). PNG icons are counted as they are.\n\n")
	fmt.Printf("| files | raw | gzip | brotli |\n|---|--:|--:|--:|\n")
	for _, r := range sizes {
		br := kb(r.brotli)
		if r.brotliUnavailable != "" {
			br = r.brotliUnavailable
		}
		fmt.Printf("| %s | %s | %s | %s |\n", r.what, kb(r.raw), kb(r.gzip), br)
	}
	fmt.Printf("\n### Time to a usable console (Chromium)\n\nFrom navigation start to the sample's first session row (`?sample`: the engine downloaded, compiled, started, and its first answer shown), median of %d runs, each a fresh browser context; served over loopback with gzip. **Cold**: a first visit, nothing cached. **Warm**: a later visit in the same context, the service worker answering from its cache (and Chromium's cache of compiled code). The slow link is the server pacing every response, all sharing %d Mbit/s, each after %d ms.\n\n", runs, linkMbps, linkLatency)
	fmt.Printf("| visit | median | min | max |\n|---|--:|--:|--:|\n")
	for _, r := range []struct {
		what string
		xs   []float64
	}{
		{"cold, loopback", times[0]},
		{"warm (service worker), loopback", times[1]},
		{fmt.Sprintf("cold, %d Mbit/s, %d ms", linkMbps, linkLatency), times[2]},
		{fmt.Sprintf("warm (service worker), %d Mbit/s, %d ms", linkMbps, linkLatency), times[3]},
	} {
		fmt.Printf("| %s | %.0f ms | %.0f ms | %.0f ms |\n", r.what, median(r.xs), slices.Min(r.xs), slices.Max(r.xs))
	}
	fmt.Println()
}
