/* provenance — the pieces of summary.json that say how an output was made, written the
 * same way by every writer (run, ensemble, compare, sensitivity): JSON strings and lists,
 * the overrides as given, and the inputs read with their hashes. */
#ifndef TRUCE_PROVENANCE_H
#define TRUCE_PROVENANCE_H

#include <stddef.h>
#include <stdio.h>

#include "truce.h"

/* A JSON string literal (quotes, backslashes and control characters escaped). */
void json_put_string(FILE *f, const char *s);
/* `  "KEY": ["a", "b"],` and a newline. */
void json_put_list(FILE *f, const char *key, const char *const *items, size_t n);
/* `  "inputs": {"NAME": "HASH", ...}` (no comma or newline after it); prov may be NULL. */
void provenance_put_inputs(FILE *f, const truce_provenance *prov);
/* The overrides, each line ending ",\n": `set` and `without` under the given keys, and,
 * when with_to, `"to": "..."` or null. prov may be NULL. */
void provenance_put_overrides(FILE *f, const truce_provenance *prov, const char *set_key,
                              const char *without_key, int with_to);

#endif
