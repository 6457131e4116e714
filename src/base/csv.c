/* csv — see csv.h.
 *
 * Invariant: buf[pos .. len) holds input not yet returned. A record is first located by a
 * scan that tracks quote state (resumable across refills, so a long record is scanned
 * once), then split into fields in place: unescaping "" shortens a field, so writing
 * behind the read pointer is safe.
 */
#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1u << 20)

struct csv_reader {
    FILE *fp;           /* NULL when reading from memory */
    char *name;
    char *buf;
    size_t cap, len, pos;
    int eof;
    int bom_checked;
    long line;          /* line number of the next record */
    size_t consumed;    /* bytes before buf[0] */
    /* resumable scan state, relative to pos */
    size_t scan;
    int scan_inq;
    long scan_nl;
    csv_field *fields;
    size_t fcap;
};

static csv_reader *reader_new(const char *name)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->name = strdup(name);
    r->line = 1;
    if (!r->name) {
        free(r);
        return NULL;
    }
    return r;
}

FILE *csv_fopen_regular(const char *path, const char **why)
{
    /* O_NONBLOCK: open() on a FIFO with no writer returns at once instead of waiting. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *why = strerror(errno);
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = S_ISFIFO(st.st_mode)   ? "not a regular file (a FIFO or pipe): name a file"
               : S_ISDIR(st.st_mode)  ? "not a regular file (a folder)"
               : S_ISSOCK(st.st_mode) ? "not a regular file (a socket): name a file"
                                      : "not a regular file (a device): name a file";
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        *why = strerror(errno);
        close(fd);
        return NULL;
    }
    FILE *fp = fdopen(fd, "rb");
    if (!fp) {
        *why = strerror(errno);
        close(fd);
    }
    return fp;
}

csv_reader *csv_open_file(const char *path, truce_error *err)
{
    const char *why = NULL;
    FILE *fp = csv_fopen_regular(path, &why);
    if (!fp) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot open: %s", why);
        return NULL;
    }
    csv_reader *r = reader_new(path);
    if (r) r->buf = malloc(CHUNK);
    if (!r || !r->buf) {
        fclose(fp);
        csv_close(r);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        return NULL;
    }
    r->fp = fp;
    r->cap = CHUNK;
    return r;
}

csv_reader *csv_open_memory(const char *name, const char *data, size_t len)
{
    csv_reader *r = reader_new(name);
    if (!r) return NULL;
    r->buf = malloc(len ? len : 1);
    if (!r->buf) {
        csv_close(r);
        return NULL;
    }
    if (len) memcpy(r->buf, data, len);
    r->cap = r->len = len;
    r->eof = 1;
    return r;
}

void csv_close(csv_reader *r)
{
    if (!r) return;
    if (r->fp) fclose(r->fp);
    free(r->name);
    free(r->buf);
    free(r->fields);
    free(r);
}

const char *csv_name(const csv_reader *r) { return r->name; }
size_t csv_offset(const csv_reader *r) { return r->consumed + r->pos; }

/* Move the unread part to the front and read more. Returns 0, or -1 with err set. */
static int refill(csv_reader *r, truce_error *err)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->consumed += r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len == r->cap) {
        if (r->cap >= CSV_MAX_RECORD) {
            truce_error_set(err, TRUCE_EINPUT, r->name, r->line, NULL,
                            "record longer than %u MiB", CSV_MAX_RECORD >> 20);
            return -1;
        }
        size_t ncap = r->cap * 2;
        char *nb = realloc(r->buf, ncap);
        if (!nb) {
            truce_error_set(err, TRUCE_ERUNTIME, r->name, r->line, NULL, "out of memory");
            return -1;
        }
        r->buf = nb;
        r->cap = ncap;
    }
    size_t got = fread(r->buf + r->len, 1, r->cap - r->len, r->fp);
    if (got == 0) {
        if (ferror(r->fp)) {
            truce_error_set(err, TRUCE_EINPUT, r->name, r->line, NULL, "read error: %s",
                            strerror(errno));
            return -1;
        }
        r->eof = 1;
    }
    r->len += got;
    return 0;
}

