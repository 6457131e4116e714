#!/bin/sh
# Broken event files (tests/events/bad/) never crash or hang `truce events aggregate`:
# each gives exit code 2 with a message naming the file and line, or exit 0 with a
# counted warning (and exit 2 under --strict). Also: the 100 MB line (generated here),
# usage errors, and --help. Prints TAP; exits 1 on any failure.
set -u
TRUCE=${TRUCE:-build/truce}
ROOT=${TRUCE_ROOT:-.}
BAD="$ROOT/tests/events/bad"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
    n=$((n + 1)); fail=1
    echo "not ok $n - $1"
    sed 's/^/# /' "$work/err" | head -8
}

# check NAME EXPECTED_RC EXPECTED_STDERR_TEXT ARGS...  (text "" = no check)
check() {
    c_name=$1 c_want=$2 c_text=$3   # sh has no locals: keep clear of the callers' names
    shift 3
    timeout 60 "$TRUCE" events aggregate "$@" >"$work/out" 2>"$work/err"
    c_rc=$?
    if [ "$c_rc" -ne "$c_want" ]; then
        notok "$c_name: exit $c_rc, expected $c_want"
    elif [ -n "$c_text" ] && ! grep -qF -- "$c_text" "$work/err"; then
        notok "$c_name: stderr lacks '$c_text'"
    else
        ok "$c_name: exit $c_want${c_text:+, '$c_text'}"
    fi
}

# Errors: exit 2, "file:line:" in the message where there is a line.
check "empty file" 2 "$BAD/empty.csv: empty file: no header" "$BAD/empty.csv"
check "blank lines only" 2 "$BAD/blank_lines_only.csv:1: header is neither" "$BAD/blank_lines_only.csv"
check "no header (a data row first)" 2 "$BAD/no_header.csv:1: header is neither" "$BAD/no_header.csv"
check "missing column deaths_civilians" 2 \
    "$BAD/missing_column.csv:1: deaths_civilians: required column missing" "$BAD/missing_column.csv"
check "missing column best (--format ucdp)" 2 \
    "$BAD/missing_best_ucdp.csv:1: best: required column missing" --format ucdp "$BAD/missing_best_ucdp.csv"
check "missing column best (auto)" 2 "$BAD/missing_best_ucdp.csv:1: header is neither" \
    "$BAD/missing_best_ucdp.csv"
check "ACLED file read as UCDP" 2 "$BAD/header_only_acled.csv:1: date_start: required column missing" \
    --format ucdp "$BAD/header_only_acled.csv"
check "header with invalid UTF-8" 2 "$BAD/header_invalid_utf8.csv:1: header holds invalid UTF-8" \
    "$BAD/header_invalid_utf8.csv"
check "unterminated quote" 2 "$BAD/unterminated_quote.csv:3: unterminated quoted field" \
    "$BAD/unterminated_quote.csv"
# A quote inside an unquoted field is text (RFC 4180): the row and the rows after it count.
{ sed -n 1p "$BAD/text_after_quote.csv"
  sed -n 2p "$BAD/text_after_quote.csv" | sed 's/Reuters 21\/11 1994/Reuters: a 5" gun/'
  sed -n 2p "$BAD/text_after_quote.csv"
  sed -n 2p "$BAD/text_after_quote.csv"; } >"$work/stray_quote.csv"
check "stray quote mid-field" 0 "" "$work/stray_quote.csv"
if grep -qx '1994-11,,3,3,0,0,0,3' "$work/out"; then ok "stray quote mid-field: all 3 rows counted"
else notok "stray quote mid-field: all 3 rows counted"; fi
check "missing file" 2 "$BAD/no-such-file.csv: cannot open" "$BAD/no-such-file.csv"

# Valid but empty: a header and no rows is an empty table.
check "header only (UCDP)" 0 "" "$BAD/header_only.csv"
if [ "$(cat "$work/out")" = "period,group,events,deaths,deaths_a,deaths_b,deaths_civilians,deaths_unknown" ]; then
    ok "header only (UCDP): the table is its header line"
