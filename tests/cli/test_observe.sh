#!/bin/sh
# truce run --observe: what each source would report of a run, in the reported-series form
# that the rest of truce reads (episodes --series), reproducible, and only where a source,
# metric and geography have an observation model.
set -u
T=${TRUCE:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
cd "$W"
$T run --observe --seed 5 --by month --out a -q; rc=$?
check "run --observe exits 0 and writes observed.csv" "[ $rc -eq 0 ] && [ -s a/observed.csv ]"
check "observed.csv has the reported-series header" \
  "[ \"\$(head -1 a/observed.csv)\" = 'period,metric,value,source,geography,url,note' ]"
$T run --observe --seed 5 --by month --out b -q
check "the same seed gives the same observed.csv" "cmp -s a/observed.csv b/observed.csv"
$T run --observe --seed 6 --by month --out c -q
check "another seed gives other reports" "! cmp -s a/observed.csv c/observed.csv"
check "only modelled sources (PICSS, PIPS, CRSS)" \
  "[ -z \"\$(tail -n +2 a/observed.csv | cut -d, -f4 | sort -u | grep -v -x -e PICSS -e PIPS -e CRSS)\" ]"
check "no unmodelled metric or geography (injured, Punjab)" "! grep -q -e ',injured,' -e ',Punjab,' a/observed.csv"
check "values are whole non-negative counts" "awk -F, 'NR>1 && \$3 !~ /^[0-9]+\$/ {bad=1} END {exit bad}' a/observed.csv"
$T episodes --series a/observed.csv --kind ceasefire > ep.csv 2>err; rc=$?
check "truce episodes reads observed.csv as a reported series" "[ $rc -eq 0 ] && grep -q '^28,ceasefire' ep.csv"
# --data chooses the periods to report; a file of two rows gives two rows
printf 'period,metric,value,source,geography,url,note\n2014-05,attacks,1,PICSS,Balochistan,,\n2019,killed,1,PIPS,Pakistan,,\n2019,injured,1,PIPS,Pakistan,,\n' > mine.csv
$T run --observe --data mine.csv --by month --out d -q; rc=$?
check "--data: one report per modelled row of the file" "[ $rc -eq 0 ] && [ \$(wc -l < d/observed.csv) -eq 3 ] && grep -q '^2014-05,attacks,' d/observed.csv && grep -q '^2019,killed,' d/observed.csv"
check "summary.json lists the data file with its hash" "grep -q '\"mine.csv\": \"[0-9a-f]\{16\}\"' d/summary.json"
$T run --data mine.csv --out e -q 2>err; rc=$?
check "--data without --observe: exit 2" "[ $rc -eq 2 ] && [ ! -e e ] && grep -q observe err"
$T run --observe --mean-field --by month --out m -q
check "mean field: each report is its expectation (not always a whole number)" "awk -F, 'NR>1 && \$3 ~ /\\./ {f=1} END {exit !f}' m/observed.csv"
exit $fail
