/* validate — what the validation commands share (validate.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "calendar.h"
#include "csv.h"
#include "observe.h"
#include "outdir.h"
#include "rng.h"
#include "scenario.h"
#include "series.h"
#include "validate.h"

void truce_validate_options_init(truce_validate_options *o)
{
    memset(o, 0, sizeof *o);
    o->version = TRUCE_VALIDATE_OPTIONS_VERSION;
    o->draws = 1000;
    o->seed = 1;
    o->cutoff = INT32_MAX;
    o->reps = 100;
    o->rank_draws = 99;
}

void vposterior_free(vposterior *p)
{
    free(p->rows);
    free(p->w);
    free(p->cum);
    memset(p, 0, sizeof *p);
}

static int finish_weights(vposterior *p, truce_error *err, const char *path)
{
    double sum = 0.0;
    for (size_t i = 0; i < p->n; i++) sum += p->w[i];
    if (!(sum > 0.0) || !isfinite(sum)) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, "weight", "the weights do not add up to a positive finite number");
        return -1;
    }
    double c = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        p->w[i] /= sum;
        c += p->w[i];
        p->cum[i] = c;
    }
    p->cum[p->n - 1] = 1.0;
    return 0;
}

int vposterior_set(vposterior *p, size_t n, size_t P, const double *rows, const double *w,
                   truce_error *err)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    p->P = P;
    p->rows = malloc((n ? n : 1) * P * sizeof *p->rows);
    p->w = malloc((n ? n : 1) * sizeof *p->w);
    p->cum = malloc((n ? n : 1) * sizeof *p->cum);
    if (!p->rows || !p->w || !p->cum) {
        vposterior_free(p);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    if (n == 0) {
        vposterior_free(p);
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "an empty posterior");
        return -1;
    }
    memcpy(p->rows, rows, n * P * sizeof *rows);
    for (size_t i = 0; i < n; i++) p->w[i] = w ? w[i] : 1.0;
    if (finish_weights(p, err, NULL)) {
        vposterior_free(p);
        return -1;
    }
    return 0;
}

int vposterior_load(const char *path, const truce_scenario *s, vposterior *p, truce_error *err)
{
    memset(p, 0, sizeof *p);
    p->P = truce_param_count();
    if (truce_file_hash(path, p->hash, err)) return -1;
    const char *base = strrchr(path, '/');
    snprintf(p->name, sizeof p->name, "%s", base ? base + 1 : path);
    csv_reader *rd = csv_open_file(path, err);
    if (!rd) return -1;
    double *scen = malloc(p->P * sizeof *scen);
    long *col = NULL;
    csv_record rec;
    int rc = -1, got;
    size_t ncol = 0, cap = 0;
    if (!scen) goto oom;
    truce_scenario_params(s, scen);
    got = csv_next(rd, &rec, err);
    if (got <= 0) {
        if (got == 0) truce_error_set(err, TRUCE_EINPUT, path, 1, NULL, "empty file: expected a header `weight,` then parameter names");
        goto done;
    }
    if (rec.has_nul || rec.bad_utf8 || rec.malformed) {
        truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "header is not valid CSV text");
        goto done;
    }
    ncol = rec.n;
    col = malloc(ncol * sizeof *col);
    if (!col) goto oom;
    int has_weight = 0;
    for (size_t c = 0; c < ncol; c++) {
        char name[128];
        csv_field_copy(&rec.fields[c], name, sizeof name);
        if (strcmp(name, "weight") == 0) {
            col[c] = -1;
            if (has_weight) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, name, "column given twice");
                goto done;
            }
            has_weight = 1;
            continue;
        }
        col[c] = truce_param_find(name);
        if (col[c] < 0) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, name[0] ? name : "(empty)",
                            "not a parameter (see 'truce params') nor 'weight'");
            goto done;
        }
        for (size_t d = 0; d < c; d++)
            if (col[d] == col[c]) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, name, "column given twice");
                goto done;
            }
        p->ncols++;
    }
    while ((got = csv_next(rd, &rec, err)) == 1) {
        if (rec.n == 1 && rec.fields[0].len == 0) continue;
        if (rec.has_nul || rec.bad_utf8 || rec.malformed) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "not valid CSV text");
            goto done;
        }
        if (rec.n != ncol) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "%zu fields, the header has %zu", rec.n, ncol);
            goto done;
        }
        if (p->n == cap) {
            cap = cap ? 2 * cap : 64;
            double *r2 = realloc(p->rows, cap * p->P * sizeof *r2);
            if (!r2) goto oom;
            p->rows = r2;
            double *w2 = realloc(p->w, cap * sizeof *w2);
            if (!w2) goto oom;
            p->w = w2;
        }
        double *row = p->rows + p->n * p->P;
        memcpy(row, scen, p->P * sizeof *row);
        p->w[p->n] = 1.0;
        for (size_t c = 0; c < ncol; c++) {
            double v;
            const char *field = col[c] < 0 ? "weight" : truce_param_at((size_t)col[c])->name;
            if (csv_parse_decimal(rec.fields[c].ptr, rec.fields[c].len, &v) || !isfinite(v)) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, field, "'%.*s' is not a finite number",
                                (int)(rec.fields[c].len > 40 ? 40 : rec.fields[c].len), rec.fields[c].ptr);
                goto done;
            }
            if (col[c] < 0) {
                if (v < 0.0) {
                    truce_error_set(err, TRUCE_EINPUT, path, rec.line, field, "%.17g is negative", v);
                    goto done;
                }
                p->w[p->n] = v;
            } else {
                row[col[c]] = v;
            }
        }
        truce_error e2;
        if (truce_params_check(row, &e2)) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "%s", e2.message);
            goto done;
        }
        p->n++;
    }
    if (got < 0) goto done;
    if (p->n == 0) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "no particles under the header");
        goto done;
    }
    p->cum = malloc(p->n * sizeof *p->cum);
    if (!p->cum) goto oom;
    if (finish_weights(p, err, path)) goto done;
    rc = 0;
    goto done;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
done:
    free(col);
    free(scen);
    csv_close(rd);
    if (rc) vposterior_free(p);
    return rc;
}

size_t vposterior_pick(const vposterior *p, uint64_t seed, uint64_t draw, uint32_t purpose)
{
    rng_stream st;
    rng_open(&st, seed, (uint32_t)draw, (uint32_t)(draw >> 32) & 0xffffu, 0, purpose);
    double u = rng_uniform(&st);
    size_t lo = 0, hi = p->n - 1;   /* the first i with cum[i] >= u */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->cum[mid] >= u) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

