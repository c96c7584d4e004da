package main

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/sample"
)

// A folder from someone else may name its app folders anything: fix, dry or not, prints them (and the move
// targets and messages made from them) escaped, on stdout and stderr, as check does.
func TestFixEscapesNames(t *testing.T) {
	const session = "UTT7VDX8W5.com.contactApp.Contact/7023d9205074199d1c16fc00d24354e778137675"
	data, err := fs.ReadFile(sample.FS(), sample.Root+"/"+session)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fix", "--dry-run", "/m"}, {"fix", "/m"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			mem := afero.NewMemMapFs()
			for _, app := range []string{"x\x1b]0;PWNED\x07\x1b[2J", "y\n  to fix       mobi 1  (forged line)"} {
				if err := afero.WriteFile(mem, "/m/"+app+"/7023d9205074199d1c16fc00d24354e778137675", data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			run(context.Background(), args, &stdout, &stderr, mem)
			for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
				if strings.ContainsFunc(strings.ReplaceAll(out, "\n", ""), unicode.IsControl) {
					t.Errorf("%s: a control character reaches the terminal:\n%q", name, out)
				}
				if strings.Contains(out, "\n  to fix       mobi 1  (forged line)") {
					t.Errorf("%s: a name forged a line:\n%s", name, out)
				}
			}
			if !strings.Contains(stdout.String(), `x\x1b]0;PWNED\x07\x1b[2J/7023`) {
				t.Errorf("the app folder is not shown escaped:\n%s", stdout.String())
			}
		})
	}
}

// A fix refused names its file on stderr: escaped too.
func TestFixRefusedEscapesNames(t *testing.T) {
	const (
		file   = "/m/com.a\x1b[2J/abcd"
		token  = "eyJhcHBOYW1lSUQiOiJjb20uYSIsImlkIjoiYWJjZCIsInRlYW1JRCI6IiJ9"
		before = `{"application":{"id":"com.a"},"session":{"id":"abcd"},"status":"Pending","token":"` + token + `"}`
		other  = `{"application":{"id":"com.a"},"session":{"id":"abcd"},"status":"accepted","token":"` + token + `"}`
	)
	mem := afero.NewMemMapFs()
	if err := afero.WriteFile(mem, file, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"fix", "/m"}, &stdout, &stderr, &rewriteFs{Fs: mem, name: file, at: 3, content: other}); code != exitInput {
		t.Fatalf("exit %d, want %d: %s%s", code, exitInput, stdout.String(), stderr.String())
	}
	if want := "mobisess: a fix was refused: com.a\\x1b[2J/abcd: the file changed on disk since it was read\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}
