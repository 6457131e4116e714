/* scenario — load and validate a scenario (YAML with CSV tables; docs/scenario.md), and the
 * operations on a loaded one (overrides, counterfactual removals, the hash).
 *
 * Every value is checked; the first problem found is reported as TRUCE_EINPUT with the
 * file, the line and the field ("file:line: field: reason"). Table errors name the table's
 * file and line and, in the reason, the scenario file that refers to it.
 */
#include "scenario.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "hash.h"
#include "csv.h"
#include "embedded.h"
#include "yaml_doc.h"

#define PATH_MAX_LEN 4096
#define SCENARIO_FILE_MAX (16u << 20)
/* At most this many policies tables in a list; with regions, timeline, levers and a
 * parameters table every table's name is kept for messages. */
#define MAX_POLICY_TABLES 8
#define MAX_EPISODES 100000
#define INTENSITY_MIN (-10.0)
#define INTENSITY_MAX 100.0
#define POPULATION_MAX 1e10
#define RELEASES_MAX 1e9
#define SHARE_SUM_TOL 1e-6
#define MAX_COLUMNS 256

/* ---- levers -------------------------------------------------------------------------- */

static const char *const lever_names[LEVER_COUNT] = {
    "none", "ceasefire", "talks", "peace_deal", "operation", "cross_border_strike",
    "border_clash", "finance_disruption", "host_pressure", "development", "reintegration",
    "coherence", "chorus", "regime_change", "organisation",
};

/* Which organisations a lever acts on when its `organisations` column is empty (or absent):
 * the first for what concerns one organisation (talks, ceasefires, deals, releases, its
 * formation, its sanctuary's host), all for what the state does everywhere (operations,
 * finance disruption, reintegration). Development, coherence and border clashes act on the
 * shared state and name no organisation. */
typedef enum lever_scope { SCOPE_FIRST, SCOPE_ALL, SCOPE_SHARED } lever_scope;
static const lever_scope lever_scopes[LEVER_COUNT] = {
    [LEVER_NONE] = SCOPE_ALL,          [LEVER_CEASEFIRE] = SCOPE_FIRST,
    [LEVER_TALKS] = SCOPE_FIRST,       [LEVER_PEACE_DEAL] = SCOPE_FIRST,
    [LEVER_OPERATION] = SCOPE_ALL,     [LEVER_CROSS_BORDER_STRIKE] = SCOPE_FIRST,
    [LEVER_BORDER_CLASH] = SCOPE_SHARED, [LEVER_FINANCE_DISRUPTION] = SCOPE_ALL,
    [LEVER_HOST_PRESSURE] = SCOPE_FIRST, [LEVER_DEVELOPMENT] = SCOPE_SHARED,
    [LEVER_REINTEGRATION] = SCOPE_ALL, [LEVER_COHERENCE] = SCOPE_SHARED,
    [LEVER_CHORUS] = SCOPE_FIRST,      [LEVER_REGIME_CHANGE] = SCOPE_FIRST,
    [LEVER_ORGANISATION] = SCOPE_FIRST,
};

const char *lever_name(lever_kind k)
{
    return (unsigned)k < LEVER_COUNT ? lever_names[k] : "?";
}

int lever_from_name(const char *name, lever_kind *k)
{
    for (unsigned i = 0; i < LEVER_COUNT; i++)
        if (strcmp(lever_names[i], name) == 0) {
            *k = (lever_kind)i;
            return 0;
        }
    return -1;
}

/* ---- the hash ------------------------------------------------------------------------ */

/* FNV-1a 64 over the canonical serialisation of src/base/hash.h. */
void scenario_rehash(truce_scenario *s)
{
    uint64_t h = HASH_FNV_OFFSET;
    hash_str(&h, "truce-scenario-1");
    hash_str(&h, s->name);
    hash_i64(&h, s->start);
    hash_i64(&h, s->end);
    hash_u64(&h, s->nregions);
    for (size_t r = 0; r < s->nregions; r++) {
        const region *g = &s->regions[r];
        hash_str(&h, g->name);
        hash_f64(&h, g->population);
        hash_f64(&h, g->youth_share);
        hash_f64(&h, g->deprivation);
        hash_f64(&h, g->mountain_share);
        hash_f64(&h, g->border);
        hash_f64(&h, g->initial_share);
        hash_i64(&h, g->sanctuary);
    }
    hash_u64(&h, s->nepisodes);
    for (size_t i = 0; i < s->nepisodes; i++) {
        const episode *e = &s->episodes[i];
        hash_str(&h, e->id);
        hash_str(&h, lever_name(e->lever));
        hash_str(&h, e->kind);
        hash_i64(&h, e->start);
        hash_i64(&h, e->end);
        hash_i64(&h, (int64_t)e->start_precision);
        hash_i64(&h, (int64_t)e->end_precision);
        hash_i64(&h, e->open_end);
        hash_u64(&h, e->regions);
        hash_f64(&h, e->intensity);
        hash_f64(&h, e->compliance);
        hash_f64(&h, e->monitoring);
        hash_f64(&h, e->focus);
        hash_f64(&h, e->releases);
        /* only where a cell names a parameter, so other scenarios keep their hashes */
        for (int k = 0; k < EP_FIELDS; k++)
            if (e->param_ref[k]) {
                hash_i64(&h, k);
                hash_str(&h, param_table[e->param_ref[k] - 1].name);
            }
    }
    hash_u64(&h, PARAM_COUNT);
    for (size_t p = 0; p < PARAM_COUNT; p++) {
        hash_str(&h, param_table[p].name);
        hash_f64(&h, s->params[p]);
    }
    for (size_t g = 0; g < s->ngeographies; g++) {
        hash_str(&h, s->geographies[g].name);
        hash_u64(&h, s->geographies[g].regions);
    }
    /* only with an organisations table, so that a scenario without one keeps its hash */
    if (s->orgs_table) {
        hash_str(&h, "organisations");
        hash_u64(&h, s->norgs);
        for (size_t o = 0; o < s->norgs; o++) {
            const organisation *g = &s->orgs[o];
            hash_str(&h, g->name);
            hash_u64(&h, g->regions);
            hash_u64(&h, g->sanctuaries);
            for (size_t r = 0; r < s->nregions; r++) hash_f64(&h, g->initial_share[r]);
        }
        for (size_t i = 0; i < s->nepisodes; i++) hash_u64(&h, s->episodes[i].orgs);
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) s->hash[i] = hex[(h >> (60 - 4 * i)) & 15];
    s->hash[16] = '\0';
}

/* ---- small parsers ------------------------------------------------------------------- */

/* A decimal number: [+-]digits[.digits][e[+-]digits] (also ".5", "5."). No spaces, no
 * hex, no inf/nan, no YAML 1.1 forms. Returns 0, -1 if not a number, -2 if not finite. */
static int parse_number(const char *p, size_t n, double *out) { return csv_parse_decimal(p, n, out); }

/* Names of regions and ids of episodes: [A-Za-z0-9_.:-], 1..cap-1 bytes. */
static int valid_token(const char *p, size_t n, size_t cap, int colon)
{
    if (n == 0 || n >= cap) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-' || (colon && c == ':')))
            return 0;
    }
    return 1;
}

/* Copy at most cap-1 bytes for a message, replacing anything unprintable by '?'. */
static const char *shown(const char *p, size_t n, char *buf, size_t cap)
{
    size_t k = 0, i = 0;
    for (; i < n && k + 4 < cap; i++) {
        unsigned char c = (unsigned char)p[i];
        buf[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (i < n) memcpy(buf + k, "...", 3), k += 3;
    buf[k] = '\0';
    return buf;
}

/* ---- where files come from ----------------------------------------------------------- */

typedef struct loader {
    truce_error *err;
    const char *scen;             /* the scenario file's name, for messages */
    /* disk */
    char dir[PATH_MAX_LEN];       /* folder of the scenario file, "" for the current one */
    /* memory */
    const truce_memfile *files;
    size_t nfiles;
    truce_scenario *s;
    /* episodes being built (s->episodes is set at the end) */
    episode *eps;
    long *eline;                  /* line of each entry in its table */
    const char **etable;          /* display name of that table (owned by names[]) */
    size_t neps, cap;
    char *names[5 + MAX_POLICY_TABLES]; /* table display names kept for messages */
    size_t nnames;
    const char *timeline;         /* display name of the timeline table */
} loader;

/* Normalise a '/'-separated path: drop "" and "." segments, let ".." eat the previous
 * segment (kept when there is none). Returns 0, or -1 when it does not fit. */
static int path_normalise(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    int absolute = in[0] == '/';
    if (absolute) {
        if (cap < 2) return -1;
        out[n++] = '/';
    }
    size_t base = n;
    const char *p = in;
    while (*p) {
        while (*p == '/') p++;
        const char *seg = p;
        while (*p && *p != '/') p++;
        size_t len = (size_t)(p - seg);
        if (len == 0 || (len == 1 && seg[0] == '.')) continue;
        if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            /* last segment of out */
            size_t k = n;
            while (k > base && out[k - 1] != '/') k--;
            int last_is_dotdot = (n - k == 2 && out[k] == '.' && out[k + 1] == '.');
            if (n > base && !last_is_dotdot) {
                n = k > base ? k - 1 : base;
                continue;
            }
            if (absolute) continue; /* "/.." is "/" */
        }
        if (n + (n > base) + len + 1 > cap) return -1;
        if (n > base) out[n++] = '/';
        memcpy(out + n, seg, len);
        n += len;
    }
    out[n] = '\0';
    return 0;
}

static void dirname_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + (slash == path) : 0;
    if (n >= cap) n = cap - 1;
    memcpy(out, path, n);
    out[n] = '\0';
}

