"""truce ensemble's bands.csv, recomputed independently from the individual runs.

Runs `truce run --seed S --run i` for every member, then recomputes each band's mean and
quantiles in Python: unweighted with the standard library's statistics.quantiles(...,
method="inclusive") (type 7, as R's default and NumPy's "linear"); weighted (a --params file
with a weight column) with the rule of docs/ensemble.md written out here again. Checks that
bands.csv agrees with both to the 10 significant digits it prints. Prints TAP.
"""
import csv
import math
import os
import statistics
import subprocess
import tempfile
from collections import defaultdict

truce = os.environ["TRUCE"]
failed = 0


def check(name, cond, detail=""):
    global failed
    print(("ok" if cond else "not ok") + " - " + name)
    if not cond:
        failed += 1
        if detail:
            print("# " + detail)


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def series_of(out):
    with open(os.path.join(out, "series.csv"), newline="") as f:
        return {(r["period"], r["region"], r["variable"]): float(r["value"]) for r in csv.DictReader(f)}


def bands_of(out):
    with open(os.path.join(out, "bands.csv"), newline="") as f:
        return {(r["period"], r["region"], r["variable"]): r for r in csv.DictReader(f)}


def weighted_q7(pairs, p):
    """pairs: (value, weight, run); zero weights out; type 7 on the sample in which each
    of the n values is repeated w n / W times (docs/ensemble.md)."""
    v = sorted((x, i, w) for x, w, i in pairs if w > 0)
    n = len(v)
    if n == 1:
        return v[0][0]
    if len({w for _, _, w in v}) == 1:
        xs = [x for x, _, _ in v]
    else:
        total = sum(w for _, _, w in v)
        cum, xs = [], []
        acc = 0.0
        for x, _, w in v:
            acc += w * n / total
            cum.append(acc)
        for j in range(n):
            xs.append(next((v[k][0] for k in range(n) if j < cum[k]), v[-1][0]))
    h = (n - 1) * p
    lo = int(h)
    if lo >= n - 1:
        return xs[-1]
    return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


LEVELS = (("q05", 0.05), ("q25", 0.25), ("q50", 0.50), ("q75", 0.75), ("q95", 0.95))

with tempfile.TemporaryDirectory() as tmp:
    # -- unweighted: 25 runs --------------------------------------------------------
    n, seed = 25, 5
    ens = os.path.join(tmp, "ens")
    subprocess.run([truce, "ensemble", "--runs", str(n), "--seed", str(seed), "--to", "2004",
                    "--by", "year", "--out", ens, "-q"], check=True)
    runs = []
    for i in range(n):
        out = os.path.join(tmp, "r%d" % i)
        subprocess.run([truce, "run", "--seed", str(seed), "--run", str(i), "--to", "2004", "--by", "year",
                        "--out", out, "-q"], check=True)
        runs.append(series_of(out))
    bands = bands_of(ens)
    check("bands.csv has one row per cell of series.csv", set(bands) == set(runs[0]),
          "%d bands, %d cells" % (len(bands), len(runs[0])))
    bad = []
    for key, row in bands.items():
        xs = [r[key] for r in runs]
        cuts = statistics.quantiles(xs, n=20, method="inclusive")  # 5%, 10%, ..., 95%
        want = {"mean": statistics.fmean(xs), "q05": cuts[0], "q25": cuts[4], "q50": cuts[9],
                "q75": cuts[14], "q95": cuts[18]}
        for col, w in want.items():
            if not close(float(row[col]), w):
                bad.append("%s %s: bands.csv %s, recomputed %.12g" % (key, col, row[col], w))
    check("unweighted means and type-7 quantiles match statistics.quantiles(inclusive) (%d cells)" % len(bands),
          not bad, "; ".join(bad[:5]))

    # -- weighted: a --params file with a weight column, cycled ---------------------
    rows = [(0.01, 1.0), (0.02, 2.0), (0.015, 0.0), (0.03, 0.5)]
    pfile = os.path.join(tmp, "p.csv")
    with open(pfile, "w") as f:
        f.write("attack_rate,weight\n" + "".join("%g,%g\n" % r for r in rows))
    n = 10
    wens = os.path.join(tmp, "wens")
    subprocess.run([truce, "ensemble", "--runs", str(n), "--seed", str(seed), "--to", "2003", "--by", "year",
                    "--params", pfile, "--out", wens, "-q"], check=True)
    wruns = []
    for i in range(n):
        rate, weight = rows[i % len(rows)]
        out = os.path.join(tmp, "w%d" % i)
        subprocess.run([truce, "run", "--seed", str(seed), "--run", str(i), "--to", "2003", "--by", "year",
                        "--set", "attack_rate=%g" % rate, "--out", out, "-q"], check=True)
        wruns.append((series_of(out), weight))
    wbands = bands_of(wens)
    bad = []
    for key, row in wbands.items():
        pairs = [(s[key], w, i) for i, (s, w) in enumerate(wruns)]
        sw = sum(w for _, w, _ in pairs if w > 0)
        want = {"mean": sum(x * w for x, w, _ in pairs if w > 0) / sw}
        for col, p in LEVELS:
            want[col] = weighted_q7(pairs, p)
        for col, w in want.items():
            if not close(float(row[col]), w) or math.isnan(w):
                bad.append("%s %s: bands.csv %s, recomputed %.12g" % (key, col, row[col], w))
    check("weighted means and quantiles match the documented rule (%d cells)" % len(wbands), not bad,
          "; ".join(bad[:5]))

raise SystemExit(1 if failed else 0)
