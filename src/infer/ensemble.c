/* ensemble — N runs of one scenario and the bands of their series.
 *
 * Every run writes into a slot of its own (values per banded cell, totals, random words
 * drawn), in any order, on any thread or process; the outputs are computed afterwards
 * from the slots in run order. So the bytes written do not depend on how many threads
 * or processes computed the runs.
 */
#include "ensemble.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "csv.h"
#include "outdir.h"
#include "par.h"
#include "provenance.h"

#define ALL_VARIABLES ((UINT64_C(1) << TRUCE_VAR_COUNT) - 1)

void truce_ensemble_options_init(truce_ensemble_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->version = TRUCE_ENSEMBLE_OPTIONS_VERSION;
    opt->seed = 1;
    opt->by = TRUCE_BY_MONTH;
    opt->variables = ALL_VARIABLES;
    opt->params_source = TRUCE_PARAMS_SCENARIO;
}

/* ---- quantiles ------------------------------------------------------------------------ */

typedef struct wpair {
    double x, w;
    size_t i;
} wpair;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_pair(const void *a, const void *b)
{
    const wpair *p = a, *q = b;
    if (p->x != q->x) return (p->x > q->x) - (p->x < q->x);
    return (p->i > q->i) - (p->i < q->i);
}

/* Type 7 on values already sorted ascending. */
static double q7_sorted(const double *x, size_t n, double p)
{
    if (n == 0) return NAN;
    if (n == 1) return x[0];
    double h = (double)(n - 1) * p;
    double fl = floor(h);
    size_t lo = (size_t)fl;
    if (lo >= n - 1) return x[n - 1];
    return x[lo] + (h - fl) * (x[lo + 1] - x[lo]);
}

/* The weighted rule of truce_quantile7 on pairs sorted by value (zero weights removed):
 * type 7 on the sample in which the k-th value is repeated w_k n / W times (frequency
 * weights scaled to add up to the n runs). Position j (0 .. n-1, continuous) holds the
 * value whose scaled cumulative weight first exceeds j, and the p-quantile interpolates
 * between positions floor(h) and floor(h) + 1, h = (n - 1) p. Equal weights are plain type 7
 * (tested for exactly, so rounding in the cumulative sums cannot move a boundary). */
static double weighted_at(const wpair *v, size_t n, double total, size_t j)
{
    double cum = 0.0;
    for (size_t k = 0; k < n; k++) {
        cum += v[k].w * (double)n / total;
        if ((double)j < cum) return v[k].x;
    }
    return v[n - 1].x;
}

static double q7_weighted_sorted(const wpair *v, size_t n, double total, double p)
{
    if (n == 0) return NAN;
    if (n == 1) return v[0].x;
    int equal = 1;
    for (size_t k = 1; k < n && equal; k++) equal = v[k].w == v[0].w;
    const double h = (double)(n - 1) * p, fl = floor(h);
    size_t lo = (size_t)fl;
    if (lo >= n - 1) return v[n - 1].x;
    if (equal) return v[lo].x + (h - fl) * (v[lo + 1].x - v[lo].x);
    const double x0 = weighted_at(v, n, total, lo), x1 = weighted_at(v, n, total, lo + 1);
    return x0 + (h - fl) * (x1 - x0);
}

double truce_quantile7(double *x, double *w, size_t n, double p)
{
    if (!x || n == 0 || !(p >= 0.0 && p <= 1.0)) return NAN;
    if (!w) {
        qsort(x, n, sizeof *x, cmp_double);
        return q7_sorted(x, n, p);
    }
    wpair *v = malloc(n * sizeof *v);
    if (!v) return NAN;
    size_t m = 0;
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0.0) {
            v[m].x = x[i];
            v[m].w = w[i];
            v[m].i = i;
            total += w[i];
            m++;
        }
    qsort(v, m, sizeof *v, cmp_pair);
    for (size_t i = 0; i < m; i++) {
        x[i] = v[i].x;
        w[i] = v[i].w;
    }
    double q = q7_weighted_sorted(v, m, total, p);
    free(v);
    return q;
}

