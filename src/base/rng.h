/* rng — counter-based random numbers (Philox4x32-10 from Random123).
 *
 * Every draw is a pure function of (seed, run, region, day, purpose, n). There is no
 * generator state to share between threads, runs or MPI ranks: two runs with the same
 * seed and run index give the same bits whatever the machine or thread count, any run can
 * be replayed alone, and two policy portfolios run over the same (seed, run) see the same
 * random numbers for every decision they have in common (common random numbers for free).
 *
 * Counter layout (four 32-bit words) and key (two 32-bit words):
 *
 *   key[0] = seed & 0xffffffff          key[1] = seed >> 32
 *   ctr[0] = n        block index within the stream (each block gives 4 x 32 bits)
 *   ctr[1] = day      day index from the scenario start (0 for per-run decisions)
 *   ctr[2] = region << 16 | purpose     region index (< 65536), purpose code (< 65536)
 *   ctr[3] = run      ensemble member index
 *
 * A "stream" is one (seed, run, region, day, purpose); it yields an unbounded sequence of
 * uniforms by incrementing ctr[0]. Each kind of random decision has its own purpose code
 * (enum rng_purpose, in model.h): adding a new kind never shifts the numbers of the others.
 * Rejection samplers consume a variable number of uniforms, but only from their own stream.
 *
 * Cost: a uniform takes two words, so a block holds two. Almost every draw of a run opens
 * its own stream and takes one uniform (99.9% of the default run's 1.0M blocks), so words
 * 2-3 of most blocks go unused and Philox is about a third of a run's instructions.
 * Sharing blocks between purposes would halve that but change every number drawn; the
 * layout above is kept (golden outputs and common random numbers across versions).
 * Instead, where the processor has AVX-512, the model makes the first blocks of a day's
 * streams in one batch, sixteen at a time (rng_first_blocks, src/model/model.c's draw
 * cache): the same numbers, about 6 % less CPU time a run (bench/fit_ab.sh).
 */
#ifndef TRUCE_RNG_H
#define TRUCE_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <Random123/philox.h>

typedef struct rng_stream {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t buf[4];  /* the current block's output */
    unsigned used;    /* 32-bit words of buf already consumed (0..4) */
    uint64_t words;   /* 32-bit words drawn so far (for draw counting) */
} rng_stream;

/* Open the stream for (seed, run, region, day, purpose), and draw a uniform on the open
 * interval (0, 1) with 53 bits of resolution from two 32-bit words. Both are inline: most
 * draws of a run open a stream and take one uniform from it, and at a million draws a run
 * the calls cost more than the work. */
static inline void rng_open(rng_stream *s, uint64_t seed, uint32_t run, uint32_t where, uint32_t day,
                            uint32_t purpose)
{
    s->key[0] = (uint32_t)(seed & 0xffffffffu);
    s->key[1] = (uint32_t)(seed >> 32);
    s->ctr[0] = 0;
    s->ctr[1] = day;
    s->ctr[2] = (where << 16) | (purpose & 0xffffu);  /* where: the region */
    s->ctr[3] = run;
    s->used = 4;
    s->words = 0;
}

/* The stream's next block (internal to rng_uniform). Always inline: called apart, the
 * block goes through memory on its way in and out, a sixth of the cost of Philox itself. */
static inline __attribute__((always_inline)) void rng_next_block(rng_stream *s)
{
    philox4x32_ctr_t c = {{s->ctr[0], s->ctr[1], s->ctr[2], s->ctr[3]}};
    philox4x32_key_t k = {{s->key[0], s->key[1]}};
    philox4x32_ctr_t r = philox4x32(c, k);
    for (int i = 0; i < 4; i++) s->buf[i] = r.v[i];
    s->ctr[0]++;
    s->used = 0;
}

