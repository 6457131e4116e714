/* sensitivity — Morris elementary effects and Sobol indices over the unit cube.
 *
 * Morris (1991, "Factorial sampling plans for preliminary computational experiments",
 * Technometrics 33:161-174) with the mu* of Campolongo, Cariboni and Saltelli (2007, "An
 * effective screening design for sensitivity analysis of large models", Environ. Model.
 * Softw. 22:1509-1518): r random one-at-a-time trajectories on a p-level grid.
 *
 * Sobol indices on A, B and A_B^i (and B_A^i for second order): first order by Saltelli et
 * al. (2010, "Variance based sensitivity analysis of model output. Design and estimator for
 * the total sensitivity index", Comput. Phys. Commun. 181:259-270, table 2 (b)), total order
 * by Jansen (1999, "Analysis of variance designs for model output", Comput. Phys. Commun.
 * 117:35-43; table 2 (f) of Saltelli et al. 2010), second order by Saltelli (2002, "Making
 * best use of model evaluations to compute sensitivity indices", Comput. Phys. Commun.
 * 145:280-297). A and B are the two halves of a 2 dim-dimensional scrambled Sobol sequence.
 *
 * Intervals: percentile bootstrap (B resamples of the N rows, or of the r trajectories).
 * Every random number (trajectories, bootstrap) is a Philox draw keyed by the seed, and the
 * evaluations and the bootstrap replicates are written into their own slots, so threads
 * change nothing in the results.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#define OMP(x) _Pragma(#x)
#else
#define OMP(x)
#endif

#include "truce.h"
#include "rng.h"
#include "sobol_seq.h"
#include "sensitivity.h"

/* Philox streams: run indices no ensemble uses; one purpose per use. */
#define SENS_RNG_RUN 0xfffffff1u
enum { PUR_MORRIS_BASE = 1, PUR_MORRIS_DIR = 2, PUR_MORRIS_ORDER = 3, PUR_BOOT = 4 };

void truce_sens_options_init(truce_sens_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = TRUCE_SENS_MORRIS;
    o->n = 64;
    o->seed = 1;
    o->bootstrap = 1000;
    o->levels = 4;
    o->screen_share = 0.1;
}

