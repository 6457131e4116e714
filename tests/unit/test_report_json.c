/* report_json: the small JSON reader behind truce report (assessment.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "report_json.h"

static int parse(const char *text, rj_value *v, truce_error *err)
{
    return rj_parse("a.json", text, strlen(text), v, err);
}

static void test_values(void **state)
{
    (void)state;
    rj_value v;
    truce_error err;
    const char *t = "{\"from\": \"2026-01\", \"runs\": 200, \"x\": -1.5e3, \"ok\": true, \"no\": false,\n"
                    " \"none\": null, \"list\": [\"a\", \"b\\u00e9\\\"\", []], \"o\": {}}";
    assert_int_equal(parse(t, &v, &err), 0);
    assert_int_equal(v.type, RJ_OBJECT);
    assert_int_equal(v.n, 8);
    assert_string_equal(rj_str(&v, "from"), "2026-01");
    assert_string_equal(rj_str(&v, "runs"), "200");   /* a number keeps its text */
    assert_string_equal(rj_str(&v, "x"), "-1.5e3");
    assert_int_equal(rj_get(&v, "ok")->type, RJ_TRUE);
    assert_int_equal(rj_get(&v, "no")->type, RJ_FALSE);
    assert_int_equal(rj_get(&v, "none")->type, RJ_NULL);
    assert_null(rj_str(&v, "none"));
    assert_null(rj_get(&v, "missing"));
    const rj_value *l = rj_get(&v, "list");
    assert_int_equal(l->type, RJ_ARRAY);
    assert_int_equal(l->n, 3);
    assert_string_equal(l->items[1].text, "b\xc3\xa9\"");
    assert_int_equal(l->items[2].n, 0);
    rj_free(&v);
}

static void test_surrogates(void **state)
{
    (void)state;
    rj_value v;
    truce_error err;
    assert_int_equal(parse("\"\\ud83d\\ude00\"", &v, &err), 0);
    assert_string_equal(v.text, "\xf0\x9f\x98\x80");
    rj_free(&v);
    assert_int_equal(parse("\"\\ud83d\"", &v, &err), -1);
    assert_non_null(strstr(err.message, "surrogate"));
    assert_int_equal(parse("\"a\\u0000b\"", &v, &err), -1);
}

/* Every error names the file and the line it is on. */
static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"{\"a\": 1,\n \"b\": }", "a.json:2: expected a value"},
        {"{\"a\": 1\n\n \"b\": 2}", "a.json:3: expected ',' or '}'"},
        {"[1, 2", "a.json:1: expected ',' or ']'"},
        {"\"abc", "a.json:1: unterminated string"},
        {"{\"a\": 1x}", "a.json:1: expected ',' or '}'"},
        {"{\"a\": 1e}", "a.json:1: bad number"},
        {"{\"a\": nan}", "a.json:1: unexpected text"},
        {"{\"a\": 1} x", "a.json:1: text after the value"},
        {"", "a.json:1: unexpected end of file"},
        {"\"tab\there\"", "a.json:1: control character in a string"},
        {"{1: 2}", "a.json:1: expected a key"},
        {"\"\\x\"", "a.json:1: bad escape in a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rj_value v;
        truce_error err;
        truce_error_clear(&err);
        if (parse(cases[i].text, &v, &err) != -1) fail_msg("case %zu parsed", i);
        assert_int_equal(err.code, TRUCE_EINPUT);
        if (strncmp(err.message, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("case %zu: '%s', want '%s'", i, err.message, cases[i].want);
    }
}

static void test_depth(void **state)
{
    (void)state;
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    rj_value v;
    truce_error err;
    assert_int_equal(rj_parse("d.json", deep, sizeof deep, &v, &err), -1);
    assert_non_null(strstr(err.message, "nested too deeply"));
    assert_int_equal(rj_parse("d.json", deep + 40, 120, &v, &err), 0); /* 60 deep is fine */
    rj_free(&v);
}

/* Written back with every '<' escaped: "</script>" and "<!--" cannot end the element. */
static void test_write(void **state)
{
    (void)state;
    rj_value v;
    truce_error err;
    const char *t = "{\"n\":\"</script><!--\",\"a\":[1,true,null,\"\\n\"]}";
    assert_int_equal(parse(t, &v, &err), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rj_write(f, &v);
    fclose(f);
    assert_string_equal(buf, "{\"n\":\"\\u003c/script>\\u003c!--\",\"a\":[1,true,null,\"\\n\"]}");
    rj_value back;
    assert_int_equal(rj_parse("b.json", buf, len, &back, &err), 0);
    assert_string_equal(rj_str(&back, "n"), "</script><!--");
    rj_free(&back);
    free(buf);
    rj_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values), cmocka_unit_test(test_surrogates), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_depth), cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
