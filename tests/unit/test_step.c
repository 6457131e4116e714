/* The step API gives the bytes of a whole run: advancing in pieces, snapshots, restores
 * (including back to an earlier day) and switches of scenario all reproduce truce_run
 * exactly, in stochastic and mean-field runs. These paths carry per-run state that the
 * daily step keeps between days (the index of episodes active by stretch of days and its
 * cursor, each ceasefire's survival), so any state they forget to copy or rebuild shows
 * up here as a difference. Dates cross ceasefires, their ends and prisoner releases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "testutil.h"
#include "truce.h"

static int32_t date(const char *text)
{
    int32_t first, last;
    truce_precision prec;
    if (truce_date_parse(text, &first, &last, &prec)) fail_msg("date %s", text);
    return first;
}

static void options(truce_run_options *o, int mean_field)
{
    truce_run_options_init(o);
    o->seed = 11;
    o->run = 2;
    o->mean_field = mean_field;
    o->record.by = TRUCE_BY_MONTH;
}

/* Every recorded value of a and b is the same (NAN where both are NAN). */
static void assert_same(const truce_result *a, const truce_result *b, const char *what)
{
    const size_t np = truce_result_period_count(a), R = truce_result_region_count(a);
    assert_int_equal(np, truce_result_period_count(b));
    for (size_t p = 0; p < np; p++)
        for (size_t g = 0; g <= R; g++)
            for (int v = 0; v < TRUCE_VAR_COUNT; v++) {
                double x = truce_result_get(a, p, g, (truce_variable)v);
                double y = truce_result_get(b, p, g, (truce_variable)v);
                if (!(x == y || (isnan(x) && isnan(y))))
                    fail_msg("%s: period %zu, region %zu, %s: %.17g vs %.17g", what, p, g,
                             truce_variable_name((truce_variable)v), x, y);
            }
    for (int f = 0; f < TRUCE_FLOW_COUNT; f++)
        if (!(truce_result_flow(a, (truce_flow)f) == truce_result_flow(b, (truce_flow)f)))
            fail_msg("%s: flow %s differs", what, truce_flow_name((truce_flow)f));
    assert_true(truce_result_draws(a) == truce_result_draws(b));
}

static truce_scenario *load(const char *end)
{
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    if (!sc) fail_msg("default scenario: %s", err.message);
    if (end && truce_scenario_set_end(sc, end, &err)) fail_msg("end: %s", err.message);
    return sc;
}

static void pieces_snapshots_restores(int mean_field)
{
    truce_error err;
    truce_scenario *sc = load("2012-12-31");
    truce_run_options o;
    options(&o, mean_field);
    truce_result *whole = truce_run(sc, &o, &err);
    assert_non_null(whole);

    /* in pieces of uneven length */
    truce_model *m = truce_model_new(sc, &o, &err);
    assert_non_null(m);
    const char *stops[] = {"2002-01-01", "2002-03-17", "2004-04-24", "2006-09-05", "2006-09-06",
                           "2008-02-29", "2009-05-01", "2011-07-31"};
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
        assert_int_equal(truce_model_advance(m, date(stops[i]), &err), 0);
    truce_result *pieces = truce_model_finish(m, &err);
    assert_non_null(pieces);
    assert_same(whole, pieces, "in pieces");

    /* snapshot in 2005, run on to 2010, restore the 2005 state (a jump back), finish */
    m = truce_model_new(sc, &o, &err);
    assert_int_equal(truce_model_advance(m, date("2005-06-30"), &err), 0);
    truce_model *snap = truce_model_snapshot(m, &err);
    assert_non_null(snap);
    assert_int_equal(truce_model_advance(m, date("2010-01-15"), &err), 0);
    assert_int_equal(truce_model_restore(m, snap, &err), 0);
    assert_int_equal(truce_model_next_day(m), date("2005-07-01"));
    truce_result *restored = truce_model_finish(m, &err);
    assert_same(whole, restored, "restored to an earlier day");

    /* the snapshot itself runs on to the same end */
    truce_result *from_snap = truce_model_finish(snap, &err);
    assert_same(whole, from_snap, "snapshot finished");

    truce_result_free(whole);
    truce_result_free(pieces);
    truce_result_free(restored);
    truce_result_free(from_snap);
    truce_scenario_free(sc);
}

