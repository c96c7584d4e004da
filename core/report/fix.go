package report

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/i18n"
)

// What fix says of each fix, and in its last line.
var (
	msgFixed      = i18n.Msg{En: "fixed", Fr: "corrigé", Es: "corregido"}
	msgToFix      = i18n.Msg{En: "to fix", Fr: "à corriger", Es: "por corregir"}
	msgRefused    = i18n.Msg{En: "refused", Fr: "refusé", Es: "rechazado"}
	msgNotApplied = i18n.Msg{En: "not applied", Fr: "non appliqué", Es: "no aplicado"}
	msgNoFix      = i18n.Msg{En: "no fix", Fr: "pas de correction", Es: "sin corrección"}
	msgNothing    = i18n.Msg{En: "nothing to fix: every session file passes", Fr: "rien à corriger : chaque fichier de session est valide", Es: "nada que corregir: todos los archivos de sesión son válidos"}
	msgFixSummary = i18n.Msg{En: "fix: %s, %s", Fr: "correction : %s, %s", Es: "corrección: %s, %s"}
	msgDrySummary = i18n.Msg{En: "fix (dry run): %s, %s", Fr: "correction (à blanc) : %s, %s", Es: "corrección (simulada): %s, %s"}
	countApplied  = counted{i18n.Msg{En: "%d fix applied", Fr: "%d correction appliquée", Es: "%d corrección aplicada"}, i18n.Msg{En: "%d fixes applied", Fr: "%d corrections appliquées", Es: "%d correcciones aplicadas"}}
	countToApply  = counted{i18n.Msg{En: "%d fix to apply", Fr: "%d correction à appliquer", Es: "%d corrección por aplicar"}, i18n.Msg{En: "%d fixes to apply", Fr: "%d corrections à appliquer", Es: "%d correcciones por aplicar"}}
	countLeft     = counted{i18n.Msg{En: "%d error left", Fr: "%d erreur restante", Es: "%d error restante"}, i18n.Msg{En: "%d errors left", Fr: "%d erreurs restantes", Es: "%d errores restantes"}}
	msgWitnesses  = map[core.Witness]i18n.Msg{
		core.WitnessPlace:   {En: "place", Fr: "emplacement", Es: "ubicación"},
		core.WitnessContent: {En: "content", Fr: "contenu", Es: "contenido"},
		core.WitnessToken:   {En: "token", Fr: "jeton", Es: "token"},
	}
	msgAnd         = i18n.Msg{En: "%s and %s", Fr: "%s et %s", Es: "%s y %s"}
	msgAppFolder   = i18n.Msg{En: "app folder", Fr: "dossier d'app", Es: "carpeta de app"}
	countWouldLeft = counted{i18n.Msg{En: "%d error would be left", Fr: "%d erreur resterait", Es: "%d error quedaría"}, i18n.Msg{En: "%d errors would be left", Fr: "%d erreurs resteraient", Es: "%d errores quedarían"}}
)

