//go:build !js && !wasip1

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/mobisess/mobisess/bench/proc"
	"github.com/mobisess/mobisess/e2e/browser"
)

// The console on a large zip (-large): what a person sees who drops a 100k-session zip on it.
const (
	targetLargeMS       = 20_000 // change → rows shown, the tab alive
	targetLargeMinFiles = 90_000 // the target is for a 100k-session zip
	responsiveMS        = 1000.0 // a round trip to the page after the load, to call it responsive
	responsiveWait      = 30 * time.Second
)

// largeRun is one fresh page given the large zip.
type largeRun struct {
	times    pageTimes
	outcome  string // "" when the rows were shown; otherwise what happened instead
	crashed  bool
	evalMS   float64 // page.Evaluate round trip after the load; -1: no answer within responsiveWait
	frameMS  float64 // the same for a frame drawn (requestAnimationFrame)
	rows     int     // session rows in the DOM
	pageHeap heapUsage
	worker   heapUsage
	wasm     int64 // bytes of the engine worker's WebAssembly.Memory
	memErr   string
	renderer proc.Memory
}

func (r largeRun) alive() bool {
	return !r.crashed && r.evalMS >= 0 && r.evalMS < responsiveMS && r.frameMS >= 0 && r.frameMS < responsiveMS
}

// heapUsage is what CDP's Runtime.getHeapUsage reports for one isolate.
type heapUsage struct {
	UsedSize  float64 `json:"usedSize"`
	TotalSize float64 `json:"totalSize"`
}

