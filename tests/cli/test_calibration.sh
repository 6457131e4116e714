#!/bin/sh
# A scenario's `calibration: {posterior: FILE, row: N}` takes its parameters from row N of a
# posterior.csv (as `truce fit` writes it); `parameters:` overrides still apply after it.
# Prints TAP lines; exits 1 if any check fails.
set -u
T=${TRUCE:?}
ROOT=${TRUCE_ROOT:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }

cd "$W"
mkdir -p s data
cp -r "$ROOT/scenarios/pakistan-ttp" s/
cp "$ROOT"/data/*.csv data/
printf 'weight,regroup_strength,attack_rate\n0.2,0,1e-4\n0.8,1.5,2e-4\n' >post.csv
# the shipped scenario without its own calibration block, then one pointing at post.csv
grep -v -e '^calibration:' -e '^  posterior:' -e '^  row:' "$ROOT/scenarios/pakistan-ttp.yaml" >s/plain.yaml
with_cal() { # row extra-parameters-line
  sed "s#^parameters:.*#calibration:\n  posterior: ../post.csv\n  row: $1\n$2#" s/plain.yaml >s/cal.yaml
}
with_cal 2 'parameters: {}'
$T run s/cal.yaml --to 2004 --by year --out a -q; rc=$?
$T run s/plain.yaml --to 2004 --by year --set regroup_strength=1.5 --set attack_rate=2e-4 --out b -q
check "row 2's parameters are the scenario's: the same series as --set of its values" \
  "[ $rc -eq 0 ] && cmp -s a/series.csv b/series.csv"
with_cal 2 'parameters: {attack_rate: 3e-4}'
$T run s/cal.yaml --to 2004 --by year --out c -q
$T run s/plain.yaml --to 2004 --by year --set regroup_strength=1.5 --set attack_rate=3e-4 --out d -q
check "parameters: overrides the calibrated value" "cmp -s c/series.csv d/series.csv"
bad() { # name regex row
  with_cal "$3" 'parameters: {}'
  $T run s/cal.yaml --to 2003 --out bad -q 2>err; rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$2" err && [ ! -e bad ]; then ok "$1"; else no "$1 (rc $rc: $(cat err))"; fi
}
bad "a row past the table: exit 2, says how many rows" "row 3 asked for, the table has 2 rows" 3
bad "row 0: exit 2" "calibration.row: expected a row number >= 1" 0
printf 'weight,no_such_param\n1,2\n' >post.csv
bad "an unknown column: exit 2 naming it" "post.csv:1: no_such_param: not a parameter" 1
printf 'weight,attack_rate\n1,-3\n' >post.csv
bad "a value out of bounds: file:line: field" "post.csv:2: attack_rate: -3 is outside" 1
exit $fail
