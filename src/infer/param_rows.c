/* param_rows — a CSV of parameter vectors: a header of parameter names (a subset: the
 * others keep the given defaults) and optionally a `weight` column; one vector per row.
 * Read by `truce ensemble --params` and `--posterior` and by truce_posterior_load (the
 * posterior.csv that `truce fit` writes has this form). Errors name file:line: field. */
#include "param_rows.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "model.h"
#include "rng.h"

static int parse_double(const csv_field *f, double *out)
{
    char buf[128];
    if (f->len == 0 || f->len >= sizeof buf) return -1;
    csv_field_copy(f, buf, sizeof buf);
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno == ERANGE || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int read_rows(param_rows *e, csv_reader *rd, const char *path, const double *defaults, truce_error *err);

int param_rows_read(param_rows *e, const char *path, const double *defaults, truce_error *err)
{
    memset(e, 0, sizeof *e);
    if (truce_file_hash(path, e->params_hash, err)) return -1;
    const char *base = strrchr(path, '/');
    snprintf(e->params_name, sizeof e->params_name, "%s", base ? base + 1 : path);
    csv_reader *rd = csv_open_file(path, err);
    if (!rd) return -1;
    return read_rows(e, rd, path, defaults, err);
}

int param_rows_read_memory(param_rows *e, const char *name, const char *data, size_t len,
                           const double *defaults, truce_error *err)
{
    memset(e, 0, sizeof *e);
    uint64_t h = 1469598103934665603ull;   /* FNV-1a 64, as truce_file_hash */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)data[i]) * 1099511628211ull;
    static const char hex[] = "0123456789abcdef";
    for (int k = 0; k < 16; k++) e->params_hash[k] = hex[(h >> (60 - 4 * k)) & 0xfu];
    e->params_hash[16] = '\0';
    const char *base = strrchr(name, '/');
    snprintf(e->params_name, sizeof e->params_name, "%s", base ? base + 1 : name);
    csv_reader *rd = csv_open_memory(name, data, len);
    if (!rd) {
        truce_error_set(err, TRUCE_ERUNTIME, name, 0, NULL, "out of memory");
        return -1;
    }
    return read_rows(e, rd, name, defaults, err);
}

static int read_rows(param_rows *e, csv_reader *rd, const char *path, const double *defaults, truce_error *err)
{
    const size_t P = truce_param_count();
    csv_record rec;
    int rc = -1, got;
    long *col_param = NULL;      /* parameter index of each column; -1: weight */
    size_t ncol = 0, cap = 0;
    got = csv_next(rd, &rec, err);
    if (got <= 0) {
        if (got == 0) truce_error_set(err, TRUCE_EINPUT, path, 1, NULL, "empty file: expected a header of parameter names");
        goto done;
    }
    if (rec.has_nul || rec.bad_utf8 || rec.malformed) {
        truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "header is not valid CSV text");
        goto done;
    }
    ncol = rec.n;
    col_param = malloc(ncol * sizeof *col_param);
    if (!col_param) goto oom;
    for (size_t c = 0; c < ncol; c++) {
        char name[128];
        csv_field_copy(&rec.fields[c], name, sizeof name);
        if (strcmp(name, "weight") == 0) {
            col_param[c] = -1;
        } else {
            col_param[c] = truce_param_find(name);
            if (col_param[c] < 0) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, name[0] ? name : "(empty)",
                                "not a parameter (see 'truce params') nor 'weight'");
                goto done;
            }
        }
        for (size_t d = 0; d < c; d++)
            if (col_param[d] == col_param[c]) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, name, "column given twice");
                goto done;
            }
        if (col_param[c] < 0) e->weighted = 1;
    }
    double wsum = 0.0;
    while ((got = csv_next(rd, &rec, err)) == 1) {
        if (rec.n == 1 && rec.fields[0].len == 0) continue; /* a blank line */
        if (rec.has_nul || rec.bad_utf8 || rec.malformed) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "not valid CSV text");
            goto done;
        }
        if (rec.n != ncol) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "%zu fields, the header has %zu", rec.n, ncol);
            goto done;
        }
        if (e->nrows == cap) {
            cap = cap ? 2 * cap : 16;
            double *r2 = realloc(e->rows, cap * P * sizeof *r2);
            if (!r2) goto oom;
            e->rows = r2;
            double *w2 = realloc(e->weights, cap * sizeof *w2);
            if (!w2) goto oom;
            e->weights = w2;
        }
        double *row = e->rows + e->nrows * P;
        memcpy(row, defaults, P * sizeof *row);
        e->weights[e->nrows] = 1.0;
        for (size_t c = 0; c < ncol; c++) {
            double v;
            const char *field = col_param[c] < 0 ? "weight" : truce_param_at((size_t)col_param[c])->name;
            if (parse_double(&rec.fields[c], &v)) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, field, "'%.*s' is not a finite number",
                                (int)(rec.fields[c].len > 40 ? 40 : rec.fields[c].len), rec.fields[c].ptr);
                goto done;
            }
            if (col_param[c] < 0) {
                if (v < 0.0) {
                    truce_error_set(err, TRUCE_EINPUT, path, rec.line, field, "%.17g is negative", v);
                    goto done;
                }
                e->weights[e->nrows] = v;
                continue;
            }
            const truce_param_info *pi = truce_param_at((size_t)col_param[c]);
            if (!(v >= pi->lo && v <= pi->hi)) {
                truce_error_set(err, TRUCE_EINPUT, path, rec.line, field, "%.17g is outside [%.17g, %.17g]",
                                v, pi->lo, pi->hi);
                goto done;
            }
            row[col_param[c]] = v;
        }
        truce_error row_err;
        if (truce_params_check(row, &row_err)) {
            truce_error_set(err, TRUCE_EINPUT, path, rec.line, NULL, "%s", row_err.message);
            goto done;
        }
        wsum += e->weights[e->nrows];
        e->nrows++;
    }
    if (got < 0) goto done;
    if (e->nrows == 0) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "no rows of parameters under the header");
        goto done;
    }
    if (!(wsum > 0.0) || !isfinite(wsum)) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, "weight", "the weights do not add up to a positive finite number");
        goto done;
    }
    e->cumulative = malloc(e->nrows * sizeof *e->cumulative);
    if (!e->cumulative) goto oom;
    double run_sum = 0.0;
    for (size_t i = 0; i < e->nrows; i++) e->cumulative[i] = run_sum += e->weights[i];
    rc = 0;
    goto done;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
done:
    free(col_param);
    csv_close(rd);
    if (rc) param_rows_free(e);
    return rc;
}

void param_rows_free(param_rows *t)
{
    free(t->rows);
    free(t->weights);
    free(t->cumulative);
    t->rows = t->weights = t->cumulative = NULL;
    t->nrows = 0;
}

size_t param_rows_draw(const param_rows *t, uint64_t seed, uint64_t run)
{
    rng_stream s;
    rng_open(&s, seed, (uint32_t)run, 0, 0, PUR_POSTERIOR);
    const double target = rng_uniform(&s) * t->cumulative[t->nrows - 1];
    size_t lo = 0, hi = t->nrows - 1;  /* the first row with cumulative > target */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->cumulative[mid] > target) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}
