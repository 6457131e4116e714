/* events — aggregate UCDP GED and ACLED event files by period and group (see truce.h and
 * docs/events.md).
 *
 * Each file is read record by record with the streaming CSV reader; a row is validated,
 * filtered and added to a cell keyed by (group, period start). Groups are interned once
 * (a hash table of strings), cells live in a second hash table keyed by (group id,
 * period); memory therefore grows with the number of distinct cells, never with rows.
 * At the end the cells are sorted by group (byte order) then period, and --fill adds the
 * empty periods.
 */
#include "truce.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "csv.h"
#include "outpath.h"

#define DEFAULT_MAX_WARNINGS 20
#define MAX_DEATHS_DIGITS 9   /* one event with a billion deaths or more is a typo */

/* ---- options and names ---------------------------------------------------------------- */

void truce_events_options_init(truce_events_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = TRUCE_EVENTS_AUTO;
    opt->by = TRUCE_BY_MONTH;
    opt->group = TRUCE_EVENTS_BY_NONE;
    opt->max_warnings = DEFAULT_MAX_WARNINGS;
}

static const char *const group_names[] = {
    [TRUCE_EVENTS_BY_NONE] = "none",         [TRUCE_EVENTS_BY_COUNTRY] = "country",
    [TRUCE_EVENTS_BY_ADM_1] = "adm_1",       [TRUCE_EVENTS_BY_ADM_2] = "adm_2",
    [TRUCE_EVENTS_BY_DYAD] = "dyad",         [TRUCE_EVENTS_BY_CONFLICT] = "conflict",
    [TRUCE_EVENTS_BY_TYPE] = "type",         [TRUCE_EVENTS_BY_SIDE_A] = "side_a",
    [TRUCE_EVENTS_BY_SIDE_B] = "side_b",     [TRUCE_EVENTS_BY_ACTOR1] = "actor1",
    [TRUCE_EVENTS_BY_ACTOR2] = "actor2",     [TRUCE_EVENTS_BY_EVENT_TYPE] = "event_type",
};
#define NGROUPS (sizeof group_names / sizeof group_names[0])

/* The column each grouping reads, per format (NULL: not available in that format). */
static const char *const group_column[NGROUPS][2] = {
    [TRUCE_EVENTS_BY_NONE] = {NULL, NULL},
    [TRUCE_EVENTS_BY_COUNTRY] = {"country", "country"},
    [TRUCE_EVENTS_BY_ADM_1] = {"adm_1", "admin1"},
    [TRUCE_EVENTS_BY_ADM_2] = {"adm_2", "admin2"},
    [TRUCE_EVENTS_BY_DYAD] = {"dyad_name", NULL},
    [TRUCE_EVENTS_BY_CONFLICT] = {"conflict_name", NULL},
    [TRUCE_EVENTS_BY_TYPE] = {"type_of_violence", NULL},
    [TRUCE_EVENTS_BY_SIDE_A] = {"side_a", NULL},
    [TRUCE_EVENTS_BY_SIDE_B] = {"side_b", NULL},
    [TRUCE_EVENTS_BY_ACTOR1] = {NULL, "actor1"},
    [TRUCE_EVENTS_BY_ACTOR2] = {NULL, "actor2"},
    [TRUCE_EVENTS_BY_EVENT_TYPE] = {NULL, "event_type"},
};

int truce_event_format_parse(const char *name, truce_event_format *format)
{
    if (strcmp(name, "auto") == 0) *format = TRUCE_EVENTS_AUTO;
    else if (strcmp(name, "ucdp") == 0) *format = TRUCE_EVENTS_UCDP;
    else if (strcmp(name, "acled") == 0) *format = TRUCE_EVENTS_ACLED;
    else return -1;
    return 0;
}

int truce_event_group_parse(const char *name, truce_event_group *group)
{
    for (size_t i = 0; i < NGROUPS; i++)
        if (strcmp(name, group_names[i]) == 0) {
            *group = (truce_event_group)i;
            return 0;
        }
    return -1;
}

