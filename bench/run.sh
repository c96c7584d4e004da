#!/usr/bin/env bash
# make bench: generate MobileApps folders, measure mobisess against its floors in one process (bench/floor), run
# mobisess and the peer validators side by side (hyperfine; peak RSS with /usr/bin/time), and write the tables.
#
#   BENCH_SIZES=1k,10k,100k   sizes to run (a k suffix multiplies by 1000); default 1k,10k,100k
#   BENCH_QUICK=1             smoke run: 1k unless BENCH_SIZES says otherwise, 2 runs of everything
#   BENCH_SEED=1              the generator's seed
#   BENCH_OUT=FILE            where the tables go; default BENCHMARKS.md for the full default run,
#                             bench/out/BENCHMARKS.md otherwise, so that a partial run never replaces the table
#   BENCH_CONSOLE=0           skip the console's edit series (bench/console), the longest step at 100k
#
# When 100k is among the sizes, mobisess also checks a zip of 200,000 tiny entries (bench/gen -tiny), under the
# default entry limit, timed and with its peak RSS.
#
# Then bench/browser times the wasm engine in Chromium (through the console) and in Node against native, on the
# 10k zip (1k with BENCH_QUICK), and appends its section; when 100k is among the sizes, it also opens the 100k zip
# in the console (bench/browser -large). Last, bench/site measures the console as a static site (make site): its
# transfer size and the time to a usable console, cold and warm; then (bench/site -folder-sizes) a MobileApps
# folder given to its folder input beside the same folder's zip, at 1k and 10k (and 100k when among the sizes).
# Both need e2e/setup.sh (Chromium + the Playwright driver).
#
# Then bench/console drives the console through its edit series (save, accept, fix, set pending, refresh, language,
# a change on disk) in browser and server mode, at 1k and, when 100k is among the sizes, at 100k (1k only with
# BENCH_QUICK), and appends its section.
#
# Peers are installed into bench/peers/ and data and results go to bench/out/ (both ignored by git). A peer that
# cannot be installed or run is reported as "not available: why"; it never stops the run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
OUT=bench/out
RES=$OUT/results
BIN=$OUT/bin
PEERS=bench/peers
LOGS=$OUT/logs
SCHEMA=$REPO/core/session.schema.json

die() { echo "bench/run.sh: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

quick=${BENCH_QUICK:-}
[ "$quick" = 0 ] && quick=
sizes=${BENCH_SIZES:-}
if [ -z "$sizes" ]; then
	if [ -n "$quick" ]; then sizes=1k; else sizes=1k,10k,100k; fi
fi
seed=${BENCH_SEED:-1}
out_md=${BENCH_OUT:-}
if [ -z "$out_md" ]; then
	if [ -z "$quick" ] && [ "$sizes" = 1k,10k,100k ]; then out_md=BENCHMARKS.md; else out_md=$OUT/BENCHMARKS.md; fi
fi

# The command as the user typed it, for the table: the BENCH_ variables that were set, then make or bash.
cmdline=""
for v in BENCH_SIZES BENCH_QUICK BENCH_SEED BENCH_OUT BENCH_CONSOLE; do
	[ -n "${!v:-}" ] && cmdline+="$v=${!v} "
done
if [ -n "${MAKELEVEL:-}" ]; then cmdline+="make bench"; else cmdline+="bash bench/run.sh"; fi

procs=$(nproc)
started=$(date +%s)
rm -rf "$RES" "$LOGS"
mkdir -p "$RES" "$BIN" "$LOGS" "$PEERS/bin"

say "building mobisess and the bench tools"
go build -o "$BIN/mobisess" ./cmd/mobisess || die "cannot build mobisess"
for t in gen floor interleave report; do
	go build -o "$BIN/$t" "./bench/$t" || die "cannot build bench/$t"
done
command -v hyperfine >/dev/null || die "hyperfine is missing: apt-get install -y hyperfine"

# Peak RSS comes from GNU time. Debian's package is "time".
TIME=/usr/bin/time
if [ ! -x "$TIME" ] && [ "$(id -u)" -eq 0 ]; then
	say "installing GNU time from Debian"
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time; } >"$LOGS/apt.log" 2>&1
fi
[ -x "$TIME" ] || { say "no /usr/bin/time: peak RSS is not measured"; TIME=; }

