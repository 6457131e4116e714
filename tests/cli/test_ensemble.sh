#!/bin/sh
# truce ensemble: bytes independent of the thread count, run i = `truce run --run i`,
# parameter files and priors, usage errors. Prints TAP lines; exits 1 if any check fails.
# Short horizons (--to 2005, --by year) keep it to a few seconds on 2 cores.
set -u
T=${TRUCE:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
same3() { cmp -s "$1/bands.csv" "$2/bands.csv" && cmp -s "$1/runs.csv" "$2/runs.csv" && cmp -s "$1/summary.json" "$2/summary.json"; }

cd "$W"
$T ensemble --runs 200 --seed 3 --to 2005 --by year --threads 1 --out t1 -q; rc1=$?
$T ensemble --runs 200 --seed 3 --to 2005 --by year --threads 2 --out t2 -q; rc2=$?
check "ensemble of 200 runs exits 0 with three files" "[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -s t1/bands.csv ] && [ -s t1/runs.csv ] && [ -s t1/summary.json ]"
check "--threads 1 and --threads 2 give identical bands.csv, runs.csv and summary.json" "same3 t1 t2"
check "bands.csv has the header" "[ \"\$(head -1 t1/bands.csv)\" = 'period,period_start,region,variable,mean,q05,q25,q50,q75,q95' ]"
check "runs.csv has the header and one row per run and variable" \
  "[ \"\$(head -1 t1/runs.csv)\" = 'run,params_row,params_hash,weight,variable,value' ] && [ \$(wc -l <t1/runs.csv) -eq \$((200 * 21 + 1)) ]"
# (the mean is not bounded by q05 and q95: a flow that is 0 in more than 95 % of the runs
# has q95 = 0 and a positive mean)
check "bands are ordered: q05 <= q25 <= q50 <= q75 <= q95, and no mean is negative" \
  "awk -F, 'NR>1 && !(\$6<=\$7 && \$7<=\$8 && \$8<=\$9 && \$9<=\$10 && \$5>=0) {bad=1} END {exit bad}' t1/bands.csv"
check "summary.json: runs, seed, by, params source, scenario hash, random words per run, no --threads" \
  "grep -q '\"runs\": 200' t1/summary.json && grep -q '\"seed\": 3' t1/summary.json && grep -q '\"by\": \"year\"' t1/summary.json && grep -q '\"source\": \"scenario\"' t1/summary.json && grep -q '\"scenario_hash\": \"[0-9a-f]\{16\}\"' t1/summary.json && grep -q '\"random_words_per_run\": [1-9]' t1/summary.json && ! grep -q threads t1/summary.json"

# Run i of the ensemble is `truce run --seed S --run i`: a one-run ensemble's bands are
# run 0's series, and runs.csv holds each run's totals (flows) and last values (stocks).
$T ensemble --runs 1 --seed 3 --to 2005 --by year --out one -q
$T run --seed 3 --run 0 --to 2005 --by year --out r0 -q
check "a one-run ensemble's bands are exactly run 0's series.csv" \
  "[ \"\$(tail -n +2 r0/series.csv | cut -d, -f1-5)\" = \"\$(tail -n +2 one/bands.csv | cut -d, -f1-5)\" ] && awk -F, 'NR>1 && !(\$5==\$6 && \$5==\$8 && \$5==\$10) {bad=1} END {exit bad}' one/bands.csv"
runs_ok=1
for i in 0 7 199; do
  $T run --seed 3 --run $i --to 2005 --by year --out r$i -q
  # expected: flows summed over the years, stocks the last year's value (region "all")
  exp=$(awk -F, 'NR>1 && $3=="all" {if ($4 ~ /^(attacks|deaths_security|deaths_civilian|deaths_militant|recruits|militants_killed_in_attacks|militants_killed_in_operations)$/) s[$4]+=$5; else s[$4]=$5} END {for (k in s) print k "," s[k]}' r$i/series.csv | sort)
  got=$(awk -F, -v i=$i '$1==i {print $5 "," $6}' t1/runs.csv | sort)
  [ -n "$exp" ] && [ "$exp" = "$got" ] || { runs_ok=0; echo "# run $i: expected $exp got $got"; }
done
check "runs.csv of runs 0, 7 and 199 equals 'truce run --seed 3 --run i' totals and end values" "[ $runs_ok -eq 1 ]"

# --variables records less; --by week works (recorded by day)
$T ensemble --runs 5 --to 2002-03 --by week --variables attacks,militants --out wk -q; rc=$?
check "--by week --variables: only those variables, ISO week labels" \
  "[ $rc -eq 0 ] && [ \"\$(tail -n +2 wk/bands.csv | cut -d, -f4 | sort -u | tr '\n' ' ')\" = 'attacks militants ' ] && grep -q '^2002-W01,2001-12-31,all,attacks,' wk/bands.csv"

# Parameter files: a subset of columns, cycled rows, weights.
printf 'attack_rate,weight\n0.01,1\n0.02,3\n' >p.csv
$T ensemble --runs 4 --to 2003 --by year --params p.csv --out pf -q; rc=$?
check "--params: exit 0, rows cycled (runs 0 and 2 share a row and hash), weights recorded" \
  "[ $rc -eq 0 ] && [ \"\$(awk -F, '\$1==0 {print \$2,\$3,\$4; exit}' pf/runs.csv)\" = \"\$(awk -F, '\$1==2 {print \$2,\$3,\$4; exit}' pf/runs.csv)\" ] && awk -F, '\$1==1 && \$2==2 && \$4==3 {f=1} END {exit !f}' pf/runs.csv && grep -q '\"weighted\": true' pf/summary.json"
$T run --seed 1 --run 1 --to 2003 --by year --set attack_rate=0.02 --out pr1 -q
check "--params row 2 applied to run 1 equals 'truce run --run 1 --set attack_rate=0.02'" \
  "[ \"\$(awk -F, '\$3==\"all\" && \$4==\"attacks\" {s+=\$5} END {print s}' pr1/series.csv)\" = \"\$(awk -F, '\$1==1 && \$5==\"attacks\" {print \$6}' pf/runs.csv)\" ]"
$T ensemble --runs 6 --to 2003 --by year --prior --out pa -q && $T ensemble --runs 6 --to 2003 --by year --prior --out pb -q
check "--prior: every run has its own parameters, and the same seed gives the same bytes" \
  "[ \$(cut -d, -f3 pa/runs.csv | sort -u | wc -l) -eq 7 ] && cmp -s pa/runs.csv pb/runs.csv && grep -q '\"source\": \"prior\"' pa/summary.json"

# Bad input: exit 2, a clear message, no output folder.
bad() { # name expected-message-regex args...
  name=$1; re=$2; shift 2
  $T ensemble "$@" --out badout -q 2>err; rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$re" err && [ ! -e badout ]; then ok "$name"; else no "$name (rc $rc: $(cat err))"; fi
  rm -rf badout
}
bad "missing --runs: exit 2" "--runs N is required" --to 2003
bad "--runs 0: exit 2" "--runs: '0'" --runs 0
bad "unknown variable: exit 2" "'no_such_var' is not a variable" --runs 2 --variables attacks,no_such_var
printf 'attack_rate,recruit_base\n0.01,1e-7\n0.02,abc\n' >bad1.csv
bad "params file, bad number: file:line: field" "bad1.csv:3: recruit_base: 'abc' is not a finite number" --runs 2 --params bad1.csv
printf 'attack_rate,nonsense\n0.01,1\n' >bad2.csv
bad "params file, unknown column: file:1: field" "bad2.csv:1: nonsense: not a parameter" --runs 2 --params bad2.csv
printf 'attack_rate\n0.01\n-5\n' >bad3.csv
bad "params file, out of bounds: file:line: field" "bad3.csv:3: attack_rate: -5 is outside" --runs 2 --params bad3.csv
printf 'attack_rate,weight\n0.01,1\n0.02\n' >bad4.csv
bad "params file, short row: file:line" "bad4.csv:3: 2 fields, the header has 1\|bad4.csv:3: 1 fields, the header has 2" --runs 2 --params bad4.csv
bad "params file missing: exit 2" "nofile.csv" --runs 2 --params nofile.csv
bad "--params with --prior: exit 2" "exclude each other" --runs 2 --params p.csv --prior
bad "--set of an unknown parameter: exit 2" "no_such_param" --runs 2 --set no_such_param=1

# --posterior: run i uses one particle drawn by weight, keyed by (seed, i). A particle of
# weight 1 (the others 0) is every run's: then run i equals `truce run --run i --set ...`.
printf 'weight,regroup_strength,attack_rate\n0,0,1e-4\n1,1.5,2e-4\n0,3,3e-4\n' >post1.csv
$T ensemble --runs 3 --seed 3 --to 2004 --by year --posterior post1.csv --out pe -q
$T run --seed 3 --run 2 --to 2004 --by year --set regroup_strength=1.5 --set attack_rate=2e-4 --out pr2 -q
exp=$(awk -F, 'NR>1 && $3=="all" && $4=="attacks" {s+=$5} END {print s}' pr2/series.csv)
got=$(awk -F, '$1==2 && $5=="attacks" {print $6}' pe/runs.csv)
check "--posterior with one particle of weight 1: run 2 equals truce run --run 2 with its values" \
  "[ -n \"$exp\" ] && [ \"$exp\" = \"$got\" ] && [ \$(awk -F, 'NR>1 && \$2!=2' pe/runs.csv | wc -l) -eq 0 ]"
check "--posterior: summary.json names the posterior and its hash" \
  "grep -q '\"source\": \"posterior\", \"file\": \"post1.csv\", \"file_hash\": \"[0-9a-f]\{16\}\", \"particles\": 3' pe/summary.json"
# Weights 0.2 / 0.8 over 1000 runs: the first particle's count is Binomial(1000, 0.2), mean
# 200, sd 12.6; [150, 250] is a 4-sd band (a correct draw fails it about once in 15,000).
printf 'weight,attack_rate\n0.2,1e-4\n0.8,2e-4\n' >post2.csv
$T ensemble --runs 1000 --seed 5 --to 2002-01-05 --by year --variables attacks --posterior post2.csv --threads 2 --out pw2 -q
$T ensemble --runs 1000 --seed 5 --to 2002-01-05 --by year --variables attacks --posterior post2.csv --threads 1 --out pw1 -q
n1=$(awk -F, 'NR>1 && $2==1' pw2/runs.csv | wc -l)
check "--posterior draws particles by weight (0.2 of 1000 runs: $n1 in [150, 250])" "[ $n1 -ge 150 ] && [ $n1 -le 250 ]"
check "--posterior: identical bytes on 1 and 2 threads" "same3 pw1 pw2"
printf 'attack_rate\n1e-4\n' >post3.csv
bad "--posterior without a weight column: exit 2" "post3.csv:1: weight: a posterior needs a weight column" --runs 2 --posterior post3.csv
bad "--posterior with --prior: exit 2" "exclude each other" --runs 2 --posterior post2.csv --prior

# --out and --threads are left out of the recorded command, also when abbreviated
$T ensemble --runs 2 --by year --to 2003 --thr 1 --ou abbr_a -q && $T ensemble --runs 2 --by year --to 2003 --thread=2 --ou=abbr_b -q
check "abbreviated --ou and --thr leave summary.json's bytes alone" "cmp -s abbr_a/summary.json abbr_b/summary.json && ! grep -q abbr_ abbr_a/summary.json"
check "ensemble --help" "$T ensemble --help | grep -q 'usage: truce ensemble'"
exit $fail
