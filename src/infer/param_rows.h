/* param_rows — rows of parameter vectors read from a CSV (see param_rows.c). */
#ifndef TRUCE_PARAM_ROWS_H
#define TRUCE_PARAM_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "truce.h"

typedef struct param_rows {
    size_t nrows;
    double *rows;              /* [nrows][truce_param_count()] full vectors */
    double *weights;           /* [nrows]: the `weight` column, 1 without one */
    int weighted;              /* the file has a `weight` column */
    char params_name[256];     /* the file's last path component */
    char params_hash[17];      /* truce_file_hash of the file */
    double *cumulative;        /* [nrows]: running sums of the weights, in row order */
} param_rows;

/* Read `path`; each row starts from `defaults` (truce_param_count() values) with the
 * file's columns replaced; every row is checked (bounds, truce_params_check). The weights
 * must be finite, >= 0 and add up to a positive number. 0, or -1 with err. */
int param_rows_read(param_rows *t, const char *path, const double *defaults, truce_error *err);
/* The same from memory (`name` stands for the path; its last component is params_name). */
int param_rows_read_memory(param_rows *t, const char *name, const char *data, size_t len,
                           const double *defaults, truce_error *err);
/* The row (0-based) that run `run` of seed `seed` uses when rows are drawn by weight: u
 * uniform from the stream (seed, run, 0, 0, PUR_POSTERIOR), the first row whose running
 * weight exceeds u x total. A function of (seed, run) alone: any thread or process. */
size_t param_rows_draw(const param_rows *t, uint64_t seed, uint64_t run);
void param_rows_free(param_rows *t);

#endif
