/* horizon — say which episodes and policies stop when a run goes past its scenario's end. */
#include <stdio.h>

#include "cli.h"

void cli_warn_horizon(const truce_scenario *s, int32_t scenario_end)
{
    if (truce_scenario_end(s) <= scenario_end) return;
    enum { SHOWN = 12 };
    const char *ids[SHOWN];
    int32_t ends[SHOWN];
    size_t n = truce_scenario_ending_before_horizon(s, scenario_end, ids, ends, SHOWN);
    char e0[11], e1[11];
    truce_date_format(scenario_end, e0);
    truce_date_format(truce_scenario_end(s), e1);
    fprintf(stderr, "truce: warning: the run goes on to %s, past the scenario's end (%s)", e1, e0);
    if (n == 0) {
        fprintf(stderr, "; no policy or episode stops before then (open-ended ones go on)\n");
        return;
    }
    fprintf(stderr, "; %zu polic%s and episode%s running then stop at their recorded end:",
            n, n == 1 ? "y" : "ies", n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < SHOWN; i++) {
        char d[11];
        truce_date_format(ends[i], d);
        fprintf(stderr, "%s %s (ends %s)", i ? "," : "", ids[i], d);
    }
    fprintf(stderr, "%s\n", n > SHOWN ? ", ..." : "");
}
