package core

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// witnessed is the example's session file with its three ids as the content gives them, at folder/name, with
// token (a decoded token's fields, or raw text when raw is set).
type witnessed struct {
	folder, name string
	content      ids
	token        ids
	raw          string // the token's text, when it is not made of token
}

func (w witnessed) path() string { return w.folder + "/" + w.name }

func (w witnessed) text(t *testing.T) string {
	t.Helper()
	s := edit(t, example, `"team": {"id": "UTT7VDX8W5"}`, `"team": {"id": "`+w.content.team+`"}`)
	s = edit(t, s, `"id": "com.contactApp.Contact"`, `"id": "`+w.content.app+`"`)
	s = edit(t, s, `"id": "`+exampleID+`"`, `"id": "`+w.content.session+`"`)
	token := w.raw
	if token == "" {
		token = EncodeToken(Token{AppNameID: w.token.app, ID: w.token.session, TeamID: w.token.team})
	}
	return edit(t, s, exampleToken, token)
}

// The example's three ids, and one typo of each.
var (
	good       = ids{"UTT7VDX8W5", "com.contactApp.Contact", exampleID}
	teamTypo   = ids{"UTT7VDX8W6", "com.contactApp.Contact", exampleID}
	appTypo    = ids{"UTT7VDX8W5", "com.contactApp.Contcat", exampleID}
	otherID    = strings.Repeat("c", 40)
	idTypo     = ids{"UTT7VDX8W5", "com.contactApp.Contact", otherID}
	goodFolder = exampleApp
)

