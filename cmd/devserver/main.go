// Command devserver serves the mobisess console.
//
// Without -dir it is browser mode: the page, the engine's wasm build and Go's wasm_exec.js; the engine runs in
// the page and opens the embedded sample. With -dir PATH it is server mode: the same page drives the engine
// natively over a real MobileApps folder through the HTTP API of docs/api.md, and is told of changes made on
// disk (by 4D, by an editor) as they happen.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/internal/buildinfo"
)

const usage = `devserver serves the mobisess console.

Usage:
  devserver [flags]              browser mode: the engine runs in the page, on the embedded sample
  devserver -dir PATH [flags]    server mode: the console works on the MobileApps folder PATH

In server mode, open the address it prints (http://127.0.0.1:8080/?token=…): the token in it, new at each
start, is what lets a page in. MOBISESS_TOKEN, when set, is the token instead (for scripts and tests; at least
16 characters of A-Z a-z 0-9 . _ ~ -); the address then shows it as "…".

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("devserver", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, usage)
		fl.PrintDefaults()
	}
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on; other than loopback needs -allow-remote")
	dir := fl.String("dir", "", "the MobileApps folder to work on (server mode)")
	wasmDir := fl.String("wasm-dir", "", "browser mode: the folder holding mobisess.wasm and wasm_exec.js (made by `make wasm`); by default the engine built in, else build/web")
	showVersion := fl.Bool("version", false, "print the version and exit")
	allowRemote := fl.Bool("allow-remote", false, "allow -addr to be reachable from other machines")
	allowHosts := fl.String("allow-host", "", "more host names the server answers to (comma-separated), e.g. behind a tunnel")
	readonly := fl.Bool("readonly", false, "refuse every change to the folder")
	autoRefresh := fl.Bool("auto-refresh", false, "run a refresh on each change on disk and push its report")
	lang := fl.String("lang", "en", "language of the engine's messages: en, fr or es")
	schemaPath := fl.String("schema", "", "validate against this JSON schema file instead of the embedded one")
	poll := fl.Duration("poll", 500*time.Millisecond, "the least time between two listings of the whole folder, which catch what change notifications miss (paced to at most 4% of a core); without notifications, how often it is listed")
	maxFileSize := fl.Int64("max-file-size", core.DefaultLimits.MaxFileSize, "server mode: a larger session file fails as not well formed, unread (bytes)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "devserver", buildinfo.Get())
		return 0
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "devserver: unexpected argument %q (the folder goes in -dir)\n", fl.Arg(0))
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "devserver: "+format+"\n", a...)
		return 2
	}
	if *maxFileSize <= 0 {
		return fail("-max-file-size must be positive")
	}
	cfg := Config{WasmDir: *wasmDir, Readonly: *readonly, AutoRefresh: *autoRefresh, Poll: *poll, MaxFileSize: *maxFileSize, Log: stderr}
	var err error
	if cfg.Lang, err = i18n.ParseLang(*lang); err != nil {
		return fail("%v", err)
	}
	if *schemaPath != "" {
		data, err := os.ReadFile(*schemaPath)
		if err != nil {
			return fail("cannot read the schema: %v", err)
		}
		if cfg.Schema, err = core.CompileSchema(*schemaPath, data); err != nil {
			return fail("%v", err)
		}
	}
	for _, h := range strings.Split(*allowHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.AllowHosts = append(cfg.AllowHosts, h)
		}
	}
	if *dir != "" {
		if cfg.Token, err = tokenFromEnv(os.Getenv("MOBISESS_TOKEN")); err != nil {
			return fail("%v", err)
		}
		if cfg.Dir, err = filepath.Abs(*dir); err != nil {
			return fail("%v", err)
		}
		switch info, err := os.Stat(cfg.Dir); {
		case errors.Is(err, os.ErrNotExist):
			// A MobileApps folder deleted, as 4D's example does, is an empty one; a folder whose parent is
			// missing too is a typo.
			if parent, err := os.Stat(filepath.Dir(cfg.Dir)); err != nil || !parent.IsDir() {
				return fail("%s does not exist, nor the folder %s it would be in", cfg.Dir, filepath.Dir(cfg.Dir))
			}
			fmt.Fprintf(stderr, "devserver: %s does not exist (yet): it counts as empty, and is watched\n", cfg.Dir)
		case err != nil:
			return fail("%v", err)
		case !info.IsDir():
			return fail("%s is not a folder (-dir takes a MobileApps folder; for a .zip use browser mode)", cfg.Dir)
		default:
			if err := core.CheckRoot(afero.NewOsFs(), cfg.Dir, core.RootName{Path: cfg.Dir}); err != nil {
				return fail("%v", err)
			}
		}
	}
	loopback, err := isLoopback(*addr)
	if err != nil {
		return fail("-addr %s: %v", *addr, err)
	}
	if !loopback && !*allowRemote {
		return fail("-addr %s is reachable from other machines: add -allow-remote if that is what you want", *addr)
	}

	srv, err := NewServer(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "devserver: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "devserver: %v\n", err)
		return 1
	}
	if !loopback {
		fmt.Fprintf(stderr, "devserver: WARNING: listening on %s, reachable from other machines: whoever reaches it can "+
			"read the folder and, through the page, change it (consider -readonly)\n", ln.Addr())
	}
	what := "browser mode, the embedded sample"
	if cfg.Dir != "" {
		what = "server mode, " + cfg.Dir
		if cfg.Readonly {
			what += ", read-only"
		}
		if cfg.AutoRefresh {
			what += ", auto-refresh"
		}
	}
	page := pageURL(ln.Addr())
	switch {
	case cfg.Dir != "" && cfg.Token != "": // the caller's own token, which is not printed: it is theirs to keep
		page += "?token=…"
		what += ", the token of MOBISESS_TOKEN"
	case cfg.Dir != "":
		page += "?token=" + srv.token
	}
	fmt.Fprintf(stdout, "devserver: %s\nlistening on %s\n", what, page)
	err = srv.Serve(ctx, ln)
	if err != nil {
		fmt.Fprintf(stderr, "devserver: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "devserver: stopped")
	return 0
}

// tokenFromEnv reads MOBISESS_TOKEN: "" (unset) for a token made at start. It goes in headers and in the
// page's address, so it is kept to characters that need no escaping there; and it must not be guessable.
func tokenFromEnv(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	ok := len(v) >= 16
	for _, c := range v {
		ok = ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._~-", c))
	}
	if !ok {
		return "", errors.New("MOBISESS_TOKEN must be at least 16 characters of A-Z a-z 0-9 . _ ~ - (or unset, for a token made at start)")
	}
	return v, nil
}

// isLoopback says whether addr can only be reached from this machine.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback(), nil
}

// pageURL is the address to open in a browser.
func pageURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
