#!/bin/sh
# Input handling found wanting by testers (issue 11): line ends, FIFOs, memory bounds,
# strict number and header rules, filters that match nothing, several group keys,
# episode selection, output rules, estimates and code lists. One or more checks per item;
# each name starts with the item number. Prints TAP; exits 1 on any failure.
set -u
T=${TRUCE:-build/truce}
ROOT=${TRUCE_ROOT:-.}
SAMPLE="$ROOT/data/ucdp_ged231_sample_pakistan_events.csv"
# Memory bounds are checked with ulimit -v, except under AddressSanitizer (which reserves
# terabytes of address space): there the run is only checked for the refusal.
case "${TRUCE_BUILD:-build}" in *asan*) VLIMIT=":" ;; *) VLIMIT="ulimit -v" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
    n=$((n + 1)); fail=1
    echo "not ok $n - $1"
    sed 's/^/# /' "$work/err" 2>/dev/null | head -8
}
# t NAME EXPECTED_RC STDERR_TEXT CMD...  (text "" = no check); stdout in $work/out
t() {
    t_name=$1 t_want=$2 t_text=$3
    shift 3
    timeout 60 "$@" >"$work/out" 2>"$work/err" </dev/null
    t_rc=$?
    if [ "$t_rc" -ne "$t_want" ]; then
        notok "$t_name: exit $t_rc, expected $t_want"
    elif [ -n "$t_text" ] && ! grep -qF -- "$t_text" "$work/err"; then
        notok "$t_name: stderr lacks '$t_text'"
    else
        ok "$t_name"
    fi
}
# has NAME PATTERN FILE: a fixed-string line check on a file
has() {
    if grep -qF -- "$2" "$3"; then ok "$1"; else notok "$1: '$2' not in $3"; fi
}
hasnt() {
    if grep -qF -- "$2" "$3"; then notok "$1: '$2' found in $3"; else ok "$1"; fi
}

# ---- 7: CR-only line ends are refused, never read as one header line ----------------
tr '\n' '\r' <"$SAMPLE" >"$work/cr.csv"
t "7 events: CR-only line ends refused (exit 2)" 2 "CR-only line ends" \
    "$T" events aggregate "$work/cr.csv"
t "7 events --strict: CR-only line ends refused" 2 "CR-only line ends" \
    "$T" events aggregate --strict "$work/cr.csv"
tr '\n' '\r' <"$ROOT/data/pak_ttp_timeline.csv" >"$work/cr_timeline.csv"
t "7 episodes: CR-only timeline refused" 2 "CR-only line ends" \
    "$T" episodes --timeline "$work/cr_timeline.csv"
