/* Calendar: day numbers, precision of dates, period labels. */
#include <string.h>

#include "calendar.h"
#include "testutil.h"

static void civil_roundtrip(void **state)
{
    (void)state;
    assert_int_equal(cal_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(cal_days_from_civil(2000, 3, 1), 11017);
    for (int32_t d = -800000; d < 800000; d += 97) {
        int y, m, dd;
        cal_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(cal_days_from_civil(y, m, dd), d);
    }
    assert_int_equal(cal_weekday(cal_days_from_civil(2021, 11, 9)), 2); /* a Tuesday */
}

static void parse_precision(void **state)
{
    (void)state;
    int32_t a, b;
    truce_precision p;
    assert_int_equal(cal_parse("2004-04", 7, &a, &b, &p), 0);
    assert_int_equal(p, TRUCE_PRECISION_MONTH);
    assert_int_equal(a, cal_days_from_civil(2004, 4, 1));
    assert_int_equal(b, cal_days_from_civil(2004, 4, 30));
    assert_int_equal(cal_parse("2024", 4, &a, &b, &p), 0);
    assert_int_equal(b - a, 365); /* leap year */
    assert_int_equal(cal_parse("2000-02", 7, &a, &b, &p), 0);
    assert_int_equal(b - a, 28);
    assert_int_equal(cal_parse("2021-11-09", 10, &a, &b, &p), 0);
    assert_int_equal(a, b);
    const char *ucdp = "2021-11-09 00:00:00.000";
    assert_int_equal(cal_parse(ucdp, strlen(ucdp), &a, &b, &p), 0);
    assert_int_equal(p, TRUCE_PRECISION_DAY);
    const char *bad[] = {"", "21", "2021-13", "2021-02-29", "2021-1-09", "2021-11-09x",
                         "abcd", "2021-00", "0999", "2021-11-31", "2021-11-09 12:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cal_parse(bad[i], strlen(bad[i]), &a, &b, &p), -1);
}

static void labels(void **state)
{
    (void)state;
    char out[16];
    int32_t d = cal_days_from_civil(2021, 11, 9);
    cal_period_label(d, TRUCE_BY_DAY, out);
    assert_string_equal(out, "2021-11-09");
    cal_period_label(d, TRUCE_BY_WEEK, out);
    assert_string_equal(out, "2021-W45");
    cal_period_label(d, TRUCE_BY_MONTH, out);
    assert_string_equal(out, "2021-11");
    cal_period_label(d, TRUCE_BY_QUARTER, out);
    assert_string_equal(out, "2021-Q4");
    cal_period_label(d, TRUCE_BY_YEAR, out);
    assert_string_equal(out, "2021");
    /* ISO weeks at year ends: 2021-01-03 is in 2020-W53; 2024-12-30 is in 2025-W01. */
    cal_period_label(cal_days_from_civil(2021, 1, 3), TRUCE_BY_WEEK, out);
    assert_string_equal(out, "2020-W53");
    cal_period_label(cal_days_from_civil(2024, 12, 30), TRUCE_BY_WEEK, out);
    assert_string_equal(out, "2025-W01");
    /* Periods tile the calendar. */
    for (int by = TRUCE_BY_DAY; by <= TRUCE_BY_YEAR; by++) {
        int32_t s = cal_period_start(cal_days_from_civil(2019, 12, 20), (truce_period)by);
        for (int k = 0; k < 30; k++) {
            int32_t n = cal_period_next(s, (truce_period)by);
            assert_true(n > s);
            assert_int_equal(cal_period_start(n - 1, (truce_period)by), s);
            assert_int_equal(cal_period_start(n, (truce_period)by), n);
            s = n;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_roundtrip),
        cmocka_unit_test(parse_precision),
        cmocka_unit_test(labels),
    };
    return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
