#!/bin/sh
# truce sensitivity: outputs, thread-count invariance (bytes), usage errors and exit codes.
# Prints TAP lines; exits 1 if any check fails. Model runs are kept tiny (a few dozen
# runs over a short horizon window).
set -u
T=${TRUCE:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
cd "$W"

$T sensitivity --function ishigami --method sobol --n 512 --out ish >ish.txt 2>ish.err; rc=$?
check "sobol on ishigami exits 0" "[ $rc -eq 0 ] && [ -s ish/indices.csv ] && [ -s ish/summary.json ]"
check "indices.csv header" "[ \"\$(head -1 ish/indices.csv)\" = 'parameter,method,index,estimate,ci_low,ci_high' ]"
check "indices.csv has S1 and ST of x1..x3" "[ \$(grep -c '^x[123],sobol,S[1T],' ish/indices.csv) -eq 6 ]"
check "summary.json records method, N, evaluations, seed" \
  "grep -q '\"method\": \"sobol\"' ish/summary.json && grep -q '\"N\": 512' ish/summary.json && grep -q '\"evaluations\": 2560' ish/summary.json && grep -q '\"seed\": 1' ish/summary.json"
check "wall time on stderr, not in summary.json" "grep -q 'wall time' ish.err && ! grep -qi 'wall' ish/summary.json"
check "ranked table on the terminal" "grep -q '^   1  x' ish.txt"
check "no progress when stderr is not a terminal" "! grep -q 'evaluations' ish.err"

for m in morris sobol; do
  $T sensitivity --function g --method $m --n 64 --threads 1 --out g1-$m -q 2>/dev/null
  $T sensitivity --function g --method $m --n 64 --threads 2 --out g2-$m -q 2>/dev/null
  check "$m on g: identical bytes with --threads 1 and 2" \
    "cmp -s g1-$m/indices.csv g2-$m/indices.csv && cmp -s g1-$m/summary.json g2-$m/summary.json"
done
$T sensitivity --function g --method sobol --second-order --n 64 --out g2o -q 2>/dev/null
check "second order: S2 rows name the pair, N (2D + 2) evaluations" \
  "grep -q '^x1:x3,sobol,S2,' g2o/indices.csv && [ \$(grep -c ',S2,' g2o/indices.csv) -eq 28 ] && grep -q '\"evaluations\": 1152' g2o/summary.json"
check "morris on g: x5..x8 screened out, x1 first" \
  "grep -q '\"ranking\": \[\"x1\", \"x2\", \"x3\", \"x4\"' g1-morris/summary.json && grep -q '\"screened_out\": \[\"x[5-8]\", \"x[5-8]\", \"x[5-8]\", \"x[5-8]\"\]' g1-morris/summary.json"

# The model: 3 parameters, 2 trajectories (8 points), 2 noise replicates.
M="--method morris --n 2 --params attack_rate,recruit_base,ops_baseline --output attacks:2003 --replicates 2 --bootstrap 50"
$T sensitivity $M --threads 1 --out m1 -q 2>/dev/null; rc1=$?
$T sensitivity $M --threads 2 --out m2 -q 2>/dev/null; rc2=$?
check "model morris exits 0" "[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]"
check "model morris: identical bytes with --threads 1 and 2" "cmp -s m1/indices.csv m2/indices.csv && cmp -s m1/summary.json m2/summary.json"
check "model summary counts runs and the noise share" \
  "grep -q '\"evaluations\": 8' m1/summary.json && grep -q '\"model_runs\": 10' m1/summary.json && grep -q '\"noise\": {\"replicates\": 2' m1/summary.json"
$T sensitivity $M --alt-without 28 --out p1 -q 2>/dev/null; rc=$?
check "paired alt - base runs twice per point" "[ $rc -eq 0 ] && grep -q '\"model_runs\": 20' p1/summary.json && grep -q '\"alt\": \"without 28\"' p1/summary.json"
$T sensitivity $M --alt-set attack_rate=0.01 --out p2 -q 2>/dev/null; rc=$?
check "--alt-set accepted" "[ $rc -eq 0 ] && grep -q 'set attack_rate=0.01' p2/summary.json"
$T sensitivity $M --log --out lg -q 2>/dev/null; rc=$?
check "--log records its scale" "[ $rc -eq 0 ] && grep -q '\"scale\": \"log1p\"' lg/summary.json && ! cmp -s lg/indices.csv m1/indices.csv"
bad_log=$($T sensitivity --function g --log --out lgbad 2>&1 >/dev/null); rc=$?
check "--log refused with --function" "[ $rc -eq 2 ]"
$T sensitivity --method sobol --n 2 --params attack_rate,recruit_base --output fighters@2003-06 --replicates 0 --bootstrap 20 --out st -q 2>/dev/null; rc=$?
check "a stock at a date; sobol on the model" "[ $rc -eq 0 ] && grep -q '\"evaluations\": 8' st/summary.json"

bad() {  # name expected-substring args...
  name=$1; want=$2; shift 2
  $T sensitivity "$@" --out bad >/dev/null 2>err.txt; rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$want" err.txt && [ ! -e bad ]; then ok "$name exits 2 naming $want"; else no "$name (rc $rc: $(head -1 err.txt))"; fi
}
bad "unknown method" "--method" --method fast --function g
bad "unknown parameter" "--params" --method morris --output attacks:2023 --params attack_rate,nope
bad "fixed parameter" "--params" --method morris --output attacks:2023 --params "$($T params 2>/dev/null | awk '/fixed/ {print $1; exit}')"
bad "malformed output" "--output" --method morris --output attacks-2023
bad "unknown variable" "--output" --method morris --output bombs:2023:2024
bad "flow at a date" "--output" --method morris --output attacks@2024
bad "window outside the horizon" "--output" --method morris --output attacks:2030
bad "no output" "--output" --method morris
bad "--n 0" "--n" --method sobol --function g --n 0
bad "posterior not shipped" "posterior" --method morris --output attacks:2023 --over posterior
bad "portfolio not yet" "--portfolio" --method morris --output attacks:2023 --portfolio p.yaml
bad "unknown function" "--function" --method sobol --function rosenbrock
bad "unknown alt episode" "99x" --method morris --output attacks:2023 --alt-without 99x
$T sensitivity --help >/dev/null; check "--help exits 0" "[ $? -eq 0 ]"
exit $fail