static const char *format_name(truce_event_format f)
{
    return f == TRUCE_EVENTS_UCDP ? "UCDP GED" : f == TRUCE_EVENTS_ACLED ? "ACLED" : "auto";
}

/* ---- the table ------------------------------------------------------------------------ */

typedef struct cell {
    uint32_t gid;
    int32_t period;
    uint64_t v[6];   /* events, deaths, deaths_a, deaths_b, deaths_civilians, deaths_unknown */
} cell;

struct truce_event_table {
    truce_event_format format;
    truce_period by;
    /* groups: interned strings, open addressing on their hash */
    char **gname;
    uint64_t *ghash;
    size_t ngroups, gcap;
    uint32_t *gslot;      /* index+1 into gname, 0 = empty */
    size_t gslots;
    /* cells */
    cell *cells;
    size_t ncells, ccap;
    uint32_t *cslot;      /* index+1 into cells, 0 = empty */
    size_t cslots;
    /* result */
    truce_event_row *rows;
    size_t nrows;
    uint64_t rows_read, rows_invalid;
};

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603u;   /* FNV-1a, then a final mix */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211u;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 32;
    return h;
}

static uint64_t hash_cell(uint32_t gid, int32_t period)
{
    uint64_t h = ((uint64_t)gid << 32) ^ (uint32_t)period;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return h;
}

static int grow_slots(uint32_t **slots, size_t *nslots, size_t nitems)
{
    if (nitems * 2 < *nslots) return 0;
    size_t n = *nslots ? *nslots * 2 : 256;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return -1;
    free(*slots);
    *slots = s;
    *nslots = n;
    return 1;   /* caller rehashes */
}

/* Group id of (p, n), interning it if new. Returns -1 when out of memory. */
static long group_id(truce_event_table *t, const char *p, size_t n)
{
    uint64_t h = hash_bytes(p, n);
    size_t mask = t->gslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t s = t->gslot[i];
        if (!s) break;
        const char *g = t->gname[s - 1];
        if (t->ghash[s - 1] == h && strlen(g) == n && memcmp(g, p, n) == 0) return (long)(s - 1);
    }
    if (t->ngroups == t->gcap) {
        size_t nc = t->gcap ? t->gcap * 2 : 64;
        char **ng = realloc(t->gname, nc * sizeof *ng);
        if (!ng) return -1;
        t->gname = ng;
        uint64_t *nh = realloc(t->ghash, nc * sizeof *nh);
        if (!nh) return -1;
        t->ghash = nh;
        t->gcap = nc;
    }
    if (t->ngroups >= UINT32_MAX - 1) return -1;
    char *copy = malloc(n + 1);
    if (!copy) return -1;
    memcpy(copy, p, n);
    copy[n] = '\0';
    size_t id = t->ngroups++;
    t->gname[id] = copy;
    t->ghash[id] = h;
    int g = grow_slots(&t->gslot, &t->gslots, t->ngroups);
    if (g < 0) return -1;
    mask = t->gslots - 1;
    size_t from = g ? 0 : id;   /* after a resize every group is placed again */
    for (size_t k = from; k <= id; k++) {
        size_t i = (size_t)t->ghash[k] & mask;
        while (t->gslot[i]) i = (i + 1) & mask;
        t->gslot[i] = (uint32_t)(k + 1);
    }
    return (long)id;
}

