// Package proc reads what Linux's /proc says of processes, for the benchmarks: the resident size of Chromium's
// renderers and of the dev server, a process's CPU time, the load average. Elsewhere every function returns an
// error, and the benchmarks say the value is not available.
package proc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Memory is a process's resident size now and its peak (VmRSS and VmHWM), in bytes.
type Memory struct{ RSS, Peak int64 }

// LargestRenderer is the memory of the largest Chromium renderer process started under this one (this → the
// Playwright driver → Chromium → its zygote → renderers), the largest by peak. Each browser context's page has its
// renderer; the one that holds a large folder is by far the largest.
func LargestRenderer() (Memory, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return Memory{}, fmt.Errorf("no /proc: %w", err)
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f, err := statFields(pid); err == nil {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	self := os.Getpid()
	descends := func(pid int) bool {
		for i := 0; i < 16 && pid > 1; i++ {
			if pid = parent[pid]; pid == self {
				return true
			}
		}
		return false
	}
	var best Memory
	found := false
	for pid := range parent {
		cmd, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		if err != nil || !strings.Contains(string(cmd), "--type=renderer") || !descends(pid) {
			continue
		}
		m, err := ProcessMemory(pid)
		if err != nil {
			continue
		}
		found = true
		if m.Peak > best.Peak {
			best = m
		}
	}
	if !found {
		return best, errors.New("no Chromium renderer process found under this one in /proc")
	}
	return best, nil
}

// ProcessMemory is the memory of the process pid.
func ProcessMemory(pid int) (Memory, error) {
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return Memory{}, err
	}
	return Memory{RSS: statusKB(status, "VmRSS:"), Peak: statusKB(status, "VmHWM:")}, nil
}

// statusKB is the value of a "Key:   123 kB" line of /proc/PID/status, in bytes.
func statusKB(status []byte, key string) int64 {
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// clockTicks is USER_HZ, the unit of the times in /proc/PID/stat: 100 on every Linux architecture's ABI.
const clockTicks = 100

// CPUSeconds is the CPU time (user and system, every thread) the process pid has used so far.
func CPUSeconds(pid int) (float64, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	// After "pid (comm)": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime.
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat is too short", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return float64(utime+stime) / clockTicks, nil
}

// statFields is /proc/PID/stat after "pid (comm)": comm may hold spaces and parentheses, so the fields are read
// after the last ')'. The first is the state, the second the parent's pid.
func statFields(pid int) ([]string, error) {
	st, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil, err
	}
	f := fieldsAfterComm(string(st))
	if len(f) < 2 {
		return nil, fmt.Errorf("/proc/%d/stat cannot be read: %q", pid, st)
	}
	return f, nil
}

func fieldsAfterComm(stat string) []string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(stat[i+1:])
}

// LoadAverage is the 1, 5 and 15-minute load averages as /proc/loadavg gives them ("2.37 2.10 1.98"), or "?".
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
