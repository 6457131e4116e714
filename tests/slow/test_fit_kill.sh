#!/bin/sh
# Random kill loop for `truce fit` (make check-slow): start a small fit, kill -9 it at a
# random moment, start the same command again, ... until one run finishes; its posterior.csv
# must be the bytes of an uninterrupted fit, and no temporary may be left. KILLS attempts at
# most (default 12), delays uniform in [0, 4) s. About a minute on two shared cores.
#   KILLS=12 KILL_SEED=N sh tests/slow/test_fit_kill.sh
set -u
T=${TRUCE:?}
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
KILLS=${KILLS:-12}
SEED=${KILL_SEED:-$(date +%s)}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
cd "$W"
echo "# kill seed $SEED (KILL_SEED=$SEED reproduces the delays)"
ARGS="--to 2012-12 --estimate attack_rate,lethal_share,init_militants --sims 900 --particles 50 --batch 16 --seed 5 --threads 2 -q"
$T fit $ARGS --out ref || { no "uninterrupted fit"; exit 1; }
kills=0 done=0
for i in $(seq "$KILLS"); do
    d=$(awk -v s="$SEED" -v i="$i" 'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * 4 }')
    $T fit $ARGS --out k & pid=$!
    sleep "$d"
    if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
    wait $pid 2>/dev/null
done
$T fit $ARGS --out k; rc=$?
echo "# $kills kills landed during a fit"
if [ $rc -eq 0 ] && cmp -s ref/posterior.csv k/posterior.csv; then ok "after $kills kill -9s, the same posterior.csv bytes"; else no "posterior.csv after kills"; fi
if ls -A k | grep -q 'truce-tmp'; then no "temporaries left in the output folder"; else ok "no temporary left"; fi
exit $fail
