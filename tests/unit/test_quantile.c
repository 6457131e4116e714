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

/* Several quantiles from one sort give the values truce_quantile7 gives one at a time. */
static void several(void **state)
{
    (void)state;
    double x[10], out[4];
    const double p[4] = {0.05, 0.5, 0.95, 2.0}, want[3] = {1.45, 5.5, 9.55};
    for (int i = 0; i < 10; i++) x[i] = (double)(10 - i);
    truce_quantiles7(x, 10, p, 4, out);
    for (int k = 0; k < 3; k++) assert_near(out[k], want[k], 1e-12);
    assert_true(isnan(out[3]));
    truce_quantiles7(x, 0, p, 1, out);
    assert_true(isnan(out[0]));
}

static void weighted(void **state)
{
    (void)state;
    /* equal weights give type 7 again */
    double x[10], w[10];
    for (int i = 0; i < 10; i++) x[i] = (double)(10 - i), w[i] = 2.5;
    assert_near(truce_quantile7(x, w, 10, 0.05), 1.45, 1e-12);
    /* 1, 2, 3 with weights 1, 1, 2 (a zero weight is out): scaled to add up to 3, the
     * cumulative weights are 0.75, 1.5, 3, so positions 0, 1, 2 hold 1, 2, 3: h = 2p */
    double y[4] = {3.0, 100.0, 1.0, 2.0}, v[4] = {2.0, 0.0, 1.0, 1.0};
    assert_near(truce_quantile7(y, v, 4, 0.25), 1.5, 1e-12);
    double y2[4] = {3.0, 100.0, 1.0, 2.0}, v2[4] = {2.0, 0.0, 1.0, 1.0};
    assert_near(truce_quantile7(y2, v2, 4, 0.75), 2.5, 1e-12);
    double y3[4] = {3.0, 100.0, 1.0, 2.0}, v3[4] = {2.0, 0.0, 1.0, 1.0};
    assert_near(truce_quantile7(y3, v3, 4, 1.0), 3.0, 1e-12);
    /* a heavy run takes the middle: 0, 1, 2 with weights 1, 100, 1 (the reviewer's case,
     * where the earlier rule gave a median of 1.495), then 1, 1, 100 and 100, 1, 1 */
    double a[3] = {0, 1, 2}, aw[3] = {1, 100, 1};
    assert_near(truce_quantile7(a, aw, 3, 0.5), 1.0, 1e-12);
    double a2[3] = {0, 1, 2}, aw2[3] = {1, 100, 1};
    assert_near(truce_quantile7(a2, aw2, 3, 0.95), 1.0, 1e-12);
    double b[3] = {0, 1, 2}, bw[3] = {1, 1, 100};
    assert_near(truce_quantile7(b, bw, 3, 0.5), 2.0, 1e-12);
    double c[3] = {0, 1, 2}, cw[3] = {100, 1, 1};
    assert_near(truce_quantile7(c, cw, 3, 0.5), 0.0, 1e-12);
    /* weights 2 and 1 on 1 and 4, scaled to n = 2: cumulative 4/3, 2; positions 0 and 1
     * both hold 1, so the median is 1 (two thirds of the weight is on 1) */
    double d[2] = {4, 1}, dw[2] = {1, 2};
    assert_near(truce_quantile7(d, dw, 2, 0.5), 1.0, 1e-12);
    double z[2] = {5.0, 6.0}, zw[2] = {0.0, 0.0};
    assert_true(isnan(truce_quantile7(z, zw, 2, 0.5)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type7),
        cmocka_unit_test(several),
        cmocka_unit_test(weighted),
    };
    return cmocka_run_group_tests_name("quantile", tests, NULL, NULL);
}