size_t truce_sens_evaluations(const truce_sens_options *o, size_t dim)
{
    if (!o || dim == 0 || o->n == 0) return 0;
    size_t per = o->method == TRUCE_SENS_MORRIS ? dim + 1 : o->second_order ? 2 * dim + 2 : dim + 2;
    if (o->n > SIZE_MAX / per) return 0;
    return o->n * per;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void truce_sens_free(truce_sens *s)
{
    if (!s) return;
    for (size_t i = 0; s->names && i < s->dim; i++) free(s->names[i]);
    for (size_t i = 0; s->pair_names && i < s->npairs; i++) free(s->pair_names[i]);
    free(s->names);
    free(s->pair_names);
    free(s->rows);
    free(s->rank);
    free(s->screened);
    free(s->y);
    free(s);
}

size_t truce_sens_row_count(const truce_sens *s) { return s->nrows; }
const truce_sens_row *truce_sens_row_at(const truce_sens *s, size_t i) { return i < s->nrows ? &s->rows[i] : NULL; }
size_t truce_sens_ranked(const truce_sens *s, size_t k) { return k < s->dim ? s->rank[k] : 0; }
int truce_sens_screened(const truce_sens *s, size_t i) { return i < s->dim ? s->screened[i] : 0; }
size_t truce_sens_dim(const truce_sens *s) { return s->dim; }
const char *truce_sens_name(const truce_sens *s, size_t i) { return i < s->dim ? s->names[i] : NULL; }
size_t truce_sens_evaluation_count(const truce_sens *s) { return s->ny; }
double truce_sens_output_mean(const truce_sens *s) { return s->mean; }
double truce_sens_output_variance(const truce_sens *s) { return s->variance; }

double truce_sens_index(const truce_sens *s, size_t i, const char *index, double *lo, double *hi)
{
    if (lo) *lo = NAN;
    if (hi) *hi = NAN;
    if (i >= s->dim) return NAN;
    for (size_t k = 0; k < s->nrows; k++) {
        const truce_sens_row *r = &s->rows[k];
        if (r->parameter == s->names[i] && strcmp(r->index, index) == 0) {
            if (lo) *lo = r->ci_low;
            if (hi) *hi = r->ci_high;
            return r->estimate;
        }
    }
    return NAN;
}

/* ---- evaluation ------------------------------------------------------------------- */

/* y[k] = f(U row k) for k < m, in parallel. */
static int evaluate(const double *U, size_t m, size_t dim, truce_sens_fn f, void *ctx,
                    const truce_sens_options *o, double *y, truce_error *err)
{
    size_t failed = m, done = 0;
    int stop = 0;
    truce_error first;
    truce_error_clear(&first);
    const size_t step = m / 100 ? m / 100 : 1;
#ifdef _OPENMP
    const int nt = o->threads > 0 ? o->threads : omp_get_max_threads();
#endif
    OMP(omp parallel for schedule(dynamic, 1) num_threads(nt))
    for (size_t k = 0; k < m; k++) {
        int halt;
        OMP(omp atomic read)
        halt = stop;
        if (halt) continue;
        truce_error e;
        truce_error_clear(&e);
        int bad = f(ctx, U + k * dim, dim, &y[k], &e) != 0;
        if (!bad && !isfinite(y[k])) {
            bad = 1;
            truce_error_set(&e, TRUCE_ERUNTIME, NULL, 0, NULL,
                            "the output is not a finite number at design point %zu", k);
        }
        if (bad) {
            OMP(omp critical)
            {
                if (k < failed) {
                    failed = k;
                    first = e;
                }
            }
            OMP(omp atomic write)
            stop = 1;
        }
        if (o->progress) {
            size_t d;
            OMP(omp atomic capture)
            d = ++done;
            if (d % step == 0 || d == m) {
                OMP(omp critical)
                o->progress(o->progress_ctx, (uint64_t)d, (uint64_t)m);
            }
        }
    }
    if (failed < m) {
        if (err) *err = first;
        return -1;
    }
    return 0;
}

/* ---- statistics helpers ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Percentile interval (linear interpolation between order statistics) of v[0..n-1],
 * which is sorted in place. NAN values (a resample with zero variance) are left out. */
static void percentile_ci(double *v, size_t n, double *lo, double *hi)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) v[k++] = v[i];
    if (k == 0) {
        *lo = *hi = NAN;
        return;
    }
    qsort(v, k, sizeof *v, cmp_double);
    double q[2] = {0.025, 0.975}, out[2];
    for (int j = 0; j < 2; j++) {
        double pos = q[j] * (double)(k - 1);
        size_t i0 = (size_t)floor(pos);
        size_t i1 = i0 + 1 < k ? i0 + 1 : i0;
        double w = pos - (double)i0;
        out[j] = v[i0] + w * (v[i1] - v[i0]);
    }
    *lo = out[0];
    *hi = out[1];
}

/* Resample b: n indices drawn with replacement from 0..n-1 (b = 0 is the sample itself). */
static void resample(uint64_t seed, unsigned b, size_t n, size_t *idx)
{
    if (b == 0) {
        for (size_t j = 0; j < n; j++) idx[j] = j;
        return;
    }
    rng_stream s;
    rng_open(&s, seed, SENS_RNG_RUN, 0, b, PUR_BOOT);
    for (size_t j = 0; j < n; j++) {
        size_t k = (size_t)(rng_uniform(&s) * (double)n);
        idx[j] = k < n ? k : n - 1;
    }
}

