//go:build !js && !wasip1

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// tools are the binaries the run needs, built from this checkout.
type tools struct {
	root, bin, wasmDir    string
	gen, mobisess, devsrv string
}

func buildTools(root, wasmDir, devserverBin string) (*tools, error) {
	t := &tools{root: root, bin: filepath.Join(root, "bench", "out", "bin"), wasmDir: wasmDir, devsrv: devserverBin}
	t.gen, t.mobisess = filepath.Join(t.bin, "gen"), filepath.Join(t.bin, "mobisess")
	for pkg, out := range map[string]string{"./bench/gen": t.gen, "./cmd/mobisess": t.mobisess} {
		if err := goBuild(root, nil, out, pkg); err != nil {
			return nil, err
		}
	}
	// The wasm as bench/run.sh builds it for the browser benchmarks, with the wasm_exec.js of the same toolchain.
	if err := goBuild(root, []string{"GOOS=js", "GOARCH=wasm"}, filepath.Join(wasmDir, "mobisess.wasm"), "-ldflags=-s -w", "./wasm"); err != nil {
		return nil, err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	execJS, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("wasm_exec.js: %w", err)
	}
	return t, os.WriteFile(filepath.Join(wasmDir, "wasm_exec.js"), execJS, 0o644)
}

func goBuild(root string, env []string, out string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build", "-o", out}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v: %s", args[len(args)-1], err, lastLine(string(b)))
	}
	return nil
}

