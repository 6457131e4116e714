/* fit — `truce fit`: the ABC-SMC engine (abc.c) bound to truce's model and data through
 * fit_target (summaries and distance), with the screening of the default parameters
 * (Morris elementary effects on the distance) and the SQLite run store (fit_store.c).
 * The public API is truce_fit_* in include/truce.h; docs/fit.md describes the command. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abc.h"
#include "calendar.h"
#include "fit_store.h"
#include "fit_target.h"
#include "outdir.h"
#include "outpath.h"
#include "params.h"
#include "provenance.h"
#include "rng.h"

/* Screening (docs/fit.md, "Which parameters"): a pilot of SCREEN_PILOT prior draws sets the
 * distance's scales, then Morris elementary effects with `screen_trajectories` trajectories
 * over every parameter with a prior; the `screen_keep` with the largest mu* are estimated. */
#define SCREEN_PILOT 64
enum { FIT_PUR_SCREEN = 11 };

struct truce_fit {
    size_t K, N, P;
    size_t *idx;               /* K parameter indices, table order */
    double *base;              /* P: the scenario's values */
    double *z, *w, *dist;      /* the last population: N x K, N, N */
    double *theta;             /* N x K natural values */
    abc_population *pops;      /* figures of every population */
    size_t npops;
    uint64_t sims, screen_sims;
    uint64_t stopped_early;    /* the engine's simulations stopped early (this invocation) */
    double model_days, model_days_full;
    unsigned resumed_from;
    const char *stop;
    double seconds;
    truce_fit_options opt;     /* pointers cleared */
    char scenario_name[128], scenario_hash[17], data_hash[17], options_hash[17];
    int32_t last_day, start, end;
    size_t nsum, data_rows, skipped_unmodelled, skipped_outside;
    int screened;
    char *screen_json;         /* the screening's report, a JSON array (NULL: none) */
    char **screened_out;       /* names of the candidates not kept */
    size_t nscreened_out;
};

void truce_fit_options_init(truce_fit_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->version = TRUCE_FIT_OPTIONS_VERSION;
    opt->cutoff = INT32_MAX;
    opt->sims = 20000;
    opt->particles = 500;
    opt->seed = 1;
    opt->min_acceptance = 0.01;
    opt->quantile = 0.5;
    opt->kernel = TRUCE_FIT_KERNEL_GLOBAL;
    opt->max_populations = 30;
    opt->batch = 64;
    opt->screen_keep = 6;
    opt->screen_trajectories = 4;
    opt->nparts = 1;
}

/* ---- hashing (FNV-1a 64) -------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}
static uint64_t fnv_str(uint64_t h, const char *s) { return fnv(h, s, strlen(s) + 1); }
static void hex16(uint64_t h, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int k = 0; k < 16; k++) out[k] = hex[(h >> (60 - 4 * k)) & 0xfu];
    out[16] = '\0';
}

static void data_hash(const truce_reported *d, char out[17])
{
    uint64_t h = 1469598103934665603ull;
    const size_t n = truce_reported_count(d);
    for (size_t i = 0; i < n; i++) {
        truce_reported_entry e;
        if (truce_reported_row(d, i, &e) != 0) continue;
        h = fnv_str(h, e.source);
        h = fnv_str(h, e.metric);
        h = fnv_str(h, e.geography);
        h = fnv(h, &e.first, sizeof e.first);
        h = fnv(h, &e.last, sizeof e.last);
        h = fnv(h, &e.value, sizeof e.value);
    }
    hex16(h, out);
}

/* ---- the model as an abc_problem ---------------------------------------------------- */

typedef struct bind {
    fit_target *target;
    const double *base;
    const size_t *idx;
    size_t K, P;
    fit_store *store;
} bind;

static void z_to_params(const bind *b, const double *z, double *params)
{
    memcpy(params, b->base, b->P * sizeof *params);
    for (size_t k = 0; k < b->K; k++) params[b->idx[k]] = truce_prior_quantile(b->idx[k], abc_normal_cdf(z[k]));
}

static int bind_simulate(void *ctx, const double *z, uint64_t seed, uint32_t run, double *summaries,
                         truce_error *err)
{
    const bind *b = ctx;
    double *params = malloc(b->P * sizeof *params);
    if (!params) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    z_to_params(b, z, params);
    int rc = fit_target_simulate(b->target, params, seed, run, summaries, err);
    free(params);
    return rc;
}

static int bind_simulate_within(void *ctx, const double *z, uint64_t seed, uint32_t run, double eps,
                                double *summaries, abc_cost *cost, truce_error *err)
{
    const bind *b = ctx;
    double *params = malloc(b->P * sizeof *params);
    if (!params) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    z_to_params(b, z, params);
    fit_sim_cost c;
    int rc = fit_target_simulate_within(b->target, params, seed, run, eps, summaries, &c, err);
    cost->days = (double)c.days;
    cost->full_days = (double)c.full_days;
    cost->stopped = c.stopped;
    free(params);
    return rc;
}

static int bind_scales(void *ctx, const double *pilot, size_t n, truce_error *err)
{
    const bind *b = ctx;
    return fit_target_set_scales(b->target, pilot, n, err);
}

