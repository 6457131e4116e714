/* result — what a run recorded, and its period summaries as series (the type observed data
 * use), so that simulated and reported series go through the same code. */
#include "result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

static const char *const flow_names[TRUCE_FLOW_COUNT] = {
    [TRUCE_FLOW_RECRUITED] = "recruited",
    [TRUCE_FLOW_TRAINED] = "trained",
    [TRUCE_FLOW_PROMOTED] = "promoted",
    [TRUCE_FLOW_DESERTED] = "deserted",
    [TRUCE_FLOW_KILLED_IN_OPERATIONS] = "killed_in_operations",
    [TRUCE_FLOW_CAPTURED] = "captured",
    [TRUCE_FLOW_KILLED_IN_ATTACKS] = "killed_in_own_attacks",
    [TRUCE_FLOW_KILLED_IN_STRIKES] = "killed_in_cross_border_strikes",
    [TRUCE_FLOW_MOVED_TO_SANCTUARY] = "moved_to_sanctuary",
    [TRUCE_FLOW_RETURNED_FROM_SANCTUARY] = "returned_from_sanctuary",
    [TRUCE_FLOW_RELEASED] = "released",
    [TRUCE_FLOW_REINTEGRATED] = "reintegrated",
    [TRUCE_FLOW_RECIDIVATED] = "recidivated",
    [TRUCE_FLOW_ATTACKS] = "attacks",
    [TRUCE_FLOW_ATTACKS_TRIGGERED] = "attack_hazard_from_self_excitation",
    [TRUCE_FLOW_ATTACKS_SUPPRESSED] = "attack_hazard_suppressed_by_ceasefires",
    [TRUCE_FLOW_COLLATERAL_DEATHS] = "collateral_civilian_deaths",
    [TRUCE_FLOW_SECURITY_DEATHS_IN_OPERATIONS] = "security_deaths_in_operations",
    [TRUCE_FLOW_BORDER_CLASHES] = "border_clash_days",
    [TRUCE_FLOW_SECURITY_DEATHS_IN_CLASHES] = "security_deaths_in_border_clashes",
    [TRUCE_FLOW_FUNDS_ILLICIT] = "funds_from_illicit_economy",
    [TRUCE_FLOW_FUNDS_PATRON] = "funds_from_patron",
    [TRUCE_FLOW_FUNDS_SPENT] = "funds_spent",
    [TRUCE_FLOW_FUNDS_DISRUPTED] = "funds_disrupted",
    [TRUCE_FLOW_CEASEFIRE_BREAKDOWNS] = "ceasefire_breakdowns",
    [TRUCE_FLOW_DEVELOPMENT_DELIVERED] = "development_delivered",
};

const char *truce_flow_name(truce_flow f)
{
    return (unsigned)f < TRUCE_FLOW_COUNT ? flow_names[f] : NULL;
}

/* ---- building ------------------------------------------------------------------------- */

static struct truce_result *result_new_one(const truce_scenario *s, const truce_record *rec,
                                           int org, truce_error *err)
{
    struct truce_result *r = calloc(1, sizeof *r);
    if (!r) goto oom;
    r->org = org;
    r->norgs = s->norgs;
    for (size_t k = 0; k < s->norgs; k++) memcpy(r->org_names[k], s->orgs[k].name, SCENARIO_NAME_MAX);
    r->rec = *rec;
    r->start = s->start;
    r->end = s->end;
    r->nregions = s->nregions;
    for (size_t g = 0; g < s->nregions; g++) memcpy(r->region_names[g], s->regions[g].name, SCENARIO_NAME_MAX);
    if (r->rec.from < s->start) r->rec.from = s->start;
    if (r->rec.to > s->end) r->rec.to = s->end;
    if ((unsigned)r->rec.by > TRUCE_BY_YEAR) {
        free(r);
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "record.by", "not a period");
        return NULL;
    }
    for (int k = 0; k < TRUCE_VAR_COUNT; k++) {
        r->col_of[k] = -1;
        if (rec->variables >> k & 1u) {
            r->col_of[k] = (int)r->nvars;
            r->vars[r->nvars++] = (truce_variable)k;
        }
    }
    for (size_t g = 0; g <= s->nregions; g++) {
        int want = g < s->nregions ? (int)(rec->regions >> g & 1u) : rec->total != 0;
        r->row_of[g] = want ? (int)r->nrows++ : -1;
    }
    if (r->rec.from <= r->rec.to) {
        /* count, then fill, the periods of the window */
        size_t n = 0;
        for (int32_t d = r->rec.from; d <= r->rec.to; d = cal_period_next(cal_period_start(d, r->rec.by), r->rec.by)) n++;
        r->pfirst = malloc(n * sizeof *r->pfirst);
        r->plast = malloc(n * sizeof *r->plast);
        if (!r->pfirst || !r->plast) goto oom;
        for (int32_t d = r->rec.from; d <= r->rec.to;) {
            int32_t next = cal_period_next(cal_period_start(d, r->rec.by), r->rec.by);
            r->pfirst[r->nperiods] = d;
            r->plast[r->nperiods++] = next - 1 < r->rec.to ? next - 1 : r->rec.to;
            d = next;
        }
    }
    size_t cells = r->nperiods * r->nrows * r->nvars;
    r->values = calloc(cells ? cells : 1, sizeof *r->values);
    if (!r->values) goto oom;
    /* organisation-wide variables have no value in a region's row */
    for (size_t g = 0; g < s->nregions; g++) {
        if (r->row_of[g] < 0) continue;
        for (size_t c = 0; c < r->nvars; c++)
            if (truce_variable_is_global(r->vars[c]))
                for (size_t p = 0; p < r->nperiods; p++)
                    r->values[(p * r->nrows + (size_t)r->row_of[g]) * r->nvars + c] = NAN;
    }
    return r;