// dataset makes DATA/LABEL as bench/run.sh does (bench/gen, the same stamp), unless it is there already: both
// share the generated folders.
func (t *tools) dataset(dataDir, label string, n int, seed uint64) (string, error) {
	h := sha256.New()
	for _, f := range []string{"bench/corpus/corpus.go", "bench/gen/main.go"} {
		b, err := os.ReadFile(filepath.Join(t.root, f))
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	dir := filepath.Join(dataDir, label)
	stamp := fmt.Sprintf("gen %s seed %d n %d", hex.EncodeToString(h.Sum(nil))[:16], seed, n)
	if b, err := os.ReadFile(filepath.Join(dir, "stamp")); err == nil && strings.TrimSpace(string(b)) == stamp {
		if _, err := os.Stat(filepath.Join(dir, "floor.dirty")); errors.Is(err, fs.ErrNotExist) {
			return dir, nil
		}
	}
	logf("generating %s (%d sessions)", label, n)
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	cmd := exec.Command(t.gen, "-n", fmt.Sprint(n), "-seed", fmt.Sprint(seed), "-out", dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bench/gen: %v: %s", err, lastLine(string(b)))
	}
	return dir, os.WriteFile(filepath.Join(dir, "stamp"), []byte(stamp+"\n"), 0o644)
}

// copyTree copies the folder src to dst (which must not exist): the console in server mode changes its folder,
// and the generated one is shared with the other benchmarks.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.Mkdir(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// --- what the engine says of the folder, from the CLI: the files each series works on ---

type checkReport struct {
	Sessions []struct {
		Path   string `json:"path"`
		Status string `json:"status"`
	} `json:"sessions"`
	Errors []struct {
		Path    string `json:"path"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
	Summary struct {
		Files, Sessions, Errors int
	} `json:"summary"`
}

type fixReport struct {
	Files []struct {
		Path  string `json:"path"`
		Fixes []struct {
			Code int    `json:"code"`
			Kind string `json:"kind"`
		} `json:"fixes"`
	} `json:"files"`
}

// plan is the files of one size that the series touch, each used by one series only.
type plan struct {
	files, sessions, errors int
	save                    string // an accepted session, LF line breaks, no byte-order mark: the editor is given its text
	saveText                string
	status                  string // a pending session: accepted, then pending again, and so on
	fixes                   []string
	langError               string            // an error that no series fixes
	messages                map[string]string // its message in each language
	disk                    []string          // accepted sessions, set pending on disk one by one
}

var langs = []string{"en", "fr", "es"}

// statusText finds the status property of a session file, as 4D and bench/gen write it.
var statusText = regexp.MustCompile(`("status"\s*:\s*")(accepted|pending)(")`)

func (t *tools) cli(args ...string) ([]byte, error) {
	cmd := exec.Command(t.mobisess, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 { // errors found: the job
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("mobisess %s: %v: %s", strings.Join(args, " "), err, lastLine(stderr.String()))
	}
	return out, nil
}

func (t *tools) plan(folder string, reps int) (*plan, error) {
	p := &plan{messages: map[string]string{}}
	reports := map[string]*checkReport{}
	for _, l := range langs {
		out, err := t.cli("check", "--lang", l, "--format", "json", folder)
		if err != nil {
			return nil, err
		}
		var r checkReport
		if err := json.Unmarshal(out, &r); err != nil {
			return nil, fmt.Errorf("mobisess check --format json: %w", err)
		}
		reports[l] = &r
	}
	en := reports["en"]
	p.files, p.sessions, p.errors = en.Summary.Files, en.Summary.Sessions, en.Summary.Errors

	out, err := t.cli("fix", "--dry-run", "--format", "json", folder)
	if err != nil {
		return nil, err
	}
	var fixes fixReport
	if err := json.Unmarshal(out, &fixes); err != nil {
		return nil, fmt.Errorf("mobisess fix --format json: %w", err)
	}
	// A wrong token rewritten from the content: the file passes every check after, at the same path.
	for _, f := range fixes.Files {
		if len(p.fixes) < reps && len(f.Fixes) == 1 && f.Fixes[0].Code == 4 && f.Fixes[0].Kind == "edit" {
			p.fixes = append(p.fixes, f.Path)
		}
	}
	if len(p.fixes) == 0 {
		return nil, errors.New("the folder has no token error with a fix")
	}
	for i, e := range en.Errors {
		if slices.Contains(p.fixes, e.Path) || (e.Code != 2 && e.Code != 3) {
			continue
		}
		fr, es := reports["fr"].Errors[i], reports["es"].Errors[i]
		if fr.Path == e.Path && es.Path == e.Path && fr.Message != e.Message && es.Message != e.Message && fr.Message != es.Message {
			p.langError = e.Path
			p.messages = map[string]string{"en": e.Message, "fr": fr.Message, "es": es.Message}
			break
		}
	}
	if p.langError == "" {
		return nil, errors.New("no error of the folder has a message of its own in each language")
	}

	// Sessions from the middle of the folder, as far from the first rows as from the last.
	sessions := en.Sessions
	half := len(sessions) / 2
	for _, s := range append(slices.Clone(sessions[half:]), sessions[:half]...) {
		b, err := os.ReadFile(filepath.Join(folder, filepath.FromSlash(s.Path)))
		if err != nil {
			return nil, err
		}
		plain := !bytes.Contains(b, []byte("\r")) && !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) && len(statusText.FindAll(b, -1)) == 1
		switch {
		case !plain:
		case s.Status == "accepted" && p.save == "":
			p.save, p.saveText = s.Path, string(b)
		case s.Status == "pending" && p.status == "":
			p.status = s.Path
		case s.Status == "accepted" && len(p.disk) < reps:
			p.disk = append(p.disk, s.Path)
		}
		if p.save != "" && p.status != "" && len(p.disk) == reps {
			break
		}
	}
	if p.save == "" || p.status == "" || len(p.disk) == 0 {
		return nil, errors.New("too few plain sessions in the folder")
	}
	return p, nil
}

// setStatus writes the file with its status changed, as another program would: a temporary file beside the
// folder, renamed over it.
func setStatus(folder, rel, status string) error {
	file := filepath.Join(folder, filepath.FromSlash(rel))
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if len(statusText.FindAll(b, -1)) != 1 {
		return fmt.Errorf("%s: no single status property", rel)
	}
	b = statusText.ReplaceAll(b, []byte("${1}"+status+"${3}"))
	tmp := filepath.Join(filepath.Dir(folder), ".console-bench-write")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// refreshProcess times `mobisess refresh SRC SRC` (memory loaded from the source, then refreshed against it
// unchanged, as the console's Refresh is right after a refresh), after one untimed run; ms, +Inf when a run
// takes longer than timeout.
func (t *tools) refreshProcess(src string, runs int, timeout time.Duration) ([]float64, error) {
	var out []float64
	for i := 0; i <= runs; i++ {
		cmd := exec.Command(t.mobisess, "refresh", "--lang", "en", src, src)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		timer := time.AfterFunc(timeout, func() { _ = cmd.Process.Kill() })
		err := cmd.Wait()
		ms := float64(time.Since(start).Microseconds()) / 1000
		timedOut := !timer.Stop()
		var exit *exec.ExitError
		switch {
		case timedOut:
			ms = math.Inf(1)
		case errors.As(err, &exit) && exit.ExitCode() == 1:
		case err != nil:
			return nil, fmt.Errorf("mobisess refresh: %v: %s", err, lastLine(stderr.String()))
		}
		if i > 0 {
			out = append(out, ms)
		}
	}
	return out, nil
}