// Each of the three ids wrong on each side: the fix changes the side that differs, and only it; the witnesses it
// shows say which two agreed. Then where no two agree: no fix, and one choice per side that can be trusted.
func TestFixWitnesses(t *testing.T) {
	type choice struct {
		side Witness
		kind FixKind
		to   string
		sets map[string]string // properties of the content it writes, by pointer
	}
	tests := []struct {
		name string
		file witnessed
		code Code
		kind FixKind
		to   string            // a move's target
		sets map[string]string // the properties of the content an edit writes, by pointer ("/token": anew)
		// what the witnesses of the id that differs say: the witnesses that agree, and the value kept
		id      string
		agree   []Witness
		value   string
		choices []choice
		line    int // the line of the error: the property that differs (team.id line 3, application.id 2, session.id 8)
	}{
		// team.id
		{name: "team.id wrong in the place: moved", file: witnessed{"UTT7VDX8W6.com.contactApp.Contact", exampleID, good, good, ""},
			code: CodeLocation, kind: FixMove, to: examplePath, id: "team.id", agree: []Witness{WitnessContent, WitnessToken}, value: "UTT7VDX8W5", line: 3},
		{name: "team.id wrong in the content: corrected, not moved", file: witnessed{goodFolder, exampleID, teamTypo, good, ""},
			code: CodeLocation, kind: FixEdit, sets: map[string]string{"/team/id": `"UTT7VDX8W5"`}, id: "team.id", agree: []Witness{WitnessPlace, WitnessToken}, value: "UTT7VDX8W5", line: 3},
		{name: "team.id wrong in the token: written anew", file: witnessed{goodFolder, exampleID, good, teamTypo, ""},
			code: CodeToken, kind: FixEdit, sets: map[string]string{"/token": ""}, id: "team.id", agree: []Witness{WitnessPlace, WitnessContent}, value: "UTT7VDX8W5", line: 10},
		// application.id
		{name: "application.id wrong in the place: moved", file: witnessed{"UTT7VDX8W5.com.contactApp.Contcat", exampleID, good, good, ""},
			code: CodeLocation, kind: FixMove, to: examplePath, id: "application.id", agree: []Witness{WitnessContent, WitnessToken}, value: "com.contactApp.Contact", line: 2},
		{name: "application.id wrong in the content: corrected", file: witnessed{goodFolder, exampleID, appTypo, good, ""},
			code: CodeLocation, kind: FixEdit, sets: map[string]string{"/application/id": `"com.contactApp.Contact"`}, id: "application.id", agree: []Witness{WitnessPlace, WitnessToken}, value: "com.contactApp.Contact", line: 2},
		{name: "application.id wrong in the token: written anew", file: witnessed{goodFolder, exampleID, good, appTypo, ""},
			code: CodeToken, kind: FixEdit, sets: map[string]string{"/token": ""}, id: "application.id", agree: []Witness{WitnessPlace, WitnessContent}, value: "com.contactApp.Contact", line: 10},
		// session.id
		{name: "session.id wrong in the place: renamed", file: witnessed{goodFolder, otherID, good, good, ""},
			code: CodeLocation, kind: FixMove, to: examplePath, id: "session.id", agree: []Witness{WitnessContent, WitnessToken}, value: exampleID, line: 8},
		{name: "session.id wrong in the content: corrected, not renamed", file: witnessed{goodFolder, exampleID, idTypo, good, ""},
			code: CodeLocation, kind: FixEdit, sets: map[string]string{"/session/id": `"` + exampleID + `"`}, id: "session.id", agree: []Witness{WitnessPlace, WitnessToken}, value: exampleID, line: 8},
		{name: "session.id wrong in the token: written anew", file: witnessed{goodFolder, exampleID, good, idTypo, ""},
			code: CodeToken, kind: FixEdit, sets: map[string]string{"/token": ""}, id: "session.id", agree: []Witness{WitnessPlace, WitnessContent}, value: exampleID, line: 10},
		// Two ids wrong on two sides: each id still has two witnesses against one.
		{name: "team.id wrong in the place, session.id in the content: moved and corrected", file: witnessed{"UTT7VDX8W6.com.contactApp.Contact", exampleID, idTypo, good, ""},
			code: CodeLocation, kind: FixMove, to: examplePath, sets: map[string]string{"/session/id": `"` + exampleID + `"`}, id: "team.id", agree: []Witness{WitnessContent, WitnessToken}, value: "UTT7VDX8W5", line: 3},
		// The place is one witness of the pair: against a content and a token that differ on it, it agrees with
		// neither, whatever a split of its name would say.
		{name: "team.id wrong in the place, application.id in the content: no single fix", file: witnessed{"UTT7VDX8W6.com.contactApp.Contact", exampleID, appTypo, good, ""},
			code: CodeLocation, kind: FixNone, id: "application.id", agree: []Witness{WitnessPlace, WitnessToken}, line: 2, choices: []choice{
				{WitnessPlace, FixEdit, "", map[string]string{"/team/id": `"UTT7VDX8W6"`, "/application/id": `"com.contactApp.Contact"`}},
				{WitnessContent, FixMove, "UTT7VDX8W5.com.contactApp.Contcat/" + exampleID, nil},
				{WitnessToken, FixMove, examplePath, map[string]string{"/application/id": `"com.contactApp.Contact"`}},
			}},

		// All three differ: no fix, a choice per side.
		{name: "team.id: three values", file: witnessed{"UTT7VDX8W6.com.contactApp.Contact", exampleID, ids{"UTT7VDX8W7", good.app, exampleID}, ids{"UTT7VDX8W8", good.app, exampleID}, ""},
			code: CodeLocation, kind: FixNone, id: "team.id", agree: []Witness{}, line: 3, choices: []choice{
				{WitnessPlace, FixEdit, "", map[string]string{"/team/id": `"UTT7VDX8W6"`}},
				{WitnessContent, FixMove, "UTT7VDX8W7.com.contactApp.Contact/" + exampleID, nil},
				{WitnessToken, FixMove, "UTT7VDX8W8.com.contactApp.Contact/" + exampleID, map[string]string{"/team/id": `"UTT7VDX8W8"`}},
			}},
		{name: "session.id: three values", file: witnessed{goodFolder, otherID, ids{good.team, good.app, strings.Repeat("d", 40)}, ids{good.team, good.app, strings.Repeat("e", 40)}, ""},
			code: CodeLocation, kind: FixNone, id: "session.id", agree: []Witness{}, line: 8, choices: []choice{
				{WitnessPlace, FixEdit, "", map[string]string{"/session/id": `"` + otherID + `"`}},
				{WitnessContent, FixMove, goodFolder + "/" + strings.Repeat("d", 40), nil},
				{WitnessToken, FixMove, goodFolder + "/" + strings.Repeat("e", 40), map[string]string{"/session/id": `"` + strings.Repeat("e", 40) + `"`}},
			}},
		// The token does not decode: two witnesses, which differ.
		{name: "the token does not decode, the place and the content differ", file: witnessed{"UTT7VDX8W6.com.contactApp.Contact", exampleID, good, ids{}, "not*base64"},
			code: CodeLocation, kind: FixNone, id: "team.id", agree: []Witness{}, line: 3, choices: []choice{
				{WitnessPlace, FixEdit, "", map[string]string{"/team/id": `"UTT7VDX8W6"`}},
				{WitnessContent, FixMove, examplePath, nil},
			}},
		{name: "the token does not decode, the place and the content agree: written anew", file: witnessed{goodFolder, exampleID, good, ids{}, "not*base64"},
			code: CodeToken, kind: FixEdit, sets: map[string]string{"/token": ""}, id: "team.id", agree: []Witness{WitnessPlace, WitnessContent}, value: "UTT7VDX8W5", line: 10},
		// The folder's name is both the content's pair and the token's: the place takes no side, and cannot be
		// trusted.
		{name: "a folder read two ways", file: witnessed{"A.b.c", exampleID, ids{"A", "b.c", exampleID}, ids{"A.b", "c", exampleID}, ""},
			code: CodeToken, kind: FixNone, id: "team.id", agree: []Witness{}, line: 10, choices: []choice{
				{WitnessContent, FixEdit, "", map[string]string{"/token": ""}},
				{WitnessToken, FixEdit, "", map[string]string{"/team/id": `"A.b"`, "/application/id": `"c"`}},
			}},
		// A folder that no witness bears out a reading of, against a content and a token that agree: moved.
		{name: "a folder unread, against the content and the token", file: witnessed{"x.y.z", exampleID, good, good, ""},
			code: CodeLocation, kind: FixMove, to: examplePath, id: "team.id", agree: []Witness{WitnessContent, WitnessToken}, value: "UTT7VDX8W5", line: 2},
		// Android: no team.
		{name: "a team.id the place and the token have not: written empty", file: witnessed{"com.contactApp.Contact", exampleID, good, ids{"", good.app, exampleID}, ""},
			code: CodeLocation, kind: FixEdit, sets: map[string]string{"/team/id": `""`}, id: "team.id", agree: []Witness{WitnessPlace, WitnessToken}, value: "", line: 3},
		{name: "a team the content has not: moved out of the team's folder", file: witnessed{goodFolder, exampleID, ids{"", good.app, exampleID}, ids{"", good.app, exampleID}, ""},
			code: CodeLocation, kind: FixMove, to: "com.contactApp.Contact/" + exampleID, id: "team.id", agree: []Witness{WitnessContent, WitnessToken}, value: "", line: 2},
	}
	c := &Checker{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.file.text(t)
			data := []byte(text)
			e := checkAt(c, tt.file.path(), data)
			if e == nil || e.Code != tt.code {
				t.Fatalf("the file fails %v, want mobi %d", e, tt.code)
			}
			if e.Line != tt.line {
				t.Errorf("the error is on line %d, want %d", e.Line, tt.line)
			}
			fix := c.ProposeFix(e, data)
			if fix.Kind != tt.kind {
				t.Fatalf("fix %s %q, want %s", fix.Kind, fix.Title, tt.kind)
			}
			w := witnessOf(t, fix, tt.id)
			if !equalSlices(w.Agree, tt.agree) || tt.value != "" && (w.Value == nil || *w.Value != tt.value) || tt.kind == FixNone && w.Value != nil {
				got, _ := json.Marshal(w)
				t.Errorf("witnesses of %s: %s, want %v agreeing on %q", tt.id, got, tt.agree, tt.value)
			}
			if tt.kind == FixNone {
				if !strings.HasPrefix(fix.Title.String(), "no single right fix") {
					t.Errorf("title %q", fix.Title)
				}
				if len(fix.Choices) != len(tt.choices) {
					t.Fatalf("%d choices, want %d: %+v", len(fix.Choices), len(tt.choices), fix.Choices)
				}
				for i, want := range tt.choices {
					got := fix.Choices[i]
					if got.Choice != want.side || got.Kind != want.kind || !strings.HasPrefix(got.Title.String(), "Trust the "+string(want.side)+": ") {
						t.Errorf("choice %d: %s %s %q, want %s %s", i, got.Choice, got.Kind, got.Title, want.side, want.kind)
					}
					assertFixed(t, c, tt.file.path(), data, got, want.to, want.sets)
				}
				if _, err := fix.Trusting(""); err != nil {
					t.Error(err)
				}
				wantKind(t, c.ApplyFix(afero.NewMemMapFs(), root, fix), KindInput)
				return
			}
			if len(fix.Choices) != 0 || fix.Choice != "" {
				t.Errorf("a single fix offers choices: %+v", fix)
			}
			if _, err := fix.Trusting(WitnessPlace); KindOf(err) != KindInput {
				t.Errorf("a side named for a single fix: %v", err)
			}
			assertFixed(t, c, tt.file.path(), data, fix, tt.to, tt.sets)
		})
	}
}

