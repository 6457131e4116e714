/* yaml_doc — a small, strict YAML tree for configuration files (built on libyaml's event
 * API).
 *
 * One document of scalars, mappings and sequences, each node with its 1-based line.
 * Stricter than YAML itself, on purpose: mapping keys are plain scalars and unique (libyaml
 * does not reject duplicates: this does), aliases and tags are refused, nesting is bounded
 * (YAML_DOC_MAX_DEPTH), a scalar holding a NUL byte is refused, and a stream with more than
 * one document is refused. Errors are TRUCE_EINPUT "name:line: reason".
 */
#ifndef TRUCE_YAML_DOC_H
#define TRUCE_YAML_DOC_H

#include <stddef.h>
#include "truce.h"

#define YAML_DOC_MAX_DEPTH 32
#define YAML_DOC_MAX_NODES 10000

typedef enum ydoc_type { YDOC_SCALAR, YDOC_MAPPING, YDOC_SEQUENCE } ydoc_type;

typedef struct ydoc_node ydoc_node;
struct ydoc_node {
    ydoc_type type;
    long line;            /* 1-based line where the node starts */
    /* scalar */
    char *text;           /* NUL-terminated (no NUL inside) */
    size_t len;
    int plain;            /* 1: plain (unquoted, not block) scalar */
    /* mapping: keys[i] -> items[i]; sequence: items[i] */
    char **keys;
    long *key_lines;
    ydoc_node **items;
    size_t n, cap;
};

/* Parse `len` bytes. Returns the root node (never NULL on success), or NULL with err set.
 * An empty stream (no document, or a document that is only `~`/nothing) is an error. */
ydoc_node *ydoc_parse(const char *name, const char *data, size_t len, truce_error *err);
void ydoc_free(ydoc_node *n);

/* The value of key in a mapping, or NULL. */
const ydoc_node *ydoc_get(const ydoc_node *map, const char *key);
/* Line of key in a mapping (0 if absent). */
long ydoc_key_line(const ydoc_node *map, const char *key);

#endif
