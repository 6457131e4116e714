#!/bin/sh
# Simulation-based calibration of `truce fit` (Talts et al. 2018; docs/validate.md, "sbc"):
# REPS (default 100) replications on three parameters, each fitted to reports simulated at
# parameters drawn from the prior, on the scenario shortened to 2002-2010 (--to 2010: the
# budget needs it; the data that fall inside are the PIPS 2009 year and months). Asserts, per
# parameter, that the rank histogram is uniform (chi-square p > 0.01) and that the central 50 %
# and 90 % credible intervals cover theta* within +-10 percentage points of nominal.
# About 20 minutes on two shared cores (100 fits of 640 simulations), so `make check-slow`.
#   REPS=100 SBC_SIMS=640 SBC_PARTICLES=64 SBC_THREADS=0 sh tests/slow/test_sbc.sh
set -u
T=${TRUCE:?}
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
REPS=${REPS:-100}
SIMS=${SBC_SIMS:-640}
PARTICLES=${SBC_PARTICLES:-64}
THREADS=${SBC_THREADS:-0}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
cd "$W"
$T validate sbc --estimate obs_rate_pips,attack_rate,obs_dispersion_pips --reps "$REPS" --sims "$SIMS" \
  --particles "$PARTICLES" --to 2010 --threads "$THREADS" --out sbc -q; rc=$?
if [ $rc -ne 0 ] || [ ! -s sbc/sbc_summary.csv ]; then no "truce validate sbc exits 0 (rc $rc)"; exit 1; fi
ok "truce validate sbc: $REPS replications, $SIMS simulations and $PARTICLES particles a fit"
sed 's/^/# /' sbc/sbc_summary.csv
grep -A5 histograms sbc/sbc.json | sed 's/^/# /'
while IFS=, read -r name reps chi2 df p c50 c90; do
  [ "$name" = parameter ] && continue
  if awk -v p="$p" 'BEGIN {exit !(p > 0.01)}'; then ok "$name: ranks uniform (chi-square $chi2 on $df df, p $p > 0.01)"
  else no "$name: ranks not uniform (chi-square $chi2 on $df df, p $p <= 0.01)"; fi
  if awk -v c="$c50" 'BEGIN {exit !(c >= 0.40 && c <= 0.60)}'; then ok "$name: 50 % intervals cover $c (0.40..0.60)"
  else no "$name: 50 % intervals cover $c, outside 0.40..0.60"; fi
  if awk -v c="$c90" 'BEGIN {exit !(c >= 0.80 && c <= 1.00)}'; then ok "$name: 90 % intervals cover $c (0.80..1.00)"
  else no "$name: 90 % intervals cover $c, outside 0.80..1.00"; fi
done < sbc/sbc_summary.csv
exit $fail
