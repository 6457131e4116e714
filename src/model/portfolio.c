/* portfolio — a policy portfolio: levers added to a scenario (docs/portfolios.md).
 *
 * A portfolio is the same kind of thing as a scenario's policies table, written as one YAML
 * file: a name, a description and a sequence of levers. Every lever's cells go through the
 * scenario loader's own parser (scenario_parse_lever), so the vocabulary, the bounds, the
 * `param:NAME` cells, the regions and the organisations are checked exactly as there.
 * Applying a portfolio appends its levers to a scenario as entries of kind "portfolio".
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

#define PORTFOLIO_NAME_MAX 64        /* 1..63 characters */
#define PORTFOLIO_FILE_MAX (1u << 20) /* a portfolio is a page of YAML: 1 MiB is plenty */
#define PORTFOLIO_MAX_LEVERS 1000
#define DESCRIPTION_MAX 4000
#define LIST_MAX 9000                /* a ';'-joined list of at most 64 names of 127 bytes */
#define BUILTIN_PREFIX "portfolios/"
#define BUILTIN_SHOWN "scenarios/portfolios/"
#define STATUS_QUO_FILE "status-quo.yaml"

struct truce_portfolio {
    char name[PORTFOLIO_NAME_MAX];
    char *description;
    char hash[17];
    size_t n;
    episode *levers;     /* in file order, each demobilisation's reintegration after its lever */
    uint64_t layout;     /* the regions and organisations it was checked against */
};

/* ---- hashing (src/base/hash.h, as the scenario's hash) ----------------------------------- */

/* The regions (names, sanctuary flags) and organisations a lever's masks refer to. */
static uint64_t layout_of(const truce_scenario *s)
{
    uint64_t h = HASH_FNV_OFFSET;
    hash_u64(&h, s->nregions);
    for (size_t r = 0; r < s->nregions; r++) {
        hash_str(&h, s->regions[r].name);
        hash_u64(&h, (uint64_t)s->regions[r].sanctuary);
    }
    hash_u64(&h, s->norgs);
    for (size_t o = 0; o < s->norgs; o++) hash_str(&h, s->orgs[o].name);
    return h;
}

/* The canonical form: name, then every lever's id, lever, dates (an open end as such, not
 * the day it falls on), region and organisation names, cells and the parameters they name. */
static void portfolio_rehash(truce_portfolio *p, const truce_scenario *s)
{
    uint64_t h = HASH_FNV_OFFSET;
    hash_str(&h, "truce-portfolio-1");
    hash_str(&h, p->name);
    hash_u64(&h, p->n);
    for (size_t i = 0; i < p->n; i++) {
        const episode *e = &p->levers[i];
        hash_str(&h, e->id);
        hash_str(&h, lever_name(e->lever));
        hash_u64(&h, (uint64_t)(int64_t)e->start);
        hash_u64(&h, (uint64_t)e->start_precision);
        hash_u64(&h, (uint64_t)e->open_end);
        if (!e->open_end) {
            hash_u64(&h, (uint64_t)(int64_t)e->end);
            hash_u64(&h, (uint64_t)e->end_precision);
        }
        for (size_t r = 0; r < s->nregions; r++)
            if (e->regions >> r & 1u) hash_str(&h, s->regions[r].name);
        hash_str(&h, "|");
        for (size_t o = 0; o < s->norgs; o++)
            if (e->orgs >> o & 1u) hash_str(&h, s->orgs[o].name);
        hash_str(&h, "|");
        const double v[EP_FIELDS] = {e->intensity, e->compliance, e->monitoring, e->focus,
                                     e->releases};
        for (int k = 0; k < EP_FIELDS; k++) {
            hash_f64(&h, v[k]);
            hash_str(&h, e->param_ref[k] ? param_table[e->param_ref[k] - 1].name : "");
        }
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) p->hash[i] = hex[(h >> (60 - 4 * i)) & 15];
    p->hash[16] = '\0';
}

/* ---- loading ------------------------------------------------------------------------------ */