void truce_quantiles7(double *x, size_t n, const double *p, size_t np, double *out)
{
    if (!out) return;
    if (x && n > 0) qsort(x, n, sizeof *x, cmp_double);
    for (size_t k = 0; k < np; k++)
        out[k] = x && n > 0 && p[k] >= 0.0 && p[k] <= 1.0 ? q7_sorted(x, n, p[k]) : NAN;
}

/* ---- the parameter file ------------------------------------------------------------------- */

/* ---- building ----------------------------------------------------------------------------- */

size_t ens_params_of(const struct truce_ensemble *e, uint64_t run, double *out)
{
    switch (e->opt.params_source) {
    case TRUCE_PARAMS_FILE: {
        size_t row = (size_t)(run % e->pr.nrows);
        memcpy(out, e->pr.rows + row * e->P, e->P * sizeof *out);
        return row + 1;
    }
    case TRUCE_PARAMS_PRIOR:
        truce_prior_draw(e->opt.seed, run, out);
        for (size_t i = 0; i < e->P; i++)
            if (e->keep[i]) out[i] = e->scenario_params[i];
        return 0;
    case TRUCE_PARAMS_POSTERIOR: {
        /* drawn by weight: the runs are then a sample of the posterior, equally weighted */
        size_t row = param_rows_draw(&e->pr, e->opt.seed, run);
        memcpy(out, e->pr.rows + row * e->P, e->P * sizeof *out);
        for (size_t i = 0; i < e->P; i++)
            if (e->keep[i]) out[i] = e->scenario_params[i];
        return row + 1;
    }
    case TRUCE_PARAMS_SCENARIO:
        break;
    }
    memcpy(out, e->scenario_params, e->P * sizeof *out);
    return 0;
}

static double weight_of(const struct truce_ensemble *e, uint64_t run)
{
    return e->opt.params_source == TRUCE_PARAMS_FILE ? e->pr.weights[run % e->pr.nrows] : 1.0;
}

