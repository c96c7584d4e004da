package i18n

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"testing"
)

var (
	msgHello = Msg{En: "hello %s", Fr: "bonjour %s", Es: "hola %s"}
	msgWorld = Msg{En: "World", Fr: "Monde", Es: "Mundo"}
	msgBoth  = Msg{En: "%s and %s", Fr: "%s et %s", Es: "%s y %s"}
)

// A Text is said in the language it is shown in, its Text arguments in the same one; it has no words of its
// own until then.
func TestTextSaysInEachLanguage(t *testing.T) {
	hello := New(&msgHello, New(&msgWorld))
	for lang, want := range map[Lang]string{English: "hello World", French: "bonjour Monde", Spanish: "hola Mundo"} {
		if got := hello.Render(lang); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
		if got := hello.In(lang).String(); got != want {
			t.Errorf("%s, String: %q, want %q", lang, got, want)
		}
	}
	if got := hello.String(); got != "hello World" {
		t.Errorf("in no language: %q, want English", got)
	}
	title := Join("; ", New(&msgBoth, "a", "b"), Lower(New(&msgWorld)), Plain("Kept as is"))
	if got := title.Render(French); got != "a et b; monde; Kept as is" {
		t.Errorf("joined: %q", got)
	}
	if got := New(&msgHello, "100%").Render(English); got != "hello 100%" {
		t.Errorf("an argument with a %%: %q", got)
	}
}

// Its encodings say it in its language: JSON as a string (empty is left out with omitzero), gob as its words.
func TestTextEncodings(t *testing.T) {
	type doc struct {
		A Text `json:"a"`
		B Text `json:"b,omitzero"`
		C Text `json:"c,omitzero"`
	}
	d := doc{A: New(&msgHello, "<x>").In(French), C: Plain("c")}
	got, err := json.Marshal(d)
	if err != nil || string(got) != `{"a":"bonjour \u003cx\u003e","c":"c"}` {
		t.Errorf("JSON: %s, %v", got, err)
	}
	var back doc
	if err := json.Unmarshal(got, &back); err != nil || back.A.String() != "bonjour <x>" || !back.B.IsZero() || back.C.String() != "c" {
		t.Errorf("JSON read back: %+v, %v", back, err)
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(d); err != nil {
		t.Fatal(err)
	}
	var g doc
	if err := gob.NewDecoder(&b).Decode(&g); err != nil || g.A.String() != "bonjour <x>" || !g.B.IsZero() || g.A.Render(Spanish) != "bonjour <x>" {
		t.Errorf("gob: %+v, %v", g, err)
	}
	if !Plain("").IsZero() || (Text{}).String() != "" {
		t.Error("the empty text")
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"en": English, "fr_FR": French, "es-419": Spanish, "FR.UTF-8": French} {
		if got, err := ParseLang(in); got != want || err != nil {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	if _, err := ParseLang("de"); err == nil {
		t.Error("de is taken")
	}
}