typedef struct pload {
    const char *file;           /* for messages */
    const truce_scenario *s;
    truce_error *err;
    truce_portfolio *p;
    size_t cap;
    long *line;                 /* line of each lever's mapping */
    size_t *item;               /* 1-based index of each lever in `levers:` */
    int *explicit_id;           /* the lever had an `id:` */
} pload;

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

static int pfail(pload *P, long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int pfail(pload *P, long line, const char *field, const char *fmt, ...)
{
    char reason[760];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    truce_error_set(P->err, TRUCE_EINPUT, P->file, line, field, "%s", reason);
    return -1;
}

/* 1..cap-1 characters of [A-Za-z0-9_.-] (and ':' when colon). */
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

static const char *const lever_keys[] = {
    "lever",    "start",         "end",    "regions", "intensity", "compliance",
    "monitoring", "focus",       "releases", "organisations", "id", "note",
    "source",   "demobilisation"};
#define NLEVER_KEYS (sizeof lever_keys / sizeof lever_keys[0])
/* The key of each lever cell (LV_*), as in the tables' columns. */
static const char *const cell_keys[LV_N] = {"lever",      "regions", "intensity",
                                            "compliance", "monitoring", "focus",
                                            "releases",   "organisations"};

static int check_keys(pload *P, const ydoc_node *map, const char *prefix,
                      const char *const *keys, size_t nkeys)
{
    for (size_t i = 0; i < map->n; i++) {
        size_t k = 0;
        while (k < nkeys && strcmp(map->keys[i], keys[k]) != 0) k++;
        if (k < nkeys) continue;
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
        return pfail(P, map->key_lines[i], field, "unknown key (expected one of: %s)", list);
    }
    return 0;
}

/* What went wrong in one lever's cells: the line of the key (or of the lever), and the
 * field levers[i].KEY; the demobilisation's reintegration reports its intensity as
 * `demobilisation`. */
typedef struct cell_ctx {
    pload *P;
    size_t item;
    long line[LV_N];
    const char *rename_intensity;
} cell_ctx;

static int cell_fail(void *ctx, int cell, const char *reason)
{
    cell_ctx *c = ctx;
    char field[96];
    const char *key = cell_keys[cell];
    if (cell == LV_INTENSITY && c->rename_intensity) key = c->rename_intensity;
    snprintf(field, sizeof field, "levers[%zu].%s", c->item, key);
    return pfail(c->P, c->line[cell], field, "%s", reason);
}

/* A scalar cell: its text; a mapping or sequence is the wrong type. Numbers must be plain
 * (a quoted "0.5" is text, as in the scenario's YAML); `param:NAME` may be quoted. */
static int cell_scalar(pload *P, const ydoc_node *v, size_t item, const char *key, int number,
                       lever_text *out)
{
    char field[96], sb[96];
    snprintf(field, sizeof field, "levers[%zu].%s", item, key);
    if (v->type != YDOC_SCALAR)
        return pfail(P, v->line, field, "expected %s, got a %s",
                     number ? "a number or param:NAME" : "a text",
                     v->type == YDOC_MAPPING ? "mapping" : "sequence");
    if (number && v->len == 0)
        return pfail(P, v->line, field,
                     "expected a number or param:NAME, got nothing (leave the key out for the "
                     "default)");
    if (number && !v->plain && strncmp(v->text, "param:", 6) != 0)
        return pfail(P, v->line, field, "expected a number, got the quoted text '%s'",
                     shown(v->text, v->len, sb, sizeof sb));
    *out = (lever_text){v->text, v->len};
    return 0;
}

/* regions / organisations: `a;b`, `all`, or a sequence of names (joined with ';' in buf). */
static int cell_list(pload *P, const ydoc_node *v, size_t item, const char *key, char *buf,
                     lever_text *out)
{
    char field[96], sb[96];
    snprintf(field, sizeof field, "levers[%zu].%s", item, key);
    if (v->type == YDOC_SCALAR) {
        if (v->len == 0)
            return pfail(P, v->line, field, "empty: give names separated by ';', a list, or 'all'");
        *out = (lever_text){v->text, v->len};
        return 0;
    }
    if (v->type == YDOC_MAPPING)
        return pfail(P, v->line, field, "expected names separated by ';', a list, or 'all'");
    if (v->n == 0) return pfail(P, v->line, field, "empty list");
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        const ydoc_node *x = v->items[i];
        if (x->type != YDOC_SCALAR || x->len == 0 || memchr(x->text, ';', x->len) ||
            (x->len == 3 && memcmp(x->text, "all", 3) == 0))
            return pfail(P, x->line, field, "a list item must be one name, got %s",
                         x->type != YDOC_SCALAR ? "a mapping or list"
                                                : x->len == 0 ? "nothing"
                                                : shown(x->text, x->len, sb, sizeof sb));
        if (n + x->len + 1 >= LIST_MAX) return pfail(P, x->line, field, "list too long");
        if (n) buf[n++] = ';';
        memcpy(buf + n, x->text, x->len);
        n += x->len;
    }
    buf[n] = '\0';
    *out = (lever_text){buf, n};
    return 0;
}

