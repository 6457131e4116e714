#!/usr/bin/env python3
"""Independent cross-check of `truce validate forecast`'s baselines (docs/validate.md): from
data/pakistan_series.csv alone, with the standard library, recompute for the months after a
2022-12 cutoff the CRPS and the 90 % interval score of `zero`, `last` (Poisson around the last
observed month), `conflictology` (the last 12 observed months) and `seasonal` (Poisson around
the same calendar month in the latest year that has it), and compare with forecast.csv and the
means in forecast_scores.csv. The model's own rows need the draws and are not checked here."""
import csv, math, os, subprocess, sys, tempfile

ROOT = os.environ.get("TRUCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
TRUCE = os.environ.get("TRUCE", os.path.join(ROOT, "build", "truce"))
fails = 0


def report(ok, msg):
    global fails
    print(("ok - " if ok else "not ok - ") + msg)
    fails += 0 if ok else 1


def pmf(lam, k):
    return math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1)) if lam > 0 else float(k == 0)


def crps_poisson(lam, y):  # sum over integers k of (F(k) - 1{k >= y})^2 (y a whole number)
    F, tot = 0.0, 0.0
    for k in range(int(max(y, lam + 15 * math.sqrt(lam) + 30)) + 1):  # F is 1 to 1e-30 beyond
        F += pmf(lam, k)
        tot += (min(F, 1.0) - (1.0 if k >= y else 0.0)) ** 2
    return tot


def pq(lam, q):
    F, k = pmf(lam, 0), 0
    while F < q:
        k += 1
        F += pmf(lam, k)
    return k


def q7(xs, p):
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    return xs[lo] + (h - lo) * ((xs[lo + 1] if lo + 1 < len(xs) else xs[lo]) - xs[lo])


def crps_sample(xs, y):
    n = len(xs)
    return sum(abs(x - y) for x in xs) / n - sum(abs(a - b) for a in xs for b in xs) / (2 * n * n)


def iscore(lo, hi, y):
    return (hi - lo) + 20 * max(lo - y, 0) + 20 * max(y - hi, 0)


with tempfile.TemporaryDirectory() as w:
    out = os.path.join(w, "f")
    subprocess.run([TRUCE, "validate", "forecast", "--cutoff", "2022-12", "--sims", "64", "--particles",
                    "16", "--draws", "2", "--estimate", "obs_rate_picss", "--out", out, "-q"], check=True)
    rows = list(csv.DictReader(open(os.path.join(out, "forecast.csv"), newline="")))
    scores = list(csv.DictReader(open(os.path.join(out, "forecast_scores.csv"), newline="")))

data = list(csv.DictReader(open(os.path.join(ROOT, "data", "pakistan_series.csv"), newline="")))
for src in ("PICSS", "PIPS"):
    series = f"{src}:attacks:Pakistan"
    months = sorted((r["period"], float(r["value"])) for r in data if r["source"] == src and
                    r["metric"] == "attacks" and r["geography"] == "Pakistan" and len(r["period"]) == 7)
    past = [(p, v) for p, v in months if p <= "2022-12" and p >= "2002-01"]
    future = [(p, v) for p, v in months if p > "2022-12"]
    got = {(r["period"], r["method"]): r for r in rows if r["series"] == series}
    worst, n = 0.0, {"zero": 0, "last": 0, "conflictology": 0, "seasonal": 0}
    sums = {m: [0.0, 0.0] for m in n}
    for p, y in future:
        fc = {"zero": ("point", 0.0), "last": ("pois", past[-1][1]),
              "conflictology": ("sample", [v for _, v in past[-12:]])}
        same = [v for q, v in past if q[5:] == p[5:]]
        if same:
            fc["seasonal"] = ("pois", same[-1])
        for m, (kind, arg) in fc.items():
            if kind == "point":
                c, lo, hi = abs(y), 0.0, 0.0
            elif kind == "pois":
                c, lo, hi = crps_poisson(arg, y), pq(arg, 0.05), pq(arg, 0.95)
            else:
                c, lo, hi = crps_sample(arg, y), q7(arg, 0.05), q7(arg, 0.95)
            s = iscore(lo, hi, y)
            r = got.get((p, m))
            if r is None:
                worst = math.inf
                continue
            worst = max(worst, abs(float(r["crps"]) - c) / max(1.0, c), abs(float(r["is90"]) - s) / max(1.0, s))
            n[m] += 1
            sums[m][0] += c
            sums[m][1] += s
    # forecast.csv prints 10 significant digits: relative agreement to 1e-8
    report(worst < 1e-8, f"{series}: every baseline month's CRPS and interval score recomputed ({len(future)} months, worst relative {worst:.2g})")
    ok = True
    for r in scores:
        if r["series"] == series and r["method"] in n:
            m = r["method"]
            ok &= int(r["n"]) == n[m] and abs(float(r["crps"]) - sums[m][0] / n[m]) <= 1e-8 * max(1, sums[m][0] / n[m])
            ok &= abs(float(r["mis90"]) - sums[m][1] / n[m]) <= 1e-8 * max(1, sums[m][1] / n[m])
    report(ok, f"{series}: forecast_scores.csv holds the means over the months and their count")
sys.exit(1 if fails else 0)
