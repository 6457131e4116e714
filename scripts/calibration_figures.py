#!/usr/bin/env python3
"""Figures of the shipped calibration for docs/calibration.md, from the files that
scripts/calibrate.sh writes into data/posterior/pakistan-ttp/ and from two truce commands
run here on the shipped posterior (standard library only):

  - how the posterior was made (fit.json): command, simulations, wall time, populations,
    each estimated parameter's interval and contraction, the parameters the data did not
    inform;
  - the posterior predictive shares per series (ppc_summary.csv), overall and per series;
  - the peak year of the national attacks' median path and the 2023-25 / 2018-20 ratio
    (per run, from `truce compare --posterior` totals over the two windows) against PIPS
    and PICSS (data/pakistan_series.csv);
  - the ceasefire windows (ppc_episodes.csv) and the time-split scores (forecast_scores.csv).

    python3 scripts/calibration_figures.py [TRUCE]   (prints Markdown)
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRUCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "truce")
D = os.path.join(ROOT, "data", "posterior", "pakistan-ttp")
POST = os.path.join(ROOT, "data", "posterior", "pakistan-ttp.csv")


def q(xs, p):
    """Type 7 quantile."""
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    lo = int(h)
    return xs[lo] if lo + 1 >= len(xs) else xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def reported_years(source, metric="attacks", geo="Pakistan"):
    """A source's yearly totals: reported years, else the sum of 12 reported months."""
    years, months = {}, {}
    for r in csv.DictReader(open(os.path.join(ROOT, "data", "pakistan_series.csv"))):
        if r["source"] != source or r["metric"] != metric or r["geography"] != geo or not r["value"]:
            continue
        p = r["period"]
        if len(p) == 4:
            years[int(p)] = float(r["value"])
        elif len(p) == 7 and p[4] == "-" and "Q" not in p:
            months.setdefault(int(p[:4]), []).append(float(r["value"]))
    for y, v in months.items():
        if y not in years and len(v) == 12:
            years[y] = sum(v)
    return years