mkdir -p "$work/scen/pakistan-ttp" "$work/data"
cp "$ROOT/scenarios/pakistan-ttp.yaml" "$work/scen/"
cp "$ROOT"/scenarios/pakistan-ttp/*.csv "$work/scen/pakistan-ttp/"
cp "$ROOT/data/pak_ttp_timeline.csv" "$work/data/"
tr '\n' '\r' <"$ROOT/scenarios/pakistan-ttp/policies.csv" >"$work/scen/pakistan-ttp/policies.csv"
t "7 run: CR-only scenario table named as such (not 'text after a closing quote')" 2 \
    "CR-only line ends" "$T" run --to 2002-02 --out "$work/o7" "$work/scen/pakistan-ttp.yaml"
# CRLF still reads.
sed 's/$/\r/' "$SAMPLE" >"$work/crlf.csv"
"$T" events aggregate "$SAMPLE" >"$work/lf.out" 2>/dev/null
t "7 events: CRLF still read" 0 "" "$T" events aggregate "$work/crlf.csv"
if cmp -s "$work/out" "$work/lf.out"; then ok "7 events: CRLF gives the LF table"
else notok "7 events: CRLF gives the LF table"; fi

# ---- 8: a FIFO is refused at once (exit 2), never waited on ---------------------------
mkfifo "$work/fifo"
t "8 events: FIFO refused" 2 "not a regular file" "$T" events aggregate "$work/fifo"
t "8 episodes --timeline FIFO refused" 2 "not a regular file" \
    "$T" episodes --timeline "$work/fifo"
t "8 episodes --series FIFO refused" 2 "not a regular file" "$T" episodes --series "$work/fifo"
t "8 run: FIFO scenario refused" 2 "not a regular file" "$T" run "$work/fifo"
t "8 events: a folder refused" 2 "not a regular file" "$T" events aggregate "$work"

# ---- 10: strict numbers and headers ---------------------------------------------------
t "10 run --seed ' -1' refused (not 2^64-1)" 2 "--seed" "$T" run --seed " -1" --to 2002-02 --out "$work/o10"
t "10 episodes --seed ' 7' refused" 2 "--seed" "$T" episodes --seed " 7"
t "10 events --max-warnings ' 3' refused" 2 "--max-warnings" \
    "$T" events aggregate --max-warnings " 3" "$SAMPLE"
{ echo "period,metric,value,source,geography"
  echo "2021-01,attacks,0x10,PICSS,Pakistan"
  echo "2021-02,attacks,12,PICSS,Pakistan"; } >"$work/hex.csv"
t "10 episodes: series value 0x10 refused (decimal only)" 2 "value" \
    "$T" episodes --series "$work/hex.csv" --metric attacks
for bad in inf nan " 12" 1_000; do
    sed "s/0x10/$bad/" "$work/hex.csv" >"$work/bad10.csv"
    t "10 episodes: series value '$bad' refused" 2 "value" \
        "$T" episodes --series "$work/bad10.csv" --metric attacks
done
{ sed -n 1p "$SAMPLE" | sed 's/$/,best/'; } >"$work/dup.csv"
sed -n '2,3p' "$SAMPLE" | sed 's/$/,7/' >>"$work/dup.csv"
t "10 events: header with best twice refused" 2 "column 'best' appears twice" \
    "$T" events aggregate "$work/dup.csv"
{ echo "period,metric,value,source,geography,value"; } >"$work/dup2.csv"
t "10 episodes: series header with value twice refused" 2 "column 'value' appears twice" \
    "$T" episodes --series "$work/dup2.csv"
head -c 16777000 /dev/zero | tr '\0' ',' >"$work/commas.csv"
t "10 events: a header of 16 MiB of commas refused in bounded memory" 2 "fields in one record" \
    sh -c "$VLIMIT 120000; "'exec "$0" events aggregate "$1"' "$T" "$work/commas.csv"

# ---- 9: --fill is bounded -----------------------------------------------------------
t "9 events --fill over 10 million rows refused with its size" 2 "would have 36159002 rows (11 groups x 3287182 periods)" \
    sh -c "$VLIMIT 300000; "'exec "$0" events aggregate --by day --group dyad --fill --from 1000 --to 9999 "$1"' \
    "$T" "$SAMPLE"
t "9 events --fill within the bound still fills" 0 "" \
    "$T" events aggregate --by year --group dyad --fill --from 1000 --to 9999 "$SAMPLE"

# ---- 12: a filter that matches nothing says so, with the nearest values ---------------
t "12 --country pakistan warns and names Pakistan" 0 \
    "--country 'pakistan' matched no row; nearest of the 1 value in the input: 'Pakistan'" \
    "$T" events aggregate --country pakistan "$SAMPLE"
t "12 --dyad with a trailing space names the dyad" 0 \
    "'Government of Pakistan - TTP' (differs only in case or spaces)" \
    "$T" events aggregate --dyad "Government of Pakistan - TTP " "$SAMPLE"
t "12 --type 4 lists the types" 0 "--type '4' matched no row" "$T" events aggregate --type 4 "$SAMPLE"
has "12 --type 4 names type 1" "'1'" "$work/err"
t "12 --actor ttp names TTP" 0 "'TTP' (differs only in case or spaces)" \
    "$T" events aggregate --actor ttp "$SAMPLE"
t "12 a filter that matches: no warning" 0 "" "$T" events aggregate --country Pakistan "$SAMPLE"
hasnt "12 a filter that matches: stderr empty" "matched no row" "$work/err"
t "12 episodes --events: the warning too" 2 "--country 'pakistan' matched no row" \
    "$T" episodes --events "$SAMPLE" --country pakistan

# ---- 13: several group keys ----------------------------------------------------------
t "13 --group dyad,type accepted" 0 "" "$T" events aggregate --by year --group dyad,type "$SAMPLE"
cp "$work/out" "$work/comma.out"
has "13 --group dyad,type: one column per key" "period,dyad,type,events,deaths," "$work/comma.out"
has "13 --group dyad,type: a row with both keys" "2007,Ansaar ul-Islam - Lashkar-e-Islam,2,1,9," "$work/comma.out"
t "13 --group dyad --group type keeps both" 0 "" \
    "$T" events aggregate --by year --group dyad --group type "$SAMPLE"
if cmp -s "$work/out" "$work/comma.out"; then ok "13 repeated --group equals the comma list"
else notok "13 repeated --group equals the comma list"; fi
"$T" events aggregate --by year --group dyad "$SAMPLE" >"$work/single.out" 2>/dev/null
if [ "$(awk -F, 'NR>1{e+=$(NF-5)}END{print e}' "$work/comma.out")" = \
     "$(awk -F, 'NR>1{e+=$(NF-5)}END{print e}' "$work/single.out")" ]; then
    ok "13 two keys count the same events as one"
else notok "13 two keys count the same events as one"; fi
has "13 one key keeps the column 'group'" "period,group,events,deaths," "$work/single.out"
t "13 a key given twice refused" 2 "'dyad' given twice" \
    "$T" events aggregate --group dyad --group dyad "$SAMPLE"
t "13 none with another key refused" 2 "cannot be combined" \
    "$T" events aggregate --group none,dyad "$SAMPLE"

# ---- 18: one output rule; shortest round-trip numbers; a header row -------------------
t "18 params --csv" 0 "" "$T" params --csv
hasnt "18 params --csv: no 8.3000000000000007" "8.3000000000000007" "$work/out"
has "18 params --csv: 8.3 as 8.3" "init_militants,init,4000,lognormal,8.3,0.5,0,200000," "$work/out"
python3 - "$work/out" <<'PY' >"$work/rt" 2>&1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = [r["name"] for r in rows for k in ("default", "a", "b", "lo", "hi")
       if repr(float(r[k])) != repr(float(repr(float(r[k])))) or len(r[k]) > len(repr(float(r[k]))) + 4]
print("bad:", bad[:5]) if bad else print("fine")
PY
has "18 params --csv: every number reads back and is short" "fine" "$work/rt"
t "18 params piped: CSV (as episodes)" 0 "" "$T" params
head -1 "$work/out" >"$work/h"
has "18 params piped: the CSV header" "name,mechanism,default,prior,a,b,lo,hi" "$work/h"
t "18 params --table: a header row" 0 "" "$T" params --table
head -1 "$work/out" >"$work/h"
has "18 params --table: header names the columns" "name" "$work/h"
has "18 params --table: header has default and prior" "default  prior" "$work/h"
t "18 episodes piped: CSV" 0 "" "$T" episodes --placebos 10
head -1 "$work/out" >"$work/h"
has "18 episodes piped: CSV header" "episode,kind," "$work/h"
t "18 episodes --csv accepted" 0 "" "$T" episodes --csv --placebos 10
t "18 events aggregate --table: a table" 0 "" "$T" events aggregate --table --by year "$SAMPLE"
head -1 "$work/out" >"$work/h"
has "18 events --table: aligned header" "period      group    events    deaths" "$work/h"
t "18 variables piped: CSV" 0 "" "$T" variables
head -1 "$work/out" >"$work/h"
has "18 variables piped: the CSV header" "name,kind,total,unit,description" "$work/h"
t "18 variables --table" 0 "" "$T" variables --table
has "18 variables --table: the table" "variable                         kind" "$work/out"
if command -v script >/dev/null 2>&1; then
    script -qc "$T params" /dev/null >"$work/tty" 2>&1
    has "18 params on a terminal: the table" "init_militants               init" "$work/tty"
    script -qc "$T events aggregate --csv --by year $SAMPLE" /dev/null >"$work/tty" 2>&1
    has "18 events --csv on a terminal: CSV" "period,group,events" "$work/tty"
fi

# ---- 14: episodes: pick, list, no data notes, full labels, the PIPS example ------------
t "14 episodes --episode 25 --episode 28" 0 "" "$T" episodes --episode 25 --episode 28 --placebos 20
ids=$(awk -F, 'NR>1{print $1}' "$work/out" | sort -u | tr '\n' ' ')
if [ "$ids" = "25 28 pooled:ceasefire " ]; then ok "14 --episode keeps only those (and their pool)"
else notok "14 --episode keeps only those: got '$ids'"; fi
t "14 --episode of an unknown id refused, naming the ids" 2 "no episode '99' in the timeline (it has 1,2," \
    "$T" episodes --episode 99
t "14 --episode of a data_note refused" 2 "data_note" "$T" episodes --episode 31
t "14 --kind data_note refused" 2 "not episodes" "$T" episodes --kind data_note
t "14 the study has no data_note row" 0 "" "$T" episodes --placebos 20
hasnt "14 no data_note kind in the study" ",data_note," "$work/out"
t "14 truce timeline lists the episodes" 0 "" "$T" timeline
has "14 truce timeline: CSV header" "id,start,end,kind,actors,region,description" "$work/out"
has "14 truce timeline: the 2021 ceasefire" "25,2021-11-09,2021-12-09,ceasefire," "$work/out"
cp "$work/out" "$work/tl.csv"
t "14 episodes --list is truce timeline" 0 "" "$T" episodes --list
if cmp -s "$work/out" "$work/tl.csv"; then ok "14 episodes --list prints the same"
else notok "14 episodes --list prints the same"; fi
t "14 truce timeline --table --kind data_note marks the note" 0 "" "$T" timeline --table --kind data_note
has "14 timeline table marks a data note" "[a note, not an episode]" "$work/out"
t "14 truce --help names timeline" 0 "" "$T" --help
has "14 truce --help names timeline" "timeline" "$work/out"
t "14 episodes --table: labels not cut" 0 "" "$T" episodes --table --kind cross_border_strike --placebos 20
has "14 the label cross_border_strike is whole" "cross_border_strike" "$work/out"
has "14 the label pooled:cross_border_strike is whole" "pooled:cross_border_strike" "$work/out"
# The documented PIPS example resolves episodes.
cmd=$(grep -o 'truce episodes --source PIPS[^#]*' "$ROOT/docs/episodes.md" | head -1 | sed 's/ --out [^ ]*//; s/^truce //')
# shellcheck disable=SC2086
t "14 docs: '$cmd' runs" 0 "" "$T" $cmd --placebos 20
n14=$(awk -F, 'NR>1 && $1 !~ /^pooled/ && $10 != "NA"' "$work/out" | wc -l)
if [ "$n14" -ge 1 ]; then ok "14 docs: the PIPS example resolves $n14 episode(s)"
else notok "14 docs: the PIPS example resolves no episode"; fi
# The guide's example table is what the CLI prints (the adjusted column included).
"$T" episodes --table --kind ceasefire | sed 's/ *$//; s/^/    /' >"$work/tab"
awk '/^    episode /{on=1} on && /^$/{exit} on' "$ROOT/docs/episodes.md" >"$work/doc_tab"
if cmp -s "$work/tab" "$work/doc_tab"; then ok "20 docs/episodes.md shows the table the CLI prints (adjusted column)"
else notok "20 docs/episodes.md shows the table the CLI prints"; diff "$work/tab" "$work/doc_tab" | head -5 | sed 's/^/# /'; fi

