#!/bin/sh
# truce assess: the folder of the contract (headers, files, JSON), exact zeros for a
# portfolio identical to the status quo and for one that adds a lever at intensity 0, the
# same bytes on 1 and 2 threads, the broken-portfolio corpus (exit 2, file:line:field, no
# output folder), a portfolio written from docs/portfolios.md, a lever before --from, a
# scenario without a calibration, --help. Small: 6 runs to 2026-12. Prints TAP lines;
# exits 1 if any check fails.
set -u
T=${TRUCE:?}
ROOT=${TRUCE_ROOT:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }

cd "$W"
SQ=$ROOT/scenarios/portfolios/status-quo.yaml
# a copy of the status quo under another name: the same levers, so the same ids and draws
sed 's/^name: status-quo$/name: same-as-status-quo/' "$SQ" > same.yaml
# the status quo plus a lever at intensity 0 (operations of zero intensity everywhere)
{ sed 's/^name: status-quo$/name: zero-lever/' "$SQ"
  printf '  - lever: operation\n    start: 2026-03-01\n    end: 2026-09-30\n    regions: all\n    intensity: 0\n'
} > zero.yaml
# the example of docs/portfolios.md, as a user would copy it
awk '/<!-- example -->/ {f=1; next} f && /^```yaml/ {g=1; next} g && /^```/ {exit} g {print}' \
  "$ROOT/docs/portfolios.md" > user.yaml

A="--runs 6 --to 2026-12"
$T assess $A --portfolio same.yaml --portfolio zero.yaml --portfolio user.yaml --threads 1 --out a1 -q; rc=$?
check "assess: exit 0 with three portfolios (one written from docs/portfolios.md)" "[ $rc -eq 0 ] && [ -s a1/assessment.csv ]"
check "assessment.csv header" \
  "[ \"\$(head -1 a1/assessment.csv)\" = 'portfolio,outcome,status_quo,value,diff_q05,diff_q50,diff_q95,p_better' ]"
check "assessment.csv: 3 portfolios x 15 outcomes, in the contract's order" \
  "[ \$(wc -l <a1/assessment.csv) -eq 46 ] && [ \"\$(awk -F, 'NR>1 && NR<=16 {printf \"%s \", \$2}' a1/assessment.csv)\" = 'attacks:national deaths_security:national deaths_civilian:national deaths_militant:national militants:national attacks:khyber_pakhtunkhwa deaths_security:khyber_pakhtunkhwa deaths_civilian:khyber_pakhtunkhwa deaths_militant:khyber_pakhtunkhwa militants:khyber_pakhtunkhwa attacks:balochistan deaths_security:balochistan deaths_civilian:balochistan deaths_militant:balochistan militants:balochistan ' ]"
check "a copy of the status quo: diff_q05 = diff_q50 = diff_q95 = 0 and value = status_quo in every outcome" \
  "[ \$(awk -F, '\$1==\"same-as-status-quo\" && \$5==\"0\" && \$6==\"0\" && \$7==\"0\" && \$3==\$4' a1/assessment.csv | wc -l) -eq 15 ]"
check "a lever at intensity 0: every difference exactly 0" \
  "[ \$(awk -F, '\$1==\"zero-lever\" && \$5==\"0\" && \$6==\"0\" && \$7==\"0\"' a1/assessment.csv | wc -l) -eq 15 ]"
check "p_better empty for deaths_militant:*, a share elsewhere" \
  "awk -F, 'NR>1 && ((\$2 ~ /^deaths_militant:/) != (\$8 == \"\")) {bad=1} END {exit bad}' a1/assessment.csv"
