/* error — the one error record every fallible call fills. */
#include "truce.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
