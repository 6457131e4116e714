/* params — see params.def, the one table everything about parameters comes from. */
#include "params.h"

#include <math.h>
#include <string.h>

const truce_param_info param_table[PARAM_COUNT] = {
#define PARAM(pname, pmech, pdef, pprior, pa, pb, plo, phi, punit, pdesc, psrc)               \
    {.name = #pname, .mechanism = pmech, .value = pdef, .prior = TRUCE_PRIOR_##pprior,        \
     .a = pa, .b = pb, .lo = plo, .hi = phi, .unit = punit, .description = pdesc, .source = psrc},
#include "params.def"
#undef PARAM
};

void params_defaults(double values[PARAM_COUNT])
{
    for (size_t i = 0; i < PARAM_COUNT; i++) values[i] = param_table[i].value;
}

int params_check(param_id id, double value)
{
    return isfinite(value) && value >= param_table[id].lo && value <= param_table[id].hi;
}

size_t truce_param_count(void) { return PARAM_COUNT; }

const truce_param_info *truce_param_at(size_t i)
{
    return i < PARAM_COUNT ? &param_table[i] : NULL;
}

long truce_param_find(const char *name)
{
    for (size_t i = 0; i < PARAM_COUNT; i++)
        if (strcmp(param_table[i].name, name) == 0) return (long)i;
    return -1;
}

const char *truce_prior_name(truce_prior_kind kind)
{
    switch (kind) {
    case TRUCE_PRIOR_UNIFORM: return "uniform";
    case TRUCE_PRIOR_NORMAL: return "normal";
    case TRUCE_PRIOR_LOGNORMAL: return "lognormal";
    case TRUCE_PRIOR_FIXED: return "fixed";
    }
    return "?";
}
