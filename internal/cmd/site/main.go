// Command site writes the console as a static site (`make site`; internal/site says what it holds).
//
//	go run ./internal/cmd/site -wasm-dir build/web -out build/site -version v1.2.3 -commit HASH
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mobisess/mobisess/internal/buildinfo"
	"github.com/mobisess/mobisess/internal/site"
)

func main() {
	out := flag.String("out", "build/site", "the folder to write, replaced")
	wasmDir := flag.String("wasm-dir", "build/web", "the folder holding mobisess.wasm and wasm_exec.js (`make wasm`)")
	version := flag.String("version", "", "the version the footer shows (default: this command's own)")
	commit := flag.String("commit", "", "the commit the footer shows")
	flag.Parse()
	info := buildinfo.Get()
	if *version != "" {
		info.Version = *version
	}
	if *commit != "" {
		info.Commit = *commit
	}
	if err := site.Build(*out, *wasmDir, info); err != nil {
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(1)
	}
}
