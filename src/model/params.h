/* params — the parameter table (params.def) as an enum and an array. */
#ifndef TRUCE_PARAMS_H
#define TRUCE_PARAMS_H

#include "truce.h"

typedef enum param_id {
#define PARAM(name, mech, def, prior, a, b, lo, hi, unit, desc, src) P_##name,
#include "params.def"
#undef PARAM
    PARAM_COUNT
} param_id;

extern const truce_param_info param_table[PARAM_COUNT];

/* Fill values[] with every default. */
void params_defaults(double values[PARAM_COUNT]);
/* Check a value against the parameter's bounds (finite and within [lo, hi]). */
int params_check(param_id id, double value);

#endif
