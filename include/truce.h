/* truce.h — the one public header of libtruce.
 *
 * truce measures, simulates and assesses the security impact of peace talks, ceasefires
 * and counter-terrorism policy. The CLI (cli/), the Python binding and the MPI driver
 * use only what is declared here.
 *
 * Conventions: functions that can fail take a `truce_error *` (may be NULL) and return
 * NULL or a negative value on failure; `err->code` is TRUCE_EINPUT (bad usage or bad
 * input: the CLI exits 2) or TRUCE_ERUNTIME (the CLI exits 1), and `err->message` names
 * the file, the line and the field where there are ones ("file:line: field: reason").
 */
#ifndef TRUCE_H
#define TRUCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only what is marked TRUCE_API leaves the shared library (built with -fvisibility=hidden),
 * as libgit2's GIT_EXTERN and Lua's LUA_API. */
#if defined(__GNUC__)
#define TRUCE_API __attribute__((visibility("default")))
#else
#define TRUCE_API
#endif

#define TRUCE_VERSION "0.1.0"

/* ---- errors ------------------------------------------------------------------------ */

enum { TRUCE_OK = 0, TRUCE_ERUNTIME = 1, TRUCE_EINPUT = 2 };

typedef struct truce_error {
    int code;            /* TRUCE_OK, TRUCE_ERUNTIME or TRUCE_EINPUT */
    char message[1024];  /* "file:line: field: reason" (parts omitted when unknown) */
} truce_error;

