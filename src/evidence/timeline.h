/* timeline — the episode timeline reader (public API in truce.h, section "evidence:
 * episodes"), shared by `truce episodes` and, later, the scenario loader. */
#ifndef TRUCE_TIMELINE_H
#define TRUCE_TIMELINE_H

#include "truce.h"

/* The compiled-in copy of a shipped file, by its EMBED name (Makefile), or NULL. */
const truce_memfile *embedded_lookup(const char *name);

/* Name of the embedded timeline and reported series. */
#define TIMELINE_EMBEDDED_NAME "../data/pak_ttp_timeline.csv"
#define SERIES_EMBEDDED_NAME "../data/pakistan_series.csv"

#endif
