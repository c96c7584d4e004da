package buildinfo

import "testing"

func TestString(t *testing.T) {
	for _, tc := range []struct {
		info Info
		want string
	}{
		{Info{Version: "v1.2.3", Commit: "8695a2b359f014280bd7bf88b51e5d1192a61b65"}, "v1.2.3 (commit 8695a2b)"},
		{Info{Version: "devel", Commit: "8695a2b359f014280bd7bf88b51e5d1192a61b65"}, "devel (commit 8695a2b)"},
		{Info{Version: "v1.2.3"}, "v1.2.3"},
		{Info{Version: "v0.0.0-20261101120000-8695a2b359f0", Commit: "8695a2b359f014280bd7bf88b51e5d1192a61b65"}, "v0.0.0-20261101120000-8695a2b359f0"},
	} {
		if got := tc.info.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.info, got, tc.want)
		}
	}
}

// What -ldflags -X stamps wins over what the go command recorded.
func TestStampedWins(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v9.9.9", "0123456789abcdef"
	if got := Get(); got != (Info{Version: "v9.9.9", Commit: "0123456789abcdef"}) {
		t.Fatalf("Get() = %+v", got)
	}
	version, commit = "", ""
	if got := Get(); got.Version == "" {
		t.Fatalf("an unstamped build has no version: %+v", got)
	}
}
