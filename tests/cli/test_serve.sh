#!/bin/sh
# truce serve (docs/serve.md): each endpoint's happy path, every limit and malformed request
# gives its documented 4xx (or 503) and the server keeps serving, the port in use exits 1,
# SIGTERM stops it with 0. A bank of 4 histories keeps it to a few seconds. Prints TAP.
set -u
T=${TRUCE:?}
exec python3 - "$T" <<'EOF'
import json, os, re, signal, socket, subprocess, sys, threading, time, urllib.request, urllib.error

T = sys.argv[1]
fails = 0
def check(name, cond, detail=""):
    global fails
    if cond:
        print("ok - " + name)
    else:
        fails += 1
        print("not ok - " + name + (" # " + str(detail)[:300] if detail else ""))

def start(*args):
    """Start a server on a free port; return (process, port, seconds until it printed its address)."""
    t0 = time.monotonic()
    p = subprocess.Popen([T, "serve", "--port", "0", *args], stderr=subprocess.PIPE, text=True)
    line = ""
    while True:
        line = p.stderr.readline()
        if not line or "listening on" in line:
            break
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    log = []
    threading.Thread(target=lambda: log.extend(p.stderr), daemon=True).start()
    p.log = log
    return p, (int(m.group(1)) if m else None), time.monotonic() - t0