truce_ensemble *truce_ensemble_new(const truce_scenario *s, const truce_ensemble_options *opt,
                                   truce_error *err)
{
    truce_error_clear(err);
    if (!s || !opt || opt->version != TRUCE_ENSEMBLE_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "truce_ensemble_new: no scenario or options (call truce_ensemble_options_init)");
        return NULL;
    }
    if (opt->runs == 0 || opt->runs > (uint64_t)UINT32_MAX + 1) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--runs", "must be between 1 and 4294967296");
        return NULL;
    }
    if ((unsigned)opt->by > TRUCE_BY_YEAR) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--by", "not a period");
        return NULL;
    }
    if ((opt->variables & ALL_VARIABLES) == 0 || (opt->variables & ~ALL_VARIABLES)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--variables", "no known variable chosen");
        return NULL;
    }
    if ((opt->params_source == TRUCE_PARAMS_FILE || opt->params_source == TRUCE_PARAMS_POSTERIOR) &&
        !opt->params_file) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0,
                        opt->params_source == TRUCE_PARAMS_FILE ? "--params" : "--posterior", "no file given");
        return NULL;
    }
    struct truce_ensemble *e = calloc(1, sizeof *e);
    if (!e) goto oom;
    e->opt = *opt;
    e->opt.params_file = NULL;   /* not kept: the caller's string */
    e->opt.prior_keep = NULL;
    e->opt.nprior_keep = 0;
    e->sc = truce_scenario_copy(s, err);
    if (!e->sc) {
        free(e);
        return NULL;
    }
    e->R = truce_scenario_region_count(s);
    e->P = truce_param_count();
    e->scenario_params = malloc(e->P * sizeof *e->scenario_params);
    e->keep = calloc(e->P, 1);
    if (!e->scenario_params || !e->keep) goto oom;
    truce_scenario_params(s, e->scenario_params);
    if ((opt->params_source == TRUCE_PARAMS_FILE || opt->params_source == TRUCE_PARAMS_POSTERIOR) &&
        param_rows_read(&e->pr, opt->params_file, e->scenario_params, err))
        goto fail;
    if (opt->params_source == TRUCE_PARAMS_POSTERIOR) {
        if (!e->pr.weighted) {
            truce_error_set(err, TRUCE_EINPUT, opt->params_file, 1, "weight",
                            "a posterior needs a weight column (as truce fit writes posterior.csv)");
            goto fail;
        }
        e->pr.weighted = 0;   /* runs drawn by weight count equally in the bands */
    }
    for (size_t i = 0; i < opt->nprior_keep; i++) {
        long k = truce_param_find(opt->prior_keep[i]);
        if (k < 0) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, opt->prior_keep[i], "not a parameter (see 'truce params')");
            goto fail;
        }
        e->keep[k] = 1;
    }
    /* periods of `by` over the horizon, grouped as truce_result_series groups them */
    const int32_t start = truce_scenario_start(s), end = truce_scenario_end(s);
    for (int32_t d = start; d <= end; d = cal_period_next(cal_period_start(d, opt->by), opt->by)) e->nper++;
    e->pstart = malloc((e->nper ? e->nper : 1) * sizeof *e->pstart);
    e->cols = malloc((e->R + 1) * TRUCE_VAR_COUNT * sizeof *e->cols);
    if (!e->pstart || !e->cols) goto oom;
    size_t p = 0;
    for (int32_t d = start; d <= end; d = cal_period_next(cal_period_start(d, opt->by), opt->by))
        e->pstart[p++] = cal_period_start(d, opt->by);
    for (int k = 0; k < TRUCE_VAR_COUNT; k++)
        if (opt->variables >> k & 1u) e->vars[e->nvars++] = (truce_variable)k;
    for (size_t g = 0; g <= e->R; g++)
        for (size_t j = 0; j < e->nvars; j++) {
            if (g < e->R && truce_variable_is_global(e->vars[j])) continue;
            e->cols[e->ncols].region = (uint32_t)g;
            e->cols[e->ncols].var = e->vars[j];
            e->ncols++;
        }
    e->nvalues = e->nper * e->ncols + e->nvars;
    if (e->nvalues > SIZE_MAX / sizeof(double) / opt->runs) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--runs", "too many runs to hold in memory");
        goto fail;
    }
    e->values = malloc((size_t)opt->runs * e->nvalues * sizeof *e->values);
    e->draws = calloc((size_t)opt->runs, sizeof *e->draws);
    e->done = calloc((size_t)opt->runs, 1);
    if (!e->values || !e->draws || !e->done) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL,
                        "out of memory for %llu runs of %zu values each (use fewer --runs, a coarser --by or fewer --variables)",
                        (unsigned long long)opt->runs, e->nvalues);
        goto fail;
    }
    return e;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
fail:
    truce_ensemble_free(e);
    return NULL;
}

void truce_ensemble_free(truce_ensemble *e)
{
    if (!e) return;
    truce_scenario_free(e->sc);
    free(e->scenario_params);
    param_rows_free(&e->pr);
    free(e->keep);
    free(e->pstart);
    free(e->cols);
    free(e->values);
    free(e->draws);
    free(e->done);
    free(e);
}

/* ---- running ------------------------------------------------------------------------------ */

/* Run one member into its slot. pv: P values of scratch. */
static int run_one(struct truce_ensemble *e, uint64_t i, double *pv, truce_error *err)
{
    truce_run_options ro;
    truce_run_options_init(&ro);
    ro.seed = e->opt.seed;
    ro.run = (uint32_t)i;
    /* Record at the bands' period (weeks do not nest in months: from days). */
    ro.record.by = e->opt.by == TRUCE_BY_WEEK ? TRUCE_BY_DAY : e->opt.by;
    ro.record.variables = e->opt.variables;
    if (e->opt.params_source != TRUCE_PARAMS_SCENARIO) {
        ens_params_of(e, i, pv);
        ro.params = pv;
    }
    truce_result *r = truce_run(e->sc, &ro, err);
    if (!r) return -1;
    double *slot = e->values + (size_t)i * e->nvalues;
    int rc = 0;
    for (size_t c = 0; c < e->ncols && rc == 0; c++) {
        truce_series *s = truce_result_series(r, e->cols[c].region, e->cols[c].var, e->opt.by, err);
        if (!s) {
            rc = -1;
            break;
        }
        if (truce_series_count(s) != e->nper) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, truce_variable_name(e->cols[c].var),
                            "run %llu gave %zu periods, expected %zu", (unsigned long long)i,
                            truce_series_count(s), e->nper);
            rc = -1;
        }
        for (size_t p = 0; p < e->nper && rc == 0; p++) {
            int32_t first, last;
            double v;
            truce_series_period(s, p, &first, &last, &v);
            slot[p * e->ncols + c] = v;
        }
        truce_series_free(s);
    }
    const int32_t start = truce_scenario_start(e->sc), end = truce_scenario_end(e->sc);
    for (size_t j = 0; j < e->nvars && rc == 0; j++)
        slot[e->nper * e->ncols + j] = truce_result_total(r, e->R, e->vars[j], start, end);
    e->draws[i] = truce_result_draws(r);
    truce_result_free(r);
    if (rc == 0) e->done[i] = 1;
    return rc;
}

