/* sens_write — `truce sensitivity`'s output folder: indices.csv and summary.json, written
 * into a temporary folder beside the target and renamed into place (one function,
 * write_folder, holds the folder handling). No wall time and no paths: same bytes for the
 * same inputs, whatever the thread count. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"
#include "provenance.h"
#include "sensitivity.h"

static const char *const out_files[2] = {"indices.csv", "summary.json"};

static void put_number(FILE *f, double x, const char *nan)
{
    if (isnan(x)) {
        fputs(nan, f);
        return;
    }
    if (x == 0.0) x = 0.0; /* no "-0" */
    if (fabs(x) < 1e15 && x == floor(x)) fprintf(f, "%.0f", x);
    else fprintf(f, "%.10g", x);
}


static void json_field(FILE *f, const char *key, const char *value)
{
    if (!value) return;
    fprintf(f, "  \"%s\": ", key);
    json_put_string(f, value);
    fputs(",\n", f);
}

static void write_indices(FILE *f, const truce_sens *s)
{
    fputs("parameter,method,index,estimate,ci_low,ci_high\n", f);
    for (size_t k = 0; k < s->nrows; k++) {
        const truce_sens_row *r = &s->rows[k];
        fprintf(f, "%s,%s,%s,", r->parameter, r->method, r->index);
        put_number(f, r->estimate, "NA");
        fputc(',', f);
        put_number(f, r->ci_low, "NA");
        fputc(',', f);
        put_number(f, r->ci_high, "NA");
        fputc('\n', f);
    }
}

static void write_summary(FILE *f, const truce_sens *s, const truce_sens_options *o,
                          const truce_sens_meta *meta)
{
    const int morris = s->method == TRUCE_SENS_MORRIS;
    fprintf(f, "{\n  \"truce_version\": \"%s\",\n", TRUCE_VERSION);
    json_field(f, "command", meta->command);
    json_field(f, "method", morris ? "morris" : "sobol");
    json_field(f, "function", meta->function);
    json_field(f, "scenario", meta->scenario);
    json_field(f, "scenario_hash", meta->scenario_hash);
    json_field(f, "output", meta->output);
    json_field(f, "alt", meta->alt);
    json_field(f, "scale", meta->scale);
    json_field(f, "over", meta->over);
    fprintf(f, "  \"N\": %zu,\n  \"evaluations\": %zu,\n", s->n, s->ny);
    if (meta->model_runs) fprintf(f, "  \"model_runs\": %zu,\n", meta->model_runs);
    fprintf(f, "  \"seed\": %llu,\n  \"bootstrap\": %u,\n", (unsigned long long)o->seed, o->bootstrap);
    if (morris) {
        fprintf(f, "  \"levels\": %u,\n  \"screen_share\": ", o->levels);
        put_number(f, o->screen_share, "null");
        fputs(",\n", f);
    } else {
        fprintf(f, "  \"second_order\": %s,\n", o->second_order ? "true" : "false");
    }
    fputs("  \"parameters\": [", f);
    for (size_t i = 0; i < s->dim; i++) {
        fputs(i ? ", " : "", f);
        json_put_string(f, s->names[i]);
    }
    fputs("],\n  \"ranking\": [", f);
    for (size_t k = 0; k < s->dim; k++) {
        fputs(k ? ", " : "", f);
        json_put_string(f, s->names[s->rank[k]]);
    }
    fputs("],\n", f);
    if (morris) {
        fputs("  \"screened_out\": [", f);
        int first = 1;
        for (size_t k = 0; k < s->dim; k++) {
            if (!s->screened[s->rank[k]]) continue;
            fputs(first ? "" : ", ", f);
            json_put_string(f, s->names[s->rank[k]]);
            first = 0;
        }
        fputs("],\n", f);
    }
    fputs("  \"output_mean\": ", f);
    put_number(f, s->mean, "null");
    fputs(",\n  \"output_variance\": ", f);
    put_number(f, s->variance, "null");
    if (meta->replicates >= 2) {
        fprintf(f, ",\n  \"noise\": {\"replicates\": %u, \"mean\": ", meta->replicates);
        put_number(f, meta->noise_mean, "null");
        fputs(", \"variance\": ", f);
        put_number(f, meta->noise_variance, "null");
        fputs(", \"share\": ", f);
        put_number(f, s->variance > 0.0 ? meta->noise_variance / s->variance : NAN, "null");
        fputc('}', f);
    }
    fputs("\n}\n", f);
}

/* The folder, through the output module (outdir.c over src/base/outpath): written into a
 * temporary folder beside DIR and swapped in at once; an earlier DIR is replaced only if it
 * holds nothing but these two files. */
typedef struct sens_ctx {
    const truce_sens *s;
    const truce_sens_options *o;
    const truce_sens_meta *meta;
} sens_ctx;

static int put_indices(FILE *f, const void *ctx, truce_error *err)
{
    (void)err;
    write_indices(f, ((const sens_ctx *)ctx)->s);
    return 0;
}

static int put_summary(FILE *f, const void *ctx, truce_error *err)
{
    (void)err;
    const sens_ctx *c = ctx;
    write_summary(f, c->s, c->o, c->meta);
    return 0;
}

static int write_folder(const truce_sens *s, const truce_sens_options *o, const truce_sens_meta *meta,
                        const char *dir, truce_error *err)
{
    const outdir_file files[2] = {{out_files[0], put_indices}, {out_files[1], put_summary}};
    sens_ctx ctx = {s, o, meta};
    return outdir_write(dir, files, 2, &ctx, err);
}

int truce_sens_write(const truce_sens *s, const truce_sens_options *o, const truce_sens_meta *meta,
                     const char *dir, truce_error *err)
{
    truce_sens_meta none;
    memset(&none, 0, sizeof none);
    return write_folder(s, o, meta ? meta : &none, dir, err);
}
