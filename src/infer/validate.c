/* validate — what the validation commands share (validate.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
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
    truce_posterior *tp = truce_posterior_load(path, s, err);
    if (!tp) return -1;
    const size_t n = truce_posterior_count(tp), P = truce_param_count();
    double *rows = malloc((n ? n : 1) * P * sizeof *rows), *w = malloc((n ? n : 1) * sizeof *w);
    double *scen = malloc(P * sizeof *scen);
    int rc = -1;
    if (!rows || !w || !scen) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        truce_posterior_params(tp, i, rows + i * P);
        w[i] = truce_posterior_weight(tp, i);
    }
    if (vposterior_set(p, n, P, rows, w, err)) goto done;
    snprintf(p->name, sizeof p->name, "%s", truce_posterior_name(tp));
    snprintf(p->hash, sizeof p->hash, "%s", truce_posterior_hash(tp));
    /* the parameters the file names: those whose value differs from the scenario's in some
     * row are certainly named; count the columns as the parameters that vary or differ */
    truce_scenario_params(s, scen);
    for (size_t k = 0; k < P; k++)
        for (size_t i = 0; i < n; i++)
            if (rows[i * P + k] != scen[k]) {
                p->ncols++;
                break;
            }
    rc = 0;
done:
    free(rows);
    free(w);
    free(scen);
    truce_posterior_free(tp);
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

void validate_json_head(FILE *f, const truce_provenance *prov, const truce_scenario *s)
{
    fprintf(f, "{\n  \"truce_version\": \"%s\",\n", TRUCE_VERSION);
    if (prov && prov->command) {
        fputs("  \"command\": ", f);
        outdir_json_string(f, prov->command);
        fputs(",\n", f);
    }
    fputs("  \"scenario\": ", f);
    outdir_json_string(f, truce_scenario_name(s));
    fprintf(f, ",\n  \"scenario_hash\": \"%s\",\n", truce_scenario_hash(s));
}

void validate_csv_name(FILE *f, const char *name)
{
    fputc('"', f);
    for (const char *c = name; *c; c++) {
        if (*c == '"') fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}
