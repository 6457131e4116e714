/* serve_api — the JSON API of `truce serve` (docs/serve.md) over the bank of histories.
 *
 * At start the static answers (parameters, portfolios, reported series) are built once; a
 * background thread builds the bank (one 2002-2025 history per run, truce_bank_new) and
 * then the status quo's future of every run, kept as monthly numbers. A simulation request
 * branches the first `runs` histories under the request's portfolio and parameters
 * (truce_bank_branch), in parallel, and answers monthly bands (ensemble) or paired
 * differences to the status quo (compare). Every request is checked field by field before
 * anything runs; errors name the field. */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"
#include "serve.h"

static const truce_variable VARS[SERVE_NVAR] = {TRUCE_VAR_ATTACKS, TRUCE_VAR_DEATHS_SECURITY,
                                                TRUCE_VAR_DEATHS_CIVILIAN, TRUCE_VAR_MILITANTS};
static const double QS[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
static const char *const QNAMES[5] = {"q05", "q25", "q50", "q75", "q95"};

/* The parameters the page shows as sliders: the ceasefire and talks mechanism (M9) and the
 * operations and sanctuary levers a portfolio's effect turns on (docs/serve.md). */
static const char *const KEY_PARAMS[] = {"ceasefire_compliance", "regroup_strength", "breakdown_hazard",
                                         "monitoring_effect", "talks_legitimacy", "ops_focus",
                                         "host_pressure_effect"};

/* The lever vocabulary (docs/scenario.md, "Levers"): name, mechanism, what intensity means
 * and the columns it reads besides dates, regions and organisations. */
static const struct {
    const char *name, *mechanism, *intensity, *cells;
} LEVERS[] = {
    {"ceasefire", "M9", "not used", "compliance,monitoring,releases,demobilisation"},
    {"talks", "M9", "not used", "releases"},
    {"peace_deal", "M9", "not used", "compliance,monitoring,releases,demobilisation"},
    {"operation", "M5", "operations intensity added to the baseline", "intensity,focus"},
    {"cross_border_strike", "M8", "strike intensity", "intensity"},
    {"border_clash", "M8", "clash intensity", "intensity"},
    {"finance_disruption", "M3", "programme intensity", "intensity"},
    {"host_pressure", "M7", "programme intensity (pressure)", "intensity"},
    {"development", "M11", "programme intensity", "intensity"},
    {"reintegration", "M11", "programme intensity", "intensity"},
    {"coherence", "M12", "coherence level (0..1)", "intensity"},
    {"chorus", "M12", "loudness", "intensity"},
    {"regime_change", "M13", "jump in host patronage", "intensity"},
    {"organisation", "M13", "jump in legitimacy", "intensity"},
};

/* The three geographies of the charts (contract: assessment outcomes). */
static const struct {
    const char *name, *label, *regions;
} GEOS[SERVE_NGEO] = {
    {"national", "Pakistan", "all"},
    {"khyber_pakhtunkhwa", "Khyber Pakhtunkhwa", "waziristan;tribal_north;malakand;kp_south;kp_central;hazara"},
    {"balochistan", "Balochistan", "balochistan_pashtun;balochistan_baloch"},
};
/* Reported geographies drawn against each (docs/serve.md). */
static const struct {
    const char *reported, *geo;
} REPORTED_GEO[] = {
    {"Pakistan", "national"},
    {"KP incl. merged tribal districts", "khyber_pakhtunkhwa"},
    {"Khyber Pakhtunkhwa", "khyber_pakhtunkhwa"},
    {"Balochistan", "balochistan"},
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void serve_error(serve_reply *r, unsigned status, const char *field, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sj_buf_free(&r->body);
    r->status = status;
    sj_raw(&r->body, "{\"error\":");
    sj_str(&r->body, msg);
    sj_raw(&r->body, ",\"field\":");
    sj_str(&r->body, field);
    sj_raw(&r->body, "}");
}

static char *take(sj_buf *b)
{
    if (b->failed) { sj_buf_free(b); return NULL; }
    char *s = b->data ? b->data : calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

static void date_str(int32_t day, char out[11]) { truce_date_format(day, out); }

/* ---- YAML -> JSON (the shipped portfolios' levers, for the page) ------------------------ */

static void yaml_node_json(sj_buf *b, yaml_document_t *doc, yaml_node_t *n, int depth)
{
    if (!n || depth > 16) { sj_raw(b, "null"); return; }
    if (n->type == YAML_SCALAR_NODE) {
        const char *t = (const char *)n->data.scalar.value;
        size_t len = n->data.scalar.length;
        if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && len > 0 && len < 40) {
            char tmp[48], *end;
            memcpy(tmp, t, len);
            tmp[len] = '\0';
            errno = 0;
            double x = strtod(tmp, &end);
            if (*end == '\0' && errno == 0 && isfinite(x) && (tmp[0] == '-' || (tmp[0] >= '0' && tmp[0] <= '9'))) {
                sj_num(b, x);
                return;
            }
        }
        sj_str(b, t);
        return;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        sj_raw(b, "[");
        int first = 1;
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            if (!first) sj_raw(b, ",");
            first = 0;
            yaml_node_json(b, doc, yaml_document_get_node(doc, *it), depth + 1);
        }
        sj_raw(b, "]");
        return;
    }
    if (n->type == YAML_MAPPING_NODE) {
        sj_raw(b, "{");
        int first = 1;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) continue;
            if (!first) sj_raw(b, ",");
            first = 0;
            sj_str(b, (const char *)k->data.scalar.value);
            sj_raw(b, ":");
            yaml_node_json(b, doc, yaml_document_get_node(doc, p->value), depth + 1);
        }
        sj_raw(b, "}");
        return;
    }
    sj_raw(b, "null");
}

