/* report — DIR/report.html from an assessment folder (docs/report.md).
 *
 * The page is the template web/report.html (compiled in) with its markers
 * `<!--@NAME-->` replaced: the style sheets and scripts (uPlot's and the page's own,
 * inlined: nothing is fetched when the page opens), and the sections, rendered here as
 * plain HTML from the folder's CSV files and assessment.json — so the first screen's table
 * and every chart's table read without script. The charts' numbers go into one
 * `<script type="application/json">` element (every '<' escaped), which web/report.js
 * draws with uPlot.
 *
 * Bad input (a missing file, a header without a needed column, a number that is not one)
 * is TRUCE_EINPUT naming FILE:LINE: FIELD. The page is written through outpath (temporary
 * beside the target, renamed when complete, never through a link).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calendar.h"
#include "csv.h"
#include "outpath.h"
#include "report_json.h"
#include "timeline.h"

/* ---- tables ------------------------------------------------------------------------ */

typedef struct tab {
    char *path;        /* DIR/NAME, for messages */
    int present;
    size_t ncol, nrow, cap;
    char **head;
    char **cell;       /* nrow * ncol strings */
    long *line;
} tab;

static void tab_free(tab *t)
{
    for (size_t i = 0; i < t->ncol; i++) free(t->head[i]);
    for (size_t i = 0; i < t->nrow * t->ncol; i++) free(t->cell[i]);
    free(t->head);
    free(t->cell);
    free(t->line);
    free(t->path);
    memset(t, 0, sizeof *t);
}

static long tab_col(const tab *t, const char *name)
{
    for (size_t i = 0; i < t->ncol; i++)
        if (strcmp(t->head[i], name) == 0) return (long)i;
    return -1;
}

static const char *cell(const tab *t, size_t r, long c)
{
    if (c < 0 || r >= t->nrow) return "";
    return t->cell[r * t->ncol + (size_t)c];
}

/* A cell as a number: NAN when empty or NA (checked at load where a number is needed). */
static double num(const tab *t, size_t r, long c)
{
    const char *s = cell(t, r, c);
    double v;
    if (!*s || strcmp(s, "NA") == 0) return NAN;
    if (csv_parse_decimal(s, strlen(s), &v) != 0) return NAN;
    return v;
}

static char *dup_field(const csv_field *f)
{
    char *s = malloc(f->len + 1);
    if (!s) return NULL;
    memcpy(s, f->ptr, f->len);
    s[f->len] = '\0';
    return s;
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Load DIR/NAME. `need`: the columns that must be there (NULL-terminated); a name ending
 * in '#' must hold a number in every row, in '?' a number or nothing (empty or NA).
 * `exact`: the header must be exactly the needed names, in order. An optional file that
 * is absent leaves t->present 0. */
static int tab_load(tab *t, const char *dir, const char *name, const char *const *need, int exact,
                    int optional, truce_error *err)
{
    memset(t, 0, sizeof *t);
    t->path = join_path(dir, name);
    if (!t->path) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    struct stat st;
    if (optional && stat(t->path, &st) != 0) return 0;
    csv_reader *r = csv_open_file(t->path, err);
    if (!r) return -1;
    t->present = 1;
    csv_record rec;
    int rc = csv_next(r, &rec, err);
    if (rc <= 0) {
        if (rc == 0) truce_error_set(err, TRUCE_EINPUT, t->path, 1, NULL, "empty file: no header");
        csv_close(r);
        return -1;
    }
    t->ncol = rec.n;
    t->head = calloc(rec.n, sizeof *t->head);
    if (!t->head) goto oom;
    for (size_t i = 0; i < rec.n; i++)
        if (!(t->head[i] = dup_field(&rec.fields[i]))) goto oom;
    size_t nneed = 0;
    for (; need[nneed]; nneed++) {
        char col[64];
        snprintf(col, sizeof col, "%s", need[nneed]);
        size_t l = strlen(col);
        if (l && (col[l - 1] == '#' || col[l - 1] == '?')) col[l - 1] = '\0';
        long c = tab_col(t, col);
        if (c < 0 || (exact && c != (long)nneed)) {
            truce_error_set(err, TRUCE_EINPUT, t->path, 1, col, "%s",
                            c < 0 ? "column missing from the header" : "column out of place in the header");
            csv_close(r);
            return -1;
        }
    }
    if (exact && t->ncol != nneed) {
        truce_error_set(err, TRUCE_EINPUT, t->path, 1, t->head[nneed], "column not expected in the header");
        csv_close(r);
        return -1;
    }
    while ((rc = csv_next(r, &rec, err)) == 1) {
        if (rec.n == 1 && rec.fields[0].len == 0) continue; /* blank line */
        if (rec.n != t->ncol) {
            truce_error_set(err, TRUCE_EINPUT, t->path, rec.line, NULL, "%zu fields, the header has %zu",
                            rec.n, t->ncol);
            csv_close(r);
            return -1;
        }
        if (rec.has_nul || rec.bad_utf8 || rec.malformed) {
            truce_error_set(err, TRUCE_EINPUT, t->path, rec.line, NULL, "%s",
                            rec.has_nul ? "NUL byte" : rec.bad_utf8 ? "not UTF-8" : "text after a closing quote");
            csv_close(r);
            return -1;
        }
        if (t->nrow == t->cap) {
            size_t nc = t->cap ? t->cap * 2 : 64;
            char **ncell = realloc(t->cell, nc * t->ncol * sizeof *ncell);
            if (!ncell) goto oom;
            t->cell = ncell;
            long *nl = realloc(t->line, nc * sizeof *nl);
            if (!nl) goto oom;
            t->line = nl;
            t->cap = nc;
        }
        for (size_t i = 0; i < t->ncol; i++) {
            char *s = dup_field(&rec.fields[i]);
            if (!s) {
                for (size_t j = 0; j < i; j++) free(t->cell[t->nrow * t->ncol + j]);
                goto oom;
            }
            t->cell[t->nrow * t->ncol + i] = s;
        }
        t->line[t->nrow] = rec.line;
        t->nrow++;
    }
    csv_close(r);
    if (rc < 0) return -1;
    /* Numbers where numbers are needed. */
    for (size_t k = 0; k < nneed; k++) {
        size_t l = strlen(need[k]);
        char kind = need[k][l - 1];
        if (kind != '#' && kind != '?') continue;
        char col[64];
        snprintf(col, sizeof col, "%.*s", (int)(l - 1), need[k]);
        long c = tab_col(t, col);
        for (size_t i = 0; i < t->nrow; i++) {
            const char *s = cell(t, i, c);
            double v;
            if (kind == '?' && (!*s || strcmp(s, "NA") == 0)) continue;
            int bad = csv_parse_decimal(s, strlen(s), &v);
            if (bad != 0 || !isfinite(v)) {
                truce_error_set(err, TRUCE_EINPUT, t->path, t->line[i], col, "'%s' is not a number", s);
                return -1;
            }
        }
    }
    return 0;
oom:
    csv_close(r);
    truce_error_set(err, TRUCE_ERUNTIME, t->path, 0, NULL, "out of memory");
    return -1;
}

/* ---- dates ------------------------------------------------------------------------- */

/* First day of a period label (YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD); *gran: 'y','q','m','d'.
 * 0 or -1. */
static int period_first(const char *s, int32_t *day, char *gran)
{
    size_t n = strlen(s);
    if (n == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
        int32_t first, last;
        truce_precision pr;
        if (cal_parse(s, 4, &first, &last, &pr) != 0) return -1;
        int y, m, d;
        cal_civil_from_days(first, &y, &m, &d);
        *day = cal_days_from_civil(y, (s[6] - '1') * 3 + 1, 1);
        *gran = 'q';
        return 0;
    }
    int32_t first, last;
    truce_precision pr;
    if (cal_parse(s, n, &first, &last, &pr) != 0) return -1;
    *day = first;
    *gran = n == 4 ? 'y' : n == 7 ? 'm' : 'd';
    return 0;
}

/* ---- output helpers ------------------------------------------------------------------ */

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A JSON number, or null for NAN. */
static void jnum(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.6g", v);
    else fputs("null", f);
}

/* A number for people: rounded to whole units (x ≥ 10 or a whole number), else three
 * significant digits; a leading sign when `sign`; U+2212 for minus. */
static void fmt_num(char *out, size_t cap, double v, int sign)
{
    if (!isfinite(v)) {
        snprintf(out, cap, "–");
        return;
    }
    char body[64];
    double a = fabs(v);
    if (a >= 10 || a == floor(a)) snprintf(body, sizeof body, "%.0f", a);
    else snprintf(body, sizeof body, "%.3g", a);
    int zero = strcmp(body, "0") == 0;
    const char *pre = zero ? (sign ? "±" : "") : v < 0 ? "\xE2\x88\x92" : sign ? "+" : "";
    snprintf(out, cap, "%s%s", pre, body);
}

static void put_num(FILE *f, double v, int sign)
{
    char b[80];
    fmt_num(b, sizeof b, v, sign);
    fputs(b, f);
}

/* The same value for the tables behind the charts: %.6g, as the CSV files print. */
static void put_raw(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.6g", v);
    else fputs("–", f);
}

static void put_pct(FILE *f, double p)
{
    if (!isfinite(p)) fputs("–", f);
    else fprintf(f, "%.0f\xC2\xA0%%", p * 100.0);
}

/* ---- the report's state ------------------------------------------------------------- */

enum {
    T_ASSESS, T_RANK, T_BANDS, T_DIFF, T_REPLAYS, T_DRIVERS, T_EVSTUDY, T_REPORTED, T_EPISODES,
    T_PPC, T_PPCSUM, T_FORECAST, T_SBC, T_COUNT
};

typedef struct report {
    const char *dir;
    tab t[T_COUNT];
    rj_value meta;               /* assessment.json */
    char *meta_path;
    FILE *charts;                /* the charts' JSON, collected while the sections render */
    char *charts_buf;
    size_t charts_len;
    size_t nchart;
    /* portfolios in the order of assessment.csv, status quo first */
    char **port;
    size_t nport;
    const char *sq;              /* the status quo's name */
    /* outcomes in the order of assessment.csv */
    char **outc;
    size_t noutc;
} report;

static const char *meta_s(const report *r, const char *key)
{
    const char *s = rj_str(&r->meta, key);
    return s ? s : "";
}

/* A date of assessment.json for people: "January 2026" when it is a month's first day
 * (from) or last day (to), else as written. */
static void put_month(FILE *h, const char *date)
{
    static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July",
                                         "August", "September", "October", "November", "December"};
    int32_t first, last;
    truce_precision pr;
    size_t n = strlen(date);
    if (cal_parse(date, n, &first, &last, &pr) == 0) {
        int y, m, d;
        cal_civil_from_days(first, &y, &m, &d);
        if (n == 7 || d == 1 || d == cal_days_in_month(y, m)) {
            fprintf(h, "%s %d", months[m - 1], y);
            return;
        }
    }
    esc(h, date);
}

