/* assess — `truce assess`: policy portfolios against the status quo, from one bank of
 * calibrated histories (truce.h, "assessment of policy portfolios"; docs/assess.md).
 *
 * Run i draws a posterior particle (keyed by (seed, i)) and its history to the day before
 * `from` is simulated once (truce_bank). The status quo and every portfolio continue from a
 * copy of that history under common random numbers, so run i's difference between a
 * portfolio and the status quo is the portfolio's effect in one calibrated world, and the
 * spread over runs carries the posterior's uncertainty with the dice's. Every (run,
 * portfolio) writes into its own slot; summaries are computed from the slots in run order,
 * so the bytes never depend on the thread count.
 *
 * Besides the comparison: the replays of recorded accords (each ceasefire, talks or peace
 * deal episode with and without it, paired, over the three years from its start), which
 * parameters drive the leading portfolios' effects (drivers.c), and copies of the evidence
 * and the calibration's checks for the report.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "csv.h"
#include "drivers.h"
#include "embedded.h"
#include "model.h"
#include "outpath.h"
#include "par.h"
#include "provenance.h"
#include "scenario.h"
#include "truce.h"

enum { NG = 3, NV = 5, NO = NG * NV, NB = 4, NR = 4 };
/* outcome variables, in the order of the outcomes (contract: attacks, deaths_security,
 * deaths_civilian, deaths_militant, militants) */
static const truce_variable var_of[NV] = {TRUCE_VAR_ATTACKS, TRUCE_VAR_DEATHS_SECURITY, TRUCE_VAR_DEATHS_CIVILIAN,
                                          TRUCE_VAR_DEATHS_MILITANT, TRUCE_VAR_MILITANTS};
enum { V_ATTACKS, V_DSEC, V_DCIV, V_DMIL, V_MILITANTS };
/* the banded variables (of var_of): attacks, deaths_security, deaths_civilian, militants */
static const int band_var[NB] = {V_ATTACKS, V_DSEC, V_DCIV, V_MILITANTS};
static const char *const geo_name[NG] = {"national", "khyber_pakhtunkhwa", "balochistan"};
/* the observations table's geographies (national is the region "all") */
static const char *const geo_obs[NG] = {NULL, "Khyber Pakhtunkhwa", "Balochistan"};
static const char *const geo_label[NG] = {"all modelled regions", "Khyber Pakhtunkhwa", "Balochistan"};
static const char *const var_label[NV] = {"attacks", "security forces killed", "civilians killed",
                                          "militants killed", "militants at the end"};
/* replays: attacks, deaths_security, deaths_civilian (totals over the window), militants
 * (the stock on its last day), nationally */
static const int replay_var[NR] = {V_ATTACKS, V_DSEC, V_DCIV, V_MILITANTS};
/* the calibration's files copied into fit/ when present */
static const char *const calib_files[] = {"fit.json", "ppc.csv", "ppc_summary.csv", "ppc_episodes.csv",
                                          "forecast_scores.csv", "sbc.csv"};
#define NCALIB (sizeof calib_files / sizeof *calib_files)
#define DRIVER_LEADERS 3
#define DRIVER_RESAMPLES 500

typedef struct portfolio_entry {
    char name[128], file[256], hash[17];
    char *description;
    size_t levers;
    truce_scenario *alt;       /* the bank's scenario with the portfolio's levers */
} portfolio_entry;

typedef struct replay {
    char id[32];
    const char *lever;
    int32_t start, wend;
    truce_scenario *without;   /* the status quo's scenario without the episode */
    double *with, *wout;       /* [runs][NR] */
} replay;

typedef struct driver_row {
    size_t portfolio, param;
    int outcome;               /* 0: attacks:national, 1: deaths_sc:national */
    double index, lo, hi;
} driver_row;

typedef struct ranking_row {
    size_t outcome, portfolio;
    double p_first, rank_q50, rank_mean;
} ranking_row;

typedef struct calib_copy {
    char name[32];             /* "fit/fit.json" */
    const char *data;          /* the embedded bytes, or buf */
    char *buf;                 /* read from disk (freed with the assessment) */
    size_t len;
} calib_copy;

struct truce_assessment {
    uint64_t runs, seed;
    int32_t from, to, start;
    char *command;
    char scen_name[SCENARIO_NAME_MAX], scen_label[256], scen_hash[17];
    char post_name[256], post_hash[17];
    size_t post_particles;
    size_t nest, *est;         /* the posterior's estimated parameters (values differ between particles) */
    size_t P;
    portfolio_entry *pf;       /* [P]: the status quo first */
    size_t N;
    double *params;            /* [N][truce_param_count()] */
    size_t *particle;          /* [N]: each run's posterior row */
    double *out;               /* [P][N][NO] */
    size_t nm_all, nm_fut, m0; /* months from the scenario's start to `to`; from `from`; offset */
    int32_t *month;            /* [nm_all] first day of each month */
    double *sq_hist;           /* [N][nm_all][NG][NB]: the status quo from the start */
    double *mon;               /* [P][N][nm_fut][NG][NB] */
    uint64_t geo_mask[NG];
    char outcome[NO][48];
    truce_assess_row *rows;    /* (P - 1) x NO */
    size_t nrows;
    ranking_row *ranking;
    size_t nranking;
    driver_row *drivers;
    size_t ndrivers;
    replay *replays;
    size_t nreplays;
    char **uninformed;
    size_t nuninformed;
    truce_episodes *study;
    const truce_memfile *reported;
    char *episodes_csv;        /* episodes.csv, made while the scenario is at hand */
    size_t episodes_len;
    calib_copy calib[NCALIB];
    size_t ncalib;
    int runs_csv;
};

void truce_assess_options_init(truce_assess_options *o)
{
    memset(o, 0, sizeof *o);
    o->version = TRUCE_ASSESS_OPTIONS_VERSION;
    o->runs = 200;
    o->seed = 1;
    o->from = cal_days_from_civil(2026, 1, 1);
    o->to = cal_days_from_civil(2030, 12, 31);
}

size_t truce_assess_row_count(const truce_assessment *a) { return a->nrows; }
const truce_assess_row *truce_assess_row_at(const truce_assessment *a, size_t i)
{
    return i < a->nrows ? &a->rows[i] : NULL;
}