static double bind_distance(void *ctx, const double *summaries)
{
    const bind *b = ctx;
    return fit_target_distance(b->target, summaries);
}

static int bind_commit(void *ctx, const abc_population *p, const double *pilot, size_t npilot,
                       truce_error *err)
{
    const bind *b = ctx;
    if (!b->store) return 0;
    return fit_store_commit(b->store, p, pilot, npilot, fit_target_dim(b->target), err);
}

/* ---- processes: agree on a status ---------------------------------------------------- */

/* Every process passes its status (0 ok); returns the first part's failing status, so all
 * processes take the same branch. One row per part through the exchange. */
static int agree(const truce_fit_options *o, int status, truce_error *err)
{
    if (o->nparts <= 1 || !o->exchange) return status;
    const size_t n = (size_t)o->nparts;
    double *rows = calloc(n, sizeof *rows);
    if (!rows) return -1;
    rows[o->part] = status;
    truce_error xe;
    int rc = o->exchange(o->exchange_ctx, rows, n, 1, &xe);
    int out = status;
    if (rc != 0) {
        if (err) *err = xe;
        out = -1;
    } else {
        for (size_t i = 0; i < n; i++)
            if (rows[i] != 0.0) {
                out = -1;
                if (status == 0)
                    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "process %zu of the fit failed", i);
                break;
            }
    }
    free(rows);
    return out;
}

/* ---- screening -------------------------------------------------------------------- */

/* Whether parameter i is a screening candidate: it has a prior, and if it belongs to a
 * source's reporting model (obs_rate_<source>, obs_dispersion_<source>) that source reports
 * in the data — a reporting model of a source the data do not hold cannot move the distance,
 * and leaving it out keeps the screening (and so the fit) of a data set the same when the
 * table gains another source. The source key is the observation models' (observe.c):
 * lower case, other characters as '_'. */
static int screen_candidate(const truce_reported *data, size_t i)
{
    if (param_table[i].prior == TRUCE_PRIOR_FIXED) return 0;
    const char *name = param_table[i].name, *key = NULL;
    if (strncmp(name, "obs_rate_", 9) == 0) key = name + 9;
    else if (strncmp(name, "obs_dispersion_", 15) == 0) key = name + 15;
    if (!key) return 1;
    const size_t n = truce_reported_count(data);
    for (size_t r = 0; r < n; r++) {
        truce_reported_entry e;
        if (truce_reported_row(data, r, &e) != 0 || !e.source) continue;
        size_t k = 0;
        for (const char *c = e.source; *c && key[k]; c++, k++) {
            char want = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_';
            if (key[k] != want) break;
        }
        if (key[k] == '\0' && e.source[k] == '\0') return 1;
    }
    return 0;
}

typedef struct screen_ctx {
    const bind *b;
    const size_t *cand;
    size_t ncand;
    uint64_t seed;
} screen_ctx;

/* Morris's function: the log of 1 + the distance at the candidates' prior quantiles u (the
 * others at the scenario's values), every design point with the same model seed and run
 * (common random numbers: an elementary effect is the parameter's, not the dice's). A
 * non-finite distance counts as 1e12. */
