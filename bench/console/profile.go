//go:build !js && !wasip1

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/playwright-community/playwright-go"
)

// profiled runs one series, under Chromium's CPU profiler of the page's main thread when -profile names a
// folder: the profile is written there for DevTools, and where its time went is printed on stderr. A series
// that gets ready first (a search) calls s.timing() when its timed actions begin.
func (s *session) profiled(series string, run func() error) error {
	if s.cfg.profile == "" {
		return run()
	}
	cdp, err := s.page.Context().NewCDPSession(s.page)
	if err != nil {
		return err
	}
	defer cdp.Detach()
	if _, err := cdp.Send("Performance.enable", nil); err != nil {
		return err
	}
	var before map[string]float64
	// start (again): what the series did to get ready (a search, a first refresh) is left out
	start := func() error {
		if _, err := cdp.Send("Profiler.stop", nil); err != nil && before != nil {
			return fmt.Errorf("stopping the profiler: %w", err)
		}
		for _, call := range []struct {
			method string
			params map[string]any
		}{
			{"Profiler.enable", nil},
			{"Profiler.setSamplingInterval", map[string]any{"interval": 200}}, // µs
			{"Profiler.start", nil},
		} {
			if _, err := cdp.Send(call.method, call.params); err != nil {
				return fmt.Errorf("%s: %w", call.method, err)
			}
		}
		before, err = metrics(cdp)
		return err
	}
	if err := start(); err != nil {
		return err
	}
	s.ready = start
	defer func() { s.ready = nil }()
	runErr := run()
	after, err := metrics(cdp)
	if err != nil {
		return err
	}
	out, err := cdp.Send("Profiler.stop", nil)
	if err != nil {
		return fmt.Errorf("stopping the profiler: %w", err)
	}
	raw, err := json.Marshal(out.(map[string]any)["profile"])
	if err != nil {
		return err
	}
	name := filepath.Join(s.cfg.profile, fmt.Sprintf("%s-%s-%s.cpuprofile", s.src.label, s.mode, series))
	if err := os.WriteFile(name, raw, 0o644); err != nil {
		return err
	}
	var p cpuProfile
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	var spent strings.Builder
	for _, m := range []string{"TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration"} {
		fmt.Fprintf(&spent, " %s %.1f ms,", strings.TrimSuffix(m, "Duration"), (after[m]-before[m])*1000)
	}
	fmt.Fprintf(&spent, " %.0f style recalculations, %.0f layouts", after["RecalcStyleCount"]-before["RecalcStyleCount"], after["LayoutCount"]-before["LayoutCount"])
	logf("%s: the page's main thread:%s\nwhere its time went (self time, ms; a forced layout counts for the function that asked for it)\n%s", name, spent.String(), p.top(25))
	return runErr
}

// metrics are the page's run-time metrics (Performance.getMetrics), by name: durations in seconds.
func metrics(cdp playwright.CDPSession) (map[string]float64, error) {
	out, err := cdp.Send("Performance.getMetrics", nil)
	if err != nil {
		return nil, fmt.Errorf("reading the page's metrics: %w", err)
	}
	m := map[string]float64{}
	list, _ := out.(map[string]any)["metrics"].([]any)
	for _, x := range list {
		e, _ := x.(map[string]any)
		name, _ := e["name"].(string)
		v, _ := e["value"].(float64)
		m[name] = v
	}
	return m, nil
}

// cpuProfile is the part of a Profiler.Profile (Chrome DevTools Protocol) that self times are summed from.
type cpuProfile struct {
	Nodes []struct {
		ID        int `json:"id"`
		CallFrame struct {
			FunctionName string `json:"functionName"`
			URL          string `json:"url"`
			LineNumber   int    `json:"lineNumber"`
		} `json:"callFrame"`
	} `json:"nodes"`
	Samples    []int `json:"samples"`
	TimeDeltas []int `json:"timeDeltas"` // µs, each before its sample
}

// top are the n functions with the most self time, idle time left out.
func (p *cpuProfile) top(n int) string {
	names := map[int]string{}
	for _, node := range p.Nodes {
		f := node.CallFrame
		name := f.FunctionName
		if name == "" {
			name = "(anonymous)"
		}
		if f.URL != "" {
			name += fmt.Sprintf(" %s:%d", filepath.Base(f.URL), f.LineNumber+1)
		}
		names[node.ID] = name
	}
	self := map[string]float64{}
	busy := 0.0
	for i, id := range p.Samples {
		if i+1 >= len(p.TimeDeltas) {
			break
		}
		// a sample lasts until the next one
		ms := float64(p.TimeDeltas[i+1]) / 1000
		if names[id] == "(idle)" || names[id] == "(program)" {
			continue
		}
		self[names[id]] += ms
		busy += ms
	}
	keys := make([]string, 0, len(self))
	for k := range self {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		switch {
		case self[a] > self[b]:
			return -1
		case self[a] < self[b]:
			return 1
		}
		return strings.Compare(a, b)
	})
	var b strings.Builder
	fmt.Fprintf(&b, "  %8.1f  busy in all\n", busy)
	for _, k := range keys[:min(n, len(keys))] {
		fmt.Fprintf(&b, "  %8.1f  %s\n", self[k], k)
	}
	return b.String()
}

// timing says that the series' timed actions begin: under -profile, what came before is left out.
func (s *session) timing() error {
	if s.ready == nil {
		return nil
	}
	return s.ready()
}
