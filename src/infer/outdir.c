/* outdir — an output folder written through a temporary folder and one rename. */
#include "outdir.h"

#include "outpath.h"
#include "provenance.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void outdir_number(FILE *f, double x)
{
    if (isnan(x)) {
        fputs("NA", f);
        return;
    }
    if (x == 0.0) x = 0.0; /* no "-0" */
    if (fabs(x) < 1e15 && x == floor(x)) fprintf(f, "%.0f", x);
    else fprintf(f, "%.10g", x);
}

void outdir_json_string(FILE *f, const char *s) { json_put_string(f, s); }

int outdir_write(const char *dir, const outdir_file *files, size_t nfiles, const void *ctx,
                 truce_error *err)
{
    const char *own[OUT_DIR_MAX_FILES + 1];
    if (nfiles > OUT_DIR_MAX_FILES) {
        truce_error_set(err, TRUCE_ERUNTIME, dir, 0, NULL, "too many files in one output folder");
        return -1;
    }
    for (size_t i = 0; i < nfiles; i++) own[i] = files[i].name;
    own[nfiles] = NULL;
    out_dir o;
    if (out_dir_begin(&o, dir, own, err)) return -1;
    for (size_t i = 0; i < nfiles; i++) {
        FILE *f = out_dir_create(&o, files[i].name, err);
        if (!f) {
            out_dir_abort(&o);
            return -1;
        }
        int rc = files[i].write(f, ctx, err);
        if (rc != 0) {
            fclose(f);
            out_dir_abort(&o);
            return -1;
        }
        if (out_dir_close(&o, f, files[i].name, err)) {
            out_dir_abort(&o);
            return -1;
        }
    }
    return out_dir_commit(&o, err);
}

int outdir_check(const char *dir, const outdir_file *files, size_t nfiles, truce_error *err)
{
    const char *own[OUT_DIR_MAX_FILES + 1];
    if (nfiles > OUT_DIR_MAX_FILES) nfiles = OUT_DIR_MAX_FILES;
    for (size_t i = 0; i < nfiles; i++) own[i] = files[i].name;
    own[nfiles] = NULL;
    return out_dir_check(dir, own, err);
}