static int screen_fn(void *ctx, const double *u, size_t dim, double *y, truce_error *err)
{
    const screen_ctx *c = ctx;
    const bind *b = c->b;
    double *params = malloc(b->P * sizeof *params);
    double *s = malloc(fit_target_dim(b->target) * sizeof *s);
    if (!params || !s) {
        free(params);
        free(s);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    memcpy(params, b->base, b->P * sizeof *params);
    for (size_t k = 0; k < dim; k++) params[c->cand[k]] = truce_prior_quantile(c->cand[k], u[k]);
    int rc = fit_target_simulate(b->target, params, c->seed, 0, s, err);
    if (rc == 0) {
        double d = fit_target_distance(b->target, s);
        *y = log1p(isfinite(d) && d < 1e12 ? d : 1e12);
    }
    free(params);
    free(s);
    return rc;
}

typedef struct screen_out {
    size_t *keep;
    size_t nkeep;
    char *json;
    uint64_t sims;
} screen_out;

static int rank_cmp_idx(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int screen(const bind *b, const truce_fit_options *o, const truce_reported *data, screen_out *out,
                  truce_error *err)
{
    memset(out, 0, sizeof *out);
    const size_t P = b->P, S = fit_target_dim(b->target);
    size_t *cand = malloc(P * sizeof *cand);
    const char **names = malloc(P * sizeof *names);
    double *pilot = malloc((size_t)SCREEN_PILOT * S * sizeof *pilot);
    double *params = malloc(P * sizeof *params);
    int rc = -1;
    truce_sens *sens = NULL;
    if (!cand || !names || !pilot || !params) goto oom;
    size_t nc = 0;
    for (size_t i = 0; i < P; i++)
        if (screen_candidate(data, i)) {
            names[nc] = param_table[i].name;
            cand[nc++] = i;
        }
    /* the pilot: SCREEN_PILOT draws of the candidates from their priors */
    int failed = 0;
    truce_error first;
    truce_error_clear(&first);
    for (size_t j = 0; j < SCREEN_PILOT && !failed; j++) {
        rng_stream r;
        rng_open(&r, o->seed, (uint32_t)j, 0, 0, FIT_PUR_SCREEN);
        memcpy(params, b->base, P * sizeof *params);
        for (size_t k = 0; k < nc; k++) params[cand[k]] = truce_prior_quantile(cand[k], rng_uniform(&r));
        uint64_t ms = (uint64_t)rng_next_word(&r) << 32 | rng_next_word(&r);
        if (fit_target_simulate(b->target, params, ms, (uint32_t)j, pilot + j * S, &first) != 0) failed = 1;
    }
    if (failed) {
        if (err) *err = first;
        goto done;
    }
    if (fit_target_set_scales(b->target, pilot, SCREEN_PILOT, err) != 0) goto done;
    truce_sens_options so;
    truce_sens_options_init(&so);
    so.method = TRUCE_SENS_MORRIS;
    so.n = o->screen_trajectories;
    so.seed = o->seed;
    so.threads = o->threads;
    so.bootstrap = 0;
    screen_ctx sc = {.b = b, .cand = cand, .ncand = nc, .seed = o->seed ^ UINT64_C(0x5c4ee9)};
    sens = truce_sens_run(nc, names, screen_fn, &sc, &so, err);
    if (!sens) goto done;
    const size_t keep = o->screen_keep < nc ? o->screen_keep : nc;
    out->keep = malloc((keep ? keep : 1) * sizeof *out->keep);
    if (!out->keep) goto oom;
    for (size_t k = 0; k < keep; k++) out->keep[k] = cand[truce_sens_ranked(sens, k)];
    qsort(out->keep, keep, sizeof *out->keep, rank_cmp_idx);
    out->nkeep = keep;
    out->sims = SCREEN_PILOT + truce_sens_evaluation_count(sens);
    /* the report: every candidate by rank, mu* and whether kept */
    size_t cap = 64 + nc * 128, len = 0;
    out->json = malloc(cap);
    if (!out->json) goto oom;
    len += (size_t)snprintf(out->json + len, cap - len, "[");
    for (size_t k = 0; k < nc; k++) {
        size_t i = truce_sens_ranked(sens, k);
        double mu = truce_sens_index(sens, i, "mu_star", NULL, NULL);
        char num[40];
        if (isfinite(mu)) snprintf(num, sizeof num, "%.6g", mu);
        else snprintf(num, sizeof num, "null");
        len += (size_t)snprintf(out->json + len, cap - len, "%s{\"name\": \"%s\", \"mu_star\": %s, \"kept\": %s}",
                                k ? ", " : "", names[i], num, k < keep ? "true" : "false");
        if (len >= cap) len = cap - 1;
    }
    snprintf(out->json + len, cap - len, "]");
    rc = 0;
    goto done;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
done:
    truce_sens_free(sens);
    free(cand);
    free(names);
    free(pilot);
    free(params);
    if (rc != 0) {
        free(out->keep);
        free(out->json);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* "a,b,c" of parameter indices <-> names (the store keeps names). */
static char *join_names(const size_t *idx, size_t n)
{
    size_t len = 1;
    for (size_t k = 0; k < n; k++) len += strlen(param_table[idx[k]].name) + 1;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    *p = '\0';
    for (size_t k = 0; k < n; k++) p += sprintf(p, "%s%s", k ? "," : "", param_table[idx[k]].name);
    return s;
}

static int parse_names(const char *text, size_t **idx, size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++) cap += *p == ',';
    *idx = malloc(cap * sizeof **idx);
    *n = 0;
    if (!*idx) return -1;
    const char *p = text;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char name[128];
        if (len == 0 || len >= sizeof name) return -1;
        memcpy(name, p, len);
        name[len] = '\0';
        long i = truce_param_find(name);
        if (i < 0) return -1;
        (*idx)[(*n)++] = (size_t)i;
        p += len + (c ? 1 : 0);
    }
    return 0;
}

/* ---- the run ------------------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void truce_fit_free(truce_fit *f)
{
    if (!f) return;
    free(f->idx);
    free(f->base);
    free(f->z);
    free(f->w);
    free(f->dist);
    free(f->theta);
    free(f->pops);
    free(f->screen_json);
    for (size_t i = 0; i < f->nscreened_out; i++) free(f->screened_out[i]);
    free(f->screened_out);
    free(f);
}

static int check_options(const truce_fit_options *o, truce_error *err)
{
    if (!o || o->version != TRUCE_FIT_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_fit_options: call truce_fit_options_init first");
        return -1;
    }
    if (o->particles < 2 || o->particles > 1000000) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--particles", "%zu is not in 2..1000000", o->particles);
        return -1;
    }
    if (o->sims == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--sims", "must be at least 1");
        return -1;
    }
    if (!(o->quantile > 0.0 && o->quantile < 1.0)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--quantile", "%g is not in (0, 1)", o->quantile);
        return -1;
    }
    if (!(o->min_acceptance >= 0.0 && o->min_acceptance < 1.0)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--min-acceptance", "%g is not in [0, 1)", o->min_acceptance);
        return -1;
    }
    if (!(o->min_tolerance >= 0.0) || !(o->max_seconds >= 0.0)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "min_tolerance and max_seconds must be >= 0");
        return -1;
    }
    if (o->batch == 0 || o->batch > 1000000) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--batch", "%zu is not in 1..1000000", o->batch);
        return -1;
    }
    if (o->kernel != TRUCE_FIT_KERNEL_GLOBAL && o->kernel != TRUCE_FIT_KERNEL_OLCM) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--kernel", "unknown kernel %d", o->kernel);
        return -1;
    }
    if (!o->estimate && (o->screen_keep == 0 || o->screen_keep > 64 || o->screen_trajectories < 2)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--screen-keep", "keep 1..64 parameters, with >= 2 trajectories");
        return -1;
    }
    if (o->nparts > 1 && (o->part < 0 || o->part >= o->nparts || !o->exchange)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_fit_options: part out of range or no exchange");
        return -1;
    }
    return 0;
}

/* The estimated parameters named in opt: known, with a prior, no repeats. */
static int estimate_list(const truce_fit_options *o, size_t **idx, size_t *n, truce_error *err)
{
    *idx = malloc((o->nestimate ? o->nestimate : 1) * sizeof **idx);
    *n = 0;
    if (!*idx) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    if (o->nestimate == 0 || o->nestimate > 64) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--estimate", "name 1..64 parameters");
        return -1;
    }
    for (size_t k = 0; k < o->nestimate; k++) {
        long i = truce_param_find(o->estimate[k]);
        if (i < 0) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--estimate", "'%s' is not a parameter (see 'truce params')",
                            o->estimate[k]);
            return -1;
        }
        if (param_table[i].prior == TRUCE_PRIOR_FIXED) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--estimate", "'%s' is fixed (no prior): it cannot be estimated",
                            o->estimate[k]);
            return -1;
        }
        for (size_t j = 0; j < *n; j++)
            if ((*idx)[j] == (size_t)i) {
                truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--estimate", "'%s' is named twice", o->estimate[k]);
                return -1;
            }
        (*idx)[(*n)++] = (size_t)i;
    }
    qsort(*idx, *n, sizeof **idx, rank_cmp_idx);   /* table order: the order of the store */
    return 0;
}

