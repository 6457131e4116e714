/* fit_target — summary statistics of the reported series and a robustly scaled distance
 * (docs/calibration.md, "Summaries and distance").
 *
 * The target keeps the data rows its summaries read (the `like` table). A simulation runs the
 * model, asks the observation models what each source would have reported of that run for
 * exactly those rows (truce_observe), and computes the same summaries from the simulated
 * reports as from the data: one function makes both, so the observed data are at distance 0
 * from themselves. Sources are never spliced or averaged: every summary reads one series
 * (source, metric, geography). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "fit_target.h"
#include "model.h"
#include "observe.h"
#include "scenario.h"
#include "series.h"

/* A series has monthly summaries when it reports at least this many months: fewer scattered
 * months say little about a monthly path and are still counted in the yearly levels when
 * they make up whole years. */
#define MONTHLY_MIN 12
/* Seasonality needs at least this many months in each half of the year. */
#define SEASON_MIN 3
/* Scale floors (docs/calibration.md): a summary on the log1p scale cannot be resolved finer
 * than 0.1 (a 10 % difference; the sampling noise of a count of 100); a share finer than 0.02. */
#define FLOOR_LOG 0.1
#define FLOOR_SHARE 0.02
/* Normal consistency of the median absolute deviation (sigma = 1.4826 MAD). */
#define MAD_NORMAL 1.482602218505602

typedef struct sdef {
    fit_summary_kind kind;
    size_t series;
    size_t *idx;      /* YEAR, MONTH: like rows summed; SEASON: warm rows then cold rows;
                         GROWTH: summary indices, late years then early years */
    size_t n, na;     /* na: the first group's length (SEASON, GROWTH) */
    size_t episode;   /* EPISODE: index into eps; which: 0 after/before, 1 during/before */
    int which;
    char *name;
} sdef;

typedef struct sseries {
    char *source, *metric, *geography;
    size_t *months;   /* like rows of the monthly summaries, in date order (n_months) */
    size_t nmonths;
    int episodes;     /* has episode summaries */
} sseries;

/* A checkpoint of early rejection: the model is advanced to `day`, and the like rows whose
 * period ends after the previous checkpoint and on or before `day` are observed. */
typedef struct fit_checkpoint_rows {
    int32_t day;
    truce_reported *rows;        /* those rows, in like order */
    size_t *like_of;             /* their index in like */
    size_t nrows;
} fit_checkpoint_rows;

struct fit_target {
    truce_scenario *sc;          /* a copy: the scenario whose runs are compared */
    truce_reported *like;        /* the rows the summaries read */
    size_t nlike;
    sseries *series;
    size_t nseries;
    sdef *defs;
    size_t dim;
    double *observed, *scales;
    size_t skipped_unmodelled, skipped_outside;
    int32_t last_day;
    truce_record rec;
    truce_timeline *timeline;    /* the scenario's ceasefires, for the event study */
    char **eps;                  /* their ids */
    size_t neps;
    /* early rejection (fit_target_simulate_within) */
    int32_t *ready;              /* per summary: the last day its inputs cover (INT32_MAX:
                                    computed only from the whole run) */
    size_t count[FIT_SUMMARY_KINDS];  /* summaries of each kind (the blocks' n_k) */
    fit_checkpoint_rows *cps;    /* checkpoints, in date order */
    size_t ncps;
    fit_checkpoint_rows tail;    /* the rows after the last checkpoint (day: last of data) */
};

void fit_target_options_init(fit_target_options *opt)
{
    opt->cutoff = INT32_MAX;
}

/* ---- construction ---- */

enum { P_MONTH, P_QUARTER, P_YEAR, P_OTHER };

typedef struct cand {
    const char *source, *metric, *geography;
    int32_t first, last;
    double value;
    size_t series;
    int period;       /* P_* */
    int year, month;  /* of the first day */
    long like;        /* index in the like table, -1 if unused */
} cand;

static int period_kind(int32_t first, int32_t last, int *year, int *month)
{
    int y, m, d, y2, m2, d2;
    cal_civil_from_days(first, &y, &m, &d);
    cal_civil_from_days(last, &y2, &m2, &d2);
    *year = y;
    *month = m;
    if (d != 1 || y2 != y || d2 != cal_days_in_month(y2, m2)) return P_OTHER;
    if (m2 == m) return P_MONTH;
    if (m == 1 && m2 == 12) return P_YEAR;
    if ((m - 1) % 3 == 0 && m2 == m + 2) return P_QUARTER;
    return P_OTHER;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->series != y->series) return x->series < y->series ? -1 : 1;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    if (x->last != y->last) return x->last < y->last ? -1 : 1;
    return 0;
}

static sdef *add_def(fit_target *t, size_t *cap, fit_summary_kind kind, size_t series,
                     const char *fmt_name)
{
    if (t->dim == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        sdef *p = realloc(t->defs, c * sizeof *p);
        if (!p) return NULL;
        t->defs = p;
        *cap = c;
    }
    sdef *d = &t->defs[t->dim];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->series = series;
    d->name = dupstr(fmt_name);
    if (!d->name) return NULL;
    t->dim++;
    return d;
}