# --- peers: installed once into bench/peers/, each checked by running it ---------------------------------------
: >"$RES/peers.tsv"
peer() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RES/peers.tsv"; } # id, version, "ok" or "not available: why"
last_line() { tail -n 1 "$1" 2>/dev/null | tr '\t' ' ' | cut -c1-160; }

NM=$PEERS/node_modules
npm_error=
if [ ! -f "$NM/ajv-cli/dist/index.js" ] || [ ! -f "$NM/ajv-formats/package.json" ] || [ ! -f "$NM/@sourcemeta/jsonschema/package.json" ]; then
	say "installing the npm peers into $PEERS"
	if ! command -v npm >/dev/null; then
		npm_error="npm is not installed"
	elif ! npm install --prefix "$PEERS" --no-audit --no-fund ajv-cli@5.0.0 ajv-formats@3.0.1 @sourcemeta/jsonschema@16.11.0 >"$LOGS/npm.log" 2>&1; then
		npm_error="npm install failed: $(last_line "$LOGS/npm.log")"
	fi
fi
npm_version() { node -p "require('./$NM/$1/package.json').version" 2>/dev/null; }

AJV=$REPO/$NM/ajv-cli/dist/index.js
if [ -n "$npm_error" ] && [ ! -f "$AJV" ]; then
	peer ajv "" "not available: $npm_error"
elif ! node "$AJV" help >"$LOGS/ajv-help.log" 2>&1; then
	peer ajv "" "not available: ajv-cli does not run: $(last_line "$LOGS/ajv-help.log")"
else
	peer ajv "ajv-cli $(npm_version ajv-cli), ajv $(npm_version ajv), ajv-formats $(npm_version ajv-formats)" ok
fi

# The npm package's bin is a Node script that spawns a native binary; the binary is called directly, so that
# no Node start-up is counted against it.
case "$(uname -m)" in
x86_64 | amd64) arch=x86_64 ;;
aarch64 | arm64) arch=arm64 ;;
*) arch=$(uname -m) ;;
esac
SM=$REPO/$NM/@sourcemeta/jsonschema/build/github-releases/jsonschema-linux-$arch
if [ ! -x "$SM" ]; then
	peer sourcemeta "" "not available: ${npm_error:-no native binary for linux-$arch in the npm package}"
elif ! "$SM" version >"$LOGS/sourcemeta-version.log" 2>&1; then
	peer sourcemeta "" "not available: the binary does not run: $(last_line "$LOGS/sourcemeta-version.log")"
else
	peer sourcemeta "@sourcemeta/jsonschema $(npm_version @sourcemeta/jsonschema)" ok
fi

# jv v0.7.0: `go install …@latest` gives an ancient v1.2.4, so build the tagged module from the module cache.
JV=$REPO/$PEERS/bin/jv
if [ ! -x "$JV" ]; then
	say "building jv v0.7.0 into $PEERS/bin"
	jv_dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json github.com/santhosh-tekuri/jsonschema/cmd/jv@v0.7.0 2>"$REPO/$LOGS/jv.log" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
	if [ -z "$jv_dir" ]; then
		echo "go mod download failed" >>"$LOGS/jv.log"
	else
		(cd "$jv_dir" && go build -o "$JV" .) >>"$LOGS/jv.log" 2>&1
	fi
fi
if [ -x "$JV" ] && "$JV" --version >"$LOGS/jv-version.log" 2>&1; then
	peer jv "jv v0.7.0 ($(grep -o 'jsonschema/v6 v[0-9.]*' "$LOGS/jv-version.log" | cut -d' ' -f2 | sed 's/^/jsonschema\/v6 /'))" ok
else
	peer jv "" "not available: cannot build jv v0.7.0: $(last_line "$LOGS/jv.log")"
fi
peer_ok() { grep -q "^$1	.*	ok\$" "$RES/peers.tsv"; }

