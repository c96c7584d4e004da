//go:build js && wasm

package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/i18n"
)

type outcome struct {
	json  string
	bytes []byte
	err   string // the rejection's message: a JSON {"message","kind"}
}

// invoke calls mobisess.call as the worker does and waits for the Promise.
func invoke(t *testing.T, engine js.Value, method, params string, data []byte) outcome {
	t.Helper()
	args := []any{method, params}
	if data != nil {
		b := js.Global().Get("Uint8Array").New(len(data))
		js.CopyBytesToJS(b, data)
		args = append(args, b)
	}
	done := make(chan outcome, 1)
	onOK := js.FuncOf(func(_ js.Value, v []js.Value) any {
		o := outcome{json: v[0].Get("json").String()}
		if b := v[0].Get("bytes"); b.Truthy() {
			o.bytes = make([]byte, b.Get("length").Int())
			js.CopyBytesToGo(o.bytes, b)
		}
		done <- o
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, v []js.Value) any {
		done <- outcome{err: v[0].Get("message").String()}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	engine.Call("call", args...).Call("then", onOK, onErr)
	return <-done
}

func newEngine(t *testing.T) js.Value {
	holder := js.Global().Get("Object").New()
	return register(holder)
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func session(app, team, id, status string) string {
	tok := core.EncodeToken(core.Token{AppNameID: app, ID: id, TeamID: team})
	return fmt.Sprintf(`{"application":{"id":%q},"team":{"id":%q},"session":{"id":%q},"status":%q,"token":%q}`, app, team, id, status, tok)
}

func TestOpenSampleReturnsState(t *testing.T) {
	engine := newEngine(t)
	o := invoke(t, engine, "openSample", `{"lang":"fr"}`, nil)
	if o.err != "" {
		t.Fatal(o.err)
	}
	var st console.State
	if err := json.Unmarshal([]byte(o.json), &st); err != nil {
		t.Fatal(err)
	}
	if st.Lang != i18n.French || len(st.Disk.Sessions) == 0 || len(st.Disk.Errors) != 4 || st.Memory.Count != len(st.Disk.Sessions) || len(st.Memory.SameAsDisk) != st.Memory.Count {
		t.Fatalf("state: lang %s, %d sessions, %d errors, memory %+v", st.Lang, len(st.Disk.Sessions), len(st.Disk.Errors), st.Memory)
	}
	if !strings.HasPrefix(st.Disk.Errors[0].Message.String(), "L'emplacement") {
		t.Errorf("messages are not in French: %q", st.Disk.Errors[0].Message)
	}
}

func TestOpenZipEditRefreshDownload(t *testing.T) {
	engine := newEngine(t)
	const app, team, id = "com.example.app", "TEAM123456", "abcdef0123456789abcdef0123456789abcdef01"
	path := team + "." + app + "/" + id
	data := zipOf(t, map[string]string{"MobileApps/" + path: session(app, team, id, "pending")})

	var progress []string
	engine.Set("onProgress", js.FuncOf(func(_ js.Value, v []js.Value) any {
		progress = append(progress, v[0].String())
		return nil
	}))
	o := invoke(t, engine, "openZip", `{"name":"sessions.zip","lang":"en"}`, data)
	if o.err != "" {
		t.Fatal(o.err)
	}
	if !strings.Contains(o.json, `"status":"pending"`) || len(progress) == 0 {
		t.Fatalf("openZip: %s; progress %v", o.json, progress)
	}

	o = invoke(t, engine, "read", fmt.Sprintf(`{"path":%q}`, path), nil)
	var f console.File
	if err := json.Unmarshal([]byte(o.json), &f); err != nil || f.ETag == "" {
		t.Fatalf("read: %v %s %s", err, o.json, o.err)
	}
	o = invoke(t, engine, "setStatus", fmt.Sprintf(`{"path":%q,"status":"accepted","etag":%q}`, path, f.ETag), nil)
	if o.err != "" {
		t.Fatal(o.err)
	}
	o = invoke(t, engine, "refresh", `{}`, nil)
	var refreshed struct {
		Report core.RefreshReport `json:"report"`
	}
	if err := json.Unmarshal([]byte(o.json), &refreshed); err != nil {
		t.Fatal(err, o.err)
	}
	if len(refreshed.Report.Updated) != 1 || refreshed.Report.Updated[0].Changes[0].Pointer != "/status" {
		t.Fatalf("refresh report: %s", o.json)
	}

	o = invoke(t, engine, "download", `{}`, nil)
	zr, err := zip.NewReader(bytes.NewReader(o.bytes), int64(len(o.bytes)))
	if err != nil {
		t.Fatalf("download is not a zip: %v (%s)", err, o.err)
	}
	found := false
	for _, zf := range zr.File {
		if zf.Name == "MobileApps/"+path {
			rc, _ := zf.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			found = strings.Contains(b.String(), `"status":"accepted"`)
		}
	}
	if !found {
		t.Fatal("the downloaded zip does not hold the accepted session")
	}
}

// The edits of a zip, as the page keeps them (the edits method's JSON, content in base64), re-open the zip as
// it was left: the JSON the engine gives is the JSON it takes.
func TestEditsCrossTheGlue(t *testing.T) {
	engine := newEngine(t)
	const app, team, id = "com.example.app", "TEAM123456", "abcdef0123456789abcdef0123456789abcdef01"
	path := team + "." + app + "/" + id
	data := zipOf(t, map[string]string{"MobileApps/" + path: session(app, team, id, "pending")})
	if o := invoke(t, engine, "openZip", `{"name":"kept.zip","lang":"en"}`, data); o.err != "" {
		t.Fatal(o.err)
	}
	o := invoke(t, engine, "read", fmt.Sprintf(`{"path":%q}`, path), nil)
	var f console.File
	if err := json.Unmarshal([]byte(o.json), &f); err != nil {
		t.Fatal(err, o.err)
	}
	if o := invoke(t, engine, "setStatus", fmt.Sprintf(`{"path":%q,"status":"accepted","etag":%q}`, path, f.ETag), nil); o.err != "" {
		t.Fatal(o.err)
	}
	o = invoke(t, engine, "edits", `{"since":0}`, nil)
	var set struct {
		Edits         json.RawMessage `json:"edits"`
		NotDownloaded int             `json:"notDownloaded"`
	}
	if err := json.Unmarshal([]byte(o.json), &set); err != nil || set.NotDownloaded != 1 {
		t.Fatalf("edits: %v %s %s", err, o.json, o.err)
	}
	again := newEngine(t)
	if o := invoke(t, again, "openZip", fmt.Sprintf(`{"name":"kept.zip","lang":"en","edits":%s}`, set.Edits), data); o.err != "" {
		t.Fatal(o.err)
	}
	o = invoke(t, again, "read", fmt.Sprintf(`{"path":%q}`, path), nil)
	if !strings.Contains(o.json, `\"status\":\"accepted\"`) {
		t.Fatalf("the re-opened zip: %s %s", o.json, o.err)
	}
}

func TestErrorsRejectWithKind(t *testing.T) {
	engine := newEngine(t)
	cases := []struct {
		method, params, kind, contains string
		data                           []byte
	}{
		{"openZip", `{"name":"photo.zip"}`, "input", "not a readable zip archive", []byte("this is not a zip")},
		{"state", `{}`, "input", "no folder is open", nil},
		{"openSample", `{"lang":"de"}`, "input", "unknown language", nil},
		{"openSample", `{"bogus":1}`, "input", "bad parameters", nil},
	}
	for _, c := range cases {
		o := invoke(t, engine, c.method, c.params, c.data)
		var e struct{ Message, Kind string }
		if err := json.Unmarshal([]byte(o.err), &e); err != nil {
			t.Fatalf("%s: rejection is not JSON: %q (result %s)", c.method, o.err, o.json)
		}
		if e.Kind != c.kind || !strings.Contains(e.Message, c.contains) {
			t.Errorf("%s %s: got %+v, want kind %s and %q", c.method, c.params, e, c.kind, c.contains)
		}
	}
	invoke(t, engine, "openSample", `{}`, nil)
	o := invoke(t, engine, "read", `{"path":"../etc/passwd"}`, nil)
	if !strings.Contains(o.err, `"kind":"input"`) {
		t.Errorf("a path out of the folder: %q", o.err)
	}
	o = invoke(t, engine, "frobnicate", `{}`, nil)
	if !strings.Contains(o.err, "unknown method") {
		t.Errorf("unknown method: %q", o.err)
	}
}

// warmUp works in an engine of its own: the folder the page has open is the same before and after.
func TestWarmUpLeavesTheOpenFolderAlone(t *testing.T) {
	engine := newEngine(t)
	app, team, id := "com.example.warm", "TEAM1", "0123456789abcdef0123456789abcdef"
	zipped := zipOf(t, map[string]string{"MobileApps/" + team + "." + app + "/" + id: session(app, team, id, "accepted")})
	if o := invoke(t, engine, "openZip", `{"name":"mine.zip"}`, zipped); o.err != "" {
		t.Fatal(o.err)
	}
	before := invoke(t, engine, "state", "", nil)

	done := make(chan string, 1)
	onOK := js.FuncOf(func(js.Value, []js.Value) any { done <- ""; return nil })
	onErr := js.FuncOf(func(_ js.Value, v []js.Value) any { done <- v[0].Get("message").String(); return nil })
	defer onOK.Release()
	defer onErr.Release()
	engine.Call("warmUp", 3).Call("then", onOK, onErr)
	if msg := <-done; msg != "" {
		t.Fatalf("warmUp rejected: %s", msg)
	}

	after := invoke(t, engine, "state", "", nil)
	if before.err != "" || after.err != "" || before.json != after.json {
		t.Errorf("the open folder changed with the warm-up:\nbefore %.300s (%s)\nafter  %.300s (%s)", before.json, before.err, after.json, after.err)
	}
	if !strings.Contains(after.json, `"source":"mine.zip"`) {
		t.Errorf("the state is not the zip's: %.300s", after.json)
	}
}

// bigZip is a zip of hundreds of session files, one of them broken.
func bigZip(t *testing.T) []byte {
	files := map[string]string{}
	for i := range 600 {
		app, team, id := fmt.Sprintf("com.example.app%d", i%3), "TEAM1", fmt.Sprintf("%040x", i)
		files["MobileApps/"+team+"."+app+"/"+id] = session(app, team, id, "accepted")
	}
	files["MobileApps/TEAM1.com.example.app0/"+fmt.Sprintf("%040x", 9999)] = `{"broken":`
	return zipOf(t, files)
}

// A zip of hundreds of files opens in place: every file is checked, the broken one among them.
func TestOpenZipOfManyFiles(t *testing.T) {
	got := invoke(t, newEngine(t), "openZip", `{"name":"big.zip"}`, bigZip(t))
	if got.err != "" || !strings.Contains(got.json, `"errors":[{`) || !strings.Contains(got.json, `"sessions":[{`) {
		t.Fatalf("openZip: %.300s %s", got.json, got.err)
	}
	var st struct {
		Disk struct {
			Summary struct{ Files, Sessions, Errors int }
		}
	}
	if err := json.Unmarshal([]byte(got.json), &st); err != nil {
		t.Fatal(err)
	}
	if s := st.Disk.Summary; s.Errors != 1 || s.Sessions+s.Errors != s.Files || s.Files < 600 {
		t.Errorf("summary %+v: want every file checked, one of them broken", s)
	}
}

// The collector is held back while a zip opens, and only then: once openZip has answered, failed or not, it is
// as before, also after two opens at once.
func TestOpenZipRestoresTheCollector(t *testing.T) {
	engine := newEngine(t)
	restored := func(when string) {
		t.Helper()
		time.Sleep(10 * collectorReleaseDelay) // the collector is let go by a timer after the answer
		if p := debug.SetGCPercent(100); p != 100 {
			t.Errorf("GOGC %s: %d, want 100", when, p)
		}
		if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
			t.Errorf("memory limit %s: %d, want none", when, l)
		}
	}
	for _, data := range [][]byte{bigZip(t), []byte("not a zip")} {
		invoke(t, engine, "openZip", `{"name":"x.zip"}`, data)
		restored("after openZip")
	}
	release := holdCollectorBack(1 << 20)
	invoke(t, engine, "openZip", `{"name":"x.zip"}`, bigZip(t))
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GOGC while a second open holds the collector: %d, want -1", p)
	}
	release()
	restored("after two opens")
}
