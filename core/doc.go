// Package core is the engine of mobisess: the rules by which 4D's MOBILE APP REFRESH SESSIONS reads a MobileApps
// folder, applied outside 4D, the same for the CLI, the dev server and the WebAssembly module.
//
// The rules, each in a file of its name: which entries are session files and why others are skipped (List,
// folder.go); the four checks in order, mobi 1 to 4, one error at most per file (Checker, check.go, with the
// quick path of quick.go for the embedded schema and the rules 4D does not publish in rules.go); the schema
// (schema.go), the token (token.go), where a JSON pointer lies in a file (position.go); the server's memory,
// loaded and refreshed, and what changed (Registry, diff.go); the fixes that need no guess (fix.go,
// witness.go); the writes, atomic and refused over a change they did not see (write.go). Every check of a
// folder runs one loop (checkFolder) and renders one report type (Report, RefreshReport, FixReport); errors
// of files are *Error, errors of operations *OpError with a Kind.
//
// The engine sees files only through an afero.Fs: the system's disk, a folder in memory, or a zip read in place
// by package zipfs, whose fast paths it asks for through zipfs's optional interfaces. The console's model of a
// folder (the disk, the memory, the edits, the console's methods) is package console, built on this one.
package core
