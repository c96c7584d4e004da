//go:build !js

// A zip of 100k entries: native only (Node-hosted wasm has not the memory to spare).

package zipfs_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"

	"github.com/mobisess/mobisess/core/zipfs"
)

const manyEntries = 100_000

var (
	manyOnce sync.Once
	manyZip  []byte
)

// hundredThousandEntries is a zip of 100k small session files in 100 app folders, made once: more than 65535
// entries, so archive/zip writes it as zip64.
func hundredThousandEntries(t *testing.T) []byte {
	manyOnce.Do(func() {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for i := 0; i < manyEntries; i++ {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: manyName(i), Method: zip.Store, Modified: fixedTime})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, `{"n":%d}`, i)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		manyZip = b.Bytes()
	})
	if manyZip == nil {
		t.Fatal("the 100k-entry zip could not be made")
	}
	return manyZip
}

func manyName(i int) string { return fmt.Sprintf("MobileApps/com.app%02d/%040x", i%100, i) }

// 100k entries: refused with a clear error under a lower limit, before the directory takes memory.
func TestImportZip100kEntriesOverLimit(t *testing.T) {
	data := hundredThousandEntries(t)
	limits := zipfs.DefaultLimits
	limits.MaxEntries = manyEntries - 1
	var err error
	allocated := allocatedBy(func() { _, err = importZip(t, data, limits) })
	if err == nil || err.Error() != "the file has 100000 entries, over the limit of 99999" {
		t.Fatalf("got %v", err)
	}
	t.Logf("%d KiB allocated", allocated>>10)
	// The entries' headers alone would be about 20 MB (200 bytes each) had they been read.
	if allocated > 4<<20 {
		t.Errorf("%d KiB allocated to refuse the archive: its directory was read", allocated>>10)
	}
}

// 100k small entries under the default limits import whole, as a zip64 archive, in memory that grows with what
// they hold (a few hundred bytes each), not more.
func TestImportZip64With100kEntries(t *testing.T) {
	data := hundredThousandEntries(t)
	if !bytes.Contains(data[len(data)-200:], []byte("PK\x06\x06")) {
		t.Fatal("the archive has no zip64 end record")
	}
	grown, v := heapGrowth(func() any {
		fsys, err := importZip(t, data, zipfs.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		return fsys
	})
	t.Logf("%d MiB of memory for %d entries, %d bytes each", grown>>20, manyEntries, grown/manyEntries)
	fsys := v.(afero.Fs)
	if per := grown / manyEntries; per > 2<<10 {
		t.Errorf("%d MiB of memory for %d entries: %d bytes each", grown>>20, manyEntries, per)
	}
	var files int
	err := afero.Walk(fsys, root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files++
		}
		return err
	})
	if err != nil || files != manyEntries {
		t.Fatalf("%d files imported (%v), want %d", files, err, manyEntries)
	}
	for _, i := range []int{0, 65535, 65536, manyEntries - 1} {
		name := strings.TrimPrefix(manyName(i), "MobileApps")
		if got, err := afero.ReadFile(fsys, root+name); err != nil || string(got) != fmt.Sprintf(`{"n":%d}`, i) {
			t.Errorf("entry %d: %q, %v", i, got, err)
		}
	}
}