/* The outcome's words: variable and geography. */
static const char *var_words(const char *var, int plural_noun)
{
    (void)plural_noun;
    if (strcmp(var, "attacks") == 0) return "attacks";
    if (strcmp(var, "deaths_security") == 0) return "deaths of security forces";
    if (strcmp(var, "deaths_civilian") == 0) return "civilian deaths";
    if (strcmp(var, "deaths_militant") == 0) return "militant deaths";
    if (strcmp(var, "militants") == 0) return "militants at the horizon";
    if (strcmp(var, "deaths_sc") == 0) return "deaths of security forces and civilians";
    return var;
}

static const char *geo_words(const char *geo)
{
    if (strcmp(geo, "national") == 0) return "in all modelled regions";
    if (strcmp(geo, "khyber_pakhtunkhwa") == 0) return "in Khyber Pakhtunkhwa";
    if (strcmp(geo, "balochistan") == 0) return "in Balochistan";
    return geo;
}

static const char *geo_title(const char *geo)
{
    if (strcmp(geo, "national") == 0) return "all modelled regions";
    if (strcmp(geo, "khyber_pakhtunkhwa") == 0) return "Khyber Pakhtunkhwa";
    if (strcmp(geo, "balochistan") == 0) return "Balochistan";
    return geo;
}

/* Split "var:geo" into its parts (into buffers). */
static void split_outcome(const char *o, char *var, size_t vcap, char *geo, size_t gcap)
{
    const char *c = strchr(o, ':');
    if (!c) {
        snprintf(var, vcap, "%s", o);
        snprintf(geo, gcap, "%s", "");
        return;
    }
    snprintf(var, vcap, "%.*s", (int)(c - o), o);
    snprintf(geo, gcap, "%s", c + 1);
}

/* A portfolio's entry in assessment.json's "portfolios", or NULL. */
static const rj_value *meta_portfolio(const report *r, const char *name)
{
    const rj_value *ps = rj_get(&r->meta, "portfolios");
    if (!ps || ps->type != RJ_ARRAY) return NULL;
    for (size_t i = 0; i < ps->n; i++) {
        const char *n = rj_str(&ps->items[i], "name");
        if (n && strcmp(n, name) == 0) return &ps->items[i];
    }
    return NULL;
}

static const rj_value *meta_outcome(const report *r, const char *name)
{
    const rj_value *os = rj_get(&r->meta, "outcomes");
    if (!os || os->type != RJ_ARRAY) return NULL;
    for (size_t i = 0; i < os->n; i++) {
        const char *n = rj_str(&os->items[i], "name");
        if (n && strcmp(n, name) == 0) return &os->items[i];
    }
    return NULL;
}

/* An outcome's short column title. */
static void outcome_title(const report *r, const char *o, char *out, size_t cap)
{
    const char *label = rj_str(meta_outcome(r, o), "label");
    if (label && *label) {
        snprintf(out, cap, "%s", label);
        return;
    }
    char var[64], geo[64];
    split_outcome(o, var, sizeof var, geo, sizeof geo);
    snprintf(out, cap, "%s, %s", var_words(var, 1), geo_title(geo));
}

/* The row of assessment.csv for (portfolio, outcome), or SIZE_MAX. */
static size_t find_row(const report *r, const char *port, const char *outc)
{
    const tab *t = &r->t[T_ASSESS];
    for (size_t i = 0; i < t->nrow; i++)
        if (strcmp(cell(t, i, 0), port) == 0 && strcmp(cell(t, i, 1), outc) == 0) return i;
    return SIZE_MAX;
}

static int add_name(char ***list, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], name) == 0) return 0;
    char **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) return -1;
    *list = nl;
    if (!(nl[*n] = malloc(strlen(name) + 1))) return -1;
    strcpy(nl[*n], name);
    (*n)++;
    return 0;
}

/* ---- charts -------------------------------------------------------------------------- */

enum { K_LINE, K_EDGE, K_POINTS, K_MID };
enum { MAXSER = 12 };

typedef struct chart {
    const char *title;
    const char *note;            /* under the chart; may be NULL */
    const char *ylabel;
    size_t n;
    int32_t *day;                /* x: days since 1970-01-01 */
    char **xl;                   /* x as the table prints it */
    size_t ns;
    struct {
        const char *label;
        const char *color;
        int kind;
        double *y;
    } s[MAXSER];
    size_t nband;
    int band[4][2];              /* indices of the upper and lower series */
    const char *band_fill[4];
    int shade;                   /* shade the recorded episodes */
} chart;

static void chart_free(chart *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->xl[i]);
    free(c->xl);
    free(c->day);
    for (size_t k = 0; k < c->ns; k++) free(c->s[k].y);
    memset(c, 0, sizeof *c);
}

/* Allocate x and ns series of n points (NAN). */
static int chart_alloc(chart *c, size_t n, size_t ns)
{
    c->n = n;
    c->ns = ns;
    c->day = calloc(n ? n : 1, sizeof *c->day);
    c->xl = calloc(n ? n : 1, sizeof *c->xl);
    if (!c->day || !c->xl) return -1;
    for (size_t k = 0; k < ns; k++) {
        c->s[k].y = malloc((n ? n : 1) * sizeof(double));
        if (!c->s[k].y) return -1;
        for (size_t i = 0; i < n; i++) c->s[k].y[i] = NAN;
    }
    return 0;
}

static void chart_emit(report *r, FILE *h, const chart *c)
{
    size_t id = r->nchart++;
    FILE *j = r->charts;
    if (id) fputc(',', j);
    fprintf(j, "{\"id\":\"chart-%zu\",\"title\":", id);
    rj_write_string(j, c->title);
    fputs(",\"y\":", j);
    rj_write_string(j, c->ylabel ? c->ylabel : "");
    fprintf(j, ",\"shade\":%s,\"x\":[", c->shade ? "true" : "false");
    for (size_t i = 0; i < c->n; i++) fprintf(j, "%s%lld", i ? "," : "", (long long)c->day[i] * 86400LL);
    fputs("],\"series\":[", j);
    static const char *const kinds[] = {"line", "edge", "points", "mid"};
    for (size_t k = 0; k < c->ns; k++) {
        fputs(k ? ",{\"label\":" : "{\"label\":", j);
        rj_write_string(j, c->s[k].label);
        fprintf(j, ",\"color\":\"%s\",\"kind\":\"%s\",\"y\":[", c->s[k].color, kinds[c->s[k].kind]);
        for (size_t i = 0; i < c->n; i++) {
            if (i) fputc(',', j);
            jnum(j, c->s[k].y[i]);
        }
        fputs("]}", j);
    }
    fputs("],\"bands\":[", j);
    for (size_t b = 0; b < c->nband; b++)
        fprintf(j, "%s[%d,%d,\"%s\"]", b ? "," : "", c->band[b][0], c->band[b][1], c->band_fill[b]);
    fputs("]}", j);

    fprintf(h, "<figure class=\"fig\">\n<figcaption>");
    esc(h, c->title);
    fprintf(h, "</figcaption>\n<div class=\"chart\" id=\"chart-%zu\" role=\"img\" aria-label=\"", id);
    esc(h, c->title);
    fputs(" (its numbers are in the table below)\"></div>\n", h);
    if (c->note) {
        fputs("<p class=\"note\">", h);
        esc(h, c->note);
        fputs("</p>\n", h);
    }
    fputs("<details><summary>Table of this chart</summary><div class=\"tw\"><table class=\"num\">\n<thead><tr><th>period</th>", h);
    for (size_t k = 0; k < c->ns; k++) {
        fputs("<th>", h);
        esc(h, c->s[k].label);
        fputs("</th>", h);
    }
    fputs("</tr></thead><tbody>\n", h);
    for (size_t i = 0; i < c->n; i++) {
        fputs("<tr><td>", h);
        esc(h, c->xl[i]);
        fputs("</td>", h);
        for (size_t k = 0; k < c->ns; k++) {
            fputs("<td>", h);
            put_raw(h, c->s[k].y[i]);
            fputs("</td>", h);
        }
        fputs("</tr>\n", h);
    }
    fputs("</tbody></table></div></details>\n</figure>\n", h);
}

/* ---- sections ------------------------------------------------------------------------- */

static void cell_diff(FILE *h, const report *r, size_t row)
{
    const tab *t = &r->t[T_ASSESS];
    double q05 = num(t, row, 4), q50 = num(t, row, 5), q95 = num(t, row, 6), p = num(t, row, 7);
    const char *cls = !isfinite(p) ? "pn" : p >= 0.9 ? "p9" : p >= 0.75 ? "p7" : p > 0.25 ? "p5" : p > 0.1 ? "p2" : "p0";
    fprintf(h, "<td class=\"%s\" data-portfolio=\"", cls);
    esc(h, cell(t, row, 0));
    fputs("\" data-outcome=\"", h);
    esc(h, cell(t, row, 1));
    fputs("\"><span class=\"d\">", h);
    put_num(h, q50, 1);
    fputs("</span> <span class=\"ci\">[", h);
    put_num(h, q05, 1);
    fputs(", ", h);
    put_num(h, q95, 1);
    fputs("]</span><br><span class=\"p\">", h);
    if (isfinite(p)) put_pct(h, p);
    else fputs("–", h);
    fputs("</span></td>", h);
}

/* The table of portfolios (rows) against the outcomes of geography `geo` (columns). */
static void answer_table(FILE *h, const report *r, const char *geo, const char *id)
{
    const tab *t = &r->t[T_ASSESS];
    fprintf(h, "<div class=\"tw\"><table class=\"answer\" id=\"%s\">\n<caption>", id);
    fprintf(h, "Difference from the status quo, %s, ", geo_title(geo));
    put_month(h, meta_s(r, "from"));
    fputs(" to ", h);
    put_month(h, meta_s(r, "to"));
    fputs(": median <span class=\"ci\">[90 % interval]</span>, and below it the share of the "
          "calibrated futures in which the portfolio is lower than the status quo</caption>\n<thead><tr><th scope=\"col\">portfolio</th>", h);
    for (size_t k = 0; k < r->noutc; k++) {
        char var[64], g[64], title[256];
        split_outcome(r->outc[k], var, sizeof var, g, sizeof g);
        if (strcmp(g, geo) != 0) continue;
        outcome_title(r, r->outc[k], title, sizeof title);
        fputs("<th scope=\"col\">", h);
        esc(h, title);
        fputs("</th>", h);
    }
    fputs("</tr></thead>\n<tbody>\n<tr class=\"sq\"><th scope=\"row\">", h);
    esc(h, r->sq);
    fputs(" <span class=\"tag\">reference: its median</span></th>", h);
    for (size_t k = 0; k < r->noutc; k++) {
        char var[64], g[64];
        split_outcome(r->outc[k], var, sizeof var, g, sizeof g);
        if (strcmp(g, geo) != 0) continue;
        size_t row = SIZE_MAX;
        for (size_t i = 0; i < t->nrow && row == SIZE_MAX; i++)
            if (strcmp(cell(t, i, 1), r->outc[k]) == 0) row = i;
        fputs("<td class=\"sqv\" data-outcome=\"", h);
        esc(h, r->outc[k]);
        fputs("\">", h);
        put_num(h, num(t, row, 2), 0);
        fputs("</td>", h);
    }
    fputs("</tr>\n", h);
    for (size_t p = 1; p < r->nport; p++) {
        const char *d = rj_str(meta_portfolio(r, r->port[p]), "description");
        fputs("<tr><th scope=\"row\"", h);
        if (d && *d) {
            fputs(" title=\"", h);
            esc(h, d);
            fputs("\"", h);
        }
        fputs(">", h);
        esc(h, r->port[p]);
        fputs("</th>", h);
        for (size_t k = 0; k < r->noutc; k++) {
            char var[64], g[64];
            split_outcome(r->outc[k], var, sizeof var, g, sizeof g);
            if (strcmp(g, geo) != 0) continue;
            size_t row = find_row(r, r->port[p], r->outc[k]);
            if (row == SIZE_MAX) fputs("<td>–</td>", h);
            else cell_diff(h, r, row);
        }
        fputs("</tr>\n", h);
    }
    fputs("</tbody></table></div>\n", h);
}

