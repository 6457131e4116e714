#!/bin/sh
# truce compare: common random numbers (run i of BASE and ALT is `truce run --seed S
# --run i` of each), exact zeros for identical scenarios, thread independence, usage
# errors. Prints TAP lines; exits 1 if any check fails.
set -u
T=${TRUCE:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }

cd "$W"
$T compare default default --runs 30 --to 2004 --out same -q; rc=$?
check "compare default default: exit 0, both files" "[ $rc -eq 0 ] && [ -s same/differences.csv ] && [ -s same/summary.csv ]"
check "differences.csv header" "[ \"\$(head -1 same/differences.csv)\" = 'run,variable,base,alt,diff' ]"
check "summary.csv header and the six variables" \
  "[ \"\$(head -1 same/summary.csv)\" = 'variable,base_mean,alt_mean,diff_mean,diff_q05,diff_q50,diff_q95,p_alt_lower' ] && [ \"\$(tail -n +2 same/summary.csv | cut -d, -f1 | tr '\n' ' ')\" = 'attacks deaths_security deaths_civilian deaths_militant recruits militants ' ]"
check "compare default default: every difference is exactly 0" \
  "[ \$(wc -l <same/differences.csv) -eq \$((30 * 6 + 1)) ] && awk -F, 'NR>1 && (\$5 != \"0\" || \$3 != \$4) {bad=1} END {exit bad}' same/differences.csv && awk -F, 'NR>1 && (\$4 != 0 || \$5 != 0 || \$7 != 0 || \$8 != 0) {bad=1} END {exit bad}' same/summary.csv"

$T compare default default --alt-without 28 --runs 6 --from 2022 --to 2023 --threads 1 --out w1 -q; rc=$?
$T compare default default --alt-without 28 --runs 6 --from 2022 --to 2023 --threads 2 --out w2 -q
check "--alt-without 28: exit 0; --threads 1 and 2 give identical bytes" \
  "[ $rc -eq 0 ] && cmp -s w1/differences.csv w2/differences.csv && cmp -s w1/summary.csv w2/summary.csv"
$T compare default default --alt-without 28 --runs 6 --from 2022 --to 2023 --no-branch --out w3 -q
check "branching ALT from BASE's shared history (before 2022-06-02) gives the bytes of running ALT from the start (--no-branch)" \
  "cmp -s w1/differences.csv w3/differences.csv && cmp -s w1/summary.csv w3/summary.csv"
$T compare default default --runs 30 --to 2004 --no-branch --out same2 -q
check "identical scenarios: the same bytes with and without branching" "cmp -s same/differences.csv same2/differences.csv"
check "--alt-without 28 changes something" "awk -F, 'NR>1 && \$5 != \"0\" {f=1} END {exit !f}' w1/differences.csv"
crn_ok=1
for i in 0 3 5; do
  $T run --seed 1 --run $i --to 2023 --by year --out b$i -q
  $T run --seed 1 --run $i --to 2023 --by year --without 28 --out a$i -q
  for v in attacks deaths_security deaths_civilian deaths_militant recruits militants; do
    if [ $v = militants ]; then
      b=$(awk -F, -v v=$v '$1=="2023" && $3=="all" && $4==v {print $5}' b$i/series.csv)
      a=$(awk -F, -v v=$v '$1=="2023" && $3=="all" && $4==v {print $5}' a$i/series.csv)
    else
      b=$(awk -F, -v v=$v '($1=="2022" || $1=="2023") && $3=="all" && $4==v {s+=$5} END {print s}' b$i/series.csv)
      a=$(awk -F, -v v=$v '($1=="2022" || $1=="2023") && $3=="all" && $4==v {s+=$5} END {print s}' a$i/series.csv)
    fi
    got=$(awk -F, -v i=$i -v v=$v '$1==i && $2==v {print $3, $4, $5}' w1/differences.csv)
    exp="$b $a $(awk -v a="$a" -v b="$b" 'BEGIN {print a - b}')"
    [ "$got" = "$exp" ] || { crn_ok=0; echo "# run $i $v: expected '$exp' got '$got'"; }
  done
done
check "per-run differences equal those of 'truce run --seed 1 --run i' with and without --without 28" "[ $crn_ok -eq 1 ]"

