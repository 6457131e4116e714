/* asset — the files compiled into the library, looked up by name (truce_asset). */
#include <string.h>

#include "embedded.h"
#include "truce.h"

const char *truce_asset(const char *name, size_t *len)
{
    if (!name) return NULL;
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, name) == 0) {
            if (len) *len = embedded_files[i].len;
            return embedded_files[i].data;
        }
    return NULL;
}
