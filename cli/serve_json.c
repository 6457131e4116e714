/* serve_json — strict JSON reader and writer (see serve_json.h). */
#include "serve_json.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *p, *end, *start;
    char *msg;
    size_t msgcap;
    int failed;
} parser;

static void fail(parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(parser *P, const char *fmt, ...)
{
    if (P->failed) return;
    P->failed = 1;
    if (!P->msg || !P->msgcap) return;
    int n = snprintf(P->msg, P->msgcap, "offset %zu: ", (size_t)(P->p - P->start));
    if (n < 0 || (size_t)n >= P->msgcap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->msg + n, P->msgcap - (size_t)n, fmt, ap);
    va_end(ap);
}

static void skip_ws(parser *P)
{
    while (P->p < P->end && (*P->p == ' ' || *P->p == '\t' || *P->p == '\n' || *P->p == '\r')) P->p++;
}

static int parse_value(parser *P, sj_value *v, int depth);

static int hex4(parser *P, unsigned *out)
{
    if (P->end - P->p < 4) { fail(P, "\\u needs four hex digits"); return -1; }
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        char c = P->p[i];
        x <<= 4;
        if (c >= '0' && c <= '9') x |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') x |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') x |= (unsigned)(c - 'A' + 10);
        else { fail(P, "\\u needs four hex digits"); return -1; }
    }
    P->p += 4;
    *out = x;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of a valid UTF-8 sequence at p (non-ASCII lead byte), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
    else return 0;
    if ((size_t)(end - p) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return n;
}

/* P->p is just past the opening quote. */
static char *parse_string(parser *P, size_t *len_out)
{
    /* First pass: find the end and validate, so that the output size is known (escapes
     * never grow: \uXXXX is 6 bytes for at most 3, a surrogate pair 12 for 4). */
    const char *s = P->p;
    size_t cap = 0;
    while (P->p < P->end && *P->p != '"') {
        if (*P->p == '\\') { P->p += 2; cap += 2; continue; }
        P->p++;
        cap++;
    }
    if (P->p >= P->end) { P->p = P->end; fail(P, "unterminated string"); return NULL; }
    const char *e = P->p;
    char *out = malloc(cap + 1);
    if (!out) { fail(P, "out of memory"); return NULL; }
    size_t n = 0;
    P->p = s;
    while (P->p < e) {
        unsigned char c = (unsigned char)*P->p;
        if (c < 0x20) { fail(P, "control character in a string"); free(out); return NULL; }
        if (c == '\\') {
            P->p++;
            char x = *P->p++;
            switch (x) {
            case '"': out[n++] = '"'; break;
            case '\\': out[n++] = '\\'; break;
            case '/': out[n++] = '/'; break;
            case 'b': out[n++] = '\b'; break;
            case 'f': out[n++] = '\f'; break;
            case 'n': out[n++] = '\n'; break;
            case 'r': out[n++] = '\r'; break;
            case 't': out[n++] = '\t'; break;
            case 'u': {
                unsigned cp;
                if (hex4(P, &cp)) { free(out); return NULL; }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo;
                    if (e - P->p < 6 || P->p[0] != '\\' || P->p[1] != 'u') { fail(P, "lone surrogate"); free(out); return NULL; }
                    P->p += 2;
                    if (hex4(P, &lo)) { free(out); return NULL; }
                    if (lo < 0xDC00 || lo > 0xDFFF) { fail(P, "lone surrogate"); free(out); return NULL; }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail(P, "lone surrogate");
                    free(out);
                    return NULL;
                } else if (cp == 0) {
                    fail(P, "\\u0000 is not allowed");
                    free(out);
                    return NULL;
                }
                n += put_utf8(out + n, cp);
                break;
            }
            default:
                P->p--;
                fail(P, "invalid escape");
                free(out);
                return NULL;
            }
            if (P->p > e) { fail(P, "invalid escape"); free(out); return NULL; }
            continue;
        }
        if (c < 0x80) { out[n++] = (char)c; P->p++; continue; }
        size_t k = utf8_len((const unsigned char *)P->p, (const unsigned char *)e);
        if (!k) { fail(P, "invalid UTF-8"); free(out); return NULL; }
        memcpy(out + n, P->p, k);
        n += k;
        P->p += k;
    }
    out[n] = '\0';
    P->p = e + 1;
    *len_out = n;
    return out;
}

