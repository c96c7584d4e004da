package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mobisess/mobisess/core"
)

// event is one Server-Sent Event: its name ("disk", "refresh") and its JSON data, one line.
type event struct {
	seq  uint64
	name string
	data []byte
}

// hub fans events out to the open /api/events streams. It keeps the last events so that a page whose
// stream dropped (EventSource reconnects by itself, sending Last-Event-ID) gets what it missed.
type hub struct {
	mu      sync.Mutex
	run     string // event ids are run.seq: an id from an earlier run of the server means "start over"
	seq     uint64
	backlog []event
	subs    map[chan event]struct{}
	max     int
	closed  bool
}

const (
	backlogSize = 64
	streamQueue = 32 // events queued for one slow stream before it is dropped (it reconnects and catches up)
)

func newHub(maxStreams int) *hub {
	var b [4]byte
	rand.Read(b[:])
	return &hub{run: hex.EncodeToString(b[:]), subs: map[chan event]struct{}{}, max: maxStreams}
}

func (h *hub) id(seq uint64) string { return h.run + "." + strconv.FormatUint(seq, 10) }

// publish sends an event to every stream.
func (h *hub) publish(name string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	h.publishRaw(name, data)
}

func (h *hub) publishRaw(name string, data []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.seq++
	ev := event{seq: h.seq, name: name, data: data}
	h.backlog = append(h.backlog, ev)
	if len(h.backlog) > backlogSize {
		h.backlog = h.backlog[len(h.backlog)-backlogSize:]
	}
	for ch := range h.subs {
		select {
		case ch <- ev:
		default: // too slow: drop it rather than block the watcher or grow without bound
			delete(h.subs, ch)
			close(ch)
		}
	}
}

// errTooManyStreams is answered 503: each stream holds a connection and a goroutine.
var errTooManyStreams = refuse(http.StatusServiceUnavailable, core.KindInternal, "too many open event streams")

var errShuttingDown = refuse(http.StatusServiceUnavailable, core.KindInternal, "the server is shutting down")

// subscribe opens a stream. lastID is the Last-Event-ID the client sent (or ""); missed holds the events it
// has not seen, and resync says that it missed more than the backlog holds (or the server restarted).
func (h *hub) subscribe(lastID string) (ch chan event, missed []event, resync bool, current string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, false, "", errShuttingDown
	}
	if len(h.subs) >= h.max {
		return nil, nil, false, "", errTooManyStreams
	}
	ch = make(chan event, streamQueue)
	h.subs[ch] = struct{}{}
	if lastID != "" {
		run, n, _ := strings.Cut(lastID, ".")
		seq, perr := strconv.ParseUint(n, 10, 64)
		switch {
		case run != h.run || perr != nil || seq > h.seq:
			resync = true
		case seq < h.seq:
			if len(h.backlog) == 0 || h.backlog[0].seq > seq+1 {
				resync = true
			}
			for _, ev := range h.backlog {
				if ev.seq > seq {
					missed = append(missed, ev)
				}
			}
		}
	}
	return ch, missed, resync, h.id(h.seq), nil
}

func (h *hub) unsubscribe(ch chan event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
}

// close ends every stream: http.Server.Shutdown waits for handlers, and a stream never ends by itself.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}

// diskEvent is the data of a `disk` event: the paths (relative to the root) that changed on disk, and the tab
// of the page that changed them through the API, when one did: that page has the result already. Resync says
// that events were missed: the page should reload everything.
type diskEvent struct {
	Paths  []string `json:"paths"`
	Tab    string   `json:"tab,omitempty"`
	Resync bool     `json:"resync,omitempty"`
}

// Keep-alive comments let proxies and the client see a live stream; the write deadline bounds each write.
const (
	keepAlive    = 15 * time.Second
	eventTimeout = 10 * time.Second
)

// serveEvents is GET /api/events, a Server-Sent Events stream. The server has no WriteTimeout (it would cut
// every stream); each write here gets its own deadline instead, through http.ResponseController.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	// The server's ReadTimeout would also fire on this long-lived request and cancel its context.
	rc.SetReadDeadline(time.Time{})
	ch, missed, resync, current, err := s.hub.subscribe(r.Header.Get("Last-Event-ID"))
	if err != nil {
		w.Header().Set("Retry-After", "5")
		writeError(w, err, false)
		return
	}
	defer s.hub.unsubscribe(ch)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	send := func(text string) bool {
		rc.SetWriteDeadline(time.Now().Add(eventTimeout))
		if _, err := fmt.Fprint(w, text); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// An id-only record sets the client's Last-Event-ID without dispatching an event.
	first := "retry: 2000\nid: " + current + "\n\n"
	if resync {
		data, _ := json.Marshal(diskEvent{Paths: []string{}, Resync: true})
		first = "retry: 2000\nid: " + current + "\nevent: disk\ndata: " + string(data) + "\n\n"
	}
	if !send(first) {
		return
	}
	for _, ev := range missed {
		if !send(s.hub.format(ev)) {
			return
		}
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev, ok := <-ch:
			if !ok || !send(s.hub.format(ev)) {
				return
			}
		case <-tick.C:
			if !send(": keep-alive\n\n") {
				return
			}
		}
	}
}

func (h *hub) format(ev event) string {
	return "id: " + h.id(ev.seq) + "\nevent: " + ev.name + "\ndata: " + string(ev.data) + "\n\n"
}