/* Fill err (if not NULL). file may be NULL, line 0 and field NULL when unknown. */
TRUCE_API void truce_error_set(truce_error *err, int code, const char *file, long line,
                     const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
TRUCE_API void truce_error_clear(truce_error *err);

/* ---- output ------------------------------------------------------------------------- */

/* Where text output goes when it is not a file truce names: called with consecutive pieces
 * of the output; returns 0, or non-zero to report a failed write (the writer then returns
 * -1). E.g. a wrapper of fwrite to a stream, or a growing buffer. */
typedef int (*truce_write_fn)(void *ctx, const char *data, size_t len);

/* Every file and folder truce writes (truce_result_write, truce_event_table_write,
 * truce_episodes_save_csv) is built under a temporary name beside its destination and
 * renamed into place at the end. A symbolic link is never written through (refused:
 * TRUCE_EINPUT); only a regular file, or a folder of truce's own files, is replaced; an
 * existing device or FIFO is written directly, as standard output; the destination's
 * folder must exist. Temporaries are named `.NAME.truce-tmp-PID-XXXXXX`; those of
 * processes that no longer run are removed by the next writer into the same folder.
 * Install handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE (where their action is the
 * default) that remove this process's temporaries and then let the signal take its usual
 * effect. Returns 0, or -1 if a handler could not be installed. */
TRUCE_API int truce_cleanup_on_signals(void);

/* 16 hex digits: FNV-1a 64 of a file's bytes (for the provenance in summary.json). */
TRUCE_API int truce_file_hash(const char *path, char out[17], truce_error *err);

/* Files compiled into the library (the Makefile's EMBED), by their embedded name, e.g.
 * "../web/explorer.html", "../web/uPlot.iife.min.js": for `truce serve`, which serves
 * only these, and the report, which inlines them. The bytes (NUL-terminated, valid for
 * the program's life) and their length in *len (may be NULL); NULL if there is none. */
TRUCE_API const char *truce_asset(const char *name, size_t *len);

/* ---- calendar ---------------------------------------------------------------------- */

typedef enum truce_period {
    TRUCE_BY_DAY, TRUCE_BY_WEEK, TRUCE_BY_MONTH, TRUCE_BY_QUARTER, TRUCE_BY_YEAR
} truce_period;

typedef enum truce_precision {
    TRUCE_PRECISION_DAY, TRUCE_PRECISION_MONTH, TRUCE_PRECISION_YEAR
} truce_precision;

/* Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into the first and last day it covers (days
 * since 1970-01-01). Returns 0, or -1 when malformed. */
TRUCE_API int truce_date_parse(const char *text, int32_t *first, int32_t *last, truce_precision *prec);
/* `YYYY-MM-DD` into out (11 bytes). */
TRUCE_API void truce_date_format(int32_t day, char out[11]);
/* Label of the period containing `day`: `2021-11-09`, `2021-W45`, `2021-11`, `2021-Q4`,
 * `2021` (out: 16 bytes). */
TRUCE_API void truce_period_label(int32_t day, truce_period by, char out[16]);
/* "day", "week", "month", "quarter", "year" -> period. Returns 0, or -1 if unknown. */
TRUCE_API int truce_period_parse(const char *name, truce_period *by);

/* ---- parameters -------------------------------------------------------------------- */

/* Priors: every contested effect has a prior that includes zero or both signs. */
typedef enum truce_prior_kind {
    TRUCE_PRIOR_UNIFORM,     /* a = lower, b = upper */
    TRUCE_PRIOR_NORMAL,      /* a = mean, b = sd; truncated to [lo, hi] */
    TRUCE_PRIOR_LOGNORMAL,   /* a = log-mean, b = log-sd; truncated to [lo, hi] */
    TRUCE_PRIOR_FIXED        /* not estimated: a known quantity */
} truce_prior_kind;

typedef struct truce_param_info {
    const char *name;        /* e.g. "attack_rate_fighter" */
    const char *mechanism;   /* "M1".."M13", or "obs"/"init"/"lever" */
    double value;            /* default */
    truce_prior_kind prior;
    double a, b;             /* prior parameters (see truce_prior_kind) */
    double lo, hi;           /* hard bounds: values outside are rejected */
    const char *unit;
    const char *description;
    const char *source;      /* citation, or "assumption, no estimate found" */
} truce_param_info;

TRUCE_API size_t truce_param_count(void);
TRUCE_API const truce_param_info *truce_param_at(size_t i);
/* Index of the named parameter, or -1. */
TRUCE_API long truce_param_find(const char *name);
/* Name of a prior kind ("uniform", "normal", "lognormal", "fixed"). */
TRUCE_API const char *truce_prior_name(truce_prior_kind kind);

/* ---- scenarios --------------------------------------------------------------------- */

typedef struct truce_scenario truce_scenario;
/* A count series (observed or simulated): declared under "evidence" below. */
typedef struct truce_series truce_series;
/* A table of reported series (observed, or what the observation models make). */
typedef struct truce_reported truce_reported;

/* Load a scenario file (YAML, with CSV tables relative to its folder). */
TRUCE_API truce_scenario *truce_scenario_load(const char *path, truce_error *err);
/* The default Pakistan–TTP scenario compiled into the library. */
TRUCE_API truce_scenario *truce_scenario_load_default(truce_error *err);
/* Load from memory: `files` are (name, text, length) triples that stand in for the file
 * system (the first is the scenario; tables are looked up by their relative name). Used
 * by the fuzz targets and the embedded default. */
typedef struct truce_memfile {
    const char *name;
    const char *data;
    size_t len;
} truce_memfile;
TRUCE_API truce_scenario *truce_scenario_load_memory(const truce_memfile *files, size_t nfiles,
                                           truce_error *err);
TRUCE_API void truce_scenario_free(truce_scenario *s);

/* Override a parameter: "NAME=VALUE" (from `--set`). Out-of-bounds values are rejected. */
TRUCE_API int truce_scenario_set(truce_scenario *s, const char *assignment, truce_error *err);
TRUCE_API int truce_scenario_set_param(truce_scenario *s, const char *name, double value,
                             truce_error *err);
TRUCE_API double truce_scenario_param(const truce_scenario *s, const char *name);
/* Remove the episode with this id from the timeline (for counterfactual histories).
 * Returns 0, or -1 if there is none. */
TRUCE_API int truce_scenario_remove_episode(truce_scenario *s, const char *id, truce_error *err);
/* Move the end of the simulated horizon (a date, any precision: its last day). */
TRUCE_API int truce_scenario_set_end(truce_scenario *s, const char *date, truce_error *err);

TRUCE_API const char *truce_scenario_name(const truce_scenario *s);
/* 16 hex digits: a hash of the scenario's contents after overrides (FNV-1a 64). */
TRUCE_API const char *truce_scenario_hash(const truce_scenario *s);
/* The same hash of the scenario as loaded, before --set, --without or --to. */
TRUCE_API const char *truce_scenario_loaded_hash(const truce_scenario *s);
TRUCE_API int32_t truce_scenario_start(const truce_scenario *s);
TRUCE_API int32_t truce_scenario_end(const truce_scenario *s);
TRUCE_API size_t truce_scenario_region_count(const truce_scenario *s);
TRUCE_API const char *truce_scenario_region_name(const truce_scenario *s, size_t region);
TRUCE_API size_t truce_scenario_episode_count(const truce_scenario *s);
/* Militant organisations: 1 without an organisations table; names as in that table. */
TRUCE_API size_t truce_scenario_organisation_count(const truce_scenario *s);
TRUCE_API const char *truce_scenario_organisation_name(const truce_scenario *s, size_t k);
/* Recorded episodes and background policies (those with an effect in the model) whose
 * recorded end falls on or after `since` and before the horizon's last day: they stop at
 * their dates while the run goes on, e.g. when --to moves the end past the scenario's
 * (since = the scenario's own end: what was still running then). Open-ended entries go
 * on and are not listed. Returns how many; the first `cap` ids (valid while s lives) and
 * last days go to ids and ends (either may be NULL). */
TRUCE_API size_t truce_scenario_ending_before_horizon(const truce_scenario *s, int32_t since,
                                                      const char **ids, int32_t *ends,
                                                      size_t cap);

/* ---- parameter vectors ------------------------------------------------------------- */

/* A parameter vector holds truce_param_count() values in the parameter table's order
 * (truce_param_at). Runs take one as it is: no names are parsed or hashed per run. */

/* Every default, in table order. */
TRUCE_API void truce_params_default(double *values);
/* The scenario's values (defaults plus the scenario's and --set overrides). */
TRUCE_API void truce_scenario_params(const truce_scenario *s, double *values);
/* 0 if every value is finite and within its bounds; else -1 (TRUCE_EINPUT) naming the first
 * parameter that is not. */
TRUCE_API int truce_params_check(const double *values, truce_error *err);
/* Value of parameter i at quantile u in (0, 1) of its prior (truncated to [lo, hi]); a
 * fixed parameter gives its default. */
TRUCE_API double truce_prior_quantile(size_t i, double u);
/* One draw of every parameter from its prior, as a pure function of (seed, index): the
 * same pair always gives the same vector, on any thread or rank. */
TRUCE_API void truce_prior_draw(uint64_t seed, uint64_t index, double *values);
/* 16 hex digits identifying a parameter vector (FNV-1a 64 of its bits). */
TRUCE_API void truce_params_hash(const double *values, char out[17]);

/* An independent copy (for a counterfactual or a thread of its own). */
TRUCE_API truce_scenario *truce_scenario_copy(const truce_scenario *s, truce_error *err);
/* Set every parameter at once (checked as truce_params_check). */
TRUCE_API int truce_scenario_set_params(truce_scenario *s, const double *values, truce_error *err);
/* Recorded episodes: id of the i-th (in date order) and whether one with this id exists. */
TRUCE_API const char *truce_scenario_episode_id(const truce_scenario *s, size_t i);

/* ---- policy portfolios (docs/portfolios.md) ----------------------------------------- */

typedef struct truce_portfolio truce_portfolio;
/* Load a portfolio file and check every lever against s (regions, organisations,
 * parameters, bounds). Errors: TRUCE_EINPUT "FILE:LINE: FIELD: reason". */
TRUCE_API truce_portfolio *truce_portfolio_load(const char *path, const truce_scenario *s,
                                                truce_error *err);
/* The same from memory (`name` stands for the path in messages): fuzzing, the explorer. */
TRUCE_API truce_portfolio *truce_portfolio_load_memory(const char *name, const char *text,
                                                       size_t len, const truce_scenario *s,
                                                       truce_error *err);
TRUCE_API const char *truce_portfolio_name(const truce_portfolio *p);        /* `name:` */
TRUCE_API const char *truce_portfolio_description(const truce_portfolio *p); /* "" if none */
/* 16 hex digits: FNV-1a 64 of the canonical levers and the name (not the description). */
TRUCE_API const char *truce_portfolio_hash(const truce_portfolio *p);
/* Levers after expansion (a `demobilisation` adds a reintegration lever). */
TRUCE_API size_t truce_portfolio_lever_count(const truce_portfolio *p);
/* Earliest start day of its levers (INT32_MAX when it has none). */
TRUCE_API int32_t truce_portfolio_first_day(const truce_portfolio *p);
/* Add the levers to s as policies (kind "portfolio"); TRUCE_EINPUT if an id is taken or s
 * has other regions or organisations than the scenario the portfolio was checked against.
 * Open-ended levers end on s's last day. s's hash is recomputed. */
TRUCE_API int truce_portfolio_apply(const truce_portfolio *p, truce_scenario *s,
                                    truce_error *err);
TRUCE_API void truce_portfolio_free(truce_portfolio *p);
/* The shipped portfolios (scenarios/portfolios/NAME.yaml, compiled into the library like the
 * default scenario), status quo first, then by file name. */
TRUCE_API size_t truce_portfolio_builtin_count(void);
TRUCE_API const char *truce_portfolio_builtin_file(size_t i); /* "status-quo.yaml", ... */
TRUCE_API truce_portfolio *truce_portfolio_load_builtin(size_t i, const truce_scenario *s,
                                                        truce_error *err);

/* ---- variables ------------------------------------------------------------------------ */

/* What a run records. The properties of each variable (flow or stock; how the regions add
 * up to "all") are a table (truce_variable_info), not the order of this enum. */
typedef enum truce_variable {
    TRUCE_VAR_ATTACKS,
    TRUCE_VAR_DEATHS_SECURITY,
    TRUCE_VAR_DEATHS_CIVILIAN,
    TRUCE_VAR_DEATHS_MILITANT,
    TRUCE_VAR_RECRUITS,
    TRUCE_VAR_RECRUITS_IN_TRAINING,
    TRUCE_VAR_FIGHTERS,
    TRUCE_VAR_COMMANDERS,
    TRUCE_VAR_MILITANTS_IN_SANCTUARY,
    TRUCE_VAR_REINTEGRATED,
    TRUCE_VAR_GRIEVANCE,
    TRUCE_VAR_SUPPORT,
    TRUCE_VAR_INTELLIGENCE,
    TRUCE_VAR_DEVELOPMENT,
    TRUCE_VAR_FUNDS,
    TRUCE_VAR_LEGITIMACY,
    TRUCE_VAR_HOST_PATRONAGE,
    TRUCE_VAR_PRISONERS,
    TRUCE_VAR_MILITANTS_KILLED_IN_ATTACKS,
    TRUCE_VAR_MILITANTS_KILLED_IN_OPERATIONS,
    TRUCE_VAR_MILITANTS,
    TRUCE_VAR_COUNT
} truce_variable;

typedef enum truce_var_kind {
    TRUCE_KIND_FLOW,   /* a count per day: summed over a period */
    TRUCE_KIND_STOCK   /* a level: a period takes its last day's value */
} truce_var_kind;

typedef enum truce_var_total {
    TRUCE_TOTAL_SUM,             /* "all" is the sum over regions */
    TRUCE_TOTAL_POPULATION_MEAN, /* "all" is the population-weighted mean over the state's regions */
    TRUCE_TOTAL_ORGANISATION     /* one value for the whole organisation, reported for "all" only */
} truce_var_total;

typedef struct truce_variable_info {
    const char *name;          /* as in series.csv, e.g. "deaths_civilian" */
    truce_var_kind kind;
    truce_var_total total;
    const char *unit;
    const char *description;
} truce_variable_info;

TRUCE_API const truce_variable_info *truce_variable_info_of(truce_variable v);
TRUCE_API const char *truce_variable_name(truce_variable v);
/* 0 and *v set, or -1 if no variable has this name. */
TRUCE_API int truce_variable_find(const char *name, truce_variable *v);
TRUCE_API int truce_variable_is_flow(truce_variable v);
/* 1 for variables of the whole organisation (reported only for the region "all"). */
TRUCE_API int truce_variable_is_global(truce_variable v);

/* How reported metrics correspond to the model's variables where the names differ (one
 * table, docs/series.md): a reported metric is the sum of one or more model variables. */
typedef struct truce_metric_map {
    const char *metric;        /* as in data/pakistan_series.csv, e.g. "killed" */
    const char *variables;     /* '+'-separated model variables, e.g. "deaths_security+deaths_civilian" */
    const char *note;          /* why, and what does not match */
} truce_metric_map;
TRUCE_API size_t truce_metric_map_count(void);
TRUCE_API const truce_metric_map *truce_metric_map_at(size_t i);

/* Totals through each mechanism's flows over a run (summary.json "flows"). */
typedef enum truce_flow {
    TRUCE_FLOW_RECRUITED,
    TRUCE_FLOW_TRAINED,
    TRUCE_FLOW_PROMOTED,
    TRUCE_FLOW_DESERTED,
    TRUCE_FLOW_KILLED_IN_OPERATIONS,
    TRUCE_FLOW_CAPTURED,
    TRUCE_FLOW_KILLED_IN_ATTACKS,
    TRUCE_FLOW_KILLED_IN_STRIKES,
    TRUCE_FLOW_MOVED_TO_SANCTUARY,
    TRUCE_FLOW_RETURNED_FROM_SANCTUARY,
    TRUCE_FLOW_RELEASED,
    TRUCE_FLOW_REINTEGRATED,
    TRUCE_FLOW_RECIDIVATED,
    TRUCE_FLOW_ATTACKS,
    TRUCE_FLOW_ATTACKS_TRIGGERED,     /* expected share from self-excitation, summed */
    TRUCE_FLOW_ATTACKS_SUPPRESSED,    /* expected attacks withheld by ceasefire compliance */
    TRUCE_FLOW_COLLATERAL_DEATHS,
    TRUCE_FLOW_SECURITY_DEATHS_IN_OPERATIONS,
    TRUCE_FLOW_BORDER_CLASHES,
    TRUCE_FLOW_SECURITY_DEATHS_IN_CLASHES,
    TRUCE_FLOW_FUNDS_ILLICIT,
    TRUCE_FLOW_FUNDS_PATRON,
    TRUCE_FLOW_FUNDS_SPENT,
    TRUCE_FLOW_FUNDS_DISRUPTED,
    TRUCE_FLOW_CEASEFIRE_BREAKDOWNS,
    TRUCE_FLOW_DEVELOPMENT_DELIVERED,
    TRUCE_FLOW_COUNT
} truce_flow;

TRUCE_API const char *truce_flow_name(truce_flow f);

/* ---- runs -------------------------------------------------------------------------- */

/* What a run keeps. Recording less makes a run cheaper: a calibration that reads monthly
 * attacks in two provinces does not pay for 12.6 MB of daily values. Values are kept per
 * period of `by` (flows summed, stocks on the period's last simulated day), for the chosen
 * variables and regions, on the days [from, to] (clipped to the horizon; periods cut by
 * the window keep only the days inside it). */
typedef struct truce_record {
    truce_period by;           /* default TRUCE_BY_DAY */
    uint64_t variables;        /* bit v: record variable v (default: every variable) */
    uint64_t regions;          /* bit r: record region r (default: every region) */
    int total;                 /* record the region "all" (default 1) */
    int32_t from, to;          /* default INT32_MIN, INT32_MAX: the whole horizon */
} truce_record;

typedef struct truce_run_options {
    unsigned version;          /* TRUCE_RUN_OPTIONS_VERSION, set by _init */
    uint64_t seed;             /* default 1 */
    uint32_t run;              /* ensemble member index (part of every random draw's counter) */
    int mean_field;            /* replace every random draw by its expectation */
    const double *params;      /* a parameter vector to run with instead of the scenario's
                                  (checked and copied when the run starts); NULL: the scenario's */
    truce_record record;       /* what to keep (default: everything, daily) */
} truce_run_options;
#define TRUCE_RUN_OPTIONS_VERSION 1
/* Defaults as documented above. Always call it before setting fields. */
TRUCE_API void truce_run_options_init(truce_run_options *opt);

typedef struct truce_result truce_result;

/* One run over the scenario's horizon: truce_model_new, _advance to the end, _finish. */
TRUCE_API truce_result *truce_run(const truce_scenario *s, const truce_run_options *opt,
                                  truce_error *err);
TRUCE_API void truce_result_free(truce_result *r);

/* ---- the model, step by step ------------------------------------------------------- */

/* Build once, then step (OpenABM-Covid19's new_model / one_time_step): create a run's
 * state, advance it to a date, snapshot it, and branch: a policy portfolio that starts in
 * 2026 continues from one shared 2002-2025 history instead of recomputing it. Every draw
 * is a function of (seed, run, region, day, purpose), so the random numbers after a
 * branch point are those of a run over the whole horizon: branching gives the same bytes. */
typedef struct truce_model truce_model;

/* The model keeps a pointer to s: it must outlive the model (or the next switch). */
TRUCE_API truce_model *truce_model_new(const truce_scenario *s, const truce_run_options *opt,
                                       truce_error *err);
/* Simulate every day up to and including `last_day` (clipped to the horizon's end). */
TRUCE_API int truce_model_advance(truce_model *m, int32_t last_day, truce_error *err);
/* The first day not yet simulated (the horizon's end + 1 when done). */
TRUCE_API int32_t truce_model_next_day(const truce_model *m);
/* A deep copy of the state, recorded values included. */
TRUCE_API truce_model *truce_model_snapshot(const truce_model *m, truce_error *err);
/* Put m back into the state of snap (both from the same scenario and options). */
TRUCE_API int truce_model_restore(truce_model *m, const truce_model *snap, truce_error *err);
/* Continue under another scenario from the next day on (a counterfactual or a portfolio):
 * the same regions and horizon start are required; episodes are matched by id (a
 * ceasefire's survival carries over), new ones start fresh; its parameters apply from
 * now on unless opt->params was given. */
TRUCE_API int truce_model_switch(truce_model *m, const truce_scenario *alt, truce_error *err);
/* Run to the horizon's end and hand back what was recorded; the model is freed. */
TRUCE_API truce_result *truce_model_finish(truce_model *m, truce_error *err);
TRUCE_API void truce_model_free(truce_model *m);

/* ---- results ----------------------------------------------------------------------- */

/* Regions: 0 .. truce_result_region_count() - 1 are the scenario's, and index
 * truce_result_region_count() is "all". */
TRUCE_API size_t truce_result_region_count(const truce_result *r);
TRUCE_API const char *truce_result_region_name(const truce_result *r, size_t region);
TRUCE_API const truce_record *truce_result_record(const truce_result *r);
/* Recorded periods (of record.by) and the days each covers (clipped to the window). */
TRUCE_API size_t truce_result_period_count(const truce_result *r);
TRUCE_API void truce_result_period(const truce_result *r, size_t i, int32_t *first,
                                   int32_t *last);
/* A recorded value; NAN if that region, variable or period was not recorded. */
TRUCE_API double truce_result_get(const truce_result *r, size_t period, size_t region,
                                  truce_variable v);
/* Period summary as the series type observed data use (source "truce", metric = the
 * variable's name, geography = the region's name): flows summed, stocks on the last day.
 * `by` must be the recorded period or one it nests in (day into any; month into quarter
 * and year; quarter into year). TRUCE_EINPUT if not recorded or not nested. */
TRUCE_API truce_series *truce_result_series(const truce_result *r, size_t region,
                                            truce_variable v, truce_period by,
                                            truce_error *err);
/* Total of a flow over the days [from, to], or a stock's value at the end of the last
 * recorded period that ends on or before `to`. NAN if the variable or region was not
 * recorded, if [from, to] reaches outside the recorded window (those days have no value,
 * not zero), or if a bound cuts a recorded period (a monthly record has no total from the
 * 15th). */
TRUCE_API double truce_result_total(const truce_result *r, size_t region, truce_variable v,
                                    int32_t from, int32_t to);

/* Before the recording API: daily values (record.by must be TRUCE_BY_DAY, else NAN). */
TRUCE_API size_t truce_result_days(const truce_result *r);
TRUCE_API int32_t truce_result_start(const truce_result *r);
TRUCE_API double truce_result_value(const truce_result *r, size_t region, truce_variable v, size_t day);
TRUCE_API double truce_result_flow(const truce_result *r, truce_flow f);
/* Random words drawn during the run (32-bit words from Philox). */
TRUCE_API uint64_t truce_result_draws(const truce_result *r);

/* Several militant organisations (the scenario's `organisations` table, docs/scenario.md):
 * the values above are over every organisation (flows, people and funds summed; the
 * legitimacy and host patronage of the first). truce_result_organisation(r, k) is the same
 * record for organisation k alone, to read with the functions above (the shared state,
 * grievance, support, intelligence and development, has no value there: NAN); NULL if k is
 * out of range. With one organisation it is r itself. */
TRUCE_API size_t truce_result_organisation_count(const truce_result *r);
/* Its name in the organisations table ("militants" without one); NULL if out of range. */
TRUCE_API const char *truce_result_organisation_name(const truce_result *r, size_t k);
TRUCE_API const truce_result *truce_result_organisation(const truce_result *r, size_t k);

/* ---- observation models ------------------------------------------------------------ */

/* What each source would report of a run (docs/observations.md): for (source, metric,
 * geography, period), a negative binomial around obs_rate_<source> x the metric's model
 * variables (truce_metric_map, or the variable of the same name) summed over the
 * geography's regions (the scenario's `observations` table) and the period, with size
 * obs_dispersion_<source>. Sources are never spliced, averaged or taken as the truth. */
typedef struct truce_observe_options {
    unsigned version;          /* TRUCE_OBSERVE_OPTIONS_VERSION, set by _init */
    const double *params;      /* NULL: the scenario's obs_* parameters */
    int expected;              /* 1: each report's mean instead of a draw */
} truce_observe_options;
#define TRUCE_OBSERVE_OPTIONS_VERSION 1
TRUCE_API void truce_observe_options_init(truce_observe_options *opt);

/* One row for every row of `like` (the periods to report: e.g. the shipped series) that
 * has a reporting model: a source with obs_* parameters, a metric the model makes, a
 * geography of the scenario, and a period the run recorded whole. Draws come from the
 * run's own seed and run index, keyed by the series and the period. */
TRUCE_API truce_reported *truce_observe(const truce_result *r, const truce_scenario *s,
                                        const truce_reported *like,
                                        const truce_observe_options *opt, truce_error *err);

/* How an output was made, for summary.json: the command line, the overridden parameters,
 * the removed episodes and the hashes of files read. No timestamps or absolute paths. */
typedef struct truce_provenance {
    const char *command;       /* e.g. "truce run --seed 7 --by year" (NULL: omitted) */
    const char *const *sets;   /* "NAME=VALUE" as given */
    size_t nsets;
    const char *const *withouts;
    size_t nwithouts;
    const char *to;            /* --to as given, or NULL */
    const char *const *inputs; /* "NAME:HASH" for files read (scenario, data, posterior) */
    size_t ninputs;
    /* Not provenance but written with it: what the sources would have reported of the run
     * (truce_observe), as DIR/observed.csv when not NULL. */
    const truce_reported *observed;
} truce_provenance;

/* Write DIR/series.csv (period,period_start,region,variable,value), DIR/summary.json,
 * with prov->observed DIR/observed.csv, and for a run of several organisations
 * DIR/series_by_organisation.csv (the same plus an organisation column),
 * summarised by `by` (as truce_result_series). Written to a temporary folder beside DIR
 * and swapped in at the end in one step (see "output" above): on failure DIR is as it
 * was. An existing DIR is replaced only if it holds nothing but these files; a link, a
 * file or any other folder is refused (TRUCE_EINPUT), as is a
 * DIR whose parent folder does not exist. prov may be NULL. */
TRUCE_API int truce_result_write(const truce_result *r, const truce_scenario *s, const char *dir,
                                 truce_period by, const truce_provenance *prov,
                                 truce_error *err);
/* Would truce_result_write accept `dir` (the same checks, nothing created)? 0, or -1 with
 * err as truce_result_write would fill it: refuse a bad --out before the run, not after. */
TRUCE_API int truce_result_write_check(const char *dir, truce_error *err);
/* series.csv alone, passed to `out` (e.g. standard output). Returns 0, or -1 (err). */
TRUCE_API int truce_result_write_csv(const truce_result *r, truce_period by, truce_write_fn out,
                                     void *ctx, truce_error *err);

/* ---- ensembles (infer) ------------------------------------------------------------- */

/* `truce ensemble`: N runs of one scenario and the bands of their series (docs/ensemble.md).
 * Run i is exactly `truce run --seed S --run i` (with run i's parameters): its values are
 * those of that run's series.csv. Runs are computed in any order, on any thread or
 * process, into a slot of their own; bands are computed from the slots in run order, so
 * the output bytes do not depend on the thread or process count. */
typedef enum truce_params_source {
    TRUCE_PARAMS_SCENARIO,   /* every run uses the scenario's parameters */
    TRUCE_PARAMS_FILE,       /* rows of a CSV file (params_file), cycled over the runs */
    TRUCE_PARAMS_PRIOR,      /* run i: truce_prior_draw(seed, i, ...) */
    TRUCE_PARAMS_POSTERIOR   /* run i: one row of params_file (a posterior.csv, as `truce fit`
                                writes it) drawn by its weight (truce_posterior_draw) */
} truce_params_source;

typedef struct truce_ensemble_options {
    unsigned version;          /* TRUCE_ENSEMBLE_OPTIONS_VERSION, set by _init */
    uint64_t runs;             /* number of runs (> 0; no default) */
    uint64_t seed;             /* default 1 */
    truce_period by;           /* period of the bands (default TRUCE_BY_MONTH) */
    uint64_t variables;        /* bit v: band variable v (default: every variable) */
    truce_params_source params_source;   /* default TRUCE_PARAMS_SCENARIO */
    /* TRUCE_PARAMS_FILE: a CSV whose header names parameters (a subset: the others keep the
     * scenario's values) and optionally a `weight` column (finite, >= 0, not all zero);
     * one row per run, cycled when shorter than `runs`. Errors name file:line: field. */
    const char *params_file;
    /* TRUCE_PARAMS_PRIOR and _POSTERIOR: parameters named here keep the scenario's value
     * instead of a draw (the CLI passes the names given to --set). */
    const char *const *prior_keep;
    size_t nprior_keep;
    int threads;               /* OpenMP threads for truce_ensemble_run_range; 0: default */
    /* Called now and then with the number of runs done in the current range (from one
     * thread at a time); NULL: none. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} truce_ensemble_options;
#define TRUCE_ENSEMBLE_OPTIONS_VERSION 1
TRUCE_API void truce_ensemble_options_init(truce_ensemble_options *opt);

typedef struct truce_ensemble truce_ensemble;

/* Check the options, read the parameter file, and allocate a slot per run (memory:
 * runs x truce_ensemble_slot_size bytes). The scenario is copied. Nothing is run yet. */
TRUCE_API truce_ensemble *truce_ensemble_new(const truce_scenario *s,
                                             const truce_ensemble_options *opt,
                                             truce_error *err);
/* Compute runs [first, last) into their slots, on opt->threads threads. */
TRUCE_API int truce_ensemble_run_range(truce_ensemble *e, uint64_t first, uint64_t last,
                                       truce_error *err);
TRUCE_API uint64_t truce_ensemble_runs(const truce_ensemble *e);
/* Whether run i's slot holds a computed (or imported) run. */
TRUCE_API int truce_ensemble_run_done(const truce_ensemble *e, uint64_t run);
/* One run's numbers as bytes (for processes that compute disjoint ranges and a writer that
 * gathers them): export writes slot_size bytes of a computed run; import fills the slot.
 * The bytes are the machine's own representation: exporter and importer must run the same
 * build of truce on machines of the same architecture. */
TRUCE_API size_t truce_ensemble_slot_size(const truce_ensemble *e);
TRUCE_API int truce_ensemble_export(const truce_ensemble *e, uint64_t run, void *buf,
                                    truce_error *err);
TRUCE_API int truce_ensemble_import(truce_ensemble *e, uint64_t run, const void *buf,
                                    truce_error *err);
/* Run i's value of variable v for the region "all": a flow's total over the horizon, a
 * stock's value on the last day (as runs.csv). NAN if not computed or not banded. */
TRUCE_API double truce_ensemble_run_total(const truce_ensemble *e, uint64_t run,
                                          truce_variable v);
/* Mean random words a run drew (truce_result_draws), over every run. */
TRUCE_API double truce_ensemble_draws_per_run(const truce_ensemble *e);
/* Write DIR/bands.csv, DIR/runs.csv and DIR/summary.json (docs/ensemble.md) once every run
 * is done, through a temporary folder beside DIR renamed at the end (as truce_result_write;
 * missing parent folders are created). prov may be NULL. */
TRUCE_API int truce_ensemble_write(const truce_ensemble *e, const char *dir,
                                   const truce_provenance *prov, truce_error *err);
TRUCE_API void truce_ensemble_free(truce_ensemble *e);

/* Quantile of type 7 (R's default, NumPy's "linear"): with x sorted ascending (n >= 1),
 * h = (n - 1) p, the value x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 * With weights w (NULL: equal; >= 0): zero weights are left out, and the quantile is type 7
 * on the sample in which each of the n remaining values is repeated w n / W times (W the
 * total; frequency weights scaled to add up to n): position j in 0..n-1 holds the value
 * whose scaled cumulative weight first exceeds j, interpolated between floor(h) and
 * floor(h) + 1. Equal weights give plain type 7. x and w are sorted in place (by value,
 * then input order). NAN when nothing is left. */
TRUCE_API double truce_quantile7(double *x, double *w, size_t n, double p);
/* Several type-7 quantiles of one unweighted sample at once (x sorted in place once): out[k]
 * is truce_quantile7(x, NULL, n, p[k]) for each of the np probabilities. */
TRUCE_API void truce_quantiles7(double *x, size_t n, const double *p, size_t np, double *out);

/* ---- calibration: `truce fit` (infer) ------------------------------------------- */

/* Simulation-based inference by ABC-SMC (docs/fit.md): Toni et al. (2009) with the
 * importance weights of Beaumont et al. (2009), in the priors' standard-normal space
 * (z_i = Phi^-1(F_i(theta_i))), with an adaptive tolerance (a quantile of the previous
 * population's distances) and an adaptive kernel. The summaries and the distance are those
 * of docs/calibration.md. Every proposal's randomness is keyed by (seed, population,
 * index) and proposals are evaluated in batches of a fixed size, so the posterior is the
 * same bytes for any thread or process count, and a fit resumed from its run store
 * continues exactly as an uninterrupted one. */
typedef struct truce_fit_progress {
    unsigned population;       /* 0, 1, ... */
    double tolerance;          /* of this population (+INF for population 0) */
    uint64_t proposed;         /* proposals simulated for this population so far */
    uint64_t accepted;         /* of those, within the tolerance */
    size_t particles, target;  /* accepted kept so far, and the number wanted */
    double acceptance;         /* accepted / proposed */
    double ess;                /* effective sample size (NAN until the population is done) */
    uint64_t sims, sims_budget;/* simulations so far (screening included) and the budget */
    double seconds;            /* wall time since the start of this process's fit */
    int population_done;       /* 1 on the call that completes a population */
} truce_fit_progress;

enum { TRUCE_FIT_KERNEL_GLOBAL = 0, TRUCE_FIT_KERNEL_OLCM = 1 };

typedef struct truce_fit_options {
    unsigned version;                  /* TRUCE_FIT_OPTIONS_VERSION, set by _init */
    const truce_reported *data;        /* NULL: the shipped reported series */
    int32_t cutoff;                    /* last day of data used; INT32_MAX: all data */
    const char *const *estimate;       /* parameter names; NULL: screened default */
    size_t nestimate;
    uint64_t sims;                     /* total simulation budget (default 20000) */
    size_t particles;                  /* default 500 */
    uint64_t seed;                     /* default 1 */
    int threads;                       /* 0: default */
    double max_seconds;                /* 0: none (a wall-time stop is not reproducible) */
    double min_acceptance;             /* stop below this population acceptance rate (0.01) */
    double min_tolerance;              /* stop at or below this tolerance (0: none) */
    const char *store;                 /* SQLite run store path (fit.sqlite); NULL: in memory */
    void (*progress)(void *ctx, const struct truce_fit_progress *p);
    void *progress_ctx;
    /* Added beyond the first contract (defaults set by _init): */
    double quantile;                   /* tolerance = this quantile of the previous distances (0.5) */
    int kernel;                        /* TRUCE_FIT_KERNEL_GLOBAL (default) or _OLCM */
    unsigned max_populations;          /* populations in all, 0 included (default 30; 0: none) */
    size_t batch;                      /* proposals per batch (default 64): part of the result */
    size_t screen_keep;                /* screened default: keep the top K (default 6) */
    size_t screen_trajectories;        /* Morris trajectories r of the screening (default 4) */
    int restart;                       /* 1: discard a store made by other options */
    /* Processes (the MPI driver): this one simulates its share [B part / nparts,
     * B (part + 1) / nparts) of every batch of B proposals, and exchange fills in the
     * others' rows (batch x nsum doubles, row-major) from them. nparts <= 1: none.
     * Only the process with part 0 should be given a store. */
    int part, nparts;
    int (*exchange)(void *ctx, double *rows, size_t batch, size_t nsum, truce_error *err);
    void *exchange_ctx;
    /* 1: simulate every proposal whole (a check: early rejection stops a simulation only
     * when its distance is sure to exceed the tolerance, so the populations are the same;
     * docs/fit.md, "Early rejection"). Default 0. */
    int no_early_reject;
} truce_fit_options;
#define TRUCE_FIT_OPTIONS_VERSION 1
TRUCE_API void truce_fit_options_init(truce_fit_options *opt);

typedef struct truce_fit truce_fit;
/* Fit the scenario's parameters (the estimated ones; the others keep the scenario's
 * values). With opt->store, every complete population is committed to the SQLite store,
 * and a store left by the same fit (same options hash) is resumed from its last complete
 * population; a store of another fit is TRUCE_EINPUT unless opt->restart. */
TRUCE_API truce_fit *truce_fit_run(const truce_scenario *s, const truce_fit_options *opt,
                                   truce_error *err);
TRUCE_API size_t truce_fit_particle_count(const truce_fit *f);
TRUCE_API size_t truce_fit_param_count(const truce_fit *f);          /* estimated parameters */
TRUCE_API const char *truce_fit_param_name(const truce_fit *f, size_t k);
TRUCE_API double truce_fit_weight(const truce_fit *f, size_t particle);   /* normalised */
TRUCE_API double truce_fit_value(const truce_fit *f, size_t particle, size_t k);
/* The full parameter vector (truce_param_count() values) of a particle: the scenario's values
 * with the estimated ones replaced. */
TRUCE_API void truce_fit_params(const truce_fit *f, size_t particle, double *params);
/* The particle whose simulation came closest to the data (smallest distance). */
TRUCE_API size_t truce_fit_closest(const truce_fit *f);
/* Populations completed, simulations spent (screening included), and the population the
 * fit resumed from (0 when it did not resume). */
TRUCE_API size_t truce_fit_population_count(const truce_fit *f);
TRUCE_API uint64_t truce_fit_sims(const truce_fit *f);
TRUCE_API unsigned truce_fit_resumed_from(const truce_fit *f);
/* DIR/posterior.csv (header `weight,` then the estimated names) and DIR/fit.json. DIR must
 * exist (it holds the run store); each file is written beside its name and renamed. */
TRUCE_API int truce_fit_write(const truce_fit *f, const char *dir, const truce_provenance *prov,
                              truce_error *err);
TRUCE_API void truce_fit_free(truce_fit *f);

/* ---- posteriors (infer) ------------------------------------------------------------ */

/* A posterior sample as `truce fit` writes it (DIR/posterior.csv, docs/fit.md): a `weight`
 * column and one column per estimated parameter, one row per particle. The parameters it
 * does not name keep the scenario's values. Ensembles, comparisons and assessments draw one
 * particle per run by weight, keyed by (seed, run): any thread or process draws the same. */
typedef struct truce_posterior truce_posterior;
/* Read and check every row (bounds, truce_params_check); errors name file:line: field. */
TRUCE_API truce_posterior *truce_posterior_load(const char *path, const truce_scenario *s,
                                                truce_error *err);
/* The scenario's own calibration (`calibration: posterior:` in its file; for the built-in
 * scenario the shipped data/posterior/pakistan-ttp.csv, compiled in). TRUCE_EINPUT when the
 * scenario names none. */
TRUCE_API truce_posterior *truce_posterior_load_calibration(const truce_scenario *s,
                                                            truce_error *err);
TRUCE_API size_t truce_posterior_count(const truce_posterior *p);
TRUCE_API double truce_posterior_weight(const truce_posterior *p, size_t row);
/* Row `row`'s full parameter vector (truce_param_count() values) into params. */
TRUCE_API void truce_posterior_params(const truce_posterior *p, size_t row, double *params);
/* The particle run `run` of seed `seed` uses, drawn by weight: its row (0-based); its full
 * parameter vector into params (may be NULL). */
TRUCE_API size_t truce_posterior_draw(const truce_posterior *p, uint64_t seed, uint64_t run,
                                      double *params);
/* The file's name (last path component) and truce_file_hash. */
TRUCE_API const char *truce_posterior_name(const truce_posterior *p);
TRUCE_API const char *truce_posterior_hash(const truce_posterior *p);
TRUCE_API void truce_posterior_free(truce_posterior *p);

/* ---- validation (infer) ------------------------------------------------------------ */

/* Proper scores of probabilistic forecasts (docs/validate.md; Gneiting & Raftery 2007,
 * JASA 102:359). Lower is better; NAN for unusable input. */
/* CRPS of the empirical distribution of the sample x[0..n) at y, exactly (energy form:
 * mean |x - y| - mean |x - x'| / 2 over all pairs). */
TRUCE_API double truce_crps_sample(const double *x, size_t n, double y);
/* CRPS of Poisson(lambda) at y >= 0 (lambda 0: the point mass at 0, CRPS = y). */
TRUCE_API double truce_crps_poisson(double lambda, double y);
/* Smallest k with P(X <= k) >= q, X ~ Poisson(lambda), 0 < q < 1. */
TRUCE_API double truce_poisson_quantile(double lambda, double q);
/* Interval score of the central (1 - alpha) interval [lo, hi] at y: (hi - lo) plus
 * 2 / alpha times the distance by which y falls outside it (MIS90: alpha 0.1). */
TRUCE_API double truce_interval_score(double lo, double hi, double y, double alpha);

/* `truce validate ppc|forecast|sbc` (docs/validate.md). Every simulation goes through the
 * observation models (truce_observe with the data as `like`); draws are a pure function of
 * (seed, draw index), so the outputs are the same bytes for any thread count. */
typedef struct truce_validate_options {
    unsigned version;          /* TRUCE_VALIDATE_OPTIONS_VERSION, set by _init */
    const truce_reported *data;   /* the reported series; NULL: the shipped ones */
    const char *posterior;     /* ppc: a posterior.csv (`weight,` then parameter names) */
    uint64_t draws;            /* ppc, forecast: posterior predictive draws (default 1000) */
    uint64_t seed;             /* default 1 */
    int threads;               /* OpenMP threads; 0: default */
    int32_t cutoff;            /* forecast: last day of the data the fit sees (required) */
    const char *const *estimate;  /* forecast, sbc: parameters to fit (sbc: required) */
    size_t nestimate;
    uint64_t sims;             /* forecast, sbc: each fit's simulation budget (0: the fit's default) */
    size_t particles;          /* forecast, sbc: each fit's particles (0: the fit's default) */
    uint64_t reps;             /* sbc: replications (default 100) */
    size_t rank_draws;         /* sbc: L, posterior draws a rank is taken among (default 99) */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);   /* NULL: none */
    void *progress_ctx;
} truce_validate_options;
#define TRUCE_VALIDATE_OPTIONS_VERSION 1
TRUCE_API void truce_validate_options_init(truce_validate_options *o);
/* Posterior predictive checks: DIR/ppc.csv, DIR/ppc_summary.csv, DIR/ppc_episodes.csv and
 * DIR/ppc.json, written all at once through a temporary folder (as truce_ensemble_write). */
TRUCE_API int truce_validate_ppc(const truce_scenario *s, const truce_validate_options *o,
                                 const char *dir, const truce_provenance *prov, truce_error *err);
/* Time-split forecast: fit (truce_fit_run) on the data up to o->cutoff, forecast every later
 * reported month of each monthly series from o->draws posterior predictive draws, with the
 * episodes recorded after the cutoff (`model`) and without them (`model_unconditional`),
 * and score CRPS and MIS90 against the baselines zero, last, conflictology and seasonal:
 * DIR/forecast_scores.csv (series,method,crps,mis90,n), DIR/forecast.csv (each month),
 * DIR/forecast.json, and the fit's DIR/fit.json and DIR/posterior.csv. */
TRUCE_API int truce_validate_forecast(const truce_scenario *s, const truce_validate_options *o,
                                      const char *dir, const truce_provenance *prov,
                                      truce_error *err);
/* Simulation-based calibration of the fit of o->estimate: o->reps replications, ranks among
 * o->rank_draws posterior draws: DIR/sbc.csv (rep,parameter,true,rank,of,in50,in90),
 * DIR/sbc_summary.csv (parameter,reps,chi2,df,p_uniform,coverage50,coverage90), DIR/sbc.json. */
TRUCE_API int truce_validate_sbc(const truce_scenario *s, const truce_validate_options *o,
                                 const char *dir, const truce_provenance *prov, truce_error *err);
/* Would truce_validate_<what> ("ppc", "forecast", "sbc") accept `dir`? 0, or -1 (err). */
TRUCE_API int truce_validate_check_out(const char *what, const char *dir, truce_error *err);

/* ---- paired comparisons (assess) --------------------------------------------------- */

/* `truce compare`: N runs of a BASE and an ALT scenario under common random numbers: run
 * i of both uses the same seed and run index, so every draw that both histories make is
 * the same draw and the differences are the policy's, not the dice's (docs/compare.md). */
enum { TRUCE_COMPARE_NVARS = 6 };   /* attacks, deaths_security, deaths_civilian,
                                       deaths_militant, recruits (flows: totals over
                                       [from, to]) and militants (the stock on `to`) */
typedef struct truce_compare_options {
    unsigned version;          /* TRUCE_COMPARE_OPTIONS_VERSION, set by _init */
    uint64_t runs;             /* default 100 */
    uint64_t seed;             /* default 1 */
    int32_t from, to;          /* days; default INT32_MIN, INT32_MAX: the base's horizon */
    int threads;               /* OpenMP threads; 0: default */
    /* When ALT is BASE without some episodes (or identical), both share their history up to
     * the earliest start of those episodes: ALT then continues from a snapshot of BASE taken
     * there (truce_model_switch), which gives the same numbers as running ALT from the
     * start, for less work. 1 runs ALT from the start always (default 0). */
    int no_branch;
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    /* NULL: both use their scenario's parameters. Else pair i draws one particle
     * (truce_posterior_draw(posterior, seed, i)): BASE runs with it, and ALT with it too
     * except for the parameters where ALT's scenario differs from BASE's (ALT's overrides,
     * e.g. --alt-set), which keep ALT's values. Not kept: must outlive the call. */
    const truce_posterior *posterior;
} truce_compare_options;
#define TRUCE_COMPARE_OPTIONS_VERSION 2
TRUCE_API void truce_compare_options_init(truce_compare_options *opt);

typedef struct truce_compare truce_compare;

/* Run every pair. Both scenarios must have the same regions and cover [from, to]. */
TRUCE_API truce_compare *truce_compare_run(const truce_scenario *base, const truce_scenario *alt,
                                           const truce_compare_options *opt, truce_error *err);
/* The k-th compared variable's name (k < TRUCE_COMPARE_NVARS). */
TRUCE_API const char *truce_compare_variable(size_t k);
/* Run i's value of variable k under BASE and ALT. */
TRUCE_API void truce_compare_value(const truce_compare *c, uint64_t run, size_t k,
                                   double *base, double *alt);
typedef struct truce_compare_row {
    const char *variable;
    double base_mean, alt_mean, diff_mean;   /* diff = alt - base */
    double diff_q05, diff_q50, diff_q95;     /* type 7 (truce_quantile7) */
    double p_alt_lower;                      /* share of runs with diff < 0 */
} truce_compare_row;
TRUCE_API void truce_compare_summary(const truce_compare *c, size_t k, truce_compare_row *row);
/* Write DIR/differences.csv, DIR/summary.csv and DIR/summary.json (how it was made: version,
 * command, both scenarios with their hashes, seed, runs, window, branch day, ALT's overrides
 * (prov->sets, prov->withouts) and inputs), as truce_ensemble_write writes. prov may be NULL. */
TRUCE_API int truce_compare_write(const truce_compare *c, const char *dir,
                                  const truce_provenance *prov, truce_error *err);
TRUCE_API uint64_t truce_compare_runs(const truce_compare *c);
/* The first day on which ALT's history was simulated apart from BASE's (the horizon's start
 * when none was shared; the day after its end when they are identical). */
TRUCE_API int32_t truce_compare_branch_day(const truce_compare *c);
TRUCE_API void truce_compare_free(truce_compare *c);

/* ---- futures that branch from a shared history (assess) ----------------------------- */

/* The bank of histories (docs/assess.md): run i's history (its parameters and its random
 * numbers) is simulated once up to the day before `from` and kept as a snapshot; every
 * future (a policy portfolio, a changed parameter) continues from a copy of it under common
 * random numbers. Run i is `truce run --seed S --run i` of the bank's scenario with run i's
 * parameters: branching with no change gives exactly its numbers. */
typedef struct truce_bank truce_bank;
typedef struct truce_bank_options {
    unsigned version;                  /* TRUCE_BANK_OPTIONS_VERSION, set by _init */
    uint64_t runs;                     /* histories (default 200) */
    uint64_t seed;                     /* default 1 */
    int32_t from;                      /* first day of the futures: histories run to from-1 */
    int32_t to;                        /* last day of the futures (the scenario's end moves there) */
    const truce_posterior *posterior;  /* run i: particle truce_posterior_draw(p, seed, i);
                                          NULL: the scenario's own parameters */
    truce_record record;               /* what every run records, history and future */
    int threads;                       /* 0: all cores; the bytes never depend on it */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} truce_bank_options;
#define TRUCE_BANK_OPTIONS_VERSION 1
/* Defaults: 200 runs, seed 1, from and to INT32_MIN/INT32_MAX (must be set: the bank
 * refuses them), no posterior, the record of truce_run_options_init, threads 0. */
TRUCE_API void truce_bank_options_init(truce_bank_options *o);
/* Simulate every run's history up to from-1 and keep a snapshot of each. `from` must lie in
 * [the scenario's start, to]; s is copied (it need not outlive the bank); the posterior is
 * read here only. */
TRUCE_API truce_bank *truce_bank_new(const truce_scenario *s, const truce_bank_options *o,
                                     truce_error *err);
TRUCE_API uint64_t truce_bank_runs(const truce_bank *b);
/* The bank's own scenario (s with its end moved to `to`): copy it and apply a portfolio to
 * make the `alt` of truce_bank_branch. */
TRUCE_API const truce_scenario *truce_bank_scenario(const truce_bank *b);
/* The parameter vector run i used (truce_param_count() values) and its particle row
 * (SIZE_MAX without a posterior). NULL / SIZE_MAX when run is out of range. */
TRUCE_API const double *truce_bank_params(const truce_bank *b, uint64_t run);
TRUCE_API size_t truce_bank_particle(const truce_bank *b, uint64_t run);
/* Run i's future under alt (the bank's scenario plus changes that start on or after
 * `from`): a copy of run i's snapshot, switched to alt, advanced to `to`. nset parameter
 * changes (index in table order, value within bounds) apply from `from` on; the history
 * keeps run i's values. Every run keeps its own parameter vector: alt's parameter values
 * are not used (change them through set_index/set_value). Thread-safe: any number of
 * branches may run at once. The result holds the history and the future as recorded. */
TRUCE_API truce_result *truce_bank_branch(const truce_bank *b, uint64_t run,
                                          const truce_scenario *alt, size_t nset,
                                          const size_t *set_index, const double *set_value,
                                          truce_error *err);
TRUCE_API void truce_bank_free(truce_bank *b);

/* ---- assessment of policy portfolios (assess) ---------------------------------------- */

/* `truce assess` (docs/assess.md): every run's history (a posterior particle and its random
 * numbers) is simulated once to the day before `from` (truce_bank); the status quo and
 * every portfolio branch from it under common random numbers, and each portfolio is
 * compared with the status quo run by run. The output folder is described in
 * docs/assess.md; every file is the same bytes for any thread count. */
typedef struct truce_assess_options {
    unsigned version;                  /* TRUCE_ASSESS_OPTIONS_VERSION, set by _init */
    uint64_t runs;                     /* histories (default 200) */
    uint64_t seed;                     /* default 1 */
    int32_t from, to;                  /* first and last day of the futures (default
                                          2026-01-01, 2030-12-31): whole months */
    int threads;                       /* 0: all cores */
    /* NULL: the scenario's calibration (truce_posterior_load_calibration); then the
     * calibration's fit files are copied into DIR/fit/. Not kept: must outlive the call. */
    const truce_posterior *posterior;
    /* Portfolio files, in order (none: the shipped ones but the status quo, by file name);
     * status_quo: the reference (NULL: the shipped status-quo.yaml). */
    const char *const *portfolios;
    size_t nportfolios;
    const char *status_quo;
    const char *command;               /* for assessment.json (NULL: omitted) */
    const char *scenario_label;        /* the scenario's name in `inputs` (NULL: its name) */
    int runs_csv;                      /* also write DIR/runs.csv (each run's outcomes) */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} truce_assess_options;
#define TRUCE_ASSESS_OPTIONS_VERSION 1
TRUCE_API void truce_assess_options_init(truce_assess_options *o);

typedef struct truce_assessment truce_assessment;
/* Load and check the portfolios (a broken file, or a lever that starts before `from`, is
 * TRUCE_EINPUT naming the file), then run everything. */
TRUCE_API truce_assessment *truce_assess_run(const truce_scenario *s, const truce_assess_options *o,
                                             truce_error *err);
/* One row of assessment.csv: medians over runs of the status quo's and the portfolio's
 * outcome, type-7 quantiles of the paired difference (portfolio - status quo), and the
 * share of runs with a difference below 0 (NAN for deaths_militant:*). */
typedef struct truce_assess_row {
    const char *portfolio, *outcome;
    double status_quo, value, diff_q05, diff_q50, diff_q95, p_better;
} truce_assess_row;
TRUCE_API size_t truce_assess_row_count(const truce_assessment *a);
TRUCE_API const truce_assess_row *truce_assess_row_at(const truce_assessment *a, size_t i);
/* Write the folder DIR through a temporary folder renamed at the end; an existing DIR is
 * replaced only if it holds nothing but an assessment's own files. */
TRUCE_API int truce_assess_write(const truce_assessment *a, const char *dir, truce_error *err);
/* Would truce_assess_write accept DIR? (the same checks, nothing created) */
TRUCE_API int truce_assess_check_out(const char *dir, truce_error *err);
TRUCE_API void truce_assess_free(truce_assessment *a);

/* ---- evidence: episodes ---------------------------------------------------------- */

/* `truce episodes`: an event study of violence before, during and after each episode of a
 * timeline (docs/episodes.md). Three pieces: the episode timeline, a count series, and the
 * study itself. */

/* Episode timeline (the shipped data/pak_ttp_timeline.csv form): a header with at least
 * `id,start,end,kind` (other columns are kept as text if present: actors, region,
 * description, date_status, source). Dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; an empty
 * end means ongoing or unknown. Errors (TRUCE_EINPUT) name file, line and field: invalid
 * UTF-8, NUL bytes, a missing column, a wrong number of fields, a malformed date, an end
 * before the start, an empty or duplicate id. */
typedef struct truce_episode {
    const char *id, *kind, *start_text, *end_text;  /* end_text is "" when open */
    const char *actors, *region, *description, *date_status, *source; /* "" if absent */
    int32_t start_first, start_last;  /* days covered by the start date */
    int32_t end_first, end_last;      /* days covered by the end date (valid if has_end) */
    truce_precision start_precision, end_precision;
    int has_end;
    long line;                        /* line of the record in its file */
} truce_episode;

typedef struct truce_timeline truce_timeline;

TRUCE_API truce_timeline *truce_timeline_load(const char *path, truce_error *err);
/* From memory (not copied: only read during the call); `name` appears in messages. */
TRUCE_API truce_timeline *truce_timeline_load_memory(const char *name, const char *data, size_t len,
                                           truce_error *err);
/* The shipped Pakistan-TTP timeline compiled into the library. */
TRUCE_API truce_timeline *truce_timeline_load_default(truce_error *err);
TRUCE_API size_t truce_timeline_count(const truce_timeline *t);
TRUCE_API const truce_episode *truce_timeline_episode(const truce_timeline *t, size_t i);
TRUCE_API void truce_timeline_free(truce_timeline *t);

/* A count series: one source, one metric, one geography, as non-overlapping periods
 * [first, last] (days) with a known value. Days in no period are unknown (never zero).
 * This is the seam for every input: the reported-series and aggregated-event readers
 * below build one with truce_series_add, and so can any other reader. */

TRUCE_API truce_series *truce_series_new(const char *source, const char *metric, const char *geography);
/* Add a period. Returns 0, or -1 (TRUCE_EINPUT) when it overlaps a period already added,
 * when last < first, or when value is negative or not finite. */
TRUCE_API int truce_series_add(truce_series *s, int32_t first, int32_t last, double value,
                     truce_error *err);
TRUCE_API size_t truce_series_count(const truce_series *s);
/* Periods in date order. */
TRUCE_API void truce_series_period(const truce_series *s, size_t i, int32_t *first, int32_t *last,
                         double *value);
TRUCE_API const char *truce_series_source(const truce_series *s);
TRUCE_API const char *truce_series_metric(const truce_series *s);
TRUCE_API const char *truce_series_geography(const truce_series *s);
TRUCE_API void truce_series_free(truce_series *s);

/* Reported series in the shipped data/pakistan_series.csv form:
 * `period,metric,value,source,geography,...`, periods `YYYY-MM`, `YYYY-Qn` or `YYYY`. An
 * empty value is unknown. `truce events aggregate` output (period, group or its keys,
 * events, deaths[, UCDP's breakdown]) is read too: each row gives the metrics "events" and
 * "deaths" of the source "UCDP GED" (with the breakdown) or "ACLED" (without), at the
 * geography its place names (docs/observations.md, "Event data"). */

TRUCE_API truce_reported *truce_reported_load(const char *path, truce_error *err);
TRUCE_API truce_reported *truce_reported_load_memory(const char *name, const char *data, size_t len,
                                           truce_error *err);
/* The shipped data/pakistan_series.csv compiled into the library. */
TRUCE_API truce_reported *truce_reported_load_default(truce_error *err);
/* A `truce run` series.csv (period,period_start,region,variable,value) is read too, as the
 * source "truce" with each variable a metric and each region a geography ("all" for the
 * total), plus the reported metrics that are sums of model variables (truce_metric_map:
 * "killed", ...). Returns 1 for such a file. */
TRUCE_API int truce_reported_simulated(const truce_reported *t);
/* The table's rows, in file order (derived metrics of a simulated file after them). */
typedef struct truce_reported_entry {
    const char *source, *metric, *geography;
    int32_t first, last;      /* the period's days */
    double value;
    long line;                /* in the file; 0 for rows made in memory */
} truce_reported_entry;
TRUCE_API size_t truce_reported_count(const truce_reported *t);
TRUCE_API int truce_reported_row(const truce_reported *t, size_t i, truce_reported_entry *e);
/* Write the table in the reported-series form (period,metric,value,source,geography,url,
 * note), with `note` (may be NULL) on every row. */
TRUCE_API int truce_reported_write(const truce_reported *t, const char *path, const char *note,
                                   truce_error *err);
/* The series of one source, metric and geography, never spliced with another source. A
 * period is kept at the finest precision reported: a coarser row (a year) is kept only
 * where no finer row (a month or quarter) of the same series overlaps it. An unknown
 * source, metric or geography is TRUCE_EINPUT, naming what the file has. */
TRUCE_API truce_series *truce_reported_series(const truce_reported *t, const char *source,
                                    const char *metric, const char *geography,
                                    truce_error *err);
TRUCE_API void truce_reported_free(truce_reported *t);
/* The rows of several tables, one table after another, as a new table (e.g. several
 * `truce fit --data` files). Nothing is merged: each row keeps its source. */
TRUCE_API truce_reported *truce_reported_concat(const truce_reported *const *tables, size_t n,
                                                truce_error *err);

/* An event file already aggregated by period, as `truce events aggregate` prints it:
 * `period,group,events,deaths,...` with periods `2021-11-09`, `2021-W45`, `2021-11`,
 * `2021-Q4` or `2021` (one precision per file). metric is "events" or "deaths"; group
 * NULL sums all groups. Periods absent between the first and the last period of the file
 * are zero (an event data set records every event in its coverage); outside it, unknown.
 * Raw event files (UCDP GED, ACLED) are not read here: see truce_event_table_series. */
TRUCE_API truce_series *truce_aggregate_series(const char *path, const char *metric, const char *group,
                                     truce_error *err);

/* Raw event files (UCDP GED, ACLED) enter through the events module (section "evidence:
 * event files" below): aggregate them with truce_events_aggregate by day (opt.by =
 * TRUCE_BY_DAY; any group is summed, so filter rather than group), then build one series
 * per metric here. metric: events, deaths, and for UCDP deaths_a, deaths_b,
 * deaths_civilians, deaths_unknown. Every day of the covered span is a period of the
 * series, a day with no event being zero: the span is [from, to] when given (has_from,
 * has_to), else the first to the last day with an event in the table; outside it days are
 * unknown. No event and no full span is TRUCE_EINPUT. Source is "UCDP GED" or "ACLED";
 * geography NULL or "" reads "all"; name appears in messages. */
struct truce_event_table;
TRUCE_API truce_series *truce_event_table_series(const struct truce_event_table *t, const char *name,
                                       const char *metric, const char *geography,
                                       int has_from, int32_t from, int has_to, int32_t to,
                                       truce_error *err);

/* The study. */
typedef struct truce_episodes_options {
    int32_t window_days;    /* > 0: windows of this many days (default 90) ... */
    int32_t window_months;  /* ... or, when > 0, of this many calendar months */
    uint32_t placebos;      /* placebo windows drawn per episode and metric (default 1000) */
    uint64_t seed;          /* placebo draws (default 20211109) */
    const char *kind;       /* only episodes of this kind; NULL for all */
    double min_coverage;    /* share of a window's days that known periods must cover (0.5) */
    const char *const *episodes;  /* only the episodes with these ids (NULL: all); an id */
    size_t nepisodes;             /* the timeline lacks is TRUCE_EINPUT naming the ids */
} truce_episodes_options;

/* Timeline rows of this kind are notes about the data (e.g. a coding change in a data
 * set), not episodes: the study leaves them out (and never pools them); `truce timeline`
 * lists them. */
#define TRUCE_EPISODE_KIND_DATA_NOTE "data_note"

TRUCE_API void truce_episodes_options_init(truce_episodes_options *o);

/* One output row: an episode (or a pooled estimate, episode "pooled:KIND") and a metric.
 * Numbers that the data cannot resolve are NAN, and note says why. */
typedef struct truce_episode_row {
    char episode[64], kind[64], start[16], end[16], source[64], metric[64], geography[64];
    double rate_before, rate_during, rate_after;        /* per 30 days */
    double ratio_after_before, ci_low, ci_high;         /* interval named by method */
    double exact_ci_low, exact_ci_high;                 /* exact Poisson, always */
    double adj_ratio, adj_ci_low, adj_ci_high;          /* quasi-Poisson regression */
    double p_placebo;
    long n_placebo;
    double count_before, count_during, count_after;     /* apportioned counts */
    double days_before, days_during, days_after;        /* known days in each window */
    double dispersion;                                  /* Pearson phi of the regression */
    char method[64];
    char note[512];
} truce_episode_row;

typedef struct truce_episodes truce_episodes;

TRUCE_API truce_episodes *truce_episodes_run(const truce_timeline *t, truce_series *const *series,
                                   size_t nseries, const truce_episodes_options *opt,
                                   truce_error *err);
TRUCE_API size_t truce_episodes_row_count(const truce_episodes *e);
TRUCE_API const truce_episode_row *truce_episodes_row(const truce_episodes *e, size_t i);
/* CSV with a header row; NA for NAN. Returns 0, or -1 when `out` reported a failure. */
TRUCE_API int truce_episodes_write_csv(const truce_episodes *e, truce_write_fn out, void *ctx);
/* A fixed-width table for people. Returns 0, or -1 when `out` reported a failure. */
TRUCE_API int truce_episodes_write_table(const truce_episodes *e, truce_write_fn out, void *ctx);
/* The CSV into the file `path` (NULL or "-": standard output), atomically (see "output"
 * above). Returns 0, or -1 with err naming path. */
TRUCE_API int truce_episodes_save_csv(const truce_episodes *e, const char *path, truce_error *err);
TRUCE_API void truce_episodes_free(truce_episodes *e);

/* ---- evidence: event files ---------------------------------------------------------- */

/* Event files: UCDP GED CSV exactly as downloaded, and ACLED exports. Files are read as a
 * stream (constant memory whatever their size); the table grows with the number of
 * (group, period) cells, not rows. Columns are found by name. See docs/events.md. */
typedef enum truce_event_format {
    TRUCE_EVENTS_AUTO,   /* recognise from the header */
    TRUCE_EVENTS_UCDP,   /* UCDP GED: date_start, best, deaths_a/b/civilians/unknown */
    TRUCE_EVENTS_ACLED   /* ACLED: event_date, fatalities */
} truce_event_format;

typedef enum truce_event_group {
    TRUCE_EVENTS_BY_NONE,        /* one group, the empty string */
    TRUCE_EVENTS_BY_COUNTRY,     /* both formats: country */
    TRUCE_EVENTS_BY_ADM_1,       /* UCDP adm_1, ACLED admin1 */
    TRUCE_EVENTS_BY_ADM_2,       /* UCDP adm_2, ACLED admin2 */
    TRUCE_EVENTS_BY_DYAD,        /* UCDP dyad_name */
    TRUCE_EVENTS_BY_CONFLICT,    /* UCDP conflict_name */
    TRUCE_EVENTS_BY_TYPE,        /* UCDP type_of_violence ("1", "2", "3") */
    TRUCE_EVENTS_BY_SIDE_A,      /* UCDP side_a */
    TRUCE_EVENTS_BY_SIDE_B,      /* UCDP side_b */
    TRUCE_EVENTS_BY_ACTOR1,      /* ACLED actor1 */
    TRUCE_EVENTS_BY_ACTOR2,      /* ACLED actor2 */
    TRUCE_EVENTS_BY_EVENT_TYPE   /* ACLED event_type */
} truce_event_group;

/* The most rows --fill may make (groups x periods): 10 million rows of 64 bytes. */
#define TRUCE_EVENTS_FILL_MAX 10000000u

/* Which UCDP death estimate `deaths` sums (ACLED has one: fatalities). */
typedef enum truce_event_estimate {
    TRUCE_ESTIMATE_BEST,         /* UCDP best (default) */
    TRUCE_ESTIMATE_LOW,          /* UCDP low */
    TRUCE_ESTIMATE_HIGH          /* UCDP high */
} truce_event_estimate;

/* The most keys a table may be grouped by at once. */
#define TRUCE_EVENTS_MAX_KEYS 4

typedef struct truce_events_options {
    truce_event_format format;
    truce_period by;
    truce_event_group group;     /* one key (used when nkeys is 0) */
    /* Several keys, e.g. {DYAD, TYPE}: a group is a combination of their values. When
     * nkeys > 0 these replace `group`; none may be TRUCE_EVENTS_BY_NONE or repeated. */
    truce_event_group keys[TRUCE_EVENTS_MAX_KEYS];
    size_t nkeys;
    truce_event_estimate estimate;   /* UCDP: low, best or high (ACLED: best only) */
    /* Precision filters (0: none): keep events whose where_prec (UCDP, 1-7) or
     * geo_precision (ACLED, 1-3) is at most max_where_prec, and whose date_prec (UCDP,
     * 1-5) or time_precision (ACLED, 1-3) is at most max_date_prec. */
    int max_where_prec, max_date_prec;
    /* Filters, matching the file's value exactly; NULL for none. country: both formats,
     * a name as the file writes it, or a code: a Gleditsch-Ward number (770) or an ISO
     * 3166-1 alpha-3 code (PAK) from the shipped data/country_codes.csv; a code matches
     * UCDP's country_id (Gleditsch-Ward) or ACLED's country name;
     * dyad (dyad_name) and type (type_of_violence): UCDP; event_type: ACLED; actor: side_a
     * or side_b (UCDP), actor1 or actor2 (ACLED). A filter that does not apply to a file's
     * format is an input error. */
    const char *country, *dyad, *actor, *type, *event_type;
    int has_from, has_to;
    int32_t from, to;            /* inclusive bounds on the event's day */
    int fill;                    /* zero rows for empty periods (see docs/events.md); a
                                    filled table over TRUCE_EVENTS_FILL_MAX rows is
                                    refused (TRUCE_EINPUT, naming its size) */
    int strict;                  /* the first invalid row is an error */
    size_t max_warnings;         /* invalid rows reported per file (then only counted) */
    /* Called with each warning ("file:line: field: reason", and a count per file);
     * NULL: invalid rows are only counted. */
    void (*warn)(void *ctx, const char *message);
    void *warn_ctx;
} truce_events_options;

/* Defaults: auto format, by month, group none, no filter, 20 warnings per file. */
TRUCE_API void truce_events_options_init(truce_events_options *opt);
/* "ucdp"/"acled"/"auto", and the group names of `--group` (country, adm_1, adm_2, dyad,
 * conflict, type, side_a, side_b, actor1, actor2, event_type, none). 0, or -1 if unknown. */
TRUCE_API int truce_event_format_parse(const char *name, truce_event_format *format);
TRUCE_API int truce_event_group_parse(const char *name, truce_event_group *group);
/* "low", "best", "high" -> estimate. 0, or -1 if unknown. */
TRUCE_API int truce_event_estimate_parse(const char *name, truce_event_estimate *estimate);

typedef struct truce_event_row {
    int32_t period;              /* first day of the period (label: truce_period_label) */
    const char *group;           /* the file's value, unchanged; "" for none or empty
                                    (with several keys: the first key's value) */
    const char *keys[TRUCE_EVENTS_MAX_KEYS];  /* each key's value (keys[0] == group) */
    uint64_t events;
    uint64_t deaths;             /* UCDP best (or low/high: opt.estimate), ACLED fatalities */
    uint64_t deaths_a, deaths_b, deaths_civilians, deaths_unknown;  /* UCDP; 0 for ACLED */
} truce_event_row;

typedef struct truce_event_table truce_event_table;

/* Aggregate one or more event files (all of one format) into a table sorted by group
 * (byte order, key by key) then period. Invalid rows are skipped and counted (reported through
 * opt->warn), or with opt->strict fail the call (TRUCE_EINPUT). */
TRUCE_API truce_event_table *truce_events_aggregate(const char *const *paths, size_t npaths,
                                          const truce_events_options *opt, truce_error *err);
/* The same over files in memory (tests, fuzzing). */
TRUCE_API truce_event_table *truce_events_aggregate_memory(const truce_memfile *files, size_t nfiles,
                                                 const truce_events_options *opt,
                                                 truce_error *err);
TRUCE_API void truce_event_table_free(truce_event_table *t);
TRUCE_API size_t truce_event_table_count(const truce_event_table *t);
TRUCE_API const truce_event_row *truce_event_table_row(const truce_event_table *t, size_t i);
TRUCE_API truce_event_format truce_event_table_format(const truce_event_table *t);
TRUCE_API truce_period truce_event_table_period(const truce_event_table *t);
/* The keys the table is grouped by (0 for none) and the name of each ("dyad", "type"...). */
TRUCE_API size_t truce_event_table_key_count(const truce_event_table *t);
TRUCE_API const char *truce_event_table_key_name(const truce_event_table *t, size_t i);
TRUCE_API uint64_t truce_event_table_rows_read(const truce_event_table *t);    /* data rows seen */
TRUCE_API uint64_t truce_event_table_rows_invalid(const truce_event_table *t); /* skipped as invalid */
/* Write the table as CSV: period,group,events,deaths (+ deaths_a,deaths_b,
 * deaths_civilians,deaths_unknown for UCDP); with several keys, one column per key named
 * after it instead of `group` (period,dyad,type,events,...). path NULL or "-": stdout;
 * otherwise written to a temporary file beside path and renamed, so there is never a
 * half-written file (see "output" above: links refused, a device or FIFO written directly). */
TRUCE_API int truce_event_table_write(const truce_event_table *t, const char *path, truce_error *err);

/* ---- global sensitivity ----------------------------------------------------------- */

/* `truce sensitivity` (docs/sensitivity.md): Morris elementary effects and Sobol indices of
 * a scalar output over the unit cube, each input mapped by the caller (for the model: onto
 * a parameter's prior by truce_prior_quantile). Model runs are spread over OpenMP threads
 * with each result written into its design point's slot, so every output is the same bytes
 * for any thread count. */
typedef enum truce_sens_method { TRUCE_SENS_MORRIS, TRUCE_SENS_SOBOL } truce_sens_method;

/* The function studied: y = f(u) for u in (0, 1)^dim. Called from several threads at once
 * (it must be safe to); returns 0, or -1 with err set. */
typedef int (*truce_sens_fn)(void *ctx, const double *u, size_t dim, double *y, truce_error *err);

typedef struct truce_sens_options {
    truce_sens_method method;  /* default TRUCE_SENS_MORRIS */
    size_t n;                  /* Morris: trajectories r; Sobol: base sample N (default 64) */
    uint64_t seed;             /* design, scramble and bootstrap (default 1) */
    int threads;               /* <= 0: OpenMP's default */
    int second_order;          /* Sobol: also S2 (N (2 dim + 2) evaluations) */
    unsigned bootstrap;        /* resamples for the 95 % intervals (default 1000) */
    unsigned levels;           /* Morris grid levels p, even >= 2 (default 4) */
    double screen_share;       /* Morris: screened out when mu* < share * max mu* (0.1) */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);  /* NULL: none (as ensembles') */
    void *progress_ctx;
} truce_sens_options;
TRUCE_API void truce_sens_options_init(truce_sens_options *o);
/* Evaluations of f a design needs: Morris r (dim + 1); Sobol N (dim + 2), or N (2 dim + 2)
 * with second order. 0 when o or dim is unusable. */
