#!/bin/sh
# Benchmark `truce fit` on the default scenario (2002-2025, the shipped data): simulations
# per second of a fit on 1 and 2 threads (a fixed 3-parameter fit of FIT_SIMS simulations,
# default 1500, 200 particles; the posterior bytes must be the same) and their ratio, with
# the machine load. With FIT_100K=1 it also times a fit of 100,000 simulations (about 20 to
# 40 minutes on two shared cores: not run by default; without it the time is extrapolated
# from the 2-thread rate).   bench/fit.sh BUILD
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T="$ROOT/$BUILD/truce"
SIMS=${FIT_SIMS:-1500}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
ARGS="--estimate attack_rate,lethal_share,obs_rate_pips --sims $SIMS --particles 200 --seed 1 -q"
for t in 1 2; do
    python3 - "$T" "$t" $ARGS <<'PY' >"rate$t"
import json, subprocess, sys, time
t0 = time.monotonic()
subprocess.run([sys.argv[1], "fit", "--threads", sys.argv[2], "--out", "f" + sys.argv[2]] + sys.argv[3:], check=True)
wall = time.monotonic() - t0
sims = json.load(open("f" + sys.argv[2] + "/fit.json"))["simulations"]
print("%d %.3f %.2f" % (sims, wall, sims / wall))
PY
    read -r sims wall rate <"rate$t"
    echo "fit on $t thread(s): $sims simulations in $wall s: $rate simulations/s"
done
r1=$(cut -d' ' -f3 rate1); r2=$(cut -d' ' -f3 rate2)
awk -v a="$r1" -v b="$r2" 'BEGIN { printf "speed-up 2 threads / 1 thread: %.2f\n", b / a }'
if cmp -s f1/posterior.csv f2/posterior.csv; then echo "posterior.csv: the same bytes on 1 and 2 threads"
else echo "posterior.csv DIFFERS between 1 and 2 threads"; exit 1; fi
if [ "${FIT_100K:-0}" = 1 ]; then
    t0=$(date +%s)
    "$T" fit --sims 100000 --particles 1000 --threads 2 --out big -q || exit 1
    t1=$(date +%s)
    echo "fit of 100,000 simulations (screened default, 1000 particles, 2 threads): $((t1 - t0)) s, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    python3 -c "import json; j=json.load(open('big/fit.json')); print('  populations %d, simulations %d, stopped by %s' % (len(j['populations']), j['simulations'], j['stopped_by']))"
else
    awk -v b="$r2" 'BEGIN { printf "fit of 100,000 simulations: about %.0f s at the 2-thread rate (FIT_100K=1 runs it)\n", 100000 / b }'
fi