static int def_indices(sdef *d, const size_t *idx, size_t n, size_t na)
{
    d->idx = malloc((n ? n : 1) * sizeof *d->idx);
    if (!d->idx) return -1;
    if (n) memcpy(d->idx, idx, n * sizeof *idx);
    d->n = n;
    d->na = na;
    return 0;
}

/* The scenario's ceasefires as a timeline for the event study (dates at their recorded
 * precision, so the study's windows are those of `truce episodes`). */
truce_timeline *fit_ceasefire_timeline(const truce_scenario *s, char ***ids, size_t *nids,
                                       truce_error *err)
{
    size_t cap = 64 + s->nepisodes * 96, used = 0, n = 0;
    char *text = malloc(cap);
    char **list = calloc(s->nepisodes ? s->nepisodes : 1, sizeof *list);
    truce_timeline *tl = NULL;
    *ids = NULL;
    *nids = 0;
    if (!text || !list) goto oom;
    used += (size_t)snprintf(text, cap, "id,start,end,kind\n");
    for (size_t i = 0; i < s->nepisodes; i++) {
        const episode *e = &s->episodes[i];
        if (strcmp(e->kind, "ceasefire") != 0) continue;
        char a[11], b[11];
        cal_format(e->start, a);
        cal_format(e->end, b);
        int la = e->start_precision == TRUCE_PRECISION_YEAR ? 4 : e->start_precision == TRUCE_PRECISION_MONTH ? 7 : 10;
        int lb = e->end_precision == TRUCE_PRECISION_YEAR ? 4 : e->end_precision == TRUCE_PRECISION_MONTH ? 7 : 10;
        if (e->open_end) lb = 0;
        used += (size_t)snprintf(text + used, cap - used, "%s,%.*s,%.*s,ceasefire\n", e->id, la, a, lb, b);
        list[n] = dupstr(e->id);
        if (!list[n]) goto oom;
        n++;
    }
    if (n) {
        tl = truce_timeline_load_memory("scenario episodes", text, used, err);
        if (!tl) goto fail;
    }
    free(text);
    *ids = list;
    *nids = n;
    return tl;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
fail:
    free(text);
    for (size_t i = 0; list && i < n; i++) free(list[i]);
    free(list);
    return NULL;
}

static truce_episodes *episode_study(const fit_target *t, size_t si, const double *v,
                                     truce_error *err)
{
    const sseries *s = &t->series[si];
    truce_series *ser = truce_series_new(s->source, s->metric, s->geography);
    if (!ser) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    for (size_t k = 0; k < s->nmonths; k++) {
        truce_reported_entry e;
        truce_reported_row(t->like, s->months[k], &e);
        double x = v[s->months[k]];
        if (!(x >= 0.0) || !isfinite(x)) x = 0.0; /* a report is a count >= 0 */
        if (truce_series_add(ser, e.first, e.last, x, err)) {
            truce_series_free(ser);
            return NULL;
        }
    }
    truce_episodes_options o;
    truce_episodes_options_init(&o);
    o.placebos = 0;
    o.episodes = (const char *const *)t->eps;
    o.nepisodes = t->neps;
    truce_series *list[1] = {ser};
    truce_episodes *st = truce_episodes_run(t->timeline, list, 1, &o, err);
    truce_series_free(ser);
    return st;
}

/* The statistic of one window against the before window: log of the ratio of the rates,
 * each (count + 0.5) / known days so that a window without events still has a finite log. */
static double episode_stat(const truce_episode_row *r, int which)
{
    double cb = r->count_before, db = r->days_before;
    double cx = which == 0 ? r->count_after : r->count_during;
    double dx = which == 0 ? r->days_after : r->days_during;
    double rx = which == 0 ? r->rate_after : r->rate_during;
    if (!isfinite(r->rate_before) || !isfinite(rx) || !(db > 0.0) || !(dx > 0.0)) return NAN;
    return log((cx + 0.5) / dx) - log((cb + 0.5) / db);
}

static const truce_episode_row *episode_row(const truce_episodes *st, const char *id)
{
    for (size_t i = 0; i < truce_episodes_row_count(st); i++) {
        const truce_episode_row *r = truce_episodes_row(st, i);
        if (strcmp(r->episode, id) == 0) return r;
    }
    return NULL;
}

static int compute(const fit_target *t, const double *v, double *out, truce_error *err);
static int early_setup(fit_target *t);

