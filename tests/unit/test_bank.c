/* The bank of histories (src/assess/bank.c): a branch with no change is, value for value,
 * `truce run --seed S --run i` of the scenario with run i's parameters over the extended
 * horizon; the bank is the same for any thread count; a parameter change applies from
 * `from` on and leaves the history as it was. A small posterior file (three particles,
 * two estimated parameters) is written by the test itself, so run i's parameters are
 * drawn as in an assessment. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "truce.h"

static int32_t day(const char *text)
{
    int32_t first, last;
    truce_precision prec;
    if (truce_date_parse(text, &first, &last, &prec)) fail_msg("date %s", text);
    return first;
}

static truce_scenario *load(const char *end)
{
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    if (!sc) fail_msg("default scenario: %s", err.message);
    if (truce_scenario_set_end(sc, end, &err)) fail_msg("end: %s", err.message);
    return sc;
}

/* A posterior of three particles that differ in two parameters (values inside their bounds:
 * the default and points a quarter and three quarters of the way between the bounds, or
 * the default x 0.5 and x 1.5 for parameters with infinite bounds). */
static char post_path[64];
static truce_posterior *posterior(const truce_scenario *sc)
{
    const char *names[2] = {"attack_rate", "recruit_grievance"};
    snprintf(post_path, sizeof post_path, "test_bank_post_%ld.csv", (long)getpid());
    FILE *f = fopen(post_path, "w");
    assert_non_null(f);
    fprintf(f, "weight,%s,%s\n", names[0], names[1]);
    const double w[3] = {1.0, 2.0, 3.0}, at[3] = {-1.0, 0.25, 0.75};
    for (int r = 0; r < 3; r++) {
        fprintf(f, "%.17g", w[r]);
        for (int k = 0; k < 2; k++) {
            long i = truce_param_find(names[k]);
            assert_true(i >= 0);
            const truce_param_info *p = truce_param_at((size_t)i);
            double v = p->value;
            if (at[r] >= 0.0)
                v = isfinite(p->lo) && isfinite(p->hi) ? p->lo + at[r] * (p->hi - p->lo)
                                                       : p->value * (at[r] < 0.5 ? 0.5 : 1.5);
            fprintf(f, ",%.17g", v);
        }
        fputc('\n', f);
    }
    fclose(f);
    truce_error err;
    truce_posterior *post = truce_posterior_load(post_path, sc, &err);
    if (!post) fail_msg("posterior: %s", err.message);
    return post;
}

static void bank_options(truce_bank_options *o, const truce_posterior *post, int threads)
{
    truce_bank_options_init(o);
    o->runs = 4;
    o->seed = 7;
    o->from = day("2006-01-01");
    o->to = day("2009-12-31");   /* past the scenario's end (2007): the horizon moves */
    o->posterior = post;
    o->record.by = TRUCE_BY_MONTH;
    o->threads = threads;
}

/* Every recorded value of a and b in periods [p0, p1) is the same bits (NAN where both are
 * NAN); returns how many differ instead when `count` is set. */
static size_t differing(const truce_result *a, const truce_result *b, size_t p0, size_t p1, int count,
                        const char *what)
{
    const size_t R = truce_result_region_count(a);
    assert_int_equal(truce_result_period_count(a), truce_result_period_count(b));
    assert_int_equal(R, truce_result_region_count(b));
    size_t n = 0;
    for (size_t p = p0; p < p1; p++)
        for (size_t g = 0; g <= R; g++)
            for (int v = 0; v < TRUCE_VAR_COUNT; v++) {
                double x = truce_result_get(a, p, g, (truce_variable)v);
                double y = truce_result_get(b, p, g, (truce_variable)v);
                if (isnan(x) && isnan(y)) continue;
                if (memcmp(&x, &y, sizeof x) != 0) {
                    if (!count)
                        fail_msg("%s: period %zu region %zu %s: %.17g vs %.17g", what, p, g,
                                 truce_variable_name((truce_variable)v), x, y);
                    n++;
                }
            }
    return n;
}

