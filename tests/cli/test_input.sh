#!/bin/sh
# Input handling found wanting by testers (issue 11): line ends, FIFOs, memory bounds,
# strict number and header rules, filters that match nothing, several group keys,
# episode selection, output rules, estimates and code lists. One or more checks per item;
# each name starts with the item number. Prints TAP; exits 1 on any failure.
set -u
T=${TRUCE:-build/truce}
ROOT=${TRUCE_ROOT:-.}
SAMPLE="$ROOT/data/ucdp_ged231_sample_pakistan_events.csv"
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

echo "1..$n"
exit $fail
