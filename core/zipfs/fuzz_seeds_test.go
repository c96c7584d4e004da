package zipfs_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/internal/coretest"
)

// fuzzSeeds are the seed corpus of FuzzImportZip, kept in testdata/fuzz/FuzzImportZip/ where plain `go test`
// runs them: the hostile zips of the other tests, and the sample exported.
func fuzzSeeds(t *testing.T) coretest.Seeds {
	seeds := coretest.Seeds{}
	add := func(fuzz, name string, args ...any) { seeds.Add(t, fuzz, name, args...) }
	for _, z := range hostileZips(t) {
		add("FuzzImportZip", "hostile-"+z.name, z.data)
	}
	for _, z := range moreHostileZips(t) {
		add("FuzzImportZip", "hostile-"+z.name, z.data)
	}
	mem, dir, err := core.CopyFS(os.DirFS("../sample"), "MobileApps")
	if err != nil {
		t.Fatal(err)
	}
	for p := range tree(t, mem, dir) {
		if err := mem.Chtimes(dir+"/"+strings.TrimSuffix(p, "/"), fixedTime, fixedTime); err != nil {
			t.Fatal(err)
		}
	}
	if err := mem.Chtimes(dir, fixedTime, fixedTime); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := core.ExportZip(mem, dir, &buf); err != nil {
		t.Fatal(err)
	}
	add("FuzzImportZip", "sample-export", buf.Bytes())
	const id = "7023d9205074199d1c16fc00d24354e778137675"
	add("FuzzImportZip", "no-directory-entries", makeZip(t, zipEntry{Name: "com.a/" + id, Data: session("", "com.a", id, "accepted")}, zipEntry{Name: "key.mobileapp", Data: "k"}))
	add("FuzzImportZip", "stored", makeZip(t, storedEntry("MobileApps/com.a/"+id, session("", "com.a", id, "accepted")), zipEntry{Name: "MobileApps/key.mobileapp", Data: "k"}))
	add("FuzzImportZip", "macos-junk", makeZip(t, zipEntry{Name: "MobileApps/com.a/" + id, Data: "{}"}, zipEntry{Name: "__MACOSX/MobileApps/com.a/._" + id, Data: "fork"}))
	return seeds
}

// TestFuzzSeedCorpora keeps the seed corpus in step with the hostile cases and the sample; -update rewrites it.
func TestFuzzSeedCorpora(t *testing.T) {
	fuzzSeeds(t).Keep(t, *update, "go test ./core/zipfs -run TestFuzzSeedCorpora")
}