TRUCE_API size_t truce_sens_evaluations(const truce_sens_options *o, size_t dim);

/* One row of indices.csv. index: "S1", "ST", "S2" (parameter "a:b"), "mu_star", "mu",
 * "sigma"; ci_low, ci_high: bootstrap percentile 95 % interval. */
typedef struct truce_sens_row {
    const char *parameter, *method, *index;
    double estimate, ci_low, ci_high;
} truce_sens_row;

typedef struct truce_sens truce_sens;
/* Run the design and the estimators. names: dim input names (copied). */
TRUCE_API truce_sens *truce_sens_run(size_t dim, const char *const *names, truce_sens_fn f,
                                     void *ctx, const truce_sens_options *o, truce_error *err);
TRUCE_API void truce_sens_free(truce_sens *s);
TRUCE_API size_t truce_sens_row_count(const truce_sens *s);
TRUCE_API const truce_sens_row *truce_sens_row_at(const truce_sens *s, size_t i);
/* Estimate (and interval, lo/hi may be NULL) of index ("S1", "mu_star", ...) of input i;
 * NAN if the method has no such index. */
TRUCE_API double truce_sens_index(const truce_sens *s, size_t i, const char *index, double *lo,
                                  double *hi);
/* The k-th input by importance (Morris: mu*, Sobol: ST; ties by input order). */
TRUCE_API size_t truce_sens_ranked(const truce_sens *s, size_t k);
/* Morris: 1 if input i is screened out (mu* below screen_share of the largest mu*). */
TRUCE_API int truce_sens_screened(const truce_sens *s, size_t i);
TRUCE_API size_t truce_sens_dim(const truce_sens *s);
TRUCE_API const char *truce_sens_name(const truce_sens *s, size_t i);
TRUCE_API size_t truce_sens_evaluation_count(const truce_sens *s);
/* Mean and variance (denominator n - 1) of f over every design point evaluated. */
TRUCE_API double truce_sens_output_mean(const truce_sens *s);
TRUCE_API double truce_sens_output_variance(const truce_sens *s);