static void sentence(FILE *h, const report *r, size_t row)
{
    const tab *t = &r->t[T_ASSESS];
    char var[64], geo[64];
    split_outcome(cell(t, row, 1), var, sizeof var, geo, sizeof geo);
    double p = num(t, row, 7);
    int stock = strcmp(var, "militants") == 0;
    fputs("In ", h);
    put_pct(h, p);
    fputs(" of the ", h);
    esc(h, meta_s(r, "runs"));
    fputs(" calibrated futures, <b>", h);
    esc(h, cell(t, row, 0));
    fputs("</b> gives ", h);
    fprintf(h, "%s %s %s than the status quo", stock ? "fewer" : "fewer", var_words(var, 1), geo_words(geo));
    if (!stock) {
        fputs(" from ", h);
        put_month(h, meta_s(r, "from"));
        fputs(" to ", h);
        put_month(h, meta_s(r, "to"));
    }
    fputs(": a median difference of ", h);
    put_num(h, num(t, row, 5), 1);
    fputs(" (90 % interval ", h);
    put_num(h, num(t, row, 4), 1);
    fputs(" to ", h);
    put_num(h, num(t, row, 6), 1);
    fputs(") against ", h);
    put_num(h, num(t, row, 2), 0);
    fputs(" under the status quo.", h);
    if (p < 0.5) fputs(" In the other futures it gives as many or more.", h);
}

static int sec_answer(report *r, FILE *h)
{
    const tab *t = &r->t[T_ASSESS];
    /* The lead: the portfolio most often below the status quo in attacks nationally, and
     * in deaths of security forces and civilians. */
    static const char *const lead[] = {"attacks:national", "deaths_civilian:national", "deaths_security:national"};
    fputs("<div class=\"lead\">\n", h);
    for (size_t k = 0; k < sizeof lead / sizeof lead[0]; k++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < t->nrow; i++) {
            if (strcmp(cell(t, i, 1), lead[k]) != 0 || !isfinite(num(t, i, 7))) continue;
            /* most often lower; among equals, the larger median reduction */
            if (best == SIZE_MAX || num(t, i, 7) > num(t, best, 7) ||
                (num(t, i, 7) == num(t, best, 7) && num(t, i, 5) < num(t, best, 5)))
                best = i;
        }
        if (best == SIZE_MAX) continue;
        fputs("<p>", h);
        sentence(h, r, best);
        /* and the largest median reduction when another portfolio has it */
        size_t big = best;
        for (size_t i = 0; i < t->nrow; i++)
            if (strcmp(cell(t, i, 1), lead[k]) == 0 && isfinite(num(t, i, 7)) && num(t, i, 5) < num(t, big, 5)) big = i;
        if (big != best) {
            fputs(" The largest median reduction is <b>", h);
            esc(h, cell(t, big, 0));
            fputs("</b>'s: ", h);
            put_num(h, num(t, big, 5), 1);
            fputs(" (90 % interval ", h);
            put_num(h, num(t, big, 4), 1);
            fputs(" to ", h);
            put_num(h, num(t, big, 6), 1);
            fputs("), lower in ", h);
            put_pct(h, num(t, big, 7));
            fputs(" of the futures.", h);
        }
        fputs("</p>\n", h);
    }
    fputs("<p class=\"caveat\">A share near 50 % means the model cannot tell the portfolio from the "
          "status quo. Every number is conditional on the model and its calibration; "
          "<a href=\"#limits\">what the model cannot say</a> lists what it does not know.</p>\n</div>\n", h);
    answer_table(h, r, "national", "answer");
    fputs("<p class=\"legend\"><span class=\"sw p9\"></span>≥ 90 % of futures lower "
          "<span class=\"sw p7\"></span>≥ 75 % <span class=\"sw p5\"></span>undecided "
          "<span class=\"sw p2\"></span>≤ 25 % <span class=\"sw p0\"></span>≤ 10 % "
          "<span class=\"sw pn\"></span>lower is neither better nor worse (militant deaths)</p>\n", h);
    /* Every portfolio in words, attacks nationally. */
    fputs("<details><summary>Every portfolio in words (attacks, all modelled regions)</summary><ul class=\"words\">\n", h);
    for (size_t p = 1; p < r->nport; p++) {
        size_t row = find_row(r, r->port[p], "attacks:national");
        if (row == SIZE_MAX) continue;
        fputs("<li>", h);
        sentence(h, r, row);
        const rj_value *pm = meta_portfolio(r, r->port[p]);
        const char *d = rj_str(pm, "description");
        if (d && *d) {
            fputs(" <span class=\"desc\">(", h);
            esc(h, d);
            fputs(")</span>", h);
        }
        fputs("</li>\n", h);
    }
    fputs("</ul></details>\n", h);
    return 0;
}

static int sec_provinces(report *r, FILE *h)
{
    static const char *const geos[] = {"khyber_pakhtunkhwa", "balochistan"};
    for (size_t g = 0; g < 2; g++) {
        int any = 0;
        for (size_t k = 0; k < r->noutc; k++) {
            char var[64], geo[64];
            split_outcome(r->outc[k], var, sizeof var, geo, sizeof geo);
            if (strcmp(geo, geos[g]) == 0) any = 1;
        }
        if (!any) continue;
        fprintf(h, "<h3>%s</h3>\n", geo_title(geos[g]));
        answer_table(h, r, geos[g], g == 0 ? "answer-kp" : "answer-balochistan");
    }
    return 0;
}

static int sec_ranking(report *r, FILE *h)
{
    const tab *t = &r->t[T_RANK];
    long co = tab_col(t, "outcome"), cp = tab_col(t, "portfolio"), cf = tab_col(t, "p_first"),
         cq = tab_col(t, "rank_q50"), cm = tab_col(t, "rank_mean");
    fputs("<div class=\"tw\"><table class=\"num\" id=\"ranking\"><caption>How often each portfolio has "
          "the lowest value among all (status quo included), all modelled regions: share of futures in first "
          "place; below it the median rank</caption>\n<thead><tr><th scope=\"col\">portfolio</th>", h);
    char **outs = NULL;
    size_t nouts = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        char var[64], geo[64];
        split_outcome(cell(t, i, co), var, sizeof var, geo, sizeof geo);
        if (strcmp(geo, "national") == 0 && add_name(&outs, &nouts, cell(t, i, co)) != 0) return -1;
    }
    for (size_t k = 0; k < nouts; k++) {
        char title[256];
        outcome_title(r, outs[k], title, sizeof title);
        fputs("<th scope=\"col\">", h);
        esc(h, title);
        fputs("</th>", h);
    }
    fputs("</tr></thead><tbody>\n", h);
    for (size_t p = 0; p < r->nport; p++) {
        fputs("<tr><th scope=\"row\">", h);
        esc(h, r->port[p]);
        fputs("</th>", h);
        for (size_t k = 0; k < nouts; k++) {
            size_t row = SIZE_MAX;
            for (size_t i = 0; i < t->nrow && row == SIZE_MAX; i++)
                if (strcmp(cell(t, i, co), outs[k]) == 0 && strcmp(cell(t, i, cp), r->port[p]) == 0) row = i;
            if (row == SIZE_MAX) {
                fputs("<td>–</td>", h);
                continue;
            }
            fputs("<td>", h);
            put_pct(h, num(t, row, cf));
            fputs("<br><span class=\"ci\">rank ", h);
            put_raw(h, num(t, row, cq));
            fputs(" (mean ", h);
            fprintf(h, "%.1f", num(t, row, cm));
            fputs(")</span></td>", h);
        }
        fputs("</tr>\n", h);
    }
    fputs("</tbody></table></div>\n", h);
    for (size_t k = 0; k < nouts; k++) free(outs[k]);
    free(outs);
    return 0;
}

/* A table's header and every row, as read, between <table> and </table>. */
static void whole_table(FILE *h, const tab *t)
{
    fputs("<thead><tr>", h);
    for (size_t c = 0; c < t->ncol; c++) {
        fputs("<th>", h);
        esc(h, t->head[c]);
        fputs("</th>", h);
    }
    fputs("</tr></thead><tbody>\n", h);
    for (size_t i = 0; i < t->nrow; i++) {
        fputs("<tr>", h);
        for (size_t c = 0; c < t->ncol; c++) {
            fputs("<td>", h);
            esc(h, cell(t, i, (long)c));
            fputs("</td>", h);
        }
        fputs("</tr>\n", h);
    }
    fputs("</tbody>", h);
}

static int sec_full_table(report *r, FILE *h)
{
    const tab *t = &r->t[T_ASSESS];
    fputs("<details><summary>assessment.csv in full</summary><div class=\"tw\"><table class=\"num\" id=\"assessment-csv\">\n", h);
    whole_table(h, t);
    fputs("</table></div></details>\n", h);
    return 0;
}

static int sec_question(report *r, FILE *h)
{
    fputs("Which policy portfolio would lower militant violence in Pakistan from ", h);
    put_month(h, meta_s(r, "from"));
    fputs(" to ", h);
    put_month(h, meta_s(r, "to"));
    fputs(", compared with continuing today's policies (<i>", h);
    esc(h, r->sq);
    fputs("</i>)?", h);
    return 0;
}

static int sec_basis(report *r, FILE *h)
{
    const rj_value *sc = rj_get(&r->meta, "scenario"), *po = rj_get(&r->meta, "posterior");
    fputs("Each portfolio is compared with the status quo in the same ", h);
    esc(h, meta_s(r, "runs"));
    fputs(" calibrated futures: every future is one draw from the posterior of the scenario <i>", h);
    esc(h, rj_str(sc, "name") ? rj_str(sc, "name") : "?");
    fputs("</i>", h);
    if (po && po->type == RJ_OBJECT) {
        fputs(" (calibration <i>", h);
        esc(h, rj_str(po, "name") ? rj_str(po, "name") : "?");
        fputs("</i>)", h);
    } else {
        fputs(" (no posterior: the scenario's own parameters)", h);
    }
    fputs(" with its own random numbers, simulated to the start of ", h);
    put_month(h, meta_s(r, "from"));
    fputs(" once and branched into every portfolio, so the differences are the policies', not the dice's. Seed ", h);
    esc(h, meta_s(r, "seed"));
    fputs(".", h);
    return 0;
}