// large opens the zip in the console in runs fresh pages and prints the section of it.
func large(cmdline, root, zipAbs, wasmAbs string, runs int, extraArgs []string, zipData []byte) error {
	loadStart := loadavg()
	logf("native openZip, 3 runs, for reference")
	nat, err := native(zipData, 3, 0)
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	logf("building and starting the dev server")
	srv, err := startDevserver(root, wasmAbs)
	if err != nil {
		return err
	}
	defer srv.Stop()

	tmp, err := os.MkdirTemp("", "mobisess-bench-browser-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	name := "bench-" + filepath.Base(filepath.Dir(zipAbs)) + ".zip"
	if err := linkOrCopy(zipAbs, filepath.Join(tmp, name)); err != nil {
		return err
	}
	cfg, err := browser.DefaultConfig()
	if err != nil {
		return err
	}
	cfg.ExtraArgs = extraArgs
	b, err := cfg.Launch()
	if err != nil {
		return err
	}
	defer b.Close()

	var out []largeRun
	for i := range runs {
		r, err := largeOnce(b, srv.URL, tmp, name)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		logf("large run %d: console %.0f ms, worker %.0f ms, alive %v (evaluate %.0f ms, frame %.0f ms), outcome %q, wasm %s, renderer peak %s",
			i+1, r.times.Shown-r.times.Change, r.times.Answered-r.times.Sent, r.alive(), r.evalMS, r.frameMS, r.outcome, mib(r.wasm), mib(r.renderer.Peak))
		out = append(out, r)
	}

	var console, worker, load, evalMS, frameMS, rows, pageUsed, pageTotal, workerUsed, wasm, rss, peak []float64
	shown, alive := 0, 0
	var outcomes, memErrs []string
	for i, r := range out {
		load = append(load, r.times.FirstRow)
		if r.alive() {
			alive++
			evalMS = append(evalMS, r.evalMS)
			frameMS = append(frameMS, r.frameMS)
		}
		if r.outcome != "" {
			outcomes = append(outcomes, fmt.Sprintf("run %d: %s", i+1, r.outcome))
			continue
		}
		shown++
		console = append(console, r.times.Shown-r.times.Change)
		worker = append(worker, r.times.Answered-r.times.Sent)
		rows = append(rows, float64(r.rows))
		if r.memErr != "" {
			memErrs = append(memErrs, r.memErr)
			continue
		}
		pageUsed, pageTotal = append(pageUsed, r.pageHeap.UsedSize), append(pageTotal, r.pageHeap.TotalSize)
		workerUsed, wasm = append(workerUsed, r.worker.UsedSize), append(wasm, float64(r.wasm))
		rss, peak = append(rss, float64(r.renderer.RSS)), append(peak, float64(r.renderer.Peak))
	}

	var sb strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&sb, format, a...) }
	w("### The console on a %s-session zip (Chromium)\n\n", num(nat.files))
	w("`%s` — `%s` (%s, %s files, %s sessions, %s errors). %d fresh pages; median (min–max). The zip is given to the "+
		"console's file input the moment it is usable; after its rows are shown, the page is asked for a round trip and a frame, "+
		"then the memory is read.\n\n", cmdline, relTo(root, zipAbs), mb(int64(len(zipData))), num(nat.files), num(nat.sessions), num(nat.errors), runs)
	w("| What | Value | Notes |\n|---|---:|---|\n")
	w("| Import + check through the console | %s ms | the file input's `change` → the console shows the zip (source name, progress bar hidden, rows drawn); in %d of %d runs |\n", stat(console), shown, runs)
	w("| — of which the worker's openZip round trip | %s ms | |\n", stat(worker))
	w("| Page load to a usable console | %s ms | before the zip: navigation start → the sample's first row |\n", stat(load))
	w("| The tab alive after the load | %d of %d runs | no crash, and both round trips below answered within %.0f ms |\n", alive, runs, responsiveMS)
	w("| — `page.Evaluate` round trip | %s ms | Playwright → the page → back, after the rows are shown |\n", stat(evalMS))
	w("| — a frame drawn | %s ms | `requestAnimationFrame` round trip |\n", stat(frameMS))
	w("| Session rows in the DOM | %s | what the table draws of the zip's sessions |\n", statCount(rows))
	if len(memErrs) == len(console) && len(memErrs) > 0 {
		w("| Memory | not available: %s | |\n", oneLine(memErrs[0]))
	} else {
		w("| Page JS heap, used / total | %s / %s | CDP `Runtime.getHeapUsage` of the page, after the load |\n", statMiB(pageUsed), statMiB(pageTotal))
		w("| Engine worker JS heap, used | %s | the same, of the Web Worker (CDP session attached to it) |\n", statMiB(workerUsed))
		w("| Engine worker wasm memory | %s | `byteLength` of the Go instance's `WebAssembly.Memory` (found by `Runtime.queryObjects`); a Go heap only grows, so this is its peak |\n", statMiB(wasm))
		w("| Renderer process RSS, now / peak | %s / %s | the largest Chromium renderer process (page and worker share it): VmRSS / VmHWM from /proc |\n", statMiB(rss), statMiB(peak))
	}
	w("| Native `console.Service.Call(\"openZip\")`, this process | %s ms | for reference, GOMAXPROCS=%d |\n", stat(nat.ms), runtime.NumCPU())
	for _, o := range outcomes {
		w("| Not shown | %s | |\n", oneLine(o))
	}
	w("\n| Target | Measured | |\n|---|---:|:-:|\n")
	measured := "no run showed the rows"
	ok := false
	if len(console) > 0 {
		measured = fmt.Sprintf("%.2f s, alive in %d of %d runs", median(console)/1000, alive, runs)
		ok = shown == runs && alive == runs && median(console) < targetLargeMS
	}
	if nat.files >= targetLargeMinFiles {
		w("| a 100k-session zip through the console under %.0f s, the tab alive | %s | %s |\n", targetLargeMS/1000.0, measured, mark(ok))
	} else {
		w("| a 100k-session zip through the console under %.0f s, the tab alive | %s for %s files | not judged (the target is for 100k) |\n", targetLargeMS/1000.0, measured, num(nat.files))
	}
	w("\nChromium %s, headless. Load average %s at the start, %s at the end.\n", b.Browser.Version(), loadStart, loadavg())
	fmt.Print(sb.String())
	return nil
}

