/* test_sensitivity — the Sobol sequence, the Morris and Sobol estimators on analytic
 * functions with known indices, thread-count invariance, the model's output spec and
 * common random numbers in the paired difference. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "truce.h"
#include "sobol_seq.h"

/* Unscrambled points against scipy 1.10.1's scipy.stats.qmc.Sobol(d, scramble=False,
 * bits=32) (the same Joe-Kuo numbers, Gray-code order), times 2^32. */
static void test_sobol_plain_matches_scipy(void **state)
{
    (void)state;
    sobol_seq q;
    assert_int_equal(sobol_init_plain(&q, 1000), 0);
    static const uint32_t first[8][3] = {
        {0u, 0u, 0u},
        {2147483648u, 2147483648u, 2147483648u},
        {3221225472u, 1073741824u, 1073741824u},
        {1073741824u, 3221225472u, 3221225472u},
        {1610612736u, 1610612736u, 2684354560u},
        {3758096384u, 3758096384u, 536870912u},
        {2684354560u, 536870912u, 3758096384u},
        {536870912u, 2684354560u, 1610612736u},
    };
    for (unsigned n = 0; n < 8; n++)
        for (size_t j = 0; j < 3; j++) assert_int_equal(sobol_bits(&q, n, j), first[n][j]);
    assert_int_equal(sobol_bits(&q, 12345, 0), 2752774144u);
    assert_int_equal(sobol_bits(&q, 12345, 1), 3493593088u);
    assert_int_equal(sobol_bits(&q, 12345, 99), 2314469376u);
    assert_int_equal(sobol_bits(&q, 12345, 999), 562823168u);
    sobol_free(&q);
    assert_int_not_equal(sobol_init_plain(&q, 1001), 0);
}

/* A linear scramble with a digital shift keeps the net property: the first 2^m points put
 * exactly one point in each interval [k 2^-m, (k+1) 2^-m) of every coordinate. */
static void test_sobol_scrambled_stratified(void **state)
{
    (void)state;
    enum { M = 10, NPTS = 1 << M, DIM = 40 };
    sobol_seq q, q2, q3;
    assert_int_equal(sobol_init_scrambled(&q, DIM, 7), 0);
    assert_int_equal(sobol_init_scrambled(&q2, DIM, 7), 0);
    assert_int_equal(sobol_init_scrambled(&q3, DIM, 8), 0);
    unsigned char *seen = calloc(NPTS, 1);
    double x[DIM];
    int differ = 0;
    for (size_t j = 0; j < DIM; j++) {
        memset(seen, 0, NPTS);
        for (unsigned n = 0; n < NPTS; n++) {
            uint32_t b = sobol_bits(&q, n, j);
            assert_int_equal(b, sobol_bits(&q2, n, j));
            differ |= b != sobol_bits(&q3, n, j);
            seen[b >> (32 - M)]++;
        }
        for (unsigned k = 0; k < NPTS; k++) assert_int_equal(seen[k], 1);
    }
    assert_true(differ);
    sobol_point(&q, 0, x);
    for (size_t j = 0; j < DIM; j++) assert_true(x[j] > 0.0 && x[j] < 1.0);
    free(seen);
    sobol_free(&q);
    sobol_free(&q2);
    sobol_free(&q3);
}

