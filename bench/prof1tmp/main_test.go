package prof

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/report"
)

func TestProf(t *testing.T) {
	src := os.Getenv("SRC")
	fsys, root, err := core.OpenPath(afero.NewOsFs(), src, core.DefaultZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	w := report.NewCheckWriter(io.Discard, report.Format(os.Getenv("FMT")), report.Options{})
	if err := (&core.Checker{}).CheckTo(context.Background(), fsys, root, core.CheckOptions{}, w); err != nil {
		t.Fatal(err)
	}
}
