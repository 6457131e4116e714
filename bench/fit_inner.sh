#!/bin/sh
# Benchmark the fit's inner loop (bench/bench_fit.c): one simulation as `truce fit` makes it
# (default scenario and shipped data: the run recording only what the summaries read, the
# observation models, the summaries), timed over a fixed batch of SIMS simulations (default
# 40) on 1 and 2 threads, REPEAT batches each (default 3, alternating), in one process,
# twice: with the scenario's parameters (the particle its calibration names) and with the
# shipped posterior's particles (run i: particle i), the spread a fit's late populations
# propose, whose runs cost more:
# simulations per second, their ratio, CPU milliseconds per simulation (the steadier figure
# on a shared machine), the machine load, and a checksum of every summary (the same build
# input gives the same checksum at any speed and thread count; an optimisation must leave
# it unchanged). With valgrind installed and CALLGRIND=1, also the instructions of one
# simulation (independent of the load: compare builds with it).   bench/fit_inner.sh BUILD
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIMS=${SIMS:-40}
REPEAT=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cc -std=c17 -D_POSIX_C_SOURCE=200809L -O2 -fopenmp -I"$ROOT/include" -I"$ROOT/src/base" -I"$ROOT/src/evidence" \
   -I"$ROOT/src/model" -I"$ROOT/src/infer" "$ROOT/bench/bench_fit.c" "$ROOT/$BUILD/libtruce.a" \
   -lyaml -lsqlite3 -lm -fopenmp -o "$work/bench_fit" || exit 1
"$work/bench_fit" "$SIMS" "$REPEAT" || exit 1
"$work/bench_fit" --posterior "$SIMS" "$REPEAT" || exit 1
if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
    valgrind --tool=callgrind --toggle-collect=fit_target_simulate --callgrind-out-file="$work/cg" \
        "$work/bench_fit" --once >"$work/once" 2>"$work/vg" || exit 1
    awk '/refs:/ {gsub(",", "", $NF); printf "  instructions of one simulation (callgrind): %.1f M\n", $NF / 1e6}' "$work/vg"
fi