/* par_for's task: run first + i (the range of truce_ensemble_run_range). */
typedef struct range_task {
    truce_ensemble *e;
    uint64_t first;
} range_task;

static int range_one(void *vctx, uint64_t i, truce_error *err)
{
    const range_task *t = vctx;
    double *pv = malloc(t->e->P * sizeof *pv);  /* this run's parameters (a run costs far more) */
    if (!pv) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    const int rc = run_one(t->e, t->first + i, pv, err);
    free(pv);
    return rc;
}

int truce_ensemble_run_range(truce_ensemble *e, uint64_t first, uint64_t last, truce_error *err)
{
    truce_error_clear(err);
    if (!e || first > last || last > e->opt.runs) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_ensemble_run_range: runs out of range");
        return -1;
    }
    range_task t = {e, first};
    const par_progress prog = {e->opt.progress, e->opt.progress_ctx, 0, last - first};
    return par_for(last - first, e->opt.threads, range_one, &t, &prog, err);
}

uint64_t truce_ensemble_runs(const truce_ensemble *e) { return e->opt.runs; }

int truce_ensemble_run_done(const truce_ensemble *e, uint64_t run)
{
    return run < e->opt.runs && e->done[run];
}

size_t truce_ensemble_slot_size(const truce_ensemble *e)
{
    return e->nvalues * sizeof(double) + sizeof(uint64_t);
}

int truce_ensemble_export(const truce_ensemble *e, uint64_t run, void *buf, truce_error *err)
{
    if (!truce_ensemble_run_done(e, run)) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "run %llu has not been computed",
                        (unsigned long long)run);
        return -1;
    }
    unsigned char *b = buf;
    memcpy(b, e->values + (size_t)run * e->nvalues, e->nvalues * sizeof(double));
    memcpy(b + e->nvalues * sizeof(double), &e->draws[run], sizeof(uint64_t));
    return 0;
}

int truce_ensemble_import(truce_ensemble *e, uint64_t run, const void *buf, truce_error *err)
{
    if (run >= e->opt.runs) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "run %llu is not in the ensemble",
                        (unsigned long long)run);
        return -1;
    }
    const unsigned char *b = buf;
    memcpy(e->values + (size_t)run * e->nvalues, b, e->nvalues * sizeof(double));
    memcpy(&e->draws[run], b + e->nvalues * sizeof(double), sizeof(uint64_t));
    e->done[run] = 1;
    return 0;
}

double truce_ensemble_run_total(const truce_ensemble *e, uint64_t run, truce_variable v)
{
    if (!truce_ensemble_run_done(e, run)) return NAN;
    for (size_t j = 0; j < e->nvars; j++)
        if (e->vars[j] == v) return e->values[(size_t)run * e->nvalues + e->nper * e->ncols + j];
    return NAN;
}

