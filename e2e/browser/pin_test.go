//go:build !js && !wasip1

package browser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// expectedDriverVersion is the driver version the playwright-go module in go.mod
// insists on (its unexported playwrightCliVersion, exposed via NewDriver().Version).
func expectedDriverVersion(t *testing.T) string {
	t.Helper()
	// NewDriver only fills in options; it neither downloads nor touches the directory.
	d, err := playwright.NewDriver(&playwright.RunOptions{DriverDirectory: t.TempDir(), SkipInstallBrowsers: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.Version == "" {
		t.Fatal("playwright-go reports an empty driver version")
	}
	return d.Version
}

func driverDir(t *testing.T) string {
	t.Helper()
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return c.DriverDir
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (%s)", err, setupHint)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// An upgrade of playwright-go must come with the same upgrade of the npm pin, and the
// pin must be exact: a range resolves to a newer driver that playwright-go refuses.
func TestDriverPinMatchesPlaywrightGo(t *testing.T) {
	want := expectedDriverVersion(t)
	dir := driverDir(t)

	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	readJSON(t, filepath.Join(dir, "package.json"), &pkg)
	if got := pkg.Dependencies["playwright-core"]; got != want {
		t.Errorf("e2e/driver/package.json pins playwright-core %q; playwright-go wants exactly %q", got, want)
	}

	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readJSON(t, filepath.Join(dir, "package-lock.json"), &lock)
	if got := lock.Packages["node_modules/playwright-core"].Version; got != want {
		t.Errorf("e2e/driver/package-lock.json has playwright-core %q; want %q (re-run npm install --prefix e2e/driver)", got, want)
	}

	// What setup.sh installed: stale node_modules would make playwright.Run fail later, less clearly.
	var installed struct {
		Version string `json:"version"`
	}
	readJSON(t, filepath.Join(dir, "package", "package.json"), &installed)
	if installed.Version != want {
		t.Errorf("installed driver is %q; want %q (%s)", installed.Version, want, setupHint)
	}
}
