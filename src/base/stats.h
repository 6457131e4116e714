/* stats — the statistics behind `truce episodes`: exact Poisson intervals, the ratio of two
 * Poisson rates, and a Poisson / quasi-Poisson regression fitted by iteratively reweighted
 * least squares (IRLS). No external library: the special functions are the classical
 * series and continued fractions (Numerical Recipes 3rd ed., sections 6.2 and 6.4), and
 * their inverses are found by bisection, which is slow but cannot fail to converge.
 *
 * Counts may be non-integer (a monthly count apportioned to part of a window): the exact
 * intervals below are then the continuous extension of the Garwood / Clopper-Pearson
 * formulas through the incomplete gamma and beta functions.
 */
#ifndef TRUCE_STATS_H
#define TRUCE_STATS_H

#include <stddef.h>

/* Regularised lower incomplete gamma P(a, x), a > 0, x >= 0. */
double st_gamma_p(double a, double x);
/* Regularised incomplete beta I_x(a, b), a, b > 0, 0 <= x <= 1. */
double st_beta_i(double a, double b, double x);
/* Quantiles: the x with P(a, x) = p, and with I_x(a, b) = p (0 < p < 1). */
double st_gamma_quantile(double a, double p);
double st_beta_quantile(double a, double b, double p);
/* Standard normal quantile (Acklam's rational approximation refined by one Halley step). */
double st_normal_quantile(double p);

/* Exact (Garwood) two-sided interval of level 1-alpha for a Poisson mean given count x. */
void st_poisson_ci(double x, double alpha, double *lo, double *hi);

/* Ratio of two Poisson rates (a events in exposure ta) / (b events in exposure tb) and its
 * exact conditional interval: given a + b, a is binomial with p = ta R / (ta R + tb), and
 * the Clopper-Pearson interval of p maps to R. Returns the point estimate (NAN when b = 0
 * or an exposure is not positive); *lo, *hi are NAN when undefined, *hi is INFINITY when
 * b = 0 and a > 0. */
double st_rate_ratio(double a, double ta, double b, double tb, double alpha, double *lo,
                     double *hi);

#define GLM_MAXP 8

typedef struct glm_fit {
    double beta[GLM_MAXP];
    double cov[GLM_MAXP * GLM_MAXP];  /* (X'WX)^-1: the Poisson covariance (phi = 1) */
    double phi;                        /* Pearson chi^2 / (n - p): NAN when n <= p */
    double deviance;
    int iterations;
    int converged;
} glm_fit;

/* Poisson regression with log link: log E[y_i] = offset_i + X_i beta. X is n x p, row
 * major; offset may be NULL. Returns 0, or -1 when X'WX is singular, p is out of range, a
 * y is negative or the iteration does not converge in 100 steps. The quasi-Poisson
 * covariance is phi * cov. */
int glm_poisson(const double *X, const double *y, const double *offset, size_t n, size_t p,
                glm_fit *fit);

/* NB2 dispersion alpha (Var y = mu + alpha mu^2) of the same regression, by the Pearson
 * moment equation sum (y - mu)^2 / (mu (1 + alpha mu)) = n - p at the fitted means mu
 * (Breslow 1984; MASS's theta.mm with theta = 1/alpha). The fitted means of the Poisson fit
 * are consistent under NB2 (same mean model). Returns 0 when the Pearson chi^2 is at most
 * n - p (no over-dispersion), NAN when n <= p or the fit is missing. */
double glm_nb2_alpha(const double *X, const double *y, const double *offset, size_t n, size_t p,
                     const glm_fit *fit);

/* Upper tail of the Pearson statistic under the Poisson model: P(chi^2_df >= phi * df),
 * the p-value of the over-dispersion test. NAN when df = 0 or phi is not finite. */
double st_overdispersion_p(double phi, size_t df);

#endif
