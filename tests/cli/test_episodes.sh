#!/bin/sh
# truce episodes on the shipped data: every episode for every metric, the 2021 and 2022
# ceasefires resolved, 2014 NA with a reason, byte-identical output for one seed.
set -u
T=${TRUCE:-build/truce}
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
ROOT=${TRUCE_ROOT:-.}
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run away from the repository: the shipped data must be built in
(cd "$tmp" && "$T" episodes --placebos 200 > "$tmp/a.csv") && ok "episodes runs with no files, outside the repo" || no "episodes with no files"

ids=$(tail -n +2 "$ROOT/data/pak_ttp_timeline.csv" | cut -d, -f1)
missing=0
for id in $ids; do
    for m in attacks killed; do
        n=$(awk -F, -v id="$id" -v m="$m" '$1==id && $6==m' "$tmp/a.csv" | wc -l)
        [ "$n" -eq 1 ] || { missing=1; echo "# episode $id metric $m: $n rows"; }
    done
done
[ $missing -eq 0 ] && ok "every timeline episode appears once for each metric" || no "episodes missing"

# numeric ratio and interval: columns 10-12
row() { awk -F, -v s="$1" -v m="$2" '$3==s && $6==m' "$tmp/a.csv"; }
isnum() { echo "$1" | grep -Eq '^[0-9.e+-]+$'; }
for spec in "2021-11-09 attacks" "2022-06-02 attacks" "2022-06-02 killed"; do
    set -- $spec
    r=$(row "$1" "$2")
    f10=$(echo "$r" | cut -d, -f10); f11=$(echo "$r" | cut -d, -f11); f12=$(echo "$r" | cut -d, -f12)
    f13=$(echo "$r" | cut -d, -f13); f16=$(echo "$r" | cut -d, -f16)
    if isnum "$f10" && isnum "$f11" && isnum "$f12" && isnum "$f13" && isnum "$f16" &&
       awk -v r="$f10" -v l="$f11" -v h="$f12" 'BEGIN{exit !(l<=r && r<=h)}'; then
        ok "ceasefire $1 $2: ratio $f10 [$f11, $f12], adjusted $f13, placebo p $f16"
    else
        no "ceasefire $1 $2 not resolved: $r"
    fi
done
# over-dispersed shipped series: the reported interval is the negative-binomial one, and
# the exact Poisson interval stays in its own columns (method column 18, exact 28-29)
for spec in "2021-11-09 attacks" "2022-06-02 attacks"; do
    set -- $spec
    r=$(row "$1" "$2")
    meth=$(echo "$r" | cut -d, -f18)
    python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["start"] == sys.argv[2] and r["metric"] == sys.argv[3]]
r = rows[0]
lo, hi, elo, ehi = (float(r[k]) for k in ("ci_low", "ci_high", "exact_ci_low", "exact_ci_high"))
ok = r["method"].startswith("negative-binomial") and "NB2 alpha" in r["note"] \
     and elo <= float(r["ratio_after_before"]) <= ehi and (lo, hi) != (elo, ehi) and lo < elo and hi > ehi
sys.exit(0 if ok else 1)' "$tmp/a.csv" "$1" "$2" \
        && ok "ceasefire $1 $2: $meth interval, wider than the exact one kept beside it" \
        || no "ceasefire $1 $2: expected a negative-binomial interval and the exact one: $r"
done
r=$(row 2014-03-01 attacks)
f10=$(echo "$r" | cut -d, -f10)
note=$(echo "$r" | cut -d, -f19-)
if [ "$f10" = NA ] && echo "$note" | grep -q 'no data\|too coarse\|only'; then
    ok "2014-03-01 ceasefire is NA with a note"
else
    no "2014-03-01 should be NA with a note: $r"
fi

"$T" episodes --placebos 200 > "$tmp/b.csv"
cmp -s "$tmp/a.csv" "$tmp/b.csv" && ok "same seed, same bytes" || no "same seed gave different bytes"
"$T" episodes --placebos 200 --seed 7 > "$tmp/c.csv"
cmp -s "$tmp/a.csv" "$tmp/c.csv" && no "another seed should change the placebo draws" || ok "another seed changes the placebo draws"

"$T" episodes --placebos 200 --out "$tmp/d.csv" > /dev/null && cmp -s "$tmp/a.csv" "$tmp/d.csv" \
    && ok "--out writes the same CSV" || no "--out differs"
"$T" episodes --table --kind ceasefire --placebos 50 > "$tmp/t.txt" && grep -q '^25 ' "$tmp/t.txt" \
    && ! grep -q '^26 ' "$tmp/t.txt" && ok "--table with --kind ceasefire" || no "--table / --kind"
