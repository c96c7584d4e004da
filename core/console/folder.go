package console

import (
	"context"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/zipfs"
)

// FolderParams name a folder that the page read (a folder picked or dropped in the browser): Entries list it, and
// for openFolder the bytes of its files follow one another beside the parameters, in the order of Entries. Root
// is the folder inside it to open ("" for its own root); Lang and Edits are as for openZip.
type FolderParams struct {
	Name    string             `json:"name"`
	Root    string             `json:"root"`
	Entries []core.FolderEntry `json:"entries"`
	Lang    string             `json:"lang"`
	Edits   []Edit             `json:"edits"`
}

// OpenFolder opens the folder name that a browser read, given as entries and data (core.ReadFolder), in memory
// as a zip is: its edits kept beside it; where the page can write the folder back, FolderWrites says what to
// write.
func OpenFolder(ctx context.Context, name string, entries []core.FolderEntry, data []byte, inner string, c *core.Checker, opts WorkspaceOptions) (*Workspace, error) {
	if c == nil {
		c = &core.Checker{}
	}
	disk, err := core.ReadFolder(name, entries, data, inner, c)
	if err != nil {
		return nil, err
	}
	opts.Source, opts.Mode, opts.Exclusive = name, "browser", true
	if inner != "" {
		opts.Source = name + "/" + inner
	}
	// The disk as last known (what was read, then what the page wrote back), with the edits not written yet over it.
	return NewWorkspace(ctx, zipfs.NewOverlay(disk), zipfs.Root, c, opts)
}

// planFolder judges a folder's listing before the page reads its bytes: what to read, or why not. It replaces
// nothing, but runs where no workspace is open yet.
func (s *Service) planFolder(p *FolderParams) (Answer, error) {
	if err := s.opening(p.Lang); err != nil {
		return Answer{}, err
	}
	plan, err := core.PlanFolder(p.Name, p.Entries, p.Root, s.checker)
	return Answer{Doc: plan}, err
}

func (s *Service) openFolder(ctx context.Context, p *FolderParams, data []byte) (Answer, error) {
	if err := s.opening(p.Lang); err != nil {
		return Answer{}, err
	}
	if s.progress != nil {
		s.progress("import", 0, 1)
	}
	return s.open(ctx, p.Edits, func(c *core.Checker, o WorkspaceOptions) (*Workspace, error) {
		return OpenFolder(ctx, p.Name, p.Entries, data, p.Root, c, o)
	})
}
