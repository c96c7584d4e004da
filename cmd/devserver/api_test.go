package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobisess/mobisess/core"
)

type stateDoc struct {
	Lang     string `json:"lang"`
	Mode     string `json:"mode"`
	Source   string `json:"source"`
	Readonly bool   `json:"readonly"`
	Disk     struct {
		Sessions []struct {
			Path   string `json:"path"`
			Status string `json:"status"`
		} `json:"sessions"`
	} `json:"disk"`
	Memory struct {
		Count      int      `json:"count"`
		SameAsDisk []string `json:"sameAsDisk"`
	} `json:"memory"`
	Pending struct {
		Updated []struct {
			Path string `json:"path"`
		} `json:"updated"`
	} `json:"pending"`
}

type fileDoc struct {
	Path    string `json:"path"`
	Content string `json:"content"`
	ETag    string `json:"etag"`
}

// deltaDoc is what changed of the state: the rows of the paths that changed.
type deltaDoc struct {
	Lang string `json:"lang"`
	Rows []struct {
		Path    string `json:"path"`
		Session *struct {
			Status string `json:"status"`
		} `json:"session"`
		Updated *struct {
			Path string `json:"path"`
		} `json:"updated"`
	} `json:"rows"`
}

type fileAndDelta struct {
	File  fileDoc  `json:"file"`
	Delta deltaDoc `json:"delta"`
}

// diskStatus is the status of the session on disk at path as the delta shows it; "" when it has none.
func (d deltaDoc) diskStatus(path string) string {
	for _, r := range d.Rows {
		if r.Path == path && r.Session != nil {
			return r.Session.Status
		}
	}
	return ""
}

// updated are the paths whose rows say a refresh would update their session.
func (d deltaDoc) updated() []string {
	var out []string
	for _, r := range d.Rows {
		if r.Updated != nil {
			out = append(out, r.Path)
		}
	}
	return out
}