static episode *new_lever(pload *P, long line, size_t item, int explicit_id)
{
    truce_portfolio *p = P->p;
    if (p->n == P->cap) {
        size_t nc = P->cap ? 2 * P->cap : 8;
        episode *e = realloc(p->levers, nc * sizeof *e);
        if (e) p->levers = e;
        long *l = e ? realloc(P->line, nc * sizeof *l) : NULL;
        if (l) P->line = l;
        size_t *it = l ? realloc(P->item, nc * sizeof *it) : NULL;
        if (it) P->item = it;
        int *x = it ? realloc(P->explicit_id, nc * sizeof *x) : NULL;
        if (!x) {
            truce_error_set(P->err, TRUCE_ERUNTIME, P->file, line, NULL, "out of memory");
            return NULL;
        }
        P->explicit_id = x;
        P->cap = nc;
    }
    episode *e = &p->levers[p->n];
    episode_init(e);
    strcpy(e->kind, "portfolio");
    P->line[p->n] = line;
    P->item[p->n] = item;
    P->explicit_id[p->n] = explicit_id;
    p->n++;
    return e;
}

static int y_date(pload *P, const ydoc_node *v, const char *field, int32_t *first,
                  int32_t *last, truce_precision *prec)
{
    char sb[96];
    if (v->type != YDOC_SCALAR)
        return pfail(P, v->line, field, "expected a date YYYY, YYYY-MM or YYYY-MM-DD");
    if (cal_parse(v->text, v->len, first, last, prec))
        return pfail(P, v->line, field,
                     "expected a date YYYY, YYYY-MM or YYYY-MM-DD (years 1000 to 9999), got '%s'",
                     shown(v->text, v->len, sb, sizeof sb));
    return 0;
}

