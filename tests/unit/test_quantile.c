/* Quantiles of type 7 (truce_quantile7), plain and weighted, against values computed by
 * hand (and by R: quantile(1:10, c(.05, .5, .95)) is 1.45, 5.5, 9.55). */
#include <math.h>

#include "testutil.h"
#include "truce.h"

static void type7(void **state)
{
    (void)state;
    double x[10];
    const double p[3] = {0.05, 0.5, 0.95}, want[3] = {1.45, 5.5, 9.55};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 10; i++) x[i] = (double)(10 - i);  /* unsorted on purpose */
        assert_near(truce_quantile7(x, NULL, 10, p[k]), want[k], 1e-12);
    }
    double one = 7.0;
    assert_near(truce_quantile7(&one, NULL, 1, 0.3), 7.0, 0.0);
    assert_true(isnan(truce_quantile7(x, NULL, 0, 0.5)));
    assert_true(isnan(truce_quantile7(x, NULL, 10, 1.5)));
}

static void weighted(void **state)
{
    (void)state;
    /* equal weights give type 7 again */
    double x[10], w[10];
    for (int i = 0; i < 10; i++) x[i] = (double)(10 - i), w[i] = 2.5;
    assert_near(truce_quantile7(x, w, 10, 0.05), 1.45, 1e-12);
    /* 1, 2, 3 with weights 1, 1, 2: positions 0, 1/2, 1 (W - w_n = 2); a zero weight is out */
    double y[4] = {3.0, 100.0, 1.0, 2.0}, v[4] = {2.0, 0.0, 1.0, 1.0};
    assert_near(truce_quantile7(y, v, 4, 0.25), 1.5, 1e-12);
    double y2[4] = {3.0, 100.0, 1.0, 2.0}, v2[4] = {2.0, 0.0, 1.0, 1.0};
    assert_near(truce_quantile7(y2, v2, 4, 0.75), 2.5, 1e-12);
    double y3[4] = {3.0, 100.0, 1.0, 2.0}, v3[4] = {2.0, 0.0, 1.0, 1.0};
    assert_near(truce_quantile7(y3, v3, 4, 1.0), 3.0, 1e-12);
    double z[2] = {5.0, 6.0}, zw[2] = {0.0, 0.0};
    assert_true(isnan(truce_quantile7(z, zw, 2, 0.5)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type7),
        cmocka_unit_test(weighted),
    };
    return cmocka_run_group_tests_name("quantile", tests, NULL, NULL);
}