# ---- 16: run --to past the scenario's end says what stops -----------------------------
t "16 run --to 2030 warns which policies stop" 0 \
    "past the scenario's end (2025-12-31); 5 policies and episodes running then stop at their recorded end: P1 (ends 2025-12-31)" \
    "$T" run --to 2030 --by year --quiet --out "$work/o16"
t "16 run --to inside the horizon: no warning" 0 "" "$T" run --to 2003 --by year --quiet --out "$work/o16"
hasnt "16 run --to 2003: stderr has no warning" "warning" "$work/err"

# ---- 20: estimates, precision filters, country codes, the ACLED example, help ---------
sums=$(python3 - "$SAMPLE" <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print(sum(int(x["low"]) for x in r), sum(int(x["best"]) for x in r), sum(int(x["high"]) for x in r),
      sum(1 for x in r if int(x["where_prec"]) <= 2), sum(1 for x in r if int(x["date_prec"]) <= 1))
PY
)
set -- $sums
for e in low best high; do
    t "20 --estimate $e accepted" 0 "" "$T" events aggregate --by year --estimate $e "$SAMPLE"
    got=$(awk -F, 'NR>1{d+=$4}END{print d}' "$work/out")
    if [ "$got" = "$1" ]; then ok "20 --estimate $e sums UCDP's $e ($got)"
    else notok "20 --estimate $e sums $got, python $1"; fi
    shift