static const char *keep_name(loader *L, const char *name)
{
    if (L->nnames == sizeof L->names / sizeof L->names[0]) return "table";
    char *copy = strdup(name);
    if (!copy) return "table";
    L->names[L->nnames++] = copy;
    return copy;
}

/* Open the table that the scenario's `field` (at line) refers to. */
static csv_reader *open_table(loader *L, const ydoc_node *v, const char *field)
{
    if (v->type != YDOC_SCALAR || v->len == 0) {
        truce_error_set(L->err, TRUCE_EINPUT, L->scen, v->line, field,
                        "expected the path of a CSV file");
        return NULL;
    }
    char joined[PATH_MAX_LEN], resolved[PATH_MAX_LEN], sb[96];
    const char *ref = v->text;
    const char *dir = L->dir;
    int n = (ref[0] == '/' || dir[0] == '\0')
                ? snprintf(joined, sizeof joined, "%s", ref)
                : snprintf(joined, sizeof joined, "%s/%s", dir, ref);
    if (n < 0 || (size_t)n >= sizeof joined) {
        truce_error_set(L->err, TRUCE_EINPUT, L->scen, v->line, field, "path too long");
        return NULL;
    }
    if (!L->files) {
        truce_error e2;
        truce_error_clear(&e2);
        csv_reader *r = csv_open_file(joined, &e2);
        if (!r) {
            if (e2.code == TRUCE_ERUNTIME) {
                *L->err = e2;
                return NULL;
            }
            truce_error_set(L->err, TRUCE_EINPUT, L->scen, v->line, field,
                            "cannot open table '%s': %s", shown(ref, v->len, sb, sizeof sb),
                            e2.message);
        }
        return r;
    }
    if (path_normalise(joined, resolved, sizeof resolved)) {
        truce_error_set(L->err, TRUCE_EINPUT, L->scen, v->line, field, "path too long");
        return NULL;
    }
    for (size_t i = 0; i < L->nfiles; i++) {
        char name[PATH_MAX_LEN];
        if (!L->files[i].name || path_normalise(L->files[i].name, name, sizeof name)) continue;
        if (strcmp(name, resolved) == 0) {
            csv_reader *r = csv_open_memory(resolved, L->files[i].data ? L->files[i].data : "",
                                            L->files[i].data ? L->files[i].len : 0);
            if (!r) truce_error_set(L->err, TRUCE_ERUNTIME, resolved, 0, NULL, "out of memory");
            return r;
        }
    }
    truce_error_set(L->err, TRUCE_EINPUT, L->scen, v->line, field,
                    "cannot open table '%s': %s: no such file", shown(ref, v->len, sb, sizeof sb),
                    resolved);
    return NULL;
}

/* ---- tables -------------------------------------------------------------------------- */

typedef struct table {
    loader *L;
    csv_reader *r;
    const char *name;     /* display name */
    const char *what;     /* the scenario key that names it */
    size_t ncols;         /* fields per record (from the header) */
} table;

