/* hash — the canonical FNV-1a 64 serialisation of hash.h. */
#include "hash.h"

#include <math.h>
#include <string.h>

void hash_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 0x100000001b3ull;
    }
}

void hash_u64(uint64_t *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    hash_bytes(h, b, 8);
}

void hash_i64(uint64_t *h, int64_t v) { hash_u64(h, (uint64_t)v); }

void hash_f64(uint64_t *h, double v)
{
    uint64_t bits;
    if (isnan(v)) bits = 0x7ff8000000000000ull;
    else if (v == 0) bits = 0;
    else memcpy(&bits, &v, sizeof bits);
    hash_u64(h, bits);
}

void hash_str(uint64_t *h, const char *s)
{
    size_t n = strlen(s);
    hash_u64(h, n);
    hash_bytes(h, s, n);
}
