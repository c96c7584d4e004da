// Command loadtest drives a real devserver (its binary, over TCP on 127.0.0.1) with many concurrent pages
// over a generated MobileApps folder: reads, edits and refreshes. It checks that no request fails and no edit
// is lost, and writes the latency percentiles per kind of request to a Markdown file.
//
// Every edit appends a unique id to the session's userInfo.edits, with If-Match; a 412 means another client
// saved first, and the edit is read again and retried. At the end each file must hold every id whose PUT
// succeeded, once: a lost update would drop one.
//
//	go run ./cmd/devserver/loadtest -devserver build/devserver -out bench/loadtest.md
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
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	devserver string
	sessions  int
	apps      int
	clients   int
	requests  int
	baseline  int
	hot       int
	out       string
}

func run() error {
	var o options
	flag.StringVar(&o.devserver, "devserver", "", "the devserver binary (default: build ./cmd/devserver)")
	flag.IntVar(&o.sessions, "sessions", 1000, "session files to generate")
	flag.IntVar(&o.apps, "apps", 10, "app folders to spread them over")
	flag.IntVar(&o.clients, "clients", 50, "concurrent clients")
	flag.IntVar(&o.requests, "requests", 10000, "HTTP requests in all")
	flag.IntVar(&o.baseline, "baseline", 300, "HTTP requests from one client alone, before the load")
	flag.IntVar(&o.hot, "hot", 100, "session files the edits go to (fewer: more conflicts)")
	flag.StringVar(&o.out, "out", "", "write the report to this Markdown file (default: stdout only)")
	flag.Parse()

	work, err := os.MkdirTemp("", "mobisess-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if o.devserver == "" {
		o.devserver = filepath.Join(work, "devserver")
		build := exec.Command("go", "build", "-o", o.devserver, "./cmd/devserver")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the devserver: %w", err)
		}
	}
	root := filepath.Join(work, "MobileApps")
	start := time.Now()
	paths, size, err := generate(root, o.sessions, o.apps)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loadtest: %d sessions (%d KiB) in %d app folders, made in %v\n", len(paths), size>>10, o.apps, time.Since(start).Round(time.Millisecond))

	srv, err := startDevserver(o.devserver, root)
	if err != nil {
		return err
	}
	defer srv.kill()
	fmt.Fprintf(os.Stderr, "loadtest: devserver at %s\n", srv.url)

	if o.hot > len(paths) {
		o.hot = len(paths)
	}
	lt := &loadTest{o: o, url: srv.url, token: srv.token, paths: paths, hot: paths[:o.hot],
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: o.clients, MaxConnsPerHost: o.clients + 2}},
		lat:    map[string][]time.Duration{}, landed: map[string][]string{},
		written: map[string]time.Time{}, announced: map[string]time.Time{}}
	stopEvents := lt.watchEvents()

	// One client alone first: the service time of each request, without queueing.
	lt.budget = int64(o.baseline)
	for c := 0; c < 1 && o.baseline > 0; c++ {
		lt.client1(1000 + c)
	}
	lt.base, lt.lat = lt.lat, map[string][]time.Duration{}

	load0 := loadAverage()
	lt.issued.Store(0)
	lt.budget = int64(o.requests)
	begin := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < o.clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			lt.client1(c)
		}(c)
	}
	clientsDone := make(chan struct{})
	fourD := make(chan struct{})
	go func() {
		defer close(fourD)
		lt.writeBehind(root, clientsDone)
	}()
	wg.Wait()
	elapsed := time.Since(begin)
	load1 := loadAverage()
	close(clientsDone)
	<-fourD
	lt.verify()
	lt.awaitAnnounced(5 * time.Second)
	stopEvents()
	for p := range lt.landed {
		if _, ok := lt.announced[p]; ok {
			lt.ownAnnounced++
		}
	}
	if lt.ownAnnounced > 0 {
		lt.fail("%d files edited only through the API were announced as changed on disk", lt.ownAnnounced)
	}

	stopErr := srv.stop()
	if stopErr != nil {
		lt.fail("devserver: %v", stopErr)
	}
	report := lt.report(elapsed, len(paths), size, load0, load1)
	fmt.Print(report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if n := len(lt.errors); n > 0 {
		return fmt.Errorf("%d failures, the first: %s", n, lt.errors[0])
	}
	return nil
}

