/* fit_target: the summaries of the shipped data, the distance, the cutoff, simulations and
 * the robust scales. `test_fit_target --dump [--cutoff YYYY-MM-DD]` prints the observed
 * summaries as CSV (name,value) for the independent Python recomputation
 * (tests/py/test_fit_target.py). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_target.h"
#include "model.h"
#include "params.h"
#include "testutil.h"
#include "truce.h"

static fit_target *target(int32_t cutoff)
{
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    assert_non_null(sc);
    truce_reported *data = truce_reported_load_default(&err);
    assert_non_null(data);
    fit_target_options o;
    fit_target_options_init(&o);
    o.cutoff = cutoff;
    fit_target *t = fit_target_new(sc, data, &o, &err);
    if (!t) fail_msg("fit_target_new: %s", err.message);
    truce_reported_free(data);
    truce_scenario_free(sc);
    return t;
}

static size_t count_prefix(const fit_target *t, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < fit_target_dim(t); i++)
        n += strncmp(fit_target_summary_name(t, i), prefix, strlen(prefix)) == 0;
    return n;
}

static long find(const fit_target *t, const char *name)
{
    for (size_t i = 0; i < fit_target_dim(t); i++)
        if (strcmp(fit_target_summary_name(t, i), name) == 0) return (long)i;
    return -1;
}

static void observed_summaries(void **state)
{
    (void)state;
    fit_target *t = target(INT32_MAX);
    /* every kind is there */
    assert_true(count_prefix(t, "year:") >= 10);
    assert_true(count_prefix(t, "month:") >= 100);
    assert_true(count_prefix(t, "growth:") >= 2);
    assert_true(count_prefix(t, "season:") >= 1);
    assert_true(count_prefix(t, "episode:") >= 2);
    /* values by hand from data/pakistan_series.csv: PICSS Pakistan attacks 2016 = 500,
     * PIPS Pakistan attacks 2009 = 2586, PICSS Pakistan attacks 2024-02 = 97 */
    long i = find(t, "year:PICSS:attacks:Pakistan:2016");
    assert_true(i >= 0);
    assert_near(fit_target_observed(t)[i], log1p(500.0), 1e-12);
    i = find(t, "year:PIPS:attacks:Pakistan:2009");
    assert_true(i >= 0);
    assert_near(fit_target_observed(t)[i], log1p(2586.0), 1e-12);
    i = find(t, "month:PICSS:attacks:Pakistan:2024-02");
    assert_true(i >= 0);
    assert_near(fit_target_observed(t)[i], log1p(97.0), 1e-12);
    /* PIPS Pakistan attacks: 2024, 2025 (521, 699) against 2018, 2019 (262, 229); 2020 and
     * 2023 are not reported */
    i = find(t, "growth:PIPS:attacks:Pakistan:2023-2025/2018-2020");
    assert_true(i >= 0);
    assert_near(fit_target_observed(t)[i],
                (log1p(521.0) + log1p(699.0)) / 2 - (log1p(262.0) + log1p(229.0)) / 2, 1e-12);
    /* the 2022 ceasefire in PICSS national attacks is a summary (after/before) */
    assert_true(find(t, "episode:PICSS:attacks:Pakistan:28:after/before") >= 0);
    /* rows without a reporting model (injured, other provinces) are counted, not used */
    assert_true(fit_target_skipped_unmodelled(t) > 0);
    /* distance of the data to themselves is 0, for any scales */
    assert_near(fit_target_distance(t, fit_target_observed(t)), 0.0, 0.0);
    /* the record is monthly and ends with the data */
    truce_record rec;
    fit_target_record(t, &rec);
    assert_int_equal(rec.by, TRUCE_BY_MONTH);
    assert_int_equal(rec.to, fit_target_last_day(t));
    assert_true(rec.variables != 0);
    fit_target_free(t);
}