# --- machine facts ---------------------------------------------------------------------------------------------
{
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'command\t%s\n' "$cmdline"
	printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	printf 'cores\t%s\n' "$procs"
	printf 'memory\t%s\n' "$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	printf 'os\t%s\n' "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), Linux $(uname -r)"
	printf 'filesystem\t%s\n' "$(df -T "$OUT" | awk 'NR==2 {print $2}')"
	printf 'go\t%s\n' "$(go env GOVERSION)"
	printf 'node\t%s\n' "$(node --version 2>/dev/null || echo none)"
	printf 'hyperfine\t%s\n' "$(hyperfine --version)"
	printf 'mobisess\t%s\n' "$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- core cmd 2>/dev/null || echo ' + uncommitted changes')"
	printf 'load at start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RES/machine.tsv"

# --- one size --------------------------------------------------------------------------------------------------
gen_stamp=$(cat bench/corpus/corpus.go bench/gen/main.go | sha256sum | cut -c1-16)

# dataset LABEL N: bench/out/data/LABEL, made again when the generator, the seed or N changed, or when an
# interrupted floor run left changed files behind.
dataset() {
	local dir=$OUT/data/$1 stamp="gen $gen_stamp seed $seed n $2"
	if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] && [ ! -e "$dir/floor.dirty" ]; then
		return 0
	fi
	say "generating $1 ($2 sessions)"
	rm -rf "$dir"
	"$BIN/gen" -n "$2" -seed "$seed" -out "$dir" >"$LOGS/gen-$1.log" || return 1
	echo "$stamp" >"$dir/stamp"
}

# count_verdict ID LOG: "files<TAB>invalid" as the tool reported them.
count_verdict() {
	local log=$2
	case $1 in
	mobisess-dir | mobisess-zip)
		printf '%s\t%s\n' "$(grep -oE '[0-9]+ session files' "$log" | tail -n 1 | cut -d' ' -f1)" \
			"$(grep -oE '[0-9]+ invalid' "$log" | tail -n 1 | cut -d' ' -f1)" ;;
	mobisess-*-json) # the summary comes last
		printf '%s\t%s\n' "$(grep -oE '"files": [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')" \
			"$(grep -oE '"errors": [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')" ;;
	mobisess-*-junit)
		printf '%s\t%s\n' "$(grep -oE '<testsuites [^>]* tests="[0-9]+"' "$log" | grep -oE '[0-9]+"$' | tr -d '"')" \
			"$(grep -oE '<testsuites [^>]* failures="[0-9]+"' "$log" | grep -oE '[0-9]+"$' | tr -d '"')" ;;
	mobisess-*-sarif) # one result per error; SARIF does not count the files
		printf '\t%s\n' "$(grep -c '"ruleId"' "$log")" ;;
	mobisess-*-github)
		printf '\t%s\n' "$(grep -c '^::error' "$log")" ;;
	floor-valid | floor-zip)
		printf '%s\t%s\n' "$(grep -oE '^[0-9]+ files' "$log" | cut -d' ' -f1)" "$(grep -oE '[0-9]+ not valid' "$log" | cut -d' ' -f1)" ;;
	floor-read)
		printf '%s\t\n' "$(grep -oE '^[0-9]+ files' "$log" | cut -d' ' -f1)" ;;
	ajv)
		printf '%s\t%s\n' "$(grep -cE ' (valid|invalid)$' "$log")" "$(grep -c ' invalid$' "$log")" ;;
	jv)
		printf '%s\t%s\n' "$(grep -cE '^instance .*: (ok|failed)$' "$log")" "$(grep -c '^instance .*: failed$' "$log")" ;;
	sourcemeta) # from each batch's summary line (its verdict run takes the batches one at a time: run at once, their
		# lines mixed, and a summary could be cut in two)
		printf '%s\t%s\n' "$(grep -oE '[0-9]+ validated' "$log" | awk '{s+=$1} END {print s+0}')" \
			"$(grep -oE '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')" ;;
	esac
}

