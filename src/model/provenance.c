/* provenance — see provenance.h. */
#include "provenance.h"

#include <string.h>

void json_put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

void json_put_list(FILE *f, const char *key, const char *const *items, size_t n)
{
    fprintf(f, "  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        json_put_string(f, items[i]);
    }
    fputs("],\n", f);
}

void provenance_put_overrides(FILE *f, const truce_provenance *prov, const char *set_key,
                              const char *without_key, int with_to)
{
    json_put_list(f, set_key, prov ? prov->sets : NULL, prov ? prov->nsets : 0);
    json_put_list(f, without_key, prov ? prov->withouts : NULL, prov ? prov->nwithouts : 0);
    if (!with_to) return;
    fputs("  \"to\": ", f);
    if (prov && prov->to) json_put_string(f, prov->to);
    else fputs("null", f);
    fputs(",\n", f);
}

void provenance_put_inputs(FILE *f, const truce_provenance *prov)
{
    fputs("  \"inputs\": {", f);
    for (size_t i = 0; prov && i < prov->ninputs; i++) {
        /* "NAME:HASH": the hash is after the last colon */
        const char *colon = strrchr(prov->inputs[i], ':');
        fputs(i ? ", " : "", f);
        if (!colon) {
            json_put_string(f, prov->inputs[i]);
            fputs(": null", f);
            continue;
        }
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)(colon - prov->inputs[i]), prov->inputs[i]);
        json_put_string(f, name);
        fputs(": ", f);
        json_put_string(f, colon + 1);
    }
    fputs("}", f);
}
