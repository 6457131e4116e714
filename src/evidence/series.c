/* series — count series with unknown periods, the reported-series reader and the reader
 * for event files already aggregated by period. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "csv.h"
#include "outpath.h"
#include "series.h"
#include "timeline.h"

typedef struct period {
    int32_t first, last;
    double value;
} period;

struct truce_series {
    char source[64], metric[64], geography[64];
    period *p;
    size_t n, cap;
};

static void copy_name(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

truce_series *truce_series_new(const char *source, const char *metric, const char *geography)
{
    truce_series *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    copy_name(s->source, sizeof s->source, source);
    copy_name(s->metric, sizeof s->metric, metric);
    copy_name(s->geography, sizeof s->geography, geography);
    return s;
}

void truce_series_free(truce_series *s)
{
    if (!s) return;
    free(s->p);
    free(s);
}

int truce_series_add(truce_series *s, int32_t first, int32_t last, double value,
                     truce_error *err)
{
    if (last < first || !isfinite(value) || value < 0.0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "value",
                        "%s %s: a period needs first <= last and a finite value >= 0",
                        s->source, s->metric);
        return -1;
    }
    /* keep in order: find the insertion point, reject overlaps */
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->p[mid].first < first) lo = mid + 1; else hi = mid;
    }
    if ((lo > 0 && s->p[lo - 1].last >= first) || (lo < s->n && s->p[lo].first <= last)) {
        char a[11], b[11];
        cal_format(first, a);
        cal_format(last, b);
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "period",
                        "%s %s: period %s..%s overlaps one already in the series", s->source,
                        s->metric, a, b);
        return -1;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        period *p = realloc(s->p, cap * sizeof *p);
        if (!p) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
            return -1;
        }
        s->p = p;
        s->cap = cap;
    }
    memmove(&s->p[lo + 1], &s->p[lo], (s->n - lo) * sizeof *s->p);
    s->p[lo] = (period){first, last, value};
    s->n++;
    return 0;
}

size_t truce_series_count(const truce_series *s) { return s->n; }

void truce_series_period(const truce_series *s, size_t i, int32_t *first, int32_t *last,
                         double *value)
{
    *first = s->p[i].first;
    *last = s->p[i].last;
    *value = s->p[i].value;
}

const char *truce_series_source(const truce_series *s) { return s->source; }
const char *truce_series_metric(const truce_series *s) { return s->metric; }
const char *truce_series_geography(const truce_series *s) { return s->geography; }

/* ---- period labels ---- */

static int digits(const char *t, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9') return -1;
        v = v * 10 + (t[i] - '0');
    }
    return v;
}

int series_parse_period(const char *text, size_t len, int32_t *first, int32_t *last)
{
    truce_precision prec;
    if (len == 7 && text[4] == '-' && text[5] == 'Q') {
        int y = digits(text, 4), q = digits(text + 6, 1);
        if (y < 1000 || q < 1 || q > 4) return -1;
        *first = cal_days_from_civil(y, 3 * q - 2, 1);
        *last = (q == 4 ? cal_days_from_civil(y + 1, 1, 1) : cal_days_from_civil(y, 3 * q + 1, 1)) - 1;
        return 0;
    }
    if (len == 8 && text[4] == '-' && text[5] == 'W') {
        int y = digits(text, 4), w = digits(text + 6, 2);
        if (y < 1000 || w < 1) return -1;
        int32_t jan4 = cal_days_from_civil(y, 1, 4);
        int32_t week1 = jan4 - (cal_weekday(jan4) - 1);
        int32_t dec28 = cal_days_from_civil(y, 12, 28);
        int weeks = (int)((dec28 - (cal_weekday(dec28) - 1) - week1) / 7) + 1;
        if (w > weeks) return -1;
        *first = week1 + 7 * (w - 1);
        *last = *first + 6;
        return 0;
    }
    if (len != 4 && len != 7 && len != 10) return -1; /* no times in period labels */
    return cal_parse(text, len, first, last, &prec);
}

/* ---- reported series ---- */

typedef struct reported_row {
    int32_t first, last;
    double value;
    int metric, source, geography;  /* indices into the name table */
    long line;
} reported_row;

struct truce_reported {
    char name[256];
    int simulated;        /* read from a `truce run` series.csv */
    reported_row *rows;
    size_t n, cap;
    char **names;
    size_t nnames, capnames;
};

void truce_reported_free(truce_reported *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nnames; i++) free(t->names[i]);
    free(t->names);
    free(t->rows);
    free(t);
}

