package main

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/mobisess/mobisess/bench/results"
)

// ran says whether mobisess check ran to its end: 0 (no error found) or 1 (errors found); 2 is a refused input.
func ran(exit string) bool { return exit == "0" || exit == "1" }

// largestSize is the size with the most session files, and its data.
func largestSize(dir string, sizes []string) (string, results.Data) {
	best, bestData := "", results.Data{}
	for _, size := range sizes {
		var d results.Data
		if readJSON(filepath.Join(dir, size, "data.json"), &d) && (best == "" || d.Files > bestData.Files) {
			best, bestData = size, d
		}
	}
	return best, bestData
}

// writeTargets writes the targets of the processes: each report format against the floor of its input, and
// the peak RSS of every format, all from the side-by-side rows of the largest size of this run.
func writeTargets(p func(string, ...any), dir string, sizes []string) {
	size, d := largestSize(dir, sizes)
	p("\n## Targets: the report formats, the zip, memory (processes, one run)\n\n")
	if size == "" {
		p("not available: no size was measured\n")
		return
	}
	judged := d.Files >= targetFiles
	var in results.Interleaved
	interleaved := readJSON(filepath.Join(dir, size, "interleaved.json"), &in)
	p("Times from bench/interleave on %s sessions: %d rounds, each running every command below once as a user runs it "+
		"(a whole process, the report to /dev/null), the order rotating from round to round. A ratio is the median of each round's "+
		"ratio (min–max over the rounds), so that a burst of load on the machine falls on both sides of it; beside it, the median "+
		"times of each side, and \"best\", fastest over fastest. Each format of the folder is divided by the read + `json.Valid` "+
		"floor; each of the zip, by the zip floor. Peak RSS: one untimed run of each (the side-by-side rows below).", size, in.Rounds)
	if !judged {
		p(" The targets are for %d sessions: at %d they are shown, not judged.", targetFiles, d.Files)
	}
	p("\n\n| target | measured | best | |\n|---|---|---|:-:|\n")
	judge := func(ok bool) string {
		if !judged {
			return "not judged"
		}
		return verdict(ok)
	}
	ratio := func(what, id, floorID string, target float64) {
		a, b := in.ByID(id), in.ByID(floorID)
		if !interleaved || a == nil || b == nil || len(a.Wall) == 0 || len(b.Wall) == 0 {
			p("| %s within %.1fx | not available: bench/interleave did not measure it (logs/interleave-%s.log) | | ❌ |\n", what, target, size)
			return
		}
		r, lo, hi := results.PairedRatio(a, b)
		p("| %s within %.1fx | **%.2f** (%.2f–%.2f; %s ÷ %s) | %.2f | %s |\n", what, target, r, lo, hi,
			secs(results.MedianOf(a.Wall)), secs(results.MedianOf(b.Wall)), slices.Min(a.Wall)/slices.Min(b.Wall), judge(r <= target))
	}
	ratio("`check --format json DIR` ÷ floor read + `json.Valid`", "mobisess-dir-json", "floor-valid", targetJSON)
	ratio("`check DIR` (text) ÷ floor read + `json.Valid`", "mobisess-dir", "floor-valid", targetTextDir)
	ratio("`check --format sarif DIR` ÷ floor read + `json.Valid`", "mobisess-dir-sarif", "floor-valid", targetTextDir)
	ratio("`check DIR.zip` (text) ÷ zip floor", "mobisess-zip", "floor-zip", targetZipRatio)
	ratio("`check --format json DIR.zip` ÷ zip floor", "mobisess-zip-json", "floor-zip", targetZipRatio)

	for _, source := range []struct{ id, what string }{{"dir", "folder"}, {"zip", "zip"}} {
		var worst int64
		worstFormat, missing := "", []string{}
		for _, f := range formats {
			rss, exit, _, _ := untimed(filepath.Join(dir, size), checkID(source.id, f))
			if rss == 0 || !ran(exit) {
				missing = append(missing, f)
				continue
			}
			if rss > worst {
				worst, worstFormat = rss, f
			}
		}
		if len(missing) > 0 {
			p("| peak RSS under %s, every format, %s | not available for %s: see the peak RSS table | | ❌ |\n", mib(targetRSS), source.what, strings.Join(missing, ", "))
			continue
		}
		p("| peak RSS under %s, every format, %s | largest **%s** (%s) | | %s |\n", mib(targetRSS), source.what, mib(worst), worstFormat, judge(worst < targetRSS))
	}

	tiny := filepath.Join(dir, "tiny200k")
	if why := readText(filepath.Join(tiny, "error")); why != "" {
		p("| peak RSS under %s, the zip of 200,000 tiny entries | %s | | ❌ |\n", mib(targetTinyRSS), why)
		return
	}
	tinyTools := loadTools(tiny)
	if len(tinyTools) == 0 {
		p("| peak RSS under %s, the zip of 200,000 tiny entries | not run: only when 100k is among BENCH_SIZES | | |\n", mib(targetTinyRSS))
		return
	}
	for _, t := range tinyTools {
		if !ran(t.exit) {
			p("| peak RSS under %s, the zip of 200,000 tiny entries, %s | not checked (exit %s): see logs/tiny200k-%s.out | | ❌ |\n", mib(targetTinyRSS), toolNames[t.id], t.exit, t.id)
			continue
		}
		p("| peak RSS under %s, the zip of 200,000 tiny entries, %s | **%s** | | %s |\n", mib(targetTinyRSS), toolNames[t.id], mib(t.rss), verdict(t.rss > 0 && t.rss < targetTinyRSS))
	}
}

