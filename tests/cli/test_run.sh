#!/bin/sh
# truce run: reproducibility, periods, mean field, outputs, usage errors, bad scenarios.
# Prints TAP lines; exits 1 if any check fails.
set -u
T=${TRUCE:?}; ROOT=${TRUCE_ROOT:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }

cd "$W"
# Runs from a folder with no scenario and no data: the default is compiled in.
$T run --seed 7 --by year --out a -q; rc=$?
check "default run exits 0 from an empty folder" "[ $rc -eq 0 ] && [ -s a/series.csv ] && [ -s a/summary.json ]"
check "series.csv has the tidy header" "[ \"\$(head -1 a/series.csv)\" = 'period,period_start,region,variable,value' ]"
$T run --seed 7 --by year --out b -q
check "same seed gives identical series.csv" "cmp -s a/series.csv b/series.csv"
check "same seed gives identical summary.json" "cmp -s a/summary.json b/summary.json"
$T run --seed 8 --by year --out c -q
check "different seeds give different series" "! cmp -s a/series.csv c/series.csv"
check "summary holds seed, hash, version, flows and no timestamp or path" \
  "grep -q '\"seed\": 7' a/summary.json && grep -q '\"scenario_hash\": \"[0-9a-f]\{16\}\"' a/summary.json && grep -q '\"flows\"' a/summary.json && ! grep -q \"$W\" a/summary.json"
check "every value is a finite number, counts and stocks never negative" \
  "awk -F, 'NR>1 && (\$5 !~ /^[0-9]+(\\.[0-9]+)?(e[-+][0-9]+)?\$/) {bad=1} END {exit bad}' a/series.csv"
for v in attacks deaths_security deaths_civilian deaths_militant recruits fighters commanders \
         militants_in_sanctuary funds grievance support intelligence legitimacy; do
  grep -q ",all,$v," a/series.csv || { no "variable $v present"; continue; }
done
ok "all required variables present"
check "yearly periods are labelled 2002..2025" "cut -d, -f1 a/series.csv | sort -u | sed -n '1p;\$p' | tr '\n' ' ' | grep -q '^2002 period'"
for by in day week month quarter; do $T run --seed 7 --by $by --to 2003-02 --out p-$by -q || no "--by $by"; done
check "day labels" "grep -q '^2003-02-28,2003-02-28,all,attacks,' p-day/series.csv"
check "ISO week labels" "grep -q '^2002-W01,2001-12-31,' p-week/series.csv && grep -q '^2003-W09,2003-02-24,' p-week/series.csv"
check "month labels" "grep -q '^2003-02,2003-02-01,all,' p-month/series.csv"
check "quarter labels" "grep -q '^2003-Q1,2003-01-01,all,' p-quarter/series.csv"
# Flows summed, stocks last-day: the monthly sum of daily attacks equals the month's row.
check "monthly flow equals the sum of its days" \
  "[ \"\$(grep '^2003-01-..,[^,]*,all,attacks,' p-day/series.csv | awk -F, '{s+=\$5} END {print s}')\" = \"\$(grep '^2003-01,[^,]*,all,attacks,' p-month/series.csv | cut -d, -f5)\" ]"
check "monthly stock equals its last day" \
  "[ \"\$(grep '^2003-01-31,[^,]*,all,fighters,' p-day/series.csv | cut -d, -f5)\" = \"\$(grep '^2003-01,[^,]*,all,fighters,' p-month/series.csv | cut -d, -f5)\" ]"
$T run --mean-field --seed 1 --by year --out m1 -q && $T run --mean-field --seed 99 --by year --out m2 -q
check "mean-field output does not depend on the seed" "cmp -s m1/series.csv m2/series.csv"
$T run --set regroup_strength=0 --by year --out s -q
check "--set changes the scenario hash" "! grep -q \"\$(grep scenario_hash a/summary.json)\" s/summary.json"
$T run --set no_such_param=1 --out bad1 -q 2>err; rc=$?
check "unknown parameter: exit 2, message, no output" "[ $rc -eq 2 ] && grep -q no_such_param err && [ ! -e bad1 ]"
$T run --set recruit_base=-1 --out bad2 -q 2>err; rc=$?
check "out-of-bounds parameter: exit 2" "[ $rc -eq 2 ] && [ ! -e bad2 ]"
$T run --seed x --out bad3 2>err; rc=$?
check "bad --seed: exit 2" "[ $rc -eq 2 ] && [ ! -e bad3 ]"
$T run --by fortnight 2>err; rc=$?
check "bad --by: exit 2" "[ $rc -eq 2 ]"
$T frobnicate 2>err; rc=$?
check "unknown subcommand: exit 2" "[ $rc -eq 2 ] && grep -q frobnicate err"
helpfail=0
for cmd in run params episodes events "events aggregate" ensemble compare; do
  if $T $cmd --help >h 2>&1 && [ -s h ] && grep -q usage h; then :; else no "$cmd --help"; helpfail=1; fi
