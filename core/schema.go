package core

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/mobisess/mobisess/core/i18n"
	"github.com/mobisess/mobisess/core/internal/probe"
)

// SchemaJSON is the project's own schema of a session file (4D's is shipped inside 4D and not published).
//
//go:embed session.schema.json
var SchemaJSON []byte

// Schema is a compiled session schema.
type Schema struct {
	Name     string // where it came from: "embedded" or the user's file name
	compiled *jsonschema.Schema
}

// schemaURL is absolute because relative names need getwd, which js/wasm lacks.
const schemaURL = "mem:///session.schema.json"

var (
	defaultSchema     *Schema
	defaultSchemaErr  error
	defaultSchemaOnce sync.Once
)

// DefaultSchema returns the embedded schema, compiled once per process.
func DefaultSchema() *Schema {
	defaultSchemaOnce.Do(func() {
		defaultSchema, defaultSchemaErr = CompileSchema("embedded", SchemaJSON)
	})
	if defaultSchemaErr != nil {
		panic(fmt.Sprintf("the embedded schema does not compile: %v", defaultSchemaErr))
	}
	return defaultSchema
}

// CompileSchema compiles a user-supplied schema, such as 4D's own mobileSessionSchema.json.
func CompileSchema(name string, data []byte) (*Schema, error) {
	c := jsonschema.NewCompiler()
	c.LoadURL = func(url string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("the schema refers to %s: external references are not loaded", url)
	}
	// The errors speak of the URL the schema was registered under; the user knows it by its file name.
	named := func(err error) error {
		return fmt.Errorf("schema %s: %s", name, strings.ReplaceAll(err.Error(), schemaURL, name))
	}
	if err := c.AddResource(schemaURL, bytes.NewReader(data)); err != nil {
		return nil, named(err)
	}
	compiled, err := c.Compile(schemaURL)
	if err != nil {
		return nil, named(err)
	}
	return &Schema{Name: name, compiled: compiled}, nil
}

// validate checks a decoded document (json.Decoder with UseNumber) and returns its violations, in pointer order.
func (s *Schema) validate(doc any) []Violation {
	if probe.Validate != nil {
		probe.Validate()
	}
	err := s.compiled.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Pointer: "", Message: i18n.Plain(err.Error())}}
	}
	var out []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, leafViolations(e)...)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

// leafViolations turns one failed keyword into violations. A missing property is placed at its
// own pointer, which says what to add better than its parent's.
func leafViolations(e *jsonschema.ValidationError) []Violation {
	keyword := e.KeywordLocation[strings.LastIndexByte(e.KeywordLocation, '/')+1:]
	at := func(m i18n.Text) []Violation { return []Violation{{Pointer: e.InstanceLocation, Message: m}} }
	switch keyword {
	case "required":
		if list, ok := strings.CutPrefix(e.Message, "missing properties: "); ok {
			var out []Violation
			for _, q := range strings.Split(list, ", ") {
				name := unquoteName(q)
				out = append(out, Violation{Pointer: e.InstanceLocation + "/" + escapePointer(name), Message: i18n.New(&msgRequired, q)})
			}
			return out
		}
	case "type":
		if want, got, ok := strings.Cut(strings.TrimPrefix(e.Message, "expected "), ", but got "); ok {
			return at(i18n.New(&msgType, want, got))
		}
	case "enum":
		if list, ok := strings.CutPrefix(e.Message, "value must be one of "); ok {
			return at(i18n.New(&msgEnum, list))
		}
	case "pattern":
		if p, ok := strings.CutPrefix(e.Message, "does not match pattern "); ok {
			return at(i18n.New(&msgPattern, p))
		}
	case "minLength":
		return at(i18n.New(&msgMinLength))
	}
	return at(i18n.Plain(e.Message))
}

// unquoteName reverses how jsonschema quotes a property name: 'name' with Go escapes, " bare and ' escaped.
func unquoteName(q string) string {
	inner := strings.TrimSuffix(strings.TrimPrefix(q, "'"), "'")
	inner = strings.ReplaceAll(strings.ReplaceAll(inner, `\'`, `'`), `"`, `\"`)
	if name, err := strconv.Unquote(`"` + inner + `"`); err == nil {
		return name
	}
	return inner
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
