/* scores — proper scores of probabilistic forecasts (docs/validate.md): the continuous ranked
 * probability score of a sample (energy form) and of a Poisson distribution, and the interval
 * score (Gneiting & Raftery 2007, JASA 102:359, eq. 21 and section 6.2). Lower is better. */
/* lgamma_r (re-entrant: lgamma writes the global signgam) is declared by glibc's math.h
 * only with _DEFAULT_SOURCE (as in rng.c). */
#define _DEFAULT_SOURCE 1
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "truce.h"

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* CRPS of the empirical distribution of x[0..n) at y, exactly:
 *   CRPS = (1/n) sum_i |x_i - y| - (1 / (2 n^2)) sum_i sum_j |x_i - x_j|
 * (Gneiting & Raftery 2007, eq. 21, with the expectations over the sample). The double sum
 * is 2 sum_i (2 i - n + 1) x_(i) over the sorted sample (0-based i), so O(n log n). */
double truce_crps_sample(const double *x, size_t n, double y)
{
    if (n == 0 || !isfinite(y)) return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s) return NAN;
    memcpy(s, x, n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(s[i])) {
            free(s);
            return NAN;
        }
    qsort(s, n, sizeof *s, dbl_cmp);
    const double dn = (double)n;
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < n; i++) {
        a += fabs(s[i] - y);
        b += (2.0 * (double)i - dn + 1.0) * s[i];
    }
    free(s);
    double crps = a / dn - b / (dn * dn);
    return crps > 0.0 ? crps : 0.0;   /* rounding may leave -1e-17 */
}

/* The first integer worth summing from for Poisson(lambda), and its pmf there: 12 standard
 * deviations (and 12) below the mean, where the pmf is still a normal double (about e^-72)
 * and the CDF below it is under 1e-30 (the Poisson's left tail is lighter than the normal's). */
static double poisson_start(double lambda, double *pmf)
{
    int sign;
    double k0 = floor(lambda - 12.0 * sqrt(lambda) - 12.0);
    if (k0 < 0.0) k0 = 0.0;
    *pmf = lambda > 0.0 ? exp(k0 * log(lambda) - lambda - lgamma_r(k0 + 1.0, &sign)) : (k0 == 0.0 ? 1.0 : 0.0);
    return k0;
}

/* CRPS of Poisson(lambda) at y >= 0: the integral of (F(x) - 1{x >= y})^2 over x, with F a
 * step function jumping at the integers; summed until F is 1 to double precision. lambda 0
 * is the point mass at 0 (CRPS = y). */
double truce_crps_poisson(double lambda, double y)
{
    if (!(lambda >= 0.0) || !isfinite(lambda) || !isfinite(y) || y < 0.0) return NAN;
    double p, k = poisson_start(lambda, &p), F = p;
    /* [0, k): F is 0, so only the part at or above y counts */
    double crps = k > y ? k - y : 0.0;
    const double kmax = ceil(lambda + 40.0 * sqrt(lambda) + 40.0) + ceil(y) + 1.0;
    for (; k <= kmax; k += 1.0) {
        /* on [k, k + 1) F is F(k); the indicator switches at y */
        double below = y <= k ? 0.0 : y >= k + 1.0 ? 1.0 : y - k;   /* length with x < y */
        crps += F * F * below + (1.0 - F) * (1.0 - F) * (1.0 - below);
        if (k + 1.0 > y && 1.0 - F < 1e-16) break;
        p *= lambda / (k + 1.0);
        F += p;
        if (F > 1.0) F = 1.0;
    }
    return crps;
}

/* Smallest k with P(X <= k) >= q for X ~ Poisson(lambda). */
double truce_poisson_quantile(double lambda, double q)
{
    if (!(lambda >= 0.0) || !isfinite(lambda) || !(q > 0.0 && q < 1.0)) return NAN;
    double p, k = poisson_start(lambda, &p), F = p;
    while (F < q && k < lambda + 100.0 * sqrt(lambda) + 100.0) {
        p *= lambda / (k + 1.0);
        k += 1.0;
        F += p;
    }
    return k;
}

/* Interval score of the central (1 - alpha) interval [lo, hi] at y (Gneiting & Raftery 2007,
 * section 6.2): width plus 2 / alpha times the distance by which y falls outside. */
double truce_interval_score(double lo, double hi, double y, double alpha)
{
    if (!(alpha > 0.0 && alpha < 1.0) || !isfinite(lo) || !isfinite(hi) || !isfinite(y)) return NAN;
    double s = hi - lo;
    if (y < lo) s += 2.0 / alpha * (lo - y);
    if (y > hi) s += 2.0 / alpha * (y - hi);
    return s;
}
