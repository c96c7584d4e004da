package core

import (
	"fmt"
	"strings"
)

// The three witnesses of a session file's ids. Its place (the app folder's name, [team.id "."] application.id,
// and the file's name, session.id), its content (the properties team.id, application.id, session.id) and its
// token (the decoded teamID, appNameID, id) each say what the session's three ids are. The location check
// (mobi 1) compares the place with the content, the token check (mobi 4) the token with the content; a fix of
// either changes the witness that differs from the two others, never one that two others do not contradict.
//
// The place is one witness of the pair (team.id, application.id), not of each id: both ids may hold dots (a
// bundle id always does) and Android sessions have no team, so a folder's name cannot be split into the two
// without guessing. The place is said to agree with a pair when the pair's folder name, ExpectedFolder, is the
// folder's name, and no decision rests on a split. Only to show the place's value of each id, and to offer
// "trust the place" as a choice, is the name read as a pair: when the other witnesses' values bear out one
// reading of it and only one (testimony.placeReading).

// Witness is one of the three sources of a session file's ids.
type Witness string

const (
	WitnessPlace   Witness = "place"   // the app folder's name and the file's name
	WitnessContent Witness = "content" // the properties of the JSON file
	WitnessToken   Witness = "token"   // the decoded connection token
)

// witnessOrder is the order in which the witnesses are shown and the choices offered.
var witnessOrder = []Witness{WitnessPlace, WitnessContent, WitnessToken}

// ParseWitness reads the name of a side to trust: place, content or token.
func ParseWitness(s string) (Witness, error) {
	for _, w := range witnessOrder {
		if s == string(w) {
			return w, nil
		}
	}
	return "", &OpError{Kind: KindInput, Msg: fmt.Sprintf("%q is not a side to trust: want place, content or token", s)}
}

// IDWitnesses is what the three witnesses of a session file say of one of its ids, and which of them the fix
// keeps: the JSON that lets a reader see why a fix changes what it changes.
type IDWitnesses struct {
	ID       string `json:"id"`       // team.id, application.id or session.id
	Property string `json:"property"` // its JSON pointer in the content
	Field    string `json:"field"`    // its field in the token
	// Place is absent when the folder's name cannot be read as a team.id and an application.id without
	// guessing (session.id's place, the file's name, is always there).
	Place   *string `json:"place,omitempty"`
	Content string  `json:"content"`
	Token   *string `json:"token,omitempty"` // absent when the token does not decode
	// Value is what the fix makes of the id, absent when no two witnesses agree on it and none is trusted.
	Value *string `json:"value,omitempty"`
	// Agree are the witnesses that hold Value; without Value, those that agree with each other (none, or two
	// when the place reads both as the content and as the token).
	Agree []Witness `json:"agree"`
}

// ids are a session's three ids, as one witness gives them.
type ids struct{ team, app, session string }

func (x ids) pair() [2]string { return [2]string{x.team, x.app} }

// testimony is what the three witnesses of one session file say.
type testimony struct {
	folder, name string // the place
	content      ids
	token        ids
	tokenOK      bool // the token decodes: without it there are two witnesses
}

func testify(f SessionFile, s *Session) testimony {
	t := testimony{folder: f.App, name: f.Name, content: ids{s.TeamID, s.ApplicationID, s.ID}}
	if tok, err := DecodeToken(s.Token); err == nil {
		t.token, t.tokenOK = ids{tok.TeamID, tok.AppNameID, tok.ID}, true
	}
	return t
}

// placeHolds says whether the folder's name is the one the pair of x makes.
func (t testimony) placeHolds(x ids) bool { return ExpectedFolder(x.team, x.app) == t.folder }

// keptPair is the (team.id, application.id) that two witnesses agree on against the third, or, when there is
// none, the trusted side's (trust "" trusts none). ok is false when there is no single pair to keep.
func (t testimony) keptPair(trust Witness) (team, app string, ok bool) {
	placeContent := t.placeHolds(t.content)
	placeToken := t.tokenOK && t.placeHolds(t.token)
	switch {
	case t.tokenOK && t.content.pair() == t.token.pair(): // the content and the token, whatever the place says
		return t.content.team, t.content.app, true
	case placeContent && !placeToken: // the place and the content, against the token or without one
		return t.content.team, t.content.app, true
	case placeToken && !placeContent: // the place and the token, against the content
		return t.token.team, t.token.app, true
	}
	// All three differ, the token does not decode and the two others differ, or the folder's name reads both
	// as the content's pair and as the token's, so that the place takes no side.
	switch trust {
	case WitnessContent:
		return t.content.team, t.content.app, true
	case WitnessToken:
		return t.token.team, t.token.app, t.tokenOK
	case WitnessPlace:
		return t.placeReading()
	}
	return "", "", false
}

