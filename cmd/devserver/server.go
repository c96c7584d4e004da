package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/report"
)

// Config is what the command line decides.
type Config struct {
	Dir         string   // the MobileApps folder (server mode); "" for browser mode
	Fs          afero.Fs // where Dir is: the system's disk when nil (tests give one that fails on cue)
	WasmDir     string   // where `make wasm` put mobisess.wasm and wasm_exec.js (browser mode only)
	AllowHosts  []string
	Readonly    bool
	AutoRefresh bool
	Lang        i18n.Lang
	Schema      *core.Schema
	Poll        time.Duration
	MaxFileSize int64 // a larger session file fails as not well formed, unread (0: core.DefaultLimits)
	MaxBody     int64 // 0: room for the largest file a save may write
	MaxStreams  int
	MaxHeavy    int // requests that read the whole folder (a state, a download, a refresh) at once; 0: defaultMaxHeavy
	Timeouts    Timeouts
	// Token is what every request of the API must carry (server mode): the page takes it from the address the
	// server prints. Generated when empty.
	Token string
	Log   io.Writer
}

// Timeouts of the HTTP server. There is no server-wide WriteTimeout: it would cut the event streams, so each
// request gets its own write deadline (Write; the streams set one per event).
type Timeouts struct {
	ReadHeader, Read, Idle, Write, Shutdown time.Duration
	// Busy is how long a request that reads the whole folder waits for its turn before it is answered 503.
	Busy time.Duration
}

// Defaults for what the command line leaves unset.
var (
	defaultTimeouts = Timeouts{ReadHeader: 5 * time.Second, Read: 30 * time.Second, Idle: 2 * time.Minute,
		Write: time.Minute, Shutdown: 5 * time.Second, Busy: 10 * time.Second}
	defaultMaxBody    int64 = 8 << 20
	defaultMaxStreams       = 16
	defaultMaxHeavy         = 2 // the machines it runs on have a few cores; each of these requests keeps them busy
	maxHeaderBytes          = 64 << 10
)

// Server is the console's web server: static files in both modes, the HTTP API and the watcher in server
// mode.
type Server struct {
	cfg    Config
	mode   string
	token  string // "" in browser mode, which has no API
	assets map[string]*asset
	ws     *console.Workspace // nil in browser mode
	svc    *console.Service   // runs the console's methods on ws
	hub    *hub
	watch  *watcher
	hosts  map[string]bool // the Host headers that name this server; set when it listens
	heavy  chan struct{}   // a slot per request that reads the whole folder
	states sharedStates
	// autoRefresh is Settings.AutoRefresh: -auto-refresh at start, then what a page sets.
	autoRefresh atomic.Bool
}

// NewServer prepares a server: it loads the console and, with a folder, the engine's memory of it.
func NewServer(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = core.DefaultLimits.MaxFileSize
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = max(defaultMaxBody, cfg.MaxFileSize+1<<20) // a save carries one file
	}
	if cfg.MaxStreams <= 0 {
		cfg.MaxStreams = defaultMaxStreams
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	cfg.Timeouts = withDefaults(cfg.Timeouts)
	if cfg.MaxHeavy <= 0 {
		cfg.MaxHeavy = defaultMaxHeavy
	}
	s := &Server{cfg: cfg, mode: "browser", hub: newHub(cfg.MaxStreams), heavy: make(chan struct{}, cfg.MaxHeavy)}
	s.autoRefresh.Store(cfg.AutoRefresh)
	meta := pageMeta{Mode: "browser", Autoload: "sample"}
	if cfg.Dir != "" {
		s.mode = "server"
		if s.token = cfg.Token; s.token == "" {
			var b [32]byte
			if _, err := rand.Read(b[:]); err != nil {
				return nil, err
			}
			s.token = hex.EncodeToString(b[:])
		}
		// The page holds no token: it takes it from the address the server printed (web/transport.js).
		meta = pageMeta{Mode: "server"}
		fsys := cfg.Fs
		if fsys == nil {
			fsys = afero.NewOsFs()
		}
		// What a save could not do as asked (the owner of a file, which this process may not give back) goes to the log.
		core.SetWriteNotice(func(path, msg string) { s.logf("%s: %s", path, msg) })
		if !cfg.Readonly { // before the watcher's first look, so that the removal is not announced as a change
			if n := core.RemoveStaleTemps(fsys, cfg.Dir); n > 0 {
				s.logf("removed %d temporary files left by saves that were interrupted", n)
			}
		}
		// The watcher's first look comes before the load: a change made after the load is never missed (one
		// made between the two is announced though the load saw it, which costs a needless reload at most).
		s.watch = &watcher{fs: fsys, root: cfg.Dir, interval: cfg.Poll, onChange: s.diskChanged, logf: s.logf}
		s.watch.poll()
		checker := core.NewChecker(core.CheckerOptions{Schema: cfg.Schema, Limits: core.Limits{MaxFileSize: cfg.MaxFileSize}})
		ws, err := console.NewWorkspace(ctx, fsys, cfg.Dir, checker,
			console.WorkspaceOptions{Source: cfg.Dir, Mode: "server", Readonly: cfg.Readonly, Lang: cfg.Lang})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.Dir, err)
		}
		s.ws, s.svc = ws, console.NewService(ws, console.Options{})
	}
	var err error
	if s.assets, err = loadAssets(meta, cfg.WasmDir, s.mode == "browser"); err != nil {
		return nil, err
	}
	return s, nil
}