void truce_assess_free(truce_assessment *a)
{
    if (!a) return;
    for (size_t p = 0; p < a->P && a->pf; p++) {
        free(a->pf[p].description);
        truce_scenario_free(a->pf[p].alt);
    }
    free(a->pf);
    for (size_t k = 0; k < a->nreplays; k++) {
        truce_scenario_free(a->replays[k].without);
        free(a->replays[k].with);
        free(a->replays[k].wout);
    }
    free(a->replays);
    for (size_t k = 0; k < a->nuninformed; k++) free(a->uninformed[k]);
    free(a->uninformed);
    for (size_t k = 0; k < a->ncalib; k++) free(a->calib[k].buf);
    truce_episodes_free(a->study);
    free(a->episodes_csv);
    free(a->command);
    free(a->est);
    free(a->params);
    free(a->particle);
    free(a->out);
    free(a->month);
    free(a->sq_hist);
    free(a->mon);
    free(a->rows);
    free(a->ranking);
    free(a->drivers);
    free(a);
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* ---- portfolios ----------------------------------------------------------------------- */

/* Load portfolio `path` (NULL: built-in i), check it starts on or after `from`, and make its
 * scenario: a copy of the bank's with its levers. */
static int add_portfolio(truce_assessment *a, size_t slot, const char *path, size_t builtin,
                         const truce_scenario *s, const truce_scenario *bank_sc, truce_error *err)
{
    portfolio_entry *e = &a->pf[slot];
    truce_portfolio *p = path ? truce_portfolio_load(path, s, err) : truce_portfolio_load_builtin(builtin, s, err);
    if (!p) return -1;
    const char *file = path ? base_name(path) : truce_portfolio_builtin_file(builtin);
    snprintf(e->file, sizeof e->file, "%s", file);
    snprintf(e->name, sizeof e->name, "%s", truce_portfolio_name(p));
    snprintf(e->hash, sizeof e->hash, "%s", truce_portfolio_hash(p));
    e->levers = truce_portfolio_lever_count(p);
    e->description = dup_text(truce_portfolio_description(p));
    int rc = -1;
    if (!e->description) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    /* a folded YAML block ends with a newline: not part of the text */
    for (size_t n = strlen(e->description); n > 0 && (e->description[n - 1] == '\n' || e->description[n - 1] == ' ');)
        e->description[--n] = '\0';
    if (truce_portfolio_first_day(p) < a->from) {
        char d[11], f[11];
        cal_format(truce_portfolio_first_day(p), d);
        cal_format(a->from, f);
        truce_error_set(err, TRUCE_EINPUT, path ? path : file, 0, "start",
                        "a lever starts on %s, before the futures start (--from %s): a portfolio "
                        "changes the future only",
                        d, f);
        goto done;
    }
    for (size_t q = 0; q < slot; q++)
        if (strcmp(a->pf[q].name, e->name) == 0) {
            truce_error_set(err, TRUCE_EINPUT, path ? path : file, 0, "name",
                            "'%s' is also the name of %s: every portfolio needs a name of its own", e->name,
                            a->pf[q].file);
            goto done;
        }
    e->alt = truce_scenario_copy(bank_sc, err);
    if (!e->alt || truce_portfolio_apply(p, e->alt, err)) goto done;
    rc = 0;
done:
    truce_portfolio_free(p);
    return rc;
}

/* ---- the runs --------------------------------------------------------------------------- */

/* Value of outcome variable v over geography g in recorded period m. */
static double geo_value(const truce_assessment *a, const truce_result *r, size_t m, int g, int v)
{
    const size_t R = truce_result_region_count(r);
    if (g == 0) return truce_result_get(r, m, R, var_of[v]);
    double x = 0.0;
    for (size_t k = 0; k < R; k++)
        if (a->geo_mask[g] >> k & 1u) x += truce_result_get(r, m, k, var_of[v]);
    return x;
}

/* Run i of portfolio p into its slots. */
static int branch_one(truce_assessment *a, const truce_bank *b, size_t p, uint64_t i, truce_error *err)
{
    truce_result *r = truce_bank_branch(b, i, a->pf[p].alt, 0, NULL, NULL, err);
    if (!r) return -1;
    if (truce_result_period_count(r) != a->nm_all) {
        truce_result_free(r);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "run %llu recorded %zu months, expected %zu",
                        (unsigned long long)i, truce_result_period_count(r), a->nm_all);
        return -1;
    }
    double *o = a->out + (p * a->N + i) * NO;
    for (int k = 0; k < NO; k++) o[k] = 0.0;
    for (size_t m = 0; m < a->nm_all; m++)
        for (int g = 0; g < NG; g++) {
            double val[NV];
            for (int v = 0; v < NV; v++) val[v] = geo_value(a, r, m, g, v);
            if (p == 0)
                for (int bv = 0; bv < NB; bv++)
                    a->sq_hist[((i * a->nm_all + m) * NG + (size_t)g) * NB + (size_t)bv] = val[band_var[bv]];
            if (m < a->m0) continue;
            const size_t mf = m - a->m0;
            for (int bv = 0; bv < NB; bv++)
                a->mon[(((p * a->N + i) * a->nm_fut + mf) * NG + (size_t)g) * NB + (size_t)bv] = val[band_var[bv]];
            for (int v = 0; v < NV; v++) {
                if (var_of[v] == TRUCE_VAR_MILITANTS) o[g * NV + v] = val[v];   /* the stock on `to` */
                else o[g * NV + v] += val[v];
            }
        }
    truce_result_free(r);
    for (int k = 0; k < NO; k++)
        if (!isfinite(o[k])) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, a->outcome[k], "run %llu gave no finite value",
                            (unsigned long long)i);
            return -1;
        }
    return 0;
}

/* The replays of run i: one history on the status quo's scenario with a branch without each
 * episode at its start, to the end of its window. */
static int replay_run(truce_assessment *a, const truce_bank *b, uint64_t i, truce_error *err)
{
    if (a->nreplays == 0) return 0;
    truce_run_options ro;
    truce_run_options_init(&ro);
    ro.seed = a->seed;
    ro.run = (uint32_t)i;
    ro.params = truce_bank_params(b, i);
    ro.record.by = TRUCE_BY_DAY;
    ro.record.regions = 0;
    ro.record.total = 1;
    ro.record.variables = 0;
    for (int k = 0; k < NR; k++) ro.record.variables |= UINT64_C(1) << var_of[replay_var[k]];
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t k = 0; k < a->nreplays; k++) {
        if (a->replays[k].start < lo) lo = a->replays[k].start;
        if (a->replays[k].wend > hi) hi = a->replays[k].wend;
    }
    ro.record.from = lo;
    ro.record.to = hi;
    truce_model *m = truce_model_new(a->pf[0].alt, &ro, err);
    if (!m) return -1;
    int rc = -1;
    for (size_t k = 0; k < a->nreplays; k++) {
        const replay *e = &a->replays[k];
        if (truce_model_advance(m, e->start - 1, err)) goto done;
        truce_model *w = truce_model_snapshot(m, err);
        if (!w) goto done;
        if (truce_model_switch(w, e->without, err) || truce_model_advance(w, e->wend, err)) {
            truce_model_free(w);
            goto done;
        }
        const truce_result *rw = model_recorded(w);
        const size_t all = truce_result_region_count(rw);
        for (int v = 0; v < NR; v++)
            e->wout[i * NR + (size_t)v] = truce_result_total(rw, all, var_of[replay_var[v]], e->start, e->wend);
        truce_model_free(w);
    }
    if (truce_model_advance(m, hi, err)) goto done;
    const truce_result *rm = model_recorded(m);
    const size_t all = truce_result_region_count(rm);
    for (size_t k = 0; k < a->nreplays; k++) {
        const replay *e = &a->replays[k];
        for (int v = 0; v < NR; v++)
            e->with[i * NR + (size_t)v] = truce_result_total(rm, all, var_of[replay_var[v]], e->start, e->wend);
    }
    rc = 0;
    for (size_t k = 0; k < a->nreplays && rc == 0; k++)
        for (int v = 0; v < NR; v++)
            if (!isfinite(a->replays[k].with[i * NR + (size_t)v]) || !isfinite(a->replays[k].wout[i * NR + (size_t)v])) {
                truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, a->replays[k].id,
                                "replay of run %llu gave no finite value", (unsigned long long)i);
                rc = -1;
                break;
            }
