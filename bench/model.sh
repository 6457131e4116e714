#!/bin/sh
# Benchmark the default scenario: in-process run time recording yearly, region-days per
# second, random draws per run and their raw cost, runs per second on 1 and 2 threads,
# memory per run and the machine load (bench/bench_model.c), then the wall time of the
# whole command `truce run --by year` with process start and output writing, REPEAT
# times (default 10; the machine is shared), best and median. Target: under 250 ms wall,
# goal under 100 ms.   bench/model.sh BUILD
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPEAT=${REPEAT:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cc -std=c17 -D_POSIX_C_SOURCE=200809L -O2 -fopenmp -I"$ROOT/include" -I"$ROOT/src/base" -I"$ROOT/src/evidence" -I"$ROOT/src/model" "$ROOT/bench/bench_model.c" \
   "$ROOT/$BUILD/libtruce.a" -lyaml -lsqlite3 -lm -fopenmp -o "$work/bench_model" || exit 1
"$work/bench_model" 30 || exit 1
cd "$work"
for i in $(seq "$REPEAT"); do
    python3 - "$ROOT/$BUILD/truce" <<'PY' >>"$work/walls"
import subprocess, sys, time
t = time.monotonic()
subprocess.run([sys.argv[1], "run", "--by", "year", "--out", "o", "-q"], check=True)
print("%.4f" % (time.monotonic() - t))
PY
done
sort -n "$work/walls" | awk '{a[NR]=$1} END {printf "truce run --by year (process start and output included): best %.0f ms, median %.0f ms over %d runs (target < 250 ms, goal < 100 ms)\n", a[1]*1000, a[int((NR+1)/2)]*1000, NR}'