static cell *cell_get(truce_event_table *t, uint32_t gid, int32_t period)
{
    size_t mask = t->cslots - 1;
    for (size_t i = (size_t)hash_cell(gid, period) & mask;; i = (i + 1) & mask) {
        uint32_t s = t->cslot[i];
        if (!s) break;
        cell *c = &t->cells[s - 1];
        if (c->gid == gid && c->period == period) return c;
    }
    if (t->ncells == t->ccap) {
        size_t nc = t->ccap ? t->ccap * 2 : 256;
        cell *ncl = realloc(t->cells, nc * sizeof *ncl);
        if (!ncl) return NULL;
        t->cells = ncl;
        t->ccap = nc;
    }
    if (t->ncells >= UINT32_MAX - 1) return NULL;
    size_t id = t->ncells++;
    t->cells[id] = (cell){gid, period, {0, 0, 0, 0, 0, 0}};
    int g = grow_slots(&t->cslot, &t->cslots, t->ncells);
    if (g < 0) return NULL;
    mask = t->cslots - 1;
    for (size_t k = g ? 0 : id; k <= id; k++) {
        size_t i = (size_t)hash_cell(t->cells[k].gid, t->cells[k].period) & mask;
        while (t->cslot[i]) i = (i + 1) & mask;
        t->cslot[i] = (uint32_t)(k + 1);
    }
    return &t->cells[id];
}

static truce_event_table *table_new(const truce_events_options *opt)
{
    truce_event_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->format = opt->format;
    t->by = opt->by;
    if (grow_slots(&t->gslot, &t->gslots, 0) < 0 || grow_slots(&t->cslot, &t->cslots, 0) < 0) {
        truce_event_table_free(t);
        return NULL;
    }
    return t;
}

void truce_event_table_free(truce_event_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->ngroups; i++) free(t->gname[i]);
    free(t->gname);
    free(t->ghash);
    free(t->gslot);
    free(t->cells);
    free(t->cslot);
    free(t->rows);
    free(t);
}

size_t truce_event_table_count(const truce_event_table *t) { return t->nrows; }
const truce_event_row *truce_event_table_row(const truce_event_table *t, size_t i)
{
    return i < t->nrows ? &t->rows[i] : NULL;
}
truce_event_format truce_event_table_format(const truce_event_table *t) { return t->format; }
truce_period truce_event_table_period(const truce_event_table *t) { return t->by; }
uint64_t truce_event_table_rows_read(const truce_event_table *t) { return t->rows_read; }
uint64_t truce_event_table_rows_invalid(const truce_event_table *t) { return t->rows_invalid; }

/* ---- reading one file ----------------------------------------------------------------- */

enum { COL_DATE, COL_DEATHS, COL_DA, COL_DB, COL_DC, COL_DU, COL_GROUP, COL_COUNTRY, COL_DYAD,
       COL_TYPE, COL_EVENT_TYPE, COL_ACTOR_1, COL_ACTOR_2, NCOLS };

typedef struct file_ctx {
    const truce_events_options *opt;
    truce_event_table *t;
    csv_reader *r;
    size_t ncols;               /* fields in the header */
    long col[NCOLS];            /* field index, or -1 when not used */
    const char *colname[NCOLS];
    uint64_t invalid;
} file_ctx;

static long header_find(const csv_record *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (csv_field_is(&h->fields[i], name)) return (long)i;
    return -1;
}

static truce_event_format detect(const csv_record *h)
{
    if (header_find(h, "date_start") >= 0 && header_find(h, "best") >= 0)
        return TRUCE_EVENTS_UCDP;
    if (header_find(h, "event_date") >= 0 && header_find(h, "fatalities") >= 0)
        return TRUCE_EVENTS_ACLED;
    return TRUCE_EVENTS_AUTO;
}