/* The `levers` of a portfolio file's text as JSON (null if unreadable). */
static void portfolio_levers_json(sj_buf *b, const char *text, size_t len)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) { sj_raw(b, "null"); return; }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_parser_delete(&parser);
        sj_raw(b, "null");
        return;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_node_t *levers = NULL;
    if (root && root->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&doc, p->key);
            if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, "levers") == 0)
                levers = yaml_document_get_node(&doc, p->value);
        }
    yaml_node_json(b, &doc, levers, 0);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
}

/* ---- JSON -> the portfolio YAML of docs/portfolios.md ----------------------------------- */

/* A YAML double-quoted scalar (JSON strings are valid UTF-8 without NUL). */
static void yaml_quoted(sj_buf *b, const char *s)
{
    sj_raw(b, "\"");
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') sj_raw(b, "\\\"");
        else if (c == '\\') sj_raw(b, "\\\\");
        else if (c < 0x20 || c == 0x7F) sj_printf(b, "\\x%02x", c);
        else sj_rawn(b, p, 1);
    }
    sj_raw(b, "\"");
}

/* Flow-style YAML of a JSON value; members whose value is null are left out (the default). */
static void yaml_flow(sj_buf *b, const sj_value *v)
{
    switch (v->type) {
    case SJ_NULL: sj_raw(b, "null"); return;
    case SJ_FALSE: sj_raw(b, "false"); return;
    case SJ_TRUE: sj_raw(b, "true"); return;
    case SJ_NUMBER: sj_num(b, v->number); return;
    case SJ_STRING: yaml_quoted(b, v->string); return;
    case SJ_ARRAY:
        sj_raw(b, "[");
        for (size_t i = 0; i < v->len; i++) {
            if (i) sj_raw(b, ", ");
            yaml_flow(b, &v->items[i]);
        }
        sj_raw(b, "]");
        return;
    case SJ_OBJECT: {
        sj_raw(b, "{");
        int first = 1;
        for (size_t i = 0; i < v->len; i++) {
            if (v->items[i].type == SJ_NULL) continue;
            if (!first) sj_raw(b, ", ");
            first = 0;
            yaml_quoted(b, v->keys[i]);
            sj_raw(b, ": ");
            yaml_flow(b, &v->items[i]);
        }
        sj_raw(b, "}");
        return;
    }
    }
}

/* The portfolio object of a request as a portfolio file: one key per line, one lever per
 * line, so the loader's line numbers and fields (levers[i].key) point back at the JSON. */
static void portfolio_yaml(sj_buf *b, const sj_value *p)
{
    for (size_t i = 0; i < p->len; i++) {
        const sj_value *v = &p->items[i];
        if (v->type == SJ_NULL) continue;
        yaml_quoted(b, p->keys[i]);
        if (strcmp(p->keys[i], "levers") == 0 && v->type == SJ_ARRAY && v->len > 0) {
            sj_raw(b, ":\n");
            for (size_t k = 0; k < v->len; k++) {
                sj_raw(b, "  - ");
                yaml_flow(b, &v->items[k]);
                sj_raw(b, "\n");
            }
            continue;
        }
        sj_raw(b, ": ");
        yaml_flow(b, v);
        sj_raw(b, "\n");
    }
}

/* "portfolio:LINE: FIELD: reason" -> field "portfolio.FIELD" (or "portfolio"). */
static void portfolio_field(const char *msg, char *field, size_t cap)
{
    snprintf(field, cap, "portfolio");
    const char *p = strchr(msg, ':');
    if (!p) return;
    p++;
    while (*p >= '0' && *p <= '9') p++;
    if (p[0] != ':' || p[1] != ' ') return;
    p += 2;
    const char *e = strstr(p, ": ");
    if (!e || e == p) return;
    for (const char *q = p; q < e; q++)
        if (*q == ' ') return;   /* not a field name */
    /* the loader counts levers from 1 (levers[1] is the first); JSON paths count from 0 */
    unsigned long k;
    int used = 0;
    if (sscanf(p, "levers[%lu]%n", &k, &used) == 1 && used > 0 && k >= 1 && p + used <= e)
        snprintf(field, cap, "portfolio.levers[%lu]%.*s", k - 1, (int)(e - p - used), p + used);
    else
        snprintf(field, cap, "portfolio.%.*s", (int)(e - p), p);
}

/* ---- preparation -------------------------------------------------------------------- */

static int find_region(const truce_scenario *s, const char *name, size_t *out)
{
    size_t n = truce_scenario_region_count(s);
    if (strcmp(name, "all") == 0) { *out = n; return 0; }
    for (size_t r = 0; r < n; r++)
        if (strcmp(truce_scenario_region_name(s, r), name) == 0) { *out = r; return 0; }
    return -1;
}

