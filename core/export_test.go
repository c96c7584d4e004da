package core

// The golden-file helpers, for the tests of package core_test (the sample and the workspace, seen as their
// callers see them).
var (
	Golden        = golden
	MarshalGolden = marshalGolden
)