fit_target *fit_target_new(const truce_scenario *sc, const truce_reported *data,
                           const fit_target_options *opt, truce_error *err)
{
    fit_target_options dflt;
    if (!opt) {
        fit_target_options_init(&dflt);
        opt = &dflt;
    }
    fit_target *t = calloc(1, sizeof *t);
    cand *c = NULL;
    size_t nc = 0, scap = 0, dcap = 0;
    size_t *tmp = NULL, *tmp2 = NULL;
    char name[512];
    if (!t) goto oom;
    t->sc = truce_scenario_copy(sc, err);
    if (!t->sc) goto fail;
    const size_t nrows = truce_reported_count(data);
    c = calloc(nrows ? nrows : 1, sizeof *c);
    tmp = malloc((nrows + 1) * sizeof *tmp);
    tmp2 = malloc((nrows + 1) * sizeof *tmp2);
    if (!c || !tmp || !tmp2) goto oom;
    const int32_t hi = sc->end < opt->cutoff ? sc->end : opt->cutoff;
    for (size_t i = 0; i < nrows; i++) {
        truce_reported_entry e;
        truce_reported_row(data, i, &e);
        if (!isfinite(e.value)) continue;
        if (!observe_model_of(sc, e.source, e.metric, e.geography, NULL, NULL)) {
            t->skipped_unmodelled++;
            continue;
        }
        cand x = {e.source, e.metric, e.geography, e.first, e.last, e.value, 0, P_OTHER, 0, 0, -1};
        x.period = period_kind(e.first, e.last, &x.year, &x.month);
        if (e.first < sc->start || e.last > hi || x.period == P_OTHER) {
            t->skipped_outside++;
            continue;
        }
        size_t s = 0;
        while (s < t->nseries && !(strcmp(t->series[s].source, e.source) == 0 &&
                                   strcmp(t->series[s].metric, e.metric) == 0 &&
                                   strcmp(t->series[s].geography, e.geography) == 0))
            s++;
        if (s == t->nseries) {
            if (t->nseries == scap) {
                size_t nc2 = scap ? 2 * scap : 16;
                sseries *p = realloc(t->series, nc2 * sizeof *p);
                if (!p) goto oom;
                t->series = p;
                scap = nc2;
            }
            sseries *ns = &t->series[t->nseries];
            memset(ns, 0, sizeof *ns);
            t->nseries++;
            ns->source = dupstr(e.source);
            ns->metric = dupstr(e.metric);
            ns->geography = dupstr(e.geography);
            if (!ns->source || !ns->metric || !ns->geography) goto oom;
        }
        x.series = s;
        c[nc++] = x;
    }
    qsort(c, nc, sizeof *c, cand_cmp);
    { /* a period reported twice in one series: keep one (qsort is not stable, so which
         one is not defined; the shipped data have no such duplicate) and count the other */
        size_t w = 0;
        for (size_t i = 0; i < nc; i++) {
            if (w && c[w - 1].series == c[i].series && c[w - 1].first == c[i].first &&
                c[w - 1].last == c[i].last) {
                t->skipped_outside++;
                continue;
            }
            c[w++] = c[i];
        }
        nc = w;
    }
    /* Which rows the summaries read: yearly levels (a yearly row, or 12 months, or 4
     * quarters of one series) and the months of series with MONTHLY_MIN months or more. */
    typedef struct ylevel { size_t series; int year; size_t first_cand, n; int how; } ylevel;
    ylevel *yl = NULL;
    size_t nyl = 0, ylcap = 0;
    int *monthly = calloc(t->nseries ? t->nseries : 1, sizeof *monthly);
    if (!monthly) goto oom;
    for (size_t a = 0; a < nc;) {
        size_t b = a;
        while (b < nc && c[b].series == c[a].series) b++;
        size_t nm = 0;
        for (size_t i = a; i < b; i++) nm += c[i].period == P_MONTH;
        monthly[c[a].series] = nm >= MONTHLY_MIN;
        if (monthly[c[a].series])
            for (size_t i = a; i < b; i++)
                if (c[i].period == P_MONTH) c[i].like = 0;
        int y0 = c[a].year, y1 = c[b - 1].year;
        for (size_t i = a; i < b; i++) if (c[i].year > y1) y1 = c[i].year;
        for (int y = y0; y <= y1; y++) {
            size_t iy = b, nmo = 0, nq = 0;
            for (size_t i = a; i < b; i++) {
                if (c[i].year != y) continue;
                if (c[i].period == P_YEAR) iy = i;
                nmo += c[i].period == P_MONTH;
                nq += c[i].period == P_QUARTER;
            }
            int how = iy < b ? P_YEAR : nmo == 12 ? P_MONTH : nq == 4 ? P_QUARTER : -1;
            if (how < 0) continue;
            if (nyl == ylcap) {
                size_t n2 = ylcap ? 2 * ylcap : 32;
                ylevel *p = realloc(yl, n2 * sizeof *p);
                if (!p) {
                    free(yl);
                    free(monthly);
                    goto oom;
                }
                yl = p;
                ylcap = n2;
            }
            yl[nyl++] = (ylevel){c[a].series, y, a, b - a, how};
            for (size_t i = a; i < b; i++)
                if (c[i].year == y && c[i].period == how) c[i].like = 0;
        }
        a = b;
    }
    t->like = reported_new("fit target");
    if (!t->like) {
        free(yl);
        free(monthly);
        goto oom;
    }
    for (size_t i = 0; i < nc; i++) {
        if (c[i].like < 0) continue;
        c[i].like = (long)t->nlike++;
        if (reported_add(t->like, c[i].source, c[i].metric, c[i].geography, c[i].first, c[i].last, c[i].value)) {
            free(yl);
            free(monthly);
            goto oom;
        }
    }
    int ok = 1;
    /* yearly levels */
    size_t year_first = t->dim;
    for (size_t k = 0; k < nyl && ok; k++) {
        const sseries *s = &t->series[yl[k].series];
        size_t n = 0;
        for (size_t i = yl[k].first_cand; i < yl[k].first_cand + yl[k].n; i++)
            if (c[i].year == yl[k].year && c[i].period == yl[k].how) tmp[n++] = (size_t)c[i].like;
        snprintf(name, sizeof name, "year:%s:%s:%s:%d", s->source, s->metric, s->geography, yl[k].year);
        sdef *d = add_def(t, &dcap, FIT_SUMMARY_YEAR, yl[k].series, name);
        ok = d && def_indices(d, tmp, n, n) == 0;
    }
    size_t year_end = t->dim;
    /* monthly values */
    for (size_t i = 0; i < nc && ok; i++) {
        if (!monthly[c[i].series] || c[i].period != P_MONTH) continue;
        const sseries *s = &t->series[c[i].series];
        snprintf(name, sizeof name, "month:%s:%s:%s:%04d-%02d", s->source, s->metric, s->geography, c[i].year, c[i].month);
        sdef *d = add_def(t, &dcap, FIT_SUMMARY_MONTH, c[i].series, name);
        size_t li = (size_t)c[i].like;
        ok = d && def_indices(d, &li, 1, 1) == 0;
    }
    /* growth: mean log1p level of the last three years of data against the three years
     * five years earlier (2023-25 against 2018-20 on the shipped data) */
    int ylast = INT32_MIN;
    for (size_t k = 0; k < nyl; k++) if (yl[k].year > ylast) ylast = yl[k].year;
    for (size_t s = 0; s < t->nseries && ok && nyl; s++) {
        size_t nl = 0, ne = 0;
        for (size_t k = year_first; k < year_end; k++) {
            const ylevel *y = &yl[k - year_first];
            if (y->series != s) continue;
            if (y->year >= ylast - 2 && y->year <= ylast) tmp[nl++] = k;
        }
        for (size_t k = year_first; k < year_end; k++) {
            const ylevel *y = &yl[k - year_first];
            if (y->series != s) continue;
            if (y->year >= ylast - 7 && y->year <= ylast - 5) tmp2[ne++] = k;
        }
        if (!nl || !ne) continue;
        memcpy(tmp + nl, tmp2, ne * sizeof *tmp);
        const sseries *ss = &t->series[s];
        snprintf(name, sizeof name, "growth:%s:%s:%s:%d-%d/%d-%d", ss->source, ss->metric, ss->geography,
                 ylast - 2, ylast, ylast - 7, ylast - 5);
        sdef *d = add_def(t, &dcap, FIT_SUMMARY_GROWTH, s, name);
        ok = d && def_indices(d, tmp, nl + ne, nl) == 0;
    }
    /* seasonality: share of the warm half (April-September) in the monthly attacks */
    for (size_t s = 0; s < t->nseries && ok; s++) {
        if (!monthly[s] || strcmp(t->series[s].metric, "attacks") != 0) continue;
        size_t nw = 0, nco = 0;
        for (size_t i = 0; i < nc; i++)
            if (c[i].series == s && c[i].period == P_MONTH && c[i].month >= 4 && c[i].month <= 9)
                tmp[nw++] = (size_t)c[i].like;
        for (size_t i = 0; i < nc; i++)
            if (c[i].series == s && c[i].period == P_MONTH && !(c[i].month >= 4 && c[i].month <= 9))
                tmp2[nco++] = (size_t)c[i].like;
        if (nw < SEASON_MIN || nco < SEASON_MIN) continue;
        memcpy(tmp + nw, tmp2, nco * sizeof *tmp);
        const sseries *ss = &t->series[s];
        snprintf(name, sizeof name, "season:%s:%s:%s:warm_share", ss->source, ss->metric, ss->geography);
        sdef *d = add_def(t, &dcap, FIT_SUMMARY_SEASON, s, name);
        ok = d && def_indices(d, tmp, nw + nco, nw) == 0;
    }
    /* the months of each monthly series, for the event study */
    for (size_t s = 0; s < t->nseries && ok; s++) {
        if (!monthly[s]) continue;
        size_t n = 0;
        for (size_t i = 0; i < nc; i++)
            if (c[i].series == s && c[i].period == P_MONTH) tmp[n++] = (size_t)c[i].like;
        t->series[s].months = malloc(n * sizeof *tmp);
        ok = t->series[s].months != NULL;
        if (ok) memcpy(t->series[s].months, tmp, n * sizeof *tmp);
        t->series[s].nmonths = n;
    }
    free(yl);
    free(monthly);
    if (!ok) goto oom;
    /* episode windows: every ceasefire the observed monthly series resolve */
    {
        truce_error e2;
        truce_error_clear(&e2);
        t->timeline = fit_ceasefire_timeline(t->sc, &t->eps, &t->neps, &e2);
        if (!t->timeline && e2.code != TRUCE_OK) {
            if (err) *err = e2;
            goto fail;
        }
    }
    double *obsv = malloc((t->nlike ? t->nlike : 1) * sizeof *obsv);
    if (!obsv) goto oom;
    for (size_t i = 0; i < t->nlike; i++) {
        truce_reported_entry e;
        truce_reported_row(t->like, i, &e);
        obsv[i] = e.value;
    }
    for (size_t s = 0; s < t->nseries && t->neps && ok; s++) {
        if (!t->series[s].nmonths) continue;
        truce_episodes *st = episode_study(t, s, obsv, err);
        if (!st) {
            free(obsv);
            goto fail;
        }
        for (size_t e = 0; e < t->neps && ok; e++) {
            const truce_episode_row *r = episode_row(st, t->eps[e]);
            for (int which = 0; which < 2 && r && ok; which++) {
                if (!isfinite(episode_stat(r, which))) continue;
                const sseries *ss = &t->series[s];
                snprintf(name, sizeof name, "episode:%s:%s:%s:%s:%s", ss->source, ss->metric,
                         ss->geography, t->eps[e], which == 0 ? "after/before" : "during/before");
                sdef *d = add_def(t, &dcap, FIT_SUMMARY_EPISODE, s, name);
                ok = d != NULL;
                if (ok) {
                    d->episode = e;
                    d->which = which;
                    ok = def_indices(d, NULL, 0, 0) == 0;
                    t->series[s].episodes = 1;
                }
            }
        }
        truce_episodes_free(st);
    }
    if (!ok) {
        free(obsv);
        goto oom;
    }
    t->observed = malloc((t->dim ? t->dim : 1) * sizeof *t->observed);
    t->scales = malloc((t->dim ? t->dim : 1) * sizeof *t->scales);
    if (!t->observed || !t->scales) {
        free(obsv);
        goto oom;
    }
    if (compute(t, obsv, t->observed, err)) {
        free(obsv);
        goto fail;
    }
    free(obsv);
    for (size_t i = 0; i < t->dim; i++) t->scales[i] = 1.0;
    if (t->dim == 0) {
        truce_error_set(err, TRUCE_EINPUT, truce_scenario_name(sc), 0, "data",
                        "no reported row has a reporting model inside the horizon%s (%zu rows "
                        "without a model, %zu outside): nothing to compare the model with",
                        opt->cutoff != INT32_MAX ? " and the cutoff" : "", t->skipped_unmodelled,
                        t->skipped_outside);
        goto fail;
    }
    /* the record: monthly, the metrics' variables, the geographies' regions */
    memset(&t->rec, 0, sizeof t->rec);
    t->rec.by = TRUCE_BY_MONTH;
    t->rec.from = INT32_MAX;
    t->rec.to = INT32_MIN;
    const uint64_t every = sc->nregions >= 64 ? UINT64_MAX : ((uint64_t)1 << sc->nregions) - 1;
    for (size_t i = 0; i < t->nlike; i++) {
        truce_reported_entry e;
        truce_reported_row(t->like, i, &e);
        truce_variable vars[8];
        uint64_t regions = 0;
        int nv = observe_model_of(sc, e.source, e.metric, e.geography, vars, &regions);
        for (int k = 0; k < nv; k++) t->rec.variables |= (uint64_t)1 << vars[k];
        if (regions == every) t->rec.total = 1;
        else t->rec.regions |= regions;
        if (e.first < t->rec.from) t->rec.from = e.first;
        if (e.last > t->rec.to) t->rec.to = e.last;
    }
    t->last_day = t->rec.to;
    if (early_setup(t) != 0) goto oom;
    free(c);
    free(tmp);
    free(tmp2);
    return t;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
fail:
    free(c);
    free(tmp);
    free(tmp2);
    fit_target_free(t);
    return NULL;
}