// Every route of docs/api.md, as the page calls it.
func TestAPIRoutes(t *testing.T) {
	ts := startFolder(t, Config{})

	res, body := ts.send("GET", "/api/state", "")
	expect(t, res, body, 200, "")
	var st stateDoc
	decodeJSON(t, body, &st)
	if st.Mode != "server" || st.Source != ts.dir || st.Readonly || st.Memory.Count == 0 || len(st.Memory.SameAsDisk) != st.Memory.Count {
		t.Fatalf("state: %+v", st)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("state Cache-Control %q", res.Header.Get("Cache-Control"))
	}

	res, body = ts.send("POST", "/api/setLang", `{"lang":"fr"}`, "Content-Type", "application/json")
	expect(t, res, body, 200, "")
	decodeJSON(t, body, &st)
	if st.Lang != "fr" {
		t.Fatalf("setLang: lang %q", st.Lang)
	}

	res, body = ts.send("POST", "/api/read", `{"path":"`+contactPath+`"}`)
	expect(t, res, body, 200, "")
	var f fileDoc
	decodeJSON(t, body, &f)
	if f.Path != contactPath || !strings.Contains(f.Content, `"status": "accepted"`) || f.ETag == "" {
		t.Fatalf("read: %+v", f)
	}

	// GET /api/file: the File and its ETag header; a revalidation with that ETag is a 304.
	res, body = ts.send("GET", "/api/file?path="+contactPath, "")
	expect(t, res, body, 200, "")
	var g fileDoc
	decodeJSON(t, body, &g)
	if g.ETag != f.ETag || res.Header.Get("ETag") != `"`+f.ETag+`"` {
		t.Fatalf("GET file: etag %q, header %q, want %q", g.ETag, res.Header.Get("ETag"), f.ETag)
	}
	res, body = ts.send("GET", "/api/file?path="+contactPath, "", "If-None-Match", `"`+f.ETag+`"`)
	expect(t, res, body, 304, "")

	// PUT with the ETag read.
	edited := strings.Replace(f.Content, `"email": ""`, `"email": "a@example.com"`, 1)
	res, body = ts.send("PUT", "/api/file?path="+contactPath, edited, "If-Match", `"`+f.ETag+`"`)
	expect(t, res, body, 200, "")
	var fs fileAndDelta
	decodeJSON(t, body, &fs)
	if fs.File.Content != edited || fs.File.ETag != core.ETag([]byte(edited)) || res.Header.Get("ETag") != `"`+fs.File.ETag+`"` {
		t.Fatalf("PUT: file %+v, ETag header %q", fs.File, res.Header.Get("ETag"))
	}
	if u := fs.Delta.updated(); len(u) != 1 || u[0] != contactPath {
		t.Fatalf("PUT: updated %v, want the edited file", u)
	}
	if data, _ := os.ReadFile(filepath.Join(ts.dir, contactPath)); string(data) != edited {
		t.Fatalf("PUT: disk holds %q", data)
	}

	// POST write with a stale etag in the body: 409 (no If-Match header, so not 412).
	res, body = ts.send("POST", "/api/write", `{"path":"`+contactPath+`","content":"{}","etag":"`+f.ETag+`"}`)
	expect(t, res, body, 409, "conflict")
	res, body = ts.send("POST", "/api/write", `{"path":"`+contactPath+`","content":`+jsonString(edited)+`,"etag":"`+fs.File.ETag+`"}`)
	expect(t, res, body, 200, "")

	res, body = ts.send("POST", "/api/setStatus", `{"path":"`+contactPath+`","status":"pending","etag":"`+fs.File.ETag+`"}`)
	expect(t, res, body, 200, "")
	decodeJSON(t, body, &fs)
	if fs.Delta.diskStatus(contactPath) != "pending" {
		t.Fatalf("setStatus: disk status %q", fs.Delta.diskStatus(contactPath))
	}

	res, body = ts.send("POST", "/api/create", `{"applicationId":"com.example.new","teamId":"ABCDE12345","status":"accepted"}`)
	expect(t, res, body, 200, "")
	decodeJSON(t, body, &fs)
	created := fs.File.Path
	if !strings.HasPrefix(created, "ABCDE12345.com.example.new/") || fs.Delta.diskStatus(created) != "accepted" {
		t.Fatalf("create: %+v", fs.File)
	}

	res, body = ts.send("POST", "/api/refresh", `{}`)
	expect(t, res, body, 200, "")
	var rr struct {
		Report struct {
			Updated []struct {
				Path string `json:"path"`
			} `json:"updated"`
			NotLoaded []struct {
				Path string `json:"path"`
			} `json:"notLoaded"`
		} `json:"report"`
		Delta deltaDoc `json:"delta"`
	}
	decodeJSON(t, body, &rr)
	if len(rr.Report.Updated) != 1 || rr.Report.Updated[0].Path != contactPath {
		t.Fatalf("refresh: %s", body)
	}

	res, body = ts.send("POST", "/api/restart", ``)
	expect(t, res, body, 200, "")

	res, body = ts.send("GET", "/api/download", "")
	expect(t, res, body, 200, "")
	if res.Header.Get("Content-Type") != "application/zip" || !strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename=MobileApps.zip`) {
		t.Fatalf("download headers: %v", res.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["MobileApps/"+contactPath] || !names["MobileApps/"+created] {
		t.Fatalf("download: entries %v", names)
	}

	// DELETE a file, then an app folder.
	res, body = ts.send("DELETE", "/api/file?path="+created, "")
	expect(t, res, body, 200, "")
	if _, err := os.Stat(filepath.Join(ts.dir, created)); !os.IsNotExist(err) {
		t.Fatalf("DELETE: the file is still there (%v)", err)
	}
	res, body = ts.send("DELETE", "/api/file?path=ABCDE12345.com.example.new", "")
	expect(t, res, body, 200, "")
	res, body = ts.send("POST", "/api/remove", `{"path":"com.sample.myappname"}`)
	expect(t, res, body, 200, "")
	if _, err := os.Stat(filepath.Join(ts.dir, "com.sample.myappname")); !os.IsNotExist(err) {
		t.Fatalf("remove: the app folder is still there (%v)", err)
	}

	// Refusals.
	for _, c := range []struct {
		method, target, body string
		status               int
		kind                 string
	}{
		{"GET", "/api/file?path=" + contactApp + "/0000000000", "", 404, "notfound"},
		{"DELETE", "/api/file?path=nosuchapp", "", 404, "notfound"},
		{"GET", "/api/file", "", 400, "input"},
		{"GET", "/api/file?path=a/b&path=c/d", "", 400, "input"},
		{"POST", "/api/read", `{"path":1}`, 400, "input"},
		{"POST", "/api/read", `{"nope":true}`, 400, "input"},
		{"POST", "/api/openZip", "PK\x03\x04", 400, "input"},
		{"POST", "/api/openSample", `{}`, 400, "input"},
		{"POST", "/api/planFolder", `{"name":"MobileApps","entries":[]}`, 400, "input"},
		{"POST", "/api/openFolder", `{"name":"MobileApps","entries":[]}`, 400, "input"},
		{"POST", "/api/download", `{}`, 405, "input"},
		{"GET", "/api/refresh", "", 405, "input"},
		{"POST", "/api/file", "", 405, "input"},
		{"GET", "/api/nosuch", "", 404, "notfound"},
		{"POST", "/api/nosuch", "{}", 404, "notfound"},
	} {
		res, body := ts.send(c.method, c.target, c.body)
		expect(t, res, body, c.status, c.kind)
	}
	res, body = ts.send("POST", "/api/state", "x=1", "Content-Type", "application/x-www-form-urlencoded")
	expect(t, res, body, 415, "input")
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// PUT needs a precondition; a stale one is a 412, which the page turns into "reload or overwrite".
func TestPutPreconditions(t *testing.T) {
	ts := startFolder(t, Config{})
	target := "/api/file?path=" + contactPath
	res, body := ts.send("GET", target, "")
	expect(t, res, body, 200, "")
	var f fileDoc
	decodeJSON(t, body, &f)
	v1 := strings.Replace(f.Content, `"email": ""`, `"email": "one@example.com"`, 1)
	v2 := strings.Replace(f.Content, `"email": ""`, `"email": "two@example.com"`, 1)

	res, body = ts.send("PUT", target, v1)
	expect(t, res, body, 428, "input")

	// Someone else (4D, an editor) writes the file after we read it.
	if err := os.WriteFile(filepath.Join(ts.dir, contactPath), []byte(v2), 0o644); err != nil {
		t.Fatal(err)
	}
	res, body = ts.send("PUT", target, v1, "If-Match", `"`+f.ETag+`"`)
	expect(t, res, body, 412, "conflict")
	if data, _ := os.ReadFile(filepath.Join(ts.dir, contactPath)); string(data) != v2 {
		t.Fatal("a refused PUT changed the file")
	}
	// Reload, then save.
	res, body = ts.send("GET", target, "")
	expect(t, res, body, 200, "")
	decodeJSON(t, body, &f)
	if f.Content != v2 {
		t.Fatalf("the reload reads %q, want what was written on disk", f.Content)
	}
	res, body = ts.send("PUT", target, v1, "If-Match", f.ETag) // bare, as typed with curl
	expect(t, res, body, 200, "")
	// Overwrite whatever is there.
	res, body = ts.send("PUT", target, v2, "If-Match", "*")
	expect(t, res, body, 200, "")
	// Create only.
	res, body = ts.send("PUT", target, v2, "If-None-Match", "*")
	expect(t, res, body, 412, "conflict")
	fresh := "/api/file?path=" + contactApp + "/abcdef0123"
	res, body = ts.send("PUT", fresh, v2, "If-None-Match", "*")
	expect(t, res, body, 200, "")

	for _, hdr := range [][]string{
		{"If-Match", `W/"` + f.ETag + `"`},
		{"If-Match", `"a", "b"`},
		{"If-Match", `"unterminated`},
		{"If-None-Match", `"x"`},
		{"If-Match", `"x"`, "If-None-Match", "*"},
	} {
		res, body = ts.send("PUT", target, v1, hdr...)
		expect(t, res, body, 400, "input")
	}
	res, body = ts.send("PUT", target, "\xff\xfe not utf-8", "If-Match", "*")
	expect(t, res, body, 400, "input")

	// DELETE with a stale If-Match keeps the file.
	res, body = ts.send("DELETE", fresh, "", "If-Match", `"0000000000000000"`)
	expect(t, res, body, 412, "conflict")
	res, body = ts.send("DELETE", fresh, "", "If-Match", `"`+core.ETag([]byte(v2))+`"`)
	expect(t, res, body, 200, "")
}