done
t "20 --max-where-prec 2" 0 "" "$T" events aggregate --by year --max-where-prec 2 "$SAMPLE"
got=$(awk -F, 'NR>1{e+=$3}END{print e}' "$work/out")
[ "$got" = "$1" ] && ok "20 --max-where-prec 2 keeps $got events" || notok "20 --max-where-prec 2: $got, python $1"
t "20 --max-date-prec 1" 0 "" "$T" events aggregate --by year --max-date-prec 1 "$SAMPLE"
got=$(awk -F, 'NR>1{e+=$3}END{print e}' "$work/out")
[ "$got" = "$2" ] && ok "20 --max-date-prec 1 keeps $got events" || notok "20 --max-date-prec 1: $got, python $2"
t "20 --estimate on ACLED refused" 2 "does not apply to ACLED" \
    "$T" events aggregate --estimate low "$ROOT/data/synthetic/acled_synthetic_pakistan_example.csv"
t "20 --estimate bogus refused" 2 "--estimate" "$T" events aggregate --estimate mean "$SAMPLE"
"$T" events aggregate --by year --country Pakistan "$SAMPLE" >"$work/byname" 2>/dev/null
for code in 770 PAK; do
    t "20 --country $code accepted" 0 "" "$T" events aggregate --by year --country $code "$SAMPLE"
    if cmp -s "$work/out" "$work/byname"; then ok "20 --country $code equals --country Pakistan"
    else notok "20 --country $code equals --country Pakistan"; fi
