/* validate_forecast — a time-split test (docs/validate.md, "forecast"): fit from the priors on
 * the data up to a cutoff, then, from that one origin, forecast every later reported month of
 * each monthly series from the posterior predictive (runs of particles drawn by weight,
 * observed through the observation models), conditional on the episodes recorded after the
 * cutoff (`model`) and with them removed (`model_unconditional`); score CRPS and the 90 %
 * interval score against ViEWS-style baselines that see only the data up to the cutoff. */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "outdir.h"
#include "par.h"
#include "provenance.h"
#include "scenario.h"
#include "series.h"
#include "validate.h"

/* A series is forecast when it reports at least this many months in all (as fit_target's
 * monthly summaries) and at least one after the cutoff. */
#define FC_MONTHLY_MIN 12
/* conflictology: the last this many observed months before the cutoff */
#define FC_CONFLICTOLOGY_MONTHS 12

enum { M_MODEL, M_UNCOND, M_ZERO, M_LAST, M_CONFLICT, M_SEASONAL, M_COUNT };
static const char *const METHOD[M_COUNT] = {"model", "model_unconditional", "zero", "last",
                                            "conflictology", "seasonal"};

typedef struct fc_series {
    char name[400];
    size_t *target;        /* rows (of fc->rows) forecast: months after the cutoff, by date */
    size_t ntarget;
    double *past;          /* observed months at or before the cutoff, by date */
    int *past_month;       /* their calendar month 1..12 */
    size_t npast;
    double crps[M_COUNT], is90[M_COUNT];
    size_t n[M_COUNT];
} fc_series;

typedef struct fc {
    const truce_scenario *sc;
    truce_scenario *uncond;      /* sc without the episodes that start after the cutoff */
    char **removed;              /* their ids */
    size_t nremoved;
    const truce_validate_options *o;
    const truce_provenance *prov;
    vposterior post;
    truce_reported *rows;        /* the months forecast (the `like` of truce_observe) */
    size_t nrows;
    truce_record rec;
    double *values;              /* [2][draws][nrows]: conditional, unconditional */
    fc_series *series;
    size_t nseries;
    /* per row and method: q05, q50, q95, crps, is90 */
    double *cell;                /* [nrows][M_COUNT][5] */
    char fit_dir[1200];          /* where truce_fit_write put fit.json and posterior.csv */
    int32_t data_last;           /* last day of the data the fit saw */
    uint64_t fit_sims;
    double seconds;
} fc;

static int fc_one(void *vctx, uint64_t j, truce_error *err)
{
    fc *p = vctx;
    const size_t pick = vposterior_pick(&p->post, p->o->seed, j, PUR_VALIDATE_PICK);
    const double *params = p->post.rows + pick * p->post.P;
    for (int u = 0; u < 2; u++) {
        truce_run_options ro;
        truce_run_options_init(&ro);
        ro.seed = p->o->seed;
        ro.run = (uint32_t)j;
        ro.params = params;
        ro.record = p->rec;
        const truce_scenario *s = u ? p->uncond : p->sc;
        truce_result *r = truce_run(s, &ro, err);
        if (!r) return -1;
        truce_observe_options oo;
        truce_observe_options_init(&oo);
        oo.params = params;
        truce_reported *rep = truce_observe(r, s, p->rows, &oo, err);
        truce_result_free(r);
        if (!rep) return -1;
        if (truce_reported_count(rep) != p->nrows) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "draw %zu reported %zu rows, not %zu", j,
                            truce_reported_count(rep), p->nrows);
            truce_reported_free(rep);
            return -1;
        }
        double *v = p->values + ((size_t)u * (size_t)p->o->draws + j) * p->nrows;
        for (size_t i = 0; i < p->nrows; i++) {
            truce_reported_entry e;
            truce_reported_row(rep, i, &e);
            v[i] = e.value;
        }
        truce_reported_free(rep);
    }
    return 0;
}

