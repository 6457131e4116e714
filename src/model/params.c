/* params — see params.def, the one table everything about parameters comes from. */
#include "params.h"

#include <math.h>
#include <string.h>

#include "model.h"
#include "rng.h"
#include "stats.h"

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

/* ---- parameter vectors ---------------------------------------------------------------- */

void truce_params_default(double *values) { params_defaults(values); }

int truce_params_check(const double *values, truce_error *err)
{
    for (size_t i = 0; i < PARAM_COUNT; i++)
        if (!params_check((param_id)i, values[i])) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, param_table[i].name,
                            "%.17g is outside [%.17g, %.17g]", values[i], param_table[i].lo,
                            param_table[i].hi);
            return -1;
        }
    return 0;
}

static double normal_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

static double clamp_to(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Inverse-CDF sampling of the prior truncated to [lo, hi]: u is mapped into the CDF's range
 * over the bounds, so every u in (0, 1) gives a value inside them. */
double truce_prior_quantile(size_t i, double u)
{
    if (i >= PARAM_COUNT) return NAN;
    const truce_param_info *p = &param_table[i];
    if (!(u > 0.0)) u = 0x1.0p-53;
    if (!(u < 1.0)) u = 1.0 - 0x1.0p-53;
    switch (p->prior) {
    case TRUCE_PRIOR_UNIFORM: return clamp_to(p->a + u * (p->b - p->a), p->lo, p->hi);
    case TRUCE_PRIOR_NORMAL: {
        double c0 = normal_cdf((p->lo - p->a) / p->b), c1 = normal_cdf((p->hi - p->a) / p->b);
        return clamp_to(p->a + p->b * st_normal_quantile(c0 + u * (c1 - c0)), p->lo, p->hi);
    }
    case TRUCE_PRIOR_LOGNORMAL: {
        double c0 = p->lo > 0.0 ? normal_cdf((log(p->lo) - p->a) / p->b) : 0.0;
        double c1 = normal_cdf((log(p->hi) - p->a) / p->b);
        return clamp_to(exp(p->a + p->b * st_normal_quantile(c0 + u * (c1 - c0))), p->lo, p->hi);
    }
    case TRUCE_PRIOR_FIXED: return p->value;
    }
    return p->value;
}

void truce_prior_draw(uint64_t seed, uint64_t index, double *values)
{
    for (size_t i = 0; i < PARAM_COUNT; i++) {
        rng_stream s;
        rng_open(&s, seed, (uint32_t)(index & 0xffffffffu), (uint32_t)i, (uint32_t)(index >> 32), PUR_PRIOR);
        values[i] = truce_prior_quantile(i, rng_uniform(&s));
    }
}

void truce_params_hash(const double *values, char out[17])
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < PARAM_COUNT; i++) {
        double v = values[i] == 0.0 ? 0.0 : values[i];  /* -0 and 0 hash alike */
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        for (int b = 0; b < 8; b++) h = (h ^ ((bits >> (8 * b)) & 0xffu)) * 1099511628211ull;
    }
    static const char hex[] = "0123456789abcdef";
    for (int k = 0; k < 16; k++) out[k] = hex[(h >> (60 - 4 * k)) & 0xfu];
    out[16] = '\0';
}
