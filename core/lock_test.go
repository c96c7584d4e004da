//go:build !js && !wasip1

package core

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// counterWriter is the environment variable that makes the test binary one of the writers of
// TestNoLostUpdateAcrossProcesses: the folder, the file and until when.
const counterWriter = "MOBISESS_TEST_COUNTER_WRITER"

var counterRe = regexp.MustCompile(`"n": (\d+)`)

// incrementCounter runs conditional increments of the counter in file rel until the deadline, each the way the
// console's save and the CLI's accept do it: read with the ETag, write with it. It returns how many succeeded.
func incrementCounter(dir, rel string, until time.Time) (int, error) {
	fsys := afero.NewOsFs()
	done := 0
	for time.Now().Before(until) {
		data, etag, err := ReadFile(fsys, dir, rel, DefaultLimits.MaxFileSize)
		if err != nil {
			return done, err
		}
		m := counterRe.FindSubmatch(data)
		if m == nil {
			return done, fmt.Errorf("no counter in %q", data)
		}
		n, _ := strconv.Atoi(string(m[1]))
		next := counterRe.ReplaceAll(data, []byte(fmt.Sprintf(`"n": %d`, n+1)))
		switch _, err := WriteFile(fsys, dir, rel, next, WriteOptions{IfMatch: etag}); KindOf(err) {
		case "":
			done++
		case KindConflict: // another writer was first: read again
		default:
			return done, err
		}
	}
	return done, nil
}

// TestMain lets the test binary be a second writer process.
func TestMain(m *testing.M) {
	if spec := os.Getenv(counterWriter); spec != "" {
		parts := strings.SplitN(spec, "|", 3)
		until, _ := time.Parse(time.RFC3339Nano, parts[2])
		done, err := incrementCounter(parts[0], parts[1], until)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(done)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Two processes increment one counter with conditional writes for two seconds: every write that succeeded is in
// the final count. Without a lock that spans processes, a write compared the ETag, the other process replaced
// the file, and the first renamed over it: an update answered as saved, then lost.
func TestNoLostUpdateAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two processes for two seconds")
	}
	const rel = "com.a/abcd"
	dir := diskTree(t, map[string]string{rel: "{\n\t\"n\": 0,\n\t\"status\": \"pending\"\n}\n"})
	until := time.Now().Add(2 * time.Second)
	other := exec.Command(os.Args[0], "-test.run=^$")
	other.Env = append(os.Environ(), counterWriter+"="+dir+"|"+rel+"|"+until.Format(time.RFC3339Nano))
	out := make(chan []byte, 1)
	errc := make(chan error, 1)
	go func() {
		b, err := other.Output()
		out <- b
		errc <- err
	}()
	mine, err := incrementCounter(dir, rel, until)
	if err != nil {
		t.Fatal(err)
	}
	theirs, werr := <-out, <-errc
	if werr != nil {
		t.Fatalf("the other writer: %v", werr)
	}
	others, err := strconv.Atoi(strings.TrimSpace(string(theirs)))
	if err != nil {
		t.Fatalf("the other writer said %q", theirs)
	}
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	final, _ := strconv.Atoi(string(counterRe.FindSubmatch(data)[1]))
	if final != mine+others {
		t.Errorf("%d + %d writes succeeded, but the counter is %d: %d updates were lost", mine, others, final, mine+others-final)
	}
	if mine == 0 || others == 0 {
		t.Errorf("one writer never wrote (%d, %d): the test raced nothing", mine, others)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "com.a")); len(entries) != 1 {
		t.Errorf("the app folder holds %d entries: a temporary file or a lock was left", len(entries))
	}
}
