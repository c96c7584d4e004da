// Command interleave times whole processes in rounds, each round running every command once, one after the
// other, so that a target's two sides (mobisess and its floor) are measured seconds apart. On a shared machine
// a burst of another tenant's load lasts a few seconds: hyperfine, which runs all the runs of one command and
// then all of the next, lets it fall on one side only and move a ratio of medians by a third; here it falls on
// one round, and the ratio of each round's pair is taken, then their median.
//
//	interleave -rounds N -out FILE ID=COMMAND...
//
// A COMMAND is split at spaces (no quoting: the bench's paths have none); its output goes to /dev/null. Exit
// codes 0 and 1 are runs (mobisess exits 1 when it finds errors); any other stops the measurement. The order
// of the commands rotates from one round to the next. One round first warms the page cache and is not kept.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/mobisess/mobisess/bench/results"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds kept")
	out := flag.String("out", "", "the JSON file to write")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: interleave -rounds N -out FILE ID=COMMAND...")
		os.Exit(2)
	}
	res := results.Interleaved{Rounds: *rounds}
	for _, arg := range flag.Args() {
		id, cmd, ok := strings.Cut(arg, "=")
		if !ok || id == "" || strings.TrimSpace(cmd) == "" {
			fmt.Fprintf(os.Stderr, "interleave: %q is not ID=COMMAND\n", arg)
			os.Exit(2)
		}
		res.Commands = append(res.Commands, results.Timed{ID: id, Command: cmd})
	}
	for round := -1; round < *rounds; round++ {
		for k := range res.Commands {
			c := &res.Commands[(k+max(round, 0))%len(res.Commands)]
			wall, cpu, rss, err := run(c.Command)
			if err != nil {
				fmt.Fprintf(os.Stderr, "interleave: %s: %v\n", c.ID, err)
				os.Exit(1)
			}
			if round >= 0 {
				c.Wall, c.CPU, c.PeakRSS = append(c.Wall, wall), append(c.CPU, cpu), max(c.PeakRSS, rss)
			}
		}
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err == nil {
		err = os.WriteFile(*out, append(data, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "interleave:", err)
		os.Exit(1)
	}
}

// run runs one command and returns its wall time and CPU time (user and system) in seconds, and its peak RSS.
func run(command string) (wall, cpu float64, rss int64, err error) {
	args := strings.Fields(command)
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start).Seconds()
	if exit, ok := err.(*exec.ExitError); ok && exit.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return 0, 0, 0, err
	}
	cpu, rss = usage(cmd.ProcessState)
	return wall, cpu, rss, nil
}
