/*
Mobisess checks 4D MobileApps session files as MOBILE APP REFRESH SESSIONS does, and prepares them for tests.

Usage:

	mobisess check   [flags] [PATH]               check every session file of PATH (or one file)
	mobisess refresh [flags] BEFORE AFTER         load BEFORE as a server does at start, refresh against AFTER
	mobisess fix     [flags] DIR                  fix each error that has one right fix, say why others have none
	mobisess create  [flags] DIR --app BUNDLE_ID  write a session file as 4D does after a login
	mobisess accept  [flags] --dir DIR PATH...    set the status of sessions to accepted
	mobisess pending [flags] --dir DIR PATH...    set the status of sessions to pending
	mobisess delete  [flags] --dir DIR PATH...    delete session files or app folders
	mobisess delete  [flags] --all DIR            delete the folder DIR itself, as 4D's example does
	mobisess version                              print the version and commit
	mobisess help    [COMMAND]                    print this, or a command's usage, flags and examples

PATH, BEFORE, AFTER and DIR are MobileApps folders, .zip files of one, or a folder inside a zip named after
a "/" (export.zip/Data/MobileApps). A zip is never changed: the commands that write put the result in a new
zip, --out NEW.zip. Every write is atomic, and refused, changing nothing, when the file changed on disk
since it was read or is already there.

Exit status: 0 when every session file passes (after fix, when none is left failing), 1 when one fails a
check (a mobi error), 2 when the command line or its input cannot be used, or a write is refused.

Run "mobisess help COMMAND" (or "mobisess COMMAND --help") for a command's flags and examples.

# check

Usage:

	mobisess check [flags] [PATH]
	mobisess check [flags] FILE

Check checks every session file of PATH as MOBILE APP REFRESH SESSIONS does: its JSON syntax (mobi 2),
the schema (mobi 3), its location against its content (mobi 1) and its connection token (mobi 4). It
prints each app folder with its files, each named by a path a terminal or an editor opens
(PATH/APP/ID:line:column at an error), and what is skipped and why. Without PATH, it checks the
embedded sample.

A FILE is checked alone, as the check of its folder would: the folder that holds it is its app folder, the
folder above that the MobileApps folder. So is an app folder (a folder that holds session files itself).

A folder that is probably not the one 4D reads (a Data folder, a project) is refused, exit 2, naming the one
meant.

Examples:

	mobisess check ~/Projects/Contacts/Data/MobileApps
	mobisess check MobileApps/UTT7VDX8W5.com.contactApp.Contact/7023d9205074199d1c16fc00d24354e778137675
	mobisess check --format github export.zip

# refresh

Usage:

	mobisess refresh [flags] BEFORE AFTER

Refresh loads BEFORE as a 4D server does at start (its valid sessions, in memory), then runs MOBILE APP
REFRESH SESSIONS against AFTER, and prints what became of each session: updated (with each change),
unchanged (counted only), not loaded, removed (deleted or invalid), and each error raised.

An AFTER that does not exist, in a folder that does, is the MobileApps folder deleted, as 4D's own example
deletes it: every session is removed. An AFTER whose folder is missing too is a typo: exit 2.

Examples:

	mobisess refresh before/MobileApps after/MobileApps
	mobisess refresh --format json yesterday.zip ~/Projects/Contacts/Data/MobileApps

# fix

Usage:

	mobisess fix [flags] DIR

Fix checks DIR, fixes each error that has one right fix, and says why the others have none. A file's place
(its folder and name), its content and its token each give its ids: where two agree and one differs, fix
changes the one that differs. Where no two agree, it changes nothing and lists a choice per side; --trust
place, content or token applies the one named.

Exit status: 0 when no file is left failing, 1 when some are, 2 when a fix is refused.

Examples:

	mobisess fix --dry-run MobileApps
	mobisess fix MobileApps
	mobisess fix --trust token MobileApps
	mobisess fix export.zip --out fixed.zip

# create

Usage:

	mobisess create [flags] DIR --app BUNDLE_ID

Create writes a session file as 4D writes it after a login, as the latest iOS and Android SDKs send it, in
the app folder [TEAM_ID.]BUNDLE_ID of DIR, named by its session id, and prints its path. The session is
accepted unless --status pending. A DIR deleted from its folder is made again.

Examples:

	mobisess create MobileApps --app com.contactApp.Contact --team UTT7VDX8W5 --email tester@example.com
	mobisess create MobileApps --app com.sample.myappname --os Android --status pending

# accept

Usage:

	mobisess accept [flags] --dir DIR PATH...

Accept sets the status of sessions to accepted, changing nothing else of their text. A PATH is a session
file (APP/ID) or an app folder (APP: each of its session files), relative to DIR, or as the shell completes
it from the current folder and check names it (DIR/APP/ID). Every file is read, and every change tried,
before any is written: a wrong PATH changes nothing.

Examples:

	mobisess accept --dir MobileApps UTT7VDX8W5.com.contactApp.Contact/9f1c3e0a5b7d4c2e8a6f0b1d3c5e7a9b2d4f6a8c
	mobisess accept --dir MobileApps MobileApps/UTT7VDX8W5.com.contactApp.Contact/
	mobisess accept --dir export.zip --out accepted.zip UTT7VDX8W5.com.contactApp.Contact

# pending

Usage:

	mobisess pending [flags] --dir DIR PATH...

Pending sets the status of sessions to pending, as a login that waits for a manual validation leaves them,
changing nothing else of their text. The PATHs are as for accept: session files (APP/ID) or app folders
(APP).

Examples:

	mobisess pending --dir MobileApps UTT7VDX8W5.com.contactApp.Contact/7023d9205074199d1c16fc00d24354e778137675
	mobisess pending --dir MobileApps com.sample.myappname

# delete

Usage:

	mobisess delete [flags] --dir DIR PATH...
	mobisess delete [flags] --all DIR

Delete deletes session files (APP/ID) and app folders (APP) of DIR, named as for accept. With --all it
deletes the folder DIR itself, every session with it, as 4D's documented example does before MOBILE APP
REFRESH SESSIONS, and prints its absolute path. A folder that holds anything 4D does not put in a MobileApps
folder (a .git, sources, notes) is refused, naming the entry, and nothing is deleted, unless --force.

Examples:

	mobisess delete --dir MobileApps UTT7VDX8W5.com.contactApp.Contact/7023d9205074199d1c16fc00d24354e778137675
	mobisess delete --dir MobileApps com.sample.myappname
	mobisess delete --all path/to/data/MobileApps

# version

Usage:

	mobisess version

Version prints the version of mobisess and the commit it was built from.
*/
package main
