/* abc — ABC-SMC (approximate Bayesian computation by sequential Monte Carlo), generic:
 * it knows nothing of truce's model. docs/fit.md describes the algorithm.
 *
 * The parameters live in the prior's standard-normal space z: the caller maps z to its own
 * parameters (for truce: theta_i = truce_prior_quantile(i, Phi(z_i))), so the prior is
 * N(0, I) whatever the parameters' priors, bounds or scales, and every z is valid.
 *
 *  - Population 0: proposals drawn from N(0, I); every proposal with a finite distance is
 *    accepted (tolerance +inf). The summaries of its first round of batches are the pilot
 *    from which the problem sets its distance scales (problem->set_scales).
 *  - Population t >= 1: tolerance eps_t = the weighted type-7 quantile `quantile` of the
 *    previous population's distances; a proposal picks a particle of t - 1 by weight and
 *    perturbs it with a multivariate normal kernel (Toni et al. 2009): covariance 2 x the
 *    weighted covariance of population t - 1 (Beaumont et al. 2009), or the optimal local
 *    covariance of Filippi et al. (2013); accepted if its distance is <= eps_t. Importance
 *    weights w_i ∝ phi(z_i) / sum_j w_j K_j(z_i | z_j) (Beaumont et al. 2009).
 *  - Reproducibility: proposal j of population t takes all of its randomness (particle
 *    choice, kernel draw, the model's seed and run) from Philox keyed by (seed, t, j);
 *    proposals are evaluated in batches of a fixed size (never dependent on the thread or
 *    process count), each result in its own slot; a population keeps the first N accepted
 *    proposals in index order; every sum runs in a fixed order. So the populations are the
 *    same bits on any number of threads or processes, and a fit resumed from a stored
 *    population continues exactly as the uninterrupted one.
 */
#ifndef TRUCE_ABC_H
#define TRUCE_ABC_H

#include <stddef.h>
#include <stdint.h>

#include "truce.h"

/* What one simulation cost (simulate_within): model days simulated, the days of a whole
 * run, and whether it stopped early (then rejected). */
typedef struct abc_cost {
    double days, full_days;
    int stopped;
} abc_cost;

/* What is fitted. simulate is called from several threads at once. */
typedef struct abc_problem {
    size_t dim;        /* parameters (z-space) */
    size_t nsum;       /* summaries per simulation */
    /* Simulate at z with the model's (seed, run); fill nsum summaries. 0, or -1 (err). */
    int (*simulate)(void *ctx, const double *z, uint64_t seed, uint32_t run, double *summaries,
                    truce_error *err);
    /* Set the distance's scales from a pilot (n x nsum, row-major). NULL: none. */
    int (*set_scales)(void *ctx, const double *pilot, size_t n, truce_error *err);
    /* Distance of summaries to the data (>= 0; +INF when not comparable). */
    double (*distance)(void *ctx, const double *summaries);
    void *ctx;
    /* Optional, used instead of simulate when set: simulate, and stop early (summaries
     * that make the distance +INF, cost->stopped 1) only when the distance is sure to
     * exceed eps; eps = +INF: the whole simulation, the summaries of simulate. */
    int (*simulate_within)(void *ctx, const double *z, uint64_t seed, uint32_t run, double eps,
                           double *summaries, abc_cost *cost, truce_error *err);
} abc_problem;

typedef enum abc_kernel {
    ABC_KERNEL_GLOBAL,   /* 2 x the weighted population covariance (Beaumont et al. 2009) */
    ABC_KERNEL_OLCM      /* optimal local covariance (Filippi et al. 2013) */
} abc_kernel;

/* One complete population. */
typedef struct abc_population {
    uint32_t t;
    double eps;          /* tolerance (+INF for population 0) */
    uint64_t sims;       /* proposals simulated for this population */
    uint64_t accepted;   /* of those, how many were within the tolerance */
    double ess;          /* effective sample size 1 / sum w^2 */
    double seconds;      /* wall time it took (not reproducible; reports only) */
    size_t n, dim;
    double *z;           /* n x dim */
    double *w;           /* n, normalised */
    double *dist;        /* n */
} abc_population;

typedef struct abc_options {
    size_t particles;          /* N (> 0) */
    uint64_t seed;
    double quantile;           /* of the previous distances (0 < q < 1) */
    abc_kernel kernel;
    size_t batch;              /* proposals per batch (> 0) */
    uint64_t max_sims;         /* simulation budget of the engine (0: none) */
    uint32_t max_populations;  /* populations in all, 0 included (0: none) */
    double min_acceptance;     /* stop after a population accepting less (0: none) */
    double min_tolerance;      /* stop after a population with eps <= this (0: none) */
    double max_seconds;        /* stop between batches past this (0: none) */
    int threads;               /* OpenMP threads (<= 0: default) */
    int early_reject;          /* pass population t >= 1's tolerance to simulate_within (0:
                                  +INF: every simulation whole; the same populations) */
    /* Processes: this one simulates the proposals [B part / nparts, B (part+1) / nparts) of
     * each batch of B and exchange fills the others' summaries (batch x nsum, row-major;
     * rows outside this share are filled in by the call). nparts <= 1: no exchange. */
    int part, nparts;
    int (*exchange)(void *ctx, double *summaries, size_t batch, size_t nsum, truce_error *err);
    void *exchange_ctx;
    /* After each complete population (and the pilot with population 0: npilot rows):
     * persist it. 0, or -1 (err): the run stops with that error. NULL: nothing. */
    int (*commit)(void *ctx, const abc_population *p, const double *pilot, size_t npilot,
                  truce_error *err);
    void *commit_ctx;
    /* Progress after every batch (NULL: none). */
    void (*progress)(void *ctx, const struct truce_fit_progress *p);
    void *progress_ctx;
} abc_options;

void abc_options_init(abc_options *o);

/* Why the run stopped. */
typedef enum abc_stop {
    ABC_STOP_NONE, ABC_STOP_TOLERANCE, ABC_STOP_BUDGET, ABC_STOP_TIME, ABC_STOP_ACCEPTANCE,
    ABC_STOP_POPULATIONS
} abc_stop;
const char *abc_stop_name(abc_stop s);

typedef struct abc_run {
    abc_population *pops;   /* every population's figures; arrays only for the last */
    size_t npops;
    uint64_t sims;          /* total simulated, over every population (incomplete included) */
    abc_stop stop;
    uint32_t resumed_from;  /* 0, or the number of populations taken from a store */
    /* simulate_within's costs over this run's simulations (not those of resumed
     * populations), summed in proposal order: the same on any thread or process count */
    uint64_t stopped_early;
    double model_days, model_days_full;
} abc_run;

/* Run, starting from `resume` (npops complete populations of an earlier run of the same
 * problem and options, the last with its arrays, and its pilot) or from the start (npops
 * 0). sims_before: simulations already spent by the caller (counted against max_sims).
 * Returns 0 and fills *out, or -1 (err). */
int abc_run_fit(const abc_problem *pb, const abc_options *o, const abc_population *resume,
                size_t nresume, const double *pilot, size_t npilot, uint64_t sims_before,
                abc_run *out, truce_error *err);
void abc_run_free(abc_run *r);

void abc_population_free(abc_population *p);
/* Allocate the arrays of p for n particles of dim (figures untouched). 0, or -1. */
int abc_population_alloc(abc_population *p, size_t n, size_t dim);

/* Phi(z) and the prior's standard normal space (exposed for tests). */
double abc_normal_cdf(double z);

#endif
