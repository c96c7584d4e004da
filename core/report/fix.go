package report

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mobisess/mobisess/core"
)

// What fix says of each fix, and in its last line.
var (
	msgFixed       = core.Msg{En: "fixed", Fr: "corrigé", Es: "corregido"}
	msgToFix       = core.Msg{En: "to fix", Fr: "à corriger", Es: "por corregir"}
	msgRefused     = core.Msg{En: "refused", Fr: "refusé", Es: "rechazado"}
	msgNotApplied  = core.Msg{En: "not applied", Fr: "non appliqué", Es: "no aplicado"}
	msgNoFix       = core.Msg{En: "no fix", Fr: "pas de correction", Es: "sin corrección"}
	msgNothing     = core.Msg{En: "nothing to fix: every session file passes", Fr: "rien à corriger : chaque fichier de session est valide", Es: "nada que corregir: todos los archivos de sesión son válidos"}
	msgFixSummary  = core.Msg{En: "fix: %s, %s", Fr: "correction : %s, %s", Es: "corrección: %s, %s"}
	msgDrySummary  = core.Msg{En: "fix (dry run): %s, %s", Fr: "correction (à blanc) : %s, %s", Es: "corrección (simulada): %s, %s"}
	countApplied   = counted{core.Msg{En: "%d fix applied", Fr: "%d correction appliquée", Es: "%d corrección aplicada"}, core.Msg{En: "%d fixes applied", Fr: "%d corrections appliquées", Es: "%d correcciones aplicadas"}}
	countToApply   = counted{core.Msg{En: "%d fix to apply", Fr: "%d correction à appliquer", Es: "%d corrección por aplicar"}, core.Msg{En: "%d fixes to apply", Fr: "%d corrections à appliquer", Es: "%d correcciones por aplicar"}}
	countLeft      = counted{core.Msg{En: "%d error left", Fr: "%d erreur restante", Es: "%d error restante"}, core.Msg{En: "%d errors left", Fr: "%d erreurs restantes", Es: "%d errores restantes"}}
	countWouldLeft = counted{core.Msg{En: "%d error would be left", Fr: "%d erreur resterait", Es: "%d error quedaría"}, core.Msg{En: "%d errors would be left", Fr: "%d erreurs resteraient", Es: "%d errores quedarían"}}
)

// FixText is a fix report for people: each failed file with its error, then each of its fixes with what became
// of it and the values an edit changes, then how many fixes were applied and errors are left.
func FixText(r *core.FixReport, lang core.Lang) []string {
	if len(r.Files) == 0 {
		return []string{lang.Sprintf(msgNothing)}
	}
	width := 0
	for _, m := range []core.Msg{msgFixed, msgToFix, msgRefused, msgNotApplied, msgNoFix} {
		width = max(width, len([]rune(lang.Sprintf(m))))
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	fixes := 0
	for _, file := range r.Files {
		add("%s  mobi %d  %s", file.Path, file.Error.Code, file.Error.Message)
		for i, fix := range file.Fixes {
			state := msgNotApplied
			switch {
			case fix.Kind == core.FixNone:
				state = msgNoFix
			case r.DryRun:
				state = msgToFix
				fixes++
			case i < file.Applied:
				state = msgFixed
				fixes++
			case i == file.Applied && file.Refused != "":
				state = msgRefused
			}
			label := lang.Sprintf(state)
			add("  %s%s  mobi %d  %s", label, strings.Repeat(" ", width-len([]rune(label))), fix.Code, fix.Title)
			for _, c := range fix.Changes {
				add("      %s: %s → %s", c.Pointer, changeValue(c.Old, lang), changeValue(c.New, lang))
			}
			if state == msgRefused {
				add("      %s", file.Refused)
			}
		}
	}
	summary, done, left := msgFixSummary, countApplied, countLeft
	if r.DryRun {
		summary, done, left = msgDrySummary, countToApply, countWouldLeft
	}
	return append(lines, lang.Sprintf(summary, done.of(lang, fixes), left.of(lang, len(r.Errors))))
}

// changeValue is one side of a change as the text reports show it: the JSON, or "(absent)".
func changeValue(v json.RawMessage, lang core.Lang) string {
	if v == nil {
		return lang.Sprintf(msgAbsent)
	}
	return string(v)
}
