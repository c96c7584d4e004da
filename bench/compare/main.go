// Command compare writes the before-and-after table of bench/compare.sh from its results folder: the processes
// that bench/interleave timed with both builds in the same rounds, each build's peak RSS of every format, and
// each build's in-process ratios from bench/floor run.
//
//	compare -results DIR
//
// A target is worse beyond its noise when it is worse in most rounds, not in a few: for the processes, when the
// lower quartile of the rounds' after ÷ before is above 1 (after slower in three rounds out of four at least);
// for the in-process ratios, whose two builds ran in different processes, when the after build's lower quartile
// is above the before build's upper quartile. A peak RSS, one run each, is worse beyond noise when it grew by
// more than the same build's peak RSS moved between runs of the same command (the one run against the largest
// of the interleaved rounds).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/mobisess/mobisess/bench/results"
)

func main() {
	dir := flag.String("results", "", "the results folder of bench/compare.sh")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: compare -results DIR")
		os.Exit(2)
	}
	if err := write(os.Stdout, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// quartiles are the lower quartile, the median and the upper quartile of xs (linear interpolation).
func quartiles(xs []float64) (q1, med, q3 float64) {
	s := slices.Sorted(slices.Values(xs))
	at := func(p float64) float64 {
		if len(s) == 0 {
			return math.NaN()
		}
		x := p * float64(len(s)-1)
		i := int(x)
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (x-float64(i))*(s[i+1]-s[i])
	}
	return at(0.25), at(0.5), at(0.75)
}

// perRound is a's wall (or CPU) time over b's, round by round.
func perRound(a, b []float64) []float64 {
	var r []float64
	for i := range min(len(a), len(b)) {
		r = append(r, a[i]/b[i])
	}
	return r
}

func secs(s float64) string {
	if s < 0.1 {
		return fmt.Sprintf("%.1f ms", s*1000)
	}
	return fmt.Sprintf("%.3f s", s)
}

func noise(worse bool) string {
	if worse {
		return "**no: worse**"
	}
	return "yes"
}

// tsv reads FILE's KEY<TAB>VALUE lines.
func tsv(path string) map[string]string {
	m := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "\t"); ok {
			m[k] = v
		}
	}
	return m
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSpace(string(b))
}

