/* Random numbers: purity of the counter layout and the distributions' moments.
 * Tolerances: each check compares a sample mean (or variance) with its exact value using
 * 5 standard errors, so a correct sampler fails with probability below 1e-6 per check;
 * the seeds are fixed, so the outcome is the same on every run. */
#include <math.h>
#include <Random123/philox.h>

#include "rng.h"
#include "testutil.h"

/* The streams' first uniforms are those of the reference generator under the documented
 * counter layout (rng.h): words 0 and 1 of block (n, day, region << 16 | purpose, run). */
static void stream_layout_matches_reference(void **state)
{
    (void)state;
    for (uint32_t day = 0; day < 50; day++) {
        rng_stream s;
        rng_open(&s, 0x123456789abcull, 7, 3, day, 11);
        for (uint32_t n = 0; n < 3; n++) {
            philox4x32_ctr_t c = {{n, day, (3u << 16) | 11u, 7}};
            philox4x32_key_t k = {{0x56789abcu, 0x1234u}};
            philox4x32_ctr_t r = philox4x32(c, k);
            for (int h = 0; h < 2; h++) {
                uint64_t m = ((uint64_t)(r.v[2 * h] >> 5) << 26) | (r.v[2 * h + 1] >> 6);
                assert_true(rng_uniform(&s) == ((double)m + 0.5) * 0x1.0p-53);
            }
        }
    }
}

/* The early exits of inversion (u below a lower bound on P(X = 0)) change no draw: each
 * result equals that of the exact inversion, for means and trial counts around and below
 * where the bound is used, over many streams. */
static uint64_t binomial_exact(rng_stream *s, uint64_t n, double p)
{
    int flip = p > 0.5;
    double pp = flip ? 1.0 - p : p;
    const double q = 1.0 - pp, ratio = pp / q, a = ((double)n + 1.0) * ratio;
    double r = exp((double)n * log1p(-pp)), u = rng_uniform(s);
    uint64_t x = 0;
    while (u > r) {
        u -= r;
        x++;
        if (x > n) { x = n; break; }
        r *= a / (double)x - ratio;
    }
    return flip ? n - x : x;
}

static uint64_t poisson_exact(rng_stream *s, double mean)
{
    double p = exp(-mean), f = p, u = rng_uniform(s);
    uint64_t k = 0;
    while (u > f && k < 1000) {
        u -= f;
        k++;
        p *= mean / (double)k;
        f = p;
    }
    return k;
}

static void early_zero_changes_nothing(void **state)
{
    (void)state;
    const uint64_t ns[] = {1, 2, 3, 5, 17, 100, 1000, 123457, 10000000};
    const double means[] = {1e-12, 1e-6, 1e-3, 0.01, 0.1, 0.3, 0.45, 0.4999, 0.5, 0.7, 2.0};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (size_t j = 0; j < sizeof means / sizeof *means; j++) {
            const double p = means[j] / (double)ns[i];
            if (!(p < 1.0)) continue;
            for (uint32_t day = 0; day < 4000; day++) {
                rng_stream a, b;
                rng_open(&a, 9, 1, (uint32_t)i, day, (uint32_t)j);
                rng_open(&b, 9, 1, (uint32_t)i, day, (uint32_t)j);
                uint64_t x = rng_binomial(&a, ns[i], p), y = binomial_exact(&b, ns[i], p);
                if (x != y) fail_msg("binomial(%llu, %g), day %u: %llu, exact %llu", (unsigned long long)ns[i], p,
                                     day, (unsigned long long)x, (unsigned long long)y);
                assert_true(a.words == b.words);
            }
        }
    for (size_t j = 0; j < sizeof means / sizeof *means; j++)
        for (uint32_t day = 0; day < 20000; day++) {
            rng_stream a, b;
            rng_open(&a, 10, 2, 0, day, (uint32_t)j);
            rng_open(&b, 10, 2, 0, day, (uint32_t)j);
            assert_true(rng_poisson(&a, means[j]) == poisson_exact(&b, means[j]));
            assert_true(a.words == b.words);
        }
}