/* Episodes (episodes.csv) as JSON for the shading, and the legend. */
static void episodes_json(report *r, FILE *j)
{
    const tab *t = &r->t[T_EPISODES];
    long ci = tab_col(t, "id"), cs = tab_col(t, "start"), ce = tab_col(t, "end"), ck = tab_col(t, "kind"),
         cl = tab_col(t, "lever"), cn = tab_col(t, "note");
    fputs("[", j);
    int first = 1;
    for (size_t i = 0; i < t->nrow; i++) {
        int32_t a, b, l2;
        truce_precision pr;
        const char *s = cell(t, i, cs), *e = cell(t, i, ce);
        if (cal_parse(s, strlen(s), &a, &l2, &pr) != 0) continue;
        if (!*e || cal_parse(e, strlen(e), &l2, &b, &pr) != 0) b = a;
        fprintf(j, "%s{\"id\":", first ? "" : ",");
        rj_write_string(j, cell(t, i, ci));
        fprintf(j, ",\"start\":%lld,\"end\":%lld,\"kind\":", (long long)a * 86400LL, (long long)(b + 1) * 86400LL);
        rj_write_string(j, cell(t, i, ck));
        fputs(",\"lever\":", j);
        rj_write_string(j, cell(t, i, cl));
        fputs(",\"note\":", j);
        rj_write_string(j, cell(t, i, cn));
        fputs("}", j);
        first = 0;
    }
    fputs("]", j);
}

/* Reported monthly national series: one chart per metric, a series per source. */
static int sec_evidence(report *r, FILE *h)
{
    const tab *t = &r->t[T_REPORTED];
    long cp = tab_col(t, "period"), cm = tab_col(t, "metric"), cv = tab_col(t, "value"),
         cs = tab_col(t, "source"), cg = tab_col(t, "geography");
    static const char *const metrics[] = {"attacks", "killed", "deaths_security", "deaths_civilian", "deaths_militant"};
    static const char *const colors[] = {"#1f5fa8", "#c2571a", "#2b8a3e", "#8e44ad"};
    for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
        char **src = NULL, **per = NULL;
        size_t nsrc = 0, nper = 0;
        for (size_t i = 0; i < t->nrow; i++) {
            if (strcmp(cell(t, i, cm), metrics[m]) != 0 || strcmp(cell(t, i, cg), "Pakistan") != 0) continue;
            int32_t d;
            char g;
            if (period_first(cell(t, i, cp), &d, &g) != 0 || g != 'm') continue;
            if (nsrc < 4 && add_name(&src, &nsrc, cell(t, i, cs)) != 0) return -1;
            if (add_name(&per, &nper, cell(t, i, cp)) != 0) return -1;
        }
        if (nper == 0) {
            free(src);
            free(per);
            continue;
        }
        /* periods in time order (YYYY-MM sorts as text) */
        for (size_t a = 1; a < nper; a++)
            for (size_t b = a; b > 0 && strcmp(per[b - 1], per[b]) > 0; b--) {
                char *x = per[b];
                per[b] = per[b - 1];
                per[b - 1] = x;
            }
        /* every month from the first to the last reported one, so that a month no source
         * reported is a gap, not a line drawn across it */
        int32_t d0, d1;
        char g;
        period_first(per[0], &d0, &g);
        period_first(per[nper - 1], &d1, &g);
        for (size_t i = 0; i < nper; i++) free(per[i]);
        free(per);
        int y0, m0, dd, y1, m1;
        cal_civil_from_days(d0, &y0, &m0, &dd);
        cal_civil_from_days(d1, &y1, &m1, &dd);
        size_t nmon = (size_t)((y1 - y0) * 12 + (m1 - m0) + 1);
        chart c;
        memset(&c, 0, sizeof c);
        if (chart_alloc(&c, nmon, nsrc) != 0) {
            chart_free(&c);
            return -1;
        }
        for (size_t i = 0; i < nmon; i++) {
            int k = m0 - 1 + (int)i, y = y0 + k / 12, mon = k % 12 + 1;
            c.day[i] = cal_days_from_civil(y, mon, 1);
            if (!(c.xl[i] = malloc(16))) {
                chart_free(&c);
                return -1;
            }
            snprintf(c.xl[i], 16, "%04d-%02d", y, mon);
        }
        for (size_t k = 0; k < nsrc; k++) {
            c.s[k].label = src[k];
            c.s[k].color = colors[k];
            c.s[k].kind = K_LINE;
        }
        for (size_t i = 0; i < t->nrow; i++) {
            if (strcmp(cell(t, i, cm), metrics[m]) != 0 || strcmp(cell(t, i, cg), "Pakistan") != 0) continue;
            for (size_t k = 0; k < nsrc; k++) {
                if (strcmp(cell(t, i, cs), src[k]) != 0) continue;
                for (size_t x = 0; x < c.n; x++)
                    if (strcmp(c.xl[x], cell(t, i, cp)) == 0) c.s[k].y[x] = num(t, i, cv);
            }
        }
        char title[160];
        snprintf(title, sizeof title, "Reported %s per month, Pakistan", var_words(metrics[m], 1));
        if (strcmp(metrics[m], "killed") == 0) snprintf(title, sizeof title, "Reported people killed in militant attacks per month, Pakistan");
        c.title = title;
        c.ylabel = "per month";
        c.shade = 1;
        c.note = "Sources count different things; never read one line as the other's continuation. "
                 "Shaded: the recorded episodes (talks, ceasefires and peace deals in green, operations in grey).";
        chart_emit(r, h, &c);
        chart_free(&c);
        for (size_t k = 0; k < nsrc; k++) free(src[k]);
        free(src);
    }
    return 0;
}

static void ratio_cell(FILE *h, const tab *t, size_t i)
{
    double v = num(t, i, tab_col(t, "ratio_after_before"));
    if (!isfinite(v)) {
        fputs("<td>–</td>", h);
        return;
    }
    double lo = num(t, i, tab_col(t, "ci_low")), hi = num(t, i, tab_col(t, "ci_high"));
    if (isfinite(lo) && isfinite(hi)) fprintf(h, "<td>%.2f <span class=\"ci\">[%.2f, %.2f]</span></td>", v, lo, hi);
    else fprintf(h, "<td>%.2f</td>", v);
}

static int sec_event_study(report *r, FILE *h)
{
    const tab *t = &r->t[T_EVSTUDY];
    long ce = tab_col(t, "episode"), ck = tab_col(t, "kind"), cs = tab_col(t, "start"), cn = tab_col(t, "end"),
         csrc = tab_col(t, "source"), cm = tab_col(t, "metric"), cb = tab_col(t, "rate_before"),
         cd = tab_col(t, "rate_during"), ca = tab_col(t, "rate_after"), cp = tab_col(t, "p_placebo"),
         cr = tab_col(t, "ratio_after_before");
    fputs("<div class=\"tw\"><table class=\"num\" id=\"event-study\"><caption>Observed event study: rate per 30 days "
          "before, during and after each episode, the after/before ratio with its 95 % interval and the "
          "placebo p-value (episodes with data only; event_study.csv has every row and its notes)</caption>\n"
          "<thead><tr><th>episode</th><th>kind</th><th>start</th><th>end</th><th>series</th><th>before</th>"
          "<th>during</th><th>after</th><th>after / before</th><th>placebo p</th></tr></thead><tbody>\n", h);
    size_t shown = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        if (!isfinite(num(t, i, cr))) continue;
        shown++;
        fputs("<tr><td>", h);
        esc(h, cell(t, i, ce));
        fputs("</td><td>", h);
        esc(h, cell(t, i, ck));
        fputs("</td><td>", h);
        esc(h, cell(t, i, cs));
        fputs("</td><td>", h);
        esc(h, cell(t, i, cn));
        fputs("</td><td>", h);
        esc(h, cell(t, i, csrc));
        fputs(" ", h);
        esc(h, cell(t, i, cm));
        fputs("</td>", h);
        long rc[3] = {cb, cd, ca};
        for (int k = 0; k < 3; k++) {
            fputs("<td>", h);
            put_raw(h, num(t, i, rc[k]));
            fputs("</td>", h);
        }
        ratio_cell(h, t, i);
        fputs("<td>", h);
        put_raw(h, num(t, i, cp));
        fputs("</td></tr>\n", h);
    }
    if (!shown) fputs("<tr><td colspan=\"10\">No episode has data on both sides in the reported series.</td></tr>\n", h);
    fputs("</tbody></table></div>\n", h);
    return 0;
}

