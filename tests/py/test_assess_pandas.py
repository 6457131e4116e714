"""An independent recomputation of `truce assess`'s summaries from its per-run dump.

`truce assess --runs-csv` writes runs.csv (every run's outcomes, one row per portfolio,
run and outcome); from it, pandas recomputes what assessment.csv and ranking.csv report:
the medians of the status quo and the portfolio, the type-7 quantiles of the paired
differences (numpy's default "linear" method is type 7), p_better (the share of runs with
a difference below 0, empty for deaths_militant:*), and each portfolio's share of runs in
which it is lowest (ties shared) with its mean mid-rank. assessment.csv prints %.6g, so
the comparison allows a relative 1e-5.

pandas comes from Debian's python3-pandas (installed by `make test`); this file re-runs
itself under /usr/bin/python3 when the `python3` on PATH lacks it."""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import pandas as pd
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("not ok - pandas is not installed (Debian: python3-pandas)")
    sys.exit(1)

TRUCE = os.environ["TRUCE"]
ROOT = os.environ["TRUCE_ROOT"]
failed = 0


def check(name, cond, detail=""):
    global failed
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else f" ({detail})"))
    failed |= not cond


def close(a, b):
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return abs(a - b) <= 1e-5 * max(1.0, abs(a), abs(b))


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "a")
    pf = [os.path.join(ROOT, "scenarios", "portfolios", f)
          for f in ("talks-ceasefire.yaml", "intelligence-ops.yaml", "finance-disruption.yaml")]
    cmd = [TRUCE, "assess", "--runs", "24", "--to", "2027-12", "--runs-csv", "--out", out, "-q"]
    for p in pf:
        cmd += ["--portfolio", p]
    subprocess.run(cmd, check=True)
    runs = pd.read_csv(os.path.join(out, "runs.csv"))
    table = pd.read_csv(os.path.join(out, "assessment.csv"))
    ranking = pd.read_csv(os.path.join(out, "ranking.csv"))

wide = runs.pivot_table(index=["run", "outcome"], columns="portfolio", values="value")
sq = "status-quo"
check("runs.csv: 24 runs x 15 outcomes x 4 portfolios", len(runs) == 24 * 15 * 4, len(runs))
check("each run keeps one particle in every portfolio",
      runs.groupby("run")["particle"].nunique().max() == 1)

bad = []
for _, row in table.iterrows():
    w = wide.xs(row["outcome"], level="outcome")
    d = w[row["portfolio"]] - w[sq]
    expect = {
        "status_quo": np.median(w[sq]),
        "value": np.median(w[row["portfolio"]]),
        "diff_q05": np.quantile(d, 0.05),
        "diff_q50": np.quantile(d, 0.50),
        "diff_q95": np.quantile(d, 0.95),
        "p_better": np.nan if row["outcome"].startswith("deaths_militant:") else float((d < 0).mean()),
    }
    for k, v in expect.items():
        if not close(row[k], v):
            bad.append(f"{row['portfolio']} {row['outcome']} {k}: {row[k]} vs {v}")
check("assessment.csv: medians, type-7 quantiles of the paired differences and p_better",
      not bad and len(table) == 3 * 15, "; ".join(bad[:5]))

bad = []
for outcome, g in ranking.groupby("outcome"):
    w = wide.xs(outcome, level="outcome")
    ranks = w.rank(axis=1, method="average")
    lowest = w.eq(w.min(axis=1), axis=0)
    share = lowest.div(lowest.sum(axis=1), axis=0).mean()
    for _, row in g.iterrows():
        p = row["portfolio"]
        if not close(row["p_first"], share[p]) or not close(row["rank_mean"], ranks[p].mean()) \
                or not close(row["rank_q50"], np.quantile(ranks[p], 0.5)):
            bad.append(f"{outcome} {p}")
check("ranking.csv: p_first (ties shared), rank_mean and rank_q50 of mid-ranks", not bad and
      not ranking["outcome"].str.startswith("deaths_militant").any(), "; ".join(bad[:5]))
sys.exit(failed)