static int push_field(csv_reader *r, csv_record *rec, const char *p, size_t n, int quoted)
{
    if (rec->n == CSV_MAX_FIELDS) return -2;
    if (rec->n == r->fcap) {
        size_t nc = r->fcap ? r->fcap * 2 : 64;
        csv_field *nf = realloc(r->fields, nc * sizeof *nf);
        if (!nf) return -1;
        r->fields = nf;
        r->fcap = nc;
    }
    r->fields[rec->n++] = (csv_field){p, n, quoted};
    return 0;
}

/* One pass over a record: does it hold a NUL byte, and is it valid UTF-8? Eight bytes at
 * a time while the text is ASCII without NUL (the common case); the UTF-8 check proper
 * runs only on records with a byte >= 0x80. */
static void scan_bytes(const char *s, size_t n, int *has_nul, int *bad_utf8)
{
    const uint64_t lo = 0x0101010101010101u, hi = 0x8080808080808080u;
    int nul = 0, high = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (((w - lo) & ~w & hi) | (w & hi)) {
            if ((w - lo) & ~w & hi) nul = 1; /* exact test for a zero byte in w */
            if (w & hi) high = 1;
            if (nul && high) break;
        }
    }
    for (; i < n && !(nul && high); i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) nul = 1;
        if (c & 0x80) high = 1;
    }
    *has_nul = nul;
    *bad_utf8 = high ? !csv_utf8_valid(s, n) : 0;
}

int csv_next(csv_reader *r, csv_record *rec, truce_error *err)
{
    if (!r->bom_checked) {
        while (!r->eof && r->len - r->pos < 3)
            if (refill(r, err)) return -1;
        if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0) r->pos += 3;
        r->bom_checked = 1;
    }
    size_t end;
    int found;
    for (;;) {
        if (r->pos == r->len && r->eof) return 0;
        size_t i = r->pos + r->scan;
        const char *b = r->buf;
        /* inq: 0 outside quotes, 1 inside a quoted field, 2 just after a quote that may
         * close the field or begin a doubled "" (decided by the next byte). */
        int inq = r->scan_inq;
        long nl = r->scan_nl;
        found = 0;
        while (i < r->len) {
            if (inq == 2) {
                if (b[i] == '"') {
                    i++;
                    inq = 1;
                    continue;
                }
                inq = 0;
            }
            if (!inq) {
                /* Fast path: jump to the next quote or line end. A quote opens a quoted
                 * field only at the start of a field (RFC 4180); elsewhere it is text. */
                const char *q = memchr(b + i, '\n', r->len - i);
                size_t lim = q ? (size_t)(q - b) : r->len;
                const char *qq = memchr(b + i, '"', lim - i);
                while (qq) {
                    size_t k = (size_t)(qq - b);
                    if (k == r->pos || b[k - 1] == ',') break;
                    qq = memchr(qq + 1, '"', lim - k - 1);
                }
                if (qq) {
                    i = (size_t)(qq - b) + 1;
                    inq = 1;
                    continue;
                }
                i = lim;
                if (q) {
                    found = 1;
                    break;
                }
            } else {
                const char *qq = memchr(b + i, '"', r->len - i);
                size_t lim = qq ? (size_t)(qq - b) : r->len;
                for (const char *c = b + i; (c = memchr(c, '\n', (size_t)(b + lim - c))); c++) nl++;
                i = lim;
                if (qq) {
                    i++;
                    inq = 2;
                }
            }
        }
        if (found) {
            end = i;
            r->scan = 0, r->scan_inq = 0, r->scan_nl = 0;
            rec->line = r->line;
            r->line += nl + 1;
            break;
        }
        if (r->eof) {
            if (inq == 1) {
                truce_error_set(err, TRUCE_EINPUT, r->name, r->line, NULL,
                                "unterminated quoted field");
                return -1;
            }
            end = r->len;
            r->scan = 0, r->scan_inq = 0, r->scan_nl = 0;
            rec->line = r->line;
            r->line += nl;
            break;
        }
        r->scan = i - r->pos, r->scan_inq = inq, r->scan_nl = nl;
        if (refill(r, err)) return -1;
    }

    char *s = r->buf + r->pos;
    size_t n = end - r->pos;
    r->pos = end < r->len ? end + 1 : end;
    if (n > 0 && s[n - 1] == '\r') n--;
    char *e = s + n;
    rec->n = 0;
    scan_bytes(s, n, &rec->has_nul, &rec->bad_utf8);
    rec->malformed = 0;
    char *p = s;
    int pf;
    for (;;) {
        if (p < e && *p == '"') {
            /* Copy runs between quotes with memmove (nothing moves until the first "" ). */
            char *w = p, *q = p + 1;
            for (;;) {
                char *qq = memchr(q, '"', (size_t)(e - q));
                size_t run = (size_t)((qq ? qq : e) - q);
                if (w != q) memmove(w, q, run);
                w += run;
                q += run;
                if (!qq) break;
                if (q + 1 < e && q[1] == '"') {
                    *w++ = '"';
                    q += 2;
                } else {
                    q++;
                    break;
                }
            }
            /* Anything between the closing quote and the next comma is kept, flagged. */
            while (q < e && *q != ',') {
                if (*q == '\r') goto bare_cr;
                rec->malformed = 1;
                *w++ = *q++;
            }
            if ((pf = push_field(r, rec, p, (size_t)(w - p), 1))) goto push_failed;
            if (q >= e) break;
            p = q + 1;
        } else {
            char *c = memchr(p, ',', (size_t)(e - p));
            char *fe = c ? c : e;
            if (memchr(p, '\r', (size_t)(fe - p))) goto bare_cr;
            if ((pf = push_field(r, rec, p, (size_t)(fe - p), 0))) goto push_failed;
            if (!c) break;
            p = c + 1;
        }
    }
    rec->fields = r->fields;
    return 1;