static void pure_function_of_counter(void **state)
{
    (void)state;
    rng_stream a, b, c;
    rng_open(&a, 42, 3, 5, 100, 7);
    double first[10];
    for (int i = 0; i < 10; i++) first[i] = rng_uniform(&a);
    /* Reopening the same stream replays it; interleaving other streams changes nothing. */
    rng_open(&b, 42, 3, 5, 100, 7);
    rng_open(&c, 42, 3, 5, 101, 7);
    for (int i = 0; i < 10; i++) {
        (void)rng_uniform(&c);
        assert_true(rng_uniform(&b) == first[i]);
    }
    /* Each coordinate of the counter and the key changes the numbers. */
    const uint32_t base[5] = {3, 5, 100, 7, 0};
    for (int k = 0; k < 5; k++) {
        uint32_t v[5] = {base[0], base[1], base[2], base[3], 0};
        uint64_t seed = 42;
        if (k < 4) v[k]++; else seed++;
        rng_open(&c, seed, v[0], v[1], v[2], v[3]);
        assert_true(rng_uniform(&c) != first[0]);
    }
}

/* rng_first_blocks (every instruction set this processor has, and the best one) makes the
 * first block rng_open_first makes, for batches of every length up to 40 (the 8- and
 * 16-wide paths' tails), seeds with both key words set, and counters with high bits set;
 * and a stream opened from a made block draws what the stream opened alone draws. */
static void first_blocks_match_streams(void **state)
{
    (void)state;
    const uint64_t seeds[] = {1, 0x9e3779b97f4a7c15ull, UINT64_MAX};
    const uint32_t days[] = {0, 8765, UINT32_MAX}, runs[] = {0, 7, 0x80000001u};
    uint32_t ctr2[40], out[40][4];
    int kinds = 0;
    for (rng_simd simd = RNG_SIMD_NONE; simd <= rng_simd_best(); simd++, kinds++)
        for (size_t k = 0; k < 3; k++)
            for (size_t n = 0; n <= 40; n++) {
                for (size_t i = 0; i < n; i++)
                    ctr2[i] = (uint32_t)((i * 2654435761u + k) & 0xffffffffu) | (i % 3 == 0 ? 0x80000000u : 0u);
                memset(out, 0xa5, sizeof out);
                rng_first_blocks_with(simd, seeds[k], runs[k], days[k], ctr2, n, out);
                for (size_t i = 0; i < n; i++) {
                    rng_stream a;
                    rng_open_first(&a, seeds[k], runs[k], ctr2[i] >> 16, days[k], ctr2[i] & 0xffffu);
                    assert_memory_equal(out[i], a.buf, sizeof out[i]);
                }
                for (size_t i = n; i < 40; i++) assert_int_equal(out[i][0], 0xa5a5a5a5u); /* nothing past n */
            }
    assert_true(kinds >= 1);
    ctr2[0] = 5u << 16 | 7u;
    rng_first_blocks(42, 3, 100, ctr2, 1, out);
    rng_stream a, b;
    rng_open_made(&a, 42, 3, 5, 100, 7, out[0]);
    rng_open(&b, 42, 3, 5, 100, 7);
    for (int i = 0; i < 10; i++) assert_true(rng_uniform(&a) == rng_uniform(&b));
    assert_true(rng_binomial(&a, 1000000, 0.3) == rng_binomial(&b, 1000000, 0.3));
}

static void uniform_moments(void **state)
{
    (void)state;
    rng_stream s;
    rng_open(&s, 1, 0, 0, 0, 0);
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&s);
        assert_true(u > 0.0 && u < 1.0);
        sum += u;
        sum2 += u * u;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    assert_near(mean, 0.5, 5 * sqrt(1.0 / 12 / n));
    assert_near(var, 1.0 / 12, 5 * sqrt(1.0 / 180 / n));
}

static void check_counts(uint64_t (*draw)(rng_stream *, void *), void *arg, double mean,
                         double var, int n, uint32_t purpose)
{
    rng_stream s;
    rng_open(&s, 9, 0, 0, 0, purpose);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        double x = (double)draw(&s, arg);
        sum += x;
        sum2 += x * x;
    }
    double m = sum / n, v = sum2 / n - m * m;
    assert_near(m, mean, 5 * sqrt(var / n) + 1e-12);
    /* variance of the sample variance ~ 2 var^2 / n for near-normal counts (generous x3) */
    assert_near(v, var, 15 * var * sqrt(2.0 / n) + 1e-12);
}

static uint64_t draw_poisson(rng_stream *s, void *arg) { return rng_poisson(s, *(double *)arg); }

struct binom { uint64_t n; double p; };
static uint64_t draw_binomial(rng_stream *s, void *arg)
{
    struct binom *b = arg;
    return rng_binomial(s, b->n, b->p);
}