static int intern(truce_reported *t, const csv_field *f)
{
    for (size_t i = 0; i < t->nnames; i++)
        if (csv_field_is(f, t->names[i])) return (int)i;
    if (t->nnames == t->capnames) {
        size_t cap = t->capnames ? 2 * t->capnames : 64;
        char **p = realloc(t->names, cap * sizeof *p);
        if (!p) return -1;
        t->names = p;
        t->capnames = cap;
    }
    char *s = malloc(f->len + 1);
    if (!s) return -1;
    memcpy(s, f->ptr, f->len);
    s[f->len] = '\0';
    t->names[t->nnames] = s;
    return (int)t->nnames++;
}

static int find_name(const truce_reported *t, const char *s)
{
    for (size_t i = 0; i < t->nnames; i++)
        if (strcmp(t->names[i], s) == 0) return (int)i;
    return -1;
}

/* A reported value: a decimal number (docs/scenario.md: no hexadecimal, nan, inf or
 * spaces), finite and not negative. */
static int parse_value(const csv_field *f, double *v)
{
    return csv_parse_decimal(f->ptr, f->len, v) == 0 && *v >= 0.0 ? 0 : -1;
}

/* A header naming one column twice is refused: either copy could be the one read. */
static int check_header(const char *name, const csv_record *rec, truce_error *err)
{
    long d = csv_header_duplicate(rec);
    if (d < 0) return 0;
    truce_error_set(err, TRUCE_EINPUT, name, rec->line, "header", "column '%.*s' appears twice",
                    (int)(rec->fields[d].len > 60 ? 60 : rec->fields[d].len), rec->fields[d].ptr);
    return -1;
}

/* A data row after the header: 1 for a blank line (skipped), 0 for a row with as many
 * fields as the header, -1 (err set) otherwise. */
static int row_shape(const char *file, const csv_record *rec, size_t nfields, truce_error *err)
{
    if (rec->n == 1 && rec->fields[0].len == 0 && !rec->fields[0].quoted) return 1;
    if (rec->n != nfields) {
        truce_error_set(err, TRUCE_EINPUT, file, rec->line, "record",
                        "expected %zu fields as in the header, found %zu", nfields, rec->n);
        return -1;
    }
    return 0;
}

static int check_record(const char *name, const csv_record *rec, truce_error *err)
{
    if (rec->has_nul) {
        truce_error_set(err, TRUCE_EINPUT, name, rec->line, NULL, "NUL byte in record");
        return -1;
    }
    if (rec->malformed) {
        truce_error_set(err, TRUCE_EINPUT, name, rec->line, NULL, "text after a closing quote");
        return -1;
    }
    for (size_t i = 0; i < rec->n; i++)
        if (!csv_utf8_valid(rec->fields[i].ptr, rec->fields[i].len)) {
            truce_error_set(err, TRUCE_EINPUT, name, rec->line, NULL,
                            "invalid UTF-8 in field %zu", i + 1);
            return -1;
        }
    return 0;
}

enum { R_PERIOD, R_METRIC, R_VALUE, R_SOURCE, R_GEO, RNCOL };
static const char *const rcols[RNCOL] = {"period", "metric", "value", "source", "geography"};
/* A `truce run` series.csv (period,period_start,region,variable,value) is read as the
 * source "truce": its variable is the metric and its region the geography. */
static const char *const simcols[RNCOL] = {"period", "variable", "value", NULL, "region"};
#define SIMULATED_SOURCE "truce"

static int row_cmp_geo_period_metric(const void *a, const void *b)
{
    const reported_row *x = a, *y = b;
    if (x->geography != y->geography) return x->geography < y->geography ? -1 : 1;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    if (x->last != y->last) return x->last < y->last ? -1 : 1;
    return (x->metric > y->metric) - (x->metric < y->metric);
}

static int intern_text(truce_reported *t, const char *text)
{
    csv_field f = {.ptr = text, .len = strlen(text)};
    return intern(t, &f);
}

static int push_row(truce_reported *t, const reported_row *row)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        reported_row *p = realloc(t->rows, cap * sizeof *p);
        if (!p) return -1;
        t->rows = p;
        t->cap = cap;
    }
    t->rows[t->n++] = *row;
    return 0;
}

/* Add the reported metrics that are sums of model variables (truce_metric_map), for every
 * period and region where all their variables are present, so that a simulated series can
 * be read with the sources' metric names ("killed"). */
