#!/bin/sh
# Run every benchmark script bench/*.sh against a build folder (not part of `make test`).
#   bench/run.sh BUILD
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
status=0
for b in "$ROOT"/bench/*.sh; do
    [ "$(basename "$b")" = run.sh ] && continue
    [ "$(basename "$b")" = fit_ab.sh ] && continue   # compares two builds: run by hand
    echo "== $(basename "$b")"
    sh "$b" "$BUILD" || status=1
done
exit $status