static void build_params_json(serve_state *S, sj_buf *b)
{
    char d0[11], d1[11], d2[11];
    date_str(S->start, d0);
    date_str(S->from, d1);
    date_str(S->to, d2);
    sj_raw(b, "{\"truce_version\":");
    sj_str(b, TRUCE_VERSION);
    sj_raw(b, ",\"scenario\":{\"name\":");
    sj_str(b, truce_scenario_name(S->scenario));
    sj_raw(b, ",\"hash\":");
    sj_str(b, truce_scenario_hash(S->scenario));
    sj_printf(b, ",\"start\":\"%s\"},\"from\":\"%s\",\"to\":\"%s\",\"seed\":%llu,\"posterior\":", d0, d1, d2,
              (unsigned long long)S->seed);
    if (S->posterior) {
        sj_raw(b, "{\"name\":");
        sj_str(b, truce_posterior_name(S->posterior));
        sj_raw(b, ",\"hash\":");
        sj_str(b, truce_posterior_hash(S->posterior));
        sj_printf(b, ",\"particles\":%zu}", truce_posterior_count(S->posterior));
    } else
        sj_raw(b, "null");
    sj_printf(b,
              ",\"limits\":{\"body_bytes\":%zu,\"runs_max\":%llu,\"wall_seconds\":%g,\"workers\":%d,"
              "\"levers_max\":%zu,\"params_max\":%zu},\"runs_default\":%llu",
              S->lim.body_max, (unsigned long long)S->lim.runs_max, S->lim.wall_s, S->lim.workers,
              S->lim.levers_max, (size_t)64,
              (unsigned long long)(S->lim.runs_max < 100 ? S->lim.runs_max : 100));
    sj_raw(b, ",\"key\":[");
    for (size_t k = 0; k < sizeof KEY_PARAMS / sizeof KEY_PARAMS[0]; k++) {
        if (k) sj_raw(b, ",");
        sj_str(b, KEY_PARAMS[k]);
    }
    sj_raw(b, "],\"parameters\":[");
    double *vals = malloc(truce_param_count() * sizeof *vals);
    if (vals) truce_scenario_params(S->scenario, vals);
    for (size_t i = 0; i < truce_param_count(); i++) {
        const truce_param_info *p = truce_param_at(i);
        int key = 0;
        for (size_t k = 0; k < sizeof KEY_PARAMS / sizeof KEY_PARAMS[0]; k++)
            if (strcmp(KEY_PARAMS[k], p->name) == 0) key = 1;
        if (i) sj_raw(b, ",");
        sj_raw(b, "{\"name\":");
        sj_str(b, p->name);
        sj_raw(b, ",\"mechanism\":");
        sj_str(b, p->mechanism);
        sj_raw(b, ",\"default\":");
        sj_num(b, p->value);
        sj_raw(b, ",\"value\":");
        sj_num(b, vals ? vals[i] : p->value);
        sj_raw(b, ",\"lo\":");
        sj_num(b, p->lo);
        sj_raw(b, ",\"hi\":");
        sj_num(b, p->hi);
        sj_raw(b, ",\"prior\":");
        sj_str(b, truce_prior_name(p->prior));
        sj_raw(b, ",\"unit\":");
        sj_str(b, p->unit);
        sj_raw(b, ",\"description\":");
        sj_str(b, p->description);
        sj_raw(b, key ? ",\"key\":true}" : ",\"key\":false}");
    }
    free(vals);
    sj_raw(b, "],\"levers\":[");
    for (size_t k = 0; k < sizeof LEVERS / sizeof LEVERS[0]; k++) {
        if (k) sj_raw(b, ",");
        sj_raw(b, "{\"name\":");
        sj_str(b, LEVERS[k].name);
        sj_raw(b, ",\"mechanism\":");
        sj_str(b, LEVERS[k].mechanism);
        sj_raw(b, ",\"intensity\":");
        sj_str(b, LEVERS[k].intensity);
        sj_raw(b, ",\"cells\":[");
        const char *c = LEVERS[k].cells;
        int first = 1;
        while (*c) {
            const char *e = strchr(c, ',');
            size_t n = e ? (size_t)(e - c) : strlen(c);
            char tmp[32];
            snprintf(tmp, sizeof tmp, "%.*s", (int)n, c);
            if (!first) sj_raw(b, ",");
            first = 0;
            sj_str(b, tmp);
            c += n + (e ? 1 : 0);
        }
        sj_raw(b, "]}");
    }
    sj_raw(b, "],\"regions\":[");
    for (size_t r = 0; r < truce_scenario_region_count(S->scenario); r++) {
        if (r) sj_raw(b, ",");
        sj_str(b, truce_scenario_region_name(S->scenario, r));
    }
    sj_raw(b, "],\"organisations\":[");
    for (size_t k = 0; k < truce_scenario_organisation_count(S->scenario); k++) {
        if (k) sj_raw(b, ",");
        sj_str(b, truce_scenario_organisation_name(S->scenario, k));
    }
    sj_raw(b, "],\"geographies\":[");
    for (size_t g = 0; g < S->ngeo; g++) {
        if (g) sj_raw(b, ",");
        sj_raw(b, "{\"name\":");
        sj_str(b, S->geo[g].name);
        sj_raw(b, ",\"label\":");
        sj_str(b, S->geo[g].label);
        sj_raw(b, "}");
    }
    sj_raw(b, "],\"variables\":[");
    for (size_t v = 0; v < SERVE_NVAR; v++) {
        if (v) sj_raw(b, ",");
        sj_raw(b, "{\"name\":");
        sj_str(b, truce_variable_name(VARS[v]));
        sj_raw(b, ",\"kind\":");
        sj_str(b, truce_variable_is_flow(VARS[v]) ? "flow" : "stock");
        sj_raw(b, ",\"description\":");
        sj_str(b, truce_variable_info_of(VARS[v])->description);
        sj_raw(b, "}");
    }
    sj_raw(b, "]");   /* closed with the bank's status at answer time */
}

static void build_portfolios_json(serve_state *S, sj_buf *b)
{
    sj_raw(b, "{\"portfolios\":[");
    size_t n = truce_portfolio_builtin_count();
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        truce_error err = {0};
        truce_portfolio *p = truce_portfolio_load_builtin(i, S->scenario, &err);
        if (!p) {
            fprintf(stderr, "truce serve: shipped portfolio %s left out: %s\n", truce_portfolio_builtin_file(i),
                    err.message);
            continue;
        }
        if (!first) sj_raw(b, ",");
        first = 0;
        sj_raw(b, "{\"file\":");
        sj_str(b, truce_portfolio_builtin_file(i));
        sj_raw(b, ",\"name\":");
        sj_str(b, truce_portfolio_name(p));
        sj_raw(b, ",\"description\":");
        sj_str(b, truce_portfolio_description(p));
        sj_raw(b, ",\"hash\":");
        sj_str(b, truce_portfolio_hash(p));
        sj_printf(b, ",\"status_quo\":%s,\"levers\":", i == S->sq_portfolio ? "true" : "false");
        char asset[256];
        snprintf(asset, sizeof asset, "portfolios/%s", truce_portfolio_builtin_file(i));
        size_t len;
        const char *text = truce_asset(asset, &len);
        if (text) portfolio_levers_json(b, text, len);
        else sj_raw(b, "null");
        sj_raw(b, "}");
        truce_portfolio_free(p);
    }
    sj_raw(b, "]}");
}

