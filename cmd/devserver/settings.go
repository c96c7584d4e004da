package main

import (
	"encoding/json"
	"net/http"

	"github.com/mobisess/mobisess/core/console"
)

// Settings are the server's own settings, which every page shows and may change: one setting, one name, whether
// it comes from the command line or from a page.
type Settings struct {
	// AutoRefresh: each change on disk is followed by a refresh (MOBILE APP REFRESH SESSIONS, as 4D runs it),
	// whose report every page is sent. -auto-refresh sets it at start; the page's Auto refresh checkbox shows it.
	AutoRefresh bool `json:"autoRefresh"`
}

// SettingsChange is what setSettings changes: the settings it names, the others as they are.
type SettingsChange struct {
	AutoRefresh *bool `json:"autoRefresh"`
}

func (s *Server) settings() Settings {
	return Settings{AutoRefresh: s.autoRefresh.Load()}
}

// setSettings changes the settings that c names and tells every page (the "settings" event), so that all of
// them show the one value.
func (s *Server) setSettings(c SettingsChange) Settings {
	if c.AutoRefresh != nil {
		s.autoRefresh.Store(*c.AutoRefresh)
	}
	now := s.settings()
	s.hub.publish("settings", now)
	return now
}

// postSettings is POST /api/settings ({}: the settings) and POST /api/setSettings (what to change: the settings
// after it), their parameters read as strictly as a console method's.
func (s *Server) postSettings(w http.ResponseWriter, r *http.Request, change bool) {
	body, err := s.readBody(w, r)
	if err != nil {
		writeError(w, err, false)
		return
	}
	var now Settings
	if change {
		var c SettingsChange
		if err := console.Decode(body, &c); err != nil {
			writeError(w, err, false)
			return
		}
		now = s.setSettings(c)
	} else {
		if err := console.Decode(body, &console.NoParams{}); err != nil {
			writeError(w, err, false)
			return
		}
		now = s.settings()
	}
	data, err := json.Marshal(now)
	if err != nil {
		writeError(w, err, false)
		return
	}
	writeJSON(w, http.StatusOK, data)
}