static void poisson_moments(void **state)
{
    (void)state;
    const double means[] = {0.01, 0.7, 3.0, 9.99, 10.0, 37.5, 1234.5, 2.5e6};
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        double m = means[i];
        check_counts(draw_poisson, &m, m, m, 100000, (uint32_t)i);
    }
    rng_stream s;
    rng_open(&s, 1, 0, 0, 0, 0);
    assert_int_equal(rng_poisson(&s, 0.0), 0);
    assert_int_equal(rng_poisson(&s, -1.0), 0);
}

static void binomial_moments(void **state)
{
    (void)state;
    const struct binom cases[] = {{10, 0.3}, {1000, 0.001}, {100, 0.5}, {5000, 0.02},
                                  {1000000, 0.3}, {200, 0.97}, {7, 0.999}, {30, 0.34}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct binom b = cases[i];
        double nd = (double)b.n;
        check_counts(draw_binomial, &b, nd * b.p, nd * b.p * (1 - b.p), 100000, (uint32_t)i);
    }
    rng_stream s;
    rng_open(&s, 1, 0, 0, 0, 0);
    assert_int_equal(rng_binomial(&s, 0, 0.5), 0);
    assert_int_equal(rng_binomial(&s, 50, 0.0), 0);
    assert_int_equal(rng_binomial(&s, 50, 1.0), 50);
    for (int i = 0; i < 1000; i++) assert_true(rng_binomial(&s, 40, 0.9) <= 40);
}

struct negbin { double mean, size; };
static uint64_t draw_negbin(rng_stream *s, void *arg)
{
    struct negbin *b = arg;
    return rng_negbin(s, b->mean, b->size);
}

/* Negative binomial (gamma-Poisson): mean m, variance m + m^2 / size. Small sizes have a
 * heavy tail (excess kurtosis ~ 6 / size), so sizes below 1 stay out of the variance check's
 * normal approximation; 2 and above keep it inside the check's generous bound. */
static void negbin_moments(void **state)
{
    (void)state;
    const struct negbin cases[] = {{0.5, 2}, {5, 2}, {40, 10}, {300, 25}, {1000, 1e6}, {12, 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct negbin b = cases[i];
        check_counts(draw_negbin, &b, b.mean, b.mean + b.mean * b.mean / b.size, 100000, 100 + (uint32_t)i);
    }
    rng_stream s;
    rng_open(&s, 1, 0, 0, 0, 0);
    assert_int_equal(rng_negbin(&s, 0.0, 5), 0);
    assert_int_equal(rng_negbin(&s, -3.0, 5), 0);
}

/* Gamma(shape, 1): mean and variance are both the shape, for shapes below and above 1. */
static void gamma_moments(void **state)
{
    (void)state;
    const double shapes[] = {0.3, 1.0, 2.5, 40.0};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        rng_stream s;
        rng_open(&s, 9, 0, (uint32_t)i, 0, 0);
        const int n = 100000;
        double sum = 0, sum2 = 0;
        for (int k = 0; k < n; k++) {
            double x = rng_gamma(&s, shapes[i]);
            assert_true(x >= 0.0);
            sum += x;
            sum2 += x * x;
        }
        double m = sum / n, v = sum2 / n - m * m, a = shapes[i];
        assert_near(m, a, 5 * sqrt(a / n));
        /* Var of the sample variance: (mu4 - var^2) / n with mu4 = 3a^2 + 6a for a gamma */
        assert_near(v, a, 5 * sqrt((3 * a * a + 6 * a - a * a) / n));
    }
}

static void powerlaw_tail(void **state)
{
    (void)state;
    rng_stream s;
    rng_open(&s, 5, 0, 0, 0, 0);
    const int n = 400000;
    int ge10 = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        uint64_t x = rng_powerlaw(&s, 4.0, 50); /* finite variance for a mean check */
        assert_true(x >= 1 && x <= 50);
        ge10 += x >= 10;
        sum += (double)x;
    }
    /* P(X >= 10) = 10^-3 for exponent 4 */
    assert_near((double)ge10 / n, 1e-3, 5 * sqrt(1e-3 / n));
    assert_near(sum / n, rng_powerlaw_mean(4.0, 50), 0.01);
    assert_near(rng_powerlaw_mean(2.5, 1000000), 2.612, 0.005); /* zeta(1.5) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_layout_matches_reference),
        cmocka_unit_test(early_zero_changes_nothing),
        cmocka_unit_test(pure_function_of_counter), cmocka_unit_test(uniform_moments),
        cmocka_unit_test(first_blocks_match_streams),
        cmocka_unit_test(poisson_moments),          cmocka_unit_test(binomial_moments),
        cmocka_unit_test(powerlaw_tail),            cmocka_unit_test(negbin_moments),
        cmocka_unit_test(gamma_moments),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
