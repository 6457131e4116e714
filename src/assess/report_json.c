/* report_json — see report_json.h. A recursive-descent reader with a depth limit. */
#include "report_json.h"

#include <stdlib.h>
#include <string.h>

enum { RJ_MAX_DEPTH = 64 };

typedef struct rj_parser {
    const char *name;
    const char *p, *end, *start;
    truce_error *err;
} rj_parser;

static long line_of(const rj_parser *ps, const char *at)
{
    long line = 1;
    for (const char *q = ps->start; q < at && q < ps->end; q++)
        if (*q == '\n') line++;
    return line;
}

static int fail(rj_parser *ps, const char *why)
{
    truce_error_set(ps->err, TRUCE_EINPUT, ps->name, line_of(ps, ps->p), NULL, "%s", why);
    return -1;
}

static void skip_ws(rj_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
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

static int parse_string(rj_parser *ps, char **out)
{
    ps->p++; /* opening quote */
    const char *s = ps->p;
    /* The decoded string is never longer than its escaped form. */
    size_t cap = 1;
    while (ps->p < ps->end && *ps->p != '"') {
        if (*ps->p == '\\') ps->p++;
        ps->p++;
        cap++;
    }
    if (ps->p >= ps->end) return fail(ps, "unterminated string");
    cap += (size_t)(ps->p - s);
    char *o = malloc(cap), *w = o;
    if (!o) return fail(ps, "out of memory");
    for (const char *q = s; q < ps->p; q++) {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20) {
            free(o);
            return fail(ps, "control character in a string");
        }
        if (c != '\\') {
            *w++ = (char)c;
            continue;
        }
        q++;
        switch (*q) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            unsigned cp;
            if (ps->p - q < 5 || hex4(q + 1, &cp) != 0) {
                free(o);
                return fail(ps, "bad \\u escape in a string");
            }
            q += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (ps->p - q < 7 || q[1] != '\\' || q[2] != 'u' || hex4(q + 3, &lo) != 0 ||
                    lo < 0xDC00 || lo > 0xDFFF) {
                    free(o);
                    return fail(ps, "unpaired surrogate in a string");
                }
                q += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                free(o);
                return fail(ps, "unpaired surrogate in a string");
            }
            if (cp == 0) {
                free(o);
                return fail(ps, "NUL character in a string");
            }
            w += put_utf8(w, cp);
            break;
        }
        default:
            free(o);
            return fail(ps, "bad escape in a string");
        }
    }
    *w = '\0';
    ps->p++; /* closing quote */
    *out = o;
    return 0;
}

static int parse_value(rj_parser *ps, rj_value *v, int depth);

static int push_item(rj_parser *ps, rj_value *v, size_t *cap, char *key, rj_value *item)
{
    if (v->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        rj_value *ni = realloc(v->items, nc * sizeof *ni);
        if (!ni) return fail(ps, "out of memory");
        v->items = ni;
        if (v->type == RJ_OBJECT) {
            char **nk = realloc(v->keys, nc * sizeof *nk);
            if (!nk) return fail(ps, "out of memory");
            v->keys = nk;
        }
        *cap = nc;
    }
    v->items[v->n] = *item;
    if (v->type == RJ_OBJECT) v->keys[v->n] = key;
    v->n++;
    return 0;
}

