#!/usr/bin/env bash
# Installs what the e2e tests need, offline-safe: Debian chromium and the npm-built
# Playwright driver in e2e/driver. Idempotent; does nothing slow when all is present.
# Never use playwright-go's Install()/DownloadDriver(): they fetch from hosts we cannot reach.
set -euo pipefail

# Work from the script's location so it runs from the repo root or anywhere else.
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DRIVER_DIR="$E2E_DIR/driver"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

die() { echo "e2e/setup.sh: $*" >&2; exit 1; }

# 1. Chromium from Debian (Playwright's own browser download is unreachable).
if [ ! -x "$CHROMIUM" ]; then
	if [ "$CHROMIUM" != /usr/bin/chromium ]; then
		die "CHROMIUM=$CHROMIUM is not an executable file"
	fi
	if [ "$(id -u)" -ne 0 ]; then
		die "/usr/bin/chromium is missing and installing it needs root; run as root:
    apt-get update && apt-get install -y --no-install-recommends chromium"
	fi
	echo "e2e/setup.sh: installing chromium from Debian" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends chromium
	[ -x /usr/bin/chromium ] || die "apt-get finished but /usr/bin/chromium is still missing"
fi

# 2. The Playwright driver from npm, pinned by package-lock.json.
NODE="$(command -v node || true)"
[ -n "$NODE" ] || die "node is not on PATH; the Playwright driver needs Node.js"
command -v npm >/dev/null || die "npm is not on PATH"
[ -f "$DRIVER_DIR/package-lock.json" ] || die "$DRIVER_DIR/package-lock.json is missing"

# npm writes node_modules/.package-lock.json on every install: use it as the stamp.
STAMP="$DRIVER_DIR/node_modules/.package-lock.json"
if [ ! -f "$STAMP" ] || [ ! -f "$DRIVER_DIR/node_modules/playwright-core/cli.js" ] ||
	[ "$DRIVER_DIR/package-lock.json" -nt "$STAMP" ] || [ "$DRIVER_DIR/package.json" -nt "$STAMP" ]; then
	echo "e2e/setup.sh: npm ci in $DRIVER_DIR" >&2
	npm ci --prefix "$DRIVER_DIR" --no-audit --no-fund
	touch "$STAMP" # npm ci may keep old mtimes; make the stamp newer than the lockfile
fi

# 3. The layout playwright-go expects: <dir>/package/cli.js and <dir>/node.
link() { # link TARGET NAME: (re)create only when different, refuse to clobber real files
	local target="$1" name="$2"
	if [ -L "$name" ]; then
		[ "$(readlink "$name")" = "$target" ] && return 0
		rm -f "$name"
	elif [ -e "$name" ]; then
		die "$name exists and is not a symlink; remove it and re-run"
	fi
	ln -s "$target" "$name"
}
link node_modules/playwright-core "$DRIVER_DIR/package"
link "$NODE" "$DRIVER_DIR/node"

[ -f "$DRIVER_DIR/package/cli.js" ] || die "$DRIVER_DIR/package/cli.js is missing after setup"