/* Map the columns this run needs; a missing one is an input error. */
static int map_columns(file_ctx *f, const csv_record *h, truce_event_format fmt,
                       truce_error *err)
{
    const truce_events_options *o = f->opt;
    const char *name = csv_name(f->r);
    int ucdp = fmt == TRUCE_EVENTS_UCDP;
    for (int i = 0; i < NCOLS; i++) f->colname[i] = NULL, f->col[i] = -1;
    f->colname[COL_DATE] = ucdp ? "date_start" : "event_date";
    f->colname[COL_DEATHS] = ucdp ? "best" : "fatalities";
    if (ucdp) {
        f->colname[COL_DA] = "deaths_a";
        f->colname[COL_DB] = "deaths_b";
        f->colname[COL_DC] = "deaths_civilians";
        f->colname[COL_DU] = "deaths_unknown";
    }
    if (o->group != TRUCE_EVENTS_BY_NONE) {
        const char *c = group_column[o->group][ucdp ? 0 : 1];
        if (!c) {
            truce_error_set(err, TRUCE_EINPUT, name, 0, NULL,
                            "--group %s does not apply to %s files", group_names[o->group],
                            format_name(fmt));
            return -1;
        }
        f->colname[COL_GROUP] = c;
    }
    struct { const char *value, *option, *ucdp_col, *acled_col; int slot; } filters[] = {
        {o->country, "--country", "country", "country", COL_COUNTRY},
        {o->dyad, "--dyad", "dyad_name", NULL, COL_DYAD},
        {o->type, "--type", "type_of_violence", NULL, COL_TYPE},
        {o->event_type, "--event-type", NULL, "event_type", COL_EVENT_TYPE},
        {o->actor, "--actor", "side_a", "actor1", COL_ACTOR_1},
        {o->actor, "--actor", "side_b", "actor2", COL_ACTOR_2},
    };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        if (!filters[i].value) continue;
        const char *c = ucdp ? filters[i].ucdp_col : filters[i].acled_col;
        if (!c) {
            truce_error_set(err, TRUCE_EINPUT, name, 0, NULL, "%s does not apply to %s files",
                            filters[i].option, format_name(fmt));
            return -1;
        }
        f->colname[filters[i].slot] = c;
    }
    for (int i = 0; i < NCOLS; i++) {
        if (!f->colname[i]) continue;
        f->col[i] = header_find(h, f->colname[i]);
        if (f->col[i] < 0) {
            truce_error_set(err, TRUCE_EINPUT, name, h->line, f->colname[i],
                            "required column missing from the %s header", format_name(fmt));
            return -1;
        }
    }
    return 0;
}

/* "15 March 2021" / "6 October 2022" (month names in English, any case). */
static int parse_dmy(const char *p, size_t n, int32_t *day)
{
    static const char *const months[] = {"january", "february", "march", "april",
                                         "may", "june", "july", "august", "september",
                                         "october", "november", "december"};
    size_t i = 0;
    int d = 0;
    while (i < n && i < 2 && p[i] >= '0' && p[i] <= '9') d = d * 10 + (p[i++] - '0');
    if (i == 0 || i >= n || p[i] != ' ') return -1;
    size_t ms = ++i;
    while (i < n && p[i] != ' ') i++;
    size_t ml = i - ms;
    int m = 0;
    for (int k = 0; k < 12 && !m; k++) {
        size_t kl = strlen(months[k]);
        if (kl != ml) continue;
        size_t j = 0;
        while (j < kl && (p[ms + j] | 0x20) == months[k][j]) j++;
        if (j == kl) m = k + 1;
    }
    if (!m || i >= n || n - i != 5) return -1;
    int y = 0;
    for (size_t j = i + 1; j < n; j++) {
        if (p[j] < '0' || p[j] > '9') return -1;
        y = y * 10 + (p[j] - '0');
    }
    if (y < 1000 || d < 1 || d > cal_days_in_month(y, m)) return -1;
    *day = cal_days_from_civil(y, m, d);
    return 0;
}

static int parse_date(const csv_field *f, int acled, int32_t *day)
{
    int32_t first, last;
    truce_precision prec;
    if (cal_parse(f->ptr, f->len, &first, &last, &prec) == 0)
        return prec == TRUCE_PRECISION_DAY ? (*day = first, 0) : -1;
    return acled ? parse_dmy(f->ptr, f->len, day) : -1;
}

static int parse_count(const csv_field *f, uint64_t *out)
{
    if (f->len == 0 || f->len > MAX_DEATHS_DIGITS) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < f->len; i++) {
        unsigned c = (unsigned char)f->ptr[i] - (unsigned)'0';
        if (c > 9) return -1;
        v = v * 10 + c;
    }
    *out = v;
    return 0;
}

