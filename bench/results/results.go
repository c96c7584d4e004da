// Package results holds the files that the bench tools write and bench/report reads: what bench/gen generated
// and what bench/floor measured.
package results

import (
	"slices"
	"time"

	"github.com/mobisess/mobisess/bench/corpus"
)

// Data is OUT/summary.json, written by bench/gen.
type Data struct {
	Seed      uint64              `json:"seed"`
	Files     int                 `json:"files"` // session files (candidates for the four checks)
	Bytes     int64               `json:"bytes"` // of the session files
	Kinds     map[corpus.Kind]int `json:"kinds"`
	PeerFiles int                 `json:"peerFiles"` // in peers.list
}

// The phases of bench/floor, in the order they run.
const (
	PhaseRead       = "floor: read"
	PhaseValid      = "floor: read + json.Valid"
	PhaseCheck      = "check"
	PhaseZip        = "floor: zip inflate + json.Valid"
	PhaseCheckZip   = "check (zip)"
	PhaseLoad       = "registry Load"
	PhaseUnchanged  = "refresh, nothing changed"
	PhaseOnePercent = "refresh, 1% changed"
)

// Phases lists the phase names in order.
var Phases = []string{PhaseRead, PhaseValid, PhaseCheck, PhaseZip, PhaseCheckZip, PhaseLoad, PhaseUnchanged, PhaseOnePercent}

// Phase is the measurements of one phase.
type Phase struct {
	Seconds []float64 `json:"seconds"`
	Median  float64   `json:"median"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	// PeakRSS is the largest peak resident size of the process during the phase (VmHWM, reset before it).
	PeakRSS int64 `json:"peakRSS"`
}

// Add records one measurement.
func (p *Phase) Add(d time.Duration, rss int64) {
	p.Seconds = append(p.Seconds, d.Seconds())
	p.PeakRSS = max(p.PeakRSS, rss)
}

// Finish computes the median, min and max.
func (p *Phase) Finish() {
	if len(p.Seconds) == 0 {
		return
	}
	s := slices.Sorted(slices.Values(p.Seconds))
	p.Min, p.Max = s[0], s[len(s)-1]
	if n := len(s); n%2 == 1 {
		p.Median = s[n/2]
	} else {
		p.Median = (s[n/2-1] + s[n/2]) / 2
	}
}

// Floor is what `bench/floor run` writes.
type Floor struct {
	Root       string            `json:"root"`
	Files      int               `json:"files"`
	Bytes      int64             `json:"bytes"`
	Zip        string            `json:"zip,omitempty"` // the zip phases run only when it is given
	ZipFiles   int               `json:"zipFiles,omitempty"`
	ZipBytes   int64             `json:"zipBytes,omitempty"` // inflated
	GOMAXPROCS int               `json:"gomaxprocs"`
	Rounds     int               `json:"rounds"`
	Changed    int               `json:"changed"` // files rewritten before each "refresh, 1% changed"
	Phases     map[string]*Phase `json:"phases"`
	// Ratios are medians over medians, all from this one process.
	Ratios struct {
		CheckVsValid     float64 `json:"checkVsValid"`     // target ≤ 2
		CheckZipVsZip    float64 `json:"checkZipVsZip"`    // target ≤ 1.5
		UnchangedVsRead  float64 `json:"unchangedVsRead"`  // target ≤ 1.3
		OnePercentVsRead float64 `json:"onePercentVsRead"` // target ≤ 1.5
	} `json:"ratios"`
	// RegistryBytesPerSession is the live heap that dropping the registry frees (after the refreshes), per
	// session in memory.
	RegistryBytesPerSession int64 `json:"registryBytesPerSession"`
	Sessions                int   `json:"sessions"`
	CheckErrors             int   `json:"checkErrors"`
	Updated                 int   `json:"updated"` // by the last "refresh, 1% changed"
	UnchangedAfterChange    int   `json:"unchangedAfterChange"`
}

// Best is the ratio of the fastest rounds of phases a and b.
func (f *Floor) Best(a, b string) float64 { return f.Phases[a].Min / f.Phases[b].Min }

// Interleaved is what bench/interleave writes: processes timed in rounds, each round running every command.
type Interleaved struct {
	Rounds   int     `json:"rounds"`
	Commands []Timed `json:"commands"`
}

// Timed is one command of Interleaved: its wall and CPU (user + system) times, a round each, in seconds.
type Timed struct {
	ID      string    `json:"id"`
	Command string    `json:"command"`
	Wall    []float64 `json:"wall"`
	CPU     []float64 `json:"cpu"`
	PeakRSS int64     `json:"peakRSS"`
}

// ByID is the command of that id, or nil.
func (in *Interleaved) ByID(id string) *Timed {
	for i := range in.Commands {
		if in.Commands[i].ID == id {
			return &in.Commands[i]
		}
	}
	return nil
}

// PairedRatio is a's wall time over b's in each round, then the median, min and max of those ratios.
func PairedRatio(a, b *Timed) (median, lo, hi float64) {
	var p Phase
	for i := range min(len(a.Wall), len(b.Wall)) {
		p.Seconds = append(p.Seconds, a.Wall[i]/b.Wall[i])
	}
	p.Finish()
	return p.Median, p.Min, p.Max
}

// MedianOf is the median of xs.
func MedianOf(xs []float64) float64 {
	p := Phase{Seconds: xs}
	p.Finish()
	return p.Median
}
