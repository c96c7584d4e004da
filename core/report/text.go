package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mobisess/mobisess/core"
)

var (
	msgSummary        = core.Msg{En: "%d apps, %d session files: %d valid, %d errors, %d skipped", Fr: "%d apps, %d fichiers de session : %d valides, %d erreurs, %d ignorés", Es: "%d apps, %d archivos de sesión: %d válidos, %d errores, %d omitidos"}
	msgRefreshSummary = core.Msg{En: "refresh: %d updated, %d unchanged, %d not loaded, %d removed, %d errors", Fr: "actualisation : %d mises à jour, %d inchangées, %d non chargées, %d supprimées, %d erreurs", Es: "actualización: %d actualizadas, %d sin cambios, %d no cargadas, %d eliminadas, %d errores"}
	msgSkipped        = core.Msg{En: "skipped", Fr: "ignoré", Es: "omitido"}
	msgUpdated        = core.Msg{En: "updated", Fr: "mise à jour", Es: "actualizada"}
	msgNotLoaded      = core.Msg{En: "not loaded", Fr: "non chargée", Es: "no cargada"}
	msgLoaded         = core.Msg{En: "loaded", Fr: "chargée", Es: "cargada"}
	msgRemoved        = core.Msg{En: "removed", Fr: "supprimée", Es: "eliminada"}
	msgRootLabel      = core.Msg{En: "(root)", Fr: "(racine)", Es: "(raíz)"}
	msgNoSessions     = core.Msg{En: "no session files", Fr: "aucun fichier de session", Es: "ningún archivo de sesión"}
)

type painter struct{ on bool }

func (p painter) paint(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
func (p painter) red(s string) string    { return p.paint("31", s) }
func (p painter) green(s string) string  { return p.paint("32", s) }
func (p painter) yellow(s string) string { return p.paint("33", s) }
func (p painter) dim(s string) string    { return p.paint("2", s) }
func (p painter) bold(s string) string   { return p.paint("1", s) }

// checkText prints a check for people: by app, each session, each error at path:line:col with what to fix,
// each skipped entry with its reason, then a summary line.
func checkText(w io.Writer, r *core.Report, o Options) error {
	bw := bufio.NewWriter(w)
	p := painter{o.Color}
	lang := o.Lang
	type group struct {
		sessions []*core.Session
		errors   []*core.Error
		skipped  []core.Skipped
	}
	groups := map[string]*group{}
	var order []string
	get := func(app string) *group {
		g, ok := groups[app]
		if !ok {
			g = &group{}
			groups[app] = g
			order = append(order, app)
		}
		return g
	}
	for _, s := range r.Skipped {
		if !strings.Contains(s.Path, "/") {
			get("").skipped = append(get("").skipped, s)
		}
	}
	for _, a := range r.Apps {
		get(a.Name)
	}
	for _, s := range r.Sessions {
		get(s.App).sessions = append(get(s.App).sessions, s)
	}
	for _, e := range r.Errors {
		get(appOf(e.Path)).errors = append(get(appOf(e.Path)).errors, e)
	}
	for _, s := range r.Skipped {
		if strings.Contains(s.Path, "/") {
			get(appOf(s.Path)).skipped = append(get(appOf(s.Path)).skipped, s)
		}
	}
	for _, app := range order {
		g := groups[app]
		name := app
		if name == "" {
			name = lang.Sprintf(msgRootLabel)
		}
		fmt.Fprintln(bw, p.bold(name))
		for _, s := range g.sessions {
			fmt.Fprintf(bw, "  %s %s  %s\n", p.green("✓"), s.Path, p.dim(describe(s)))
		}
		for _, e := range g.errors {
			loc := e.Path
			if e.Line > 0 {
				loc = fmt.Sprintf("%s:%d:%d", e.Path, e.Line, e.Column)
			}
			fmt.Fprintf(bw, "  %s %s  %s %s\n", p.red("✗"), loc, p.red(fmt.Sprintf("mobi %d", e.Code)), e.Message)
			for _, d := range details(e) {
				fmt.Fprintf(bw, "      %s\n", d)
			}
		}
		for _, s := range g.skipped {
			fmt.Fprintf(bw, "  %s %s  %s\n", p.dim("-"), p.dim(s.Path), p.dim(lang.Sprintf(msgSkipped)+": "+s.Reason))
		}
	}
	if r.Summary.Files == 0 && len(r.Skipped) == 0 {
		fmt.Fprintln(bw, lang.Sprintf(msgNoSessions))
	}
	sum := lang.Sprintf(msgSummary, r.Summary.Apps, r.Summary.Files, r.Summary.Sessions, r.Summary.Errors, r.Summary.Skipped)
	if r.Summary.Errors > 0 {
		sum = p.red(sum)
	} else {
		sum = p.green(sum)
	}
	fmt.Fprintln(bw, sum)
	return bw.Flush()
}

// describe is a session's status, who and what device, in one short line.
func describe(s *core.Session) string {
	parts := []string{s.Status}
	if s.Email != "" {
		parts = append(parts, s.Email)
	}
	device := s.Device
	if s.OS != "" || s.OSVersion != "" {
		device = strings.TrimSpace(device + " (" + strings.TrimSpace(s.OS+" "+s.OSVersion) + ")")
	}
	if s.Simulator != nil && *s.Simulator {
		device += " simulator"
	}
	if device != "" {
		parts = append(parts, device)
	}
	if s.Language != "" {
		parts = append(parts, s.Language)
	}
	return strings.Join(parts, "  ")
}

func refreshText(w io.Writer, r *core.RefreshReport, o Options) error {
	bw := bufio.NewWriter(w)
	p := painter{o.Color}
	lang := o.Lang
	label := func(m core.Msg) string { return fmt.Sprintf("%-12s", lang.Sprintf(m)) }
	for _, u := range r.Updated {
		fmt.Fprintf(bw, "%s %s\n", p.yellow(label(msgUpdated)), u.Path)
		for _, c := range u.Changes {
			old, new := "∅", "∅"
			if c.Old != nil {
				old = string(c.Old)
			}
			if c.New != nil {
				new = string(c.New)
			}
			fmt.Fprintf(bw, "             %s: %s → %s\n", pointerOrRoot(c.Pointer), old, new)
		}
	}
	for _, l := range r.Loaded {
		fmt.Fprintf(bw, "%s %s\n", p.green(label(msgLoaded)), l.Path)
	}
	for _, n := range r.NotLoaded {
		fmt.Fprintf(bw, "%s %s\n", p.dim(label(msgNotLoaded)), n.Path)
	}
	for _, rm := range r.Removed {
		reason := rm.Message
		if rm.Code != 0 {
			reason = fmt.Sprintf("mobi %d", rm.Code)
		}
		fmt.Fprintf(bw, "%s %s (%s)\n", p.red(label(msgRemoved)), rm.Path, reason)
	}
	for _, e := range r.Errors {
		loc := e.Path
		if e.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", e.Path, e.Line, e.Column)
		}
		fmt.Fprintf(bw, "%s %s %s\n", p.red(fmt.Sprintf("%-12s", fmt.Sprintf("mobi %d", e.Code))), loc, e.Message)
		for _, d := range details(e) {
			fmt.Fprintf(bw, "             %s\n", d)
		}
	}
	sum := lang.Sprintf(msgRefreshSummary, len(r.Updated), len(r.Unchanged), len(r.NotLoaded), len(r.Removed), len(r.Errors))
	if len(r.Errors) > 0 {
		sum = p.red(sum)
	}
	fmt.Fprintln(bw, sum)
	return bw.Flush()
}