/* Analytic test functions ("ishigami": a = 7, b = 0.1 on U(-pi, pi)^3; "g": Sobol's G with
 * a = (0, 1, 4.5, 9, 99, 99, 99, 99) on U(0, 1)^8). ctx of truce_sens_test_fn is the value
 * truce_sens_test_find gives. */
typedef enum truce_sens_test { TRUCE_SENS_ISHIGAMI, TRUCE_SENS_G } truce_sens_test;
/* 0 and *t, *dim set, or -1 if unknown. */
TRUCE_API int truce_sens_test_find(const char *name, truce_sens_test *t, size_t *dim);
TRUCE_API int truce_sens_test_fn(void *ctx, const double *u, size_t dim, double *y, truce_error *err);
/* Analytic first and total order indices (dim values each). */
TRUCE_API void truce_sens_test_indices(truce_sens_test t, double *s1, double *st);

/* The model's scalar output: a variable's total over a window ("attacks:2023-01:2025-12";
 * flows only: summed over the days) or its value at a date ("fighters@2025-12"; stocks
 * only: the last day of that date). */
typedef struct truce_sens_output {
    truce_variable variable;
    int at;                    /* 1: a stock's value on day `to`; 0: a flow's sum over [from, to] */
    int32_t from, to;
} truce_sens_output;
/* 0, or -1 (TRUCE_EINPUT, naming --output) when malformed or the variable is unknown. */
TRUCE_API int truce_sens_output_parse(const char *text, truce_sens_output *out, truce_error *err);

