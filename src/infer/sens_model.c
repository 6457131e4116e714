/* sens_model — the model as a function of the unit cube for truce_sens_run: inputs mapped
 * onto their priors, one scalar output (a flow's total over a window or a stock at a
 * date), optionally the paired difference alt - base under common random numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#define OMP(x) _Pragma(#x)
#else
#define OMP(x)
#endif

#include "truce.h"

int truce_sens_output_parse(const char *text, truce_sens_output *out, truce_error *err)
{
    char buf[128];
    memset(out, 0, sizeof *out);
    if (!text || strlen(text) >= sizeof buf) goto malformed;
    memcpy(buf, text, strlen(text) + 1);
    char *at = strchr(buf, '@'), *colon = strchr(buf, ':');
    if ((at && colon) || (!at && !colon)) goto malformed;
    char *sep = at ? at : colon;
    *sep = '\0';
    truce_variable v;
    if (truce_variable_find(buf, &v) != 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--output",
                        "'%s': no variable is called '%s' (see 'truce variables')", text, buf);
        return -1;
    }
    out->variable = v;
    int32_t f0, f1, t0, t1;
    truce_precision prec;
    if (at) {
        if (truce_variable_is_flow(v)) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--output",
                            "'%s': %s is a flow (a count per day): give a window, e.g. '%s:2023-01:2025-12'",
                            text, buf, buf);
            return -1;
        }
        if (truce_date_parse(sep + 1, &f0, &f1, &prec) != 0) goto malformed;
        out->at = 1;
        out->from = f1;
        out->to = f1;
        return 0;
    }
    if (!truce_variable_is_flow(v)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--output",
                        "'%s': %s is a stock (a level): give a date, e.g. '%s@2025-12'", text, buf, buf);
        return -1;
    }
    char *from = sep + 1, *to = strchr(from, ':');
    if (to) *to++ = '\0';
    if (truce_date_parse(from, &f0, &f1, &prec) != 0) goto malformed;
    if (to) {
        if (truce_date_parse(to, &t0, &t1, &prec) != 0) goto malformed;
    } else {
        t1 = f1;  /* "attacks:2024": the whole year */
    }
    if (t1 < f0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--output", "'%s': the window ends before it starts", text);
        return -1;
    }
    out->from = f0;
    out->to = t1;
    return 0;
malformed:
    truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--output",
                    "'%s' is not VARIABLE:FROM:TO (a flow's total, e.g. attacks:2023-01:2025-12) "
                    "or VARIABLE@DATE (a stock, e.g. fighters@2025-12); dates YYYY, YYYY-MM or YYYY-MM-DD",
                    text ? text : "");
    return -1;
}

static int run_one(const truce_scenario *s, const double *values, const truce_sens_output *out,
                   uint64_t seed, uint32_t run, double *y, truce_error *err)
{
    truce_run_options ro;
    truce_run_options_init(&ro);
    ro.seed = seed;
    ro.run = run;
    ro.params = values;
    ro.record.by = out->at ? TRUCE_BY_DAY : TRUCE_BY_YEAR;
    ro.record.variables = 1ull << out->variable;
    ro.record.regions = 0;
    ro.record.total = 1;
    ro.record.from = out->from;
    ro.record.to = out->to;
    truce_result *r = truce_run(s, &ro, err);
    if (!r) return -1;
    *y = truce_result_total(r, truce_result_region_count(r), out->variable, out->from, out->to);
    truce_result_free(r);
    if (!isfinite(*y)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--output", "the output's dates are outside the simulated horizon");
        return -1;
    }
    return 0;
}

/* Output at parameters vb (base) with run index run; with an alt, alt - base. u == NULL:
 * the scenarios' own parameters. */
static int eval(const truce_sens_model *m, const double *u, uint32_t run, double *y, truce_error *err)
{
    const size_t P = truce_param_count();
    double *vb = malloc(2 * P * sizeof *vb);
    if (!vb) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    double *va = vb + P;
    truce_scenario_params(m->base, vb);
    for (size_t k = 0; u && k < m->nparams; k++) vb[m->params[k]] = truce_prior_quantile(m->params[k], u[k]);
    double yb, ya = 0.0;
    int rc = run_one(m->base, vb, &m->output, m->seed, run, &yb, err);
    if (rc == 0 && m->alt) {
        truce_scenario_params(m->alt, va);
        for (size_t k = 0; u && k < m->nparams; k++) {
            size_t i = m->params[k];
            if (!(m->alt_own && m->alt_own[i])) va[i] = vb[i];
        }
        rc = run_one(m->alt, va, &m->output, m->seed, run, &ya, err);
    }
    free(vb);
    if (rc != 0) return rc;
    if (m->log_scale) {
        if (yb < 0.0 || ya < 0.0) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--log", "the output is negative: no log scale");
            return -1;
        }
        yb = log1p(yb);
        ya = log1p(ya);
    }
    *y = m->alt ? ya - yb : yb;
    return 0;
}

int truce_sens_model_fn(void *ctx, const double *u, size_t dim, double *y, truce_error *err)
{
    const truce_sens_model *m = ctx;
    if (dim != m->nparams) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "design of %zu inputs for %zu parameters", dim, m->nparams);
        return -1;
    }
    return eval(m, u, m->run, y, err);
}

int truce_sens_model_at_default(const truce_sens_model *m, uint32_t run, double *y, truce_error *err)
{
    return eval(m, NULL, run, y, err);
}

int truce_sens_noise(const truce_sens_model *m, unsigned replicates, int threads, double *mean,
                     double *variance, truce_error *err)
{
    *mean = *variance = NAN;
    if (replicates < 2) return 0;
    double *y = malloc(replicates * sizeof *y);
    int *bad = calloc(replicates, sizeof *bad);
    if (!y || !bad) {
        free(y);
        free(bad);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    truce_error *errs = calloc(replicates, sizeof *errs);
    if (!errs) {
        free(y);
        free(bad);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
#ifdef _OPENMP
    const int nt = threads > 0 ? threads : omp_get_max_threads();
#else
    (void)threads;
#endif
    OMP(omp parallel for schedule(dynamic, 1) num_threads(nt))
    for (unsigned k = 0; k < replicates; k++)
        bad[k] = truce_sens_model_at_default(m, m->run + 1 + k, &y[k], &errs[k]) != 0;
    int rc = 0;
    for (unsigned k = 0; k < replicates; k++)
        if (bad[k]) {
            if (err) *err = errs[k];
            rc = -1;
            break;
        }
    if (rc == 0) {
        double s = 0.0, v = 0.0;
        for (unsigned k = 0; k < replicates; k++) s += y[k];
        s /= replicates;
        for (unsigned k = 0; k < replicates; k++) v += (y[k] - s) * (y[k] - s);
        *mean = s;
        *variance = v / (replicates - 1);
    }
    free(y);
    free(bad);
    free(errs);
    return rc;
}
