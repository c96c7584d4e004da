//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// usage is the CPU time (user and system) in seconds and the peak RSS in bytes of a process that ended.
func usage(st *os.ProcessState) (cpu float64, rss int64) {
	u, ok := st.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0
	}
	rss = int64(u.Maxrss) << 10 // KiB, but for macOS's bytes
	if runtime.GOOS == "darwin" {
		rss = int64(u.Maxrss)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()).Seconds(), rss
}