static int add_row(truce_sens *s, const char *param, const char *method, const char *index,
                   double est, double lo, double hi)
{
    truce_sens_row *r = &s->rows[s->nrows++];
    r->parameter = param;
    r->method = method;
    r->index = index;
    r->estimate = est;
    r->ci_low = lo;
    r->ci_high = hi;
    return 0;
}

static void output_moments(truce_sens *s)
{
    double m = 0.0, v = 0.0;
    for (size_t k = 0; k < s->ny; k++) m += s->y[k];
    m /= (double)s->ny;
    for (size_t k = 0; k < s->ny; k++) v += (s->y[k] - m) * (s->y[k] - m);
    s->mean = m;
    s->variance = s->ny > 1 ? v / (double)(s->ny - 1) : 0.0;
}

/* rank[] by decreasing key (ties: input order). */
static void rank_by(truce_sens *s, const double *key)
{
    for (size_t i = 0; i < s->dim; i++) s->rank[i] = i;
    for (size_t i = 1; i < s->dim; i++) {
        size_t x = s->rank[i], j = i;
        while (j > 0 && (key[s->rank[j - 1]] < key[x] || (isnan(key[s->rank[j - 1]]) && !isnan(key[x])))) {
            s->rank[j] = s->rank[j - 1];
            j--;
        }
        s->rank[j] = x;
    }
}

/* ---- Morris ----------------------------------------------------------------------- */

/* Trajectory t: dim + 1 points; step[t * dim + s] is the input moved at step s + 1 and
 * delta[...] the signed change of its u. Levels sit at the centres of p equal-probability
 * bins, u = (g + 1/2) / p, g = 0..p-1 (finite under any prior's quantile); the step is p/2
 * levels: Delta = 1/2 on the u scale (Morris's Delta = p / (2 (p - 1)) of the grid). */
static int morris_design(const truce_sens_options *o, size_t dim, double *U, size_t *step, double *delta)
{
    const unsigned p = o->levels, half = p / 2;
    size_t *order = malloc(dim * sizeof *order);
    unsigned *g = malloc(dim * sizeof *g);
    int *up = malloc(dim * sizeof *up);
    if (!order || !g || !up) {
        free(order);
        free(g);
        free(up);
        return -1;
    }
    for (size_t t = 0; t < o->n; t++) {
        rng_stream sb, sd, so;
        rng_open(&sb, o->seed, SENS_RNG_RUN, 1, (uint32_t)t, PUR_MORRIS_BASE);
        rng_open(&sd, o->seed, SENS_RNG_RUN, 1, (uint32_t)t, PUR_MORRIS_DIR);
        rng_open(&so, o->seed, SENS_RNG_RUN, 1, (uint32_t)t, PUR_MORRIS_ORDER);
        for (size_t i = 0; i < dim; i++) {
            unsigned base = (unsigned)(rng_uniform(&sb) * half);
            if (base >= half) base = half - 1;
            up[i] = rng_uniform(&sd) < 0.5;
            g[i] = up[i] ? base : base + half;
            order[i] = i;
        }
        for (size_t i = dim; i > 1; i--) {  /* Fisher-Yates */
            size_t j = (size_t)(rng_uniform(&so) * (double)i);
            if (j >= i) j = i - 1;
            size_t x = order[i - 1];
            order[i - 1] = order[j];
            order[j] = x;
        }
        double *row = U + t * (dim + 1) * dim;
        for (size_t i = 0; i < dim; i++) row[i] = (g[i] + 0.5) / p;
        for (size_t s = 0; s < dim; s++) {
            size_t i = order[s];
            double *next = row + (s + 1) * dim;
            memcpy(next, row + s * dim, dim * sizeof *next);
            g[i] = up[i] ? g[i] + half : g[i] - half;
            next[i] = (g[i] + 0.5) / p;
            step[t * dim + s] = i;
            delta[t * dim + s] = next[i] - row[s * dim + i];
        }
    }
    free(up);
    free(order);
    free(g);
    return 0;
}

