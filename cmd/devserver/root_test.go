package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -dir on a folder that is probably not the MobileApps folder meant refuses to start, exit 2, naming the one
// that is; a missing folder whose parent is missing too is a typo. An empty MobileApps folder, and one that does
// not exist in a folder that does (4D's example deletes it), are served as empty.
func TestRunWrongRoot(t *testing.T) {
	sample := copySample(t) // …/MobileApps
	data := filepath.Dir(sample)
	project := t.TempDir()
	if err := os.Rename(data, filepath.Join(project, "Data")); err != nil {
		t.Fatal(err)
	}
	data = filepath.Join(project, "Data")
	sample = filepath.Join(data, "MobileApps")
	tests := []struct {
		name, dir, want string
	}{
		{"a Data folder", data, sample + ": did you mean it?"},
		{"a project folder", project, sample + ": did you mean it?"},
		{"an app folder", filepath.Join(sample, contactApp), sample + ", the folder above it, is the MobileApps folder: did you mean it?"},
		{"a typo in the folder above", filepath.Join(project, "Dta", "MobileApps"), "does not exist, nor the folder " + filepath.Join(project, "Dta")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-dir", tt.dir}, &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), tt.want) || stdout.String() != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout.String(), stderr.String(), tt.want)
			}
		})
	}

	empty := filepath.Join(t.TempDir(), "MobileApps")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{empty, filepath.Join(t.TempDir(), "MobileApps")} {
		_, _, stderr, stop := startRun(t, "-addr", "127.0.0.1:0", "-dir", dir, "-readonly")
		if code := stop(); code != 0 {
			t.Errorf("%s: exit %d, %s", dir, code, stderr)
		}
	}
}

// POST /api/fix names the choice to apply where the engine has no single right fix: without it, or with a side
// the fix does not offer, it is refused and nothing changes; with it, the file goes where that side says.
func TestAPIFixTrust(t *testing.T) {
	const id = "abcdef0123456789abcdef0123456789abcdef01"
	token := func(team string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID":"com.a","id":"` + id + `","teamID":"` + team + `"}`))
	}
	dir := filepath.Join(t.TempDir(), "MobileApps")
	// The place, the content and the token each give another team.id.
	path := "TEAMAAAAAA.com.a/" + id
	content := `{"application":{"id":"com.a"},"team":{"id":"TEAMBBBBBB"},"session":{"id":"` + id + `"},"status":"accepted","token":"` + token("TEAMCCCCCC") + `"}`
	if err := os.MkdirAll(filepath.Join(dir, "TEAMAAAAAA.com.a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, path), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startFolder(t, Config{Dir: dir})
	res, body := ts.send("GET", "/api/file?path="+path, "")
	expect(t, res, body, 200, "")
	var f struct {
		ETag    string `json:"etag"`
		Actions struct {
			Fix struct {
				Kind    string
				Choices []struct{ Choice, Kind, To string }
			}
		}
	}
	decodeJSON(t, body, &f)
	if f.Actions.Fix.Kind != "none" || len(f.Actions.Fix.Choices) != 3 {
		t.Fatalf("the fix offered: %+v", f.Actions.Fix)
	}
	for _, params := range []string{
		`{"path":"` + path + `","etag":"` + f.ETag + `"}`,
		`{"path":"` + path + `","etag":"` + f.ETag + `","trust":"folder"}`,
	} {
		res, body = ts.send("POST", "/api/fix", params)
		expect(t, res, body, 400, "input")
	}
	if got, err := os.ReadFile(filepath.Join(dir, path)); err != nil || string(got) != content {
		t.Fatalf("a refused fix changed the file: %v", err)
	}
	res, body = ts.send("POST", "/api/fix", `{"path":"`+path+`","etag":"`+f.ETag+`","trust":"token"}`)
	expect(t, res, body, 200, "")
	var fixed fileAndDelta
	decodeJSON(t, body, &fixed)
	if want := "TEAMCCCCCC.com.a/" + id; fixed.File.Path != want || fixed.Delta.diskStatus(want) != "accepted" {
		t.Fatalf("after trusting the token: %s, status %q", fixed.File.Path, fixed.Delta.diskStatus(want))
	}
}
