/* csv: quoting (RFC 4180: a quote opens a quoted field only at the start of a field),
 * line ends, the byte-order mark, records across the 1 MiB refill boundary, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "testutil.h"

static void assert_field(const csv_record *rec, size_t i, const char *want)
{
    assert_true(i < rec->n);
    if (rec->fields[i].len != strlen(want) || memcmp(rec->fields[i].ptr, want, strlen(want)))
        fail_msg("field %zu is \"%.*s\", want \"%s\"", i, (int)rec->fields[i].len,
                 rec->fields[i].ptr, want);
}

static csv_reader *mem(const char *s) { return csv_open_memory("t.csv", s, strlen(s)); }

static void stray_quote_mid_field(void **state)
{
    (void)state;
    csv_reader *r = mem("2020-01,a,5\" gun\n2020-02,b,6\n2020-03,c,7\n");
    csv_record rec;
    truce_error err = {0};
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.n, 3);
    assert_field(&rec, 2, "5\" gun");
    assert_int_equal(rec.malformed, 0);
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.line, 2);
    assert_field(&rec, 1, "b");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_field(&rec, 2, "7");
    assert_int_equal(csv_next(r, &rec, &err), 0);
    csv_close(r);

    /* Two rows: the stray quote used to make the whole file an unterminated quote. */
    r = mem("a,b\"c\nd,e\n");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_field(&rec, 1, "b\"c");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_field(&rec, 0, "d");
    assert_int_equal(csv_next(r, &rec, &err), 0);
    csv_close(r);

    /* Text after a closing quote is kept and flagged; a quote in it is literal. */
    r = mem("\"ab\"c\"d,x\ny,z\n");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.n, 2);
    assert_field(&rec, 0, "abc\"d");
    assert_int_equal(rec.malformed, 1);
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_field(&rec, 0, "y");
    assert_int_equal(rec.malformed, 0);
    csv_close(r);
}

static void quoted_newline_doubled_quotes_crlf_bom(void **state)
{
    (void)state;
    csv_reader *r = mem("\xEF\xBB\xBFh1,h2\r\n\"a\nb\",\"say \"\"hi\"\", ok\"\r\n\"\",x\r\nlast,1");
    csv_record rec;
    truce_error err = {0};
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.n, 2);
    assert_field(&rec, 0, "h1");
    assert_field(&rec, 1, "h2");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.line, 2);
    assert_int_equal(rec.n, 2);
    assert_field(&rec, 0, "a\nb");
    assert_true(rec.fields[0].quoted);
    assert_field(&rec, 1, "say \"hi\", ok");
    assert_int_equal(rec.malformed, 0);
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.line, 4);
    assert_field(&rec, 0, "");
    assert_field(&rec, 1, "x");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.line, 5);
    assert_field(&rec, 0, "last");
    assert_field(&rec, 1, "1");
    assert_int_equal(csv_next(r, &rec, &err), 0);
    csv_close(r);
}

static void unterminated_quote_is_error(void **state)
{
    (void)state;
    csv_reader *r = mem("a,b\n\"open,c\nd,e\n");
    csv_record rec;
    truce_error err = {0};
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(csv_next(r, &rec, &err), -1);
    assert_non_null(strstr(err.message, "unterminated"));
    csv_close(r);
}

/* A file over 1 MiB with records (quoted, with doubled quotes and stray quotes) that
 * straddle the refill boundary at every offset near it. */