/* mu*, mu, sigma of each input over the trajectories listed in idx (r of them). */
static void morris_stats(const double *ee, size_t r, size_t dim, const size_t *idx,
                         double *mu_star, double *mu, double *sigma)
{
    for (size_t i = 0; i < dim; i++) {
        double a = 0.0, m = 0.0, v = 0.0;
        for (size_t t = 0; t < r; t++) {
            double e = ee[idx[t] * dim + i];
            a += fabs(e);
            m += e;
        }
        a /= (double)r;
        m /= (double)r;
        for (size_t t = 0; t < r; t++) {
            double e = ee[idx[t] * dim + i] - m;
            v += e * e;
        }
        mu_star[i] = a;
        mu[i] = m;
        sigma[i] = r > 1 ? sqrt(v / (double)(r - 1)) : NAN;
    }
}

static int morris(truce_sens *s, truce_sens_fn f, void *ctx, const truce_sens_options *o, truce_error *err)
{
    const size_t dim = s->dim, r = o->n, m = r * (dim + 1);
    const unsigned B = o->bootstrap;
    int rc = -1;
    double *U = malloc(m * dim * sizeof *U);
    size_t *step = malloc(r * dim * sizeof *step);
    double *delta = malloc(r * dim * sizeof *delta);
    double *ee = malloc(r * dim * sizeof *ee);
    double *boot = malloc((size_t)(B + 1) * 3 * dim * sizeof *boot);
    double *tmp = malloc((size_t)(B + 1) * sizeof *tmp);
    if (!U || !step || !delta || !ee || !boot || !tmp) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    if (morris_design(o, dim, U, step, delta) != 0) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    if (evaluate(U, m, dim, f, ctx, o, s->y, err) != 0) goto done;
    output_moments(s);
    for (size_t t = 0; t < r; t++)
        for (size_t st = 0; st < dim; st++) {
            const double *y = s->y + t * (dim + 1);
            ee[t * dim + step[t * dim + st]] = (y[st + 1] - y[st]) / delta[t * dim + st];
        }
    /* Replicate 0 is the estimate; 1..B the bootstrap over trajectories. */
    OMP(omp parallel for schedule(static) num_threads(o->threads > 0 ? o->threads : omp_get_max_threads()))
    for (unsigned b = 0; b <= B; b++) {
        size_t *idx = malloc(r * sizeof *idx);
        if (!idx) {
            for (size_t k = 0; k < 3 * dim; k++) boot[(size_t)b * 3 * dim + k] = NAN;
            continue;
        }
        resample(o->seed, b, r, idx);
        double *out = boot + (size_t)b * 3 * dim;
        morris_stats(ee, r, dim, idx, out, out + dim, out + 2 * dim);
        free(idx);
    }
    static const char *const names[3] = {"mu_star", "mu", "sigma"};
    const double *mu_star = boot;  /* replicate 0, mu* block */
    for (size_t i = 0; i < dim; i++)
        for (int q = 0; q < 3; q++) {
            double lo = NAN, hi = NAN;
            if (B > 0) {
                for (unsigned b = 1; b <= B; b++) tmp[b - 1] = boot[(size_t)b * 3 * dim + (size_t)q * dim + i];
                percentile_ci(tmp, B, &lo, &hi);
            }
            double est = boot[(size_t)q * dim + i];
            add_row(s, s->names[i], "morris", names[q], est, lo, hi);
        }
    rank_by(s, mu_star);
    double top = mu_star[s->rank[0]];
    for (size_t i = 0; i < dim; i++) s->screened[i] = !(mu_star[i] >= o->screen_share * top) || top == 0.0;
    rc = 0;
done:
    free(U);
    free(step);
    free(delta);
    free(ee);
    free(boot);
    free(tmp);
    return rc;
}

/* ---- Sobol ------------------------------------------------------------------------ */

/* Indices from the rows idx[0..N-1] of the blocks (outputs centred on their mean).
 * out: S1[dim], ST[dim], S2[npairs]. */