static int derive_mapped_metrics(truce_reported *t)
{
    const size_t nbase = t->n;
    if (nbase == 0) return 0;
    reported_row *sorted = malloc(nbase * sizeof *sorted);
    if (!sorted) return -1;
    memcpy(sorted, t->rows, nbase * sizeof *sorted);
    qsort(sorted, nbase, sizeof *sorted, row_cmp_geo_period_metric);
    int rc = 0;
    for (size_t m = 0; m < truce_metric_map_count() && rc == 0; m++) {
        const truce_metric_map *map = truce_metric_map_at(m);
        int parts[8], nparts = 0;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", map->variables);
        int missing = 0;
        for (char *tok = buf, *plus; tok && nparts < 8; tok = plus ? plus + 1 : NULL) {
            plus = strchr(tok, '+');
            if (plus) *plus = '\0';
            int id = find_name(t, tok);
            if (id < 0) missing = 1;
            parts[nparts++] = id;
        }
        if (missing || find_name(t, map->metric) >= 0) continue; /* a column already named so wins */
        int metric = intern_text(t, map->metric);
        if (metric < 0) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < nbase && rc == 0;) {
            size_t j = i;
            double sum = 0.0;
            int found = 0;
            while (j < nbase && sorted[j].geography == sorted[i].geography &&
                   sorted[j].first == sorted[i].first && sorted[j].last == sorted[i].last) {
                for (int k = 0; k < nparts; k++)
                    if (sorted[j].metric == parts[k]) {
                        sum += sorted[j].value;
                        found++;
                    }
                j++;
            }
            if (found == nparts) {
                reported_row row = sorted[i];
                row.metric = metric;
                row.value = sum;
                if (push_row(t, &row)) rc = -1;
            }
            i = j;
        }
    }
    free(sorted);
    return rc;
}

/* ---- `truce events aggregate` output read as reported rows (docs/observations.md, "Event
 * data") ---- */

/* The columns of `truce events aggregate` output: period, one `group` column or one column
 * per key, events, deaths, and UCDP's death breakdown. */
static const char *const ev_ucdp_cols[4] = {"deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"};
static const char *const ev_keys[] = {"country", "adm_1", "adm_2", "dyad", "conflict", "type",
                                      "side_a", "side_b", "actor1", "actor2", "event_type"};
enum { EV_PLACE_KEYS = 3 };   /* country, adm_1, adm_2: the keys that name a place */

/* 1 when a header without `metric` and `variable` columns has `period`, `events` and
 * `deaths`: the shape of `truce events aggregate` output. */
static int events_header(const csv_record *h)
{
    int need = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (csv_field_is(&h->fields[i], "metric") || csv_field_is(&h->fields[i], "variable")) return 0;
        need |= csv_field_is(&h->fields[i], "period") ? 1
              : csv_field_is(&h->fields[i], "events") ? 2
              : csv_field_is(&h->fields[i], "deaths") ? 4 : 0;
    }
    return need == 7;
}

/* The start of the merger of the tribal districts into Khyber Pakhtunkhwa (the 25th
 * amendment, 31 May 2018; PIPS's series change in June 2018): a KP row from then holds the
 * tribal districts, before it does not. */
#define KP_MERGER_DAY (cal_days_from_civil(2018, 6, 1))

/* The scenario geography an event file's place names (docs/observations.md): "" (no place
 * grouping) is the country; UCDP's and ACLED's names of Balochistan, KP and FATA become the
 * names of the default scenario's geographies table; KP before the merger is "KP excl.
 * FATA" and from it "Khyber Pakhtunkhwa"; a KP period across the merger, and every other
 * name, stays as written (then no observation model knows it, and the fit counts it out). */
static const char *events_place(const char *name, int32_t first, int32_t last)
{
    static const char *const balochistan[] = {"Balochistan", "Balochistan province", "Baluchistan"};
    static const char *const kp[] = {"Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa province",
                                     "Khyber Pakhtunkwa province", "Khyber Pakhtunkwa",
                                     "North-West Frontier Province"};
    static const char *const fata[] = {"FATA", "Federally Administered Tribal Areas"};
    if (name[0] == '\0') return "Pakistan";
    for (size_t i = 0; i < sizeof balochistan / sizeof *balochistan; i++)
        if (strcmp(name, balochistan[i]) == 0) return "Balochistan";
    for (size_t i = 0; i < sizeof fata / sizeof *fata; i++)
        if (strcmp(name, fata[i]) == 0) return "FATA";
    for (size_t i = 0; i < sizeof kp / sizeof *kp; i++)
        if (strcmp(name, kp[i]) == 0) {
            if (first >= KP_MERGER_DAY) return "Khyber Pakhtunkhwa";
            if (last < KP_MERGER_DAY) return "KP excl. FATA";
            return name;
        }
    return name;
}

/* A count of `truce events aggregate` output: a whole number from 0. */
static int events_count(const csv_field *f, double *v)
{
    return csv_parse_decimal(f->ptr, f->len, v) == 0 && *v >= 0.0 && *v == floor(*v) && *v < 1e15 ? 0 : -1;
}