static void warnf(const truce_events_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warnf(const truce_events_options *o, const char *fmt, ...)
{
    if (!o->warn) return;
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->warn(o->warn_ctx, msg);
}

/* An invalid row: a warning (the first max_warnings of a file), or with --strict an
 * error. Returns -1 when the run must stop. */
static int invalid_row(file_ctx *f, long line, const char *field, truce_error *err,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int invalid_row(file_ctx *f, long line, const char *field, truce_error *err,
                       const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    f->invalid++;
    f->t->rows_invalid++;
    if (f->opt->strict) {
        truce_error_set(err, TRUCE_EINPUT, csv_name(f->r), line, field, "%s", reason);
        return -1;
    }
    if (f->invalid <= f->opt->max_warnings) {
        truce_error e;
        truce_error_set(&e, TRUCE_EINPUT, csv_name(f->r), line, field, "%s", reason);
        warnf(f->opt, "%s (row skipped)", e.message);
    }
    return 0;
}

static int field_eq(const csv_field *f, const char *s)
{
    size_t n = strlen(s);
    return f->len == n && memcmp(f->ptr, s, n) == 0;
}

/* Returns 0 to go on, -1 on error. */
static int do_row(file_ctx *f, const csv_record *rec, truce_error *err)
{
    const truce_events_options *o = f->opt;
    truce_event_table *t = f->t;
    const csv_field *fl = rec->fields;
    if (rec->n == 1 && fl[0].len == 0 && !fl[0].quoted && f->ncols > 1) return 0; /* blank */
    t->rows_read++;
    if (rec->has_nul) return invalid_row(f, rec->line, NULL, err, "NUL byte in the row");
    if (rec->bad_utf8) return invalid_row(f, rec->line, NULL, err, "invalid UTF-8");
    if (rec->malformed)
        return invalid_row(f, rec->line, NULL, err, "text after a closing quote");
    if (rec->n != f->ncols)
        return invalid_row(f, rec->line, NULL, err, "%zu fields, the header has %zu", rec->n,
                           f->ncols);
    int32_t day;
    const csv_field *df = &fl[f->col[COL_DATE]];
    if (parse_date(df, t->format == TRUCE_EVENTS_ACLED, &day))
        return invalid_row(f, rec->line, f->colname[COL_DATE], err, "not a day date: '%.*s'",
                           (int)(df->len > 40 ? 40 : df->len), df->ptr);
    uint64_t v[6] = {1, 0, 0, 0, 0, 0};
    for (int k = COL_DEATHS; k <= COL_DU; k++) {
        if (f->col[k] < 0) continue;
        const csv_field *c = &fl[f->col[k]];
        if (parse_count(c, &v[1 + k - COL_DEATHS]))
            return invalid_row(f, rec->line, f->colname[k], err,
                               "not a count (0 to 999999999): '%.*s'",
                               (int)(c->len > 40 ? 40 : c->len), c->ptr);
    }
    /* Filters. */
    if (o->has_from && day < o->from) return 0;
    if (o->has_to && day > o->to) return 0;
    if (o->country && !field_eq(&fl[f->col[COL_COUNTRY]], o->country)) return 0;
    if (o->dyad && !field_eq(&fl[f->col[COL_DYAD]], o->dyad)) return 0;
    if (o->type && !field_eq(&fl[f->col[COL_TYPE]], o->type)) return 0;
    if (o->event_type && !field_eq(&fl[f->col[COL_EVENT_TYPE]], o->event_type)) return 0;
    if (o->actor && !field_eq(&fl[f->col[COL_ACTOR_1]], o->actor) &&
        !field_eq(&fl[f->col[COL_ACTOR_2]], o->actor))
        return 0;
    long gid;
    if (f->col[COL_GROUP] >= 0) {
        const csv_field *g = &fl[f->col[COL_GROUP]];
        gid = group_id(t, g->ptr, g->len);
    } else {
        gid = group_id(t, "", 0);
    }
    cell *c = gid < 0 ? NULL : cell_get(t, (uint32_t)gid, cal_period_start(day, t->by));
    if (!c) {
        truce_error_set(err, TRUCE_ERUNTIME, csv_name(f->r), rec->line, NULL, "out of memory");
        return -1;
    }
    for (int k = 0; k < 6; k++) c->v[k] += v[k];
    return 0;
}

static int read_file(truce_event_table *t, csv_reader *r, const truce_events_options *o,
                     int *format_fixed, truce_error *err)
{
    file_ctx f = {.opt = o, .t = t, .r = r};
    csv_record rec;
    int k = csv_next(r, &rec, err);
    if (k < 0) return -1;
    if (k == 0) {
        truce_error_set(err, TRUCE_EINPUT, csv_name(r), 0, NULL, "empty file: no header");
        return -1;
    }
    if (rec.has_nul || rec.bad_utf8) {
        truce_error_set(err, TRUCE_EINPUT, csv_name(r), rec.line, NULL, "header holds %s",
                        rec.has_nul ? "a NUL byte" : "invalid UTF-8");
        return -1;
    }
    truce_event_format fmt = o->format;
    if (fmt == TRUCE_EVENTS_AUTO) {
        fmt = detect(&rec);
        if (fmt == TRUCE_EVENTS_AUTO) {
            truce_error_set(err, TRUCE_EINPUT, csv_name(r), rec.line, NULL,
                            "header is neither UCDP GED (date_start, best) nor ACLED "
                            "(event_date, fatalities)");
            return -1;
        }
    }
    if (*format_fixed && fmt != t->format) {
        truce_error_set(err, TRUCE_EINPUT, csv_name(r), rec.line, NULL,
                        "a %s file among %s files: aggregate one format at a time",
                        format_name(fmt), format_name(t->format));
        return -1;
    }
    t->format = fmt;
    *format_fixed = 1;
    f.ncols = rec.n;
    if (map_columns(&f, &rec, fmt, err)) return -1;
    while ((k = csv_next(r, &rec, err)) > 0)
        if (do_row(&f, &rec, err)) return -1;
    if (k < 0) return -1;
    if (f.invalid > 0)
        warnf(o, "%s: %llu invalid row%s skipped%s", csv_name(r), (unsigned long long)f.invalid,
              f.invalid == 1 ? "" : "s",
              f.invalid > o->max_warnings ? " (only the first ones are shown)" : "");
    return 0;
}

/* ---- the result: sort, fill ----------------------------------------------------------- */

static int cmp_row(const void *a, const void *b)
{
    const truce_event_row *x = a, *y = b;
    if (x->group != y->group) {   /* interned: equal strings are the same pointer */
        int c = strcmp(x->group, y->group);
        if (c) return c;
    }
    return (x->period > y->period) - (x->period < y->period);
}

static int finish(truce_event_table *t, const truce_events_options *o, truce_error *err)
{
    if (o->fill && t->ncells > 0) {
        int32_t lo = t->cells[0].period, hi = lo;
        for (size_t i = 1; i < t->ncells; i++) {
            if (t->cells[i].period < lo) lo = t->cells[i].period;
            if (t->cells[i].period > hi) hi = t->cells[i].period;
        }
        if (o->has_from) lo = cal_period_start(o->from, t->by);
        if (o->has_to) hi = cal_period_start(o->to, t->by);
        for (size_t g = 0; g < t->ngroups; g++)
            for (int32_t p = lo; p <= hi; p = cal_period_next(p, t->by))
                if (!cell_get(t, (uint32_t)g, p)) goto oom;
    }
    free(t->cslot);   /* the table is read-only from here on */
    t->cslot = NULL;
    t->cslots = 0;
    t->rows = calloc(t->ncells ? t->ncells : 1, sizeof *t->rows);
    if (!t->rows) goto oom;
    for (size_t i = 0; i < t->ncells; i++) {
        const cell *c = &t->cells[i];
        t->rows[i] = (truce_event_row){c->period, t->gname[c->gid], c->v[0], c->v[1],
                                       c->v[2], c->v[3], c->v[4], c->v[5]};
    }
    if (t->ncells > 1) qsort(t->rows, t->ncells, sizeof *t->rows, cmp_row);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->ncells;
    return 0;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    return -1;
}

static int check_options(const truce_events_options *o, truce_error *err)
{
    if ((unsigned)o->group >= NGROUPS || (unsigned)o->by > TRUCE_BY_YEAR ||
        (unsigned)o->format > TRUCE_EVENTS_ACLED) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "invalid events options");
        return -1;
    }
    if (o->has_from && o->has_to && o->from > o->to) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "--from is after --to");
        return -1;
    }
    return 0;
}

