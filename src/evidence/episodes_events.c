/* Raw event files (UCDP GED, ACLED) as count series for `truce episodes`: the events
 * module aggregates them by day, and each day of the covered span is handed to the series
 * through truce_series_add, a day with no event as zero. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "truce.h"

static int metric_value(const truce_event_row *r, const char *metric, uint64_t *v)
{
    if (strcmp(metric, "events") == 0) *v = r->events;
    else if (strcmp(metric, "deaths") == 0) *v = r->deaths;
    else if (strcmp(metric, "deaths_a") == 0) *v = r->deaths_a;
    else if (strcmp(metric, "deaths_b") == 0) *v = r->deaths_b;
    else if (strcmp(metric, "deaths_civilians") == 0) *v = r->deaths_civilians;
    else if (strcmp(metric, "deaths_unknown") == 0) *v = r->deaths_unknown;
    else return -1;
    return 0;
}

truce_series *truce_event_table_series(const truce_event_table *t, const char *name,
                                       const char *metric, const char *geography,
                                       int has_from, int32_t from, int has_to, int32_t to,
                                       truce_error *err)
{
    truce_event_format fmt = truce_event_table_format(t);
    uint64_t probe;
    truce_event_row zero = {0};
    if (metric_value(&zero, metric, &probe) != 0 ||
        (fmt == TRUCE_EVENTS_ACLED && strncmp(metric, "deaths_", 7) == 0)) {
        truce_error_set(err, TRUCE_EINPUT, name, 0, "metric",
                        "unknown metric '%s' for %s events (expected events, deaths%s)", metric,
                        fmt == TRUCE_EVENTS_ACLED ? "ACLED" : "UCDP GED",
                        fmt == TRUCE_EVENTS_ACLED
                            ? ""
                            : ", deaths_a, deaths_b, deaths_civilians, deaths_unknown");
        return NULL;
    }
    if (truce_event_table_period(t) != TRUCE_BY_DAY) {
        truce_error_set(err, TRUCE_EINPUT, name, 0, "period",
                        "event table must be aggregated by day");
        return NULL;
    }
    size_t n = truce_event_table_count(t);
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < n; i++) {
        int32_t d = truce_event_table_row(t, i)->period;
        if (d < lo) lo = d;
        if (d > hi) hi = d;
    }
    if (has_from) lo = from;
    if (has_to) hi = to;
    if (n == 0 && !(has_from && has_to)) {
        truce_error_set(err, TRUCE_EINPUT, name, 0, NULL,
                        "no event left after the filters, and no --from/--to to say which "
                        "days are known to be zero");
        return NULL;
    }
    if (hi < lo) {
        truce_error_set(err, TRUCE_EINPUT, name, 0, NULL, "empty span: from is after to");
        return NULL;
    }
    /* one value per day of the span (groups, if any, are summed) */
    size_t ndays = (size_t)((int64_t)hi - lo + 1);
    double *day = calloc(ndays, sizeof *day);
    if (!day) {
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const truce_event_row *r = truce_event_table_row(t, i);
        uint64_t v = 0;
        metric_value(r, metric, &v);
        if (r->period >= lo && r->period <= hi) day[r->period - lo] += (double)v;
    }
    truce_series *s = truce_series_new(fmt == TRUCE_EVENTS_ACLED ? "ACLED" : "UCDP GED",
                                       metric, geography && *geography ? geography : "all");
    if (!s) {
        free(day);
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return NULL;
    }
    for (size_t k = 0; k < ndays; k++) {
        int32_t d = (int32_t)(lo + (int64_t)k);
        if (truce_series_add(s, d, d, day[k], err) != 0) {
            free(day);
            truce_series_free(s);
            return NULL;
        }
    }
    free(day);
    return s;
}