/* Score one forecast month y of series s with every method into cell[5 * M_COUNT]. */
static void score_month(const fc *p, const fc_series *s, size_t row, double y, double *col,
                        double *cell)
{
    const size_t D = (size_t)p->o->draws;
    int mon, yr, d;
    truce_reported_entry e;
    truce_reported_row(p->rows, row, &e);
    cal_civil_from_days(e.first, &yr, &mon, &d);
    for (int m = 0; m < M_COUNT; m++) {
        double *c = cell + 5 * m;
        c[0] = c[1] = c[2] = c[3] = c[4] = NAN;
        switch (m) {
        case M_MODEL:
        case M_UNCOND:
            for (size_t j = 0; j < D; j++) col[j] = p->values[((size_t)(m == M_UNCOND) * D + j) * p->nrows + row];
            c[3] = truce_crps_sample(col, D, y);
            c[0] = truce_quantile7(col, NULL, D, 0.05);
            c[1] = truce_quantile7(col, NULL, D, 0.5);
            c[2] = truce_quantile7(col, NULL, D, 0.95);
            break;
        case M_ZERO:
            c[0] = c[1] = c[2] = 0.0;
            c[3] = fabs(y);
            break;
        case M_LAST:
        case M_SEASONAL: {
            double lambda = NAN;
            if (m == M_LAST && s->npast) lambda = s->past[s->npast - 1];
            for (size_t k = s->npast; m == M_SEASONAL && k-- > 0;)
                if (s->past_month[k] == mon) {
                    lambda = s->past[k];
                    break;
                }
            if (!isfinite(lambda)) break;   /* no such month before the cutoff */
            c[0] = truce_poisson_quantile(lambda, 0.05);
            c[1] = truce_poisson_quantile(lambda, 0.5);
            c[2] = truce_poisson_quantile(lambda, 0.95);
            c[3] = truce_crps_poisson(lambda, y);
            break;
        }
        case M_CONFLICT: {
            if (!s->npast) break;
            size_t n = s->npast < FC_CONFLICTOLOGY_MONTHS ? s->npast : FC_CONFLICTOLOGY_MONTHS;
            const double *last = s->past + s->npast - n;
            c[3] = truce_crps_sample(last, n, y);
            for (size_t k = 0; k < n; k++) col[k] = last[k];
            c[0] = truce_quantile7(col, NULL, n, 0.05);
            for (size_t k = 0; k < n; k++) col[k] = last[k];
            c[1] = truce_quantile7(col, NULL, n, 0.5);
            for (size_t k = 0; k < n; k++) col[k] = last[k];
            c[2] = truce_quantile7(col, NULL, n, 0.95);
            break;
        }
        }
        if (isfinite(c[0])) c[4] = truce_interval_score(c[0], c[2], y, 0.1);
    }
}

/* ---- output ---- */

static int write_scores(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const fc *p = vctx;
    fputs("series,method,crps,mis90,n\n", f);
    for (size_t s = 0; s < p->nseries; s++)
        for (int m = 0; m < M_COUNT; m++) {
            const fc_series *x = &p->series[s];
            validate_csv_name(f, x->name);
            fprintf(f, ",%s,", METHOD[m]);
            outdir_number(f, x->n[m] ? x->crps[m] / (double)x->n[m] : NAN);
            fputc(',', f);
            outdir_number(f, x->n[m] ? x->is90[m] / (double)x->n[m] : NAN);
            fprintf(f, ",%zu\n", x->n[m]);
        }
    return 0;
}

