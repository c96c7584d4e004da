//go:build !js && !wasip1

// Package server builds the dev server and runs it for the benchmarks that drive the console in Chromium.
package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Build compiles cmd/devserver into the benchmarks' bin folder (bench/out/bin under root) and returns its path.
func Build(root string) (string, error) {
	bin := filepath.Join(root, "bench", "out", "bin", "devserver")
	build := exec.Command("go", "build", "-o", bin, "./cmd/devserver")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the dev server: %v: %s", err, lastLine(string(out)))
	}
	return bin, nil
}

// Server is one running dev server.
type Server struct {
	URL    string // http://127.0.0.1:PORT/
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
}

// Start runs bin with args, which should listen on a free port (-addr 127.0.0.1:0), and waits until it says
// where it listens.
func Start(bin string, args ...string) (*Server, error) {
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on (http://\S+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_ = cmd.Wait()
		close(s.done)
	}()
	select {
	case s.URL = <-found:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("the dev server exited: %s", lastLine(s.stderr.String()))
	case <-time.After(30 * time.Second):
		s.Stop()
		return nil, errors.New("the dev server did not print its address in 30 s")
	}
}

// Pid is the dev server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stderr is what the dev server has written to its standard error so far.
func (s *Server) Stderr() string { return s.stderr.String() }

// Stop asks the dev server to shut down (as Ctrl+C does) and kills it when it lingers.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
