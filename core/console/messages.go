package console

import "github.com/mobisess/mobisess/core/i18n"

// Why an action of the console does not apply.
var (
	msgReadonlyFolder    = i18n.Msg{En: "this folder is open read-only", Fr: "ce dossier est ouvert en lecture seule", Es: "esta carpeta está abierta en modo de solo lectura"}
	msgStatusNeedsObject = i18n.Msg{
		En: "the file is not well-formed JSON (mobi 2), so its status cannot be set: fix it in the editor and save first",
		Fr: "le fichier n'est pas du JSON bien formé (mobi 2), son statut ne peut pas être changé : corrigez-le dans l'éditeur et enregistrez d'abord",
		Es: "el archivo no es JSON bien formado (mobi 2), así que no se puede cambiar su estado: corríjalo en el editor y guarde primero"}
)
