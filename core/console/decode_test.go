package console

import (
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
)

// Parameters are one JSON object of the method's properties, in UTF-8: anything after it, and text that is not
// UTF-8 (raw, or a lone surrogate escaped, which encoding/json would turn into U+FFFD) are refused as input.
func TestDecode(t *testing.T) {
	for _, c := range []struct {
		params string
		ok     bool
		why    string
	}{
		{``, true, ""},
		{`{"path":"a/b","content":"x"}`, true, ""},
		{`{"path":"a/b","content":"x"}` + "\n", true, ""},
		{`{"path":"a/b","content":"\ud83d\ude00 \u00e9 \\ud800 \\\ud83d\ude00"}`, true, ""},
		{`{"path":"a/b","content":"x"} {}`, false, "more follows"},
		{`{"path":"a/b","content":"x"}x`, false, "more follows"},
		{`{"path":"a/b","content":"x"}]`, false, "more follows"},
		{`{"path":"a/b","content":"\ud800"}`, false, `\ud800, half of a UTF-16 pair`},
		{`{"path":"a/b","content":"\uDFFF x"}`, false, `\uDFFF, half of a UTF-16 pair`},
		{`{"path":"a/b","content":"\ud83d\u0041"}`, false, `\ud83d, half`},
		{`{"path":"a/b","content":"\\\ud800"}`, false, `\ud800, half`},
		{`{"path":"a/b","content":"` + "\xff" + `"}`, false, "not UTF-8"},
		{`{"path":"a/b","conten":"x"}`, false, "unknown field"},
	} {
		var p WriteParams
		err := decode([]byte(c.params), &p)
		if c.ok != (err == nil) || err != nil && (err.(*Error).Kind != core.KindInput || !strings.Contains(err.Error(), c.why)) {
			t.Errorf("Decode(%s): %v", c.params, err)
		}
	}
}
