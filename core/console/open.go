package console

import (
	"context"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/sample"
	"github.com/mobisess/mobisess/core/zipfs"
)

// OpenZip opens a zipped MobileApps folder held in memory, within c's limits: the zip is read in place, and
// the edits made to it are kept beside it (Download writes both as one zip).
func OpenZip(ctx context.Context, data []byte, name string, c *core.Checker, opts WorkspaceOptions) (*Workspace, error) {
	return OpenZipAt(ctx, data, name, "", c, opts)
}

// OpenZipAt opens a zipped MobileApps folder held in memory, as OpenZip does, with inner the folder inside the
// zip to take as the root ("" for the zip's own choice). A root that is probably not the one meant is refused
// (core.WrongRootError, which names the folder inside the zip to open instead).
func OpenZipAt(ctx context.Context, data []byte, name, inner string, c *core.Checker, opts WorkspaceOptions) (*Workspace, error) {
	if c == nil {
		c = &core.Checker{}
	}
	fsys, err := zipfs.Open(data, inner, c.Limits().Zip)
	if err != nil {
		return nil, err
	}
	root := zipfs.Root
	if err := core.CheckRoot(fsys, root, core.RootName{Path: name, Zip: true, Inner: inner}); err != nil {
		return nil, err
	}
	opts.Source, opts.Mode, opts.Exclusive = name, "browser", true
	if inner != "" {
		opts.Source = name + "/" + inner
	}
	return NewWorkspace(ctx, fsys, root, c, opts)
}

// OpenEditable opens the folder at root of base, which is never written, with its edits kept in memory beside
// it, as OpenZip does for a zip.
func OpenEditable(ctx context.Context, base afero.Fs, root string, c *core.Checker, opts WorkspaceOptions) (*Workspace, error) {
	return NewWorkspace(ctx, zipfs.NewOverlay(base), root, c, opts)
}

// OpenSample opens the embedded sample as the browser console does: its edits kept beside it, as a zip's.
func OpenSample(ctx context.Context, c *core.Checker, opts WorkspaceOptions) (*Workspace, error) {
	fsys, root, err := sample.Open()
	if err != nil {
		return nil, err
	}
	opts.Source, opts.Mode, opts.Exclusive = "sample", "browser", true
	return OpenEditable(ctx, fsys, root, c, opts)
}
