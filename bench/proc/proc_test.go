//go:build linux

package proc

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFieldsAfterComm(t *testing.T) {
	// A command name may hold spaces and parentheses: the fields start after the last ')'.
	got := fieldsAfterComm("4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 10 0 0 0 31 7 0 0 20 0\n")
	if len(got) < 13 || got[0] != "S" || got[1] != "17" || got[11] != "31" || got[12] != "7" {
		t.Errorf("fields %q: want state S, parent 17, utime 31, stime 7", got)
	}
	if got := fieldsAfterComm("no name"); got != nil {
		t.Errorf("a stat without a command name gave %q", got)
	}
}

func TestStatusKB(t *testing.T) {
	status := []byte("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n")
	if got := statusKB(status, "VmRSS:"); got != 1024<<10 {
		t.Errorf("VmRSS %d, want %d", got, 1024<<10)
	}
	if got := statusKB(status, "VmHWM:"); got != 2048<<10 {
		t.Errorf("VmHWM %d, want %d", got, 2048<<10)
	}
	if got := statusKB(status, "VmSwap:"); got != 0 {
		t.Errorf("a missing key gave %d", got)
	}
}

func TestProcessMemoryOfThisProcess(t *testing.T) {
	m, err := ProcessMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("memory %+v: want a resident size, and a peak at least as large", m)
	}
}

func TestCPUSecondsCountsWork(t *testing.T) {
	before, err := CPUSeconds(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		sum++
	}
	after, err := CPUSeconds(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// 300 ms of wall time spent computing: on a busy machine the process gets less of it, never none.
	if after-before < 0.02 {
		t.Errorf("CPU time went from %.2f s to %.2f s over 300 ms of work (%d rounds)", before, after, sum)
	}
}

func TestLoadAverage(t *testing.T) {
	f := strings.Fields(LoadAverage())
	if len(f) != 3 || slices.Contains(f, "?") {
		t.Errorf("load average %q: want three numbers", LoadAverage())
	}
}

func TestLargestRendererWithoutChromium(t *testing.T) {
	if _, err := LargestRenderer(); err == nil || !strings.Contains(err.Error(), "no Chromium renderer") {
		t.Errorf("with no Chromium started, LargestRenderer answered %v", err)
	}
}
