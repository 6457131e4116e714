/* reported_concat — several reported-series tables as one (`truce fit --data A --data B`):
 * the rows of each in order, nothing merged, averaged or spliced (a series of one source
 * stays that source's). */
#include <stdlib.h>

#include "series.h"

truce_reported *truce_reported_concat(const truce_reported *const *tables, size_t n, truce_error *err)
{
    truce_error_clear(err);
    truce_reported *out = reported_new(n == 1 ? "data" : "data (concatenated)");
    if (!out) goto oom;
    for (size_t k = 0; k < n; k++) {
        const size_t rows = truce_reported_count(tables[k]);
        for (size_t i = 0; i < rows; i++) {
            truce_reported_entry e;
            if (truce_reported_row(tables[k], i, &e) != 0) continue;
            if (reported_add(out, e.source, e.metric, e.geography, e.first, e.last, e.value) != 0) goto oom;
        }
    }
    return out;
oom:
    truce_reported_free(out);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
    return NULL;
}
