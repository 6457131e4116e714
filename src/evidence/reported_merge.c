/* reported_merge — several reported-series tables as one (`--data FILE` given more than
 * once): rows in the order of the tables, then of their rows. */
#include <stdlib.h>

#include "series.h"

truce_reported *truce_reported_merge(const truce_reported *const *tables, size_t n, truce_error *err)
{
    truce_reported *out = reported_new("merged");
    if (!out) goto oom;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < truce_reported_count(tables[k]); i++) {
            truce_reported_entry e;
            truce_reported_row(tables[k], i, &e);
            if (reported_add(out, e.source, e.metric, e.geography, e.first, e.last, e.value)) goto oom;
        }
    return out;
oom:
    truce_reported_free(out);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    return NULL;
}