static void step_stochastic(void **state)
{
    (void)state;
    pieces_snapshots_restores(0);
}

static void step_mean_field(void **state)
{
    (void)state;
    pieces_snapshots_restores(1);
}

/* A switch rebuilds the per-episode state for the new scenario: switching to an identical
 * copy mid-run changes nothing, and switching before the first day to a scenario without
 * an episode gives that scenario's own run. */
static void switches(void **state)
{
    (void)state;
    truce_error err;
    for (int mf = 0; mf <= 1; mf++) {
        truce_scenario *sc = load("2010-12-31");
        truce_scenario *copy = truce_scenario_copy(sc, &err);
        assert_non_null(copy);
        truce_run_options o;
        options(&o, mf);
        truce_result *whole = truce_run(sc, &o, &err);

        truce_model *m = truce_model_new(sc, &o, &err);
        assert_int_equal(truce_model_advance(m, date("2006-09-05"), &err), 0);
        assert_int_equal(truce_model_switch(m, copy, &err), 0);
        truce_result *sw = truce_model_finish(m, &err);
        assert_same(whole, sw, "switched to a copy mid-run");

        /* without the first episode that has a lever */
        truce_scenario *alt = truce_scenario_copy(sc, &err);
        assert_non_null(alt);
        const char *id = truce_scenario_episode_id(sc, 0);
        assert_non_null(id);
        assert_int_equal(truce_scenario_remove_episode(alt, id, &err), 0);
        truce_result *alt_whole = truce_run(alt, &o, &err);
        m = truce_model_new(sc, &o, &err);
        assert_int_equal(truce_model_switch(m, alt, &err), 0);
        truce_result *alt_sw = truce_model_finish(m, &err);
        assert_same(alt_whole, alt_sw, "switched before the first day");

        truce_result_free(whole);
        truce_result_free(sw);
        truce_result_free(alt_whole);
        truce_result_free(alt_sw);
        truce_scenario_free(alt);
        truce_scenario_free(copy);
        truce_scenario_free(sc);
    }
}

/* The draw cache (model_use_draw_cache: each day's first Philox blocks made ahead, on by
 * default only where the processor has AVX-512) changes no number: runs with it on and off
 * are the same bits, whatever this machine's default, over several runs, a snapshot taken
 * mid-run (which starts an empty cache of its own) and a restore. */
static void draw_cache_changes_nothing(void **state)
{
    (void)state;
    truce_scenario *sc = load("2008-12-31");
    truce_error err;
    for (uint32_t run = 0; run < 3; run++) {
        truce_result *r[2];
        for (int on = 0; on < 2; on++) {
            truce_run_options o;
            options(&o, 0);
            o.run = run;
            truce_model *m = truce_model_new(sc, &o, &err);
            assert_non_null(m);
            model_use_draw_cache(m, on);
            assert_int_equal(truce_model_advance(m, date("2005-06-30"), &err), 0);
            truce_model *snap = truce_model_snapshot(m, &err);
            assert_non_null(snap);
            assert_int_equal(truce_model_advance(m, date("2007-01-31"), &err), 0);
            assert_int_equal(truce_model_restore(m, snap, &err), 0);
            truce_model_free(snap);
            r[on] = truce_model_finish(m, &err);
            assert_non_null(r[on]);
        }
        truce_run_options o;
        options(&o, 0);
        o.run = run;
        truce_result *whole = truce_run(sc, &o, &err);
        assert_non_null(whole);
        assert_same(r[0], r[1], "draw cache off / on");
        assert_same(whole, r[1], "truce_run / draw cache on");
        truce_result_free(whole);
        truce_result_free(r[0]);
        truce_result_free(r[1]);
    }
    truce_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(step_stochastic),
        cmocka_unit_test(step_mean_field),
        cmocka_unit_test(switches),
        cmocka_unit_test(draw_cache_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
