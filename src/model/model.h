/* model — the daily step of the insurgency model (mechanisms M1–M13 of MODEL.md).
 *
 * State is kept in arrays per field (one entry per region), small enough to stay in
 * cache. Stocks of people are whole numbers in a stochastic run (held in doubles so that
 * the mean-field run, which replaces every random draw by its expectation, shares the
 * same code); they never go negative.
 */
#ifndef TRUCE_MODEL_H
#define TRUCE_MODEL_H

#include <stdint.h>

#include "scenario.h"

/* One purpose code per kind of random decision (the low 16 bits of the RNG counter's
 * third word; see rng.h). Append new codes at the end: never renumber. */
enum rng_purpose {
    PUR_RECRUIT = 1,
    PUR_TRAIN,
    PUR_PROMOTE,
    PUR_DESERT_RECRUITS,
    PUR_DESERT_FIGHTERS,
    PUR_OPS_RECRUITS,
    PUR_OPS_FIGHTERS,
    PUR_OPS_COMMANDERS,
    PUR_OPS_CAPTURE,
    PUR_OPS_SECURITY_LOSS,
    PUR_OPS_COLLATERAL,
    PUR_OPS_DISPLACE,
    PUR_FLIGHT_FIGHTERS,
    PUR_FLIGHT_COMMANDERS,
    PUR_RETURN_FIGHTERS,
    PUR_RETURN_COMMANDERS,
    PUR_RETURN_SPLIT_FIGHTERS,
    PUR_STRIKE_FIGHTERS,
    PUR_STRIKE_COMMANDERS,
    PUR_CLASH,
    PUR_CLASH_SECURITY_LOSS,
    PUR_ATTACKS,
    PUR_LETHAL,
    PUR_TARGET,
    PUR_SEVERITY_SECURITY,
    PUR_SEVERITY_CIVILIAN,
    PUR_ATTACKER_DEATHS,
    PUR_RELEASE,
    PUR_RELEASE_SPLIT,
    PUR_REINTEGRATE_RECRUITS,
    PUR_REINTEGRATE_FIGHTERS,
    PUR_RECIDIVISM,
    PUR_BREAKDOWN,
    PUR_RETURN_SPLIT_COMMANDERS,
    PUR_FLIGHT_SPLIT_FIGHTERS,
    PUR_FLIGHT_SPLIT_COMMANDERS,
    PUR_DESERT_COMMANDERS,
    PUR_PRIOR,                 /* truce_prior_draw: region field = parameter index */
    PUR_OBSERVE,               /* truce_observe: region and high day bits = the series' hash */
    PUR_POSTERIOR,             /* which posterior particle run i uses (param_rows_draw) */
    PUR_RECRUIT_SPLIT,         /* a region's recruits split among several organisations */
};

/* The values a model has recorded so far (owned by m; valid until m is advanced, finished
 * or freed): every recorded period that ends before truce_model_next_day(m) holds the
 * values a run over the whole horizon records, since no later day writes into it. Its
 * flow totals and draw count are not set (truce_model_finish sets them). */
const struct truce_result *model_recorded(const truce_model *m);

/* truce_model_new without the per-organisation records of a run of several organisations
 * (truce_result_organisation gives NULL for its result): the same values over every
 * organisation, for less work, for a caller that reads only those (the fit's simulations). */
truce_model *model_new_totals(const truce_scenario *sc, const truce_run_options *opt, truce_error *err);

/* Whether the model makes each day's first random-number blocks ahead in one batch (the
 * draw cache, src/model/model.c): on by default where the processor has AVX-512, where it
 * is faster. The numbers are the same either way (tests turn it on and off). */
void model_use_draw_cache(truce_model *m, int on);

/* Replace the parameter vector in force from the next day on (truce_param_count() values,
 * checked as truce_params_check): the days already simulated keep what they were run with.
 * Later switches keep these values (as a run given opt->params). For the bank of histories
 * (src/assess/bank.c): a policy that changes a parameter from a date on. */
int model_set_params(truce_model *m, const double *values, truce_error *err);

#endif