static int whole_period(int32_t first, int32_t last)
{
    int y, m, d, y2, m2, d2;
    cal_civil_from_days(first, &y, &m, &d);
    cal_civil_from_days(last, &y2, &m2, &d2);
    if (d != 1 || y2 != y || d2 != cal_days_in_month(y2, m2)) return 0;
    return m2 == m || (m == 1 && m2 == 12) || ((m - 1) % 3 == 0 && m2 == m + 2);
}

truce_reported *validate_rows(const truce_scenario *s, const truce_reported *data, int32_t last,
                              truce_record *record, truce_error *err)
{
    truce_reported *out = reported_new("validate");
    if (!out) goto oom;
    memset(record, 0, sizeof *record);
    record->by = TRUCE_BY_MONTH;
    record->from = INT32_MAX;
    record->to = INT32_MIN;
    const int32_t hi = s->end < last ? s->end : last;
    const uint64_t every = s->nregions >= 64 ? UINT64_MAX : ((uint64_t)1 << s->nregions) - 1;
    for (size_t i = 0; i < truce_reported_count(data); i++) {
        truce_reported_entry e;
        truce_reported_row(data, i, &e);
        truce_variable vars[8];
        uint64_t regions = 0;
        int nv = observe_model_of(s, e.source, e.metric, e.geography, vars, &regions);
        if (!nv || !isfinite(e.value) || e.first < s->start || e.last > hi || !whole_period(e.first, e.last))
            continue;
        if (reported_add(out, e.source, e.metric, e.geography, e.first, e.last, e.value)) goto oom;
        for (int k = 0; k < nv; k++) record->variables |= (uint64_t)1 << vars[k];
        if (regions == every) record->total = 1;
        else record->regions |= regions;
        if (e.first < record->from) record->from = e.first;
        if (e.last > record->to) record->to = e.last;
    }
    if (truce_reported_count(out) == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "data",
                        "no reported row has a reporting model inside the horizon: nothing to compare the model with");
        truce_reported_free(out);
        return NULL;
    }
    return out;
oom:
    truce_reported_free(out);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    return NULL;
}

int validate_parallel(size_t n, int threads, validate_fn fn, void *ctx,
                      void (*progress)(void *, uint64_t, uint64_t), void *pctx, truce_error *err)
{
    const long long hi = (long long)n;
    long long failed = hi;
    uint64_t ndone = 0;
    truce_error first_err;
    truce_error_clear(&first_err);
    int nthreads = threads > 0 ? threads : 1;
#ifdef _OPENMP
    if (threads <= 0) nthreads = omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads) if (nthreads != 1)
#endif
    for (long long i = 0; i < hi; i++) {
        truce_error e1;
        truce_error_clear(&e1);
        if (fn(ctx, (size_t)i, &e1) != 0) {
#ifdef _OPENMP
#pragma omp critical
#endif
            if (i < failed) {
                failed = i;
                first_err = e1;
            }
        }
#ifdef _OPENMP
#pragma omp critical
#endif
        {
            ndone++;
            if (progress) progress(pctx, ndone, (uint64_t)n);
        }
    }
    (void)nthreads;
    if (failed < hi) {
        if (err) *err = first_err;
        return -1;
    }
    return 0;
}

void validate_series_name(const char *source, const char *metric, const char *place,
                          char *out, size_t cap)
{
    snprintf(out, cap, "%s:%s:%s", source, metric, place);
}

int validate_check_other(const char *what, const char *dir, truce_error *err)
{
    if (strcmp(what, "forecast") == 0) return validate_forecast_check(dir, err);
    if (strcmp(what, "sbc") == 0) return validate_sbc_check(dir, err);
    truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "no validation '%s'", what);
    return -1;
}