static void sobol_stats(const double *y, size_t N, size_t dim, int second, const size_t *idx,
                        double *out)
{
    const double *yA = y, *yB = y + N;
    double mean = 0.0, var = 0.0;
    for (size_t j = 0; j < N; j++) mean += yA[idx[j]] + yB[idx[j]];
    mean /= (double)(2 * N);
    for (size_t j = 0; j < N; j++) {
        double a = yA[idx[j]] - mean, b = yB[idx[j]] - mean;
        var += a * a + b * b;
    }
    var /= (double)(2 * N - 1);
    double *S1 = out, *ST = out + dim, *S2 = out + 2 * dim;
    for (size_t i = 0; i < dim; i++) {
        const double *yAB = y + (2 + i) * N;
        double v1 = 0.0, vt = 0.0;
        for (size_t j = 0; j < N; j++) {
            size_t k = idx[j];
            double d = yAB[k] - yA[k];
            v1 += (yB[k] - mean) * d;  /* Saltelli et al. 2010: f(B) (f(A_B^i) - f(A)) */
            vt += d * d;               /* Jansen 1999: (f(A) - f(A_B^i))^2 / 2 */
        }
        S1[i] = var > 0.0 ? v1 / (double)N / var : NAN;
        ST[i] = var > 0.0 ? vt / (double)(2 * N) / var : NAN;
    }
    if (!second) return;
    size_t p = 0;
    for (size_t a = 0; a < dim; a++)
        for (size_t c = a + 1; c < dim; c++, p++) {
            /* Saltelli 2002: V_ac (closed) = E[f(B_A^a) f(A_B^c)] - f0^2, f0^2 estimated by
             * E[f(A) f(B)]; S2 = V_ac / V - S1_a - S1_c. */
            const double *yBAa = y + (2 + dim + a) * N, *yABc = y + (2 + c) * N;
            double v = 0.0;
            for (size_t j = 0; j < N; j++) {
                size_t k = idx[j];
                v += (yBAa[k] - mean) * (yABc[k] - mean) - (yA[k] - mean) * (yB[k] - mean);
            }
            S2[p] = var > 0.0 ? v / (double)N / var - S1[a] - S1[c] : NAN;
        }
}