static int tfail(table *t, long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int tfail(table *t, long line, const char *field, const char *fmt, ...)
{
    char reason[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    truce_error_set(t->L->err, TRUCE_EINPUT, t->name, line, field, "%s (%s table of %s)",
                    reason, t->what, t->L->scen);
    return -1;
}

static int table_open(table *t, loader *L, const ydoc_node *v, const char *what)
{
    t->L = L;
    t->what = what;
    t->ncols = 0;
    t->r = open_table(L, v, what);
    if (!t->r) return -1;
    t->name = keep_name(L, csv_name(t->r));
    return 0;
}

static void table_close(table *t)
{
    csv_close(t->r);
    t->r = NULL;
}

/* Next data record: 1, 0 at the end, -1 on error. Blank lines are skipped. */
static int table_next(table *t, csv_record *rec)
{
    for (;;) {
        truce_error e2;
        truce_error_clear(&e2);
        int rc = csv_next(t->r, rec, &e2);
        if (rc < 0) {
            if (e2.code == TRUCE_ERUNTIME) {
                *t->L->err = e2;
                return -1;
            }
            /* e2 is "name:line: reason"; keep the reason, add the scenario */
            const char *m = e2.message;
            size_t nl = strlen(t->name);
            if (strncmp(m, t->name, nl) == 0) {
                m += nl;
                while (*m == ':' || (*m >= '0' && *m <= '9')) m++;
                while (*m == ' ') m++;
            }
            long line = 0;
            const char *c = e2.message + (strncmp(e2.message, t->name, nl) == 0 ? nl : 0);
            if (*c == ':') line = strtol(c + 1, NULL, 10);
            return tfail(t, line, NULL, "%s", m);
        }
        if (rc == 0) return 0;
        if (rec->n == 1 && rec->fields[0].len == 0 && !rec->fields[0].quoted) continue;
        if (rec->has_nul) return tfail(t, rec->line, NULL, "NUL byte in the record");
        for (size_t i = 0; i < rec->n; i++)
            if (!csv_utf8_valid(rec->fields[i].ptr, rec->fields[i].len))
                return tfail(t, rec->line, NULL, "invalid UTF-8 in field %zu", i + 1);
        if (rec->malformed)
            return tfail(t, rec->line, NULL, "text after a closing quote");
        if (t->ncols && rec->n != t->ncols)
            return tfail(t, rec->line, NULL, "%zu fields where the header has %zu", rec->n,
                         t->ncols);
        return 1;
    }
}

/* Read the header and find the required columns (cols[i] = index of required[i]).
 * Other columns are ignored; a column named twice is an error. */
static int table_header_opt(table *t, const char *const *required, size_t nreq, size_t *cols,
                            const char *const *optional, size_t nopt, size_t *ocols);
static int table_header(table *t, const char *const *required, size_t nreq, size_t *cols)
{
    return table_header_opt(t, required, nreq, cols, NULL, 0, NULL);
}

/* As table_header, and find the optional columns too (ocols[i] = (size_t)-1 if absent). */
static int table_header_opt(table *t, const char *const *required, size_t nreq, size_t *cols,
                            const char *const *optional, size_t nopt, size_t *ocols)
{
    csv_record rec;
    int rc = table_next(t, &rec);
    if (rc < 0) return -1;
    if (rc == 0) return tfail(t, 0, NULL, "empty table (no header)");
    char sb[96];
    if (rec.n > MAX_COLUMNS)
        return tfail(t, rec.line, NULL, "more than %d columns in the header", MAX_COLUMNS);
    for (size_t i = 0; i < rec.n; i++)
        for (size_t j = i + 1; j < rec.n; j++)
            if (rec.fields[i].len > 0 && rec.fields[i].len == rec.fields[j].len &&
                memcmp(rec.fields[i].ptr, rec.fields[j].ptr, rec.fields[i].len) == 0)
                return tfail(t, rec.line, NULL, "column '%s' appears twice in the header",
                             shown(rec.fields[j].ptr, rec.fields[j].len, sb, sizeof sb));
    for (size_t k = 0; k < nreq; k++) {
        cols[k] = (size_t)-1;
        for (size_t i = 0; i < rec.n; i++)
            if (csv_field_is(&rec.fields[i], required[k])) cols[k] = i;
        if (cols[k] == (size_t)-1)
            return tfail(t, rec.line, required[k], "missing column in the header");
    }
    for (size_t k = 0; k < nopt; k++) {
        ocols[k] = (size_t)-1;
        for (size_t i = 0; i < rec.n; i++)
            if (csv_field_is(&rec.fields[i], optional[k])) ocols[k] = i;
    }
    t->ncols = rec.n;
    return 0;
}

static int field_number(table *t, const csv_record *rec, size_t col, const char *name,
                        double lo, double hi, double *out)
{
    const csv_field *f = &rec->fields[col];
    char sb[96];
    int rc = parse_number(f->ptr, f->len, out);
    if (rc == -1)
        return tfail(t, rec->line, name, "expected a number, got '%s'",
                     shown(f->ptr, f->len, sb, sizeof sb));
    if (rc == -2 || *out < lo || *out > hi)
        return tfail(t, rec->line, name, "%s is outside [%g, %g]",
                     shown(f->ptr, f->len, sb, sizeof sb), lo, hi);
    return 0;
}

static int field_date(table *t, const csv_record *rec, size_t col, const char *name,
                      int32_t *first, int32_t *last, truce_precision *prec)
{
    const csv_field *f = &rec->fields[col];
    char sb[96];
    if (cal_parse(f->ptr, f->len, first, last, prec))
        return tfail(t, rec->line, name,
                     "expected a date YYYY, YYYY-MM or YYYY-MM-DD (years 1000 to 9999), got '%s'",
                     shown(f->ptr, f->len, sb, sizeof sb));
    return 0;
}

/* ---- regions ------------------------------------------------------------------------- */

static long region_index(const truce_scenario *s, const char *p, size_t n)
{
    for (size_t r = 0; r < s->nregions; r++)
        if (strlen(s->regions[r].name) == n && memcmp(s->regions[r].name, p, n) == 0)
            return (long)r;
    return -1;
}

static void default_organisation(truce_scenario *s);

static int load_regions(loader *L, const ydoc_node *v)
{
    static const char *const cols_req[] = {"name",   "population",    "youth_share",
                                           "deprivation", "mountain_share", "border",
                                           "initial_share", "sanctuary"};
    enum { C_NAME, C_POP, C_YOUTH, C_DEPR, C_MOUNT, C_BORDER, C_INIT, C_SANCT, C_N };
    truce_scenario *s = L->s;
    table t;
    if (table_open(&t, L, v, "regions")) return -1;
    size_t c[C_N];
    int rc = table_header(&t, cols_req, C_N, c);
    csv_record rec;
    long first_line = 0;
    char sb[96];
    while (rc == 0) {
        int k = table_next(&t, &rec);
        if (k < 0) rc = -1;
        if (k <= 0) break;
        if (!first_line) first_line = rec.line;
        if (s->nregions == SCENARIO_MAX_REGIONS) {
            rc = tfail(&t, rec.line, NULL, "more than %d regions", SCENARIO_MAX_REGIONS);
            break;
        }
        region *g = &s->regions[s->nregions];
        const csv_field *nf = &rec.fields[c[C_NAME]];
        if (!valid_token(nf->ptr, nf->len, sizeof g->name, 0) || csv_field_is(nf, "all")) {
            rc = tfail(&t, rec.line, "name",
                       "'%s' is not a region name (1 to %zu characters of a-z, A-Z, 0-9, _ . -; "
                       "not 'all')",
                       shown(nf->ptr, nf->len, sb, sizeof sb), sizeof g->name - 1);
            break;
        }
        if (region_index(s, nf->ptr, nf->len) >= 0) {
            rc = tfail(&t, rec.line, "name", "region '%s' appears twice",
                       shown(nf->ptr, nf->len, sb, sizeof sb));
            break;
        }
        csv_field_copy(nf, g->name, sizeof g->name);
        double sanct;
        if (field_number(&t, &rec, c[C_POP], "population", 0, POPULATION_MAX, &g->population) ||
            field_number(&t, &rec, c[C_YOUTH], "youth_share", 0, 1, &g->youth_share) ||
            field_number(&t, &rec, c[C_DEPR], "deprivation", 0, 1, &g->deprivation) ||
            field_number(&t, &rec, c[C_MOUNT], "mountain_share", 0, 1, &g->mountain_share) ||
            field_number(&t, &rec, c[C_BORDER], "border", 0, 1, &g->border) ||
            field_number(&t, &rec, c[C_INIT], "initial_share", 0, 1, &g->initial_share)) {
            rc = -1;
            break;
        }
        const csv_field *sf = &rec.fields[c[C_SANCT]];
        if (!csv_field_is(sf, "0") && !csv_field_is(sf, "1")) {
            rc = tfail(&t, rec.line, "sanctuary", "expected 0 or 1, got '%s'",
                       shown(sf->ptr, sf->len, sb, sizeof sb));
            break;
        }
        sanct = sf->ptr[0] == '1';
        g->sanctuary = (int)sanct;
        if (!g->sanctuary && !(g->population > 0)) {
            rc = tfail(&t, rec.line, "population",
                       "a region of the state (sanctuary 0) needs a population above 0");
            break;
        }
        s->nregions++;
    }
    if (rc == 0) {
        size_t state = 0;
        double sum = 0;
        for (size_t r = 0; r < s->nregions; r++) {
            state += !s->regions[r].sanctuary;
            sum += s->regions[r].initial_share;
        }
        if (s->nregions == 0) rc = tfail(&t, 0, NULL, "no regions");
        else if (state == 0)
            rc = tfail(&t, first_line, "sanctuary",
                       "every region is a sanctuary: at least one must be the state's");
        else if (fabs(sum - 1) > SHARE_SUM_TOL)
            rc = tfail(&t, 0, "initial_share", "the shares sum to %.9g, not 1", sum);
    }
    table_close(&t);
    if (rc == 0) default_organisation(s);
    return rc;
}

/* ---- organisations ------------------------------------------------------------------- */

/* Without an organisations table: one organisation, everywhere, with the regions table's
 * initial shares and every sanctuary region. */
static void default_organisation(truce_scenario *s)
{
    s->norgs = 1;
    organisation *o = &s->orgs[0];
    memset(o, 0, sizeof *o);
    strcpy(o->name, "militants");
    for (size_t r = 0; r < s->nregions; r++) {
        o->regions |= (uint64_t)1 << r;
        if (s->regions[r].sanctuary) o->sanctuaries |= (uint64_t)1 << r;
        o->initial_share[r] = s->regions[r].initial_share;
    }
}

static long org_index(const truce_scenario *s, const char *p, size_t n)
{
    for (size_t o = 0; o < s->norgs; o++)
        if (strlen(s->orgs[o].name) == n && memcmp(s->orgs[o].name, p, n) == 0) return (long)o;
    return -1;
}

/* regions: "all" (every region, with the regions table's initial_share) or
 * "name=share;name=share" (the shares sum to 1). */
static int org_regions(table *t, long line, const csv_field *f, organisation *o)
{
    truce_scenario *s = t->L->s;
    char sb[96];
    if (csv_field_is(f, "all")) {
        for (size_t r = 0; r < s->nregions; r++) {
            o->regions |= (uint64_t)1 << r;
            o->initial_share[r] = s->regions[r].initial_share;
        }
        return 0;
    }
    if (f->len == 0)
        return tfail(t, line, "regions", "empty: give 'all' or region=share pairs separated by ';'");
    const char *p = f->ptr, *end = f->ptr + f->len;
    double sum = 0;
    while (p <= end) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        if (!q) q = end;
        const char *eq = memchr(p, '=', (size_t)(q - p));
        if (!eq)
            return tfail(t, line, "regions", "'%s' is not region=share",
                         shown(p, (size_t)(q - p), sb, sizeof sb));
        long r = region_index(s, p, (size_t)(eq - p));
        if (r < 0)
            return tfail(t, line, "regions", "unknown region '%s'", shown(p, (size_t)(eq - p), sb, sizeof sb));
        if (o->regions & ((uint64_t)1 << r))
            return tfail(t, line, "regions", "region '%s' named twice", s->regions[r].name);
        double x;
        int rc = parse_number(eq + 1, (size_t)(q - eq - 1), &x);
        if (rc || !(x >= 0 && x <= 1))
            return tfail(t, line, "regions", "the share of '%s' is not a number in [0, 1]: '%s'",
                         s->regions[r].name, shown(eq + 1, (size_t)(q - eq - 1), sb, sizeof sb));
        o->regions |= (uint64_t)1 << r;
        o->initial_share[r] = x;
        sum += x;
        p = q + 1;
    }
    if (fabs(sum - 1) > SHARE_SUM_TOL)
        return tfail(t, line, "regions", "the initial shares sum to %.9g, not 1", sum);
    return 0;
}

/* sanctuaries: "all" (every sanctuary region), empty (none) or names separated by ';'. */
static int org_sanctuaries(table *t, long line, const csv_field *f, organisation *o)
{
    truce_scenario *s = t->L->s;
    char sb[96];
    if (f->len == 0) return 0;
    if (csv_field_is(f, "all")) {
        for (size_t r = 0; r < s->nregions; r++)
            if (s->regions[r].sanctuary) o->sanctuaries |= (uint64_t)1 << r;
        return 0;
    }
    const char *p = f->ptr, *end = f->ptr + f->len;
    while (p <= end) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        if (!q) q = end;
        long r = region_index(s, p, (size_t)(q - p));
        if (r < 0)
            return tfail(t, line, "sanctuaries", "unknown region '%s'", shown(p, (size_t)(q - p), sb, sizeof sb));
        if (!s->regions[r].sanctuary)
            return tfail(t, line, "sanctuaries", "region '%s' is not a sanctuary (sanctuary 0 in the regions table)",
                         s->regions[r].name);
        if (o->sanctuaries & ((uint64_t)1 << r))
            return tfail(t, line, "sanctuaries", "region '%s' named twice", s->regions[r].name);
        o->sanctuaries |= (uint64_t)1 << r;
        p = q + 1;
    }
    return 0;
}

