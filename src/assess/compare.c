/* compare — paired runs of a BASE and an ALT scenario under common random numbers.
 *
 * Run i of both scenarios has the same seed and run index; since every draw is a function
 * of (seed, run, region, day, purpose), the two histories draw the same numbers wherever
 * they make the same decision, and run i's difference is the policy's effect on that
 * history rather than noise between two unrelated histories. Each pair writes into its
 * own slot, so the outputs do not depend on the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "outdir.h"
#include "par.h"
#include "provenance.h"
#include "scenario.h"
#include "truce.h"

static const truce_variable compared[TRUCE_COMPARE_NVARS] = {
    TRUCE_VAR_ATTACKS,         TRUCE_VAR_DEATHS_SECURITY, TRUCE_VAR_DEATHS_CIVILIAN,
    TRUCE_VAR_DEATHS_MILITANT, TRUCE_VAR_RECRUITS,        TRUCE_VAR_MILITANTS,
};

struct truce_compare {
    truce_compare_options opt;
    int32_t from, to;
    int32_t branch;        /* first day ALT may differ from BASE (see branch_day) */
    double *base, *alt;    /* [runs][TRUCE_COMPARE_NVARS] */
    char base_name[128], alt_name[128], base_hash[17], alt_hash[17];
    /* with a posterior: its name and hash, and each scenario's own parameters (ALT keeps
     * its values where they differ from BASE's) */
    char post_name[256], post_hash[17];
    size_t post_particles;
    double base_params[PARAM_COUNT], alt_params[PARAM_COUNT];
};

void truce_compare_options_init(truce_compare_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->version = TRUCE_COMPARE_OPTIONS_VERSION;
    opt->runs = 100;
    opt->seed = 1;
    opt->from = INT32_MIN;
    opt->to = INT32_MAX;
}

const char *truce_compare_variable(size_t k)
{
    return k < TRUCE_COMPARE_NVARS ? truce_variable_name(compared[k]) : NULL;
}

uint64_t truce_compare_runs(const truce_compare *c) { return c->opt.runs; }

void truce_compare_free(truce_compare *c)
{
    if (!c) return;
    free(c->base);
    free(c->alt);
    free(c);
}

/* The first day on which ALT's history may differ from BASE's: when ALT is BASE without
 * some episodes (the same contents otherwise, checked by the scenario hash), the earliest
 * start of those episodes — no episode acts before its start, and every draw is keyed by
 * (seed, run, region, day, purpose) and an episode's by its id, so both runs are the same
 * before that day; when they are identical, the day after the horizon. Otherwise the
 * horizon's start: no shared history. */
static int32_t branch_day(const truce_scenario *base, const truce_scenario *alt)
{
    truce_scenario *copy = truce_scenario_copy(base, NULL);
    if (!copy) return base->start;
    int32_t d = INT32_MAX;
    for (size_t i = 0; i < base->nepisodes; i++) {
        const episode *e = &base->episodes[i];
        int in_alt = 0;
        for (size_t j = 0; j < alt->nepisodes && !in_alt; j++) in_alt = strcmp(alt->episodes[j].id, e->id) == 0;
        if (in_alt) continue;
        if (e->start < d) d = e->start;
        truce_scenario_remove_episode(copy, e->id, NULL);
    }
    if (d == INT32_MAX) d = base->end + 1;
    if (strcmp(truce_scenario_hash(copy), truce_scenario_hash(alt)) != 0 || d < base->start) d = base->start;
    truce_scenario_free(copy);
    return d;
}

static void record_options(const truce_compare *c, uint64_t i, truce_run_options *ro)
{
    truce_run_options_init(ro);
    ro->seed = c->opt.seed;
    ro->run = (uint32_t)i;
    /* Yearly periods cut to the window: totals over [from, to] need no daily values. */
    ro->record.by = TRUCE_BY_YEAR;
    ro->record.from = c->from;
    ro->record.to = c->to;
    ro->record.regions = 0;
    ro->record.total = 1;
    ro->record.variables = 0;
    for (size_t k = 0; k < TRUCE_COMPARE_NVARS; k++) ro->record.variables |= UINT64_C(1) << compared[k];
}

/* The compared values of a finished run into out; frees r. */
static int values_of(const truce_compare *c, truce_result *r, uint64_t i, double *out, truce_error *err)
{
    const size_t all = truce_result_region_count(r);
    int rc = 0;
    for (size_t k = 0; k < TRUCE_COMPARE_NVARS; k++) {
        out[k] = truce_result_total(r, all, compared[k], c->from, c->to);
        if (!isfinite(out[k]) && rc == 0) {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, truce_variable_name(compared[k]),
                            "run %llu gave no finite value", (unsigned long long)i);
            rc = -1;
        }
    }
    truce_result_free(r);
    return rc;
}