// generate writes sessions as 4D does after logins, with core.CreateSession.
func generate(root string, n, apps int) ([]string, int64, error) {
	fsys := afero.NewOsFs()
	var paths []string
	var size int64
	for i := 0; i < n; i++ {
		status := core.StatusAccepted
		if i%4 == 0 {
			status = core.StatusPending
		}
		rel, err := core.CreateSession(fsys, root, core.NewSession{ApplicationID: fmt.Sprintf("com.example.load%02d", i%apps),
			TeamID: "LOADTEAM01", Status: status, Email: fmt.Sprintf("user%d@example.com", i)})
		if err != nil {
			return nil, 0, err
		}
		info, _ := os.Stat(filepath.Join(root, rel))
		size += info.Size()
		paths = append(paths, rel)
	}
	return paths, size, nil
}

type devserver struct {
	cmd   *exec.Cmd
	url   string
	token string
	done  chan error
}

var listeningLine = regexp.MustCompile(`listening on (http://[^/\s]+)/\?token=(\S+)`)

// startDevserver runs the binary on a free port and reads the address and token it prints, as a person does.
func startDevserver(bin, root string) (*devserver, error) {
	cmd := exec.Command(bin, "-dir", root, "-addr", "127.0.0.1:0")
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MOBISESS_TOKEN=") })
	cmd.Stderr = os.Stderr
	dieWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &devserver{cmd: cmd, done: make(chan error, 1)}
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case m := <-found:
		s.url, s.token = m[1], m[2]
	case err := <-s.done:
		return nil, fmt.Errorf("the devserver exited: %v", err)
	case <-time.After(30 * time.Second):
		s.kill()
		return nil, errors.New("the devserver did not start within 30 s")
	}
	return s, nil
}

// stop asks for a graceful shutdown, as Ctrl-C does.
func (s *devserver) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(10 * time.Second):
		s.kill()
		return errors.New("no graceful shutdown within 10 s")
	}
}

func (s *devserver) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
	}
}

type loadTest struct {
	o      options
	url    string
	token  string
	paths  []string
	hot    []string
	client *http.Client
	issued atomic.Int64
	budget int64

	mu        sync.Mutex
	lat       map[string][]time.Duration
	base      map[string][]time.Duration // one client alone
	landed    map[string][]string        // path → edit ids whose PUT succeeded
	conflicts int
	maxTries  int
	errors    []string
	checked   int

	written      map[string]time.Time // files written behind the server's back (as 4D does), when the write began
	announced    map[string]time.Time // every path a disk event named, when it first did
	reconnects   int                  // of the event stream
	ownAnnounced int                  // files edited only through the API that a disk event named
	resyncs      int                  // events that said some were lost
}

func (lt *loadTest) fail(format string, args ...any) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.errors = append(lt.errors, fmt.Sprintf(format, args...))
}

func (lt *loadTest) record(kind string, d time.Duration) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.lat[kind] = append(lt.lat[kind], d)
}