// -readonly refuses every change (403, kind readonly) and says so in the state.
func TestReadonly(t *testing.T) {
	ts := startFolder(t, Config{Readonly: true})
	before, _ := os.ReadFile(filepath.Join(ts.dir, contactPath))
	res, body := ts.send("GET", "/api/state", "")
	expect(t, res, body, 200, "")
	var st stateDoc
	decodeJSON(t, body, &st)
	if !st.Readonly {
		t.Fatal("state.readonly is false")
	}
	res, body = ts.send("GET", "/api/file?path="+contactPath, "")
	expect(t, res, body, 200, "")
	etag := res.Header.Get("ETag")
	for _, c := range []struct{ method, target, body, ifMatch string }{
		{"PUT", "/api/file?path=" + contactPath, "{}", etag},
		{"PUT", "/api/file?path=" + contactPath, "{}", "*"},
		{"DELETE", "/api/file?path=" + contactPath, "", ""},
		{"DELETE", "/api/file?path=", "", ""},
		{"POST", "/api/write", `{"path":"` + contactPath + `","content":"{}"}`, ""},
		{"POST", "/api/remove", `{"path":""}`, ""},
		{"POST", "/api/setStatus", `{"path":"` + contactPath + `","status":"pending"}`, ""},
		{"POST", "/api/create", `{"applicationId":"com.example.x","status":"pending"}`, ""},
		{"POST", "/api/fix", `{"path":"` + contactPath + `"}`, ""},
	} {
		hdr := []string{}
		if c.ifMatch != "" {
			hdr = []string{"If-Match", c.ifMatch}
		}
		res, body := ts.send(c.method, c.target, c.body, hdr...)
		expect(t, res, body, 403, "readonly")
	}
	if after, _ := os.ReadFile(filepath.Join(ts.dir, contactPath)); !bytes.Equal(before, after) {
		t.Fatal("a read-only server changed a file")
	}
	// A refresh changes the memory, not the folder: allowed.
	res, body = ts.send("POST", "/api/refresh", "{}")
	expect(t, res, body, 200, "")
}