# verdict LABEL ID COMMAND: one untimed run, its output kept (for the verdict), its exit code and peak RSS taken.
verdict() {
	local label=$1 id=$2 cmd=$3 dir=$RES/$1
	if [ -n "$TIME" ]; then
		"$TIME" -f '%M' -o "$dir/$id.rss" bash -c "$cmd" >"$LOGS/$label-$id.out" 2>&1
	else
		bash -c "$cmd" >"$LOGS/$label-$id.out" 2>&1
	fi
	echo $? >"$dir/$id.exit"
	count_verdict "$id" "$LOGS/$label-$id.out" >"$dir/$id.verdict"
}

# tool LABEL ID RUNS DESCRIPTION COMMAND [VERDICT_COMMAND]: one verdict run (with VERDICT_COMMAND when given; it
# also warms the cache), then RUNS timed runs of COMMAND under hyperfine. Exit codes are not failures: finding
# errors is the job.
tool() {
	local label=$1 id=$2 runs=$3 desc=$4 cmd=$5 verdict_cmd=${6:-$5} dir=$RES/$1
	say "$label: $id"
	printf '%s\t%s\t%s\n' "$id" "$desc" "$cmd" >>"$dir/tools.tsv"
	verdict "$label" "$id" "$verdict_cmd"
	hyperfine --style basic -i --runs "$runs" --export-json "$dir/$id.json" --command-name "$id" "$cmd" \
		>>"$LOGS/hyperfine-$label.log" 2>&1 || echo "hyperfine failed" >"$dir/$id.error"
}