static int load_organisations(loader *L, const ydoc_node *v)
{
    static const char *const req[] = {"name", "regions", "sanctuaries"};
    truce_scenario *s = L->s;
    table t;
    if (table_open(&t, L, v, "organisations")) return -1;
    size_t c[3];
    int rc = table_header(&t, req, 3, c);
    csv_record rec;
    char sb[96];
    size_t n = 0;
    while (rc == 0) {
        int k = table_next(&t, &rec);
        if (k < 0) rc = -1;
        if (k <= 0) break;
        if (n == SCENARIO_MAX_ORGS) {
            rc = tfail(&t, rec.line, NULL, "more than %d organisations (the parameter table has "
                                           "blocks for %d: docs/scenario.md)",
                       SCENARIO_MAX_ORGS, SCENARIO_MAX_ORGS);
            break;
        }
        organisation *o = &s->orgs[n];
        memset(o, 0, sizeof *o);
        const csv_field *nf = &rec.fields[c[0]];
        if (!valid_token(nf->ptr, nf->len, sizeof o->name, 0) || csv_field_is(nf, "all")) {
            rc = tfail(&t, rec.line, "name",
                       "'%s' is not an organisation name (1 to %zu characters of a-z, A-Z, 0-9, "
                       "_ . -; not 'all')",
                       shown(nf->ptr, nf->len, sb, sizeof sb), sizeof o->name - 1);
            break;
        }
        s->norgs = n; /* the ones read so far, for the duplicate check */
        if (org_index(s, nf->ptr, nf->len) >= 0) {
            rc = tfail(&t, rec.line, "name", "organisation '%s' appears twice",
                       shown(nf->ptr, nf->len, sb, sizeof sb));
            break;
        }
        csv_field_copy(nf, o->name, sizeof o->name);
        if (org_regions(&t, rec.line, &rec.fields[c[1]], o) ||
            org_sanctuaries(&t, rec.line, &rec.fields[c[2]], o)) {
            rc = -1;
            break;
        }
        for (size_t r = 0; r < s->nregions; r++)
            if ((o->regions >> r & 1u) && s->regions[r].sanctuary && !(o->sanctuaries >> r & 1u) &&
                o->initial_share[r] > 0) {
                rc = tfail(&t, rec.line, "regions",
                           "'%s' is a sanctuary region that is not among the organisation's sanctuaries",
                           s->regions[r].name);
                break;
            }
        if (rc) break;
        o->regions |= o->sanctuaries;
        n++;
    }
    if (rc == 0 && n == 0) rc = tfail(&t, 0, NULL, "no organisations");
    table_close(&t);
    if (rc) {
        default_organisation(s);
        return -1;
    }
    s->norgs = n;
    s->orgs_table = 1;
    return 0;
}

/* ---- episodes and policies ----------------------------------------------------------- */

static episode *new_episode(loader *L, table *t, long line)
{
    if (L->neps == MAX_EPISODES) {
        tfail(t, line, NULL, "more than %d episodes and policies in all", MAX_EPISODES);
        return NULL;
    }
    if (L->neps == L->cap) {
        size_t nc = L->cap ? L->cap * 2 : 64;
        episode *e = realloc(L->eps, nc * sizeof *e);
        if (e) L->eps = e;
        long *l = e ? realloc(L->eline, nc * sizeof *l) : NULL;
        if (l) L->eline = l;
        const char **tn = l ? realloc(L->etable, nc * sizeof *tn) : NULL;
        if (tn) L->etable = tn;
        if (!tn) {
            truce_error_set(L->err, TRUCE_ERUNTIME, t->name, line, NULL, "out of memory");
            return NULL;
        }
        L->cap = nc;
    }
    episode *e = &L->eps[L->neps];
    episode_init(e);
    L->eline[L->neps] = line;
    L->etable[L->neps] = t->name;
    L->neps++;
    return e;
}

static int parse_id(table *t, const csv_record *rec, size_t col, char *out, size_t cap)
{
    const csv_field *f = &rec->fields[col];
    char sb[96];
    if (!valid_token(f->ptr, f->len, cap, 1))
        return tfail(t, rec->line, "id",
                     "'%s' is not an id (1 to %zu characters of a-z, A-Z, 0-9, _ . : -)",
                     shown(f->ptr, f->len, sb, sizeof sb), cap - 1);
    csv_field_copy(f, out, cap);
    return 0;
}

/* ---- the lever cells (shared by the levers and policies tables and by portfolios) ----- */

void episode_init(episode *e)
{
    memset(e, 0, sizeof *e);
    e->intensity = 1;
    e->compliance = NAN;
    e->focus = NAN;
    e->monitoring = 0;
    e->releases = 0;
}

typedef struct cell_ctx {
    lever_fail_fn fail;
    void *ctx;
} cell_ctx;

