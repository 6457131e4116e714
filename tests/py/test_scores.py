#!/usr/bin/env python3
"""Independent cross-check of the forecast scores (src/infer/scores.c, docs/validate.md):
brute-force CRPS (the O(n^2) energy form, and the Poisson CRPS as a numerical integral of
(F(x) - 1{x >= y})^2) and the interval score, written with the standard library, against
libtruce.so through ctypes."""
import ctypes, math, os, random, sys

ROOT = os.environ.get("TRUCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TRUCE_BUILD", os.path.join(ROOT, "build"))
fails = 0


def report(ok, msg):
    global fails
    print(("ok - " if ok else "not ok - ") + msg)
    fails += 0 if ok else 1


LIB = os.path.join(BUILD, "libtruce.so")
# An AddressSanitizer build's library aborts the (uninstrumented) interpreter that loads it,
# before any exception could be caught: skip it (the C suites run under ASan instead).
if os.path.exists(LIB) and b"__asan_init" in open(LIB, "rb").read():
    print("ok - # SKIP libtruce.so is built with AddressSanitizer: python cannot load it")
    sys.exit(0)
try:
    lib = ctypes.CDLL(LIB)
except OSError as e:  # a sanitizer build's library cannot be loaded into python
    print(f"ok - # SKIP libtruce.so not loadable here ({e})")
    sys.exit(0)
D = ctypes.c_double
lib.truce_crps_sample.restype = D
lib.truce_crps_sample.argtypes = [ctypes.POINTER(D), ctypes.c_size_t, D]
lib.truce_crps_poisson.restype = D
lib.truce_crps_poisson.argtypes = [D, D]
lib.truce_interval_score.restype = D
lib.truce_interval_score.argtypes = [D, D, D, D]
lib.truce_poisson_quantile.restype = D
lib.truce_poisson_quantile.argtypes = [D, D]

rng = random.Random(20071)
worst = 0.0
for trial in range(50):
    n = rng.randint(1, 60)
    x = [float(rng.randint(0, 40)) if trial % 2 else rng.gauss(10, 5) for _ in range(n)]
    y = float(rng.randint(0, 40))
    brute = sum(abs(a - y) for a in x) / n - sum(abs(a - b) for a in x for b in x) / (2 * n * n)
    got = lib.truce_crps_sample((D * n)(*x), n, y)
    worst = max(worst, abs(got - brute))
report(worst < 1e-9, f"CRPS of a sample = brute-force energy form (50 samples, worst {worst:.2g})")


def pois_cdf(lam, k):
    return sum(math.exp(-lam + j * math.log(lam) - math.lgamma(j + 1)) for j in range(0, int(k) + 1)) if lam > 0 else 1.0


worst = 0.0
for lam, y in ((0.5, 0.0), (3.0, 7.0), (12.0, 4.0), (40.0, 40.0), (7.5, 2.5)):
    # integral over x in [0, K] of (F(x) - 1{x >= y})^2 by the midpoint rule on a fine grid
    K = int(lam + 12 * math.sqrt(lam) + 12 + y)
    h = 1e-3
    tot = 0.0
    for k in range(K):
        Fk = pois_cdf(lam, k)
        steps = int(round(1 / h))
        for i in range(steps):
            xm = k + (i + 0.5) * h
            tot += (Fk - (1.0 if xm >= y else 0.0)) ** 2 * h
    got = lib.truce_crps_poisson(lam, y)
    worst = max(worst, abs(got - tot))
report(worst < 1e-6, f"CRPS of Poisson = numerical integral (5 cases, worst {worst:.2g})")

ok = all(abs(lib.truce_interval_score(lo, hi, y, 0.1) - want) < 1e-12 for lo, hi, y, want in
         ((2, 5, 3, 3), (2, 5, 7, 43), (2, 5, 1, 23), (0, 0, 4, 80)))
report(ok, "interval score: width + 20 x the miss at 90 %")

ok = True
for lam in (0.3, 4.0, 25.0):
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        k = lib.truce_poisson_quantile(lam, q)
        ok &= pois_cdf(lam, k) >= q and (k == 0 or pois_cdf(lam, k - 1) < q)
report(ok, "Poisson quantile is the smallest k with F(k) >= q")
sys.exit(1 if fails else 0)
