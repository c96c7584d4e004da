package main

import "github.com/mobisess/mobisess/core/i18n"

// What the commands that write say, in each language of the engine.
var (
	msgCreated    = i18n.Msg{En: "created %s (id %s, %s)", Fr: "créé %s (id %s, %s)", Es: "creado %s (id %s, %s)"}
	msgStatusSet  = i18n.Msg{En: "%s: status %s", Fr: "%s : statut %s", Es: "%s: estado %s"}
	msgDeleted    = i18n.Msg{En: "deleted %s", Fr: "supprimé %s", Es: "eliminado %s"}
	msgDeletedAll = i18n.Msg{En: "deleted %s, every session with it", Fr: "supprimé %s, et chaque session avec", Es: "eliminado %s, con todas sus sesiones"}
	msgWroteZip   = i18n.Msg{En: "wrote %s", Fr: "écrit %s", Es: "escrito %s"}
)
