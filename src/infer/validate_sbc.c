/* validate_sbc — simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman
 * 2018, arXiv:1804.06788; docs/validate.md, "sbc"). Replication r draws theta* from the prior,
 * simulates what the sources would report under it (truce_run + truce_observe, the data's
 * rows as `like`), fits those reports with the same procedure as `truce fit`, and records the
 * rank of theta* among L draws from the posterior. If the fit is calibrated, the ranks are
 * uniform on 0..L and the central credible intervals cover theta* at their nominal rate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outdir.h"
#include "par.h"
#include "provenance.h"
#include "rng.h"
#include "scenario.h"
#include "stats.h"
#include "validate.h"

typedef struct sbc_rec {
    double truth;
    size_t rank;
    int in50, in90;
} sbc_rec;

typedef struct sbc {
    const truce_scenario *sc;
    const truce_validate_options *o;
    const truce_provenance *prov;
    truce_reported *like;
    truce_record rec;
    size_t K;                /* parameters estimated */
    long *idx;               /* their indices in the table */
    size_t L;                /* posterior draws per rank */
    sbc_rec *recs;           /* [reps][K] */
    size_t bins;
    size_t *hist;            /* [K][bins] */
    double *chi2, *pval, *cov50, *cov90;   /* [K] */
} sbc;

/* SplitMix64 (Steele, Lea & Flood 2014): independent seeds for replication r's truth, its
 * observations and its fit, from the user's seed. The fit draws its population 0 from
 * truce_prior_draw(fit seed, i): with the user's seed it could reuse theta*'s own draw. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}
static uint64_t rep_seed(uint64_t seed, uint64_t rep, uint64_t what)
{
    return mix(mix(mix(seed) ^ rep) ^ what);
}

static int sbc_one(void *vctx, uint64_t r, truce_error *err)
{
    sbc *p = vctx;
    const size_t P = truce_param_count();
    int rc = -1;
    double *theta = malloc(P * sizeof *theta), *draw = malloc(P * sizeof *draw);
    double *w = NULL, *vals = NULL;
    truce_result *res = NULL;
    truce_reported *obs = NULL;
    truce_fit *fit = NULL;
    if (!theta || !draw) goto oom;
    truce_scenario_params(p->sc, theta);
    truce_prior_draw(rep_seed(p->o->seed, r, 1), 0, draw);
    for (size_t k = 0; k < p->K; k++) theta[p->idx[k]] = draw[p->idx[k]];
    truce_run_options ro;
    truce_run_options_init(&ro);
    ro.seed = rep_seed(p->o->seed, r, 2);
    ro.params = theta;
    ro.record = p->rec;
    res = truce_run(p->sc, &ro, err);
    if (!res) goto done;
    truce_observe_options oo;
    truce_observe_options_init(&oo);
    oo.params = theta;
    obs = truce_observe(res, p->sc, p->like, &oo, err);
    if (!obs) goto done;
    truce_result_free(res);
    res = NULL;
    truce_fit_options fo;
    truce_fit_options_init(&fo);
    fo.data = obs;
    fo.seed = rep_seed(p->o->seed, r, 3);
    fo.threads = 1;   /* replications run side by side */
    if (p->o->sims) fo.sims = p->o->sims;
    if (p->o->particles) fo.particles = p->o->particles;
    fo.estimate = p->o->estimate;
    fo.nestimate = p->o->nestimate;
    fit = truce_fit_run(p->sc, &fo, err);
    if (!fit) goto done;
    const size_t n = truce_fit_particle_count(fit);
    w = malloc(n * sizeof *w);
    vals = malloc(n * sizeof *vals);
    double *cum = malloc(n * sizeof *cum);
    if (!w || !vals || !cum) {
        free(cum);
        goto oom;
    }
    double c = 0.0;
    for (size_t i = 0; i < n; i++) {
        c += truce_fit_weight(fit, i);
        cum[i] = c;
    }
    for (size_t k = 0; k < p->K; k++) {
        size_t fk = 0;   /* the fit's column of this parameter */
        while (fk < truce_fit_param_count(fit) &&
               strcmp(truce_fit_param_name(fit, fk), truce_param_at((size_t)p->idx[k])->name) != 0)
            fk++;
        if (fk == truce_fit_param_count(fit)) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, truce_param_at((size_t)p->idx[k])->name,
                            "the fit did not estimate this parameter");
            free(cum);
            goto done;
        }
        const double t = theta[p->idx[k]];
        /* rank among L draws resampled by weight (multinomial, from (seed, rep, k)) */
        rng_stream st;
        rng_open(&st, p->o->seed, (uint32_t)r, (uint32_t)k, 0, PUR_VALIDATE_RANK);
        size_t rank = 0;
        for (size_t l = 0; l < p->L; l++) {
            double u = rng_uniform(&st) * c;
            size_t lo = 0, hi = n - 1;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cum[mid] >= u) hi = mid;
                else lo = mid + 1;
            }
            rank += truce_fit_value(fit, lo, fk) < t;
        }
        /* central credible intervals: weighted type 7 quantiles of the particles */
        double q[4];
        const double qp[4] = {0.05, 0.25, 0.75, 0.95};
        for (int j = 0; j < 4; j++) {
            for (size_t i = 0; i < n; i++) {
                vals[i] = truce_fit_value(fit, i, fk);
                w[i] = truce_fit_weight(fit, i);
            }
            q[j] = truce_quantile7(vals, w, n, qp[j]);
        }
        sbc_rec *rr = &p->recs[r * p->K + k];
        rr->truth = t;
        rr->rank = rank;
        rr->in50 = t >= q[1] && t <= q[2];
        rr->in90 = t >= q[0] && t <= q[3];
    }
    free(cum);
    rc = 0;
    goto done;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