else notok "header only (UCDP): unexpected output"; fi
check "header only (ACLED, CRLF)" 0 "" "$BAD/header_only_acled.csv"
if [ "$(cat "$work/out")" = "period,group,events,deaths" ]; then
    ok "header only (ACLED): the table is its header line"
else notok "header only (ACLED): unexpected output"; fi

# Invalid rows: skipped with a warning naming file and line, counted; --strict stops.
# file | line | text | count
while IFS='|' read -r file line text count; do
    check "$file: warning" 0 "$BAD/$file:$line: $text" "$BAD/$file"
    check "$file: count" 0 "$BAD/$file: $count invalid row" "$BAD/$file"
    check "$file --strict" 2 "$BAD/$file:$line: $text" --strict "$BAD/$file"
done <<'EOF'
wrong_types.csv|3|best: not a count|2
invalid_utf8.csv|3|invalid UTF-8|1
nul_byte.csv|3|NUL byte in the row|1
truncated.csv|3|12 fields, the header has 49|1
text_after_quote.csv|3|text after a closing quote|1
acled_bad_dates.csv|3|event_date: not a day date: '31 June 2021'|3
EOF
check "wrong_types.csv: second warning" 0 "$BAD/wrong_types.csv:4: date_start: not a day date" \
    "$BAD/wrong_types.csv"

# A 100 MB line: the reader stops at its 16 MiB record limit, in bounded memory.
{
    head -1 "$ROOT/data/ucdp_ged231_sample_pakistan_events.csv"
    head -c 104857600 /dev/zero | tr '\0' 'x'
    echo
} >"$work/long_line.csv"
check "100 MB line" 2 "$work/long_line.csv:2: record longer than 16 MiB" "$work/long_line.csv"
rm -f "$work/long_line.csv"

# Usage errors and help.
S="$ROOT/data/ucdp_ged231_sample_pakistan_events.csv"
check "unknown option" 2 "unknown option '--bogus'" --bogus "$S"
check "bad --by" 2 "--by: 'fortnight' is not one of" --by fortnight "$S"
check "bad --group" 2 "--group: 'tribe' is not one of" --group tribe "$S"
check "bad --format" 2 "--format: 'gtd' is not one of" --format gtd "$S"
check "bad --from" 2 "--from: '2021-13' is not a date" --from 2021-13 "$S"
check "--from after --to" 2 "--from is after --to" --from 2022 --to 2021 "$S"
check "missing value" 2 "option '--group' needs a value" "$S" --group
check "no file" 2 "no event file given" --by year
check "ACLED grouping on UCDP" 2 "--group event_type does not apply to UCDP GED files" \
    --group event_type "$S"
check "ACLED filter on UCDP" 2 "--event-type does not apply to UCDP GED files" --event-type Battles "$S"
check "UCDP filter on ACLED" 2 "--dyad does not apply to ACLED files" --dyad X "$BAD/header_only_acled.csv"
check "--help" 0 "" --help
grep -q "usage: truce events aggregate" "$work/out" && ok "--help prints the usage on stdout" \
    || notok "--help prints the usage on stdout"
timeout 10 "$TRUCE" events --help >"$work/out" 2>"$work/err" && grep -q aggregate "$work/out" \
    && ok "truce events --help" || notok "truce events --help"
timeout 10 "$TRUCE" events frobnicate >"$work/out" 2>"$work/err"
[ $? -eq 2 ] && grep -q "unknown subcommand 'frobnicate'" "$work/err" \
    && ok "unknown events subcommand: exit 2" || notok "unknown events subcommand: exit 2"

# --out is never half-written: a failing run leaves no file and no temporary.
mkdir "$work/o"
timeout 60 "$TRUCE" events aggregate --out "$work/o/t.csv" "$BAD/unterminated_quote.csv" 2>"$work/err"
if [ $? -eq 2 ] && [ -z "$(ls -A "$work/o")" ]; then ok "failed run with --out leaves nothing"
else notok "failed run with --out leaves nothing"; fi

echo "1..$n"
exit $fail
