package core

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// duplicateKeys returns the JSON pointers of the properties that appear more than once in their object, each
// once, in the order of the file. Decoding keeps the last value of a duplicate key, silently (so do the checks,
// the memory and the diff); this is how the console can say so. data must be well-formed JSON.
func duplicateKeys(data []byte) []string {
	type frame struct {
		pointer string
		object  bool
		keys    map[string]bool
		key     string // the object's current key, or "" before the first
		index   int    // the array's current index
		wantKey bool
	}
	var stack []*frame
	var out []string
	reported := map[string]bool{}
	// child is the pointer of the value about to be read in the innermost container.
	child := func() string {
		top := stack[len(stack)-1]
		if top.object {
			return top.pointer + "/" + escapePointer(top.key)
		}
		return top.pointer + "/" + strconv.Itoa(top.index)
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.wantKey = true
		} else {
			top.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return out // io.EOF, or text that is not JSON: nothing more to say
		}
		if len(stack) > 0 {
			if top := stack[len(stack)-1]; top.object && top.wantKey {
				if key, ok := tok.(string); ok {
					top.key, top.wantKey = key, false
					if top.keys[key] {
						if p := child(); !reported[p] {
							reported[p] = true
							out = append(out, p)
						}
					}
					top.keys[key] = true
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			pointer := ""
			if len(stack) > 0 {
				pointer = child()
			}
			object := tok == json.Delim('{')
			f := &frame{pointer: pointer, object: object, wantKey: object}
			if object {
				f.keys = map[string]bool{}
			}
			stack = append(stack, f)
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}