static void cutoff_drops_later_periods(void **state)
{
    (void)state;
    int32_t first, last;
    truce_precision prec;
    assert_int_equal(truce_date_parse("2022-12", &first, &last, &prec), 0);
    fit_target *all = target(INT32_MAX);
    fit_target *t = target(last);
    assert_true(fit_target_dim(t) < fit_target_dim(all));
    assert_true(fit_target_last_day(t) <= last);
    assert_true(fit_target_last_day(all) > last);
    assert_true(fit_target_skipped_outside(t) > fit_target_skipped_outside(all));
    for (size_t i = 0; i < fit_target_dim(t); i++) {
        const char *n = fit_target_summary_name(t, i);
        /* no later year or month appears in a level */
        assert_null(strstr(n, ":2023"));
        assert_null(strstr(n, ":2024"));
        assert_null(strstr(n, ":2025"));
    }
    /* the growth windows move with the data's last year */
    assert_true(find(t, "growth:PIPS:attacks:Pakistan:2020-2022/2015-2017") >= 0);
    /* summaries up to the cutoff are the same numbers */
    long a = find(all, "month:PICSS:attacks:Pakistan:2022-06"), b = find(t, "month:PICSS:attacks:Pakistan:2022-06");
    assert_true(a >= 0 && b >= 0);
    assert_near(fit_target_observed(all)[a], fit_target_observed(t)[b], 0.0);
    fit_target_free(all);
    fit_target_free(t);
}

static void simulate_and_scale(void **state)
{
    (void)state;
    fit_target *t = target(INT32_MAX);
    const size_t dim = fit_target_dim(t);
    double params[PARAM_COUNT];
    truce_params_default(params);
    enum { N = 4 };
    double *pilot = malloc(N * dim * sizeof *pilot), *again = malloc(dim * sizeof *again);
    assert_non_null(pilot);
    assert_non_null(again);
    truce_error err;
    for (uint32_t r = 0; r < N; r++) {
        if (fit_target_simulate(t, params, 7, r, pilot + r * dim, &err)) fail_msg("%s", err.message);
        for (size_t i = 0; i < dim; i++) assert_true(isfinite(pilot[r * dim + i]));
    }
    /* the same (seed, run) gives the same summaries; another run gives others */
    assert_int_equal(fit_target_simulate(t, params, 7, 0, again, &err), 0);
    assert_memory_equal(again, pilot, dim * sizeof *again);
    assert_true(memcmp(pilot, pilot + dim, dim * sizeof *pilot) != 0);
    double d0 = fit_target_distance(t, pilot);
    assert_true(isfinite(d0) && d0 > 0.0);
    /* scales: 1.4826 MAD of the pilot, floored (0.1 on the log scale, 0.02 for shares) */
    assert_int_equal(fit_target_set_scales(t, pilot, N, &err), 0);
    const double *sc = fit_target_scales(t);
    for (size_t i = 0; i < dim; i++) {
        double floor = fit_target_summary_kind(t, i) == FIT_SUMMARY_SEASON ? 0.02 : 0.1;
        assert_true(sc[i] >= floor);
    }
    /* a hand-made pilot: column values 0, 1, 2, 10 -> median 1.5, deviations 1.5, 0.5,
     * 0.5, 8.5 -> MAD 1, scale 1.4826 */
    double *hand = malloc(N * dim * sizeof *hand);
    assert_non_null(hand);
    const double col[N] = {0.0, 1.0, 2.0, 10.0};
    for (size_t r = 0; r < N; r++)
        for (size_t i = 0; i < dim; i++) hand[r * dim + i] = col[r];
    assert_int_equal(fit_target_set_scales(t, hand, N, &err), 0);
    assert_near(fit_target_scales(t)[0], 1.482602218505602, 1e-12);
    /* a non-finite summary is infinitely far */
    again[0] = NAN;
    assert_true(isinf(fit_target_distance(t, again)));
    /* a mismatched report table is refused */
    truce_reported *empty = truce_reported_load_memory("empty", "period,metric,value,source,geography\n", 37, &err);
    assert_non_null(empty);
    assert_int_equal(fit_target_summaries_of(t, empty, again, &err), -1);
    truce_reported_free(empty);
    free(hand);
    free(pilot);
    free(again);
    fit_target_free(t);
}

