/* abc — ABC-SMC in the prior's standard-normal space (abc.h, docs/fit.md). */
#include "abc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "rng.h"
#include "stats.h"

/* The engine's random streams: key = seed ^ ABC_KEY_SALT (apart from any model run keyed by
 * the same seed), counter (n, t, j's high bits << 16 | purpose, j's low 32 bits). */
#define ABC_KEY_SALT UINT64_C(0x6a09e667f3bcc909)
enum { ABC_PUR_PRIOR = 1, ABC_PUR_PICK = 2, ABC_PUR_KERNEL = 3, ABC_PUR_MODEL = 4 };

static void open_stream(rng_stream *s, uint64_t seed, uint32_t t, uint64_t j, uint32_t purpose)
{
    rng_open(s, seed ^ ABC_KEY_SALT, (uint32_t)(j & 0xffffffffu), (uint32_t)((j >> 32) & 0xffffu), t,
             purpose);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double abc_normal_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

void abc_options_init(abc_options *o)
{
    memset(o, 0, sizeof *o);
    o->particles = 500;
    o->seed = 1;
    o->quantile = 0.5;
    o->kernel = ABC_KERNEL_GLOBAL;
    o->batch = 64;
    o->nparts = 1;
}

const char *abc_stop_name(abc_stop s)
{
    switch (s) {
    case ABC_STOP_NONE: return "none";
    case ABC_STOP_TOLERANCE: return "min_tolerance";
    case ABC_STOP_BUDGET: return "sims";
    case ABC_STOP_TIME: return "max_time";
    case ABC_STOP_ACCEPTANCE: return "min_acceptance";
    case ABC_STOP_POPULATIONS: return "max_populations";
    }
    return "none";
}

void abc_population_free(abc_population *p)
{
    if (!p) return;
    free(p->z);
    free(p->w);
    free(p->dist);
    p->z = p->w = p->dist = NULL;
}

int abc_population_alloc(abc_population *p, size_t n, size_t dim)
{
    p->n = n;
    p->dim = dim;
    p->z = malloc(n * dim * sizeof *p->z);
    p->w = malloc(n * sizeof *p->w);
    p->dist = malloc(n * sizeof *p->dist);
    if (!p->z || !p->w || !p->dist) {
        abc_population_free(p);
        return -1;
    }
    return 0;
}

void abc_run_free(abc_run *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->npops; i++) abc_population_free(&r->pops[i]);
    free(r->pops);
    memset(r, 0, sizeof *r);
}

/* ---- linear algebra (d x d, row-major) -------------------------------------------- */

/* Lower Cholesky factor of a (symmetric positive definite) into l. If a is not positive
 * definite, a ridge of growing size (1e-12, 1e-10, ... of the mean diagonal) is added.
 * Returns the log determinant of the factorised matrix, or NAN if even that fails. */