done
t "20 --country 999 refused, naming the table" 2 "not a Gleditsch-Ward code in data/country_codes.csv" \
    "$T" events aggregate --country 999 "$SAMPLE"
for row in "770,PAK,Pakistan" "700,AFG,Afghanistan" "750,IND,India" "630,IRN,Iran"; do
    has "20 data/country_codes.csv has $row" "$row," "$ROOT/data/country_codes.csv"
done
has "20 country table cites Gleditsch & Ward 1999" "Gleditsch & Ward 1999; ISO 3166-1" "$ROOT/data/country_codes.csv"
ACLED="$ROOT/data/synthetic/acled_synthetic_pakistan_example.csv"
n20=$(tail -n +2 "$ACLED" | grep -vc "^SYNTHETIC-.*SYNTHETIC - not ACLED data")
[ "$n20" -eq 0 ] && ok "20 the ACLED example file is marked synthetic in every row" || notok "20 ACLED example: $n20 rows not marked synthetic"
cmd=$(sed -n '/^\$ truce events aggregate --format acled/,/acled_synthetic/p' "$ROOT/docs/events.md" | tr -d '\\\n' | sed 's/^\$ truce //; s/| head.*//')
(cd "$ROOT" && eval "\"\$T\" $cmd") >"$work/out" 2>"$work/err"
if [ $? -eq 0 ] && grep -q "^2021-W01,Battles,1,2$" "$work/out"; then ok "20 the guide's ACLED example runs: $cmd"
else notok "20 the guide's ACLED example runs: $cmd"; fi
t "20 --country AFG on the ACLED example" 0 "" "$T" events aggregate --by year --country AFG "$ACLED"
has "20 --country AFG keeps the Afghan row" "2021,,1,1" "$work/out"
t "20 events --help shows the subcommands" 0 "" "$T" events --help
has "20 events --help: usage names a subcommand" "usage: truce events <subcommand>" "$work/out"
has "20 events --help: lists aggregate" "  aggregate   count events" "$work/out"
t "20 truce help events" 0 "" "$T" help events
has "20 truce help events lists aggregate" "  aggregate   count events" "$work/out"
t "20 episodes --events --estimate high" 0 "" "$T" episodes --events "$SAMPLE" --estimate high --placebos 10

echo "1..$n"
exit $fail
