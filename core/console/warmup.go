package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sync"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
)

// warmUpCopies is how many copies of each session of the sample the warm-up's folder holds: enough files that
// sorting, map growth and the encoding of a large State take the paths they take for a real folder, which a
// folder of a dozen files never reaches.
const warmUpCopies = 25

// warmUpZip is the embedded sample, zipped, with each of its sessions copied warmUpCopies times under new IDs,
// each copy valid (its file name, its ID and its token agree), and its broken files once. Built once.
var warmUpZip = sync.OnceValues(func() ([]byte, error) {
	fsys, root, err := sample.Open()
	if err != nil {
		return nil, err
	}
	rep, err := (&core.Checker{}).Check(context.Background(), fsys, root, core.CheckOptions{})
	if err != nil {
		return nil, err
	}
	for _, s := range rep.Sessions {
		data, err := afero.ReadFile(fsys, path.Join(root, s.Path))
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil {
			continue // a file with a byte-order mark: it is in the folder once, as in the sample
		}
		sess, ok := doc["session"].(map[string]any)
		if !ok || len(s.ID) < 8 {
			continue
		}
		for k := range warmUpCopies {
			id := s.ID[:len(s.ID)-6] + fmt.Sprintf("%06x", k+1) // the same length and alphabet as the sample's ID
			sess["id"] = id
			doc["token"] = core.EncodeToken(core.Token{AppNameID: s.ApplicationID, ID: id, TeamID: s.TeamID})
			copied, err := json.MarshalIndent(doc, "", "\t")
			if err != nil {
				return nil, err
			}
			if err := afero.WriteFile(fsys, path.Join(root, s.App, id), copied, 0o644); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := core.ExportZip(fsys, root, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
})

// WarmUp does what opening a zip does (import, check, State, its JSON) on the embedded sample, enlarged
// (warmUpZip), times times, in a workspace of its own that nobody sees. It is for the WebAssembly engine: a browser first runs it from a
// baseline compiler and optimises only the functions that have run hot, so the first zip a person opens would
// take about 1.6 times as long as the next. Run while the page is idle, it has the hot code optimised by then.
func WarmUp(ctx context.Context, times int) error {
	data, err := warmUpZip()
	if err != nil {
		return err
	}
	for range times {
		if err := ctx.Err(); err != nil {
			return err
		}
		ws, err := OpenZip(ctx, data, "MobileApps.zip", nil, WorkspaceOptions{})
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