static void build_reported_json(sj_buf *b)
{
    truce_error err = {0};
    truce_reported *t = truce_reported_load_default(&err);
    sj_raw(b, "[");
    if (!t) { sj_raw(b, "]"); return; }
    /* one entry per (source, metric, geography) of the charted variables, rows in file order */
    static const char *const metrics[] = {"attacks", "deaths_security", "deaths_civilian"};
    int firstseries = 1;
    for (size_t g = 0; g < sizeof REPORTED_GEO / sizeof REPORTED_GEO[0]; g++)
        for (size_t m = 0; m < 3; m++) {
            const char *sources[8];
            size_t ns = 0;
            truce_reported_entry e;
            for (size_t i = 0; i < truce_reported_count(t); i++) {
                if (truce_reported_row(t, i, &e) || strcmp(e.metric, metrics[m]) != 0 ||
                    strcmp(e.geography, REPORTED_GEO[g].reported) != 0)
                    continue;
                size_t k = 0;
                while (k < ns && strcmp(sources[k], e.source) != 0) k++;
                if (k == ns && ns < 8) sources[ns++] = e.source;
            }
            for (size_t k = 0; k < ns; k++) {
                if (!firstseries) sj_raw(b, ",");
                firstseries = 0;
                sj_raw(b, "{\"source\":");
                sj_str(b, sources[k]);
                sj_raw(b, ",\"variable\":");
                sj_str(b, metrics[m]);
                sj_raw(b, ",\"geography\":");
                sj_str(b, REPORTED_GEO[g].geo);
                sj_raw(b, ",\"reported_geography\":");
                sj_str(b, REPORTED_GEO[g].reported);
                sj_raw(b, ",\"first\":[");
                sj_buf last = {0}, val = {0};
                int f = 1;
                for (size_t i = 0; i < truce_reported_count(t); i++) {
                    if (truce_reported_row(t, i, &e) || strcmp(e.metric, metrics[m]) != 0 ||
                        strcmp(e.geography, REPORTED_GEO[g].reported) != 0 || strcmp(e.source, sources[k]) != 0 ||
                        !isfinite(e.value))
                        continue;
                    char d[11];
                    if (!f) { sj_raw(b, ","); sj_raw(&last, ","); sj_raw(&val, ","); }
                    f = 0;
                    date_str(e.first, d);
                    sj_printf(b, "\"%s\"", d);
                    date_str(e.last, d);
                    sj_printf(&last, "\"%s\"", d);
                    sj_num(&val, e.value);
                }
                sj_raw(b, "],\"last\":[");
                if (last.data) sj_raw(b, last.data);
                sj_raw(b, "],\"value\":[");
                if (val.data) sj_raw(b, val.data);
                sj_raw(b, "]}");
                if (last.failed || val.failed) b->failed = 1;
                sj_buf_free(&last);
                sj_buf_free(&val);
            }
        }
    sj_raw(b, "]");
    truce_reported_free(t);
}

int serve_prepare(serve_state *S, truce_error *err)
{
    S->start = truce_scenario_start(S->scenario);
    S->ngeo = 0;
    for (size_t g = 0; g < SERVE_NGEO; g++) {
        serve_geo *G = &S->geo[S->ngeo];
        G->name = GEOS[g].name;
        G->label = GEOS[g].label;
        G->nregions = 0;
        const char *c = GEOS[g].regions;
        int ok = 1;
        while (*c && ok) {
            const char *e = strchr(c, ';');
            size_t n = e ? (size_t)(e - c) : strlen(c);
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)n, c);
            if (G->nregions == 16 || find_region(S->scenario, name, &G->regions[G->nregions])) ok = 0;
            else G->nregions++;
            c += n + (e ? 1 : 0);
        }
        if (ok) S->ngeo++;
        else fprintf(stderr, "truce serve: the scenario lacks the regions of %s: left out of the charts\n", GEOS[g].name);
    }
    /* months from the scenario's start to `to` */
    size_t cap = 0;
    S->nperiods = 0;
    int32_t day = S->start;
    while (day <= S->to) {
        if (S->nperiods == cap) {
            cap = cap ? 2 * cap : 512;
            int32_t *np = realloc(S->period_first, cap * sizeof *np);
            if (!np) { truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory"); return -1; }
            S->period_first = np;
        }
        S->period_first[S->nperiods++] = day;
        char d[11];
        truce_date_format(day, d);
        int y = atoi(d), m = atoi(d + 5);
        if (++m > 12) { m = 1; y++; }
        char next[32];
        snprintf(next, sizeof next, "%04d-%02d", y % 10000, m);
        int32_t f, l;
        truce_precision pr;
        if (truce_date_parse(next, &f, &l, &pr)) break;
        day = f;
    }
    S->sq_portfolio = SIZE_MAX;
    for (size_t i = 0; i < truce_portfolio_builtin_count(); i++)
        if (strcmp(truce_portfolio_builtin_file(i), "status-quo.yaml") == 0) S->sq_portfolio = i;
    sj_buf b = {0};
    build_params_json(S, &b);
    S->params_json = take(&b);
    build_portfolios_json(S, &b);
    S->portfolios_json = take(&b);
    build_reported_json(&b);
    S->reported_json = take(&b);
    if (!S->params_json || !S->portfolios_json || !S->reported_json) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    return 0;
}

void serve_state_free(serve_state *S)
{
    truce_bank_free(S->bank);
    truce_scenario_free(S->status_quo);
    free(S->sq_values);
    free(S->period_first);
    free(S->params_json);
    free(S->portfolios_json);
    free(S->reported_json);
    truce_posterior_free(S->posterior);
    truce_scenario_free(S->scenario);
}