static int cfail(const cell_ctx *c, int cell, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int cfail(const cell_ctx *c, int cell, const char *fmt, ...)
{
    char reason[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    c->fail(c->ctx, cell, reason);
    return -1;
}

/* A numeric lever cell: a number (empty or absent gives `dflt`) or `param:NAME`, a parameter
 * of the table whose bounds lie inside the cell's [lo, hi]; then *ref = 1 + its index and
 * *out its default (the run reads the value in force). */
#define PARAM_PREFIX "param:"
static int cell_lever(const cell_ctx *c, const lever_text *f, int cell, double lo, double hi,
                      double dflt, double *out, uint16_t *ref)
{
    const size_t np = sizeof PARAM_PREFIX - 1;
    char pname[64], sb[96];
    *ref = 0;
    if (!f->ptr || f->len == 0) {
        *out = dflt;
        return 0;
    }
    if (f->len < np || memcmp(f->ptr, PARAM_PREFIX, np) != 0) {
        int rc = parse_number(f->ptr, f->len, out);
        if (rc == -1)
            return cfail(c, cell, "expected a number, got '%s'", shown(f->ptr, f->len, sb, sizeof sb));
        if (rc == -2 || *out < lo || *out > hi)
            return cfail(c, cell, "%s is outside [%g, %g]", shown(f->ptr, f->len, sb, sizeof sb),
                         lo, hi);
        return 0;
    }
    const size_t n = f->len - np;
    long id = -1;
    if (n < sizeof pname) {
        memcpy(pname, f->ptr + np, n);
        pname[n] = '\0';
        id = truce_param_find(pname);
    }
    if (id < 0)
        return cfail(c, cell,
                     "unknown parameter '%s' (`truce params` lists them; a cell is a number or "
                     "param:NAME)",
                     shown(f->ptr + np, n, sb, sizeof sb));
    const truce_param_info *p = &param_table[id];
    if (p->lo < lo || p->hi > hi)
        return cfail(c, cell,
                     "parameter '%s' may take values in [%g, %g], outside this column's [%g, %g]",
                     p->name, p->lo, p->hi, lo, hi);
    *out = p->value;
    *ref = (uint16_t)(id + 1);
    return 0;
}

static int text_is(const lever_text *f, const char *word)
{
    size_t n = strlen(word);
    return f->ptr && f->len == n && memcmp(f->ptr, word, n) == 0;
}

/* The organisations an entry acts on: a ';'-list of names, "all", or empty for the lever's
 * default (lever_scopes). Levers on the shared state name none. */
static int cell_orgs(const cell_ctx *c, const truce_scenario *s, const lever_text *f, episode *e)
{
    char sb[96];
    const lever_scope scope = lever_scopes[e->lever];
    const uint32_t all = (uint32_t)((1u << s->norgs) - 1u);
    e->orgs = scope == SCOPE_ALL ? all : 1u;
    if (!f->ptr || f->len == 0) return 0;
    if (scope == SCOPE_SHARED)
        return cfail(c, LV_ORGS, "a %s lever acts on the shared state: it names no organisation",
                     lever_name(e->lever));
    if (text_is(f, "all")) {
        e->orgs = all;
        return 0;
    }
    e->orgs = 0;
    const char *p = f->ptr, *end = f->ptr + f->len;
    while (p <= end) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        if (!q) q = end;
        long o = org_index(s, p, (size_t)(q - p));
        if (o < 0)
            return cfail(c, LV_ORGS, "unknown organisation '%s'%s",
                         shown(p, (size_t)(q - p), sb, sizeof sb),
                         s->orgs_table ? "" : " (the scenario has no organisations table)");
        if (e->orgs & (1u << o))
            return cfail(c, LV_ORGS, "organisation '%s' named twice", s->orgs[o].name);
        e->orgs |= 1u << o;
        p = q + 1;
    }
    return 0;
}

int scenario_parse_lever(const truce_scenario *s, const lever_text cell[LV_N], episode *e,
                         lever_fail_fn fail, void *ctx)
{
    const cell_ctx c = {fail, ctx};
    char sb[96], name[32];
    const lever_text *lf = &cell[LV_LEVER];
    size_t ln = lf->ptr ? lf->len : 0;
    if (ln >= sizeof name || !lf->ptr) ln = 0;
    memcpy(name, lf->ptr ? lf->ptr : "", ln);
    name[ln] = '\0';
    if (!lf->ptr || lf->len >= sizeof name || lever_from_name(name, &e->lever))
        return cfail(&c, LV_LEVER, "unknown lever '%s' (docs/scenario.md lists them)",
                     lf->ptr ? shown(lf->ptr, lf->len, sb, sizeof sb) : "");
    const lever_text *rf = &cell[LV_REGIONS];
    e->regions = 0;
    if (!rf->ptr || rf->len == 0) {
        if (e->lever != LEVER_NONE)
            return cfail(&c, LV_REGIONS, "empty: give region names separated by ';', or 'all'");
    } else if (text_is(rf, "all")) {
        for (size_t r = 0; r < s->nregions; r++)
            if (!s->regions[r].sanctuary) e->regions |= (uint64_t)1 << r;
    } else {
        const char *p = rf->ptr, *end = rf->ptr + rf->len;
        while (p <= end) {
            const char *q = memchr(p, ';', (size_t)(end - p));
            if (!q) q = end;
            long r = region_index(s, p, (size_t)(q - p));
            if (r < 0)
                return cfail(&c, LV_REGIONS, "unknown region '%s'",
                             shown(p, (size_t)(q - p), sb, sizeof sb));
            if (e->regions & ((uint64_t)1 << r))
                return cfail(&c, LV_REGIONS, "region '%s' named twice", s->regions[r].name);
            e->regions |= (uint64_t)1 << r;
            p = q + 1;
        }
    }
    int jump = e->lever == LEVER_REGIME_CHANGE || e->lever == LEVER_ORGANISATION;
    uint16_t *ref = e->param_ref;
    if (cell_lever(&c, &cell[LV_INTENSITY], LV_INTENSITY, INTENSITY_MIN, INTENSITY_MAX,
                   jump ? NAN : 1.0, &e->intensity, &ref[EP_INTENSITY]) ||
        cell_lever(&c, &cell[LV_COMPLIANCE], LV_COMPLIANCE, 0, 1, NAN, &e->compliance,
                   &ref[EP_COMPLIANCE]) ||
        cell_lever(&c, &cell[LV_MONITORING], LV_MONITORING, 0, 1, 0, &e->monitoring,
                   &ref[EP_MONITORING]) ||
        cell_lever(&c, &cell[LV_FOCUS], LV_FOCUS, 0, 1, NAN, &e->focus, &ref[EP_FOCUS]) ||
        cell_lever(&c, &cell[LV_RELEASES], LV_RELEASES, 0, RELEASES_MAX, 0, &e->releases,
                   &ref[EP_RELEASES]))
        return -1;
    return cell_orgs(&c, s, &cell[LV_ORGS], e);
}

/* The column names of the lever cells, for the tables' messages. */
static const char *const lever_columns[LV_N] = {"lever",      "regions", "intensity",
                                                "compliance", "monitoring", "focus",
                                                "releases",   "organisations"};
static const char *const lever_optional[] = {"organisations"};

typedef struct row_ctx {
    table *t;
    long line;
} row_ctx;

static int row_fail(void *ctx, int cell, const char *reason)
{
    row_ctx *r = ctx;
    return tfail(r->t, r->line, lever_columns[cell], "%s", reason);
}

/* The lever columns of a table row (c[LV_ORGS] may be (size_t)-1: no such column). */
static int parse_lever(table *t, const csv_record *rec, const size_t *c, episode *e)
{
    lever_text cell[LV_N];
    for (int k = 0; k < LV_N; k++) {
        if (c[k] == (size_t)-1) cell[k] = (lever_text){NULL, 0};
        else cell[k] = (lever_text){rec->fields[c[k]].ptr, rec->fields[c[k]].len};
    }
    row_ctx rc = {t, rec->line};
    return scenario_parse_lever(t->L->s, cell, e, row_fail, &rc);
}

/* An index of the entries ordered by id (then position), for lookups and duplicates. */
typedef struct id_ref {
    const char *id;
    size_t i;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

static id_ref *index_by_id(loader *L)
{
    id_ref *idx = malloc((L->neps ? L->neps : 1) * sizeof *idx);
    if (!idx) {
        truce_error_set(L->err, TRUCE_ERUNTIME, L->scen, 0, NULL, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < L->neps; i++) idx[i] = (id_ref){L->eps[i].id, i};
    qsort(idx, L->neps, sizeof *idx, cmp_id_ref);
    return idx;
}

static long find_id(const id_ref *idx, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(idx[mid].id, id);
        if (c == 0) return (long)idx[mid].i;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

/* Two entries with one id: report the later one. */
static int check_unique_ids(loader *L)
{
    id_ref *idx = index_by_id(L);
    if (!idx) return -1;
    int rc = 0;
    for (size_t k = 1; k < L->neps && rc == 0; k++) {
        size_t a = idx[k - 1].i, b = idx[k].i;
        if (strcmp(L->eps[a].id, L->eps[b].id) == 0) {
            size_t later = b, first = a;
            if (L->etable[a] == L->etable[b] ? L->eline[a] > L->eline[b] : a > b)
                later = a, first = b;
            truce_error_set(L->err, TRUCE_EINPUT, L->etable[later], L->eline[later], "id",
                            "'%s' is already the id of %s line %ld (ids are unique across "
                            "episodes and policies; %s)",
                            L->eps[later].id, L->etable[first], L->eline[first], L->scen);
            rc = -1;
        }
    }
    free(idx);
    return rc;
}

static int32_t open_end_of(const truce_scenario *s, const episode *e)
{
    return s->end >= e->start ? s->end : e->start;
}

/* The id, start and end of a timeline or policy row (columns c[0], c[1], c[2]): a start
 * means its first day, an end its last; an empty end is open-ended. Returns 0 or -1. */
static int read_dated_row(loader *L, table *t, const csv_record *rec, const size_t c[3], episode *e)
{
    int32_t last;
    if (parse_id(t, rec, c[0], e->id, sizeof e->id) ||
        field_date(t, rec, c[1], "start", &e->start, &last, &e->start_precision))
        return -1;
    if (rec->fields[c[2]].len == 0) {
        e->open_end = 1;
        e->end = open_end_of(L->s, e);
        e->end_precision = TRUCE_PRECISION_DAY;
        return 0;
    }
    int32_t first;
    if (field_date(t, rec, c[2], "end", &first, &e->end, &e->end_precision)) return -1;
    if (e->end < e->start) return tfail(t, rec->line, "end", "the end is before the start");
    return 0;
}

static int load_timeline(loader *L, const ydoc_node *v)
{
    static const char *const req[] = {"id", "start", "end", "kind"};
    table t;
    if (table_open(&t, L, v, "episodes.timeline")) return -1;
    L->timeline = t.name;
    size_t c[4];
    int rc = table_header(&t, req, 4, c);
    csv_record rec;
    char sb[96];
    while (rc == 0) {
        int k = table_next(&t, &rec);
        if (k < 0) rc = -1;
        if (k <= 0) break;
        episode *e = new_episode(L, &t, rec.line);
        if (!e) {
            rc = -1;
            break;
        }
        if (read_dated_row(L, &t, &rec, c, e)) {
            rc = -1;
            break;
        }
        const csv_field *kf = &rec.fields[c[3]];
        if (!valid_token(kf->ptr, kf->len, sizeof e->kind, 0)) {
            rc = tfail(&t, rec.line, "kind",
                       "'%s' is not a kind (1 to %zu characters of a-z, A-Z, 0-9, _ . -)",
                       shown(kf->ptr, kf->len, sb, sizeof sb), sizeof e->kind - 1);
            break;
        }
        csv_field_copy(kf, e->kind, sizeof e->kind);
        e->lever = LEVER_COUNT; /* set by the levers table */
    }
    table_close(&t);
    return rc;
}

static int load_levers(loader *L, const ydoc_node *v, size_t ntimeline)
{
    static const char *const req[] = {"id",         "lever", "regions",
                                      "intensity",  "compliance", "monitoring",
                                      "focus",      "releases"};
    table t;
    if (table_open(&t, L, v, "episodes.levers")) return -1;
    size_t c[9];
    int rc = table_header_opt(&t, req, 8, c, lever_optional, 1, &c[8]);
    id_ref *idx = NULL;
    long *seen = NULL;
    if (rc == 0) {
        idx = index_by_id(L);
        seen = calloc(ntimeline ? ntimeline : 1, sizeof *seen);
        if (!idx || !seen) {
            if (idx && !seen)
                truce_error_set(L->err, TRUCE_ERUNTIME, L->scen, 0, NULL, "out of memory");
            rc = -1;
        }
    }
    csv_record rec;
    while (rc == 0) {
        int k = table_next(&t, &rec);
        if (k < 0) rc = -1;
        if (k <= 0) break;
        char id[32];
        if (parse_id(&t, &rec, c[0], id, sizeof id)) {
            rc = -1;
            break;
        }
        long i = find_id(idx, ntimeline, id);
        if (i < 0) {
            rc = tfail(&t, rec.line, "id", "no episode '%s' in the timeline %s", id,
                       L->timeline);
            break;
        }
        if (seen[i]) {
            rc = tfail(&t, rec.line, "id", "episode '%s' already has a lever (line %ld)", id,
                       seen[i]);
            break;
        }
        seen[i] = rec.line;
        size_t lc[LV_N] = {c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]};
        rc = parse_lever(&t, &rec, lc, &L->eps[i]);
    }
    for (size_t i = 0; rc == 0 && i < ntimeline; i++)
        if (!seen[i]) {
            truce_error_set(L->err, TRUCE_EINPUT, L->etable[i], L->eline[i], "id",
                            "episode '%s' has no row in the levers table %s (%s)", L->eps[i].id,
                            t.name, L->scen);
            rc = -1;
        }
    free(idx);
    free(seen);
    table_close(&t);
    return rc;
}

static int load_policies(loader *L, const ydoc_node *v)
{
    static const char *const req[] = {"id",        "start",      "end",        "lever",
                                      "regions",   "intensity",  "compliance", "monitoring",
                                      "focus",     "releases"};
    table t;
    if (table_open(&t, L, v, "policies")) return -1;
    size_t c[11];
    int rc = table_header_opt(&t, req, 10, c, lever_optional, 1, &c[10]);
    csv_record rec;
    while (rc == 0) {
        int k = table_next(&t, &rec);
        if (k < 0) rc = -1;
        if (k <= 0) break;
        episode *e = new_episode(L, &t, rec.line);
        if (!e) {
            rc = -1;
            break;
        }
        if (read_dated_row(L, &t, &rec, c, e)) {
            rc = -1;
            break;
        }
        strcpy(e->kind, "policy");
        size_t lc[LV_N] = {c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]};
        rc = parse_lever(&t, &rec, lc, e);
    }
    table_close(&t);
    return rc;
}

/* ---- observations: the geographies sources report on ------------------------------------ */

static int load_geographies(loader *L, const ydoc_node *v)
{
    static const char *const req[] = {"geography", "regions"};
    truce_scenario *s = L->s;
    table t;
    if (table_open(&t, L, v, "observations")) return -1;
    size_t c[2];
    int rc = table_header(&t, req, 2, c);
    csv_record rec;
    char sb[96];
    while (rc == 0) {
        int k = table_next(&t, &rec);
        if (k < 0) rc = -1;
        if (k <= 0) break;
        const csv_field *gf = &rec.fields[c[0]], *rf = &rec.fields[c[1]];
        if (gf->len == 0 || gf->len >= SCENARIO_NAME_MAX) {
            rc = tfail(&t, rec.line, "geography", "expected a name of 1 to %d bytes", SCENARIO_NAME_MAX - 1);
            break;
        }
        if (s->ngeographies == SCENARIO_MAX_GEOGRAPHIES) {
            rc = tfail(&t, rec.line, NULL, "more than %d geographies", SCENARIO_MAX_GEOGRAPHIES);
            break;
        }
        geography *g = &s->geographies[s->ngeographies];
        memset(g, 0, sizeof *g);
        csv_field_copy(gf, g->name, sizeof g->name);
        for (size_t i = 0; i < s->ngeographies; i++)
            if (strcmp(s->geographies[i].name, g->name) == 0) {
                rc = tfail(&t, rec.line, "geography", "'%s' appears twice", g->name);
                break;
            }
        if (rc) break;
        if (csv_field_is(rf, "all")) {
            for (size_t r = 0; r < s->nregions; r++) g->regions |= (uint64_t)1 << r;
        } else {
            const char *p = rf->ptr, *end = rf->ptr + rf->len;
            while (rc == 0 && p <= end) {
                const char *q = memchr(p, ';', (size_t)(end - p));
                if (!q) q = end;
                long r = region_index(s, p, (size_t)(q - p));
                if (r < 0) rc = tfail(&t, rec.line, "regions", "unknown region '%s'", shown(p, (size_t)(q - p), sb, sizeof sb));
                else g->regions |= (uint64_t)1 << r;
                p = q + 1;
            }
            if (rc) break;
        }
        s->ngeographies++;
    }
    table_close(&t);
    return rc;
}

/* ---- parameters ---------------------------------------------------------------------- */

static int set_param_at(truce_scenario *s, param_id id, double value, const char *file,
                        long line, const char *field, truce_error *err)
{
    const truce_param_info *p = &param_table[id];
    if (!params_check(id, value)) {
        if (file)
            truce_error_set(err, TRUCE_EINPUT, file, line, field, "%.17g is outside [%g, %g]",
                            value, p->lo, p->hi);
        else
            truce_error_set(err, TRUCE_EINPUT, file, line, field,
                            "%s = %.17g is outside [%g, %g]", p->name, value, p->lo, p->hi);
        return -1;
    }
    s->params[id] = value;
    return 0;
}

static int load_params_table(loader *L, const ydoc_node *v)
{
    static const char *const req[] = {"name", "value"};
    table t;
    if (table_open(&t, L, v, "parameters")) return -1;
    size_t c[2];
    int rc = table_header(&t, req, 2, c);
    long given[PARAM_COUNT] = {0};
    csv_record rec;
    char sb[96], name[64];
    while (rc == 0) {
        int k = table_next(&t, &rec);
        if (k < 0) rc = -1;
        if (k <= 0) break;
        const csv_field *nf = &rec.fields[c[0]];
        csv_field_copy(nf, name, sizeof name);
        long id = nf->len < sizeof name ? truce_param_find(name) : -1;
        if (id < 0) {
            rc = tfail(&t, rec.line, "name", "unknown parameter '%s' (see truce params)",
                       shown(nf->ptr, nf->len, sb, sizeof sb));
            break;
        }
        if (given[id]) {
            rc = tfail(&t, rec.line, "name", "'%s' given twice (first at line %ld)", name,
                       given[id]);
            break;
        }
        given[id] = rec.line;
        double x;
        const truce_param_info *p = &param_table[id];
        if (field_number(&t, &rec, c[1], name, p->lo, p->hi, &x)) {
            rc = -1;
            break;
        }
        if (!params_check((param_id)id, x)) {
            rc = tfail(&t, rec.line, name, "%.17g is outside [%g, %g]", x, p->lo, p->hi);
            break;
        }
        L->s->params[id] = x;
    }
    table_close(&t);
    return rc;
}

/* ---- the YAML ------------------------------------------------------------------------ */

static int yfail(loader *L, const ydoc_node *n, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int yfail(loader *L, const ydoc_node *n, const char *field, const char *fmt, ...)
{
    char reason[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    truce_error_set(L->err, TRUCE_EINPUT, L->scen, n ? n->line : 0, field, "%s", reason);
    return -1;
}

static int y_date(loader *L, const ydoc_node *n, const char *field, int32_t *first,
                  int32_t *last)
{
    char sb[96];
    truce_precision p;
    if (n->type != YDOC_SCALAR)
        return yfail(L, n, field, "expected a date YYYY, YYYY-MM or YYYY-MM-DD");
    if (cal_parse(n->text, n->len, first, last, &p))
        return yfail(L, n, field,
                     "expected a date YYYY, YYYY-MM or YYYY-MM-DD (years 1000 to 9999), got '%s'",
                     shown(n->text, n->len, sb, sizeof sb));
    return 0;
}

static int y_check_keys(loader *L, const ydoc_node *map, const char *prefix,
                        const char *const *keys, size_t nkeys)
{
    for (size_t i = 0; i < map->n; i++) {
        size_t k = 0;
        while (k < nkeys && strcmp(map->keys[i], keys[k]) != 0) k++;
        if (k == nkeys) {
            char list[400], field[160], sb[96];
            size_t n = 0;
            list[0] = '\0';
            for (k = 0; k < nkeys; k++) {
                int w = snprintf(list + n, sizeof list - n, "%s%s", k ? ", " : "", keys[k]);
                if (w < 0 || (size_t)w >= sizeof list - n) break;
                n += (size_t)w;
            }
            snprintf(field, sizeof field, "%s%s", prefix,
                     shown(map->keys[i], strlen(map->keys[i]), sb, sizeof sb));
            truce_error_set(L->err, TRUCE_EINPUT, L->scen, map->key_lines[i], field,
                            "unknown key (expected one of: %s)", list);
            return -1;
        }
    }
    return 0;
}

static const ydoc_node *y_require(loader *L, const ydoc_node *map, const char *key,
                                  const char *field)
{
    const ydoc_node *v = ydoc_get(map, key);
    if (!v) yfail(L, map, field, "missing (a required key)");
    return v;
}

/* ---- calibration: a posterior particle's parameters ------------------------------------- */

/* `calibration: {posterior: PATH, row: N}`: the parameters named in row N (1-based, data
 * rows) of a posterior.csv (`weight,` then parameter names, as `truce fit` writes it) become
 * the scenario's; `parameters:` overrides apply after them. The default scenario uses the
 * shipped posterior's particle closest to the data (docs/calibration.md). */
static int load_calibration(loader *L, const ydoc_node *v)
{
    char sb[96];
    if (v->type != YDOC_MAPPING) return yfail(L, v, "calibration", "expected a mapping with posterior: and row:");
    static const char *const keys[] = {"posterior", "row"};
    if (y_check_keys(L, v, "calibration.", keys, 2)) return -1;
    const ydoc_node *path = y_require(L, v, "posterior", "calibration.posterior");
    const ydoc_node *rown = y_require(L, v, "row", "calibration.row");
    if (!path || !rown) return -1;
    double want;
    if (rown->type != YDOC_SCALAR || parse_number(rown->text, rown->len, &want) != 0 || want < 1 ||
        want > 1e9 || want != floor(want))
        return yfail(L, rown, "calibration.row", "expected a row number >= 1, got '%s'",
                     rown->type == YDOC_SCALAR ? shown(rown->text, rown->len, sb, sizeof sb) : "a mapping or list");
    table t;
    if (table_open(&t, L, path, "calibration.posterior")) return -1;
    snprintf(L->s->calibration, sizeof L->s->calibration, "%s", t.name);
    L->s->calibration_file = NULL;
    if (L->files == embedded_files)
        for (size_t i = 0; i < embedded_count; i++)
            if (strcmp(embedded_files[i].name, t.name) == 0) L->s->calibration_file = &embedded_files[i];
    csv_record rec;
    int k = table_next(&t, &rec), rc = -1;
    long col_param[MAX_COLUMNS];
    size_t ncol = 0, row = 0;
    if (k < 0) goto done;
    if (k == 0) {
        tfail(&t, 0, NULL, "empty table (no header)");
        goto done;
    }
    if (rec.n > MAX_COLUMNS) {
        tfail(&t, rec.line, NULL, "more than %d columns in the header", MAX_COLUMNS);
        goto done;
    }
    ncol = rec.n;
    for (size_t c = 0; c < ncol; c++) {
        char name[64];
        const csv_field *f = &rec.fields[c];
        csv_field_copy(f, name, sizeof name);
        col_param[c] = -1;
        if (strcmp(name, "weight") == 0) continue;
        col_param[c] = f->len < sizeof name ? truce_param_find(name) : -1;
        if (col_param[c] < 0) {
            tfail(&t, rec.line, shown(f->ptr, f->len, sb, sizeof sb), "not a parameter (see truce params) nor 'weight'");
            goto done;
        }
    }
    t.ncols = ncol;
    while ((k = table_next(&t, &rec)) == 1) {
        if (++row < (size_t)want) continue;
        for (size_t c = 0; c < ncol; c++) {
            if (col_param[c] < 0) continue;
            const truce_param_info *p = &param_table[col_param[c]];
            double x;
            if (field_number(&t, &rec, c, p->name, p->lo, p->hi, &x)) goto done;
            if (set_param_at(L->s, (param_id)col_param[c], x, t.name, rec.line, p->name, L->err)) goto done;
        }
        rc = 0;
        goto done;
    }
    if (k == 0) tfail(&t, 0, "calibration.row", "row %.0f asked for, the table has %zu rows", want, row);
done:
    table_close(&t);
    return rc;
}

static int load_yaml(loader *L, const ydoc_node *root)
{
    truce_scenario *s = L->s;
    char sb[96];
    if (root->type != YDOC_MAPPING)
        return yfail(L, root, NULL, "expected a mapping of keys (name, start, end, ...)");
    static const char *const top[] = {"name",     "description", "start",      "end",         "regions",
                                      "episodes", "policies",    "parameters", "observations",
                                      "organisations", "calibration"};
    if (y_check_keys(L, root, "", top, sizeof top / sizeof top[0])) return -1;

    const ydoc_node *v = y_require(L, root, "name", "name");
    if (!v) return -1;
    if (v->type != YDOC_SCALAR || v->len == 0 || v->len >= sizeof s->name)
        return yfail(L, v, "name", "expected a text of 1 to %zu bytes", sizeof s->name - 1);
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->text[i] < 0x20 || v->text[i] == 0x7f)
            return yfail(L, v, "name", "control character in the name");
    /* The name is the default output folder's (out/<name>): one plain path component. */
    for (size_t i = 0; i < v->len; i++) {
        char c = v->text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return yfail(L, v, "name", "'%s' has a character other than a-z A-Z 0-9 _ . -",
                         shown(v->text, v->len, sb, sizeof sb));
    }
    if (v->text[0] == '.')
        return yfail(L, v, "name", "'%s' starts with a dot", shown(v->text, v->len, sb, sizeof sb));
    memcpy(s->name, v->text, v->len + 1);

    v = ydoc_get(root, "description");
    if (v && v->type != YDOC_SCALAR) return yfail(L, v, "description", "expected a text");

    int32_t a, b;
    if (!(v = y_require(L, root, "start", "start")) || y_date(L, v, "start", &s->start, &b))
        return -1;
    if (!(v = y_require(L, root, "end", "end")) || y_date(L, v, "end", &a, &s->end))
        return -1;
    if (s->end < s->start) return yfail(L, v, "end", "the end is before the start");
    if (s->end - s->start >= SCENARIO_MAX_DAYS)
        return yfail(L, v, "end", "the horizon is longer than %d years", SCENARIO_MAX_DAYS / 366);

    if (!(v = y_require(L, root, "regions", "regions")) || load_regions(L, v)) return -1;
    /* organisations: before the episodes, which name them */
    if ((v = ydoc_get(root, "organisations")) && load_organisations(L, v)) return -1;

    size_t ntimeline = 0;
    const ydoc_node *ep = ydoc_get(root, "episodes");
    if (ep) {
        if (ep->type != YDOC_MAPPING)
            return yfail(L, ep, "episodes", "expected a mapping with timeline and levers");
        static const char *const ek[] = {"timeline", "levers"};
        if (y_check_keys(L, ep, "episodes.", ek, 2)) return -1;
        const ydoc_node *tl = y_require(L, ep, "timeline", "episodes.timeline");
        const ydoc_node *lv = tl ? y_require(L, ep, "levers", "episodes.levers") : NULL;
        if (!lv || load_timeline(L, tl)) return -1;
        ntimeline = L->neps;
        if (check_unique_ids(L) || load_levers(L, lv, ntimeline)) return -1;
    }
    /* policies: one table, or a list of tables (e.g. the default's background policies
     * plus a portfolio's own), read in order; ids must be unique across all of them */
    if ((v = ydoc_get(root, "policies"))) {
        if (v->type == YDOC_SEQUENCE) {
            if (v->n == 0) return yfail(L, v, "policies", "expected a path or a list of paths, got an empty list");
            if (v->n > MAX_POLICY_TABLES)
                return yfail(L, v, "policies", "at most %d tables, got %zu", MAX_POLICY_TABLES, v->n);
            for (size_t i = 0; i < v->n; i++)
                if (load_policies(L, v->items[i])) return -1;
        } else if (load_policies(L, v)) {
            return -1;
        }
        if (check_unique_ids(L)) return -1;
    }

    /* observations: which regions each geography of the reported series covers */
    if ((v = ydoc_get(root, "observations")) && load_geographies(L, v)) return -1;

    /* calibrated parameters first: `parameters:` overrides them */
    if ((v = ydoc_get(root, "calibration")) && load_calibration(L, v)) return -1;

    v = ydoc_get(root, "parameters");
    if (v && v->type == YDOC_MAPPING) {
        for (size_t i = 0; i < v->n; i++) {
            char field[96];
            snprintf(field, sizeof field, "parameters.%s",
                     shown(v->keys[i], strlen(v->keys[i]), sb, sizeof sb));
            long id = truce_param_find(v->keys[i]);
            if (id < 0) {
                truce_error_set(L->err, TRUCE_EINPUT, L->scen, v->key_lines[i], field,
                                "unknown parameter (see truce params)");
                return -1;
            }
            const ydoc_node *x = v->items[i];
            double val;
            int rc = x->type == YDOC_SCALAR && x->plain ? parse_number(x->text, x->len, &val)
                                                       : -1;
            if (rc == -1 && x->type != YDOC_SCALAR)
                return yfail(L, x, field, "expected a number, got a mapping or list");
            if (rc == -1)
                return yfail(L, x, field, "expected a number, got %s'%s'",
                             x->plain ? "" : "the quoted text ",
                             shown(x->text, x->len, sb, sizeof sb));
            if (rc == -2)
                return yfail(L, x, field, "%s is outside [%g, %g]",
                             shown(x->text, x->len, sb, sizeof sb), param_table[id].lo,
                             param_table[id].hi);
            if (set_param_at(s, (param_id)id, val, L->scen, x->line, field, L->err)) return -1;
        }
    } else if (v && v->type == YDOC_SCALAR && v->len > 0) {
        if (load_params_table(L, v)) return -1;
    } else if (v) {
        return yfail(L, v, "parameters", "expected a mapping NAME: number, or a CSV path");
    }
    return 0;
}

/* ---- loading ------------------------------------------------------------------------- */

static int cmp_episode(const void *a, const void *b)
{
    const episode *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return strcmp(x->id, y->id);
}

static truce_scenario *load(loader *L, const char *data, size_t len)
{
    truce_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        truce_error_set(L->err, TRUCE_ERUNTIME, L->scen, 0, NULL, "out of memory");
        return NULL;
    }
    L->s = s;
    params_defaults(s->params);
    int rc = -1;
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        long line = 1;
        for (const char *p = data; p < nul; p++) line += *p == '\n';
        truce_error_set(L->err, TRUCE_EINPUT, L->scen, line, NULL, "NUL byte in the file");
    } else {
        ydoc_node *root = ydoc_parse(L->scen, data, len, L->err);
        if (root) rc = load_yaml(L, root);
        ydoc_free(root);
    }
    for (size_t i = 0; i < L->nnames; i++) free(L->names[i]);
    free(L->eline);
    free(L->etable);
    if (rc) {
        free(L->eps);
        free(s);
        return NULL;
    }
    s->episodes = L->eps;
    s->nepisodes = L->neps;
    if (s->nepisodes) qsort(s->episodes, s->nepisodes, sizeof *s->episodes, cmp_episode);
    scenario_rehash(s);
    memcpy(s->loaded_hash, s->hash, sizeof s->hash);
    truce_error_clear(L->err);
    return s;
}

truce_scenario *truce_scenario_load(const char *path, truce_error *err)
{
    truce_error_clear(err);
    if (!path || !*path) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "scenario", "no file given");
        return NULL;
    }
    const char *why = NULL;
    FILE *f = csv_fopen_regular(path, &why);
    if (!f) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot open the scenario: %s", why);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    int bad = 0;
    while (data) {
        if (len == cap) {
            if (cap >= SCENARIO_FILE_MAX) {
                /* exactly SCENARIO_FILE_MAX bytes is allowed: over it is not */
                if (fgetc(f) != EOF) bad = 1;
                break;
            }
            char *nd = realloc(data, cap * 2);
            if (!nd) {
                free(data);
                data = NULL;
                break;
            }
            data = nd;
            cap *= 2;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) bad = 2;
            break;
        }
    }
    int e = errno;
    fclose(f);
    if (!data || bad) {
        if (!data) truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        else if (bad == 1)
            truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "larger than %u MiB",
                            SCENARIO_FILE_MAX >> 20);
        else truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot read: %s", strerror(e));
        free(data);
        return NULL;
    }
    loader L = {.err = err, .scen = path};
    dirname_of(path, L.dir, sizeof L.dir);
    truce_scenario *s = load(&L, data, len);
    free(data);
    return s;
}

