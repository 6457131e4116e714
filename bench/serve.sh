#!/bin/sh
# Benchmark `truce serve` (docs/serve.md, "Load"): with a bank of RUNS histories (default
# 200), the wall time of a 200-run 2026-2030 ensemble under a changed setup (target < 1 s);
# then wrk with 50 connections for SECONDS (default 60) against POST /api/ensemble with a
# small request and against GET /api/params on loopback: every answer must be 200 or the
# documented 503 (busy workers, with Retry-After), and the server's resident memory after
# the load within 10 % of before. Prints the figures and the machine's load.
#   bench/serve.sh BUILD        (RUNS=200 LOAD_SECONDS=60 THREADS=0 WORKERS=2)
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-200}
SECS=${LOAD_SECONDS:-60}
THREADS=${THREADS:-0}
WORKERS=${WORKERS:-2}
T="$ROOT/$BUILD/truce"
command -v wrk >/dev/null 2>&1 || "$ROOT/scripts/install-deps.sh" wrk || { echo "bench/serve.sh: wrk is not installed"; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
# the interpreter itself, not the pyenv shim (whose start under load would be timed)
PY=$(python3 -c 'import sys; print(sys.executable)')
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"
# The server is started from Python, which times GET /api/params from the exec (the
# interpreter's own start, slow under load, is not counted) and leaves it running.
set -- $("$PY" - "$T" "$work/log" "$RUNS" "$THREADS" "$WORKERS" <<'PY'
import re, subprocess, sys, time, urllib.request
T, log, runs, threads, workers = sys.argv[1:6]
t0 = time.monotonic()
p = subprocess.Popen([T, "serve", "--port", "0", "--runs", runs, "--threads", threads, "--workers", workers],
                     stdout=subprocess.DEVNULL, stderr=open(log, "w"), start_new_session=True)
port = None
while port is None and time.monotonic() - t0 < 10:
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", open(log).read())
    port = m.group(1) if m else None
    time.sleep(0.005)
took = -1
if port:
    with urllib.request.urlopen("http://127.0.0.1:%s/api/params" % port) as f:
        f.read()
    took = time.monotonic() - t0
print(p.pid, port or "", "%.2f" % took)
PY
)
pid=${1:-}
port=${2:-}
[ -n "$port" ] || { echo "bench/serve.sh: the server did not start"; cat "$work/log"; exit 1; }
echo "GET /api/params answered $3 s after the server's start (target < 2 s)"
t0=$(date +%s.%N)
url="http://127.0.0.1:$port"
"$PY" - "$url" "$t0" <<'PY' || exit 1
import json, sys, time, urllib.request
url, t0 = sys.argv[1], float(sys.argv[2])
while True:
    with urllib.request.urlopen(url + "/api/status") as f:
        s = json.load(f)
    if s["ready"] or s["failed"]:
        break
    time.sleep(0.2)
print("bank of %d histories (2002-2025) ready about %.1f s after the start" % (s["runs"], time.time() - t0))
PY

# A 200-run ensemble of 2026-2030 under a setup that is not the status quo (a moved
# parameter: nothing kept can answer it), best and median of 5.
"$PY" - "$url" "$RUNS" <<'PY'
import json, sys, time, urllib.request
url, runs = sys.argv[1], min(200, int(sys.argv[2]))
body = json.dumps({"runs": runs, "params": {"regroup_strength": 1.0}}).encode()
ts = []
for i in range(5):
    r = urllib.request.Request(url + "/api/ensemble", data=body, headers={"Content-Type": "application/json"})
    t = time.monotonic()
    with urllib.request.urlopen(r, timeout=120) as f:
        f.read()
    ts.append(time.monotonic() - t)
ts.sort()
print("POST /api/ensemble, %d runs, 2026-2030 with a moved parameter: best %.2f s, median %.2f s of 5 (target < 1 s: %s)"
      % (runs, ts[0], ts[2], "met" if ts[0] < 1 else "MISSED on this machine"))
PY

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
cat >"$work/count.lua" <<'LUA'
-- count the answers by status (wrk's own summary lumps every non-2xx together)
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local line = "statuses:"
  for k, v in pairs(total) do line = line .. " " .. k .. "=" .. v end
  print(line)
end
LUA
cat "$work/count.lua" >"$work/post.lua"
cat >>"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"runs":SMALL,"to":"2026-12","params":{"regroup_strength":1.0}}'
LUA
small=$(( RUNS < 10 ? RUNS : 10 ))
sed -i "s/SMALL/$small/" "$work/post.lua"
cold=$(rss)
# Warm-up: 5 s of the same load on both endpoints, so that "before" holds what any load
# touches once (connection threads' stacks, kept by the C library for reuse; the largest
# buffers); the check is then that a sustained load does not grow memory.
wrk -t 2 -c 50 -d 5s -s "$work/post.lua" "$url/api/ensemble" >/dev/null 2>&1
wrk -t 2 -c 50 -d 5s "$url/api/params" >/dev/null 2>&1
sleep 1
before=$(rss)
echo "resident memory before the load: $before kB (after a 5-s warm-up; $cold kB before it)"
status=0
for target in "POST /api/ensemble:$work/post.lua:/api/ensemble" "GET /api/params:$work/count.lua:/api/params"; do
    name=${target%%:*}; rest=${target#*:}; script=${rest%%:*}; path=${rest#*:}
    wrk -t 2 -c 50 -d "${SECS}s" --timeout 30s -s "$script" "$url$path" >"$work/wrk.out" 2>&1
    reqs=$(awk '/requests in/ {print $1}' "$work/wrk.out")
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
    lat=$(awk '/Latency/ {print $2, "(+/-", $3 ")"; exit}' "$work/wrk.out")
    sock=$(grep 'Socket errors' "$work/wrk.out" || echo "Socket errors: none")
    st=$(grep '^statuses:' "$work/wrk.out")
    echo "wrk 50 connections, ${SECS} s, $name: $reqs requests, $rps/s, mean latency $lat; $st; $sock"
    others=$(echo "$st" | tr ' ' '\n' | grep '=' | grep -v -E '^(200|503)=' || true)
    if [ -n "$others" ] || grep -q 'Socket errors' "$work/wrk.out"; then
        echo "  FAIL: answers other than 200 and the documented 503, or socket errors"; status=1
        cat "$work/wrk.out"
    fi
done
sleep 2
after=$(rss)
awk -v a="$before" -v b="$after" 'BEGIN { d = (b - a) / a * 100; printf "resident memory after the load: %d kB (%+.1f %% of before; limit 10 %%)\n", b, d; exit (d > 10 || d < -10) }' || status=1
kill -0 "$pid" 2>/dev/null || { echo "FAIL: the server died"; status=1; }
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
exit $status
