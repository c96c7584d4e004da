package api

import (
	"context"

	"github.com/mobisess/mobisess/core"
)

// FolderParams name a folder that the page read (a folder picked or dropped in the browser): Entries list it, and
// for openFolder the bytes of its files follow one another beside the parameters, in the order of Entries. Root
// is the folder inside it to open ("" for its own root); Lang and Edits are as for openZip.
type FolderParams struct {
	Name    string             `json:"name"`
	Root    string             `json:"root"`
	Entries []core.FolderEntry `json:"entries"`
	Lang    string             `json:"lang"`
	Edits   []core.Edit        `json:"edits"`
}

// planFolder judges a folder's listing before the page reads its bytes: what to read, or why not.
func (a *API) planFolder(params []byte) (*core.FolderPlan, error) {
	var p FolderParams
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	if !a.canOpen {
		return nil, ErrCannotOpen
	}
	if err := a.setLang(p.Lang); err != nil {
		return nil, err
	}
	return core.PlanFolder(p.Name, p.Entries, p.Root, a.checker)
}

func (a *API) openFolder(ctx context.Context, params, data []byte) (*core.State, error) {
	var p FolderParams
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	if err := a.setLang(p.Lang); err != nil {
		return nil, err
	}
	if a.progress != nil {
		a.progress("import", 0, 1)
	}
	return a.open(ctx, p.Edits, func(c *core.Checker, o core.WorkspaceOptions) (*core.Workspace, error) {
		return core.OpenFolder(ctx, p.Name, p.Entries, data, p.Root, c, o)
	})
}
