#!/usr/bin/env python3
"""Independent cross-check of `truce episodes`: recompute rate_before/during/after from
data/pakistan_series.csv and the timeline with the documented rule (day-weighted shares of
the periods no longer than the window, rate over known days only, NA under 50% coverage),
using only the standard library, and compare with the command's CSV (rates and the
after/before ratio)."""
import csv, datetime as dt, io, os, subprocess, sys

ROOT = os.environ.get("TRUCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
TRUCE = os.environ.get("TRUCE", os.path.join(ROOT, "build", "truce"))
fails = 0


def report(ok, msg):
    global fails
    print(("ok - " if ok else "not ok - ") + msg)
    fails += 0 if ok else 1


def period_span(p):
    if len(p) == 4:
        y = int(p); return dt.date(y, 1, 1), dt.date(y, 12, 31)
    y = int(p[:4])
    if p[5] == "Q":
        q = int(p[6]); a = dt.date(y, 3 * q - 2, 1)
        b = dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)
        return a, b - dt.timedelta(days=1)
    m = int(p[5:7]); a = dt.date(y, m, 1)
    b = dt.date(y + (m == 12), m % 12 + 1, 1)
    return a, b - dt.timedelta(days=1)


def series(source, metric, geo):
    rows = []
    for r in csv.DictReader(open(os.path.join(ROOT, "data", "pakistan_series.csv"), encoding="utf-8")):
        if r["source"] == source and r["metric"] == metric and r["geography"] == geo and r["value"] != "":
            a, b = period_span(r["period"])
            rows.append((a, b, float(r["value"])))
    rows.sort(key=lambda x: ((x[1] - x[0]).days, x[0]))
    kept = []
    for a, b, v in rows:  # finest first; drop coarser rows that overlap kept ones
        if not any(a <= kb and ka <= b for ka, kb, _ in kept):
            kept.append((a, b, v))
    return kept


def window(ser, a, b):
    n = (b - a).days + 1
    known = count = 0.0
    for pa, pb, v in ser:
        plen = (pb - pa).days + 1
        lo, hi = max(a, pa), min(b, pb)
        if lo > hi or plen > n:
            continue
        ov = (hi - lo).days + 1
        known += ov
        count += v * ov / plen
    if known <= 0 or known < 0.5 * n:
        return None
    return count / known * 30.0


def parse_date(s, last):
    if len(s) == 10:
        return dt.date.fromisoformat(s)
    a, b = period_span(s)
    return b if last else a


out = subprocess.run([TRUCE, "episodes", "--placebos", "50"], capture_output=True, text=True, check=True).stdout
got = {(r["episode"], r["metric"]): r for r in csv.DictReader(io.StringIO(out))}
timeline = list(csv.DictReader(open(os.path.join(ROOT, "data", "pak_ttp_timeline.csv"), encoding="utf-8")))
checked = 0
for ep in timeline:
    if ep["id"] not in ("19", "25", "27", "28", "29", "32"):
        continue
    s0 = parse_date(ep["start"], False); e1 = parse_date(ep["end"], True)
    for metric in ("attacks", "killed"):
        ser = series("PICSS", metric, "Pakistan")
        W = dt.timedelta(days=90)
        want = {"rate_before": window(ser, s0 - W, s0 - dt.timedelta(days=1)),
                "rate_during": window(ser, s0, e1),
                "rate_after": window(ser, e1 + dt.timedelta(days=1), e1 + W)}
        row = got[(ep["id"], metric)]
        for col, w in want.items():
            g = row[col]
            ok = (w is None and g == "NA") or (w is not None and g != "NA" and abs(float(g) - w) <= 1e-5 * max(1.0, w))
            report(ok, f"episode {ep['id']} {metric} {col}: truce {g}, python {w if w is None else round(w, 6)}")
            checked += 1
        if row["ratio_after_before"] != "NA" and want["rate_before"] and want["rate_after"] is not None:
            r = want["rate_after"] / want["rate_before"]
            report(abs(float(row["ratio_after_before"]) - r) <= 1e-5 * r,
                   f"episode {ep['id']} {metric} ratio {row['ratio_after_before']} = {r:.6g}")

res = subprocess.run([TRUCE, "episodes", "--series", os.devnull], capture_output=True, text=True)
report(res.returncode == 2, "an empty series file exits 2")
report(checked >= 30, f"{checked} rates compared")
sys.exit(1 if fails else 0)
