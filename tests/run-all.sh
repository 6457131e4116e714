#!/bin/sh
# Run the whole default test suite against a build folder and print one summary line
# ("tests: N passed, M failed"). Every test reports in TAP form ("ok ..." / "not ok ...").
#   tests/run-all.sh BUILD [--no-fuzz]
# Suites: C unit tests (cmocka, build/tests/test_*), CLI and golden tests (tests/cli/*.sh),
# the report in headless Chromium (tests/browser/test_*.sh),
# independent checks in Python (tests/py/test_*.py), short fuzz runs (tests/fuzz).
set -u
BUILD=${1:-build}
NOFUZZ=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
export TRUCE="$ROOT/$BUILD/truce" TRUCE_BUILD="$ROOT/$BUILD" TRUCE_ROOT="$ROOT"
export CMOCKA_MESSAGE_OUTPUT=TAP

status=0
run_suite() {  # name command...
    name=$1; shift
    t0=$(date +%s.%N)
    if "$@" >"$LOG/out" 2>"$LOG/err"; then :; else
        rc=$?
        if ! grep -q '^not ok' "$LOG/out"; then
            echo "not ok - $name exited $rc"
            sed 's/^/# /' "$LOG/err" | tail -20
            echo "not ok - $name exited $rc" >>"$LOG/out"
        fi
        status=1
    fi
    grep -E '^(ok|not ok)' "$LOG/out" | sed "s/^/[$name] /"
    grep -E '^not ok' "$LOG/out" >/dev/null && { sed 's/^/# /' "$LOG/err" | tail -20; }
    cat "$LOG/out" >>"$LOG/all"
    t1=$(date +%s.%N)
    awk -v n="$name" -v a="$t0" -v b="$t1" 'BEGIN { printf "# time %-28s %6.1f s\n", n, b - a }' | tee -a "$LOG/times" >/dev/null
}

: >"$LOG/all"
: >"$LOG/times"
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_suite "$(basename "$t")" "$t"
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    run_suite "$(basename "$t")" sh "$t"
done
for t in tests/browser/test_*.sh; do
    [ -f "$t" ] || continue
    run_suite "$(basename "$t")" sh "$t"
done
for t in tests/py/test_*.py; do
    [ -f "$t" ] || continue
    run_suite "$(basename "$t")" python3 "$t"
done
if [ "$NOFUZZ" != "--no-fuzz" ] && command -v clang >/dev/null 2>&1; then
    for src in tests/fuzz/fuzz_*.c; do
        [ -f "$src" ] || continue
        f=$(basename "$src" .c)
        run_suite "$f" sh tests/fuzz/run-short.sh "$BUILD" "$f"
    done
fi

echo "# time per suite (wall clock):"
cat "$LOG/times"
passed=$(grep -c '^ok' "$LOG/all")
failed=$(grep -c '^not ok' "$LOG/all")
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ] && [ "$passed" -gt 0 ]