// largeOnce gives the zip to a fresh page and measures what follows. What the page does (a crash, an error
// shown, a timeout) is the run's outcome; only what keeps the run from being made is an error.
func largeOnce(b *browser.Browser, url, dir, name string) (largeRun, error) {
	var r largeRun
	err := withPage(b, url, dir, func(page playwright.Page, upload func(string) (pageTimes, error)) error {
		var mu sync.Mutex
		page.OnCrash(func(playwright.Page) { mu.Lock(); r.crashed = true; mu.Unlock() })
		times, err := upload(name)
		r.times = times
		mu.Lock()
		crashed := r.crashed
		mu.Unlock()
		switch {
		case crashed:
			r.outcome, r.evalMS, r.frameMS = "the tab crashed", -1, -1
			return nil
		case err != nil:
			r.outcome = err.Error()
		}
		r.evalMS = roundTrip(page, `() => document.querySelectorAll('[data-testid="session-row"]').length`, &r.rows)
		r.frameMS = roundTrip(page, `() => new Promise((resolve) => requestAnimationFrame(() => resolve(0)))`, nil)
		if r.outcome == "" {
			if err := readMemory(b, page, &r); err != nil {
				r.memErr = err.Error()
			}
		}
		return nil
	})
	return r, err
}

// roundTrip times one page.Evaluate of expr, in ms; -1 when no answer comes within responsiveWait (the page
// hangs; its context is closed afterwards, which ends the call). into, when given, receives the number returned.
func roundTrip(page playwright.Page, expr string, into *int) float64 {
	type answer struct {
		v   any
		err error
	}
	done := make(chan answer, 1)
	start := time.Now()
	go func() {
		v, err := page.Evaluate(expr)
		done <- answer{v, err}
	}()
	select {
	case a := <-done:
		ms := float64(time.Since(start).Microseconds()) / 1000
		if a.err != nil {
			return -1
		}
		if into != nil {
			if n, ok := a.v.(int); ok {
				*into = n
			}
		}
		return ms
	case <-time.After(responsiveWait):
		return -1
	}
}

// readMemory reads the page's heap, the engine worker's heap and wasm memory (through CDP sessions attached to
// each), and the renderer's resident size.
func readMemory(b *browser.Browser, page playwright.Page, r *largeRun) error {
	ps, err := page.Context().NewCDPSession(page)
	if err != nil {
		return err
	}
	defer ps.Detach()
	if err := sendInto(ps, "Runtime.getHeapUsage", nil, &r.pageHeap); err != nil {
		return fmt.Errorf("the page's heap: %w", err)
	}
	var info struct {
		TargetInfo struct {
			TargetID string `json:"targetId"`
		} `json:"targetInfo"`
	}
	if err := sendInto(ps, "Target.getTargetInfo", nil, &info); err != nil {
		return fmt.Errorf("the page's target: %w", err)
	}
	ws, err := attachWorker(b, info.TargetInfo.TargetID)
	if err != nil {
		return err
	}
	defer ws.close()
	if err := ws.call("Runtime.getHeapUsage", nil, &r.worker); err != nil {
		return fmt.Errorf("the worker's heap: %w", err)
	}
	if r.wasm, err = ws.wasmMemory(); err != nil {
		return fmt.Errorf("the worker's wasm memory: %w", err)
	}
	r.renderer, err = proc.LargestRenderer()
	return err
}

func sendInto(s playwright.CDPSession, method string, params map[string]any, into any) error {
	v, err := s.Send(method, params)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, into)
}

// workerSession is a CDP session with the engine's Web Worker, through the browser's session: Playwright gives
// CDP sessions for pages only, so messages go through Target.sendMessageToTarget and come back as
// Target.receivedMessageFromTarget events.
type workerSession struct {
	bs      playwright.CDPSession
	id      string
	next    int
	replies chan json.RawMessage
}

