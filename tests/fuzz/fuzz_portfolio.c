/* Fuzz the portfolio reader (src/model/portfolio.c, docs/portfolios.md): any bytes must
 * give a portfolio or an error with a message, never a crash, a leak or a hang. A
 * portfolio that loads is applied to a copy of the scenario, which must then hold its
 * levers (or refuse an id it already has, with a message). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void expect_error(const truce_error *err)
{
    if (err->code != TRUCE_EINPUT && err->code != TRUCE_ERUNTIME) abort();
    if (err->message[0] == '\0') abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    truce_error err = {0};
    truce_portfolio *p = truce_portfolio_load_memory("fuzz.yaml", (const char *)data, size,
                                                     scenario(), &err);
    if (!p) {
        expect_error(&err);
        return 0;
    }
    size_t n = truce_portfolio_lever_count(p);
    if (n == 0 || strlen(truce_portfolio_hash(p)) != 16 || !truce_portfolio_name(p)[0]) abort();
    if (truce_portfolio_first_day(p) == INT32_MAX) abort();
    truce_scenario *c = truce_scenario_copy(scenario(), &err);
    if (!c) abort();
    size_t before = truce_scenario_episode_count(c);
    if (truce_portfolio_apply(p, c, &err) == 0) {
        if (truce_scenario_episode_count(c) != before + n) abort();
    } else {
        expect_error(&err);
        if (truce_scenario_episode_count(c) != before) abort();
    }
    truce_scenario_free(c);
    truce_portfolio_free(p);
    return 0;
}