done:
    truce_model_free(m);
    return rc;
}

/* Progress over the whole assessment: the bank's histories, then the branches, then the
 * replays. */
typedef struct progress_state {
    const truce_assess_options *o;
    uint64_t base, total;
} progress_state;

static void bank_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)total;
    const progress_state *ps = ctx;
    ps->o->progress(ps->o->progress_ctx, ps->base + done, ps->total);
}

/* The tasks spread over threads (src/infer/par.h): task t of the branches is portfolio
 * t % P of run t / P; task t of the replays is run t. */
typedef struct task_ctx {
    truce_assessment *a;
    const truce_bank *b;
} task_ctx;

static int task_branch(void *ctx, uint64_t t, truce_error *err)
{
    const task_ctx *c = ctx;
    return branch_one(c->a, c->b, (size_t)(t % c->a->P), t / c->a->P, err);
}

static int task_replay(void *ctx, uint64_t t, truce_error *err)
{
    const task_ctx *c = ctx;
    return replay_run(c->a, c->b, t, err);
}

static int run_tasks(truce_assessment *a, const truce_bank *b, uint64_t n, par_task_fn fn, int threads,
                     progress_state *ps, truce_error *err)
{
    task_ctx c = {a, b};
    par_progress pr = {ps->o->progress, ps->o->progress_ctx, ps->base, ps->total};
    int rc = par_for(n, threads, fn, &c, &pr, err);
    ps->base += n;
    return rc;
}

/* ---- summaries -------------------------------------------------------------------------- */

static double q7(double *x, size_t n, double p) { return truce_quantile7(x, NULL, n, p); }

static int compute_rows(truce_assessment *a, double *tmp, double *tmp2)
{
    const size_t N = a->N;
    a->nrows = (a->P - 1) * NO;
    a->rows = calloc(a->nrows ? a->nrows : 1, sizeof *a->rows);
    if (!a->rows) return -1;
    for (size_t p = 1; p < a->P; p++)
        for (int k = 0; k < NO; k++) {
            truce_assess_row *r = &a->rows[(p - 1) * NO + (size_t)k];
            r->portfolio = a->pf[p].name;
            r->outcome = a->outcome[k];
            size_t better = 0;
            for (size_t i = 0; i < N; i++) {
                const double sq = a->out[(0 * N + i) * NO + (size_t)k], v = a->out[(p * N + i) * NO + (size_t)k];
                tmp[i] = v - sq;
                tmp2[i] = sq;
                better += tmp[i] < 0.0;
            }
            r->diff_q05 = q7(tmp, N, 0.05);
            r->diff_q50 = q7(tmp, N, 0.50);
            r->diff_q95 = q7(tmp, N, 0.95);
            r->status_quo = q7(tmp2, N, 0.50);
            for (size_t i = 0; i < N; i++) tmp[i] = a->out[(p * N + i) * NO + (size_t)k];
            r->value = q7(tmp, N, 0.50);
            r->p_better = k % NV == V_DMIL ? NAN : (double)better / (double)N;
        }
    return 0;
}

static int compute_ranking(truce_assessment *a, double *tmp)
{
    const size_t N = a->N, P = a->P;
    a->nranking = 0;
    a->ranking = calloc(NO * P, sizeof *a->ranking);
    double *rank = malloc(N * P * sizeof *rank), *first = calloc(P, sizeof *first);
    if (!a->ranking || !rank || !first) {
        free(rank);
        free(first);
        return -1;
    }
    for (int k = 0; k < NO; k++) {
        if (k % NV == V_DMIL) continue;
        for (size_t p = 0; p < P; p++) first[p] = 0.0;
        for (size_t i = 0; i < N; i++) {
            double lowest = INFINITY;
            size_t nlow = 0;
            for (size_t p = 0; p < P; p++) {
                const double v = a->out[(p * N + i) * NO + (size_t)k];
                size_t below = 0, equal = 0;
                for (size_t q = 0; q < P; q++) {
                    const double w = a->out[(q * N + i) * NO + (size_t)k];
                    below += w < v;
                    equal += w == v;
                }
                rank[p * N + i] = 1.0 + (double)below + (double)(equal - 1) / 2.0;   /* mid-rank */
                if (v < lowest) {
                    lowest = v;
                    nlow = 1;
                } else if (v == lowest) {
                    nlow++;
                }
            }
            for (size_t p = 0; p < P; p++)
                if (a->out[(p * N + i) * NO + (size_t)k] == lowest) first[p] += 1.0 / (double)nlow;
        }
        for (size_t p = 0; p < P; p++) {
            ranking_row *r = &a->ranking[a->nranking++];
            r->outcome = (size_t)k;
            r->portfolio = p;
            r->p_first = first[p] / (double)N;
            double s = 0.0;
            for (size_t i = 0; i < N; i++) {
                tmp[i] = rank[p * N + i];
                s += tmp[i];
            }
            r->rank_mean = s / (double)N;
            r->rank_q50 = q7(tmp, N, 0.5);
        }
    }
    free(rank);
    free(first);
    return 0;
}

static int compute_drivers(truce_assessment *a, double *tmp)
{
    const size_t N = a->N, P = a->P, PC = truce_param_count();
    size_t lead[DRIVER_LEADERS], nlead = 0;
    /* the leaders: highest p_better on attacks:national, ties in the order given */
    int *taken = calloc(P, sizeof *taken);
    if (!taken) return -1;
    while (nlead < DRIVER_LEADERS && nlead + 1 < P) {
        size_t best = 0;
        double bv = -1.0;
        for (size_t p = 1; p < P; p++) {
            const double v = a->rows[(p - 1) * NO + 0].p_better;
            if (!taken[p] && v > bv) {
                bv = v;
                best = p;
            }
        }
        if (!best) break;
        taken[best] = 1;
        lead[nlead++] = best;
    }
    free(taken);
    a->ndrivers = 0;
    a->drivers = calloc(nlead * 2 * (a->nest ? a->nest : 1), sizeof *a->drivers);
    double *x = malloc(N * sizeof *x);
    if (!a->drivers || !x) {
        free(x);
        return -1;
    }
    for (size_t l = 0; l < nlead; l++)
        for (int oc = 0; oc < 2; oc++) {
            const size_t p = lead[l];
            for (size_t i = 0; i < N; i++) {
                const double *o = a->out + (p * N + i) * NO, *s = a->out + i * NO;
                tmp[i] = oc == 0 ? o[V_ATTACKS] - s[V_ATTACKS] : (o[V_DSEC] + o[V_DCIV]) - (s[V_DSEC] + s[V_DCIV]);
            }
            const size_t first = a->ndrivers;
            for (size_t j = 0; j < a->nest; j++) {
                for (size_t i = 0; i < N; i++) x[i] = a->params[i * PC + a->est[j]];
                driver_row *d = &a->drivers[a->ndrivers++];
                d->portfolio = p;
                d->outcome = oc;
                d->param = a->est[j];
                /* key: the portfolio, outcome and parameter, so that each has its own resamples */
                const uint32_t key = (uint32_t)((p * 2 + (size_t)oc) * PC + a->est[j]);
                if (drivers_index(x, tmp, N, DRIVER_RESAMPLES, 0.90, a->seed, key, &d->index, &d->lo, &d->hi)) {
                    free(x);
                    return -1;
                }
            }
            /* sorted by index, largest first (NA last; ties in table order): insertion sort */
            for (size_t u = first + 1; u < a->ndrivers; u++) {
                driver_row t = a->drivers[u];
                size_t w = u;
                while (w > first) {
                    const driver_row *q = &a->drivers[w - 1];
                    const int before = !isnan(t.index) && (isnan(q->index) || t.index > q->index);
                    if (!before) break;
                    a->drivers[w] = a->drivers[w - 1];
                    w--;
                }
                a->drivers[w] = t;
            }
        }
    free(x);
    return 0;
}

