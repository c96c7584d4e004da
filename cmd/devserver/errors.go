package main

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/api"
)

// kindForbidden is the server's own refusal (wrong host, token or origin): not an engine kind, but the page
// knows it (web/transport.js maps 403 to it).
const kindForbidden core.Kind = "forbidden"

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
	}
	return http.StatusInternalServerError
}

// errorBody is {"error":{"message","kind"}}, the shape of every refused request (docs/api.md).
type errorBody struct {
	Error struct {
		Message string    `json:"message"`
		Kind    core.Kind `json:"kind"`
		Entry   string    `json:"entry,omitempty"` // what a refused delete names (api.Error)
	} `json:"error"`
}

// writeError answers err as JSON with its status; precondition says whether the request carried If-Match.
func writeError(w http.ResponseWriter, err error, precondition bool) {
	var body errorBody
	status := http.StatusInternalServerError
	var he *httpError
	var ae *api.Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		status, body.Error.Kind, body.Error.Message = he.status, he.kind, he.msg
	case errors.As(err, &mbe):
		status, body.Error.Kind = http.StatusRequestEntityTooLarge, core.KindInput
		body.Error.Message = "the request body is larger than the server accepts"
	case errors.As(err, &ae):
		status, body.Error.Kind, body.Error.Message, body.Error.Entry = statusOf(ae.Kind, precondition), ae.Kind, ae.Message, ae.Entry
	default:
		kind := core.KindOf(err)
		status, body.Error.Kind, body.Error.Message, body.Error.Entry = statusOf(kind, precondition), kind, err.Error(), core.ForeignEntry(err)
	}
	if body.Error.Kind == "" {
		body.Error.Kind = core.KindInternal
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