void fit_target_free(fit_target *t)
{
    if (!t) return;
    truce_scenario_free(t->sc);
    truce_reported_free(t->like);
    for (size_t s = 0; s < t->nseries; s++) {
        free(t->series[s].source);
        free(t->series[s].metric);
        free(t->series[s].geography);
        free(t->series[s].months);
    }
    free(t->series);
    for (size_t i = 0; i < t->dim; i++) {
        free(t->defs[i].idx);
        free(t->defs[i].name);
    }
    free(t->defs);
    free(t->observed);
    free(t->scales);
    truce_timeline_free(t->timeline);
    for (size_t i = 0; i < t->neps; i++) free(t->eps[i]);
    free(t->eps);
    free(t->ready);
    for (size_t k = 0; k < t->ncps; k++) {
        truce_reported_free(t->cps[k].rows);
        free(t->cps[k].like_of);
    }
    free(t->cps);
    truce_reported_free(t->tail.rows);
    free(t->tail.like_of);
    free(t);
}

/* ---- early rejection: when each summary is complete, and the checkpoints ---- */

/* A yearly or monthly summary is complete once the last of its periods has been simulated;
 * growth, seasonality and the event study read the whole series (or its last years), so
 * they are complete only at the end (INT32_MAX). The checkpoints are the ends of the years
 * (before the last day of data) at which at least one summary becomes complete: a year of
 * simulation costs far more than observing that year's rows and summing the distance's
 * terms again (docs/fit.md, "Early rejection"). */