/* ---- setup pieces ------------------------------------------------------------------------ */

/* The episodes to replay: recorded (not background policies) ceasefires, talks and peace
 * deals that start after the scenario's start and before `to`; window: three years from
 * the start (the day before the same date three years on), cut at `to`. */
static int make_replays(truce_assessment *a, truce_error *err)
{
    const truce_scenario *sq = a->pf[0].alt;
    a->replays = calloc(sq->nepisodes ? sq->nepisodes : 1, sizeof *a->replays);
    if (!a->replays) goto oom;
    for (size_t k = 0; k < sq->nepisodes; k++) {
        const episode *e = &sq->episodes[k];
        if (strcmp(e->kind, "policy") == 0 || strcmp(e->kind, "portfolio") == 0) continue;
        if (e->lever != LEVER_CEASEFIRE && e->lever != LEVER_TALKS && e->lever != LEVER_PEACE_DEAL) continue;
        if (e->start <= sq->start || e->start > a->to) continue;
        replay *r = &a->replays[a->nreplays];
        snprintf(r->id, sizeof r->id, "%s", e->id);
        r->lever = lever_name(e->lever);
        r->start = e->start;
        int y, mo, d;
        cal_civil_from_days(e->start, &y, &mo, &d);
        if (mo == 2 && d == 29) d = 28;
        r->wend = cal_days_from_civil(y + 3, mo, d) - 1;
        if (r->wend > a->to) r->wend = a->to;
        r->without = truce_scenario_copy(sq, err);
        if (!r->without) return -1;
        a->nreplays++;
        if (truce_scenario_remove_episode(r->without, e->id, err)) return -1;
        r->with = malloc(a->N * NR * sizeof *r->with);
        r->wout = malloc(a->N * NR * sizeof *r->wout);
        if (!r->with || !r->wout) goto oom;
    }
    return 0;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for the replays");
    return -1;
}

/* A CSV field, quoted when it needs to be. */
static void csv_put(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* episodes.csv: the recorded timeline of the scenario (not its background policies), with
 * the description of the shipped timeline's entry of the same id, kind and start as note. */
static int make_episodes_csv(truce_assessment *a, const truce_scenario *s, truce_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    truce_timeline *tl = truce_timeline_load_default(NULL);
    fputs("id,start,end,kind,lever,note\n", f);
    for (size_t k = 0; k < s->nepisodes; k++) {
        const episode *e = &s->episodes[k];
        if (strcmp(e->kind, "policy") == 0) continue;
        char d0[11], d1[11];
        cal_format(e->start, d0);
        cal_format(e->end, d1);
        const char *note = "";
        for (size_t t = 0; tl && t < truce_timeline_count(tl); t++) {
            const truce_episode *te = truce_timeline_episode(tl, t);
            if (strcmp(te->id, e->id) == 0 && strcmp(te->kind, e->kind) == 0 && te->start_first == e->start)
                note = te->description;
        }
        csv_put(f, e->id);
        fprintf(f, ",%s,%s,", d0, e->open_end ? "" : d1);
        csv_put(f, e->kind);
        fprintf(f, ",%s,", lever_name(e->lever));
        csv_put(f, note);
        fputc('\n', f);
    }
    truce_timeline_free(tl);
    if (fclose(f) != 0) {
        free(buf);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    a->episodes_csv = buf;
    a->episodes_len = len;
    return 0;
}

/* The event study of the episodes, as `truce episodes` makes it by default: the shipped
 * timeline against PICSS's national attacks and killed. */
static int make_study(truce_assessment *a, truce_error *err)
{
    truce_timeline *tl = truce_timeline_load_default(err);
    truce_reported *rep = tl ? truce_reported_load_default(err) : NULL;
    truce_series *series[2] = {NULL, NULL};
    const char *metrics[2] = {"attacks", "killed"};
    int rc = -1;
    if (!rep) goto done;
    for (int k = 0; k < 2; k++)
        if (!(series[k] = truce_reported_series(rep, "PICSS", metrics[k], "Pakistan", err))) goto done;
    truce_episodes_options opt;
    truce_episodes_options_init(&opt);
    a->study = truce_episodes_run(tl, series, 2, &opt, err);
    rc = a->study ? 0 : -1;
done:
    for (int k = 0; k < 2; k++) truce_series_free(series[k]);
    truce_reported_free(rep);
    truce_timeline_free(tl);
    return rc;
}

static const truce_memfile *embedded_named(const char *name)
{
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, name) == 0) return &embedded_files[i];
    return NULL;
}