static int parse_number(parser *P, sj_value *v)
{
    const char *s = P->p;
    if (P->p < P->end && *P->p == '-') P->p++;
    if (P->p >= P->end) { fail(P, "invalid number"); return -1; }
    if (*P->p == '0') P->p++;
    else if (*P->p >= '1' && *P->p <= '9') while (P->p < P->end && *P->p >= '0' && *P->p <= '9') P->p++;
    else { fail(P, "invalid number"); return -1; }
    if (P->p < P->end && *P->p == '.') {
        P->p++;
        if (P->p >= P->end || *P->p < '0' || *P->p > '9') { fail(P, "invalid number"); return -1; }
        while (P->p < P->end && *P->p >= '0' && *P->p <= '9') P->p++;
    }
    if (P->p < P->end && (*P->p == 'e' || *P->p == 'E')) {
        P->p++;
        if (P->p < P->end && (*P->p == '+' || *P->p == '-')) P->p++;
        if (P->p >= P->end || *P->p < '0' || *P->p > '9') { fail(P, "invalid number"); return -1; }
        while (P->p < P->end && *P->p >= '0' && *P->p <= '9') P->p++;
    }
    size_t n = (size_t)(P->p - s);
    char tmp[64];
    if (n >= sizeof tmp) { P->p = s; fail(P, "number too long"); return -1; }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double x = strtod(tmp, NULL);
    if (!isfinite(x)) { P->p = s; fail(P, "number out of range"); return -1; }
    v->type = SJ_NUMBER;
    v->number = x;
    return 0;
}

static int literal(parser *P, const char *word, sj_value *v, sj_type t)
{
    size_t n = strlen(word);
    if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) != 0) { fail(P, "unexpected character"); return -1; }
    P->p += n;
    v->type = t;
    return 0;
}

static int push(sj_value *v, size_t *cap, int object, char *key)
{
    if (v->len == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        sj_value *ni = realloc(v->items, nc * sizeof *ni);
        if (!ni) return -1;
        v->items = ni;
        if (object) {
            char **nk = realloc(v->keys, nc * sizeof *nk);
            if (!nk) return -1;
            v->keys = nk;
        }
        *cap = nc;
    }
    memset(&v->items[v->len], 0, sizeof v->items[0]);
    if (object) v->keys[v->len] = key;
    v->len++;
    return 0;
}

static int parse_value(parser *P, sj_value *v, int depth)
{
    memset(v, 0, sizeof *v);
    skip_ws(P);
    if (P->p >= P->end) { fail(P, "unexpected end of input"); return -1; }
    char c = *P->p;
    if (c == '"') {
        P->p++;
        size_t n;
        char *s = parse_string(P, &n);
        if (!s) return -1;
        v->type = SJ_STRING;
        v->string = s;
        v->len = n;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(P, v);
    if (c == 't') return literal(P, "true", v, SJ_TRUE);
    if (c == 'f') return literal(P, "false", v, SJ_FALSE);
    if (c == 'n') return literal(P, "null", v, SJ_NULL);
    if (c != '[' && c != '{') { fail(P, "unexpected character"); return -1; }
    if (depth >= SJ_MAX_DEPTH) { fail(P, "nested deeper than %d levels", SJ_MAX_DEPTH); return -1; }
    int object = c == '{';
    v->type = object ? SJ_OBJECT : SJ_ARRAY;
    size_t cap = 0;
    P->p++;
    skip_ws(P);
    if (P->p < P->end && *P->p == (object ? '}' : ']')) { P->p++; return 0; }
    for (;;) {
        char *key = NULL;
        skip_ws(P);
        if (object) {
            if (P->p >= P->end || *P->p != '"') { fail(P, "expected a string key"); return -1; }
            P->p++;
            size_t kn;
            const char *kat = P->p;
            key = parse_string(P, &kn);
            if (!key) return -1;
            for (size_t i = 0; i < v->len; i++)
                if (strcmp(v->keys[i], key) == 0) {
                    P->p = kat - 1;
                    fail(P, "duplicate key '%s'", key);
                    free(key);
                    return -1;
                }
            skip_ws(P);
            if (P->p >= P->end || *P->p != ':') { free(key); fail(P, "expected ':'"); return -1; }
            P->p++;
        }
        if (push(v, &cap, object, key)) { free(key); fail(P, "out of memory"); return -1; }
        if (parse_value(P, &v->items[v->len - 1], depth + 1)) return -1;
        skip_ws(P);
        if (P->p >= P->end) { fail(P, "unexpected end of input"); return -1; }
        if (*P->p == ',') { P->p++; continue; }
        if (*P->p == (object ? '}' : ']')) { P->p++; return 0; }
        fail(P, object ? "expected ',' or '}'" : "expected ',' or ']'");
        return -1;
    }
}

static void free_inner(sj_value *v)
{
    if (v->type == SJ_STRING) free(v->string);
    if (v->type == SJ_ARRAY || v->type == SJ_OBJECT) {
        for (size_t i = 0; i < v->len; i++) {
            free_inner(&v->items[i]);
            if (v->keys) free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
    }
}

sj_value *sj_parse(const char *text, size_t len, char *msg, size_t msgcap)
{
    parser P = {text, text + len, text, msg, msgcap, 0};
    if (msg && msgcap) msg[0] = '\0';
    sj_value *v = calloc(1, sizeof *v);
    if (!v) { fail(&P, "out of memory"); return NULL; }
    if (parse_value(&P, v, 0) == 0) {
        skip_ws(&P);
        if (P.p != P.end) fail(&P, "unexpected text after the value");
    }
    if (P.failed) {
        free_inner(v);
        free(v);
        return NULL;
    }
    return v;
}

void sj_free(sj_value *v)
{
    if (!v) return;
    free_inner(v);
    free(v);
}

const sj_value *sj_get(const sj_value *v, const char *key)
{
    if (!v || v->type != SJ_OBJECT) return NULL;
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->keys[i], key) == 0) return &v->items[i];
    return NULL;
}