done:
    truce_fit_free(fit);
    truce_reported_free(obs);
    truce_result_free(res);
    free(theta);
    free(draw);
    free(w);
    free(vals);
    return rc;
}

/* ---- output ---- */

static int write_reps(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const sbc *p = vctx;
    fputs("rep,parameter,true,rank,of,in50,in90\n", f);
    for (size_t r = 0; r < p->o->reps; r++)
        for (size_t k = 0; k < p->K; k++) {
            const sbc_rec *x = &p->recs[r * p->K + k];
            fprintf(f, "%zu,%s,", r, truce_param_at((size_t)p->idx[k])->name);
            fprintf(f, "%.17g,%zu,%zu,%d,%d\n", x->truth, x->rank, p->L, x->in50, x->in90);
        }
    return 0;
}

static int write_summary(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const sbc *p = vctx;
    fputs("parameter,reps,chi2,df,p_uniform,coverage50,coverage90\n", f);
    for (size_t k = 0; k < p->K; k++) {
        fprintf(f, "%s,%llu,", truce_param_at((size_t)p->idx[k])->name, (unsigned long long)p->o->reps);
        outdir_number(f, p->chi2[k]);
        fprintf(f, ",%zu,", p->bins - 1);
        outdir_number(f, p->pval[k]);
        fputc(',', f);
        outdir_number(f, p->cov50[k]);
        fputc(',', f);
        outdir_number(f, p->cov90[k]);
        fputc('\n', f);
    }
    return 0;
}

static int write_json(FILE *f, const void *vctx, truce_error *err)
{
    (void)err;
    const sbc *p = vctx;
    validate_json_head(f, p->prov, p->sc);
    fprintf(f, "  \"reps\": %llu,\n  \"seed\": %llu,\n  \"rank_draws\": %zu,\n  \"bins\": %zu,\n",
            (unsigned long long)p->o->reps, (unsigned long long)p->o->seed, p->L, p->bins);
    fprintf(f, "  \"fit\": {\"sims\": %llu, \"particles\": %zu},\n", (unsigned long long)p->o->sims, p->o->particles);
    fprintf(f, "  \"reported_rows\": %zu,\n", truce_reported_count(p->like));
    provenance_put_overrides(f, p->prov, "set", "without", 1);
    provenance_put_inputs(f, p->prov);
    fputs(",\n  \"rank\": ", f);
    outdir_json_string(f, "rank = number of L posterior draws (resampled by weight, multinomial) below theta*; uniform on 0..L when calibrated");
    fputs(",\n  \"uniformity\": ", f);
    outdir_json_string(f, "chi-square of the rank histogram against its expected counts (bins of equal numbers of rank values), df = bins - 1");
    fputs(",\n  \"histograms\": {", f);
    for (size_t k = 0; k < p->K; k++) {
        fprintf(f, "%s\n    \"%s\": [", k ? "," : "", truce_param_at((size_t)p->idx[k])->name);
        for (size_t b = 0; b < p->bins; b++) fprintf(f, "%s%zu", b ? ", " : "", p->hist[k * p->bins + b]);
        fputc(']', f);
    }
    fputs("\n  }\n}\n", f);
    return 0;
}

static const outdir_file SBC_FILES[] = {
    {"sbc.csv", write_reps},
    {"sbc_summary.csv", write_summary},
    {"sbc.json", write_json},
};

int validate_sbc_check(const char *dir, truce_error *err)
{
    return outdir_check(dir, SBC_FILES, sizeof SBC_FILES / sizeof *SBC_FILES, err);
}

