/* Event files through the library API (what `truce episodes` calls): the table's rows,
 * ACLED's date forms, --fill, format errors, and the CSV reader's NUL/UTF-8 flags. */
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "testutil.h"
#include "truce.h"

static const char ucdp[] =
    "\xEF\xBB\xBF" "id,date_start,country,dyad_name,best,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,low\r\n"
    "1,2021-11-09 00:00:00.000,Pakistan,\"Government of Pakistan - TTP\",5,1,2,1,1,9\r\n"
    "2,2021-11-30,Pakistan,\"Government of Pakistan - TTP\",3,0,3,0,0,1\r\n"
    "3,2022-01-02,Pakistan,\"A, \"\"B\"\"\",1,0,0,1,0,1\r\n"
    "4,2022-01-0x,Pakistan,X,1,0,0,1,0,1\r\n";

static truce_event_table *run(const char *name, const char *text, truce_events_options *o,
                              truce_error *err)
{
    truce_memfile f = {name, text, strlen(text)};
    truce_error_clear(err);
    return truce_events_aggregate_memory(&f, 1, o, err);
}

static void ucdp_rows(void **state)
{
    (void)state;
    truce_events_options o;
    truce_events_options_init(&o);
    o.group = TRUCE_EVENTS_BY_DYAD;
    truce_error err;
    truce_event_table *t = run("u.csv", ucdp, &o, &err);
    assert_non_null(t);
    assert_int_equal(truce_event_table_format(t), TRUCE_EVENTS_UCDP);
    assert_int_equal(truce_event_table_rows_read(t), 4);
    assert_int_equal(truce_event_table_rows_invalid(t), 1);   /* 2022-01-0x */
    assert_int_equal(truce_event_table_count(t), 2);
    const truce_event_row *r = truce_event_table_row(t, 0);
    assert_string_equal(r->group, "A, \"B\"");               /* sorted: 'A' < 'G' */
    char label[16];
    truce_period_label(r->period, TRUCE_BY_MONTH, label);
    assert_string_equal(label, "2022-01");
    r = truce_event_table_row(t, 1);
    assert_string_equal(r->group, "Government of Pakistan - TTP");
    assert_int_equal(r->events, 2);
    assert_int_equal(r->deaths, 8);
    assert_int_equal(r->deaths_a, 1);
    assert_int_equal(r->deaths_b, 5);
    assert_int_equal(r->deaths_civilians, 1);
    assert_int_equal(r->deaths_unknown, 1);
    assert_null(truce_event_table_row(t, 2));
    truce_event_table_free(t);

    o.strict = 1;
    assert_null(run("u.csv", ucdp, &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_string_equal(err.message, "u.csv:5: date_start: not a day date: '2022-01-0x'");
}

static void acled_dates_and_fill(void **state)
{
    (void)state;
    const char *acled = "event_id_cnty,event_date,event_type,actor1,actor2,country,fatalities\n"
                        "P1,2021-03-15,Battles,TTP,Army,Pakistan,2\n"
                        "P2,15 March 2021,Battles,Army,TTP,Pakistan,1\n"
                        "P3,6 october 2021,Protests,Crowd,,Pakistan,0\n"
                        "P4,31 June 2021,Battles,TTP,Army,Pakistan,1\n";
    truce_events_options o;
    truce_events_options_init(&o);
    o.by = TRUCE_BY_QUARTER;
    o.fill = 1;
    o.actor = "TTP";
    truce_error err;
    truce_event_table *t = run("a.csv", acled, &o, &err);
    assert_non_null(t);
    assert_int_equal(truce_event_table_format(t), TRUCE_EVENTS_ACLED);
    assert_int_equal(truce_event_table_rows_invalid(t), 1);   /* 31 June */
    assert_int_equal(truce_event_table_count(t), 1);          /* only 2021-Q1 has events */
    assert_int_equal(truce_event_table_row(t, 0)->events, 2);
    assert_int_equal(truce_event_table_row(t, 0)->deaths, 3);
    truce_event_table_free(t);

    o.actor = NULL;   /* now 2021-Q1 and 2021-Q4 have events: Q2 and Q3 are filled */
    t = run("a.csv", acled, &o, &err);
    assert_non_null(t);
    assert_int_equal(truce_event_table_count(t), 4);
    char label[16];
    truce_period_label(truce_event_table_row(t, 1)->period, TRUCE_BY_QUARTER, label);
    assert_string_equal(label, "2021-Q2");
    assert_int_equal(truce_event_table_row(t, 1)->events, 0);
    assert_int_equal(truce_event_table_row(t, 3)->events, 1);
    truce_event_table_free(t);

    o.group = TRUCE_EVENTS_BY_DYAD;   /* a UCDP grouping on an ACLED file */
    assert_null(run("a.csv", acled, &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "--group dyad does not apply to ACLED files"));
}

static void header_errors(void **state)
{
    (void)state;
    truce_events_options o;
    truce_events_options_init(&o);
    truce_error err;
    assert_null(run("e.csv", "", &o, &err));
    assert_string_equal(err.message, "e.csv: empty file: no header");
    assert_null(run("n.csv", "a,b,c\n1,2,3\n", &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    o.format = TRUCE_EVENTS_UCDP;
    assert_null(run("m.csv", "date_start,best,deaths_a\n", &o, &err));
    assert_string_equal(err.message,
                        "m.csv:1: deaths_b: required column missing from the UCDP GED header");
    truce_event_table *t = run("h.csv", "event_date,fatalities\n", &o, &err);
    assert_null(t);   /* forced UCDP: date_start missing */
    o.format = TRUCE_EVENTS_ACLED;
    t = run("h.csv", "event_date,fatalities\n", &o, &err);
    assert_non_null(t);
    assert_int_equal(truce_event_table_count(t), 0);
    truce_event_table_free(t);
}

static void csv_flags(void **state)
{
    (void)state;
    static const char text[] = "ok,plain ascii text here\n"
                               "caf\xC3\xA9,fine\n"
                               "bad\xC3,x\n"
                               "nul\0byte,long enough to use the word loop\n";
    csv_reader *r = csv_open_memory("f.csv", text, sizeof text - 1);
    assert_non_null(r);
    csv_record rec;
    truce_error err;
    int want[4][2] = {{0, 0}, {0, 0}, {0, 1}, {1, 0}};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(csv_next(r, &rec, &err), 1);
        assert_int_equal(rec.has_nul, want[i][0]);
        assert_int_equal(rec.bad_utf8, want[i][1]);
    }
    assert_int_equal(csv_next(r, &rec, &err), 0);
    csv_close(r);
}

static void keep_last(void *ctx, const char *message)
{
    snprintf(ctx, 1200, "%s", message);
}

/* Issue 11: two keys (13), the low estimate (20), a filter that matches nothing (12), the
 * --fill bound (9). */
static void keys_estimate_unmatched_fill_bound(void **state)
{
    (void)state;
    truce_events_options o;
    truce_events_options_init(&o);
    o.keys[0] = TRUCE_EVENTS_BY_COUNTRY;
    o.keys[1] = TRUCE_EVENTS_BY_DYAD;
    o.nkeys = 2;
    o.estimate = TRUCE_ESTIMATE_LOW;
    truce_error err;
    truce_event_table *t = run("u.csv", ucdp, &o, &err);
    assert_non_null(t);
    assert_int_equal(truce_event_table_key_count(t), 2);
    assert_string_equal(truce_event_table_key_name(t, 1), "dyad");
    assert_int_equal(truce_event_table_count(t), 2);
    const truce_event_row *r = truce_event_table_row(t, 1);
    assert_string_equal(r->keys[0], "Pakistan");
    assert_string_equal(r->keys[1], "Government of Pakistan - TTP");
    assert_int_equal(r->deaths, 10);   /* low: 9 + 1 */
    truce_event_table_free(t);

    o.keys[1] = TRUCE_EVENTS_BY_COUNTRY;   /* a key twice */
    assert_null(run("u.csv", ucdp, &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);

    char warned[1200] = "";
    truce_events_options_init(&o);
    o.country = "pakistan";
    o.warn = keep_last;
    o.warn_ctx = warned;
    t = run("u.csv", ucdp, &o, &err);
    assert_non_null(t);
    assert_int_equal(truce_event_table_count(t), 0);
    assert_non_null(strstr(warned, "--country 'pakistan' matched no row"));
    assert_non_null(strstr(warned, "'Pakistan' (differs only in case or spaces)"));
    truce_event_table_free(t);

    truce_events_options_init(&o);
    o.by = TRUCE_BY_DAY;
    o.fill = 1;
    o.group = TRUCE_EVENTS_BY_DYAD;
    truce_date_parse("1000", &o.from, &o.to, &(truce_precision){0});
    int32_t last;
    truce_date_parse("9999", &last, &o.to, &(truce_precision){0});
    o.has_from = o.has_to = 1;
    static const char four[] = "date_start,dyad_name,best,deaths_a,deaths_b,deaths_civilians,"
                               "deaths_unknown\n2021-01-01,a,0,0,0,0,0\n2021-01-01,b,0,0,0,0,0\n"
                               "2021-01-01,c,0,0,0,0,0\n2021-01-01,d,0,0,0,0,0\n";
    assert_null(run("f.csv", four, &o, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "over the limit of 10000000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ucdp_rows),
        cmocka_unit_test(acled_dates_and_fill),
        cmocka_unit_test(header_errors),
        cmocka_unit_test(csv_flags),
        cmocka_unit_test(keys_estimate_unmatched_fill_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
