#!/bin/sh
# Build one libFuzzer target and run it for a fixed number of executions over its
# committed corpus (tests/fuzz/corpus/NAME). Prints TAP.  usage: run-short.sh BUILD NAME
set -u
BUILD=$1; NAME=$2
RUNS=${FUZZ_RUNS:-20000}
if ! make --no-print-directory -s "$BUILD/fuzz/$NAME" >/dev/null 2>"$BUILD/fuzz-$NAME.build.log"; then
    echo "not ok - $NAME: build failed (see $BUILD/fuzz-$NAME.build.log)"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/fuzz/corpus/"$NAME"/* "$work"/ 2>/dev/null
if "$BUILD/fuzz/$NAME" -runs="$RUNS" -seed=1 -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
     "$work" >"$work.log" 2>&1; then
    echo "ok - $NAME: $RUNS executions over the corpus, no crash, hang or leak"
else
    echo "not ok - $NAME: fuzzer found a failure"
    tail -40 "$work.log" >&2
    rm -f "$work.log"
    exit 1
fi
rm -f "$work.log"
