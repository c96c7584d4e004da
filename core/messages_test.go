package core

import (
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core/i18n"
)

// The four mobi messages are the words of 4D's documentation of MOBILE APP REFRESH SESSIONS, in each language:
// developer.4d.com for i18n.English, 4D's i18n.French and i18n.Spanish reference pages for the others. The i18n.French page writes
// "shéma"; the message keeps the correct spelling "schéma", the one difference allowed.
func TestMessagesAre4DsWords(t *testing.T) {
	documented := map[Code]map[i18n.Lang]string{
		CodeLocation: {
			i18n.English: "The json file location does not match its content",
			i18n.French:  "L'emplacement du fichier json ne correspond pas à son contenu",
			i18n.Spanish: "La ubicación del archivo json no coincide con su contenido",
		},
		CodeMalformed: {
			i18n.English: "The json file is not correctly formed",
			i18n.French:  "Le fichier json n'est pas correctement formé",
			i18n.Spanish: "El archivo json no está formado correctamente",
		},
		CodeSchema: {
			i18n.English: "The json file does not validate the json schema",
			i18n.French:  "Le fichier json ne valide pas le schéma json",
			i18n.Spanish: "El archivo json no valida el esquema json",
		},
		CodeToken: {
			i18n.English: "Connection token is not compliant with the current information",
			i18n.French:  "Le jeton de connexion n'est pas conforme aux informations courantes",
			i18n.Spanish: "El token de conexión no cumple con la información actual",
		},
	}
	if len(codeMessages) != len(documented) {
		t.Errorf("%d mobi messages, 4D documents %d", len(codeMessages), len(documented))
	}
	for code, words := range documented {
		for _, lang := range i18n.Langs {
			if got := CodeMessage(code).Render(lang); got != words[lang] {
				t.Errorf("mobi %d in %s: %q, 4D documents %q", code, lang, got, words[lang])
			}
		}
	}
}

// A file without an extension whose name is not hexadecimal (4D's own push tests write test_session) is
// skipped, and its reason says why that is a guess: 4D's current component reads such files as sessions, so
// 4D's command may judge the file where this one does not.
func TestNotHexReasonSaysFourDMayJudgeIt(t *testing.T) {
	for _, lang := range i18n.Langs {
		reason := skipEntry("com.test.pntest/test_session", SkipNotHex).Reason.Render(lang)
		for _, want := range []string{"Mobile App Server", "MOBILE APP REFRESH SESSIONS"} {
			if !strings.Contains(reason, want) {
				t.Errorf("%s: the reason %q does not name %s", lang, reason, want)
			}
		}
	}
}

// The words of a report's codes, in each language, are the messages of the errors themselves.
func TestWordsIn(t *testing.T) {
	for _, lang := range i18n.Langs {
		w := WordsIn(lang)
		if len(w.Codes) != 4 || w.Deleted.String() == "" {
			t.Fatalf("%s: %+v", lang, w)
		}
		for code := CodeLocation; code <= CodeToken; code++ {
			if got := w.Codes[code].String(); got != CodeMessage(code).Render(lang) || got == "" {
				t.Errorf("%s: mobi %d is %q", lang, code, got)
			}
		}
	}
	if en, fr := WordsIn(i18n.English), WordsIn(i18n.French); en.Deleted.String() == fr.Deleted.String() || en.Codes[2].String() == fr.Codes[2].String() {
		t.Errorf("English and French say the same: %+v %+v", en, fr)
	}
}