static int sobol(truce_sens *s, truce_sens_fn f, void *ctx, const truce_sens_options *o, truce_error *err)
{
    const size_t dim = s->dim, N = o->n, nb = o->second_order ? 2 * dim + 2 : dim + 2;
    const size_t m = N * nb, npairs = o->second_order ? dim * (dim - 1) / 2 : 0;
    const size_t nstat = 2 * dim + npairs;
    const unsigned B = o->bootstrap;
    int rc = -1;
    sobol_seq q = {0};
    double *U = malloc(m * dim * sizeof *U);
    double *x = malloc(2 * dim * sizeof *x);
    double *boot = malloc((size_t)(B + 1) * nstat * sizeof *boot);
    double *tmp = malloc((size_t)(B + 1) * sizeof *tmp);
    if (!U || !x || !boot || !tmp) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    if (sobol_init_scrambled(&q, 2 * dim, o->seed) != 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--params", "the Sobol design needs 2 x %zu dimensions; at most %d are available", dim, SOBOL_MAX_DIMS);
        goto done;
    }
    /* Block 0: A, 1: B, 2 + i: A_B^i (A with column i from B), 2 + dim + i: B_A^i. */
    for (size_t j = 0; j < N; j++) {
        sobol_point(&q, j, x);
        const double *a = x, *b = x + dim;
        for (size_t blk = 0; blk < nb; blk++) {
            double *row = U + (blk * N + j) * dim;
            if (blk == 1 || blk >= 2 + dim) memcpy(row, b, dim * sizeof *row);
            else memcpy(row, a, dim * sizeof *row);
            if (blk >= 2 && blk < 2 + dim) row[blk - 2] = b[blk - 2];
            if (blk >= 2 + dim) row[blk - 2 - dim] = a[blk - 2 - dim];
        }
    }
    if (evaluate(U, m, dim, f, ctx, o, s->y, err) != 0) goto done;
    output_moments(s);
    OMP(omp parallel for schedule(static) num_threads(o->threads > 0 ? o->threads : omp_get_max_threads()))
    for (unsigned b = 0; b <= B; b++) {
        size_t *idx = malloc(N * sizeof *idx);
        double *out = boot + (size_t)b * nstat;
        if (!idx) {
            for (size_t k = 0; k < nstat; k++) out[k] = NAN;
            continue;
        }
        resample(o->seed, b, N, idx);
        sobol_stats(s->y, N, dim, o->second_order, idx, out);
        free(idx);
    }
    for (size_t k = 0; k < nstat; k++) {
        double lo = NAN, hi = NAN;
        if (B > 0) {
            for (unsigned b = 1; b <= B; b++) tmp[b - 1] = boot[(size_t)b * nstat + k];
            percentile_ci(tmp, B, &lo, &hi);
        }
        const char *name, *index;
        if (k < 2 * dim) {
            name = s->names[k % dim];
            index = k < dim ? "S1" : "ST";
        } else {
            name = s->pair_names[k - 2 * dim];
            index = "S2";
        }
        add_row(s, name, "sobol", index, boot[k], lo, hi);
    }
    /* rows are S1 of every input, then ST, then S2: reorder to input by input */
    truce_sens_row *sorted = malloc(s->nrows * sizeof *sorted);
    if (!sorted) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < dim; i++) {
        sorted[2 * i] = s->rows[i];
        sorted[2 * i + 1] = s->rows[dim + i];
    }
    memcpy(sorted + 2 * dim, s->rows + 2 * dim, npairs * sizeof *sorted);
    memcpy(s->rows, sorted, s->nrows * sizeof *sorted);
    free(sorted);
    rank_by(s, boot + dim);
    rc = 0;
done:
    sobol_free(&q);
    free(U);
    free(x);
    free(boot);
    free(tmp);
    return rc;
}

truce_sens *truce_sens_run(size_t dim, const char *const *names, truce_sens_fn f, void *ctx,
                           const truce_sens_options *o, truce_error *err)
{
    if (dim == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--params", "no input to vary");
        return NULL;
    }
    if (o->n == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--n", "must be at least 1");
        return NULL;
    }
    if (o->method == TRUCE_SENS_MORRIS && (o->levels < 2 || o->levels % 2 || o->levels > 1000)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--levels", "must be even, 2 to 1000");
        return NULL;
    }
    if (o->method == TRUCE_SENS_MORRIS && o->n < 2) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--n", "Morris needs at least 2 trajectories");
        return NULL;
    }
    if (o->method == TRUCE_SENS_SOBOL && (o->n < 2 || o->n > ((size_t)1 << 31))) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--n", "Sobol needs 2 to 2^31 base points");
        return NULL;
    }
    if (o->method == TRUCE_SENS_SOBOL && 2 * dim > SOBOL_MAX_DIMS) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--params", "Sobol indices of %zu inputs need %zu dimensions; at most %d are available", dim, 2 * dim, SOBOL_MAX_DIMS);
        return NULL;
    }
    const size_t m = truce_sens_evaluations(o, dim);
    if (m == 0 || m > ((size_t)1 << 34)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--n", "the design is too large");
        return NULL;
    }
    truce_sens *s = calloc(1, sizeof *s);
    if (!s) goto oom;
    s->method = o->method;
    s->dim = dim;
    s->n = o->n;
    s->ny = m;
    s->names = calloc(dim, sizeof *s->names);
    s->rank = calloc(dim, sizeof *s->rank);
    s->screened = calloc(dim, sizeof *s->screened);
    s->y = calloc(m, sizeof *s->y);
    s->npairs = o->method == TRUCE_SENS_SOBOL && o->second_order ? dim * (dim - 1) / 2 : 0;
    s->pair_names = calloc(s->npairs ? s->npairs : 1, sizeof *s->pair_names);
    s->rows = calloc(3 * dim + s->npairs, sizeof *s->rows);
    if (!s->names || !s->rank || !s->screened || !s->y || !s->pair_names || !s->rows) goto oom;
    for (size_t i = 0; i < dim; i++)
        if (!(s->names[i] = dup_string(names[i]))) goto oom;
    size_t p = 0;
    for (size_t a = 0; a < dim && s->npairs; a++)
        for (size_t c = a + 1; c < dim; c++, p++) {
            size_t len = strlen(names[a]) + strlen(names[c]) + 2;
            if (!(s->pair_names[p] = malloc(len))) goto oom;
            snprintf(s->pair_names[p], len, "%s:%s", names[a], names[c]);
        }
    int rc = o->method == TRUCE_SENS_MORRIS ? morris(s, f, ctx, o, err) : sobol(s, f, ctx, o, err);
    if (rc != 0) {
        truce_sens_free(s);
        return NULL;
    }
    return s;
