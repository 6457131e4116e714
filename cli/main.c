/* truce — the command line's dispatcher: git-style subcommands, each with --help. main()
 * is in truce_main.c (build/truce) or mpi/truce_mpi.c (build/truce-mpi), both calling
 * cli_main. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const cli_command commands[] = {
    {"run", cmd_run, "simulate a scenario once and write its series and summary"},
    {"params", cmd_params, "list the model's parameters (defaults, priors, sources)"},
    {"variables", cmd_variables, "list what a run records and how reported metrics map onto it"},
    {"episodes", cmd_episodes, "event study: violence before, during and after each episode"},
    {"events", cmd_events, "aggregate UCDP GED / ACLED event files by period and group"},
    {"ensemble", cmd_ensemble, "run a scenario N times and write the bands of its series"},
    {"compare", cmd_compare, "paired runs of two scenarios under common random numbers"},
    {"timeline", cmd_timeline, "list the recorded episodes with their dates and kinds"},
    {"sensitivity", cmd_sensitivity, "global sensitivity: Morris screening and Sobol indices"},
    {"fit", cmd_fit, "calibrate parameters to reported series by ABC-SMC (resumable)"},
    {"validate", cmd_validate, "check a calibration: posterior predictive, forecasts, SBC"},
    {"assess", cmd_assess, "policy portfolios against the status quo, from the calibration"},
    {"report", cmd_report, "render an assessment folder's report.html again"},
    {"serve", cmd_serve, "a local explorer in the browser: move levers, see the futures change"},
};

const cli_driver *cli_parallel = NULL;
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out,
            "usage: truce <command> [options]\n"
            "       truce --help | --version\n\n"
            "truce measures, simulates and assesses the security impact of peace talks,\n"
            "ceasefires and counter-terrorism policy (default case: Pakistan and the TTP).\n\n"
            "commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'truce <command> --help' for a command's options.\n");
}

const char *cli_cmd = NULL;

/* "truce run: " for everything a command reports; "truce: " before one is chosen. */
static void prefix(void)
{
    if (cli_cmd) fprintf(stderr, "truce %s: ", cli_cmd);
    else fputs("truce: ", stderr);
}