head -1 "$tmp/a.csv" | grep -q '^episode,kind,start,end,source,metric,rate_before,rate_during,rate_after,ratio_after_before,ci_low,ci_high,adj_ratio,adj_ci_low,adj_ci_high,p_placebo,n_placebo,method,note' \
    && ok "required columns in order" || no "header"
grep -q '^pooled:ceasefire,ceasefire,,,PICSS,attacks,' "$tmp/a.csv" && ok "pooled ceasefire row" || no "pooled row"
"$T" episodes --window 6m --placebos 50 > "$tmp/m.csv" && ok "--window 6m" || no "--window 6m"

# an aggregated event file (as truce events aggregate prints it)
cat > "$tmp/agg.csv" <<'CSV'
period,group,events,deaths
2021-06,TTP,10,20
2021-07,TTP,12,
2021-08,TTP,9,15
2021-10,TTP,11,30
2021-11,TTP,3,4
2021-12,TTP,8,9
2022-01,TTP,12,25
2022-02,TTP,13,20
2022-03,TTP,10,10
2021-06,Other,1,1
CSV
"$T" episodes --series "$tmp/agg.csv" --kind ceasefire --placebos 20 > "$tmp/g.csv" \
    && awk -F, '$1==25 && $6=="events"' "$tmp/g.csv" | cut -d, -f7 | grep -Eq '^[0-9.]+$' \
    && ok "aggregated event file: events resolved for 2021-11-09" || no "aggregated event file"
# 2021-09 is absent between known months: zero events, not unknown (before window fully known)
python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["episode"] == "25" and r["metric"] == "events"]
sys.exit(0 if rows and rows[0]["days_before"] == "90" else 1)' "$tmp/g.csv" \
    && ok "aggregated event file: absent period inside coverage counts as zero" || no "zero fill"
# raw event files (UCDP GED) through the events module
GED="$ROOT/data/ucdp_ged231_sample_pakistan_events.csv"
"$T" episodes --events "$GED" --dyad "Government of Pakistan - TTP" --placebos 20 > "$tmp/ged.csv" \
    && [ "$(awk -F, '$6=="events"' "$tmp/ged.csv" | wc -l)" -eq "$(awk -F, '$6=="deaths"' "$tmp/ged.csv" | wc -l)" ] \
    && grep -q '^25,ceasefire,2021-11-09,2021-12-09,UCDP GED,events,' "$tmp/ged.csv" \
    && ok "raw GED sample (TTP dyad): events and deaths rows from UCDP GED" || no "raw GED sample"

# a generated UCDP file whose counts around one episode are known: 9 events (2 deaths
# each) before 2020-04-01, 2 (1 death each) during April, 3 (3 deaths each) after, plus 5
# events of another dyad the --dyad filter must drop
python3 - "$GED" "$tmp/gen.csv" <<'PY'
import csv, sys
src = csv.DictReader(open(sys.argv[1], newline=''))
tmpl = next(r for r in src if r["dyad_name"] == "Government of Pakistan - TTP")
out = csv.DictWriter(open(sys.argv[2], "w", newline=''), fieldnames=src.fieldnames)
out.writeheader()
def ev(i, day, best, dyad="Government of Pakistan - TTP"):
    r = dict(tmpl, id=str(900000 + i), date_start=day, date_end=day, dyad_name=dyad,
             best=str(best), low=str(best), high=str(best), deaths_a=str(best), deaths_b="0",
             deaths_civilians="0", deaths_unknown="0")
    out.writerow(r)
days = ["2020-02-01", "2020-02-10", "2020-02-20", "2020-03-01", "2020-03-05",
        "2020-03-10", "2020-03-20", "2020-03-20", "2020-03-31"]
