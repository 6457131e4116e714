#!/bin/sh
# The parameter documentation is generated from the parameter table: it must not drift.
set -u
T=${TRUCE:?}; ROOT=${TRUCE_ROOT:?}
if $T params --markdown | cmp -s - "$ROOT/docs/parameters.md"; then
  echo "ok - docs/parameters.md is what 'truce params --markdown' prints (run 'make docs' after changing src/model/params.def)"
else
  echo "not ok - docs/parameters.md is out of date: run 'make docs'"; exit 1
fi
if $T variables --markdown | cmp -s - "$ROOT/docs/variables.md"; then
  echo "ok - docs/variables.md is what 'truce variables --markdown' prints"
else
  echo "not ok - docs/variables.md is out of date: run 'make docs'"; exit 1
fi
# Every contested effect has a prior that includes zero (or both signs).
bad=$($T params --csv | python3 -c '
import csv, sys
contested = {"recruit_deprivation", "season_amplitude", "season_ops_winter", "regroup_strength",
             "coherence_effect", "chorus_legitimacy", "chorus_morale", "announcement_spike",
             "breakdown_rebound", "strike_patronage", "development_effect"}
for row in csv.DictReader(sys.stdin):
    if row["name"] not in contested: continue
    a, b, lo, hi = (float(row[k]) for k in ("a", "b", "lo", "hi"))
    if row["prior"] == "uniform": low, high = a, b
    elif row["prior"] == "normal": low, high = max(lo, a - 3 * b), min(hi, a + 3 * b)
    else: low, high = 1, 1
    if not (low <= 0 <= high): print(row["name"])
')
if [ -z "$bad" ]; then echo "ok - every contested effect has a prior that includes zero"; else echo "not ok - priors exclude zero: $bad"; exit 1; fi