int cli_report(const truce_error *err)
{
    prefix();
    fprintf(stderr, "%s\n", err->message[0] ? err->message : "unknown error");
    return err->code == TRUCE_EINPUT ? EXIT_USAGE : EXIT_RUNTIME;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    prefix();
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_write_stdout(void *ctx, const char *data, size_t len)
{
    if (fwrite(data, 1, len, stdout) == len) return 0;
    if (ctx) *(int *)ctx = errno ? errno : EIO;
    return -1;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "truce %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'truce %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_show_progress(void) { return isatty(STDERR_FILENO); }

void cli_progress_runs(void *ctx, uint64_t done, uint64_t total)
{
    /* about a hundred updates, and the last one */
    if (done != total && total >= 100 && done % (total / 100) != 0) return;
    fprintf(stderr, "\rtruce %s: %llu/%llu runs", (const char *)ctx, (unsigned long long)done,
            (unsigned long long)total);
    if (done == total) fputs("\r\033[K", stderr);
    fflush(stderr);
}

int cli_parse_u64(const char *text, uint64_t *out)
{
    /* Digits only: strtoull would skip leading spaces and read " -1" as 2^64-1. */
    if (!text || *text < '0' || *text > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

char *cli_command_line(const char *cmd, int argc, char **argv)
{
    size_t n = strlen("truce ") + strlen(cmd) + 1;
    for (int i = 1; i < argc; i++) n += 4 * strlen(argv[i]) + 3;
    char *s = malloc(n);
    if (!s) return NULL;
    char *p = s + sprintf(s, "truce %s", cmd);
    for (int i = 1; i < argc; i++) {
        /* Paths keep only their last component, so that the record (and the output's
         * bytes) do not depend on where the files were. */
        char buf[4096];
        const char *a = argv[i], *eq = strchr(a, '=');
        /* Where the output went is not how it was made, nor how many threads made it (the
         * bytes are the same for every count): --out and --threads are left out, also
         * when abbreviated as getopt_long accepts (--ou, --thr=2). */
        size_t name_len = eq ? (size_t)(eq - a) : strlen(a);
        if (name_len >= 3 && a[0] == '-' && a[1] == '-' &&
            (strncmp(a, "--out", name_len) == 0 || strncmp(a, "--threads", name_len) == 0) &&
            name_len <= (a[2] == 'o' ? 5u : 9u)) {
            if (!eq) i++;  /* its value is the next argument */
            continue;
        }
        if (strchr(a, '/')) {
            if (a[0] == '-' && eq) snprintf(buf, sizeof buf, "%.*s%s", (int)(eq - a + 1), a, cli_base_name(eq + 1));
            else snprintf(buf, sizeof buf, "%s", cli_base_name(a));
            a = buf;
        }
        int plain = *a != '\0';
        for (const char *c = a; *c; c++)
            if (!(isalnum((unsigned char)*c) || strchr("-_=.,:/+@%", *c))) plain = 0;
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (const char *c = a; *c; c++) {
            if (*c == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *c;
            }
        }
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

int cli_make_out_folder(const char *path, int *made)
{
    *made = 0;
    if (strncmp(path, "out/", 4) != 0) return EXIT_OK;
    const char *rest = path + 4;
    size_t n = strcspn(rest, "/");
    if (n == 0 || rest[n + strspn(rest + n, "/")] != '\0') return EXIT_OK;
    if (mkdir("out", 0777) == 0) {
        *made = 1;
    } else if (errno != EEXIST) {
        cli_error("out: cannot create the folder: %s", strerror(errno));
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int cli_check_out_parent(const char *cmd, const char *path)
{
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    size_t n = strlen(parent);
    while (n > 1 && parent[n - 1] == '/') parent[--n] = '\0';
    char *slash = strrchr(parent, '/');
    if (!slash) return EXIT_OK;
    if (slash == parent) slash[1] = '\0';
    else *slash = '\0';
    struct stat st;
    if (stat(parent, &st) == 0 && S_ISDIR(st.st_mode)) return EXIT_OK;
    fprintf(stderr, "truce %s: %s: the folder that would hold it (%s) does not exist\n", cmd, path, parent);
    return EXIT_USAGE;
}

const char *cli_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int not_a_command(const char *name)
{
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++) names[i] = commands[i].name;
    const char *near = cli_nearest(name, names, NCOMMANDS);
    if (near)
        fprintf(stderr, "truce: '%s' is not a truce command; did you mean '%s'? See 'truce --help'.\n",
                name, near);
    else
        fprintf(stderr, "truce: '%s' is not a truce command. See 'truce --help'.\n", name);
    return EXIT_USAGE;
}

/* Everything printed must have reached standard output: a full disk or a closed file
 * is a failure (exit 1) with a message, not a silent success. */
static int finish(int rc)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !bad) bad = 1, e = errno;
    if (bad && rc == EXIT_OK) {
        cli_error("standard output: write error: %s", strerror(e ? e : EIO));
        rc = EXIT_RUNTIME;
    }
    return rc;
}

static int dispatch(int argc, char **argv);

int cli_main(int argc, char **argv)
{
    /* Temporaries of an interrupted write are removed on SIGINT, SIGTERM, SIGHUP, SIGPIPE. */
    truce_cleanup_on_signals();
    return finish(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2) {
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char help[] = "--help";
                    char *av[] = {argv[2], help, NULL};
                    cli_cmd = commands[i].name;
                    return commands[i].run(2, av);
                }
            return not_a_command(argv[2]);
        }
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("truce %s\n", TRUCE_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0) {
            /* "events aggregate": a command with subcommands is named with its subcommand */
            static char both[64];
            cli_cmd = commands[i].name;
            if (strcmp(name, "events") == 0 && argc > 2 && strcmp(argv[2], "aggregate") == 0) {
                snprintf(both, sizeof both, "%s %s", name, argv[2]);
                cli_cmd = both;
            }
            return commands[i].run(argc - 1, argv + 1);
        }
    return not_a_command(name);
}
