//go:build ignore

// Mkfinder writes finder.zip: core/sample/MobileApps shaped as macOS Finder's "Compress" (Archive Utility, ditto)
// writes a zip, which no tool on this system makes. Every entry has a data descriptor (its sizes and CRC after its
// data, zeros in its local header); folders have entries of their own, stored; each file and folder has an
// AppleDouble "._" twin under __MACOSX/, written just after it; "version made by" is Unix.
//
//	go run core/testdata/zips/mkfinder.go
package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io/fs"
	"log"
	"os"
	"path"
)

const (
	sample = "core/sample"
	out    = "core/testdata/zips/finder.zip"
)

func main() {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	macosx := map[string]bool{}
	// twin writes the AppleDouble file of name (a path in the zip) under __MACOSX/, with its folders.
	twin := func(name string) {
		dir, base := path.Split(path.Clean(name))
		parts := "__MACOSX/"
		if !macosx[parts] {
			entry(w, parts, nil)
			macosx[parts] = true
		}
		for _, p := range splitDirs(dir) {
			parts += p + "/"
			if !macosx[parts] {
				entry(w, parts, nil)
				macosx[parts] = true
			}
		}
		entry(w, parts+"._"+base, appleDouble())
	}
	err := fs.WalkDir(os.DirFS(sample), "MobileApps", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			entry(w, p+"/", nil)
			twin(p)
			return nil
		}
		data, err := fs.ReadFile(os.DirFS(sample), p)
		if err != nil {
			return err
		}
		entry(w, p, data)
		twin(p)
		return nil
	})
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = os.WriteFile(out, buf.Bytes(), 0o644)
	}
	if err != nil {
		log.Fatal(err)
	}
}

func splitDirs(dir string) []string {
	var parts []string
	for dir = path.Clean(dir); dir != "." && dir != "/"; dir = path.Dir(dir) {
		parts = append([]string{path.Base(dir)}, parts...)
	}
	return parts
}

// entry writes a folder (data nil, stored) or a file (deflated, with a data descriptor, as archive/zip writes
// every entry it compresses), dated 1 May 2024 at noon, made on Unix with its mode.
func entry(w *zip.Writer, name string, data []byte) {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, CreatorVersion: 3<<8 | 21, ExternalAttrs: 0o100644 << 16}
	h.ModifiedDate = (2024-1980)<<9 | 5<<5 | 1
	h.ModifiedTime = 12 << 11
	if data == nil {
		h.Method, h.ExternalAttrs = zip.Store, (0o40755<<16)|0x10
	}
	f, err := w.CreateHeader(h)
	if err == nil && data != nil {
		_, err = f.Write(data)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// appleDouble is an AppleDouble file holding a Finder Info entry, as Finder writes one beside each file.
func appleDouble() []byte {
	var b bytes.Buffer
	put := func(v any) { binary.Write(&b, binary.BigEndian, v) }
	put(uint32(0x00051607)) // AppleDouble
	put(uint32(0x00020000)) // version 2
	b.WriteString("Mac OS X        ")
	put(uint16(1))                 // one entry:
	put([3]uint32{9, 26 + 12, 32}) // Finder Info, its offset and length
	b.Write(append([]byte("TEXTttxt"), make([]byte, 24)...))
	return b.Bytes()
}