static char *read_whole(const char *path, size_t *len)
{
    const char *why = NULL;
    FILE *f = csv_fopen_regular(path, &why);
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            char *b2 = realloc(buf, cap);
            if (!b2) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The calibration's files beside its posterior (data/posterior/NAME/ beside NAME.csv). */
static int find_calibration_files(truce_assessment *a, const truce_scenario *s, truce_error *err)
{
    char dir[SCENARIO_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", s->calibration);
    size_t n = strlen(dir);
    if (n > 4 && strcmp(dir + n - 4, ".csv") == 0) dir[n - 4] = '\0';
    for (size_t k = 0; k < NCALIB; k++) {
        char path[SCENARIO_PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s", dir, calib_files[k]);
        calib_copy *c = &a->calib[a->ncalib];
        snprintf(c->name, sizeof c->name, "fit/%s", calib_files[k]);
        if (s->calibration_file) {
            const truce_memfile *m = embedded_named(path);
            if (!m) continue;
            c->data = m->data;
            c->len = m->len;
        } else {
            errno = 0;
            c->buf = read_whole(path, &c->len);
            if (!c->buf) {
                if (errno == ENOENT || errno == 0) continue;
                truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot read: %s", strerror(errno));
                return -1;
            }
            c->data = c->buf;
        }
        a->ncalib++;
    }
    return 0;
}

/* fit.json's "not_informed": [names] (the parameters the fit did not inform). */
static int read_uninformed(truce_assessment *a)
{
    const calib_copy *fit = NULL;
    for (size_t k = 0; k < a->ncalib; k++)
        if (strcmp(a->calib[k].name, "fit/fit.json") == 0) fit = &a->calib[k];
    if (!fit) return 0;
    const char *end = fit->data + fit->len, *key = "\"not_informed\"";
    const char *p = fit->data;
    const size_t kl = strlen(key);
    while (p + kl <= end && memcmp(p, key, kl) != 0) p++;
    if (p + kl > end) return 0;
    p += kl;
    while (p < end && *p != '[') p++;
    if (p >= end) return 0;
    p++;
    a->uninformed = calloc(truce_param_count(), sizeof *a->uninformed);
    if (!a->uninformed) return -1;
    while (p < end && *p != ']') {
        if (*p != '"') {
            p++;
            continue;
        }
        const char *q = ++p;
        while (q < end && *q != '"') q++;
        if (q >= end || a->nuninformed >= truce_param_count()) break;
        char name[128];
        const size_t n = (size_t)(q - p) < sizeof name - 1 ? (size_t)(q - p) : sizeof name - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        if (truce_param_find(name) >= 0 && !(a->uninformed[a->nuninformed++] = dup_text(name))) return -1;
        p = q + 1;
    }
    return 0;
}

/* The estimated parameters: those whose value differs between the posterior's particles. */
static int find_estimated(truce_assessment *a, const truce_posterior *post)
{
    const size_t PC = truce_param_count(), K = truce_posterior_count(post);
    double *first = malloc(PC * sizeof *first), *row = malloc(PC * sizeof *row);
    int *varies = calloc(PC, sizeof *varies);
    a->est = malloc(PC * sizeof *a->est);
    if (!first || !row || !varies || !a->est) {
        free(first);
        free(row);
        free(varies);
        return -1;
    }
    truce_posterior_params(post, 0, first);
    for (size_t r = 1; r < K; r++) {
        truce_posterior_params(post, r, row);
        for (size_t j = 0; j < PC; j++) varies[j] |= row[j] != first[j];
    }
    for (size_t j = 0; j < PC; j++)
        if (varies[j]) a->est[a->nest++] = j;
    free(first);
    free(row);
    free(varies);
    return 0;
}

/* ---- the whole assessment ------------------------------------------------------------------ */

truce_assessment *truce_assess_run(const truce_scenario *s, const truce_assess_options *o, truce_error *err)
{
    truce_error_clear(err);
    if (!s || !o || o->version != TRUCE_ASSESS_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "truce_assess_run: no scenario or options (call truce_assess_options_init)");
        return NULL;
    }
    if (o->runs == 0 || o->runs > (uint64_t)UINT32_MAX + 1) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--runs", "must be between 1 and 4294967296");
        return NULL;
    }
    {
        int y, m, d;
        cal_civil_from_days(o->from, &y, &m, &d);
        const int from_ok = d == 1;
        cal_civil_from_days(o->to, &y, &m, &d);
        const int to_ok = d == cal_days_in_month(y, m);
        char f[11], t[11], st[11];
        cal_format(o->from, f);
        cal_format(o->to, t);
        cal_format(s->start, st);
        if (!from_ok || !to_ok || o->from > o->to || o->from <= s->start) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--from/--to",
                            "the futures from %s to %s must be whole months, after the scenario's start %s",
                            f, t, st);
            return NULL;
        }
    }
    truce_assessment *a = calloc(1, sizeof *a);
    truce_posterior *own_post = NULL;
    truce_bank *bank = NULL;
    double *tmp = NULL, *tmp2 = NULL;
    if (!a) goto oom;
    a->runs = o->runs;
    a->seed = o->seed;
    a->from = o->from;
    a->to = o->to;
    a->start = s->start;
    a->N = (size_t)o->runs;
    a->runs_csv = o->runs_csv;
    if (o->command && !(a->command = dup_text(o->command))) goto oom;
    snprintf(a->scen_name, sizeof a->scen_name, "%s", s->name);
    snprintf(a->scen_label, sizeof a->scen_label, "%s", o->scenario_label ? o->scenario_label : s->name);
    snprintf(a->scen_hash, sizeof a->scen_hash, "%s", truce_scenario_loaded_hash(s));
    for (int g = 0; g < NG; g++)
        for (int v = 0; v < NV; v++)
            snprintf(a->outcome[g * NV + v], sizeof a->outcome[0], "%s:%s", truce_variable_name(var_of[v]), geo_name[g]);
    /* the provinces from the scenario's observations table */
    for (int g = 1; g < NG; g++) {
        size_t k = 0;
        while (k < s->ngeographies && strcmp(s->geographies[k].name, geo_obs[g]) != 0) k++;
        if (k == s->ngeographies) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "observations",
                            "scenario '%s' has no geography '%s' in its observations table: the assessment "
                            "reports national and provincial outcomes",
                            s->name, geo_obs[g]);
            goto fail;
        }
        a->geo_mask[g] = s->geographies[k].regions;
    }

    /* the posterior */
    const truce_posterior *post = o->posterior;
    if (!post) {
        if (!(own_post = truce_posterior_load_calibration(s, err))) goto fail;
        post = own_post;
        if (find_calibration_files(a, s, err) || read_uninformed(a)) goto fail_oom_or_err;
    }
    snprintf(a->post_name, sizeof a->post_name, "%s", truce_posterior_name(post));
    snprintf(a->post_hash, sizeof a->post_hash, "%s", truce_posterior_hash(post));
    a->post_particles = truce_posterior_count(post);
    if (find_estimated(a, post)) goto oom;

    /* the bank's scenario, then every portfolio checked before any run */
    truce_scenario *bank_sc = truce_scenario_copy(s, err);
    if (!bank_sc) goto fail;
    {
        char end[11];
        cal_format(o->to, end);
        if (truce_scenario_set_end(bank_sc, end, err)) {
            truce_scenario_free(bank_sc);
            goto fail;
        }
    }
    const size_t nb = truce_portfolio_builtin_count();
    a->P = 1 + (o->nportfolios ? o->nportfolios : (nb ? nb - 1 : 0));
    a->pf = calloc(a->P, sizeof *a->pf);
    if (!a->pf) {
        truce_scenario_free(bank_sc);
        goto oom;
    }
    if (!o->status_quo && nb == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--status-quo", "no shipped status quo: give one");
        truce_scenario_free(bank_sc);
        goto fail;
    }
    int prc = add_portfolio(a, 0, o->status_quo, 0, s, bank_sc, err);
    for (size_t p = 1; p < a->P && prc == 0; p++)
        prc = o->nportfolios ? add_portfolio(a, p, o->portfolios[p - 1], 0, s, bank_sc, err)
                             : add_portfolio(a, p, NULL, p, s, bank_sc, err);
    truce_scenario_free(bank_sc);
    if (prc) goto fail;
    if (a->P < 2) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--portfolio", "no portfolio to compare with the status quo");
        goto fail;
    }

    /* months */
    for (int32_t d = s->start; d <= o->to; d = cal_period_next(cal_period_start(d, TRUCE_BY_MONTH), TRUCE_BY_MONTH))
        a->nm_all++;
    a->month = malloc(a->nm_all * sizeof *a->month);
    if (!a->month) goto oom;
    {
        size_t m = 0;
        for (int32_t d = s->start; d <= o->to; d = cal_period_next(cal_period_start(d, TRUCE_BY_MONTH), TRUCE_BY_MONTH)) {
            a->month[m] = cal_period_start(d, TRUCE_BY_MONTH);
            if (a->month[m] < s->start) a->month[m] = s->start;
            if (a->month[m] == o->from) a->m0 = m;
            m++;
        }
    }
    a->nm_fut = a->nm_all - a->m0;
    const size_t N = a->N, P = a->P, PC = truce_param_count();
    a->out = malloc(P * N * NO * sizeof *a->out);
    a->sq_hist = malloc(N * a->nm_all * NG * NB * sizeof *a->sq_hist);
    a->mon = malloc(P * N * a->nm_fut * NG * NB * sizeof *a->mon);
    a->params = malloc(N * PC * sizeof *a->params);
    a->particle = malloc(N * sizeof *a->particle);
    tmp = malloc(N * sizeof *tmp);
    tmp2 = malloc(N * sizeof *tmp2);
    if (!a->out || !a->sq_hist || !a->mon || !a->params || !a->particle || !tmp || !tmp2) goto oom;
    if (make_episodes_csv(a, s, err) || make_study(a, err)) goto fail;
    a->reported = embedded_named("../data/pakistan_series.csv");

    /* the bank */
    truce_bank_options bo;
    truce_bank_options_init(&bo);
    bo.runs = o->runs;
    bo.seed = o->seed;
    bo.from = o->from;
    bo.to = o->to;
    bo.posterior = post;
    bo.threads = o->threads;
    bo.record.by = TRUCE_BY_MONTH;
    bo.record.regions = a->geo_mask[1] | a->geo_mask[2];
    bo.record.total = 1;
    bo.record.variables = 0;
    for (int v = 0; v < NV; v++) bo.record.variables |= UINT64_C(1) << var_of[v];
    progress_state ps = {o, 0, (uint64_t)N * (P + 2)};
    if (o->progress) {
        bo.progress = bank_progress;
        bo.progress_ctx = &ps;
    }
    bank = truce_bank_new(s, &bo, err);
    if (!bank) goto fail;
    ps.base = N;
    for (size_t i = 0; i < N; i++) {
        memcpy(a->params + i * PC, truce_bank_params(bank, i), PC * sizeof *a->params);
        a->particle[i] = truce_bank_particle(bank, i);
    }
    if (make_replays(a, err)) goto fail;
    if (run_tasks(a, bank, (uint64_t)N * P, task_branch, o->threads, &ps, err)) goto fail;
    if (run_tasks(a, bank, (uint64_t)N, task_replay, o->threads, &ps, err)) goto fail;
    truce_bank_free(bank);
    bank = NULL;

    if (compute_rows(a, tmp, tmp2) || compute_ranking(a, tmp) || compute_drivers(a, tmp)) goto oom;
    free(tmp);
    free(tmp2);
    truce_posterior_free(own_post);
    return a;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for the assessment (%llu runs)",
                    (unsigned long long)o->runs);