// writeRSS writes the peak RSS of mobisess check in every format, on the folder and on the zip, of every size.
func writeRSS(p func(string, ...any), dir string, sizes []string) {
	p("\n### Peak RSS of mobisess check, every format\n\n")
	p("One untimed run of `mobisess check --lang en --format FORMAT` on each input under /usr/bin/time (for the rows above, their " +
		"verdict run), the report to a file.\n\n| format |")
	for _, size := range sizes {
		p(" %s folder | %s zip |", size, size)
	}
	p("\n|---|%s\n", strings.Repeat("---|---|", len(sizes)))
	for _, f := range formats {
		p("| %s |", f)
		for _, size := range sizes {
			for _, source := range []string{"dir", "zip"} {
				rss, exit, _, _ := untimed(filepath.Join(dir, size), checkID(source, f))
				switch {
				case exit == "":
					p(" not run |")
				case !ran(exit):
					p(" failed (exit %s) |", exit)
				default:
					p(" %s |", mib(rss))
				}
			}
		}
		p("\n")
	}
}

// writeTiny writes the rows of the zip of 200,000 tiny entries.
func writeTiny(p func(string, ...any), dir string) {
	tiny := filepath.Join(dir, "tiny200k")
	why := readText(filepath.Join(tiny, "error"))
	tools := loadTools(tiny)
	if why == "" && len(tools) == 0 {
		return // not run: 100k was not among the sizes
	}
	p("\n### 200,000 tiny entries in one zip\n\n")
	if why != "" {
		p("%s\n", why)
		return
	}
	settings := tsvMap(filepath.Join(tiny, "settings.tsv"))
	p("`bench/gen -tiny -n %s`: a zip of %s entries `app{i%%50}/{i in hex}` holding `{}` (%s bytes, no directory entries): session files "+
		"by their names, each failing the schema (mobi 3), under the default limit of 250,000 entries. %s timed runs each.\n\n",
		settings["entries"], settings["entries"], settings["zip bytes"], settings["runs"])
	p("| tool | median | min – max | peak RSS | files | invalid | exit |\n|---|---|---|---|---|---|---|\n")
	for _, t := range tools {
		if t.timing == nil {
			p("| %s | failed: %s | | %s | %s | %s | %s |\n", toolNames[t.id], t.err, mib(t.rss), t.files, t.invalid, t.exit)
			continue
		}
		r := t.timing.Results[0]
		p("| %s | %s | %s | %s | %s | %s | %s |\n", toolNames[t.id], secs(r.Median), spread(r.Min, r.Max), mib(t.rss), t.files, t.invalid, t.exit)
	}
}