static int checkpoint_rows(const fit_target *t, const int32_t *last, int32_t after, int32_t day,
                           fit_checkpoint_rows *cp)
{
    const size_t nl = t->nlike;
    memset(cp, 0, sizeof *cp);
    cp->day = day;
    cp->rows = reported_new("fit checkpoint");
    cp->like_of = malloc((nl ? nl : 1) * sizeof *cp->like_of);
    if (!cp->rows || !cp->like_of) return -1;
    for (size_t i = 0; i < nl; i++) {
        if (!(last[i] > after && last[i] <= day)) continue;
        truce_reported_entry e;
        truce_reported_row(t->like, i, &e);
        if (reported_add(cp->rows, e.source, e.metric, e.geography, e.first, e.last, e.value)) return -1;
        cp->like_of[cp->nrows++] = i;
    }
    return 0;
}

static int early_setup(fit_target *t)
{
    const size_t nl = t->nlike;
    int32_t *last = malloc((nl ? nl : 1) * sizeof *last);
    t->ready = malloc((t->dim ? t->dim : 1) * sizeof *t->ready);
    if (!last || !t->ready) {
        free(last);
        return -1;
    }
    for (size_t i = 0; i < nl; i++) {
        truce_reported_entry e;
        truce_reported_row(t->like, i, &e);
        last[i] = e.last;
    }
    for (size_t i = 0; i < t->dim; i++) {
        const sdef *d = &t->defs[i];
        t->count[d->kind]++;
        int32_t r = INT32_MAX;
        if (d->kind == FIT_SUMMARY_YEAR || d->kind == FIT_SUMMARY_MONTH) {
            r = INT32_MIN;
            for (size_t k = 0; k < d->n; k++)
                if (last[d->idx[k]] > r) r = last[d->idx[k]];
        }
        t->ready[i] = r;
    }
    int y0, y1, mo, dy;
    cal_civil_from_days(t->rec.from, &y0, &mo, &dy);
    cal_civil_from_days(t->rec.to, &y1, &mo, &dy);
    int32_t prev = INT32_MIN;
    int rc = 0;
    for (int y = y0; y <= y1 && rc == 0; y++) {
        const int32_t day = cal_days_from_civil(y, 12, 31);
        if (day >= t->rec.to || day >= t->sc->end) break;
        size_t nready = 0;
        for (size_t i = 0; i < t->dim; i++) nready += t->ready[i] > prev && t->ready[i] <= day;
        if (!nready) continue;
        fit_checkpoint_rows *np = realloc(t->cps, (t->ncps + 1) * sizeof *np);
        if (!np) { rc = -1; break; }
        t->cps = np;
        fit_checkpoint_rows *cp = &t->cps[t->ncps++];
        rc = checkpoint_rows(t, last, prev, day, cp);
        prev = day;
    }
    /* the rest: observed from the whole run when the simulation was not stopped */
    if (rc == 0) rc = checkpoint_rows(t, last, prev, t->rec.to, &t->tail);
    free(last);
    return rc;
}