oom:
    truce_result_free(r);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for a run's results");
    return NULL;
}

struct truce_result *result_new(const truce_scenario *s, const truce_record *rec, int by_org, truce_error *err)
{
    struct truce_result *r = result_new_one(s, rec, -1, err);
    if (!r || s->norgs < 2 || !by_org) return r;
    for (size_t k = 0; k < s->norgs; k++)
        if (!(r->by_org[k] = result_new_one(s, rec, (int)k, err))) {
            truce_result_free(r);
            return NULL;
        }
    return r;
}

struct truce_result *result_copy(const struct truce_result *r)
{
    struct truce_result *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *r;
    const size_t np = r->nperiods ? r->nperiods : 1, cells = r->nperiods * r->nrows * r->nvars;
    c->pfirst = malloc(np * sizeof *c->pfirst);
    c->plast = malloc(np * sizeof *c->plast);
    c->values = malloc((cells ? cells : 1) * sizeof *c->values);
    int ok = c->pfirst && c->plast && c->values;
    for (size_t k = 0; k < SCENARIO_MAX_ORGS; k++) {
        c->by_org[k] = NULL;
        if (ok && r->by_org[k]) ok = (c->by_org[k] = result_copy(r->by_org[k])) != NULL;
    }
    if (!ok) {
        truce_result_free(c);
        return NULL;
    }
    if (r->nperiods) {
        memcpy(c->pfirst, r->pfirst, r->nperiods * sizeof *c->pfirst);
        memcpy(c->plast, r->plast, r->nperiods * sizeof *c->plast);
    }
    if (cells) memcpy(c->values, r->values, cells * sizeof *c->values);
    return c;
}

void truce_result_free(truce_result *r)
{
    if (!r) return;
    free(r->pfirst);
    free(r->plast);
    free(r->values);
    for (size_t k = 0; k < SCENARIO_MAX_ORGS; k++) truce_result_free(r->by_org[k]);
    free(r);
}

size_t truce_result_organisation_count(const truce_result *r) { return r->norgs ? r->norgs : 1; }

const char *truce_result_organisation_name(const truce_result *r, size_t k)
{
    return k < r->norgs ? r->org_names[k] : NULL;
}

const truce_result *truce_result_organisation(const truce_result *r, size_t k)
{
    if (r->org >= 0 || k >= truce_result_organisation_count(r)) return NULL;
    if (r->by_org[k]) return r->by_org[k];
    return r->norgs > 1 ? NULL : r; /* one organisation, or made without them (result_new) */
}

/* ---- access ------------------------------------------------------------------------------ */

size_t truce_result_region_count(const truce_result *r) { return r->nregions; }

const char *truce_result_region_name(const truce_result *r, size_t reg)
{
    if (reg < r->nregions) return r->region_names[reg];
    return reg == r->nregions ? "all" : NULL;
}

const truce_record *truce_result_record(const truce_result *r) { return &r->rec; }
size_t truce_result_period_count(const truce_result *r) { return r->nperiods; }

void truce_result_period(const truce_result *r, size_t i, int32_t *first, int32_t *last)
{
    if (i >= r->nperiods) {
        if (first) *first = 0;
        if (last) *last = -1;
        return;
    }
    if (first) *first = r->pfirst[i];
    if (last) *last = r->plast[i];
}

double truce_result_get(const truce_result *r, size_t period, size_t reg, truce_variable v)
{
    if (period >= r->nperiods || reg > r->nregions || (unsigned)v >= TRUCE_VAR_COUNT) return NAN;
    int row = r->row_of[reg], col = r->col_of[v];
    if (row < 0 || col < 0) return NAN;
    return r->values[(period * r->nrows + (size_t)row) * r->nvars + (size_t)col];
}