/* Read the rows after the header `h` of an event aggregate: each row gives two reported
 * rows, metric `events` and `deaths`, of the source "UCDP GED" (the file has UCDP's death
 * breakdown) or "ACLED" (it has not), at the geography of its place (events_place). */
static int events_read(csv_reader *r, truce_reported *t, const csv_record *h, truce_error *err)
{
    const char *name = csv_name(r);
    long pcol = -1, events = -1, deaths = -1;
    long place[EV_PLACE_KEYS] = {-1, -1, -1};   /* the `group` column, or country, adm_1, adm_2 */
    int ucdp = 0, nkeys = 0, group = 0;
    for (size_t i = 0; i < h->n; i++) {
        const csv_field *f = &h->fields[i];
        if (csv_field_is(f, "period")) { pcol = (long)i; continue; }
        if (csv_field_is(f, "events")) { events = (long)i; continue; }
        if (csv_field_is(f, "deaths")) { deaths = (long)i; continue; }
        int known = 0;
        for (int k = 0; k < 4; k++)
            if (csv_field_is(f, ev_ucdp_cols[k])) { ucdp |= 1 << k; known = 1; }
        if (csv_field_is(f, "group")) { group = 1; place[0] = (long)i; known = 1; nkeys++; }
        for (int k = 0; k < (int)(sizeof ev_keys / sizeof *ev_keys) && !known; k++)
            if (csv_field_is(f, ev_keys[k])) {
                known = 1;
                nkeys++;
                if (k < EV_PLACE_KEYS) {
                    place[k] = (long)i;
                } else {
                    truce_error_set(err, TRUCE_EINPUT, name, h->line, "header",
                                    "column '%s' splits the event counts by something other than place: "
                                    "to fit, aggregate with --group none, country, adm_1 or adm_2 "
                                    "(docs/observations.md)", ev_keys[k]);
                    return -1;
                }
            }
        if (!known) {
            truce_error_set(err, TRUCE_EINPUT, name, h->line, "header",
                            "column '%.*s' is not one of `truce events aggregate` output (period, group "
                            "or its keys, events, deaths, deaths_a, deaths_b, deaths_civilians, deaths_unknown)",
                            (int)(f->len > 60 ? 60 : f->len), f->ptr);
            return -1;
        }
    }
    if (ucdp != 0 && ucdp != 15) {
        truce_error_set(err, TRUCE_EINPUT, name, h->line, "header",
                        "UCDP's death breakdown is incomplete (deaths_a, deaths_b, deaths_civilians and "
                        "deaths_unknown come together): the source cannot be told");
        return -1;
    }
    if (nkeys == 0 || (group && nkeys > 1)) {
        truce_error_set(err, TRUCE_EINPUT, name, h->line, "header",
                        nkeys ? "both a 'group' column and key columns" : "no 'group' column (or key columns)");
        return -1;
    }
    const char *source = ucdp ? "UCDP GED" : "ACLED";
    const size_t nfields = h->n;
    csv_record rec;
    int rc;
    while ((rc = csv_next(r, &rec, err)) == 1) {
        if (check_record(name, &rec, err) != 0) return -1;
        int shape = row_shape(name, &rec, nfields, err);
        if (shape < 0) return -1;
        if (shape > 0) continue;
        reported_row row = {0};
        row.line = rec.line;
        const csv_field *pf = &rec.fields[pcol];
        if (series_parse_period(pf->ptr, pf->len, &row.first, &row.last) != 0) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "period",
                            "malformed period (expected YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY)");
            return -1;
        }
        double ne, nd;
        if (events_count(&rec.fields[events], &ne) != 0) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "events", "not a whole number from 0");
            return -1;
        }
        if (events_count(&rec.fields[deaths], &nd) != 0) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "deaths", "not a whole number from 0");
            return -1;
        }
        /* the finest place the row names: adm_2, then adm_1, then country (an empty adm_1
         * of an event located only to its country is that country) */
        char where[256] = "";
        for (int k = EV_PLACE_KEYS - 1; k >= 0 && !where[0]; k--) {
            if (place[k] < 0) continue;
            const csv_field *gf = &rec.fields[place[k]];
            if (gf->len >= sizeof where) {
                truce_error_set(err, TRUCE_EINPUT, name, rec.line, group ? "group" : ev_keys[k],
                                "longer than %zu bytes", sizeof where - 1);
                return -1;
            }
            csv_field_copy(gf, where, sizeof where);
        }
        const char *geo = events_place(where, row.first, row.last);
        if (reported_add(t, source, "events", geo, row.first, row.last, ne)) goto oom;
        t->rows[t->n - 1].line = rec.line;
        if (reported_add(t, source, "deaths", geo, row.first, row.last, nd)) goto oom;
        t->rows[t->n - 1].line = rec.line;
    }
    return rc < 0 ? -1 : 0;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
    return -1;
}

