/* bank — futures that branch from a shared history (truce.h, "futures that branch from a
 * shared history"; docs/assess.md).
 *
 * Run i's history, from the scenario's start to the day before `from`, is simulated once
 * with run i's parameters (a posterior particle drawn by (seed, i), or the scenario's own)
 * and kept as a snapshot of the model. A future is a copy of that snapshot switched to
 * another scenario (the bank's scenario plus a portfolio's levers) and advanced to `to`.
 * Every draw is a function of (seed, run, region, day, purpose), so the future's draws are
 * those of a run over the whole horizon: branching with no change gives the bytes of
 * `truce run --seed S --run i` (tests/unit/test_bank.c), and two futures of run i differ
 * by their policies alone (common random numbers).
 *
 * Each history is computed into its own slot, so nothing depends on the thread count.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "model.h"
#include "par.h"
#include "params.h"
#include "scenario.h"
#include "truce.h"

struct truce_bank {
    truce_scenario *sc;        /* the scenario with its end moved to `to` */
    uint64_t runs, seed;
    int32_t from, to;
    truce_record record;
    double *params;            /* [runs][PARAM_COUNT] */
    size_t *particle;          /* [runs]: posterior row, SIZE_MAX without a posterior */
    truce_model **snap;        /* [runs]: each history, advanced to from - 1 */
};

void truce_bank_options_init(truce_bank_options *o)
{
    memset(o, 0, sizeof *o);
    o->version = TRUCE_BANK_OPTIONS_VERSION;
    o->runs = 200;
    o->seed = 1;
    o->from = INT32_MIN;
    o->to = INT32_MAX;
    truce_run_options ro;
    truce_run_options_init(&ro);
    o->record = ro.record;
}

void truce_bank_free(truce_bank *b)
{
    if (!b) return;
    if (b->snap)
        for (uint64_t i = 0; i < b->runs; i++) truce_model_free(b->snap[i]);
    free(b->snap);
    free(b->params);
    free(b->particle);
    truce_scenario_free(b->sc);
    free(b);
}

uint64_t truce_bank_runs(const truce_bank *b) { return b->runs; }
const truce_scenario *truce_bank_scenario(const truce_bank *b) { return b->sc; }

const double *truce_bank_params(const truce_bank *b, uint64_t run)
{
    return run < b->runs ? b->params + run * PARAM_COUNT : NULL;
}

size_t truce_bank_particle(const truce_bank *b, uint64_t run)
{
    return run < b->runs ? b->particle[run] : SIZE_MAX;
}

static void run_options(const truce_bank *b, uint64_t i, truce_run_options *ro)
{
    truce_run_options_init(ro);
    ro->seed = b->seed;
    ro->run = (uint32_t)i;
    ro->params = b->params + i * PARAM_COUNT;
    ro->record = b->record;
}

/* Run i's history: a model advanced to from - 1, kept in its slot (a task of par_for). */
static int task_history(void *ctx, uint64_t i, truce_error *err)
{
    truce_bank *b = ctx;
    truce_run_options ro;
    run_options(b, i, &ro);
    /* Without each organisation's own record: nothing reads it from a bank's results (the
     * assessment and the explorer read totals over regions), and keeping it is about a tenth
     * of a branch's work. The values recorded are the same (model_new_totals). */
    truce_model *m = model_new_totals(b->sc, &ro, err);
    if (!m) return -1;
    if (truce_model_advance(m, b->from - 1, err)) {
        truce_model_free(m);
        return -1;
    }
    b->snap[i] = m;
    return 0;
}

truce_bank *truce_bank_new(const truce_scenario *s, const truce_bank_options *o, truce_error *err)
{
    truce_error_clear(err);
    if (!s || !o || o->version != TRUCE_BANK_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "truce_bank_new: no scenario or options (call truce_bank_options_init)");
        return NULL;
    }
    if (o->runs == 0 || o->runs > (uint64_t)UINT32_MAX + 1) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--runs", "must be between 1 and 4294967296");
        return NULL;
    }
    if (o->from == INT32_MIN || o->to == INT32_MAX || o->from < s->start || o->from > o->to) {
        char a[11] = "unset", c[11] = "unset", h[11];
        if (o->from != INT32_MIN) cal_format(o->from, a);
        if (o->to != INT32_MAX) cal_format(o->to, c);
        cal_format(s->start, h);
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "--from/--to",
                        "the futures from %s to %s must start on or after the scenario's start %s and end "
                        "on or after their first day",
                        a, c, h);
        return NULL;
    }
    truce_bank *b = calloc(1, sizeof *b);
    if (!b) goto oom;
    b->runs = o->runs;
    b->seed = o->seed;
    b->from = o->from;
    b->to = o->to;
    b->record = o->record;
    b->sc = truce_scenario_copy(s, err);
    if (!b->sc) {
        truce_bank_free(b);
        return NULL;
    }
    char end[11];
    cal_format(o->to, end);
    if (truce_scenario_set_end(b->sc, end, err)) {
        truce_bank_free(b);
        return NULL;
    }
    const size_t N = (size_t)o->runs;
    b->params = malloc(N * PARAM_COUNT * sizeof *b->params);
    b->particle = malloc(N * sizeof *b->particle);
    b->snap = calloc(N, sizeof *b->snap);
    if (!b->params || !b->particle || !b->snap) goto oom;
    for (size_t i = 0; i < N; i++) {
        double *p = b->params + i * PARAM_COUNT;
        if (o->posterior) {
            b->particle[i] = truce_posterior_draw(o->posterior, o->seed, i, p);
        } else {
            b->particle[i] = SIZE_MAX;
            truce_scenario_params(b->sc, p);
        }
    }

    par_progress pr = {o->progress, o->progress_ctx, 0, (uint64_t)N};
    if (par_for((uint64_t)N, o->threads, task_history, b, &pr, err)) {
        truce_bank_free(b);
        return NULL;
    }
    return b;
oom:
    truce_bank_free(b);
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for a bank of %llu histories",
                    (unsigned long long)o->runs);
    return NULL;
}

truce_result *truce_bank_branch(const truce_bank *b, uint64_t run, const truce_scenario *alt, size_t nset,
                                const size_t *set_index, const double *set_value, truce_error *err)
{
    truce_error_clear(err);
    if (!b || !alt || run >= b->runs || (nset && (!set_index || !set_value))) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "truce_bank_branch: no bank or scenario, run out of range, or changes without values");
        return NULL;
    }
    if (alt->start != b->sc->start || alt->end != b->sc->end) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "truce_bank_branch: scenario '%s' does not cover the bank's horizon (copy "
                        "truce_bank_scenario)",
                        alt->name);
        return NULL;
    }
    double pv[PARAM_COUNT];
    if (nset) {
        memcpy(pv, b->params + run * PARAM_COUNT, sizeof pv);
        for (size_t k = 0; k < nset; k++) {
            if (set_index[k] >= PARAM_COUNT) {
                truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                                "truce_bank_branch: parameter index %zu is not below %d", set_index[k],
                                (int)PARAM_COUNT);
                return NULL;
            }
            pv[set_index[k]] = set_value[k];
        }
        if (truce_params_check(pv, err)) return NULL;
    }
    truce_model *m = truce_model_snapshot(b->snap[run], err);
    if (!m) return NULL;
    if (truce_model_switch(m, alt, err) || (nset && model_set_params(m, pv, err))) {
        truce_model_free(m);
        return NULL;
    }
    return truce_model_finish(m, err);
}