static int load_lever(pload *P, const ydoc_node *m, size_t item)
{
    char field[96], sb[96];
    snprintf(field, sizeof field, "levers[%zu]", item);
    if (m->type != YDOC_MAPPING)
        return pfail(P, m->line, field, "expected a mapping with lever:, start:, regions:, ...");
    char prefix[48];
    snprintf(prefix, sizeof prefix, "levers[%zu].", item);
    if (check_keys(P, m, prefix, lever_keys, NLEVER_KEYS)) return -1;
    static const char *const required[] = {"lever", "start"};
    for (size_t k = 0; k < 2; k++)
        if (!ydoc_get(m, required[k])) {
            snprintf(field, sizeof field, "levers[%zu].%s", item, required[k]);
            return pfail(P, m->line, field, "missing (a required key)");
        }
    /* texts that are not used by the model: they must still be texts */
    static const char *const texts[] = {"note", "source", "id"};
    for (size_t k = 0; k < 3; k++) {
        const ydoc_node *v = ydoc_get(m, texts[k]);
        lever_text t;
        if (v && cell_scalar(P, v, item, texts[k], 0, &t)) return -1;
    }
    const ydoc_node *idv = ydoc_get(m, "id");
    if (idv && !valid_token(idv->text, idv->len, sizeof((episode *)0)->id, 1)) {
        snprintf(field, sizeof field, "levers[%zu].id", item);
        return pfail(P, idv->line, field,
                     "'%s' is not an id (1 to %zu characters of a-z, A-Z, 0-9, _ . : -)",
                     shown(idv->text, idv->len, sb, sizeof sb), sizeof((episode *)0)->id - 1);
    }

    cell_ctx c = {.P = P, .item = item};
    lever_text cell[LV_N];
    char regions[LIST_MAX], orgs[LIST_MAX];
    for (int k = 0; k < LV_N; k++) {
        cell[k] = (lever_text){NULL, 0};
        c.line[k] = m->line;
        const ydoc_node *v = ydoc_get(m, cell_keys[k]);
        if (!v) continue;
        c.line[k] = v->line;
        int rc = k == LV_REGIONS ? cell_list(P, v, item, cell_keys[k], regions, &cell[k])
                 : k == LV_ORGS  ? cell_list(P, v, item, cell_keys[k], orgs, &cell[k])
                                 : cell_scalar(P, v, item, cell_keys[k], k != LV_LEVER, &cell[k]);
        if (rc) return -1;
    }
    episode *e = new_lever(P, m->line, item, idv != NULL);
    if (!e) return -1;
    if (scenario_parse_lever(P->s, cell, e, cell_fail, &c)) return -1;

    int32_t last;
    snprintf(field, sizeof field, "levers[%zu].start", item);
    if (y_date(P, ydoc_get(m, "start"), field, &e->start, &last, &e->start_precision)) return -1;
    const ydoc_node *endv = ydoc_get(m, "end");
    if (!endv || (endv->type == YDOC_SCALAR && endv->len == 0)) {
        e->open_end = 1;
        e->end = scenario_open_end(P->s, e->start);
        e->end_precision = TRUCE_PRECISION_DAY;
    } else {
        int32_t first;
        snprintf(field, sizeof field, "levers[%zu].end", item);
        if (y_date(P, endv, field, &first, &e->end, &e->end_precision)) return -1;
        if (e->end < e->start) return pfail(P, endv->line, field, "the end is before the start");
    }
    if (idv) memcpy(e->id, idv->text, idv->len + 1);

    const ydoc_node *dv = ydoc_get(m, "demobilisation");
    if (!dv) return 0;
    snprintf(field, sizeof field, "levers[%zu].demobilisation", item);
    if (e->lever != LEVER_CEASEFIRE && e->lever != LEVER_PEACE_DEAL)
        return pfail(P, dv->line, field,
                     "only a ceasefire or peace_deal lever has a demobilisation provision (this "
                     "one is %s)",
                     lever_name(e->lever));
    /* A demobilisation provision is the reintegration mechanism (M11) for the same dates,
     * regions and organisations, at its intensity. */
    const episode parent = *e;
    lever_text rc[LV_N];
    for (int k = 0; k < LV_N; k++) rc[k] = (lever_text){NULL, 0};
    rc[LV_LEVER] = (lever_text){"reintegration", strlen("reintegration")};
    rc[LV_REGIONS] = cell[LV_REGIONS];
    if (cell_scalar(P, dv, item, "demobilisation", 1, &rc[LV_INTENSITY])) return -1;
    c.line[LV_INTENSITY] = dv->line;
    c.rename_intensity = "demobilisation";
    episode *r = new_lever(P, dv->line, item, 0);
    if (!r) return -1;
    if (scenario_parse_lever(P->s, rc, r, cell_fail, &c)) return -1;
    r->orgs = parent.orgs;
    r->start = parent.start;
    r->end = parent.end;
    r->start_precision = parent.start_precision;
    r->end_precision = parent.end_precision;
    r->open_end = parent.open_end;
    return 0;
}

