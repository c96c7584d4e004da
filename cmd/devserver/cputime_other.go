//go:build !unix

package main

import "time"

// processCPU is not measured here: the rescans are paced from their wall time alone.
func processCPU() time.Duration { return 0 }