oom:
    truce_sens_free(s);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    return NULL;
}

/* ---- analytic test functions -------------------------------------------------------- */

static const double g_a[8] = {0, 1, 4.5, 9, 99, 99, 99, 99};
#define ISHI_A 7.0
#define ISHI_B 0.1

int truce_sens_test_find(const char *name, truce_sens_test *t, size_t *dim)
{
    if (strcmp(name, "ishigami") == 0) {
        *t = TRUCE_SENS_ISHIGAMI;
        *dim = 3;
        return 0;
    }
    if (strcmp(name, "g") == 0) {
        *t = TRUCE_SENS_G;
        *dim = 8;
        return 0;
    }
    return -1;
}

int truce_sens_test_fn(void *ctx, const double *u, size_t dim, double *y, truce_error *err)
{
    const truce_sens_test t = *(const truce_sens_test *)ctx;
    (void)err;
    if (t == TRUCE_SENS_ISHIGAMI) {
        const double pi = 3.14159265358979323846;
        double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
        double s2 = sin(x2);
        *y = sin(x1) + ISHI_A * s2 * s2 + ISHI_B * x3 * x3 * x3 * x3 * sin(x1);
        (void)dim;
        return 0;
    }
    double g = 1.0;
    for (size_t i = 0; i < dim && i < 8; i++) g *= (fabs(4.0 * u[i] - 2.0) + g_a[i]) / (1.0 + g_a[i]);
    *y = g;
    return 0;
}

void truce_sens_test_indices(truce_sens_test t, double *s1, double *st)
{
    if (t == TRUCE_SENS_ISHIGAMI) {
        /* Ishigami and Homma (1990); e.g. Saltelli et al. (2010) section 4. */
        const double pi = 3.14159265358979323846, a = ISHI_A, b = ISHI_B;
        const double pi4 = pi * pi * pi * pi, pi8 = pi4 * pi4;
        double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5);
        double v2 = a * a / 8;
        double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
        double v = v1 + v2 + v13;
        s1[0] = v1 / v;
        s1[1] = v2 / v;
        s1[2] = 0.0;
        st[0] = (v1 + v13) / v;
        st[1] = v2 / v;
        st[2] = v13 / v;
        return;
    }
    /* G function: V_i = 1 / (3 (1 + a_i)^2), V = prod (1 + V_i) - 1. */
    double vi[8], prod = 1.0;
    for (int i = 0; i < 8; i++) {
        vi[i] = 1.0 / (3.0 * (1.0 + g_a[i]) * (1.0 + g_a[i]));
        prod *= 1.0 + vi[i];
    }
    double v = prod - 1.0;
    for (int i = 0; i < 8; i++) {
        s1[i] = vi[i] / v;
        st[i] = vi[i] * (prod / (1.0 + vi[i])) / v;
    }
}