/* Default ids: `<lever>@YYYYMMDD` of the start, `.2`, `.3`, ... for a second and third one
 * with the same lever and start (in file order); then every id must be unique. */
static int assign_ids(pload *P)
{
    truce_portfolio *p = P->p;
    char field[96];
    for (size_t i = 0; i < p->n; i++) {
        episode *e = &p->levers[i];
        if (P->explicit_id[i]) continue;
        int y, mo, d;
        char date[11];
        cal_format(e->start, date);
        if (sscanf(date, "%4d-%2d-%2d", &y, &mo, &d) != 3) y = mo = d = 0;
        /* the k-th lever with this lever and start gets `.k` (k >= 2); explicit ids
         * cannot hold '@', so they never take one of these */
        unsigned k = 1;
        for (size_t j = 0; j < i; j++)
            k += (unsigned)(!P->explicit_id[j] && p->levers[j].lever == e->lever &&
                            p->levers[j].start == e->start);
        char id[48];
        if (k == 1) snprintf(id, sizeof id, "%s@%04d%02d%02d", lever_name(e->lever), y, mo, d);
        else snprintf(id, sizeof id, "%s@%04d%02d%02d.%u", lever_name(e->lever), y, mo, d, k);
        if (strlen(id) >= sizeof e->id) {
            snprintf(field, sizeof field, "levers[%zu].id", P->item[i]);
            return pfail(P, P->line[i], field,
                         "too many %s levers starting on %s to name them (give ids)",
                         lever_name(e->lever), date);
        }
        memcpy(e->id, id, strlen(id) + 1);
    }
    for (size_t i = 0; i < p->n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->levers[i].id, p->levers[j].id) == 0) {
                snprintf(field, sizeof field, "levers[%zu].id", P->item[i]);
                return pfail(P, P->line[i], field, "'%s' is already the id of levers[%zu] (line %ld)",
                             p->levers[i].id, P->item[j], P->line[j]);
            }
        /* a recorded episode or a policy of the scenario (not another portfolio's lever) */
        for (size_t j = 0; j < P->s->nepisodes; j++) {
            const episode *x = &P->s->episodes[j];
            if (strcmp(x->kind, "portfolio") != 0 && strcmp(x->id, p->levers[i].id) == 0) {
                snprintf(field, sizeof field, "levers[%zu].id", P->item[i]);
                return pfail(P, P->line[i], field,
                             "'%s' is already the id of an episode or policy of scenario '%s'",
                             x->id, P->s->name);
            }
        }
    }
    return 0;
}

static int load_root(pload *P, const ydoc_node *root)
{
    truce_portfolio *p = P->p;
    char sb[96];
    if (root->type != YDOC_MAPPING)
        return pfail(P, root->line, NULL, "expected a mapping with name:, description: and levers:");
    static const char *const keys[] = {"name", "description", "levers"};
    if (check_keys(P, root, "", keys, 3)) return -1;
    const ydoc_node *nv = ydoc_get(root, "name");
    if (!nv) return pfail(P, root->line, "name", "missing (a required key)");
    if (nv->type != YDOC_SCALAR || !valid_token(nv->text, nv->len, PORTFOLIO_NAME_MAX, 0) ||
        nv->text[0] == '.')
        return pfail(P, nv->line, "name",
                     "'%s' is not a name (1 to %d characters of a-z, A-Z, 0-9, _ . -, not "
                     "starting with a dot)",
                     nv->type == YDOC_SCALAR ? shown(nv->text, nv->len, sb, sizeof sb) : "",
                     PORTFOLIO_NAME_MAX - 1);
    memcpy(p->name, nv->text, nv->len + 1);
    const ydoc_node *dv = ydoc_get(root, "description");
    if (dv) {
        if (dv->type != YDOC_SCALAR) return pfail(P, dv->line, "description", "expected a text");
        if (dv->len > DESCRIPTION_MAX)
            return pfail(P, dv->line, "description", "longer than %d bytes", DESCRIPTION_MAX);
        char *d = malloc(dv->len + 1);
        if (!d) {
            truce_error_set(P->err, TRUCE_ERUNTIME, P->file, dv->line, NULL, "out of memory");
            return -1;
        }
        memcpy(d, dv->text, dv->len + 1);
        free(p->description);
        p->description = d;
    }
    const ydoc_node *lv = ydoc_get(root, "levers");
    if (!lv) return pfail(P, root->line, "levers", "missing (a required key)");
    if (lv->type != YDOC_SEQUENCE)
        return pfail(P, lv->line, "levers", "expected a list of levers (- lever: ...)");
    if (lv->n == 0) return pfail(P, lv->line, "levers", "empty: a portfolio has at least one lever");
    if (lv->n > PORTFOLIO_MAX_LEVERS)
        return pfail(P, lv->line, "levers", "more than %d levers", PORTFOLIO_MAX_LEVERS);
    for (size_t i = 0; i < lv->n; i++)
        if (load_lever(P, lv->items[i], i + 1)) return -1;
    return assign_ids(P);
}

