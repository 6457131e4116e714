#!/bin/sh
# truce fit (docs/fit.md): bad options exit 2 with a clear message; the same posterior.csv
# bytes on 1 and 2 threads and under `mpirun -np 2 build/truce-mpi fit`; kill -9 during a
# fit then the same command gives the bytes of an uninterrupted fit (fit.json records
# resumed_from_population); the run store is refused when it is a link, not a store, or a
# store of other options (unless --restart); the screened default; recovery of known
# parameters from `truce run --observe` data. Prints TAP lines; exits 1 if any check fails.
# About a minute on two idle cores (the fits are short: the horizon ends in 2010-2012, or in
# 2019 for the recovery).
set -u
T=${TRUCE:?}; B=${TRUCE_BUILD:?}
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
M="$B/truce-mpi"
case $M in /*) ;; *) M=$(pwd)/$M ;; esac
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
cd "$W"

# ---- usage -------------------------------------------------------------------------------
$T fit --help >help.txt; rc=$?
check "--help exits 0 and documents --sims and --particles" "[ $rc -eq 0 ] && grep -q -- '--sims N' help.txt && grep -q -- '--particles P' help.txt"
bad() {  # NAME EXPECTED-TEXT ARGS...
    name=$1 text=$2; shift 2
    badn=$((${badn:-0} + 1))
    $T fit "$@" --out bad$badn -q >bad.out 2>bad.err; rc=$?
    check "bad option $name: exit 2 naming it" "[ $rc -eq 2 ] && grep -q -- \"$text\" bad.err && [ ! -s bad.out ] && [ ! -e bad$badn/posterior.csv ]"
}
bad "--particles 1" "--particles" --particles 1
bad "--quantile 1.5" "--quantile" --quantile 1.5
bad "--sims 0" "--sims" --sims 0
bad "--kernel" "--kernel" --kernel gaussian
bad "--cutoff" "--cutoff" --cutoff 2020-13
bad "unknown parameter" "'nosuch' is not a parameter" --estimate nosuch --to 2010-12
bad "fixed parameter" "'severity_cap' is fixed" --estimate severity_cap --to 2010-12
bad "repeated parameter" "named twice" --estimate attack_rate,attack_rate --to 2010-12
bad "set and estimated" "both --set and --estimate" --estimate attack_rate --set attack_rate=0.0001 --to 2010-12
bad "missing data file" "nofile.csv" --data nofile.csv --to 2010-12
bad "unknown option" "unknown option" --simz 10
bad "budget below one population" "do not cover" --estimate attack_rate --particles 50 --sims 20 --to 2010-12
bad "budget below the screening" "screening" --sims 300 --to 2010-12
bad "no data in the horizon" "nothing to compare" --estimate attack_rate --to 2004-12

# ---- `truce events aggregate` output as data (docs/observations.md, "Event data") ---------
$T events aggregate --by month --country 770 "${TRUCE_ROOT:?}/data/ucdp_ged231_sample_pakistan_events.csv" --out agg.csv 2>/dev/null
$T fit --data agg.csv --estimate obs_rate_ucdp_ged,obs_dispersion_ucdp_ged --to 2012-12 --particles 20 \
  --batch 16 --sims 96 --threads 2 --out ev -q; rc=$?
# fit.json's inputs give the file's 64-bit FNV-1a hash (truce_file_hash), recomputed here
check "events aggregate output (UCDP GED, by month) fitted: exit 0, fit.json records the file and its hash" \
  "[ $rc -eq 0 ] && [ -s ev/posterior.csv ] && python3 -c \"
import json, sys
h = 1469598103934665603
for b in open('agg.csv', 'rb').read(): h = ((h ^ b) * 1099511628211) % 2**64
sys.exit(json.load(open('ev/fit.json'))['inputs'].get('agg.csv') != '%016x' % h)\""
# the sample has 30 months with events, 2 of them before 2002 (outside the horizon) and 26 after
# 2012: each month gives an `events` and a `deaths` row, all of a source with a model, at "Pakistan"
check "fit.json: 60 data rows, none without a reporting model, 28 outside the horizon" \
  "python3 -c \"import json,sys; j=json.load(open('ev/fit.json')); sys.exit(not (j['data_rows'] == 60 and j['data_rows_without_reporting_model'] == 0 and j['data_rows_outside_horizon_or_cutoff'] == 28 and [p['name'] for p in j['parameters']] == ['obs_rate_ucdp_ged', 'obs_dispersion_ucdp_ged']))\""
# by province: KP and Balochistan map to the scenario's geographies, the others (AJK, Sindh,
# Islamabad: 4 province-years, 8 rows) are counted out
$T events aggregate --by year --group adm_1 "${TRUCE_ROOT:?}/data/ucdp_ged231_sample_pakistan_events.csv" --out adm1.csv 2>/dev/null
$T fit --data adm1.csv --estimate obs_rate_ucdp_ged --to 2012-12 --particles 20 --batch 16 --sims 64 --threads 2 --out ev1 -q; rc=$?
check "events aggregate by adm_1: exit 0; AJK, Sindh and Islamabad rows counted out" \
  "[ $rc -eq 0 ] && python3 -c \"import json,sys; j=json.load(open('ev1/fit.json')); sys.exit(not (j['data_rows'] == 44 and j['data_rows_without_reporting_model'] == 8))\""
printf 'period,group,events,deaths\n2010-01,,3,x7\n' >bad1.csv
bad "event aggregate: a bad count names file:line:field" "bad1.csv:2: deaths" --data bad1.csv --to 2010-12
printf 'period,group,events,deaths\n2010-13,,3,7\n' >bad2.csv
bad "event aggregate: a bad period names file:line:field" "bad2.csv:2: period" --data bad2.csv --to 2010-12
printf 'period,dyad,type,events,deaths\n2010-01,A - B,1,3,7\n' >bad3.csv
bad "event aggregate grouped by dyad: refused at the header" "bad3.csv:1: header: column 'dyad'" --data bad3.csv --to 2010-12
printf 'period,group,events,deaths,deaths_a\n2010-01,,3,7,1\n' >bad4.csv
bad "event aggregate with part of UCDP's breakdown: refused" "bad4.csv:1: header" --data bad4.csv --to 2010-12
printf 'period,group,events,deaths\n2010-01,,3,7,1\n' >bad5.csv
bad "event aggregate: a row with an extra field" "bad5.csv:2: record" --data bad5.csv --to 2010-12

# ---- reproducibility: threads, processes -------------------------------------------------
SMALL="--to 2011-12 --estimate attack_rate,lethal_share,init_militants --sims 360 --particles 30 --batch 16 --seed 3 -q"
$T fit $SMALL --threads 1 --out t1; rc1=$?
$T fit $SMALL --threads 2 --out t2; rc2=$?
check "a small fit on 1 and 2 threads exits 0" "[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]"
check "posterior.csv: the same bytes on 1 and 2 threads" "cmp -s t1/posterior.csv t2/posterior.csv"
check "posterior.csv: header weight, then the estimated names (table order); 30 rows" \
  "[ \"\$(head -1 t1/posterior.csv)\" = 'weight,init_militants,attack_rate,lethal_share' ] && [ \$(wc -l < t1/posterior.csv) -eq 31 ]"
check "weights add up to 1" "awk -F, 'NR > 1 { s += \$1 } END { exit !(s > 0.999999 && s < 1.000001) }' t1/posterior.csv"
check "fit.json: populations, resumed_from_population 0, closest particle" \
  "python3 -c \"import json,sys; j=json.load(open('t1/fit.json')); sys.exit(not (len(j['populations']) >= 2 and j['resumed_from_population'] == 0 and len(j['populations']) >= 3 and 0 <= j['closest_particle']['index'] < 30 and j['simulations'] <= 360))\""

# the warning of a posterior that rests on few particles: printed (-q or not) exactly when
# the last population's effective sample size 1 / sum(w^2) is below a tenth of the particles
$T fit $SMALL --threads 2 --out tw 2>tw.err; rc=$?
ess=$(awk -F, 'NR > 1 { s += $1 * $1 } END { printf "%.6f", 1 / s }' tw/posterior.csv)
if awk -v e="$ess" 'BEGIN { exit !(e < 3) }'; then
  check "low effective sample size ($ess of 30): the warning names it" \
    "[ $rc -eq 0 ] && grep -q \"effective sample size is $(printf '%.1f' "$ess") of 30 particles\" tw.err"
else
  check "effective sample size $ess of 30 (not below 3): no warning" "[ $rc -eq 0 ] && ! grep -q 'effective sample size' tw.err"
fi

# early rejection (docs/fit.md): a proposal is stopped only when its distance is sure to
# exceed the tolerance, so without it (--no-early-reject, on 2 threads) the populations are
# the same: posterior.csv, the store's populations and pilot, and fit.json but for the
# timings, the command line and the early-rejection counts (which do not depend on threads)
$T fit $SMALL --threads 2 --no-early-reject --out t0; rc=$?
check "--no-early-reject: exit 0 and the same posterior.csv bytes" "[ $rc -eq 0 ] && cmp -s t0/posterior.csv t1/posterior.csv"
check "--no-early-reject: the same store (populations, pilot, meta) and fit.json but timings and counts" \
  "python3 - t0 t1 t2 <<'PY'
import json, sqlite3, sys
def store(d):
    c = sqlite3.connect('file:%s/fit.sqlite?mode=ro' % d, uri=True)
    p = c.execute('SELECT t, eps, sims, accepted, ess, n, dim, z, w, dist FROM population ORDER BY t').fetchall()
    m = c.execute('SELECT key, value FROM meta ORDER BY key').fetchall()
    return p, m
cnt = ('early_rejection', 'simulations_stopped_early', 'model_days', 'model_days_saved_fraction')
def fit(d):
    j = json.load(open(d + '/fit.json'))
    for k in ('command', 'wall_seconds') + cnt: j.pop(k)
    for p in j['populations']: p.pop('seconds')
    return j
w, e, e2 = (json.load(open(d + '/fit.json')) for d in sys.argv[1:4])
ok = store('t0') == store('t1') and len(store('t1')[0]) >= 3 and fit('t0') == fit('t1')
ok = ok and not w['early_rejection'] and w['simulations_stopped_early'] == 0 and w['model_days'] == w['model_days_whole']
ok = ok and e['early_rejection'] and e['simulations_stopped_early'] > 0 and 0 < e['model_days'] < e['model_days_whole']
ok = ok and e['model_days_whole'] == w['model_days_whole'] and all(e[k] == e2[k] for k in cnt)
sys.exit(not ok)
PY"

if command -v mpirun >/dev/null 2>&1 && [ -x "$M" ]; then
  export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
  ROOTOPT=""
  if [ "$(id -u)" -eq 0 ]; then
    ROOTOPT="--allow-run-as-root"
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" timeout 300 mpirun $ROOTOPT --oversubscribe -np 2 \
    "$M" fit $SMALL --threads 1 --out mp >mp.out 2>mp.err; rc=$?
  check "mpirun -np 2 truce-mpi fit: exit 0 and the same posterior.csv bytes" "[ $rc -eq 0 ] && cmp -s t1/posterior.csv mp/posterior.csv"
  # resumed under MPI: the other rank reads the store that rank 0 wrote
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" timeout 300 mpirun $ROOTOPT --oversubscribe -np 2 \
    "$M" fit $SMALL --threads 1 --max-populations 2 --out mr >/dev/null 2>&1 &&
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" timeout 300 mpirun $ROOTOPT --oversubscribe -np 2 \
    "$M" fit $SMALL --threads 1 --out mr >/dev/null 2>&1; rc=$?
  check "mpirun -np 2: stopped after 2 populations, resumed: the same bytes" \
    "[ $rc -eq 0 ] && cmp -s t1/posterior.csv mr/posterior.csv && grep -q '\"resumed_from_population\": 2' mr/fit.json"
elif [ "${TRUCE_NO_MPI:-0}" = 1 ]; then
  echo "ok - # SKIP MPI checks: this build has no MPI driver (make tsan builds none)"
else
  no "mpirun and $M present (scripts/install-deps.sh installs OpenMPI)"
fi

# ---- the run store: kill -9 and resume -----------------------------------------------------
pops() {  # complete populations in DIR/fit.sqlite (0 when none)
    python3 -c "
import sqlite3, sys
try:
    c = sqlite3.connect('file:$1/fit.sqlite?mode=ro', uri=True, timeout=5)
    print(c.execute('select count(*) from population').fetchone()[0])
except Exception:
    print(0)"
}
$T fit $SMALL --threads 2 --out k & pid=$!
n=0
while kill -0 $pid 2>/dev/null && [ "$(pops k)" -lt 2 ]; do sleep 0.1; done
kill -9 $pid 2>/dev/null; killed=$?; wait $pid 2>/dev/null
stored=$(pops k)
check "kill -9 landed during the fit, after $stored stored populations (no posterior yet)" \
  "[ $killed -eq 0 ] && [ $stored -ge 2 ] && [ ! -e k/posterior.csv ]"
$T fit $SMALL --threads 2 --out k; rc=$?
check "the same command resumes: exit 0, same posterior.csv bytes as uninterrupted" "[ $rc -eq 0 ] && cmp -s t1/posterior.csv k/posterior.csv"
check "fit.json records resumed_from_population = $stored" \
  "python3 -c \"import json,sys; sys.exit(json.load(open('k/fit.json'))['resumed_from_population'] != $stored)\""
$T fit $SMALL --out t1; rc=$?
check "rerun of a finished fit: resumes at its end, same bytes" "[ $rc -eq 0 ] && cmp -s t1/posterior.csv t2/posterior.csv"
$T fit $SMALL --seed 4 --out t1 2>other.err; rc=$?
check "another command on the store: exit 2, says --restart" "[ $rc -eq 2 ] && grep -q -- '--restart' other.err && cmp -s t1/posterior.csv t2/posterior.csv"
$T fit $SMALL --seed 4 --max-populations 1 --out t1 --restart; rc=$?
check "--restart: starts over (exit 0, another posterior)" "[ $rc -eq 0 ] && ! cmp -s t1/posterior.csv t2/posterior.csv"
mkdir ln nostore && ln -s ../elsewhere.sqlite ln/fit.sqlite && echo "not a database" > nostore/fit.sqlite
$T fit $SMALL --out ln 2>ln.err; rc=$?
check "fit.sqlite a symbolic link: refused (exit 2), nothing made through it" "[ $rc -eq 2 ] && [ ! -e elsewhere.sqlite ]"
$T fit $SMALL --out nostore --restart 2>ns.err; rc=$?
check "fit.sqlite not a store: refused even with --restart, left as it was" \
  "[ $rc -eq 2 ] && [ \"\$(cat nostore/fit.sqlite)\" = 'not a database' ]"
ln -s t1 linkdir
$T fit $SMALL --out linkdir 2>ld.err; rc=$?
check "--out a symbolic link to a folder: refused (exit 2)" "[ $rc -eq 2 ]"

# ---- the screened default ---------------------------------------------------------------
$T fit --to 2010-12 --screen-keep 3 --particles 30 --batch 16 --sims 720 --threads 2 --out scr -q; rc=$?
check "screened default: exit 0, 3 estimated parameters, the others listed as screened out" \
  "[ $rc -eq 0 ] && python3 -c \"
import json, sys
j = json.load(open('scr/fit.json'))
n = sum(1 for line in open('scr/posterior.csv')) - 1
ok = len(j['parameters']) == 3 and len(j['screened_out']) == len(j['screening']) - 3 \\
     and j['screening_simulations'] > 64 and j['simulations'] <= 720 and n == 30
sys.exit(not ok)\""

# ---- cutoff ---------------------------------------------------------------------------------
$T fit --to 2012-12 --cutoff 2010-06 --estimate attack_rate --particles 30 --batch 16 --sims 200 --out cut -q; rc=$?
check "--cutoff 2010-06: fit.json's data_last_period is at or before 2010-06" \
  "[ $rc -eq 0 ] && python3 -c \"import json,sys; sys.exit(not json.load(open('cut/fit.json'))['data_last_period'] <= '2010-06')\""

# ---- recovery from simulated observations ---------------------------------------------------
# `truce run --observe` at known values (not the defaults), through 2019 (PIPS yearly and
# PICSS monthly series); the fit estimates the three with the other parameters at their
# defaults, as the simulation had them. obs_rate_picss is left at its value, so the PICSS
# level identifies attack_rate and the PIPS level obs_rate_pips. Each true value must lie in
# its 90 % interval and the posterior must be narrower than the prior in z (contraction
# > 0). The data are split into two --data files (their rows together).
$T run --to 2019-12 --set attack_rate=0.00015 --set lethal_share=0.4 --set obs_rate_pips=1.3 --observe --out syn --quiet
head -1 syn/observed.csv > a.csv; sed -n '2,150p' syn/observed.csv >> a.csv
head -1 syn/observed.csv > b.csv; sed -n '151,$p' syn/observed.csv >> b.csv
$T fit --to 2019-12 --data a.csv --data b.csv --estimate attack_rate,lethal_share,obs_rate_pips \
  --particles 60 --batch 32 --sims 700 --threads 2 --out rec -q; rc=$?
check "recovery fit exits 0 with both data files recorded" \
  "[ $rc -eq 0 ] && python3 -c \"import json,sys; i=json.load(open('rec/fit.json'))['inputs']; sys.exit(not ('a.csv' in i and 'b.csv' in i))\""
for pv in attack_rate=0.00015 lethal_share=0.4 obs_rate_pips=1.3; do
  p=${pv%=*} v=${pv#*=}
  check "recovery: $p = $v inside its 90 % interval, contraction > 0" "python3 -c \"
import json, sys
for q in json.load(open('rec/fit.json'))['parameters']:
    if q['name'] == '$p':
        print('# %s: q05 %.4g q50 %.4g q95 %.4g contraction %.3f' % ('$p', q['q05'], q['q50'], q['q95'], q['contraction']))
        sys.exit(not (q['q05'] <= $v <= q['q95'] and q['contraction'] > 0))
sys.exit(1)\""
done
exit $fail
