/* validate_ppc — posterior predictive checks through the observation models
 * (docs/validate.md, "ppc"): draw particles by weight from a posterior, run each, ask every
 * source what it would have reported, and set the reports beside the data period by period;
 * and the event study of the recorded ceasefires on the simulated series beside the observed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "fit_target.h"
#include "outdir.h"
#include "par.h"
#include "provenance.h"
#include "series.h"
#include "validate.h"

/* A series has its event study when it reports at least this many months (as fit_target's
 * monthly summaries). */
#define PPC_MONTHLY_MIN 12

static const double QP[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

typedef struct ppc_series {
    char name[400];
    size_t *rows;          /* row indices in date order */
    size_t n;
    size_t *months;        /* the monthly rows, in date order (for the event study) */
    size_t nmonths;
    double share50, share90;
} ppc_series;

typedef struct ppc {
    const truce_scenario *sc;
    const truce_validate_options *o;
    const truce_provenance *prov;
    vposterior post;
    truce_reported *rows;
    size_t nrows;
    truce_record rec;
    double *values;        /* [draws][nrows] */
    ppc_series *series;
    size_t nseries;
    /* event study: the scenario's ceasefires, per series with months, after/before and
     * during/before rate ratios: stats[(draw + 1) * nstats + k], draw -1 the observed */
    truce_timeline *tl;
    char **eps;
    size_t neps;
    size_t nstats;         /* nseries_with_months x neps x 2 */
    size_t *stat_series;   /* [nstats] series index */
    double *stats;         /* [(draws + 1) * nstats] */
    double *q;             /* [nrows][5] quantiles */
    double *stat_q;        /* [nstats][5] */
    size_t *stat_defined;  /* [nstats] draws with a finite statistic */
} ppc;

/* the event study of one series with values v (aligned with the rows) into out[2 * neps] */
static int study(const ppc *p, size_t si, const double *v, double *out, truce_error *err)
{
    const ppc_series *s = &p->series[si];
    truce_reported_entry e;
    truce_reported_row(p->rows, s->months[0], &e);
    truce_series *ser = truce_series_new(e.source, e.metric, e.geography);
    if (!ser) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < s->nmonths; k++) {
        truce_reported_row(p->rows, s->months[k], &e);
        double x = v[s->months[k]];
        if (truce_series_add(ser, e.first, e.last, x >= 0.0 && isfinite(x) ? x : 0.0, err)) {
            truce_series_free(ser);
            return -1;
        }
    }
    truce_episodes_options o;
    truce_episodes_options_init(&o);
    o.placebos = 0;
    o.episodes = (const char *const *)p->eps;
    o.nepisodes = p->neps;
    truce_series *list[1] = {ser};
    truce_episodes *st = truce_episodes_run(p->tl, list, 1, &o, err);
    truce_series_free(ser);
    if (!st) return -1;
    for (size_t k = 0; k < p->neps; k++) {
        out[2 * k] = out[2 * k + 1] = NAN;
        for (size_t i = 0; i < truce_episodes_row_count(st); i++) {
            const truce_episode_row *r = truce_episodes_row(st, i);
            if (strcmp(r->episode, p->eps[k]) != 0) continue;
            if (isfinite(r->rate_before) && r->rate_before > 0.0) {
                if (isfinite(r->rate_after)) out[2 * k] = r->rate_after / r->rate_before;
                if (isfinite(r->rate_during)) out[2 * k + 1] = r->rate_during / r->rate_before;
            }
        }
    }
    truce_episodes_free(st);
    return 0;
}

static int all_studies(const ppc *p, const double *v, double *stats, truce_error *err)
{
    size_t k = 0;
    for (size_t s = 0; s < p->nseries; s++) {
        if (p->series[s].nmonths < PPC_MONTHLY_MIN) continue;
        if (study(p, s, v, stats + k, err)) return -1;
        k += 2 * p->neps;
    }
    return 0;
}

static int ppc_one(void *vctx, uint64_t j, truce_error *err)
{
    ppc *p = vctx;
    const size_t pick = vposterior_pick(&p->post, p->o->seed, j, PUR_VALIDATE_PICK);
    const double *params = p->post.rows + pick * p->post.P;
    truce_run_options ro;
    truce_run_options_init(&ro);
    ro.seed = p->o->seed;
    ro.run = (uint32_t)j;
    ro.params = params;
    ro.record = p->rec;
    truce_result *r = truce_run(p->sc, &ro, err);
    if (!r) return -1;
    truce_observe_options oo;
    truce_observe_options_init(&oo);
    oo.params = params;
    truce_reported *rep = truce_observe(r, p->sc, p->rows, &oo, err);
    truce_result_free(r);
    if (!rep) return -1;
    if (truce_reported_count(rep) != p->nrows) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "draw %zu reported %zu rows, not %zu", j,
                        truce_reported_count(rep), p->nrows);
        truce_reported_free(rep);
        return -1;
    }
    double *v = p->values + j * p->nrows;
    for (size_t i = 0; i < p->nrows; i++) {
        truce_reported_entry e;
        truce_reported_row(rep, i, &e);
        v[i] = e.value;
    }
    truce_reported_free(rep);
    if (p->nstats && all_studies(p, v, p->stats + (j + 1) * p->nstats, err)) return -1;
    return 0;
}

