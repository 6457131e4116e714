/* stats — special functions, exact Poisson intervals and the IRLS Poisson regression. */
/* lgamma_r (re-entrant: lgamma writes the global signgam) is declared by glibc's math.h
 * only with _DEFAULT_SOURCE; the build asks for POSIX 2008 alone. */
#define _DEFAULT_SOURCE 1
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static double gamma_series(double a, double x)
{
    double ap = a, sum = 1.0 / a, del = sum;
    for (int n = 0; n < 100000; n++) {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if (fabs(del) < fabs(sum) * 1e-16) break;
    }
    int sign;
    return sum * exp(-x + a * log(x) - lgamma_r(a, &sign));
}

static double gamma_cf(double a, double x) /* Q(a, x) by Lentz's continued fraction */
{
    const double tiny = DBL_MIN / DBL_EPSILON;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    int sign;
    return exp(-x + a * log(x) - lgamma_r(a, &sign)) * h;
}

double st_gamma_p(double a, double x)
{
    if (x <= 0.0) return 0.0;
    if (x < a + 1.0) return gamma_series(a, x);
    return 1.0 - gamma_cf(a, x);
}

static double beta_cf(double a, double b, double x)
{
    const double tiny = DBL_MIN / DBL_EPSILON;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0, c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m < 100000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    return h;
}

double st_beta_i(double a, double b, double x)
{
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    int sign;
    double lbt = lgamma_r(a + b, &sign) - lgamma_r(a, &sign) - lgamma_r(b, &sign) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return exp(lbt) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lbt) * beta_cf(b, a, 1.0 - x) / b;
}

double st_gamma_quantile(double a, double p)
{
    double lo = 0.0, hi = a + 10.0 * sqrt(a) + 50.0;
    while (st_gamma_p(a, hi) < p) hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (st_gamma_p(a, mid) < p) lo = mid; else hi = mid;
    }
    return 0.5 * (lo + hi);
}

double st_beta_quantile(double a, double b, double p)
{
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 200 && hi - lo > 1e-16; i++) {
        double mid = 0.5 * (lo + hi);
        if (st_beta_i(a, b, mid) < p) lo = mid; else hi = mid;
    }
    return 0.5 * (lo + hi);
}

double st_normal_quantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    double q, r, x;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
        q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        q = p - 0.5;
        r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double e = 0.5 * erfc(-x / sqrt(2.0)) - p; /* one Halley step */
    double u = e * sqrt(2.0 * 3.14159265358979323846) * exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}

void st_poisson_ci(double x, double alpha, double *lo, double *hi)
{
    *lo = x > 0.0 ? st_gamma_quantile(x, alpha / 2.0) : 0.0;
    *hi = st_gamma_quantile(x + 1.0, 1.0 - alpha / 2.0);
}

double st_rate_ratio(double a, double ta, double b, double tb, double alpha, double *lo,
                     double *hi)
{
    *lo = *hi = NAN;
    if (!(ta > 0.0) || !(tb > 0.0) || a < 0.0 || b < 0.0 || a + b <= 0.0) return NAN;
    double scale = tb / ta;
    double plo = a > 0.0 ? st_beta_quantile(a, b + 1.0, alpha / 2.0) : 0.0;
    double phi = b > 0.0 ? st_beta_quantile(a + 1.0, b, 1.0 - alpha / 2.0) : 1.0;
    *lo = plo / (1.0 - plo) * scale;
    *hi = phi < 1.0 ? phi / (1.0 - phi) * scale : INFINITY;
    if (b <= 0.0) return NAN;
    return (a / ta) / (b / tb);
}

/* Solve A x = rhs for symmetric positive definite A (p x p) by Cholesky; also the inverse
 * into inv when not NULL. Returns -1 when A is not positive definite. */
static int chol_solve(const double *A, const double *rhs, size_t p, double *x, double *inv)
{
    double L[GLM_MAXP * GLM_MAXP] = {0};
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = A[i * p + j];
            for (size_t k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
            if (i == j) {
                if (!(s > 1e-12 * (fabs(A[i * p + i]) + 1e-300))) return -1;
                L[i * p + i] = sqrt(s);
            } else {
                L[i * p + j] = s / L[j * p + j];
            }
        }
    double y[GLM_MAXP];
    for (size_t col = 0; col <= p; col++) {
        /* col < p: column of the identity (for the inverse); col == p: rhs */
        if (col < p && !inv) continue;
        double e[GLM_MAXP];
        for (size_t i = 0; i < p; i++) e[i] = col < p ? (i == col) : rhs[i];
        for (size_t i = 0; i < p; i++) {
            double s = e[i];
            for (size_t k = 0; k < i; k++) s -= L[i * p + k] * y[k];
            y[i] = s / L[i * p + i];
        }
        double z[GLM_MAXP];
        for (size_t ii = p; ii-- > 0;) {
            double s = y[ii];
            for (size_t k = ii + 1; k < p; k++) s -= L[k * p + ii] * z[k];
            z[ii] = s / L[ii * p + ii];
        }
        for (size_t i = 0; i < p; i++) {
            if (col < p) inv[i * p + col] = z[i];
            else x[i] = z[i];
        }
    }
    return 0;
}

