// Package parallel runs the engine's work on every core.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls do(0) to do(n-1) on as many goroutines as there are cores, each taking the next index, and
// returns when all are done.
func Each(n int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		})
	}
	wg.Wait()
}
