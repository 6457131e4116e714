/* Proper scores (src/infer/scores.c) against hand computations. tests/py/test_scores.py
 * recomputes them independently (brute force) through libtruce.so. */
#include <math.h>

#include "testutil.h"
#include "truce.h"

static void crps_sample(void **state)
{
    (void)state;
    /* x = {1, 2, 3}, y = 2: mean |x - y| = 2/3; sum over ordered pairs |x - x'| = 8, over
     * 2 n^2 = 18: 4/9; CRPS = 2/3 - 4/9 = 2/9 */
    const double x[3] = {3.0, 1.0, 2.0};
    assert_near(truce_crps_sample(x, 3, 2.0), 2.0 / 9.0, 1e-15);
    /* a point forecast: the absolute error */
    const double one = 5.0;
    assert_near(truce_crps_sample(&one, 1, 2.0), 3.0, 0.0);
    /* y far outside: mean |x - y| - 4/9 */
    assert_near(truce_crps_sample(x, 3, 10.0), 8.0 - 4.0 / 9.0, 1e-13);
    assert_true(isnan(truce_crps_sample(x, 0, 1.0)));
}

static void crps_poisson(void **state)
{
    (void)state;
    /* the point mass at 0 scores y */
    assert_near(truce_crps_poisson(0.0, 3.0), 3.0, 0.0);
    assert_near(truce_crps_poisson(0.0, 0.0), 0.0, 0.0);
    /* lambda 4, y 6: sum over k of (F(k) - 1{k >= 6})^2, F by its pmf, written out here */
    double p = exp(-4.0), F = p, want = 0.0;
    for (int k = 0; k < 60; k++) {
        double d = F - (k >= 6 ? 1.0 : 0.0);
        want += d * d;
        p *= 4.0 / (k + 1);
        F += p;
    }
    assert_near(truce_crps_poisson(4.0, 6.0), want, 1e-12);
    /* a large mean does not underflow: CRPS of Poisson(1e4) at its mean is about the
     * normal's, sd (2 phi(0) - 1 / sqrt(pi)) = 100 (0.797885 - 0.564190) = 23.37; the
     * tolerance covers the Poisson's discreteness and skew (a unit step is 1 % of an sd) */
    const double pi = 3.14159265358979323846;
    assert_near(truce_crps_poisson(1e4, 1e4), 100.0 * (2.0 / sqrt(2.0 * pi) - 1.0 / sqrt(pi)), 0.5);
}

static void poisson_quantile(void **state)
{
    (void)state;
    /* Poisson(4): F(0) .0183, F(1) .0916, F(3) .4335, F(4) .6288, F(7) .9489, F(8) .9786 */
    assert_near(truce_poisson_quantile(4.0, 0.05), 1.0, 0.0);
    assert_near(truce_poisson_quantile(4.0, 0.5), 4.0, 0.0);
    assert_near(truce_poisson_quantile(4.0, 0.95), 8.0, 0.0);
    assert_near(truce_poisson_quantile(0.0, 0.95), 0.0, 0.0);
}

static void interval_score(void **state)
{
    (void)state;
    /* [2, 5] at 90 %: width 3, plus 20 times the miss */
    assert_near(truce_interval_score(2.0, 5.0, 3.0, 0.1), 3.0, 0.0);
    assert_near(truce_interval_score(2.0, 5.0, 7.0, 0.1), 43.0, 1e-12);
    assert_near(truce_interval_score(2.0, 5.0, 1.0, 0.1), 23.0, 1e-12);
    assert_true(isnan(truce_interval_score(2.0, 5.0, 1.0, 0.0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crps_sample),
        cmocka_unit_test(crps_poisson),
        cmocka_unit_test(poisson_quantile),
        cmocka_unit_test(interval_score),
    };
    return cmocka_run_group_tests_name("scores", tests, NULL, NULL);
}