int glm_poisson(const double *X, const double *y, const double *offset, size_t n, size_t p,
                glm_fit *fit)
{
    memset(fit, 0, sizeof *fit);
    fit->phi = NAN;
    if (p == 0 || p > GLM_MAXP || n < p) return -1;
    double ybar = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!(y[i] >= 0.0)) return -1;
        ybar += y[i];
    }
    ybar /= (double)n;
    double beta[GLM_MAXP] = {0};
    double dev_old = INFINITY;
    for (int it = 1; it <= 100; it++) {
        double A[GLM_MAXP * GLM_MAXP] = {0}, r[GLM_MAXP] = {0};
        for (size_t i = 0; i < n; i++) {
            double off = offset ? offset[i] : 0.0, mu, eta;
            if (it == 1) {
                mu = y[i] + 0.1 * ybar + 0.1; /* start away from zero */
                eta = log(mu);
            } else {
                eta = off;
                for (size_t j = 0; j < p; j++) eta += X[i * p + j] * beta[j];
                mu = exp(eta);
            }
            double z = eta - off + (y[i] - mu) / mu, w = mu;
            for (size_t j = 0; j < p; j++) {
                r[j] += X[i * p + j] * w * z;
                for (size_t k = 0; k <= j; k++) A[j * p + k] += X[i * p + j] * w * X[i * p + k];
            }
        }
        for (size_t j = 0; j < p; j++)
            for (size_t k = j + 1; k < p; k++) A[j * p + k] = A[k * p + j];
        if (chol_solve(A, r, p, beta, fit->cov) != 0) return -1;
        double dev = 0.0;
        for (size_t i = 0; i < n; i++) {
            double eta = offset ? offset[i] : 0.0;
            for (size_t j = 0; j < p; j++) eta += X[i * p + j] * beta[j];
            double mu = exp(eta);
            dev += 2.0 * ((y[i] > 0.0 ? y[i] * log(y[i] / mu) : 0.0) - (y[i] - mu));
        }
        fit->iterations = it;
        if (!isfinite(dev)) return -1;
        if (fabs(dev - dev_old) <= 1e-10 * (fabs(dev) + 0.1)) {
            fit->converged = 1;
            fit->deviance = dev;
            break;
        }
        dev_old = dev;
    }
    if (!fit->converged) return -1;
    /* the covariance at the final beta */
    double A[GLM_MAXP * GLM_MAXP] = {0}, r[GLM_MAXP] = {0}, tmp[GLM_MAXP], chi2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double eta = offset ? offset[i] : 0.0;
        for (size_t j = 0; j < p; j++) eta += X[i * p + j] * beta[j];
        double mu = exp(eta);
        chi2 += (y[i] - mu) * (y[i] - mu) / mu;
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k < p; k++) A[j * p + k] += X[i * p + j] * mu * X[i * p + k];
    }
    if (chol_solve(A, r, p, tmp, fit->cov) != 0) return -1;
    memcpy(fit->beta, beta, sizeof beta);
    fit->phi = n > p ? chi2 / (double)(n - p) : NAN;
    return 0;
}

double glm_nb2_alpha(const double *X, const double *y, const double *offset, size_t n, size_t p,
                     const glm_fit *fit)
{
    if (!fit || !fit->converged || n <= p || p == 0 || p > GLM_MAXP) return NAN;
    double *mu = malloc(n * sizeof *mu);
    if (!mu) return NAN;
    double chi2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double eta = offset ? offset[i] : 0.0;
        for (size_t j = 0; j < p; j++) eta += X[i * p + j] * fit->beta[j];
        mu[i] = exp(eta);
        chi2 += (y[i] - mu[i]) * (y[i] - mu[i]) / mu[i];
    }
    double df = (double)(n - p), alpha = 0.0;
    if (chi2 > df) {
        /* the left side falls monotonically in alpha: bracket, then bisect */
        double lo = 0.0, hi = 1.0;
        for (int k = 0; k < 60; k++) {
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += (y[i] - mu[i]) * (y[i] - mu[i]) / (mu[i] * (1.0 + hi * mu[i]));
            if (s < df) break;
            lo = hi;
            hi *= 2.0;
        }
        for (int k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
            double mid = 0.5 * (lo + hi), s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += (y[i] - mu[i]) * (y[i] - mu[i]) / (mu[i] * (1.0 + mid * mu[i]));
            if (s > df) lo = mid;
            else hi = mid;
        }
        alpha = 0.5 * (lo + hi);
    }
    free(mu);
    return alpha;
}

double st_overdispersion_p(double phi, size_t df)
{
    if (df == 0 || !isfinite(phi)) return NAN;
    if (phi <= 0.0) return 1.0;
    return 1.0 - st_gamma_p(0.5 * (double)df, 0.5 * phi * (double)df);
}