static double cholesky(const double *a, size_t d, double *l)
{
    double tr = 0.0;
    for (size_t i = 0; i < d; i++) tr += a[i * d + i];
    double mean_diag = tr > 0.0 && isfinite(tr) ? tr / (double)d : 1.0;
    for (int attempt = 0; attempt < 12; attempt++) {
        double ridge = attempt == 0 ? 0.0 : mean_diag * pow(10.0, -14.0 + 2.0 * attempt);
        int ok = 1;
        double logdet = 0.0;
        for (size_t i = 0; i < d && ok; i++) {
            for (size_t j = 0; j <= i; j++) {
                double s = a[i * d + j] + (i == j ? ridge : 0.0);
                for (size_t k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
                if (i == j) {
                    if (!(s > 0.0) || !isfinite(s)) { ok = 0; break; }
                    l[i * d + i] = sqrt(s);
                    logdet += 2.0 * log(l[i * d + i]);
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
            for (size_t j = i + 1; j < d; j++) l[i * d + j] = 0.0;
        }
        if (ok) return logdet;
    }
    return NAN;
}

/* ||L^-1 x||^2 (forward substitution). */
static double mahalanobis2(const double *l, size_t d, const double *x, double *tmp)
{
    double q = 0.0;
    for (size_t i = 0; i < d; i++) {
        double s = x[i];
        for (size_t k = 0; k < i; k++) s -= l[i * d + k] * tmp[k];
        tmp[i] = s / l[i * d + i];
        q += tmp[i] * tmp[i];
    }
    return q;
}

/* Weighted mean and covariance (sum w (z - m)(z - m)^T, weights summing to 1) of the rows
 * of z selected by sel (NULL: all), in index order. Returns the total weight selected. */
static double weighted_moments(const double *z, const double *w, const unsigned char *sel, size_t n,
                               size_t d, double *mean, double *cov)
{
    double W = 0.0;
    for (size_t k = 0; k < d; k++) mean[k] = 0.0;
    for (size_t k = 0; k < d * d; k++) cov[k] = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (sel && !sel[i]) continue;
        W += w[i];
        for (size_t k = 0; k < d; k++) mean[k] += w[i] * z[i * d + k];
    }
    if (!(W > 0.0)) return 0.0;
    for (size_t k = 0; k < d; k++) mean[k] /= W;
    for (size_t i = 0; i < n; i++) {
        if (sel && !sel[i]) continue;
        for (size_t a = 0; a < d; a++) {
            double da = z[i * d + a] - mean[a];
            for (size_t b = 0; b <= a; b++) cov[a * d + b] += w[i] * da * (z[i * d + b] - mean[b]);
        }
    }
    for (size_t a = 0; a < d; a++)
        for (size_t b = 0; b <= a; b++) {
            cov[a * d + b] /= W;
            cov[b * d + a] = cov[a * d + b];
        }
    return W;
}

/* ---- the kernel of population t ----------------------------------------------------- */

typedef struct kernel {
    size_t n, d;
    int local;           /* one factor per particle (OLCM) or one for all */
    double *chol;        /* (local ? n : 1) x d x d */
    double *logdet;      /* (local ? n : 1) */
    double *cum;         /* n: cumulative weights of the previous population, index order */
} kernel;

static void kernel_free(kernel *k)
{
    free(k->chol);
    free(k->logdet);
    free(k->cum);
    memset(k, 0, sizeof *k);
}

static int kernel_build(kernel *k, const abc_population *prev, double eps, abc_kernel kind,
                        truce_error *err)
{
    const size_t n = prev->n, d = prev->dim;
    memset(k, 0, sizeof *k);
    k->n = n;
    k->d = d;
    k->local = kind == ABC_KERNEL_OLCM;
    const size_t nk = k->local ? n : 1;
    k->chol = malloc(nk * d * d * sizeof *k->chol);
    k->logdet = malloc(nk * sizeof *k->logdet);
    k->cum = malloc(n * sizeof *k->cum);
    double *mean = malloc(d * sizeof *mean), *cov = malloc(d * d * sizeof *cov);
    double *c2 = malloc(d * d * sizeof *c2);
    unsigned char *sel = malloc(n);
    int rc = 0;
    if (!k->chol || !k->logdet || !k->cum || !mean || !cov || !c2 || !sel) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        rc = -1;
        goto done;
    }
    double c = 0.0;
    for (size_t i = 0; i < n; i++) k->cum[i] = c += prev->w[i];
    if (!k->local) {
        weighted_moments(prev->z, prev->w, NULL, n, d, mean, cov);
        for (size_t a = 0; a < d * d; a++) c2[a] = 2.0 * cov[a];
        k->logdet[0] = cholesky(c2, d, k->chol);
        if (isnan(k->logdet[0])) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL,
                            "the population's covariance is degenerate (population %u)", (unsigned)prev->t);
            rc = -1;
        }
    } else {
        /* Filippi et al. (2013), eq. for the OLCM: Sigma_i = sum over the particles of t-1
         * within eps_t of w~_k (z_k - z_i)(z_k - z_i)^T = C + (m - z_i)(m - z_i)^T, with m and
         * C the weighted mean and covariance of that subset. */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) m += sel[i] = prev->dist[i] <= eps;
        if (m < 2) for (size_t i = 0; i < n; i++) sel[i] = 1;
        weighted_moments(prev->z, prev->w, sel, n, d, mean, cov);
        for (size_t i = 0; i < n && rc == 0; i++) {
            for (size_t a = 0; a < d; a++)
                for (size_t b = 0; b < d; b++)
                    c2[a * d + b] = cov[a * d + b] + (mean[a] - prev->z[i * d + a]) * (mean[b] - prev->z[i * d + b]);
            k->logdet[i] = cholesky(c2, d, k->chol + i * d * d);
            if (isnan(k->logdet[i])) {
                truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL,
                                "a local covariance is degenerate (population %u)", (unsigned)prev->t);
                rc = -1;
            }
        }
    }