static truce_reported *reported_read(csv_reader *r, truce_error *err)
{
    const char *name = csv_name(r);
    truce_reported *t = calloc(1, sizeof *t);
    if (!t) {
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return NULL;
    }
    copy_name(t->name, sizeof t->name, name);
    long col[RNCOL] = {-1, -1, -1, -1, -1};
    size_t nfields = 0;
    int source_id = -1;
    int header = 1, rc;
    csv_record rec;
    while ((rc = csv_next(r, &rec, err)) == 1) {
        if (check_record(name, &rec, err) != 0) goto fail;
        if (header) {
            if (check_header(name, &rec, err)) goto fail;
            if (events_header(&rec)) {
                if (events_read(r, t, &rec, err) != 0) goto fail;
                return t;
            }
            int has_metric = 0;
            for (size_t i = 0; i < rec.n; i++) has_metric |= csv_field_is(&rec.fields[i], "metric");
            t->simulated = !has_metric;
            for (size_t i = 0; i < rec.n && t->simulated; i++)
                if (csv_field_is(&rec.fields[i], "variable")) t->simulated = 2;
            t->simulated = t->simulated == 2;
            const char *const *names = t->simulated ? simcols : rcols;
            for (size_t i = 0; i < rec.n; i++)
                for (int c = 0; c < RNCOL; c++)
                    if (names[c] && csv_field_is(&rec.fields[i], names[c]) && col[c] < 0) col[c] = (long)i;
            if (t->simulated) {
                source_id = intern_text(t, SIMULATED_SOURCE);
                if (source_id < 0) goto oom;
            }
            for (int c = 0; c < RNCOL; c++) {
                if (t->simulated && c == R_SOURCE) continue;
                if (col[c] < 0) {
                    if (t->simulated)
                        truce_error_set(err, TRUCE_EINPUT, name, rec.line, "header",
                                        "missing column '%s' (a simulated series needs "
                                        "period,period_start,region,variable,value)", simcols[c]);
                    else
                        truce_error_set(err, TRUCE_EINPUT, name, rec.line, "header",
                                        "missing column '%s' (a reported series needs "
                                        "period,metric,value,source,geography; a simulated one "
                                        "period,period_start,region,variable,value)", rcols[c]);
                    goto fail;
                }
            }
            nfields = rec.n;
            header = 0;
            continue;
        }
        int row_kind = row_shape(name, &rec, nfields, err);
        if (row_kind < 0) goto fail;
        if (row_kind > 0) continue;
        reported_row row = {0};
        row.line = rec.line;
        const csv_field *pf = &rec.fields[col[R_PERIOD]];
        if (series_parse_period(pf->ptr, pf->len, &row.first, &row.last) != 0) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "period",
                            "malformed period (expected YYYY-MM, YYYY-Qn or YYYY)");
            goto fail;
        }
        const csv_field *vf = &rec.fields[col[R_VALUE]];
        if (vf->len == 0) continue; /* unknown */
        if (parse_value(vf, &row.value) != 0) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "value",
                            "not a non-negative number");
            goto fail;
        }
        for (int c = R_METRIC; c < RNCOL; c++)
            if (c != R_VALUE && col[c] >= 0 && rec.fields[col[c]].len == 0) {
                truce_error_set(err, TRUCE_EINPUT, name, rec.line, rcols[c], "empty");
                goto fail;
            }
        row.metric = intern(t, &rec.fields[col[R_METRIC]]);
        row.source = t->simulated ? source_id : intern(t, &rec.fields[col[R_SOURCE]]);
        row.geography = intern(t, &rec.fields[col[R_GEO]]);
        if (row.metric < 0 || row.source < 0 || row.geography < 0) goto oom;
        if (push_row(t, &row)) goto oom;
    }
    if (rc < 0) goto fail;
    if (t->simulated && derive_mapped_metrics(t)) goto oom;
    if (header) {
        truce_error_set(err, TRUCE_EINPUT, name, 1, "header", "empty file (no header)");
        goto fail;
    }
    return t;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
fail:
    truce_reported_free(t);
    return NULL;
}

int truce_reported_simulated(const truce_reported *t) { return t->simulated; }

truce_reported *reported_new(const char *name)
{
    truce_reported *t = calloc(1, sizeof *t);
    if (t) copy_name(t->name, sizeof t->name, name);
    return t;
}

