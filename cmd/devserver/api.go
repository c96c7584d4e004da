package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

// serveAPI routes /api/…; every answer is JSON except the zip and the event stream. Every route runs a method of
// the console's one table (console.Lookup), as the wasm module does: POST /api/<method> with its parameters as
// the body, and the routes that read them from the request instead (/api/file, GET /api/state, GET
// /api/download); but the server's own settings (POST /api/settings, /api/setSettings), which no workspace
// holds. It is the one place a panic of the API is recovered.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if s.ws == nil {
		writeError(w, refuse(http.StatusNotFound, core.KindNotFound, "no HTTP API in browser mode: the engine runs in the page"), false)
		return
	}
	defer func() {
		// A panic is a bug, but the page must show it rather than lose its connection.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p) // a response cut on purpose (a download that failed mid-way): the client must see it cut
			}
			s.logf("internal error in %s %s: %v", r.Method, r.URL.Path, p)
			writeError(w, refuse(http.StatusInternalServerError, core.KindInternal, fmt.Sprintf("internal error in %s: %v", r.URL.Path, p)), false)
		}
	}()
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	m := console.Lookup(name)
	allow := ""
	switch {
	case name == "events" && r.Method == http.MethodGet:
		s.serveEvents(w, r)
	case name == "events":
		allow = "GET"
	case name == "file":
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			s.readFile(w, r)
		case http.MethodPut:
			s.writeFile(w, r)
		case http.MethodDelete:
			s.deleteFile(w, r)
		default:
			allow = "GET, HEAD, PUT, DELETE"
		}
	case (name == "settings" || name == "setSettings") && r.Method == http.MethodPost:
		s.postSettings(w, r, name == "setSettings")
	case name == "settings" || name == "setSettings":
		allow = "POST"
	case m == nil:
		writeError(w, refuse(http.StatusNotFound, core.KindNotFound, "no such API route: "+r.URL.Path), false)
		return
	case m.Bytes && safeMethod(r.Method): // a zip, written as it is read
		s.download(w, r, m)
	case m.Bytes:
		allow = "GET, HEAD"
	case m == stateMethod && safeMethod(r.Method):
		s.serveState(w, r)
	case r.Method == http.MethodPost:
		s.post(w, r, m)
	default:
		allow = "POST"
	}
	if allow != "" {
		w.Header().Set("Allow", allow)
		writeError(w, refuse(http.StatusMethodNotAllowed, core.KindInput, r.Method+" is not allowed on "+r.URL.Path), false)
	}
}

// stateMethod is the state's method, whose computations requests share (sharedStates).
var stateMethod = console.Lookup("state")

// post is POST /api/<method>: the body is the method's params.
func (s *Server) post(w http.ResponseWriter, r *http.Request, m *console.Method) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" && m.Name != "openZip" {
			writeError(w, refuse(http.StatusUnsupportedMediaType, core.KindInput, "the body must be JSON (Content-Type: application/json)"), false)
			return
		}
	}
	body, err := s.readBody(w, r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	p, err := m.Decode(body)
	if err != nil {
		writeError(w, err, false)
		return
	}
	if m == stateMethod {
		s.serveState(w, r)
		return
	}
	s.run(w, r, m, p, false)
}

// withCallTimeout bounds a call like its response: a refresh stuck on a dead network share must not hold the
// engine forever.
func (s *Server) withCallTimeout(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.Timeouts.Write)
}

// run runs m with its parameters p and answers its document; precondition says whether the request stated one
// in its headers (a conflict is then 412). A method that reads the whole folder takes a slot (heavySlot). A
// change tells the watcher what it may touch before it runs and what it did touch after, so that the change is
// announced as that of the tab that asked for it (X-Mobisess-Tab): that page has the result already, and ignores
// it. Any method that may change what a state shows (a failed one too) ends the sharing of states begun before.
func (s *Server) run(w http.ResponseWriter, r *http.Request, m *console.Method, p any, precondition bool) {
	res, err := s.call(r, m, p)
	if err != nil {
		writeError(w, err, precondition)
		return
	}
	if res.ETag != "" {
		w.Header().Set("ETag", quote(res.ETag))
	}
	writeJSON(w, http.StatusOK, res.JSON)
}