static int sec_replays(report *r, FILE *h)
{
    const tab *t = &r->t[T_REPLAYS], *ev = &r->t[T_EVSTUDY];
    if (t->nrow == 0) {
        fputs("<p>No recorded ceasefire, talks or peace deal falls inside the scenario's span.</p>\n", h);
        return 0;
    }
    long ce = tab_col(t, "episode"), cl = tab_col(t, "lever"), cs = tab_col(t, "start"), cw = tab_col(t, "window_end"),
         co = tab_col(t, "outcome"), cwi = tab_col(t, "with_q50"), cwo = tab_col(t, "without_q50"),
         c5 = tab_col(t, "diff_q05"), c50 = tab_col(t, "diff_q50"), c95 = tab_col(t, "diff_q95"),
         cpl = tab_col(t, "p_lower");
    char **eps = NULL;
    size_t neps = 0;
    for (size_t i = 0; i < t->nrow; i++)
        if (add_name(&eps, &neps, cell(t, i, ce)) != 0) return -1;
    /* The summary: one line per episode, the model's answer on attacks beside the record's. */
    fputs("<div class=\"tw\"><table class=\"num\" id=\"replays-summary\"><caption>Attacks in all modelled regions "
          "over the three years from each episode's start, with it against without it (the model, paired), beside the "
          "observed after/before ratio of PICSS attacks in the 90 days around it (the record; blank: no data on both "
          "sides)</caption>\n<thead><tr><th>episode</th><th>kind</th><th>start</th><th>with (median)</th>"
          "<th>without (median)</th><th>difference [90 %]</th><th>futures where it lowered attacks</th>"
          "<th>observed after / before [95 %]</th></tr></thead><tbody>\n", h);
    for (size_t i = 0; i < t->nrow; i++) {
        if (strcmp(cell(t, i, co), "attacks:national") != 0) continue;
        fputs("<tr><td>", h);
        esc(h, cell(t, i, ce));
        fputs("</td><td>", h);
        esc(h, cell(t, i, cl));
        fputs("</td><td>", h);
        esc(h, cell(t, i, cs));
        fputs("</td><td>", h);
        put_num(h, num(t, i, cwi), 0);
        fputs("</td><td>", h);
        put_num(h, num(t, i, cwo), 0);
        fputs("</td><td>", h);
        put_num(h, num(t, i, c50), 1);
        fputs(" <span class=\"ci\">[", h);
        put_num(h, num(t, i, c5), 1);
        fputs(", ", h);
        put_num(h, num(t, i, c95), 1);
        fputs("]</span></td><td>", h);
        put_pct(h, num(t, i, cpl));
        fputs("</td>", h);
        size_t obs = SIZE_MAX;
        for (size_t k = 0; k < ev->nrow && obs == SIZE_MAX; k++)
            if (!strcmp(cell(ev, k, tab_col(ev, "episode")), cell(t, i, ce)) &&
                !strcmp(cell(ev, k, tab_col(ev, "source")), "PICSS") && !strcmp(cell(ev, k, tab_col(ev, "metric")), "attacks") &&
                isfinite(num(ev, k, tab_col(ev, "ratio_after_before"))))
                obs = k;
        if (obs == SIZE_MAX) fputs("<td></td>", h);
        else ratio_cell(h, ev, obs);
        fputs("</tr>\n", h);
    }
    fputs("</tbody></table></div>\n<details><summary>Every episode in full: all four outcomes, and every reported series "
          "around it</summary>\n", h);
    for (size_t e = 0; e < neps; e++) {
        size_t first = SIZE_MAX;
        for (size_t i = 0; i < t->nrow && first == SIZE_MAX; i++)
            if (strcmp(cell(t, i, ce), eps[e]) == 0) first = i;
        /* the episode's note from episodes.csv */
        const tab *et = &r->t[T_EPISODES];
        const char *note = "";
        for (size_t i = 0; i < et->nrow; i++)
            if (strcmp(cell(et, i, tab_col(et, "id")), eps[e]) == 0) note = cell(et, i, tab_col(et, "note"));
        fputs("<article class=\"replay\"><h3>Episode ", h);
        esc(h, eps[e]);
        fputs(": ", h);
        esc(h, cell(t, first, cl));
        fputs(" from ", h);
        esc(h, cell(t, first, cs));
        fputs("</h3>\n", h);
        if (*note) {
            fputs("<p class=\"desc\">", h);
            esc(h, note);
            fputs("</p>\n", h);
        }
        /* words, attacks */
        for (size_t i = first; i < t->nrow; i++) {
            if (strcmp(cell(t, i, ce), eps[e]) != 0 || strcmp(cell(t, i, co), "attacks:national") != 0) continue;
            fputs("<p>Over the three years from its start (to ", h);
            esc(h, cell(t, i, cw));
            fputs("), the model puts attacks in all modelled regions at a median of ", h);
            put_num(h, num(t, i, cwi), 0);
            fputs(" with it and ", h);
            put_num(h, num(t, i, cwo), 0);
            fputs(" without it: in ", h);
            put_pct(h, num(t, i, cpl));
            fputs(" of the calibrated futures the episode lowered attacks (difference ", h);
            put_num(h, num(t, i, c50), 1);
            fputs(", 90 % interval ", h);
            put_num(h, num(t, i, c5), 1);
            fputs(" to ", h);
            put_num(h, num(t, i, c95), 1);
            fputs(").</p>\n", h);
            break;
        }
        fputs("<div class=\"pair\"><div class=\"tw\"><table class=\"num replay-model\"><caption>The model: with the episode "
              "against without it (paired)</caption><thead><tr><th>outcome</th><th>with (median)</th><th>without (median)</th>"
              "<th>difference [90 %]</th><th>futures where it lowered</th></tr></thead><tbody>\n", h);
        for (size_t i = first; i < t->nrow; i++) {
            if (strcmp(cell(t, i, ce), eps[e]) != 0) continue;
            char title[256];
            outcome_title(r, cell(t, i, co), title, sizeof title);
            fputs("<tr><td>", h);
            esc(h, title);
            fputs("</td><td>", h);
            put_num(h, num(t, i, cwi), 0);
            fputs("</td><td>", h);
            put_num(h, num(t, i, cwo), 0);
            fputs("</td><td>", h);
            put_num(h, num(t, i, c50), 1);
            fputs(" <span class=\"ci\">[", h);
            put_num(h, num(t, i, c5), 1);
            fputs(", ", h);
            put_num(h, num(t, i, c95), 1);
            fputs("]</span></td><td>", h);
            put_pct(h, num(t, i, cpl));
            fputs("</td></tr>\n", h);
        }
        fputs("</tbody></table></div>\n<div class=\"tw\"><table class=\"num replay-data\"><caption>The data: observed "
              "after/before ratio [95 %] (event study)</caption><thead><tr><th>series</th><th>after / before</th>"
              "<th>placebo p</th></tr></thead><tbody>\n", h);
        size_t shown = 0;
        for (size_t i = 0; i < ev->nrow; i++) {
            if (strcmp(cell(ev, i, tab_col(ev, "episode")), eps[e]) != 0) continue;
            if (!isfinite(num(ev, i, tab_col(ev, "ratio_after_before")))) continue;
            shown++;
            fputs("<tr><td>", h);
            esc(h, cell(ev, i, tab_col(ev, "source")));
            fputs(" ", h);
            esc(h, cell(ev, i, tab_col(ev, "metric")));
            fputs("</td>", h);
            ratio_cell(h, ev, i);
            fputs("<td>", h);
            put_raw(h, num(ev, i, tab_col(ev, "p_placebo")));
            fputs("</td></tr>\n", h);
        }
        if (!shown)
            fputs("<tr><td colspan=\"3\">No reported series covers both sides of this episode: the data cannot "
                  "answer.</td></tr>\n", h);
        fputs("</tbody></table></div></div>\n</article>\n", h);
    }
    fputs("</details>\n", h);
    for (size_t e = 0; e < neps; e++) free(eps[e]);
    free(eps);
    return 0;
}

/* One ppc chart: the rows of series `ser` whose periods have length `gran`. */
static int ppc_chart(report *r, FILE *h, const char *ser, char gran)
{
    const tab *t = &r->t[T_PPC];
    long cser = tab_col(t, "series"), cper = tab_col(t, "period"), cob = tab_col(t, "observed");
    long cq[5] = {tab_col(t, "q05"), tab_col(t, "q25"), tab_col(t, "q50"), tab_col(t, "q75"), tab_col(t, "q95")};
    size_t n = 0;
    int32_t d;
    char g;
    for (size_t i = 0; i < t->nrow; i++)
        if (!strcmp(cell(t, i, cser), ser) && period_first(cell(t, i, cper), &d, &g) == 0 && g == gran) n++;
    chart c;
    memset(&c, 0, sizeof c);
    if (chart_alloc(&c, n, 6) != 0) {
        chart_free(&c);
        return -1;
    }
    static const char *const labels[] = {"5 %", "25 %", "median", "75 %", "95 %", "reported"};
    for (size_t k = 0; k < 6; k++) {
        c.s[k].label = labels[k];
        c.s[k].color = k == 5 ? "#111" : "#1f5fa8";
        c.s[k].kind = k == 5 ? K_POINTS : k == 2 ? K_MID : K_EDGE;
    }
    size_t x = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        if (strcmp(cell(t, i, cser), ser) || period_first(cell(t, i, cper), &d, &g) != 0 || g != gran) continue;
        c.day[x] = d;
        if (!(c.xl[x] = malloc(strlen(cell(t, i, cper)) + 1))) {
            chart_free(&c);
            return -1;
        }
        strcpy(c.xl[x], cell(t, i, cper));
        for (size_t k = 0; k < 5; k++) c.s[k].y[x] = num(t, i, cq[k]);
        c.s[5].y[x] = num(t, i, cob);
        x++;
    }
    c.nband = 2;
    c.band[0][0] = 5; c.band[0][1] = 1; c.band_fill[0] = "rgba(31,95,168,0.15)";
    c.band[1][0] = 4; c.band[1][1] = 2; c.band_fill[1] = "rgba(31,95,168,0.3)";
    char title[300];
    snprintf(title, sizeof title, "%s, per %s", ser,
             gran == 'y' ? "year" : gran == 'q' ? "quarter" : gran == 'm' ? "month" : "day");
    c.title = title;
    c.ylabel = "count";
    chart_emit(r, h, &c);
    chart_free(&c);
    return 0;
}

/* ppc bands against each reported series: one chart per series and period length. */
static int sec_fit_charts(report *r, FILE *h)
{
    const tab *t = &r->t[T_PPC];
    if (!t->present) {
        fputs("<p>The posterior is not the scenario's calibration (no <code>fit/</code> folder): no "
              "posterior predictive check to show.</p>\n", h);
        return 0;
    }
    long cser = tab_col(t, "series"), cper = tab_col(t, "period");
    char **keys = NULL;
    size_t nkeys = 0;
    int rc = 0;
    for (size_t i = 0; i < t->nrow && rc == 0; i++) {
        int32_t d;
        char g, key[600];
        if (period_first(cell(t, i, cper), &d, &g) != 0) continue;
        snprintf(key, sizeof key, "%c%s", g, cell(t, i, cser));
        rc = add_name(&keys, &nkeys, key);
    }
    fputs("<p class=\"note\">Each chart: one reported series (source:metric:geography) at one period length. "
          "Blue: the model's median and its 50 % and 90 % posterior predictive bands over the reported periods; "
          "black dots: what the source reported.</p>\n<div class=\"grid\">\n", h);
    for (size_t k = 0; k < nkeys && rc == 0; k++) rc = ppc_chart(r, h, keys[k] + 1, keys[k][0]);
    fputs("</div>\n", h);
    for (size_t k = 0; k < nkeys; k++) free(keys[k]);
    free(keys);
    return rc;
}

static int sec_fit_tables(report *r, FILE *h)
{
    const tab *s = &r->t[T_PPCSUM];
    if (s->present) {
        long cs = tab_col(s, "series"), cn = tab_col(s, "periods"), c5 = tab_col(s, "share50"), c9 = tab_col(s, "share90");
        double in50 = 0, in90 = 0, tot = 0;
        size_t ok = 0;
        for (size_t i = 0; i < s->nrow; i++) {
            double n = num(s, i, cn);
            tot += n;
            in50 += n * num(s, i, c5);
            in90 += n * num(s, i, c9);
            if (num(s, i, c9) >= 0.8 && num(s, i, c5) >= 0.35 && num(s, i, c5) <= 0.65) ok++;
        }
        fprintf(h, "<p>Of the %.0f reported periods, %.0f %% lie inside the posterior predictive 90 %% band "
                   "(goal: at least 80 %%) and %.0f %% inside the 50 %% band (goal: 35–65 %%); %zu of %zu series "
                   "meet both goals on their own.</p>\n",
                tot, tot > 0 ? 100 * in90 / tot : 0, tot > 0 ? 100 * in50 / tot : 0, ok, s->nrow);
        fputs("<details><summary>Coverage per series</summary><div class=\"tw\"><table class=\"num\" id=\"ppc-summary\">"
              "<thead><tr><th>series</th><th>periods</th><th>in 50 % band</th><th>in 90 % band</th></tr></thead><tbody>\n", h);
        for (size_t i = 0; i < s->nrow; i++) {
            fputs("<tr><td>", h);
            esc(h, cell(s, i, cs));
            fputs("</td><td>", h);
            esc(h, cell(s, i, cn));
            fputs("</td><td>", h);
            put_pct(h, num(s, i, c5));
            fputs("</td><td>", h);
            put_pct(h, num(s, i, c9));
            fputs("</td></tr>\n", h);
        }
        fputs("</tbody></table></div></details>\n", h);
    }
    return 0;
}

