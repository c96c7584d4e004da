package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// The API's JSON answers are gzipped for a client that accepts it, and read the same; small answers, the zip
// download and the event stream are not; the file's ETag is kept.
func TestAPICompressed(t *testing.T) {
	ts := startFolder(t, Config{})
	gzipped := func(target string) (*http.Response, []byte) {
		t.Helper()
		// The transport leaves a gzip body alone when the request asked for it itself.
		return ts.send("GET", target, "", "Accept-Encoding", "gzip")
	}
	for _, target := range []string{"/api/state", "/api/file?path=" + contactPath} {
		res, body := gzipped(target)
		expect(t, res, body, 200, "")
		if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("GET %s: headers %v", target, res.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		ref, refBody := ts.send("GET", target, "", "Accept-Encoding", "identity")
		if ref.Header.Get("Content-Encoding") != "" || len(plain) != len(refBody) || len(body) >= len(refBody) {
			t.Fatalf("GET %s: %d bytes gzipped to %d, read back as %d; %d unasked for (%q)",
				target, len(refBody), len(body), len(plain), len(refBody), ref.Header.Get("Content-Encoding"))
		}
		if etag := ref.Header.Get("ETag"); etag != res.Header.Get("ETag") {
			t.Fatalf("GET %s: ETag %q compressed, %q not", target, res.Header.Get("ETag"), etag)
		}
	}

	res, body := gzipped("/api/file?path=com.nothing/here")
	expect(t, res, body, 404, "notfound")
	if res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("a small error answer compressed: %v", res.Header)
	}
	res, body = gzipped("/api/download")
	expect(t, res, body, 200, "")
	if res.Header.Get("Content-Type") != "application/zip" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("download headers: %v", res.Header)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req := ts.request("GET", "/api/events", nil, "Accept-Encoding", "gzip")
	stream, err := ts.client.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if stream.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" || stream.Header.Get("Content-Encoding") != "" {
		t.Fatalf("event stream headers: %v", stream.Header)
	}
}