done:
    free(mean);
    free(cov);
    free(c2);
    free(sel);
    if (rc != 0) kernel_free(k);
    return rc;
}

/* Proposal j of population t: z (dim values), and the model's seed and run. */
static void propose(const abc_options *o, const abc_population *prev, const kernel *k, uint32_t t,
                    uint64_t j, size_t d, double *z, uint64_t *mseed, uint32_t *mrun)
{
    rng_stream s;
    if (t == 0) {
        open_stream(&s, o->seed, t, j, ABC_PUR_PRIOR);
        for (size_t a = 0; a < d; a++) z[a] = st_normal_quantile(rng_uniform(&s));
    } else {
        open_stream(&s, o->seed, t, j, ABC_PUR_PICK);
        const double u = rng_uniform(&s) * k->cum[k->n - 1];
        size_t lo = 0, hi = k->n - 1;   /* the first i with cum[i] > u */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (k->cum[mid] > u) hi = mid;
            else lo = mid + 1;
        }
        const size_t i = lo;
        const double *l = k->chol + (k->local ? i * d * d : 0);
        open_stream(&s, o->seed, t, j, ABC_PUR_KERNEL);
        double ev[64];   /* d <= 64: checked by abc_run_fit */
        for (size_t a = 0; a < d; a++) ev[a] = st_normal_quantile(rng_uniform(&s));
        for (size_t a = 0; a < d; a++) {
            double v = prev->z[i * d + a];
            for (size_t b = 0; b <= a; b++) v += l[a * d + b] * ev[b];
            z[a] = v;
        }
    }
    open_stream(&s, o->seed, t, j, ABC_PUR_MODEL);
    uint64_t hi32 = rng_next_word(&s), lo32 = rng_next_word(&s);
    *mseed = hi32 << 32 | lo32;
    *mrun = (uint32_t)(j & 0xffffffffu);
}

/* Importance weights of the accepted particles of population t (Beaumont et al. 2009):
 * w_i ∝ phi(z_i) / sum_j w_j K_j(z_i - z_j), in logs, sums in index order. */
static int importance_weights(abc_population *cur, const abc_population *prev, const kernel *k,
                              int threads, truce_error *err)
{
    const size_t n = cur->n, m = prev->n, d = cur->dim;
    double *lw = malloc(n * sizeof *lw);
    if (!lw) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    int failed = 0;
    const long long nn = (long long)n;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (threads > 1)
#else
    (void)threads;
#endif
    {
        double *x = malloc(d * sizeof *x), *tmp = malloc(d * sizeof *tmp), *lt = malloc(m * sizeof *lt);
        if (!x || !tmp || !lt) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        }
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (long long ii = 0; ii < nn; ii++) {
            if (!x || !tmp || !lt) continue;
            const size_t i = (size_t)ii;
            const double *zi = cur->z + i * d;
            double prior = 0.0;
            for (size_t a = 0; a < d; a++) prior += zi[a] * zi[a];
            double mx = -INFINITY;
            for (size_t j = 0; j < m; j++) {
                const double *zj = prev->z + j * d;
                for (size_t a = 0; a < d; a++) x[a] = zi[a] - zj[a];
                const size_t kj = k->local ? j : 0;
                double q = mahalanobis2(k->chol + kj * d * d, d, x, tmp);
                lt[j] = prev->w[j] > 0.0 ? log(prev->w[j]) - 0.5 * q - 0.5 * k->logdet[kj] : -INFINITY;
                if (lt[j] > mx) mx = lt[j];
            }
            double s = 0.0;
            for (size_t j = 0; j < m; j++) s += exp(lt[j] - mx);
            lw[i] = -0.5 * prior - (mx + log(s));
        }
        free(x);
        free(tmp);
        free(lt);
    }
    if (failed) {
        free(lw);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    double mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (lw[i] > mx) mx = lw[i];
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += cur->w[i] = isfinite(mx) ? exp(lw[i] - mx) : 1.0;
    for (size_t i = 0; i < n; i++) cur->w[i] /= s;
    free(lw);
    return 0;
}

static double ess_of(const double *w, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += w[i] * w[i];
    return s > 0.0 ? 1.0 / s : 0.0;
}

/* The weighted type-7 quantile q of the population's distances. */
static double next_tolerance(const abc_population *p, double q, truce_error *err)
{
    double *x = malloc(p->n * sizeof *x), *w = malloc(p->n * sizeof *w);
    if (!x || !w) {
        free(x);
        free(w);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return NAN;
    }
    memcpy(x, p->dist, p->n * sizeof *x);
    memcpy(w, p->w, p->n * sizeof *w);
    double e = truce_quantile7(x, w, p->n, q);
    free(x);
    free(w);
    return e;
}

