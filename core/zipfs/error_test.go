package zipfs

import "testing"

// A refused zip is said as a sentence that people read, in a report or the console's banner: never with a
// "zip:" prefix, the archive named when it has a name, the entry at fault named when there is one.
func TestErrorReadsAsASentence(t *testing.T) {
	for _, tc := range []struct {
		err  Error
		want string
	}{
		{Error{Reason: "is not a readable zip archive (it is not a zip, or it is cut short)"}, "the file is not a readable zip archive (it is not a zip, or it is cut short)"},
		{Error{Archive: "export.zip", Reason: "has 3 entries, over the limit of 2"}, "export.zip has 3 entries, over the limit of 2"},
		{Error{Entry: "../escape", Reason: "names with '..' would escape the folder"}, `the entry "../escape": names with '..' would escape the folder`},
		{Error{Archive: "evil.zip", Entry: "a/b", Reason: "links are refused"}, `the entry "a/b" in evil.zip: links are refused`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.err, got, tc.want)
		}
	}
}
