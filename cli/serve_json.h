/* serve_json — a small strict JSON reader and writer for `truce serve` (no dependencies).
 *
 * Reader: RFC 8259 exactly — one value with optional white space around it; no comments,
 * trailing commas, single quotes, NaN/Infinity, leading zeros or lone surrogates; strings
 * must be valid UTF-8 and may not contain U+0000 (they become C strings); an object may not
 * repeat a key; nesting is limited to SJ_MAX_DEPTH levels. Errors give the byte offset.
 * Writer: a growing buffer with JSON string escaping and numbers in their shortest form
 * (NaN and infinities as null). */
#ifndef TRUCE_SERVE_JSON_H
#define TRUCE_SERVE_JSON_H

#include <stddef.h>

enum { SJ_MAX_DEPTH = 32 };

typedef enum sj_type { SJ_NULL, SJ_FALSE, SJ_TRUE, SJ_NUMBER, SJ_STRING, SJ_ARRAY, SJ_OBJECT } sj_type;

typedef struct sj_value {
    sj_type type;
    double number;            /* SJ_NUMBER */
    char *string;             /* SJ_STRING (NUL-terminated, no NUL inside) */
    size_t len;               /* SJ_STRING: bytes; SJ_ARRAY, SJ_OBJECT: members */
    struct sj_value *items;   /* SJ_ARRAY, SJ_OBJECT: members in document order */
    char **keys;              /* SJ_OBJECT: key of each member */
} sj_value;

/* Parse text[0..len). NULL on error, with "offset N: reason" in msg. */
sj_value *sj_parse(const char *text, size_t len, char *msg, size_t msgcap);
void sj_free(sj_value *v);
/* Member of an object by key, or NULL (also when v is not an object). */
const sj_value *sj_get(const sj_value *v, const char *key);
const char *sj_type_name(sj_type t);

/* ---- writer --------------------------------------------------------------------------- */
typedef struct sj_buf {
    char *data;
    size_t len, cap;
    int failed;               /* set when an allocation failed: the text is incomplete */
} sj_buf;
void sj_buf_free(sj_buf *b);
void sj_raw(sj_buf *b, const char *text);
void sj_rawn(sj_buf *b, const char *text, size_t n);
void sj_printf(sj_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal of text (NULL writes null). */
void sj_str(sj_buf *b, const char *text);
/* A number in the shortest form that reads back to x; null for NaN and infinities. */
void sj_num(sj_buf *b, double x);
/* Any parsed value, compactly. */
void sj_write(sj_buf *b, const sj_value *v);

#endif
