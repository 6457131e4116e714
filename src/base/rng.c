/* rng — see rng.h for the counter layout. */
/* lgamma_r (re-entrant: lgamma writes the global signgam) is declared by glibc's math.h
 * only with _DEFAULT_SOURCE; the build asks for POSIX 2008 alone. */
#define _DEFAULT_SOURCE 1
#include "rng.h"

#include <math.h>
#include <string.h>

#include "stats.h"

/* The slow paths are kept out of line so that the fast ones stay small. */
#define RNG_COLD __attribute__((noinline))

void rng_refill(rng_stream *s) { rng_next_block(s); }

/* ---- many first blocks at once (rng_first_blocks) ---- */

static void first_blocks_scalar(uint64_t seed, uint32_t run, uint32_t day, const uint32_t *ctr2, size_t n,
                                uint32_t (*out)[4])
{
    philox4x32_key_t k = {{(uint32_t)(seed & 0xffffffffu), (uint32_t)(seed >> 32)}};
    for (size_t i = 0; i < n; i++) {
        philox4x32_ctr_t c = {{0, day, ctr2[i], run}};
        philox4x32_ctr_t r = philox4x32(c, k);
        for (int j = 0; j < 4; j++) out[i][j] = r.v[j];
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Philox4x32-10 (Salmon et al. 2011; Random123's philox4x32) on sixteen counters at once
 * with AVX-512F, structure of arrays: lane j of c0..c3 is counter j's word 0..3. The
 * 32 x 32 -> 64-bit products come from vpmuludq on the even lanes and on the odd lanes
 * shifted down; the three-way xor is one vpternlogd. (An AVX2 version, eight at a time,
 * saved nothing in the model on this project's machine: bench/fit_ab.sh, docs/fit.md.) */
__attribute__((target("avx512f"))) static void first_blocks_avx512(uint64_t seed, uint32_t run, uint32_t day,
                                                                    const uint32_t *ctr2, size_t n,
                                                                    uint32_t (*out)[4])
{
    const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
    __m512i k0[10], k1[10];
    for (uint32_t r = 0, a = (uint32_t)(seed & 0xffffffffu), b = (uint32_t)(seed >> 32); r < 10;
         r++, a += PHILOX_W32_0, b += PHILOX_W32_1) {
        k0[r] = _mm512_set1_epi32((int)a);
        k1[r] = _mm512_set1_epi32((int)b);
    }
    const __m512i vday = _mm512_set1_epi32((int)day), vrun = _mm512_set1_epi32((int)run);
    for (size_t i = 0; i < n; i += 16) {
        const size_t lanes = n - i < 16 ? n - i : 16;
        const __mmask16 live = (__mmask16)(lanes == 16 ? 0xffffu : (1u << lanes) - 1u);
        __m512i c0 = _mm512_setzero_si512(), c1 = vday, c2 = _mm512_maskz_loadu_epi32(live, ctr2 + i), c3 = vrun;
#pragma GCC unroll 10
        for (int round = 0; round < 10; round++) {
            const __m512i e0 = _mm512_mul_epu32(c0, m0), o0 = _mm512_mul_epu32(_mm512_srli_epi64(c0, 32), m0);
            const __m512i e1 = _mm512_mul_epu32(c2, m1), o1 = _mm512_mul_epu32(_mm512_srli_epi64(c2, 32), m1);
            const __m512i hi0 = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(e0, 32), o0);
            const __m512i lo0 = _mm512_mask_blend_epi32(0xaaaa, e0, _mm512_slli_epi64(o0, 32));
            const __m512i hi1 = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(e1, 32), o1);
            const __m512i lo1 = _mm512_mask_blend_epi32(0xaaaa, e1, _mm512_slli_epi64(o1, 32));
            c0 = _mm512_ternarylogic_epi32(hi1, c1, k0[round], 0x96);  /* a ^ b ^ c */
            c1 = lo1;
            c2 = _mm512_ternarylogic_epi32(hi0, c3, k1[round], 0x96);
            c3 = lo0;
        }
        /* transpose within each 128-bit lane q: r[j] lane q holds block 4q + j */
        const __m512i t0 = _mm512_unpacklo_epi32(c0, c1), t1 = _mm512_unpackhi_epi32(c0, c1);
        const __m512i t2 = _mm512_unpacklo_epi32(c2, c3), t3 = _mm512_unpackhi_epi32(c2, c3);
        __m512i r[4];
        r[0] = _mm512_unpacklo_epi64(t0, t2);
        r[1] = _mm512_unpackhi_epi64(t0, t2);
        r[2] = _mm512_unpacklo_epi64(t1, t3);
        r[3] = _mm512_unpackhi_epi64(t1, t3);
        if (lanes == 16) {
            for (int j = 0; j < 4; j++) {
                _mm_storeu_si128((__m128i *)(void *)out[i + (size_t)j], _mm512_extracti32x4_epi32(r[j], 0));
                _mm_storeu_si128((__m128i *)(void *)out[i + 4 + (size_t)j], _mm512_extracti32x4_epi32(r[j], 1));
                _mm_storeu_si128((__m128i *)(void *)out[i + 8 + (size_t)j], _mm512_extracti32x4_epi32(r[j], 2));
                _mm_storeu_si128((__m128i *)(void *)out[i + 12 + (size_t)j], _mm512_extracti32x4_epi32(r[j], 3));
            }
        } else {
            uint32_t w[4][4][4]; /* w[j][q]: block 4q + j */
            for (int j = 0; j < 4; j++) _mm512_storeu_si512((void *)w[j], r[j]);
            for (size_t b = 0; b < lanes; b++) memcpy(out[i + b], w[b % 4][b / 4], sizeof out[i + b]);
        }
    }
}
#endif

void rng_first_blocks_with(rng_simd simd, uint64_t seed, uint32_t run, uint32_t day, const uint32_t *ctr2,
                           size_t n, uint32_t (*out)[4])
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd == RNG_SIMD_AVX512) {
        first_blocks_avx512(seed, run, day, ctr2, n, out);
        return;
    }
#endif
    (void)simd;
    first_blocks_scalar(seed, run, day, ctr2, n, out);
}

