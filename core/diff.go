package core

import (
	"encoding/json"
	"sort"
	"strconv"
)

// Change is one difference between a session in memory and its file, at the deepest property that differs.
// Old is absent for an added property, New for a removed one.
type Change struct {
	Pointer string          `json:"pointer"`
	Old     json.RawMessage `json:"old,omitempty"`
	New     json.RawMessage `json:"new,omitempty"`
}

// Diff lists the changes from old to new (decoded JSON values), in pointer order.
func Diff(old, new any) []Change {
	var out []Change
	diffAt("", old, new, &out)
	return out
}

func diffAt(pointer string, old, new any, out *[]Change) {
	if SameContent(old, new) {
		return
	}
	switch o := old.(type) {
	case map[string]any:
		if n, ok := new.(map[string]any); ok {
			keys := make([]string, 0, len(o)+len(n))
			for k := range o {
				keys = append(keys, k)
			}
			for k := range n {
				if _, seen := o[k]; !seen {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				ov, inOld := o[k]
				nv, inNew := n[k]
				p := pointer + "/" + escapePointer(k)
				switch {
				case !inOld:
					*out = append(*out, Change{Pointer: p, New: rawJSON(nv)})
				case !inNew:
					*out = append(*out, Change{Pointer: p, Old: rawJSON(ov)})
				default:
					diffAt(p, ov, nv, out)
				}
			}
			return
		}
	case []any:
		if n, ok := new.([]any); ok {
			for i := 0; i < len(o) || i < len(n); i++ {
				p := pointer + "/" + strconv.Itoa(i)
				switch {
				case i >= len(o):
					*out = append(*out, Change{Pointer: p, New: rawJSON(n[i])})
				case i >= len(n):
					*out = append(*out, Change{Pointer: p, Old: rawJSON(o[i])})
				default:
					diffAt(p, o[i], n[i], out)
				}
			}
			return
		}
	}
	*out = append(*out, Change{Pointer: pointer, Old: rawJSON(old), New: rawJSON(new)})
}

func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}
