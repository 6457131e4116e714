/* outdir — write an output folder of several files all at once: into a temporary folder
 * beside the target, renamed into place at the end, so that a failure leaves no folder
 * and a reader never sees half of one. The one place where infer/ and assess/ write
 * folders: when the hardened helper of truce_result_write lands, switch here. */
#ifndef TRUCE_OUTDIR_H
#define TRUCE_OUTDIR_H

#include <stdio.h>
#include "truce.h"

typedef struct outdir_file {
    const char *name;                                   /* e.g. "bands.csv" */
    int (*write)(FILE *f, const void *ctx, truce_error *err);   /* 0, or -1 with err */
} outdir_file;

/* Create the parents of dir if missing, write every file into "<dir>.tmp-<pid>", then
 * replace dir: an existing dir is replaced only if it holds nothing but files of this
 * list (else TRUCE_EINPUT, and it is left as it was). */
int outdir_write(const char *dir, const outdir_file *files, size_t nfiles, const void *ctx,
                 truce_error *err);

/* Numbers as series.csv prints them: whole numbers as integers, others with 10
 * significant digits; no "-0". NAN prints "NA". */
void outdir_number(FILE *f, double x);
/* A JSON string literal. */
void outdir_json_string(FILE *f, const char *s);

#endif
