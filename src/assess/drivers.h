/* drivers — which inputs drive an output, from given data (one sample of inputs and
 * outputs, no design): the first-order index of each input as a bias-corrected
 * correlation ratio over bins of that input (src/assess/drivers.c). */
#ifndef TRUCE_DRIVERS_H
#define TRUCE_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

/* Bins of a sample of n: round(sqrt(n)), at least 2 and at most n / 2 (0 when n < 4). */
size_t drivers_bins(size_t n);
/* The first-order index of x for y over the n pairs (x[i], y[i]) listed by idx (NULL: 0..n-1;
 * an index may repeat, as in a bootstrap resample): the n pairs sorted by x (ties by their
 * position in idx) fall into `bins` bins of equal count, and the index is Kelley's
 * epsilon-squared 1 - (SS_within / (n - bins)) / (SS_total / (n - 1)), the correlation
 * ratio SS_between / SS_total corrected for the part a sample of n shows by chance.
 * NAN when y does not vary or n < 4. `work` holds 2 n size_t. */
double drivers_first_order(const double *x, const double *y, const size_t *idx, size_t n, size_t bins,
                           size_t *work);
/* The index and its bootstrap percentile interval (`level`, e.g. 0.90) from `resamples`
 * resamples of the pairs with replacement, drawn from the stream keyed by (seed, key):
 * the same numbers on any thread. Returns 0, or -1 when out of memory. */
int drivers_index(const double *x, const double *y, size_t n, unsigned resamples, double level,
                  uint64_t seed, uint32_t key, double *index, double *lo, double *hi);

#endif
