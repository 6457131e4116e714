/* truce — command-line entry point: git-style subcommands, each with --help. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const cli_command commands[] = {
    {"run", cmd_run, "simulate a scenario once and write its series and summary"},
    {"params", cmd_params, "list the model's parameters (defaults, priors, sources)"},
    {"variables", cmd_variables, "list what a run records and how reported metrics map onto it"},
    {"episodes", cmd_episodes, "event study: violence before, during and after each episode"},
    {"events", cmd_events, "aggregate UCDP GED / ACLED event files by period and group"},
    {"sensitivity", cmd_sensitivity, "global sensitivity: Morris screening and Sobol indices"},
};
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

int cli_report(const truce_error *err)
{
    fprintf(stderr, "truce: %s\n", err->message[0] ? err->message : "unknown error");
    return err->code == TRUCE_EINPUT ? EXIT_USAGE : EXIT_RUNTIME;
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

int cli_parse_u64(const char *text, uint64_t *out)
{
    if (!text || !*text || *text == '-' || *text == '+') return -1;
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
        /* where the output went is not how it was made: --out is left out */
        if (strcmp(a, "--out") == 0) {
            i++;
            continue;
        }
        if (strncmp(a, "--out=", 6) == 0) continue;
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

const char *cli_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
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
                    return commands[i].run(2, av);
                }
            fprintf(stderr, "truce: '%s' is not a truce command. See 'truce --help'.\n", argv[2]);
            return EXIT_USAGE;
        }
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("truce %s\n", TRUCE_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "truce: '%s' is not a truce command. See 'truce --help'.\n", name);
    return EXIT_USAGE;
}
