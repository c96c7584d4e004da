// Package dist builds the downloads of a release (`make dist`): for each system, an archive holding mobisess and
// devserver, the dev server with the console's engine built in (cmd/devserver/engine.go says how), both stamped
// with the version and the commit; and SHA256SUMS beside them.
package dist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Targets are the systems a release is built for: what 4D developers use (macOS and Windows, on both
// architectures) and Linux, for CI.
var Targets = []Target{
	{"darwin", "arm64"}, {"darwin", "amd64"},
	{"windows", "amd64"}, {"windows", "arm64"},
	{"linux", "amd64"}, {"linux", "arm64"},
}

// Target is one GOOS/GOARCH.
type Target struct{ OS, Arch string }

// ParseTarget reads "os/arch".
func ParseTarget(s string) (Target, error) {
	os, arch, ok := strings.Cut(s, "/")
	if !ok || os == "" || arch == "" || strings.Contains(arch, "/") {
		return Target{}, fmt.Errorf("target %q: want os/arch, such as linux/amd64", s)
	}
	return Target{os, arch}, nil
}

func (t Target) String() string { return t.OS + "/" + t.Arch }

// exe is a binary's name on the target.
func (t Target) exe(name string) string {
	if t.OS == "windows" {
		return name + ".exe"
	}
	return name
}

// ArchiveName is the download's name: mobisess_<version>_<os>_<arch>, a .zip for Windows, where it opens with a
// double click, and a .tar.gz elsewhere, which keeps the files' executable bit.
func ArchiveName(version string, t Target) string {
	ext := ".tar.gz"
	if t.OS == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("mobisess_%s_%s_%s%s", version, t.OS, t.Arch, ext)
}

// Commands are what each archive holds, built from these packages.
var Commands = []string{"mobisess", "devserver"}

// EngineDir is where the dev server's build tag embedengine takes the engine from (relative to the module root).
var EngineDir = filepath.Join("cmd", "devserver", "engine")

// Options say what to build.
type Options struct {
	Root    string // the module's root
	WasmDir string // mobisess.wasm and wasm_exec.js, from `make wasm`
	Out     string // the folder to write, replaced
	Version string
	Commit  string
	Date    time.Time // the files' time in the archives (the commit's, for archives that do not change without it)
	Targets []Target
	Log     io.Writer
}

// ldflagsPrefix is the package whose variables -X stamps.
const ldflagsPrefix = "github.com/mobisess/mobisess/internal/buildinfo."

// Build writes one archive per target into o.Out, and SHA256SUMS.
func Build(o Options) error {
	if o.Version == "" {
		return errors.New("no version")
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if err := stageEngine(o.Root, o.WasmDir); err != nil {
		return err
	}
	if err := os.RemoveAll(o.Out); err != nil {
		return err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	readme, err := os.ReadFile(filepath.Join(o.Root, "README.md"))
	if err != nil {
		return err
	}
	var sums bytes.Buffer
	for _, t := range o.Targets {
		start := time.Now()
		files := []file{{name: "README.md", data: readme, mode: 0o644}}
		for _, cmd := range Commands {
			data, err := build(o, t, cmd)
			if err != nil {
				return err
			}
			files = append(files, file{name: t.exe(cmd), data: data, mode: 0o755})
		}
		name := ArchiveName(o.Version, t)
		var archive []byte
		if t.OS == "windows" {
			archive, err = zipOf(files, o.Date)
		} else {
			archive, err = tarGzOf(files, o.Date)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(o.Out, name), archive, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(archive), name)
		fmt.Fprintf(o.Log, "dist: %s (%.1f MB) in %.1fs\n", name, float64(len(archive))/1e6, time.Since(start).Seconds())
	}
	return os.WriteFile(filepath.Join(o.Out, "SHA256SUMS"), sums.Bytes(), 0o644)
}

// stageEngine copies the engine where the dev server's embedengine build embeds it from, leaving files that
// did not change alone so that go build's cache holds.
func stageEngine(root, wasmDir string) error {
	dir := filepath.Join(root, EngineDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"mobisess.wasm", "wasm_exec.js"} {
		data, err := os.ReadFile(filepath.Join(wasmDir, name))
		if err != nil {
			return fmt.Errorf("the engine: %w (run `make wasm` first)", err)
		}
		dst := filepath.Join(dir, name)
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// build compiles one command for one target: static (no cgo), without the build machine's paths, stamped.
func build(o Options, t Target, cmd string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "mobisess-dist-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, t.exe(cmd))
	ldflags := fmt.Sprintf("-s -w -X %sversion=%s -X %scommit=%s", ldflagsPrefix, o.Version, ldflagsPrefix, o.Commit)
	c := exec.Command("go", "build", "-trimpath", "-tags", "embedengine", "-ldflags", ldflags, "-o", out, "./cmd/"+cmd)
	c.Dir = o.Root
	c.Env = append(os.Environ(), "GOOS="+t.OS, "GOARCH="+t.Arch, "CGO_ENABLED=0")
	if msg, err := c.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building %s for %s: %w\n%s", cmd, t, err, msg)
	}
	return os.ReadFile(out)
}

type file struct {
	name string
	data []byte
	mode int64
}

func tarGzOf(files []file, date time.Time) ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	for _, f := range sorted(files) {
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: date, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func zipOf(files []file, date time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range sorted(files) {
		hdr := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: date}
		hdr.SetMode(os.FileMode(f.mode))
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sorted(files []file) []file {
	out := append([]file(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