truce_scenario *truce_scenario_load_memory(const truce_memfile *files, size_t nfiles,
                                           truce_error *err)
{
    truce_error_clear(err);
    if (!files || nfiles == 0 || !files[0].name) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "scenario", "no file given");
        return NULL;
    }
    loader L = {.err = err, .scen = files[0].name, .files = files, .nfiles = nfiles};
    char norm[PATH_MAX_LEN];
    if (path_normalise(files[0].name, norm, sizeof norm)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "scenario", "file name too long");
        return NULL;
    }
    dirname_of(norm, L.dir, sizeof L.dir);
    return load(&L, files[0].data ? files[0].data : "", files[0].data ? files[0].len : 0);
}

truce_scenario *truce_scenario_load_default(truce_error *err)
{
    return truce_scenario_load_memory(embedded_files, embedded_count, err);
}

void truce_scenario_free(truce_scenario *s)
{
    if (!s) return;
    free(s->episodes);
    free(s);
}

/* ---- changes after loading ----------------------------------------------------------- */

int truce_scenario_set_param(truce_scenario *s, const char *name, double value,
                             truce_error *err)
{
    long id = name ? truce_param_find(name) : -1;
    if (id < 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--set", "unknown parameter '%s'",
                        name ? name : "(null)");
        return -1;
    }
    if (set_param_at(s, (param_id)id, value, NULL, 0, "--set", err)) return -1;
    scenario_rehash(s);
    return 0;
}

