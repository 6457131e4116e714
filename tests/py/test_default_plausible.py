"""The default run looks like the world (before any calibration).

Checks the built-in Pakistan-TTP scenario against the order of magnitude of the reported
figures in data/ (PIPS: 2,586 attacks and 3,021 killed in 2009; PICSS: hundreds of attacks
a year 2018-2021, rising from 2022): hundreds to a few thousand attacks and deaths a year
at the 2008-2013 peak, fewer in 2018-2020, rising again in 2022-2025. Uses the mean of
three seeds, so the check is about the model's behaviour, not one draw. Prints TAP.
"""
import csv
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

truce = os.environ["TRUCE"]
failed = 0
n = 0


def check(name, cond):
    global failed, n
    n += 1
    print(("ok" if cond else "not ok") + " - " + name)
    failed += not cond


yearly = defaultdict(float)
seeds = (1, 2, 3)
with tempfile.TemporaryDirectory() as tmp:
    for seed in seeds:
        out = os.path.join(tmp, str(seed))
        subprocess.run([truce, "run", "--seed", str(seed), "--by", "year", "--out", out, "-q"], check=True)
        with open(os.path.join(out, "series.csv"), newline="") as f:
            for row in csv.DictReader(f):
                if row["region"] == "all":
                    yearly[(row["variable"], int(row["period"]))] += float(row["value"]) / len(seeds)


def avg(var, a, b):
    return sum(yearly[(var, y)] for y in range(a, b + 1)) / (b - a + 1)


deaths = lambda y: yearly[("deaths_security", y)] + yearly[("deaths_civilian", y)]
for y in range(2008, 2014):
    check(f"{y}: attacks {yearly[('attacks', y)]:.0f} between 100 and 5000",
          100 <= yearly[("attacks", y)] <= 5000)
    check(f"{y}: security and civilian deaths {deaths(y):.0f} between 100 and 10000", 100 <= deaths(y) <= 10000)
peak, low, late, trough = avg("attacks", 2008, 2013), avg("attacks", 2018, 2020), avg("attacks", 2022, 2025), avg("attacks", 2020, 2021)
check(f"fewer attacks in 2018-2020 ({low:.0f}/yr) than at the 2008-2013 peak ({peak:.0f}/yr)", low < peak)
check(f"attacks rise again in 2022-2025 ({late:.0f}/yr) from 2020-2021 ({trough:.0f}/yr)", late > trough)
check("no year above 10000 attacks (not millions)", max(yearly[("attacks", y)] for y in range(2002, 2026)) < 10000)
check("no year without attacks (not zero)", min(yearly[("attacks", y)] for y in range(2002, 2026)) > 0)
sys.exit(1 if failed else 0)