int reported_add(truce_reported *t, const char *source, const char *metric, const char *geography,
                 int32_t first, int32_t last, double value)
{
    reported_row row = {.first = first, .last = last, .value = value};
    row.source = intern_text(t, source);
    row.metric = intern_text(t, metric);
    row.geography = intern_text(t, geography);
    if (row.source < 0 || row.metric < 0 || row.geography < 0) return -1;
    return push_row(t, &row);
}

size_t truce_reported_count(const truce_reported *t) { return t->n; }

int truce_reported_row(const truce_reported *t, size_t i, truce_reported_entry *e)
{
    if (i >= t->n) return -1;
    const reported_row *w = &t->rows[i];
    e->source = t->names[w->source];
    e->metric = t->names[w->metric];
    e->geography = t->names[w->geography];
    e->first = w->first;
    e->last = w->last;
    e->value = w->value;
    e->line = w->line;
    return 0;
}

int series_period_label(int32_t first, int32_t last, char out[16])
{
    int y, m, d, y2, m2, d2;
    cal_civil_from_days(first, &y, &m, &d);
    cal_civil_from_days(last + 1, &y2, &m2, &d2);
    out[0] = '\0';
    if (first == last) {
        cal_format(first, out);
        return 0;
    }
    if (d != 1 || d2 != 1) return -1;
    int months = (y2 - y) * 12 + (m2 - m);
    char buf[48];
    if (months == 12 && m == 1) snprintf(buf, sizeof buf, "%04d", y);
    else if (months == 3 && (m - 1) % 3 == 0) snprintf(buf, sizeof buf, "%04d-Q%d", y, (m - 1) / 3 + 1);
    else if (months == 1) snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    else return -1;
    snprintf(out, 16, "%.15s", buf);
    return 0;
}

static void csv_put(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
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

int reported_write_file(const truce_reported *t, FILE *f, const char *name, const char *note,
                        truce_error *err)
{
    fputs("period,metric,value,source,geography,url,note\n", f);
    for (size_t i = 0; i < t->n; i++) {
        const reported_row *w = &t->rows[i];
        char label[16];
        if (series_period_label(w->first, w->last, label)) {
            char a[11], b[11];
            cal_format(w->first, a);
            cal_format(w->last, b);
            truce_error_set(err, TRUCE_EINPUT, name, 0, "period",
                            "%s..%s is not a day, month, quarter or year", a, b);
            return -1;
        }
        double v = w->value == 0.0 ? 0.0 : w->value;
        fprintf(f, "%s,%s,", label, t->names[w->metric]);
        if (v == floor(v) && fabs(v) < 1e15) fprintf(f, "%.0f,", v);
        else fprintf(f, "%.17g,", v);
        csv_put(f, t->names[w->source]);
        fputc(',', f);
        csv_put(f, t->names[w->geography]);
        fputs(",,", f);
        csv_put(f, note ? note : "");
        fputc('\n', f);
    }
    return 0; /* a failed write stays in f's error flag for the caller's close */
}

int truce_reported_write(const truce_reported *t, const char *path, const char *note, truce_error *err)
{
    /* through outpath: a temporary beside path renamed into place, no link followed */
    out_file o;
    if (out_file_open(&o, path, err) != 0) return -1;
    if (reported_write_file(t, o.fp, path, note, err) != 0) {
        out_file_abort(&o);
        return -1;
    }
    return out_file_commit(&o, err);
}

truce_reported *truce_reported_load(const char *path, truce_error *err)
{
    csv_reader *r = csv_open_file(path, err);
    if (!r) return NULL;
    truce_reported *t = reported_read(r, err);
    csv_close(r);
    return t;
}

truce_reported *truce_reported_load_memory(const char *name, const char *data, size_t len,
                                           truce_error *err)
{
    csv_reader *r = csv_open_memory(name, data, len);
    if (!r) {
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return NULL;
    }
    truce_reported *t = reported_read(r, err);
    csv_close(r);
    return t;
}

truce_reported *truce_reported_load_default(truce_error *err)
{
    const truce_memfile *f = embedded_lookup(SERIES_EMBEDDED_NAME);
    if (!f) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "the shipped series is not built in");
        return NULL;
    }
    return truce_reported_load_memory("data/pakistan_series.csv (built in)", f->data, f->len,
                                      err);
}

/* names of field `which` (R_SOURCE, R_METRIC, R_GEO) in rows matching the given filters */
static void list_names(const truce_reported *t, int which, int source, int metric,
                       char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < t->nnames; k++) {
        int found = 0;
        for (size_t i = 0; i < t->n && !found; i++) {
            const reported_row *w = &t->rows[i];
            int v = which == R_SOURCE ? w->source : which == R_METRIC ? w->metric : w->geography;
            if (v == (int)k && (source < 0 || w->source == source) &&
                (metric < 0 || w->metric == metric))
                found = 1;
        }
        if (!found) continue;
        int m = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", t->names[k]);
        if (m < 0 || (size_t)m >= cap - used) break;
        used += (size_t)m;
    }
}

