#!/bin/sh
# Regenerate the golden outputs after an intended change to the model or its defaults
# (`make golden-update`); review the diff before committing it.
set -eu
T=${1:-build/truce}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
$T run --seed 7 --by year --out "$W/a" -q
cp "$W/a/series.csv" "$W/a/summary.json" "$ROOT/tests/golden/default-seed7-year/"
$T run "$ROOT/tests/stat/large.yaml" --mean-field --by month --out "$W/b" -q
cp "$W/b/series.csv" "$W/b/summary.json" "$ROOT/tests/golden/stat-large-mf-month/"
