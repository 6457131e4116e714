/* timeline — read an episode timeline (id,start,end,kind,...) with strict checks. */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "csv.h"
#include "embedded.h"
#include "timeline.h"

struct truce_timeline {
    truce_episode *ep;
    size_t n, cap;
    char **strings;  /* every string owned by the timeline */
    size_t nstr, capstr;
};

const truce_memfile *embedded_lookup(const char *name)
{
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, name) == 0) return &embedded_files[i];
    return NULL;
}

static const char *keep(truce_timeline *t, const csv_field *f)
{
    if (t->nstr == t->capstr) {
        size_t cap = t->capstr ? 2 * t->capstr : 64;
        char **p = realloc(t->strings, cap * sizeof *p);
        if (!p) return NULL;
        t->strings = p;
        t->capstr = cap;
    }
    char *s = malloc(f ? f->len + 1 : 1);
    if (!s) return NULL;
    if (f) memcpy(s, f->ptr, f->len);
    s[f ? f->len : 0] = '\0';
    t->strings[t->nstr++] = s;
    return s;
}

void truce_timeline_free(truce_timeline *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nstr; i++) free(t->strings[i]);
    free(t->strings);
    free(t->ep);
    free(t);
}

size_t truce_timeline_count(const truce_timeline *t) { return t->n; }

const truce_episode *truce_timeline_episode(const truce_timeline *t, size_t i)
{
    return i < t->n ? &t->ep[i] : NULL;
}

enum { C_ID, C_START, C_END, C_KIND, C_ACTORS, C_REGION, C_DESC, C_STATUS, C_SOURCE, NCOL };
static const char *const colnames[NCOL] = {"id",     "start",  "end",         "kind",
                                           "actors", "region", "description", "date_status",
                                           "source"};

