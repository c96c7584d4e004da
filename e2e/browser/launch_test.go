//go:build !js && !wasip1

package browser

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

func TestMain(m *testing.M) { Main(m) }

// The background colour switches on click so the screenshot proves rendering, not just the DOM.
const smokePage = `<!doctype html>
<html><head><meta charset="utf-8"><title>e2e smoke</title><link rel="icon" href="data:,">
<style>html,body{margin:0;height:100%;background:rgb(0,0,255)} body.clicked{background:rgb(255,0,0)}</style>
</head><body>
<button id="go">Click me</button>
<p id="out">idle</p>
<script>
let n = 0;
document.getElementById("go").addEventListener("click", () => {
  n++;
  document.getElementById("out").textContent = "clicked " + n;
  document.body.classList.add("clicked");
});
</script>
</body></html>`

func newSmokeServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(smokePage))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func textOf(t *testing.T, page playwright.Page, selector string) string {
	t.Helper()
	s, err := page.Locator(selector).TextContent()
	if err != nil {
		t.Fatalf("text of %s: %v", selector, err)
	}
	return s
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(b))
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding screenshot: %v", err)
	}
	return img
}

// rgbAt returns 8-bit colour channels at (x, y).
func rgbAt(img image.Image, x, y int) (r, g, b uint32) {
	r, g, b, _ = img.At(x, y).RGBA()
	return r >> 8, g >> 8, b >> 8
}

func TestLaunchClickScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("the smoke run of a page: skipped with -short; make test runs it")
	}
	b := Require(t)
	srv := newSmokeServer(t)
	page := b.NewPage(t)

	resp, err := page.Goto(srv.URL)
	if err != nil {
		t.Fatalf("goto: %v", err)
	}
	if resp.Status() != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.Status())
	}
	if title, err := page.Title(); err != nil || title != "e2e smoke" {
		t.Fatalf("title %q (err %v), want %q", title, err, "e2e smoke")
	}
	if got := textOf(t, page, "#out"); got != "idle" {
		t.Fatalf("before click #out = %q, want idle", got)
	}

	for range 2 {
		if err := page.Locator("#go").Click(); err != nil {
			t.Fatalf("click: %v", err)
		}
	}
	if got := textOf(t, page, "#out"); got != "clicked 2" {
		t.Fatalf("after two clicks #out = %q, want %q", got, "clicked 2")
	}

	path := filepath.Join(t.TempDir(), "smoke.png")
	shot, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(path), FullPage: playwright.Bool(true)})
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("screenshot file: %v", err)
	}
	if !bytes.Equal(onDisk, shot) {
		t.Fatalf("screenshot on disk (%d bytes) differs from returned bytes (%d)", len(onDisk), len(shot))
	}
	img := decodePNG(t, onDisk)
	vp := page.ViewportSize()
	if vp == nil {
		t.Fatal("page has no viewport")
	}
	if bw, bh := img.Bounds().Dx(), img.Bounds().Dy(); bw != vp.Width || bh < vp.Height {
		t.Fatalf("screenshot is %dx%d, want width %d and height >= %d", bw, bh, vp.Width, vp.Height)
	}
	// Bottom-right corner is plain body background: red once clicked.
	if r, g, bl := rgbAt(img, img.Bounds().Max.X-5, img.Bounds().Max.Y-5); r < 200 || g > 50 || bl > 50 {
		t.Fatalf("background pixel rgb(%d,%d,%d), want red after click", r, g, bl)
	}
}

// The launched browser must be the Debian one, not a Playwright download.
func TestLaunchUsesConfiguredChromium(t *testing.T) {
	b := Require(t)
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(c.Chromium, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", c.Chromium, err)
	}
	v := b.Browser.Version()
	if v == "" || !strings.Contains(string(out), v) {
		t.Fatalf("browser reports version %q; %s --version says %q", v, c.Chromium, strings.TrimSpace(string(out)))
	}
}

// The failure screenshot helper: subtest names become flat, safe file names.
func TestFailureScreenshotPath(t *testing.T) {
	b := Require(t)
	srv := newSmokeServer(t)
	page := b.NewPage(t)
	if _, err := page.Goto(srv.URL); err != nil {
		t.Fatalf("goto: %v", err)
	}
	tmp := *b
	tmp.artifactsDir = filepath.Join(t.TempDir(), "artifacts")
	path, err := tmp.saveScreenshot(page, "TestX/sub case#1")
	if err != nil {
		t.Fatalf("saveScreenshot: %v", err)
	}
	if want := filepath.Join(tmp.artifactsDir, "TestX_sub_case_1.png"); path != want {
		t.Fatalf("path %q, want %q", path, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, data)
	if r, g, bl := rgbAt(img, img.Bounds().Max.X-5, img.Bounds().Max.Y-5); r > 50 || g > 50 || bl < 200 {
		t.Fatalf("background pixel rgb(%d,%d,%d), want blue (not clicked)", r, g, bl)
	}
}

// Missing prerequisites must produce an error that says how to fix them.
func TestCheckNamesSetupScript(t *testing.T) {
	c := Config{DriverDir: filepath.Join(t.TempDir(), "nodriver"), Chromium: filepath.Join(t.TempDir(), "nochromium")}
	err := c.Check()
	if err == nil {
		t.Fatal("Check passed with nothing installed")
	}
	for _, want := range []string{"e2e/setup.sh", "cli.js", "chromium"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := c.Launch(); err == nil {
		t.Fatal("Launch succeeded with nothing installed")
	}
}
