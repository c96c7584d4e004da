package main

import (
	"flag"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const readme = "../../README.md"

// synopsis is the overview's list of commands, unindented: the block that opens the README's CLI section.
func synopsis(t *testing.T) string {
	_, after, ok := strings.Cut(usageText.overview, "Usage:\n\n")
	block, _, _ := strings.Cut(after, "\n\n")
	if !ok || block == "" {
		t.Fatal("doc.go's overview has no Usage: block")
	}
	var b strings.Builder
	for line := range strings.Lines(block) {
		b.WriteString(strings.TrimPrefix(line, "  "))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// cliSection is the README's section on the CLI, up to its JSON contract, and where its first code block is.
func cliSection(t *testing.T, text string) (section string, blockStart, blockEnd int) {
	start := strings.Index(text, "## The CLI\n")
	end := strings.Index(text, "### The JSON contract")
	if start < 0 || end < start {
		t.Fatal("README.md has no section \"## The CLI\" before \"### The JSON contract\"")
	}
	open := strings.Index(text[start:], "\n```\n")
	if open < 0 {
		t.Fatal("the README's CLI section has no code block")
	}
	blockStart = start + open + len("\n```\n")
	blockEnd = blockStart + strings.Index(text[blockStart:], "\n```")
	return text[start:end], blockStart, blockEnd
}

// The README's list of commands is doc.go's, which mobisess help prints: go test -update rewrites it.
func TestReadmeSynopsis(t *testing.T) {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	_, start, end := cliSection(t, text)
	want := synopsis(t)
	if got := text[start:end]; got != want {
		if *update {
			if err := os.WriteFile(readme, []byte(text[:start]+want+text[end:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the README's list of commands is not doc.go's (go test ./cmd/mobisess -update rewrites it):\n%s\nwant:\n%s", got, want)
	}
}

// The README's CLI section names every flag of the CLI, and no flag the CLI does not have.
func TestReadmeFlags(t *testing.T) {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	section, _, _ := cliSection(t, string(data))
	defined := map[string]bool{}
	for _, cmd := range append(slices.Sorted(maps.Keys(commands)), "version") {
		fl, _ := newFlags(cmd)
		fl.VisitAll(func(f *flag.Flag) { defined[f.Name] = true })
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`--([a-z][a-z-]*)`).FindAllStringSubmatch(section, -1) {
		named[m[1]] = true
	}
	for f := range defined {
		if !named[f] {
			t.Errorf("the README's CLI section does not name --%s", f)
		}
	}
	for f := range named {
		if !defined[f] && f != "help" {
			t.Errorf("the README's CLI section names --%s, which no command has", f)
		}
	}
}

// Every command has its section in doc.go, under its own name, with its usage and, but version, examples of
// itself; doc.go has no section of a command that does not exist.
func TestHelpSections(t *testing.T) {
	names := append(slices.Sorted(maps.Keys(commands)), "version")
	for _, cmd := range names {
		text, ok := usageText.commands[cmd]
		if !ok {
			t.Errorf("doc.go has no section # %s", cmd)
			continue
		}
		if !strings.HasPrefix(text, "Usage:\n\n  mobisess "+cmd+"") {
			t.Errorf("# %s does not open with its usage:\n%s", cmd, text)
		}
		_, examples, ok := strings.Cut(text, "\nExamples:\n\n")
		if cmd == "version" {
			continue
		}
		if !ok {
			t.Errorf("# %s has no examples", cmd)
		}
		for line := range strings.Lines(examples) {
			if !strings.HasPrefix(line, "  mobisess "+cmd+" ") {
				t.Errorf("# %s: an example of another command: %q", cmd, line)
			}
		}
	}
	for cmd := range usageText.commands {
		if !slices.Contains(names, cmd) {
			t.Errorf("doc.go has a section # %s, which is no command", cmd)
		}
	}
}
