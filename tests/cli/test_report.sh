#!/bin/sh
# truce report: a missing or broken assessment folder exits 2 naming FILE:LINE: FIELD and
# leaves no page; on a real `truce assess` folder the page is rendered again byte for byte,
# written safely (never through a link), and its tables hold the folder's numbers.
set -u
T=${TRUCE:-build/truce}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fail=1; }
expect2() {  # name pattern dir
    name=$1; pat=$2; d=$3
    "$T" report "$d" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/err" && [ ! -e "$d/report.html" ]; then
        ok "$name: exit 2, $(head -1 "$tmp/err")"
    else
        bad "$name: exit $rc, $(cat "$tmp/err")"
    fi
}

"$T" report --help | grep -q '^usage: truce report' && ok "--help" || bad "--help"
"$T" report --nope >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown option exits 2" || bad "unknown option"
"$T" report "$tmp/a" "$tmp/b" >/dev/null 2>&1; [ $? -eq 2 ] && ok "two folders exit 2" || bad "two folders"
expect2 "missing folder" "$tmp/none: not an assessment folder" "$tmp/none"
: > "$tmp/file"
expect2 "a file, not a folder" "not an assessment folder" "$tmp/file"
mkdir "$tmp/empty"
expect2 "empty folder" "empty/assessment.csv: cannot open" "$tmp/empty"

# assessment.csv alone is enough to meet its errors (it is read first).
H='portfolio,outcome,status_quo,value,diff_q05,diff_q50,diff_q95,p_better'
mk() { rm -rf "$tmp/f"; mkdir "$tmp/f"; printf "$1" > "$tmp/f/assessment.csv"; }
mk ''
expect2 "empty assessment.csv" "f/assessment.csv:1: empty file" "$tmp/f"
mk 'portfolio,outcome,status_quo,value,diff_q05,diff_q50,p_better\n'
expect2 "a column missing" "f/assessment.csv:1: diff_q95: column missing" "$tmp/f"
mk 'portfolio,outcome,value,status_quo,diff_q05,diff_q50,diff_q95,p_better\n'
expect2 "columns out of order" "f/assessment.csv:1: status_quo: column out of place" "$tmp/f"
mk "$H,extra\n"
expect2 "a column too many" "f/assessment.csv:1: extra: column not expected" "$tmp/f"
mk "$H\na,attacks:national,1,2,-1,0,1,0.5\na,deaths_security:national,1,2,x,0,1,0.5\n"
expect2 "not a number" "f/assessment.csv:3: diff_q05: 'x' is not a number" "$tmp/f"
mk "$H\na,attacks:national,1,2,-1,0,1,nan\n"
expect2 "nan is not a number" "f/assessment.csv:2: p_better: 'nan' is not a number" "$tmp/f"
mk "$H\na,attacks:national,1,2,-1,0,1\n"
expect2 "a field short" "f/assessment.csv:2: 7 fields, the header has 8" "$tmp/f"
mk "$H\n\"a,attacks:national,1,2,-1,0,1,0.5\n"
expect2 "unterminated quote" "f/assessment.csv:2" "$tmp/f"
mk "$H\na,attacks:national,1,2,-1,0,1,0.5\n"
expect2 "the next file missing" "f/ranking.csv: cannot open" "$tmp/f"

# A real assessment folder.
if ! "$T" assess --help >/dev/null 2>&1; then
    echo "ok - # SKIP the checks on a real folder: this build has no 'truce assess'"
    exit $fail
fi
A="$tmp/real"
if "$T" assess --runs 8 --to 2027-12 --threads 2 --out "$A" >/dev/null 2>"$tmp/err"; then
    ok "truce assess --runs 8 --to 2027-12 wrote a folder"
else
    bad "truce assess failed: $(tail -3 "$tmp/err")"
    exit 1
