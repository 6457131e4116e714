/* result — what one run records (truce_record): values per recorded period, region row and
 * variable column, and the totals through each mechanism's flows. */
#ifndef TRUCE_RESULT_H
#define TRUCE_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

struct truce_result {
    truce_record rec;            /* as asked, with from/to clipped to the horizon */
    int32_t start, end;          /* the scenario's horizon */
    size_t nregions;             /* regions of the scenario; region index nregions is "all" */
    char region_names[SCENARIO_MAX_REGIONS][SCENARIO_NAME_MAX];
    size_t nperiods;
    int32_t *pfirst, *plast;     /* days of each recorded period, clipped to [from, to] */
    size_t nvars;                /* recorded variables, in enum order */
    truce_variable vars[TRUCE_VAR_COUNT];
    int col_of[TRUCE_VAR_COUNT]; /* column of a variable, -1 if not recorded */
    size_t nrows;                /* recorded regions, in index order, then "all" */
    int row_of[SCENARIO_MAX_REGIONS + 1]; /* row of a region (nregions: "all"), -1 if not */
    double *values;              /* [period][row][column]; NAN where a variable has no
                                    value for a region (organisation-wide ones) */
    double flows[TRUCE_FLOW_COUNT];
    uint64_t draws;              /* 32-bit random words drawn */
    uint64_t seed;
    uint32_t run;
    int mean_field;
    char params_hash[17];        /* of the parameter vector the run used */
    /* Several organisations (scenario.h): the same record for each one alone, in the same
     * layout (variables of the shared state are NAN there); NULL with one organisation,
     * whose values are those above, and in a result made without them (result_new). */
    size_t norgs;
    char org_names[SCENARIO_MAX_ORGS][SCENARIO_NAME_MAX];
    int org;                     /* -1, or the organisation this one is part of a run for */
    struct truce_result *by_org[SCENARIO_MAX_ORGS];
};

/* An empty result for a run of s recording rec (values zero, NAN where undefined). */
/* by_org: also each organisation's own record (a run of several organisations); without it
 * the result has only the record over every organisation. */
struct truce_result *result_new(const truce_scenario *s, const truce_record *rec, int by_org, truce_error *err);
struct truce_result *result_copy(const struct truce_result *r);

#endif
