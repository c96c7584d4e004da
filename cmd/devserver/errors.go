package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"syscall"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

// The server's own refusals, not engine kinds, which the page knows (web/transport.js): forbidden (wrong host or
// origin, or a change in browser mode), unauthorized (no token, or a wrong one: the page says where to find the
// address with the token), busy (too many requests that read the whole folder: try again).
const (
	kindForbidden    core.Kind = "forbidden"
	kindUnauthorized core.Kind = "unauthorized"
	kindBusy         core.Kind = "busy"
)

// httpError is a refusal decided by the server itself, before or around the engine.
type httpError struct {
	status int
	kind   core.Kind
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func refuse(status int, kind core.Kind, msg string) *httpError {
	return &httpError{status: status, kind: kind, msg: msg}
}

// statusOf maps an engine error kind to an HTTP status, once for every route. A conflict is 412 when the
// request stated a precondition (If-Match, If-None-Match) and 409 when the ETag came in the JSON body.
func statusOf(kind core.Kind, precondition bool) int {
	switch kind {
	case core.KindInput:
		return http.StatusBadRequest
	case core.KindNotFound:
		return http.StatusNotFound
	case core.KindConflict:
		if precondition {
			return http.StatusPreconditionFailed
		}
		return http.StatusConflict
	case core.KindReadonly, kindForbidden:
		return http.StatusForbidden
	case core.KindForeign: // the folder holds what 4D does not put there: its state forbids the delete, not the request
		return http.StatusConflict
	case kindUnauthorized:
		return http.StatusUnauthorized
	case kindBusy:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorBody is {"error":{"message","kind",…}}, the shape of every refused request: the console's error
// document (docs/api.md).
type errorBody struct {
	Error console.Error `json:"error"`
}

// writeError answers err as JSON with its status; precondition says whether the request carried If-Match.
func writeError(w http.ResponseWriter, err error, precondition bool) {
	var body errorBody
	status := http.StatusInternalServerError
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		status, body.Error.Kind, body.Error.Message = he.status, he.kind, he.msg
	case errors.As(err, &mbe):
		status, body.Error.Kind = http.StatusRequestEntityTooLarge, core.KindInput
		body.Error.Message = "the request body is larger than the server accepts"
	case errors.Is(err, syscall.ENAMETOOLONG):
		// A path of the folder longer than the system takes (a folder nested too deep to download): what the
		// folder holds, which the request cannot change, not a fault of the server.
		status, body.Error.Kind, body.Error.Message = http.StatusBadRequest, core.KindInput, err.Error()
	default:
		body.Error = *console.ErrorOf(err)
		status = statusOf(body.Error.Kind, precondition)
	}
	if body.Error.Kind == "" {
		body.Error.Kind = core.KindInternal
	}
	switch {
	case status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "":
		w.Header().Set("Retry-After", "5")
	case status == http.StatusUnauthorized: // the scheme: the run's token in X-Mobisess-Token
		w.Header().Set("WWW-Authenticate", `Mobisess-Token realm="mobisess dev server"`)
	}
	data, _ := json.Marshal(body)
	writeJSON(w, status, data)
}

// writeJSON answers a JSON document that is never cached: it describes the folder now.
func writeJSON(w http.ResponseWriter, status int, data []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(data)
}