# size_n LABEL: the number of sessions of a size (a k suffix multiplies by 1000).
size_n() {
	local n
	case $1 in
	*k) n=${1%k}000 ;;
	*) n=$1 ;;
	esac
	[[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || die "bad size $1 in BENCH_SIZES"
	echo $((10#$n))
}

run_size() {
	local label=$1 n runs rounds batch data
	n=$(size_n "$label") || exit 1
	if [ -n "$quick" ]; then
		runs=2 rounds=2
	elif [ "$n" -le 1000 ]; then
		runs=10 rounds=15
	elif [ "$n" -le 10000 ]; then
		runs=5 rounds=9
	else
		runs=3 rounds=5
	fi
	# mobisess and its floors, whose ratios are targets, get more runs than the peers: on a shared machine a
	# burst of another tenant's load moves a median of three.
	local own_runs=$runs
	[ -z "$quick" ] && [ "$runs" -lt 5 ] && own_runs=5
	mkdir -p "$RES/$label"
	dataset "$label" "$n" || die "cannot generate $label"
	data=$REPO/$OUT/data/$label
	cp "$data/summary.json" "$RES/$label/data.json"
	printf 'runs\t%s\nown runs\t%s\nrounds\t%s\n' "$runs" "$own_runs" "$rounds" >"$RES/$label/settings.tsv"

	say "$label: in-process phases, $rounds rounds"
	"$BIN/floor" run -root "$data/MobileApps" -zip "$data/MobileApps.zip" -rounds "$rounds" -out "$RES/$label/floor.json" \
		2>"$LOGS/floor-$label.log" || say "$label: bench/floor failed: $(last_line "$LOGS/floor-$label.log")"

	local check="$REPO/$BIN/mobisess check --lang en"
	tool "$label" floor-read "$own_runs" "\`floor read\`: list the app folders, read every file (open, fstat, one read, close: the fewest system calls, as mobisess); $procs workers" \
		"$REPO/$BIN/floor read -root $data/MobileApps"
	tool "$label" floor-valid "$own_runs" "\`floor valid\`: the same plus \`json.Valid\` on each file" \
		"$REPO/$BIN/floor valid -root $data/MobileApps"
	tool "$label" floor-zip "$own_runs" "\`floor zip\`: read the zip, inflate every entry (one reused inflater per worker, size and CRC-32 checked) and \`json.Valid\` it; $procs workers" \
		"$REPO/$BIN/floor zip -zip $data/MobileApps.zip"
	tool "$label" mobisess-dir "$own_runs" "\`mobisess check --lang en DIR\`, text report to /dev/null" "$check $data/MobileApps"
	tool "$label" mobisess-dir-json "$own_runs" "\`mobisess check --lang en --format json DIR\`, report to /dev/null" \
		"$check --format json $data/MobileApps"
	tool "$label" mobisess-dir-sarif "$own_runs" "\`mobisess check --lang en --format sarif DIR\`, report to /dev/null" \
		"$check --format sarif $data/MobileApps"
	tool "$label" mobisess-zip "$own_runs" "\`mobisess check --lang en DIR.zip\` (zip without directory entries)" "$check $data/MobileApps.zip"
	tool "$label" mobisess-zip-json "$own_runs" "\`mobisess check --lang en --format json DIR.zip\`" "$check --format json $data/MobileApps.zip"
	# The targets' two sides again, interleaved round by round (bench/interleave says why): the targets table
	# divides these.
	say "$label: the targets' processes, interleaved, $((own_runs + 2)) rounds"
	"$BIN/interleave" -rounds $((own_runs + 2)) -out "$RES/$label/interleaved.json" \
		"floor-valid=$REPO/$BIN/floor valid -root $data/MobileApps" \
		"mobisess-dir=$check $data/MobileApps" \
		"mobisess-dir-json=$check --format json $data/MobileApps" \
		"mobisess-dir-sarif=$check --format sarif $data/MobileApps" \
		"floor-zip=$REPO/$BIN/floor zip -zip $data/MobileApps.zip" \
		"mobisess-zip=$check $data/MobileApps.zip" \
		"mobisess-zip-json=$check --format json $data/MobileApps.zip" \
		2>"$LOGS/interleave-$label.log" || say "$label: bench/interleave failed: $(last_line "$LOGS/interleave-$label.log")"

	# Peak RSS of the formats not timed above: one untimed run each.
	local f
	for f in junit github; do
		verdict "$label" "mobisess-dir-$f" "$check --format $f $data/MobileApps"
	done
	for f in sarif junit github; do
		verdict "$label" "mobisess-zip-$f" "$check --format $f $data/MobileApps.zip"
	done

	# The peers validate file lists: $procs xargs batches in parallel (the cores mobisess uses), at most 10000
	# files per process (argv limits), from the peers/ folder so that names are short.
	local peers_n
	peers_n=$(wc -l <"$data/peers.list")
	batch=$(((peers_n + procs - 1) / procs))
	[ "$batch" -gt 10000 ] && batch=10000
	local xargs="cd $data/peers && tr '\\n' '\\0' <../peers.list | xargs -0 -P $procs -n $batch -s 1500000"
	if peer_ok ajv; then
		tool "$label" ajv "$runs" "\`ajv validate --spec=draft7 -c ajv-formats -s SCHEMA -d F1 -d F2 …\` in batches" \
			"$xargs $REPO/bench/ajv-files.sh $AJV $SCHEMA"
	fi
	if peer_ok jv; then
		tool "$label" jv "$runs" "\`jv SCHEMA F1 F2 …\` in batches" "$xargs $JV $SCHEMA"
	fi
	if peer_ok sourcemeta; then
		tool "$label" sourcemeta "$runs" "\`jsonschema validate --continue SCHEMA F1 F2 …\` (native binary) in batches" \
			"$xargs $SM validate --continue $SCHEMA" "${xargs/-P $procs/-P 1} $SM validate --continue $SCHEMA"
	fi
	printf 'batch\t%s\n' "$batch" >>"$RES/$label/settings.tsv"
}

# The zip of 200,000 tiny entries (bench/gen -tiny): the entry limit is 250,000, so it must be checked, within
# 512 MiB.
run_tiny() {
	local label=tiny200k n=200000 dir=$OUT/data/tiny200k stamp
	stamp="gen $gen_stamp tiny n $n"
	mkdir -p "$RES/$label"
	if [ ! -f "$dir/stamp" ] || [ "$(cat "$dir/stamp")" != "$stamp" ]; then
		say "generating $label"
		rm -rf "$dir"
		if ! "$BIN/gen" -tiny -n "$n" -out "$dir" >"$LOGS/gen-$label.log" 2>&1; then
			echo "not available: bench/gen -tiny failed: $(last_line "$LOGS/gen-$label.log")" >"$RES/$label/error"
			return
		fi
		echo "$stamp" >"$dir/stamp"
	fi
	printf 'entries\t%s\nzip bytes\t%s\nruns\t3\n' "$n" "$(stat -c %s "$dir/MobileApps.zip")" >"$RES/$label/settings.tsv"
	local check="$REPO/$BIN/mobisess check --lang en" zip=$REPO/$dir/MobileApps.zip
	tool "$label" mobisess-zip 3 "\`mobisess check --lang en DIR.zip\`, text report to /dev/null" "$check $zip"
	tool "$label" mobisess-zip-json 3 "\`mobisess check --lang en --format json DIR.zip\`" "$check --format json $zip"
}

IFS=, read -r -a size_list <<<"$sizes"
has_100k=
for s in "${size_list[@]}"; do
	run_size "$s"
	[ "$(size_n "$s")" = 100000 ] && has_100k=$s
done
if [ -n "$has_100k" ]; then
	run_tiny
fi

printf 'seconds\t%s\n' "$(($(date +%s) - started))" >>"$RES/machine.tsv"
printf 'load at end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES/machine.tsv"
"$BIN/report" -results "$RES" -sizes "$sizes" -repo "$REPO" -out "$out_md" || die "cannot write $out_md"

# --- the engine in the browser: wasm in Chromium (through the console) and in Node, against native ---------------
# On the 10k zip (1k in BENCH_QUICK mode); then, when 100k is among the sizes, the console on the 100k zip
# (bench/browser -large). A failure is reported in the section; it never stops the run.
browser_ready() {
	local web=$OUT/web
	mkdir -p "$web"
	if ! GOOS=js GOARCH=wasm go build -ldflags='-s -w' -o "$web/mobisess.wasm" ./wasm >"$LOGS/browser-wasm.log" 2>&1; then
		echo "cannot build the wasm: $(last_line "$LOGS/browser-wasm.log")"
	elif ! cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$web/" 2>>"$LOGS/browser-wasm.log"; then
		echo "cannot copy wasm_exec.js: $(last_line "$LOGS/browser-wasm.log")"
	elif ! go build -o "$BIN/browser" ./bench/browser >"$LOGS/browser-build.log" 2>&1; then
		echo "cannot build bench/browser: $(last_line "$LOGS/browser-build.log")"
	fi
}

# browser_run TITLE LOG LABEL ARGS…: bench/browser on the LABEL zip, its section appended, or TITLE and why not.
browser_run() {
	local title=$1 log=$2 label=$3 why=
	shift 3
	if [ -n "$browser_why" ]; then
		why=$browser_why
	elif ! dataset "$label" "$(size_n "$label")"; then
		why="cannot generate the $label data"
	elif ! "$BIN/browser" -zip "$OUT/data/$label/MobileApps.zip" -wasm-dir "$OUT/web" "$@" >"$RES/$log.md" 2>"$LOGS/$log.log"; then
		why=$(last_line "$LOGS/$log.log")
	fi
	if [ -z "$why" ]; then
		printf '\n' >>"$out_md"
		cat "$RES/$log.md" >>"$out_md"
	else
		say "$log: not available: $why"
		printf '\n%s\n\nnot available: %s\n' "$title" "${why:-unknown error}" >>"$out_md"
	fi
}

say "the engine in the browser"
browser_why=$(browser_ready)
if [ -n "$quick" ]; then
	browser_run "## The engine in the browser" browser 1k -runs 2
else
	browser_run "## The engine in the browser" browser 10k -runs 7
fi
if [ -n "$has_100k" ]; then
	say "the console on the 100k zip"
	browser_run "### The console on a 100k-session zip (Chromium)" browser-large "$has_100k" -large -runs 3
fi

# append_section TITLE WHY FILE: FILE appended to the tables when WHY is empty, else TITLE and why not.
append_section() {
	if [ -z "$2" ]; then
		printf '\n' >>"$out_md"
		cat "$3" >>"$out_md"
	else
		say "${1#* }: not available: $2"
		printf '\n%s\n\nnot available: %s\n' "$1" "$2" >>"$out_md"
	fi
}

# --- the console as a static site: its transfer size, and the time to a usable console cold and warm --------------
# brotli measures what hosts that precompress serve; Debian's package is "brotli". A failure is reported in the
# section; it never stops the run.
say "the console as a static site"
if ! command -v brotli >/dev/null && [ "$(id -u)" -eq 0 ]; then
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends brotli; } >"$LOGS/apt-brotli.log" 2>&1
fi
site_why=$browser_why
site_runs=7
[ -n "$quick" ] && site_runs=2
if [ -z "$site_why" ] && ! go run ./internal/cmd/site -wasm-dir "$OUT/web" -out "$OUT/site" >"$LOGS/site-build.log" 2>&1; then
	site_why="cannot build the site: $(last_line "$LOGS/site-build.log")"
fi
if [ -z "$site_why" ] && ! go run ./bench/site -site "$OUT/site" -runs "$site_runs" >"$RES/site.md" 2>"$LOGS/site.log"; then
	site_why=$(last_line "$LOGS/site.log")
fi
append_section "## The console as a static site" "$site_why" "$RES/site.md"

# --- a folder beside its zip on the static site: each given to its input, the time to rows and the renderer's peak -
# 1k and 10k (1k with BENCH_QUICK), and 100k when it is among the sizes. A failure is reported in the subsection;
# it never stops the run.
say "a folder beside its zip on the static site"
folder_sizes=1k,10k folder_runs=5
[ -n "$quick" ] && folder_sizes=1k folder_runs=2
[ -n "$has_100k" ] && folder_sizes+=",$has_100k"
folder_why=$site_why
if [ -z "$folder_why" ]; then
	IFS=, read -r -a folder_list <<<"$folder_sizes"
	for s in "${folder_list[@]}"; do
		dataset "$s" "$(size_n "$s")" || folder_why="cannot generate the $s data"
	done
fi
if [ -z "$folder_why" ] && ! go run ./bench/site -site "$OUT/site" -folder-sizes "$folder_sizes" -data "$OUT/data" -runs "$folder_runs" \
	>"$RES/site-folder.md" 2>"$LOGS/site-folder.log"; then
	folder_why=$(last_line "$LOGS/site-folder.log")
fi
append_section "### A folder beside its zip (Chromium)" "$folder_why" "$RES/site-folder.md"

# --- the console at scale: its edit series in Chromium, browser and server mode (bench/console) ------------------
# The targets divide 100k by 1k. A failure is reported in the section; it never stops the run.
if [ "${BENCH_CONSOLE:-1}" = 0 ]; then
	say "the console at scale: skipped (BENCH_CONSOLE=0)"
else
	say "the console at scale (edit series)"
	console_args=(-sizes 1k -seed "$seed" -json "$RES/console.json")
	if [ -n "$quick" ]; then
		console_args+=(-reps 3 -idle 5s)
	elif [ -n "$has_100k" ]; then
		console_args=(-sizes "1k,$has_100k" "${console_args[@]:2}")
	fi
	if go build -o "$BIN/console" ./bench/console 2>"$LOGS/console.log" &&
		"$BIN/console" "${console_args[@]}" >"$RES/console.md" 2>"$LOGS/console.log"; then
		printf '\n' >>"$out_md"
		cat "$RES/console.md" >>"$out_md"
	else
		say "console: not available: $(last_line "$LOGS/console.log")"
		printf '\n## The console at scale (edit series)\n\nnot available: %s\n' "$(last_line "$LOGS/console.log")" >>"$out_md"
	fi
fi

# What the tables do not say: where the time and memory go, written by hand from profiles (bench/analysis.md).
printf '\n' >>"$out_md"
cat bench/analysis.md >>"$out_md"

say "wrote $out_md in $(($(date +%s) - started)) s"