static int write_months(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const fc *p = vctx;
    fputs("series,period,observed,method,q05,q50,q95,crps,is90\n", f);
    for (size_t s = 0; s < p->nseries; s++)
        for (size_t k = 0; k < p->series[s].ntarget; k++) {
            size_t row = p->series[s].target[k];
            truce_reported_entry e;
            truce_reported_row(p->rows, row, &e);
            char label[16];
            series_period_label(e.first, e.last, label);
            for (int m = 0; m < M_COUNT; m++) {
                const double *c = p->cell + (row * M_COUNT + (size_t)m) * 5;
                validate_csv_name(f, p->series[s].name);
                fprintf(f, ",%s,", label);
                outdir_number(f, e.value);
                fprintf(f, ",%s", METHOD[m]);
                for (int q = 0; q < 5; q++) {
                    fputc(',', f);
                    outdir_number(f, c[q]);
                }
                fputc('\n', f);
            }
        }
    return 0;
}

static int write_json(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const fc *p = vctx;
    char d[11];
    validate_json_head(f, p->prov, p->sc);
    cal_format(p->o->cutoff, d);
    fprintf(f, "  \"cutoff\": \"%s\",\n", d);
    cal_format(p->data_last, d);
    fprintf(f, "  \"fit_data_last_day\": \"%s\",\n", d);
    fprintf(f, "  \"posterior\": {\"file\": \"posterior.csv\", \"hash\": \"%s\", \"particles\": %zu},\n",
            p->post.hash, p->post.n);
    fprintf(f, "  \"draws\": %llu,\n  \"seed\": %llu,\n", (unsigned long long)p->o->draws,
            (unsigned long long)p->o->seed);
    fputs("  \"unconditional_without\": [", f);
    for (size_t i = 0; i < p->nremoved; i++) {
        if (i) fputs(", ", f);
        outdir_json_string(f, p->removed[i]);
    }
    fputs("],\n", f);
    provenance_put_overrides(f, p->prov, "set", "without", 1);
    provenance_put_inputs(f, p->prov);
    fputs(",\n  \"baselines\": ", f);
    outdir_json_string(f, "zero: point mass at 0; last: Poisson(last observed month <= cutoff); "
                          "conflictology: the empirical distribution of the last 12 observed months "
                          "<= cutoff (the bootstrap's exact limit); seasonal: Poisson(the same "
                          "calendar month in the latest year <= cutoff that reports it)");
    fputs(",\n  \"skill\": [", f);
    for (size_t s = 0; s < p->nseries; s++) {
        const fc_series *x = &p->series[s];
        int best = -1;
        double bc = INFINITY;
        for (int m = M_ZERO; m < M_COUNT; m++)
            if (x->n[m] == x->ntarget && x->n[m] && x->crps[m] < bc) {
                bc = x->crps[m];
                best = m;
            }
        fputs(s ? ",\n    {\"series\": " : "\n    {\"series\": ", f);
        outdir_json_string(f, x->name);
        fprintf(f, ", \"months\": %zu, \"best_baseline\": ", x->ntarget);
        if (best >= 0) outdir_json_string(f, METHOD[best]);
        else fputs("null", f);
        fputs(", \"crps_model_over_best_baseline\": ", f);
        outdir_number(f, best >= 0 && bc > 0.0 ? x->crps[M_MODEL] / bc : NAN);
        fputs(", \"crps_unconditional_over_best_baseline\": ", f);
        outdir_number(f, best >= 0 && bc > 0.0 ? x->crps[M_UNCOND] / bc : NAN);
        fputc('}', f);
    }
    fputs(p->nseries ? "\n  ]\n}\n" : "]\n}\n", f);
    return 0;
}

/* fit.json and posterior.csv as truce_fit_write wrote them, copied byte for byte */
static int copy_file(FILE *f, const char *dir, const char *name, truce_error *err)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    FILE *in = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!in) {
        if (fd >= 0) close(fd);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot read the fit's output");
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, f);
    fclose(in);
    return 0;
}
static int write_fit_json(FILE *f, const void *vctx, truce_error *err)
{
    return copy_file(f, ((const fc *)vctx)->fit_dir, "fit.json", err);
}
static int write_posterior(FILE *f, const void *vctx, truce_error *err)
{
    return copy_file(f, ((const fc *)vctx)->fit_dir, "posterior.csv", err);
}

