package web

import (
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

// An import statement of a page script: `import … from './x.js'`, `export … from '…'`, `import './x.js'`.
var importStatement = regexp.MustCompile(`(?m)^(?:import|export)\s[^'"\n]*?\bfrom\s+'([^']+)'|^import\s+'([^']+)'`)

// Every module a page script imports is a file the dev server and the static site serve: a script the embed
// patterns miss would load in no browser.
func TestImportsAreServed(t *testing.T) {
	imports := 0
	err := fs.WalkDir(Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		data, err := fs.ReadFile(Files, p)
		if err != nil {
			return err
		}
		for _, m := range importStatement.FindAllStringSubmatch(string(data), -1) {
			spec := m[1] + m[2]
			if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") {
				t.Errorf("%s imports %q: the page has no bundler, every import is a relative path", p, spec)
				continue
			}
			imports++
			if _, err := fs.Stat(Files, path.Join(path.Dir(p), spec)); err != nil {
				t.Errorf("%s imports %s, which is not served (web/embed.go)", p, spec)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if imports == 0 {
		t.Fatal("no import found in the page's scripts: the pattern no longer reads them")
	}
}

// Every script of the page in the repository is served: one in a folder the embed patterns miss fails here.
// web/site is the static site's own (internal/site), web/tools the type checker's.
func TestScriptsAreServed(t *testing.T) {
	err := fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (p == "site" || p == "tools") {
			return fs.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".js") {
			return nil
		}
		if _, err := fs.Stat(Files, p); err != nil {
			t.Errorf("%s is not served: add its folder to the patterns of web/embed.go", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