// Bodies and headers are bounded.
func TestLimits(t *testing.T) {
	ts := startFolder(t, Config{MaxBody: 1024})
	big := strings.Repeat("x", 2048)
	res, body := ts.send("PUT", "/api/file?path="+contactPath, big, "If-Match", "*")
	expect(t, res, body, 413, "input")
	res, body = ts.send("POST", "/api/read", `{"path":"`+big+`"}`)
	expect(t, res, body, 413, "input")
	res, body = ts.send("PUT", "/api/file?path="+contactPath, strings.Repeat(" ", 1000)+"{}", "If-Match", "*")
	expect(t, res, body, 200, "")

	req := ts.request("GET", "/api/state", nil)
	req.Header.Set("X-Big", strings.Repeat("y", maxHeaderBytes+8192))
	res, body = ts.do(req)
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !bytes.Contains(body, []byte("Request Header Fields Too Large")) {
		t.Fatalf("a %d KiB header: status %d, body %s", maxHeaderBytes>>10, res.StatusCode, body)
	}
}

// -max-file-size: a larger file on disk is an error (mobi 2, unread), and a save larger than that is refused
// with the reason.
func TestMaxFileSize(t *testing.T) {
	ts := startFolder(t, Config{MaxFileSize: 100})
	res, body := ts.send("GET", "/api/state", "")
	expect(t, res, body, 200, "")
	var st struct {
		Disk struct {
			Errors []struct {
				Path  string `json:"path"`
				Code  int    `json:"code"`
				Cause string `json:"cause"`
			} `json:"errors"`
		} `json:"disk"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	var tooLarge bool
	for _, e := range st.Disk.Errors {
		if e.Path == contactPath {
			tooLarge = e.Code == 2 && strings.Contains(e.Cause, "over the 100 B limit")
			t.Log(e.Cause)
		}
	}
	if !tooLarge {
		t.Errorf("%s (larger than 100 bytes) is not reported as too large: %s", contactPath, body)
	}
	res, body = ts.send("PUT", "/api/file?path="+contactPath, `{"status":"`+strings.Repeat("x", 200)+`"}`, "If-Match", "*")
	expect(t, res, body, 400, "input")
	if !strings.Contains(string(body), "over the 100 B limit") {
		t.Errorf("the refused save does not say why: %s", body)
	}
}

// At start the server removes what saves killed mid-way left (when it may write), and only that.
func TestStartRemovesStaleTemps(t *testing.T) {
	for _, readonly := range []bool{false, true} {
		dir := copySample(t)
		stale := filepath.Join(dir, contactApp, ".7023d9205074199d1c16fc00d24354e778137675.tmp-123")
		if err := os.WriteFile(stale, []byte("half a save"), 0o644); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Hour)
		if err := os.Chtimes(stale, old, old); err != nil {
			t.Fatal(err)
		}
		startFolder(t, Config{Dir: dir, Readonly: readonly})
		if _, err := os.Stat(stale); readonly != (err == nil) {
			t.Errorf("readonly %v: stat of the stale temporary file after start: %v", readonly, err)
		}
	}
}

// POST /api/fix applies the fix the engine proposes for a file read with its ETag: a move lands at the path the
// content gives, and the file passes.
func TestAPIFix(t *testing.T) {
	ts := startFolder(t, Config{})
	const misplaced = "FAKETEAMID.com.4d.tasks/1234567890abcdef1234567890abcdef12345678"
	res, body := ts.send("GET", "/api/file?path="+misplaced, "")
	expect(t, res, body, 200, "")
	var f struct {
		ETag    string `json:"etag"`
		Actions struct {
			Fix struct{ Kind, To string }
		}
	}
	decodeJSON(t, body, &f)
	if f.Actions.Fix.Kind != "move" || f.Actions.Fix.To == "" {
		t.Fatalf("the fix offered: %+v", f.Actions.Fix)
	}
	res, body = ts.send("POST", "/api/fix", `{"path":"`+misplaced+`","etag":"stale"}`)
	expect(t, res, body, 409, "conflict")
	res, body = ts.send("POST", "/api/fix", `{"path":"`+misplaced+`","etag":"`+f.ETag+`"}`)
	expect(t, res, body, 200, "")
	var fixed fileAndDelta
	decodeJSON(t, body, &fixed)
	if fixed.File.Path != f.Actions.Fix.To || fixed.Delta.diskStatus(f.Actions.Fix.To) == "" {
		t.Fatalf("after the fix: %s, status %q", fixed.File.Path, fixed.Delta.diskStatus(f.Actions.Fix.To))
	}
	if _, err := os.Stat(filepath.Join(ts.dir, misplaced)); !os.IsNotExist(err) {
		t.Errorf("the misplaced file is still there: %v", err)
	}
}