def req(port, method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    h = {"Content-Type": "application/json"} if data is not None else {}
    h.update(headers or {})
    r = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(r, timeout=60) as f:
            return f.status, dict(f.headers), f.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

def js(b):
    try:
        return json.loads(b)
    except Exception:
        return None

def err_is(name, res, status, field):
    st, h, b = res
    j = js(b)
    check(name + " -> %d, field %s" % (status, field),
          st == status and isinstance(j, dict) and j.get("field") == field and isinstance(j.get("error"), str)
          and j["error"] != "", (st, b[:200]))

r = subprocess.run([T, "serve", "--help"], capture_output=True, text=True)
check("serve --help: exit 0, documents --port and --bind", r.returncode == 0 and "--port" in r.stdout and "--bind" in r.stdout)
r = subprocess.run([T, "serve", "--port", "x"], capture_output=True, text=True)
check("serve --port x: exit 2 with a message", r.returncode == 2 and "--port" in r.stderr)
r = subprocess.run([T, "serve", "--bind", "localhost"], capture_output=True, text=True)
check("serve --bind with a name, not an address: exit 2", r.returncode == 2 and "--bind" in r.stderr)

# --- before the bank is ready: params at once, simulations 503 with Retry-After ---------------
p, port, t_listen = start("--runs", "400")
t0 = time.monotonic()
st, h, b = req(port, "GET", "/api/params")
t_params = t_listen + time.monotonic() - t0
check("GET /api/params answers within 2 s of the start (%.2f s) while the bank is built" % t_params,
      st == 200 and t_params < 2.0 and js(b) and js(b)["bank"]["ready"] is False, (st, t_params))
st, h, b = req(port, "POST", "/api/ensemble", {})
check("POST /api/ensemble before the bank is ready -> 503 with Retry-After",
      st == 503 and h.get("Retry-After", "").isdigit() and "error" in (js(b) or {}), (st, h))
p.send_signal(signal.SIGTERM)
rc = p.wait(timeout=20)
check("SIGTERM while the bank is being built: stops at once, exit 0", rc == 0, rc)

# --- a small bank ---------------------------------------------------------------------------
p, port, _ = start("--runs", "4", "--threads", "2", "--max-body", "4096", "--workers", "1")
for _ in range(600):
    st, h, b = req(port, "GET", "/api/status")
    if js(b) and (js(b)["ready"] or js(b)["failed"]):
        break
    time.sleep(0.1)
check("the bank of 4 histories becomes ready", js(b) and js(b)["ready"], b)

st, h, b = req(port, "GET", "/api/params")
P = js(b) or {}
names = [x["name"] for x in P.get("parameters", [])]
check("GET /api/params: parameters with bounds and defaults, key ones, levers, regions, organisations, limits",
      st == 200 and "regroup_strength" in names and all(k in names for k in P.get("key", [])) and P.get("key")
      and all({"lo", "hi", "default", "description"} <= set(x) for x in P["parameters"])
      and "ceasefire" in [l["name"] for l in P.get("levers", [])] and "waziristan" in P.get("regions", [])
      and P.get("organisations") == ["ttp", "baloch"] and P["limits"]["runs_max"] == 4
      and P["limits"]["body_bytes"] == 4096 and P["from"] == "2026-01-01" and P["to"] == "2030-12-31", b[:300])
st, h, b = req(port, "GET", "/api/portfolios")
PF = (js(b) or {}).get("portfolios", [])
sq = [x for x in PF if x.get("status_quo")]
check("GET /api/portfolios: the shipped ones, the status quo first, with their levers as JSON",
      st == 200 and PF and PF[0]["name"] == "status-quo" and len(sq) == 1 and isinstance(sq[0]["levers"], list)
      and sq[0]["levers"] and all("lever" in l and "start" in l for l in sq[0]["levers"]), b[:300])

st, h, b = req(port, "POST", "/api/ensemble", {"runs": 4})
E = js(b) or {}
n = len(E.get("periods", []))
check("POST /api/ensemble: monthly bands 2002-01..2030-12 (348 months) of 4 variables in 3 geographies",
      st == 200 and n == 348 and E["periods"][0] == "2002-01" and E["periods"][-1] == "2030-12"
      and len(E["bands"]) == 12 and all(len(x[q]) == n for x in E["bands"] for q in ("q05", "q25", "q50", "q75", "q95"))
      and all(a <= c <= e for x in E["bands"] for a, c, e in zip(x["q05"], x["q50"], x["q95"])), (st, b[:200]))
check("POST /api/ensemble: the reported series to draw against (PICSS attacks, national)",
      any(s["source"] == "PICSS" and s["variable"] == "attacks" and s["geography"] == "national" and s["value"]
          for s in E.get("reported", [])))
st2, h2, b2 = req(port, "POST", "/api/ensemble", {"runs": 4})
check("the same request twice gives the same bytes", st2 == 200 and b2 == b)

# status quo against itself: every paired difference is exactly 0
st, h, b = req(port, "POST", "/api/compare", {"portfolio": {"name": "sq-copy", "levers": sq[0]["levers"]}, "runs": 4})
C = js(b) or {}
check("POST /api/compare of the status quo's levers: every difference exactly 0, p_better 0",
      st == 200 and len(C.get("summary", [])) == 12 and all(s["diff_q05"] == 0 and s["diff_q95"] == 0 and s["p_better"] == 0
                                                                for s in C["summary"])
      and all(v == 0 for x in C["diff_bands"] for v in x["q50"]) and C["periods"][0] == "2026-01", (st, b[:300]))

cf = {"name": "cf", "levers": sq[0]["levers"] + [{"lever": "ceasefire", "start": "2026-03", "end": "2027-02", "regions": "all",
                                                   "compliance": 1}]}
st, h, b = req(port, "POST", "/api/compare", {"portfolio": cf, "runs": 4, "to": "2027-12"})
C = js(b) or {}
att = [s for s in C.get("summary", []) if s["outcome"] == "attacks:national"]
check("POST /api/compare with a full-compliance ceasefire (to 2027-12): 24 months, attacks differ from the status quo",
      st == 200 and len(C["periods"]) == 24 and C["to"] == "2027-12-31" and att and att[0]["diff_q50"] != 0
      and C["portfolio"]["levers"] == len(cf["levers"]), (st, b[:300]))
st, h, b = req(port, "POST", "/api/ensemble", {"params": {"regroup_strength": 2}, "runs": 2})
check("POST /api/ensemble with a parameter moved: 200, echoed", st == 200 and js(b)["params"] == {"regroup_strength": 2})
# the history is shared: a parameter moved from 2026 on leaves 2002-2025 as it was
E2 = js(b) or {}
E1 = js(req(port, "POST", "/api/ensemble", {"runs": 2})[2]) or {}
hist = E1["periods"].index("2026-01")
check("a parameter moved from the futures' first day on leaves the history's bands unchanged",
      E1["bands"][0]["q50"][:hist] == E2["bands"][0]["q50"][:hist])

# assets: only the server's own
st, h, b = req(port, "GET", "/")
check("GET /: the explorer page (text/html), loading its script and uPlot",
      st == 200 and h.get("Content-Type", "").startswith("text/html") and b"explorer.js" in b and b"uPlot" in b)
st, h, b = req(port, "GET", "/uPlot.iife.min.js")
check("GET /uPlot.iife.min.js: uPlot from the library", st == 200 and b"uPlot" in b)

# --- limits and malformed requests ---------------------------------------------------------------
err_is("a body over --max-body (4096 bytes)", req(port, "POST", "/api/ensemble", raw=b"{" + b" " * 5000 + b"}"), 413, "body")
def chunked(port, total):
    """POST a body of `total` bytes in chunks, without Content-Length; return (status, body)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"POST /api/ensemble HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    piece = b" " * 1000
    sent = 0
    try:
        while sent < total:
            s.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            sent += len(piece)
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    data = b""
    while True:
        try:
            d = s.recv(65536)
        except OSError:
            break
        if not d:
            break
        data += d
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d+)", head)
    return (int(m.group(1)) if m else 0), {}, body
err_is("a chunked body over --max-body (no Content-Length)", chunked(port, 6000), 413, "body")
err_is("malformed JSON", req(port, "POST", "/api/ensemble", raw=b'{"runs": 2,}'), 400, "body")
err_is("JSON that is not an object", req(port, "POST", "/api/compare", raw=b"[1,2]"), 400, "body")
err_is("a duplicate key", req(port, "POST", "/api/ensemble", raw=b'{"runs":1,"runs":2}'), 400, "body")
err_is("invalid UTF-8", req(port, "POST", "/api/ensemble", raw=b'{"portfolio":"\xff"}'), 400, "body")
err_is("an unknown field", req(port, "POST", "/api/ensemble", {"run": 2}), 422, "run")
err_is("runs over the limit", req(port, "POST", "/api/ensemble", {"runs": 5}), 422, "runs")
err_is("runs not whole", req(port, "POST", "/api/ensemble", {"runs": 1.5}), 422, "runs")
err_is("runs 0", req(port, "POST", "/api/compare", {"runs": 0}), 422, "runs")
err_is("a horizon past the bank's", req(port, "POST", "/api/ensemble", {"to": "2031-01"}), 422, "to")
err_is("a horizon before the futures", req(port, "POST", "/api/ensemble", {"to": "2020"}), 422, "to")
err_is("a parameter out of bounds", req(port, "POST", "/api/ensemble", {"params": {"regroup_strength": 99}}), 422, "params.regroup_strength")
err_is("an unknown parameter", req(port, "POST", "/api/ensemble", {"params": {"no_such": 1}}), 422, "params.no_such")
err_is("a parameter that is not a number", req(port, "POST", "/api/ensemble", {"params": {"regroup_strength": "1"}}), 422, "params.regroup_strength")
err_is("params not an object", req(port, "POST", "/api/ensemble", {"params": [1]}), 422, "params")
err_is("portfolio not an object", req(port, "POST", "/api/ensemble", {"portfolio": "talks"}), 422, "portfolio")
bad = lambda lv: {"portfolio": {"name": "x", "levers": [{"lever": "talks", "start": "2026-02", "regions": "all"}, lv]}}
err_is("an unknown lever (second lever)", req(port, "POST", "/api/ensemble", bad({"lever": "ceasfire", "start": "2026-02", "regions": "all"})), 422, "portfolio.levers[1].lever")
err_is("a compliance out of [0, 1]", req(port, "POST", "/api/compare", bad({"lever": "ceasefire", "start": "2026-02", "regions": "all", "compliance": 2})), 422, "portfolio.levers[1].compliance")
err_is("an unknown region", req(port, "POST", "/api/compare", bad({"lever": "ceasefire", "start": "2026-02", "regions": "mars"})), 422, "portfolio.levers[1].regions")
err_is("a lever starting before the futures", req(port, "POST", "/api/compare", bad({"lever": "ceasefire", "start": "2025-06", "regions": "all"})), 422, "portfolio.levers[1].start")
err_is("an unknown key in a lever", req(port, "POST", "/api/compare", bad({"lever": "ceasefire", "start": "2026-02", "regions": "all", "strength": 1})), 422, "portfolio.levers[1].strength")
err_is("a portfolio without a name", req(port, "POST", "/api/compare", {"portfolio": {"levers": []}}), 422, "portfolio.name")
many = {"portfolio": {"name": "m", "levers": [{"lever": "talks", "start": "2026-02", "regions": "all"}] * 65}}
check("the request with 65 levers fits the body limit", len(json.dumps(many)) < 4096)
err_is("more than 64 levers", req(port, "POST", "/api/compare", many), 422, "portfolio.levers")
err_is("a wrong method on the API", req(port, "GET", "/api/ensemble"), 405, "method")
err_is("a wrong method on a page asset", req(port, "POST", "/", {}), 405, "method")
err_is("a wrong Content-Type", req(port, "POST", "/api/ensemble", raw=b"{}", headers={"Content-Type": "text/plain"}), 415, "Content-Type")
err_is("an unknown path", req(port, "GET", "/api/nothing"), 404, "url")
err_is("a path outside the assets (../)", req(port, "GET", "/../../etc/passwd"), 404, "url")
err_is("a path outside the assets (%2e%2e)", req(port, "GET", "/%2e%2e/%2e%2e/etc/passwd"), 404, "url")
err_is("a file of the source tree", req(port, "GET", "/web/explorer.js"), 404, "url")
err_is("a foreign Host (DNS rebinding)", req(port, "GET", "/api/params", headers={"Host": "evil.example:80"}), 403, "Host")

# the worker pool: --workers 1, four requests at once: some are refused with 503 + Retry-After
out = []
def fire():
    out.append(req(port, "POST", "/api/compare", {"portfolio": cf, "runs": 4}))
ts = [threading.Thread(target=fire) for _ in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
codes = sorted(o[0] for o in out)
check("four simultaneous simulations with --workers 1: some 200, the others 503 with Retry-After",
      200 in codes and 503 in codes and set(codes) <= {200, 503}
      and all(o[1].get("Retry-After", "").isdigit() for o in out if o[0] == 503), codes)

st, h, b = req(port, "GET", "/api/params")
check("after every error the server still serves", st == 200)
log = "".join(p.log)
check("one log line per request on stderr", len(re.findall(r"^truce serve: 127\.0\.0\.1 (GET|POST|HEAD) ", log, re.M)) >= 40, log[-300:])

# the port in use
r = subprocess.run([T, "serve", "--port", str(port)], capture_output=True, text=True, timeout=30)
check("a port in use: exit 1 with a clear message", r.returncode == 1 and "in use" in r.stderr, (r.returncode, r.stderr))
p.send_signal(signal.SIGTERM)
rc = p.wait(timeout=30)
check("SIGTERM: stops cleanly, exit 0", rc == 0, rc)

# the wall-time limit
p, port, _ = start("--runs", "2", "--max-seconds", "0.000001")
for _ in range(600):
    st, h, b = req(port, "GET", "/api/status")
    if js(b) and js(b)["ready"]:
        break
    time.sleep(0.1)
st, h, b = req(port, "POST", "/api/compare", {"portfolio": cf, "runs": 2})
check("a request past --max-seconds: 503 naming runs, with Retry-After",
      st == 503 and (js(b) or {}).get("field") == "runs" and h.get("Retry-After", "").isdigit(), (st, b[:200]))
check("... and the server still serves", req(port, "GET", "/api/status")[0] == 200)
p.send_signal(signal.SIGINT)
check("SIGINT: stops cleanly, exit 0", p.wait(timeout=30) == 0)
sys.exit(1 if fails else 0)
EOF