static void block_weights(void **state)
{
    (void)state;
    /* moving every monthly summary by one scale costs as much as moving every yearly level
     * by one scale: each block adds the mean of its squared deviations */
    fit_target *t = target(INT32_MAX);
    const size_t dim = fit_target_dim(t);
    double *s = malloc(dim * sizeof *s);
    assert_non_null(s);
    memcpy(s, fit_target_observed(t), dim * sizeof *s);
    for (size_t i = 0; i < dim; i++)
        if (fit_target_summary_kind(t, i) == FIT_SUMMARY_MONTH) s[i] += 1.0;
    double dm = fit_target_distance(t, s);
    memcpy(s, fit_target_observed(t), dim * sizeof *s);
    for (size_t i = 0; i < dim; i++)
        if (fit_target_summary_kind(t, i) == FIT_SUMMARY_YEAR) s[i] += 1.0;
    double dy = fit_target_distance(t, s);
    assert_near(dm, 1.0, 1e-12);
    assert_near(dy, 1.0, 1e-12);
    free(s);
    fit_target_free(t);
}

/* Early rejection (docs/fit.md): when each summary is complete, the partial distance as a
 * lower bound of the distance, and simulations that stop at a checkpoint exactly when the
 * partial distance there exceeds the tolerance. */
static void early_rejection(void **state)
{
    (void)state;
    fit_target *t = target(INT32_MAX);
    const size_t dim = fit_target_dim(t);
    truce_error err;
    /* completion days: a year's level on its 31 December, a month's value on its last day,
     * growth, seasonality and the event study only with the whole run */
    long iy = find(t, "year:PICSS:attacks:Pakistan:2016"), im = find(t, "month:PICSS:attacks:Pakistan:2024-02");
    assert_true(iy >= 0 && im >= 0);
    int32_t first, last;
    truce_precision prec;
    assert_int_equal(truce_date_parse("2016-12-31", &first, &last, &prec), 0);
    assert_int_equal(fit_target_summary_ready(t, (size_t)iy), first);
    assert_int_equal(truce_date_parse("2024-02-29", &first, &last, &prec), 0);
    assert_int_equal(fit_target_summary_ready(t, (size_t)im), first);
    for (size_t i = 0; i < dim; i++) {
        fit_summary_kind k = fit_target_summary_kind(t, i);
        if (k == FIT_SUMMARY_YEAR || k == FIT_SUMMARY_MONTH)
            assert_true(fit_target_summary_ready(t, i) <= fit_target_last_day(t));
        else
            assert_int_equal(fit_target_summary_ready(t, i), INT32_MAX);
    }
    /* checkpoints: year ends, increasing, before the last day of data; the shipped data start
     * in 2009, so the first is 2009-12-31 */
    const size_t ncp = fit_target_checkpoint_count(t);
    assert_true(ncp >= 10);
    assert_int_equal(truce_date_parse("2009-12-31", &first, &last, &prec), 0);
    assert_int_equal(fit_target_checkpoint(t, 0), first);
    for (size_t k = 1; k < ncp; k++) assert_true(fit_target_checkpoint(t, k) > fit_target_checkpoint(t, k - 1));
    assert_true(fit_target_checkpoint(t, ncp - 1) < fit_target_last_day(t));

    /* the lower bound, on summaries whose deviations span 12 orders of magnitude (a large
     * term first, then tiny ones: where a floating-point sum rounds most): partial <= full,
     * nondecreasing in the day, equal to the distance bit for bit with every summary */
    double *s = malloc(dim * sizeof *s);
    assert_non_null(s);
    uint64_t x = 88172645463325252ull;   /* xorshift64: a fixed sequence, no library RNG */
    for (int rep = 0; rep < 200; rep++) {
        for (size_t i = 0; i < dim; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            double u = (double)(x >> 11) / 9007199254740992.0;
            double mag = pow(10.0, -6.0 + 12.0 * (double)((x >> 3) % 7) / 6.0);
            s[i] = fit_target_observed(t)[i] + (u - 0.5) * mag * (rep % 3 == 0 && i == 0 ? 1e6 : 1.0);
        }
        const double full = fit_target_distance(t, s);
        double prev = 0.0;
        for (size_t k = 0; k < ncp; k++) {
            double p = fit_target_partial_distance(t, s, fit_target_checkpoint(t, k));
            assert_true(p >= prev);
            assert_true(p <= full);
            prev = p;
        }
        double same = fit_target_partial_distance(t, s, INT32_MAX);
        assert_memory_equal(&same, &full, sizeof full);
    }
    int32_t earliest = INT32_MAX;
    for (size_t i = 0; i < dim; i++)
        if (fit_target_summary_ready(t, i) < earliest) earliest = fit_target_summary_ready(t, i);
    assert_true(fit_target_partial_distance(t, s, earliest - 1) == 0.0);
    assert_true(fit_target_partial_distance(t, s, earliest) > 0.0);

    /* simulations: eps = +INF is fit_target_simulate, whole */
    double params[PARAM_COUNT];
    truce_params_default(params);
    double *ref = malloc(dim * sizeof *ref), *got = malloc(dim * sizeof *got);
    assert_non_null(ref);
    assert_non_null(got);
    if (fit_target_simulate(t, params, 11, 2, ref, &err)) fail_msg("%s", err.message);
    fit_sim_cost c;
    assert_int_equal(fit_target_simulate_within(t, params, 11, 2, INFINITY, got, &c, &err), 0);
    assert_memory_equal(got, ref, dim * sizeof *got);
    assert_int_equal(c.stopped, 0);
    truce_scenario *sc = truce_scenario_load_default(&err);
    assert_non_null(sc);
    const int32_t start = truce_scenario_start(sc);
    assert_int_equal(c.full_days, (int64_t)truce_scenario_end(sc) - start + 1);
    /* to the last day of data (no summary reads a later one), not the horizon's end */
    assert_int_equal(c.days, (int64_t)fit_target_last_day(t) - start + 1);
    assert_true(c.days > 8000);   /* 2002-2025 */
    /* eps = the run's own distance: never stopped (the bound cannot exceed it), the same bits */
    const double d = fit_target_distance(t, ref);
    assert_true(isfinite(d) && d > 0.0);
    assert_int_equal(fit_target_simulate_within(t, params, 11, 2, d, got, &c, &err), 0);
    assert_int_equal(c.stopped, 0);
    assert_memory_equal(got, ref, dim * sizeof *got);
    /* eps just below the partial distance at a checkpoint (and above the one before): it
     * stops exactly there, which it does only if the values observed at the checkpoint are
     * those of the whole run */
    size_t tried = 0;
    double below = 0.0;
    for (size_t k = 0; k < ncp; k++) {
        const double pk = fit_target_partial_distance(t, ref, fit_target_checkpoint(t, k));
        if (!(pk > below * (1.0 + 1e-6))) continue;
        const double eps = 0.5 * (below + pk);
        if (!(pk > eps * (1.0 + 1e-9)) || !(below < eps)) continue;
        assert_int_equal(fit_target_simulate_within(t, params, 11, 2, eps, got, &c, &err), 0);
        assert_int_equal(c.stopped, 1);
        assert_int_equal(c.days, (int64_t)fit_target_checkpoint(t, k) - start + 1);
        for (size_t i = 0; i < dim; i++) assert_true(isnan(got[i]));
        assert_true(isinf(fit_target_distance(t, got)));
        below = pk;
        if (++tried >= 3) break;
    }
    assert_true(tried >= 2);
    /* a cutoff: the run stops at the cutoff, with the summaries of a run over the horizon */
    fit_target *tc = target(fit_target_checkpoint(t, 6));   /* 2015-12-31 */
    const size_t dc = fit_target_dim(tc);
    assert_true(dc < dim);
    if (fit_target_simulate(tc, params, 11, 2, ref, &err)) fail_msg("%s", err.message);
    assert_int_equal(fit_target_simulate_within(tc, params, 11, 2, INFINITY, got, &c, &err), 0);
    assert_memory_equal(got, ref, dc * sizeof *got);
    assert_int_equal(c.days, (int64_t)fit_target_checkpoint(t, 6) - start + 1);
    assert_true(c.days < c.full_days);
    assert_int_equal(fit_target_simulate_within(tc, params, 11, 2, fit_target_distance(tc, ref), got, &c, &err), 0);
    assert_memory_equal(got, ref, dc * sizeof *got);
    fit_target_free(tc);
    truce_scenario_free(sc);
    free(s);
    free(ref);
    free(got);
    fit_target_free(t);
}