/* Pair i: BASE and ALT with the same seed and run index. With a shared history, ALT
 * continues from a snapshot of BASE taken the day before they part (truce_model_switch),
 * which gives the bytes of a run of ALT from the start. */
static int run_pair(const truce_compare *c, const truce_scenario *base, const truce_scenario *alt,
                    uint64_t i, double *bout, double *aout, truce_error *err)
{
    truce_run_options ro;
    record_options(c, i, &ro);
    double pb[PARAM_COUNT], pa[PARAM_COUNT];
    if (c->opt.posterior) {
        /* one particle for the pair, drawn by weight; ALT keeps its own overrides */
        truce_posterior_draw(c->opt.posterior, c->opt.seed, i, pb);
        for (size_t k = 0; k < PARAM_COUNT; k++)
            pa[k] = c->alt_params[k] != c->base_params[k] ? c->alt_params[k] : pb[k];
        ro.params = pb;
    }
    if (c->branch <= base->start) {
        truce_result *rb = truce_run(base, &ro, err);
        if (!rb || values_of(c, rb, i, bout, err)) return -1;
        if (c->opt.posterior) ro.params = pa;
        truce_result *ra = truce_run(alt, &ro, err);
        return !ra || values_of(c, ra, i, aout, err) ? -1 : 0;
    }
    truce_model *mb = truce_model_new(base, &ro, err), *ma = NULL;
    if (!mb || truce_model_advance(mb, c->branch - 1, err) || !(ma = truce_model_snapshot(mb, err)) ||
        truce_model_switch(ma, alt, err)) {
        truce_model_free(mb);
        truce_model_free(ma);
        return -1;
    }
    truce_result *rb = truce_model_finish(mb, err);
    if (!rb) {
        truce_model_free(ma);
        return -1;
    }
    if (values_of(c, rb, i, bout, err)) {
        truce_model_free(ma);
        return -1;
    }
    truce_result *ra = truce_model_finish(ma, err);
    return !ra || values_of(c, ra, i, aout, err) ? -1 : 0;
}

/* Pair i as a task of par_for: it writes only its own slots. */
typedef struct pair_ctx {
    const truce_compare *c;
    const truce_scenario *base, *alt;
} pair_ctx;

static int task_pair(void *ctx, uint64_t i, truce_error *err)
{
    const pair_ctx *p = ctx;
    return run_pair(p->c, p->base, p->alt, i, p->c->base + i * TRUCE_COMPARE_NVARS,
                    p->c->alt + i * TRUCE_COMPARE_NVARS, err);
}