// do sends one request and times it; status is 0 when the request itself failed.
func (lt *loadTest) do(kind, method, target string, body []byte, hdr ...string) (int, []byte) {
	lt.issued.Add(1)
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, lt.url+target, r)
	req.Header.Set("X-Mobisess-Token", lt.token)
	if method != http.MethodGet {
		req.Header.Set("Origin", lt.url)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	start := time.Now()
	res, err := lt.client.Do(req)
	if err != nil {
		lt.fail("%s %s: %v", method, target, err)
		return 0, nil
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	lt.record(kind, time.Since(start))
	if err != nil {
		lt.fail("%s %s: %v", method, target, err)
		return 0, nil
	}
	return res.StatusCode, data
}

// client1 is one page: it picks requests at random until the budget is spent.
func (lt *loadTest) client1(c int) {
	rng := rand.New(rand.NewPCG(uint64(c), 42))
	for n := 0; lt.issued.Load() < lt.budget; n++ {
		switch x := rng.IntN(100); {
		case x < 60:
			p := lt.paths[rng.IntN(len(lt.paths))]
			if st, body := lt.do("read", "GET", "/api/file?path="+p, nil); st != 200 {
				lt.fail("read %s: %d %s", p, st, body)
			}
		case x < 70:
			if st, body := lt.do("state", "GET", "/api/state", nil); st != 200 {
				lt.fail("state: %d %.200s", st, body)
			}
		case x < 95:
			lt.edit(fmt.Sprintf("c%02d-%04d", c, n), lt.hot[rng.IntN(len(lt.hot))])
		default:
			if st, body := lt.do("refresh", "POST", "/api/refresh", []byte("{}"), "Content-Type", "application/json"); st != 200 {
				lt.fail("refresh: %d %.200s", st, body)
			}
		}
	}
}

// edit appends id to the session's userInfo.edits: read, change, PUT with If-Match; on 412 start again.
func (lt *loadTest) edit(id, path string) {
	start := time.Now()
	for try := 1; ; try++ {
		st, body := lt.do("read", "GET", "/api/file?path="+path, nil)
		if st != 200 {
			lt.fail("edit %s: read %d %s", id, st, body)
			return
		}
		var f struct {
			Content string `json:"content"`
			ETag    string `json:"etag"`
		}
		json.Unmarshal(body, &f)
		content, err := appendEdit(f.Content, id)
		if err != nil {
			lt.fail("edit %s: %v", id, err)
			return
		}
		st, body = lt.do("put", "PUT", "/api/file?path="+path, content, "If-Match", `"`+f.ETag+`"`)
		switch {
		case st == 200:
			lt.mu.Lock()
			lt.landed[path] = append(lt.landed[path], id)
			lt.maxTries = max(lt.maxTries, try)
			lt.mu.Unlock()
			lt.record("edit (read+put, retries)", time.Since(start))
			return
		case st == 412 && strings.Contains(string(body), `"kind":"conflict"`):
			lt.mu.Lock()
			lt.conflicts++
			lt.mu.Unlock()
		default:
			lt.fail("edit %s: PUT %d %s", id, st, body)
			return
		}
	}
}

func appendEdit(content, id string) ([]byte, error) {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(content))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	info, _ := doc["userInfo"].(map[string]any)
	if info == nil {
		info = map[string]any{}
	}
	edits, _ := info["edits"].([]any)
	info["edits"] = append(edits, id)
	doc["userInfo"] = info
	return json.MarshalIndent(doc, "", "\t")
}

// verify reads every edited file back: each id whose PUT succeeded is there, once, and nothing else.
func (lt *loadTest) verify() {
	for path, ids := range lt.landed {
		st, body := lt.do("verify", "GET", "/api/file?path="+path, nil)
		if st != 200 {
			lt.fail("verify %s: %d", path, st)
			continue
		}
		var f struct {
			Content string `json:"content"`
			Error   any    `json:"error"`
		}
		json.Unmarshal(body, &f)
		if f.Error != nil {
			lt.fail("verify %s: the edited file fails a check: %v", path, f.Error)
		}
		var doc struct {
			UserInfo struct {
				Edits []string `json:"edits"`
			} `json:"userInfo"`
		}
		if err := json.Unmarshal([]byte(f.Content), &doc); err != nil {
			lt.fail("verify %s: %v", path, err)
			continue
		}
		want := append([]string{}, ids...)
		got := append([]string{}, doc.UserInfo.Edits...)
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(want, ",") != strings.Join(got, ",") {
			lt.fail("verify %s: %d edits landed, the file holds %d (lost or duplicated)", path, len(want), len(got))
		}
		lt.checked += len(got)
	}
}

