/* posterior — a posterior sample (posterior.csv of `truce fit`) and the particle each run
 * draws by weight (truce.h, "posteriors"). */
#include <stdlib.h>

#include "param_rows.h"
#include "scenario.h"
#include "truce.h"

struct truce_posterior {
    param_rows rows;
};

truce_posterior *truce_posterior_load(const char *path, const truce_scenario *s, truce_error *err)
{
    truce_error_clear(err);
    if (!path || !s) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_posterior_load: no file or scenario");
        return NULL;
    }
    truce_posterior *p = calloc(1, sizeof *p);
    double *defaults = malloc(truce_param_count() * sizeof *defaults);
    if (!p || !defaults) {
        free(p);
        free(defaults);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        return NULL;
    }
    truce_scenario_params(s, defaults);
    int rc = param_rows_read(&p->rows, path, defaults, err);
    free(defaults);
    if (rc == 0 && !p->rows.weighted) {
        truce_error_set(err, TRUCE_EINPUT, path, 1, "weight",
                        "a posterior needs a weight column (as truce fit writes posterior.csv)");
        rc = -1;
    }
    if (rc) {
        truce_posterior_free(p);
        return NULL;
    }
    return p;
}

truce_posterior *truce_posterior_load_calibration(const truce_scenario *s, truce_error *err)
{
    truce_error_clear(err);
    if (!s || !s->calibration[0]) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "calibration",
                        "scenario '%s' names no calibration posterior (calibration: posterior: in "
                        "the scenario file; or give a posterior.csv)",
                        s ? s->name : "");
        return NULL;
    }
    if (!s->calibration_file) return truce_posterior_load(s->calibration, s, err);
    truce_posterior *p = calloc(1, sizeof *p);
    double *defaults = malloc(truce_param_count() * sizeof *defaults);
    int rc = -1;
    if (p && defaults) {
        truce_scenario_params(s, defaults);
        rc = param_rows_read_memory(&p->rows, s->calibration, s->calibration_file->data,
                                    s->calibration_file->len, defaults, err);
    } else {
        truce_error_set(err, TRUCE_ERUNTIME, s->calibration, 0, NULL, "out of memory");
    }
    free(defaults);
    if (rc == 0 && !p->rows.weighted) {
        truce_error_set(err, TRUCE_EINPUT, s->calibration, 1, "weight",
                        "a posterior needs a weight column (as truce fit writes posterior.csv)");
        rc = -1;
    }
    if (rc) {
        truce_posterior_free(p);
        return NULL;
    }
    return p;
}

size_t truce_posterior_count(const truce_posterior *p) { return p->rows.nrows; }

double truce_posterior_weight(const truce_posterior *p, size_t row)
{
    return row < p->rows.nrows ? p->rows.weights[row] / p->rows.cumulative[p->rows.nrows - 1] : 0.0;
}

void truce_posterior_params(const truce_posterior *p, size_t row, double *params)
{
    const size_t P = truce_param_count();
    if (row >= p->rows.nrows) row = p->rows.nrows - 1;
    for (size_t i = 0; i < P; i++) params[i] = p->rows.rows[row * P + i];
}

size_t truce_posterior_draw(const truce_posterior *p, uint64_t seed, uint64_t run, double *params)
{
    size_t row = param_rows_draw(&p->rows, seed, run);
    if (params) truce_posterior_params(p, row, params);
    return row;
}

const char *truce_posterior_name(const truce_posterior *p) { return p->rows.params_name; }
const char *truce_posterior_hash(const truce_posterior *p) { return p->rows.params_hash; }

void truce_posterior_free(truce_posterior *p)
{
    if (!p) return;
    param_rows_free(&p->rows);
    free(p);
}
