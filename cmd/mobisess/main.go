package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/report"
	"github.com/mobisess/mobisess/core/sample"
)

// Exit codes.
const (
	exitOK     = 0
	exitErrors = 1 // at least one mobi error
	exitInput  = 2 // usage or input error, or a write refused
)

// defaultTimeout bounds a check or refresh: 100k sessions take seconds on a local disk, so this only ever stops
// a folder that cannot be read (a dead network share), instead of a CI job that hangs until its own limit.
const defaultTimeout = 10 * time.Minute

func main() {
	// SIGTERM (CI's timeout, a service manager) is taken as SIGINT: the check stops, a write under way completes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, afero.NewOsFs())
	stop()
	os.Exit(code)
}

type options struct {
	cmd         string
	format      report.Format
	lang        i18n.Lang
	checker     *core.Checker
	timeout     time.Duration
	color       bool
	progress    bool
	positionals []string
	out         string // --out: the zip a command that changes a zip writes
	dir         string // --dir, or --all's folder
	all         bool
	force       bool // delete a folder that holds what 4D does not put in a MobileApps folder
	dryRun      bool
	trust       core.Witness    // fix's --trust
	session     core.NewSession // create's flags
}

// commands are the commands and what runs each.
var commands = map[string]func(context.Context, *options, io.Writer, io.Writer, afero.Fs) int{
	"check":   check,
	"refresh": refresh,
	"fix":     fix,
	"create":  create,
	"accept":  setStatus(core.StatusAccepted),
	"pending": setStatus(core.StatusPending),
	"delete":  remove,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitInput
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "help", "-h", "-help", "--help":
		return help(stdout, stderr, args)
	case "version":
		if len(args) > 0 && isHelpFlag(args[0]) {
			printHelp(stdout, cmd)
			return exitOK
		}
		fmt.Fprintln(stdout, "mobisess", version())
		return exitOK
	}
	command := commands[cmd]
	if command == nil {
		return unknownCommand(stderr, cmd)
	}
	o, err := parseFlags(cmd, args, fsys)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(stdout, cmd)
			return exitOK
		}
		return fail(stderr, err)
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	core.SetWriteNotice(func(path, msg string) { fmt.Fprintf(stderr, "mobisess: warning: %s: %s\n", path, msg) })
	o.color = isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	o.progress = isTerminal(stderr)
	return command(ctx, o, stdout, stderr, fsys)
}

// help prints the overview, or the usage of the command named.
func help(stdout, stderr io.Writer, args []string) int {
	switch {
	case len(args) == 0 || args[0] == "help" || isHelpFlag(args[0]):
		printUsage(stdout)
		return exitOK
	case len(args) > 1:
		return fail(stderr, "help takes one command")
	case commands[args[0]] == nil && args[0] != "version":
		return unknownCommand(stderr, args[0])
	}
	printHelp(stdout, args[0])
	return exitOK
}

func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

func unknownCommand(stderr io.Writer, cmd string) int {
	return fail(stderr, fmt.Sprintf("unknown command %q (want check, refresh, fix, create, accept, pending, delete, version or help)", cmd))
}

// flagValues are the flags, as parsed; a command's flag set defines those of its groups only.
type flagValues struct {
	format, schema, lang    string
	maxFile                 int64
	maxEntries              int
	maxZipFile, maxZipTotal int64
	timeout                 time.Duration
	out, dir, all, trust    string
	dryRun, force           bool
	session                 core.NewSession
}

// flagGroup is flags that a set of commands share, defined once for parsing and for the usage text alike.
type flagGroup struct {
	commands []string // nil: every command but version
	define   func(fl *flag.FlagSet, v *flagValues)
}