/* ---- simulation --------------------------------------------------------------------- */

/* Run i's monthly values [ngeo][NVAR][nperiods] from a result recorded monthly from the
 * scenario's start. */
static void extract(const serve_state *S, const truce_result *res, double *out)
{
    size_t np = truce_result_period_count(res);
    for (size_t g = 0; g < S->ngeo; g++)
        for (size_t v = 0; v < SERVE_NVAR; v++) {
            double *o = out + (g * SERVE_NVAR + v) * S->nperiods;
            for (size_t p = 0; p < S->nperiods; p++) {
                double x = 0;
                if (p >= np) x = NAN;
                else
                    for (size_t k = 0; k < S->geo[g].nregions; k++)
                        x += truce_result_get(res, p, S->geo[g].regions[k], VARS[v]);
                o[p] = x;
            }
        }
}

typedef struct sim_job {
    const serve_state *S;
    const truce_bank *bank;
    const truce_scenario *alt;
    size_t nset;
    const size_t *idx;
    const double *val;
    uint64_t runs;
    double *values;            /* [runs][ngeo][NVAR][nperiods] */
    double deadline;           /* monotonic seconds; 0: none */
    int timed_out, failed;
    uint64_t done;
    truce_error err;
} sim_job;

static void run_job(sim_job *J, int threads)
{
    const size_t stride = J->S->ngeo * SERVE_NVAR * J->S->nperiods;
    int timed_out = 0, failed = 0;
    uint64_t done = 0;
    truce_error first = {0};
#ifdef _OPENMP
    if (threads <= 0) threads = omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : timed_out, failed) reduction(+ : done)
#else
    (void)threads;
#endif
    for (uint64_t i = 0; i < J->runs; i++) {
        int stop;
#ifdef _OPENMP
#pragma omp atomic read
#endif
        stop = J->timed_out;
        if (stop) continue;
        if (J->deadline > 0 && now_s() > J->deadline) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            J->timed_out = 1;
            timed_out = 1;
            continue;
        }
        truce_error e = {0};
        truce_result *r = truce_bank_branch(J->bank, i, J->alt, J->nset, J->idx, J->val, &e);
        if (!r) {
            failed = 1;
#ifdef _OPENMP
#pragma omp critical(serve_err)
#endif
            if (!first.message[0]) first = e;
            continue;
        }
        extract(J->S, r, J->values + i * stride);
        truce_result_free(r);
        done++;
    }
    J->timed_out |= timed_out;
    J->failed = failed;
    J->done = done;
    J->err = first;
}

static void bank_progress(void *ctx, uint64_t done, uint64_t total)
{
    serve_state *S = ctx;
    (void)total;
    pthread_mutex_lock(&S->lock);
    S->bank_done = done;
    pthread_mutex_unlock(&S->lock);
}