truce_compare *truce_compare_run(const truce_scenario *base, const truce_scenario *alt,
                                 const truce_compare_options *opt, truce_error *err)
{
    truce_error_clear(err);
    if (!base || !alt || !opt || opt->version != TRUCE_COMPARE_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "truce_compare_run: no scenarios or options (call truce_compare_options_init)");
        return NULL;
    }
    if (opt->runs == 0 || opt->runs > (uint64_t)UINT32_MAX + 1) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--runs", "must be between 1 and 4294967296");
        return NULL;
    }
    if (truce_scenario_region_count(base) != truce_scenario_region_count(alt)) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "ALT", "has %zu regions, BASE has %zu: not comparable",
                        truce_scenario_region_count(alt), truce_scenario_region_count(base));
        return NULL;
    }
    for (size_t g = 0; g < truce_scenario_region_count(base); g++)
        if (strcmp(truce_scenario_region_name(base, g), truce_scenario_region_name(alt, g)) != 0) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "ALT", "region %zu is '%s', in BASE '%s': not comparable", g,
                            truce_scenario_region_name(alt, g), truce_scenario_region_name(base, g));
            return NULL;
        }
    int32_t from = opt->from == INT32_MIN ? truce_scenario_start(base) : opt->from;
    int32_t to = opt->to == INT32_MAX ? truce_scenario_end(base) : opt->to;
    const truce_scenario *sc[2] = {base, alt};
    static const char *const names[2] = {"BASE", "ALT"};
    for (int k = 0; k < 2; k++)
        if (from < truce_scenario_start(sc[k]) || to > truce_scenario_end(sc[k]) || from > to) {
            char a[11], b[11], h0[11], h1[11];
            cal_format(from, a);
            cal_format(to, b);
            cal_format(truce_scenario_start(sc[k]), h0);
            cal_format(truce_scenario_end(sc[k]), h1);
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--from/--to",
                            "the window %s to %s is empty or not inside %s's horizon %s to %s", a, b, names[k], h0, h1);
            return NULL;
        }
    truce_compare *c = calloc(1, sizeof *c);
    if (!c) goto oom;
    c->opt = *opt;
    c->opt.progress = NULL;
    c->opt.progress_ctx = NULL;
    snprintf(c->base_name, sizeof c->base_name, "%s", truce_scenario_name(base));
    snprintf(c->alt_name, sizeof c->alt_name, "%s", truce_scenario_name(alt));
    snprintf(c->base_hash, sizeof c->base_hash, "%s", truce_scenario_hash(base));
    snprintf(c->alt_hash, sizeof c->alt_hash, "%s", truce_scenario_hash(alt));
    c->from = from;
    c->to = to;
    c->branch = opt->no_branch ? truce_scenario_start(base) : branch_day(base, alt);
    truce_scenario_params(base, c->base_params);
    truce_scenario_params(alt, c->alt_params);
    if (opt->posterior) {
        snprintf(c->post_name, sizeof c->post_name, "%s", truce_posterior_name(opt->posterior));
        snprintf(c->post_hash, sizeof c->post_hash, "%s", truce_posterior_hash(opt->posterior));
        c->post_particles = truce_posterior_count(opt->posterior);
    }
    const size_t N = (size_t)opt->runs;
    c->base = malloc(N * TRUCE_COMPARE_NVARS * sizeof *c->base);
    c->alt = malloc(N * TRUCE_COMPARE_NVARS * sizeof *c->alt);
    if (!c->base || !c->alt) goto oom;

    pair_ctx pc = {c, base, alt};
    par_progress pr = {opt->progress, opt->progress_ctx, 0, (uint64_t)N};
    if (par_for((uint64_t)N, opt->threads, task_pair, &pc, &pr, err)) {
        truce_compare_free(c);
        return NULL;
    }
    c->opt.posterior = NULL;   /* not kept (the caller's) */
    return c;
oom:
    truce_compare_free(c);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for %llu pairs of runs",
                    (unsigned long long)opt->runs);
    return NULL;
}

void truce_compare_value(const truce_compare *c, uint64_t run, size_t k, double *base, double *alt)
{
    if (run >= c->opt.runs || k >= TRUCE_COMPARE_NVARS) {
        if (base) *base = NAN;
        if (alt) *alt = NAN;
        return;
    }
    if (base) *base = c->base[run * TRUCE_COMPARE_NVARS + k];
    if (alt) *alt = c->alt[run * TRUCE_COMPARE_NVARS + k];
}

void truce_compare_summary(const truce_compare *c, size_t k, truce_compare_row *row)
{
    memset(row, 0, sizeof *row);
    row->variable = truce_compare_variable(k);
    const size_t N = (size_t)c->opt.runs;
    double *d = malloc(N * sizeof *d);
    if (!d || k >= TRUCE_COMPARE_NVARS) {
        free(d);
        row->base_mean = row->alt_mean = row->diff_mean = row->diff_q05 = row->diff_q50 =
            row->diff_q95 = row->p_alt_lower = NAN;
        return;
    }
    double sb = 0.0, sa = 0.0, sd = 0.0;
    size_t lower = 0;
    for (size_t i = 0; i < N; i++) {
        double b = c->base[i * TRUCE_COMPARE_NVARS + k], a = c->alt[i * TRUCE_COMPARE_NVARS + k];
        sb += b;
        sa += a;
        d[i] = a - b;
        sd += d[i];
        lower += d[i] < 0.0;
    }
    row->base_mean = sb / (double)N;
    row->alt_mean = sa / (double)N;
    row->diff_mean = sd / (double)N;
    row->p_alt_lower = (double)lower / (double)N;
    /* truce_quantile7 sorts d in place; sorting again is a no-op for the next ones */
    row->diff_q05 = truce_quantile7(d, NULL, N, 0.05);
    row->diff_q50 = truce_quantile7(d, NULL, N, 0.50);
    row->diff_q95 = truce_quantile7(d, NULL, N, 0.95);
    free(d);
}

static int write_differences(FILE *f, const void *ctx, truce_error *err)
{
    (void)err;
    const truce_compare *c = ctx;
    fputs("run,variable,base,alt,diff\n", f);
    for (uint64_t i = 0; i < c->opt.runs; i++)
        for (size_t k = 0; k < TRUCE_COMPARE_NVARS; k++) {
            double b = c->base[i * TRUCE_COMPARE_NVARS + k], a = c->alt[i * TRUCE_COMPARE_NVARS + k];
            fprintf(f, "%llu,%s,", (unsigned long long)i, truce_compare_variable(k));
            outdir_number(f, b);
            fputc(',', f);
            outdir_number(f, a);
            fputc(',', f);
            outdir_number(f, a - b);
            fputc('\n', f);
        }
    return 0;
}