func witnessOf(t *testing.T, fix *Fix, id string) IDWitnesses {
	t.Helper()
	for _, w := range fix.Witnesses {
		if w.ID == id {
			return w
		}
	}
	t.Fatalf("no witnesses of %s in %+v", id, fix)
	return IDWitnesses{}
}

// assertFixed applies fix to a folder that holds data at rel and checks what it did: the file where to says (rel
// when ""), the content's properties of sets written and no other value changed ("/token": written anew from
// the ids), and the location and token checks passed.
func assertFixed(t *testing.T, c *Checker, rel string, data []byte, fix *Fix, to string, sets map[string]string) {
	t.Helper()
	fsys, err := applied(t, c, rel, data, fix)
	if err != nil {
		t.Fatalf("%s: %v", fix.Title, err)
	}
	if to == "" {
		to = rel
	}
	if fix.Kind == FixMove && (fix.From != rel || fix.To != to) {
		t.Errorf("%s: moves %s → %s, want → %s", fix.Title, fix.From, fix.To, to)
	}
	got, err := afero.ReadFile(fsys, root+"/"+to)
	if err != nil {
		t.Fatalf("%s: %v", fix.Title, err)
	}
	if to != rel {
		if ok, _ := afero.Exists(fsys, root+"/"+rel); ok {
			t.Errorf("%s: the file is still at %s", fix.Title, rel)
		}
	}
	changed := map[string]string{}
	for _, ch := range Diff(decodeDoc(withoutBOM(data)), decodeDoc(withoutBOM(got))) {
		changed[ch.Pointer] = string(ch.New)
	}
	if len(changed) != len(sets) {
		t.Errorf("%s: changes %q, want %q", fix.Title, changed, sets)
	}
	for p, want := range sets {
		if p == "/token" {
			want = changed[p] // checked below: the file passes the token's check
		}
		if changed[p] != want {
			t.Errorf("%s: %s is %s, want %s", fix.Title, p, changed[p], want)
		}
	}
	wantChanges, _ := json.Marshal(Diff(decodeDoc(withoutBOM(data)), decodeDoc(withoutBOM(got))))
	if gotChanges, _ := json.Marshal(fix.Changes); string(gotChanges) != string(wantChanges) && len(fix.Changes)+len(changed) > 0 {
		t.Errorf("%s: says it changes %s, changes %s", fix.Title, gotChanges, wantChanges)
	}
	if next := checkAt(c, to, got); next != nil && next.Code != CodeToken || next != nil && fix.Code == CodeToken {
		t.Errorf("%s: the fixed file fails %v", fix.Title, next)
	}
}

