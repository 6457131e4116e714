#!/bin/sh
# Output safety (issue 11, items 1-6, 15, 17): links, planted temporaries, devices and
# FIFOs, signals and stale temporaries, failed writes, counterfactual folders, --out -,
# missing parents, messages. Everything is planted inside one mktemp -d folder and nothing
# outside it is touched. Prints TAP lines; exits 1 if any check fails.
set -u
T=${TRUCE:?}; ROOT=${TRUCE_ROOT:?}
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
EV="$ROOT/data/ucdp_ged231_sample_pakistan_events.csv"
cd "$W"
# temporaries of any form, truce's or today's (NAME.tmp-PID, NAME.tmpPID, NAME.tmp.XXXXXX)
temps() { ls -A "${1:-.}" | grep -E 'truce-(tmp|old)-|\.tmp[-.]?[0-9A-Za-z]*$|\.old-[0-9]+$' ; }

# ---- 1. a symbolic link as --out is never followed -------------------------------------
$T run --by year --out prev -q
cp -r prev prev.ref
ln -s prev LINK
$T run --by year --seed 5 --out LINK -q 2>err; rc=$?
check "run --out LINK (link to an earlier output): exit 2, 'symbolic link' message" \
  "[ $rc -eq 2 ] && grep -q 'LINK: is a symbolic link' err"
check "run --out LINK: the link's target keeps its files, the link stays, nothing left beside" \
  "diff -r prev prev.ref >/dev/null && [ -L LINK ] && [ -z \"\$(temps)\" ]"
echo precious >victim
ln -s victim flink
$T events aggregate --out flink "$EV" 2>err; rc=$?
check "events aggregate --out LINK-to-file: exit 2, the file it points to unchanged" \
  "[ $rc -eq 2 ] && [ \"\$(cat victim)\" = precious ] && [ -L flink ] && grep -q 'symbolic link' err"
$T episodes --placebos 20 --out flink 2>err; rc=$?
check "episodes --out LINK-to-file: exit 2, the file it points to unchanged" \
  "[ $rc -eq 2 ] && [ \"\$(cat victim)\" = precious ] && [ -L flink ]"

# ---- 2. a scenario name is one safe path component --------------------------------------
mkdir -p sc/s a/b && cp -r "$ROOT/tests/scenarios/tables" sc/tables
sed 's/^name: .*/name: ..\/..\/escaped/' "$ROOT/tests/scenarios/good/minimal.yaml" >sc/s/esc.yaml
(cd a/b && $T run "$W/sc/s/esc.yaml" --by year -q) 2>err; rc=$?
check "scenario 'name: ../../escaped': exit 2 naming the field, nothing written outside out/" \
  "[ $rc -eq 2 ] && grep -q 'esc.yaml:[0-9]*: name:' err && [ ! -e a/escaped ] && [ ! -e escaped ] && [ ! -e a/b/out ]"

# ---- 3. temporaries are not predictable, and a planted one is never followed ---------------
echo precious >victim2
sh -c 'ln -s victim2 res.csv.tmp$$; exec "$1" episodes --placebos 20 --out res.csv' sh "$T" 2>/dev/null
check "episodes --out: a link planted at the old temporary name (res.csv.tmpPID) is not written through" \
  "[ \"\$(cat victim2)\" = precious ] && [ -s res.csv ] && head -1 res.csv | grep -q '^episode,'"
sh -c 'ln -s victim2 agg.csv.tmp.$$; exec "$1" events aggregate --out agg.csv "$2"' sh "$T" "$EV" 2>/dev/null
check "events aggregate --out: a planted link beside it is not written through" \
  "[ \"\$(cat victim2)\" = precious ] && [ -s agg.csv ]"
cp -r prev vdir && cp -r prev vdir.ref
sh -c 'ln -s vdir OUT.tmp-$$; exec "$1" run --by year --out OUT -q' sh "$T" 2>/dev/null
check "run --out OUT: a link planted at OUT.tmp-PID: its target's files are not deleted" \
  "diff -r vdir vdir.ref >/dev/null && [ -s OUT/series.csv ]"
rm -f res.csv.tmp* agg.csv.tmp* OUT.tmp-*

# ---- 4. devices and FIFOs are written directly, never replaced -------------------------------
if [ "$(id -u)" = 0 ] && mknod full c 1 7 2>/dev/null; then
  $T events aggregate --out full "$EV" 2>err; rc=$?
  check "events aggregate --out DEVICE (a /dev/full node in the scratch folder): exit 1 with a message, the node stays" \
    "[ $rc -eq 1 ] && [ -c full ] && grep -q 'full: write error' err"
  $T episodes --placebos 20 --out full 2>err; rc=$?
  check "episodes --out DEVICE: exit 1, the node stays" "[ $rc -eq 1 ] && [ -c full ] && grep -q 'full:' err"
  $T run --by year --out full -q 2>err; rc=$?
  check "run --out DEVICE: exit 2 (a folder is needed), the node stays" "[ $rc -eq 2 ] && [ -c full ]"