def main():
    fit = json.load(open(os.path.join(D, "fit.json")))
    out = []
    w = out.append
    w("### How the shipped posterior was made\n")
    w("- command: `%s`" % fit.get("command", "?"))
    w("- simulations: %d (screening %d), populations: %d, stopped by: %s, wall time %.0f s"
      % (fit["simulations"], fit.get("screening_simulations", 0), len(fit["populations"]),
         fit.get("stopped_by", "?"), fit.get("wall_seconds", float("nan"))))
    last = fit["populations"][-1]
    w("- last population: tolerance %.3g, acceptance %.3g, ESS %.0f"
      % (last["tolerance"] or float("inf"), last["acceptance"], last["ess"]))
    w("")
    w("| parameter | prior mean | posterior q05 | q50 | q95 | contraction | informed |")
    w("|---|---|---|---|---|---|---|")
    for p in fit["parameters"]:
        w("| `%s` | %.4g | %.4g | %.4g | %.4g | %.2f | %s |" % (
            p["name"], p["prior_mean"], p["q05"], p["q50"], p["q95"], p["contraction"],
            "yes" if p["informed"] else "**no**"))
    w("")
    w("Not informed by the data (contraction < 0.1, or screened out): %d parameters; the estimated ones among them: %s."
      % (len(fit.get("not_informed", [])) + len(fit.get("screened_out", [])),
         ", ".join("`%s`" % n for n in fit.get("not_informed", [])) or "none"))
    w("")

    rows = list(csv.DictReader(open(os.path.join(D, "ppc_summary.csv"))))
    tot = sum(int(r["periods"]) for r in rows)
    in90 = sum(float(r["share90"]) * int(r["periods"]) for r in rows)
    in50 = sum(float(r["share50"]) * int(r["periods"]) for r in rows)
    w("### Posterior predictive shares (goal: >= 80 % in the 90 % band, 35-65 % in the 50 % band)\n")
    w("All %d reported periods: %.0f %% inside the 90 %% band, %.0f %% inside the 50 %% band. "
      "Series meeting both goals: %d of %d.\n" % (
          tot, 100 * in90 / tot, 100 * in50 / tot,
          sum(1 for r in rows if float(r["share90"]) >= 0.8 and 0.35 <= float(r["share50"]) <= 0.65), len(rows)))
    w("| series | periods | in 50 % band | in 90 % band |")
    w("|---|---|---|---|")
    for r in sorted(rows, key=lambda r: -int(r["periods"])):
        w("| %s | %s | %.0f %% | %.0f %% |" % (r["series"], r["periods"], 100 * float(r["share50"]),
                                             100 * float(r["share90"])))
    w("")

    with tempfile.TemporaryDirectory() as tmp:
        def run(*args):
            subprocess.run([TRUCE] + list(args), check=True, cwd=tmp)
        run("ensemble", "--runs", "200", "--by", "year", "--variables", "attacks", "--posterior", POST,
            "--out", "ens", "-q")
        med = {}
        for r in csv.DictReader(open(os.path.join(tmp, "ens", "bands.csv"))):
            if r["region"] == "all" and r["variable"] == "attacks":
                med[int(r["period"])] = float(r["q50"])
        run("compare", "default", "default", "--posterior", POST, "--runs", "200", "--from", "2023",
            "--to", "2025", "--out", "late", "-q")
        run("compare", "default", "default", "--posterior", POST, "--runs", "200", "--from", "2018",
            "--to", "2020", "--out", "early", "-q")

        def totals(name):
            t = {}
            for r in csv.DictReader(open(os.path.join(tmp, name, "differences.csv"))):
                if r["variable"] == "attacks":
                    t[int(r["run"])] = float(r["base"])
            return t
        late, early = totals("late"), totals("early")
        ratios = [late[i] / early[i] for i in late if early.get(i, 0) > 0]
    peak = max(med, key=med.get)
    w("### History: peak year and the 2023-25 / 2018-20 ratio\n")
    w("| | peak year | 2023-25 / 2018-20 attacks |")
    w("|---|---|---|")
    w("| model (posterior, 200 runs; peak of the median path; ratio median [90 %% interval]) | %d | %.2f [%.2f, %.2f] |"
      % (peak, q(ratios, 0.5), q(ratios, 0.05), q(ratios, 0.95)))
    for src in ("PIPS", "PICSS"):
        ys = reported_years(src)
        pk = max(ys, key=ys.get) if ys else None
        a = [ys[y] for y in (2023, 2024, 2025) if y in ys]
        b = [ys[y] for y in (2018, 2019, 2020) if y in ys]
        ratio = (sum(a) / len(a)) / (sum(b) / len(b)) if a and b else float("nan")
        w("| %s (years reported: %s-%s; ratio of the mean reported years) | %s | %.2f |"
          % (src, min(ys) if ys else "-", max(ys) if ys else "-", pk, ratio))
    w("")
    w("### Ceasefire windows (event study on simulated and observed monthly series)\n")
    erows = list(csv.DictReader(open(os.path.join(D, "ppc_episodes.csv"))))
    if erows:
        w("| series | episode | statistic | observed | simulated q05 | q50 | q95 | observed inside the 90 % band |")
        w("|---|---|---|---|---|---|---|---|")
        for r in erows:
            o, a, m, b = (float(r[k]) for k in ("observed", "q05", "q50", "q95"))
            w("| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %s |" % (r["series"], r["episode"], r["statistic"],
                                                                 o, a, m, b, "yes" if a <= o <= b else "**no**"))
    w("")
    w("### Time split (cutoff 2022-12): CRPS per method, national series\n")
    frows = list(csv.DictReader(open(os.path.join(D, "forecast_scores.csv"))))
    w("| series | model | model_unconditional | zero | last | conflictology | seasonal | model vs best baseline | months |")
    w("|---|---|---|---|---|---|---|---|---|")
    by = {}
    for r in frows:
        by.setdefault(r["series"], {})[r["method"]] = r
    better = 0
    for name, m in by.items():
        base = min(float(m[k]["crps"]) for k in ("zero", "last", "conflictology", "seasonal") if k in m)
        gain = 1 - float(m["model"]["crps"]) / base
        better += gain >= 0.2
        if not name.endswith(":Pakistan"):
            continue
        w("| %s | %s | %s | %.3g | %.3g | %.3g | %.3g | %+.0f %% | %s |" % (
            name, "%.3g" % float(m["model"]["crps"]), "%.3g" % float(m["model_unconditional"]["crps"]),
            *(float(m[k]["crps"]) for k in ("zero", "last", "conflictology", "seasonal")), 100 * gain, m["model"]["n"]))
    w("")
    w("Series where the model's CRPS is at least 20 %% below the best baseline's: %d of %d (all monthly series; "
      "`data/posterior/pakistan-ttp/forecast_scores.csv` has them all)." % (better, len(by)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