truce_portfolio *truce_portfolio_load_memory(const char *name, const char *text, size_t len,
                                             const truce_scenario *s, truce_error *err)
{
    truce_error_clear(err);
    const char *file = name && *name ? name : "portfolio";
    if (!s) {
        truce_error_set(err, TRUCE_EINPUT, file, 0, NULL, "no scenario to check it against");
        return NULL;
    }
    if (!text) text = "", len = 0;
    if (len > PORTFOLIO_FILE_MAX) {
        truce_error_set(err, TRUCE_EINPUT, file, 0, NULL, "larger than %u MiB",
                        PORTFOLIO_FILE_MAX >> 20);
        return NULL;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        long line = 1;
        for (const char *q = text; q < nul; q++) line += *q == '\n';
        truce_error_set(err, TRUCE_EINPUT, file, line, NULL, "NUL byte in the file");
        return NULL;
    }
    truce_portfolio *p = calloc(1, sizeof *p);
    if (!p) {
        truce_error_set(err, TRUCE_ERUNTIME, file, 0, NULL, "out of memory");
        return NULL;
    }
    pload P = {.file = file, .s = s, .err = err, .p = p};
    ydoc_node *root = ydoc_parse(file, text, len, err);
    int rc = root ? load_root(&P, root) : -1;
    ydoc_free(root);
    free(P.line);
    free(P.item);
    free(P.explicit_id);
    if (rc) {
        truce_portfolio_free(p);
        return NULL;
    }
    p->layout = layout_of(s);
    portfolio_rehash(p, s);
    truce_error_clear(err);
    return p;
}

truce_portfolio *truce_portfolio_load(const char *path, const truce_scenario *s,
                                      truce_error *err)
{
    truce_error_clear(err);
    if (!path || !*path) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "portfolio", "no file given");
        return NULL;
    }
    const char *why = NULL;
    FILE *f = csv_fopen_regular(path, &why);
    if (!f) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot open the portfolio: %s", why);
        return NULL;
    }
    char *data = malloc(PORTFOLIO_FILE_MAX + 1);
    if (!data) {
        fclose(f);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        return NULL;
    }
    size_t len = fread(data, 1, PORTFOLIO_FILE_MAX + 1, f);
    int bad = ferror(f), e = errno;
    fclose(f);
    truce_portfolio *p = NULL;
    if (bad) truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot read: %s", strerror(e));
    else if (len > PORTFOLIO_FILE_MAX)
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "larger than %u MiB",
                        PORTFOLIO_FILE_MAX >> 20);
    else p = truce_portfolio_load_memory(path, data, len, s, err);
    free(data);
    return p;
}

void truce_portfolio_free(truce_portfolio *p)
{
    if (!p) return;
    free(p->levers);
    free(p->description);
    free(p);
}