/* 1 if any process passes a non-zero flag (processes must take the same branch: a wall
 * time read by each would differ). One row per part through the exchange. */
static int any_part(const abc_options *o, int flag, truce_error *err, int *failed)
{
    *failed = 0;
    if (o->nparts <= 1 || !o->exchange) return flag;
    const size_t n = (size_t)o->nparts;
    double *rows = calloc(n, sizeof *rows);
    if (!rows) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        *failed = 1;
        return 1;
    }
    rows[o->part] = flag;
    int any = 0;
    if (o->exchange(o->exchange_ctx, rows, n, 1, err) != 0) *failed = 1;
    for (size_t i = 0; i < n; i++) any |= rows[i] != 0.0;
    free(rows);
    return any;
}

/* Simulate proposals [first, first + B) of population t into summ (B x nsum); this
 * process does its share, exchange fills in the rest. */
static int run_batch(const abc_problem *pb, const abc_options *o, const abc_population *prev,
                     const kernel *k, uint32_t t, uint64_t first, size_t B, double *zb, double *summ,
                     double eps, double *costs, int threads, truce_error *err)
{
    const size_t d = pb->dim, S = pb->nsum;
    const int nparts = o->nparts > 1 ? o->nparts : 1, part = nparts > 1 ? o->part : 0;
    const size_t lo = B * (size_t)part / (size_t)nparts, hi = B * (size_t)(part + 1) / (size_t)nparts;
    long long failed = (long long)B;
    truce_error first_err;
    truce_error_clear(&first_err);
    /* every process computes every proposal's z (cheap): the rows are needed by all */
    uint64_t *mseed = malloc(B * sizeof *mseed);
    uint32_t *mrun = malloc(B * sizeof *mrun);
    if (!mseed || !mrun) {
        free(mseed);
        free(mrun);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < B; j++) propose(o, prev, k, t, first + j, d, zb + j * d, &mseed[j], &mrun[j]);
    for (size_t j = 0; j < B * S; j++) summ[j] = 0.0;
    for (size_t j = 0; j < B * 3; j++) costs[j] = 0.0;
    const long long llo = (long long)lo, lhi = (long long)hi;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1)
#endif
    for (long long jj = llo; jj < lhi; jj++) {
        const size_t j = (size_t)jj;
        truce_error e1;
        truce_error_clear(&e1);
        int src;
        if (pb->simulate_within) {
            abc_cost c = {0.0, 0.0, 0};
            src = pb->simulate_within(pb->ctx, zb + j * d, mseed[j], mrun[j], eps, summ + j * S, &c, &e1);
            costs[j * 3] = c.days;
            costs[j * 3 + 1] = c.full_days;
            costs[j * 3 + 2] = c.stopped;
        } else {
            src = pb->simulate(pb->ctx, zb + j * d, mseed[j], mrun[j], summ + j * S, &e1);
        }
        if (src != 0) {
#ifdef _OPENMP
#pragma omp critical
#endif
            if (jj < failed) {
                failed = jj;
                first_err = e1;
            }
        }
    }
    free(mseed);
    free(mrun);
    /* every process must reach the exchange, failed or not; a failure is reported after */
    int rc = failed < (long long)B ? -1 : 0;
    if (rc != 0 && err) *err = first_err;
    if (nparts > 1 && o->exchange) {
        truce_error xe;
        if (o->exchange(o->exchange_ctx, summ, B, S, &xe) != 0 ||
            (pb->simulate_within && o->exchange(o->exchange_ctx, costs, B, 3, &xe) != 0)) {
            if (err) *err = xe;
            return -1;
        }
        /* all processes stop together when one failed */
        int xf;
        if (any_part(o, rc != 0, &xe, &xf)) {
            if (rc == 0)
                truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "a simulation failed in another process");
            return -1;
        }
    }
    return rc;
}