static int cmp_len_then_first(const void *a, const void *b)
{
    const reported_row *x = a, *y = b;
    int32_t lx = x->last - x->first, ly = y->last - y->first;
    if (lx != ly) return lx < ly ? -1 : 1;
    return (x->first > y->first) - (x->first < y->first);
}

truce_series *truce_reported_series(const truce_reported *t, const char *source,
                                    const char *metric, const char *geography,
                                    truce_error *err)
{
    char names[768];
    int si = find_name(t, source), mi = find_name(t, metric), gi = find_name(t, geography);
    int has = 0;
    for (size_t i = 0; i < t->n && si >= 0 && !has; i++) has = t->rows[i].source == si;
    if (!has) {
        list_names(t, R_SOURCE, -1, -1, names, sizeof names);
        truce_error_set(err, TRUCE_EINPUT, t->name, 0, "source",
                        "no rows for source '%s' (the file has: %s)", source, names);
        return NULL;
    }
    has = 0;
    for (size_t i = 0; i < t->n && mi >= 0 && !has; i++)
        has = t->rows[i].source == si && t->rows[i].metric == mi;
    if (!has) {
        list_names(t, R_METRIC, si, -1, names, sizeof names);
        truce_error_set(err, TRUCE_EINPUT, t->name, 0, "metric",
                        "no rows for metric '%s' from %s (%s has: %s)", metric, source, source,
                        names);
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < t->n && gi >= 0; i++)
        n += t->rows[i].source == si && t->rows[i].metric == mi && t->rows[i].geography == gi;
    if (n == 0) {
        list_names(t, R_GEO, si, mi, names, sizeof names);
        truce_error_set(err, TRUCE_EINPUT, t->name, 0, "geography",
                        "no rows for %s %s in geography '%s' (there are: %s)", source, metric,
                        geography, names);
        return NULL;
    }
    reported_row *rows = malloc(n * sizeof *rows);
    truce_series *s = truce_series_new(source, metric, geography);
    if (!rows || !s) {
        free(rows);
        truce_series_free(s);
        truce_error_set(err, TRUCE_ERUNTIME, t->name, 0, NULL, "out of memory");
        return NULL;
    }
    n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].source == si && t->rows[i].metric == mi && t->rows[i].geography == gi)
            rows[n++] = t->rows[i];
    /* finest periods first; a coarser row that overlaps a kept finer one is left out (the
     * finer rows say more, and the two cannot be added without double counting) */
    qsort(rows, n, sizeof *rows, cmp_len_then_first);
    for (size_t i = 0; i < n; i++) {
        int overlap = 0;
        for (size_t k = 0; k < s->n && !overlap; k++)
            overlap = s->p[k].first <= rows[i].last && rows[i].first <= s->p[k].last;
        if (overlap) {
            int same = 0; /* the same period twice is an error, not a coarser row */
            for (size_t k = 0; k < s->n; k++)
                same |= s->p[k].first == rows[i].first && s->p[k].last == rows[i].last;
            if (same) {
                truce_error_set(err, TRUCE_EINPUT, t->name, rows[i].line, "period",
                                "%s %s %s: the same period appears twice", source, metric,
                                geography);
                free(rows);
                truce_series_free(s);
                return NULL;
            }
            continue;
        }
        if (truce_series_add(s, rows[i].first, rows[i].last, rows[i].value, err) != 0) {
            free(rows);
            truce_series_free(s);
            return NULL;
        }
    }
    free(rows);
    return s;
}

/* ---- event files already aggregated by period ---- */