int truce_scenario_set(truce_scenario *s, const char *assignment, truce_error *err)
{
    char sb[96];
    const char *eq = assignment ? strchr(assignment, '=') : NULL;
    if (!eq) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--set", "expected NAME=VALUE, got '%s'",
                        assignment ? shown(assignment, strlen(assignment), sb, sizeof sb) : "");
        return -1;
    }
    char name[64];
    size_t n = (size_t)(eq - assignment);
    long id = -1;
    if (n < sizeof name) {
        memcpy(name, assignment, n);
        name[n] = '\0';
        id = truce_param_find(name);
    }
    if (id < 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--set",
                        "unknown parameter '%s' (see truce params)", shown(assignment, n, sb, sizeof sb));
        return -1;
    }
    double v;
    int rc = parse_number(eq + 1, strlen(eq + 1), &v);
    if (rc == -1) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--set", "%s: expected a number, got '%s'",
                        name, shown(eq + 1, strlen(eq + 1), sb, sizeof sb));
        return -1;
    }
    if (rc == -2) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--set", "%s = %s is outside [%g, %g]",
                        name, shown(eq + 1, strlen(eq + 1), sb, sizeof sb),
                        param_table[id].lo, param_table[id].hi);
        return -1;
    }
    return truce_scenario_set_param(s, name, v, err);
}