static int sec_scores(report *r, FILE *h)
{
    const tab *f = &r->t[T_FORECAST];
    if (f->present) {
        long cs = tab_col(f, "series"), cm = tab_col(f, "method"), cc = tab_col(f, "crps"), cn = tab_col(f, "n");
        char **ser = NULL, **meth = NULL;
        size_t nser = 0, nmeth = 0;
        for (size_t i = 0; i < f->nrow; i++)
            if (add_name(&ser, &nser, cell(f, i, cs)) != 0 || add_name(&meth, &nmeth, cell(f, i, cm)) != 0) return -1;
        size_t better = 0;
        fputs("<div class=\"tw\"><table class=\"num\" id=\"forecast\"><caption>Time split: mean CRPS of the "
              "forecasts after the cutoff (lower is better), the model against the baselines</caption><thead><tr><th>series</th>", h);
        for (size_t m = 0; m < nmeth; m++) {
            fputs("<th>", h);
            esc(h, meth[m]);
            fputs("</th>", h);
        }
        fputs("<th>model vs best baseline</th><th>periods</th></tr></thead><tbody>\n", h);
        for (size_t k = 0; k < nser; k++) {
            double model = NAN, best = NAN;
            const char *n = "";
            fputs("<tr><td>", h);
            esc(h, ser[k]);
            fputs("</td>", h);
            for (size_t m = 0; m < nmeth; m++) {
                double v = NAN;
                for (size_t i = 0; i < f->nrow; i++)
                    if (strcmp(cell(f, i, cs), ser[k]) == 0 && strcmp(cell(f, i, cm), meth[m]) == 0) {
                        v = num(f, i, cc);
                        n = cell(f, i, cn);
                    }
                if (strcmp(meth[m], "model") == 0) model = v;
                else if (strncmp(meth[m], "model", 5) != 0 && isfinite(v) && (!isfinite(best) || v < best)) best = v;
                fputs("<td>", h);
                put_raw(h, v);
                fputs("</td>", h);
            }
            double gain = isfinite(model) && isfinite(best) && best > 0 ? (best - model) / best : NAN;
            if (isfinite(gain) && gain >= 0.2) better++;
            if (isfinite(gain)) fprintf(h, "<td>%+.0f %%</td>", 100 * gain);
            else fputs("<td>–</td>", h);
            fputs("<td>", h);
            esc(h, n);
            fputs("</td></tr>\n", h);
        }
        fputs("</tbody></table></div>\n", h);
        fprintf(h, "<p>The model's CRPS is at least 20 %% below the best baseline's on %zu of %zu series "
                   "(positive: the model is better).</p>\n", better, nser);
        for (size_t k = 0; k < nser; k++) free(ser[k]);
        for (size_t m = 0; m < nmeth; m++) free(meth[m]);
        free(ser);
        free(meth);
    } else {
        fputs("<p>No forecast scores beside the posterior (<code>fit/forecast_scores.csv</code>).</p>\n", h);
    }
    const tab *s = &r->t[T_SBC];
    if (s->present) {
        fputs("<div class=\"tw\"><table class=\"num\" id=\"sbc\"><caption>Simulation-based calibration of the fit "
              "(fit/sbc.csv)</caption>", h);
        whole_table(h, s);
        fputs("</table></div>\n", h);
    } else {
        fputs("<p>Simulation-based calibration (SBC) of the fitting procedure is not part of this folder: "
              "it takes about 20 minutes (<code>truce validate sbc</code>, <code>make check-slow</code>). "
              "Its result is in <code>docs/validate.md</code>: ranks uniform and 50 %/90 % coverage within "
              "±10 % for <code>obs_rate_pips</code>, <code>attack_rate</code> and <code>obs_dispersion_pips</code> "
              "on the scenario shortened to 2002–2010.</p>\n", h);
    }
    return 0;
}

/* Fan chart (attacks nationally) and difference chart per portfolio. */
static int sec_projections(report *r, FILE *h)
{
    const tab *b = &r->t[T_BANDS], *d = &r->t[T_DIFF];
    long bp = tab_col(b, "portfolio"), bs = tab_col(b, "period_start"), bper = tab_col(b, "period"),
         bg = tab_col(b, "geography"), bv = tab_col(b, "variable");
    long bq[5] = {tab_col(b, "q05"), tab_col(b, "q25"), tab_col(b, "q50"), tab_col(b, "q75"), tab_col(b, "q95")};
    long dp = tab_col(d, "portfolio"), ds = tab_col(d, "period_start"), dper = tab_col(d, "period"),
         dg = tab_col(d, "geography"), dv = tab_col(d, "variable");
    long dq[5] = {tab_col(d, "q05"), tab_col(d, "q25"), tab_col(d, "q50"), tab_col(d, "q75"), tab_col(d, "q95")};
    int32_t from_day = INT32_MIN, t0, t1;
    truce_precision pr;
    const char *from = meta_s(r, "from");
    if (cal_parse(from, strlen(from), &t0, &t1, &pr) == 0) from_day = t0;
    /* The status quo is shown from three years before `from` (its history is everyone's). */
    int32_t show = from_day == INT32_MIN ? INT32_MIN : from_day - 3 * 365;
    static const char *const labels[] = {"status quo 5 %", "status quo 25 %", "status quo median", "status quo 75 %",
                                         "status quo 95 %", "5 %", "25 %", "median", "75 %", "95 %"};
    for (size_t p = 1; p < r->nport; p++) {
        /* x: the status quo's periods from `show`, and the portfolio's */
        size_t n = 0;
        for (size_t i = 0; i < b->nrow; i++) {
            int32_t day;
            char g;
            if (strcmp(cell(b, i, bg), "national") || strcmp(cell(b, i, bv), "attacks") || strcmp(cell(b, i, bp), r->sq)) continue;
            if (period_first(cell(b, i, bs), &day, &g) == 0 && day >= show) n++;
        }
        chart c;
        memset(&c, 0, sizeof c);
        if (chart_alloc(&c, n, 10) != 0) return -1;
        size_t x = 0;
        for (size_t i = 0; i < b->nrow; i++) {
            int32_t day;
            char g;
            if (strcmp(cell(b, i, bg), "national") || strcmp(cell(b, i, bv), "attacks") || strcmp(cell(b, i, bp), r->sq)) continue;
            if (period_first(cell(b, i, bs), &day, &g) != 0 || day < show) continue;
            c.day[x] = day;
            c.xl[x] = malloc(strlen(cell(b, i, bper)) + 1);
            if (!c.xl[x]) {
                chart_free(&c);
                return -1;
            }
            strcpy(c.xl[x], cell(b, i, bper));
            for (size_t k = 0; k < 5; k++) c.s[k].y[x] = num(b, i, bq[k]);
            x++;
        }
        c.n = x;
        for (size_t i = 0; i < b->nrow; i++) {
            if (strcmp(cell(b, i, bg), "national") || strcmp(cell(b, i, bv), "attacks") || strcmp(cell(b, i, bp), r->port[p])) continue;
            for (size_t k = 0; k < c.n; k++)
                if (strcmp(c.xl[k], cell(b, i, bper)) == 0)
                    for (size_t q = 0; q < 5; q++) c.s[5 + q].y[k] = num(b, i, bq[q]);
        }
        for (size_t k = 0; k < 10; k++) {
            c.s[k].label = labels[k];
            c.s[k].color = k < 5 ? "#777" : "#c2571a";
            c.s[k].kind = (k % 5 == 2) ? K_MID : K_EDGE;
        }
        c.nband = 3;
        c.band[0][0] = 5; c.band[0][1] = 1; c.band_fill[0] = "rgba(120,120,120,0.18)";
        c.band[1][0] = 10; c.band[1][1] = 6; c.band_fill[1] = "rgba(194,87,26,0.15)";
        c.band[2][0] = 9; c.band[2][1] = 7; c.band_fill[2] = "rgba(194,87,26,0.3)";
        char title[300];
        snprintf(title, sizeof title, "%s against the status quo: attacks per month, all modelled regions (50 %% and 90 %% bands)", r->port[p]);
        c.title = title;
        c.ylabel = "attacks per month";
        c.shade = 0;
        fputs("<div class=\"pair\">\n", h);
        chart_emit(r, h, &c);
        chart_free(&c);

        size_t m = 0;
        for (size_t i = 0; i < d->nrow; i++)
            if (!strcmp(cell(d, i, dg), "national") && !strcmp(cell(d, i, dv), "attacks") && !strcmp(cell(d, i, dp), r->port[p])) m++;
        chart e;
        memset(&e, 0, sizeof e);
        if (chart_alloc(&e, m, 5) != 0) return -1;
        x = 0;
        for (size_t i = 0; i < d->nrow; i++) {
            char g;
            if (strcmp(cell(d, i, dg), "national") || strcmp(cell(d, i, dv), "attacks") || strcmp(cell(d, i, dp), r->port[p])) continue;
            if (period_first(cell(d, i, ds), &e.day[x], &g) != 0) e.day[x] = 0;
            e.xl[x] = malloc(strlen(cell(d, i, dper)) + 1);
            if (!e.xl[x]) {
                chart_free(&e);
                return -1;
            }
            strcpy(e.xl[x], cell(d, i, dper));
            for (size_t q = 0; q < 5; q++) e.s[q].y[x] = num(d, i, dq[q]);
            x++;
        }
        static const char *const dl[] = {"difference 5 %", "difference 25 %", "difference median", "difference 75 %", "difference 95 %"};
        for (size_t k = 0; k < 5; k++) {
            e.s[k].label = dl[k];
            e.s[k].color = "#1f5fa8";
            e.s[k].kind = k == 2 ? K_MID : K_EDGE;
        }
        e.nband = 2;
        e.band[0][0] = 5; e.band[0][1] = 1; e.band_fill[0] = "rgba(31,95,168,0.15)";
        e.band[1][0] = 4; e.band[1][1] = 2; e.band_fill[1] = "rgba(31,95,168,0.3)";
        snprintf(title, sizeof title, "%s minus the status quo, paired: attacks per month, all modelled regions (below zero: fewer)", r->port[p]);
        e.title = title;
        e.ylabel = "difference";
        chart_emit(r, h, &e);
        chart_free(&e);
        fputs("</div>\n", h);
    }
    return 0;
}