func write(w *os.File, dir string) error {
	var in results.Interleaved
	if err := readJSONFile(filepath.Join(dir, "interleaved.json"), &in); err != nil {
		return err
	}
	machine := tsv(filepath.Join(dir, "machine.tsv"))
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("Before %s, after %s; %s sessions; %s; load average %s at the start, %s at the end (%d cores).\n\n",
		readFile(filepath.Join(dir, "before.commit")), readFile(filepath.Join(dir, "after.commit")), machine["sessions"],
		machine["date"], machine["load at start"], machine["load at end"], runtime.NumCPU())

	// The noise of a pair: the same build run twice in each round ("after again ID"), for ID when it was run
	// twice, else for `check DIR`.
	control := func(id string) (wall, cpu [3]float64, ok bool) {
		again, a := in.ByID("after again "+id), in.ByID("after "+id)
		if again == nil || a == nil {
			again, a = in.ByID("after again check DIR"), in.ByID("after check DIR")
		}
		if again == nil || a == nil {
			return wall, cpu, false
		}
		wall[0], wall[1], wall[2] = quartiles(perRound(again.Wall, a.Wall))
		cpu[0], cpu[1], cpu[2] = quartiles(perRound(again.CPU, a.CPU))
		return wall, cpu, true
	}
	p("Processes, %d interleaved rounds. \"÷ floor\": the median of the rounds' ratios to the floor (min–max), then the "+
		"median wall time. \"after ÷ before\": the median of the rounds' ratios of the two builds, run side by side, wall "+
		"and CPU (user + system) time, (lower–upper quartile). \"same build twice\": the after build against itself in the "+
		"same rounds, the noise of a pair. A target is worse beyond its noise when its median wall ratio is above the "+
		"same build's upper quartile, or its CPU ratio's lower quartile is.\n\n", in.Rounds)
	p("| target | before ÷ floor | after ÷ floor | after ÷ before, wall | after ÷ before, CPU | same build twice, wall; CPU | within noise? |\n|---|---|---|---|---|---|:-:|\n")
	row := func(what, id, floorID string) {
		b, a, f := in.ByID("before "+id), in.ByID("after "+id), in.ByID(floorID)
		if b == nil || a == nil || f == nil {
			return
		}
		toFloor := func(t *results.Timed) string {
			r, lo, hi := results.PairedRatio(t, f)
			return fmt.Sprintf("**%.2f** (%.2f–%.2f); %s", r, lo, hi, secs(results.MedianOf(t.Wall)))
		}
		w1, w, w3 := quartiles(perRound(a.Wall, b.Wall))
		c1, c, c3 := quartiles(perRound(a.CPU, b.CPU))
		cw, cc, ok := control(id)
		twice, worse := "not measured", w1 > 1 || c1 > 1
		if ok {
			twice = fmt.Sprintf("%.2f (%.2f–%.2f); %.2f (%.2f–%.2f)", cw[1], cw[0], cw[2], cc[1], cc[0], cc[2])
			worse = w > cw[2] || c1 > cc[2]
		}
		p("| %s | %s | %s | **%.2f** (%.2f–%.2f) | **%.2f** (%.2f–%.2f) | %s | %s |\n", what, toFloor(b), toFloor(a),
			w, w1, w3, c, c1, c3, twice, noise(worse))
	}
	row("`check DIR` (text) ÷ floor read + `json.Valid`, ≤ 1.2", "check DIR", "floor-valid")
	row("`check --format json DIR` ÷ floor read + `json.Valid`, ≤ 1.3", "check --format json DIR", "floor-valid")
	row("`check --format sarif DIR` ÷ floor read + `json.Valid`, ≤ 1.2", "check --format sarif DIR", "floor-valid")
	row("`check DIR.zip` (text) ÷ zip floor, ≤ 1.5", "check DIR.zip", "floor-zip")
	row("`check --format json DIR.zip` ÷ zip floor, ≤ 1.5", "check --format json DIR.zip", "floor-zip")
	row("`refresh DIR DIR` ÷ floor read", "refresh DIR DIR", "floor-read")

	// Peak RSS: one run of each format; the noise of one run is how far it lies from the largest of the
	// interleaved rounds of the same command.
	rss := map[[3]string]int64{}
	for _, line := range lines(filepath.Join(dir, "rss.tsv")) {
		f := strings.Split(line, "\t")
		if len(f) == 4 {
			kb, _ := strconv.ParseInt(f[3], 10, 64)
			rss[[3]string{f[0], f[1], f[2]}] = kb << 10
		}
	}
	var spread float64
	for _, side := range []string{"before", "after"} {
		for _, c := range []struct{ id, format, kind string }{
			{"check DIR", "text", "folder"}, {"check --format json DIR", "json", "folder"},
			{"check --format sarif DIR", "sarif", "folder"}, {"check DIR.zip", "text", "zip"},
			{"check --format json DIR.zip", "json", "zip"},
		} {
			t, one := in.ByID(side+" "+c.id), rss[[3]string{side, c.format, c.kind}]
			if t != nil && t.PeakRSS > 0 && one > 0 {
				spread = max(spread, math.Abs(float64(t.PeakRSS-one))/float64(one))
			}
		}
	}
	if len(rss) == 0 {
		return nil
	}
	p("\nPeak RSS, one run of each format (`/usr/bin/time -f %%M`); a run moves by up to %.0f%% from the largest of the "+
		"interleaved rounds of the same command, the noise of one run. Target: under 256 MiB.\n\n", spread*100)
	p("| format | folder before | folder after | after ÷ before | zip before | zip after | after ÷ before | within noise? |\n|---|---|---|---|---|---|---|:-:|\n")
	for _, f := range []string{"text", "json", "junit", "sarif", "github"} {
		p("| %s", f)
		worse := false
		for _, kind := range []string{"folder", "zip"} {
			b, a := rss[[3]string{"before", f, kind}], rss[[3]string{"after", f, kind}]
			r := float64(a) / float64(b)
			worse = worse || r > 1+spread
			p(" | %s | %s | %.2f", mib(b), mib(a), r)
		}
		p(" | %s |\n", noise(worse))
	}

	// The in-process ratios: each build's bench/floor run processes, their rounds pooled.
	floors := map[string][]results.Floor{}
	for _, side := range []string{"before", "after"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "floor-"+side+"-*.json"))
		for _, path := range paths {
			var f results.Floor
			if readJSONFile(path, &f) == nil {
				floors[side] = append(floors[side], f)
			}
		}
	}
	if len(floors["before"]) == 0 || len(floors["after"]) == 0 {
		return nil
	}
	p("\nIn process (bench/floor run, %d processes per build alternated, %d rounds each, pooled): the ratio of each "+
		"round's phases, median (lower–upper quartile); the builds ran in different processes, so the after build is "+
		"worse beyond noise when its lower quartile is above the before build's upper quartile.\n\n",
		len(floors["after"]), floors["after"][0].Rounds)
	p("| target | before | after | after ÷ before (medians) | within noise? |\n|---|---|---|---|:-:|\n")
	ratio := func(what, a, b string) {
		var q [2][3]float64
		for i, side := range []string{"before", "after"} {
			var r []float64
			for _, f := range floors[side] {
				r = append(r, perRound(f.Phases[a].Seconds, f.Phases[b].Seconds)...)
			}
			q[i][0], q[i][1], q[i][2] = quartiles(r)
		}
		p("| %s | **%.2f** (%.2f–%.2f) | **%.2f** (%.2f–%.2f) | %.2f | %s |\n", what, q[0][1], q[0][0], q[0][2],
			q[1][1], q[1][0], q[1][2], q[1][1]/q[0][1], noise(q[1][0] > q[0][2]))
	}
	ratio("check ÷ (read + Valid), ≤ 2", results.PhaseCheck, results.PhaseValid)
	ratio("check (zip) ÷ zip floor, ≤ 1.5", results.PhaseCheckZip, results.PhaseZip)
	ratio("refresh, nothing changed ÷ read, ≤ 1.3", results.PhaseUnchanged, results.PhaseRead)
	ratio("refresh, 1% changed ÷ read, ≤ 1.5", results.PhaseOnePercent, results.PhaseRead)
	ratio("registry Load ÷ read", results.PhaseLoad, results.PhaseRead)
	var perSession [2][]float64
	for i, side := range []string{"before", "after"} {
		for _, f := range floors[side] {
			perSession[i] = append(perSession[i], float64(f.RegistryBytesPerSession))
		}
	}
	b, a := results.MedianOf(perSession[0]), results.MedianOf(perSession[1])
	p("| registry bytes / session | %.0f | %.0f | %.2f | %s |\n", b, a, a/b, noise(slices.Min(perSession[1]) > slices.Max(perSession[0])))
	return nil
}

func mib(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func lines(path string) []string {
	s := readFile(path)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