static truce_sens *sens_on(const char *fn, truce_sens_method method, size_t n, int threads,
                            unsigned bootstrap, truce_sens_test *t, size_t *dim)
{
    assert_int_equal(truce_sens_test_find(fn, t, dim), 0);
    const char *names[8] = {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"};
    truce_sens_options o;
    truce_sens_options_init(&o);
    o.method = method;
    o.n = n;
    o.seed = 1;
    o.threads = threads;
    o.bootstrap = bootstrap;
    truce_error err;
    truce_sens *s = truce_sens_run(*dim, names, truce_sens_test_fn, t, &o, &err);
    if (!s) fail_msg("%s", err.message);
    assert_int_equal(truce_sens_evaluation_count(s), truce_sens_evaluations(&o, *dim));
    return s;
}

/* N = 8192 (N (D + 2) = 40,960 evaluations for Ishigami, 81,920 for G; well under a second):
 * every S1 and ST within 0.03 of its analytic value (the criterion). */
static void check_within(const char *fn)
{
    truce_sens_test t;
    size_t dim;
    truce_sens *s = sens_on(fn, TRUCE_SENS_SOBOL, 8192, 2, 200, &t, &dim);
    double s1[8], st[8];
    truce_sens_test_indices(t, s1, st);
    for (size_t i = 0; i < dim; i++) {
        assert_near(truce_sens_index(s, i, "S1", NULL, NULL), s1[i], 0.03);
        assert_near(truce_sens_index(s, i, "ST", NULL, NULL), st[i], 0.03);
    }
    truce_sens_free(s);
}

static void test_ishigami_analytic_values(void **state)
{
    (void)state;
    double s1[3], st[3];
    truce_sens_test_indices(TRUCE_SENS_ISHIGAMI, s1, st);
    /* a = 7, b = 0.1: the values quoted by Saltelli et al. (2010) and in the issue */
    assert_near(s1[0], 0.314, 0.0005);
    assert_near(s1[1], 0.442, 0.0005);
    assert_near(s1[2], 0.0, 1e-15);
    assert_near(st[0], 0.558, 0.0005);
    assert_near(st[1], 0.442, 0.0005);
    assert_near(st[2], 0.244, 0.0005);
}

static void test_ishigami_sobol_8192(void **state) { (void)state; check_within("ishigami"); }
static void test_g_sobol_8192(void **state) { (void)state; check_within("g"); }

/* A smaller design (N = 1024) with a tolerance taken from the bootstrap itself: every
 * analytic S1 and ST must lie inside its 95 % interval widened by 0.002. Why that is fair:
 * over seeds 1..30 (measured when this test was written) the plain intervals held the
 * analytic value 180 of 180 times for Ishigami (half-widths up to 0.092, errors up to
 * 0.030) and 474 of 480 times for G; the 6 misses were all on the a = 99 inputs, whose
 * indices are about 1e-4 with intervals narrower than that, and all were within 0.002. The
 * intervals resample the rows as if independent, which if anything overstates the error of
 * a scrambled Sobol design. The seed is fixed, so the test is deterministic. */
static void check_in_interval(const char *fn)
{
    truce_sens_test t;
    size_t dim;
    truce_sens *s = sens_on(fn, TRUCE_SENS_SOBOL, 1024, 1, 1000, &t, &dim);
    double s1[8], st[8];
    truce_sens_test_indices(t, s1, st);
    const double floor_tol = 0.002;
    for (size_t i = 0; i < dim; i++) {
        double lo, hi;
        truce_sens_index(s, i, "S1", &lo, &hi);
        if (!(lo - floor_tol <= s1[i] && s1[i] <= hi + floor_tol))
            fail_msg("%s x%zu S1 %g not in [%g, %g]", fn, i + 1, s1[i], lo, hi);
        truce_sens_index(s, i, "ST", &lo, &hi);
        if (!(lo - floor_tol <= st[i] && st[i] <= hi + floor_tol))
            fail_msg("%s x%zu ST %g not in [%g, %g]", fn, i + 1, st[i], lo, hi);
    }
    truce_sens_free(s);
}

static void test_ishigami_sobol_intervals(void **state) { (void)state; check_in_interval("ishigami"); }
static void test_g_sobol_intervals(void **state) { (void)state; check_in_interval("g"); }

/* Second order: Ishigami's only interaction is x1:x3, S13 = V13 / V (about 0.244). */
static void test_ishigami_second_order(void **state)
{
    (void)state;
    truce_sens_test t = TRUCE_SENS_ISHIGAMI;
    const char *names[3] = {"x1", "x2", "x3"};
    truce_sens_options o;
    truce_sens_options_init(&o);
    o.method = TRUCE_SENS_SOBOL;
    o.n = 4096;
    o.second_order = 1;
    o.bootstrap = 100;
    truce_sens *s = truce_sens_run(3, names, truce_sens_test_fn, &t, &o, NULL);
    assert_non_null(s);
    assert_int_equal(truce_sens_evaluation_count(s), 4096 * 8);
    double s1[3], st[3];
    truce_sens_test_indices(t, s1, st);
    int found = 0;
    for (size_t k = 0; k < truce_sens_row_count(s); k++) {
        const truce_sens_row *r = truce_sens_row_at(s, k);
        if (strcmp(r->index, "S2") != 0) continue;
        found++;
        double want = strcmp(r->parameter, "x1:x3") == 0 ? st[2] : 0.0;
        assert_near(r->estimate, want, 0.05);
    }
    assert_int_equal(found, 3);
    truce_sens_free(s);
}

/* Morris on G: |d g_i| = 1 / (1 + a_i) for a step of 1/2 between the grid's levels, so mu*
 * follows a: x1 > x2 > x3 > x4 > x5..x8, and x5..x8 (a = 99) are screened out. */
static void test_morris_g_ranking(void **state)
{
    (void)state;
    truce_sens_test t;
    size_t dim;
    truce_sens *s = sens_on("g", TRUCE_SENS_MORRIS, 20, 2, 200, &t, &dim);
    for (size_t k = 0; k < 4; k++) assert_int_equal(truce_sens_ranked(s, k), k);
    for (size_t i = 0; i < 8; i++) assert_int_equal(truce_sens_screened(s, i), i >= 4);
    double lo, hi, ms = truce_sens_index(s, 0, "mu_star", &lo, &hi);
    assert_true(lo <= ms && ms <= hi && lo < hi);
    assert_true(truce_sens_index(s, 0, "sigma", NULL, NULL) >= 0.0);
    assert_true(isnan(truce_sens_index(s, 0, "S1", NULL, NULL)));
    truce_sens_free(s);
}

static void same_rows(const truce_sens *a, const truce_sens *b)
{
    assert_int_equal(truce_sens_row_count(a), truce_sens_row_count(b));
    for (size_t k = 0; k < truce_sens_row_count(a); k++) {
        const truce_sens_row *x = truce_sens_row_at(a, k), *y = truce_sens_row_at(b, k);
        assert_string_equal(x->parameter, y->parameter);
        assert_memory_equal(&x->estimate, &y->estimate, sizeof x->estimate);
        assert_memory_equal(&x->ci_low, &y->ci_low, sizeof x->ci_low);
        assert_memory_equal(&x->ci_high, &y->ci_high, sizeof x->ci_high);
    }
}

static void test_threads_do_not_change_results(void **state)
{
    (void)state;
    truce_sens_test t;
    size_t dim;
    for (int m = 0; m < 2; m++) {
        truce_sens_method method = m ? TRUCE_SENS_SOBOL : TRUCE_SENS_MORRIS;
        truce_sens *a = sens_on("g", method, 64, 1, 100, &t, &dim);
        truce_sens *b = sens_on("g", method, 64, 2, 100, &t, &dim);
        truce_sens *c = sens_on("g", method, 64, 3, 100, &t, &dim);
        same_rows(a, b);
        same_rows(a, c);
        truce_sens_free(a);
        truce_sens_free(b);
        truce_sens_free(c);
    }
}

static void test_bad_options(void **state)
{
    (void)state;
    truce_sens_test t = TRUCE_SENS_G;
    const char *names[8] = {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"};
    truce_sens_options o;
    truce_sens_options_init(&o);
    truce_error err;
    o.n = 0;
    assert_null(truce_sens_run(8, names, truce_sens_test_fn, &t, &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "--n"));
    o.n = 4;
    o.levels = 3;
    assert_null(truce_sens_run(8, names, truce_sens_test_fn, &t, &o, &err));
    assert_non_null(strstr(err.message, "--levels"));
    size_t dim;
    assert_int_equal(truce_sens_test_find("rosenbrock", &t, &dim), -1);
}

static void test_output_parse(void **state)
{
    (void)state;
    truce_sens_output o;
    truce_error err;
    int32_t a, b;
    truce_precision p;
    assert_int_equal(truce_sens_output_parse("attacks:2023-01:2025-12", &o, &err), 0);
    assert_int_equal(o.variable, TRUCE_VAR_ATTACKS);
    assert_int_equal(o.at, 0);
    truce_date_parse("2023-01-01", &a, &b, &p);
    assert_int_equal(o.from, a);
    truce_date_parse("2025-12-31", &a, &b, &p);
    assert_int_equal(o.to, a);
    assert_int_equal(truce_sens_output_parse("deaths_civilian:2024", &o, &err), 0);
    assert_int_equal(o.to - o.from, 365);  /* 2024 is a leap year */
    assert_int_equal(truce_sens_output_parse("fighters@2025-12", &o, &err), 0);
    assert_int_equal(o.at, 1);
    assert_int_equal(o.variable, TRUCE_VAR_FIGHTERS);
    assert_int_equal(o.from, a);
    static const char *const bad[] = {"attacks", "attacks@2025", "fighters:2023:2025", "nosuch:2023:2024",
                                      "attacks:2025:2023", "attacks:2023-13:2024", "attacks@2024:2025", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        truce_error_clear(&err);
        assert_int_equal(truce_sens_output_parse(bad[i], &o, &err), -1);
        assert_int_equal(err.code, TRUCE_EINPUT);
        assert_non_null(strstr(err.message, "--output"));
    }
}

/* The model as a function: a paired alt identical to base gives exactly 0 at any point
 * (same seed, run index and parameters: common random numbers), and the same point gives
 * the same bits twice. */
static void test_model_fn_common_random_numbers(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *base = truce_scenario_load_default(&err);
    assert_non_null(base);
    assert_int_equal(truce_scenario_set_end(base, "2004-12-31", &err), 0);
    truce_scenario *alt = truce_scenario_copy(base, &err);
    assert_non_null(alt);
    size_t params[2] = {(size_t)truce_param_find("attack_rate"), (size_t)truce_param_find("recruit_base")};
    truce_sens_model m = {.base = base, .params = params, .nparams = 2, .seed = 3, .run = 0};
    assert_int_equal(truce_sens_output_parse("attacks:2003:2004", &m.output, &err), 0);
    double u[2] = {0.9, 0.2}, y1, y2, y3;
    assert_int_equal(truce_sens_model_fn(&m, u, 2, &y1, &err), 0);
    assert_int_equal(truce_sens_model_fn(&m, u, 2, &y2, &err), 0);
    assert_memory_equal(&y1, &y2, sizeof y1);
    assert_true(y1 > 0.0);
    u[0] = 0.1;
    assert_int_equal(truce_sens_model_fn(&m, u, 2, &y3, &err), 0);
    assert_true(y3 != y1);
    m.alt = alt;
    assert_int_equal(truce_sens_model_fn(&m, u, 2, &y3, &err), 0);
    assert_true(y3 == 0.0);
    double mean, var;
    m.alt = NULL;
    assert_int_equal(truce_sens_noise(&m, 3, 2, &mean, &var, &err), 0);
    assert_true(mean > 0.0 && var >= 0.0);
    truce_scenario_free(alt);
    truce_scenario_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sobol_plain_matches_scipy),
        cmocka_unit_test(test_sobol_scrambled_stratified),
        cmocka_unit_test(test_ishigami_analytic_values),
        cmocka_unit_test(test_ishigami_sobol_8192),
        cmocka_unit_test(test_g_sobol_8192),
        cmocka_unit_test(test_ishigami_sobol_intervals),
        cmocka_unit_test(test_g_sobol_intervals),
        cmocka_unit_test(test_ishigami_second_order),
        cmocka_unit_test(test_morris_g_ranking),
        cmocka_unit_test(test_threads_do_not_change_results),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_output_parse),
        cmocka_unit_test(test_model_fn_common_random_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