/* The fit's simulations run without each organisation's own record (model_new_totals):
 * what they record over every organisation must be the same doubles as a whole run's,
 * with the same flows and draws, and the result must not pretend to have the per-
 * organisation records (truce_result_organisation gives NULL). */
static void totals_only_run_matches(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    assert_non_null(sc);
    assert_true(truce_scenario_organisation_count(sc) > 1); /* else there is nothing to leave out */
    fit_target *t = target(INT32_MAX);
    for (uint32_t run = 0; run < 2; run++) {
        truce_run_options o;
        truce_run_options_init(&o);
        o.seed = 11;
        o.run = run;
        fit_target_record(t, &o.record);
        truce_result *whole = truce_run(sc, &o, &err);
        truce_model *m = model_new_totals(sc, &o, &err);
        truce_result *totals = m ? truce_model_finish(m, &err) : NULL;
        if (!whole || !totals) fail_msg("run: %s", err.message);
        assert_non_null(truce_result_organisation(whole, 0));
        assert_null(truce_result_organisation(totals, 0));
        const size_t R = truce_result_region_count(whole);
        size_t cells = 0;
        for (size_t p = 0; p < truce_result_period_count(whole); p++)
            for (size_t g = 0; g <= R; g++)
                for (int v = 0; v < TRUCE_VAR_COUNT; v++) {
                    double x = truce_result_get(whole, p, g, (truce_variable)v);
                    double y = truce_result_get(totals, p, g, (truce_variable)v);
                    if (isnan(x) && isnan(y)) continue;
                    if (memcmp(&x, &y, sizeof x) != 0)
                        fail_msg("run %u period %zu region %zu %s: %.17g vs %.17g", run, p, g,
                                 truce_variable_name((truce_variable)v), x, y);
                    cells++;
                }
        assert_true(cells > 1000);
        for (int f = 0; f < TRUCE_FLOW_COUNT; f++)
            assert_true(truce_result_flow(whole, (truce_flow)f) == truce_result_flow(totals, (truce_flow)f));
        assert_true(truce_result_draws(whole) == truce_result_draws(totals));
        truce_result_free(whole);
        truce_result_free(totals);
    }
    fit_target_free(t);
    truce_scenario_free(sc);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--dump") == 0) {
        int32_t cutoff = INT32_MAX, first;
        truce_precision prec;
        if (argc >= 4 && strcmp(argv[2], "--cutoff") == 0 && truce_date_parse(argv[3], &first, &cutoff, &prec)) return 2;
        truce_error err;
        truce_scenario *sc = truce_scenario_load_default(&err);
        truce_reported *data = sc ? truce_reported_load_default(&err) : NULL;
        fit_target_options o;
        fit_target_options_init(&o);
        o.cutoff = cutoff;
        fit_target *t = data ? fit_target_new(sc, data, &o, &err) : NULL;
        if (!t) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        printf("name,value\n");
        for (size_t i = 0; i < fit_target_dim(t); i++)
            printf("%s,%.17g\n", fit_target_summary_name(t, i), fit_target_observed(t)[i]);
        fit_target_free(t);
        truce_reported_free(data);
        truce_scenario_free(sc);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(observed_summaries),
        cmocka_unit_test(cutoff_drops_later_periods),
        cmocka_unit_test(simulate_and_scale),
        cmocka_unit_test(block_weights),
        cmocka_unit_test(early_rejection),
        cmocka_unit_test(totals_only_run_matches),
    };
    return cmocka_run_group_tests_name("fit_target", tests, NULL, NULL);
}
