/* series — count series (public API in truce.h, "evidence: episodes") and period labels. */
#ifndef TRUCE_SERIES_H
#define TRUCE_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include "truce.h"

/* Parse a period label: `YYYY-MM-DD`, `YYYY-Www` (ISO week), `YYYY-MM`, `YYYY-Qn`, `YYYY`.
 * Sets the first and last day it covers; returns 0, or -1 when malformed. */
int series_parse_period(const char *text, size_t len, int32_t *first, int32_t *last);

#endif
