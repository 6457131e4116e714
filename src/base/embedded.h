/* embedded — the default scenario and its tables, compiled in (build/embedded.c, generated
 * by tools/embed.c from the files listed in the Makefile's EMBED). The first file is the
 * scenario; names are relative to its folder. */
#ifndef TRUCE_EMBEDDED_H
#define TRUCE_EMBEDDED_H

#include <stddef.h>
#include "truce.h"

extern const truce_memfile embedded_files[];
extern const size_t embedded_count;

#endif