static const outdir_file FC_FILES[] = {
    {"forecast_scores.csv", write_scores}, {"forecast.csv", write_months},
    {"forecast.json", write_json},         {"fit.json", write_fit_json},
    {"posterior.csv", write_posterior},
};

int validate_forecast_check(const char *dir, truce_error *err)
{
    return outdir_check(dir, FC_FILES, sizeof FC_FILES / sizeof *FC_FILES, err);
}

/* Remove a staging folder of regular files (what truce_fit_write made). */
static void remove_staging(const char *fit_dir)
{
    DIR *d = opendir(fit_dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            struct stat st;
            if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
                unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
    }
    rmdir(fit_dir);
}

static void fc_free(fc *p)
{
    vposterior_free(&p->post);
    truce_scenario_free(p->uncond);
    for (size_t i = 0; i < p->nremoved; i++) free(p->removed[i]);
    free(p->removed);
    truce_reported_free(p->rows);
    free(p->values);
    for (size_t s = 0; s < p->nseries; s++) {
        free(p->series[s].target);
        free(p->series[s].past);
        free(p->series[s].past_month);
    }
    free(p->series);
    free(p->cell);
}

static int month_of(int32_t first, int32_t last, int *month)
{
    int y, m, d, y2, m2, d2;
    cal_civil_from_days(first, &y, &m, &d);
    cal_civil_from_days(last, &y2, &m2, &d2);
    *month = m;
    return d == 1 && y == y2 && m == m2 && d2 == cal_days_in_month(y2, m2);
}