func withDefaults(t Timeouts) Timeouts {
	d := defaultTimeouts
	for _, p := range []struct{ v, def *time.Duration }{
		{&t.ReadHeader, &d.ReadHeader}, {&t.Read, &d.Read}, {&t.Idle, &d.Idle}, {&t.Write, &d.Write}, {&t.Shutdown, &d.Shutdown},
		{&t.Busy, &d.Busy},
	} {
		if *p.v <= 0 {
			*p.v = *p.def
		}
	}
	return t
}

// logf writes a line to the log, escaped: the errors it reports name files, and a name may hold anything.
func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.cfg.Log, "devserver: %s\n", report.Printable(fmt.Sprintf(format, args...)))
}

// diskChanged is the watcher's callback, for changes made on disk (tab "") or through the API by a page's tab:
// with -auto-refresh it runs a refresh first, so that a page reloading on the `disk` event already sees the
// refreshed memory; then it tells every page, which ignores the changes of its own tab.
func (s *Server) diskChanged(paths []string, tab string) {
	s.states.changed()
	s.tellEngine(paths, tab)
	var refreshed *core.RefreshReport
	if s.autoRefresh.Load() {
		var err error
		if refreshed, err = s.ws.Refresh(context.Background()); err != nil {
			s.logf("auto-refresh: %v", err)
		}
	}
	s.hub.publish("disk", diskEvent{Paths: paths, Tab: tab})
	if refreshed != nil {
		s.hub.publish("refresh", console.Shown(refreshed)) // as the refresh method answers it: unchanged counted
	}
}

// bind records the addresses that name this server, for the Host check. A browser tricked by DNS rebinding
// sends the attacker's host name, which is not among them.
func (s *Server) bind(addr net.Addr) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return
	}
	names := []string{"localhost", "127.0.0.1", "::1"}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsUnspecified() {
		// Bound to every interface (-allow-remote): the machine's own addresses and name.
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					names = append(names, n.IP.String())
				}
			}
		}
		if h, err := os.Hostname(); err == nil {
			names = append(names, h)
		}
	} else {
		names = append(names, host)
	}
	names = append(names, s.cfg.AllowHosts...)
	s.hosts = map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.Trim(n, "[]"))
		s.hosts[net.JoinHostPort(n, port)] = true
		if port == "80" {
			s.hosts[hostForm(n)] = true // browsers leave the default port out
		}
	}
}

func hostForm(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// ServeHTTP checks who is asking, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !s.hosts[strings.ToLower(r.Host)] {
		writeError(w, refuse(http.StatusMisdirectedRequest, kindForbidden,
			fmt.Sprintf("this server does not answer for host %q", r.Host)), false)
		return
	}
	if !safeMethod(r.Method) {
		if err := s.checkSameOrigin(r); err != nil {
			writeError(w, err, false)
			return
		}
	}
	if r.URL.Path != "/api/events" {
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.Timeouts.Write))
	}
	if r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
		if err := s.checkToken(r); err != nil {
			writeError(w, err, false)
			return
		}
		s.serveAPICompressed(w, r)
		return
	}
	s.serveAsset(w, r)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead
}

// checkToken refuses a request of the API (server mode) that does not carry the run's token in
// X-Mobisess-Token: only whoever started the server has it, from the address it printed. Whoever else reaches
// the port (another account of the machine, a page of another site) reads and changes nothing. Browser mode has
// no API, and nothing to guard.
func (s *Server) checkToken(r *http.Request) error {
	if s.token == "" {
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Mobisess-Token")), []byte(s.token)) != 1 {
		return refuse(http.StatusUnauthorized, kindUnauthorized,
			"missing or wrong X-Mobisess-Token: open the address the dev server printed when it started (http://…/?token=…)")
	}
	return nil
}

// checkSameOrigin refuses a mutating request unless it carries the run's token (only the page has it) and
// comes from the server's own origin (so another site cannot make a browser send it).
func (s *Server) checkSameOrigin(r *http.Request) error {
	if s.token == "" {
		return refuse(http.StatusForbidden, kindForbidden, "this server accepts no changes (browser mode)")
	}
	if err := s.checkToken(r); err != nil {
		return err
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	u, err := url.Parse(origin)
	if origin == "" || err != nil || u.Scheme != "http" || !strings.EqualFold(u.Host, r.Host) || u.User != nil {
		return refuse(http.StatusForbidden, kindForbidden, "the request does not come from this server's page (Origin)")
	}
	return nil
}

// httpServer is the server with its limits.
func (s *Server) httpServer() *http.Server {
	t := s.cfg.Timeouts
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(s.cfg.Log, "devserver: http: ", 0),
	}
}

// Serve answers on ln until ctx ends, then shuts down gracefully: event streams are ended, requests under
// way finish (within Timeouts.Shutdown), the watcher stops.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.bind(ln.Addr())
	hs := s.httpServer()
	hs.RegisterOnShutdown(s.hub.close)
	wctx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	if s.watch != nil {
		go func() {
			defer close(watched)
			s.watch.run(wctx)
		}()
	} else {
		close(watched)
	}
	defer func() {
		stopWatch()
		<-watched
	}()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		s.hub.close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeouts.Shutdown)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		hs.Close()
	}
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
