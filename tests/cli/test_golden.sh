#!/bin/sh
# Golden scenario tests: scenario + seed -> exact expected output (bytes), so any change
# in the model's behaviour is seen and reviewed (regenerate with `make golden-update`).
set -u
T=${TRUCE:?}; ROOT=${TRUCE_ROOT:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
$T run --seed 7 --by year --out "$W/a" -q
$T run "$ROOT/tests/stat/large.yaml" --mean-field --by month --out "$W/b" -q
for pair in "a default-seed7-year" "b stat-large-mf-month"; do
  set -- $pair
  for f in series.csv summary.json; do
    if cmp -s "$W/$1/$f" "$ROOT/tests/golden/$2/$f"; then echo "ok - golden $2/$f"
    else echo "not ok - golden $2/$f differs:"; diff "$ROOT/tests/golden/$2/$f" "$W/$1/$f" | head -5 | sed 's/^/# /'; fail=1; fi
  done
done
exit $fail