const char *truce_portfolio_name(const truce_portfolio *p) { return p->name; }
const char *truce_portfolio_description(const truce_portfolio *p)
{
    return p->description ? p->description : "";
}
const char *truce_portfolio_hash(const truce_portfolio *p) { return p->hash; }
size_t truce_portfolio_lever_count(const truce_portfolio *p) { return p->n; }

int32_t truce_portfolio_first_day(const truce_portfolio *p)
{
    int32_t d = INT32_MAX;
    for (size_t i = 0; i < p->n; i++)
        if (p->levers[i].start < d) d = p->levers[i].start;
    return d;
}

int truce_portfolio_apply(const truce_portfolio *p, truce_scenario *s, truce_error *err)
{
    truce_error_clear(err);
    if (layout_of(s) != p->layout) {
        truce_error_set(err, TRUCE_EINPUT, p->name, 0, NULL,
                        "the scenario '%s' has other regions or organisations than the one the "
                        "portfolio was checked against",
                        s->name);
        return -1;
    }
    episode *add = malloc((p->n ? p->n : 1) * sizeof *add);
    if (!add) {
        truce_error_set(err, TRUCE_ERUNTIME, p->name, 0, NULL, "out of memory");
        return -1;
    }
    if (p->n) memcpy(add, p->levers, p->n * sizeof *add);
    for (size_t i = 0; i < p->n; i++)
        if (add[i].open_end) add[i].end = scenario_open_end(s, add[i].start);
    char what[PORTFOLIO_NAME_MAX + 16];
    snprintf(what, sizeof what, "portfolio %s", p->name);
    int rc = scenario_add_episodes(s, add, p->n, what, err);
    free(add);
    return rc;
}

/* ---- the shipped set ------------------------------------------------------------------------ */

static int is_builtin(const truce_memfile *f)
{
    const size_t np = sizeof BUILTIN_PREFIX - 1;
    size_t n = f->name ? strlen(f->name) : 0;
    return n > np + 5 && strncmp(f->name, BUILTIN_PREFIX, np) == 0 &&
           strcmp(f->name + n - 5, ".yaml") == 0 && !strchr(f->name + np, '/');
}

/* Status quo first, then by file name. */
static int builtin_before(const truce_memfile *a, const truce_memfile *b)
{
    const char *x = a->name + sizeof BUILTIN_PREFIX - 1, *y = b->name + sizeof BUILTIN_PREFIX - 1;
    int xs = strcmp(x, STATUS_QUO_FILE) == 0, ys = strcmp(y, STATUS_QUO_FILE) == 0;
    if (xs != ys) return xs;
    return strcmp(x, y) < 0;
}

static const truce_memfile *builtin_at(size_t i)
{
    for (size_t k = 0; k < embedded_count; k++) {
        if (!is_builtin(&embedded_files[k])) continue;
        size_t before = 0;
        for (size_t j = 0; j < embedded_count; j++)
            if (j != k && is_builtin(&embedded_files[j]) &&
                builtin_before(&embedded_files[j], &embedded_files[k]))
                before++;
        if (before == i) return &embedded_files[k];
    }
    return NULL;
}

size_t truce_portfolio_builtin_count(void)
{
    size_t n = 0;
    for (size_t k = 0; k < embedded_count; k++) n += (size_t)is_builtin(&embedded_files[k]);
    return n;
}

const char *truce_portfolio_builtin_file(size_t i)
{
    const truce_memfile *f = builtin_at(i);
    return f ? f->name + sizeof BUILTIN_PREFIX - 1 : NULL;
}

truce_portfolio *truce_portfolio_load_builtin(size_t i, const truce_scenario *s,
                                              truce_error *err)
{
    const truce_memfile *f = builtin_at(i);
    if (!f) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "portfolio",
                        "no shipped portfolio %zu (there are %zu)", i,
                        truce_portfolio_builtin_count());
        return NULL;
    }
    char name[256];
    snprintf(name, sizeof name, "%s%s", BUILTIN_SHOWN, f->name + sizeof BUILTIN_PREFIX - 1);
    return truce_portfolio_load_memory(name, f->data, f->len, s, err);
}