static int write_csv(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const ppc *p = vctx;
    fputs("series,period,period_start,observed,q05,q25,q50,q75,q95\n", f);
    for (size_t s = 0; s < p->nseries; s++)
        for (size_t k = 0; k < p->series[s].n; k++) {
            size_t i = p->series[s].rows[k];
            truce_reported_entry e;
            truce_reported_row(p->rows, i, &e);
            char label[16], start[11];
            series_period_label(e.first, e.last, label);
            cal_format(e.first, start);
            fputc('"', f);
            for (const char *c = p->series[s].name; *c; c++) {
                if (*c == '"') fputc('"', f);
                fputc(*c, f);
            }
            fprintf(f, "\",%s,%s,", label, start);
            outdir_number(f, e.value);
            for (int q = 0; q < 5; q++) {
                fputc(',', f);
                outdir_number(f, p->q[i * 5 + (size_t)q]);
            }
            fputc('\n', f);
        }
    return 0;
}

static int write_summary(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const ppc *p = vctx;
    fputs("series,periods,share50,share90\n", f);
    for (size_t s = 0; s < p->nseries; s++) {
        validate_csv_name(f, p->series[s].name);
        fprintf(f, ",%zu,", p->series[s].n);
        outdir_number(f, p->series[s].share50);
        fputc(',', f);
        outdir_number(f, p->series[s].share90);
        fputc('\n', f);
    }
    return 0;
}

static int write_episodes(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const ppc *p = vctx;
    fputs("series,episode,statistic,observed,q05,q25,q50,q75,q95,draws_defined\n", f);
    for (size_t k = 0; k < p->nstats; k++) {
        if (!isfinite(p->stats[k])) continue;   /* the data do not resolve these windows */
        validate_csv_name(f, p->series[p->stat_series[k]].name);
        fprintf(f, ",%s,%s,", p->eps[(k / 2) % p->neps], k % 2 ? "during/before" : "after/before");
        outdir_number(f, p->stats[k]);
        for (int q = 0; q < 5; q++) {
            fputc(',', f);
            outdir_number(f, p->stat_q[k * 5 + (size_t)q]);
        }
        fprintf(f, ",%zu\n", p->stat_defined[k]);
    }
    return 0;
}

static int write_json(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const ppc *p = vctx;
    validate_json_head(f, p->prov, p->sc);
    fputs("  \"posterior\": {\"file\": ", f);
    outdir_json_string(f, p->post.name);
    fprintf(f, ", \"hash\": \"%s\", \"particles\": %zu, \"parameters_varied\": %zu},\n", p->post.hash, p->post.n,
            p->post.ncols);
    fprintf(f, "  \"draws\": %llu,\n  \"seed\": %llu,\n", (unsigned long long)p->o->draws,
            (unsigned long long)p->o->seed);
    provenance_put_overrides(f, p->prov, "set", "without", 1);
    provenance_put_inputs(f, p->prov);
    fputs(",\n  \"bands\": \"type 7 quantiles of the draws; inside the 50 % band: q25 <= observed <= q75; 90 %: q05 <= observed <= q95\",\n", f);
    size_t tot = 0;
    double in50 = 0.0, in90 = 0.0;
    fputs("  \"series\": [", f);
    for (size_t s = 0; s < p->nseries; s++) {
        fputs(s ? ",\n    {\"series\": " : "\n    {\"series\": ", f);
        outdir_json_string(f, p->series[s].name);
        fprintf(f, ", \"periods\": %zu, \"share50\": ", p->series[s].n);
        outdir_number(f, p->series[s].share50);
        fputs(", \"share90\": ", f);
        outdir_number(f, p->series[s].share90);
        fputc('}', f);
        tot += p->series[s].n;
        in50 += p->series[s].share50 * (double)p->series[s].n;
        in90 += p->series[s].share90 * (double)p->series[s].n;
    }
    fputs("\n  ],\n  \"all_periods\": {\"periods\": ", f);
    fprintf(f, "%zu, \"share50\": ", tot);
    outdir_number(f, tot ? in50 / (double)tot : NAN);
    fputs(", \"share90\": ", f);
    outdir_number(f, tot ? in90 / (double)tot : NAN);
    fputs("},\n  \"episodes\": [", f);
    int any = 0;
    for (size_t k = 0; k < p->nstats; k++) {
        if (!isfinite(p->stats[k])) continue;
        fputs(any ? ",\n    {\"series\": " : "\n    {\"series\": ", f);
        any = 1;
        outdir_json_string(f, p->series[p->stat_series[k]].name);
        fprintf(f, ", \"episode\": \"%s\", \"statistic\": \"%s\", \"observed\": ", p->eps[(k / 2) % p->neps],
                k % 2 ? "during/before" : "after/before");
        outdir_number(f, p->stats[k]);
        fputs(", \"q05\": ", f);
        outdir_number(f, p->stat_q[k * 5]);
        fputs(", \"q50\": ", f);
        outdir_number(f, p->stat_q[k * 5 + 2]);
        fputs(", \"q95\": ", f);
        outdir_number(f, p->stat_q[k * 5 + 4]);
        fprintf(f, ", \"draws_defined\": %zu}", p->stat_defined[k]);
    }
    fputs(any ? "\n  ]\n}\n" : "]\n}\n", f);
    return 0;
}