check "the user's portfolio changes something" "awk -F, '\$1==\"my-talks-and-development\" && \$6 != \"0\" {f=1} END {exit !f}' a1/assessment.csv"
check "headers of ranking, bands, diff_bands, replays, drivers, episodes" \
  "[ \"\$(head -1 a1/ranking.csv)\" = 'outcome,portfolio,p_first,rank_q50,rank_mean' ] &&
   [ \"\$(head -1 a1/bands.csv)\" = 'portfolio,period,period_start,geography,variable,q05,q25,q50,q75,q95' ] &&
   [ \"\$(head -1 a1/diff_bands.csv)\" = 'portfolio,period,period_start,geography,variable,q05,q25,q50,q75,q95' ] &&
   [ \"\$(head -1 a1/replays.csv)\" = 'episode,lever,start,window_end,outcome,with_q50,without_q50,diff_q05,diff_q50,diff_q95,p_lower' ] &&
   [ \"\$(head -1 a1/drivers.csv)\" = 'portfolio,outcome,parameter,index,ci_low,ci_high' ] &&
   [ \"\$(head -1 a1/episodes.csv)\" = 'id,start,end,kind,lever,note' ]"
check "ranking: p_first adds up to 1 per outcome (ties shared; 6 digits printed), no deaths_militant" \
  "awk -F, 'NR>1 {s[\$1]+=\$3; if (\$1 ~ /deaths_militant/) bad=1} END {for (k in s) if (s[k] < 0.99999 || s[k] > 1.00001) bad=1; exit bad}' a1/ranking.csv"
check "bands: the status quo from 2002-01, the others from 2026-01; diff_bands of the copy are all 0" \
  "[ \"\$(awk -F, '\$1==\"status-quo\" {print \$2; exit}' a1/bands.csv)\" = 2002-01 ] && [ \"\$(awk -F, '\$1==\"zero-lever\" {print \$2; exit}' a1/bands.csv)\" = 2026-01 ] && awk -F, '\$1==\"same-as-status-quo\" && (\$6!=0 || \$10!=0) {bad=1} END {exit bad}' a1/diff_bands.csv"
check "replays: the recorded ceasefires, talks and peace deals" \
  "awk -F, 'NR>1 && \$2 !~ /^(ceasefire|talks|peace_deal)\$/ {bad=1} END {exit bad || NR < 5}' a1/replays.csv"
check "event study, reported series, the calibration's fit files and the report are there" \
  "[ -s a1/event_study.csv ] && [ -s a1/reported.csv ] && [ -s a1/fit/fit.json ] && [ -s a1/fit/ppc.csv ] && [ -s a1/report.html ]"
if python3 -c 'import json' 2>/dev/null; then
  check "assessment.json: valid JSON with the contract's keys, results equal to assessment.csv's rows" \
    "python3 - a1 <<'EOF'
import csv, json, sys
d = sys.argv[1]
j = json.load(open(d + '/assessment.json'))
keys = ['truce_version','command','seed','runs','from','to','scenario','posterior','status_quo','portfolios','outcomes','results','ranking','drivers','replays','inputs','uninformed']
assert all(k in j for k in keys), [k for k in keys if k not in j]
rows = list(csv.DictReader(open(d + '/assessment.csv')))
assert len(rows) == len(j['results'])
for r, o in zip(rows, j['results']):
    for k in ['status_quo','value','diff_q05','diff_q50','diff_q95','p_better']:
        a = None if r[k] == '' else float(r[k])
        assert a == o[k], (k, a, o[k])
assert j['status_quo'] == 'status-quo' and j['runs'] == 6 and len(j['outcomes']) == 15
assert j['posterior']['estimated'] and j['uninformed']
EOF"
fi

$T assess $A --portfolio same.yaml --portfolio zero.yaml --portfolio user.yaml --threads 2 --out a2 -q
check "--threads 1 and 2: identical bytes in every file" "diff -r a1 a2 >/dev/null"
$T assess $A --portfolio same.yaml --portfolio zero.yaml --portfolio user.yaml --threads 2 --out a1 -q; rc=$?
check "an earlier assessment folder is replaced (fit/ included)" "[ $rc -eq 0 ] && diff -r a1 a2 >/dev/null"
$T assess $A --portfolio same.yaml --runs-csv --out r -q; rc=$?
check "--runs-csv writes runs.csv (portfolio,run,particle,outcome,value)" \
  "[ $rc -eq 0 ] && [ \"\$(head -1 r/runs.csv)\" = 'portfolio,run,particle,outcome,value' ] && [ \$(wc -l <r/runs.csv) -eq \$((2 * 6 * 15 + 1)) ]"

# the corpus of broken portfolios: exit 2, the message of EXPECTED, no output folder
corpus_ok=1; n=0
while IFS='	' read -r file rest; do
  case "$file" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  $T assess $A --portfolio "$ROOT/tests/portfolios/bad/$file" --out bad -q 2>err; rc=$?
  first=$(printf '%s' "$rest" | cut -f1)
  if [ $rc -ne 2 ] || ! grep -qF -- "$first" err || [ -e bad ]; then
    corpus_ok=0; echo "# $file: exit $rc, $(head -1 err)"
  fi
done < "$ROOT/tests/portfolios/bad/EXPECTED"
check "broken portfolios ($n files): exit 2 naming file:line: field, no output folder" "[ $corpus_ok -eq 1 ] && [ $n -gt 10 ]"

{ sed 's/^name: status-quo$/name: early/' "$SQ"
  printf '  - lever: talks\n    start: 2025-11-01\n    regions: all\n'
} > early.yaml
$T assess $A --portfolio same.yaml --portfolio early.yaml --out early -q 2>err; rc=$?
check "a lever starting before --from: exit 2 naming the file, no folder" \
  "[ $rc -eq 2 ] && grep -q 'early.yaml' err && grep -q 'before the futures start' err && [ ! -e early ]"
$T assess $A --from 2026-01-15 --out mid -q 2>err; rc=$?
check "--from inside a month: exit 2" "[ $rc -eq 2 ] && grep -q 'whole months' err"
mkdir nocal && sed '/^calibration:/,/^  row:/d' "$ROOT/scenarios/pakistan-ttp.yaml" > nocal/s.yaml && \
  cp -r "$ROOT/scenarios/pakistan-ttp" nocal/ && mkdir -p data && cp "$ROOT/data/pak_ttp_timeline.csv" data/
$T assess nocal/s.yaml $A --out nocal-out -q 2>err; rc=$?
check "a scenario with no calibration and no --posterior: exit 2" "[ $rc -eq 2 ] && grep -q 'calibration' err && [ ! -e nocal-out ]"
$T assess $A --portfolio same.yaml --portfolio same.yaml --out twice -q 2>err; rc=$?
check "two portfolios of the same name: exit 2" "[ $rc -eq 2 ] && grep -q 'name of its own' err"
$T assess --help > help.txt; rc=$?
check "--help: exit 0, names the options" "[ $rc -eq 0 ] && grep -q -- '--portfolio' help.txt && grep -q -- '--status-quo' help.txt"
$T assess --runs 0 2>/dev/null; rc=$?
check "--runs 0: exit 2" "[ $rc -eq 2 ]"

exit $fail
