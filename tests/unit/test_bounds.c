/* Property test (issue 11 item 11): whatever the parameters inside their hard bounds, a run
 * is a possible world. Over points of the bounds box (every parameter at its upper bound,
 * every one at its lower bound, then points drawn uniformly between each parameter's lo
 * and hi), on a short horizon, stochastic and mean-field, every recorded period has:
 *
 *   - militants (recruits, fighters, commanders, sanctuary included) no more than the youth
 *     of the state's regions (population x youth share, summed), the pool recruitment draws
 *     from; and the whole movement (militants, prisoners, reintegrated) within it too;
 *   - every value finite, and no stock negative;
 *
 * and the run ends (no hang). The rule that keeps it so is in recruitment() (model.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"
#include "testutil.h"
#include "truce.h"

#define POINTS 200
#define HORIZON "2003-12-31"
/* and a few points over the whole default horizon, through every episode of the timeline
 * (ceasefires, prisoner releases, strikes, reintegration programmes) */
#define LONG_POINTS 2

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double unit(uint64_t *x) { return ((double)(splitmix64(x) >> 11) + 0.5) * 0x1.0p-53; }

/* Point k of the box: 0 all upper bounds, 1 all lower bounds, then uniform draws. */
static void point(size_t k, double *v, size_t n)
{
    uint64_t state = 0x7275636531ull + k;
    for (size_t i = 0; i < n; i++) {
        const truce_param_info *pi = truce_param_at(i);
        double u = k == 0 ? 1.0 : k == 1 ? 0.0 : unit(&state);
        v[i] = pi->lo + u * (pi->hi - pi->lo);
        if (v[i] > pi->hi) v[i] = pi->hi;
        if (v[i] < pi->lo) v[i] = pi->lo;
    }
}

static double youth_pool(const truce_scenario *sc)
{
    double y = 0.0;
    for (size_t r = 0; r < sc->nregions; r++)
        if (!sc->regions[r].sanctuary) y += sc->regions[r].population * sc->regions[r].youth_share;
    return y;
}

static void check_run(const truce_scenario *sc, const double *values, size_t k, int mean_field)
{
    truce_error err;
    truce_run_options o;
    truce_run_options_init(&o);
    o.seed = 1000 + k;
    o.mean_field = mean_field;
    o.params = values;
    o.record.by = TRUCE_BY_MONTH;
    truce_result *res = truce_run(sc, &o, &err);
    if (!res) fail_msg("point %zu (%s): run failed: %s", k, mean_field ? "mean field" : "stochastic", err.message);
    const double Y = youth_pool(sc);
    const size_t R = truce_result_region_count(res), np = truce_result_period_count(res);
    for (size_t p = 0; p < np; p++) {
        for (size_t g = 0; g <= R; g++)
            for (int v = 0; v < TRUCE_VAR_COUNT; v++) {
                if (g < R && truce_variable_is_global((truce_variable)v)) continue;
                double x = truce_result_get(res, p, g, (truce_variable)v);
                if (!isfinite(x) || x < 0.0)
                    fail_msg("point %zu (%s), period %zu, region %zu: %s = %g", k,
                             mean_field ? "mean field" : "stochastic", p, g,
                             truce_variable_name((truce_variable)v), x);
            }
        double mil = truce_result_get(res, p, R, TRUCE_VAR_MILITANTS);
        double movement = mil + truce_result_get(res, p, R, TRUCE_VAR_PRISONERS) +
                          truce_result_get(res, p, R, TRUCE_VAR_REINTEGRATED);
        if (!(mil <= Y) || !(movement <= Y * (1.0 + 1e-12)))
            fail_msg("point %zu (%s), period %zu: %g militants, %g in the movement, for a youth "
                     "pool of %g", k, mean_field ? "mean field" : "stochastic", p, mil, movement, Y);
    }
    truce_result_free(res);
}

static void check_points(const char *end, size_t first, size_t count)
{
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    if (!sc) fail_msg("default scenario: %s", err.message);
    if (end) assert_int_equal(truce_scenario_set_end(sc, end, &err), 0);
    const size_t n = truce_param_count();
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t k = first; k < first + count; k++) {
        point(k, v, n);
        assert_int_equal(truce_params_check(v, &err), 0);
        check_run(sc, v, k, 0);
        check_run(sc, v, k, 1);
    }
    free(v);
    truce_scenario_free(sc);
}

static void test_bounds_box(void **state)
{
    (void)state;
    check_points(HORIZON, 0, POINTS);
}

static void test_bounds_box_whole_horizon(void **state)
{
    (void)state;
    check_points(NULL, 0, 2);                 /* all upper bounds, all lower bounds */
    check_points(NULL, POINTS, LONG_POINTS);  /* points not used above */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds_box),
        cmocka_unit_test(test_bounds_box_whole_horizon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