for i, d in enumerate(days): ev(i, d, 2)
ev(20, "2020-04-01", 1); ev(21, "2020-04-30", 1)
ev(30, "2020-05-01", 3); ev(31, "2020-06-01", 3); ev(32, "2020-06-29", 3)
for i in range(5): ev(40 + i, "2020-03-1%d" % i, 7, dyad="Government of Pakistan - Other")
PY
printf 'id,start,end,kind\nE1,2020-04-01,2020-04-30,ceasefire\n' > "$tmp/tl.csv"
# check FILE METRIC before during after ratio days_before days_after
rates() {
    python3 -c '
import csv, sys
f, m = sys.argv[1], sys.argv[2]
want = [float(x) for x in sys.argv[3:]]
rows = [r for r in csv.DictReader(open(f)) if r["episode"] == "E1" and r["metric"] == m]
if len(rows) != 1: sys.exit("# %d rows for %s" % (len(rows), m))
r = rows[0]
got = [float(r[k]) for k in ("rate_before", "rate_during", "rate_after", "ratio_after_before",
                             "days_before", "days_after")]
ok = all(abs(g - w) <= 1e-5 * max(1, abs(w)) for g, w in zip(got, want))
if not ok: print("# got", got, "want", want)
sys.exit(0 if ok else 1)' "$@"
}
# span from the first to the last event: before window covered from 2020-02-01 (60 of 90
# days), after window to 2020-06-29 (60 of 90 days)
"$T" episodes --events "$tmp/gen.csv" --dyad "Government of Pakistan - TTP" --timeline "$tmp/tl.csv" \
    --placebos 20 > "$tmp/gen1.csv" \
    && rates "$tmp/gen1.csv" events 4.5 2 1.5 0.333333 60 60 \
    && rates "$tmp/gen1.csv" deaths 9 2 4.5 0.5 60 60 \
    && ok "generated UCDP file, span first..last event: rates 4.5/2/1.5 events, 9/2/4.5 deaths per 30 days" \
    || no "generated UCDP file, default span"
# --from/--to widen the span: days with no event are zero, so windows are fully known
"$T" episodes --events "$tmp/gen.csv" --dyad "Government of Pakistan - TTP" --timeline "$tmp/tl.csv" \
    --from 2019-06 --to 2020-12 --metric events,deaths,deaths_a --placebos 20 > "$tmp/gen2.csv" \
    && rates "$tmp/gen2.csv" events 3 2 1 0.333333 90 90 \
    && rates "$tmp/gen2.csv" deaths 6 2 3 0.5 90 90 \
    && rates "$tmp/gen2.csv" deaths_a 6 2 3 0.5 90 90 \
    && ok "generated UCDP file, --from/--to: empty days are zero, rates 3/2/1 events, 6/2/3 deaths" \
    || no "generated UCDP file, --from/--to"
# without the dyad filter the other dyad's 5 events (all before) count
"$T" episodes --events "$tmp/gen.csv" --timeline "$tmp/tl.csv" --from 2019-06 --to 2020-12 \
    --metric events --placebos 20 > "$tmp/gen3.csv" \
    && rates "$tmp/gen3.csv" events 4.66667 2 1 0.214286 90 90 \
    && ok "no filter: every dyad counted" || no "no filter"
# bad input exits 2 and names the file
"$T" episodes --events "$tmp/missing.csv" > /dev/null 2> "$tmp/e1" ; rc=$?
[ $rc -eq 2 ] && grep -q "missing.csv" "$tmp/e1" && ok "missing event file: exit 2 naming it" || no "missing event file (rc $rc)"
printf 'a,b\n1,2\n' > "$tmp/unknown.csv"
"$T" episodes --events "$tmp/unknown.csv" > /dev/null 2> "$tmp/e2" ; rc=$?
[ $rc -eq 2 ] && grep -q "unknown.csv" "$tmp/e2" && ok "unrecognised event format: exit 2 naming the file" || no "unrecognised format (rc $rc)"
"$T" episodes --events "$tmp/gen.csv" --format acled > /dev/null 2> "$tmp/e3" ; rc=$?
[ $rc -eq 2 ] && grep -q "gen.csv" "$tmp/e3" && ok "UCDP file read as --format acled: exit 2 naming the file" || no "--format acled on UCDP (rc $rc)"
"$T" episodes --events "$tmp/gen.csv" --format xml > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "--format xml: exit 2" || no "--format xml (rc $rc)"
"$T" episodes --events "$tmp/gen.csv" --dyad nobody > /dev/null 2> "$tmp/e4" ; rc=$?
[ $rc -eq 2 ] && grep -q "gen.csv" "$tmp/e4" && ok "no event after filters and no span: exit 2 naming the file" || no "empty after filters (rc $rc)"
"$T" episodes --dyad x > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "event filters without --events: exit 2" || no "filters without --events (rc $rc)"