static void records_across_refill(void **state)
{
    (void)state;
    char path[] = "/tmp/truce-test-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    assert_non_null(fp);
    size_t written = 0;
    long nrec = 0;
    while (written < (3u << 20)) {
        int k = (int)(nrec % 7);
        int w;
        if (k == 0) w = fprintf(fp, "%ld,\"q\"\"x\ny\",5\" gun\r\n", nrec);
        else if (k == 3) w = fprintf(fp, "%ld,\"\",\"%*s\"\n", nrec, (int)(nrec % 13), "");
        else w = fprintf(fp, "%ld,plain%d,v\n", nrec, k);
        assert_true(w > 0);
        written += (size_t)w;
        nrec++;
    }
    fclose(fp);
    truce_error err = {0};
    csv_reader *r = csv_open_file(path, &err);
    assert_non_null(r);
    csv_record rec;
    long n = 0, line = 1;
    int rc;
    while ((rc = csv_next(r, &rec, &err)) == 1) {
        assert_int_equal(rec.n, 3);
        assert_int_equal(rec.line, line);
        assert_int_equal(strtol(rec.fields[0].ptr, NULL, 10), n);
        int k = (int)(n % 7);
        if (k == 0) {
            assert_field(&rec, 1, "q\"x\ny");
            assert_field(&rec, 2, "5\" gun");
            line += 2;
        } else {
            if (k != 3) assert_field(&rec, 2, "v");
            line += 1;
        }
        assert_int_equal(rec.malformed, 0);
        n++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, nrec);
    csv_close(r);
    unlink(path);
}

/* Issue 11 item 7: a bare CR (CR-only line ends) is an error, never one long header. A
 * CR inside quotes is text, and CRLF still ends lines. */
static void bare_cr_is_error(void **state)
{
    (void)state;
    csv_record rec;
    truce_error err = {0};
    csv_reader *r = mem("a,b\r1,2\r3,4\r");
    assert_int_equal(csv_next(r, &rec, &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "CR-only line ends"));
    csv_close(r);
    r = mem("\"a\rb\",c\r\n1,2\r\n");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_field(&rec, 0, "a\rb");
    assert_field(&rec, 1, "c");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_field(&rec, 1, "2");
    csv_close(r);
    r = mem("\"a\"\rb,c\n");   /* after a closing quote */
    assert_int_equal(csv_next(r, &rec, &err), -1);
    csv_close(r);
}

/* Issue 11 item 10: a record of more than CSV_MAX_FIELDS fields is refused (a header of
 * commas cost 24 bytes a field); duplicates in a header are found; numbers are decimal. */
static void field_bound_duplicates_decimals(void **state)
{
    (void)state;
    size_t n = CSV_MAX_FIELDS + 5;
    char *commas = malloc(n + 1);
    assert_non_null(commas);
    memset(commas, ',', n);
    commas[n] = '\n';
    csv_reader *r = csv_open_memory("c.csv", commas, n + 1);
    csv_record rec;
    truce_error err = {0};
    assert_int_equal(csv_next(r, &rec, &err), -1);
    assert_non_null(strstr(err.message, "fields in one record"));
    csv_close(r);
    free(commas);

    r = mem("a,best,,c,,best\n");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(csv_header_duplicate(&rec), 5);   /* empty names may repeat */
    csv_close(r);
    r = mem("a,b,,c,\n");
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_int_equal(csv_header_duplicate(&rec), -1);
    csv_close(r);

    double v = 0;
    assert_int_equal(csv_parse_decimal("12.5", 4, &v), 0);
    assert_true(v == 12.5);
    assert_int_equal(csv_parse_decimal(".5", 2, &v), 0);
    assert_int_equal(csv_parse_decimal("1e3", 3, &v), 0);
    const char *bad[] = {"0x10", " 1", "1 ", "inf", "nan", "1_000", "", ".", "1e", "+"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(csv_parse_decimal(bad[i], strlen(bad[i]), &v), -1);
    assert_int_equal(csv_parse_decimal("1e999", 5, &v), -2);
}

/* Issue 11 item 8: a FIFO is refused at once instead of blocking on open. */
static void fifo_is_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/truce-test-fifo-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/f", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    truce_error err = {0};
    assert_null(csv_open_file(path, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "not a regular file"));
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stray_quote_mid_field),
        cmocka_unit_test(quoted_newline_doubled_quotes_crlf_bom),
        cmocka_unit_test(unterminated_quote_is_error),
        cmocka_unit_test(records_across_refill),
        cmocka_unit_test(bare_cr_is_error),
        cmocka_unit_test(field_bound_duplicates_decimals),
        cmocka_unit_test(fifo_is_refused),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
