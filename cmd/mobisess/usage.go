package main

import (
	_ "embed"
	"flag"
	"fmt"
	"io"
	"strings"
)

// doc.go's package comment is the usage: go doc and mobisess help print the same text, written once.
//
//go:embed doc.go
var doc string

// usage is the text of doc.go's package comment: the overview, then a section per command, each under its
// "# name" heading.
type usage struct {
	overview string
	commands map[string]string
}

// usageText reads doc.go's comment. Its code blocks, which gofmt indents by a tab, are indented by two spaces,
// as a terminal shows them best.
var usageText = func() usage {
	text, _, _ := strings.Cut(doc, "\n*/")
	_, text, _ = strings.Cut(text, "/*\n")
	u := usage{commands: map[string]string{}}
	name := ""
	var b strings.Builder
	end := func() {
		if name == "" {
			u.overview = strings.TrimSpace(b.String()) + "\n"
		} else {
			u.commands[name] = strings.TrimSpace(b.String()) + "\n"
		}
		b.Reset()
	}
	for line := range strings.Lines(text) {
		if heading, ok := strings.CutPrefix(line, "# "); ok {
			end()
			name = strings.TrimSpace(heading)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "\t"); ok {
			line = "  " + rest
		}
		b.WriteString(line)
	}
	end()
	return u
}()

// printUsage prints the overview: the commands, what they take, the exit status.
func printUsage(w io.Writer) {
	fmt.Fprint(w, usageText.overview)
}

// printHelp prints the usage of cmd: what it does, its flags, then its examples.
func printHelp(w io.Writer, cmd string) {
	text := usageText.commands[cmd]
	about, examples, _ := strings.Cut(text, "\nExamples:\n")
	fmt.Fprint(w, about)
	if fl, _ := newFlags(cmd); hasFlags(fl) {
		// The flag package names flags with one dash; they are written with two everywhere else.
		var b strings.Builder
		fl.SetOutput(&b)
		fl.PrintDefaults()
		fmt.Fprint(w, "\nFlags:\n"+strings.ReplaceAll("\n"+b.String(), "\n  -", "\n  --")[1:])
	}
	if examples != "" {
		fmt.Fprint(w, "\nExamples:\n"+examples)
	}
}

func hasFlags(fl *flag.FlagSet) bool {
	n := 0
	fl.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
