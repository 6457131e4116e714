/* hash — FNV-1a 64 over a canonical byte serialisation, for the content hashes of scenarios
 * and portfolios: integers as 8 little-endian bytes, doubles by their IEEE bits (every NaN
 * as one quiet NaN, -0 as +0), strings with their length first. Nothing depends on struct
 * layout, padding or the host's byte order. Start from HASH_FNV_OFFSET. */
#ifndef TRUCE_HASH_H
#define TRUCE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_OFFSET 0xcbf29ce484222325ull

void hash_bytes(uint64_t *h, const void *p, size_t n);
void hash_u64(uint64_t *h, uint64_t v);
void hash_i64(uint64_t *h, int64_t v);
void hash_f64(uint64_t *h, double v);
void hash_str(uint64_t *h, const char *s);

#endif
