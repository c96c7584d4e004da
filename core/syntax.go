package core

import "strings"

// Syntax errors said as a 4D developer would fix them ("a comma is missing"), in their language, rather than
// in encoding/json's words. Keys are the contexts encoding/json puts after "invalid character 'c' ".
var syntaxMessages = []struct {
	context string
	msg     Msg
}{
	{"after object key:value pair", Msg{
		"expected ',' or '}' after a property, found %s: is a comma missing?",
		"',' ou '}' attendu après une propriété, %s trouvé : manque-t-il une virgule ?",
		"se esperaba ',' o '}' después de una propiedad, se encontró %s: ¿falta una coma?"}},
	{"after object key", Msg{
		"expected ':' after a property name, found %s",
		"':' attendu après un nom de propriété, %s trouvé",
		"se esperaba ':' después de un nombre de propiedad, se encontró %s"}},
	{"looking for beginning of object key string", Msg{
		"expected a property name in double quotes, found %s (a comma before '}' is not allowed)",
		"nom de propriété entre guillemets attendu, %s trouvé (pas de virgule avant '}')",
		"se esperaba un nombre de propiedad entre comillas, se encontró %s (no se permite una coma antes de '}')"}},
	{"looking for beginning of value", Msg{
		"expected a value, found %s",
		"valeur attendue, %s trouvé",
		"se esperaba un valor, se encontró %s"}},
	{"after array element", Msg{
		"expected ',' or ']' after an array element, found %s",
		"',' ou ']' attendu après un élément de tableau, %s trouvé",
		"se esperaba ',' o ']' después de un elemento del arreglo, se encontró %s"}},
	{"in string literal", Msg{
		"character %s is not allowed inside a string: escape it",
		"le caractère %s n'est pas permis dans une chaîne : échappez-le",
		"el carácter %s no está permitido en una cadena: escápelo"}},
	{"in string escape code", Msg{
		"invalid escape sequence: %s cannot follow '\\'",
		"séquence d'échappement invalide : %s ne peut pas suivre '\\'",
		"secuencia de escape no válida: %s no puede seguir a '\\'"}},
	{"exceeded max depth", Msg{
		"nesting deeper than 10000 levels (at %s)",
		"imbrication de plus de 10000 niveaux (à %s)",
		"anidamiento de más de 10000 niveles (en %s)"}},
}

var msgExpectedKey = Msg{
	"expected a property name in double quotes, found %s",
	"nom de propriété entre guillemets attendu, %s trouvé",
	"se esperaba un nombre de propiedad entre comillas, se encontró %s",
}

var msgUnexpectedEnd = Msg{
	"the file ends before the JSON is complete: a '}', ']' or '\"' is missing",
	"le fichier se termine avant la fin du JSON : il manque un '}', ']' ou '\"'",
	"el archivo termina antes del final del JSON: falta un '}', ']' o '\"'",
}

// syntaxCause explains an encoding/json syntax error message in lang.
func syntaxCause(lang Lang, message string) string {
	if message == "unexpected end of JSON input" {
		return lang.Sprintf(msgUnexpectedEnd)
	}
	if rest, ok := strings.CutPrefix(message, "invalid character "); ok {
		if char, context, ok := strings.Cut(rest, "' "); ok {
			char += "'"
			if context == "looking for beginning of object key string" && char != "'}'" {
				return lang.Sprintf(msgExpectedKey, char) // the hint on a trailing comma would mislead
			}
			for _, m := range syntaxMessages {
				if context == m.context {
					return lang.Sprintf(m.msg, char)
				}
			}
		}
	}
	return lang.Sprintf(msgSyntax, message)
}