// A content that has no team gets one where the place and the token agree on it: a member of its own, the rest
// of the text as it was.
func TestFixWritesAnAbsentTeam(t *testing.T) {
	c := &Checker{}
	noTeam := withoutLine(t, example, `"team"`)
	e := checkAt(c, examplePath, []byte(noTeam))
	fix := c.ProposeFix(e, []byte(noTeam))
	if fix.Kind != FixEdit || fix.Title.String() != "Correct /team/id" {
		t.Fatalf("fix %s %q", fix.Kind, fix.Title)
	}
	want := strings.Replace(noTeam, "{\n\t", "{\n\t\"team\": {\"id\": \"UTT7VDX8W5\"},\n\t", 1)
	if fix.Content != want {
		t.Errorf("content\n%s\nwant\n%s", fix.Content, want)
	}
	if got, _ := json.Marshal(fix.Changes); string(got) != `[{"pointer":"/team","new":{"id":"UTT7VDX8W5"}}]` {
		t.Errorf("changes %s", got)
	}
	// An empty team object gets its id.
	empty := edit(t, example, `"team": {"id": "UTT7VDX8W5"}`, `"team": {}`)
	fix = c.ProposeFix(checkAt(c, examplePath, []byte(empty)), []byte(empty))
	if want := edit(t, example, `"team": {"id": "UTT7VDX8W5"}`, `"team": {"id": "UTT7VDX8W5"}`); fix.Content != want {
		t.Errorf("content\n%s\nwant\n%s", fix.Content, want)
	}
}