$T compare default default --alt-set attack_rate=0.05 --runs 4 --to 2004 --out s -q; rc=$?
check "--alt-set changes ALT only: BASE's values are those of the plain comparison, ALT's differ" \
  "[ $rc -eq 0 ] && [ \"\$(awk -F, '\$1<4 {print \$1,\$2,\$3}' s/differences.csv)\" = \"\$(awk -F, '\$1<4 {print \$1,\$2,\$3}' same/differences.csv)\" ] && awk -F, 'NR>1 && \$2==\"attacks\" && \$5 != \"0\" {f=1} END {exit !f}' s/differences.csv"

badc() { # name regex args...
  name=$1; re=$2; shift 2
  $T compare "$@" --out badout -q 2>err; rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$re" err && [ ! -e badout ]; then ok "$name"; else no "$name (rc $rc: $(cat err))"; fi
  rm -rf badout
}
badc "one scenario only: exit 2" "expected two scenarios" default
badc "--runs 0: exit 2" "--runs: '0'" default default --runs 0
badc "unknown episode: exit 2" "no_such_episode" default default --alt-without no_such_episode --runs 2
badc "bad --from: exit 2" "--from: '20x'" default default --from 20x
badc "window outside the horizon: exit 2" "not inside" default default --from 2030 --to 2025 --runs 2
badc "missing scenario file: exit 2" "nofile.yaml" default nofile.yaml --runs 2
# --posterior: pair i draws one particle by weight for both BASE and ALT.
printf 'weight,regroup_strength,attack_rate\n0,0,1e-4\n1,1.5,2e-4\n' >post1.csv
$T compare default default --posterior post1.csv --runs 3 --to 2004 --out pp -q; rc=$?
$T run --seed 1 --run 1 --to 2004 --by year --set regroup_strength=1.5 --set attack_rate=2e-4 --out pr1 -q
exp=$(awk -F, 'NR>1 && $3=="all" && $4=="attacks" {s+=$5} END {print s}' pr1/series.csv)
got=$(awk -F, '$1==1 && $2=="attacks" {print $3}' pp/differences.csv)
check "--posterior: identical scenarios still differ by exactly 0" \
  "[ $rc -eq 0 ] && awk -F, 'NR>1 && \$5 != \"0\" {bad=1} END {exit bad}' pp/differences.csv && grep -q '\"source\": \"posterior\"' pp/summary.json"
check "--posterior with one particle of weight 1: BASE of pair 1 is truce run --run 1 with its values" "[ -n \"$exp\" ] && [ \"$exp\" = \"$got\" ]"
$T compare default default --posterior post1.csv --alt-set attack_rate=3e-4 --runs 2 --to 2004 --out pa -q
$T run --seed 1 --run 1 --to 2004 --by year --set regroup_strength=1.5 --set attack_rate=3e-4 --out pa1 -q
exp=$(awk -F, 'NR>1 && $3=="all" && $4=="attacks" {s+=$5} END {print s}' pa1/series.csv)
got=$(awk -F, '$1==1 && $2=="attacks" {print $4}' pa/differences.csv)
check "--posterior with --alt-set: ALT keeps its override, the particle's other values" "[ -n \"$exp\" ] && [ \"$exp\" = \"$got\" ]"
printf 'attack_rate\n1e-4\n' >post3.csv
badc "--posterior without weights: exit 2" "post3.csv:1: weight" default default --posterior post3.csv --runs 2
check "summary.json records version, command, both scenarios' hashes, seed, runs, window, branch day, overrides" \
  "grep -q '\"truce_version\"' w1/summary.json && grep -q '\"command\": \"truce compare' w1/summary.json && grep -q '\"alt_without\": \[\"28\"\]' w1/summary.json && grep -q '\"alt_branches_on\": \"2022-06-02\"' w1/summary.json && grep -q '\"from\": \"2022-01-01\"' w1/summary.json && [ \$(grep -c 'scenario_hash' w1/summary.json) -eq 2 ] && ! grep -q \"\$PWD\" w1/summary.json"
check "summary.json leaves out --threads: the same bytes for 1 and 2 threads" "cmp -s w1/summary.json w2/summary.json"
check "compare --help" "$T compare --help | grep -q 'usage: truce compare'"
exit $fail