void *serve_bank_thread(void *arg)
{
    serve_state *S = arg;
    truce_error err = {0};
    double t0 = now_s();
    truce_bank_options o;
    truce_bank_options_init(&o);
    o.runs = S->bank_runs;
    o.seed = S->seed;
    o.from = S->from;
    o.to = S->to;
    o.posterior = S->posterior;
    o.threads = S->threads;
    o.record.by = TRUCE_BY_MONTH;
    o.record.variables = 0;
    for (size_t v = 0; v < SERVE_NVAR; v++) o.record.variables |= 1ull << VARS[v];
    o.record.total = 1;
    o.progress = bank_progress;
    o.progress_ctx = S;
    truce_bank *bank = truce_bank_new(S->scenario, &o, &err);
    truce_scenario *sq = NULL;
    double *sqv = NULL;
    if (bank) {
        sq = truce_scenario_copy(truce_bank_scenario(bank), &err);
        if (sq && S->sq_portfolio != SIZE_MAX) {
            truce_portfolio *p = truce_portfolio_load_builtin(S->sq_portfolio, sq, &err);
            if (!p || truce_portfolio_apply(p, sq, &err)) {
                truce_scenario_free(sq);
                sq = NULL;
            }
            truce_portfolio_free(p);
        }
    }
    if (sq) {
        sim_job J = {0};
        J.S = S;
        J.bank = bank;
        J.alt = sq;
        J.runs = S->bank_runs;
        J.values = malloc((size_t)S->bank_runs * S->ngeo * SERVE_NVAR * S->nperiods * sizeof(double));
        if (!J.values) truce_error_set(&err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        else {
            run_job(&J, S->threads);
            if (J.failed) err = J.err;
            else sqv = J.values;
            if (!sqv) free(J.values);
        }
    }
    pthread_mutex_lock(&S->lock);
    if (bank && sq && sqv) {
        S->bank = bank;
        S->status_quo = sq;
        S->sq_values = sqv;
        S->ready = 1;
    } else {
        S->failed = 1;
        snprintf(S->bank_error, sizeof S->bank_error, "%s", err.message[0] ? err.message : "unknown error");
    }
    pthread_mutex_unlock(&S->lock);
    if (!S->ready) {
        truce_bank_free(bank);
        truce_scenario_free(sq);
        fprintf(stderr, "truce serve: the bank of histories failed: %s\n", S->bank_error);
    } else
        fprintf(stderr, "truce serve: bank of %llu histories ready in %.1f s; simulations are served\n",
                (unsigned long long)S->bank_runs, now_s() - t0);
    return NULL;
}

/* ---- endpoints ---------------------------------------------------------------------- */

static void bank_status(serve_state *S, sj_buf *b)
{
    pthread_mutex_lock(&S->lock);
    sj_printf(b, "{\"ready\":%s,\"failed\":%s,\"runs\":%llu,\"done\":%llu,\"busy\":%d", S->ready ? "true" : "false",
              S->failed ? "true" : "false", (unsigned long long)S->bank_runs, (unsigned long long)S->bank_done,
              S->busy);
    if (S->failed) {
        sj_raw(b, ",\"error\":");
        sj_str(b, S->bank_error);
    }
    sj_raw(b, "}");
    pthread_mutex_unlock(&S->lock);
}

void serve_api_params(serve_state *S, serve_reply *r)
{
    r->status = 200;
    sj_raw(&r->body, S->params_json);
    sj_raw(&r->body, ",\"bank\":");
    bank_status(S, &r->body);
    sj_raw(&r->body, "}");
}

void serve_api_status(serve_state *S, serve_reply *r)
{
    r->status = 200;
    bank_status(S, &r->body);
}

void serve_api_portfolios(serve_state *S, serve_reply *r)
{
    r->status = 200;
    sj_raw(&r->body, S->portfolios_json);
}

typedef struct sim_request {
    uint64_t runs;
    int32_t to;
    size_t nset;
    size_t idx[64];
    double val[64];
    truce_scenario *alt;       /* NULL: the status quo */
    char pname[128], phash[17];
    size_t plevers;
    int same_as_sq;            /* the portfolio's levers are the status quo's */
} sim_request;

/* Check the request and build its scenario; 0, or -1 with r filled (4xx). */
static int parse_request(serve_state *S, const char *body, size_t len, sim_request *q, serve_reply *r)
{
    char msg[200];
    sj_value *root = sj_parse(body, len, msg, sizeof msg);
    int rc = -1;
    if (!root) { serve_error(r, 400, "body", "malformed JSON: %s", msg); return -1; }
    if (root->type != SJ_OBJECT) {
        serve_error(r, 400, "body", "expected a JSON object, got %s", sj_type_name(root->type));
        goto done;
    }
    q->runs = S->lim.runs_max < 100 ? S->lim.runs_max : 100;
    q->to = S->to;
    const sj_value *portfolio = NULL;
    for (size_t i = 0; i < root->len; i++) {
        const char *k = root->keys[i];
        const sj_value *v = &root->items[i];
        if (strcmp(k, "runs") == 0) {
            if (v->type != SJ_NUMBER || v->number != floor(v->number) || v->number < 1 ||
                v->number > (double)S->lim.runs_max) {
                serve_error(r, 422, "runs", "expected a whole number in 1..%llu (the server's --max-runs)",
                            (unsigned long long)S->lim.runs_max);
                goto done;
            }
            q->runs = (uint64_t)v->number;
        } else if (strcmp(k, "to") == 0) {
            int32_t f, l;
            truce_precision pr;
            char d0[11], d1[11];
            date_str(S->from, d0);
            date_str(S->to, d1);
            if (v->type != SJ_STRING || truce_date_parse(v->string, &f, &l, &pr) || l < S->from || l > S->to) {
                serve_error(r, 422, "to", "expected a date (YYYY, YYYY-MM or YYYY-MM-DD) in %s..%s (the horizon)", d0, d1);
                goto done;
            }
            /* whole months only: the charts are monthly */
            q->to = l;
            size_t p = 0;
            while (p + 1 < S->nperiods && S->period_first[p + 1] <= l) p++;
            if (p + 1 < S->nperiods) q->to = S->period_first[p + 1] - 1;
        } else if (strcmp(k, "params") == 0) {
            if (v->type != SJ_OBJECT) { serve_error(r, 422, "params", "expected an object {\"NAME\": value}"); goto done; }
            if (v->len > 64) { serve_error(r, 422, "params", "more than 64 parameters"); goto done; }
            for (size_t j = 0; j < v->len; j++) {
                char field[160];
                snprintf(field, sizeof field, "params.%s", v->keys[j]);
                long pi = truce_param_find(v->keys[j]);
                if (pi < 0) {
                    serve_error(r, 422, field, "unknown parameter '%s' (GET /api/params lists them)", v->keys[j]);
                    goto done;
                }
                const truce_param_info *info = truce_param_at((size_t)pi);
                if (v->items[j].type != SJ_NUMBER) {
                    serve_error(r, 422, field, "expected a number, got %s", sj_type_name(v->items[j].type));
                    goto done;
                }
                double x = v->items[j].number;
                if (!(x >= info->lo && x <= info->hi)) {
                    serve_error(r, 422, field, "%g is outside the parameter's bounds [%g, %g]", x, info->lo, info->hi);
                    goto done;
                }
                q->idx[q->nset] = (size_t)pi;
                q->val[q->nset] = x;
                q->nset++;
            }
        } else if (strcmp(k, "portfolio") == 0) {
            if (v->type == SJ_NULL) continue;
            if (v->type != SJ_OBJECT) {
                serve_error(r, 422, "portfolio", "expected a portfolio object (docs/serve.md) or null, got %s",
                            sj_type_name(v->type));
                goto done;
            }
            portfolio = v;
        } else {
            serve_error(r, 422, k, "unknown field '%s' (expected portfolio, params, runs, to)", k);
            goto done;
        }
    }
    if (q->runs > S->bank_runs) {
        serve_error(r, 422, "runs", "the bank holds %llu histories", (unsigned long long)S->bank_runs);
        goto done;
    }
    if (portfolio) {
        const sj_value *levers = sj_get(portfolio, "levers");
        if (levers && levers->type == SJ_ARRAY) {
            if (levers->len > S->lim.levers_max) {
                serve_error(r, 422, "portfolio.levers", "more than %zu levers", S->lim.levers_max);
                goto done;
            }
            for (size_t i = 0; i < levers->len; i++) {
                const sj_value *st = sj_get(&levers->items[i], "start");
                int32_t f, l;
                truce_precision pr;
                if (st && st->type == SJ_STRING && truce_date_parse(st->string, &f, &l, &pr) == 0 && f < S->from) {
                    char field[96], d0[11];
                    snprintf(field, sizeof field, "portfolio.levers[%zu].start", i);
                    date_str(S->from, d0);
                    serve_error(r, 422, field, "starts before the futures' first day %s (the history is shared)", d0);
                    goto done;
                }
            }
        }
        sj_buf y = {0};
        portfolio_yaml(&y, portfolio);
        if (y.failed) { sj_buf_free(&y); serve_error(r, 500, NULL, "out of memory"); goto done; }
        truce_error err = {0};
        truce_portfolio *p = truce_portfolio_load_memory("portfolio", y.data ? y.data : "", y.len,
                                                         truce_bank_scenario(S->bank), &err);
        sj_buf_free(&y);
        if (!p) {
            char field[128];
            portfolio_field(err.message, field, sizeof field);
            serve_error(r, err.code == TRUCE_EINPUT ? 422 : 500, field, "%s", err.message);
            goto done;
        }
        if (truce_portfolio_first_day(p) < S->from) {
            truce_portfolio_free(p);
            serve_error(r, 422, "portfolio.levers", "a lever starts before the futures' first day");
            goto done;
        }
        q->alt = truce_scenario_copy(truce_bank_scenario(S->bank), &err);
        if (!q->alt || truce_portfolio_apply(p, q->alt, &err)) {
            truce_portfolio_free(p);
            serve_error(r, err.code == TRUCE_EINPUT ? 422 : 500, "portfolio", "%s", err.message);
            goto done;
        }
        snprintf(q->pname, sizeof q->pname, "%s", truce_portfolio_name(p));
        snprintf(q->phash, sizeof q->phash, "%s", truce_portfolio_hash(p));
        q->plevers = truce_portfolio_lever_count(p);
        truce_portfolio_free(p);
    }
    rc = 0;
done:
    sj_free(root);
    return rc;
}

static void write_series(sj_buf *b, double *x, size_t n)
{
    sj_raw(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i) sj_raw(b, ",");
        double v = x[i];
        if (isfinite(v)) v = round(v * 1000) / 1000;   /* bands of counts: 3 decimals are plenty */
        sj_num(b, v);
    }
    sj_raw(b, "]");
}