var flagGroups = []flagGroup{
	{[]string{"check", "refresh"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.format, "format", "text", "output: text, json, junit, sarif or github")
	}},
	{[]string{"fix", "create", "accept", "pending", "delete"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.format, "format", "text", "output: text or json")
	}},
	{nil, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.lang, "lang", defaultLang(), "language of messages: en, fr or es; the default follows\nMOBISESS_LANG, LC_ALL, LC_MESSAGES or LANG")
		fl.IntVar(&v.maxEntries, "zip-max-entries", core.DefaultZipLimits.MaxEntries, "a zip with more entries is refused")
		fl.Int64Var(&v.maxZipFile, "zip-max-file-size", core.DefaultZipLimits.MaxFileSize, "a zip entry that expands to more is refused (bytes)")
		fl.Int64Var(&v.maxZipTotal, "zip-max-total-size", core.DefaultZipLimits.MaxTotalSize, "a zip that expands to more in all is refused (bytes)")
	}},
	{[]string{"check", "refresh", "fix"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.schema, "schema", "", "validate against this JSON schema file instead of the embedded one\n(for instance 4D's Resources/JSONSchemas/mobileSessionSchema.json)")
		fl.Int64Var(&v.maxFile, "max-file-size", core.DefaultLimits.MaxFileSize, "a larger session file fails as not well formed (bytes)")
		fl.DurationVar(&v.timeout, "timeout", defaultTimeout, "stop reading the folder after this long, as on a stuck network share (0: no limit)")
	}},
	{[]string{"fix", "create", "accept", "pending", "delete"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.out, "out", "", "when DIR is a .zip, write the result to this new .zip")
	}},
	{[]string{"fix"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.BoolVar(&v.dryRun, "dry-run", false, "say what would be fixed, and what would be left failing; change nothing")
		fl.StringVar(&v.trust, "trust", "", "where a file's place (folder and name), content and token give its ids\nand no two of them agree, the side to trust: place, content or token\n(without it, such files are left, and their choices listed)")
	}},
	{[]string{"create"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.session.ApplicationID, "app", "", "application.id: the bundle id or package name (required)")
		fl.StringVar(&v.session.TeamID, "team", "", "team.id: the Apple Team ID (default FAKETEAMID, as 4D's project editor\nwrites for an app without one; none for Android)")
		fl.StringVar(&v.session.Email, "email", "", "email of the user (none: a guest)")
		fl.StringVar(&v.session.Status, "status", core.StatusAccepted, "accepted, as 4D writes after a login, or pending, as when the\nauthentication method asks to verify it")
		fl.StringVar(&v.session.ID, "id", "", "session.id, in hexadecimal (default a random one of 40 digits)")
		fl.StringVar(&v.session.Device, "device", "", "device.description (default a simulator of the os, as its SDK names it:\n\"Simulator (iPhone 15)\", \"sdk_gphone64_x86_64\", …)")
		fl.StringVar(&v.session.OS, "os", "iOS", "device.os: iOS, iPadOS, macOS or Android")
	}},
	{[]string{"accept", "pending", "delete"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.dir, "dir", "", "the MobileApps folder (or .zip) that the PATHs are relative to")
	}},
	{[]string{"delete"}, func(fl *flag.FlagSet, v *flagValues) {
		fl.StringVar(&v.all, "all", "", "delete this MobileApps folder itself, every session with it")
		fl.BoolVar(&v.force, "force", false, "delete the folder (--all) or app folders even when they hold what 4D does not\nput in a MobileApps folder")
	}},
}