static int parse_container(rj_parser *ps, rj_value *v, int depth)
{
    int obj = *ps->p == '{';
    char close = obj ? '}' : ']';
    v->type = obj ? RJ_OBJECT : RJ_ARRAY;
    ps->p++;
    size_t cap = 0;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (obj) {
            if (ps->p >= ps->end || *ps->p != '"') return fail(ps, "expected a key");
            if (parse_string(ps, &key) != 0) return -1;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                return fail(ps, "expected ':'");
            }
            ps->p++;
        }
        rj_value item;
        memset(&item, 0, sizeof item);
        if (parse_value(ps, &item, depth + 1) != 0 || push_item(ps, v, &cap, key, &item) != 0) {
            free(key);
            rj_free(&item);
            return -1;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return 0;
        }
        return fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int parse_number(rj_parser *ps, rj_value *v)
{
    const char *s = ps->p;
    if (ps->p < ps->end && *ps->p == '-') ps->p++;
    size_t digits = 0;
    while (ps->p < ps->end && ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' || *ps->p == 'e' ||
                               *ps->p == 'E' || *ps->p == '+' || *ps->p == '-')) {
        if (*ps->p >= '0' && *ps->p <= '9') digits++;
        ps->p++;
    }
    size_t len = (size_t)(ps->p - s);
    char *end = NULL;
    char buf[64];
    if (digits == 0 || len >= sizeof buf) return fail(ps, "bad number");
    memcpy(buf, s, len);
    buf[len] = '\0';
    (void)strtod(buf, &end);
    if (*end) return fail(ps, "bad number");
    v->type = RJ_NUMBER;
    v->text = malloc(len + 1);
    if (!v->text) return fail(ps, "out of memory");
    memcpy(v->text, buf, len + 1);
    return 0;
}

static int literal(rj_parser *ps, const char *word, int type, rj_value *v)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return fail(ps, "unexpected text");
    ps->p += n;
    v->type = type;
    return 0;
}

static int parse_value(rj_parser *ps, rj_value *v, int depth)
{
    if (depth > RJ_MAX_DEPTH) return fail(ps, "nested too deeply");
    skip_ws(ps);
    if (ps->p >= ps->end) return fail(ps, "unexpected end of file");
    switch (*ps->p) {
    case '{':
    case '[': return parse_container(ps, v, depth);
    case '"': v->type = RJ_STRING; return parse_string(ps, &v->text);
    case 't': return literal(ps, "true", RJ_TRUE, v);
    case 'f': return literal(ps, "false", RJ_FALSE, v);
    case 'n': return literal(ps, "null", RJ_NULL, v);
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) return parse_number(ps, v);
        return fail(ps, "expected a value");
    }
}

int rj_parse(const char *name, const char *text, size_t len, rj_value *out, truce_error *err)
{
    rj_parser ps = {name, text, text + len, text, err};
    memset(out, 0, sizeof *out);
    if (memchr(text, '\0', len)) {
        ps.p = memchr(text, '\0', len);
        return fail(&ps, "NUL byte");
    }
    if (parse_value(&ps, out, 0) != 0) {
        rj_free(out);
        return -1;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        rj_free(out);
        return fail(&ps, "text after the value");
    }
    return 0;
}

void rj_free(rj_value *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        rj_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    memset(v, 0, sizeof *v);
}

const rj_value *rj_get(const rj_value *v, const char *key)
{
    if (!v || v->type != RJ_OBJECT) return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0) return &v->items[i];
    return NULL;
}

const char *rj_str(const rj_value *v, const char *key)
{
    const rj_value *m = rj_get(v, key);
    if (!m || (m->type != RJ_STRING && m->type != RJ_NUMBER)) return NULL;
    return m->text;
}

void rj_write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '<': fputs("\\u003c", f); break;
        default:
            if (*p < 0x20) fprintf(f, "\\u%04x", (unsigned)*p);
            else fputc(*p, f);
        }
    }
    fputc('"', f);
}

void rj_write(FILE *f, const rj_value *v)
{
    switch (v->type) {
    case RJ_NULL: fputs("null", f); break;
    case RJ_FALSE: fputs("false", f); break;
    case RJ_TRUE: fputs("true", f); break;
    case RJ_NUMBER: fputs(v->text, f); break;
    case RJ_STRING: rj_write_string(f, v->text); break;
    case RJ_ARRAY:
    case RJ_OBJECT:
        fputc(v->type == RJ_ARRAY ? '[' : '{', f);
        for (size_t i = 0; i < v->n; i++) {
            if (i) fputc(',', f);
            if (v->type == RJ_OBJECT) {
                rj_write_string(f, v->keys[i]);
                fputc(':', f);
            }
            rj_write(f, &v->items[i]);
        }
        fputc(v->type == RJ_ARRAY ? ']' : '}', f);
        break;
    }
}