int truce_validate_sbc(const truce_scenario *s, const truce_validate_options *o, const char *dir,
                       const truce_provenance *prov, truce_error *err)
{
    if (!o || o->version != TRUCE_VALIDATE_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_validate_options: call truce_validate_options_init");
        return -1;
    }
    if (!o->nestimate) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--estimate", "name the parameters to check (e.g. --estimate obs_rate_picss,attack_rate)");
        return -1;
    }
    if (o->reps < 2 || o->reps > 1000000) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--reps", "expected 2 to 1,000,000 replications");
        return -1;
    }
    if (o->rank_draws < 1 || o->rank_draws > 100000) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "rank_draws", "expected 1 to 100,000 posterior draws per rank");
        return -1;
    }
    if (validate_sbc_check(dir, err)) return -1;
    sbc p;
    memset(&p, 0, sizeof p);
    p.sc = s;
    p.o = o;
    p.prov = prov;
    p.K = o->nestimate;
    p.L = o->rank_draws;
    int rc = -1;
    truce_reported *shipped = NULL;
    const truce_reported *data = o->data;
    p.idx = malloc(p.K * sizeof *p.idx);
    if (!p.idx) goto oom;
    for (size_t k = 0; k < p.K; k++) {
        p.idx[k] = truce_param_find(o->estimate[k]);
        if (p.idx[k] < 0) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--estimate", "'%s' is not a parameter (see 'truce params')", o->estimate[k]);
            goto done;
        }
        if (truce_param_at((size_t)p.idx[k])->prior == TRUCE_PRIOR_FIXED) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--estimate", "'%s' is fixed (no prior to draw from)", o->estimate[k]);
            goto done;
        }
    }
    if (!data) {
        shipped = truce_reported_load_default(err);
        if (!shipped) goto done;
        data = shipped;
    }
    p.like = validate_rows(s, data, INT32_MAX, &p.rec, err);
    if (!p.like) goto done;
    p.recs = calloc((size_t)o->reps * p.K, sizeof *p.recs);
    if (!p.recs) goto oom;
    const par_progress prog = {o->progress, o->progress_ctx, 0, (uint64_t)o->reps};
    if (par_for((uint64_t)o->reps, o->threads, sbc_one, &p, &prog, err))
        goto done;
    /* rank histograms: bins of equal numbers of rank values where L + 1 allows; about 5
     * expected replications a bin at least (the chi-square approximation), at most 20 */
    size_t bins = (size_t)o->reps / 5;
    if (bins > 20) bins = 20;
    if (bins > p.L + 1) bins = p.L + 1;
    if (bins < 2) bins = 2;
    while (bins > 2 && (p.L + 1) % bins != 0) bins--;
    p.bins = bins;
    p.hist = calloc(p.K * bins, sizeof *p.hist);
    p.chi2 = malloc(p.K * sizeof *p.chi2);
    p.pval = malloc(p.K * sizeof *p.pval);
    p.cov50 = malloc(p.K * sizeof *p.cov50);
    p.cov90 = malloc(p.K * sizeof *p.cov90);
    if (!p.hist || !p.chi2 || !p.pval || !p.cov50 || !p.cov90) goto oom;
    for (size_t k = 0; k < p.K; k++) {
        size_t in50 = 0, in90 = 0;
        for (size_t r = 0; r < o->reps; r++) {
            const sbc_rec *x = &p.recs[r * p.K + k];
            p.hist[k * bins + x->rank * bins / (p.L + 1)]++;
            in50 += (size_t)x->in50;
            in90 += (size_t)x->in90;
        }
        double chi2 = 0.0;
        for (size_t b = 0; b < bins; b++) {
            /* rank values v with v * bins / (L + 1) == b */
            size_t lo = (b * (p.L + 1) + bins - 1) / bins, hi = ((b + 1) * (p.L + 1) + bins - 1) / bins;
            double e = (double)o->reps * (double)(hi - lo) / (double)(p.L + 1);
            double d = (double)p.hist[k * bins + b] - e;
            chi2 += d * d / e;
        }
        p.chi2[k] = chi2;
        p.pval[k] = 1.0 - st_gamma_p(0.5 * (double)(bins - 1), 0.5 * chi2);
        p.cov50[k] = (double)in50 / (double)o->reps;
        p.cov90[k] = (double)in90 / (double)o->reps;
    }
    rc = outdir_write(dir, SBC_FILES, sizeof SBC_FILES / sizeof *SBC_FILES, &p, err);
    goto done;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
done:
    truce_reported_free(shipped);
    truce_reported_free(p.like);
    free(p.idx);
    free(p.recs);
    free(p.hist);
    free(p.chi2);
    free(p.pval);
    free(p.cov50);
    free(p.cov90);
    return rc;
}