// call is run without the answer.
func (s *Server) call(r *http.Request, m *console.Method, p any) (console.Result, error) {
	ctx, cancel := s.withCallTimeout(r)
	defer cancel()
	if m.ReadsAll {
		release, err := s.heavySlot(ctx)
		if err != nil {
			return console.Result{}, err
		}
		defer release()
	}
	touches := m.Touches(p)
	var id int
	if touches != nil {
		id = s.watch.begin(touches, tabOf(r))
	}
	res, err := s.svc.Run(ctx, m, p, nil)
	if !m.ReadOnly {
		s.states.changed()
	}
	if touches != nil {
		s.watch.end(id, res.Changed)
	}
	return res, err
}

// tabOf is the page's tab that sent r: its events are told apart from the others'.
func tabOf(r *http.Request) string {
	tab := r.Header.Get("X-Mobisess-Tab")
	if len(tab) > 64 {
		return "" // not one of ours: announced to every page
	}
	return tab
}

// readBody reads a request's body within MaxBody. A body that does not arrive within the read timeout is the
// client's fault (408), as is one cut short (400): neither is the server's.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var mbe *http.MaxBytesError
	var ne net.Error
	switch {
	case err == nil, errors.As(err, &mbe):
		return body, err
	case errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return nil, refuse(http.StatusRequestTimeout, core.KindInput,
			fmt.Sprintf("the request body did not arrive within %v", s.cfg.Timeouts.Read))
	}
	return nil, refuse(http.StatusBadRequest, core.KindInput, "the request body could not be read: "+err.Error())
}

// queryPath is the path= parameter of /api/file, decoded once (by url.ParseQuery) and then validated. A '%'
// left after decoding means the client encoded twice, a way to sneak "../" past a check that decodes once
// more; no real session path holds one.
func queryPath(r *http.Request) (string, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", refuse(http.StatusBadRequest, core.KindInput, "the query is not well formed: "+err.Error())
	}
	paths, ok := values["path"]
	if !ok || len(paths) != 1 {
		return "", refuse(http.StatusBadRequest, core.KindInput, "give one path= parameter")
	}
	p := paths[0]
	if strings.ContainsRune(p, '%') {
		return "", refuse(http.StatusBadRequest, core.KindInput, "the path holds a '%': encoded more than once?")
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f {
			return "", refuse(http.StatusBadRequest, core.KindInput, "the path holds a control character")
		}
	}
	return core.CleanPath(p)
}

func quote(etag string) string { return strconv.Quote(etag) }

// readFile is GET /api/file?path=: read's File, with its ETag as a header too.
func (s *Server) readFile(w http.ResponseWriter, r *http.Request) {
	p, err := queryPath(r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	res, err := s.call(r, console.Lookup("read"), &console.PathParams{Path: p})
	if err != nil {
		writeError(w, err, false)
		return
	}
	etag := quote(res.ETag)
	w.Header().Set("ETag", etag)
	if etagListMatches(r.Header.Get("If-None-Match"), etag, true) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, res.JSON)
}

// singleETag reads an If-Match header naming one strong ETag, quoted (or bare, as curl users type it).
func singleETag(header string) (string, error) {
	t := strings.TrimSpace(header)
	bad := refuse(http.StatusBadRequest, core.KindInput, "If-Match must name one strong ETag, or *")
	if strings.Contains(t, ",") || strings.HasPrefix(t, "W/") {
		return "", bad
	}
	if strings.HasPrefix(t, `"`) {
		if len(t) < 2 || !strings.HasSuffix(t, `"`) {
			return "", bad
		}
		t = t[1 : len(t)-1]
	}
	if t == "" || strings.ContainsAny(t, `" `) {
		return "", bad
	}
	return t, nil
}