static int write_summary(FILE *f, const void *ctx, truce_error *err)
{
    (void)err;
    const truce_compare *c = ctx;
    fputs("variable,base_mean,alt_mean,diff_mean,diff_q05,diff_q50,diff_q95,p_alt_lower\n", f);
    for (size_t k = 0; k < TRUCE_COMPARE_NVARS; k++) {
        truce_compare_row row;
        truce_compare_summary(c, k, &row);
        const double v[7] = {row.base_mean, row.alt_mean, row.diff_mean, row.diff_q05,
                             row.diff_q50,  row.diff_q95, row.p_alt_lower};
        fputs(row.variable, f);
        for (int j = 0; j < 7; j++) {
            fputc(',', f);
            outdir_number(f, v[j]);
        }
        fputc('\n', f);
    }
    return 0;
}

typedef struct compare_out {
    const truce_compare *c;
    const truce_provenance *prov;
} compare_out;

static int put_differences(FILE *f, const void *ctx, truce_error *err)
{
    return write_differences(f, ((const compare_out *)ctx)->c, err);
}

static int put_summary_csv(FILE *f, const void *ctx, truce_error *err)
{
    return write_summary(f, ((const compare_out *)ctx)->c, err);
}


/* How the comparison was made: no timestamps or paths, so the bytes are reproducible. */
static int put_summary_json(FILE *f, const void *ctx, truce_error *err)
{
    (void)err;
    const truce_compare *c = ((const compare_out *)ctx)->c;
    const truce_provenance *prov = ((const compare_out *)ctx)->prov;
    char d0[11], d1[11], db[11];
    truce_date_format(c->from, d0);
    truce_date_format(c->to, d1);
    truce_date_format(c->branch, db);
    fprintf(f, "{\n  \"truce_version\": \"%s\",\n", TRUCE_VERSION);
    if (prov && prov->command) {
        fputs("  \"command\": ", f);
        outdir_json_string(f, prov->command);
        fputs(",\n", f);
    }
    fputs("  \"base\": {\"scenario\": ", f);
    outdir_json_string(f, c->base_name);
    fprintf(f, ", \"scenario_hash\": \"%s\"},\n  \"alt\": {\"scenario\": ", c->base_hash);
    outdir_json_string(f, c->alt_name);
    fprintf(f, ", \"scenario_hash\": \"%s\"},\n", c->alt_hash);
    fprintf(f, "  \"seed\": %llu,\n  \"runs\": %llu,\n", (unsigned long long)c->opt.seed,
            (unsigned long long)c->opt.runs);
    fprintf(f, "  \"from\": \"%s\",\n  \"to\": \"%s\",\n  \"alt_branches_on\": \"%s\",\n", d0, d1, db);
    if (c->post_particles) {
        fputs("  \"params\": {\"source\": \"posterior\", \"file\": ", f);
        outdir_json_string(f, c->post_name);
        fprintf(f, ", \"file_hash\": \"%s\", \"particles\": %zu, \"drawn\": \"one particle per pair by weight, keyed by (seed, run)\"},\n",
                c->post_hash, c->post_particles);
    } else {
        fputs("  \"params\": {\"source\": \"scenario\"},\n", f);
    }
    provenance_put_overrides(f, prov, "alt_set", "alt_without", 0);
    provenance_put_inputs(f, prov);
    fputs(",\n  \"pairing\": \"run i of BASE and run i of ALT share the seed and the run index "
          "(common random numbers)\",\n", f);
    fputs("  \"quantiles\": \"type 7 (R default, NumPy linear)\",\n", f);
    fputs("  \"diff\": \"alt - base: totals over [from, to]; militants: the stock on the last day\"\n}\n", f);
    return 0;
}

int truce_compare_write(const truce_compare *c, const char *dir, const truce_provenance *prov,
                        truce_error *err)
{
    truce_error_clear(err);
    static const outdir_file files[] = {
        {"differences.csv", put_differences},
        {"summary.csv", put_summary_csv},
        {"summary.json", put_summary_json},
    };
    compare_out ctx = {c, prov};
    return outdir_write(dir, files, sizeof files / sizeof files[0], &ctx, err);
}

int32_t truce_compare_branch_day(const truce_compare *c) { return c->branch; }