truce_fit *truce_fit_run(const truce_scenario *s, const truce_fit_options *opt, truce_error *err)
{
    truce_error_clear(err);
    if (check_options(opt, err) != 0) return NULL;
    const double t0 = now_seconds();
    truce_fit *f = calloc(1, sizeof *f);
    truce_reported *own_data = NULL;
    fit_target *target = NULL;
    fit_store *store = NULL;
    abc_population *stored = NULL;
    double *pilot = NULL;
    size_t npilot = 0;
    long nstored = 0;
    abc_run run;
    memset(&run, 0, sizeof run);
    int ok = 0;
    if (!f) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    f->opt = *opt;
    f->opt.data = NULL;
    f->opt.estimate = NULL;
    f->opt.store = NULL;
    f->opt.progress = NULL;
    f->opt.progress_ctx = NULL;
    f->opt.exchange = NULL;
    f->opt.exchange_ctx = NULL;
    f->P = truce_param_count();
    f->N = opt->particles;
    snprintf(f->scenario_name, sizeof f->scenario_name, "%s", truce_scenario_name(s));
    snprintf(f->scenario_hash, sizeof f->scenario_hash, "%s", truce_scenario_hash(s));
    f->start = truce_scenario_start(s);
    f->end = truce_scenario_end(s);

    size_t *given = NULL, ngiven = 0;
    if (opt->estimate) {
        int erc = estimate_list(opt, &given, &ngiven, err);
        f->idx = given;   /* owned by f from here */
        f->K = ngiven;
        if (erc != 0) goto end;
    }
    const truce_reported *data = opt->data;
    if (!data) {
        own_data = truce_reported_load_default(err);
        if (!own_data) goto end;
        data = own_data;
    }
    {
        /* the budget must cover the screening and population 0 (whole batches) */
        size_t ncand = 0;
        for (size_t i = 0; i < f->P; i++) ncand += (size_t)screen_candidate(data, i);
        const uint64_t screen_need = given ? 0 : (uint64_t)SCREEN_PILOT + (uint64_t)opt->screen_trajectories * (ncand + 1);
        const uint64_t pop0 = (uint64_t)((opt->particles + opt->batch - 1) / opt->batch) * opt->batch;
        if (opt->sims < screen_need + pop0) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--sims",
                            "%llu simulations do not cover %s%llu for the first population (%zu particles in batches of %zu)",
                            (unsigned long long)opt->sims, given ? "" : "the screening's ",
                            (unsigned long long)(given ? pop0 : screen_need), opt->particles, opt->batch);
            if (!given) {
                size_t n = strlen(err->message);
                snprintf(err->message + n, sizeof err->message - n, " + %llu", (unsigned long long)pop0);
            }
            goto end;
        }
    }
    f->data_rows = truce_reported_count(data);
    data_hash(data, f->data_hash);
    fit_target_options to;
    fit_target_options_init(&to);
    to.cutoff = opt->cutoff;
    target = fit_target_new(s, data, &to, err);
    if (!target) goto end;
    f->nsum = fit_target_dim(target);
    f->last_day = fit_target_last_day(target);
    f->skipped_unmodelled = fit_target_skipped_unmodelled(target);
    f->skipped_outside = fit_target_skipped_outside(target);
    if (f->nsum == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--data", "no reported row has a reporting model in this scenario: nothing to fit");
        goto end;
    }
    f->base = malloc(f->P * sizeof *f->base);
    if (!f->base) goto oom;
    truce_scenario_params(s, f->base);

    /* the options hash: everything that shapes the populations (not the stopping rules,
     * nor threads or processes) */
    {
        uint64_t h = 1469598103934665603ull;
        char buf[512];
        snprintf(buf, sizeof buf, "truce-fit 1;seed=%llu;particles=%zu;quantile=%.17g;kernel=%d;batch=%zu;"
                 "cutoff=%ld;scenario=%s;data=%s;nsum=%zu;version=%s",
                 (unsigned long long)opt->seed, opt->particles, opt->quantile, opt->kernel, opt->batch,
                 (long)opt->cutoff, f->scenario_hash, f->data_hash, f->nsum, TRUCE_VERSION);
        h = fnv_str(h, buf);
        if (given) {
            char *names = join_names(given, ngiven);
            h = fnv_str(h, names ? names : "");
            free(names);
        } else {
            snprintf(buf, sizeof buf, "screen;keep=%zu;r=%zu;pilot=%d", opt->screen_keep, opt->screen_trajectories,
                     SCREEN_PILOT);
            h = fnv_str(h, buf);
        }
        for (size_t i = 0; i < f->P; i++) h = fnv(h, &f->base[i], sizeof f->base[i]);
        hex16(h, f->options_hash);
    }

    /* the store: the writer (part 0) opens it first; the others then read it */
    const int writer = opt->nparts <= 1 || opt->part == 0;
    if (opt->store && writer) {
        store = fit_store_open(opt->store, f->options_hash, opt->restart, 0, err);
    }
    if (agree(opt, opt->store && writer && !store ? -1 : 0, err) != 0) goto end;
    if (opt->store && !writer) {
        store = fit_store_open(opt->store, f->options_hash, 0, 1, err);
        if (!store && err && err->code != TRUCE_OK) {
            agree(opt, -1, NULL);
            goto end;
        }
    }
    bind b = {.target = target, .base = f->base, .P = f->P};

    if (!given) {
        /* the screened default: from the store when it holds one, else screened now */
        size_t len = 0;
        char *names = store ? fit_store_get(store, "screen_estimate", &len, err) : NULL;
        char *json = names ? fit_store_get(store, "screen_report", &len, err) : NULL;
        char *ssims = names ? fit_store_get(store, "screen_sims", &len, err) : NULL;
        if (names && json && ssims && parse_names(names, &f->idx, &f->K) == 0) {
            f->screen_json = json;
            f->screen_sims = strtoull(ssims, NULL, 10);
            json = NULL;
        } else {
            free(f->idx);
            f->idx = NULL;
            screen_out so;
            if (screen(&b, opt, data, &so, err) != 0) {
                free(names);
                free(json);
                free(ssims);
                goto end;
            }
            f->idx = so.keep;
            f->K = so.nkeep;
            f->screen_json = so.json;
            f->screen_sims = so.sims;
            if (store && writer) {
                char *kn = join_names(f->idx, f->K);
                char num[32];
                snprintf(num, sizeof num, "%llu", (unsigned long long)so.sims);
                int rc = !kn || fit_store_put(store, "screen_estimate", kn, strlen(kn), err) ||
                         fit_store_put(store, "screen_report", so.json, strlen(so.json), err) ||
                         fit_store_put(store, "screen_sims", num, strlen(num), err);
                free(kn);
                if (rc) {
                    free(names);
                    free(json);
                    free(ssims);
                    agree(opt, -1, NULL);   /* the other processes wait there */
                    goto end;
                }
            }
        }
        free(names);
        free(json);
        free(ssims);
        f->screened = 1;
        /* the candidates not kept */
        f->screened_out = calloc(f->P, sizeof *f->screened_out);
        if (!f->screened_out) goto oom;
        for (size_t i = 0; i < f->P; i++) {
            if (!screen_candidate(data, i)) continue;
            int kept = 0;
            for (size_t k = 0; k < f->K; k++) kept |= f->idx[k] == i;
            if (kept) continue;
            f->screened_out[f->nscreened_out] = malloc(strlen(param_table[i].name) + 1);
            if (!f->screened_out[f->nscreened_out]) goto oom;
            strcpy(f->screened_out[f->nscreened_out++], param_table[i].name);
        }
    }
    b.idx = f->idx;
    b.K = f->K;
    b.store = writer ? store : NULL;

    if (store) {
        nstored = fit_store_load(store, &stored, &pilot, &npilot, f->nsum, err);
    }
    /* every process passes here (a failure of one stops all: none waits for the others) */
    if (nstored < 0) {
        agree(opt, -1, NULL);
        goto end;
    }
    if (agree(opt, 0, err) != 0) goto end;

    abc_problem pb = {.dim = f->K, .nsum = f->nsum, .simulate = bind_simulate, .set_scales = bind_scales,
                      .distance = bind_distance, .ctx = &b, .simulate_within = bind_simulate_within};
    abc_options ao;
    abc_options_init(&ao);
    ao.particles = opt->particles;
    ao.seed = opt->seed;
    ao.quantile = opt->quantile;
    ao.kernel = opt->kernel == TRUCE_FIT_KERNEL_OLCM ? ABC_KERNEL_OLCM : ABC_KERNEL_GLOBAL;
    ao.batch = opt->batch;
    ao.max_sims = opt->sims;
    ao.max_populations = opt->max_populations;
    ao.min_acceptance = opt->min_acceptance;
    ao.min_tolerance = opt->min_tolerance;
    ao.max_seconds = opt->max_seconds;
    ao.threads = opt->threads;
    ao.early_reject = !opt->no_early_reject;
    ao.part = opt->part;
    ao.nparts = opt->nparts;
    ao.exchange = opt->exchange;
    ao.exchange_ctx = opt->exchange_ctx;
    ao.commit = bind_commit;
    ao.commit_ctx = &b;
    ao.progress = opt->progress;
    ao.progress_ctx = opt->progress_ctx;
    if (f->screen_sims >= opt->sims) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--sims",
                        "%llu simulations leave nothing after the screening's %llu: raise --sims or name --estimate",
                        (unsigned long long)opt->sims, (unsigned long long)f->screen_sims);
        goto end;
    }
    if (abc_run_fit(&pb, &ao, stored, (size_t)nstored, pilot, npilot, f->screen_sims, &run, err) != 0) goto end;

    /* the result */
    const abc_population *last = &run.pops[run.npops - 1];
    f->z = last->z;
    f->w = last->w;
    f->dist = last->dist;
    run.pops[run.npops - 1].z = run.pops[run.npops - 1].w = run.pops[run.npops - 1].dist = NULL;
    f->npops = run.npops;
    f->pops = run.pops;
    run.pops = NULL;
    run.npops = 0;
    f->sims = run.sims;
    f->stopped_early = run.stopped_early;
    f->model_days = run.model_days;
    f->model_days_full = run.model_days_full;
    f->resumed_from = run.resumed_from;
    f->stop = abc_stop_name(run.stop);
    f->theta = malloc(f->N * f->K * sizeof *f->theta);
    if (!f->theta) goto oom;
    for (size_t i = 0; i < f->N; i++)
        for (size_t k = 0; k < f->K; k++)
            f->theta[i * f->K + k] = truce_prior_quantile(f->idx[k], abc_normal_cdf(f->z[i * f->K + k]));
    f->seconds = now_seconds() - t0;
    ok = 1;
    goto end;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
