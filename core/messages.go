package core

import (
	"fmt"
	"strings"
)

// Lang is a language of the engine's messages.
type Lang string

const (
	English Lang = "en"
	French  Lang = "fr"
	Spanish Lang = "es"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{English, French, Spanish}

// ParseLang accepts "en", "fr", "es" and locale forms such as "fr_FR" or "es-419".
func ParseLang(s string) (Lang, error) {
	base := strings.ToLower(s)
	if i := strings.IndexAny(base, "_-."); i >= 0 {
		base = base[:i]
	}
	for _, l := range Langs {
		if string(l) == base {
			return l, nil
		}
	}
	return English, fmt.Errorf("unknown language %q (want en, fr or es)", s)
}

// Msg is one message in every language, as a fmt format.
type Msg struct{ En, Fr, Es string }

// Sprintf renders m in lang l.
func (l Lang) Sprintf(m Msg, args ...any) string {
	format := m.En
	switch l {
	case French:
		format = m.Fr
	case Spanish:
		format = m.Es
	}
	return fmt.Sprintf(format, args...)
}

// The four mobi messages: the words of 4D's documentation of MOBILE APP REFRESH SESSIONS in each language,
// letter for letter ("json" in lower case included), so that a developer finds the error 4D raises. The French
// page spells "shéma"; the correct "schéma" is kept. What our own explanation adds goes on the next line.
var codeMessages = map[Code]Msg{
	CodeLocation: {
		"The json file location does not match its content",
		"L'emplacement du fichier json ne correspond pas à son contenu",
		"La ubicación del archivo json no coincide con su contenido",
	},
	CodeMalformed: {
		"The json file is not correctly formed",
		"Le fichier json n'est pas correctement formé",
		"El archivo json no está formado correctamente",
	},
	CodeSchema: {
		"The json file does not validate the json schema",
		"Le fichier json ne valide pas le schéma json",
		"El archivo json no valida el esquema json",
	},
	CodeToken: {
		"Connection token is not compliant with the current information",
		"Le jeton de connexion n'est pas conforme aux informations courantes",
		"El token de conexión no cumple con la información actual",
	},
}

// Causes: what exactly failed, one sentence each.
var (
	msgEmpty        = Msg{"the file is empty", "le fichier est vide", "el archivo está vacío"}
	msgSyntax       = Msg{"syntax error: %s", "erreur de syntaxe : %s", "error de sintaxis: %s"}
	msgNotObject    = Msg{"the root is %s, not an object", "la racine est %s, pas un objet", "la raíz es %s, no un objeto"}
	msgTrailing     = Msg{"unexpected data after the object", "données inattendues après l'objet", "datos inesperados después del objeto"}
	msgTooLarge     = Msg{"the file is %s, over the %s limit", "le fichier fait %s, au-delà de la limite de %s", "el archivo tiene %s, más que el límite de %s"}
	msgUnreadable   = Msg{"the file cannot be read: %s", "le fichier ne peut pas être lu : %s", "el archivo no se puede leer: %s"}
	msgInvalidUTF8  = Msg{"invalid UTF-8 byte", "octet UTF-8 invalide", "byte UTF-8 no válido"}
	msgUTF16        = Msg{"the file is UTF-16; session files are UTF-8", "le fichier est en UTF-16 ; les fichiers de session sont en UTF-8", "el archivo está en UTF-16; los archivos de sesión están en UTF-8"}
	msgUTF16NoBOM   = Msg{"the file looks like UTF-16 without a byte-order mark (a NUL byte beside each character); session files are UTF-8", "le fichier semble être en UTF-16 sans marque d'ordre des octets (un octet NUL à côté de chaque caractère) ; les fichiers de session sont en UTF-8", "el archivo parece estar en UTF-16 sin marca de orden de bytes (un byte NUL junto a cada carácter); los archivos de sesión están en UTF-8"}
	msgUTF32        = Msg{"the file is UTF-32; session files are UTF-8", "le fichier est en UTF-32 ; les fichiers de session sont en UTF-8", "el archivo está en UTF-32; los archivos de sesión están en UTF-8"}
	msgUTF32NoBOM   = Msg{"the file looks like UTF-32 without a byte-order mark (three NUL bytes beside each character); session files are UTF-8", "le fichier semble être en UTF-32 sans marque d'ordre des octets (trois octets NUL à côté de chaque caractère) ; les fichiers de session sont en UTF-8", "el archivo parece estar en UTF-32 sin marca de orden de bytes (tres bytes NUL junto a cada carácter); los archivos de sesión están en UTF-8"}
	msgWrongFolder  = Msg{"the file should be in folder %q", "le fichier devrait être dans le dossier %q", "el archivo debería estar en la carpeta %q"}
	msgWrongName    = Msg{"the file should be named %q (session.id)", "le fichier devrait s'appeler %q (session.id)", "el archivo debería llamarse %q (session.id)"}
	msgTokenDecode  = Msg{"the token is not base64: %s", "le jeton n'est pas en base64 : %s", "el token no está en base64: %s"}
	msgTokenJSON    = Msg{"the decoded token is not a JSON object of strings", "le jeton décodé n'est pas un objet JSON de chaînes", "el token decodificado no es un objeto JSON de cadenas"}
	msgTokenDiffers = Msg{"token %s is %q, file has %q", "le jeton a %s = %q, le fichier a %q", "el token tiene %s = %q, el archivo tiene %q"}
	msgDeleted      = Msg{"deleted", "supprimé", "eliminado"}
)

// Why an action of the console does not apply.
var (
	msgReadonlyFolder    = Msg{"this folder is open read-only", "ce dossier est ouvert en lecture seule", "esta carpeta está abierta en modo de solo lectura"}
	msgStatusNeedsObject = Msg{
		"the file is not well-formed JSON (mobi 2), so its status cannot be set: fix it in the editor and save first",
		"le fichier n'est pas du JSON bien formé (mobi 2), son statut ne peut pas être changé : corrigez-le dans l'éditeur et enregistrez d'abord",
		"el archivo no es JSON bien formado (mobi 2), así que no se puede cambiar su estado: corríjalo en el editor y guarde primero"}
)

// Schema violations, by the keyword that failed.
var (
	msgRequired  = Msg{"missing required property %s", "propriété obligatoire %s absente", "falta la propiedad obligatoria %s"}
	msgType      = Msg{"must be %s, not %s", "doit être de type %s, pas %s", "debe ser de tipo %s, no %s"}
	msgEnum      = Msg{"must be one of %s", "doit valoir %s", "debe ser uno de %s"}
	msgPattern   = Msg{"does not match the pattern %s", "ne correspond pas au motif %s", "no corresponde al patrón %s"}
	msgMinLength = Msg{"must not be empty", "ne doit pas être vide", "no debe estar vacío"}
)

// Skip reasons, by kind.
var skipMessages = map[SkipKind]Msg{
	SkipRootFile:  {"a file at the root is not a session", "un fichier à la racine n'est pas une session", "un archivo en la raíz no es una sesión"},
	SkipExtension: {"a file with an extension is not a session", "un fichier avec une extension n'est pas une session", "un archivo con extensión no es una sesión"},
	SkipHidden:    {"hidden file", "fichier caché", "archivo oculto"},
	SkipNotHex: { // docs/rules.md, "What is skipped": inferred, and 4D's own component reads such files
		"the name is not hexadecimal, so the file is not checked here; 4D's current Mobile App Server component reads every file without an extension as a session, so MOBILE APP REFRESH SESSIONS may judge it",
		"le nom n'est pas hexadécimal, le fichier n'est donc pas vérifié ici ; le composant Mobile App Server actuel de 4D lit comme une session tout fichier sans extension, MOBILE APP REFRESH SESSIONS peut donc le juger",
		"el nombre no es hexadecimal, así que el archivo no se comprueba aquí; el componente Mobile App Server actual de 4D lee como sesión todo archivo sin extensión, así que MOBILE APP REFRESH SESSIONS puede juzgarlo"},
	SkipNested:     {"a folder inside an app folder is not read", "un dossier dans un dossier d'app n'est pas lu", "una carpeta dentro de una carpeta de app no se lee"},
	SkipLink:       {"a link is not followed", "un lien n'est pas suivi", "un enlace no se sigue"},
	SkipNotRegular: {"not a regular file", "pas un fichier ordinaire", "no es un archivo normal"},
	SkipJunk:       {"macOS metadata", "métadonnées macOS", "metadatos de macOS"},
}

// ErrorMessage is the message of a mobi code in lang.
func ErrorMessage(lang Lang, code Code) string {
	return lang.Sprintf(codeMessages[code])
}

// Words are the engine's words, in one language, for what a report names by code: the message of each mobi code
// and the reason of a session removed because its file is gone. A report kept from before a change of language
// is shown in the words of the new one (State.Words).
type Words struct {
	Codes   map[Code]string `json:"codes"`
	Deleted string          `json:"deleted"`
}

// WordsIn are the Words of lang.
func WordsIn(lang Lang) Words {
	codes := make(map[Code]string, len(codeMessages))
	for code := range codeMessages {
		codes[code] = ErrorMessage(lang, code)
	}
	return Words{Codes: codes, Deleted: lang.Sprintf(msgDeleted)}
}