// FixText is a fix report for people: each failed file with its error, then each of its fixes with what became
// of it and the values an edit changes, then how many fixes were applied and errors are left. Names, titles
// (which name a move's target) and values are Printable: a line is one line, whatever the folder holds.
func FixText(r *core.FixReport, o Options) []string {
	lang := o.Lang
	if len(r.Files) == 0 {
		return []string{lang.Sprintf(msgNothing)}
	}
	width := 0
	for _, m := range []i18n.Msg{msgFixed, msgToFix, msgRefused, msgNotApplied, msgNoFix} {
		width = max(width, len([]rune(lang.Sprintf(m))))
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	fixes := 0
	for _, file := range r.Files {
		add("%s  mobi %d  %s", Printable(textPath(o, file.Path)), file.Error.Code, Printable(file.Error.Message.Render(lang)))
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
			case i == file.Applied && !file.Refused.IsZero():
				state = msgRefused
			}
			label := lang.Sprintf(state)
			add("  %s%s  mobi %d  %s", label, strings.Repeat(" ", width-len([]rune(label))), fix.Code, Printable(fix.Title.Render(lang)))
			for _, line := range witnessLines(fix.Path, fix.Witnesses, lang) {
				add("      %s", Printable(line))
			}
			for _, c := range fix.Changes {
				if fields := tokenChanges(c, fix.Witnesses); fields != nil {
					for _, f := range fields {
						lines = append(lines, Printable(f))
					}
					continue
				}
				add("      %s: %s → %s", Printable(pointerOrRoot(c.Pointer)), Printable(changeValue(c.Old, lang)), Printable(changeValue(c.New, lang)))
			}
			for _, choice := range fix.Choices {
				add("      --trust %-7s  %s", choice.Choice, Printable(choice.Title.Render(lang)))
			}
			if state == msgRefused {
				add("      %s", Printable(file.Refused.Render(lang)))
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
func changeValue(v json.RawMessage, lang i18n.Lang) string {
	if v == nil {
		return lang.Sprintf(msgAbsent)
	}
	return string(v)
}

// witnessLines say, of each id on which the witnesses of a fix of the ids do not all agree, which says what:
// `team.id: place and token "UTT7VDX8W5", content "UTT7VDX8W6"`; of the app folder, when its name (at path)
// cannot be read as a team.id and an application.id, what it is beside the folder the others make. Values are
// quoted, so that a name from a file is one line whatever it holds.
func witnessLines(path string, witnesses []core.IDWitnesses, lang i18n.Lang) []string {
	var lines []string
	line := func(id string, values map[core.Witness]*string) {
		var order []string
		sides := map[string][]string{}
		for _, side := range []core.Witness{core.WitnessPlace, core.WitnessContent, core.WitnessToken} {
			v := values[side]
			if v == nil {
				continue
			}
			if _, seen := sides[*v]; !seen {
				order = append(order, *v)
			}
			sides[*v] = append(sides[*v], lang.Sprintf(msgWitnesses[side]))
		}
		if len(order) < 2 {
			return
		}
		groups := make([]string, len(order))
		for i, v := range order {
			names := sides[v]
			who := names[0]
			if len(names) > 1 {
				who = lang.Sprintf(msgAnd, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
			}
			groups[i] = fmt.Sprintf("%s %q", who, v)
		}
		lines = append(lines, id+": "+strings.Join(groups, ", "))
	}
	if len(witnesses) == 3 && witnesses[0].Place == nil && witnesses[1].Place == nil {
		folder, _, _ := strings.Cut(path, "/")
		values := map[core.Witness]*string{core.WitnessPlace: &folder}
		values[core.WitnessContent] = ptr(core.ExpectedFolder(witnesses[0].Content, witnesses[1].Content))
		if witnesses[0].Token != nil && witnesses[1].Token != nil {
			values[core.WitnessToken] = ptr(core.ExpectedFolder(*witnesses[0].Token, *witnesses[1].Token))
		}
		line(lang.Sprintf(msgAppFolder), values)
	}
	for _, w := range witnesses {
		line(w.ID, map[core.Witness]*string{core.WitnessPlace: w.Place, core.WitnessContent: &w.Content, core.WitnessToken: w.Token})
	}
	return lines
}

func ptr(s string) *string { return &s }

// tokenChanges shows a token written anew by the fields that change in it (`token teamID: "FAKETEAMID" →
// "UTT7VDX8W5"`), rather than two encoded tokens; nil for another change, or a token that did not decode.
func tokenChanges(c core.Change, witnesses []core.IDWitnesses) []string {
	if c.Pointer != "/token" {
		return nil
	}
	var lines []string
	for _, w := range witnesses {
		if w.Token == nil {
			return nil
		}
		if w.Value != nil && *w.Token != *w.Value {
			lines = append(lines, fmt.Sprintf("      token %s: %q → %q", w.Field, *w.Token, *w.Value))
		}
	}
	return lines
}