end:
    abc_run_free(&run);
    for (long i = 0; i < nstored; i++) abc_population_free(&stored[i]);
    free(stored);
    free(pilot);
    fit_store_close(store);
    fit_target_free(target);
    truce_reported_free(own_data);
    if (!ok) {
        truce_fit_free(f);
        return NULL;
    }
    return f;
}

/* ---- accessors ---------------------------------------------------------------------- */

size_t truce_fit_particle_count(const truce_fit *f) { return f ? f->N : 0; }
size_t truce_fit_param_count(const truce_fit *f) { return f ? f->K : 0; }
const char *truce_fit_param_name(const truce_fit *f, size_t k)
{
    return f && k < f->K ? param_table[f->idx[k]].name : NULL;
}
double truce_fit_weight(const truce_fit *f, size_t i) { return f && i < f->N ? f->w[i] : NAN; }
double truce_fit_value(const truce_fit *f, size_t i, size_t k)
{
    return f && i < f->N && k < f->K ? f->theta[i * f->K + k] : NAN;
}
void truce_fit_params(const truce_fit *f, size_t i, double *params)
{
    if (!f || i >= f->N) return;
    memcpy(params, f->base, f->P * sizeof *params);
    for (size_t k = 0; k < f->K; k++) params[f->idx[k]] = f->theta[i * f->K + k];
}
size_t truce_fit_closest(const truce_fit *f)
{
    size_t best = 0;
    for (size_t i = 1; f && i < f->N; i++)
        if (f->dist[i] < f->dist[best]) best = i;
    return best;
}
size_t truce_fit_population_count(const truce_fit *f) { return f ? f->npops : 0; }
uint64_t truce_fit_sims(const truce_fit *f) { return f ? f->sims : 0; }
unsigned truce_fit_resumed_from(const truce_fit *f) { return f ? f->resumed_from : 0; }

