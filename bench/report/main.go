// Command report writes BENCHMARKS.md from what bench/run.sh left in bench/out/results.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mobisess/mobisess/bench/corpus"
	"github.com/mobisess/mobisess/bench/results"
)

func main() {
	results := flag.String("results", "bench/out/results", "the results folder of bench/run.sh")
	sizes := flag.String("sizes", "1k,10k,100k", "the sizes that were run, comma-separated")
	out := flag.String("out", "BENCHMARKS.md", "the file to write")
	repo := flag.String("repo", "", "the repository's root: written as $REPO in the commands shown")
	flag.Parse()
	var b strings.Builder
	if err := write(&b, *results, strings.Split(*sizes, ","), *repo); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

type hyperfine struct {
	Results []struct {
		Median, Mean, Stddev, Min, Max float64
		Times                          []float64
	}
}

// toolRun is one row of a side-by-side table.
type toolRun struct {
	id, desc, cmd string
	timing        *hyperfine
	rss           int64 // bytes; 0 when not measured
	exit          string
	files         string
	invalid       string
	err           string
}

func readTSV(path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() != "" {
			rows = append(rows, strings.Split(sc.Text(), "\t"))
		}
	}
	return rows
}

func tsvMap(path string) map[string]string {
	m := map[string]string{}
	for _, r := range readTSV(path) {
		if len(r) >= 2 {
			m[r[0]] = r[1]
		}
	}
	return m
}

func readJSON(path string, v any) bool {
	data, err := os.ReadFile(path)
	return err == nil && json.Unmarshal(data, v) == nil
}

func readText(path string) string {
	data, _ := os.ReadFile(path)
	return strings.TrimSpace(string(data))
}

func loadTools(dir string) []toolRun {
	var out []toolRun
	for _, r := range readTSV(filepath.Join(dir, "tools.tsv")) {
		t := toolRun{id: r[0], desc: r[1], cmd: r[2], err: readText(filepath.Join(dir, r[0]+".error"))}
		var h hyperfine
		if readJSON(filepath.Join(dir, r[0]+".json"), &h) && len(h.Results) == 1 {
			t.timing = &h
		}
		t.rss, t.exit, t.files, t.invalid = untimed(dir, r[0])
		out = append(out, t)
	}
	return out
}

// untimed is what the untimed run of a tool left: its peak RSS in bytes (0 when not measured), its exit code
// ("" when it did not run) and its verdict.
func untimed(dir, id string) (rss int64, exit, files, invalid string) {
	// GNU time writes "Command exited with non-zero status N" before the value when the exit code is not 0.
	text := readText(filepath.Join(dir, id+".rss"))
	if kb, err := strconv.ParseInt(text[strings.LastIndexByte(text, '\n')+1:], 10, 64); err == nil {
		rss = kb << 10
	}
	// Not readText: a verdict without a file count starts with its tab.
	raw, _ := os.ReadFile(filepath.Join(dir, id+".verdict"))
	if v := strings.Split(strings.TrimRight(string(raw), "\n"), "\t"); len(v) == 2 {
		files, invalid = v[0], v[1]
	}
	return rss, readText(filepath.Join(dir, id+".exit")), files, invalid
}

var toolNames = map[string]string{
	"floor-read":         "floor: read every file (process)",
	"floor-valid":        "floor: read + `json.Valid` (process)",
	"floor-zip":          "floor: zip inflate + `json.Valid` (process)",
	"mobisess-dir":       "**mobisess check** (folder)",
	"mobisess-dir-json":  "mobisess check --format json (folder)",
	"mobisess-dir-sarif": "mobisess check --format sarif (folder)",
	"mobisess-zip":       "mobisess check (zip)",
	"mobisess-zip-json":  "mobisess check --format json (zip)",
	"ajv":                "ajv-cli",
	"jv":                 "jv",
	"sourcemeta":         "@sourcemeta/jsonschema",
}

// formats are the report formats of mobisess check; the ids of their runs are mobisess-dir and mobisess-zip,
// then -FORMAT except for text.
var formats = []string{"text", "json", "junit", "sarif", "github"}

func checkID(source, format string) string {
	if format == "text" {
		return "mobisess-" + source
	}
	return "mobisess-" + source + "-" + format
}

