/* observe — the observation models: what each source would report of a run. The model's
 * counts are the truth of the simulated world; each source sees them through its own
 * reporting rate and noise (negative binomial), over the regions its geography covers
 * (the scenario's `observations` table) and with its metric's meaning (truce_metric_map).
 * docs/observations.md explains the design. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "observe.h"
#include "result.h"
#include "rng.h"
#include "series.h"

void truce_observe_options_init(truce_observe_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->version = TRUCE_OBSERVE_OPTIONS_VERSION;
}

/* The parameter obs_<what>_<source in lower case>, or -1 if the source has no model. */
static long source_param(const char *what, const char *source)
{
    char name[96];
    int n = snprintf(name, sizeof name, "obs_%s_", what);
    for (const char *c = source; *c && n < (int)sizeof name - 1; c++)
        name[n++] = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_';
    name[n] = '\0';
    return truce_param_find(name);
}

/* The model variables a metric sums (at most 8), or 0 if the model does not make it. */
static int metric_variables(const char *metric, truce_variable vars[8])
{
    for (size_t i = 0; i < truce_metric_map_count(); i++) {
        const truce_metric_map *m = truce_metric_map_at(i);
        if (strcmp(m->metric, metric) != 0) continue;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", m->variables);
        int n = 0;
        char *save = NULL;
        for (char *t = strtok_r(buf, "+", &save); t && n < 8; t = strtok_r(NULL, "+", &save))
            if (truce_variable_find(t, &vars[n]) == 0) n++;
            else return 0;
        return n;
    }
    return truce_variable_find(metric, &vars[0]) == 0 && truce_variable_is_flow(vars[0]) ? 1 : 0;
}

static const geography *find_geography(const truce_scenario *s, const char *name)
{
    for (size_t g = 0; g < s->ngeographies; g++)
        if (strcmp(s->geographies[g].name, name) == 0) return &s->geographies[g];
    return NULL;
}

/* The stream of one report: (source, metric, geography) and the period's length, so that a
 * quarter and the year that start on the same day draw apart (the day field adds the start). */
static uint32_t series_key(const char *source, const char *metric, const char *place, int32_t days)
{
    uint32_t h = 2166136261u;
    for (int b = 0; b < 4; b++) h = (h ^ ((uint32_t)days >> (8 * b) & 0xffu)) * 16777619u;
    const char *parts[3] = {source, metric, place};
    for (int k = 0; k < 3; k++) {
        for (const char *c = parts[k]; *c; c++) h = (h ^ (uint8_t)*c) * 16777619u;
        h = (h ^ 0x1fu) * 16777619u; /* a separator, so "ab"+"c" differs from "a"+"bc" */
    }
    return h;
}

truce_reported *truce_observe(const truce_result *r, const truce_scenario *s, const truce_reported *like,
                              const truce_observe_options *opt, truce_error *err)
{
    truce_observe_options dflt;
    if (!opt) {
        truce_observe_options_init(&dflt);
        opt = &dflt;
    }
    if (opt->version != TRUCE_OBSERVE_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_observe_options: call truce_observe_options_init");
        return NULL;
    }
    if (opt->params && truce_params_check(opt->params, err)) return NULL;
    const double *p = opt->params ? opt->params : s->params;
    if (r->nregions != s->nregions) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "the run is not of this scenario");
        return NULL;
    }
    truce_reported *out = reported_new("observed");
    if (!out) goto oom;
    const size_t n = truce_reported_count(like);
    /* the lookups by name of the previous row, kept while the source, metric and geography
     * stay the same (rows of one series come together) */
    const char *src = NULL, *met = NULL, *geo = NULL;
    long rate = -1, size = -1;
    truce_variable vars[8];
    int nvars = 0;
    const geography *g = NULL;
    for (size_t i = 0; i < n; i++) {
        truce_reported_entry e;
        truce_reported_row(like, i, &e);
        if (src != e.source && (!src || strcmp(src, e.source) != 0)) {
            src = e.source;
            rate = source_param("rate", e.source);
            size = source_param("dispersion", e.source);
        }
        if (met != e.metric && (!met || strcmp(met, e.metric) != 0)) {
            met = e.metric;
            nvars = metric_variables(e.metric, vars);
        }
        if (geo != e.geography && (!geo || strcmp(geo, e.geography) != 0)) {
            geo = e.geography;
            g = find_geography(s, e.geography);
        }
        if (rate < 0 || size < 0 || nvars == 0 || !g) continue;
        if (e.first < r->rec.from || e.last > r->rec.to) continue;
        const uint64_t every = s->nregions >= 64 ? UINT64_MAX : ((uint64_t)1 << s->nregions) - 1;
        double truth = 0.0;
        for (int k = 0; k < nvars; k++) {
            if (g->regions == every && r->row_of[r->nregions] >= 0) {
                truth += truce_result_total(r, r->nregions, vars[k], e.first, e.last);
                continue;
            }
            for (size_t reg = 0; reg < s->nregions; reg++)
                if (g->regions >> reg & 1u) truth += truce_result_total(r, reg, vars[k], e.first, e.last);
        }
        if (!isfinite(truth)) continue; /* not recorded, or a period the record cannot split */
        const double mean = p[rate] * truth;
        double value = mean;
        if (!opt->expected && !r->mean_field) {
            const uint32_t key = series_key(e.source, e.metric, e.geography, e.last - e.first + 1);
            rng_stream st;
            rng_open(&st, r->seed, r->run, key & 0xffffu,
                     (key >> 16 & 0x7fffu) << 17 | (uint32_t)(e.first - r->start), PUR_OBSERVE);
            value = (double)rng_negbin(&st, mean, p[size]);
        }
        if (reported_add(out, e.source, e.metric, e.geography, e.first, e.last, value)) goto oom;
    }
    return out;
oom:
    truce_reported_free(out);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    return NULL;
}

int observe_model_of(const truce_scenario *s, const char *source, const char *metric,
                     const char *place, truce_variable vars[8], uint64_t *regions)
{
    truce_variable v[8];
    int nvars = metric_variables(metric, v);
    const geography *g = find_geography(s, place);
    if (source_param("rate", source) < 0 || source_param("dispersion", source) < 0 || nvars == 0 || !g)
        return 0;
    if (vars) memcpy(vars, v, sizeof v);
    if (regions) *regions = g->regions;
    return nvars;
}
