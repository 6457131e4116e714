/* outdir — write an output folder of several files all at once, through the output
 * module (src/base/outpath: a mkdtemp folder beside the target, swapped in atomically, no
 * links followed, cleaned up on signals), so that a failure leaves the earlier folder as
 * it was and a reader never sees half of one. */
#ifndef TRUCE_OUTDIR_H
#define TRUCE_OUTDIR_H

#include <stdio.h>
#include "truce.h"

typedef struct outdir_file {
    const char *name;                                   /* e.g. "bands.csv" */
    int (*write)(FILE *f, const void *ctx, truce_error *err);   /* 0, or -1 with err */
} outdir_file;

/* Write every file, then put the folder in place: an existing dir is replaced only if it
 * holds nothing but files of this list (else TRUCE_EINPUT, and it is left as it was). The
 * folder that holds dir must exist. */
int outdir_write(const char *dir, const outdir_file *files, size_t nfiles, const void *ctx,
                 truce_error *err);
/* The same checks, creating nothing: to refuse a bad --out before the work. */
int outdir_check(const char *dir, const outdir_file *files, size_t nfiles, truce_error *err);

/* Numbers as series.csv prints them: whole numbers as integers, others with 10
 * significant digits; no "-0". NAN prints "NA". */
void outdir_number(FILE *f, double x);
/* A JSON string literal. */
void outdir_json_string(FILE *f, const char *s);

#endif