else
  echo "ok - # SKIP device nodes need root"
fi
mkfifo fifo
(timeout 20 cat fifo >fifo.out) & reader=$!
timeout 20 $T events aggregate --out fifo "$EV" 2>err; rc=$?
wait $reader
$T events aggregate "$EV" >agg.ref
check "events aggregate --out FIFO: written into the FIFO as to stdout, the FIFO stays" \
  "[ $rc -eq 0 ] && [ -p fifo ] && cmp -s fifo.out agg.ref"

# ---- 5. signals and stale temporaries --------------------------------------------------------
mkdir sig && cp -r prev sig/R && cp -r prev sig/R.ref
(cd sig && exec $T run --by day --out R -q) & pid=$!
n=0
while [ $n -lt 4000 ] && [ -z "$(ls -A sig | grep -v '^R$' | grep -v '^R.ref$')" ] && kill -0 $pid 2>/dev/null; do n=$((n+1)); done
seen=$(ls -A sig | grep -v '^R$' | grep -v '^R.ref$')
kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rc=$?
check "SIGTERM while run writes ($seen): no temporary left, the earlier output intact (exit $rc)" \
  "[ -n \"$seen\" ] && [ -z \"\$(ls -A sig | grep -v '^R\$' | grep -v '^R.ref\$')\" ] && { diff -r sig/R sig/R.ref >/dev/null || [ $rc -eq 0 ]; }"