// keptSession is the session.id that two witnesses agree on against the third, or the trusted side's.
func (t testimony) keptSession(trust Witness) (string, bool) {
	name, content, token := t.name, t.content.session, t.token.session
	switch {
	case name == content: // the place and the content, against the token or without one
		return content, true
	case t.tokenOK && content == token: // the content and the token, against the file's name
		return content, true
	case t.tokenOK && name == token: // the place and the token, against the content
		return name, true
	}
	switch trust {
	case WitnessPlace:
		return name, true
	case WitnessContent:
		return content, true
	case WitnessToken:
		return token, t.tokenOK
	}
	return "", false
}

// keep is the three ids the fix keeps, trusting trust where no two witnesses agree; pairOK and sessionOK say
// which of them has one value to keep.
func (t testimony) keep(trust Witness) (kept ids, pairOK, sessionOK bool) {
	kept.team, kept.app, pairOK = t.keptPair(trust)
	kept.session, sessionOK = t.keptSession(trust)
	return kept, pairOK, sessionOK
}

// placeReading reads the folder's name as a team.id and an application.id, when the other witnesses' values
// bear out one reading of it and only one: the name is a pair of theirs, or one of their application.ids
// after some team.id, or one of their team.ids before some application.id. A name without a dot has one
// reading, the application.id alone.
func (t testimony) placeReading() (team, app string, ok bool) {
	if t.folder == "" {
		return "", "", false
	}
	if !strings.Contains(t.folder, ".") {
		return "", t.folder, true
	}
	var found [][2]string
	add := func(team, app string) {
		r := [2]string{team, app}
		if app == "" || ExpectedFolder(team, app) != t.folder {
			return
		}
		for _, f := range found {
			if f == r {
				return
			}
		}
		found = append(found, r)
	}
	others := []ids{t.content}
	if t.tokenOK {
		others = append(others, t.token)
	}
	for _, o := range others {
		add(o.team, o.app)
		if team, ok := strings.CutSuffix(t.folder, "."+o.app); ok && o.app != "" {
			add(team, o.app)
		}
		if o.app == t.folder {
			add("", o.app)
		}
		if app, ok := strings.CutPrefix(t.folder, o.team+"."); ok && o.team != "" {
			add(o.team, app)
		}
	}
	if len(found) != 1 {
		return "", "", false
	}
	return found[0][0], found[0][1], true
}

// idRows are the three ids as IDWitnesses shows them, with how each witness's value is read.
var idRows = []struct {
	id, property, field string
	of                  func(ids) string
}{
	{"team.id", "/team/id", "teamID", func(x ids) string { return x.team }},
	{"application.id", "/application/id", "appNameID", func(x ids) string { return x.app }},
	{"session.id", "/session/id", "id", func(x ids) string { return x.session }},
}

// witnesses is what the fix that keeps kept shows of each id (pairOK and sessionOK as keep says).
func (t testimony) witnesses(kept ids, pairOK, sessionOK bool) []IDWitnesses {
	// The place's value of team.id and application.id: the kept pair's when the folder is its name, or the one
	// reading the other witnesses bear out.
	var place *ids
	if pairOK && t.placeHolds(kept) {
		place = &ids{team: kept.team, app: kept.app}
	} else if team, app, ok := t.placeReading(); ok {
		place = &ids{team: team, app: app}
	}
	out := make([]IDWitnesses, 0, len(idRows))
	for i, row := range idRows {
		w := IDWitnesses{ID: row.id, Property: row.property, Field: row.field, Content: row.of(t.content), Agree: []Witness{}}
		switch {
		case i == 2:
			w.Place = &t.name
		case place != nil:
			w.Place = ptr(row.of(*place))
		}
		if t.tokenOK {
			w.Token = ptr(row.of(t.token))
		}
		values := map[Witness]*string{WitnessPlace: w.Place, WitnessContent: &w.Content, WitnessToken: w.Token}
		if i < 2 && pairOK || i == 2 && sessionOK {
			w.Value = ptr(row.of(kept))
			for _, side := range witnessOrder {
				if v := values[side]; v != nil && *v == *w.Value {
					w.Agree = append(w.Agree, side)
				}
			}
		} else {
			// No value to keep: the first two witnesses that agree with each other, if two do.
		pairs:
			for a, wa := range witnessOrder {
				for _, wb := range witnessOrder[a+1:] {
					if va, vb := values[wa], values[wb]; va != nil && vb != nil && *va == *vb {
						w.Agree = []Witness{wa, wb}
						break pairs
					}
				}
			}
		}
		out = append(out, w)
	}
	return out
}

func ptr(s string) *string { return &s }

// locationPointer is the property of the content that differs from the file's place, for a file that fails the
// location check: session.id when the folder is right, else the id of the pair the folder's name contradicts.
// When the name cannot be read as a pair, or the id that differs is an absent team.id, it is application.id,
// from which the folder's name is made.
func locationPointer(f SessionFile, s *Session) string {
	if f.App == ExpectedFolder(s.TeamID, s.ApplicationID) {
		return "/session/id"
	}
	team, app, ok := testify(f, s).placeReading()
	if ok && app == s.ApplicationID && team != s.TeamID && s.TeamID != "" {
		return "/team/id"
	}
	return "/application/id"
}
