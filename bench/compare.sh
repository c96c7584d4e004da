#!/usr/bin/env bash
# bench/compare.sh BEFORE [AFTER]: measure two commits of mobisess against each other in the same run, on the
# targets of BENCHMARKS.md, and print the table (bench/compare). AFTER defaults to the working tree.
#
#   COMPARE_N=100000      sessions generated (bench/gen -seed 1)
#   COMPARE_ROUNDS=9      bench/interleave rounds (each runs every command of both builds once)
#   COMPARE_FLOOR=2       bench/floor run processes per build, alternated (before, after, before, …)
#   COMPARE_FLOOR_ROUNDS=5  rounds of each bench/floor run
#   COMPARE_OUT=DIR       builds, data and results; default bench/out/compare (ignored by git)
#
# Both builds' processes run in the same rounds, side by side (bench/interleave rotates the order), so that the
# load of a shared machine falls on both; "after again" runs the after build a second time in each round, so that
# the spread of two identical builds is measured too. Peak RSS: one untimed run of each format under
# /usr/bin/time. The floors are the after build's bench/floor (the floors' code is the same in both).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
die() { echo "bench/compare.sh: $*" >&2; exit 1; }
say() { echo "compare: $*" >&2; }

[ $# -ge 1 ] || die "usage: bench/compare.sh BEFORE [AFTER]"
before=$1 after=${2:-}
n=${COMPARE_N:-100000}
rounds=${COMPARE_ROUNDS:-9}
floors=${COMPARE_FLOOR:-2}
floor_rounds=${COMPARE_FLOOR_ROUNDS:-5}
OUT=${COMPARE_OUT:-bench/out/compare}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RES=$OUT/results
rm -rf "$RES"
mkdir -p "$RES"

# build SIDE COMMIT: the commands of COMMIT (the working tree when empty) into OUT/SIDE/bin.
build() {
	local side=$1 commit=$2 src=$REPO
	if [ -n "$commit" ]; then
		src=$OUT/$side/src
		rm -rf "$src"
		mkdir -p "$src"
		git archive "$commit" | tar -x -C "$src" || die "cannot export $commit"
		git rev-parse --short "$commit" >"$RES/$side.commit"
	else
		echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core cmd || echo ' + uncommitted changes')" >"$RES/$side.commit"
	fi
	mkdir -p "$OUT/$side/bin"
	(cd "$src" && go build -o "$OUT/$side/bin/" ./cmd/mobisess ./bench/floor) || die "cannot build $side"
}
say "building $before and ${after:-the working tree}"
build before "$before"
build after "$after"
go build -o "$OUT/bin/" ./bench/gen ./bench/interleave ./bench/compare || die "cannot build the bench tools"

data=$OUT/data
stamp="gen $(cat bench/corpus/corpus.go bench/gen/main.go | sha256sum | cut -c1-16) seed 1 n $n"
if [ ! -f "$data/stamp" ] || [ "$(cat "$data/stamp")" != "$stamp" ] || [ -e "$data/floor.dirty" ]; then
	say "generating $n sessions"
	rm -rf "$data"
	"$OUT/bin/gen" -n "$n" -seed 1 -out "$data" >/dev/null || die "cannot generate the data"
	echo "$stamp" >"$data/stamp"
fi
dir=$data/MobileApps zip=$data/MobileApps.zip
B=$OUT/before/bin/mobisess A=$OUT/after/bin/mobisess F=$OUT/after/bin/floor

printf 'date\t%s\nload at start\t%s\nrounds\t%s\nsessions\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$rounds" "$n" >"$RES/machine.tsv"

say "interleaved processes, $rounds rounds"
args=("floor-read=$F read -root $dir" "floor-valid=$F valid -root $dir" "floor-zip=$F zip -zip $zip")
for side in before after; do
	m=$B
	[ "$side" = after ] && m=$A
	args+=("$side check DIR=$m check --lang en $dir"
		"$side check --format json DIR=$m check --lang en --format json $dir"
		"$side check --format sarif DIR=$m check --lang en --format sarif $dir"
		"$side check DIR.zip=$m check --lang en $zip"
		"$side check --format json DIR.zip=$m check --lang en --format json $zip"
		"$side refresh DIR DIR=$m refresh --lang en $dir $dir")
done
args+=("after again check DIR=$A check --lang en $dir")
# Each side's commands next to each other, so that a round runs a target's before and after seconds apart.
paired=("${args[@]:0:3}")
for k in 0 1 2 3 4 5; do
	paired+=("${args[3 + k]}" "${args[9 + k]}")
done
paired+=("${args[15]}")
"$OUT/bin/interleave" -rounds "$rounds" -out "$RES/interleaved.json" "${paired[@]}" || die "bench/interleave failed"

say "peak RSS, one run of each format"
: >"$RES/rss.tsv"
for side in before after; do
	m=$B
	[ "$side" = after ] && m=$A
	for f in text json junit sarif github; do
		for in in "$dir" "$zip"; do
			kind=folder
			[ "$in" = "$zip" ] && kind=zip
			/usr/bin/time -f '%M' -o "$RES/rss.one" "$m" check --lang en --format "$f" "$in" >/dev/null 2>&1
			printf '%s\t%s\t%s\t%s\n' "$side" "$f" "$kind" "$(tail -n 1 "$RES/rss.one")" >>"$RES/rss.tsv"
		done
	done
done
rm -f "$RES/rss.one"

say "in-process phases (bench/floor run), $floors processes per build, $floor_rounds rounds each"
for i in $(seq "$floors"); do
	for side in before after; do
		"$OUT/$side/bin/floor" run -root "$dir" -zip "$zip" -rounds "$floor_rounds" -out "$RES/floor-$side-$i.json" ||
			die "bench/floor run ($side) failed"
	done
done
printf 'load at end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES/machine.tsv"
"$OUT/bin/compare" -results "$RES"