// writeFile is PUT /api/file?path=, the body being the new content: write's parameters. It needs a precondition, so that no save
// silently overwrites an edit made meanwhile (4D writing the session, another tab): If-Match: "etag" (the
// version read), If-Match: * (overwrite whatever is there: the page's "overwrite" after a conflict), or
// If-None-Match: * (create, the file must not exist). Without one: 428.
func (s *Server) writeFile(w http.ResponseWriter, r *http.Request) {
	p, err := queryPath(r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	ifMatch, ifNone := r.Header.Get("If-Match"), r.Header.Get("If-None-Match")
	var etag *string
	switch {
	case ifMatch != "" && ifNone != "":
		err = refuse(http.StatusBadRequest, core.KindInput, "give If-Match or If-None-Match, not both")
	case strings.TrimSpace(ifMatch) == "*":
		etag = nil // force
	case ifMatch != "":
		var e string
		e, err = singleETag(ifMatch)
		etag = &e
	case strings.TrimSpace(ifNone) == "*":
		e := ""
		etag = &e // create only
	case ifNone != "":
		err = refuse(http.StatusBadRequest, core.KindInput, "If-None-Match on a PUT must be *")
	default:
		err = refuse(http.StatusPreconditionRequired, core.KindInput,
			"a PUT needs If-Match with the ETag read (or If-None-Match: * to create): the file may have changed")
	}
	if err != nil {
		writeError(w, err, false)
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	if !utf8.Valid(body) {
		// The engine takes the content as a JSON string: invalid bytes would be silently replaced.
		writeError(w, refuse(http.StatusBadRequest, core.KindInput, "the content is not UTF-8 text"), false)
		return
	}
	s.run(w, r, console.Lookup("write"), &console.WriteParams{Path: p, Content: string(body), ETag: etag}, true)
}

// deleteFile is DELETE /api/file?path= (a session file, an app folder, or "" for everything): remove's
// parameters. If-Match is optional; with it, a file that changed since it was read is kept (412).
func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) {
	p, err := queryPath(r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	etag := ""
	ifMatch := strings.TrimSpace(r.Header.Get("If-Match"))
	if ifMatch != "" && ifMatch != "*" {
		if etag, err = singleETag(ifMatch); err != nil {
			writeError(w, err, false)
			return
		}
	}
	s.run(w, r, console.Lookup("remove"), &console.RemoveParams{Path: p, ETag: etag}, ifMatch != "")
}

// download is GET /api/download: the folder as a zip (the download method's bytes), written as it is read, so
// that a folder of any size costs the server one file at a time. A fault before the first byte is answered as
// an error; one after it (a file that cannot be read, a client that stalls) cuts the connection, so that the
// client sees a broken download rather than a zip that ends cleanly without the rest of the folder.
func (s *Server) download(w http.ResponseWriter, r *http.Request, m *console.Method) {
	release, err := s.heavySlot(r.Context())
	if err != nil {
		writeError(w, err, false)
		return
	}
	defer release()
	out := &zipResponse{w: w, rc: http.NewResponseController(w), timeout: s.cfg.Timeouts.Write}
	if r.Method == http.MethodHead {
		out.start()
		return
	}
	res, err := s.svc.Run(r.Context(), m, &console.NoParams{}, nil)
	if err == nil {
		err = res.Write(out)
	}
	switch {
	case err == nil:
		return
	case !out.started:
		writeError(w, err, false)
		return
	}
	s.logf("download cut after %d bytes: %v", out.n, err)
	panic(http.ErrAbortHandler)
}

// zipResponse writes a download to the client: the headers at the first byte, and a write deadline pushed back
// as the bytes go, so that a download of any size is bounded by a client that stops reading, not by its size.
type zipResponse struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	started bool
	n       int64
	pushed  time.Time // when the deadline was last pushed back
}

func (z *zipResponse) start() {
	z.started = true
	h := z.w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "MobileApps.zip"}))
	h.Set("Cache-Control", "no-store")
	z.w.WriteHeader(http.StatusOK)
}

func (z *zipResponse) Write(p []byte) (int, error) {
	if !z.started {
		z.start()
	}
	if now := time.Now(); now.Sub(z.pushed) > time.Second { // not at every write: a few times a second is plenty
		z.pushed = now
		z.rc.SetWriteDeadline(now.Add(z.timeout))
	}
	n, err := z.w.Write(p)
	z.n += int64(n)
	return n, err
}
