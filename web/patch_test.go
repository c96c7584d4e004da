package web

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The page patches the State and its lists with each change's rows rather than make them again: what it holds
// after each row is what it would make from scratch (testdata/patch_check.mjs, run by Node).
func TestPagePatchesAsItMakes(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is needed to run the page's scripts: ", err)
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, filepath.Join("testdata", "patch_check.mjs"), dir).CombinedOutput()
	if err != nil || strings.Contains(string(out), "FAIL") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
