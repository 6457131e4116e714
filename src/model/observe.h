/* observe — internal helpers of the observation models (truce_observe is public). */
#ifndef TRUCE_OBSERVE_H
#define TRUCE_OBSERVE_H

#include <stdint.h>
#include "truce.h"

/* Whether truce_observe has a reporting model for (source, metric, geography) in scenario s:
 * a source with obs_rate_/obs_dispersion_ parameters, a metric the model makes and a
 * geography of the scenario's `observations` table. Returns the number of model variables the
 * metric sums (1..8; their ids go to vars, and the geography's region mask to regions, when
 * not NULL), or 0 when there is none. */
int observe_model_of(const truce_scenario *s, const char *source, const char *metric,
                     const char *place, truce_variable vars[8], uint64_t *regions);

#endif