/* The model as a truce_sens_fn (ctx: a truce_sens_model). Input k is parameter params[k],
 * set to truce_prior_quantile(params[k], u[k]); the others keep the base scenario's values.
 * With alt, the output is the paired difference alt - base at the same parameters, seed
 * and run index (common random numbers); the parameters marked in alt_own keep the alt
 * scenario's own value (a policy's --alt-set). */
typedef struct truce_sens_model {
    const truce_scenario *base;
    const truce_scenario *alt;         /* NULL: no pair */
    const unsigned char *alt_own;      /* truce_param_count() flags, or NULL */
    truce_sens_output output;
    const size_t *params;
    size_t nparams;
    uint64_t seed;
    uint32_t run;                      /* the same run index at every design point */
    int log_scale;                     /* y = log(1 + output); paired: log(1 + alt) - log(1 + base) */
} truce_sens_model;
TRUCE_API int truce_sens_model_fn(void *ctx, const double *u, size_t dim, double *y, truce_error *err);
/* The output at the base scenario's own parameters with run index `run` (the noise check). */
TRUCE_API int truce_sens_model_at_default(const truce_sens_model *m, uint32_t run, double *y,
                                          truce_error *err);
/* Run-to-run noise: the output's variance (denominator R - 1) over run indices
 * m->run + 1 .. m->run + replicates at the base scenario's parameters. */