static void report(const abc_options *o, uint32_t t, double eps, uint64_t proposed, uint64_t accepted,
                   size_t have, double ess, uint64_t sims_total, double t0, int done)
{
    if (!o->progress) return;
    truce_fit_progress p;
    memset(&p, 0, sizeof p);
    p.population = t;
    p.tolerance = eps;
    p.proposed = proposed;
    p.accepted = accepted;
    p.particles = have;
    p.target = o->particles;
    p.acceptance = proposed ? (double)accepted / (double)proposed : NAN;
    p.ess = ess;
    p.sims = sims_total;
    p.sims_budget = o->max_sims;
    p.seconds = now_seconds() - t0;
    p.population_done = done;
    o->progress(o->progress_ctx, &p);
}

int abc_run_fit(const abc_problem *pb, const abc_options *o, const abc_population *resume,
                size_t nresume, const double *pilot, size_t npilot, uint64_t sims_before,
                abc_run *out, truce_error *err)
{
    truce_error_clear(err);
    memset(out, 0, sizeof *out);
    const size_t d = pb->dim, S = pb->nsum, N = o->particles, B = o->batch;
    if (d == 0 || d > 64 || S == 0 || N < 2 || B == 0 || !(o->quantile > 0.0 && o->quantile < 1.0)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "ABC-SMC needs 1..64 parameters, summaries, >= 2 particles, a batch and a quantile in (0, 1)");
        return -1;
    }
    int threads = o->threads;
#ifdef _OPENMP
    if (threads <= 0) threads = omp_get_max_threads();
#else
    threads = 1;