/* ---- outputs ------------------------------------------------------------------------ */

static void put_num(FILE *fp, double x)
{
    if (!isfinite(x)) fputs("null", fp);
    else fprintf(fp, "%.17g", x);
}

static int write_posterior(FILE *fp, const truce_fit *f)
{
    fputs("weight", fp);
    for (size_t k = 0; k < f->K; k++) fprintf(fp, ",%s", param_table[f->idx[k]].name);
    fputc('\n', fp);
    for (size_t i = 0; i < f->N; i++) {
        fprintf(fp, "%.17g", f->w[i]);
        for (size_t k = 0; k < f->K; k++) fprintf(fp, ",%.17g", f->theta[i * f->K + k]);
        fputc('\n', fp);
    }
    return 0;
}

/* The prior's mean and sd of parameter i (natural scale), by the midpoint rule over 4096
 * quantiles of the (truncated) prior. */
static void prior_moments(size_t i, double *mean, double *sd)
{
    enum { M = 4096 };
    double m = 0.0, v = 0.0;
    for (int j = 0; j < M; j++) m += truce_prior_quantile(i, (j + 0.5) / M);
    m /= M;
    for (int j = 0; j < M; j++) {
        double d = truce_prior_quantile(i, (j + 0.5) / M) - m;
        v += d * d;
    }
    *mean = m;
    *sd = sqrt(v / M);
}

