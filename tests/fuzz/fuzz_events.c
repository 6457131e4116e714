/* Fuzz target: the event-file readers (UCDP GED and ACLED paths) and the aggregation.
 *
 * Input layout: 4 option bytes, then the file. Byte 0 picks the format (auto, ucdp,
 * acled), byte 1 the grouping, byte 2 the period, byte 3 flags: bit 0 --strict, bit 1
 * --fill (only by month or coarser, and bounded by --from/--to so a fuzzed date range
 * cannot ask for millions of cells), bit 2 split the file in two at its middle (two
 * files in one run), bits 3-5 filters, bit 6 two group keys (byte 1 mod 12 and byte 1 / 12
 * mod 12, when both are keys and differ), bit 7 the country as a code (PAK, or 770
 * without bit 3). Byte 2 / 5 also picks the estimate, / 15 and / 60 precision bounds. The table must come back sorted by group then
 * period, with events never zero unless --fill made the row.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "truce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const char *message)
{
    size_t *n = ctx;
    *n += strlen(message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    truce_events_options opt;
    truce_events_options_init(&opt);
    size_t chars = 0;
    opt.warn = ignore;
    opt.warn_ctx = &chars;
    opt.format = (truce_event_format)(data[0] % 3);
    opt.group = (truce_event_group)(data[1] % 12);
    if ((data[3] & 64) && data[1] % 12 != 0 && (data[1] / 12) % 12 != 0 &&
        data[1] % 12 != (data[1] / 12) % 12) {
        /* two keys instead of one */
        opt.keys[0] = (truce_event_group)(data[1] % 12);
        opt.keys[1] = (truce_event_group)((data[1] / 12) % 12);
        opt.nkeys = 2;
    }
    opt.by = (truce_period)(data[2] % 5);
    opt.estimate = (truce_event_estimate)((data[2] / 5) % 3);
    opt.max_where_prec = (data[2] / 15) % 4;       /* 0: no bound */
    opt.max_date_prec = (data[2] / 60) % 4;
    uint8_t flags = data[3];
    opt.strict = flags & 1;
    if ((flags & 2) && opt.by >= TRUCE_BY_MONTH) {
        opt.fill = 1;
        truce_precision p;
        int32_t last;
        truce_date_parse("2015", &opt.from, &last, &p);
        truce_date_parse("2024", &last, &opt.to, &p);
        opt.has_from = opt.has_to = 1;
    }
    if (flags & 8) opt.country = (flags & 128) ? "PAK" : "Pakistan";
    else if (flags & 128) opt.country = "770";
    if (flags & 16) opt.actor = "TTP";
    if (flags & 32) {
        if (opt.format == TRUCE_EVENTS_ACLED) opt.event_type = "Battles";
        else opt.type = "1";
    }
    const char *text = (const char *)data + 4;
    size_t len = size - 4;
    truce_memfile files[2] = {{"fuzz-a.csv", text, len}, {"fuzz-b.csv", NULL, 0}};
    size_t nfiles = 1;
    if (flags & 4) {
        files[0].len = len / 2;
        files[1].data = text + len / 2;
        files[1].len = len - len / 2;
        nfiles = 2;
    }
    truce_error err;
    truce_error_clear(&err);
    truce_event_table *t = truce_events_aggregate_memory(files, nfiles, &opt, &err);
    if (!t) {
        if (err.code != TRUCE_EINPUT && err.code != TRUCE_ERUNTIME) abort();
        if (!err.message[0]) abort();
        return 0;
    }
    const truce_event_row *prev = NULL;
    for (size_t i = 0; i < truce_event_table_count(t); i++) {
        const truce_event_row *r = truce_event_table_row(t, i);
        char label[16];
        truce_period_label(r->period, opt.by, label);
        if (r->events == 0 && !opt.fill) abort();
        if (r->events == 0 && r->deaths != 0) abort();
        if (prev) {
            int c = 0;
            for (size_t k = 0; k < (opt.nkeys ? opt.nkeys : 1) && !c; k++)
                c = strcmp(prev->keys[k], r->keys[k]);
            if (c > 0 || (c == 0 && prev->period >= r->period)) abort();
        }
        prev = r;
    }
    if (truce_event_table_rows_invalid(t) > truce_event_table_rows_read(t)) abort();
    truce_event_table_free(t);
    return 0;
}
