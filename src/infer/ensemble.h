/* ensemble — N runs of one scenario into per-run slots, and their bands (truce.h,
 * "ensembles"). Internal: the slot layout and the parameter table of a run. */
#ifndef TRUCE_ENSEMBLE_H
#define TRUCE_ENSEMBLE_H

#include <stddef.h>
#include <stdint.h>

#include "param_rows.h"
#include "truce.h"

/* One banded cell: a region (index nregions is "all") and a variable. */
typedef struct ens_cell {
    uint32_t region;
    truce_variable var;
} ens_cell;

struct truce_ensemble {
    truce_ensemble_options opt;
    truce_scenario *sc;          /* a copy */
    size_t R;                    /* the scenario's regions */
    size_t P;                    /* parameters */
    double *scenario_params;     /* [P] */
    param_rows pr;               /* TRUCE_PARAMS_FILE, TRUCE_PARAMS_POSTERIOR */
    unsigned char *keep;         /* [P]: 1 keeps the scenario's value under the prior */
    /* the bands' layout: periods of opt.by, then cells in series.csv order */
    size_t nper;
    int32_t *pstart;             /* first day of each period (as series.csv's period_start) */
    size_t ncols;
    ens_cell *cols;
    size_t nvars;                /* banded variables, in enum order */
    truce_variable vars[TRUCE_VAR_COUNT];
    /* per run: nper * ncols values, then nvars totals */
    size_t nvalues;
    double *values;              /* [runs][nvalues] */
    uint64_t *draws;             /* [runs] */
    unsigned char *done;         /* [runs] */
};

/* The parameter vector of run i into out[P]; returns the params_row (1-based data row of
 * the file) or 0 when not from a file. */
size_t ens_params_of(const struct truce_ensemble *e, uint64_t run, double *out);

#endif