TRUCE_API int truce_sens_noise(const truce_sens_model *m, unsigned replicates, int threads,
                               double *mean, double *variance, truce_error *err);

/* What summary.json records besides the estimates (strings may be NULL: omitted). */
typedef struct truce_sens_meta {
    const char *command, *output, *over, *function, *scenario, *scenario_hash;
    const char *alt;                   /* e.g. "without 28" */
    const char *scale;                 /* "log1p" with --log */
    unsigned replicates;               /* noise replicates (0: no noise check) */
    double noise_mean, noise_variance; /* of the output at the default parameters */
    size_t model_runs;                 /* truce_run calls, noise check included */
} truce_sens_meta;
/* Write DIR/indices.csv and DIR/summary.json (no wall time: the same bytes every time)
 * through a temporary folder beside DIR renamed at the end; an existing DIR holding only
 * those two files is replaced. */
TRUCE_API int truce_sens_write(const truce_sens *s, const truce_sens_options *o,
                               const truce_sens_meta *meta, const char *dir, truce_error *err);

/* ---- the assessment's report (docs/report.md) ---------------------------------------- */
/* Render DIR/report.html from an assessment folder (docs/report.md): one self-contained
 * HTML file (uPlot and the page's script inlined), written safely (temp + rename). */
TRUCE_API int truce_report_render(const char *dir, truce_error *err);
/* The headline table of an assessment folder for a terminal (assessment.csv's national
 * outcomes: each portfolio's median difference from the status quo, 90 % interval and
 * p_better), as plain text to `out`: `make run` and `truce report --print`. */
TRUCE_API int truce_report_headline(const char *dir, truce_write_fn out, void *ctx,
                                    truce_error *err);

#ifdef __cplusplus
}
#endif
#endif