/* Quantile bands over runs of values[run][g][v][p] for p in [p0, p1). diff: minus base. */
static void write_bands(const serve_state *S, sj_buf *b, const double *values, const double *base, uint64_t runs,
                        size_t p0, size_t p1)
{
    const size_t stride = S->ngeo * SERVE_NVAR * S->nperiods;
    double *x = malloc((size_t)runs * sizeof *x);
    double *q[5];
    for (int k = 0; k < 5; k++) q[k] = malloc((p1 - p0 + 1) * sizeof(double));
    sj_raw(b, "[");
    int ok = x != NULL;
    for (int k = 0; k < 5; k++) ok = ok && q[k];
    if (!ok) b->failed = 1;
    for (size_t g = 0; ok && g < S->ngeo; g++)
        for (size_t v = 0; v < SERVE_NVAR; v++) {
            size_t off = (g * SERVE_NVAR + v) * S->nperiods;
            for (size_t p = p0; p < p1; p++) {
                for (uint64_t i = 0; i < runs; i++) {
                    x[i] = values[i * stride + off + p];
                    if (base) x[i] -= base[i * stride + off + p];
                }
                double qs[5];
                truce_quantiles7(x, (size_t)runs, QS, 5, qs);
                for (int k = 0; k < 5; k++) q[k][p - p0] = qs[k];
            }
            if (g || v) sj_raw(b, ",");
            sj_raw(b, "{\"geography\":");
            sj_str(b, S->geo[g].name);
            sj_raw(b, ",\"variable\":");
            sj_str(b, truce_variable_name(VARS[v]));
            for (int k = 0; k < 5; k++) {
                sj_printf(b, ",\"%s\":", QNAMES[k]);
                write_series(b, q[k], p1 - p0);
            }
            sj_raw(b, "}");
        }
    sj_raw(b, "]");
    free(x);
    for (int k = 0; k < 5; k++) free(q[k]);
}

/* Outcome of one run over [from, to]: a flow's total, a stock's last month. */
static double outcome(const serve_state *S, const double *run, size_t g, size_t v, size_t p0, size_t p1)
{
    const double *o = run + (g * SERVE_NVAR + v) * S->nperiods;
    if (!truce_variable_is_flow(VARS[v])) return o[p1 - 1];
    double s = 0;
    for (size_t p = p0; p < p1; p++) s += o[p];
    return s;
}

static void write_summary(const serve_state *S, sj_buf *b, const double *values, const double *base, uint64_t runs,
                          size_t p0, size_t p1)
{
    const size_t stride = S->ngeo * SERVE_NVAR * S->nperiods;
    double *a = malloc((size_t)runs * sizeof *a), *c = malloc((size_t)runs * sizeof *c),
           *d = malloc((size_t)runs * sizeof *d);
    sj_raw(b, "[");
    if (!a || !c || !d) b->failed = 1;
    for (size_t g = 0; a && c && d && g < S->ngeo; g++)
        for (size_t v = 0; v < SERVE_NVAR; v++) {
            uint64_t lower = 0;
            for (uint64_t i = 0; i < runs; i++) {
                a[i] = outcome(S, values + i * stride, g, v, p0, p1);
                c[i] = outcome(S, base + i * stride, g, v, p0, p1);
                d[i] = a[i] - c[i];
                lower += d[i] < 0;
            }
            if (g || v) sj_raw(b, ",");
            sj_printf(b, "{\"outcome\":\"%s:%s\",\"status_quo\":", truce_variable_name(VARS[v]), S->geo[g].name);
            sj_num(b, truce_quantile7(c, NULL, (size_t)runs, 0.5));
            sj_raw(b, ",\"value\":");
            sj_num(b, truce_quantile7(a, NULL, (size_t)runs, 0.5));
            sj_raw(b, ",\"diff_q05\":");
            sj_num(b, truce_quantile7(d, NULL, (size_t)runs, 0.05));
            sj_raw(b, ",\"diff_q50\":");
            sj_num(b, truce_quantile7(d, NULL, (size_t)runs, 0.5));
            sj_raw(b, ",\"diff_q95\":");
            sj_num(b, truce_quantile7(d, NULL, (size_t)runs, 0.95));
            sj_raw(b, ",\"p_better\":");
            sj_num(b, (double)lower / (double)runs);
            sj_raw(b, "}");
        }
    sj_raw(b, "]");
    free(a);
    free(c);
    free(d);
}

