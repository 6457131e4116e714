/* Fuzz the small parsers of the engine's commands: the parameter file of `truce ensemble
 * --params` (a CSV of parameter names and values, with an optional weight column), the
 * OUTPUT of `truce sensitivity` (`attacks:2023-01:2025-12`, `fighters@2025-12`) and the
 * NAME=VALUE of `--set`. Any input must give a result or an error with a message, never a
 * crash, a leak or a hang. The first byte picks the parser. The parameter file is read
 * from disk (the ensemble reads files), so each input is written to one scratch file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "truce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static truce_scenario *scenario(void)
{
    static truce_scenario *s; /* loaded once: the fuzzer's own process, not the library's */
    if (!s) {
        truce_error err;
        s = truce_scenario_load_default(&err);
        if (!s) abort();
    }
    return s;
}

static char path[64];

static void expect_error(const truce_error *err)
{
    if (err->code != TRUCE_EINPUT && err->code != TRUCE_ERUNTIME) abort();
    if (err->message[0] == '\0') abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    truce_error err = {0};
    switch (data[0] % 3) {
    case 0: {
        if (!path[0]) snprintf(path, sizeof path, "/tmp/truce-fuzz-params-%ld.csv", (long)getpid());
        FILE *f = fopen(path, "wb");
        if (!f) abort();
        fwrite(text, 1, len, f);
        fclose(f);
        truce_ensemble_options o;
        truce_ensemble_options_init(&o);
        o.runs = 3;
        o.params_source = TRUCE_PARAMS_FILE;
        o.params_file = path;
        truce_ensemble *e = truce_ensemble_new(scenario(), &o, &err);
        remove(path); /* libFuzzer may end the process without exit handlers */
        if (e) truce_ensemble_free(e);
        else expect_error(&err);
        break;
    }
    case 1: {
        char *s = malloc(len + 1);
        if (!s) return 0;
        memcpy(s, text, len);
        s[len] = '\0';
        truce_sens_output out;
        if (truce_sens_output_parse(s, &out, &err) == 0) {
            if ((unsigned)out.variable >= TRUCE_VAR_COUNT) abort();
            if (!out.at && out.to < out.from) abort();
        } else {
            expect_error(&err);
        }
        free(s);
        break;
    }
    default: {
        char *s = malloc(len + 1);
        if (!s) return 0;
        memcpy(s, text, len);
        s[len] = '\0';
        truce_scenario *c = truce_scenario_copy(scenario(), &err);
        if (!c) abort();
        if (truce_scenario_set(c, s, &err) != 0) expect_error(&err);
        truce_scenario_free(c);
        free(s);
        break;
    }
    }
    return 0;
}
