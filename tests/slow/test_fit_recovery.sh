#!/bin/sh
# Recovery of four known parameters (make check-slow; the short version is in
# tests/cli/test_fit.sh): `truce run --observe` through 2019 at values away from the
# defaults, then a fit of 300 particles and 8000 simulations. Each true value must lie in
# its 90 % interval and each posterior must be narrower than its prior (contraction in z
# > 0). Prints the intervals. A few minutes on two shared cores.
set -u
T=${TRUCE:?}
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
cd "$W"
TRUTH="attack_rate=0.00015 lethal_share=0.4 obs_rate_pips=1.3 excitation_branching=0.3"
SETS=""; NAMES=""
for pv in $TRUTH; do SETS="$SETS --set $pv"; NAMES="$NAMES${NAMES:+,}${pv%=*}"; done
$T run --to 2019-12 $SETS --observe --out syn --quiet || exit 1
$T fit --to 2019-12 --data syn/observed.csv --estimate "$NAMES" --particles 300 --sims 8000 --threads 2 --out rec -q || { echo "not ok - recovery fit"; exit 1; }
for pv in $TRUTH; do
  p=${pv%=*} v=${pv#*=}
  if python3 -c "
import json, sys
for q in json.load(open('rec/fit.json'))['parameters']:
    if q['name'] == '$p':
        print('# %s = %s: q05 %.4g q50 %.4g q95 %.4g contraction %.3f' % ('$p', '$v', q['q05'], q['q50'], q['q95'], q['contraction']))
        sys.exit(not (q['q05'] <= $v <= q['q95'] and q['contraction'] > 0))
sys.exit(1)"; then echo "ok - recovery of $p"; else echo "not ok - recovery of $p"; fail=1; fi
done
exit $fail
