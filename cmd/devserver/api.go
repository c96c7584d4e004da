package main

import (
	"context"
	"encoding/json"
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
	"github.com/mobisess/mobisess/core/api"
)

// serveAPI routes /api/…; every answer is JSON except the zip and the event stream. Each route reads its typed
// parameters (api's, as the wasm module reads them) and calls the Workspace's methods.
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
	allow := ""
	switch {
	case name == "state" && safeMethod(r.Method):
		s.serveState(w, r)
	case name == "events" && r.Method == http.MethodGet:
		s.serveEvents(w, r)
	case name == "download" && safeMethod(r.Method):
		s.download(w, r)
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
	case postMethods[name] != nil && r.Method == http.MethodPost:
		s.post(w, r, postMethods[name])
	case postMethods[name] != nil:
		allow = "POST"
	case name == "state" || name == "download":
		allow = "GET, HEAD"
	case name == "events":
		allow = "GET"
	default:
		writeError(w, refuse(http.StatusNotFound, core.KindNotFound, "no such API route: "+r.URL.Path), false)
		return
	}
	if allow != "" {
		w.Header().Set("Allow", allow)
		writeError(w, refuse(http.StatusMethodNotAllowed, core.KindInput, r.Method+" is not allowed on "+r.URL.Path), false)
	}
}

// A postMethod is POST /api/<name>: its JSON body decoded into its parameters, then the call. A method that
// changes the folder names what it may touch, so that the watcher knows the change for the tab's.
type postMethod func(s *Server, w http.ResponseWriter, r *http.Request, body []byte)

// postMethods are the methods of docs/api.md reachable as POST /api/<name>. openZip, openSample and the folder a
// browser reads are answered too, with the engine's refusal: a server works on its own folder.
var postMethods = map[string]postMethod{
	"state": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		if s.decode(w, body, &struct{}{}) {
			s.serveState(w, r)
		}
	},
	"setLang": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		var p api.LangParams
		if !s.decode(w, body, &p) {
			return
		}
		lang, err := api.ParseLang(p.Lang)
		if err != nil {
			writeError(w, err, false)
			return
		}
		s.heavyCall(w, r, func(ctx context.Context) (any, error) {
			s.ws.SetLang(lang)
			return s.freshState(ctx)
		})
	},
	"read": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		var p api.PathParams
		s.answer(w, r, false, func(ctx context.Context) (any, error) {
			if err := api.Decode(body, &p); err != nil {
				return nil, err
			}
			return s.ws.Read(p.Path)
		})
	},
	"write": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		var p api.WriteParams
		if !s.decode(w, body, &p) {
			return
		}
		s.write(w, r, p, false)
	},
	"remove": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		var p api.RemoveParams
		if !s.decode(w, body, &p) {
			return
		}
		s.remove(w, r, p, false)
	},
	"setStatus": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		var p api.StatusParams
		if !s.decode(w, body, &p) {
			return
		}
		s.changing(w, r, false, fileTouches(p.Path), func(ctx context.Context) (any, []string, error) {
			f, err := s.ws.SetStatus(p.Path, p.Status, p.ETag)
			return s.withState(ctx, f, err, p.Path)
		})
	},
	"fix": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		var p api.FixParams
		if !s.decode(w, body, &p) {
			return
		}
		// A move may touch any app folder: the whole folder is held while the fix is applied.
		s.changing(w, r, false, []touch{{path: "", subtree: true}}, func(ctx context.Context) (any, []string, error) {
			trust, err := p.Side()
			if err != nil {
				return nil, nil, err
			}
			f, err := s.ws.Fix(p.Path, p.ETag, trust)
			if err != nil {
				return nil, nil, err
			}
			st, err := s.freshState(ctx)
			done := []string{p.Path, f.Path}
			if err != nil {
				return nil, done, err
			}
			return api.FileState{File: f, State: st}, done, nil
		})
	},
	"create": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		var p core.NewSession
		if !s.decode(w, body, &p) {
			return
		}
		s.changing(w, r, false, []touch{{path: p.AppFolder(), subtree: true}},
			func(ctx context.Context) (any, []string, error) {
				f, err := s.ws.Create(p)
				if err != nil {
					return nil, nil, err
				}
				return s.withState(ctx, f, nil, f.Path)
			})
	},
	"refresh": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		if s.decode(w, body, &struct{}{}) {
			s.heavyCall(w, r, func(ctx context.Context) (any, error) { return s.refresh(ctx) })
		}
	},
	"restart": func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
		if !s.decode(w, body, &struct{}{}) {
			return
		}
		s.heavyCall(w, r, func(ctx context.Context) (any, error) {
			_, err := s.ws.Restart(ctx)
			s.states.changed() // even a restart that failed may have replaced the memory
			if err != nil {
				return nil, err
			}
			return s.freshState(ctx)
		})
	},
	"openZip":    refuseOpen,
	"openSample": refuseOpen,
	"planFolder": refuseOpen,
	"openFolder": refuseOpen,
}

func refuseOpen(s *Server, w http.ResponseWriter, r *http.Request, body []byte) {
	writeError(w, api.ErrCannotOpen, false)
}

// decode reads a method's parameters, answering the error itself when they cannot be read.
func (s *Server) decode(w http.ResponseWriter, body []byte, v any) bool {
	if err := api.Decode(body, v); err != nil {
		writeError(w, err, false)
		return false
	}
	return true
}

// withCallTimeout bounds a call like its response: a refresh stuck on a dead network share must not hold the
// engine forever.
func (s *Server) withCallTimeout(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.Timeouts.Write)
}

