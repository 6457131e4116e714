#!/bin/sh
# Benchmark `truce events aggregate --by month --group country` on a generated UCDP GED
# file of ROWS real-length rows (default 1,000,000, about 560 MB: the shipped sample's
# rows with new ids and dates, dates written `YYYY-MM-DD 00:00:00.000` as UCDP does).
# The file lives in a temporary folder and is deleted afterwards. Runs REPEAT times
# (default 5; the machine is shared) and prints each run's wall time, MB/s and max RSS,
# then the best and the median. Targets: under 2 s wall per million rows, under 64 MB RSS.
#   bench/events.sh BUILD     env: ROWS, REPEAT, TMPDIR
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRUCE="$ROOT/$BUILD/truce"
ROWS=${ROWS:-1000000}
REPEAT=${REPEAT:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
file="$work/ged.csv"
python3 "$ROOT/bench/gen_ged.py" "$ROOT/data/ucdp_ged231_sample_pakistan_events.csv" "$file" "$ROWS"
bytes=$(wc -c <"$file")
echo "file: $ROWS rows, $bytes bytes"
cat "$file" >/dev/null   # warm the page cache: measure parsing, not the disk
timer() {  # prints "wall_seconds max_rss_kb" for one run of the command
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || return 1
        cat "$work/time"
    else
        python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[1], "w") as out:
    rc = subprocess.call(sys.argv[2:], stdout=out)
wall = time.monotonic() - t
print("%.2f %d" % (wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)' "$work/out" "$@" >"$work/time" 2>"$work/err" || return 1
        cat "$work/time"
    fi
}
: >"$work/walls"
status=0
i=1
while [ "$i" -le "$REPEAT" ]; do
    if ! m=$(timer "$TRUCE" events aggregate --by month --group country "$file"); then
        echo "run $i failed:"; cat "$work/err"; exit 1
    fi
    set -- $m
    wall=$1 rss=$2
    echo "$wall" >>"$work/walls"
    echo "$rss" >>"$work/rss"
    awk -v w="$wall" -v r="$rss" -v b="$bytes" -v i="$i" \
        'BEGIN { printf "run %d: %.2f s, %.0f MB/s, max RSS %.1f MB\n", i, w, b / 1e6 / (w > 0 ? w : 0.01), r / 1024 }'
    i=$((i + 1))
done
rows_out=$(($(wc -l <"$work/out") - 1))
sort -n "$work/walls" | awk -v b="$bytes" -v rows="$rows_out" -v limit="$(awk -v n="$ROWS" 'BEGIN { print 2 * n / 1e6 }')" '
    { w[NR] = $1 }
    END { med = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
          printf "best %.2f s (%.0f MB/s), median %.2f s (%.0f MB/s); %d table rows\n",
                 w[1], b / 1e6 / w[1], med, b / 1e6 / med, rows
          if (w[1] >= limit) { printf "FAIL: best wall time not under %g s\n", limit; exit 1 } }' || status=1
sort -n "$work/rss" | tail -1 | awk '{ printf "max RSS over runs: %.1f MB\n", $1 / 1024
    if ($1 >= 65536) { print "FAIL: max RSS not under 64 MB"; exit 1 } }' || status=1
exit $status
