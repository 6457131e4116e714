/* cli — shared pieces of the `truce` command line (uses only the public header). */
#ifndef TRUCE_CLI_H
#define TRUCE_CLI_H

#include <stdio.h>
#include "truce.h"

/* Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);   /* argv[0] is the command's name */
    const char *summary;
} cli_command;

/* Print "truce: <message>" for a library error and return its exit code. */
int cli_report(const truce_error *err);
/* Print "truce <cmd>: <message>" and a hint to --help; return 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 if stderr is a terminal and progress should be shown. */
int cli_show_progress(void);
/* Parse an unsigned 64-bit integer (whole string). Returns 0 on success. */
int cli_parse_u64(const char *text, uint64_t *out);
/* "truce CMD ARG..." for summary.json: --out left out, paths cut to their last component,
 * arguments with spaces or quotes single-quoted.
 * Free with free(); NULL when out of memory. */
char *cli_command_line(const char *cmd, int argc, char **argv);
/* The last component of a path (no folders: summary.json records no paths). */
const char *cli_base_name(const char *path);

int cmd_run(int argc, char **argv);
int cmd_params(int argc, char **argv);
int cmd_variables(int argc, char **argv);
int cmd_episodes(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);

#endif