/* ---- summaries ---- */

static int compute(const fit_target *t, const double *v, double *out, truce_error *err)
{
    for (size_t i = 0; i < t->dim; i++) {
        const sdef *d = &t->defs[i];
        double x = NAN;
        switch (d->kind) {
        case FIT_SUMMARY_YEAR:
        case FIT_SUMMARY_MONTH: {
            double sum = 0.0;
            for (size_t k = 0; k < d->n; k++) sum += v[d->idx[k]];
            x = log1p(sum);
            break;
        }
        case FIT_SUMMARY_GROWTH: {
            double late = 0.0, early = 0.0;
            for (size_t k = 0; k < d->na; k++) late += out[d->idx[k]];
            for (size_t k = d->na; k < d->n; k++) early += out[d->idx[k]];
            x = late / (double)d->na - early / (double)(d->n - d->na);
            break;
        }
        case FIT_SUMMARY_SEASON: {
            double warm = 0.0, cold = 0.0;
            for (size_t k = 0; k < d->na; k++) warm += v[d->idx[k]];
            for (size_t k = d->na; k < d->n; k++) cold += v[d->idx[k]];
            warm /= (double)d->na;
            cold /= (double)(d->n - d->na);
            x = warm + cold > 0.0 ? warm / (warm + cold) : 0.5;
            break;
        }
        case FIT_SUMMARY_EPISODE:
        case FIT_SUMMARY_KINDS:
            break;
        }
        out[i] = x;
    }
    /* the event study, once per series that has episode summaries */
    for (size_t s = 0; s < t->nseries; s++) {
        if (!t->series[s].episodes) continue;
        truce_episodes *st = episode_study(t, s, v, err);
        if (!st) return -1;
        for (size_t i = 0; i < t->dim; i++) {
            const sdef *d = &t->defs[i];
            if (d->kind != FIT_SUMMARY_EPISODE || d->series != s) continue;
            const truce_episode_row *r = episode_row(st, t->eps[d->episode]);
            out[i] = r ? episode_stat(r, d->which) : NAN;
        }
        truce_episodes_free(st);
    }
    return 0;
}