mkdir st && cd st
mkdir .R.truce-tmp-2147483646-abcDE1 && echo x >.R.truce-tmp-2147483646-abcDE1/series.csv
echo x >.res.csv.truce-tmp-2147483646-Zz9zz9
mkdir .gone.truce-old-2147483646-q1w2e3 && cp ../prev/* .gone.truce-old-2147483646-q1w2e3/
echo mine >.R.truce-tmp-notmine; echo mine >R.tmp-2147483646-abcdef
mkdir -p .R.truce-tmp-2147483646-sub123/keep/deeper
echo live >.x.truce-tmp-$$-live12
$T run --by year --out R -q
check "stale temporaries (dead PID) are swept by the next run" \
  "[ ! -e .R.truce-tmp-2147483646-abcDE1 ] && [ ! -e .res.csv.truce-tmp-2147483646-Zz9zz9 ]"
check "an earlier output moved aside by a killed writer comes back under its name" \
  "[ ! -e .gone.truce-old-2147483646-q1w2e3 ] && diff -r gone ../prev >/dev/null"
check "the sweep leaves what is not truce's: other names, a live PID's, folders two levels deep" \
  "[ -e .R.truce-tmp-notmine ] && [ -e R.tmp-2147483646-abcdef ] && [ -e .x.truce-tmp-$$-live12 ] && [ -d .R.truce-tmp-2147483646-sub123/keep/deeper ]"
cd "$W"

# ---- 6. failed writes are reported ----------------------------------------------------------
if [ -w /dev/full ]; then
  for c in "params" "params --csv" "run --by year --out f6b" "episodes --placebos 20" "episodes --placebos 20 --table" "events aggregate $EV" "run --by year --out -"; do
    $T $c >/dev/full 2>err; rc=$?
    check "truce $c >/dev/full: exit 1, message names standard output" \
      "[ $rc -eq 1 ] && grep -q 'standard output' err && grep -q '^truce ' err"
  done
else
  echo "ok - # SKIP no /dev/full"
fi

# ---- 15. counterfactual runs get their own default folder ------------------------------------
mkdir cf && cd cf
$T run --by year -q
cp -r out/pakistan-ttp base.ref
$T run --set regroup_strength=0 --by year >o1; rc1=$?
$T run --without 24 --by year -q; rc2=$?
check "--set and --without runs do not overwrite out/pakistan-ttp" \
  "[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && diff -r out/pakistan-ttp base.ref >/dev/null"
check "each counterfactual has its own folder out/pakistan-ttp-<hash>, and the run says where" \
  "[ \$(ls out | grep -c '^pakistan-ttp-[0-9a-f]\{8\}\$') -eq 2 ] && grep -q 'written: out/pakistan-ttp-[0-9a-f]\{8\}/series.csv' o1"
$T run --set regroup_strength=0 --by year -q
check "the same counterfactual goes to the same folder" "[ \$(ls out | wc -l) -eq 3 ]"
cd "$W"

# ---- 17. --out -, missing parents, one message form, typos -----------------------------------
mkdir o17 && cd o17
$T run --by year --out - >s.csv 2>err; rc=$?
check "run --out -: the series CSV on stdout, no folder named '-'" \
  "[ $rc -eq 0 ] && [ ! -e ./- ] && head -1 s.csv | grep -q '^period,period_start,region,variable,value\$' && cmp -s s.csv ../prev/series.csv"
$T run --by year --observe --out - >/dev/null 2>err; rc=$?
check "run --observe --out -: exit 2 (observed.csv needs a folder)" "[ $rc -eq 2 ] && grep -q 'observe' err"
$T run --by year --observe --out obs -q && $T run --by year --seed 3 --observe --out obs -q; rc=$?
check "run --observe: observed.csv is one of run's own files, so its folder is replaced" \
  "[ $rc -eq 0 ] && [ -s obs/observed.csv ] && grep -q '\"seed\": 3' obs/summary.json && [ -z \"\$(temps)\" ]"
$T run --by year --out "$W/o17/nonexistent/dir/x" -q 2>err; rc=$?
check "run --out with a missing parent folder: exit 2, nothing created, the message names the path" \
  "[ $rc -eq 2 ] && [ ! -e nonexistent ] && grep -q 'nonexistent/dir/x' err"
echo x >afile
$T run --by year --out afile/x -q 2>err; rc=$?
check "a failed --out names the user's path, not a temporary" "[ $rc -eq 2 ] && grep -q 'afile/x' err && ! grep -q 'tmp' err"
$T events aggregate --out nodir/x.csv "$EV" 2>err; rc=$?
check "events aggregate --out with a missing folder: exit 2, named" "[ $rc -eq 2 ] && grep -q 'nodir/x.csv' err && [ ! -e nodir ]"
$T run --by year --out out/named -q; rc=$?
check "--out out/NAME still creates out/ when missing (make run, the README's examples)" "[ $rc -eq 0 ] && [ -s out/named/series.csv ]"
rm -rf out
$T run --by year -q; rc=$?
check "the default out/ folder is still created when missing" "[ $rc -eq 0 ] && [ -s out/pakistan-ttp/series.csv ]"
$T run --set no_such_param=1 -q 2>err
check "errors a command reports start 'truce run: '" "grep -q '^truce run: .*no_such_param' err && ! grep -q '^truce: ' err"
$T events aggregate nosuchfile.csv 2>err
check "... and 'truce events aggregate: '" "grep -q '^truce events aggregate: nosuchfile.csv' err"
$T run --without 24 --without 24 -q 2>err; rc=$?
check "--without given twice: exit 2, says it was given twice" "[ $rc -eq 2 ] && grep -q \"'24' is given twice\" err"
$T rnu 2>err; rc=$?
check "truce rnu: did you mean 'run'?" "[ $rc -eq 2 ] && grep -q \"did you mean 'run'\" err"
$T episdoes 2>err
check "truce episdoes: did you mean 'episodes'?" "grep -q \"did you mean 'episodes'\" err"
$T run --sede 3 2>err; rc=$?
check "run --sede: did you mean '--seed'?" "[ $rc -eq 2 ] && grep -q \"did you mean '--seed'\" err"
$T episodes --tabel 2>err; rc=$?
check "episodes --tabel: did you mean '--table'?" "[ $rc -eq 2 ] && grep -q \"did you mean '--table'\" err"
# every command suggests the nearest option
for c in "params --cvs:--csv" "variables --markdwon:--markdown" "ensemble --rnus:--runs" \
         "compare --alt-withuot:--alt-without" "sensitivity --mehtod:--method" \
         "events aggregate --gruop:--group"; do
  cmdline=${c%%:*}; want=${c##*:}
  $T $cmdline 2>err >/dev/null; rc=$?
  check "$cmdline: did you mean '$want'?" "[ $rc -eq 2 ] && grep -q \"did you mean '$want'\" err"
done
$T run --frobnicate 2>err
check "no suggestion when nothing is near" "grep -q \"unknown option '--frobnicate'\" err && ! grep -q 'did you mean' err"
cd "$W"

# ---- the public header has no FILE * ---------------------------------------------------------
check "include/truce.h declares no FILE * and does not include stdio.h" \
  "! grep -q '\bFILE *\*' '$ROOT/include/truce.h' && ! grep -q 'stdio.h' '$ROOT/include/truce.h'"
exit $fail
