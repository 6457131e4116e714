/* sobol_seq — scrambled Sobol low-discrepancy points in (0, 1)^dim.
 *
 * Sobol (1967) digital sequence in base 2 with 32-bit direction numbers from Joe and Kuo
 * (2008, SIAM J. Sci. Comput. 30:2635-2654; the first SOBOL_MAX_DIMS dimensions of their
 * new-joe-kuo-6.21201 set, src/base/sobol_joe_kuo.h). Point n is the Gray-code-order point
 * x_n = XOR of the direction numbers V_k over the set bits k of n ^ (n >> 1), so any point
 * can be computed alone (random access: threads need no shared state).
 *
 * Randomisation, keyed by a seed: a random linear matrix scramble (Matousek 1998, "On the
 * L2-discrepancy for anchored boxes", J. Complexity 14:527-556) followed by a random
 * digital shift. For each dimension a random lower-triangular 32x32 binary matrix L with
 * unit diagonal multiplies every direction number (digit i of the result is the XOR of L's
 * row i with the digits 1..i), and a random 32-bit word is XORed into every point. Both keep
 * the (t, m, s)-net property; the scrambled points are uniform on their grid, so estimators
 * built on them are unbiased. The random bits come from the Philox generator (rng.h), so the
 * same (seed, dimension) always gives the same scramble. seed 0 is NOT special: use
 * sobol_init_plain for the unscrambled sequence (tests).
 *
 * A coordinate is returned as (x + 0.5) / 2^32, the centre of its 2^-32 cell, so it lies
 * strictly inside (0, 1) and can be given to an inverse CDF.
 */
#ifndef TRUCE_SOBOL_SEQ_H
#define TRUCE_SOBOL_SEQ_H

#include <stddef.h>
#include <stdint.h>

#define SOBOL_MAX_DIMS 1000
#define SOBOL_BITS 32

typedef struct sobol_seq {
    size_t dim;
    uint32_t *v;      /* dim x SOBOL_BITS direction numbers, row major */
    uint32_t *shift;  /* dim digital shifts (0 when plain) */
} sobol_seq;

/* 0, or -1 when dim is 0 or above SOBOL_MAX_DIMS, or out of memory. */
int sobol_init_plain(sobol_seq *q, size_t dim);
int sobol_init_scrambled(sobol_seq *q, size_t dim, uint64_t seed);
void sobol_free(sobol_seq *q);
/* Point n (n < 2^32) into x[0 .. dim-1]. */
void sobol_point(const sobol_seq *q, uint64_t n, double *x);
/* The raw 32-bit digits of coordinate j of point n. */
uint32_t sobol_bits(const sobol_seq *q, uint64_t n, size_t j);

#endif
