/* report_json — a small JSON reader for the report (assessment.json): a tree of values,
 * with the line of every error. Only what truce_report_render needs: objects, arrays,
 * strings, numbers (kept as their text), true, false, null. */
#ifndef TRUCE_REPORT_JSON_H
#define TRUCE_REPORT_JSON_H

#include <stddef.h>
#include <stdio.h>
#include "truce.h"

enum { RJ_NULL, RJ_FALSE, RJ_TRUE, RJ_NUMBER, RJ_STRING, RJ_ARRAY, RJ_OBJECT };

typedef struct rj_value {
    int type;
    char *text;               /* RJ_STRING: the string (UTF-8, NUL-free); RJ_NUMBER: its text */
    size_t n;                 /* RJ_ARRAY / RJ_OBJECT: number of items */
    char **keys;              /* RJ_OBJECT: the keys */
    struct rj_value *items;   /* RJ_ARRAY / RJ_OBJECT: the items */
} rj_value;

/* Parse text (len bytes). Returns 0, or -1 with err "NAME:LINE: reason" (TRUCE_EINPUT). */
int rj_parse(const char *name, const char *text, size_t len, rj_value *out, truce_error *err);
void rj_free(rj_value *v);
/* The member `key` of an object, or NULL (also when v is not an object). */
const rj_value *rj_get(const rj_value *v, const char *key);
/* The member's string (or number text), or NULL. */
const char *rj_str(const rj_value *v, const char *key);
/* Write v as JSON with every '<' escaped (\u003c), so that it may sit inside a <script>. */
void rj_write(FILE *f, const rj_value *v);
/* Write s as a JSON string, '<' escaped as above. */
void rj_write_string(FILE *f, const char *s);

#endif