/* Aggregate n inputs, read from files (paths) or from memory (files): one loop for both. */
static truce_event_table *aggregate(const char *const *paths, const truce_memfile *files, size_t n,
                                    const truce_events_options *opt, truce_error *err)
{
    if (check_options(opt, err)) return NULL;
    truce_event_table *t = table_new(opt);
    if (!t) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    int fixed = 0;
    for (size_t i = 0; i < n; i++) {
        csv_reader *r;
        if (paths) {
            r = csv_open_file(paths[i], err);
        } else {
            r = csv_open_memory(files[i].name, files[i].data, files[i].len);
            if (!r) truce_error_set(err, TRUCE_ERUNTIME, files[i].name, 0, NULL, "out of memory");
        }
        if (!r) goto fail;
        int rc = read_file(t, r, opt, &fixed, err);
        csv_close(r);
        if (rc) goto fail;
    }
    if (finish(t, opt, err)) goto fail;
    return t;
fail:
    truce_event_table_free(t);
    return NULL;
}

truce_event_table *truce_events_aggregate(const char *const *paths, size_t npaths,
                                          const truce_events_options *opt, truce_error *err)
{
    return aggregate(paths, NULL, npaths, opt, err);
}

truce_event_table *truce_events_aggregate_memory(const truce_memfile *files, size_t nfiles,
                                                 const truce_events_options *opt,
                                                 truce_error *err)
{
    return aggregate(NULL, files, nfiles, opt, err);
}

