#!/usr/bin/env bash
# ajv-cli takes each data file after its own -d: bench/run.sh hands it batches of files through xargs.
# Usage: ajv-files.sh AJV_CLI_JS SCHEMA FILE...
set -euo pipefail
cli=$1 schema=$2
shift 2
args=()
for f in "$@"; do args+=(-d "$f"); done
exec node "$cli" validate --spec=draft7 -c ajv-formats -s "$schema" "${args[@]}"
