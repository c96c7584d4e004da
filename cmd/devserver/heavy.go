package main

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mobisess/mobisess/core/console"
)

// Requests that read the whole folder (a state, a download, a refresh) cost a pass over every file and, for a
// state, a document of every session: a few of them at once is all a small machine serves well. They take a
// slot (MaxHeavy in all); one that finds none waits for one, up to Timeouts.Busy, then is answered 503 with
// Retry-After. Requests for the state share one computation where they can (sharedStates), so that a page, its
// other tabs and a script asking at once cost one pass.

// errBusy is a request that found no slot in time.
var errBusy = refuse(http.StatusServiceUnavailable, kindBusy,
	"the dev server is busy reading the whole folder for other requests: try again in a few seconds")

// heavySlot waits for a slot, up to Timeouts.Busy or the end of ctx, and returns what gives it back.
func (s *Server) heavySlot(ctx context.Context) (release func(), err error) {
	select {
	case s.heavy <- struct{}{}:
		return func() { <-s.heavy }, nil
	default:
	}
	t := time.NewTimer(s.cfg.Timeouts.Busy)
	defer t.Stop()
	select {
	case s.heavy <- struct{}{}:
		return func() { <-s.heavy }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// sharedStates shares computations of the state among the requests that arrive while one is under way, as long
// as nothing the server knows of has changed since it began: a change made through the API, or one the watcher
// saw on disk, starts a count anew (gen), and a request after it never gets a state from before it.
type sharedStates struct {
	mu      sync.Mutex
	gen     uint64
	flight  *stateFlight
	flights atomic.Int64 // computations begun, for the tests
}

// stateFlight is one computation of the state, and its answer: the State's JSON, made once for everyone who
// waits for it.
type stateFlight struct {
	gen     uint64
	begun   time.Time
	waiters atomic.Int32 // requests waiting for it, for the tests
	done    chan struct{}
	json    []byte
	err     error
}

// changed says that the folder or the memory changed: a state begun before is not shared after.
func (ss *sharedStates) changed() {
	ss.mu.Lock()
	ss.gen++
	ss.mu.Unlock()
}

// state is the state of the folder now. With share, a computation under way since the last change is joined;
// its requester took a slot, which a joiner does not need. Without (after a change, whose answer must show it),
// a new computation is made, which later requests may join; it takes no slot: a change already made must get
// its answer. Each waits within its own ctx; the computation itself is bounded by Timeouts.Write.
func (s *Server) state(ctx context.Context, share bool) (*stateFlight, error) {
	ss := &s.states
	ss.mu.Lock()
	if !share {
		ss.gen++
	}
	f := ss.flight
	joinable := share && f != nil && f.gen == ss.gen && time.Since(f.begun) < s.cfg.Timeouts.Write
	if joinable {
		select {
		case <-f.done:
			joinable = false // ended: its answer may be older than what the caller knows of the disk
		default:
		}
	}
	if !joinable {
		f = &stateFlight{gen: ss.gen, begun: time.Now(), done: make(chan struct{})}
		ss.flight = f
		ss.flights.Add(1)
		go s.computeState(f, share)
	}
	f.waiters.Add(1)
	ss.mu.Unlock()
	select {
	case <-f.done:
		return f, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// computeState runs one stateFlight, apart from any request: a requester that goes away does not fail those
// that joined it.
func (s *Server) computeState(f *stateFlight, bounded bool) {
	defer close(f.done)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeouts.Write)
	defer cancel()
	if bounded {
		release, err := s.heavySlot(ctx)
		if err != nil {
			f.err = err
			return
		}
		defer release()
	}
	var res console.Result
	res, f.err = s.svc.Run(ctx, stateMethod, &console.NoParams{}, nil)
	f.json = res.JSON
}

// serveState answers the state, shared with the requests under way.
func (s *Server) serveState(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.withCallTimeout(r)
	defer cancel()
	f, err := s.state(ctx, true)
	if err != nil {
		writeError(w, err, false)
		return
	}
	writeJSON(w, http.StatusOK, f.json)
}