/* ---- writing -------------------------------------------------------------------------- */

static void put_csv_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"') putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}

static void write_rows(const truce_event_table *t, FILE *out)
{
    int ucdp = t->format == TRUCE_EVENTS_UCDP;
    fputs(ucdp ? "period,group,events,deaths,deaths_a,deaths_b,deaths_civilians,"
                 "deaths_unknown\n"
               : "period,group,events,deaths\n",
          out);
    for (size_t i = 0; i < t->nrows; i++) {
        const truce_event_row *r = &t->rows[i];
        char label[16];
        cal_period_label(r->period, t->by, label);
        fputs(label, out);
        putc(',', out);
        put_csv_text(out, r->group);
        fprintf(out, ",%llu,%llu", (unsigned long long)r->events, (unsigned long long)r->deaths);
        if (ucdp)
            fprintf(out, ",%llu,%llu,%llu,%llu", (unsigned long long)r->deaths_a,
                    (unsigned long long)r->deaths_b, (unsigned long long)r->deaths_civilians,
                    (unsigned long long)r->deaths_unknown);
        putc('\n', out);
    }
}

int truce_event_table_write(const truce_event_table *t, const char *path, truce_error *err)
{
    /* stdout for NULL or "-"; a device or FIFO directly; a file through a temporary
     * renamed into place (outpath.h). A failed write is reported by the commit. */
    out_file f;
    if (out_file_open(&f, path, err) != 0) return -1;
    write_rows(t, f.fp);
    return out_file_commit(&f, err);
}