int fit_target_summaries_of(const fit_target *t, const truce_reported *reported,
                            double *summaries, truce_error *err)
{
    if (truce_reported_count(reported) != t->nlike) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL,
                        "the simulated reports have %zu rows where the data have %zu",
                        truce_reported_count(reported), t->nlike);
        return -1;
    }
    double *v = malloc((t->nlike ? t->nlike : 1) * sizeof *v);
    if (!v) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < t->nlike; i++) {
        truce_reported_entry a, b;
        truce_reported_row(t->like, i, &a);
        truce_reported_row(reported, i, &b);
        if (a.first != b.first || a.last != b.last || strcmp(a.source, b.source) != 0 ||
            strcmp(a.metric, b.metric) != 0 || strcmp(a.geography, b.geography) != 0) {
            char p[11];
            cal_format(a.first, p);
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL,
                            "the simulated reports lack %s %s %s from %s", a.source, a.metric,
                            a.geography, p);
            free(v);
            return -1;
        }
        v[i] = b.value;
    }
    int rc = compute(t, v, summaries, err);
    free(v);
    return rc;
}

void fit_target_record(const fit_target *t, truce_record *rec)
{
    *rec = t->rec;
}

int32_t fit_target_last_day(const fit_target *t) { return t->last_day; }
size_t fit_target_dim(const fit_target *t) { return t->dim; }
const char *fit_target_summary_name(const fit_target *t, size_t i) { return i < t->dim ? t->defs[i].name : NULL; }
const double *fit_target_observed(const fit_target *t) { return t->observed; }
const double *fit_target_scales(const fit_target *t) { return t->scales; }
const truce_reported *fit_target_rows(const fit_target *t) { return t->like; }
size_t fit_target_skipped_unmodelled(const fit_target *t) { return t->skipped_unmodelled; }
size_t fit_target_skipped_outside(const fit_target *t) { return t->skipped_outside; }
fit_summary_kind fit_target_summary_kind(const fit_target *t, size_t i) { return t->defs[i].kind; }

int fit_target_simulate(const fit_target *t, const double *params, uint64_t seed, uint32_t run,
                        double *summaries, truce_error *err)
{
    truce_run_options ro;
    truce_run_options_init(&ro);
    ro.seed = seed;
    ro.run = run;
    ro.params = params;
    ro.record = t->rec;
    /* the totals over the organisations are all the summaries read */
    truce_model *mod = model_new_totals(t->sc, &ro, err);
    truce_result *r = mod ? truce_model_finish(mod, err) : NULL;
    if (!r) return -1;
    truce_observe_options oo;
    truce_observe_options_init(&oo);
    oo.params = params;
    truce_reported *rep = truce_observe(r, t->sc, t->like, &oo, err);
    truce_result_free(r);
    if (!rep) return -1;
    int rc = fit_target_summaries_of(t, rep, summaries, err);
    truce_reported_free(rep);
    return rc;
}

/* ---- scales and distance ---- */

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_sorted(const double *x, size_t n)
{
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

int fit_target_set_scales(fit_target *t, const double *pilot, size_t n, truce_error *err)
{
    double *col = malloc((n ? n : 1) * sizeof *col);
    if (!col) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < t->dim; i++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++) {
            double x = pilot[k * t->dim + i];
            if (isfinite(x)) col[m++] = x;
        }
        double floor = t->defs[i].kind == FIT_SUMMARY_SEASON ? FLOOR_SHARE : FLOOR_LOG;
        double sc = floor;
        if (m >= 2) {
            qsort(col, m, sizeof *col, dbl_cmp);
            double med = median_sorted(col, m);
            for (size_t k = 0; k < m; k++) col[k] = fabs(col[k] - med);
            qsort(col, m, sizeof *col, dbl_cmp);
            double mad = MAD_NORMAL * median_sorted(col, m);
            if (mad > sc) sc = mad;
        }
        t->scales[i] = sc;
    }
    free(col);
    return 0;
}

/* The distance over the summaries complete by `day` (every one for INT32_MAX), with the
 * blocks' full sizes n_k: the full distance is this sum with more terms, each >= 0. The one
 * function computes both, so the terms and their order are the same; rounding to nearest
 * is monotone, so adding a term >= 0 never lowers a floating-point sum, and the partial
 * value can never exceed the full one (tests/unit/test_fit_target.c checks it). */
static double distance_upto(const fit_target *t, const double *summaries, int32_t day)
{
    double block[FIT_SUMMARY_KINDS] = {0};
    for (size_t i = 0; i < t->dim; i++) {
        if (t->ready[i] > day) continue;
        double x = summaries[i];
        if (!isfinite(x)) return INFINITY;
        double z = (x - t->observed[i]) / t->scales[i];
        block[t->defs[i].kind] += z * z;
    }
    double d2 = 0.0;
    for (int k = 0; k < FIT_SUMMARY_KINDS; k++)
        if (t->count[k]) d2 += block[k] / (double)t->count[k];
    return sqrt(d2);
}

double fit_target_distance(const fit_target *t, const double *summaries)
{
    return distance_upto(t, summaries, INT32_MAX);
}

double fit_target_partial_distance(const fit_target *t, const double *summaries, int32_t day)
{
    return distance_upto(t, summaries, day);
}