rng_simd rng_simd_best(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    /* libgcc reads the processor's features once, at start-up; this only looks them up */
    if (__builtin_cpu_supports("avx512f")) return RNG_SIMD_AVX512;
#endif
    return RNG_SIMD_NONE;
}

void rng_first_blocks(uint64_t seed, uint32_t run, uint32_t day, const uint32_t *ctr2, size_t n,
                      uint32_t (*out)[4])
{
    rng_first_blocks_with(rng_simd_best(), seed, run, day, ctr2, n, out);
}

uint64_t rng_poisson_inversion_from(double u, double mean)
{
    double p = exp(-mean), f = p;
    uint64_t k = 0;
    while (u > f && k < 1000) {
        u -= f;
        k++;
        p *= mean / (double)k;
        f = p;
    }
    return k;
}


static RNG_COLD uint64_t poisson_ptrs(rng_stream *s, double lam)
{
    const double slam = sqrt(lam), loglam = log(lam);
    const double b = 0.931 + 2.53 * slam;
    int sign; /* of Gamma: positive here, unused */
    const double a = -0.059 + 0.02483 * b;
    const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = rng_uniform(s) - 0.5;
        double v = rng_uniform(s);
        double us = 0.5 - fabs(u);
        double kf = floor((2.0 * a / us + b) * u + lam + 0.43);
        if (us >= 0.07 && v <= vr) return (uint64_t)kf;
        if (kf < 0.0 || (us < 0.013 && v > us)) continue;
        if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
            -lam + kf * loglam - lgamma_r(kf + 1.0, &sign))
            return (uint64_t)kf;
    }
}

uint64_t rng_poisson_general(rng_stream *s, double mean)
{
    if (mean < 10.0) return rng_poisson_inversion_from(rng_uniform(s), mean);
    return poisson_ptrs(s, mean);
}

uint64_t rng_binomial_inversion_from(double u, uint64_t n, double p)
{
    const double q = 1.0 - p, ratio = p / q, a = ((double)n + 1.0) * ratio;
    double r = exp((double)n * log1p(-p));
    uint64_t x = 0;
    while (u > r) {
        u -= r;
        x++;
        if (x > n) return n;   /* rounding left a sliver of mass past n */
        r *= a / (double)x - ratio;
    }
    return x;
}

static RNG_COLD uint64_t binomial_btrs(rng_stream *s, uint64_t n, double p)
{
    const double nd = (double)n, q = 1.0 - p;
    int sign; /* of Gamma: positive here, unused */
    const double spq = sqrt(nd * p * q);
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double c = nd * p + 0.5;
    const double vr = 0.92 - 4.2 / b;
    const double alpha = (2.83 + 5.1 / b) * spq;
    const double lpq = log(p / q);
    const double m = floor((nd + 1.0) * p);
    const double h = lgamma_r(m + 1.0, &sign) + lgamma_r(nd - m + 1.0, &sign);
    for (;;) {
        double u = rng_uniform(s) - 0.5;
        double v = rng_uniform(s);
        double us = 0.5 - fabs(u);
        double kf = floor((2.0 * a / us + b) * u + c);
        if (kf < 0.0 || kf > nd) continue;
        if (us >= 0.07 && v <= vr) return (uint64_t)kf;
        v = log(v * alpha / (a / (us * us) + b));
        if (v <= h - lgamma_r(kf + 1.0, &sign) - lgamma_r(nd - kf + 1.0, &sign) + (kf - m) * lpq)
            return (uint64_t)kf;
    }
}

uint64_t rng_binomial_general(rng_stream *s, uint64_t n, double p)
{
    if ((double)n * p < 10.0) return rng_binomial_inversion_from(rng_uniform(s), n, p);
    return binomial_btrs(s, n, p);
}

uint64_t rng_powerlaw(rng_stream *s, double alpha, uint64_t cap)
{
    double x = floor(pow(rng_uniform(s), -1.0 / (alpha - 1.0)));
    if (!(x < (double)cap)) return cap;
    return x < 1.0 ? 1 : (uint64_t)x;
}

double rng_powerlaw_mean(double alpha, uint64_t cap)
{
    double sum = 0.0;
    for (uint64_t x = cap; x >= 1; x--) sum += pow((double)x, -(alpha - 1.0));
    return sum;
}

double rng_gamma(rng_stream *s, double shape)
{
    if (!(shape > 0.0)) return 0.0;
    double boost = 1.0;
    if (shape < 1.0) {
        boost = pow(rng_uniform(s), 1.0 / shape);
        shape += 1.0;
    }
    const double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = st_normal_quantile(rng_uniform(s)), v = 1.0 + c * x;
        if (v <= 0.0) continue;
        v = v * v * v;
        double u = rng_uniform(s);
        if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return boost * d * v;
    }
}

uint64_t rng_negbin(rng_stream *s, double mean, double size)
{
    if (!(mean > 0.0)) return 0;
    if (!(size > 0.0) || !isfinite(size)) return rng_poisson(s, mean);
    return rng_poisson(s, rng_gamma(s, size) * mean / size);
}