static void weighted_mv(const double *x, const double *w, size_t n, size_t stride, double *mean, double *var)
{
    double m = 0.0, v = 0.0;
    for (size_t i = 0; i < n; i++) m += w[i] * x[i * stride];
    for (size_t i = 0; i < n; i++) v += w[i] * (x[i * stride] - m) * (x[i * stride] - m);
    *mean = m;
    *var = v;
}

static int write_json(FILE *fp, const truce_fit *f, const truce_provenance *prov)
{
    char d[11];
    fprintf(fp, "{\n  \"truce_version\": \"%s\",\n", TRUCE_VERSION);
    if (prov && prov->command) {
        fputs("  \"command\": ", fp);
        json_put_string(fp, prov->command);
        fputs(",\n", fp);
    }
    fputs("  \"scenario\": ", fp);
    json_put_string(fp, f->scenario_name);
    fprintf(fp, ",\n  \"scenario_hash\": \"%s\",\n", f->scenario_hash);
    provenance_put_overrides(fp, prov, "set", "without", 1);
    provenance_put_inputs(fp, prov);
    fprintf(fp, ",\n  \"data_hash\": \"%s\",\n  \"data_rows\": %zu,\n", f->data_hash, f->data_rows);
    fprintf(fp, "  \"data_rows_without_reporting_model\": %zu,\n  \"data_rows_outside_horizon_or_cutoff\": %zu,\n",
            f->skipped_unmodelled, f->skipped_outside);
    if (f->opt.cutoff != INT32_MAX) {
        cal_format(f->opt.cutoff, d);
        fprintf(fp, "  \"cutoff\": \"%s\",\n", d);
    } else {
        fputs("  \"cutoff\": null,\n", fp);
    }
    char period[16];
    truce_period_label(f->last_day, TRUCE_BY_MONTH, period);
    cal_format(f->last_day, d);
    fprintf(fp, "  \"data_last_period\": \"%s\",\n  \"data_last_day\": \"%s\",\n", period, d);
    fprintf(fp, "  \"summaries\": %zu,\n", f->nsum);
    fprintf(fp, "  \"options_hash\": \"%s\",\n", f->options_hash);
    fprintf(fp, "  \"seed\": %llu,\n  \"particles\": %zu,\n  \"quantile\": %.17g,\n  \"kernel\": \"%s\",\n",
            (unsigned long long)f->opt.seed, f->N, f->opt.quantile,
            f->opt.kernel == TRUCE_FIT_KERNEL_OLCM ? "olcm" : "beaumont");
    fprintf(fp, "  \"batch\": %zu,\n  \"sims_budget\": %llu,\n  \"min_acceptance\": %.17g,\n", f->opt.batch,
            (unsigned long long)f->opt.sims, f->opt.min_acceptance);
    fputs("  \"min_tolerance\": ", fp);
    put_num(fp, f->opt.min_tolerance);
    fprintf(fp, ",\n  \"max_populations\": %u,\n  \"max_seconds\": ", f->opt.max_populations);
    put_num(fp, f->opt.max_seconds);
    fprintf(fp, ",\n  \"stopped_by\": \"%s\",\n", f->stop);
    fprintf(fp, "  \"simulations\": %llu,\n  \"screening_simulations\": %llu,\n", (unsigned long long)f->sims,
            (unsigned long long)f->screen_sims);
    fprintf(fp, "  \"wall_seconds\": %.3f,\n  \"resumed_from_population\": %u,\n", f->seconds, f->resumed_from);
    /* early rejection: over the engine's simulations of this invocation (not the screening,
     * nor populations resumed from the store); sums in proposal order */
    fprintf(fp, "  \"early_rejection\": %s,\n  \"simulations_stopped_early\": %llu,\n",
            f->opt.no_early_reject ? "false" : "true", (unsigned long long)f->stopped_early);
    fprintf(fp, "  \"model_days\": %.0f,\n  \"model_days_whole\": %.0f,\n  \"model_days_saved_fraction\": ",
            f->model_days, f->model_days_full);
    put_num(fp, f->model_days_full > 0.0 ? 1.0 - f->model_days / f->model_days_full : NAN);
    fputs(",\n", fp);
    fputs("  \"populations\": [\n", fp);
    for (size_t t = 0; t < f->npops; t++) {
        const abc_population *p = &f->pops[t];
        fprintf(fp, "    {\"population\": %u, \"tolerance\": ", (unsigned)p->t);
        put_num(fp, p->eps);
        fprintf(fp, ", \"acceptance\": %.6g, \"ess\": %.6g, \"simulations\": %llu, \"seconds\": %.3f}%s\n",
                p->sims ? (double)p->accepted / (double)p->sims : 0.0, p->ess, (unsigned long long)p->sims, p->seconds,
                t + 1 < f->npops ? "," : "");
    }
    fputs("  ],\n", fp);
    /* parameters */
    fputs("  \"contraction_scale\": \"z (the prior's standard normal space: 1 - posterior variance of z)\",\n", fp);
    fputs("  \"parameters\": [\n", fp);
    double *x = malloc(f->N * sizeof *x), *w = malloc(f->N * sizeof *w);
    if (!x || !w) {
        free(x);
        free(w);
        return -1;
    }
    size_t nuninformed = 0;
    for (size_t k = 0; k < f->K; k++) {
        const size_t i = f->idx[k];
        double pm, psd, zm, zv, tm, tv;
        prior_moments(i, &pm, &psd);
        weighted_mv(f->z + k, f->w, f->N, f->K, &zm, &zv);
        weighted_mv(f->theta + k, f->w, f->N, f->K, &tm, &tv);
        double q[3];
        static const double ps[3] = {0.05, 0.5, 0.95};
        for (int j = 0; j < 3; j++) {
            for (size_t n = 0; n < f->N; n++) {
                x[n] = f->theta[n * f->K + k];
                w[n] = f->w[n];
            }
            q[j] = truce_quantile7(x, w, f->N, ps[j]);
        }
        const double cz = 1.0 - zv, cn = psd > 0.0 ? 1.0 - tv / (psd * psd) : NAN;
        nuninformed += cz < 0.1;
        fputs("    {\"name\": ", fp);
        json_put_string(fp, param_table[i].name);
        fprintf(fp, ", \"prior\": \"%s\", \"prior_mean\": ", truce_prior_name(param_table[i].prior));
        put_num(fp, pm);
        fputs(", \"prior_sd\": ", fp);
        put_num(fp, psd);
        fputs(", \"scenario_value\": ", fp);
        put_num(fp, f->base[i]);
        fputs(", \"posterior_mean\": ", fp);
        put_num(fp, tm);
        fputs(", \"posterior_sd\": ", fp);
        put_num(fp, sqrt(tv));
        fputs(", \"q05\": ", fp);
        put_num(fp, q[0]);
        fputs(", \"q50\": ", fp);
        put_num(fp, q[1]);
        fputs(", \"q95\": ", fp);
        put_num(fp, q[2]);
        fputs(", \"contraction\": ", fp);
        put_num(fp, cz);
        fputs(", \"contraction_natural\": ", fp);
        put_num(fp, cn);
        fprintf(fp, ", \"informed\": %s}%s\n", cz < 0.1 ? "false" : "true", k + 1 < f->K ? "," : "");
    }
    fputs("  ],\n", fp);
    /* what the data did not inform: estimated with contraction < 0.1, and screened out */
    fputs("  \"not_informed\": [", fp);
    int first = 1;
    for (size_t k = 0; k < f->K; k++) {
        double zm, zv;
        weighted_mv(f->z + k, f->w, f->N, f->K, &zm, &zv);
        if (1.0 - zv < 0.1) {
            fputs(first ? "" : ", ", fp);
            json_put_string(fp, param_table[f->idx[k]].name);
            first = 0;
        }
    }
    fputs("],\n", fp);
    fputs("  \"screened_out\": [", fp);
    for (size_t j = 0; j < f->nscreened_out; j++) {
        fputs(j ? ", " : "", fp);
        json_put_string(fp, f->screened_out[j]);
    }
    fputs("],\n", fp);
    fprintf(fp, "  \"screening\": %s,\n", f->screen_json ? f->screen_json : "null");
    const size_t best = truce_fit_closest(f);
    fprintf(fp, "  \"closest_particle\": {\"index\": %zu, \"row\": %zu, \"distance\": ", best, best + 1);
    put_num(fp, f->dist[best]);
    fputs("}\n}\n", fp);
    (void)nuninformed;
    free(x);
    free(w);
    return 0;
}

static int write_one(const char *dir, const char *name, const truce_fit *f, const truce_provenance *prov,
                     truce_error *err)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    snprintf(path, n, "%s/%s", dir, name);
    out_file o;
    if (out_file_open(&o, path, err) != 0) {
        free(path);
        return -1;
    }
    int rc = strcmp(name, "posterior.csv") == 0 ? write_posterior(o.fp, f) : write_json(o.fp, f, prov);
    if (rc != 0) {
        out_file_abort(&o);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        free(path);
        return -1;
    }
    rc = out_file_commit(&o, err);
    free(path);
    return rc;
}

int truce_fit_write(const truce_fit *f, const char *dir, const truce_provenance *prov, truce_error *err)
{
    truce_error_clear(err);
    if (!f || !dir) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_fit_write: no fit or folder");
        return -1;
    }
    if (write_one(dir, "posterior.csv", f, prov, err) != 0) return -1;
    return write_one(dir, "fit.json", f, prov, err);
}