// watchEvents listens to /api/events during the run, as an open page does, and notes when each path is
// first announced; like EventSource, it reconnects with Last-Event-ID if the stream ends. It returns a
// function that stops listening.
func (lt *loadTest) watchEvents() func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(done)
		lastID := ""
		for attempt := 0; ctx.Err() == nil; attempt++ {
			req, _ := http.NewRequestWithContext(ctx, "GET", lt.url+"/api/events", nil)
			req.Header.Set("X-Mobisess-Token", lt.token)
			if lastID != "" {
				req.Header.Set("Last-Event-ID", lastID)
			}
			res, err := http.DefaultClient.Do(req)
			if attempt == 0 {
				close(ready)
			}
			if err != nil {
				if ctx.Err() == nil {
					lt.fail("events: %v", err)
				}
				return
			}
			if attempt > 0 {
				lt.mu.Lock()
				lt.reconnects++
				lt.mu.Unlock()
			}
			lastID = lt.readEvents(res.Body, lastID)
			res.Body.Close()
		}
	}()
	<-ready
	return func() {
		cancel()
		<-done
	}
}

// readEvents reads one stream until it ends and returns the last event id seen.
func (lt *loadTest) readEvents(body io.Reader, lastID string) string {
	sc := bufio.NewScanner(body)
	sc.Buffer(nil, 1<<20)
	name := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			lastID = line[4:]
		case strings.HasPrefix(line, "event: "):
			name = line[7:]
		case strings.HasPrefix(line, "data: ") && name == "disk":
			var ev struct {
				Paths  []string `json:"paths"`
				Resync bool     `json:"resync"`
			}
			json.Unmarshal([]byte(line[6:]), &ev)
			now := time.Now()
			lt.mu.Lock()
			for _, p := range ev.Paths {
				if _, seen := lt.announced[p]; !seen {
					lt.announced[p] = now
				}
			}
			if ev.Resync {
				lt.resyncs++
			}
			lt.mu.Unlock()
		case line == "":
			name = ""
		}
	}
	return lastID
}

// writeBehind plays 4D: while the clients run, it writes a new session file every 250 ms straight to the
// folder, which the server must announce.
func (lt *loadTest) writeBehind(root string, stop <-chan struct{}) {
	fsys := afero.NewOsFs()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		at := time.Now()
		rel, err := core.CreateSession(fsys, root, core.NewSession{ApplicationID: fmt.Sprintf("com.example.load%02d", i%lt.o.apps),
			TeamID: "LOADTEAM01", Status: core.StatusPending})
		if err != nil {
			lt.fail("writing behind the server: %v", err)
			return
		}
		lt.mu.Lock()
		lt.written[rel] = at
		lt.mu.Unlock()
	}
}

