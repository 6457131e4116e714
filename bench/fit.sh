#!/bin/sh
# Benchmark `truce fit` on the default scenario (2002-2025, the shipped data): simulations
# per second of a fit on 1 and 2 threads (a fixed 3-parameter fit of FIT_SIMS simulations,
# default 1500, 200 particles; the posterior bytes must be the same) and their ratio, with
# the machine load; the share of model days early rejection saved, and the same fit on 1
# thread with --no-early-reject (CPU seconds of both, and the same posterior bytes). With FIT_100K=1 it also times a fit of 100,000 simulations with the
# shipped calibration's options (about 35 minutes on two idle cores: not run by default;
# without it the time is extrapolated from the 2-thread rate of the small fit, which is
# optimistic: a full fit's proposals cost more).   bench/fit.sh BUILD
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
for t in 1 2 w; do
    python3 - "$T" "$t" $ARGS <<'PY' >"rate$t"
import json, os, resource, subprocess, sys, time
threads = "1" if sys.argv[2] == "w" else sys.argv[2]
extra = ["--no-early-reject"] if sys.argv[2] == "w" else []
t0 = time.monotonic()
subprocess.run([sys.argv[1], "fit", "--threads", threads, "--out", "f" + sys.argv[2]] + sys.argv[3:] + extra, check=True)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
j = json.load(open("f" + sys.argv[2] + "/fit.json"))
print("%d %.3f %.2f %.2f %d %.4f" % (j["simulations"], wall, j["simulations"] / wall, ru.ru_utime + ru.ru_stime,
                                     j["simulations_stopped_early"], j["model_days_saved_fraction"]))
PY
    read -r sims wall rate cpu stopped saved <"rate$t"
    case $t in
    w) echo "fit on 1 thread, --no-early-reject: $sims simulations in $wall s ($cpu s CPU): $rate simulations/s" ;;
    *) echo "fit on $t thread(s): $sims simulations in $wall s ($cpu s CPU): $rate simulations/s;" \
            "$stopped stopped early, model days saved: $saved" ;;
    esac
done
c1=$(cut -d' ' -f4 rate1); cw=$(cut -d' ' -f4 ratew)
awk -v a="$c1" -v b="$cw" 'BEGIN { printf "early rejection, 1 thread: CPU %.1f s against %.1f s whole (%.0f %% less)\n", a, b, 100 * (1 - a / b) }'
if cmp -s f1/posterior.csv fw/posterior.csv; then echo "posterior.csv: the same bytes with --no-early-reject"
else echo "posterior.csv DIFFERS with --no-early-reject"; exit 1; fi
r1=$(cut -d' ' -f3 rate1); r2=$(cut -d' ' -f3 rate2)
awk -v a="$r1" -v b="$r2" 'BEGIN { printf "speed-up 2 threads / 1 thread: %.2f\n", b / a }'
if cmp -s f1/posterior.csv f2/posterior.csv; then echo "posterior.csv: the same bytes on 1 and 2 threads"
else echo "posterior.csv DIFFERS between 1 and 2 threads"; exit 1; fi
if [ "${FIT_100K:-0}" = 1 ]; then
    t0=$(date +%s)
    # the shipped calibration's options (scripts/calibrate.sh) with the budget at 100,000 and no
    # acceptance floor, so that the budget ends it
    "$T" fit --sims 100000 --particles 400 --screen-keep 8 --seed 1 --min-acceptance 0 --threads 2 \
        --out big -q || exit 1
    t1=$(date +%s)
    echo "fit of 100,000 simulations (the shipped calibration's options, 2 threads): $((t1 - t0)) s, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    python3 -c "
import json
j = json.load(open('big/fit.json'))
print('  populations %d, simulations %d (screening %d), stopped by %s, wall %.0f s' % (len(j['populations']),
      j['simulations'], j['screening_simulations'], j['stopped_by'], j['wall_seconds']))
for p in j['populations']:
    print('  population %2d: %6d simulations in %7.1f s, %5.1f /s' % (p['population'], p['simulations'], p['seconds'],
          p['simulations'] / p['seconds']))"
else
    awk -v b="$r2" 'BEGIN { printf "fit of 100,000 simulations: at least %.0f s at this fit'"'"'s 2-thread rate (a full fit'"'"'s proposals cost more; FIT_100K=1 runs one)\n", 100000 / b }'
fi
