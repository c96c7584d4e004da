package core

import (
	"strings"

	"github.com/mobisess/mobisess/core/i18n"
)

// Syntax errors said as a 4D developer would fix them ("a comma is missing"), in their language, rather than
// in encoding/json's words. Keys are the contexts encoding/json puts after "invalid character 'c' ".
var syntaxMessages = []struct {
	context string
	msg     *i18n.Msg
}{
	{"after object key:value pair", &i18n.Msg{
		En: "expected ',' or '}' after a property, found %s: is a comma missing?",
		Fr: "',' ou '}' attendu après une propriété, %s trouvé : manque-t-il une virgule ?",
		Es: "se esperaba ',' o '}' después de una propiedad, se encontró %s: ¿falta una coma?"}},
	{"after object key", &i18n.Msg{
		En: "expected ':' after a property name, found %s",
		Fr: "':' attendu après un nom de propriété, %s trouvé",
		Es: "se esperaba ':' después de un nombre de propiedad, se encontró %s"}},
	{"looking for beginning of object key string", &i18n.Msg{
		En: "expected a property name in double quotes, found %s (a comma before '}' is not allowed)",
		Fr: "nom de propriété entre guillemets attendu, %s trouvé (pas de virgule avant '}')",
		Es: "se esperaba un nombre de propiedad entre comillas, se encontró %s (no se permite una coma antes de '}')"}},
	{"looking for beginning of value", &i18n.Msg{
		En: "expected a value, found %s",
		Fr: "valeur attendue, %s trouvé",
		Es: "se esperaba un valor, se encontró %s"}},
	{"after array element", &i18n.Msg{
		En: "expected ',' or ']' after an array element, found %s",
		Fr: "',' ou ']' attendu après un élément de tableau, %s trouvé",
		Es: "se esperaba ',' o ']' después de un elemento del arreglo, se encontró %s"}},
	{"in string literal", &i18n.Msg{
		En: "character %s is not allowed inside a string: escape it",
		Fr: "le caractère %s n'est pas permis dans une chaîne : échappez-le",
		Es: "el carácter %s no está permitido en una cadena: escápelo"}},
	{"in string escape code", &i18n.Msg{
		En: "invalid escape sequence: %s cannot follow '\\'",
		Fr: "séquence d'échappement invalide : %s ne peut pas suivre '\\'",
		Es: "secuencia de escape no válida: %s no puede seguir a '\\'"}},
	{"exceeded max depth", &i18n.Msg{
		En: "nesting deeper than 10000 levels (at %s)",
		Fr: "imbrication de plus de 10000 niveaux (à %s)",
		Es: "anidamiento de más de 10000 niveles (en %s)"}},
}

var msgExpectedKey = i18n.Msg{
	En: "expected a property name in double quotes, found %s",
	Fr: "nom de propriété entre guillemets attendu, %s trouvé",
	Es: "se esperaba un nombre de propiedad entre comillas, se encontró %s",
}

var msgUnexpectedEnd = i18n.Msg{
	En: "the file ends before the JSON is complete: a '}', ']' or '\"' is missing",
	Fr: "le fichier se termine avant la fin du JSON : il manque un '}', ']' ou '\"'",
	Es: "el archivo termina antes del final del JSON: falta un '}', ']' o '\"'",
}

// syntaxCause explains an encoding/json syntax error message.
func syntaxCause(message string) i18n.Text {
	if message == "unexpected end of JSON input" {
		return i18n.New(&msgUnexpectedEnd)
	}
	if rest, ok := strings.CutPrefix(message, "invalid character "); ok {
		if char, context, ok := strings.Cut(rest, "' "); ok {
			char += "'"
			if context == "looking for beginning of object key string" && char != "'}'" {
				return i18n.New(&msgExpectedKey, char) // the hint on a trailing comma would mislead
			}
			for _, m := range syntaxMessages {
				if context == m.context {
					return i18n.New(m.msg, char)
				}
			}
		}
	}
	return i18n.New(&msgSyntax, message)
}
