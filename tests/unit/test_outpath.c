/* Unit tests of src/base/outpath: temporary names, the replacement rules, the stale sweep,
 * cleanup on a signal, and sinks. Everything happens in one mkdtemp scratch folder. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "outpath.h"

static char scratch[64];

static int setup(void **state)
{
    (void)state;
    strcpy(scratch, "/tmp/truce-outpath-XXXXXX");
    return mkdtemp(scratch) ? 0 : -1;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", path, de->d_name);
            rm_rf(p);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int teardown(void **state)
{
    (void)state;
    rm_rf(scratch);
    return 0;
}

/* Entries of the scratch folder, sorted names joined by spaces. */
static const char *listing(const char *dir)
{
    static char buf[2048];
    char *names[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL && n < 64)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) names[n++] = strdup(de->d_name);
    if (d) closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(buf, " ");
        strncat(buf, names[i], sizeof buf - strlen(buf) - 2);
        free(names[i]);
    }
    return buf;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void temp_names(void **state)
{
    (void)state;
    long pid;
    int old;
    assert_true(out_temp_name(".R.truce-tmp-123-abcDE1", &pid, &old));
    assert_int_equal(pid, 123);
    assert_int_equal(old, 0);
    assert_true(out_temp_name(".a.b.csv.truce-old-9-zzzzzz", &pid, &old));
    assert_int_equal(pid, 9);
    assert_int_equal(old, 1);
    static const char *const not_ours[] = {
        "R.truce-tmp-1-abcdef",   ".R.truce-tmp--abcdef", ".R.truce-tmp-12-abcde",
        ".truce-tmp-1-abcdef",    ".R.truce-tmp-12-abc.e", ".R.tmp-12-abcdef",
        ".R.truce-tmp-12-abcdef~", "series.csv",          ".R.truce-tmp-12345678901-abcdef",
    };
    for (size_t i = 0; i < sizeof not_ours / sizeof not_ours[0]; i++)
        if (out_temp_name(not_ours[i], NULL, NULL)) fail_msg("'%s' taken for a temporary", not_ours[i]);
}

static const char *const own[] = {"series.csv", "summary.json", NULL};

static int write_dir(const char *path, const char *text, truce_error *err)
{
    out_dir d;
    if (out_dir_begin(&d, path, own, err) != 0) return -1;
    for (int i = 0; own[i]; i++) {
        FILE *f = out_dir_create(&d, own[i], err);
        if (!f) {
            out_dir_abort(&d);
            return -1;
        }
        fputs(text, f);
        if (out_dir_close(&d, f, own[i], err) != 0) {
            out_dir_abort(&d);
            return -1;
        }
    }
    return out_dir_commit(&d, err);
}

