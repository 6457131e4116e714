/* sobol_seq — scrambled Sobol points (see sobol_seq.h). */
#include <stdlib.h>

#include "rng.h"
#include "sobol_seq.h"
#include "sobol_joe_kuo.h"

_Static_assert(SOBOL_JK_DIMS >= SOBOL_MAX_DIMS, "direction numbers for every dimension");

/* Philox streams of the scramble: a run index no ensemble uses, a purpose per use. */
#define SOBOL_RNG_RUN 0xfffffff0u
enum { SOBOL_PURPOSE_MATRIX = 1, SOBOL_PURPOSE_SHIFT = 2 };

static uint32_t rng_word(rng_stream *s)
{
    return (uint32_t)(rng_uniform(s) * 4294967296.0);
}

/* Direction numbers of dimension d: V_k (k = 1..32) as 32-bit fractions, v[k - 1]. */
static void directions(size_t d, uint32_t v[SOBOL_BITS])
{
    const unsigned short *row = sobol_jk[d];
    const unsigned s = row[0], a = row[1];
    if (s == 0) {
        for (unsigned k = 1; k <= SOBOL_BITS; k++) v[k - 1] = 1u << (SOBOL_BITS - k);
        return;
    }
    for (unsigned k = 1; k <= s && k <= SOBOL_BITS; k++)
        v[k - 1] = (uint32_t)row[1 + k] << (SOBOL_BITS - k);
    for (unsigned k = s + 1; k <= SOBOL_BITS; k++) {
        uint32_t x = v[k - s - 1] ^ (v[k - s - 1] >> s);
        for (unsigned l = 1; l < s; l++)
            if ((a >> (s - 1 - l)) & 1u) x ^= v[k - l - 1];
        v[k - 1] = x;
    }
}

static int init(sobol_seq *q, size_t dim)
{
    q->dim = dim;
    q->v = NULL;
    q->shift = NULL;
    if (dim == 0 || dim > SOBOL_MAX_DIMS) return -1;
    q->v = malloc(dim * SOBOL_BITS * sizeof *q->v);
    q->shift = calloc(dim, sizeof *q->shift);
    if (!q->v || !q->shift) {
        sobol_free(q);
        return -1;
    }
    for (size_t d = 0; d < dim; d++) directions(d, q->v + d * SOBOL_BITS);
    return 0;
}

int sobol_init_plain(sobol_seq *q, size_t dim) { return init(q, dim); }

int sobol_init_scrambled(sobol_seq *q, size_t dim, uint64_t seed)
{
    if (init(q, dim) != 0) return -1;
    for (size_t d = 0; d < dim; d++) {
        rng_stream ms, ss;
        rng_open(&ms, seed, SOBOL_RNG_RUN, (uint32_t)d, 0, SOBOL_PURPOSE_MATRIX);
        rng_open(&ss, seed, SOBOL_RNG_RUN, (uint32_t)d, 0, SOBOL_PURPOSE_SHIFT);
        /* Row i (digit i, from the most significant) of L: bit (31 - j) set means digit j
         * enters digit i; j < i random, j = i one, j > i zero. */
        uint32_t L[SOBOL_BITS];
        for (unsigned i = 0; i < SOBOL_BITS; i++) {
            uint32_t below = i ? rng_word(&ms) & ~(0xffffffffu >> i) : 0u;
            L[i] = below | (1u << (SOBOL_BITS - 1 - i));
        }
        uint32_t *v = q->v + d * SOBOL_BITS;
        for (unsigned k = 0; k < SOBOL_BITS; k++) {
            uint32_t out = 0;
            for (unsigned i = 0; i < SOBOL_BITS; i++)
                if (__builtin_parity(L[i] & v[k])) out |= 1u << (SOBOL_BITS - 1 - i);
            v[k] = out;
        }
        q->shift[d] = rng_word(&ss);
    }
    return 0;
}

void sobol_free(sobol_seq *q)
{
    free(q->v);
    free(q->shift);
    q->v = NULL;
    q->shift = NULL;
}

uint32_t sobol_bits(const sobol_seq *q, uint64_t n, size_t j)
{
    uint64_t g = n ^ (n >> 1);
    const uint32_t *v = q->v + j * SOBOL_BITS;
    uint32_t x = q->shift[j];
    for (unsigned k = 0; g && k < SOBOL_BITS; k++, g >>= 1)
        if (g & 1u) x ^= v[k];
    return x;
}

void sobol_point(const sobol_seq *q, uint64_t n, double *x)
{
    for (size_t j = 0; j < q->dim; j++) x[j] = ((double)sobol_bits(q, n, j) + 0.5) / 4294967296.0;
}
