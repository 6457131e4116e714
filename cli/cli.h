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

/* The running command ("run", "events aggregate"): set by main, names every message. */
extern const char *cli_cmd;
/* Print "truce <cmd>: <message>" for a library error and return its exit code. */
int cli_report(const truce_error *err);
/* Print "truce <cmd>: <message>" (no hint) to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A truce_write_fn for standard output; ctx NULL or an int that receives the errno of a
 * failed write. */
int cli_write_stdout(void *ctx, const char *data, size_t len);
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
/* For an output folder "out/NAME" (the default's parent, which truce may create): create
 * out/ if missing (*made = 1 then). Any other parent must exist already (the library
 * refuses otherwise). Returns EXIT_OK, or EXIT_RUNTIME with a message. */
int cli_make_out_folder(const char *path, int *made);

/* Refuse (exit 2, "truce CMD: PATH: ...") an output folder whose parent folder does not
 * exist, before the work rather than after it; EXIT_OK otherwise. */
int cli_check_out_parent(const char *cmd, const char *path);

/* The last component of a path (no folders: summary.json records no paths). */
const char *cli_base_name(const char *path);

/* One output rule for every command that prints a table (README.md): CSV when standard
 * output is not a terminal, a table for people when it is; --csv and --table force one.
 * force: CLI_FORCE_NONE, CLI_FORCE_CSV or CLI_FORCE_TABLE. Returns 1 for a table. */
enum { CLI_FORCE_NONE, CLI_FORCE_CSV, CLI_FORCE_TABLE };
int cli_table_wanted(int force);
/* The shortest of %.15g, %.16g, %.17g that reads back to x (8.3, not 8.3000000000000007). */
const char *cli_shortest(double x, char out[32]);

/* Print the timeline's rows (of one kind, or all when kind is NULL) as CSV or a table
 * (force as cli_table_wanted): `truce timeline` and `truce episodes --list`. */
int cli_timeline_list(const truce_timeline *tl, const char *kind, int force);

/* After --to moved the horizon past the scenario's own end (scenario_end): warn on stderr
 * which background policies and episodes still running then stop at their dates. */
void cli_warn_horizon(const truce_scenario *s, int32_t scenario_end);

/* A progress callback for truce_ensemble_options and truce_compare_options: ctx is the
 * command's name; prints "truce NAME: done/total runs" on stderr, about 100 times. */
void cli_progress_runs(void *ctx, uint64_t done, uint64_t total);

/* The whole command line: dispatch argv[1] to a subcommand; returns the exit code. */
int cli_main(int argc, char **argv);

/* How an ensemble's runs are spread over processes. NULL (build/truce): this process
 * computes every run and writes. The MPI driver (mpi/truce_mpi.c) installs one whose
 * ensemble_compute gives each rank a range of runs and gathers them on rank 0, the only
 * writer; the other ranks print nothing. */
typedef struct cli_driver {
    int (*ensemble_compute)(truce_ensemble *e, truce_error *err);
    int writer;                /* this process writes outputs and prints */
    /* `truce fit`: set the options' part, nparts and exchange (each batch's proposals are
     * shared out over the processes and gathered on all); NULL: one process. */
    void (*fit_setup)(truce_fit_options *o);
    /* Every process passes its exit code; returns the first non-zero one of any (EXIT_OK
     * when all are). NULL: one process. */
    int (*agree)(int rc);
} cli_driver;
extern const cli_driver *cli_parallel;
/* Typo suggestions (suggest.c). Edit distance with swaps of neighbours counted as one. */
struct option;
size_t cli_edit_distance(const char *a, const char *b);
/* The candidate nearest to word if close enough to be a typo, else NULL. */
const char *cli_nearest(const char *word, const char *const *cands, size_t n);
/* For "--optoin" or "--optoin=x": the nearest long option's name, or NULL. */
const char *cli_nearest_option(const char *arg, const struct option *opts);
/* cli_usage "unknown option 'ARG'", with "did you mean '--NAME'?" when one is near. */
int cli_unknown_option(const char *cmd, const char *arg, const struct option *opts);

int cmd_run(int argc, char **argv);
int cmd_ensemble(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_params(int argc, char **argv);
int cmd_variables(int argc, char **argv);
int cmd_episodes(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