int32_t fit_target_summary_ready(const fit_target *t, size_t i) { return t->ready[i]; }
size_t fit_target_checkpoint_count(const fit_target *t) { return t->ncps; }
int32_t fit_target_checkpoint(const fit_target *t, size_t k) { return t->cps[k].day; }

/* A yearly or monthly summary from the reported values v (as compute() makes it). */
static double level_summary(const sdef *d, const double *v)
{
    double sum = 0.0;
    for (size_t k = 0; k < d->n; k++) sum += v[d->idx[k]];
    return log1p(sum);
}

/* Observe the rows of cp from what r has recorded into v (at their like indices). */
static int observe_rows(const fit_target *t, const truce_result *r, const fit_checkpoint_rows *cp,
                        const truce_observe_options *oo, double *v, truce_error *err)
{
    truce_reported *rep = truce_observe(r, t->sc, cp->rows, oo, err);
    if (!rep) return -1;
    if (truce_reported_count(rep) != cp->nrows) {
        truce_reported_free(rep);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL,
                        "the simulated reports have %zu rows where the data have %zu (up to the checkpoint)",
                        truce_reported_count(rep), cp->nrows);
        return -1;
    }
    for (size_t i = 0; i < cp->nrows; i++) {
        truce_reported_entry e;
        truce_reported_row(rep, i, &e);
        v[cp->like_of[i]] = e.value;
    }
    truce_reported_free(rep);
    return 0;
}

int fit_target_simulate_within(const fit_target *t, const double *params, uint64_t seed, uint32_t run,
                               double eps, double *summaries, fit_sim_cost *cost, truce_error *err)
{
    fit_sim_cost dummy;
    if (!cost) cost = &dummy;
    memset(cost, 0, sizeof *cost);
    const int64_t full = (int64_t)t->sc->end - t->sc->start + 1;
    cost->full_days = full;
    truce_run_options ro;
    truce_run_options_init(&ro);
    ro.seed = seed;
    ro.run = run;
    ro.params = params;
    ro.record = t->rec;
    truce_model *m = model_new_totals(t->sc, &ro, err);
    if (!m) return -1;
    truce_observe_options oo;
    truce_observe_options_init(&oo);
    oo.params = params;
    if (isfinite(eps) && t->ncps) {
        double *v = malloc((t->nlike ? t->nlike : 1) * sizeof *v);
        double *part = malloc((t->dim ? t->dim : 1) * sizeof *part);
        if (!v || !part) {
            free(v);
            free(part);
            truce_model_free(m);
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
            return -1;
        }
        int32_t prev = INT32_MIN;
        int stop = 0, rc = 0;
        for (size_t k = 0; k < t->ncps && !stop && rc == 0; k++) {
            const fit_checkpoint_rows *cp = &t->cps[k];
            /* the rows ending by now: what truce_observe draws for a row depends on that row
             * alone (its series and period key the draw), and a recorded period that has
             * ended is never written again, so these are the values the observation of the
             * whole run gives them */
            if (truce_model_advance(m, cp->day, err) != 0 || observe_rows(t, model_recorded(m), cp, &oo, v, err) != 0) {
                rc = -1;
                break;
            }
            for (size_t i = 0; i < t->dim; i++)
                if (t->ready[i] > prev && t->ready[i] <= cp->day) part[i] = level_summary(&t->defs[i], v);
            prev = cp->day;
            /* strictly above the tolerance, with a margin far above any rounding: the full
             * distance is >= this bound, so the proposal would be rejected anyway */
            if (distance_upto(t, part, cp->day) > eps * (1.0 + 1e-12)) stop = 1;
        }
        free(part);
        if (rc == 0 && stop) {
            cost->days = (int64_t)truce_model_next_day(m) - t->sc->start;
            cost->stopped = 1;
            truce_model_free(m);
            free(v);
            for (size_t i = 0; i < t->dim; i++) summaries[i] = NAN;
            return 0;
        }
        /* not stopped: the rows after the last checkpoint, then the summaries from every
         * row's value, as fit_target_summaries_of computes them */
        if (rc == 0 && truce_model_advance(m, t->rec.to, err) == 0 &&
            observe_rows(t, model_recorded(m), &t->tail, &oo, v, err) == 0) {
            cost->days = (int64_t)truce_model_next_day(m) - t->sc->start;
            rc = compute(t, v, summaries, err);
        } else {
            rc = -1;
        }
        truce_model_free(m);
        free(v);
        return rc;
    }
    /* the run up to the last day of data: no summary reads a later day (a --cutoff or a
     * data set that ends before the horizon leaves days that need no simulating) */
    if (truce_model_advance(m, t->rec.to, err) != 0) {
        truce_model_free(m);
        return -1;
    }
    cost->days = (int64_t)truce_model_next_day(m) - t->sc->start;
    truce_reported *rep = truce_observe(model_recorded(m), t->sc, t->like, &oo, err);
    truce_model_free(m);
    if (!rep) return -1;
    int rc = fit_target_summaries_of(t, rep, summaries, err);
    truce_reported_free(rep);
    return rc;
}
