/* Fuzz the strict JSON reader of `truce serve` (cli/serve_json.c): any input must give a
 * value or an error with a message, never a crash, a leak or a hang; a value written back
 * (sj_write) must read again and write to the same bytes (the writer's output is valid
 * JSON and the reader loses nothing it keeps). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/serve_json.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[160];
    sj_value *v = sj_parse((const char *)data, size, msg, sizeof msg);
    if (!v) {
        if (msg[0] == '\0') abort();
        return 0;
    }
    sj_buf a = {0}, b = {0};
    sj_write(&a, v);
    if (a.failed) abort();
    sj_value *w = sj_parse(a.data, a.len, msg, sizeof msg);
    if (!w) abort();
    sj_write(&b, w);
    if (b.failed || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) abort();
    sj_buf_free(&a);
    sj_buf_free(&b);
    sj_free(w);
    sj_free(v);
    return 0;
}
