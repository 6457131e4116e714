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
exit $fail