# ---- evidence fixes: aggregated files built here ----
col() { # FILE EPISODE COLUMN -> value
    python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["episode"] == sys.argv[2] and r["metric"] == "events": print(r[sys.argv[3]]); break' "$1" "$2" "$3"
}
mk_agg() { # FILE ZERO_FROM ZERO_TO (months yyyy-mm, inclusive, given as numbers yyyymm)
    { echo "period,group,events,deaths"
      for y in 2017 2018 2019 2020 2021; do for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
          v=$(( (${m#0} * 7 + y) % 9 + 6 ))
          [ "$y$m" -ge "$2" ] && [ "$y$m" -le "$3" ] && v=0
          echo "$y-$m,a,$v,$v"; done; done; } > "$1"
}
printf 'id,start,end,kind\nM1,2020-03-01,2020-03-31,ceasefire\nJ1,2019-01-01,2019-01-30,talks\n' > "$tmp/tlm.csv"
mk_agg "$tmp/agg1.csv" 0 0
"$T" episodes --series "$tmp/agg1.csv" --metric events --timeline "$tmp/tlm.csv" --window 1m --placebos 50 > "$tmp/w1.csv" 2>/dev/null
v=$(col "$tmp/w1.csv" M1 adj_ratio); p=$(col "$tmp/w1.csv" M1 n_placebo)
if isnum "$v" && [ "${p:-0}" -gt 0 ]; then ok "--window 1m from 1 March keeps the 30/31-day months: adjusted $v, $p placebos"
else no "--window 1m from 1 March: adjusted '$v', placebos '$p'"; fi
v=$(col "$tmp/w1.csv" J1 days_after)
[ "$v" = 29 ] && ok "1m after window from 31 January runs to 28 February (29 days)" || no "1m after window from 31 January: days_after $v, want 29"

mk_agg "$tmp/agg0.csv" 202004 202006
printf 'id,start,end,kind\nS1,2020-03-01,2020-03-31,ceasefire\nS2,2018-03-01,2018-03-31,ceasefire\nS3,2019-03-01,2019-03-31,ceasefire\n' > "$tmp/tls.csv"
"$T" episodes --series "$tmp/agg0.csv" --metric events --timeline "$tmp/tls.csv" --placebos 20 > "$tmp/s.csv" 2>/dev/null
v=$(col "$tmp/s.csv" S1 adj_ratio); n=$(col "$tmp/s.csv" S1 note)
if [ "$v" = NA ] && echo "$n" | grep -q separated; then ok "all-zero after window: adjusted ratio NA, note says separated"
else no "all-zero after window: adjusted '$v', note '$n'"; fi
grep -q 'Inf' "$tmp/s.csv" && no "Inf written into the episodes CSV" || ok "no Inf in the episodes CSV"
pl=$(awk -F, '$1 ~ /^pooled/ && $6=="events"{print $0}' "$tmp/s.csv")
echo "$pl" | grep -q 'S1' && no "separated episode S1 pooled: $pl" || ok "separated episode left out of the pooled estimate"

printf 'period,group,events,deaths\n2020-01,a,5,5\n2020-02,a,,\n2020-05,a,7,7\n' > "$tmp/gap.csv"
printf 'id,start,end,kind\nG1,2020-03-01,2020-03-10,ceasefire\n' > "$tmp/tlg.csv"
"$T" episodes --series "$tmp/gap.csv" --metric events --timeline "$tmp/tlg.csv" --window 60d --placebos 10 > "$tmp/gp.csv" 2>/dev/null
v=$(col "$tmp/gp.csv" G1 days_before)
[ "$v" = 31 ] && ok "an empty value is unknown, not zero: days_before 31" || no "empty value: days_before '$v', want 31"

"$T" episodes --series "$tmp/agg1.csv" --metric events --timeline "$tmp/tlm.csv" --placebos 5 --out "$tmp/nodir/x.csv" 2> "$tmp/eo"; rc=$?
[ $rc -ne 0 ] && grep -q 'nodir.*does not exist' "$tmp/eo" && ok "--out failure names the reason" || no "--out failure: rc $rc, $(cat "$tmp/eo")"
mkdir "$tmp/od"
"$T" episodes --series "$tmp/agg1.csv" --metric events --timeline "$tmp/tlm.csv" --placebos 5 --out "$tmp/od/x.csv" 2>/dev/null
[ "$(ls "$tmp/od")" = x.csv ] && ok "--out leaves only the file asked for" || no "--out left: $(ls "$tmp/od")"
mk_agg "$tmp/aggb.csv" 201812 201902
printf 'id,start,end,kind\nB1,2019-03-01,2019-03-31,ceasefire\n' > "$tmp/tlb.csv"
"$T" episodes --series "$tmp/aggb.csv" --metric events --timeline "$tmp/tlb.csv" --placebos 5 > "$tmp/b.csv" 2>/dev/null
v=$(col "$tmp/b.csv" B1 method)
[ "$v" = "none+adj:quasi-poisson-glm" ] && ok "no events before: method none+adj:quasi-poisson-glm" || no "no events before: method '$v'"
exit $fail