static void dir_rules(void **state)
{
    (void)state;
    char out[128], p[192];
    truce_error err;
    snprintf(out, sizeof out, "%s/R", scratch);
    assert_int_equal(write_dir(out, "one\n", &err), 0);
    assert_int_equal(write_dir(out, "two\n", &err), 0); /* replaced: only own files */
    snprintf(p, sizeof p, "%s/series.csv", out);
    FILE *f = fopen(p, "r");
    char line[16] = "";
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "two\n");
    assert_string_equal(listing(scratch), "R");
    /* a foreign file, or an own name that is a folder: refused, left as it was */
    snprintf(p, sizeof p, "%s/notes.txt", out);
    put(p, "mine");
    assert_int_equal(write_dir(out, "three\n", &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_string_equal(listing(out), "notes.txt series.csv summary.json");
    unlink(p);
    snprintf(p, sizeof p, "%s/summary.json", out);
    unlink(p);
    mkdir(p, 0777);
    assert_int_equal(write_dir(out, "three\n", &err), -1);
    rmdir(p);
    /* a link: refused, the target untouched */
    char link[160];
    snprintf(link, sizeof link, "%s/L", scratch);
    assert_int_equal(symlink("R", link), 0);
    assert_int_equal(write_dir(link, "four\n", &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "symbolic link"));
    assert_string_equal(listing(out), "series.csv");
    /* a missing parent: refused, nothing created */
    snprintf(p, sizeof p, "%s/no/R", scratch);
    assert_int_equal(write_dir(p, "x", &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_string_equal(listing(scratch), "L R");
}

static void file_rules(void **state)
{
    (void)state;
    char path[128], fifo[128], link[128];
    truce_error err;
    out_file f;
    snprintf(path, sizeof path, "%s/a.csv", scratch);
    assert_int_equal(out_file_open(&f, path, &err), 0);
    fputs("x\n", f.fp);
    assert_int_equal(out_file_commit(&f, &err), 0);
    assert_string_equal(listing(scratch), "a.csv");
    /* a FIFO is written directly and stays a FIFO */
    snprintf(fifo, sizeof fifo, "%s/p", scratch);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *r = fopen(fifo, "r");
        char buf[16] = "";
        _exit(r && fgets(buf, sizeof buf, r) && strcmp(buf, "piped\n") == 0 ? 0 : 1);
    }
    assert_int_equal(out_file_open(&f, fifo, &err), 0);
    assert_null(f.tmp);
    fputs("piped\n", f.fp);
    assert_int_equal(out_file_commit(&f, &err), 0);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct stat sb;
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    /* a link to a file: refused */
    snprintf(link, sizeof link, "%s/l.csv", scratch);
    assert_int_equal(symlink("a.csv", link), 0);
    assert_int_equal(out_file_open(&f, link, &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    /* an abort leaves nothing */
    snprintf(path, sizeof path, "%s/b.csv", scratch);
    assert_int_equal(out_file_open(&f, path, &err), 0);
    out_file_abort(&f);
    assert_string_equal(listing(scratch), "a.csv l.csv p");
}

static void sweep_rules(void **state)
{
    (void)state;
    char p[256];
    /* stale (a PID above any pid_max), a live one (ours), and names not ours */
    char live[64];
    snprintf(live, sizeof live, ".b.truce-tmp-%d-bbbbbb", (int)getpid());
    const char *const files[] = {".a.truce-tmp-2147483646-aaaaaa", live,
                                 "a.truce-tmp-2147483646-aaaaaa", ".c.truce-tmp-x-cccccc"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", scratch, files[i]);
        put(p, "x");
    }
    snprintf(p, sizeof p, "%s/.D.truce-tmp-2147483646-dddddd", scratch);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/.D.truce-tmp-2147483646-dddddd/series.csv", scratch);
    put(p, "x");
    snprintf(p, sizeof p, "%s/.E.truce-tmp-2147483646-eeeeee", scratch);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/.E.truce-tmp-2147483646-eeeeee/sub", scratch);
    mkdir(p, 0700);
    /* an output folder's own sub-folder (one level, e.g. an assessment's fit/) is swept
     * with it; a folder two levels down is not truce's, and keeps its parents */
    snprintf(p, sizeof p, "%s/.E.truce-tmp-2147483646-eeeeee/sub/deeper", scratch);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/.F.truce-tmp-2147483646-ffffff", scratch);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/.F.truce-tmp-2147483646-ffffff/fit", scratch);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/.F.truce-tmp-2147483646-ffffff/fit/fit.json", scratch);
    put(p, "x");
    assert_int_equal(out_sweep(scratch), 3);
    char want[256];
    snprintf(want, sizeof want, ".E.truce-tmp-2147483646-eeeeee .b.truce-tmp-%d-bbbbbb .c.truce-tmp-x-cccccc a.truce-tmp-2147483646-aaaaaa",
             (int)getpid());
    assert_string_equal(listing(scratch), want);
}

/* A writer killed by SIGTERM in the middle removes its temporaries, and dies of SIGTERM. */
static void signal_cleanup(void **state)
{
    (void)state;
    char out[128], file[128];
    snprintf(out, sizeof out, "%s/R", scratch);
    snprintf(file, sizeof file, "%s/f.csv", scratch);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        truce_error err;
        out_dir d;
        out_file f;
        truce_cleanup_on_signals();
        if (out_dir_begin(&d, out, own, &err) != 0) _exit(3);
        FILE *s = out_dir_create(&d, "series.csv", &err);
        if (!s) _exit(4);
        fputs("partial", s);
        fflush(s);
        if (out_file_open(&f, file, &err) != 0) _exit(5);
        fputs("partial", f.fp);
        fflush(f.fp);
        raise(SIGTERM);
        _exit(6);
    }
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGTERM);
    assert_string_equal(listing(scratch), "");
}

static int fail_after(void *ctx, const char *data, size_t len)
{
    (void)data;
    size_t *left = ctx;
    if (len > *left) return -1;
    *left -= len;
    return 0;
}

static void sinks(void **state)
{
    (void)state;
    out_sink *s = malloc(sizeof *s);
    assert_non_null(s);
    size_t left = 100000;
    sink_init(s, fail_after, &left);
    for (int i = 0; i < 1000; i++) sink_printf(s, "%d,", i);
    assert_int_equal(sink_flush(s), 0);
    assert_int_equal(left, 100000 - 3890);
    left = 10;
    sink_init(s, fail_after, &left);
    for (int i = 0; i < 10000; i++) sink_puts(s, "abc");
    assert_int_equal(sink_flush(s), -1);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(temp_names),
        cmocka_unit_test_setup_teardown(dir_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(file_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(sweep_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(signal_cleanup, setup, teardown),
        cmocka_unit_test(sinks),
    };
    return cmocka_run_group_tests_name("outpath", tests, NULL, NULL);
}