// Targets of the processes (one run of bench/run.sh, the side-by-side rows), on targetFiles sessions.
const (
	targetFiles    = 100_000
	targetRSS      = 256 << 20 // every format, folder and zip
	targetTinyRSS  = 512 << 20 // the zip of 200,000 tiny entries
	targetJSON     = 1.3       // check --format json DIR ÷ floor valid
	targetTextDir  = 1.2       // check DIR and --format sarif DIR ÷ floor valid
	targetZipRatio = 1.5       // check DIR.zip (text, json) ÷ floor zip
)

func secs(s float64) string {
	switch {
	case s == 0:
		return "–"
	case s < 0.1:
		return fmt.Sprintf("%.1f ms", s*1000)
	case s < 10:
		return fmt.Sprintf("%.3f s", s)
	}
	return fmt.Sprintf("%.2f s", s)
}

func mib(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func verdict(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

// busy says whether a load average ("1.00 0.50 0.20") was above the number of cores.
func busy(load, cores string) bool {
	fields := strings.Fields(load)
	n, err := strconv.Atoi(cores)
	if len(fields) == 0 || err != nil {
		return false
	}
	l, err := strconv.ParseFloat(fields[0], 64)
	return err == nil && l > float64(n)
}

func spread(min, max float64) string { return secs(min) + " – " + secs(max) }

func write(b *strings.Builder, dir string, sizes []string, repo string) error {
	machine := tsvMap(filepath.Join(dir, "machine.tsv"))
	peers := readTSV(filepath.Join(dir, "peers.tsv"))
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("# Benchmarks\n\n")
	p("Written by `%s` (bench/run.sh; its header lists the settings) on %s; the whole run took %s s.\n",
		machine["command"], machine["date"], machine["seconds"])
	p("Run the same command to measure again; `BENCH_QUICK=1 make bench` is a smoke run (1k, into bench/out/).\n\n")

	p("## Machine\n\n| | |\n|---|---|\n")
	for _, k := range []string{"cpu", "cores", "memory", "os", "filesystem", "go", "node", "hyperfine", "mobisess", "load at start", "load at end"} {
		p("| %s | %s |\n", k, machine[k])
	}
	for _, r := range peers {
		if len(r) == 3 && r[2] == "ok" {
			p("| peer | %s |\n", r[1])
		} else if len(r) == 3 {
			p("| peer %s | %s |\n", r[0], r[2])
		}
	}

	// Only the load before the run says whether other work was running: the load at its end is mostly the
	// benchmark's own, which keeps both cores busy.
	if busy(machine["load at start"], machine["cores"]) {
		p("\n**The machine was busy with other work during this run** (load average above the %s cores): times are "+
			"inflated and spread out. Each ratio compares phases measured in the same rounds of the same process, so it "+
			"suffers less; the ratio of the best rounds is given beside it.\n", machine["cores"])
	}

	// The targets, all from one process per size.
	p("\n## Targets (one process, one run per size: bench/floor)\n\n")
	p("`bench/floor run` measures every phase in the same process, rounds interleaved, with the files in the page cache; "+
		"the floors use the same parallelism as mobisess (GOMAXPROCS workers, here %s). Times are medians (min – max); "+
		"ratios are median over median (\"best\": fastest round over fastest round). \"check\" is `core.Checker.Check` with no memory, the report built but not rendered; "+
		"the refreshes run against a `core.Registry` loaded from the folder; \"1%% changed\" rewrites every hundredth file "+
		"(accepted ↔ pending) before the refresh.\n\n", machine["cores"])
	p("| sessions | floor: read | floor: read + json.Valid | check | check ÷ (read + Valid), ≤ 2 | refresh, nothing changed | ÷ read, ≤ 1.3 | refresh, 1%% changed | ÷ read, ≤ 1.5 | registry Load | registry bytes / session |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, size := range sizes {
		var f results.Floor
		if !readJSON(filepath.Join(dir, size, "floor.json"), &f) {
			p("| %s | bench/floor failed: see bench/out/logs/floor-%s.log |||||||||||\n", size, size)
			continue
		}
		ph := f.Phases
		cell := func(name string) string {
			x := ph[name]
			return fmt.Sprintf("%s (%s)", secs(x.Median), spread(x.Min, x.Max))
		}
		best := f.Best
		p("| %s | %s | %s | %s | **%.2f** %s (best %.2f) | %s | **%.2f** %s (best %.2f) | %s | **%.2f** %s (best %.2f) | %s | %d |\n", size,
			cell(results.PhaseRead), cell(results.PhaseValid), cell(results.PhaseCheck),
			f.Ratios.CheckVsValid, verdict(f.Ratios.CheckVsValid <= 2), best(results.PhaseCheck, results.PhaseValid),
			cell(results.PhaseUnchanged), f.Ratios.UnchangedVsRead, verdict(f.Ratios.UnchangedVsRead <= 1.3), best(results.PhaseUnchanged, results.PhaseRead),
			cell(results.PhaseOnePercent), f.Ratios.OnePercentVsRead, verdict(f.Ratios.OnePercentVsRead <= 1.5), best(results.PhaseOnePercent, results.PhaseRead),
			secs(ph[results.PhaseLoad].Median), f.RegistryBytesPerSession)
	}
	p("\nRegistry bytes per session: the live heap (`runtime.MemStats.HeapAlloc` after a GC) that dropping the registry frees at the end of the run, divided by the sessions in memory.\n")

	p("\nThe zip, in the same rounds: the zip floor (`floor zip`: the archive read once, every entry inflated by one reused " +
		"klauspost inflater per worker and checked against its header's size and CRC-32, then `json.Valid`) against a check of the zip " +
		"as the CLI makes it (`core.OpenPath`, which reads the zip in place, then `core.Checker.Check`).\n\n")
	p("| sessions | floor: zip inflate + json.Valid | check (zip) | check (zip) ÷ zip floor, ≤ %.1f |\n|---|---|---|---|\n", targetZipRatio)
	for _, size := range sizes {
		var f results.Floor
		if !readJSON(filepath.Join(dir, size, "floor.json"), &f) {
			continue
		}
		z, c := f.Phases[results.PhaseZip], f.Phases[results.PhaseCheckZip]
		if z == nil || c == nil || z.Median == 0 {
			p("| %s | not measured (bench/floor ran without -zip) | | |\n", size)
			continue
		}
		p("| %s | %s (%s) | %s (%s) | **%.2f** %s (best %.2f) |\n", size, secs(z.Median), spread(z.Min, z.Max), secs(c.Median), spread(c.Min, c.Max),
			f.Ratios.CheckZipVsZip, verdict(f.Ratios.CheckZipVsZip <= targetZipRatio), f.Best(results.PhaseCheckZip, results.PhaseZip))
	}

	writeTargets(p, dir, sizes)

	// Side by side.
	p("\n## Side by side\n\n")
	p("Processes timed by hyperfine after one untimed run (which warms the page cache and gives the peak RSS and the verdicts). " +
		"Peak RSS is GNU time's maximum resident size: for the peers run in batches, that of the largest single process. " +
		"\"Invalid\" is what each tool reported; peers check only the schema (mobi 2 and 3), so they do not see mobi 1 and mobi 4.\n")
	var lastTools []toolRun
	for _, size := range sizes {
		var d results.Data
		readJSON(filepath.Join(dir, size, "data.json"), &d)
		settings := tsvMap(filepath.Join(dir, size, "settings.tsv"))
		mean := int64(0)
		if d.Files > 0 {
			mean = d.Bytes / int64(d.Files)
		}
		p("\n### %s sessions\n\n", size)
		own := settings["own runs"]
		if own == "" {
			own = settings["runs"]
		}
		p("%d session files, %.1f MB, %d bytes on average; the peers get %d of them (see below). %s timed runs of mobisess and the floors, %s of each peer; peers in batches of up to %s files.\n\n",
			d.Files, float64(d.Bytes)/1e6, mean, d.PeerFiles, own, settings["runs"], settings["batch"])
		p("| tool | median | min – max | ÷ mobisess check | peak RSS | files | invalid |\n|---|---|---|---|---|---|---|\n")
		tools := loadTools(filepath.Join(dir, size))
		lastTools = tools
		var ref float64
		for _, t := range tools {
			if t.id == "mobisess-dir" && t.timing != nil {
				ref = t.timing.Results[0].Median
			}
		}
		for _, t := range tools {
			name := toolNames[t.id]
			if t.timing == nil {
				p("| %s | failed: %s (exit %s) | | | %s | %s | %s |\n", name, t.err, t.exit, mib(t.rss), t.files, t.invalid)
				continue
			}
			r := t.timing.Results[0]
			rel := "–"
			if ref > 0 {
				rel = fmt.Sprintf("%.2f", r.Median/ref)
			}
			p("| %s | %s | %s | %s | %s | %s | %s |\n", name, secs(r.Median), spread(r.Min, r.Max), rel, mib(t.rss), t.files, t.invalid)
		}
		var f results.Floor
		if readJSON(filepath.Join(dir, size, "floor.json"), &f) {
			for _, name := range []string{results.PhaseUnchanged, results.PhaseOnePercent} {
				x := f.Phases[name]
				rel := "–"
				if ref > 0 {
					rel = fmt.Sprintf("%.2f", x.Median/ref)
				}
				p("| mobisess %s (in process; peers cannot) | %s | %s | %s | %s | %d | |\n", name, secs(x.Median), spread(x.Min, x.Max), rel, mib(x.PeakRSS), d.Files)
			}
		}
		for _, r := range peers {
			if len(r) == 3 && r[2] != "ok" {
				p("| %s | %s | | | | | |\n", toolNames[r[0]], r[2])
			}
		}
	}
	p("\nThe in-process refresh rows come from bench/floor (median of its rounds); their peak RSS is that of the whole " +
		"benchmark process during the phase, registry included.\n")
	writeRSS(p, dir, sizes)
	writeTiny(p, dir)

	p("\n## How each tool was run\n\n")
	p("Every tool validates against the project's schema, core/session.schema.json (draft-07), on the same generated "+
		"folder. mobisess reads the folder itself (GOMAXPROCS = %s workers). The peers take file lists: `xargs -0 -P %s` runs "+
		"one batch per core at a time so they get the cores mobisess uses, with at most 10000 files per process for the "+
		"argv limit. They get the files through bench/out/data/SIZE/peers/, hard links named APP/NAME.json: ajv-cli and "+
		"@sourcemeta/jsonschema choose the parser by the extension (an extension-less file is JavaScript to ajv-cli and YAML to "+
		"jsonschema), and both stop the whole run at the first file they cannot parse, so the malformed files (mobi 2) and the "+
		"files with a UTF-8 BOM (which mobisess must accept, and jv and jsonschema reject) are left out of the peers' list. "+
		"The peers therefore do about 3%% less work than mobisess.\n\n", machine["cores"], machine["cores"])
	if len(lastTools) > 0 {
		p("Commands of the last size (%s), with `REPO` the repository's root:\n\n", sizes[len(sizes)-1])
		for _, t := range lastTools {
			cmd := t.cmd
			if repo != "" {
				cmd = strings.ReplaceAll(cmd, repo+"/", "$REPO/")
			}
			p("- %s: %s\n\n  ```sh\n  %s\n  ```\n", toolNames[t.id], t.desc, cmd)
		}
	}

	p("\n## Data\n\n")
	p("Generated by bench/gen (bench/corpus), deterministic from the seed: six apps (four iOS under TEAM.app-id, two " +
		"Android under app-id, with `team` absent or `\"\"`), 80%% accepted and 20%% pending, 40-digit lower-case and 32-digit " +
		"upper-case session ids, indented with spaces or tabs, LF or CRLF, compact, 2%% with a BOM, 10%% of tokens padded; about 1%% " +
		"broken in each of the four ways; plus the entries a folder holds that are not sessions (key.mobileapp, manifest.json, " +
		"AuthKey_*.p8, test_session). The zip holds the same files under MobileApps/, without directory entries.\n\n")
	p("| size | seed | session files | bytes | valid | mobi 1 | mobi 2 | mobi 3 | mobi 4 | not sessions |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, size := range sizes {
		var d results.Data
		if !readJSON(filepath.Join(dir, size, "data.json"), &d) {
			continue
		}
		k := d.Kinds
		p("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n", size, d.Seed, d.Files, d.Bytes, k[corpus.Valid], k[corpus.Location], k[corpus.Malformed], k[corpus.Schema], k[corpus.Token], k[corpus.NotSession])
	}
	return nil
}