static void write_periods(const serve_state *S, sj_buf *b, size_t p0, size_t p1)
{
    sj_raw(b, "[");
    for (size_t p = p0; p < p1; p++) {
        char d[11];
        date_str(S->period_first[p], d);
        sj_printf(b, "%s\"%.7s\"", p > p0 ? "," : "", d);
    }
    sj_raw(b, "]");
}

void serve_api_simulate(serve_state *S, int compare, const char *body, size_t len, serve_reply *r)
{
    pthread_mutex_lock(&S->lock);
    int ready = S->ready, failed = S->failed;
    uint64_t done = S->bank_done;
    pthread_mutex_unlock(&S->lock);
    if (failed) { serve_error(r, 500, NULL, "the bank of histories failed: %s", S->bank_error); return; }
    if (!ready) {
        serve_error(r, 503, NULL, "the bank of histories is being built (%llu of %llu runs); retry shortly",
                    (unsigned long long)done, (unsigned long long)S->bank_runs);
        r->retry_after = 2;
        return;
    }
    sim_request q = {0};
    if (parse_request(S, body, len, &q, r)) { truce_scenario_free(q.alt); return; }
    /* a slot of the worker pool */
    pthread_mutex_lock(&S->lock);
    int got = S->busy < S->lim.workers;
    if (got) S->busy++;
    pthread_mutex_unlock(&S->lock);
    if (!got) {
        truce_scenario_free(q.alt);
        serve_error(r, 503, NULL, "%d simulations are running (the server's --workers); retry shortly", S->lim.workers);
        r->retry_after = 1;
        return;
    }
    const size_t stride = S->ngeo * SERVE_NVAR * S->nperiods;
    double *values = NULL;
    const double *vals = S->sq_values;   /* the status quo, already computed */
    sim_job J = {0};
    /* the status quo's levers under another name are the status quo: its futures are kept */
    if (q.alt && q.nset == 0 && strcmp(truce_scenario_hash(q.alt), truce_scenario_hash(S->status_quo)) == 0) {
        truce_scenario_free(q.alt);
        q.alt = NULL;
        q.same_as_sq = 1;
    }
    if (q.alt || q.nset) {
        values = malloc((size_t)q.runs * stride * sizeof *values);
        if (!values) {
            serve_error(r, 500, NULL, "out of memory");
            goto release;
        }
        J.S = S;
        J.bank = S->bank;
        J.alt = q.alt ? q.alt : S->status_quo;
        J.nset = q.nset;
        J.idx = q.idx;
        J.val = q.val;
        J.runs = q.runs;
        J.values = values;
        J.deadline = now_s() + S->lim.wall_s;
        run_job(&J, S->threads);
        if (J.timed_out) {
            serve_error(r, 503, "runs",
                        "the request ran past the server's wall-time limit (%g s) after %llu of %llu runs; ask for fewer runs",
                        S->lim.wall_s, (unsigned long long)J.done, (unsigned long long)q.runs);
            r->retry_after = 1;
            goto release;
        }
        if (J.failed) {
            serve_error(r, J.err.code == TRUCE_EINPUT ? 422 : 500, NULL, "%s", J.err.message);
            goto release;
        }
        vals = values;
    }
    size_t pfrom = 0, pto = 0;
    while (pfrom < S->nperiods && S->period_first[pfrom] < S->from) pfrom++;
    while (pto < S->nperiods && S->period_first[pto] <= q.to) pto++;
    char d0[11], d1[11];
    date_str(S->from, d0);
    date_str(q.to, d1);
    sj_buf *b = &r->body;
    r->status = 200;
    sj_printf(b, "{\"runs\":%llu,\"from\":\"%s\",\"to\":\"%s\",\"portfolio\":", (unsigned long long)q.runs, d0, d1);
    if (q.alt || q.same_as_sq) {
        sj_raw(b, "{\"name\":");
        sj_str(b, q.pname);
        sj_raw(b, ",\"hash\":");
        sj_str(b, q.phash);
        sj_printf(b, ",\"levers\":%zu}", q.plevers);
    } else
        sj_raw(b, "null");
    sj_raw(b, ",\"params\":{");
    for (size_t k = 0; k < q.nset; k++) {
        if (k) sj_raw(b, ",");
        sj_str(b, truce_param_at(q.idx[k])->name);
        sj_raw(b, ":");
        sj_num(b, q.val[k]);
    }
    sj_raw(b, "}");
    if (!compare) {
        sj_raw(b, ",\"periods\":");
        write_periods(S, b, 0, pto);
        sj_raw(b, ",\"bands\":");
        write_bands(S, b, vals, NULL, q.runs, 0, pto);
        sj_raw(b, ",\"reported\":");
        sj_raw(b, S->reported_json);
    } else {
        sj_raw(b, ",\"periods\":");
        write_periods(S, b, pfrom, pto);
        sj_raw(b, ",\"diff_bands\":");
        write_bands(S, b, vals, S->sq_values, q.runs, pfrom, pto);
        sj_raw(b, ",\"summary\":");
        write_summary(S, b, vals, S->sq_values, q.runs, pfrom, pto);
    }
    sj_raw(b, "}");
    if (b->failed) serve_error(r, 500, NULL, "out of memory");
release:
    free(values);
    truce_scenario_free(q.alt);
    malloc_trim(0);   /* give what the runs used back to the system (docs/serve.md, "Load") */
    pthread_mutex_lock(&S->lock);
    S->busy--;
    pthread_mutex_unlock(&S->lock);
}