/* The first block of many streams of one (seed, run, day), stream i being (where << 16 |
 * purpose) = ctr2[i]: out[i] = the block rng_open_first would make. Computed sixteen at a
 * time with AVX-512 where the processor has it (the same bits: Philox is integer
 * arithmetic), else one at a time. For a caller that knows ahead which streams a day will
 * open (the model: those it opened the day before). */
void rng_first_blocks(uint64_t seed, uint32_t run, uint32_t day, const uint32_t *ctr2, size_t n,
                      uint32_t (*out)[4]);
/* The instruction sets rng_first_blocks can use; the best this processor has; and
 * rng_first_blocks with a given one (tests compare them; a set the processor lacks must not
 * be asked for). */
typedef enum rng_simd { RNG_SIMD_NONE, RNG_SIMD_AVX512 } rng_simd;
rng_simd rng_simd_best(void);
void rng_first_blocks_with(rng_simd simd, uint64_t seed, uint32_t run, uint32_t day, const uint32_t *ctr2,
                           size_t n, uint32_t (*out)[4]);

/* rng_open_first with the stream's first block already made (rng_first_blocks): the same
 * stream, at the same point. */
static inline void rng_open_made(rng_stream *s, uint64_t seed, uint32_t run, uint32_t where, uint32_t day,
                                 uint32_t purpose, const uint32_t block[4])
{
    rng_open(s, seed, run, where, day, purpose);
    memcpy(s->buf, block, sizeof s->buf);
    s->ctr[0] = 1;
    s->used = 0;
}

/* The stream's next block, out of line (rng.c): the draws that open a stream compute its
 * first block inline (rng_open_first), so that rng_uniform stays small enough to inline
 * and the block is made once, where it is needed. */
void rng_refill(rng_stream *s);

/* rng_open, and the stream's first block made at once: the same numbers as rng_open alone
 * (the first draw would make that block), for a draw that is sure to take one. */
static inline __attribute__((always_inline)) void rng_open_first(rng_stream *s, uint64_t seed, uint32_t run,
                                                                 uint32_t where, uint32_t day, uint32_t purpose)
{
    rng_open(s, seed, run, where, day, purpose);
    rng_next_block(s);
}

static inline uint32_t rng_next_word(rng_stream *s)
{
    if (s->used == 4) rng_refill(s);
    s->words++;
    return s->buf[s->used++];
}

static inline double rng_uniform(rng_stream *s)
{
    uint32_t w0, w1;
    if (s->used == 4 || s->used == 0 || s->used == 2) {
        /* the usual case: both words from one block, words 0-1 or 2-3 (a block holds two
         * uniforms; `used` is odd only if a caller mixed in single words) */
        if (s->used == 4) rng_refill(s);
        w0 = s->buf[s->used];
        w1 = s->buf[s->used + 1];
        s->used += 2;
        s->words += 2;
    } else {
        w0 = rng_next_word(s);
        w1 = rng_next_word(s);
    }
    uint64_t hi = w0 >> 5;             /* 27 bits */
    uint64_t lo = w1 >> 6;             /* 26 bits */
    uint64_t m = (hi << 26) | lo;      /* 53 bits, 0 .. 2^53-1 */
    return ((double)m + 0.5) * 0x1.0p-53;
}

/* Early exits for inversion: X = 0 when u <= P(X = 0). A cheap lower bound L on P(X = 0)
 * settles most draws with small means without exp or log1p: u <= L - RNG_ZERO_MARGIN
 * implies u <= P(X = 0) as computed by the exact path (whose rounding error is below 1e-14
 * for the means where the bound is used), so the result and the words consumed are
 * unchanged (tests/unit/test_rng.c compares them with the exact inversion). Draws with u
 * in the margin or above the bound take the exact path. The fast paths are inline; the
 * rest (rng_*_general, rng_*_inversion_from) is out of line in rng.c. The bounds multiply
 * by 1/3 and 1/6 rather than divide (a division's latency sat on every draw's path): that
 * moves the computed bound by an ulp or two, far inside the margin, so it is as valid a
 * bound and every result is unchanged. */