fail:
fail_oom_or_err:
    if (err && err->code == TRUCE_OK)
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for the assessment");
    truce_bank_free(bank);
    free(tmp);
    free(tmp2);
    truce_posterior_free(own_post);
    truce_assess_free(a);
    return NULL;
}

/* ---- writing ---------------------------------------------------------------------------------- */

/* Numbers as the contract prints them: %.6g; NAN empty (CSV) or null (JSON); no "-0". */
static void num(FILE *f, double x, int json)
{
    if (isnan(x)) {
        if (json) fputs("null", f);
        return;
    }
    if (x == 0.0) x = 0.0;
    fprintf(f, "%.6g", x);
}

static void write_assessment_csv(FILE *f, const truce_assessment *a)
{
    fputs("portfolio,outcome,status_quo,value,diff_q05,diff_q50,diff_q95,p_better\n", f);
    for (size_t r = 0; r < a->nrows; r++) {
        const truce_assess_row *w = &a->rows[r];
        csv_put(f, w->portfolio);
        fprintf(f, ",%s", w->outcome);
        const double v[6] = {w->status_quo, w->value, w->diff_q05, w->diff_q50, w->diff_q95, w->p_better};
        for (int k = 0; k < 6; k++) {
            fputc(',', f);
            num(f, v[k], 0);
        }
        fputc('\n', f);
    }
}

static void write_ranking_csv(FILE *f, const truce_assessment *a)
{
    fputs("outcome,portfolio,p_first,rank_q50,rank_mean\n", f);
    for (size_t r = 0; r < a->nranking; r++) {
        const ranking_row *w = &a->ranking[r];
        fprintf(f, "%s,", a->outcome[w->outcome]);
        csv_put(f, a->pf[w->portfolio].name);
        fputc(',', f);
        num(f, w->p_first, 0);
        fputc(',', f);
        num(f, w->rank_q50, 0);
        fputc(',', f);
        num(f, w->rank_mean, 0);
        fputc('\n', f);
    }
}

static const char *driver_outcome(int oc) { return oc == 0 ? "attacks:national" : "deaths_sc:national"; }

static void write_drivers_csv(FILE *f, const truce_assessment *a)
{
    fputs("portfolio,outcome,parameter,index,ci_low,ci_high\n", f);
    for (size_t r = 0; r < a->ndrivers; r++) {
        const driver_row *d = &a->drivers[r];
        csv_put(f, a->pf[d->portfolio].name);
        fprintf(f, ",%s,%s,", driver_outcome(d->outcome), truce_param_at(d->param)->name);
        num(f, d->index, 0);
        fputc(',', f);
        num(f, d->lo, 0);
        fputc(',', f);
        num(f, d->hi, 0);
        fputc('\n', f);
    }
}

typedef struct replay_row {
    double with_q50, without_q50, q05, q50, q95, p_lower;
} replay_row;

static void replay_summary(const truce_assessment *a, const replay *e, int v, double *tmp, replay_row *r)
{
    const size_t N = a->N;
    size_t lower = 0;
    for (size_t i = 0; i < N; i++) tmp[i] = e->with[i * NR + (size_t)v];
    r->with_q50 = q7(tmp, N, 0.5);
    for (size_t i = 0; i < N; i++) tmp[i] = e->wout[i * NR + (size_t)v];
    r->without_q50 = q7(tmp, N, 0.5);
    for (size_t i = 0; i < N; i++) {
        tmp[i] = e->with[i * NR + (size_t)v] - e->wout[i * NR + (size_t)v];
        lower += tmp[i] < 0.0;
    }
    r->q05 = q7(tmp, N, 0.05);
    r->q50 = q7(tmp, N, 0.5);
    r->q95 = q7(tmp, N, 0.95);
    r->p_lower = (double)lower / (double)N;
}

static int write_replays_csv(FILE *f, const truce_assessment *a)
{
    double *tmp = malloc(a->N * sizeof *tmp);
    if (!tmp) return -1;
    fputs("episode,lever,start,window_end,outcome,with_q50,without_q50,diff_q05,diff_q50,diff_q95,p_lower\n", f);
    for (size_t k = 0; k < a->nreplays; k++) {
        const replay *e = &a->replays[k];
        char d0[11], d1[11];
        cal_format(e->start, d0);
        cal_format(e->wend, d1);
        for (int v = 0; v < NR; v++) {
            replay_row r;
            replay_summary(a, e, v, tmp, &r);
            csv_put(f, e->id);
            fprintf(f, ",%s,%s,%s,%s:national", e->lever, d0, d1, truce_variable_name(var_of[replay_var[v]]));
            const double x[6] = {r.with_q50, r.without_q50, r.q05, r.q50, r.q95, r.p_lower};
            for (int j = 0; j < 6; j++) {
                fputc(',', f);
                num(f, x[j], 0);
            }
            fputc('\n', f);
        }
    }
    free(tmp);
    return 0;
}

