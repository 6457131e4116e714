"""series.csv as a notebook user reads it: pandas parses period_start as dates with no code,
and `truce episodes --series OUT/series.csv` reads a run's output as it is.

pandas comes from Debian's python3-pandas (installed by `make test`), which Debian's
/usr/bin/python3 sees; the `python3` on PATH may be another build without it, so this file
re-runs itself under /usr/bin/python3 when pandas is missing."""
import csv
import io
import os
import subprocess
import sys
import tempfile

try:
    import pandas as pd
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("not ok - pandas is not installed (Debian: python3-pandas)")
    sys.exit(1)

TRUCE = os.environ["TRUCE"]
failed = 0


def check(name, cond, detail=""):
    global failed
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else f" ({detail})"))
    failed |= not cond


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "o")
    subprocess.run([TRUCE, "run", "--seed", "3", "--by", "month", "--out", out, "-q"], check=True)
    df = pd.read_csv(os.path.join(out, "series.csv"), parse_dates=["period_start"])
    check("series.csv header is period,period_start,region,variable,value",
          list(df.columns) == ["period", "period_start", "region", "variable", "value"], list(df.columns))
    check("pandas parses period_start as datetimes", str(df["period_start"].dtype).startswith("datetime64"),
          df["period_start"].dtype)
    first = df["period_start"].min()
    check("the first period starts on 2002-01-01", first == pd.Timestamp("2002-01-01"), first)
    check("month labels agree with period_start",
          (df["period_start"].dt.strftime("%Y-%m") == df["period"]).all())
    attacks = df[(df.region == "all") & (df.variable == "attacks")].set_index("period_start")["value"]
    check("one attacks row per month for 'all' (24 years)", len(attacks) == 288, len(attacks))
    # the 'all' row of a flow is the sum of the regions' rows
    regions = df[(df.region != "all") & (df.variable == "attacks")].groupby("period_start")["value"].sum()
    check("'all' attacks are the sum over regions", (regions == attacks).all())

    ep = subprocess.run([TRUCE, "episodes", "--series", os.path.join(out, "series.csv"), "--kind", "ceasefire"],
                        capture_output=True, text=True)
    check("episodes --series OUT/series.csv exits 0", ep.returncode == 0, ep.stderr.strip())
    rows = list(csv.DictReader(io.StringIO(ep.stdout)))
    check("it studies the run's attacks and killed (source truce, geography all)",
          {r.get("metric") for r in rows} == {"attacks", "killed"} and {r.get("source") for r in rows} == {"truce"},
          {(r.get("source"), r.get("metric")) for r in rows})
    # an independent count: attacks in the 90 days before the 2022-06-02 ceasefire, from the
    # monthly series apportioned by days as the study does (2022-03-04 .. 2022-06-01)
    r28 = [r for r in rows if r.get("episode") == "28" and r.get("metric") == "attacks"]
    if r28:
        m = attacks
        expect = (m[pd.Timestamp("2022-03-01")] * 28 / 31 + m[pd.Timestamp("2022-04-01")] +
                  m[pd.Timestamp("2022-05-01")] + m[pd.Timestamp("2022-06-01")] * 1 / 30)
        got = float(r28[0]["count_before"])
        # `truce episodes` prints counts with 6 significant digits (%.6g): they agree to
        # half a unit in the 6th digit, 5e-6 relative
        check("episode 28's before count equals the monthly series apportioned by day", abs(got - expect) <= 5e-6 * max(1, expect),
              f"{got} vs {expect}")
    else:
        check("episode 28 is in the study", False, "missing")

sys.exit(1 if failed else 0)
