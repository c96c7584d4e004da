package dist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"testing"
	"time"
)

func TestArchiveName(t *testing.T) {
	for _, tc := range []struct {
		t    Target
		want string
	}{
		{Target{"windows", "arm64"}, "mobisess_v1.2.3_windows_arm64.zip"},
		{Target{"darwin", "arm64"}, "mobisess_v1.2.3_darwin_arm64.tar.gz"},
		{Target{"linux", "amd64"}, "mobisess_v1.2.3_linux_amd64.tar.gz"},
	} {
		if got := ArchiveName("v1.2.3", tc.t); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.t, got, tc.want)
		}
	}
	if len(Targets) != 6 {
		t.Errorf("%d targets", len(Targets))
	}
}

func TestParseTarget(t *testing.T) {
	if got, err := ParseTarget("windows/amd64"); err != nil || got != (Target{"windows", "amd64"}) {
		t.Errorf("windows/amd64: %v %v", got, err)
	}
	for _, bad := range []string{"", "linux", "/amd64", "linux/", "linux/amd64/v2"} {
		if _, err := ParseTarget(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

var testFiles = []file{
	{name: "mobisess", data: []byte("cli"), mode: 0o755},
	{name: "README.md", data: []byte("readme"), mode: 0o644},
}

// The commands keep their executable bit in a .tar.gz, and the zip says so too (unzip and Info-ZIP read it).
func TestArchives(t *testing.T) {
	date := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	tgz, err := tarGzOf(testFiles, date)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var got []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		got = append(got, hdr.Name)
		if hdr.Name == "mobisess" && (hdr.Mode != 0o755 || string(body) != "cli") {
			t.Errorf("mobisess: mode %o, body %q", hdr.Mode, body)
		}
		if !hdr.ModTime.Equal(date) {
			t.Errorf("%s: time %v", hdr.Name, hdr.ModTime)
		}
	}
	if len(got) != 2 || got[0] != "README.md" {
		t.Errorf("entries %v", got)
	}

	z, err := zipOf(testFiles, date)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 || zr.File[1].Name != "mobisess" || zr.File[1].Mode().Perm() != 0o755 {
		t.Errorf("zip entries %v", zr.File)
	}
	// The same files give the same bytes: a download can be rebuilt and compared.
	again, _ := tarGzOf(testFiles, date)
	if !bytes.Equal(again, tgz) {
		t.Error("two builds of the same files differ")
	}
}