truce_series *truce_aggregate_series(const char *path, const char *metric, const char *group,
                                     truce_error *err)
{
    if (strcmp(metric, "events") != 0 && strcmp(metric, "deaths") != 0) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, "metric",
                        "unknown metric '%s' for an aggregated event file (events, deaths)",
                        metric);
        return NULL;
    }
    csv_reader *r = csv_open_file(path, err);
    if (!r) return NULL;
    const char *base = strrchr(path, '/');
    truce_series *s = truce_series_new(base ? base + 1 : path, metric, group ? group : "all");
    period *acc = NULL;
    size_t nacc = 0, capacc = 0;
    long cp = -1, cg = -1, cv = -1;
    size_t nfields = 0, width = 0;
    int header = 1, rc, matched_group = 0;
    csv_record rec;
    if (!s) goto oom;
    while ((rc = csv_next(r, &rec, err)) == 1) {
        if (check_record(path, &rec, err) != 0) goto fail;
        if (header) {
            if (check_header(path, &rec, err)) goto fail;
            for (size_t i = 0; i < rec.n; i++) {
                if (csv_field_is(&rec.fields[i], "period")) cp = (long)i;
                if (csv_field_is(&rec.fields[i], "group")) cg = (long)i;
                if (csv_field_is(&rec.fields[i], metric)) cv = (long)i;
            }
            if (cp < 0 || cg < 0 || cv < 0) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, "header",
                                "missing column '%s' (an aggregated event file needs "
                                "period,group,events,deaths)",
                                cp < 0 ? "period" : cg < 0 ? "group" : metric);
                goto fail;
            }
            nfields = rec.n;
            header = 0;
            continue;
        }
        int row_kind = row_shape(path, &rec, nfields, err);
        if (row_kind < 0) goto fail;
        if (row_kind > 0) continue;
        int32_t a, b;
        const csv_field *pf = &rec.fields[cp];
        if (series_parse_period(pf->ptr, pf->len, &a, &b) != 0) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, "period",
                            "malformed period (expected 2021-11-09, 2021-W45, 2021-11, "
                            "2021-Q4 or 2021)");
            goto fail;
        }
        size_t shape = pf->len * 4 + (pf->len > 5 && pf->ptr[5] == 'Q' ? 1u : 0u) +
                       (pf->len > 5 && pf->ptr[5] == 'W' ? 2u : 0u);
        if (width == 0) width = shape;
        if (shape != width) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, "period",
                            "periods of different precision in one file");
            goto fail;
        }
        if (group && !csv_field_is(&rec.fields[cg], group)) continue;
        matched_group = 1;
        const csv_field *vf = &rec.fields[cv];
        double v;
        if (vf->len == 0) v = NAN; /* unknown: the period's total is unknown, never zero */
        else if (parse_value(vf, &v) != 0) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, metric, "not a non-negative number");
            goto fail;
        }
        size_t k = 0;
        while (k < nacc && acc[k].first != a) k++;
        if (k < nacc && acc[k].last != b) k = nacc;
        if (k == nacc) {
            if (nacc == capacc) {
                size_t cap = capacc ? 2 * capacc : 128;
                period *p = realloc(acc, cap * sizeof *p);
                if (!p) goto oom;
                acc = p;
                capacc = cap;
            }
            acc[nacc++] = (period){a, b, 0.0};
        }
        acc[k].value += v;
    }
    if (rc < 0) goto fail;
    if (header) {
        truce_error_set(err, TRUCE_EINPUT, path, 1, "header", "empty file (no header)");
        goto fail;
    }
    if (group && !matched_group) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, "group", "no rows for group '%s'", group);
        goto fail;
    }
    for (size_t k = 0; k < nacc; k++)
        if (!isnan(acc[k].value) &&
            truce_series_add(s, acc[k].first, acc[k].last, acc[k].value, err) != 0) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", err ? err->message : "");
            truce_error_set(err, TRUCE_EINPUT, path, 0, "period",
                            "periods of different lengths overlap (%s)", msg);
            goto fail;
        }
    /* zero-fill: the periods absent between the first and the last one, shaped like the
     * period before the gap (s->p is in date order; gaps are filled from a copy) */
    if (s->n > 1) {
        size_t n0 = s->n;
        period *orig = malloc(n0 * sizeof *orig);
        if (!orig) goto oom;
        memcpy(orig, s->p, n0 * sizeof *orig);
        for (size_t k = 0; k + 1 < n0; k++) {
            int32_t plen = orig[k].last - orig[k].first + 1;
            for (int32_t d = orig[k].last + 1, to = orig[k + 1].first - 1; d <= to;) {
                int32_t e = d + plen - 1;
                if (plen >= 28) { /* calendar periods: month, quarter, year */
                    int y, m, dd;
                    cal_civil_from_days(d, &y, &m, &dd);
                    m += plen >= 365 ? 12 : plen >= 89 ? 3 : 1;
                    while (m > 12) { m -= 12; y++; }
                    e = cal_days_from_civil(y, m, 1) - 1;
                }
                if (e > to) e = to;
                int unknown = 0; /* a period given with an empty value stays a gap */
                for (size_t u = 0; u < nacc && !unknown; u++)
                    unknown = isnan(acc[u].value) && acc[u].first <= e && d <= acc[u].last;
                if (!unknown && truce_series_add(s, d, e, 0.0, err) != 0) {
                    free(orig);
                    goto fail;
                }
                d = e + 1;
            }
        }
        free(orig);
    }
    free(acc);
    csv_close(r);
    return s;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
fail:
    free(acc);
    truce_series_free(s);
    csv_close(r);
    return NULL;
}
