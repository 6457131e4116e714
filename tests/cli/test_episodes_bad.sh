#!/bin/sh
# Broken inputs to truce episodes exit 2 with a file:line: field: message.
set -u
T=${TRUCE:-build/truce}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
H='id,start,end,kind,actors,region,description,date_status,source'
expect2() {  # name pattern args...
    name=$1; pat=$2; shift 2
    "$T" episodes --placebos 10 "$@" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/err"; then
        echo "ok - $name: exit 2, $(head -1 "$tmp/err")"
    else
        echo "not ok - $name: exit $rc, $(cat "$tmp/err")"
        fail=1
    fi
}
printf '%s\n1,2021-11-09,2021-12-09,ceasefire,a,b,c,d,e\n2,2022-01-01,2022-0' "$H" > "$tmp/trunc.csv"
expect2 "truncated timeline" "trunc.csv:3: record: expected 9 fields" --timeline "$tmp/trunc.csv"
printf '%s\n1,2021-11-09,2021-12-09,cease\377fire,a,b,c,d,e\n' "$H" > "$tmp/utf8.csv"
expect2 "invalid UTF-8" "utf8.csv:2: kind: invalid UTF-8" --timeline "$tmp/utf8.csv"
printf '%s\n1,2021-11-09,2021-12-09,ceasefire,a\000b,b,c,d,e\n' "$H" > "$tmp/nul.csv"
expect2 "NUL byte" "nul.csv:2: NUL byte" --timeline "$tmp/nul.csv"
printf 'id,start,kind\n1,2021-11-09,ceasefire\n' > "$tmp/cols.csv"
expect2 "missing column" "cols.csv:1: header: missing column 'end'" --timeline "$tmp/cols.csv"
printf '%s\n1,2021-13-09,2021-12-09,ceasefire,a,b,c,d,e\n' "$H" > "$tmp/date.csv"
expect2 "bad start date" "date.csv:2: start: malformed date '2021-13-09'" --timeline "$tmp/date.csv"
printf '%s\n1,2021-11-09,2021-02-30,ceasefire,a,b,c,d,e\n' "$H" > "$tmp/date2.csv"
expect2 "bad end date" "date2.csv:2: end: malformed date" --timeline "$tmp/date2.csv"
printf '%s\n1,2021-11-09,2021-10,ceasefire,a,b,c,d,e\n' "$H" > "$tmp/order.csv"
expect2 "end before start" "order.csv:2: end: end 2021-10 is before start 2021-11-09" --timeline "$tmp/order.csv"
printf '%s\n1,2021-11-09,2021-12-09,ceasefire,a,b,c,d,e\n1,2022,2022,talks,a,b,c,d,e\n' "$H" > "$tmp/dup.csv"
expect2 "duplicate id" "dup.csv:3: id: duplicate id '1'" --timeline "$tmp/dup.csv"
printf '%s\n1,2021-11-09,2021-12-09,"ceasefire,a,b,c,d,e\n' "$H" > "$tmp/quote.csv"
expect2 "unterminated quote" "quote.csv:2" --timeline "$tmp/quote.csv"
: > "$tmp/empty.csv"
expect2 "empty timeline" "empty.csv" --timeline "$tmp/empty.csv"
expect2 "missing timeline file" "nofile.csv: cannot open" --timeline "$tmp/nofile.csv"
expect2 "missing series file" "noseries.csv: cannot open" --series "$tmp/noseries.csv"
expect2 "unknown source" "source: no rows for source 'NOPE'" --source NOPE
expect2 "unknown metric" "metric: no rows for metric 'nope'" --metric attacks,nope
expect2 "unknown geography" "geography: no rows" --geography Atlantis
expect2 "bad window" "bad window '90x'" --window 90x
expect2 "zero window" "bad window '0d'" --window 0d
expect2 "unknown kind" "no episode of kind 'truce'" --kind truce
printf 'period,metric,value,source,geography\n2021-13,attacks,3,P,Pakistan\n' > "$tmp/s1.csv"
expect2 "series: bad period" "s1.csv:2: period: malformed period" --series "$tmp/s1.csv" --source P
printf 'period,metric,value,source,geography\n2021-11,attacks,-3,P,Pakistan\n' > "$tmp/s2.csv"
expect2 "series: negative value" "s2.csv:2: value: not a non-negative number" --series "$tmp/s2.csv" --source P
printf 'period,metric,value,source\n2021-11,attacks,3,P\n' > "$tmp/s3.csv"
expect2 "series: missing column" "s3.csv:1: header: missing column 'geography'" --series "$tmp/s3.csv"
printf 'period,metric,value,source,geography\n2021-11,attacks,3,P,Pakistan\n2021-11,attacks,4,P,Pakistan\n' > "$tmp/s4.csv"
expect2 "series: duplicate period" "s4.csv:3: period: P attacks Pakistan: the same period appears twice" --series "$tmp/s4.csv" --source P --metric attacks
exit $fail
