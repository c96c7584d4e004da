package core

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Change is one difference between a session in memory and its file, at the deepest property that differs.
// Old is absent for an added property, New for a removed one.
type Change struct {
	Pointer string          `json:"pointer"`
	Old     json.RawMessage `json:"old,omitempty"`
	New     json.RawMessage `json:"new,omitempty"`
}

// maxDiffPointers bounds the bytes of the pointers a diff lists. Two valid files of a few MB can differ in
// hundreds of thousands of places thousands of levels deep: naming each change by its full pointer would take
// gigabytes. Past the bound the difference is one change at the root, with both whole documents.
const maxDiffPointers = 1 << 20

// Diff lists the changes from old to new (decoded JSON values), in pointer order. It walks each value once:
// comparing every subtree before descending into it would take the square of the depth.
func Diff(old, new any) []Change {
	d := &differ{}
	d.at(old, new)
	if d.overflow {
		return []Change{{Pointer: "", Old: rawJSON(old), New: rawJSON(new)}}
	}
	return d.out
}

type differ struct {
	path     []string // the escaped reference tokens of the values being compared
	out      []Change
	size     int // bytes of the pointers in out
	overflow bool
}

func (d *differ) at(old, new any) {
	if d.overflow {
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
				d.path = append(d.path, escapePointer(k))
				switch {
				case !inOld:
					d.add(Change{New: rawJSON(nv)})
				case !inNew:
					d.add(Change{Old: rawJSON(ov)})
				default:
					d.at(ov, nv)
				}
				d.path = d.path[:len(d.path)-1]
			}
			return
		}
	case []any:
		if n, ok := new.([]any); ok {
			for i := 0; i < len(o) || i < len(n); i++ {
				d.path = append(d.path, strconv.Itoa(i))
				switch {
				case i >= len(o):
					d.add(Change{New: rawJSON(n[i])})
				case i >= len(n):
					d.add(Change{Old: rawJSON(o[i])})
				default:
					d.at(o[i], n[i])
				}
				d.path = d.path[:len(d.path)-1]
			}
			return
		}
	}
	if !SameContent(old, new) { // scalars, or values of two kinds: no walk
		d.add(Change{Old: rawJSON(old), New: rawJSON(new)})
	}
}

// add lists c at the current path.
func (d *differ) add(c Change) {
	if len(d.path) > 0 {
		c.Pointer = "/" + strings.Join(d.path, "/")
	}
	if d.size += len(c.Pointer); d.size > maxDiffPointers {
		d.overflow = true
		return
	}
	d.out = append(d.out, c)
}

func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}