static const outdir_file PPC_FILES[] = {
    {"ppc.csv", write_csv},
    {"ppc_summary.csv", write_summary},
    {"ppc_episodes.csv", write_episodes},
    {"ppc.json", write_json},
};

static void ppc_free(ppc *p)
{
    vposterior_free(&p->post);
    truce_reported_free(p->rows);
    free(p->values);
    for (size_t s = 0; s < p->nseries; s++) {
        free(p->series[s].rows);
        free(p->series[s].months);
    }
    free(p->series);
    truce_timeline_free(p->tl);
    for (size_t i = 0; i < p->neps; i++) free(p->eps[i]);
    free(p->eps);
    free(p->stat_series);
    free(p->stats);
    free(p->q);
    free(p->stat_q);
    free(p->stat_defined);
}

/* rows of one series into date order (insertion sort: a series has at most a few hundred
 * rows, and qsort would need the table through a global) */
static void sort_rows(const truce_reported *t, size_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t x = idx[i], j = i;
        truce_reported_entry ex, ey;
        truce_reported_row(t, x, &ex);
        while (j > 0) {
            truce_reported_row(t, idx[j - 1], &ey);
            if (ey.first < ex.first || (ey.first == ex.first && ey.last <= ex.last)) break;
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

static int is_month(int32_t first, int32_t last)
{
    int y, m, d, y2, m2, d2;
    cal_civil_from_days(first, &y, &m, &d);
    cal_civil_from_days(last, &y2, &m2, &d2);
    return d == 1 && y == y2 && m == m2 && d2 == cal_days_in_month(y2, m2);
}

int truce_validate_check_out(const char *what, const char *dir, truce_error *err)
{
    if (strcmp(what, "ppc") == 0) return outdir_check(dir, PPC_FILES, sizeof PPC_FILES / sizeof *PPC_FILES, err);
    return validate_check_other(what, dir, err);
}

int truce_validate_ppc(const truce_scenario *s, const truce_validate_options *o, const char *dir,
                       const truce_provenance *prov, truce_error *err)
{
    if (!o || o->version != TRUCE_VALIDATE_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_validate_options: call truce_validate_options_init");
        return -1;
    }
    if (!o->posterior) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--posterior", "a posterior file is required");
        return -1;
    }
    if (o->draws < 1 || o->draws > 10000000) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--draws", "expected 1 to 10,000,000 draws");
        return -1;
    }
    if (outdir_check(dir, PPC_FILES, sizeof PPC_FILES / sizeof *PPC_FILES, err)) return -1;
    ppc p;
    memset(&p, 0, sizeof p);
    p.sc = s;
    p.o = o;
    p.prov = prov;
    int rc = -1;
    truce_reported *shipped = NULL;
    const truce_reported *data = o->data;
    if (!data) {
        shipped = truce_reported_load_default(err);
        if (!shipped) return -1;
        data = shipped;
    }
    if (vposterior_load(o->posterior, s, &p.post, err)) goto done;
    p.rows = validate_rows(s, data, INT32_MAX, &p.rec, err);
    if (!p.rows) goto done;
    p.nrows = truce_reported_count(p.rows);
    /* series, in order of first appearance */
    p.series = calloc(p.nrows, sizeof *p.series);
    if (!p.series) goto oom;
    for (size_t i = 0; i < p.nrows; i++) {
        truce_reported_entry e;
        truce_reported_row(p.rows, i, &e);
        char name[400];
        validate_series_name(e.source, e.metric, e.geography, name, sizeof name);
        size_t k = 0;
        while (k < p.nseries && strcmp(p.series[k].name, name) != 0) k++;
        if (k == p.nseries) {
            snprintf(p.series[k].name, sizeof p.series[k].name, "%s", name);
            p.series[k].rows = malloc(p.nrows * sizeof(size_t));
            p.series[k].months = malloc(p.nrows * sizeof(size_t));
            if (!p.series[k].rows || !p.series[k].months) goto oom;
            p.nseries++;
        }
        p.series[k].rows[p.series[k].n++] = i;
        if (is_month(e.first, e.last)) p.series[k].months[p.series[k].nmonths++] = i;
    }
    for (size_t k = 0; k < p.nseries; k++) {
        sort_rows(p.rows, p.series[k].rows, p.series[k].n);
        sort_rows(p.rows, p.series[k].months, p.series[k].nmonths);
    }
    /* the event study's episodes and statistics */
    {
        truce_error e2;
        truce_error_clear(&e2);
        p.tl = fit_ceasefire_timeline(s, &p.eps, &p.neps, &e2);
        if (!p.tl && e2.code != TRUCE_OK) {
            if (err) *err = e2;
            goto done;
        }
    }
    size_t nmonthly = 0;
    for (size_t k = 0; k < p.nseries; k++) nmonthly += p.series[k].nmonths >= PPC_MONTHLY_MIN;
    p.nstats = p.neps ? nmonthly * p.neps * 2 : 0;
    p.stat_series = malloc((p.nstats ? p.nstats : 1) * sizeof *p.stat_series);
    p.stats = malloc(((size_t)o->draws + 1) * (p.nstats ? p.nstats : 1) * sizeof *p.stats);
    p.stat_q = malloc((p.nstats ? p.nstats : 1) * 5 * sizeof *p.stat_q);
    p.stat_defined = calloc(p.nstats ? p.nstats : 1, sizeof *p.stat_defined);
    p.values = malloc((size_t)o->draws * p.nrows * sizeof *p.values);
    p.q = malloc(p.nrows * 5 * sizeof *p.q);
    if (!p.stat_series || !p.stats || !p.stat_q || !p.stat_defined || !p.values || !p.q) goto oom;
    {
        size_t k = 0;
        for (size_t si = 0; si < p.nseries; si++) {
            if (p.series[si].nmonths < PPC_MONTHLY_MIN) continue;
            for (size_t j = 0; j < 2 * p.neps; j++) p.stat_series[k++] = si;
        }
    }
    if (p.nstats) {
        double *obs = malloc(p.nrows * sizeof *obs);
        if (!obs) goto oom;
        for (size_t i = 0; i < p.nrows; i++) {
            truce_reported_entry e;
            truce_reported_row(p.rows, i, &e);
            obs[i] = e.value;
        }
        int r2 = all_studies(&p, obs, p.stats, err);
        free(obs);
        if (r2) goto done;
    }
    const par_progress prog = {o->progress, o->progress_ctx, 0, (uint64_t)o->draws};
    if (par_for((uint64_t)o->draws, o->threads, ppc_one, &p, &prog, err))
        goto done;
    /* bands and shares */
    double *col = malloc((size_t)o->draws * sizeof *col);
    if (!col) goto oom;
    for (size_t i = 0; i < p.nrows; i++) {
        for (size_t j = 0; j < o->draws; j++) col[j] = p.values[j * p.nrows + i];
        for (int q = 0; q < 5; q++) p.q[i * 5 + (size_t)q] = truce_quantile7(col, NULL, (size_t)o->draws, QP[q]);
    }
    for (size_t k = 0; k < p.nseries; k++) {
        size_t in50 = 0, in90 = 0;
        for (size_t m = 0; m < p.series[k].n; m++) {
            size_t i = p.series[k].rows[m];
            truce_reported_entry e;
            truce_reported_row(p.rows, i, &e);
            in50 += e.value >= p.q[i * 5 + 1] && e.value <= p.q[i * 5 + 3];
            in90 += e.value >= p.q[i * 5] && e.value <= p.q[i * 5 + 4];
        }
        p.series[k].share50 = (double)in50 / (double)p.series[k].n;
        p.series[k].share90 = (double)in90 / (double)p.series[k].n;
    }
    for (size_t k = 0; k < p.nstats; k++) {
        size_t m = 0;
        for (size_t j = 0; j < o->draws; j++) {
            double x = p.stats[(j + 1) * p.nstats + k];
            if (isfinite(x)) col[m++] = x;
        }
        p.stat_defined[k] = m;
        for (int q = 0; q < 5; q++) p.stat_q[k * 5 + (size_t)q] = m ? truce_quantile7(col, NULL, m, QP[q]) : NAN;
    }
    free(col);
    rc = outdir_write(dir, PPC_FILES, sizeof PPC_FILES / sizeof *PPC_FILES, &p, err);
    goto done;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
done:
    ppc_free(&p);
    truce_reported_free(shipped);
    return rc;
}