const char *sj_type_name(sj_type t)
{
    switch (t) {
    case SJ_NULL: return "null";
    case SJ_FALSE: case SJ_TRUE: return "a boolean";
    case SJ_NUMBER: return "a number";
    case SJ_STRING: return "a string";
    case SJ_ARRAY: return "an array";
    case SJ_OBJECT: return "an object";
    }
    return "?";
}

/* ---- writer --------------------------------------------------------------------------- */

static int grow(sj_buf *b, size_t extra)
{
    if (b->failed) return -1;
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + extra + 1) nc *= 2;
    char *nd = realloc(b->data, nc);
    if (!nd) { b->failed = 1; return -1; }
    b->data = nd;
    b->cap = nc;
    return 0;
}

void sj_buf_free(sj_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void sj_rawn(sj_buf *b, const char *text, size_t n)
{
    if (grow(b, n)) return;
    memcpy(b->data + b->len, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sj_raw(sj_buf *b, const char *text) { sj_rawn(b, text, strlen(text)); }

void sj_printf(sj_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) { b->failed = 1; return; }
    if ((size_t)n < sizeof tmp) { sj_rawn(b, tmp, (size_t)n); return; }
    if (grow(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sj_str(sj_buf *b, const char *text)
{
    if (!text) { sj_raw(b, "null"); return; }
    sj_raw(b, "\"");
    const char *run = text;
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *esc = NULL;
        char u[8];
        if (c == '"') esc = "\\\"";
        else if (c == '\\') esc = "\\\\";
        else if (c == '\n') esc = "\\n";
        else if (c == '\r') esc = "\\r";
        else if (c == '\t') esc = "\\t";
        else if (c < 0x20 || c == 0x7F) { snprintf(u, sizeof u, "\\u%04x", c); esc = u; }
        else if (c == '<') esc = "\\u003c";   /* never "</script>" inside a page */
        if (esc) {
            sj_rawn(b, run, (size_t)(p - run));
            sj_raw(b, esc);
            run = p + 1;
        }
    }
    sj_raw(b, run);
    sj_raw(b, "\"");
}

void sj_num(sj_buf *b, double x)
{
    if (!isfinite(x)) { sj_raw(b, "null"); return; }
    if (x == 0) { sj_raw(b, "0"); return; }
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (strtod(tmp, NULL) == x) break;
    }
    sj_raw(b, tmp);
}

void sj_write(sj_buf *b, const sj_value *v)
{
    switch (v->type) {
    case SJ_NULL: sj_raw(b, "null"); return;
    case SJ_FALSE: sj_raw(b, "false"); return;
    case SJ_TRUE: sj_raw(b, "true"); return;
    case SJ_NUMBER: sj_num(b, v->number); return;
    case SJ_STRING: sj_str(b, v->string); return;
    case SJ_ARRAY:
    case SJ_OBJECT:
        sj_raw(b, v->type == SJ_ARRAY ? "[" : "{");
        for (size_t i = 0; i < v->len; i++) {
            if (i) sj_raw(b, ",");
            if (v->type == SJ_OBJECT) {
                sj_str(b, v->keys[i]);
                sj_raw(b, ":");
            }
            sj_write(b, &v->items[i]);
        }
        sj_raw(b, v->type == SJ_ARRAY ? "]" : "}");
        return;
    }
}
