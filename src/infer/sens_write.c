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

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void json_field(FILE *f, const char *key, const char *value)
{
    if (!value) return;
    fprintf(f, "  \"%s\": ", key);
    json_string(f, value);
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
        json_string(f, s->names[i]);
    }
    fputs("],\n  \"ranking\": [", f);
    for (size_t k = 0; k < s->dim; k++) {
        fputs(k ? ", " : "", f);
        json_string(f, s->names[s->rank[k]]);
    }
    fputs("],\n", f);
    if (morris) {
        fputs("  \"screened_out\": [", f);
        int first = 1;
        for (size_t k = 0; k < s->dim; k++) {
            if (!s->screened[s->rank[k]]) continue;
            fputs(first ? "" : ", ", f);
            json_string(f, s->names[s->rank[k]]);
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

static void remove_files(const char *dir)
{
    char path[4400];
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, out_files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Is DIR a folder holding nothing but our files? NULL if so (or absent), else why not. */
static const char *replaceable(const char *dir, int *exists)
{
    struct stat st;
    *exists = 0;
    if (stat(dir, &st) != 0) return NULL;
    *exists = 1;
    if (!S_ISDIR(st.st_mode)) return "exists and is not a folder";
    DIR *d = opendir(dir);
    if (!d) return "exists and cannot be read";
    const char *why = NULL;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        if (strcmp(nm, ".") && strcmp(nm, "..") && strcmp(nm, out_files[0]) && strcmp(nm, out_files[1])) {
            why = "exists and holds other files than indices.csv and summary.json; choose another --out";
            break;
        }
    }
    closedir(d);
    return why;
}

/* The folder: write both files into DIR.tmp-PID, then move it to DIR (an old DIR is
 * moved aside first and removed only once the new one is in place). */
static int write_folder(const truce_sens *s, const truce_sens_options *o, const truce_sens_meta *meta,
                        const char *dir, truce_error *err)
{
    char target[4096], tmp[4160], old[4160], path[4300];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (n == 0 || n >= sizeof target) {
        truce_error_set(err, TRUCE_EINPUT, dir, 0, "--out", "not a usable folder name");
        return -1;
    }
    snprintf(target, sizeof target, "%.*s", (int)n, dir);
    int exists;
    const char *why = replaceable(target, &exists);
    if (why) {
        truce_error_set(err, TRUCE_EINPUT, target, 0, "--out", "%s", why);
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", target, (long)getpid());
    snprintf(old, sizeof old, "%s.old-%ld", target, (long)getpid());
    remove_files(tmp);
    if (mkdir(tmp, 0777) != 0) {
        truce_error_set(err, TRUCE_ERUNTIME, tmp, 0, NULL, "cannot create folder: %s", strerror(errno));
        return -1;
    }
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", tmp, out_files[k]);
        FILE *f = fopen(path, "w");
        if (!f) {
            truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(errno));
            remove_files(tmp);
            return -1;
        }
        if (k == 0) write_indices(f, s);
        else write_summary(f, s, o, meta);
        int bad = ferror(f), e = errno;
        if (fclose(f) != 0) bad = 1, e = errno;
        if (bad) {
            truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(e));
            remove_files(tmp);
            return -1;
        }
    }
    if (exists) {
        remove_files(old);
        if (rename(target, old) != 0) {
            int e = errno;
            remove_files(tmp);
            truce_error_set(err, TRUCE_ERUNTIME, target, 0, NULL, "cannot replace: %s", strerror(e));
            return -1;
        }
    }
    if (rename(tmp, target) != 0) {
        int e = errno;
        remove_files(tmp);
        if (exists) rename(old, target);
        truce_error_set(err, TRUCE_ERUNTIME, target, 0, NULL, "cannot write output: %s", strerror(e));
        return -1;
    }
    if (exists) remove_files(old);
    return 0;
}

int truce_sens_write(const truce_sens *s, const truce_sens_options *o, const truce_sens_meta *meta,
                     const char *dir, truce_error *err)
{
    truce_sens_meta none;
    memset(&none, 0, sizeof none);
    return write_folder(s, o, meta ? meta : &none, dir, err);
}
