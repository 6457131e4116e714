/* drivers — the given-data first-order index (drivers.h).
 *
 * Given one sample (x_i, y_i), the first-order index S = Var(E[y | x]) / Var(y) is
 * estimated as a correlation ratio over a partition of x's range into bins of equal count
 * (Plischke, Borgonovo & Smith 2013, "Global sensitivity measures from given data",
 * EJOR 226:536-550): the share of y's variance between the bins' means. That ratio is
 * biased upwards — with `bins` bins of n pairs it averages about (bins - 1) / (n - 1) for
 * an x that does nothing — so the index is Kelley's (1935) epsilon-squared, which divides
 * each sum of squares by its degrees of freedom (Kelley, "An unbiased correlation ratio
 * measure", PNAS 21:554-559): 1 - (SS_within / (n - bins)) / (SS_total / (n - 1)). It can
 * fall below 0 by chance for an x with no effect. The interval is a bootstrap percentile
 * interval over resamples of the pairs (Efron & Tibshirani 1993).
 */
#include "drivers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "truce.h"

/* The stream of the resamples: a run index apart from any model run's. */
#define DRIVERS_RNG_RUN 0xD21FE125u
enum { PUR_DRIVERS_RESAMPLE = 1 };

size_t drivers_bins(size_t n)
{
    if (n < 4) return 0;
    size_t b = (size_t)floor(sqrt((double)n) + 0.5);
    if (b < 2) b = 2;
    if (b > n / 2) b = n / 2;
    return b;
}

/* Stable merge sort of positions pos[0..n) by key[pos] (ties keep their order). */
static void sort_positions(size_t *pos, size_t *tmp, size_t n, const double *key)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi) tmp[k++] = key[pos[b]] < key[pos[a]] ? pos[b++] : pos[a++];
            while (a < mid) tmp[k++] = pos[a++];
            while (b < hi) tmp[k++] = pos[b++];
        }
        memcpy(pos, tmp, n * sizeof *pos);
    }
}

double drivers_first_order(const double *x, const double *y, const size_t *idx, size_t n, size_t bins,
                           size_t *work)
{
    if (n < 4 || bins < 2 || bins > n / 2) return NAN;
    size_t *pos = work, *tmp = work + n;
    /* positions in the sample, sorted by x of the pair each holds */
    double ybar = 0.0;
    for (size_t j = 0; j < n; j++) {
        pos[j] = idx ? idx[j] : j;
        ybar += y[pos[j]];
    }
    ybar /= (double)n;
    sort_positions(pos, tmp, n, x);
    double sst = 0.0, ssw = 0.0;
    for (size_t b = 0; b < bins; b++) {
        const size_t lo = b * n / bins, hi = (b + 1) * n / bins;
        double m = 0.0;
        for (size_t j = lo; j < hi; j++) m += y[pos[j]];
        m /= (double)(hi - lo);
        for (size_t j = lo; j < hi; j++) {
            const double d = y[pos[j]] - m, t = y[pos[j]] - ybar;
            ssw += d * d;
            sst += t * t;
        }
    }
    if (!(sst > 0.0)) return NAN;
    return 1.0 - (ssw / (double)(n - bins)) / (sst / (double)(n - 1));
}

int drivers_index(const double *x, const double *y, size_t n, unsigned resamples, double level, uint64_t seed,
                  uint32_t key, double *index, double *lo, double *hi)
{
    const size_t bins = drivers_bins(n);
    size_t *work = malloc(2 * (n ? n : 1) * sizeof *work), *idx = malloc((n ? n : 1) * sizeof *idx);
    double *boot = malloc((resamples ? resamples : 1) * sizeof *boot);
    if (!work || !idx || !boot) {
        free(work);
        free(idx);
        free(boot);
        return -1;
    }
    *index = drivers_first_order(x, y, NULL, n, bins, work);
    size_t nb = 0;
    for (unsigned b = 0; b < resamples && !isnan(*index); b++) {
        rng_stream s;
        rng_open(&s, seed, DRIVERS_RNG_RUN, key, b, PUR_DRIVERS_RESAMPLE);
        for (size_t j = 0; j < n; j++) {
            size_t k = (size_t)(rng_uniform(&s) * (double)n);
            idx[j] = k < n ? k : n - 1;
        }
        double v = drivers_first_order(x, y, idx, n, bins, work);
        if (!isnan(v)) boot[nb++] = v;
    }
    const double tail = (1.0 - level) / 2.0;
    *lo = nb ? truce_quantile7(boot, NULL, nb, tail) : NAN;
    *hi = nb ? truce_quantile7(boot, NULL, nb, 1.0 - tail) : NAN;
    free(work);
    free(idx);
    free(boot);
    return 0;
}
