#!/bin/sh
# truce validate: posterior predictive checks (ppc), forecasts and SBC (docs/validate.md):
# headers, the same bytes for any thread count, bands that hold the observed values where they
# should, and errors that name the file, line and field (exit 2).
set -u
T=${TRUCE:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
cd "$W"
for sub in ppc forecast sbc; do
  $T validate $sub --help > h.txt; rc=$?
  check "validate $sub --help exits 0 and names its outputs" "[ $rc -eq 0 ] && grep -q 'usage: truce validate $sub' h.txt"
done
$T validate --help > h.txt; check "validate --help lists the subcommands" "grep -q ppc h.txt && grep -q forecast h.txt && grep -q sbc h.txt"
$T validate ppx 2>err; rc=$?
check "an unknown subcommand exits 2 with a suggestion" "[ $rc -eq 2 ] && grep -q \"did you mean 'ppc'\" err"

# ---- ppc ----
printf 'weight,obs_rate_picss,obs_rate_pips\n1,1,1\n2,0.5,2\n1,1.5,0.8\n' > post.csv
$T validate ppc --posterior post.csv --draws 30 --threads 1 --out p1 -q; rc=$?
check "ppc exits 0 and writes its four files" "[ $rc -eq 0 ] && [ -s p1/ppc.csv ] && [ -s p1/ppc_summary.csv ] && [ -s p1/ppc_episodes.csv ] && [ -s p1/ppc.json ]"
check "ppc.csv header" "[ \"\$(head -1 p1/ppc.csv)\" = 'series,period,period_start,observed,q05,q25,q50,q75,q95' ]"
check "ppc_summary.csv header" "[ \"\$(head -1 p1/ppc_summary.csv)\" = 'series,periods,share50,share90' ]"
$T validate ppc --posterior post.csv --draws 30 --threads 2 --out p2 -q
check "ppc: the same bytes on 1 and 2 threads" "cmp -s p1/ppc.csv p2/ppc.csv && cmp -s p1/ppc_summary.csv p2/ppc_summary.csv && cmp -s p1/ppc_episodes.csv p2/ppc_episodes.csv"
check "bands are ordered (q05 <= q25 <= q50 <= q75 <= q95)" \
  "awk -F, 'NR>1 { n=NF; if (!(\$(n-4) <= \$(n-3) && \$(n-3) <= \$(n-2) && \$(n-2) <= \$(n-1) && \$(n-1) <= \$n)) bad=1 } END {exit bad}' p1/ppc.csv"
check "observed values are the data's (PICSS Pakistan attacks 2024-02 = 97, PIPS 2009 = 2586)" \
  "grep -q '^\"PICSS:attacks:Pakistan\",2024-02,2024-02-01,97,' p1/ppc.csv && grep -q '^\"PIPS:attacks:Pakistan\",2009,2009-01-01,2586,' p1/ppc.csv"
check "shares are in [0, 1] and the 90 % share is at least the 50 % share" \
  "awk -F, 'NR>1 { a=\$(NF-1); b=\$NF; if (a < 0 || b > 1 || b < a) bad=1 } END {exit bad}' p1/ppc_summary.csv"
# recount one series' shares from ppc.csv
check "ppc_summary.csv's shares are those of ppc.csv (PICSS Pakistan attacks)" \
  "awk -F, 'FNR==1 {next} FILENAME ~ /ppc.csv\$/ && \$1 == \"\\\"PICSS:attacks:Pakistan\\\"\" { n++; if (\$4 >= \$6 && \$4 <= \$8) a++; if (\$4 >= \$5 && \$4 <= \$9) b++ }
        FILENAME ~ /summary/ && \$1 == \"\\\"PICSS:attacks:Pakistan\\\"\" { want = \$2 \",\" \$3 \",\" \$4 }
        END { got = n \",\" a / n \",\" b / n; split(want, w, \",\"); exit !(w[1] == n && (w[2] - a / n) ^ 2 < 1e-18 && (w[3] - b / n) ^ 2 < 1e-18) }' p1/ppc.csv p1/ppc_summary.csv"
check "the 2022 ceasefire (28) is studied on the simulated series beside the observed (1.69)" \
  "grep -q '^\"PICSS:attacks:Pakistan\",28,after/before,1.68786' p1/ppc_episodes.csv"
check "ppc.json records the posterior's hash and the draws" \
  "grep -q '\"posterior\": {\"file\": \"post.csv\", \"hash\": \"[0-9a-f]\{16\}\"' p1/ppc.json && grep -q '\"draws\": 30' p1/ppc.json"
$T validate ppc --draws 5 --out x -q 2>err; rc=$?
check "ppc without --posterior: exit 2" "[ $rc -eq 2 ] && grep -q posterior err && [ ! -e x ]"
printf 'weight,no_such_param\n1,2\n' > bad.csv
$T validate ppc --posterior bad.csv --draws 5 --out x -q 2>err; rc=$?
check "a posterior column that is not a parameter: exit 2 naming file:line: field" "[ $rc -eq 2 ] && grep -q 'bad.csv:1: no_such_param' err"
printf 'weight,obs_rate_picss\n1,abc\n' > bad2.csv
$T validate ppc --posterior bad2.csv --draws 5 --out x -q 2>err; rc=$?
check "a posterior value that is not a number: exit 2 naming file:line: field" "[ $rc -eq 2 ] && grep -q 'bad2.csv:2: obs_rate_picss' err"
printf 'weight,obs_rate_picss\n1,99\n' > bad3.csv
$T validate ppc --posterior bad3.csv --draws 5 --out x -q 2>err; rc=$?
check "a posterior value out of bounds: exit 2" "[ $rc -eq 2 ] && grep -q 'bad3.csv:2: obs_rate_picss' err"
printf 'period,metric,value,source,geography,url,note\n2019,attacks,229,PIPS,Pakistan,,\n2019-01,attacks,26,PIPS,Pakistan,,\n' > mine.csv
$T validate ppc --posterior post.csv --data mine.csv --draws 10 --out d -q; rc=$?
check "--data replaces the shipped series" "[ $rc -eq 0 ] && [ \$(wc -l < d/ppc.csv) -eq 3 ] && grep -q '\"mine.csv\": \"[0-9a-f]\{16\}\"' d/ppc.json"
$T validate ppc --posterior post.csv --data mine.csv --data mine.csv --draws 3 --out d2 -q; rc=$?
check "--data twice: the rows of both" "[ $rc -eq 0 ] && [ \$(wc -l < d2/ppc.csv) -eq 5 ]"
$T validate ppc --posterior post.csv --cutoff 2022-12 --out x -q 2>err; rc=$?
check "an option of another subcommand is refused (exit 2)" "[ $rc -eq 2 ] && grep -q \"'--cutoff' is not an option of 'truce validate ppc'\" err"

# ---- forecast (a tiny fit: the numbers are not a calibration, the plumbing is checked) ----
FC="--cutoff 2022-12 --sims 128 --particles 32 --draws 10 --estimate obs_rate_picss,obs_rate_pips"
$T validate forecast $FC --threads 2 --out f2 -q; rc=$?
check "forecast exits 0 and writes its files" "[ $rc -eq 0 ] && for f in forecast_scores.csv forecast.csv forecast.json fit.json posterior.csv; do [ -s f2/\$f ] || exit 1; done"
check "forecast_scores.csv header" "[ \"\$(head -1 f2/forecast_scores.csv)\" = 'series,method,crps,mis90,n' ]"
check "six methods per series" "[ \$(grep -c '^\"PICSS:attacks:Pakistan\",' f2/forecast_scores.csv) -eq 6 ] && for m in model model_unconditional zero last conflictology seasonal; do grep -q \"^\\\"PICSS:attacks:Pakistan\\\",\$m,\" f2/forecast_scores.csv || exit 1; done"
check "fit.json shows the data's last period: the cutoff" "grep -q '\"data_last_period\": \"2022-12\"' f2/fit.json"
check "only months after the cutoff are forecast" "awk -F, 'NR>1 && \$2 <= \"2022-12\" {bad=1} END {exit bad}' f2/forecast.csv"
check "the zero baseline scores CRPS = observed and MIS90 = 20 x observed" \
  "awk -F, 'NR>1 && \$4 == \"zero\" { if ((\$8 - \$3) ^ 2 > 1e-12 || (\$9 - 20 * \$3) ^ 2 > 1e-8) bad=1; n++ } END {exit bad || !n}' f2/forecast.csv"
check "the unconditional forecast removes the episodes recorded after the cutoff (29, 30, ...)" "grep -q '\"unconditional_without\": \[\"29\", \"30\"' f2/forecast.json"
$T validate forecast $FC --threads 1 --out f1 -q
check "forecast: the same bytes on 1 and 2 threads" "cmp -s f1/forecast_scores.csv f2/forecast_scores.csv && cmp -s f1/forecast.csv f2/forecast.csv && cmp -s f1/posterior.csv f2/posterior.csv"
check "no staging folder is left beside the output" "! ls -a | grep -q truce-fit"
$T validate forecast --draws 5 --out x -q 2>err; rc=$?
check "forecast without --cutoff: exit 2" "[ $rc -eq 2 ] && grep -q cutoff err"
$T validate forecast --cutoff 2031-01 --draws 5 --out x -q 2>err; rc=$?
check "a cutoff outside the horizon: exit 2" "[ $rc -eq 2 ] && grep -q cutoff err && [ ! -e x ]"

# ---- sbc (a short one on a shortened scenario; make check-slow runs >= 100 replications) ----
SB="--estimate obs_rate_pips,attack_rate --reps 4 --sims 128 --particles 32 --to 2011"
$T validate sbc $SB --threads 2 --out s2 -q; rc=$?
check "sbc exits 0 and writes its files" "[ $rc -eq 0 ] && [ -s s2/sbc.csv ] && [ -s s2/sbc_summary.csv ] && [ -s s2/sbc.json ]"
check "sbc.csv header and one row per replication and parameter" "[ \"\$(head -1 s2/sbc.csv)\" = 'rep,parameter,true,rank,of,in50,in90' ] && [ \$(wc -l < s2/sbc.csv) -eq 9 ]"
check "sbc_summary.csv header" "[ \"\$(head -1 s2/sbc_summary.csv)\" = 'parameter,reps,chi2,df,p_uniform,coverage50,coverage90' ]"
check "ranks lie in 0..L and in90 holds whenever in50 does" "awk -F, 'NR>1 { if (\$4 < 0 || \$4 > \$5 || (\$6 == 1 && \$7 != 1)) bad=1 } END {exit bad}' s2/sbc.csv"
check "coverage is the share of in50/in90 over the replications" \
  "awk -F, 'FILENAME ~ /sbc.csv/ && FNR>1 && \$2 == \"attack_rate\" { n++; a += \$6; b += \$7 } FILENAME ~ /summary/ && \$1 == \"attack_rate\" { c50 = \$6; c90 = \$7 } END { exit !((c50 - a / n) ^ 2 < 1e-18 && (c90 - b / n) ^ 2 < 1e-18) }' s2/sbc.csv s2/sbc_summary.csv"
check "theta* is a prior draw, not the scenario's default" "awk -F, 'NR>1 && \$2 == \"attack_rate\" && \$3 != 0.00012 {d++} END {exit d < 4}' s2/sbc.csv"
$T validate sbc $SB --threads 1 --out s1 -q
check "sbc: the same bytes on 1 and 2 threads" "cmp -s s1/sbc.csv s2/sbc.csv && cmp -s s1/sbc_summary.csv s2/sbc_summary.csv"
$T validate sbc --reps 3 --out x -q 2>err; rc=$?
check "sbc without --estimate: exit 2" "[ $rc -eq 2 ] && grep -q estimate err"
$T validate sbc --estimate nope --reps 3 --out x -q 2>err; rc=$?
check "sbc with an unknown parameter: exit 2 naming it" "[ $rc -eq 2 ] && grep -q \"'nope' is not a parameter\" err"
exit $fail