// answer runs a call that changes nothing on disk and answers its document.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, precondition bool, call func(context.Context) (any, error)) {
	ctx, cancel := s.withCallTimeout(r)
	defer cancel()
	v, err := call(ctx)
	s.reply(w, v, err, precondition)
}

func (s *Server) reply(w http.ResponseWriter, v any, err error, precondition bool) {
	if err != nil {
		writeError(w, err, precondition)
		return
	}
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, err, false)
		return
	}
	if f := fileOf(v); f != nil {
		w.Header().Set("ETag", quote(f.ETag))
	}
	writeJSON(w, http.StatusOK, data)
}

// fileOf is the file an answer is about, whose ETag goes in the header too.
func fileOf(v any) *core.File {
	switch v := v.(type) {
	case *core.File:
		return v
	case api.FileState:
		return v.File
	}
	return nil
}

// changing runs a call that changes the folder. The watcher is told what the call may touch before it runs and
// what it did touch after, so that it announces the change as the tab's that asked for it
// (X-Mobisess-Tab): that page has the result already, and ignores it.
func (s *Server) changing(w http.ResponseWriter, r *http.Request, precondition bool, touches []touch, call func(context.Context) (any, []string, error)) {
	ctx, cancel := s.withCallTimeout(r)
	defer cancel()
	id := s.watch.begin(touches, tabOf(r))
	v, done, err := call(ctx)
	s.states.changed() // a call that failed may have changed something too: no state from before is shared
	s.watch.end(id, done)
	s.reply(w, v, err, precondition)
}

// tabOf is the page's tab that sent r: its events are told apart from the others'.
func tabOf(r *http.Request) string {
	tab := r.Header.Get("X-Mobisess-Tab")
	if len(tab) > 64 {
		return "" // not one of ours: announced to every page
	}
	return tab
}

// fileTouches are what a change of one file may touch: the file and its app folder.
func fileTouches(p string) []touch { return []touch{{path: p}, {path: parentOf(p)}} }

// freshState is the state after a change, which its answer must show: computed anew, not shared with a
// computation begun before.
func (s *Server) freshState(ctx context.Context) (*core.State, error) {
	f, err := s.state(ctx, false)
	if err != nil {
		return nil, err
	}
	return f.state, nil
}

func (s *Server) withState(ctx context.Context, f *core.File, err error, touched string) (any, []string, error) {
	if err != nil {
		return nil, nil, err
	}
	st, err := s.freshState(ctx)
	if err != nil {
		return nil, []string{touched}, err
	}
	return api.FileState{File: f, State: st}, []string{touched}, nil
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, p api.WriteParams, precondition bool) {
	s.changing(w, r, precondition, fileTouches(p.Path), func(ctx context.Context) (any, []string, error) {
		f, err := s.ws.Write(p.Path, []byte(p.Content), p.WriteOptions())
		return s.withState(ctx, f, err, p.Path)
	})
}

func (s *Server) remove(w http.ResponseWriter, r *http.Request, p api.RemoveParams, precondition bool) {
	s.changing(w, r, precondition, []touch{{path: p.Path, subtree: true}}, func(ctx context.Context) (any, []string, error) {
		if err := s.ws.RemoveWith(p.Path, p.DeleteOptions()); err != nil {
			return nil, nil, err
		}
		st, err := s.freshState(ctx)
		return st, []string{p.Path}, err
	})
}

// refresh runs MOBILE APP REFRESH SESSIONS on the folder and returns what it did with the state after it.
func (s *Server) refresh(ctx context.Context) (api.Refreshed, error) {
	rep, err := s.ws.Refresh(ctx)
	s.states.changed()
	if err != nil {
		return api.Refreshed{}, err
	}
	st, err := s.freshState(ctx)
	return api.Refreshed{Report: rep, State: st}, err
}

// post is POST /api/<method>: the body is the method's params.
func (s *Server) post(w http.ResponseWriter, r *http.Request, method postMethod) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" && !strings.HasSuffix(r.URL.Path, "/openZip") {
			writeError(w, refuse(http.StatusUnsupportedMediaType, core.KindInput, "the body must be JSON (Content-Type: application/json)"), false)
			return
		}
	}
	body, err := s.readBody(w, r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	method(s, w, r, body)
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

// readFile is GET /api/file?path=: the File, with its ETag as a header too.
func (s *Server) readFile(w http.ResponseWriter, r *http.Request) {
	p, err := queryPath(r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	f, err := s.ws.Read(p)
	if err != nil {
		writeError(w, err, false)
		return
	}
	if etag := quote(f.ETag); etagListMatches(r.Header.Get("If-None-Match"), etag, true) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.reply(w, f, nil, false)
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

// writeFile is PUT /api/file?path=, the body being the new content. It needs a precondition, so that no save
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
	s.write(w, r, api.WriteParams{Path: p, Content: string(body), ETag: etag}, true)
}

// deleteFile is DELETE /api/file?path= (a session file, an app folder, or "" for everything). If-Match is
// optional; with it, a file that changed since it was read is kept (412).
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
	s.remove(w, r, api.RemoveParams{Path: p, ETag: etag}, ifMatch != "")
}

// download is GET /api/download: the folder as a zip, written as it is read, so that a folder of any size costs
// the server one file at a time. A fault before the first byte is answered as an error; one after it (a file
// that cannot be read, a client that stalls) cuts the connection, so that the client sees a broken download
// rather than a zip that ends cleanly without the rest of the folder.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
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
	err = s.ws.Download(out)
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