func attachWorker(b *browser.Browser, pageTarget string) (*workerSession, error) {
	bs, err := b.Browser.NewBrowserCDPSession()
	if err != nil {
		return nil, err
	}
	var targets struct {
		TargetInfos []struct {
			TargetID string `json:"targetId"`
			Type     string `json:"type"`
			URL      string `json:"url"`
			ParentID string `json:"parentId"`
		} `json:"targetInfos"`
	}
	if err := sendInto(bs, "Target.getTargets", nil, &targets); err != nil {
		bs.Detach()
		return nil, err
	}
	id := ""
	for _, t := range targets.TargetInfos {
		if t.Type == "worker" && t.ParentID == pageTarget && strings.HasSuffix(t.URL, "/worker.js") {
			id = t.TargetID
		}
	}
	if id == "" {
		bs.Detach()
		return nil, errors.New("the page has no engine worker among the browser's targets")
	}
	// This browser session attaches to the worker only: every message it receives is the worker's. An event
	// that does not fit is dropped rather than hold up Playwright's dispatch; call waits for its reply by id.
	ws := &workerSession{bs: bs, replies: make(chan json.RawMessage, 256)}
	bs.On("Target.receivedMessageFromTarget", func(ev map[string]any) {
		if m, ok := ev["message"].(string); ok {
			select {
			case ws.replies <- json.RawMessage(m):
			default:
			}
		}
	})
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := sendInto(bs, "Target.attachToTarget", map[string]any{"targetId": id, "flatten": false}, &attached); err != nil {
		bs.Detach()
		return nil, fmt.Errorf("attaching to the worker: %w", err)
	}
	ws.id = attached.SessionID
	return ws, nil
}

func (ws *workerSession) close() {
	_, _ = ws.bs.Send("Target.detachFromTarget", map[string]any{"sessionId": ws.id})
	_ = ws.bs.Detach()
}

// call sends method to the worker and decodes its result into into.
func (ws *workerSession) call(method string, params map[string]any, into any) error {
	ws.next++
	id := ws.next
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if _, err := ws.bs.Send("Target.sendMessageToTarget", map[string]any{"sessionId": ws.id, "message": string(msg)}); err != nil {
		return err
	}
	timeout := time.After(time.Minute)
	for {
		select {
		case raw := <-ws.replies:
			var reply struct {
				ID     int             `json:"id"`
				Result json.RawMessage `json:"result"`
				Error  *struct {
					Message string `json:"message"`
				} `json:"error"`
			}
			if json.Unmarshal(raw, &reply) != nil || reply.ID != id {
				continue // an event, or the reply to another call
			}
			if reply.Error != nil {
				return fmt.Errorf("%s: %s", method, reply.Error.Message)
			}
			return json.Unmarshal(reply.Result, into)
		case <-timeout:
			return fmt.Errorf("%s: no reply from the worker in a minute", method)
		}
	}
}

// wasmMemory finds the worker's WebAssembly.Memory objects (the Go instance keeps its own out of reach of the
// worker's globals) and returns the largest one's size.
func (ws *workerSession) wasmMemory() (int64, error) {
	type remote struct {
		Result struct {
			ObjectID string `json:"objectId"`
		} `json:"result"`
	}
	var proto remote
	if err := ws.call("Runtime.evaluate", map[string]any{"expression": "WebAssembly.Memory.prototype"}, &proto); err != nil {
		return 0, err
	}
	var found struct {
		Objects struct {
			ObjectID string `json:"objectId"`
		} `json:"objects"`
	}
	if err := ws.call("Runtime.queryObjects", map[string]any{"prototypeObjectId": proto.Result.ObjectID}, &found); err != nil {
		return 0, err
	}
	var sizes struct {
		Result struct {
			Value []int64 `json:"value"`
		} `json:"result"`
	}
	err := ws.call("Runtime.callFunctionOn", map[string]any{
		"objectId":            found.Objects.ObjectID,
		"functionDeclaration": "function () { return this.map((m) => m.buffer.byteLength); }",
		"returnByValue":       true,
	}, &sizes)
	if err != nil {
		return 0, err
	}
	if len(sizes.Result.Value) == 0 {
		return 0, errors.New("the worker holds no WebAssembly.Memory")
	}
	return slices.Max(sizes.Result.Value), nil
}