/* One band row: the five quantiles of x[0..N) (sorted in place). */
static void band_row(FILE *f, const char *portfolio, int32_t month, int g, int bv, double *x, size_t N)
{
    char label[16], d[11];
    cal_period_label(month, TRUCE_BY_MONTH, label);
    cal_format(month, d);
    csv_put(f, portfolio);
    fprintf(f, ",%s,%s,%s,%s", label, d, geo_name[g], truce_variable_name(var_of[band_var[bv]]));
    static const double qs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < 5; k++) {
        fputc(',', f);
        num(f, q7(x, N, qs[k]), 0);
    }
    fputc('\n', f);
}

static int write_bands(FILE *f, const truce_assessment *a, int diff)
{
    const size_t N = a->N;
    double *x = malloc(N * sizeof *x);
    if (!x) return -1;
    fputs("portfolio,period,period_start,geography,variable,q05,q25,q50,q75,q95\n", f);
    for (size_t p = diff ? 1 : 0; p < a->P; p++)
        for (int g = 0; g < NG; g++)
            for (int bv = 0; bv < NB; bv++) {
                if (p == 0) {
                    for (size_t m = 0; m < a->nm_all; m++) {
                        for (size_t i = 0; i < N; i++)
                            x[i] = a->sq_hist[((i * a->nm_all + m) * NG + (size_t)g) * NB + (size_t)bv];
                        band_row(f, a->pf[0].name, a->month[m], g, bv, x, N);
                    }
                    continue;
                }
                for (size_t m = 0; m < a->nm_fut; m++) {
                    for (size_t i = 0; i < N; i++) {
                        const size_t at = ((m * NG) + (size_t)g) * NB + (size_t)bv;
                        const double v = a->mon[(p * N + i) * a->nm_fut * NG * NB + at];
                        x[i] = diff ? v - a->mon[(0 * N + i) * a->nm_fut * NG * NB + at] : v;
                    }
                    band_row(f, a->pf[p].name, a->month[a->m0 + m], g, bv, x, N);
                }
            }
    free(x);
    return 0;
}

static void write_runs_csv(FILE *f, const truce_assessment *a)
{
    /* particle: the posterior's row, counted from 1 as `calibration: row:` counts */
    fputs("portfolio,run,particle,outcome,value\n", f);
    for (size_t p = 0; p < a->P; p++)
        for (size_t i = 0; i < a->N; i++)
            for (int k = 0; k < NO; k++) {
                csv_put(f, a->pf[p].name);
                fprintf(f, ",%zu,%zu,%s,", i, a->particle[i] + 1, a->outcome[k]);
                fprintf(f, "%.17g\n", a->out[(p * a->N + i) * NO + (size_t)k]);
            }
}

static void json_key_str(FILE *f, const char *key, const char *value, int comma)
{
    fprintf(f, "\"%s\": ", key);
    json_put_string(f, value);
    if (comma) fputs(", ", f);
}

static int write_json(FILE *f, const truce_assessment *a)
{
    char d0[11], d1[11];
    cal_format(a->from, d0);
    cal_format(a->to, d1);
    fprintf(f, "{\n  \"truce_version\": \"%s\",\n  \"command\": ", TRUCE_VERSION);
    if (a->command) json_put_string(f, a->command);
    else fputs("null", f);
    fprintf(f, ",\n  \"seed\": %llu,\n  \"runs\": %llu,\n  \"from\": \"%s\",\n  \"to\": \"%s\",\n",
            (unsigned long long)a->seed, (unsigned long long)a->runs, d0, d1);
    fputs("  \"scenario\": {", f);
    json_key_str(f, "name", a->scen_name, 1);
    json_key_str(f, "hash", a->scen_hash, 0);
    fputs("},\n  \"posterior\": {", f);
    json_key_str(f, "name", a->post_name, 1);
    json_key_str(f, "hash", a->post_hash, 1);
    fprintf(f, "\"particles\": %zu, \"estimated\": [", a->post_particles);
    for (size_t j = 0; j < a->nest; j++) {
        if (j) fputs(", ", f);
        json_put_string(f, truce_param_at(a->est[j])->name);
    }
    fputs("]},\n  \"status_quo\": ", f);
    json_put_string(f, a->pf[0].name);
    fputs(",\n  \"portfolios\": [\n", f);
    for (size_t p = 0; p < a->P; p++) {
        fputs("    {", f);
        json_key_str(f, "name", a->pf[p].name, 1);
        json_key_str(f, "description", a->pf[p].description, 1);
        json_key_str(f, "file", a->pf[p].file, 1);
        json_key_str(f, "hash", a->pf[p].hash, 1);
        fprintf(f, "\"levers\": %zu}%s\n", a->pf[p].levers, p + 1 < a->P ? "," : "");
    }
    fputs("  ],\n  \"outcomes\": [\n", f);
    for (int k = 0; k < NO; k++) {
        const int g = k / NV, v = k % NV;
        char label[128];
        snprintf(label, sizeof label, "%c%s, %s", var_label[v][0] - 'a' + 'A', var_label[v] + 1, geo_label[g]);
        fputs("    {", f);
        json_key_str(f, "name", a->outcome[k], 1);
        json_key_str(f, "variable", truce_variable_name(var_of[v]), 1);
        json_key_str(f, "geography", geo_name[g], 1);
        json_key_str(f, "label", label, 1);
        fprintf(f, "\"better\": %s}%s\n", v == V_DMIL ? "null" : "\"lower\"", k + 1 < NO ? "," : "");
    }
    fputs("  ],\n  \"results\": [\n", f);
    for (size_t r = 0; r < a->nrows; r++) {
        const truce_assess_row *w = &a->rows[r];
        fputs("    {", f);
        json_key_str(f, "portfolio", w->portfolio, 1);
        json_key_str(f, "outcome", w->outcome, 1);
        const char *names[6] = {"status_quo", "value", "diff_q05", "diff_q50", "diff_q95", "p_better"};
        const double v[6] = {w->status_quo, w->value, w->diff_q05, w->diff_q50, w->diff_q95, w->p_better};
        for (int k = 0; k < 6; k++) {
            fprintf(f, "\"%s\": ", names[k]);
            num(f, v[k], 1);
            fputs(k < 5 ? ", " : "", f);
        }
        fprintf(f, "}%s\n", r + 1 < a->nrows ? "," : "");
    }
    fputs("  ],\n  \"ranking\": [\n", f);
    for (size_t r = 0; r < a->nranking; r++) {
        const ranking_row *w = &a->ranking[r];
        fputs("    {", f);
        json_key_str(f, "outcome", a->outcome[w->outcome], 1);
        json_key_str(f, "portfolio", a->pf[w->portfolio].name, 1);
        fputs("\"p_first\": ", f);
        num(f, w->p_first, 1);
        fputs(", \"rank_q50\": ", f);
        num(f, w->rank_q50, 1);
        fputs(", \"rank_mean\": ", f);
        num(f, w->rank_mean, 1);
        fprintf(f, "}%s\n", r + 1 < a->nranking ? "," : "");
    }
    fputs("  ],\n  \"drivers\": [\n", f);
    for (size_t r = 0; r < a->ndrivers; r++) {
        const driver_row *d = &a->drivers[r];
        fputs("    {", f);
        json_key_str(f, "portfolio", a->pf[d->portfolio].name, 1);
        json_key_str(f, "outcome", driver_outcome(d->outcome), 1);
        json_key_str(f, "parameter", truce_param_at(d->param)->name, 1);
        fputs("\"index\": ", f);
        num(f, d->index, 1);
        fputs(", \"ci_low\": ", f);
        num(f, d->lo, 1);
        fputs(", \"ci_high\": ", f);
        num(f, d->hi, 1);
        fprintf(f, "}%s\n", r + 1 < a->ndrivers ? "," : "");
    }
    fputs("  ],\n  \"replays\": [\n", f);
    double *tmp = malloc(a->N * sizeof *tmp);
    if (!tmp) return -1;
    for (size_t k = 0; k < a->nreplays; k++) {
        const replay *e = &a->replays[k];
        char s0[11], s1[11];
        cal_format(e->start, s0);
        cal_format(e->wend, s1);
        for (int v = 0; v < NR; v++) {
            replay_row r;
            replay_summary(a, e, v, tmp, &r);
            char oc[64];
            snprintf(oc, sizeof oc, "%s:national", truce_variable_name(var_of[replay_var[v]]));
            fputs("    {", f);
            json_key_str(f, "episode", e->id, 1);
            json_key_str(f, "lever", e->lever, 1);
            json_key_str(f, "start", s0, 1);
            json_key_str(f, "window_end", s1, 1);
            json_key_str(f, "outcome", oc, 1);
            const char *names[6] = {"with_q50", "without_q50", "diff_q05", "diff_q50", "diff_q95", "p_lower"};
            const double x[6] = {r.with_q50, r.without_q50, r.q05, r.q50, r.q95, r.p_lower};
            for (int j = 0; j < 6; j++) {
                fprintf(f, "\"%s\": ", names[j]);
                num(f, x[j], 1);
                fputs(j < 5 ? ", " : "", f);
            }
            fprintf(f, "}%s\n", k + 1 < a->nreplays || v + 1 < NR ? "," : "");
        }
    }
    free(tmp);
    fputs("  ],\n  \"inputs\": [\n    {", f);
    json_key_str(f, "name", a->scen_label, 1);
    json_key_str(f, "hash", a->scen_hash, 0);
    fputs("},\n    {", f);
    json_key_str(f, "name", a->post_name, 1);
    json_key_str(f, "hash", a->post_hash, 0);
    fputs("}", f);
    for (size_t p = 0; p < a->P; p++) {
        fputs(",\n    {", f);
        json_key_str(f, "name", a->pf[p].file, 1);
        json_key_str(f, "hash", a->pf[p].hash, 0);
        fputs("}", f);
    }
    fputs("\n  ],\n  \"uninformed\": [", f);
    for (size_t k = 0; k < a->nuninformed; k++) {
        if (k) fputs(", ", f);
        json_put_string(f, a->uninformed[k]);
    }
    fputs("]\n}\n", f);
    return 0;
}

