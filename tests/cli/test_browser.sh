#!/bin/sh
# The explorer end to end in headless Chromium (tests/browser/explorer.js, playwright-core
# from npm with Debian's chromium): load, move a lever, the chart updates, no console error;
# the downloaded portfolio loads with truce_portfolio_load (through build/libtruce.so) and
# `truce assess --portfolio` reads it.
# A bank of 4 histories keeps it to a few seconds. Prints TAP.
set -u
T=${TRUCE:?}
B=${TRUCE_BUILD:?}
ROOT=${TRUCE_ROOT:?}
if ! command -v node >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ] || [ ! -d "$ROOT/node_modules/playwright-core" ]; then
    echo "ok - explorer in a browser # SKIP node, /usr/bin/chromium or node_modules/playwright-core missing"
    exit 0
fi
W=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$W"' EXIT
"$T" serve --port 0 --runs 4 --threads 2 2>"$W/log" &
pid=$!
port=
for _ in $(seq 200); do
    port=$(sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$W/log" | head -1)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "not ok - the server starts"; cat "$W/log"; exit 1; }
fail=0
# HOME: Chromium writes its profile there
HOME="$W" NODE_PATH="$ROOT/node_modules" node "$ROOT/tests/browser/explorer.js" "http://127.0.0.1:$port/" "$W/setup.yaml" || fail=1
if [ -s "$W/setup.yaml" ]; then
    if python3 - "$B/libtruce.so" "$W/setup.yaml" <<'PY'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
class Err(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("message", ctypes.c_char * 1024)]
lib.truce_scenario_load_default.restype = ctypes.c_void_p
lib.truce_scenario_load_default.argtypes = [ctypes.POINTER(Err)]
lib.truce_portfolio_load.restype = ctypes.c_void_p
lib.truce_portfolio_load.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(Err)]
lib.truce_portfolio_lever_count.restype = ctypes.c_size_t
lib.truce_portfolio_lever_count.argtypes = [ctypes.c_void_p]
lib.truce_portfolio_name.restype = ctypes.c_char_p
lib.truce_portfolio_name.argtypes = [ctypes.c_void_p]
e = Err()
s = lib.truce_scenario_load_default(ctypes.byref(e))
p = lib.truce_portfolio_load(sys.argv[2].encode(), s, ctypes.byref(e)) if s else None
if not p:
    print("# " + e.message.decode(errors="replace"))
    sys.exit(1)
# the status quo's 5 levers and the added ceasefire
ok = lib.truce_portfolio_name(p) == b"browser-test" and lib.truce_portfolio_lever_count(p) == 6
sys.exit(0 if ok else 1)
PY
    then echo "ok - the downloaded portfolio loads with truce_portfolio_load: its name and 6 levers"
    else echo "not ok - the downloaded portfolio loads with truce_portfolio_load"; sed 's/^/# /' "$W/setup.yaml"; fail=1; fi
    if "$T" assess --portfolio "$W/setup.yaml" --runs 2 --to 2026-06 --out "$W/assessment" -q >"$W/assess.log" 2>&1 &&
       grep -q '^browser-test,attacks:national,' "$W/assessment/assessment.csv"; then
        echo "ok - truce assess --portfolio reads the downloaded file (2 runs to 2026-06)"
    else echo "not ok - truce assess --portfolio reads the downloaded file"; sed 's/^/# /' "$W/assess.log"; fail=1; fi
else
    echo "not ok - a portfolio file was downloaded"; fail=1
fi
grep -q 'POST /api/ensemble 200' "$W/log" || { echo "not ok - the server logged the page's requests"; fail=1; }
exit $fail
