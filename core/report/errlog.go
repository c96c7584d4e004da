package report

import (
	"bytes"
	"encoding/gob"

	"github.com/klauspost/compress/flate"

	"github.com/mobisess/mobisess/core"
)

// errorLog keeps the errors that a report writes after everything else (JSON lists them after the sessions, JUnit
// counts its failures first, SARIF and GitHub come last), compressed as they come: a folder of 200k broken
// files must not hold 200k Error values. Gob keeps every string as it was, invalid UTF-8 included; an error's
// messages are kept as their words (i18n.Text's gob form), so the caller adds them said in the report's language.
type errorLog struct {
	n   int
	buf bytes.Buffer
	zw  *flate.Writer
	enc *gob.Encoder
}

func (l *errorLog) add(e *core.Error) error {
	if l.enc == nil {
		l.zw, _ = flate.NewWriter(&l.buf, flate.BestSpeed) // the level is valid
		l.enc = gob.NewEncoder(l.zw)
	}
	l.n++
	return l.enc.Encode(e)
}

// each hands every error kept to fn, in the order they came. It is called once, at the end.
func (l *errorLog) each(fn func(*core.Error) error) error {
	next := l.stream()
	for {
		e, err := next()
		if err != nil || e == nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}

// stream gives the errors kept one at a time, in the order they came. It is taken once, at the end.
func (l *errorLog) stream() errorStream {
	if l.n == 0 {
		return errorsOf(nil)
	}
	left := l.n
	var dec *gob.Decoder
	return func() (*core.Error, error) {
		if left == 0 {
			return nil, nil
		}
		if dec == nil {
			if err := l.zw.Close(); err != nil {
				return nil, err
			}
			dec = gob.NewDecoder(flate.NewReader(&l.buf))
		}
		left--
		e := &core.Error{}
		return e, dec.Decode(e)
	}
}
