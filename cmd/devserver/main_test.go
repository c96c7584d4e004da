package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an output the test reads while run writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startRun runs the command in the background and returns its URL once it listens.
func startRun(t *testing.T, args ...string) (url string, stdout, stderr *syncBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, stdout, stderr) }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stdout, stderr, func() int { cancel(); return <-done }
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("exited with %d: %s%s", code, stdout, stderr)
		default:
		}
	}
	cancel()
	t.Fatalf("not listening: %s%s", stdout, stderr)
	return
}

func getWithToken(t *testing.T, url, token string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Mobisess-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// MOBISESS_TOKEN is the token, for scripts and tests: it works, and it is written nowhere, the address it
// prints included.
func TestRunTokenFromEnvironment(t *testing.T) {
	const token = "a-token-for-scripts.0123"
	t.Setenv("MOBISESS_TOKEN", token)
	url, stdout, stderr, stop := startRun(t, "-addr", "127.0.0.1:0", "-dir", copySample(t), "-wasm-dir", t.TempDir())
	base, _, _ := strings.Cut(url, "?")
	if res := getWithToken(t, base+"api/state", token); res.StatusCode != 200 {
		t.Fatalf("GET /api/state with MOBISESS_TOKEN: %d", res.StatusCode)
	}
	if res := getWithToken(t, base+"api/state", "x"+token); res.StatusCode != 401 {
		t.Fatalf("GET /api/state with another token: %d", res.StatusCode)
	}
	stop()
	if out := stdout.String() + stderr.String(); strings.Contains(out, token) || !strings.Contains(out, "?token=…") {
		t.Errorf("the output shows the token, or no address:\n%s", out)
	}
	for _, bad := range []string{"short", "has spaces in it here", "non-ascii-éééééééééééé"} {
		t.Setenv("MOBISESS_TOKEN", bad)
		var out, errOut syncBuffer
		if code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-dir", copySample(t)}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "MOBISESS_TOKEN must be") {
			t.Errorf("MOBISESS_TOKEN=%q: exit %d, %s", bad, code, errOut.String())
		}
	}
}

func TestRunServerMode(t *testing.T) {
	dir := copySample(t)
	url, stdout, _, stop := startRun(t, "-addr", "127.0.0.1:0", "-dir", dir, "-readonly", "-wasm-dir", t.TempDir())
	if !strings.Contains(stdout.String(), "server mode, "+dir+", read-only") {
		t.Errorf("stdout: %s", stdout)
	}
	base, token, ok := strings.Cut(url, "?token=")
	if !ok || len(token) != 64 || !strings.HasSuffix(base, "/") {
		t.Fatalf("the address %q holds no token", url)
	}
	if res := getWithToken(t, base+"api/state", token); res.StatusCode != 200 {
		t.Fatalf("GET /api/state: %d", res.StatusCode)
	}
	if res := getWithToken(t, base+"api/state", ""); res.StatusCode != 401 {
		t.Fatalf("GET /api/state without the token: %d", res.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d after a graceful stop", code)
	}
	if !strings.Contains(stdout.String(), "stopped") {
		t.Errorf("stdout: %s", stdout)
	}
}

func TestRunRemote(t *testing.T) {
	var stdout, stderr syncBuffer
	if code := run(context.Background(), []string{"-addr", "0.0.0.0:0", "-dir", t.TempDir()}, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "-allow-remote") {
		t.Fatalf("a remote address without -allow-remote: exit %d, %s", code, stderr.String())
	}
	_, _, errOut, stop := startRun(t, "-addr", "0.0.0.0:0", "-allow-remote", "-readonly", "-dir", t.TempDir())
	if !strings.Contains(errOut.String(), "WARNING") {
		t.Errorf("no warning: %s", errOut)
	}
	stop()
}

func TestRunUsage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for _, args := range [][]string{
		{"-dir", file},
		{"-lang", "de"},
		{"-addr", "nonsense"},
		{"extra"},
		{"-nosuchflag"},
		{"-schema", filepath.Join(t.TempDir(), "none.json")},
	} {
		var stdout, stderr syncBuffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, %s", args, code, stderr.String())
		}
	}
	var stdout, stderr syncBuffer
	if code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-wasm-dir", filepath.Join(t.TempDir(), "none")}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "make wasm") {
		t.Errorf("browser mode without the wasm build: exit %d, %s", code, stderr.String())
	}
}
