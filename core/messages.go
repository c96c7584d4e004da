package core

import "github.com/mobisess/mobisess/core/i18n"

// The engine's messages in each of its languages (i18n.Msg): what its reports and errors say, carried as
// i18n.Text and put into words by whoever shows them.

// The four mobi messages: the words of 4D's documentation of MOBILE APP REFRESH SESSIONS in each language,
// letter for letter ("json" in lower case included), so that a developer finds the error 4D raises. The French
// page spells "shéma"; the correct "schéma" is kept. What our own explanation adds goes on the next line.
var codeMessages = map[Code]*i18n.Msg{
	CodeLocation: {
		En: "The json file location does not match its content",
		Fr: "L'emplacement du fichier json ne correspond pas à son contenu",
		Es: "La ubicación del archivo json no coincide con su contenido",
	},
	CodeMalformed: {
		En: "The json file is not correctly formed",
		Fr: "Le fichier json n'est pas correctement formé",
		Es: "El archivo json no está formado correctamente",
	},
	CodeSchema: {
		En: "The json file does not validate the json schema",
		Fr: "Le fichier json ne valide pas le schéma json",
		Es: "El archivo json no valida el esquema json",
	},
	CodeToken: {
		En: "Connection token is not compliant with the current information",
		Fr: "Le jeton de connexion n'est pas conforme aux informations courantes",
		Es: "El token de conexión no cumple con la información actual",
	},
}

// Causes: what exactly failed, one sentence each.
var (
	msgEmpty        = i18n.Msg{En: "the file is empty", Fr: "le fichier est vide", Es: "el archivo está vacío"}
	msgSyntax       = i18n.Msg{En: "syntax error: %s", Fr: "erreur de syntaxe : %s", Es: "error de sintaxis: %s"}
	msgNotObject    = i18n.Msg{En: "the root is %s, not an object", Fr: "la racine est %s, pas un objet", Es: "la raíz es %s, no un objeto"}
	msgTrailing     = i18n.Msg{En: "unexpected data after the object", Fr: "données inattendues après l'objet", Es: "datos inesperados después del objeto"}
	msgTooLarge     = i18n.Msg{En: "the file is %s, over the %s limit", Fr: "le fichier fait %s, au-delà de la limite de %s", Es: "el archivo tiene %s, más que el límite de %s"}
	msgUnreadable   = i18n.Msg{En: "the file cannot be read: %s", Fr: "le fichier ne peut pas être lu : %s", Es: "el archivo no se puede leer: %s"}
	msgInvalidUTF8  = i18n.Msg{En: "invalid UTF-8 byte", Fr: "octet UTF-8 invalide", Es: "byte UTF-8 no válido"}
	msgUTF16        = i18n.Msg{En: "the file is UTF-16; session files are UTF-8", Fr: "le fichier est en UTF-16 ; les fichiers de session sont en UTF-8", Es: "el archivo está en UTF-16; los archivos de sesión están en UTF-8"}
	msgUTF16NoBOM   = i18n.Msg{En: "the file looks like UTF-16 without a byte-order mark (a NUL byte beside each character); session files are UTF-8", Fr: "le fichier semble être en UTF-16 sans marque d'ordre des octets (un octet NUL à côté de chaque caractère) ; les fichiers de session sont en UTF-8", Es: "el archivo parece estar en UTF-16 sin marca de orden de bytes (un byte NUL junto a cada carácter); los archivos de sesión están en UTF-8"}
	msgUTF32        = i18n.Msg{En: "the file is UTF-32; session files are UTF-8", Fr: "le fichier est en UTF-32 ; les fichiers de session sont en UTF-8", Es: "el archivo está en UTF-32; los archivos de sesión están en UTF-8"}
	msgUTF32NoBOM   = i18n.Msg{En: "the file looks like UTF-32 without a byte-order mark (three NUL bytes beside each character); session files are UTF-8", Fr: "le fichier semble être en UTF-32 sans marque d'ordre des octets (trois octets NUL à côté de chaque caractère) ; les fichiers de session sont en UTF-8", Es: "el archivo parece estar en UTF-32 sin marca de orden de bytes (tres bytes NUL junto a cada carácter); los archivos de sesión están en UTF-8"}
	msgWrongFolder  = i18n.Msg{En: "the file should be in folder %q", Fr: "le fichier devrait être dans le dossier %q", Es: "el archivo debería estar en la carpeta %q"}
	msgWrongName    = i18n.Msg{En: "the file should be named %q (session.id)", Fr: "le fichier devrait s'appeler %q (session.id)", Es: "el archivo debería llamarse %q (session.id)"}
	msgTokenDecode  = i18n.Msg{En: "the token is not base64: %s", Fr: "le jeton n'est pas en base64 : %s", Es: "el token no está en base64: %s"}
	msgTokenJSON    = i18n.Msg{En: "the decoded token is not a JSON object of strings", Fr: "le jeton décodé n'est pas un objet JSON de chaînes", Es: "el token decodificado no es un objeto JSON de cadenas"}
	msgTokenDiffers = i18n.Msg{En: "token %s is %q, file has %q", Fr: "le jeton a %s = %q, le fichier a %q", Es: "el token tiene %s = %q, el archivo tiene %q"}
	msgDeleted      = i18n.Msg{En: "deleted", Fr: "supprimé", Es: "eliminado"}
)

