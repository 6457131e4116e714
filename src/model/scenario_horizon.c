/* scenario_horizon — what stops before the end of the simulated horizon (see truce.h). */
#include "truce.h"

#include "scenario.h"

size_t truce_scenario_ending_before_horizon(const truce_scenario *s, int32_t since,
                                            const char **ids, int32_t *ends, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nepisodes; i++) {
        const episode *e = &s->episodes[i];
        if (e->open_end || e->end < since || e->end >= s->end || e->lever == LEVER_NONE) continue;
        if (n < cap) {
            if (ids) ids[n] = e->id;
            if (ends) ends[n] = e->end;
        }
        n++;
    }
    return n;
}