#endif
    const double t0 = now_seconds();
    size_t cap = 16;
    out->pops = calloc(cap, sizeof *out->pops);
    double *zb = malloc(B * d * sizeof *zb), *summ = malloc(B * S * sizeof *summ);
    double *dist = malloc(B * sizeof *dist), *costs = malloc(B * 3 * sizeof *costs);
    double *pil = NULL;
    size_t npil = 0;
    abc_population cur;
    memset(&cur, 0, sizeof cur);
    kernel k;
    memset(&k, 0, sizeof k);
    int rc = 0;
    if (!out->pops || !zb || !summ || !dist || !costs) goto oom;
    uint64_t sims = sims_before;

    /* resume: the figures of every stored population, the arrays of the last, the pilot */
    if (nresume > 0) {
        if (nresume > cap) {
            cap = nresume + 16;
            abc_population *np = realloc(out->pops, cap * sizeof *np);
            if (!np) goto oom;
            out->pops = np;
        }
        for (size_t i = 0; i < nresume; i++) {
            out->pops[i] = resume[i];
            out->pops[i].z = out->pops[i].w = out->pops[i].dist = NULL;
            sims += resume[i].sims;
        }
        out->npops = nresume;
        abc_population *last = &out->pops[nresume - 1];
        const abc_population *src = &resume[nresume - 1];
        if (abc_population_alloc(last, N, d) != 0) goto oom;
        if (src->n != N || src->dim != d) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "the stored population does not match the fit");
            rc = -1;
            goto end;
        }
        memcpy(last->z, src->z, N * d * sizeof *last->z);
        memcpy(last->w, src->w, N * sizeof *last->w);
        memcpy(last->dist, src->dist, N * sizeof *last->dist);
        out->resumed_from = (uint32_t)nresume;
        if (pb->set_scales && pilot && pb->set_scales(pb->ctx, pilot, npilot, err) != 0) {
            rc = -1;
            goto end;
        }
    }

    for (;;) {
        const uint32_t t = (uint32_t)out->npops;
        const abc_population *prev = t > 0 ? &out->pops[t - 1] : NULL;
        /* stopping rules decided at a population's end */
        if (prev) {
            if (o->max_populations && t >= o->max_populations) { out->stop = ABC_STOP_POPULATIONS; break; }
            if (o->min_tolerance > 0.0 && prev->eps <= o->min_tolerance) { out->stop = ABC_STOP_TOLERANCE; break; }
            if (o->min_acceptance > 0.0 && prev->sims > 0 &&
                (double)prev->accepted / (double)prev->sims < o->min_acceptance) {
                out->stop = ABC_STOP_ACCEPTANCE;
                break;
            }
        }
        double eps = INFINITY;
        if (prev) {
            eps = next_tolerance(prev, o->quantile, err);
            if (isnan(eps)) { rc = -1; goto end; }
            if (kernel_build(&k, prev, eps, o->kernel, err) != 0) { rc = -1; goto end; }
        }
        if (abc_population_alloc(&cur, N, d) != 0) goto oom;
        cur.t = t;
        cur.eps = eps;
        cur.sims = cur.accepted = 0;
        const double tp = now_seconds();
        size_t have = 0;
        uint64_t next = 0;
        abc_stop stop = ABC_STOP_NONE;
        while (have < N) {
            if (o->max_sims && sims + B > o->max_sims) { stop = ABC_STOP_BUDGET; break; }
            if (o->max_seconds > 0.0) {
                int xf;
                int late = any_part(o, now_seconds() - t0 > o->max_seconds, err, &xf);
                if (xf) { rc = -1; goto end; }
                if (late) { stop = ABC_STOP_TIME; break; }
            }
            /* population 0 (the pilot) always runs whole */
            const double bound = o->early_reject && prev ? eps : INFINITY;
            if (run_batch(pb, o, prev, &k, t, next, B, zb, summ, bound, costs, threads, err) != 0) { rc = -1; goto end; }
            for (size_t j = 0; j < B; j++) {
                out->model_days += costs[j * 3];
                out->model_days_full += costs[j * 3 + 1];
                out->stopped_early += costs[j * 3 + 2] != 0.0;
            }
            sims += B;
            cur.sims += B;
            out->sims = sims;
            next += B;
            if (t == 0 && npil < N) {
                /* the pilot: the summaries of population 0's first N proposals or more (whole
                 * batches); the scales are set once, before any distance is computed */
                double *np = realloc(pil, (npil + B) * S * sizeof *np);
                if (!np) goto oom;
                pil = np;
                memcpy(pil + npil * S, summ, B * S * sizeof *summ);
                npil += B;
                if (npil < N) {
                    /* keep the batch's rows for the distances once the scales exist */
                    continue;
                }
                if (pb->set_scales && pb->set_scales(pb->ctx, pil, npil, err) != 0) { rc = -1; goto end; }
                /* distances of every pilot row, in index order */
                for (size_t r = 0; r < npil && have < N; r++) {
                    double dd = pb->distance(pb->ctx, pil + r * S);
                    if (isfinite(dd)) {
                        cur.accepted++;
                        /* z of proposal r: recompute (deterministic) */
                        uint64_t ms;
                        uint32_t mr;
                        propose(o, NULL, NULL, 0, r, d, cur.z + have * d, &ms, &mr);
                        cur.dist[have++] = dd;
                    }
                }
                report(o, t, eps, cur.sims, cur.accepted, have, NAN, sims, t0, 0);
                continue;
            }
            for (size_t j = 0; j < B; j++) {
                dist[j] = pb->distance(pb->ctx, summ + j * S);
                if (dist[j] <= eps && isfinite(dist[j])) {
                    cur.accepted++;
                    if (have < N) {
                        memcpy(cur.z + have * d, zb + j * d, d * sizeof *zb);
                        cur.dist[have++] = dist[j];
                    }
                }
            }
            report(o, t, eps, cur.sims, cur.accepted, have, NAN, sims, t0, 0);
        }
        if (stop != ABC_STOP_NONE) {
            out->stop = stop;
            abc_population_free(&cur);
            break;
        }
        if (t == 0) {
            for (size_t i = 0; i < N; i++) cur.w[i] = 1.0 / (double)N;
        } else if (importance_weights(&cur, prev, &k, threads, err) != 0) {
            rc = -1;
            goto end;
        }
        cur.ess = ess_of(cur.w, N);
        cur.seconds = now_seconds() - tp;
        kernel_free(&k);
        if (o->commit && o->commit(o->commit_ctx, &cur, t == 0 ? pil : NULL, t == 0 ? npil : 0, err) != 0) {
            rc = -1;
            goto end;
        }
        if (out->npops == cap) {
            cap *= 2;
            abc_population *np = realloc(out->pops, cap * sizeof *np);
            if (!np) goto oom;
            out->pops = np;
        }
        /* only the last population keeps its arrays */
        if (prev) abc_population_free(&out->pops[t - 1]);
        out->pops[out->npops++] = cur;
        memset(&cur, 0, sizeof cur);
        const abc_population *p = &out->pops[t];
        report(o, t, p->eps, p->sims, p->accepted, N, p->ess, sims, t0, 1);
    }
    out->sims = sims;
    if (out->npops == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--sims",
                        "the budget ended before the first population was complete (it needs at least %zu simulations)",
                        N);
        rc = -1;
    }
    goto end;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    rc = -1;
end:
    kernel_free(&k);
    abc_population_free(&cur);
    free(zb);
    free(summ);
    free(dist);
    free(costs);
    free(pil);
    if (rc != 0) abc_run_free(out);
    return rc;
}
