/* rng — see rng.h for the counter layout. */
/* lgamma_r (re-entrant: lgamma writes the global signgam) is declared by glibc's math.h
 * only with _DEFAULT_SOURCE; the build asks for POSIX 2008 alone. */
#define _DEFAULT_SOURCE 1
#include "rng.h"

#include <math.h>

#include "stats.h"

/* The slow paths are kept out of line so that the fast ones stay small. */
#define RNG_COLD __attribute__((noinline))

void rng_refill(rng_stream *s) { rng_next_block(s); }

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