// awaitAnnounced waits for the last files written behind the server to be announced.
func (lt *loadTest) awaitAnnounced(within time.Duration) {
	for deadline := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) {
		lt.mu.Lock()
		missing := 0
		for p := range lt.written {
			if _, ok := lt.announced[p]; !ok {
				missing++
			}
		}
		lt.mu.Unlock()
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			lt.fail("%d of %d files written behind the server were never announced by a disk event", missing, len(lt.written))
			return
		}
	}
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func (lt *loadTest) report(elapsed time.Duration, sessions int, size int64, load0, load1 string) string {
	var b strings.Builder
	o := lt.o
	total := 0
	for k, v := range lt.lat {
		if k != "edit (read+put, retries)" && k != "verify" {
			total += len(v)
		}
	}
	edits := 0
	for _, ids := range lt.landed {
		edits += len(ids)
	}
	fmt.Fprintf(&b, "# devserver load test\n\n")
	fmt.Fprintf(&b, "Produced by `make loadtest`, that is:\n\n```\ngo build -o build/devserver ./cmd/devserver\ngo run ./cmd/devserver/loadtest %s\n```\n\n",
		strings.Join(os.Args[1:], " "))
	fmt.Fprintf(&b, "The client and the server share the machine: %s/%s, %d CPUs (%s), %s, %s. "+
		"Load average before and after the run (other work on the machine counts): %s / %s.\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), runtime.Version(), time.Now().UTC().Format("2006-01-02"), load0, load1)
	fmt.Fprintf(&b, "Folder: %d session files (%d KiB) in %d app folders, made with core.CreateSession; the server loads them all at start.\n", sessions, size>>10, o.apps)
	fmt.Fprintf(&b, "Load: %d concurrent clients, %d HTTP requests in %.1f s (%.0f requests/s) over keep-alive connections to 127.0.0.1; ",
		o.clients, total, elapsed.Seconds(), float64(total)/elapsed.Seconds())
	fmt.Fprintf(&b, "each client picks 60%% reads (`GET /api/file`), 10%% `GET /api/state`, 25%% edits, 5%% refreshes (`POST /api/refresh`).\n")
	fmt.Fprintf(&b, "An edit reads one of %d files, appends a unique id to `userInfo.edits` and saves it with `PUT /api/file` + `If-Match`; "+
		"on 412 it reads again and retries. `PUT` and `refresh` answer the whole state, as the page needs it.\n\n", o.hot)
	table(&b, lt.lat)
	if len(lt.base) > 0 {
		fmt.Fprintf(&b, "\nBefore the load, one client alone (%d requests, same mix): the time to serve each request, without waiting for others. "+
			"Reads run side by side, but a change to the folder (a save, a refresh) runs alone, so under load a request waits for the changes ahead of it.\n\n", lt.o.baseline)
		table(&b, lt.base)
	}
	fmt.Fprintf(&b, "\nEdits: %d saved, %d clean 412 conflicts retried (at most %d tries for one edit); "+
		"verified afterwards: %d ids found in %d files, each exactly once. ", edits, lt.conflicts, lt.maxTries, lt.checked, len(lt.landed))
	var ann []time.Duration
	for p, at := range lt.written {
		if seen, ok := lt.announced[p]; ok {
			ann = append(ann, seen.Sub(at))
		}
	}
	sort.Slice(ann, func(i, j int) bool { return ann[i] < ann[j] })
	fmt.Fprintf(&b, "Meanwhile a writer playing 4D created %d session files straight in the folder (one every 250 ms); a page listening to `/api/events` "+
		"was told of %d of them by a `disk` event (poll every 500 ms), after p50 %s ms, p90 %s ms, max %s ms. "+
		"Of the %d files edited through the API, %d were announced as changed on disk (their changes are the page's own). "+
		"The event stream reconnected %d times, %d resyncs.\n\n",
		len(lt.written), len(ann), ms(percentile(ann, .5)), ms(percentile(ann, .9)), ms(percentile(ann, 1)), len(lt.landed), lt.ownAnnounced, lt.reconnects, lt.resyncs)
	if len(lt.errors) == 0 {
		fmt.Fprintf(&b, "Result: **no error, no lost edit**; the server stopped gracefully on SIGTERM.\n")
	} else {
		fmt.Fprintf(&b, "Result: **%d failures**, the first: %s\n", len(lt.errors), lt.errors[0])
	}
	return b.String()
}

func table(b *strings.Builder, lat map[string][]time.Duration) {
	fmt.Fprintf(b, "| request | count | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n")
	for _, k := range []string{"read", "state", "put", "refresh", "edit (read+put, retries)"} {
		v := append([]time.Duration{}, lat[k]...)
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s |\n", k, len(v), ms(percentile(v, .5)), ms(percentile(v, .9)), ms(percentile(v, .99)), ms(percentile(v, 1)))
	}
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
