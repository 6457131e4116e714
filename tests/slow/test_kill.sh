#!/bin/sh
# Kill test (issue 11, item 5): `kill -9` at random moments during `truce run --by day`
# and `truce events aggregate --out` (a generated 400 000-row file), KILLS times each.
# It takes about 45 s on two shared cores, so it is not in `make test`: `make check-slow`.
# After every kill the previous output must be intact and byte-identical; after the next
# successful run no temporary may be left. Prints TAP lines, and the figures: how many
# kills landed while a temporary existed (the writing phase). Everything happens in one
# mktemp -d folder.
#   KILLS=20 (default) KILL_SEED=N (default: the clock) sh tests/cli/test_kill.sh
set -u
T=${TRUCE:?}
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
KILLS=${KILLS:-20}
SEED=${KILL_SEED:-$(date +%s)}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
cd "$W"
echo "# kill seed $SEED (KILL_SEED=$SEED reproduces the delays)"
delay() {  # a random delay in [0, $1) seconds for kill number $2
    awk -v s="$SEED" -v i="$2" -v m="$1" 'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * m }'
}
temps() { ls -A | grep -E 'truce-(tmp|old)-|\.tmp' ; }
# Start "$@" in the background and kill -9 it: odd kills at a uniform random moment in
# [0, LEN); even kills once the process's own temporary exists (its writing phase), after
# a random further [0, 0.2) s. Sets `writing` when the temporary existed at the kill.
kill_once() {  # LEN N cmd...
    len=$1 n=$2; shift 2
    "$@" & pid=$!
    if [ $((n % 2)) -eq 1 ]; then
        d=$(delay "$len" "$n")
        sleep "$d"
    else
        k=0
        while [ $k -lt 20000 ] && kill -0 $pid 2>/dev/null && ! ls -A | grep -q "truce-tmp-$pid-"; do k=$((k + 1)); done
        d="temp+$(delay 0.2 "$n")"
        sleep "${d#temp+}"
    fi
    ls -A | grep -q "truce-tmp-$pid-" && writing=$((writing + 1))
    kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
}

# ---- truce run --by day --------------------------------------------------------------------
mkdir run && cd run
start=$(date +%s)
$T run --by day --out R -q || no "the first run"
cp R/series.csv ser.ref && cp R/summary.json sum.ref
# delays up to a little over one run's length, so that kills land everywhere in it
t0=$(date +%s%N); $T run --by day --out R -q; t1=$(date +%s%N)
len=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 * 1.1 }')
bad=0 writing=0 i=1
while [ $i -le "$KILLS" ]; do
    kill_once "$len" $i $T run --by day --out R -q
    if ! cmp -s R/series.csv ser.ref || ! cmp -s R/summary.json sum.ref; then
        bad=$((bad + 1)); echo "# run: after the kill at ${d}s the output differs"
    fi
    i=$((i + 1))
done
[ $bad -eq 0 ] && ok "run --by day: $KILLS kill -9 (half at random in 0-${len}s, half in the writing phase; $writing landed while its temporary existed): the previous output intact and identical each time" \
               || no "run: $bad of $KILLS kills damaged the previous output"
$T run --by day --out R -q
left=$(temps)
[ -z "$left" ] && cmp -s R/series.csv ser.ref && ok "run: after the next successful run no temporary is left, output identical" \
               || no "run: left behind: $left"
echo "# run: $(( $(date +%s) - start ))s"
cd "$W"

# ---- truce events aggregate --out --------------------------------------------------------
mkdir ev && cd ev
start=$(date +%s)
awk 'BEGIN {
  print "id,date_start,date_end,best,deaths_a,deaths_b,deaths_civilians,deaths_unknown,country,dyad_name,type_of_violence,side_a,side_b,conflict_name,adm_1,adm_2"
  for (i = 0; i < 400000; i++) {
    d = i % 12000; y = 1990 + int(d / 360); m = 1 + int((d % 360) / 30); dd = 1 + d % 30 - (m == 2 && d % 30 >= 28 ? 2 : 0)
    s = sprintf("%04d-%02d-%02d", y, m, dd)
    printf "%d,%s,%s,%d,1,1,0,%d,Pakistan,D%d,1,a,b,c,x,y\n", i, s, s, i % 7, i % 3, i % 37
  }
}' >events.csv
$T events aggregate --by day --group dyad --out agg.csv events.csv || no "the first aggregate"
cp agg.csv agg.ref
t0=$(date +%s%N); $T events aggregate --by day --group dyad --out agg.csv events.csv; t1=$(date +%s%N)
len=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 * 1.1 }')
bad=0 writing=0 i=1
while [ $i -le "$KILLS" ]; do
    kill_once "$len" $((i + 1000)) $T events aggregate --by day --group dyad --out agg.csv events.csv
    if ! cmp -s agg.csv agg.ref; then
        bad=$((bad + 1)); echo "# events: after the kill at ${d}s the output differs"
    fi
    i=$((i + 1))
done
[ $bad -eq 0 ] && ok "events aggregate --out: $KILLS kill -9 (half at random in 0-${len}s, half in the writing phase; $writing landed while its temporary existed): the previous output intact and identical each time" \
               || no "events: $bad of $KILLS kills damaged the previous output"
$T events aggregate --by day --group dyad --out agg.csv events.csv
left=$(temps)
[ -z "$left" ] && cmp -s agg.csv agg.ref && ok "events: after the next successful run no temporary is left, output identical" \
               || no "events: left behind: $left"
echo "# events: $(( $(date +%s) - start ))s"
exit $fail
