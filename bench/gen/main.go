// Command gen writes a benchmark MobileApps folder, deterministically from a seed:
//
//	go run ./bench/gen -n 100000 -seed 1 -out bench/out/data/100k
//
// It writes OUT/MobileApps/ (the folder), OUT/MobileApps.zip (the same, zipped without directory entries) and
// OUT/manifest.tsv (each file's path and kind: valid, mobi1..mobi4, skipped) and OUT/summary.json (counts).
//
// For the peer validators it also writes OUT/peers/: a hard link named APP/NAME.json to every session file that
// every peer can parse, listed in OUT/peers.list. The peers choose their parser by the file's extension (an
// extension-less file is YAML to one, JavaScript to another), and ajv-cli and @sourcemeta/jsonschema stop the
// whole run at the first file they cannot parse, so malformed files (mobi 2) and files with a BOM are left out.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/bench/corpus"
	"github.com/mobisess/mobisess/bench/results"
)

func main() {
	n := flag.Int("n", 1000, "session files to generate")
	seed := flag.Uint64("seed", 1, "random seed: the same seed gives the same bytes")
	broken := flag.Float64("broken", 0.01, "share of files broken in each of the four ways (mobi 1 to 4)")
	out := flag.String("out", "", "output folder (required; its MobileApps/ must not exist)")
	noZip := flag.Bool("nozip", false, "do not write MobileApps.zip")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, corpus.Options{Sessions: *n, Seed: *seed, Broken: *broken}, !*noZip); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string, opts corpus.Options, withZip bool) error {
	root := filepath.Join(out, "MobileApps")
	if _, err := os.Stat(root); err == nil {
		return fmt.Errorf("%s exists: remove it first", root)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	manifest, err := os.Create(filepath.Join(out, "manifest.tsv"))
	if err != nil {
		return err
	}
	defer manifest.Close()
	peerList, err := os.Create(filepath.Join(out, "peers.list"))
	if err != nil {
		return err
	}
	defer peerList.Close()
	mw, pw := bufio.NewWriter(manifest), bufio.NewWriter(peerList)
	peers := filepath.Join(out, "peers")
	var linkErr error
	peerFiles := 0
	sum, err := corpus.Write(afero.NewOsFs(), root, opts, func(f corpus.File) {
		fmt.Fprintf(mw, "%s\t%s\n", f.Path, f.Kind)
		if f.Kind == corpus.NotSession || f.Kind == corpus.Malformed || bytes.HasPrefix(f.Data, []byte("\xEF\xBB\xBF")) || linkErr != nil {
			return
		}
		link := filepath.Join(peers, filepath.FromSlash(f.Path)+".json")
		if linkErr = os.MkdirAll(filepath.Dir(link), 0o755); linkErr == nil {
			linkErr = os.Link(filepath.Join(root, filepath.FromSlash(f.Path)), link)
		}
		fmt.Fprintf(pw, "%s.json\n", f.Path)
		peerFiles++
	})
	if err == nil {
		err = linkErr
	}
	if err != nil {
		return err
	}
	if err := mw.Flush(); err != nil {
		return err
	}
	if err := pw.Flush(); err != nil {
		return err
	}
	if withZip {
		z, err := os.Create(filepath.Join(out, "MobileApps.zip"))
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(z)
		if err := corpus.WriteZip(bw, opts); err != nil {
			z.Close()
			return err
		}
		if err := bw.Flush(); err != nil {
			z.Close()
			return err
		}
		if err := z.Close(); err != nil {
			return err
		}
	}
	summary, err := json.MarshalIndent(results.Data{Seed: opts.Seed, Files: sum.Files, Bytes: sum.Bytes, Kinds: sum.Kinds, PeerFiles: peerFiles}, "", "  ")
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s\n", root, summary)
	return os.WriteFile(filepath.Join(out, "summary.json"), append(summary, '\n'), 0o644)
}
