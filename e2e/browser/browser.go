// The driver and browser are child processes: no pipes or exec under js/wasm or wasip1.
//go:build !js && !wasip1

// Package browser starts Debian's Chromium through playwright-go with the npm-built
// driver in e2e/driver, for end-to-end tests. It never downloads anything: run
// e2e/setup.sh first. Missing prerequisites make tests fail, never skip.
package browser

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"
)

const (
	// EnvDriverDir overrides the driver directory (default <repo>/e2e/driver).
	EnvDriverDir = "MOBISESS_DRIVER_DIR"
	// EnvChromium overrides the browser executable (default /usr/bin/chromium).
	EnvChromium = "CHROMIUM"

	defaultChromium = "/usr/bin/chromium"
	setupHint       = "run e2e/setup.sh from the repository root (make e2e-setup)"
)

// chromiumArgs keeps Chromium off hosts it cannot reach here; without them it keeps retrying.
var chromiumArgs = []string{
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
}

// Browser is a running Chromium plus the Playwright driver that controls it.
type Browser struct {
	Browser      playwright.Browser
	pw           *playwright.Playwright
	artifactsDir string
	config       Config
}

// Config is where Launch looks for its prerequisites.
type Config struct {
	DriverDir    string
	Chromium     string
	ArtifactsDir string
	// ExtraArgs are given to Chromium after its usual ones (the benchmark's -chromium-args: V8 flags, say).
	ExtraArgs []string
}

// DefaultConfig resolves paths from the environment and the repository layout.
func DefaultConfig() (Config, error) {
	var c Config
	root, rootErr := RepoRoot()
	c.DriverDir = os.Getenv(EnvDriverDir)
	if c.DriverDir == "" {
		if rootErr != nil {
			return c, fmt.Errorf("e2e: cannot find the driver (set %s): %w", EnvDriverDir, rootErr)
		}
		c.DriverDir = filepath.Join(root, "e2e", "driver")
	}
	c.Chromium = os.Getenv(EnvChromium)
	if c.Chromium == "" {
		c.Chromium = defaultChromium
	}
	if rootErr == nil {
		c.ArtifactsDir = filepath.Join(root, "e2e", "artifacts")
	} else {
		c.ArtifactsDir = filepath.Join(os.TempDir(), "mobisess-e2e-artifacts")
	}
	return c, nil
}

// Check reports missing prerequisites without starting anything.
func (c Config) Check() error {
	var errs []error
	for _, p := range []string{
		filepath.Join(c.DriverDir, "package", "cli.js"),
		filepath.Join(c.DriverDir, "node"),
	} {
		if _, err := os.Stat(p); err != nil {
			errs = append(errs, fmt.Errorf("playwright driver incomplete: %w", err))
		}
	}
	if fi, err := os.Stat(c.Chromium); err != nil {
		errs = append(errs, fmt.Errorf("chromium missing: %w", err))
	} else if fi.IsDir() || fi.Mode()&0o111 == 0 {
		errs = append(errs, fmt.Errorf("chromium at %s is not executable", c.Chromium))
	}
	if len(errs) > 0 {
		return fmt.Errorf("e2e prerequisites missing; %s:\n%w", setupHint, errors.Join(errs...))
	}
	return nil
}

// RepoRoot walks up from the working directory (go test runs in the package
// directory) and then from this source file, to the first go.mod.
func RepoRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("no go.mod found above the working directory")
}

// Launch starts the driver and a headless Chromium using DefaultConfig.
func Launch() (*Browser, error) {
	c, err := DefaultConfig()
	if err != nil {
		return nil, err
	}
	return c.Launch()
}

// Launch starts the driver and a headless Chromium.
func (c Config) Launch() (*Browser, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	pw, err := playwright.Run(&playwright.RunOptions{
		DriverDirectory:     c.DriverDir,
		SkipInstallBrowsers: true,
		Verbose:             false,
	})
	if err != nil {
		return nil, fmt.Errorf("e2e: starting playwright driver in %s (%s): %w", c.DriverDir, setupHint, err)
	}
	b, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(c.Chromium),
		Headless:       playwright.Bool(true),
		Args:           append(slices.Clip(chromiumArgs), c.ExtraArgs...),
	})
	if err != nil {
		_ = pw.Stop()
		return nil, fmt.Errorf("e2e: launching %s: %w", c.Chromium, err)
	}
	return &Browser{Browser: b, pw: pw, artifactsDir: c.ArtifactsDir, config: c}, nil
}