bare_cr:
    truce_error_set(err, TRUCE_EINPUT, r->name, rec->line, NULL,
                    "a carriage return (CR) ends a line without LF: CR-only line ends (old "
                    "Mac text) are not read; convert them to LF or CRLF");
    return -1;
push_failed:
    if (pf == -2)
        truce_error_set(err, TRUCE_EINPUT, r->name, rec->line, NULL,
                        "more than %u fields in one record", CSV_MAX_FIELDS);
    else
        truce_error_set(err, TRUCE_ERUNTIME, r->name, rec->line, NULL, "out of memory");
    return -1;
}

int csv_utf8_valid(const char *text, size_t n)
{
    const unsigned char *p = (const unsigned char *)text, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t need;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) need = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) need = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) need = 3, cp = c & 0x07;
        else return 0;
        if ((size_t)(e - p) <= need) return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((p[k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += need + 1;
    }
    return 1;
}

int csv_field_is(const csv_field *f, const char *s)
{
    size_t n = strlen(s);
    return f->len == n && memcmp(f->ptr, s, n) == 0;
}

size_t csv_field_copy(const csv_field *f, char *out, size_t cap)
{
    size_t n = f->len < cap - 1 ? f->len : cap - 1;
    memcpy(out, f->ptr, n);
    out[n] = '\0';
    return f->len;
}

long csv_header_duplicate(const csv_record *h)
{
    for (size_t i = 1; i < h->n; i++) {
        const csv_field *a = &h->fields[i];
        if (a->len == 0) continue;
        for (size_t j = 0; j < i; j++) {
            const csv_field *b = &h->fields[j];
            if (b->len == a->len && memcmp(a->ptr, b->ptr, a->len) == 0) return (long)i;
        }
    }
    return -1;
}

int csv_parse_decimal(const char *p, size_t n, double *out)
{
    char buf[512];
    if (n == 0 || n >= sizeof buf) return -1;
    size_t i = 0, digits = 0;
    if (p[i] == '+' || p[i] == '-') i++;
    while (i < n && p[i] >= '0' && p[i] <= '9') i++, digits++;
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++, digits++;
    }
    if (digits == 0) return -1;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        size_t ed = 0;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++, ed++;
        if (ed == 0) return -1;
    }
    if (i != n) return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v)) return -2;
    *out = v;
    return 0;
}
