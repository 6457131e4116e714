/* result — what one run produces: daily values per region and variable, and the totals
 * through each mechanism's flows. */
#ifndef TRUCE_RESULT_H
#define TRUCE_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

struct truce_result {
    int32_t start;               /* first simulated day */
    size_t ndays;
    size_t nregions;             /* regions of the scenario; row nregions is "all" */
    double *values;              /* [day][nregions + 1][TRUCE_VAR_COUNT] */
    double flows[TRUCE_FLOW_COUNT];
    uint64_t draws;              /* 32-bit random words drawn */
    uint64_t seed;
    uint32_t run;
    int mean_field;
};

static inline size_t result_index(const struct truce_result *r, size_t day, size_t reg,
                                  size_t var)
{
    return (day * (r->nregions + 1) + reg) * TRUCE_VAR_COUNT + var;
}

#endif