double truce_scenario_param(const truce_scenario *s, const char *name)
{
    long id = name ? truce_param_find(name) : -1;
    return id < 0 ? NAN : s->params[id];
}

int truce_scenario_remove_episode(truce_scenario *s, const char *id, truce_error *err)
{
    for (size_t i = 0; id && i < s->nepisodes; i++)
        if (strcmp(s->episodes[i].id, id) == 0) {
            memmove(&s->episodes[i], &s->episodes[i + 1],
                    (s->nepisodes - i - 1) * sizeof *s->episodes);
            s->nepisodes--;
            scenario_rehash(s);
            return 0;
        }
    char sb[96];
    truce_error_set(err, TRUCE_EINPUT, NULL, 0, "episode", "no episode or policy with id '%s'",
                    id ? shown(id, strlen(id), sb, sizeof sb) : "(null)");
    return -1;
}

/* Append n entries (their ends already set), keep the list sorted as the loader does and
 * rehash. An id that is taken (in s or twice in add) is TRUCE_EINPUT; s is then unchanged. */
int scenario_add_episodes(truce_scenario *s, const episode *add, size_t n, const char *what,
                          truce_error *err)
{
    for (size_t k = 0; k < n; k++) {
        const char *id = add[k].id;
        int taken = 0;
        for (size_t i = 0; i < s->nepisodes && !taken; i++) taken = strcmp(s->episodes[i].id, id) == 0;
        for (size_t j = 0; j < k && !taken; j++) taken = strcmp(add[j].id, id) == 0;
        if (taken) {
            truce_error_set(err, TRUCE_EINPUT, what, 0, "id",
                            "'%s' is already the id of an episode or policy of scenario '%s'", id,
                            s->name);
            return -1;
        }
    }
    if (s->nepisodes + n > MAX_EPISODES) {
        truce_error_set(err, TRUCE_EINPUT, what, 0, NULL,
                        "more than %d episodes and policies in all", MAX_EPISODES);
        return -1;
    }
    episode *e = realloc(s->episodes, (s->nepisodes + n ? s->nepisodes + n : 1) * sizeof *e);
    if (!e) {
        truce_error_set(err, TRUCE_ERUNTIME, what, 0, NULL, "out of memory");
        return -1;
    }
    if (n) memcpy(e + s->nepisodes, add, n * sizeof *e);
    s->episodes = e;
    s->nepisodes += n;
    qsort(s->episodes, s->nepisodes, sizeof *s->episodes, cmp_episode);
    scenario_rehash(s);
    return 0;
}

int32_t scenario_open_end(const truce_scenario *s, int32_t start)
{
    return s->end >= start ? s->end : start;
}

int truce_scenario_set_end(truce_scenario *s, const char *date, truce_error *err)
{
    int32_t first, last;
    truce_precision p;
    char sb[96];
    if (!date || cal_parse(date, strlen(date), &first, &last, &p)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "end",
                        "expected a date YYYY, YYYY-MM or YYYY-MM-DD (years 1000 to 9999), got "
                        "'%s'",
                        date ? shown(date, strlen(date), sb, sizeof sb) : "");
        return -1;
    }
    if (last < s->start) {
        char a[11];
        cal_format(s->start, a);
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "end", "%s is before the start %s", date, a);
        return -1;
    }
    if (last - s->start >= SCENARIO_MAX_DAYS) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "end", "%s: the horizon is longer than %d years", date,
                        SCENARIO_MAX_DAYS / 366);
        return -1;
    }
    s->end = last;
    for (size_t i = 0; i < s->nepisodes; i++)
        if (s->episodes[i].open_end) s->episodes[i].end = open_end_of(s, &s->episodes[i]);
    scenario_rehash(s);
    return 0;
}

const char *truce_scenario_name(const truce_scenario *s) { return s->name; }
const char *truce_scenario_hash(const truce_scenario *s) { return s->hash; }
int32_t truce_scenario_start(const truce_scenario *s) { return s->start; }
int32_t truce_scenario_end(const truce_scenario *s) { return s->end; }
size_t truce_scenario_region_count(const truce_scenario *s) { return s->nregions; }
const char *truce_scenario_region_name(const truce_scenario *s, size_t r)
{
    return r < s->nregions ? s->regions[r].name : NULL;
}
size_t truce_scenario_episode_count(const truce_scenario *s) { return s->nepisodes; }
size_t truce_scenario_organisation_count(const truce_scenario *s) { return s->norgs; }
const char *truce_scenario_organisation_name(const truce_scenario *s, size_t k)
{
    return k < s->norgs ? s->orgs[k].name : NULL;
}

const char *truce_scenario_loaded_hash(const truce_scenario *s) { return s->loaded_hash; }

const char *truce_scenario_episode_id(const truce_scenario *s, size_t i)
{
    return i < s->nepisodes ? s->episodes[i].id : NULL;
}

truce_scenario *truce_scenario_copy(const truce_scenario *s, truce_error *err)
{
    truce_scenario *c = malloc(sizeof *c);
    episode *e = malloc((s->nepisodes ? s->nepisodes : 1) * sizeof *e);
    if (!c || !e) {
        free(c);
        free(e);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory copying a scenario");
        return NULL;
    }
    *c = *s;
    if (s->nepisodes) memcpy(e, s->episodes, s->nepisodes * sizeof *e);
    c->episodes = e;
    return c;
}

void truce_scenario_params(const truce_scenario *s, double *values)
{
    memcpy(values, s->params, sizeof s->params);
}

int truce_scenario_set_params(truce_scenario *s, const double *values, truce_error *err)
{
    if (truce_params_check(values, err)) return -1;
    memcpy(s->params, values, sizeof s->params);
    scenario_rehash(s);
    return 0;
}
