// Command mobisess checks a 4D MobileApps folder (or a .zip of one) as MOBILE APP REFRESH SESSIONS does, and
// shows what a refresh would do between two states of a folder.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/report"
	"github.com/mobisess/mobisess/core/sample"
)

// Exit codes.
const (
	exitOK     = 0
	exitErrors = 1 // at least one mobi error
	exitInput  = 2 // usage or input error
)

// defaultTimeout bounds a check or refresh: 100k sessions take seconds on a local disk, so this only ever stops
// a folder that cannot be read (a dead network share), instead of a CI job that hangs until its own limit.
const defaultTimeout = 10 * time.Minute

const usage = `mobisess checks 4D MobileApps session files as MOBILE APP REFRESH SESSIONS does.

Usage:
  mobisess check   [flags] [PATH]         check every session file of PATH
  mobisess refresh [flags] BEFORE AFTER   load BEFORE as a server does at start, refresh against AFTER
  mobisess version

PATH, BEFORE and AFTER are MobileApps folders or .zip files of one. Without PATH, check runs on the
embedded sample.

Exit status: 0 when every session file passes, 1 when one fails a check (a mobi error), 2 when the
command line or its input cannot be used.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, afero.NewOsFs())
	stop()
	os.Exit(code)
}

type options struct {
	format      report.Format
	lang        core.Lang
	checker     *core.Checker
	timeout     time.Duration
	color       bool
	progress    bool
	positionals []string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitInput
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "mobisess", version())
		return exitOK
	case "help", "-h", "-help", "--help":
		printUsage(stdout)
		return exitOK
	case "check", "refresh":
	default:
		fmt.Fprintf(stderr, "mobisess: unknown command %q (want check, refresh or version)\n", cmd)
		return exitInput
	}
	o, err := parseFlags(args, fsys)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return exitOK
		}
		fmt.Fprintln(stderr, "mobisess:", err)
		return exitInput
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	o.color = isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	o.progress = isTerminal(stderr)
	if cmd == "check" {
		return check(ctx, o, stdout, stderr, fsys)
	}
	return refresh(ctx, o, stdout, stderr, fsys)
}

// flagValues are the flags of check and refresh, as parsed.
type flagValues struct {
	format, schema, lang    *string
	maxFile                 *int64
	maxEntries              *int
	maxZipFile, maxZipTotal *int64
	timeout                 *time.Duration
}

// newFlags defines the flags once, for parsing and for the usage text alike. The flag package prints nothing:
// run reports a parse error in one line and prints the usage on request only.
func newFlags() (*flag.FlagSet, *flagValues) {
	fl := flag.NewFlagSet("mobisess", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	v := &flagValues{
		format:      fl.String("format", "text", "output: text, json, junit, sarif or github"),
		schema:      fl.String("schema", "", "validate against this JSON schema file instead of the embedded one\n(for instance 4D's Resources/JSONSchemas/mobileSessionSchema.json)"),
		lang:        fl.String("lang", defaultLang(), "language of messages: en, fr or es; the default follows\nMOBISESS_LANG, LC_ALL, LC_MESSAGES or LANG"),
		maxFile:     fl.Int64("max-file-size", core.DefaultLimits.MaxFileSize, "a larger session file fails as not well formed (bytes)"),
		maxEntries:  fl.Int("zip-max-entries", core.DefaultZipLimits.MaxEntries, "a zip with more entries is refused"),
		maxZipFile:  fl.Int64("zip-max-file-size", core.DefaultZipLimits.MaxFileSize, "a zip entry that expands to more is refused (bytes)"),
		maxZipTotal: fl.Int64("zip-max-total-size", core.DefaultZipLimits.MaxTotalSize, "a zip that expands to more in all is refused (bytes)"),
		timeout:     fl.Duration("timeout", defaultTimeout, "stop reading the folder after this long, as on a stuck network share (0: no limit)"),
	}
	return fl, v
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	fl, _ := newFlags()
	fl.SetOutput(w)
	fl.PrintDefaults()
}

func parseFlags(args []string, fsys afero.Fs) (*options, error) {
	o := &options{}
	fl, v := newFlags()
	// Flags may come after the paths, as people type them.
	var positionals []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		if fl.NArg() == 0 {
			break
		}
		positionals = append(positionals, fl.Arg(0))
		args = fl.Args()[1:]
	}
	o.positionals = positionals
	var err error
	if o.format, err = report.ParseFormat(*v.format); err != nil {
		return nil, err
	}
	if o.lang, err = core.ParseLang(*v.lang); err != nil {
		return nil, err
	}
	if o.timeout = *v.timeout; o.timeout < 0 {
		return nil, fmt.Errorf("--timeout %v: want a duration of 0 or more", o.timeout)
	}
	var schema *core.Schema
	if *v.schema != "" {
		data, err := afero.ReadFile(fsys, *v.schema)
		if err != nil {
			return nil, fmt.Errorf("cannot read the schema: %w", err)
		}
		if schema, err = core.CompileSchema(*v.schema, data); err != nil {
			return nil, err
		}
	}
	o.checker = core.NewChecker(core.CheckerOptions{Schema: schema, Lang: o.lang, Limits: core.Limits{
		MaxFileSize: *v.maxFile,
		Zip:         core.ZipLimits{MaxEntries: *v.maxEntries, MaxFileSize: *v.maxZipFile, MaxTotalSize: *v.maxZipTotal},
	}})
	return o, nil
}

// defaultLang follows the user's locale when it is one of ours.
func defaultLang() string {
	for _, env := range []string{"MOBISESS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(env); v != "" {
			if l, err := core.ParseLang(v); err == nil {
				return string(l)
			}
		}
	}
	return string(core.English)
}

// open opens a folder or zip named on the command line; "" is the embedded sample.
func open(fsys afero.Fs, path string, o *options) (afero.Fs, string, error) {
	if path == "" {
		return sample.Open()
	}
	return core.OpenPath(fsys, path, o.checker.Limits().Zip)
}

// renderOptions names files, for the formats read by tools, from where they are: under the folder as given on
// the command line; a zip's or the sample's files have no place on disk, so only their path inside.
func (o *options) renderOptions(fsys afero.Fs, path string) report.Options {
	prefix := ""
	if info, err := fsys.Stat(path); path != "" && err == nil && info.IsDir() {
		prefix = strings.TrimSuffix(strings.ReplaceAll(path, `\`, "/"), "/")
	}
	return report.Options{Lang: o.lang, Color: o.color, FilePrefix: prefix}
}

// withProgress shows a progress line on a terminal while a large folder is read: the options of a check that
// report it, and what clears the line.
func (o *options) withProgress(stderr io.Writer, verb string) (core.CheckOptions, func()) {
	if !o.progress {
		return core.CheckOptions{}, func() {}
	}
	shown := false
	progress := func(done, total int) {
		if total < 2000 {
			return
		}
		shown = true
		fmt.Fprintf(stderr, "\r%s %d/%d", verb, done, total)
	}
	return core.CheckOptions{Progress: progress}, func() {
		if shown {
			fmt.Fprint(stderr, "\r\x1b[K")
		}
	}
}

func check(ctx context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(o.positionals) > 1 {
		fmt.Fprintln(stderr, "mobisess: check takes one folder or .zip")
		return exitInput
	}
	path := ""
	if len(o.positionals) == 1 {
		path = o.positionals[0]
	}
	src, root, err := open(fsys, path, o)
	if err != nil {
		fmt.Fprintln(stderr, "mobisess:", err)
		return exitInput
	}
	opts, done := o.withProgress(stderr, "checking")
	// The report is written as the files are checked; what was written before a failure stays written.
	out := &counted{ReportWriter: report.NewCheckWriter(stdout, o.format, o.renderOptions(fsys, path))}
	err = o.checker.CheckTo(ctx, src, root, opts, out)
	done()
	if err != nil {
		fmt.Fprintln(stderr, "mobisess:", o.explain(err))
		return exitInput
	}
	if out.errors > 0 {
		return exitErrors
	}
	return exitOK
}

func refresh(ctx context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(o.positionals) != 2 {
		fmt.Fprintln(stderr, "mobisess: refresh takes two folders or .zip files: BEFORE AFTER")
		return exitInput
	}
	before, after := o.positionals[0], o.positionals[1]
	beforeFs, beforeRoot, err := open(fsys, before, o)
	if err != nil {
		fmt.Fprintln(stderr, "mobisess:", err)
		return exitInput
	}
	afterFs, afterRoot, err := open(fsys, after, o)
	if err != nil {
		fmt.Fprintln(stderr, "mobisess:", err)
		return exitInput
	}
	opts, done := o.withProgress(stderr, "loading")
	reg := core.NewRegistry(o.checker)
	_, err = reg.Load(ctx, beforeFs, beforeRoot, opts)
	done()
	if err != nil {
		fmt.Fprintln(stderr, "mobisess:", o.explain(err))
		return exitInput
	}
	opts, done = o.withProgress(stderr, "refreshing")
	rep, err := reg.Refresh(ctx, afterFs, afterRoot, opts)
	done()
	if err != nil {
		fmt.Fprintln(stderr, "mobisess:", o.explain(err))
		return exitInput
	}
	if err := report.Refresh(stdout, o.format, rep, o.renderOptions(fsys, after)); err != nil {
		fmt.Fprintln(stderr, "mobisess:", err)
		return exitInput
	}
	if len(rep.Errors) > 0 {
		return exitErrors
	}
	return exitOK
}

// counted is a report writer that counts the errors it is given: the exit status.
type counted struct {
	core.ReportWriter
	errors int
}

func (c *counted) File(s *core.Session, e *core.Error) error {
	if e != nil {
		c.errors++
	}
	return c.ReportWriter.File(s, e)
}

// explain says which limit stopped the work, when one did.
func (o *options) explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stopped after --timeout %v, before every file was read (raise it, or 0 for no limit)", o.timeout)
	}
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
