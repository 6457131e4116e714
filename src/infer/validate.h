/* validate — what `truce validate ppc|forecast|sbc` share (docs/validate.md): a posterior
 * file, particles drawn by weight, the rows a simulation reports, runs spread over threads. */
#ifndef TRUCE_VALIDATE_H
#define TRUCE_VALIDATE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "truce.h"

/* Purpose codes of the validation's own random draws (the purpose field of the RNG counter,
 * src/base/rng.h). The model's codes (enum rng_purpose, model.h) count up from 1; these sit
 * far above them so that neither list can run into the other. */
enum {
    PUR_VALIDATE_PICK = 0xf101,   /* which posterior particle a draw uses */
    PUR_VALIDATE_RANK = 0xf103    /* SBC: resampling the posterior for a rank */
};

/* A posterior.csv: full parameter vectors (the scenario's values with the file's columns
 * replaced) and their weights (1 without a weight column). */
typedef struct vposterior {
    size_t n, P;
    double *rows;        /* [n][P] */
    double *w;           /* [n], normalised to add up to 1 */
    double *cum;         /* [n] cumulative weights */
    char name[256], hash[17];
    size_t ncols;        /* parameters whose values differ from the scenario's in some row */
} vposterior;
int vposterior_load(const char *path, const truce_scenario *s, vposterior *p, truce_error *err);
/* From weights and full vectors in memory (copied). */
int vposterior_set(vposterior *p, size_t n, size_t P, const double *rows, const double *w,
                   truce_error *err);
void vposterior_free(vposterior *p);
/* The particle draw `draw` uses: by weight, from (seed, draw) alone. */
size_t vposterior_pick(const vposterior *p, uint64_t seed, uint64_t draw, uint32_t purpose);

/* The rows of `data` a run can report: a reporting model, a whole calendar month, quarter or
 * year inside the horizon and at or before `last` (INT32_MAX: no bound). A new table, in
 * data order; *record gets what a run must record for them (monthly). */
truce_reported *validate_rows(const truce_scenario *s, const truce_reported *data, int32_t last,
                              truce_record *record, truce_error *err);

/* truce_validate_check_out for "forecast" and "sbc". */
int validate_check_other(const char *what, const char *dir, truce_error *err);

int validate_forecast_check(const char *dir, truce_error *err);
int validate_sbc_check(const char *dir, truce_error *err);

/* "source:metric:geography" into out. */
void validate_series_name(const char *source, const char *metric, const char *geography,
                          char *out, size_t cap);

/* The opening lines every validation's JSON shares: {, truce_version, command (when
 * prov has one), scenario and scenario_hash. */
void validate_json_head(FILE *f, const truce_provenance *prov, const truce_scenario *s);
/* A series name as one quoted CSV field (names hold commas and spaces). */
void validate_csv_name(FILE *f, const char *name);

#endif
