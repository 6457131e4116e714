#!/usr/bin/env python3
"""Independent cross-check of the fit's summary statistics (src/infer/fit_target.c,
docs/calibration.md "Summaries and distance"): recompute a few of them from
data/pakistan_series.csv with the documented rules, using only the standard library, and
compare with what `build/tests/test_fit_target --dump` prints (the observed summaries)."""
import csv, io, math, os, subprocess, sys

ROOT = os.environ.get("TRUCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TRUCE_BUILD", os.path.join(ROOT, "build"))
fails = 0


def report(ok, msg):
    global fails
    print(("ok - " if ok else "not ok - ") + msg)
    fails += 0 if ok else 1


def dump(*args):
    out = subprocess.run([os.path.join(BUILD, "tests", "test_fit_target"), "--dump", *args],
                         check=True, capture_output=True, text=True).stdout
    return {r["name"]: float(r["value"]) for r in csv.DictReader(io.StringIO(out))}


rows = list(csv.DictReader(open(os.path.join(ROOT, "data", "pakistan_series.csv"), newline="")))


def series(source, metric, geography):
    return {r["period"]: float(r["value"]) for r in rows
            if r["source"] == source and r["metric"] == metric and r["geography"] == geography
            and r["value"] != ""}


got = dump()
picss = series("PICSS", "attacks", "Pakistan")
pips = series("PIPS", "attacks", "Pakistan")

# yearly levels: log1p of a reported year
for src, s, y in (("PICSS", picss, "2017"), ("PIPS", pips, "2014")):
    name = f"year:{src}:attacks:Pakistan:{y}"
    report(name in got and abs(got[name] - math.log1p(s[y])) < 1e-12, f"{name} = log1p({s[y]:g})")

# monthly values: every reported month of PICSS national attacks in the horizon, log1p
months = sorted(p for p in picss if len(p) == 7)
names = sorted(n for n in got if n.startswith("month:PICSS:attacks:Pakistan:"))
report(names == [f"month:PICSS:attacks:Pakistan:{m}" for m in months],
       f"PICSS Pakistan attacks has one monthly summary per reported month ({len(months)})")
report(all(abs(got[f"month:PICSS:attacks:Pakistan:{m}"] - math.log1p(picss[m])) < 1e-12 for m in months),
       "monthly summaries are log1p of the reported months")

# growth: mean log1p of the reported years 2023-25 minus that of 2018-20, per source
for src, s in (("PICSS", picss), ("PIPS", pips)):
    late = [math.log1p(s[str(y)]) for y in (2023, 2024, 2025) if str(y) in s]
    early = [math.log1p(s[str(y)]) for y in (2018, 2019, 2020) if str(y) in s]
    want = sum(late) / len(late) - sum(early) / len(early)
    name = f"growth:{src}:attacks:Pakistan:2023-2025/2018-2020"
    report(name in got and abs(got[name] - want) < 1e-12, f"{name} = {want:.6f}")

# seasonality: mean of the reported April-September months over the sum of that mean and the
# mean of the other reported months
for src, s in (("PICSS", picss), ("PIPS", pips)):
    warm = [v for p, v in s.items() if len(p) == 7 and 4 <= int(p[5:]) <= 9]
    cold = [v for p, v in s.items() if len(p) == 7 and not 4 <= int(p[5:]) <= 9]
    mw, mc = sum(warm) / len(warm), sum(cold) / len(cold)
    name = f"season:{src}:attacks:Pakistan:warm_share"
    report(name in got and abs(got[name] - mw / (mw + mc)) < 1e-12, f"{name} = {mw / (mw + mc):.6f}")

# cutoff: nothing after 2022 is read; the growth windows move to 2020-22 / 2015-17
cut = dump("--cutoff", "2022-12")
late = [n for n in cut if any(f":{y}" in n for y in ("2023", "2024", "2025"))]
report(not late, "--cutoff 2022-12 drops every later period" + (f" (kept {late[:3]})" if late else ""))
late = [math.log1p(pips[str(y)]) for y in (2020, 2021, 2022) if str(y) in pips]
early = [math.log1p(pips[str(y)]) for y in (2015, 2016, 2017) if str(y) in pips]
want = sum(late) / len(late) - sum(early) / len(early)
name = "growth:PIPS:attacks:Pakistan:2020-2022/2015-2017"
report(name in cut and abs(cut[name] - want) < 1e-12, f"{name} = {want:.6f} after the cutoff")
sys.exit(1 if fails else 0)