static int sec_drivers(report *r, FILE *h)
{
    const tab *t = &r->t[T_DRIVERS];
    if (t->nrow == 0) {
        fputs("<p>No drivers were computed (no posterior, or no portfolio other than the status quo).</p>\n", h);
        return 0;
    }
    long cp = tab_col(t, "portfolio"), co = tab_col(t, "outcome"), cpar = tab_col(t, "parameter"),
         ci = tab_col(t, "index"), cl = tab_col(t, "ci_low"), ch = tab_col(t, "ci_high");
    size_t i = 0;
    while (i < t->nrow) {
        size_t j = i;
        while (j < t->nrow && !strcmp(cell(t, j, cp), cell(t, i, cp)) && !strcmp(cell(t, j, co), cell(t, i, co))) j++;
        char title[256];
        outcome_title(r, cell(t, i, co), title, sizeof title);
        fputs("<div class=\"tw\"><table class=\"num drivers\"><caption><b>", h);
        esc(h, cell(t, i, cp));
        fputs("</b>, difference in ", h);
        esc(h, title);
        fputs(": the share of its variance each estimated parameter explains alone (first-order index, "
              "90 % bootstrap interval)</caption><thead><tr><th>parameter</th><th>index</th><th>90 % interval</th>"
              "<th></th></tr></thead><tbody>\n", h);
        for (size_t k = i; k < j; k++) {
            double v = num(t, k, ci);
            fputs("<tr><td><code>", h);
            esc(h, cell(t, k, cpar));
            fputs("</code></td><td>", h);
            double lo = num(t, k, cl), hi = num(t, k, ch);
            if (isfinite(v)) fprintf(h, "%.2f", v);
            else fputs("–", h);
            if (isfinite(lo) && isfinite(hi)) fprintf(h, "</td><td>[%.2f, %.2f]", lo, hi);
            else fputs("</td><td>–", h);
            fprintf(h, "</td><td><span class=\"bar\" style=\"width:%.0fpx\"></span></td></tr>\n",
                    isfinite(v) ? fmax(0, fmin(1, v)) * 120 : 0);
        }
        fputs("</tbody></table></div>\n", h);
        i = j;
    }
    return 0;
}

static void name_list(FILE *h, const rj_value *a)
{
    if (!a || a->type != RJ_ARRAY || a->n == 0) {
        fputs("none", h);
        return;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (a->items[i].type != RJ_STRING) continue;
        fputs(i ? ", <code>" : "<code>", h);
        esc(h, a->items[i].text);
        fputs("</code>", h);
    }
}

static int sec_uninformed(report *r, FILE *h)
{
    const rj_value *po = rj_get(&r->meta, "posterior");
    fputs("<p>The calibration estimated ", h);
    const rj_value *est = rj_get(po, "estimated");
    fprintf(h, "%zu parameter(s): ", est && est->type == RJ_ARRAY ? est->n : (size_t)0);
    name_list(h, est);
    fputs(". Every other parameter keeps its prior value (an assumption with a source, "
          "<code>docs/parameters.md</code>). Of the estimated ones, the data did not inform: ", h);
    name_list(h, rj_get(&r->meta, "uninformed"));
    fputs(" (contraction below 0.1: the posterior is as wide as the prior). Conclusions that hang on "
          "these are the prior's, not the data's.</p>\n", h);
    return 0;
}

static int sec_provenance(report *r, FILE *h)
{
    const rj_value *sc = rj_get(&r->meta, "scenario"), *po = rj_get(&r->meta, "posterior");
    fputs("<div class=\"tw\"><table id=\"provenance\"><tbody>\n<tr><th>command</th><td><code>", h);
    esc(h, meta_s(r, "command"));
    fputs("</code></td></tr>\n<tr><th>truce version</th><td>", h);
    esc(h, meta_s(r, "truce_version"));
    fputs("</td></tr>\n<tr><th>scenario</th><td>", h);
    esc(h, rj_str(sc, "name") ? rj_str(sc, "name") : "");
    fputs(" <code>", h);
    esc(h, rj_str(sc, "hash") ? rj_str(sc, "hash") : "");
    fputs("</code></td></tr>\n<tr><th>posterior</th><td>", h);
    if (po && po->type == RJ_OBJECT) {
        esc(h, rj_str(po, "name") ? rj_str(po, "name") : "");
        fputs(" <code>", h);
        esc(h, rj_str(po, "hash") ? rj_str(po, "hash") : "");
        fputs("</code>, ", h);
        esc(h, rj_str(po, "particles") ? rj_str(po, "particles") : "?");
        fputs(" particles", h);
    } else {
        fputs("none (the scenario's own parameters)", h);
    }
    fputs("</td></tr>\n<tr><th>runs, seed</th><td>", h);
    esc(h, meta_s(r, "runs"));
    fputs(", ", h);
    esc(h, meta_s(r, "seed"));
    fputs("</td></tr>\n", h);
    const rj_value *in = rj_get(&r->meta, "inputs");
    for (size_t i = 0; in && in->type == RJ_ARRAY && i < in->n; i++) {
        fputs("<tr><th>input</th><td>", h);
        esc(h, rj_str(&in->items[i], "name") ? rj_str(&in->items[i], "name") : "");
        fputs(" <code>", h);
        esc(h, rj_str(&in->items[i], "hash") ? rj_str(&in->items[i], "hash") : "");
        fputs("</code></td></tr>\n", h);
    }
    fputs("</tbody></table></div>\n<div class=\"tw\"><table id=\"portfolios\"><caption>The portfolios</caption>"
          "<thead><tr><th>name</th><th>what it does</th><th>levers</th><th>file</th><th>hash</th></tr></thead><tbody>\n", h);
    const rj_value *ps = rj_get(&r->meta, "portfolios");
    for (size_t i = 0; ps && ps->type == RJ_ARRAY && i < ps->n; i++) {
        const rj_value *p = &ps->items[i];
        static const char *const keys[] = {"name", "description", "levers", "file", "hash"};
        fputs("<tr>", h);
        for (size_t k = 0; k < 5; k++) {
            const rj_value *v = rj_get(p, keys[k]);
            fputs(k == 3 || k == 4 ? "<td><code>" : "<td>", h);
            if (v && (v->type == RJ_STRING || v->type == RJ_NUMBER)) esc(h, v->text);
            else if (v && v->type == RJ_ARRAY) fprintf(h, "%zu", v->n);
            fputs(k == 3 || k == 4 ? "</code></td>" : "</td>", h);
        }
        fputs("</tr>\n", h);
    }
    fputs("</tbody></table></div>\n", h);
    return 0;
}

/* ---- the template -------------------------------------------------------------------- */

static const truce_memfile *embedded_file(const char *name, truce_error *err)
{
    const truce_memfile *f = embedded_lookup(name);
    if (!f) truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "%s is not compiled into the library", name);
    return f;
}

/* An inlined script must not close its element early. */
static int put_script(FILE *h, const char *name, truce_error *err)
{
    const truce_memfile *f = embedded_file(name, err);
    if (!f) return -1;
    for (size_t i = 0; i + 8 < f->len; i++)
        if (f->data[i] == '<' && f->data[i + 1] == '/' && strncmp(f->data + i + 2, "script", 6) == 0) {
            truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "holds '</script': cannot be inlined");
            return -1;
        }
    fwrite(f->data, 1, f->len, h);
    return 0;
}

static int put_data(report *r, FILE *h)
{
    fflush(r->charts);
    fputs("{\"charts\":[", h);
    fwrite(r->charts_buf, 1, r->charts_len, h);
    fputs("],\"episodes\":", h);
    episodes_json(r, h);
    fputs(",\"assessment\":", h);
    rj_write(h, &r->meta);
    fputs("}", h);
    return 0;
}

static int render_marker(report *r, FILE *h, const char *name, size_t len, truce_error *err)
{
    static const struct {
        const char *name;
        int (*fn)(report *, FILE *);
    } secs[] = {
        {"QUESTION", sec_question}, {"BASIS", sec_basis}, {"ANSWER", sec_answer}, {"PROVINCES", sec_provinces},
        {"RANKING", sec_ranking}, {"FULL_TABLE", sec_full_table}, {"EVIDENCE", sec_evidence},
        {"EVENT_STUDY", sec_event_study}, {"REPLAYS", sec_replays}, {"FIT_CHARTS", sec_fit_charts},
        {"FIT_TABLES", sec_fit_tables}, {"SCORES", sec_scores}, {"PROJECTIONS", sec_projections},
        {"DRIVERS", sec_drivers}, {"UNINFORMED", sec_uninformed}, {"PROVENANCE", sec_provenance},
        {"DATA", put_data},
    };
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(len < 63 ? len : 63), name);
    if (strcmp(key, "UPLOT_CSS") == 0 || strcmp(key, "REPORT_CSS") == 0) {
        const truce_memfile *f = embedded_file(key[0] == 'U' ? "../web/uPlot.min.css" : "../web/report.css", err);
        if (!f) return -1;
        fwrite(f->data, 1, f->len, h);
        return 0;
    }
    if (strcmp(key, "UPLOT_JS") == 0) return put_script(h, "../web/uPlot.iife.min.js", err);
    if (strcmp(key, "REPORT_JS") == 0) return put_script(h, "../web/report.js", err);
    if (strcmp(key, "TITLE") == 0) {
        const char *n = rj_str(rj_get(&r->meta, "scenario"), "name");
        fputs("truce assessment", h);
        if (n) {
            fputs(": ", h);
            esc(h, n);
        }
        return 0;
    }
    for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++)
        if (strcmp(key, secs[i].name) == 0) {
            if (secs[i].fn(r, h) != 0) {
                truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory rendering %s", key);
                return -1;
            }
            return 0;
        }
    truce_error_set(err, TRUCE_ERUNTIME, "web/report.html", 0, key, "unknown marker in the template");
    return -1;
}

/* ---- loading ------------------------------------------------------------------------- */