/* Branch with no change == truce_run of the scenario moved to `to`, with run i's parameters. */
static void branch_is_run(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *sc = load("2007-12-31");
    truce_posterior *post = posterior(sc);
    truce_bank_options o;
    bank_options(&o, post, 2);
    truce_bank *b = truce_bank_new(sc, &o, &err);
    if (!b) fail_msg("bank: %s", err.message);
    assert_int_equal(truce_bank_runs(b), 4);
    assert_int_equal(truce_scenario_end(truce_bank_scenario(b)), day("2009-12-31"));

    truce_scenario *longer = load("2009-12-31");
    truce_scenario *alt = truce_scenario_copy(truce_bank_scenario(b), &err);
    assert_non_null(alt);
    int particles_differ = 0;
    for (uint64_t i = 0; i < 4; i++) {
        double expect[1024];
        assert_true(truce_param_count() <= 1024);
        size_t row = truce_posterior_draw(post, 7, i, expect);
        assert_int_equal(truce_bank_particle(b, i), row);
        assert_memory_equal(truce_bank_params(b, i), expect, truce_param_count() * sizeof(double));
        particles_differ |= truce_bank_particle(b, i) != truce_bank_particle(b, 0);

        truce_run_options ro;
        truce_run_options_init(&ro);
        ro.seed = 7;
        ro.run = (uint32_t)i;
        ro.params = truce_bank_params(b, i);
        ro.record.by = TRUCE_BY_MONTH;
        truce_result *whole = truce_run(longer, &ro, &err);
        assert_non_null(whole);
        truce_result *br = truce_bank_branch(b, i, alt, 0, NULL, NULL, &err);
        if (!br) fail_msg("branch: %s", err.message);
        differing(whole, br, 0, truce_result_period_count(whole), 0, "branch vs run");
        /* the branch's flows and draw count are those of the whole run too */
        for (int f = 0; f < TRUCE_FLOW_COUNT; f++)
            assert_true(truce_result_flow(whole, (truce_flow)f) == truce_result_flow(br, (truce_flow)f) ||
                        (isnan(truce_result_flow(whole, (truce_flow)f)) && isnan(truce_result_flow(br, (truce_flow)f))));
        assert_int_equal(truce_result_draws(whole), truce_result_draws(br));
        truce_result_free(whole);
        truce_result_free(br);
    }
    /* 4 draws among 3 particles: the test would not see particles mixed up if all were one */
    assert_true(particles_differ);
    assert_int_equal(truce_bank_particle(b, 4), SIZE_MAX);
    assert_null(truce_bank_params(b, 4));

    truce_scenario_free(alt);
    truce_scenario_free(longer);
    truce_bank_free(b);
    truce_posterior_free(post);
    remove(post_path);
    truce_scenario_free(sc);
}

/* The bank with 1 and 3 threads: the same parameters and the same branches. */
static void threads_independent(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *sc = load("2007-12-31");
    truce_posterior *post = posterior(sc);
    truce_bank_options o1, o3;
    bank_options(&o1, post, 1);
    bank_options(&o3, post, 3);
    truce_bank *b1 = truce_bank_new(sc, &o1, &err), *b3 = truce_bank_new(sc, &o3, &err);
    assert_non_null(b1);
    assert_non_null(b3);
    for (uint64_t i = 0; i < 4; i++) {
        assert_memory_equal(truce_bank_params(b1, i), truce_bank_params(b3, i),
                            truce_param_count() * sizeof(double));
        truce_result *r1 = truce_bank_branch(b1, i, truce_bank_scenario(b1), 0, NULL, NULL, &err);
        truce_result *r3 = truce_bank_branch(b3, i, truce_bank_scenario(b3), 0, NULL, NULL, &err);
        assert_non_null(r1);
        assert_non_null(r3);
        differing(r1, r3, 0, truce_result_period_count(r1), 0, "1 vs 3 threads");
        truce_result_free(r1);
        truce_result_free(r3);
    }
    truce_bank_free(b1);
    truce_bank_free(b3);
    truce_posterior_free(post);
    remove(post_path);
    truce_scenario_free(sc);
}

