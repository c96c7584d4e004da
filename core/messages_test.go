package core

import (
	"strings"
	"testing"
)

// The four mobi messages are the words of 4D's documentation of MOBILE APP REFRESH SESSIONS, in each language:
// developer.4d.com for English, 4D's French and Spanish reference pages for the others. The French page writes
// "shéma"; the message keeps the correct spelling "schéma", the one difference allowed.
func TestMessagesAre4DsWords(t *testing.T) {
	documented := map[Code]map[Lang]string{
		CodeLocation: {
			English: "The json file location does not match its content",
			French:  "L'emplacement du fichier json ne correspond pas à son contenu",
			Spanish: "La ubicación del archivo json no coincide con su contenido",
		},
		CodeMalformed: {
			English: "The json file is not correctly formed",
			French:  "Le fichier json n'est pas correctement formé",
			Spanish: "El archivo json no está formado correctamente",
		},
		CodeSchema: {
			English: "The json file does not validate the json schema",
			French:  "Le fichier json ne valide pas le schéma json",
			Spanish: "El archivo json no valida el esquema json",
		},
		CodeToken: {
			English: "Connection token is not compliant with the current information",
			French:  "Le jeton de connexion n'est pas conforme aux informations courantes",
			Spanish: "El token de conexión no cumple con la información actual",
		},
	}
	if len(codeMessages) != len(documented) {
		t.Errorf("%d mobi messages, 4D documents %d", len(codeMessages), len(documented))
	}
	for code, words := range documented {
		for _, lang := range Langs {
			if got := ErrorMessage(lang, code); got != words[lang] {
				t.Errorf("mobi %d in %s: %q, 4D documents %q", code, lang, got, words[lang])
			}
		}
	}
}

// A file without an extension whose name is not hexadecimal (4D's own push tests write test_session) is
// skipped, and its reason says why that is a guess: 4D's current component reads such files as sessions, so
// 4D's command may judge the file where this one does not.
func TestNotHexReasonSaysFourDMayJudgeIt(t *testing.T) {
	for _, lang := range Langs {
		reason := skipEntry(lang, "com.test.pntest/test_session", SkipNotHex).Reason
		for _, want := range []string{"Mobile App Server", "MOBILE APP REFRESH SESSIONS"} {
			if !strings.Contains(reason, want) {
				t.Errorf("%s: the reason %q does not name %s", lang, reason, want)
			}
		}
	}
}

// The words of a report's codes, in each language, are the messages of the errors themselves.
func TestWordsIn(t *testing.T) {
	for _, lang := range []Lang{English, French, Spanish} {
		w := WordsIn(lang)
		if len(w.Codes) != 4 || w.Deleted == "" {
			t.Fatalf("%s: %+v", lang, w)
		}
		for code := CodeLocation; code <= CodeToken; code++ {
			if w.Codes[code] != ErrorMessage(lang, code) || w.Codes[code] == "" {
				t.Errorf("%s: mobi %d is %q", lang, code, w.Codes[code])
			}
		}
	}
	if en, fr := WordsIn(English), WordsIn(French); en.Deleted == fr.Deleted || en.Codes[2] == fr.Codes[2] {
		t.Errorf("English and French say the same: %+v %+v", en, fr)
	}
}
