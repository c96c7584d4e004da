package core

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// lineCol turns a byte offset of data into a 1-based line and column. CR, LF and CRLF each end a line;
// columns count characters, as editors do.
func lineCol(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	line, start := 1, 0
	for i := 0; i < offset; i++ {
		switch data[i] {
		case '\n':
			line, start = line+1, i+1
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				continue // the LF that follows ends the line
			}
			line, start = line+1, i+1
		}
	}
	return line, utf8.RuneCount(data[start:offset]) + 1
}

// splitPointer splits an RFC 6901 JSON pointer into unescaped reference tokens.
func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// locate returns the offset in data (valid JSON) of the value at pointer. When the pointer goes past what
// exists (a missing property), it returns the offset of the deepest value that exists. With duplicate keys
// the last one wins, as it does when decoding.
func locate(data []byte, pointer string) int {
	at := skipSpace(data, 0)
	for _, token := range splitPointer(pointer) {
		if at >= len(data) {
			return at
		}
		next := -1
		switch data[at] {
		case '{':
			i := skipSpace(data, at+1)
			for i < len(data) && data[i] == '"' {
				end := skipString(data, i)
				var key string
				_ = json.Unmarshal(data[i:end], &key)
				i = skipSpace(data, end)
				i = skipSpace(data, i+1) // the colon
				if key == token {
					next = i
				}
				i = skipSpace(data, skipValue(data, i))
				if i < len(data) && data[i] == ',' {
					i = skipSpace(data, i+1)
				}
			}
		case '[':
			n, err := strconv.Atoi(token)
			if err != nil {
				return at
			}
			i := skipSpace(data, at+1)
			for k := 0; i < len(data) && data[i] != ']'; k++ {
				if k == n {
					next = i
					break
				}
				i = skipSpace(data, skipValue(data, i))
				if i < len(data) && data[i] == ',' {
					i = skipSpace(data, i+1)
				}
			}
		}
		if next < 0 {
			return at
		}
		at = next
	}
	return at
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the offset just past the string starting at data[i] == '"'.
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the offset just past the value starting at i.
func skipValue(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch c := data[i]; c {
		case '"':
			i = skipString(data, i)
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // ends the scalar that was being skipped
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}
