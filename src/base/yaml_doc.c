/* yaml_doc — see yaml_doc.h. The tree is built from libyaml events with an explicit stack
 * (no recursion on the input's nesting while building). */
#include "yaml_doc.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct frame {
    ydoc_node *node;
    char *key;          /* mapping: a key waiting for its value */
    long key_line;
} frame;

typedef struct builder {
    const char *name;
    truce_error *err;
    frame stack[YAML_DOC_MAX_DEPTH];
    size_t depth;
    ydoc_node *root;
    size_t nodes;
} builder;

void ydoc_free(ydoc_node *n)
{
    if (!n) return;
    free(n->text);
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys) free(n->keys[i]);
        ydoc_free(n->items[i]);
    }
    free(n->keys);
    free(n->key_lines);
    free(n->items);
    free(n);
}

static int oom(builder *b, long line)
{
    truce_error_set(b->err, TRUCE_ERUNTIME, b->name, line, NULL, "out of memory");
    return -1;
}

static int fail(builder *b, long line, const char *reason)
{
    truce_error_set(b->err, TRUCE_EINPUT, b->name, line, NULL, "%s", reason);
    return -1;
}

static ydoc_node *node_new(builder *b, ydoc_type t, long line)
{
    if (++b->nodes > YAML_DOC_MAX_NODES) {
        fail(b, line, "too many YAML nodes");
        return NULL;
    }
    ydoc_node *n = calloc(1, sizeof *n);
    if (!n) {
        oom(b, line);
        return NULL;
    }
    n->type = t;
    n->line = line;
    return n;
}

static int grow(builder *b, ydoc_node *c)
{
    if (c->n < c->cap) return 0;
    size_t nc = c->cap ? c->cap * 2 : 8;
    ydoc_node **items = realloc(c->items, nc * sizeof *items);
    if (!items) return oom(b, c->line);
    c->items = items;
    if (c->type == YDOC_MAPPING) {
        char **keys = realloc(c->keys, nc * sizeof *keys);
        if (!keys) return oom(b, c->line);
        c->keys = keys;
        long *kl = realloc(c->key_lines, nc * sizeof *kl);
        if (!kl) return oom(b, c->line);
        c->key_lines = kl;
    }
    c->cap = nc;
    return 0;
}

/* Attach a finished (or just opened) node to its parent. Takes ownership of n. */
static int attach(builder *b, ydoc_node *n)
{
    if (b->depth == 0) {
        b->root = n;
        return 0;
    }
    frame *f = &b->stack[b->depth - 1];
    ydoc_node *c = f->node;
    if (c->type == YDOC_SEQUENCE) {
        if (grow(b, c)) {
            ydoc_free(n);
            return -1;
        }
        c->items[c->n++] = n;
        return 0;
    }
    if (!f->key) {
        if (n->type != YDOC_SCALAR) {
            long line = n->line;
            ydoc_free(n);
            return fail(b, line, "a mapping key must be a scalar");
        }
        for (size_t i = 0; i < c->n; i++)
            if (strcmp(c->keys[i], n->text) == 0) {
                truce_error_set(b->err, TRUCE_EINPUT, b->name, n->line, n->text,
                                "duplicate key (first at line %ld)", c->key_lines[i]);
                ydoc_free(n);
                return -1;
            }
        f->key = n->text;
        f->key_line = n->line;
        n->text = NULL;
        ydoc_free(n);
        return 0;
    }
    if (grow(b, c)) {
        ydoc_free(n);
        return -1;
    }
    c->keys[c->n] = f->key;
    c->key_lines[c->n] = f->key_line;
    c->items[c->n++] = n;
    f->key = NULL;
    return 0;
}

static long offset_line(const char *data, size_t len, size_t off)
{
    long line = 1;
    if (off > len) off = len;
    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n') line++;
    return line;
}

static void parser_error(builder *b, const yaml_parser_t *p, const char *data, size_t len)
{
    long line = p->error == YAML_READER_ERROR ? offset_line(data, len, p->problem_offset)
                                              : (long)p->problem_mark.line + 1;
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->context)
        truce_error_set(b->err, TRUCE_EINPUT, b->name, line, NULL, "invalid YAML: %s %s",
                        p->context, problem);
    else
        truce_error_set(b->err, TRUCE_EINPUT, b->name, line, NULL, "invalid YAML: %s",
                        problem);
}

ydoc_node *ydoc_parse(const char *name, const char *data, size_t len, truce_error *err)
{
    builder b = {.name = name, .err = err};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int documents = 0, done = 0, rc = 0;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            parser_error(&b, &parser, data, len);
            rc = -1;
            break;
        }
        long line = (long)ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = 1; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) rc = fail(&b, line, "more than one YAML document");
            break;
        case YAML_ALIAS_EVENT: rc = fail(&b, line, "YAML aliases are not supported"); break;
        case YAML_SCALAR_EVENT: {
            if (ev.data.scalar.tag) {
                rc = fail(&b, line, "YAML tags are not supported");
                break;
            }
            size_t n = ev.data.scalar.length;
            if (memchr(ev.data.scalar.value, '\0', n)) {
                rc = fail(&b, line, "NUL byte in a value");
                break;
            }
            ydoc_node *s = node_new(&b, YDOC_SCALAR, line);
            if (!s) {
                rc = -1;
                break;
            }
            s->text = malloc(n + 1);
            if (!s->text) {
                ydoc_free(s);
                rc = oom(&b, line);
                break;
            }
            memcpy(s->text, ev.data.scalar.value, n);
            s->text[n] = '\0';
            s->len = n;
            s->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            rc = attach(&b, s);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            const yaml_char_t *tag = ev.type == YAML_MAPPING_START_EVENT
                                         ? ev.data.mapping_start.tag
                                         : ev.data.sequence_start.tag;
            if (tag) {
                rc = fail(&b, line, "YAML tags are not supported");
                break;
            }
            if (b.depth == YAML_DOC_MAX_DEPTH) {
                rc = fail(&b, line, "YAML nested too deeply");
                break;
            }
            ydoc_node *c = node_new(&b, ev.type == YAML_MAPPING_START_EVENT ? YDOC_MAPPING
                                                                            : YDOC_SEQUENCE,
                                    line);
            if (!c) {
                rc = -1;
                break;
            }
            /* Attach first (the parent owns it), then open it. */
            rc = attach(&b, c);
            if (rc == 0) b.stack[b.depth++] = (frame){c, NULL, 0};
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (b.depth > 0) {
                b.depth--;
                free(b.stack[b.depth].key); /* libyaml never leaves one, but be safe */
            }
            break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    while (b.depth > 0) free(b.stack[--b.depth].key);
    if (rc != 0) {
        ydoc_free(b.root);
        return NULL;
    }
    if (!b.root || (b.root->type == YDOC_SCALAR && b.root->plain &&
                    (b.root->len == 0 || strcmp(b.root->text, "~") == 0 ||
                     strcmp(b.root->text, "null") == 0))) {
        ydoc_free(b.root);
        truce_error_set(err, TRUCE_EINPUT, name, 0, NULL, "empty file (no YAML document)");
        return NULL;
    }
    return b.root;
}

const ydoc_node *ydoc_get(const ydoc_node *map, const char *key)
{
    if (!map || map->type != YDOC_MAPPING) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) return map->items[i];
    return NULL;
}

long ydoc_key_line(const ydoc_node *map, const char *key)
{
    if (!map || map->type != YDOC_MAPPING) return 0;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) return map->key_lines[i];
    return 0;
}