#define RNG_ZERO_MARGIN 1e-12
#define RNG_ZERO_BOUND_MAX_MEAN 0.5

/* exp(-m) >= 1 - m + m^2/2 - m^3/6 for m >= 0 (Taylor with a non-negative remainder). */
static inline double rng_poisson_zero_bound(double m)
{
    return 1.0 - m * (1.0 - m * (0.5 - m * (1.0 / 6.0)));
}

/* (1 - p)^n >= 1 - S1 + S2 - S3 with S_k = C(n, k) p^k (Bonferroni inequalities). */
static inline double rng_binomial_zero_bound(double n, double p)
{
    const double s1 = n * p, s2 = s1 * (n - 1.0) * p * 0.5, s3 = s2 * (n - 2.0) * p * (1.0 / 3.0);
    return 1.0 - s1 + s2 - s3;
}

/* Inversion from the uniform u already drawn; and the draws past the fast path. */
uint64_t rng_poisson_inversion_from(double u, double mean);
uint64_t rng_poisson_general(rng_stream *s, double mean);
uint64_t rng_binomial_inversion_from(double u, uint64_t n, double p);
uint64_t rng_binomial_general(rng_stream *s, uint64_t n, double p);

/* Poisson(mean). mean <= 0 gives 0. Inversion below mean 10, Hörmann's PTRS above
 * (W. Hörmann 1993, "The transformed rejection method for generating Poisson random
 * variables", Insurance: Mathematics and Economics 12:39–45). */
static inline uint64_t rng_poisson(rng_stream *s, double mean)
{
    if (!(mean > 0.0)) return 0;
    if (mean < RNG_ZERO_BOUND_MAX_MEAN) {
        const double u = rng_uniform(s);
        if (u <= rng_poisson_zero_bound(mean) - RNG_ZERO_MARGIN) return 0;
        return rng_poisson_inversion_from(u, mean);
    }
    return rng_poisson_general(s, mean);
}

/* Binomial(n, p). Inversion when n*min(p,1-p) < 10, Hörmann's BTRS otherwise
 * (W. Hörmann 1993, "The generation of binomial random variates", J. Statist. Comput.
 * Simul. 46:101–110). p is clamped to [0, 1]. */
static inline uint64_t rng_binomial(rng_stream *s, uint64_t n, double p)
{
    if (n == 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    const int flip = p > 0.5;
    const double pp = flip ? 1.0 - p : p;
    uint64_t k;
    if ((double)n * pp < RNG_ZERO_BOUND_MAX_MEAN) {
        const double u = rng_uniform(s);
        k = u <= rng_binomial_zero_bound((double)n, pp) - RNG_ZERO_MARGIN
                ? 0
                : rng_binomial_inversion_from(u, n, pp);
    } else {
        k = rng_binomial_general(s, n, pp);
    }
    return flip ? n - k : k;
}

/* Discrete heavy-tailed severity: X = min(cap, floor(U^(-1/(alpha-1)))), so that
 * P(X >= x) = x^-(alpha-1) for x <= cap. alpha > 1. */
uint64_t rng_powerlaw(rng_stream *s, double alpha, uint64_t cap);

/* E[min(cap, floor(U^(-1/(alpha-1))))] = sum_{x=1..cap} x^-(alpha-1). */
double rng_powerlaw_mean(double alpha, uint64_t cap);

/* Gamma(shape, 1), shape > 0: Marsaglia & Tsang (2000), "A simple method for generating
 * gamma variables", ACM TOMS 26:363-372, with the normal from inverse-CDF sampling and,
 * for shape < 1, the boost Gamma(a) = Gamma(a + 1) U^(1/a). */
double rng_gamma(rng_stream *s, double shape);

/* Negative binomial with this mean and size (Var = mean + mean^2 / size), as the
 * gamma-Poisson mixture. mean <= 0 gives 0. */
uint64_t rng_negbin(rng_stream *s, double mean, double size);

#endif
