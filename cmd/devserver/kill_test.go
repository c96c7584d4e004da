package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
)

// The kill test re-runs this test binary as a writer (TestMain sees the variable) and kills it.
const killWriterEnv = "MOBISESS_TEST_KILL_WRITER"

const killTarget = "com.example.kill/abcdef0123456789"

func TestMain(m *testing.M) {
	if root := os.Getenv(killWriterEnv); root != "" {
		killWriter(root)
	}
	os.Exit(m.Run())
}

// killVersions are the two contents the writer alternates: large, so that a kill lands inside a write, and
// different in every block, so that a mix of the two is seen.
func killVersions() [2][]byte {
	var v [2][]byte
	for i, fill := range []string{"A", "B"} {
		v[i] = []byte(fmt.Sprintf("{\"version\":%q,\"fill\":\"%s\"}\n", fill, bytes.Repeat([]byte(fill), 2<<20)))
	}
	return v
}

// killWriter writes the two versions in turn until it is killed, printing a line after each write.
func killWriter(root string) {
	fsys := afero.NewOsFs()
	v := killVersions()
	fmt.Println("writing")
	for i := 0; ; i++ {
		if _, err := core.WriteFile(fsys, root, killTarget, v[i%2], core.WriteOptions{Force: true}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Println("wrote")
	}
}

// Nothing is lost when the writer dies at any moment: the file is always one complete version, and the
// temporaries a killed write leaves are hidden, so no listing takes them for sessions.
func TestKillWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a writer 30 times: skipped with -short; make test runs it")
	}
	const kills = 30
	root := t.TempDir()
	fsys := afero.NewOsFs()
	v := killVersions()
	if _, err := core.WriteFile(fsys, root, killTarget, v[0], core.WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	seen := map[byte]int{}
	for i := 0; i < kills; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killWriterEnv+"="+root)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it finish 0 to 2 writes, then kill it at a random moment, most likely inside the next one.
		lines := bufio.NewReader(out)
		for n := rng.IntN(3); n >= 0; n-- {
			if line, err := lines.ReadString('\n'); err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("the writer stopped: %q %v %s", line, err, stderr.String())
			}
		}
		time.Sleep(time.Duration(rng.IntN(20_000)) * time.Microsecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no defer, no cleanup runs
			t.Fatal(err)
		}
		cmd.Wait()
		if stderr.Len() > 0 {
			t.Fatalf("the writer failed: %s", stderr.String())
		}

		data, err := os.ReadFile(filepath.Join(root, killTarget))
		if err != nil {
			t.Fatalf("kill %d (seed %d): %v", i, seed, err)
		}
		switch {
		case bytes.Equal(data, v[0]):
			seen['A']++
		case bytes.Equal(data, v[1]):
			seen['B']++
		default:
			t.Fatalf("kill %d (seed %d): the file is %d bytes, neither complete version", i, seed, len(data))
		}
		listing, err := core.List(fsys, root)
		if err != nil {
			t.Fatal(err)
		}
		if len(listing.Files) != 1 || listing.Files[0].Path != killTarget {
			t.Fatalf("kill %d: the listing has session files %v", i, listing.Files)
		}
		for _, s := range listing.Skipped {
			if s.Kind != core.SkipHidden {
				t.Fatalf("kill %d: skipped %+v, want only hidden temporaries", i, s)
			}
		}
	}
	left, _ := filepath.Glob(filepath.Join(root, filepath.Dir(killTarget), ".*"))
	t.Logf("%d kills (seed %d): found version A %d times, B %d times; %d temporaries left by killed writes", kills, seed, seen['A'], seen['B'], len(left))
}