double truce_ensemble_draws_per_run(const truce_ensemble *e)
{
    double s = 0.0;
    for (uint64_t i = 0; i < e->opt.runs; i++) s += (double)e->draws[i];
    return s / (double)e->opt.runs;
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct write_ctx {
    const struct truce_ensemble *e;
    const truce_provenance *prov;
} write_ctx;

static const char *period_word(truce_period by)
{
    static const char *const words[] = {"day", "week", "month", "quarter", "year"};
    return (unsigned)by <= TRUCE_BY_YEAR ? words[by] : "?";
}

static const double band_p[5] = {0.05, 0.25, 0.50, 0.75, 0.95};

/* Mean and the five quantiles of one cell over the runs (column `col` of every slot). */
static void band(const struct truce_ensemble *e, size_t col, double *x, wpair *v, double out[6])
{
    const uint64_t N = e->opt.runs;
    if (!e->pr.weighted) {
        double s = 0.0;
        for (uint64_t i = 0; i < N; i++) {
            x[i] = e->values[(size_t)i * e->nvalues + col];
            s += x[i];
        }
        out[0] = s / (double)N;
        qsort(x, (size_t)N, sizeof *x, cmp_double);
        for (int q = 0; q < 5; q++) out[q + 1] = q7_sorted(x, (size_t)N, band_p[q]);
        return;
    }
    double sw = 0.0, swx = 0.0;
    size_t m = 0;
    for (uint64_t i = 0; i < N; i++) {
        double w = weight_of(e, i), xi = e->values[(size_t)i * e->nvalues + col];
        if (!(w > 0.0)) continue;
        sw += w;
        swx += w * xi;
        v[m].x = xi;
        v[m].w = w;
        v[m].i = (size_t)i;
        m++;
    }
    out[0] = m ? swx / sw : NAN;
    qsort(v, m, sizeof *v, cmp_pair);
    for (int q = 0; q < 5; q++) out[q + 1] = q7_weighted_sorted(v, m, sw, band_p[q]);
}

static int write_bands(FILE *f, const void *vctx, truce_error *err)
{
    const struct truce_ensemble *e = ((const write_ctx *)vctx)->e;
    const size_t N = (size_t)e->opt.runs;
    double *x = malloc(N * sizeof *x);
    wpair *v = malloc(N * sizeof *v);
    if (!x || !v) {
        free(x);
        free(v);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for the bands");
        return -1;
    }
    fputs("period,period_start,region,variable,mean,q05,q25,q50,q75,q95\n", f);
    for (size_t p = 0; p < e->nper; p++) {
        char label[16], day[11];
        cal_period_label(e->pstart[p], e->opt.by, label);
        cal_format(e->pstart[p], day);
        for (size_t c = 0; c < e->ncols; c++) {
            double out[6];
            band(e, p * e->ncols + c, x, v, out);
            const uint32_t g = e->cols[c].region;
            fprintf(f, "%s,%s,%s,%s", label, day, g < e->R ? truce_scenario_region_name(e->sc, g) : "all",
                    truce_variable_name(e->cols[c].var));
            for (int k = 0; k < 6; k++) {
                fputc(',', f);
                outdir_number(f, out[k]);
            }
            fputc('\n', f);
        }
    }
    free(x);
    free(v);
    return 0;
}

static int write_runs(FILE *f, const void *vctx, truce_error *err)
{
    const struct truce_ensemble *e = ((const write_ctx *)vctx)->e;
    double *pv = malloc(e->P * sizeof *pv);
    if (!pv) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    fputs("run,params_row,params_hash,weight,variable,value\n", f);
    for (uint64_t i = 0; i < e->opt.runs; i++) {
        char hash[17], row[32] = "";
        size_t r = ens_params_of(e, i, pv);
        truce_params_hash(pv, hash);
        if (r) snprintf(row, sizeof row, "%zu", r);
        const double w = weight_of(e, i);
        for (size_t j = 0; j < e->nvars; j++) {
            fprintf(f, "%llu,%s,%s,", (unsigned long long)i, row, hash);
            outdir_number(f, w);
            fprintf(f, ",%s,", truce_variable_name(e->vars[j]));
            outdir_number(f, e->values[(size_t)i * e->nvalues + e->nper * e->ncols + j]);
            fputc('\n', f);
        }
    }
    free(pv);
    return 0;
}


static int write_summary(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const write_ctx *ctx = vctx;
    const struct truce_ensemble *e = ctx->e;
    const truce_provenance *prov = ctx->prov;
    char d0[11], d1[11];
    cal_format(truce_scenario_start(e->sc), d0);
    cal_format(truce_scenario_end(e->sc), d1);
    fprintf(f, "{\n  \"truce_version\": \"%s\",\n", TRUCE_VERSION);
    if (prov && prov->command) {
        fputs("  \"command\": ", f);
        outdir_json_string(f, prov->command);
        fputs(",\n", f);
    }
    fputs("  \"scenario\": ", f);
    outdir_json_string(f, truce_scenario_name(e->sc));
    fprintf(f, ",\n  \"scenario_hash\": \"%s\",\n", truce_scenario_hash(e->sc));
    fprintf(f, "  \"seed\": %llu,\n  \"runs\": %llu,\n", (unsigned long long)e->opt.seed,
            (unsigned long long)e->opt.runs);
    fprintf(f, "  \"by\": \"%s\",\n  \"start\": \"%s\",\n  \"end\": \"%s\",\n", period_word(e->opt.by), d0, d1);
    fputs("  \"variables\": [", f);
    for (size_t j = 0; j < e->nvars; j++) fprintf(f, "%s\"%s\"", j ? ", " : "", truce_variable_name(e->vars[j]));
    fputs("],\n  \"params\": {\"source\": ", f);
    switch (e->opt.params_source) {
    case TRUCE_PARAMS_FILE:
        fputs("\"file\", \"file\": ", f);
        outdir_json_string(f, e->pr.params_name);
        fprintf(f, ", \"file_hash\": \"%s\", \"rows\": %zu, \"weighted\": %s}", e->pr.params_hash, e->pr.nrows,
                e->pr.weighted ? "true" : "false");
        break;
    case TRUCE_PARAMS_POSTERIOR:
        fputs("\"posterior\", \"file\": ", f);
        outdir_json_string(f, e->pr.params_name);
        fprintf(f, ", \"file_hash\": \"%s\", \"particles\": %zu, \"drawn\": \"by weight, keyed by (seed, run)\", \"kept\": [",
                e->pr.params_hash, e->pr.nrows);
        {
            int first = 1;
            for (size_t i = 0; i < e->P; i++)
                if (e->keep[i]) {
                    fprintf(f, "%s\"%s\"", first ? "" : ", ", truce_param_at(i)->name);
                    first = 0;
                }
        }
        fputs("]}", f);
        break;
    case TRUCE_PARAMS_PRIOR: {
        fputs("\"prior\", \"kept\": [", f);
        int first = 1;
        for (size_t i = 0; i < e->P; i++)
            if (e->keep[i]) {
                fprintf(f, "%s\"%s\"", first ? "" : ", ", truce_param_at(i)->name);
                first = 0;
            }
        fputs("]}", f);
        break;
    }
    case TRUCE_PARAMS_SCENARIO:
        fputs("\"scenario\"}", f);
        break;
    }
    fputs(",\n", f);
    provenance_put_overrides(f, prov, "set", "without", 1);
    provenance_put_inputs(f, prov);
    fputs(",\n  \"quantiles\": ", f);
    outdir_json_string(f, e->pr.weighted
                              ? "weighted type 7: type 7 on the runs with weight > 0, each repeated w n / W times (frequency weights scaled to the n runs); mean weighted"
                              : "type 7 (R default, NumPy linear): h = (n-1)p, linear between order statistics");
    fputs(",\n  \"random_words_per_run\": ", f);
    outdir_number(f, truce_ensemble_draws_per_run(e));
    fputs("\n}\n", f);
    return 0;
}

int truce_ensemble_write(const truce_ensemble *e, const char *dir, const truce_provenance *prov,
                         truce_error *err)
{
    truce_error_clear(err);
    for (uint64_t i = 0; i < e->opt.runs; i++)
        if (!e->done[i]) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "run %llu of the ensemble has not been computed",
                            (unsigned long long)i);
            return -1;
        }
    static const outdir_file files[] = {
        {"bands.csv", write_bands},
        {"runs.csv", write_runs},
        {"summary.json", write_summary},
    };
    write_ctx ctx = {e, prov};
    return outdir_write(dir, files, sizeof files / sizeof files[0], &ctx, err);
}