/* A parameter change: the history (periods before `from`) is untouched, the future moves;
 * bad changes are refused. Without a posterior, every run has the scenario's parameters. */
static void changes_from_from(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *sc = load("2007-12-31");
    truce_bank_options o;
    bank_options(&o, NULL, 2);
    truce_bank *b = truce_bank_new(sc, &o, &err);
    assert_non_null(b);
    double own[1024];
    truce_scenario_params(truce_bank_scenario(b), own);
    assert_memory_equal(truce_bank_params(b, 1), own, truce_param_count() * sizeof(double));
    assert_int_equal(truce_bank_particle(b, 1), SIZE_MAX);

    const long ia = truce_param_find("attack_rate");
    assert_true(ia >= 0);
    const size_t idx = (size_t)ia;
    const double val = own[idx] * 2.0;   /* twice the attack rate: inside its bounds */
    assert_true(val <= truce_param_at(idx)->hi);

    truce_result *same = truce_bank_branch(b, 1, truce_bank_scenario(b), 0, NULL, NULL, &err);
    truce_result *changed = truce_bank_branch(b, 1, truce_bank_scenario(b), 1, &idx, &val, &err);
    if (!changed) fail_msg("branch: %s", err.message);
    /* periods are months from the scenario's start: those before 2006-01 are the history */
    size_t split = 0;
    for (; split < truce_result_period_count(same); split++) {
        int32_t first, last;
        truce_result_period(same, split, &first, &last);
        if (first >= day("2006-01-01")) break;
    }
    assert_true(split > 0 && split < truce_result_period_count(same));
    assert_int_equal(differing(same, changed, 0, split, 1, "history"), 0);
    double a0 = truce_result_total(same, truce_result_region_count(same), TRUCE_VAR_ATTACKS, day("2006-01-01"),
                                   day("2009-12-31"));
    double a1 = truce_result_total(changed, truce_result_region_count(changed), TRUCE_VAR_ATTACKS,
                                   day("2006-01-01"), day("2009-12-31"));
    /* twice the base rate over four years: far more attacks, not a matter of noise */
    assert_true(a1 > a0);

    /* the same change twice is the same bytes (a branch leaves the bank as it was) */
    truce_result *again = truce_bank_branch(b, 1, truce_bank_scenario(b), 1, &idx, &val, &err);
    assert_non_null(again);
    differing(changed, again, 0, truce_result_period_count(changed), 0, "repeated change");

    /* out of bounds, a bad index, a scenario of another horizon: refused */
    const double bad = truce_param_at(idx)->hi * 2.0 + 1.0;
    assert_null(truce_bank_branch(b, 1, truce_bank_scenario(b), 1, &idx, &bad, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    const size_t badidx = truce_param_count();
    assert_null(truce_bank_branch(b, 1, truce_bank_scenario(b), 1, &badidx, &val, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_null(truce_bank_branch(b, 1, sc, 0, NULL, NULL, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_null(truce_bank_branch(b, 4, truce_bank_scenario(b), 0, NULL, NULL, &err));

    truce_result_free(same);
    truce_result_free(changed);
    truce_result_free(again);
    truce_bank_free(b);

    /* futures that start before the scenario or end before they start */
    bank_options(&o, NULL, 1);
    o.from = day("2001-06-01");
    assert_null(truce_bank_new(sc, &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    bank_options(&o, NULL, 1);
    o.to = day("2005-12-31");
    assert_null(truce_bank_new(sc, &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    truce_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(branch_is_run),
        cmocka_unit_test(threads_independent),
        cmocka_unit_test(changes_from_from),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