done
[ $helpfail -eq 0 ] && ok "--help on every subcommand"
check "--version" "$T --version | grep -q '^truce [0-9]'"

mkdir keep && echo notes >keep/notes.txt
$T run --by year --out keep -q 2>err; rc=$?
check "an --out folder holding other files is refused (exit 2) and left as it was" \
  "[ $rc -eq 2 ] && [ \"\$(ls keep)\" = notes.txt ] && grep -q 'other files' err"
$T run --seed 9 --by year --out a -q
check "re-running into an earlier output folder replaces it" "grep -q '\"seed\": 9' a/summary.json && [ ! -e a.old-* ] 2>/dev/null"
$T run --seed 7 --by year --out a -q

# Extreme but allowed parameter values finish quickly with finite output (no hang).
timeout 120 $T run --set recruit_coercion=100 --set recruit_base=1e-3 --set recruit_grievance=5 \
  --set attack_rate=0.1 --set excitation_branching=0.99 --by year --out ext -q; rc=$?
check "extreme parameters: exit 0 within the time limit, finite values" \
  "[ $rc -eq 0 ] && awk -F, 'NR>1 && \$5 !~ /^[0-9.e+-]+\$/ {bad=1} END {exit bad}' ext/series.csv"

# Conservation: militants at the end = the 6000 at the start (init_militants 4000 of the
# TTP and org2_init_militants 2000 of the Baloch insurgency; the default's shares give
# whole numbers) + every inflow - every outflow; prisoners = captured - released;
# reintegrated = reintegrated - recidivated.
check "people are conserved through the mechanisms' flows" "python3 -c \"
import json, sys
s = json.load(open('a/summary.json')); f = s['flows']; e = s['end_state']
ins = f['recruited'] + f['released'] + f['recidivated']
outs = (f['killed_in_operations'] + f['captured'] + f['killed_in_own_attacks'] +
        f['killed_in_cross_border_strikes'] + f['deserted'] + f['reintegrated'])
ok = (e['militants'] == 6000 + ins - outs and e['prisoners'] == f['captured'] - f['released']
      and e['reintegrated'] == f['reintegrated'] - f['recidivated'])
sys.exit(0 if ok else 1)\""

# Every mechanism's flow is non-zero in the default history. Ceasefire breakdowns are the
# exception by design: recorded episodes keep their dates, so the breakdown hazard only
# acts on open-ended (hypothetical) ceasefires, as in the example portfolio.
zero=$(python3 -c "
import json, sys
s = json.load(open('a/summary.json'))
print(' '.join(k for k, v in s['flows'].items() if v == 0 and k != 'ceasefire_breakdowns'))")
check "every mechanism's flow is non-zero in the default run (zero: '$zero')" "[ -z \"$zero\" ]"
$T run "$ROOT/scenarios/examples/open-ceasefire-2024.yaml" --seed 7 --by year --out hyp -q
check "an open-ended hypothetical ceasefire breaks down (M9 breakdown hazard)" \
  "python3 -c \"import json,sys; sys.exit(0 if json.load(open('hyp/summary.json'))['flows']['ceasefire_breakdowns'] == 1 else 1)\""
check "the hypothetical portfolio leaves the history before 2024 unchanged (common random numbers)" \
  "[ \"\$(grep '^20[01][0-9],\|^202[0-3],' a/series.csv | md5sum)\" = \"\$(grep '^20[01][0-9],\|^202[0-3],' hyp/series.csv | md5sum)\" ]"

# Every broken scenario in the corpus: exit 2, one message naming the file, no output.
n=0
for s in "$ROOT"/tests/scenarios/bad/*.yaml "$ROOT"/tests/scenarios/bad/*/scenario.yaml; do
  [ -f "$s" ] || continue
  n=$((n+1))
  rm -rf o err
  timeout 20 $T run "$s" --out o -q 2>err; rc=$?
  base=$(basename "$s")
  if [ $rc -eq 2 ] && [ ! -e o ] && grep -q "$base" err && [ "$(wc -l <err)" -le 3 ]; then :; else
    no "bad scenario $s: exit $rc, output $( [ -e o ] && echo present || echo absent ), message: $(head -c 200 err)"
  fi
done
check "$n broken scenarios rejected with exit 2, a message naming the file, no output" "[ $n -gt 10 ]"
exit $fail
