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
//
// With -tiny, it writes only OUT/MobileApps.zip: N entries app{i%50}/{i in hex}, each holding {} (a session
// file by its name, which fails the schema), without directory entries: the most entries per byte a zip can
// hold, to measure what the entries themselves cost.
//
//	go run ./bench/gen -tiny -n 200000 -out bench/out/data/tiny200k
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

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
	tiny := flag.Bool("tiny", false, "write only a zip of n entries holding {} (see above)")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if *tiny {
		err = writeTiny(*out, *n)
	} else {
		err = run(*out, corpus.Options{Sessions: *n, Seed: *seed, Broken: *broken}, !*noZip)
	}
	if err != nil {
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
		err := writeZip(filepath.Join(out, "MobileApps.zip"), func(w io.Writer) error { return corpus.WriteZip(w, opts) })
		if err != nil {
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

// writeZip creates the file name with what write writes to it, buffered.
func writeZip(name string, write func(io.Writer) error) error {
	z, err := os.Create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(z)
	if err := write(bw); err != nil {
		z.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		z.Close()
		return err
	}
	return z.Close()
}

// writeTiny writes OUT/MobileApps.zip of n entries app{i%50}/{i:x}, each holding {}.
func writeTiny(out string, n int) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	name := filepath.Join(out, "MobileApps.zip")
	err := writeZip(name, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		modified := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // fixed: the same n gives the same zip
		for i := range n {
			f, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("app%d/%x", i%50, i), Method: zip.Deflate, Modified: modified})
			if err != nil {
				return err
			}
			if _, err := f.Write([]byte("{}")); err != nil {
				return err
			}
		}
		return zw.Close()
	})
	if err == nil {
		fmt.Printf("%s: %d entries\n", name, n)
	}
	return err
}
