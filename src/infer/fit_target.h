/* fit_target — what a fit compares the model with: summary statistics of the reported series
 * (through the observation models) and a robustly scaled distance (docs/calibration.md,
 * "Summaries and distance"). Shared by `truce fit` (ABC-SMC) and `truce validate`. */
#ifndef TRUCE_FIT_TARGET_H
#define TRUCE_FIT_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "truce.h"

typedef struct fit_target fit_target;
typedef struct fit_target_options {
    int32_t cutoff;   /* use only reported periods whose last day <= cutoff; INT32_MAX: all */
} fit_target_options;
void fit_target_options_init(fit_target_options *opt);
/* data: the reported series (truce_reported_load / _load_default, or `truce events aggregate`
 * output read through the same loader). Rows with no reporting model are skipped and counted. */
fit_target *fit_target_new(const truce_scenario *sc, const truce_reported *data,
                           const fit_target_options *opt, truce_error *err);
void fit_target_free(fit_target *t);
/* What each run must record to compute the summaries (as cheap as possible: by month, only
 * the variables and regions used, window ending at the last period used). */
void fit_target_record(const fit_target *t, truce_record *rec);
int32_t fit_target_last_day(const fit_target *t);   /* last day of data used (for fit.json) */
size_t fit_target_dim(const fit_target *t);           /* number of summaries */
const char *fit_target_summary_name(const fit_target *t, size_t i);
const double *fit_target_observed(const fit_target *t);
/* One simulation: run the model with the FULL parameter vector `params` (PARAM_COUNT values in
 * table order) under (seed, run), draw what each source reports (truce_observe), and fill
 * `summaries` (fit_target_dim values). Thread-safe: t is only read. Returns 0 or -1 (err). */
int fit_target_simulate(const fit_target *t, const double *params, uint64_t seed, uint32_t run,
                        double *summaries, truce_error *err);
/* Set the per-summary scales from a pilot of n simulated summary vectors (row-major n x dim),
 * e.g. population 0 of a fit (robust: MAD-based, documented). Deterministic given the pilot. */
int fit_target_set_scales(fit_target *t, const double *pilot, size_t n, truce_error *err);
const double *fit_target_scales(const fit_target *t);
/* Distance of simulated summaries to the observed ones under the current scales (>= 0;
 * +INF for a non-finite summary). */
double fit_target_distance(const fit_target *t, const double *summaries);

/* ---- early rejection (docs/fit.md, "Early rejection") ---- */

/* The distance over the summaries complete by `day` (those whose inputs all end on or
 * before it), with the blocks' full sizes: never above fit_target_distance of the same
 * summaries (the same terms, each >= 0, in the same order); INT32_MAX gives the distance. */
double fit_target_partial_distance(const fit_target *t, const double *summaries, int32_t day);
/* The last day summary i reads (INT32_MAX: complete only with the whole run). */
int32_t fit_target_summary_ready(const fit_target *t, size_t i);
/* The days at which a simulation may stop early (year ends), in date order. */
size_t fit_target_checkpoint_count(const fit_target *t);
int32_t fit_target_checkpoint(const fit_target *t, size_t k);
typedef struct fit_sim_cost {
    int64_t days;        /* model days simulated */
    int64_t full_days;   /* model days of a whole run (the horizon) */
    int stopped;         /* 1: stopped early (summaries NAN: rejected) */
} fit_sim_cost;
/* fit_target_simulate, stopping at a checkpoint as soon as the partial distance there
 * exceeds eps (then the full distance would too): summaries are then all NAN (distance
 * +INF) and cost->stopped is 1. A simulation not stopped (always when eps = +INF) gives
 * exactly fit_target_simulate's summaries; it runs to the last day of data, not to the
 * horizon's end (no summary reads a later day). cost may be NULL. Returns 0 or -1 (err). */
int fit_target_simulate_within(const fit_target *t, const double *params, uint64_t seed, uint32_t run,
                               double eps, double *summaries, fit_sim_cost *cost, truce_error *err);

/* ---- beyond the contract (used by `truce validate` and the tests) ---- */

/* The reported rows the summaries read (the `like` table given to truce_observe), in the
 * target's order, and the counts of data rows left out. */
const truce_reported *fit_target_rows(const fit_target *t);
size_t fit_target_skipped_unmodelled(const fit_target *t);  /* no reporting model */
size_t fit_target_skipped_outside(const fit_target *t);     /* outside the horizon or cutoff */
/* Summaries of a reported table with the same rows as fit_target_rows (e.g. what
 * truce_observe made of a run); -1 (err) when a row is missing. */
int fit_target_summaries_of(const fit_target *t, const truce_reported *reported,
                            double *summaries, truce_error *err);
/* The kind of summary i (its block in the distance). */
typedef enum fit_summary_kind {
    FIT_SUMMARY_YEAR, FIT_SUMMARY_MONTH, FIT_SUMMARY_GROWTH, FIT_SUMMARY_SEASON,
    FIT_SUMMARY_EPISODE, FIT_SUMMARY_KINDS
} fit_summary_kind;
fit_summary_kind fit_target_summary_kind(const fit_target *t, size_t i);
/* The scenario's episodes of kind "ceasefire" as a timeline for truce_episodes_run, and their
 * ids (*ids: *nids strings, each and the array freed by the caller). NULL with *nids 0 when
 * there is none (err untouched); NULL with err set on failure. */
truce_timeline *fit_ceasefire_timeline(const truce_scenario *s, char ***ids, size_t *nids,
                                       truce_error *err);

#endif