// Schema violations, by the keyword that failed.
var (
	msgRequired  = i18n.Msg{En: "missing required property %s", Fr: "propriété obligatoire %s absente", Es: "falta la propiedad obligatoria %s"}
	msgType      = i18n.Msg{En: "must be %s, not %s", Fr: "doit être de type %s, pas %s", Es: "debe ser de tipo %s, no %s"}
	msgEnum      = i18n.Msg{En: "must be one of %s", Fr: "doit valoir %s", Es: "debe ser uno de %s"}
	msgPattern   = i18n.Msg{En: "does not match the pattern %s", Fr: "ne correspond pas au motif %s", Es: "no corresponde al patrón %s"}
	msgMinLength = i18n.Msg{En: "must not be empty", Fr: "ne doit pas être vide", Es: "no debe estar vacío"}
)

// Skip reasons, by kind.
var skipMessages = map[SkipKind]*i18n.Msg{
	SkipRootFile:  {En: "a file at the root is not a session", Fr: "un fichier à la racine n'est pas une session", Es: "un archivo en la raíz no es una sesión"},
	SkipExtension: {En: "a file with an extension is not a session", Fr: "un fichier avec une extension n'est pas une session", Es: "un archivo con extensión no es una sesión"},
	SkipHidden:    {En: "hidden file", Fr: "fichier caché", Es: "archivo oculto"},
	SkipNotHex: { // docs/rules.md, "What is skipped": inferred, and 4D's own component reads such files
		En: "the name is not hexadecimal, so the file is not checked here; 4D's current Mobile App Server component reads every file without an extension as a session, so MOBILE APP REFRESH SESSIONS may judge it",
		Fr: "le nom n'est pas hexadécimal, le fichier n'est donc pas vérifié ici ; le composant Mobile App Server actuel de 4D lit comme une session tout fichier sans extension, MOBILE APP REFRESH SESSIONS peut donc le juger",
		Es: "el nombre no es hexadecimal, así que el archivo no se comprueba aquí; el componente Mobile App Server actual de 4D lee como sesión todo archivo sin extensión, así que MOBILE APP REFRESH SESSIONS puede juzgarlo"},
	SkipNested:     {En: "a folder inside an app folder is not read", Fr: "un dossier dans un dossier d'app n'est pas lu", Es: "una carpeta dentro de una carpeta de app no se lee"},
	SkipLink:       {En: "a link is not followed", Fr: "un lien n'est pas suivi", Es: "un enlace no se sigue"},
	SkipNotRegular: {En: "not a regular file", Fr: "pas un fichier ordinaire", Es: "no es un archivo normal"},
	SkipJunk:       {En: "macOS metadata", Fr: "métadonnées macOS", Es: "metadatos de macOS"},
}

// CodeMessage is the message of a mobi code, the words of 4D's documentation.
func CodeMessage(code Code) i18n.Text { return i18n.New(codeMessages[code]) }

// Words are the engine's words for what a report names by code: the message of each mobi code and the reason of
// a session removed because its file is gone. A report kept from before a change of language is shown in the
// words of the new one (the console's State.Words).
type Words struct {
	Codes   map[Code]i18n.Text `json:"codes"`
	Deleted i18n.Text          `json:"deleted"`
}

// WordsIn are the Words, said in lang.
func WordsIn(lang i18n.Lang) Words {
	codes := make(map[Code]i18n.Text, len(codeMessages))
	for code := range codeMessages {
		codes[code] = CodeMessage(code).In(lang)
	}
	return Words{Codes: codes, Deleted: i18n.New(&msgDeleted).In(lang)}
}
