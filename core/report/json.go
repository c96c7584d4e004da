package report

import (
	"unicode/utf8"

	"github.com/mobisess/mobisess/core"
)

// appendSession appends s as writeJSON encodes it inside a report (encoding/json, HTML characters as they are,
// indented by two spaces from prefix), without reflection or a second pass to indent: a JSON report of 100k
// sessions spends its time here. TestAppendSessionIsEncodingJSON holds it to encoding/json, field for field.
func appendSession(dst []byte, s *core.Session, prefix string) []byte {
	first := true
	field := func(key, value string, always bool) {
		if value == "" && !always {
			return
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		dst = append(dst, `  "`...)
		dst = append(dst, key...)
		dst = append(dst, `": `...)
		dst = appendString(dst, value)
	}
	dst = append(dst, '{')
	field("path", s.Path, true)
	field("app", s.App, true)
	field("id", s.ID, true)
	field("status", s.Status, true)
	field("email", s.Email, false)
	field("applicationId", s.ApplicationID, true)
	field("applicationName", s.ApplicationName, false)
	field("applicationVersion", s.ApplicationVersion, false)
	field("teamId", s.TeamID, false)
	field("device", s.Device, false)
	field("deviceId", s.DeviceID, false)
	field("os", s.OS, false)
	field("osVersion", s.OSVersion, false)
	if s.Simulator != nil {
		dst = append(dst, ",\n"...)
		dst = append(dst, prefix...)
		dst = append(dst, `  "simulator": `...)
		if *s.Simulator {
			dst = append(dst, "true"...)
		} else {
			dst = append(dst, "false"...)
		}
	}
	field("language", s.Language, false)
	field("ip", s.IP, false)
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	return append(dst, '}')
}

// appendString appends s as a JSON string, escaped as encoding/json escapes it without HTML escaping: quotes,
// backslashes and control characters; U+2028 and U+2029; invalid UTF-8 as U+FFFD.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			switch r {
			case utf8.RuneError:
				dst = append(dst, `\ufffd`...)
			default:
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
