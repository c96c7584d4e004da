package main

import (
	"compress/gzip"
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressJSON gzips the API's JSON answers for a client that accepts it, as the assets are: a State of a big
// folder is mostly repeated keys and paths. The fastest level: the answers are made for one page at a time on
// a machine whose cores the engine needs. Small answers (an error, a status) go as they are.
var compressJSON = func() func(http.Handler) http.HandlerFunc {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.EnableZstd(false),
		gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ContentTypes([]string{"application/json"}),
		gzhttp.MinSize(1024),
	)
	if err != nil {
		panic(err) // the options above are constants
	}
	return wrap
}()

// serveAPICompressed serves the API, its JSON answers compressed; the event stream and the zip download are
// left as they are (a stream is flushed event by event, a zip is compressed already).
func (s *Server) serveAPICompressed(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/events", "/api/download":
		s.serveAPI(w, r)
	default:
		compressJSON(http.HandlerFunc(s.serveAPI)).ServeHTTP(w, r)
	}
}