static int file_write_fn(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

/* Every name an assessment folder may hold (report.html: written by truce_report_render). */
static const char *const own_names[] = {
    "assessment.csv", "assessment.json", "ranking.csv",     "bands.csv",        "diff_bands.csv",
    "replays.csv",    "drivers.csv",     "event_study.csv", "reported.csv",     "episodes.csv",
    "runs.csv",       "report.html",     "fit/fit.json",    "fit/ppc.csv",      "fit/ppc_summary.csv",
    "fit/ppc_episodes.csv", "fit/forecast_scores.csv", "fit/sbc.csv", NULL};

int truce_assess_check_out(const char *dir, truce_error *err)
{
    truce_error_clear(err);
    return out_dir_check(dir, own_names, err);
}

static int put(out_dir *o, const char *name, int (*fn)(FILE *, const truce_assessment *),
               const truce_assessment *a, truce_error *err)
{
    FILE *f = out_dir_create(o, name, err);
    if (!f) return -1;
    if (fn(f, a)) {
        fclose(f);
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return -1;
    }
    return out_dir_close(o, f, name, err);
}

static int put_bytes(out_dir *o, const char *name, const char *data, size_t len, truce_error *err)
{
    FILE *f = out_dir_create(o, name, err);
    if (!f) return -1;
    if (len) fwrite(data, 1, len, f);
    return out_dir_close(o, f, name, err);
}

static int w_assessment(FILE *f, const truce_assessment *a) { write_assessment_csv(f, a); return 0; }
static int w_ranking(FILE *f, const truce_assessment *a) { write_ranking_csv(f, a); return 0; }
static int w_drivers(FILE *f, const truce_assessment *a) { write_drivers_csv(f, a); return 0; }
static int w_replays(FILE *f, const truce_assessment *a) { return write_replays_csv(f, a); }
static int w_bands(FILE *f, const truce_assessment *a) { return write_bands(f, a, 0); }
static int w_diff_bands(FILE *f, const truce_assessment *a) { return write_bands(f, a, 1); }
static int w_json(FILE *f, const truce_assessment *a) { return write_json(f, a); }
static int w_runs(FILE *f, const truce_assessment *a) { write_runs_csv(f, a); return 0; }
static int w_study(FILE *f, const truce_assessment *a)
{
    return truce_episodes_write_csv(a->study, file_write_fn, f) ? -1 : 0;
}

int truce_assess_write(const truce_assessment *a, const char *dir, truce_error *err)
{
    truce_error_clear(err);
    out_dir o;
    if (out_dir_begin(&o, dir, own_names, err)) return -1;
    int rc = put(&o, "assessment.csv", w_assessment, a, err) || put(&o, "assessment.json", w_json, a, err) ||
             put(&o, "ranking.csv", w_ranking, a, err) || put(&o, "bands.csv", w_bands, a, err) ||
             put(&o, "diff_bands.csv", w_diff_bands, a, err) || put(&o, "replays.csv", w_replays, a, err) ||
             put(&o, "drivers.csv", w_drivers, a, err) || put(&o, "event_study.csv", w_study, a, err) ||
             put_bytes(&o, "episodes.csv", a->episodes_csv, a->episodes_len, err) ||
             (a->reported && put_bytes(&o, "reported.csv", a->reported->data, a->reported->len, err)) ||
             (a->runs_csv && put(&o, "runs.csv", w_runs, a, err));
    for (size_t k = 0; k < a->ncalib && !rc; k++)
        rc = put_bytes(&o, a->calib[k].name, a->calib[k].data, a->calib[k].len, err);
    if (rc) {
        out_dir_abort(&o);
        return -1;
    }
    return out_dir_commit(&o, err);
}
