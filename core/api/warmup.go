package api

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
)

// sampleZip is the embedded sample as a zip, built once: what WarmUp opens.
var sampleZip = sync.OnceValues(func() ([]byte, error) {
	fsys, root, err := sample.Open()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := core.ExportZip(fsys, root, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
})

// WarmUp does what opening a zip does (import, check, State, its JSON) on the embedded sample, times times, in
// a workspace of its own that nobody sees. It is for the WebAssembly engine: a browser first runs it from a
// baseline compiler and optimises only the functions that have run hot, so the first zip a person opens would
// take about 1.6 times as long as the next. Run while the page is idle, it has the hot code optimised by then.
func WarmUp(ctx context.Context, times int) error {
	data, err := sampleZip()
	if err != nil {
		return err
	}
	for range times {
		if err := ctx.Err(); err != nil {
			return err
		}
		ws, err := core.OpenZip(ctx, data, "MobileApps.zip", NewChecker(core.English, nil), core.DefaultZipLimits, nil)
		if err != nil {
			return err
		}
		st, err := ws.State(ctx)
		if err != nil {
			return err
		}
		if _, err := json.Marshal(st); err != nil {
			return err
		}
	}
	return nil
}
