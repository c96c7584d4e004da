//go:build !unix

package main

import "os"

// usage: where the system gives no rusage, the CPU time alone (Go's own accounting), and no RSS.
func usage(st *os.ProcessState) (cpu float64, rss int64) {
	return (st.UserTime() + st.SystemTime()).Seconds(), 0
}