// Close stops the browser and the driver.
func (b *Browser) Close() error {
	return errors.Join(b.Browser.Close(), b.pw.Stop())
}

var (
	sharedOnce sync.Once
	shared     *Browser
	sharedErr  error
)

// Main is TestMain for e2e packages: it fails the binary (exit 1) when prerequisites
// are missing, runs the tests, and closes the one shared browser.
//
//	func TestMain(m *testing.M) { browser.Main(m) }
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	c, err := DefaultConfig()
	if err == nil {
		err = c.Check()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	code := m.Run()
	if shared != nil {
		if err := shared.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: closing browser:", err)
		}
	}
	return code
}

// Require returns the browser shared by the whole test binary, starting it on first
// use (one browser per binary: start-up costs over a second). It fails the test when
// the browser cannot start. Use with Main so that the browser gets closed.
func Require(t testing.TB) *Browser {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Launch() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// NewPage opens a page in a fresh context (no state shared between tests). Browser
// console errors and uncaught page errors go to t.Log; if the test failed, a
// full-page screenshot is saved to e2e/artifacts/<TestName>.png.
func (b *Browser) NewPage(t testing.TB) playwright.Page {
	t.Helper()
	ctx, err := b.Browser.NewContext()
	if err != nil {
		t.Fatalf("e2e: new browser context: %v", err)
	}
	page, err := ctx.NewPage()
	if err != nil {
		_ = ctx.Close()
		t.Fatalf("e2e: new page: %v", err)
	}

	// Events arrive on the driver's goroutine; t.Log after the test ends panics.
	var mu sync.Mutex
	done := false
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			t.Logf(format, args...)
		}
	}
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" {
			loc := ""
			if l := m.Location(); l != nil && l.URL != "" {
				loc = fmt.Sprintf(" (%s:%d)", l.URL, l.LineNumber)
			}
			logf("browser console error: %s%s", m.Text(), loc)
		}
	})
	page.OnPageError(func(err error) { logf("browser page error: %v", err) })

	t.Cleanup(func() {
		if t.Failed() {
			if path, err := b.saveScreenshot(page, t.Name()); err != nil {
				t.Logf("e2e: failure screenshot: %v", err)
			} else {
				t.Logf("e2e: failure screenshot saved to %s", path)
			}
		}
		if err := ctx.Close(); err != nil {
			t.Logf("e2e: closing browser context: %v", err)
		}
		mu.Lock()
		done = true
		mu.Unlock()
	})
	return page
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// saveScreenshot writes a full-page PNG named after the test (subtest slashes flattened).
func (b *Browser) saveScreenshot(page playwright.Page, testName string) (string, error) {
	if err := os.MkdirAll(b.artifactsDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(b.artifactsDir, unsafeName.ReplaceAllString(testName, "_")+".png")
	_, err := page.Screenshot(playwright.PageScreenshotOptions{
		Path:     playwright.String(path),
		FullPage: playwright.Bool(true),
	})
	return path, err
}

// LaunchPersistent starts another Chromium over the profile in userDataDir, which keeps its storage (IndexedDB
// included) on disk as a person's browser does: closing the context stops that browser, and launching again
// over the same folder finds what it stored.
func (b *Browser) LaunchPersistent(userDataDir string) (playwright.BrowserContext, error) {
	return b.pw.Chromium.LaunchPersistentContext(userDataDir, playwright.BrowserTypeLaunchPersistentContextOptions{
		ExecutablePath: playwright.String(b.config.Chromium),
		Headless:       playwright.Bool(true),
		Args:           append(slices.Clip(chromiumArgs), b.config.ExtraArgs...),
	})
}