fi
[ -s "$A/report.html" ] && ok "truce assess rendered report.html" || bad "no report.html after truce assess"
cp "$A/report.html" "$tmp/first.html"
"$T" report "$A" >/dev/null 2>"$tmp/err" && cmp -s "$A/report.html" "$tmp/first.html" \
    && ok "truce report renders the same bytes again" || bad "re-render differs or failed: $(cat "$tmp/err")"
ls -a "$A" | grep -q 'truce-tmp' && bad "a temporary is left in the folder" || ok "no temporary left in the folder"
# the page holds no external reference that a browser would fetch
if grep -Eo '<(script|link|img|iframe)[^>]*(src|href)="[^"#]*"' "$A/report.html" | head -3 | grep -q .; then
    bad "the page references an external resource: $(grep -Eo '<(script|link|img|iframe)[^>]*(src|href)="[^"#]*"' "$A/report.html" | head -3)"
else
    ok "no script, style sheet, image or frame is loaded from elsewhere"
fi
# The full table in the page equals assessment.csv cell by cell (the first screen's rounded
# numbers are compared in the browser test).
python3 - "$A" <<'PY' && ok "assessment.csv in full in the page, cell by cell" || bad "the page's full table differs from assessment.csv"
import csv, html, re, sys
d = sys.argv[1]
page = open(d + "/report.html", encoding="utf-8").read()
t = re.search(r'<table class="num" id="assessment-csv">(.*?)</table>', page, re.S).group(1)
rows = [[html.unescape(c) for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", r)] for r in re.findall(r"<tr>(.*?)</tr>", t, re.S)]
want = list(csv.reader(open(d + "/assessment.csv", encoding="utf-8")))
sys.exit(0 if rows == want and len(rows) > 1 else 1)
PY
# The headline table for a terminal (make run prints it): a line per portfolio.
"$T" report --print --no-render "$A" > "$tmp/head.txt" 2>"$tmp/err"
np=$(tail -n +2 "$A/assessment.csv" | python3 -c "import csv,sys; print(len({r[0] for r in csv.reader(sys.stdin)}))")
nl=$(grep -c '%$' "$tmp/head.txt")
[ "$nl" -eq "$np" ] && [ "$np" -gt 0 ] && ok "--print: the headline table has a line for each of the $np portfolios" \
    || bad "--print: $nl lines with a share for $np portfolios: $(cat "$tmp/head.txt" "$tmp/err")"
# Broken copies of the real folder.
B="$tmp/broken"
cpreal() { rm -rf "$B"; cp -r "$A" "$B"; rm -f "$B/report.html"; }
cpreal; sed -i '5s/,[^,]*$/,abc/' "$B/bands.csv"
expect2 "bands.csv: bad number" "broken/bands.csv:5: q95: 'abc' is not a number" "$B"
cpreal; printf '{"from": "2026-01",\n "to": }\n' > "$B/assessment.json"
expect2 "assessment.json: broken" "broken/assessment.json:2: " "$B"
cpreal; printf '{"from": "2026-01", "to": "2027-12", "runs": 8, "seed": 1}\n' > "$B/assessment.json"
expect2 "assessment.json: no status quo" "broken/assessment.json:1: status_quo: missing" "$B"
cpreal; sed -i '1s/lever/levers/' "$B/episodes.csv"
expect2 "episodes.csv: a column renamed" "broken/episodes.csv:1: lever: column missing" "$B"
cpreal; rm -rf "$B/fit"
"$T" report "$B" >/dev/null 2>&1 && grep -q 'no <code>fit/</code> folder' "$B/report.html" \
    && ok "without fit/ the page says there is no posterior predictive check" || bad "without fit/"
# Never written through a link.
cpreal; echo keep > "$tmp/target"; ln -s "$tmp/target" "$B/report.html"
"$T" report "$B" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(cat "$tmp/target")" = keep ] && ok "report.html as a link: refused, its target untouched" \
    || bad "report.html as a link: exit $rc, $(cat "$tmp/err")"
exit $fail
