package core

// Session is what the engine knows of one session: a file that passed the four checks, or a session in memory.
// Absent properties are empty; Simulator is nil when absent.
type Session struct {
	Path               string `json:"path"`
	App                string `json:"app"`
	ID                 string `json:"id"`
	Status             string `json:"status"`
	Email              string `json:"email,omitempty"`
	ApplicationID      string `json:"applicationId"`
	ApplicationName    string `json:"applicationName,omitempty"`
	ApplicationVersion string `json:"applicationVersion,omitempty"`
	TeamID             string `json:"teamId,omitempty"`
	Device             string `json:"device,omitempty"`
	DeviceID           string `json:"deviceId,omitempty"`
	OS                 string `json:"os,omitempty"`
	OSVersion          string `json:"osVersion,omitempty"`
	Simulator          *bool  `json:"simulator,omitempty"`
	Language           string `json:"language,omitempty"`
	IP                 string `json:"ip,omitempty"`
	Token              string `json:"-"`
}

// Equal says whether two sessions have the same fields.
func (s *Session) Equal(o *Session) bool {
	if s == o {
		return true
	}
	a, b := *s, *o
	if (a.Simulator == nil) != (b.Simulator == nil) || a.Simulator != nil && *a.Simulator != *b.Simulator {
		return false
	}
	a.Simulator, b.Simulator = nil, nil
	return a == b
}

// The values of status.
const (
	StatusAccepted = "accepted"
	StatusPending  = "pending"
)

// sessionFromDoc reads the known properties of a parsed session file. Wrong types read as absent:
// the schema check reports them.
func sessionFromDoc(path, app string, doc map[string]any) *Session {
	s := &Session{
		Path:               path,
		App:                app,
		ID:                 str(doc, "session", "id"),
		Status:             str(doc, "status"),
		Email:              str(doc, "email"),
		ApplicationID:      str(doc, "application", "id"),
		ApplicationName:    str(doc, "application", "name"),
		ApplicationVersion: str(doc, "application", "version"),
		TeamID:             str(doc, "team", "id"),
		Device:             str(doc, "device", "description"),
		DeviceID:           str(doc, "device", "id"),
		OS:                 str(doc, "device", "os"),
		OSVersion:          str(doc, "device", "version"),
		Language:           str(doc, "language", "id"),
		IP:                 str(doc, "session", "ip"),
		Token:              str(doc, "token"),
	}
	if b, ok := lookup(doc, "device", "simulator").(bool); ok {
		s.Simulator = &b
	}
	return s
}

func lookup(doc map[string]any, keys ...string) any {
	var v any = doc
	for _, k := range keys {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[k]
	}
	return v
}

func str(doc map[string]any, keys ...string) string {
	s, _ := lookup(doc, keys...).(string)
	return s
}