size_t truce_result_days(const truce_result *r) { return (size_t)(r->end - r->start) + 1; }
int32_t truce_result_start(const truce_result *r) { return r->start; }
uint64_t truce_result_draws(const truce_result *r) { return r->draws; }

double truce_result_value(const truce_result *r, size_t reg, truce_variable v, size_t day)
{
    if (r->rec.by != TRUCE_BY_DAY || day >= truce_result_days(r)) return NAN;
    int64_t d = (int64_t)r->start + (int64_t)day;
    if (d < r->rec.from || d > r->rec.to) return NAN;
    return truce_result_get(r, (size_t)(d - r->rec.from), reg, v);
}

double truce_result_flow(const truce_result *r, truce_flow f)
{
    return (unsigned)f < TRUCE_FLOW_COUNT ? r->flows[f] : NAN;
}

/* Does a period of `fine` always lie inside one period of `coarse`? */
static int nests(truce_period fine, truce_period coarse)
{
    if (fine == coarse || fine == TRUCE_BY_DAY) return 1;
    if (fine == TRUCE_BY_WEEK) return 0;
    return coarse > fine && coarse != TRUCE_BY_WEEK;
}

truce_series *truce_result_series(const truce_result *r, size_t reg, truce_variable v,
                                  truce_period by, truce_error *err)
{
    const char *rname = truce_result_region_name(r, reg);
    const char *vname = truce_variable_name(v);
    if (!rname || !vname || r->row_of[reg] < 0 || r->col_of[v] < 0 ||
        (reg < r->nregions && truce_variable_is_global(v)) ||
        (r->org >= 0 && truce_variable_info_of(v)->total == TRUCE_TOTAL_POPULATION_MEAN)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, vname ? vname : "variable",
                        "not recorded for region '%s'", rname ? rname : "?");
        return NULL;
    }
    if ((unsigned)by > TRUCE_BY_YEAR) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "by", "not a period (day, week, month, quarter, year)");
        return NULL;
    }
    if (!nests(r->rec.by, by)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "by",
                        "values recorded by %s cannot be summed into periods of another kind",
                        r->rec.by == TRUCE_BY_WEEK ? "week" : "a coarser period");
        return NULL;
    }
    truce_series *s = truce_series_new("truce", vname, rname);
    if (!s) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    const int flow = truce_variable_is_flow(v);
    for (size_t p = 0; p < r->nperiods;) {
        const int32_t key = cal_period_start(r->pfirst[p], by);
        const int32_t first = r->pfirst[p];
        double acc = 0.0;
        int32_t last = first;
        for (; p < r->nperiods && cal_period_start(r->pfirst[p], by) == key; p++) {
            double x = truce_result_get(r, p, reg, v);
            acc = flow ? acc + x : x;
            last = r->plast[p];
        }
        if (!isfinite(acc)) {
            truce_series_free(s);
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, vname, "a value is not a finite number");
            return NULL;
        }
        if (acc < 0.0) acc = 0.0; /* rounding in mean-field flows; counts are never negative */
        if (truce_series_add(s, first, last, acc, err)) {
            truce_series_free(s);
            return NULL;
        }
    }
    return s;
}

/* The number of recorded periods that end before `day` (they are in date order). */
static size_t periods_ending_before(const truce_result *r, int64_t day)
{
    size_t lo = 0, hi = r->nperiods;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (r->plast[mid] < day) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

double truce_result_total(const truce_result *r, size_t reg, truce_variable v, int32_t from,
                          int32_t to)
{
    if (reg > r->nregions || (unsigned)v >= TRUCE_VAR_COUNT || r->row_of[reg] < 0 || r->col_of[v] < 0)
        return NAN;
    /* days the run did not record have no value: not zero */
    if (to > r->rec.to || to < r->rec.from) return NAN;
    if (truce_variable_is_flow(v)) {
        if (from < r->rec.from || from > to) return NAN;
        double t = 0.0;
        /* the periods are in date order: start at the first that ends on or after `from` */
        for (size_t p = periods_ending_before(r, from); p < r->nperiods && r->pfirst[p] <= to; p++) {
            if (r->pfirst[p] < from || r->plast[p] > to) return NAN; /* a period cut by the bounds */
            t += truce_result_get(r, p, reg, v);
        }
        return t;
    }
    /* the last period that ends by `to` */
    const size_t p = periods_ending_before(r, (int64_t)to + 1);
    return p > 0 ? truce_result_get(r, p - 1, reg, v) : NAN;
}