static int load_all(report *r, truce_error *err)
{
    static const char *const n_assess[] = {"portfolio", "outcome", "status_quo#", "value#", "diff_q05#", "diff_q50#",
                                           "diff_q95#", "p_better?", NULL};
    static const char *const n_rank[] = {"outcome", "portfolio", "p_first#", "rank_q50#", "rank_mean#", NULL};
    static const char *const n_bands[] = {"portfolio", "period", "period_start", "geography", "variable",
                                          "q05#", "q25#", "q50#", "q75#", "q95#", NULL};
    static const char *const n_replays[] = {"episode", "lever", "start", "window_end", "outcome", "with_q50#",
                                            "without_q50#", "diff_q05#", "diff_q50#", "diff_q95#", "p_lower#", NULL};
    static const char *const n_drivers[] = {"portfolio", "outcome", "parameter", "index?", "ci_low?", "ci_high?", NULL};
    static const char *const n_ev[] = {"episode", "kind", "start", "end", "source", "metric", "rate_before?",
                                       "rate_during?", "rate_after?", "ratio_after_before?", "ci_low?", "ci_high?",
                                       "p_placebo?", NULL};
    static const char *const n_rep[] = {"period", "metric", "value?", "source", "geography", NULL};
    static const char *const n_eps[] = {"id", "start", "end", "kind", "lever", "note", NULL};
    static const char *const n_ppc[] = {"series", "period", "observed?", "q05?", "q25?", "q50?", "q75?", "q95?", NULL};
    static const char *const n_ppcsum[] = {"series", "periods#", "share50?", "share90?", NULL};
    static const char *const n_fc[] = {"series", "method", "crps?", "n", NULL};
    static const char *const n_none[] = {NULL};
    static const struct {
        const char *name;
        const char *const *need;
        int exact, optional;
    } files[T_COUNT] = {
        {"assessment.csv", n_assess, 1, 0},     {"ranking.csv", n_rank, 0, 0},
        {"bands.csv", n_bands, 0, 0},           {"diff_bands.csv", n_bands, 0, 0},
        {"replays.csv", n_replays, 0, 0},       {"drivers.csv", n_drivers, 0, 0},
        {"event_study.csv", n_ev, 0, 0},        {"reported.csv", n_rep, 0, 0},
        {"episodes.csv", n_eps, 0, 0},          {"fit/ppc.csv", n_ppc, 0, 1},
        {"fit/ppc_summary.csv", n_ppcsum, 0, 1}, {"fit/forecast_scores.csv", n_fc, 0, 1},
        {"fit/sbc.csv", n_none, 0, 1},
    };
    for (int i = 0; i < T_COUNT; i++)
        if (tab_load(&r->t[i], r->dir, files[i].name, files[i].need, files[i].exact, files[i].optional, err) != 0)
            return -1;
    /* assessment.json */
    r->meta_path = join_path(r->dir, "assessment.json");
    if (!r->meta_path) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    const char *why = NULL;
    FILE *f = csv_fopen_regular(r->meta_path, &why);
    if (!f) {
        truce_error_set(err, TRUCE_EINPUT, r->meta_path, 0, NULL, "%s", why ? why : "cannot open");
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    int rd = ferror(f);
    fclose(f);
    if (!buf || rd) {
        free(buf);
        truce_error_set(err, TRUCE_ERUNTIME, r->meta_path, 0, NULL, "%s", buf ? "read error" : "out of memory");
        return -1;
    }
    int rc = rj_parse(r->meta_path, buf, len, &r->meta, err);
    free(buf);
    if (rc != 0) return -1;
    if (r->meta.type != RJ_OBJECT) {
        truce_error_set(err, TRUCE_EINPUT, r->meta_path, 1, NULL, "not a JSON object");
        return -1;
    }
    static const char *const keys[] = {"from", "to", "runs", "seed", "status_quo"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!rj_str(&r->meta, keys[k])) {
            truce_error_set(err, TRUCE_EINPUT, r->meta_path, 1, keys[k], "missing (a string or a number is needed)");
            return -1;
        }
    r->sq = rj_str(&r->meta, "status_quo");
    if (add_name(&r->port, &r->nport, r->sq) != 0) goto oom;
    const tab *a = &r->t[T_ASSESS];
    if (a->nrow == 0) {
        truce_error_set(err, TRUCE_EINPUT, a->path, 2, NULL, "no rows: nothing to report");
        return -1;
    }
    for (size_t i = 0; i < a->nrow; i++) {
        if (strcmp(cell(a, i, 0), r->sq) == 0) {
            truce_error_set(err, TRUCE_EINPUT, a->path, a->line[i], "portfolio",
                            "the status quo '%s' compared with itself", r->sq);
            return -1;
        }
        if (add_name(&r->port, &r->nport, cell(a, i, 0)) != 0 || add_name(&r->outc, &r->noutc, cell(a, i, 1)) != 0)
            goto oom;
    }
    return 0;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    return -1;
}

static void report_free(report *r)
{
    for (int i = 0; i < T_COUNT; i++) tab_free(&r->t[i]);
    rj_free(&r->meta);
    free(r->meta_path);
    if (r->charts) fclose(r->charts);
    free(r->charts_buf);
    for (size_t i = 0; i < r->nport; i++) free(r->port[i]);
    free(r->port);
    for (size_t i = 0; i < r->noutc; i++) free(r->outc[i]);
    free(r->outc);
}

int truce_report_render(const char *dir, truce_error *err)
{
    truce_error_clear(err);
    if (!dir || !*dir) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "no assessment folder given");
        return -1;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        truce_error_set(err, TRUCE_EINPUT, dir, 0, NULL, "not an assessment folder (%s)",
                        stat(dir, &st) != 0 ? "no such folder" : "not a folder");
        return -1;
    }
    report r;
    memset(&r, 0, sizeof r);
    r.dir = dir;
    int rc = -1;
    char *path = NULL;
    if (load_all(&r, err) != 0) goto done;
    r.charts = open_memstream(&r.charts_buf, &r.charts_len);
    path = join_path(dir, "report.html");
    if (!r.charts || !path) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    const truce_memfile *tpl = embedded_file("../web/report.html", err);
    if (!tpl) goto done;
    out_file o;
    if (out_file_open(&o, path, err) != 0) goto done;
    const char *p = tpl->data, *end = tpl->data + tpl->len;
    while (p < end) {
        const char *m = NULL;
        for (const char *q = p; q + 5 <= end; q++)
            if (q[0] == '<' && q[1] == '!' && q[2] == '-' && q[3] == '-' && q[4] == '@') {
                m = q;
                break;
            }
        if (!m) {
            fwrite(p, 1, (size_t)(end - p), o.fp);
            break;
        }
        fwrite(p, 1, (size_t)(m - p), o.fp);
        const char *name = m + 5, *close = name;
        while (close + 3 <= end && strncmp(close, "-->", 3) != 0) close++;
        if (close + 3 > end) {
            truce_error_set(err, TRUCE_ERUNTIME, "web/report.html", 0, NULL, "unterminated marker");
            out_file_abort(&o);
            goto done;
        }
        if (render_marker(&r, o.fp, name, (size_t)(close - name), err) != 0) {
            out_file_abort(&o);
            goto done;
        }
        p = close + 3;
    }
    if (out_file_commit(&o, err) != 0) goto done;
    rc = 0;
done:
    free(path);
    report_free(&r);
    return rc;
}

/* ---- the headline table for a terminal ------------------------------------------------ */

/* A number for the terminal: as fmt_num, with an ASCII minus. */
static void fmt_ascii(char *out, size_t cap, double v, int sign)
{
    char b[80];
    fmt_num(b, sizeof b, v, sign);
    const char *p = b;
    size_t n = 0;
    if (strncmp(p, "\xE2\x88\x92", 3) == 0) {
        if (n + 1 < cap) out[n++] = '-';
        p += 3;
    } else if (strncmp(p, "\xC2\xB1", 2) == 0) {
        p += 2;
    }
    size_t l = strlen(p);
    if (l > cap - n - 1) l = cap - n - 1;
    memcpy(out + n, p, l);
    out[n + l] = '\0';
}

int truce_report_headline(const char *dir, truce_write_fn out, void *ctx, truce_error *err)
{
    truce_error_clear(err);
    report r;
    memset(&r, 0, sizeof r);
    r.dir = dir ? dir : "";
    int rc = -1;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    static const char *const need[] = {"portfolio", "outcome", "status_quo#", "value#", "diff_q05#", "diff_q50#",
                                       "diff_q95#", "p_better?", NULL};
    if (tab_load(&r.t[T_ASSESS], r.dir, "assessment.csv", need, 1, 0, err) != 0) goto done;
    const tab *t = &r.t[T_ASSESS];
    const char *sq = NULL;
    /* the status quo's name and the horizon from assessment.json, when it reads */
    char *jpath = join_path(r.dir, "assessment.json");
    const char *why = NULL;
    FILE *jf = jpath ? csv_fopen_regular(jpath, &why) : NULL;
    if (jf) {
        char *text = NULL;
        size_t tl = 0;
        FILE *m = open_memstream(&text, &tl);
        char chunk[65536];
        size_t got;
        while (m && (got = fread(chunk, 1, sizeof chunk, jf)) > 0) fwrite(chunk, 1, got, m);
        if (m) fclose(m);
        fclose(jf);
        truce_error jerr;
        if (text && rj_parse(jpath, text, tl, &r.meta, &jerr) == 0) sq = rj_str(&r.meta, "status_quo");
        free(text);
    }
    free(jpath);
    for (size_t i = 0; i < t->nrow; i++)
        if (add_name(&r.port, &r.nport, cell(t, i, 0)) != 0 || add_name(&r.outc, &r.noutc, cell(t, i, 1)) != 0) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
            goto done;
        }
    f = open_memstream(&buf, &len);
    if (!f) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    fprintf(f, "Difference from the status quo%s%s%s, all modelled regions", sq ? " (" : "", sq ? sq : "", sq ? ")" : "");
    if (rj_str(&r.meta, "from") && rj_str(&r.meta, "to"))
        fprintf(f, ", %s to %s", rj_str(&r.meta, "from"), rj_str(&r.meta, "to"));
    fputs(": median [90 % interval] and the share of futures\nin which the portfolio is lower "
          "(p_better; '-' for militant deaths)\n\n", f);
    int wname = 14;
    for (size_t p = 0; p < r.nport; p++)
        if ((int)strlen(r.port[p]) > wname) wname = (int)strlen(r.port[p]);
    if (sq && (int)strlen(sq) + 9 > wname) wname = (int)strlen(sq) + 9;
    enum { W = 26 };
    fprintf(f, "%-*s", wname, "portfolio");
    for (size_t k = 0; k < r.noutc; k++) {
        char var[64], geo[64];
        split_outcome(r.outc[k], var, sizeof var, geo, sizeof geo);
        if (strcmp(geo, "national") == 0) fprintf(f, "  %-*s", W, var);
    }
    fputc('\n', f);
    if (sq) {
        char name[256];
        snprintf(name, sizeof name, "%s (median)", sq);
        fprintf(f, "%-*s", wname, name);
        for (size_t k = 0; k < r.noutc; k++) {
            char var[64], geo[64], v[64];
            split_outcome(r.outc[k], var, sizeof var, geo, sizeof geo);
            if (strcmp(geo, "national") != 0) continue;
            size_t row = SIZE_MAX;
            for (size_t i = 0; i < t->nrow && row == SIZE_MAX; i++)
                if (strcmp(cell(t, i, 1), r.outc[k]) == 0) row = i;
            fmt_ascii(v, sizeof v, num(t, row, 2), 0);
            fprintf(f, "  %-*s", W, v);
        }
        fputc('\n', f);
    }
    for (size_t p = 0; p < r.nport; p++) {
        fprintf(f, "%-*s", wname, r.port[p]);
        for (size_t k = 0; k < r.noutc; k++) {
            char var[64], geo[64], a[64], b[64], c[64], e[256];
            split_outcome(r.outc[k], var, sizeof var, geo, sizeof geo);
            if (strcmp(geo, "national") != 0) continue;
            r.sq = r.port[p];
            size_t row = find_row(&r, r.port[p], r.outc[k]);
            if (row == SIZE_MAX) {
                fprintf(f, "  %-*s", W, "");
                continue;
            }
            fmt_ascii(a, sizeof a, num(t, row, 5), 1);
            fmt_ascii(b, sizeof b, num(t, row, 4), 1);
            fmt_ascii(c, sizeof c, num(t, row, 6), 1);
            double pb = num(t, row, 7);
            if (isfinite(pb)) snprintf(e, sizeof e, "%s [%s, %s] %.0f%%", a, b, c, 100 * pb);
            else snprintf(e, sizeof e, "%s [%s, %s] -", a, b, c);
            fprintf(f, "  %-*s", W, e);
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        f = NULL;
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        goto done;
    }
    f = NULL;
    /* no spaces at the ends of lines */
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            while (w > 0 && buf[w - 1] == ' ') w--;
        buf[w++] = buf[i];
    }
    len = w;
    if (out(ctx, buf, len) != 0) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "write error");
        goto done;
    }
    rc = 0;
done:
    if (f) fclose(f);
    free(buf);
    r.sq = NULL;
    report_free(&r);
    return rc;
}
