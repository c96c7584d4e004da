//go:build !js && !wasip1

// Command watch measures what the dev server's watcher costs on a big folder: its CPU while nothing happens (the
// page's event stream open), and the time from a change made on disk (an atomic rename, as 4D and editors
// write) to the `disk` event that tells the page. It runs each dev server binary named on a copy of the folder,
// one after the other, and prints a markdown table.
//
//	go run ./bench/watch -dir bench/out/data/100k/MobileApps -bins polling=/tmp/devserver-polling,hybrid=
//
// A binary left empty is cmd/devserver built from this tree.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mobisess/mobisess/bench/proc"
	"github.com/mobisess/mobisess/bench/server"
)

const token = "bench-watch-token-0123456789"

func main() {
	dir := flag.String("dir", "", "the MobileApps folder to copy and serve (bench/gen makes one: bench/out/data/100k/MobileApps)")
	bins := flag.String("bins", "this=", "dev servers to compare, NAME=PATH comma-separated; an empty PATH builds cmd/devserver from this tree")
	idle := flag.Duration("idle", 30*time.Second, "how long the CPU is measured while nothing happens")
	settleFor := flag.Duration("settle", 10*time.Second, "the wait after the server starts, before measuring")
	changes := flag.Int("changes", 7, "changes made on disk, one after the other, each timed until it is told")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "watch: -dir is required")
		os.Exit(2)
	}
	root, _ := os.Getwd()
	files, err := sessionFiles(*dir, *changes)
	if err != nil {
		fail(err)
	}
	fmt.Printf("| dev server | idle CPU (%v, event stream open) | change on disk → `disk` event: median (min–max) of %d |\n|---|---:|---:|\n", *idle, *changes)
	for _, spec := range strings.Split(*bins, ",") {
		name, bin, _ := strings.Cut(spec, "=")
		if bin == "" {
			if bin, err = server.Build(root); err != nil {
				fail(err)
			}
		}
		cpu, lat, err := measure(bin, *dir, files, *idle, *settleFor)
		if err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		slices.Sort(lat)
		fmt.Printf("| %s | %.1f %% of a core | %d ms (%d–%d) |\n", name, cpu,
			lat[len(lat)/2].Milliseconds(), lat[0].Milliseconds(), lat[len(lat)-1].Milliseconds())
	}
	fmt.Printf("\nload average at the end: %s\n", proc.LoadAverage())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "watch:", err)
	os.Exit(1)
}

// sessionFiles picks n session files spread over the folder (paths relative to it).
func sessionFiles(dir string, n int) ([]string, error) {
	var all []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") && filepath.Dir(p) != dir {
			rel, _ := filepath.Rel(dir, p)
			all = append(all, rel)
		}
		return err
	})
	if len(all) < n {
		return nil, errors.Join(err, fmt.Errorf("%s: %d session files, %d wanted", dir, len(all), n))
	}
	var picked []string
	for i := range n {
		picked = append(picked, all[(2*i+1)*len(all)/(2*n)])
	}
	return picked, err
}

func measure(bin, src string, files []string, idle, settleFor time.Duration) (cpuPercent float64, latencies []time.Duration, err error) {
	work, err := os.MkdirTemp("", "bench-watch-")
	if err != nil {
		return 0, nil, err
	}
	defer os.RemoveAll(work)
	dir := filepath.Join(work, "MobileApps")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		return 0, nil, err
	}
	os.Setenv("MOBISESS_TOKEN", token)
	srv, err := server.Start(bin, "-dir", dir, "-addr", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	defer srv.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := openEvents(ctx, srv.URL)
	if err != nil {
		return 0, nil, err
	}
	time.Sleep(settleFor)
	before, err := proc.CPUSeconds(srv.Pid())
	if err != nil {
		return 0, nil, err
	}
	start := time.Now()
	time.Sleep(idle)
	after, err := proc.CPUSeconds(srv.Pid())
	if err != nil {
		return 0, nil, err
	}
	cpuPercent = 100 * (after - before) / time.Since(start).Seconds()
	for _, rel := range files {
		full := filepath.Join(dir, rel)
		b, err := os.ReadFile(full)
		if err != nil {
			return 0, nil, err
		}
		b = append(b, ' ') // still the same JSON, another size
		tmp := filepath.Join(filepath.Dir(full), ".bench-watch.tmp")
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return 0, nil, err
		}
		drain(events)
		changed := time.Now()
		if err := os.Rename(tmp, full); err != nil {
			return 0, nil, err
		}
		if err := waitTold(events, filepath.ToSlash(rel), time.Minute); err != nil {
			return 0, nil, err
		}
		latencies = append(latencies, time.Since(changed))
		time.Sleep(time.Second)
	}
	return cpuPercent, latencies, nil
}

// openEvents reads the server's event stream; each `disk` event's paths come on the channel.
func openEvents(ctx context.Context, base string) (<-chan []string, error) {
	u, err := url.Parse(base) // the address printed, with ?token=…
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "GET", u.Scheme+"://"+u.Host+"/api/events", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Mobisess-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		return nil, fmt.Errorf("GET /api/events: %s", res.Status)
	}
	out := make(chan []string, 1000)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 64<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "disk":
				var d struct{ Paths []string }
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &d) == nil {
					out <- d.Paths
				}
			}
		}
	}()
	return out, nil
}

func drain(events <-chan []string) {
	for {
		select {
		case <-events:
		default:
			return
		}
	}
}

func waitTold(events <-chan []string, rel string, limit time.Duration) error {
	deadline := time.After(limit)
	for {
		select {
		case paths := <-events:
			if slices.Contains(paths, rel) {
				return nil
			}
		case <-deadline:
			return fmt.Errorf("%s changed on disk: not told within %v", rel, limit)
		}
	}
}
