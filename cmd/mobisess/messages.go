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

// What fix says of each fix, and in its last line.
var (
	msgFixed       = core.Msg{En: "fixed", Fr: "corrigé", Es: "corregido"}
	msgToFix       = core.Msg{En: "to fix", Fr: "à corriger", Es: "por corregir"}
	msgRefused     = core.Msg{En: "refused", Fr: "refusé", Es: "rechazado"}
	msgNotApplied  = core.Msg{En: "not applied", Fr: "non appliqué", Es: "no aplicado"}
	msgNoFix       = core.Msg{En: "no fix", Fr: "pas de correction", Es: "sin corrección"}
	msgAbsent      = core.Msg{En: "(absent)", Fr: "(absent)", Es: "(ausente)"}
	msgNothing     = core.Msg{En: "nothing to fix: every session file passes", Fr: "rien à corriger : chaque fichier de session est valide", Es: "nada que corregir: todos los archivos de sesión son válidos"}
	msgFixSummary  = core.Msg{En: "fix: %s, %s", Fr: "correction : %s, %s", Es: "corrección: %s, %s"}
	msgDrySummary  = core.Msg{En: "fix (dry run): %s, %s", Fr: "correction (à blanc) : %s, %s", Es: "corrección (simulada): %s, %s"}
	countApplied   = counted{core.Msg{En: "%d fix applied", Fr: "%d correction appliquée", Es: "%d corrección aplicada"}, core.Msg{En: "%d fixes applied", Fr: "%d corrections appliquées", Es: "%d correcciones aplicadas"}}
	countToApply   = counted{core.Msg{En: "%d fix to apply", Fr: "%d correction à appliquer", Es: "%d corrección por aplicar"}, core.Msg{En: "%d fixes to apply", Fr: "%d corrections à appliquer", Es: "%d correcciones por aplicar"}}
	countLeft      = counted{core.Msg{En: "%d error left", Fr: "%d erreur restante", Es: "%d error restante"}, core.Msg{En: "%d errors left", Fr: "%d erreurs restantes", Es: "%d errores restantes"}}
	countWouldLeft = counted{core.Msg{En: "%d error would be left", Fr: "%d erreur resterait", Es: "%d error quedaría"}, core.Msg{En: "%d errors would be left", Fr: "%d erreurs resteraient", Es: "%d errores quedarían"}}
)

// counted is a count with a singular and a plural form.
type counted struct{ one, many core.Msg }

// of renders n with the form its language wants: French counts 0 as singular, English and Spanish as plural.
func (c counted) of(lang core.Lang, n int) string {
	if n == 1 || (n == 0 && lang == core.French) {
		return lang.Sprintf(c.one, n)
	}
	return lang.Sprintf(c.many, n)
}
