/* Fuzz the timeline reader and the reported-series reader (and the series built from it):
 * any input must give a result or a TRUCE_EINPUT error with a message, never a crash, a
 * leak or a hang. The first byte picks the reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "truce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    truce_error err = {0};
    if (data[0] & 1) {
        truce_reported *t = truce_reported_load_memory("fuzz.csv", text, len, &err);
        if (!t) {
            if (err.code != TRUCE_EINPUT && err.code != TRUCE_ERUNTIME) abort();
            return 0;
        }
        truce_series *s = truce_reported_series(t, "P", "attacks", "Pakistan", &err);
        if (s) {
            int32_t prev = INT32_MIN, f, l;
            double v;
            for (size_t i = 0; i < truce_series_count(s); i++) {
                truce_series_period(s, i, &f, &l, &v);
                if (f <= prev || l < f || v < 0) abort(); /* ordered, non-overlapping */
                prev = l;
            }
            truce_series_free(s);
        }
        truce_reported_free(t);
        return 0;
    }
    truce_timeline *tl = truce_timeline_load_memory("fuzz.csv", text, len, &err);
    if (!tl) {
        if (err.code != TRUCE_EINPUT && err.code != TRUCE_ERUNTIME) abort();
        if (err.message[0] == '\0') abort();
        return 0;
    }
    for (size_t i = 0; i < truce_timeline_count(tl); i++) {
        const truce_episode *e = truce_timeline_episode(tl, i);
        if (e->start_last < e->start_first) abort();
        if (e->has_end && e->end_last < e->start_first) abort();
        if (strlen(e->id) == 0 || strlen(e->kind) == 0) abort();
    }
    truce_timeline_free(tl);
    return 0;
}