// The place is read as a pair only as the other witnesses bear out, and only when they bear out one reading.
func TestPlaceReading(t *testing.T) {
	tests := []struct {
		folder             string
		content, token     ids
		team, app          string
		ok                 bool
		keptTeam, keptApp  string // the pair kept with no side trusted
		keptOK, trustPlace bool   // whether one is kept; whether the place can be trusted
	}{
		{"com.a", ids{"", "com.a", ""}, ids{"", "com.a", ""}, "", "com.a", true, "", "com.a", true, true},
		{"nodot", ids{"T", "x", ""}, ids{"U", "y", ""}, "", "nodot", true, "", "", false, true},
		{"T.com.a", ids{"U", "com.a", ""}, ids{"T", "com.a", ""}, "T", "com.a", true, "T", "com.a", true, true},
		{"T.com.a", ids{"T", "com.b", ""}, ids{"T", "com.b", ""}, "T", "com.a", true, "T", "com.b", true, true},
		{"T.com.a", ids{"", "T.com.a", ""}, ids{"T", "com.a", ""}, "", "", false, "", "", false, false},
		{"x.y.z", ids{"T", "com.a", ""}, ids{"T", "com.a", ""}, "", "", false, "T", "com.a", true, false},
		{"x.y.z", ids{"T", "com.a", ""}, ids{"U", "com.b", ""}, "", "", false, "", "", false, false},
		{"V.com.a", ids{"T", "com.a", ""}, ids{"U", "com.a", ""}, "V", "com.a", true, "", "", false, true},
	}
	for _, tt := range tests {
		w := testimony{folder: tt.folder, content: tt.content, token: tt.token, tokenOK: true}
		team, app, ok := w.placeReading()
		if team != tt.team || app != tt.app || ok != tt.ok {
			t.Errorf("%s, %v, %v: read as %q %q %v, want %q %q %v", tt.folder, tt.content, tt.token, team, app, ok, tt.team, tt.app, tt.ok)
		}
		team, app, ok = w.keptPair("")
		if team != tt.keptTeam || app != tt.keptApp || ok != tt.keptOK {
			t.Errorf("%s, %v, %v: keeps %q %q %v, want %q %q %v", tt.folder, tt.content, tt.token, team, app, ok, tt.keptTeam, tt.keptApp, tt.keptOK)
		}
		if _, _, ok := w.keptPair(WitnessPlace); !tt.keptOK && ok != tt.trustPlace {
			t.Errorf("%s: the place trusted: %v, want %v", tt.folder, ok, tt.trustPlace)
		}
	}
}

// The side to trust is named as the CLI and the console name it.
func TestParseWitness(t *testing.T) {
	for _, s := range []string{"place", "content", "token"} {
		if w, err := ParseWitness(s); err != nil || string(w) != s {
			t.Errorf("%s: %v %v", s, w, err)
		}
	}
	for _, s := range []string{"", "Place", "folder", "all"} {
		if _, err := ParseWitness(s); KindOf(err) != KindInput {
			t.Errorf("%q: %v", s, err)
		}
	}
}
