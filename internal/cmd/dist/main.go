// Command dist writes the downloads of a release (`make dist`; internal/dist says what they hold).
//
//	go run ./internal/cmd/dist -wasm-dir build/web -out build/dist -version v1.2.3 -commit HASH [os/arch...]
//
// Without targets it builds them all.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/mobisess/mobisess/internal/dist"
)

func main() {
	o := dist.Options{Root: ".", Log: os.Stderr}
	flag.StringVar(&o.Out, "out", "build/dist", "the folder to write, replaced")
	flag.StringVar(&o.WasmDir, "wasm-dir", "build/web", "the folder holding mobisess.wasm and wasm_exec.js (`make wasm`)")
	flag.StringVar(&o.Version, "version", "devel", "the version stamped in the binaries and named in the archives")
	flag.StringVar(&o.Commit, "commit", "", "the commit stamped in the binaries")
	date := flag.String("date", "", "the files' time in the archives, in Unix seconds (default: now)")
	flag.Parse()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
	o.Date = time.Now()
	if *date != "" {
		sec, err := strconv.ParseInt(*date, 10, 64)
		if err != nil {
			fail(fmt.Errorf("-date %q: %w", *date, err))
		}
		o.Date = time.Unix(sec, 0)
	}
	o.Targets = dist.Targets
	if flag.NArg() > 0 {
		o.Targets = nil
		for _, arg := range flag.Args() {
			t, err := dist.ParseTarget(arg)
			if err != nil {
				fail(err)
			}
			o.Targets = append(o.Targets, t)
		}
	}
	if err := dist.Build(o); err != nil {
		fail(err)
	}
}
