package console

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
)

const trustID = "abcdef0123456789abcdef0123456789abcdef01"

// zipOf is a zip of the files, by name.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write([]byte(content))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sessionOf is a session file of com.a whose content has team contentTeam and token tokenTeam.
func sessionOf(contentTeam, tokenTeam string) string {
	token := base64.RawURLEncoding.EncodeToString([]byte(`{"appNameID":"com.a","id":"` + trustID + `","teamID":"` + tokenTeam + `"}`))
	return `{"application":{"id":"com.a"},"team":{"id":"` + contentTeam + `"},"session":{"id":"` + trustID + `"},"status":"accepted","token":"` + token + `"}`
}

// openZip refuses a zip whose root is probably not the MobileApps folder with kind wrongroot and the folder
// inside the zip to open; opened there, it is the folder meant.
func TestOpenZipWrongRoot(t *testing.T) {
	ctx := context.Background()
	data := zipOf(t, map[string]string{"Data/MobileApps/TEAMAAAAAA.com.a/" + trustID: sessionOf("TEAMAAAAAA", "TEAMAAAAAA"), "Data/data.4DD": "x"})
	a := NewService(nil, Options{CanOpen: true})
	_, err := a.Call(ctx, "openZip", []byte(`{"name":"Data.zip"}`), data)
	var e *Error
	if !errors.As(err, &e) || e.Kind != core.KindWrongRoot || e.Root != "Data/MobileApps" || !strings.Contains(e.Message, "Data.zip/Data/MobileApps: did you mean it?") {
		t.Fatalf("openZip of a Data folder: %#v", err)
	}
	if doc, _ := json.Marshal(e); !strings.Contains(string(doc), `"root":"Data/MobileApps"`) {
		t.Errorf("the error's JSON: %s", doc)
	}
	res, err := a.Call(ctx, "openZip", []byte(`{"name":"Data.zip","root":"Data/MobileApps"}`), data)
	if err != nil {
		t.Fatal(err)
	}
	var st State
	if err := json.Unmarshal(res.JSON, &st); err != nil || len(st.Disk.Sessions) != 1 || st.Source != "Data.zip/Data/MobileApps" {
		t.Fatalf("opened inside: %v %s", err, res.JSON)
	}
	if _, err := a.Call(ctx, "openZip", []byte(`{"name":"Data.zip","root":"../x"}`), data); !errors.As(err, &e) || e.Kind != core.KindInput {
		t.Errorf("a root out of the zip: %v", err)
	}
}

// fix takes the side to trust where the engine offers choices, and refuses a side that is not one.
func TestFixTrust(t *testing.T) {
	ctx := context.Background()
	const path = "TEAMAAAAAA.com.a/" + trustID
	data := zipOf(t, map[string]string{path: sessionOf("TEAMBBBBBB", "TEAMCCCCCC")})
	a := NewService(nil, Options{CanOpen: true})
	if _, err := a.Call(ctx, "openZip", []byte(`{"name":"x.zip"}`), data); err != nil {
		t.Fatal(err)
	}
	res, err := a.Call(ctx, "read", []byte(`{"path":"`+path+`"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(res.JSON, &f); err != nil || f.Actions.Fix == nil || len(f.Actions.Fix.Choices) != 3 {
		t.Fatalf("the fix offered: %v %s", err, res.JSON)
	}
	var e *Error
	for _, params := range []string{`{"path":"` + path + `","etag":"` + f.ETag + `"}`, `{"path":"` + path + `","etag":"` + f.ETag + `","trust":"all"}`} {
		if _, err := a.Call(ctx, "fix", []byte(params), nil); !errors.As(err, &e) || e.Kind != core.KindInput {
			t.Errorf("%s: %v", params, err)
		}
	}
	res, err = a.Call(ctx, "fix", []byte(`{"path":"`+path+`","etag":"`+f.ETag+`","trust":"content"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	var fixed FileChange
	if err := json.Unmarshal(res.JSON, &fixed); err != nil || fixed.File.Path != "TEAMBBBBBB.com.a/"+trustID {
		t.Fatalf("after trusting the content: %v %s", err, res.JSON)
	}
}
