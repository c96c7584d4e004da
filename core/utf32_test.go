package core

import (
	"encoding/binary"
	"testing"

	"github.com/mobisess/mobisess/core/i18n"
)

// A UTF-32 file is named UTF-32, with or without a byte-order mark, in either byte order: its little-endian mark
// starts like UTF-16's, and without a mark it has NUL bytes as UTF-16 has.
func TestUTF32(t *testing.T) {
	encode := func(s string, bigEndian, bom bool) string {
		runes := []rune(s)
		if bom {
			runes = append([]rune{0xFEFF}, runes...)
		}
		var b []byte
		for _, r := range runes {
			if bigEndian {
				b = binary.BigEndian.AppendUint32(b, uint32(r))
			} else {
				b = binary.LittleEndian.AppendUint32(b, uint32(r))
			}
		}
		return string(b)
	}
	withBOM := "the file is UTF-32; session files are UTF-8"
	noBOM := "the file looks like UTF-32 without a byte-order mark (three NUL bytes beside each character); session files are UTF-8"
	for _, tt := range []struct {
		name           string
		bigEndian, bom bool
		cause          string
	}{
		{"little-endian with BOM", false, true, withBOM},
		{"big-endian with BOM", true, true, withBOM},
		{"little-endian without BOM", false, false, noBOM},
		{"big-endian without BOM", true, false, noBOM},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, text := range []string{example, "\r\n" + example} {
				err := checkText(t, exampleFile, encode(text, tt.bigEndian, tt.bom))
				if err == nil || err.Code != CodeMalformed || err.Cause.String() != tt.cause || err.Line != 0 {
					t.Errorf("got %v, want mobi 2: %s", err, tt.cause)
				}
			}
		})
	}
	if err := (&Checker{}).parseErr(encode(example, false, true)).In(i18n.French); err == nil || err.Cause.String() != "le fichier est en UTF-32 ; les fichiers de session sont en UTF-8" {
		t.Errorf("French: %v", err)
	}
}
