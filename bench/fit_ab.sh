#!/bin/sh
# Compare the fit's inner loop (bench/bench_fit.c) of two builds in one run: the library at
# commit BASE (built in a temporary worktree) and the working tree's BUILD folder. The two
# bench programs run alternately, ROUNDS times each (default 8) on batches of SIMS
# simulations (default 30) on one thread, so a change of load touches both alike; prints
# each one's CPU milliseconds per simulation (median and best), the ratio of the medians,
# the machine load, and whether the summaries' checksums agree (an optimisation that keeps
# every number must print "same"). With --posterior, run i uses the shipped posterior's
# particle i (bench_fit.c). With valgrind installed and CALLGRIND=1, also the instructions
# of one simulation of each (independent of the load).
#   bench/fit_ab.sh BASE [BUILD] [--posterior]
set -u
BASE=${1:?usage: bench/fit_ab.sh BASE [BUILD] [--posterior]}
BUILD=${2:-build}
MODE=${3:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIMS=${SIMS:-30}
ROUNDS=${ROUNDS:-8}
work=$(mktemp -d)
cleanup() {
    git -C "$ROOT" worktree remove --force "$work/base" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
git -C "$ROOT" worktree add -q --detach "$work/base" "$BASE" || exit 1
# the embedded uPlot from the working tree's node_modules (no npm ci), newer than the lockfile
if [ -d "$ROOT/node_modules/uplot" ]; then
    mkdir -p "$work/base/node_modules"
    cp -R "$ROOT/node_modules/uplot" "$work/base/node_modules/"
    touch "$work/base/node_modules/uplot/dist/uPlot.iife.min.js" "$work/base/node_modules/uplot/dist/uPlot.min.css"
fi
echo "building the library at $BASE ..." >&2
make -C "$work/base" -s -j2 build/libtruce.a >"$work/base.log" 2>&1 || { cat "$work/base.log" >&2; exit 1; }
compile() {  # ROOT_OF_SOURCES LIBRARY OUTPUT
    cc -std=c17 -D_POSIX_C_SOURCE=200809L -O2 -fopenmp -I"$1/include" -I"$1/src/base" -I"$1/src/evidence" \
       -I"$1/src/model" -I"$1/src/infer" "$ROOT/bench/bench_fit.c" "$2" -lyaml -lsqlite3 -lm -fopenmp -o "$3"
}
compile "$work/base" "$work/base/build/libtruce.a" "$work/bench_base" || exit 1
compile "$ROOT" "$ROOT/$BUILD/libtruce.a" "$work/bench_new" || exit 1
load0=$(cut -d' ' -f1-3 /proc/loadavg)
i=0
while [ "$i" -lt "$ROUNDS" ]; do
    for b in base new; do
        "$work/bench_$b" $MODE "$SIMS" 1 >"$work/out" || exit 1
        sed -n 's/.*CPU time \([0-9.]*\) ms.*/\1/p' "$work/out" >>"$work/$b.ms"
        sed -n 's/.*checksum \([0-9a-f]*\) (1 thread).*/\1/p' "$work/out" >"$work/$b.sum"
    done
    i=$((i + 1))
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
stats() { sort -n "$1" | awk '{v[NR] = $1} END {printf "%.1f %.1f", v[int((NR + 1) / 2)], v[1]}'; }
set -- $(stats "$work/base.ms") $(stats "$work/new.ms")
echo "fit inner loop, one thread, $ROUNDS alternating batches of $SIMS simulations${MODE:+ ($MODE)}:"
echo "  base ($BASE): CPU $1 ms per simulation (median; best $2)"
echo "  new  ($BUILD): CPU $3 ms per simulation (median; best $4)"
awk -v a="$1" -v b="$3" 'BEGIN {printf "  speed new / base: %.3f (median CPU time base / new)\n", a / b}'
if cmp -s "$work/base.sum" "$work/new.sum"; then echo "  summaries checksum: same ($(cat "$work/new.sum"))"
else echo "  summaries checksum: DIFFERENT (base $(cat "$work/base.sum"), new $(cat "$work/new.sum"))"; fi
echo "  load (/proc/loadavg) at start: $load0; at end: $load1"
if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
    for b in base new; do
        valgrind --tool=callgrind --toggle-collect=fit_target_simulate --callgrind-out-file="$work/cg_$b" \
            "$work/bench_$b" $MODE --once >/dev/null 2>"$work/vg_$b" || exit 1
        awk -v b="$b" '/refs:/ {gsub(",", "", $NF); printf "  instructions of one simulation, %s (callgrind): %.1f M\n", b, $NF / 1e6}' "$work/vg_$b"
    done
fi
