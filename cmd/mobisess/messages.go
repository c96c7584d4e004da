package main

import "github.com/mobisess/mobisess/core"

// What the commands that write say, in each language of the engine.
var (
	msgCreated    = core.Msg{En: "created %s (id %s, %s)", Fr: "créé %s (id %s, %s)", Es: "creado %s (id %s, %s)"}
	msgStatusSet  = core.Msg{En: "%s: status %s", Fr: "%s : statut %s", Es: "%s: estado %s"}
	msgDeleted    = core.Msg{En: "deleted %s", Fr: "supprimé %s", Es: "eliminado %s"}
	msgDeletedAll = core.Msg{En: "deleted %s, every session with it", Fr: "supprimé %s, et chaque session avec", Es: "eliminado %s, con todas sus sesiones"}
	msgWroteZip   = core.Msg{En: "wrote %s", Fr: "écrit %s", Es: "escrito %s"}
)
