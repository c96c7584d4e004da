//go:build !js && !wasip1

package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/mobisess/mobisess/bench/proc"
)

func TestReportJudgesTheTargets(t *testing.T) {
	inf := math.Inf(1)
	newRun := func(mode, size string, n int) *run {
		return &run{Mode: mode, Size: size, N: n, Files: n, Series: map[string][]float64{}, Errors: map[string]string{},
			Renderer: map[string]proc.Memory{}, DevServer: map[string]proc.Memory{}}
	}
	small, large := newRun("server", "1k", 1000), newRun("server", "100k", 100_000)
	small.Series[actSave] = []float64{100, 110, 90}
	large.Series[actSave] = []float64{150, 190, 170} // 1.7x: within 2x
	small.Series[actAccept] = []float64{100, 100, 100}
	large.Series[actAccept] = []float64{5000, inf, inf} // the median is a timeout
	small.Series[actLang] = []float64{100}
	large.Series[actLang] = []float64{250}
	large.Series[actRefresh] = []float64{3000, 3100, 2900}
	large.RefreshProcess = []float64{2000, 2100, 1900} // 1.5x: on the line, within
	large.Renderer["open"] = proc.Memory{RSS: 1000 << 20}
	large.Renderer["edits"] = proc.Memory{RSS: 1300 << 20}
	large.EditsRead = tenEdits
	large.IdleCPU, large.IdleSeconds = 4.5, 20
	large.Series[actDisk] = []float64{800, 2500, 900}
	large.Errors[actFix] = "the fix button never showed"
	rp := report{cmdline: "go run ./bench/console", cfg: settings{reps: 3, timeout: 2 * time.Minute, idle: 20 * time.Second},
		sizes: []string{"1k", "100k"}, modes: []string{"server"}, runs: []*run{small, large}, loadStart: "1.00 1.00 1.00", loadEnd: "3.50 2.00 1.00"}
	md := rp.markdown()
	for _, want := range []string{
		"| save (Ctrl+S) at 100k within 2x of 1k, server mode | **1.7x** (170 ÷ 100 ms) | ✅ |",
		"| Accept at 100k within 2x of 1k, server mode | **timeout** (timeout ÷ 100 ms) | ❌ |",
		"| Apply a fix at 100k within 2x of 1k, server mode | not measured (needs 1k and 100k) | — |",
		"| language switch at 100k within 2x of 1k, server mode | **2.5x** (250 ÷ 100 ms) | ❌ |",
		"the same folder as a process, server mode | **1.5x** (3,000 ÷ 2,000 ms) | ✅ |",
		"| renderer memory after ten edits at 100k within 1.2x of after opening, server mode | **1.30x** (1,300 MiB ÷ 1,000 MiB) | ❌ |",
		"| idle dev server at 100k sessions: at most 5 % of a core | **4.5 %** | ✅ |",
		"| a change on disk shown within 2 s at 100k, server mode | **2,500 ms**, the slowest of 3 (median 900 ms) | ❌ |",
		"| timeout (5,000–timeout) |", // the accepts at 100k: two timeouts of three
		"- server 100k, fix: the fix button never showed",
		"**The machine was busy with other work**",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the section lacks %q:\n%s", want, md)
		}
	}

	// JSON has no infinity: a timeout is written as -1.
	b, err := json.Marshal(jsonRuns(rp.runs))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"accept":[5000,-1,-1]`) {
		t.Errorf("the JSON does not give the timeouts as -1: %s", b)
	}
}

func TestMedianCountsTimeouts(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 2, 3}, 2.5},
		{[]float64{1, inf, inf}, inf},
		{[]float64{1, 2, inf, inf}, inf},
		{[]float64{1, 2, 3, inf}, 2.5},
	} {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}