// newFlags defines the flags of cmd. The flag package prints nothing: run reports a parse error in one line and
// prints the usage on request only.
func newFlags(cmd string) (*flag.FlagSet, *flagValues) {
	fl := flag.NewFlagSet("mobisess", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	v := &flagValues{}
	for _, g := range flagGroups {
		if g.commands == nil && cmd != "version" || slices.Contains(g.commands, cmd) {
			g.define(fl, v)
		}
	}
	return fl, v
}

func parseFlags(cmd string, args []string, fsys afero.Fs) (*options, error) {
	o := &options{cmd: cmd}
	fl, v := newFlags(cmd)
	// Flags may come after the paths, as people type them.
	var positionals []string
	for {
		if err := fl.Parse(args); err != nil && !errors.Is(err, flag.ErrHelp) {
			return nil, fmt.Errorf("%w (mobisess help %s lists its flags)", err, cmd)
		} else if err != nil {
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
	if o.format, err = report.ParseFormat(v.format); err != nil {
		return nil, err
	}
	if writes(cmd) && o.format != report.Text && o.format != report.JSON {
		return nil, fmt.Errorf("--format %s: %s prints text or json", o.format, cmd)
	}
	if o.lang, err = i18n.ParseLang(v.lang); err != nil {
		return nil, err
	}
	if v.maxFile <= 0 { // as the checker reads it, for the commands that read files themselves
		v.maxFile = core.DefaultLimits.MaxFileSize
	}
	if o.timeout = v.timeout; o.timeout < 0 {
		return nil, fmt.Errorf("--timeout %v: want a duration of 0 or more", o.timeout)
	}
	o.out, o.dryRun, o.session = v.out, v.dryRun, v.session
	if v.trust != "" {
		if o.trust, err = core.ParseWitness(v.trust); err != nil {
			return nil, fmt.Errorf("--trust: %w", err)
		}
	}
	o.dir, o.all, o.force = v.dir, v.all != "", v.force
	if o.all {
		if v.dir != "" {
			return nil, errors.New("delete takes --all DIR or --dir DIR with PATHs, not both")
		}
		o.dir = v.all
	}
	var schema *core.Schema
	if v.schema != "" {
		data, err := afero.ReadFile(fsys, v.schema)
		if err != nil {
			return nil, fmt.Errorf("cannot read the schema: %w", err)
		}
		if schema, err = core.CompileSchema(v.schema, data); err != nil {
			return nil, err
		}
	}
	o.checker = core.NewChecker(core.CheckerOptions{Schema: schema, Limits: core.Limits{
		MaxFileSize: v.maxFile,
		Zip:         core.ZipLimits{MaxEntries: v.maxEntries, MaxFileSize: v.maxZipFile, MaxTotalSize: v.maxZipTotal},
	}})
	return o, nil
}

// writes says whether cmd may change a folder.
func writes(cmd string) bool {
	return cmd != "check" && cmd != "refresh"
}

// defaultLang follows the user's locale when it is one of ours.
func defaultLang() string {
	for _, env := range []string{"MOBISESS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(env); v != "" {
			if l, err := i18n.ParseLang(v); err == nil {
				return string(l)
			}
		}
	}
	return string(i18n.English)
}

// open opens a folder or zip named on the command line; "" is the embedded sample.
func open(fsys afero.Fs, path string, o *options) (afero.Fs, string, error) {
	if path == "" {
		return sample.Open()
	}
	return core.OpenPath(fsys, path, o.checker.Limits().Zip)
}

// checkRoot refuses a root that is probably not the folder the user meant (core.CheckRoot), naming the one
// that is: a folder by its absolute path, a zip as given, and a folder inside it after a "/". The embedded
// sample ("") is what it is.
func checkRoot(fsys, src afero.Fs, root, path string) error {
	if path == "" {
		return nil
	}
	name := core.NameRoot(fsys, path)
	if !name.Zip {
		if abs, err := filepath.Abs(name.Path); err == nil {
			name.Path = abs
		}
	}
	return core.CheckRoot(src, root, name)
}

// renderOptions names files from where they are: under the folder or zip root as named on the command line
// ("" for the embedded sample, whose files have no place).
func (o *options) renderOptions(root string, inZip bool) report.Options {
	return report.Options{Lang: o.lang, Color: o.color, Root: filepath.ToSlash(root), InZip: inZip}
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
		return fail(stderr, "check takes one folder, .zip or session file")
	}
	path := ""
	if len(o.positionals) == 1 {
		path = o.positionals[0]
	}
	t, err := openTarget(fsys, path, o)
	if err != nil {
		return fail(stderr, err)
	}
	if err := t.checkRoot(fsys, path, o); err != nil {
		return fail(stderr, err)
	}
	opts, done := o.withProgress(stderr, "checking")
	// The report is written as the files are checked; what was written before a failure stays written.
	out := &errorCounter{ReportWriter: report.NewCheckWriter(stdout, o.format, o.renderOptions(t.name, t.inZip))}
	err = o.checker.CheckTo(ctx, t.fsys, t.root, opts, out)
	done()
	if err != nil {
		return fail(stderr, o.explain(err))
	}
	if out.errors > 0 {
		return exitErrors
	}
	return exitOK
}

func refresh(ctx context.Context, o *options, stdout, stderr io.Writer, fsys afero.Fs) int {
	if len(o.positionals) != 2 {
		return fail(stderr, "refresh takes two folders or .zip files: BEFORE AFTER")
	}
	before, after := o.positionals[0], o.positionals[1]
	beforeFs, beforeRoot, err := open(fsys, before, o)
	if err == nil {
		err = checkRoot(fsys, beforeFs, beforeRoot, before)
	}
	if err != nil {
		return fail(stderr, err)
	}
	// As in 4D's own example, deleting the whole MobileApps folder and refreshing removes every session: an
	// AFTER that is gone from a folder that is there is that folder deleted, not a typo.
	afterFs, afterRoot := fsys, after
	if deleted, err := deletedFolder(fsys, after); err != nil {
		return fail(stderr, err)
	} else if deleted {
		fmt.Fprintf(stderr, "mobisess: %s does not exist: taken as the folder deleted, every session removed\n", after)
	} else if afterFs, afterRoot, err = open(fsys, after, o); err != nil {
		return fail(stderr, err)
	} else if err := checkRoot(fsys, afterFs, afterRoot, after); err != nil {
		return fail(stderr, err)
	}
	opts, done := o.withProgress(stderr, "loading")
	reg := core.NewRegistry(o.checker)
	_, err = reg.Load(ctx, beforeFs, beforeRoot, opts)
	done()
	if err != nil {
		return fail(stderr, o.explain(err))
	}
	opts, done = o.withProgress(stderr, "refreshing")
	rep, err := reg.Refresh(ctx, afterFs, afterRoot, opts)
	done()
	if err != nil {
		return fail(stderr, o.explain(err))
	}
	if err := report.Refresh(stdout, o.format, rep, o.renderOptions(after, core.NameRoot(fsys, after).Zip)); err != nil {
		return fail(stderr, err)
	}
	if len(rep.Errors) > 0 {
		return exitErrors
	}
	return exitOK
}

// errorCounter is a report writer that counts the errors it is given: the exit status.
type errorCounter struct {
	core.ReportWriter
	errors int
}

func (c *errorCounter) File(s *core.Session, e *core.Error) error {
	if e != nil {
		c.errors++
	}
	return c.ReportWriter.File(s, e)
}

// deletedFolder says whether path names a folder that is not there, in a folder that is: a MobileApps folder
// deleted, as 4D's example does to reset every session. A .zip is a file someone made, never a deleted folder.
// The error says what is wrong otherwise (a typo in the folder above).
func deletedFolder(fsys afero.Fs, path string) (bool, error) {
	if _, err := fsys.Stat(path); !errors.Is(err, fs.ErrNotExist) || strings.HasSuffix(strings.ToLower(path), ".zip") {
		return false, nil
	}
	parent := filepath.Dir(filepath.Clean(path))
	if info, err := fsys.Stat(parent); err != nil || !info.IsDir() {
		return false, &core.OpError{Kind: core.KindInput, Path: path, Msg: "no such file or folder, nor the folder " + parent + " it would be in"}
	}
	return true, nil
}

// fail reports what makes the command line or its input unusable, or a write refused: exit 2.
func fail(stderr io.Writer, why any) int {
	fmt.Fprintln(stderr, "mobisess:", report.Printable(fmt.Sprint(why))) // errors name files, and a name may hold anything
	return exitInput
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
