package main

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mobisess/mobisess/core"
)

// postMethods are the engine's methods reachable as POST /api/<method> with the params as a JSON body
// (docs/api.md). openZip and openSample are answered too, with the engine's refusal: a server works on its
// own folder.
var postMethods = map[string]bool{
	"state": true, "setLang": true, "read": true, "write": true, "remove": true, "setStatus": true,
	"create": true, "refresh": true, "restart": true, "openZip": true, "openSample": true,
}

// serveAPI routes /api/…; every answer is JSON except the zip and the event stream.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if s.api == nil {
		writeError(w, refuse(http.StatusNotFound, core.KindNotFound, "no HTTP API in browser mode: the engine runs in the page"), false)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	allow := ""
	switch {
	case name == "state" && safeMethod(r.Method):
		s.answer(w, r, "state", nil, false)
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
	case postMethods[name] && r.Method == http.MethodPost:
		s.post(w, r, name)
	case postMethods[name]:
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

// call runs one engine method and answers its JSON.
func (s *Server) call(w http.ResponseWriter, r *http.Request, method string, params []byte, precondition bool) ([]byte, bool) {
	// Bounded like the response: a refresh stuck on a dead network share must not hold the engine forever.
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeouts.Write)
	defer cancel()
	res, err := s.api.Call(ctx, method, params, nil)
	if err != nil {
		writeError(w, err, precondition)
		return nil, false
	}
	return res.JSON, true
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, method string, params []byte, precondition bool) {
	if out, ok := s.call(w, r, method, params, precondition); ok {
		writeJSON(w, http.StatusOK, out)
	}
}

// changing is call for the methods that change the folder. The watcher is told what the call may touch
// before it runs and what it did touch after, so that it does not announce the result as a change on disk.
func (s *Server) changing(w http.ResponseWriter, r *http.Request, method string, params []byte, precondition bool) ([]byte, bool) {
	if s.watch == nil {
		return s.call(w, r, method, params, precondition)
	}
	var p struct {
		Path *string `json:"path"`
		core.NewSession
	}
	json.Unmarshal(params, &p)
	var touches []touch
	switch {
	case method == "create":
		touches = []touch{{path: core.ExpectedFolder(p.TeamID, p.ApplicationID), subtree: true}}
	case p.Path == nil:
	case method == "remove":
		touches = []touch{{path: *p.Path, subtree: true}}
	default:
		touches = []touch{{path: *p.Path}, {path: parentOf(*p.Path)}}
	}
	id := s.watch.begin(touches)
	out, ok := s.call(w, r, method, params, precondition)
	var done []string
	switch {
	case !ok:
	case method == "create":
		var res struct {
			File struct {
				Path string `json:"path"`
			} `json:"file"`
		}
		json.Unmarshal(out, &res)
		done = []string{res.File.Path}
	case p.Path != nil:
		done = []string{*p.Path}
	}
	s.watch.end(id, done)
	return out, ok
}

// changes are the POST methods that change the folder.
var changes = map[string]bool{"write": true, "remove": true, "setStatus": true, "create": true}

// post is POST /api/<method>: the body is the method's params.
func (s *Server) post(w http.ResponseWriter, r *http.Request, method string) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" && method != "openZip" {
			writeError(w, refuse(http.StatusUnsupportedMediaType, core.KindInput, "the body must be JSON (Content-Type: application/json)"), false)
			return
		}
	}
	body, err := s.readBody(w, r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	if method == "openZip" || method == "openSample" {
		// The engine refuses both in server mode (api.Options.CanOpen is false); let it say so in its words.
		method, body = "openSample", nil
	}
	if !changes[method] {
		s.answer(w, r, method, body, false)
		return
	}
	if out, ok := s.changing(w, r, method, body, false); ok {
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
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

func pathParams(p string, extra map[string]any) []byte {
	m := map[string]any{"path": p}
	for k, v := range extra {
		m[k] = v
	}
	data, _ := json.Marshal(m)
	return data
}

// fileETag reads the etag of a File (or of {file: File}) answered by the engine.
func fileETag(doc []byte) string {
	var f struct {
		ETag string `json:"etag"`
		File *struct {
			ETag string `json:"etag"`
		} `json:"file"`
	}
	json.Unmarshal(doc, &f)
	if f.File != nil {
		return f.File.ETag
	}
	return f.ETag
}

func quote(etag string) string { return strconv.Quote(etag) }

// readFile is GET /api/file?path=: the File, with its ETag as a header too.
func (s *Server) readFile(w http.ResponseWriter, r *http.Request) {
	p, err := queryPath(r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	out, ok := s.call(w, r, "read", pathParams(p, nil), false)
	if !ok {
		return
	}
	etag := quote(fileETag(out))
	w.Header().Set("ETag", etag)
	if etagListMatches(r.Header.Get("If-None-Match"), etag, true) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, out)
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
	params := map[string]any{"content": string(body)}
	if etag != nil {
		params["etag"] = *etag
	}
	out, ok := s.changing(w, r, "write", pathParams(p, params), true)
	if !ok {
		return
	}
	w.Header().Set("ETag", quote(fileETag(out)))
	writeJSON(w, http.StatusOK, out)
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
	if out, ok := s.changing(w, r, "remove", pathParams(p, map[string]any{"etag": etag}), ifMatch != ""); ok {
		writeJSON(w, http.StatusOK, out)
	}
}

// download is GET /api/download: the folder as a zip.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	res, err := s.api.Call(r.Context(), "download", nil, nil)
	if err != nil {
		writeError(w, err, false)
		return
	}
	var meta struct {
		Name string `json:"name"`
	}
	json.Unmarshal(res.JSON, &meta)
	if meta.Name == "" {
		meta.Name = "MobileApps.zip"
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": meta.Name}))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(res.Bytes)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(res.Bytes)
}
