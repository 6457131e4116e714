/* error — the one error record every fallible call fills. */
#include "truce.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

void truce_error_clear(truce_error *err)
{
    if (!err) return;
    err->code = TRUCE_OK;
    err->message[0] = '\0';
}

void truce_error_set(truce_error *err, int code, const char *file, long line,
                     const char *field, const char *fmt, ...)
{
    if (!err) return;
    err->code = code;
    size_t n = 0, cap = sizeof err->message;
    int k;
    if (file) {
        k = line > 0 ? snprintf(err->message, cap, "%s:%ld: ", file, line)
                     : snprintf(err->message, cap, "%s: ", file);
        n = k > 0 ? ((size_t)k < cap ? (size_t)k : cap - 1) : 0;
    }
    if (field && n < cap) {
        k = snprintf(err->message + n, cap - n, "%s: ", field);
        n += k > 0 ? ((size_t)k < cap - n ? (size_t)k : cap - n - 1) : 0;
    }
    if (n < cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message + n, cap - n, fmt, ap);
        va_end(ap);
    }
}

int truce_file_hash(const char *path, char out[17], truce_error *err)
{
    const char *why = NULL;
    FILE *f = csv_fopen_regular(path, &why);
    if (!f) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot open: %s", why);
        return -1;
    }
    uint64_t h = 1469598103934665603ull;
    unsigned char buf[1 << 14];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++) h = (h ^ buf[i]) * 1099511628211ull;
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "cannot read");
        return -1;
    }
    static const char hex[] = "0123456789abcdef";
    for (int k = 0; k < 16; k++) out[k] = hex[(h >> (60 - 4 * k)) & 0xfu];
    out[16] = '\0';
    return 0;
}
