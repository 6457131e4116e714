/* sensitivity — internals of truce_sens (include/truce.h, "global sensitivity"). */
#ifndef TRUCE_SENSITIVITY_H
#define TRUCE_SENSITIVITY_H

#include <stddef.h>

#include "truce.h"

struct truce_sens {
    truce_sens_method method;
    size_t dim, n;
    char **names;             /* dim */
    char **pair_names;        /* "a:b" for S2, npairs */
    size_t npairs;
    truce_sens_row *rows;     /* parameter points at names[] or pair_names[] */
    size_t nrows;
    size_t *rank;             /* inputs by decreasing mu* (Morris) or ST (Sobol) */
    int *screened;            /* Morris only */
    double *y;                /* every evaluation, in design order */
    size_t ny;
    double mean, variance;    /* of y */
};

#endif
