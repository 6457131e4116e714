/* series — count series (public API in truce.h, "evidence: episodes") and period labels. */
#ifndef TRUCE_SERIES_H
#define TRUCE_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "truce.h"

/* Parse a period label: `YYYY-MM-DD`, `YYYY-Www` (ISO week), `YYYY-MM`, `YYYY-Qn`, `YYYY`.
 * Sets the first and last day it covers; returns 0, or -1 when malformed. */
int series_parse_period(const char *text, size_t len, int32_t *first, int32_t *last);

/* The label of a period given by its days, in the reported-series form: `YYYY` for a whole
 * year, `YYYY-Qn`, `YYYY-MM`, `YYYY-MM-DD` for one day; otherwise "" (returns -1). */
int series_period_label(int32_t first, int32_t last, char out[16]);

/* Build a reported table in memory (the observation models make one). */
truce_reported *reported_new(const char *name);
int reported_add(truce_reported *t, const char *source, const char *metric, const char *geography,
                 int32_t first, int32_t last, double value);
/* The table in the reported-series form into f (truce_reported_write's rows); `name` names
 * the file in messages. -1 (err) for a period with no label; write errors stay in f. */
int reported_write_file(const truce_reported *t, FILE *f, const char *name, const char *note,
                        truce_error *err);

#endif
