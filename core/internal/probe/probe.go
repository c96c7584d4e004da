// Package probe holds the hooks by which the tests of the engine and of the console count what opening a file
// costs: each decoding of a session file's text into a document, each validation of a document against the
// schema. They are nil except in those tests.
package probe

var (
	// Decode is told of each decoding of a session file's text.
	Decode func(data []byte)
	// Validate is told of each validation of a document against the schema.
	Validate func()
)