static void sort_by_date(const truce_reported *t, size_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t x = idx[i], j = i;
        truce_reported_entry ex, ey;
        truce_reported_row(t, x, &ex);
        while (j > 0) {
            truce_reported_row(t, idx[j - 1], &ey);
            if (ey.first <= ex.first) break;
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

int truce_validate_forecast(const truce_scenario *s, const truce_validate_options *o, const char *dir,
                            const truce_provenance *prov, truce_error *err)
{
    if (!o || o->version != TRUCE_VALIDATE_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_validate_options: call truce_validate_options_init");
        return -1;
    }
    if (o->cutoff == INT32_MAX || o->cutoff < s->start || o->cutoff >= s->end) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--cutoff", "a cutoff inside the scenario's horizon is required");
        return -1;
    }
    if (o->draws < 1 || o->draws > 10000000) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--draws", "expected 1 to 10,000,000 draws");
        return -1;
    }
    if (validate_forecast_check(dir, err)) return -1;
    fc p;
    memset(&p, 0, sizeof p);
    p.sc = s;
    p.o = o;
    p.prov = prov;
    int rc = -1;
    truce_reported *shipped = NULL, *all = NULL;
    truce_fit *fit = NULL;
    char staging[1100] = "";
    const truce_reported *data = o->data;
    double *col = NULL;
    if (!data) {
        shipped = truce_reported_load_default(err);
        if (!shipped) return -1;
        data = shipped;
    }
    /* what is forecast: the months after the cutoff of every monthly series */
    truce_record rec_all;
    all = validate_rows(s, data, INT32_MAX, &rec_all, err);
    if (!all) goto done;
    const size_t nall = truce_reported_count(all);
    p.series = calloc(nall, sizeof *p.series);
    size_t *months = malloc(nall * sizeof *months);
    size_t *sidx = malloc(nall * sizeof *sidx);
    if (!p.series || !months || !sidx) {
        free(months);
        free(sidx);
        goto oom;
    }
    size_t nser = 0;
    for (size_t i = 0; i < nall; i++) {
        truce_reported_entry e;
        truce_reported_row(all, i, &e);
        char name[400];
        validate_series_name(e.source, e.metric, e.geography, name, sizeof name);
        size_t k = 0;
        while (k < nser && strcmp(p.series[k].name, name) != 0) k++;
        if (k == nser) snprintf(p.series[nser++].name, sizeof p.series[0].name, "%s", name);
        sidx[i] = k;
    }
    p.rows = reported_new("forecast");
    if (!p.rows) {
        free(months);
        free(sidx);
        goto oom;
    }
    for (size_t k = 0; k < nser; k++) {
        size_t nm = 0, after = 0;
        int mon;
        for (size_t i = 0; i < nall; i++) {
            truce_reported_entry e;
            truce_reported_row(all, i, &e);
            if (sidx[i] != k || !month_of(e.first, e.last, &mon)) continue;
            months[nm++] = i;
            after += e.first > o->cutoff;
        }
        if (nm < FC_MONTHLY_MIN || after == 0 || after == nm) continue;
        sort_by_date(all, months, nm);
        fc_series *x = &p.series[p.nseries];
        if (p.nseries != k) {
            memcpy(x->name, p.series[k].name, sizeof x->name);
        }
        x->target = malloc(after * sizeof *x->target);
        x->past = malloc((nm - after) * sizeof *x->past);
        x->past_month = malloc((nm - after) * sizeof *x->past_month);
        if (!x->target || !x->past || !x->past_month) {
            p.nseries++;
            free(months);
            free(sidx);
            goto oom;
        }
        for (size_t m = 0; m < nm; m++) {
            truce_reported_entry e;
            truce_reported_row(all, months[m], &e);
            month_of(e.first, e.last, &mon);
            if (e.first <= o->cutoff) {
                x->past_month[x->npast] = mon;
                x->past[x->npast++] = e.value;
            } else {
                x->target[x->ntarget++] = p.nrows++;
                if (reported_add(p.rows, e.source, e.metric, e.geography, e.first, e.last, e.value)) {
                    p.nseries++;
                    free(months);
                    free(sidx);
                    goto oom;
                }
            }
        }
        p.nseries++;
    }
    free(months);
    free(sidx);
    if (p.nrows == 0) {
        char d[11];
        cal_format(o->cutoff, d);
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--cutoff",
                        "no monthly series (%d months or more) reports a month after %s and one before it: nothing to forecast",
                        FC_MONTHLY_MIN, d);
        goto done;
    }
    /* the record: monthly, what the forecast months need */
    {
        truce_record r2;
        truce_reported *chk = validate_rows(s, p.rows, INT32_MAX, &r2, err);
        if (!chk) goto done;
        truce_reported_free(chk);
        p.rec = r2;
    }
    /* the unconditional scenario: without the episodes that start after the cutoff */
    p.uncond = truce_scenario_copy(s, err);
    if (!p.uncond) goto done;
    p.removed = calloc(s->nepisodes ? s->nepisodes : 1, sizeof *p.removed);
    if (!p.removed) goto oom;
    for (size_t i = 0; i < s->nepisodes; i++)
        /* recorded episodes with an effect (not background policies, not data notes) */
        if (s->episodes[i].start > o->cutoff && s->episodes[i].lever != LEVER_NONE &&
            strcmp(s->episodes[i].kind, "policy") != 0) {
            p.removed[p.nremoved] = malloc(strlen(s->episodes[i].id) + 1);
            if (!p.removed[p.nremoved]) goto oom;
            strcpy(p.removed[p.nremoved++], s->episodes[i].id);
        }
    for (size_t i = 0; i < p.nremoved; i++)
        if (truce_scenario_remove_episode(p.uncond, p.removed[i], err)) goto done;
    /* the fit on the data up to the cutoff */
    truce_fit_options fo;
    truce_fit_options_init(&fo);
    fo.data = data;
    fo.cutoff = o->cutoff;
    fo.seed = o->seed;
    fo.threads = o->threads;
    if (o->sims) fo.sims = o->sims;
    if (o->particles) fo.particles = o->particles;
    if (o->nestimate) {
        fo.estimate = o->estimate;
        fo.nestimate = o->nestimate;
    }
    fit = truce_fit_run(s, &fo, err);
    if (!fit) goto done;
    {
        const size_t n = truce_fit_particle_count(fit), P = truce_param_count();
        double *rows = malloc((n ? n : 1) * P * sizeof *rows), *w = malloc((n ? n : 1) * sizeof *w);
        if (!rows || !w) {
            free(rows);
            free(w);
            goto oom;
        }
        for (size_t i = 0; i < n; i++) {
            truce_fit_params(fit, i, rows + i * P);
            w[i] = truce_fit_weight(fit, i);
        }
        int r3 = vposterior_set(&p.post, n, P, rows, w, err);
        free(rows);
        free(w);
        if (r3) goto done;
    }
    /* the fit's own files, staged beside DIR and copied into it */
    {
        const char *slash = strrchr(dir, '/');
        if (slash) snprintf(staging, sizeof staging, "%.*s/.truce-fit-XXXXXX", (int)(slash - dir), dir);
        else snprintf(staging, sizeof staging, ".truce-fit-XXXXXX");
        if (!mkdtemp(staging)) {
            truce_error_set(err, TRUCE_ERUNTIME, dir, 0, NULL, "cannot create a folder beside it");
            staging[0] = '\0';
            goto done;
        }
        snprintf(p.fit_dir, sizeof p.fit_dir, "%s", staging);
        if (truce_fit_write(fit, p.fit_dir, prov, err)) goto done;
        char hash[17], path[1300];
        snprintf(path, sizeof path, "%s/posterior.csv", p.fit_dir);
        if (truce_file_hash(path, hash, err)) goto done;
        memcpy(p.post.hash, hash, sizeof hash);
    }
    p.data_last = o->cutoff;
    {
        /* the last day of data the fit could use: the last reported period ending by the cutoff */
        int32_t last = INT32_MIN;
        for (size_t i = 0; i < nall; i++) {
            truce_reported_entry e;
            truce_reported_row(all, i, &e);
            if (e.last <= o->cutoff && e.last > last) last = e.last;
        }
        p.data_last = last;
    }
    /* the draws */
    p.values = malloc(2 * (size_t)o->draws * p.nrows * sizeof *p.values);
    p.cell = malloc(p.nrows * M_COUNT * 5 * sizeof *p.cell);
    col = malloc(((size_t)o->draws > FC_CONFLICTOLOGY_MONTHS ? (size_t)o->draws : FC_CONFLICTOLOGY_MONTHS) * sizeof *col);
    if (!p.values || !p.cell || !col) goto oom;
    const par_progress prog = {o->progress, o->progress_ctx, 0, (uint64_t)o->draws};
    if (par_for((uint64_t)o->draws, o->threads, fc_one, &p, &prog, err))
        goto done;
    for (size_t si = 0; si < p.nseries; si++) {
        fc_series *x = &p.series[si];
        for (size_t k = 0; k < x->ntarget; k++) {
            size_t row = x->target[k];
            truce_reported_entry e;
            truce_reported_row(p.rows, row, &e);
            double *c = p.cell + row * M_COUNT * 5;
            score_month(&p, x, row, e.value, col, c);
            for (int m = 0; m < M_COUNT; m++)
                if (isfinite(c[5 * m + 3])) {
                    x->crps[m] += c[5 * m + 3];
                    x->is90[m] += c[5 * m + 4];
                    x->n[m]++;
                }
        }
    }
    rc = outdir_write(dir, FC_FILES, sizeof FC_FILES / sizeof *FC_FILES, &p, err);
    goto done;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
done:
    if (staging[0]) remove_staging(staging);
    free(col);
    truce_fit_free(fit);
    truce_reported_free(all);
    truce_reported_free(shipped);
    fc_free(&p);
    return rc;
}