static void show(const csv_field *f, char *out, size_t cap)
{
    /* a printable excerpt of a field for messages */
    size_t n = 0;
    for (size_t i = 0; i < f->len && n + 1 < cap && i < 40; i++) {
        unsigned char c = (unsigned char)f->ptr[i];
        out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    out[n] = '\0';
}

static truce_timeline *load(csv_reader *r, truce_error *err)
{
    const char *name = csv_name(r);
    truce_timeline *t = calloc(1, sizeof *t);
    if (!t) {
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return NULL;
    }
    long col[NCOL];
    for (int c = 0; c < NCOL; c++) col[c] = -1;
    size_t nfields = 0;
    csv_record rec;
    int rc, header = 1;
    while ((rc = csv_next(r, &rec, err)) == 1) {
        if (rec.has_nul) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, NULL, "NUL byte in record");
            goto fail;
        }
        if (rec.malformed) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, NULL,
                            "text after a closing quote");
            goto fail;
        }
        for (size_t i = 0; i < rec.n; i++)
            if (!csv_utf8_valid(rec.fields[i].ptr, rec.fields[i].len)) {
                const char *fname = header ? "header" : "field";
                for (int c = 0; !header && c < NCOL; c++)
                    if (col[c] == (long)i) fname = colnames[c];
                truce_error_set(err, TRUCE_EINPUT, name, rec.line, fname, "invalid UTF-8");
                goto fail;
            }
        if (header) {
            for (size_t i = 0; i < rec.n; i++)
                for (int c = 0; c < NCOL; c++)
                    if (csv_field_is(&rec.fields[i], colnames[c])) {
                        if (col[c] >= 0) {
                            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "header",
                                            "column '%s' appears twice", colnames[c]);
                            goto fail;
                        }
                        col[c] = (long)i;
                    }
            for (int c = 0; c <= C_KIND; c++)
                if (col[c] < 0) {
                    truce_error_set(err, TRUCE_EINPUT, name, rec.line, "header",
                                    "missing column '%s' (a timeline needs id,start,end,kind)",
                                    colnames[c]);
                    goto fail;
                }
            nfields = rec.n;
            header = 0;
            continue;
        }
        if (rec.n == 1 && rec.fields[0].len == 0 && !rec.fields[0].quoted) continue; /* blank */
        if (rec.n != nfields) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "record",
                            "expected %zu fields as in the header, found %zu (truncated or "
                            "unquoted comma?)", nfields, rec.n);
            goto fail;
        }
        if (t->n == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 32;
            truce_episode *p = realloc(t->ep, cap * sizeof *p);
            if (!p) goto oom;
            t->ep = p;
            t->cap = cap;
        }
        truce_episode *e = &t->ep[t->n];
        memset(e, 0, sizeof *e);
        e->line = rec.line;
        const csv_field *f[NCOL];
        for (int c = 0; c < NCOL; c++) f[c] = col[c] >= 0 ? &rec.fields[col[c]] : NULL;
        char buf[48];
        if (f[C_ID]->len == 0) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "id", "empty id");
            goto fail;
        }
        for (size_t j = 0; j < t->n; j++)
            if (csv_field_is(f[C_ID], t->ep[j].id)) {
                show(f[C_ID], buf, sizeof buf);
                truce_error_set(err, TRUCE_EINPUT, name, rec.line, "id",
                                "duplicate id '%s' (first on line %ld)", buf, t->ep[j].line);
                goto fail;
            }
        if (f[C_KIND]->len == 0) {
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "kind", "empty kind");
            goto fail;
        }
        if (cal_parse(f[C_START]->ptr, f[C_START]->len, &e->start_first, &e->start_last,
                      &e->start_precision) != 0) {
            show(f[C_START], buf, sizeof buf);
            truce_error_set(err, TRUCE_EINPUT, name, rec.line, "start",
                            "malformed date '%s' (expected YYYY, YYYY-MM or YYYY-MM-DD)", buf);
            goto fail;
        }
        if (f[C_END]->len > 0) {
            if (cal_parse(f[C_END]->ptr, f[C_END]->len, &e->end_first, &e->end_last,
                          &e->end_precision) != 0) {
                show(f[C_END], buf, sizeof buf);
                truce_error_set(err, TRUCE_EINPUT, name, rec.line, "end",
                                "malformed date '%s' (expected YYYY, YYYY-MM or YYYY-MM-DD, "
                                "or empty when ongoing)", buf);
                goto fail;
            }
            if (e->end_last < e->start_first) {
                char s1[48];
                show(f[C_END], buf, sizeof buf);
                show(f[C_START], s1, sizeof s1);
                truce_error_set(err, TRUCE_EINPUT, name, rec.line, "end",
                                "end %s is before start %s", buf, s1);
                goto fail;
            }
            e->has_end = 1;
        }
        const char **dst[NCOL] = {&e->id,     &e->start_text, &e->end_text,
                                  &e->kind,   &e->actors,     &e->region,
                                  &e->description, &e->date_status, &e->source};
        for (int c = 0; c < NCOL; c++)
            if (!(*dst[c] = keep(t, f[c]))) goto oom;
        t->n++;
    }
    if (rc < 0) goto fail;
    if (header) {
        truce_error_set(err, TRUCE_EINPUT, name, 1, "header", "empty file (no header)");
        goto fail;
    }
    if (t->n == 0) {
        truce_error_set(err, TRUCE_EINPUT, name, 0, NULL, "no episodes");
        goto fail;
    }
    return t;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
fail:
    truce_timeline_free(t);
    return NULL;
}

truce_timeline *truce_timeline_load(const char *path, truce_error *err)
{
    csv_reader *r = csv_open_file(path, err);
    if (!r) return NULL;
    truce_timeline *t = load(r, err);
    csv_close(r);
    return t;
}

truce_timeline *truce_timeline_load_memory(const char *name, const char *data, size_t len,
                                           truce_error *err)
{
    csv_reader *r = csv_open_memory(name, data, len);
    if (!r) {
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return NULL;
    }
    truce_timeline *t = load(r, err);
    csv_close(r);
    return t;
}

truce_timeline *truce_timeline_load_default(truce_error *err)
{
    const truce_memfile *f = embedded_lookup(TIMELINE_EMBEDDED_NAME);
    if (!f) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "the shipped timeline is not built in");
        return NULL;
    }
    return truce_timeline_load_memory("data/pak_ttp_timeline.csv (built in)", f->data, f->len,
                                      err);
}
