/* model — the daily step. Each mechanism of MODEL.md is one function below, named for
 * what it does, with its formula in the comment; docs/model.md explains them and
 * docs/parameters.md (generated from src/params.def) gives every parameter's source.
 *
 * Order within a day: levers from the timeline (M9 breakdown, M12, M13 events) →
 * recruitment (M1) → training and promotion (M2) → operations (M5) → sanctuary movement
 * (M7) → cross-border strikes and clashes (M8) → attacks (M4, with M9 compliance and M10
 * season) → finance (M3) → grievance, support and intelligence (M6) → development and
 * reintegration (M11) → record.
 *
 * Randomness: every draw comes from the stream (seed, run, region, day, purpose); with
 * mean_field set, every draw is replaced by its expectation (see draw_* below), so the
 * mean-field trajectory is the same code with the noise taken out.
 */
#include "model.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "result.h"
#include "rng.h"

#define MAXR SCENARIO_MAX_REGIONS
#define MAXO SCENARIO_MAX_ORGS
#define PI 3.14159265358979323846

/* Levers in force on one day for one organisation, per region, after reading the timeline.
 * The levers on the shared state (development, coherence, border clashes) are read into
 * the first organisation's (see lever_scopes in scenario.c). */
typedef struct day_levers {
    double ops[MAXR];           /* operations intensity from named operations */
    double focus_weight[MAXR];  /* sum of intensity x focus (intelligence-led share) */
    double ceasefire[MAXR];     /* ceasefire weight 0..1 (breakdown survival in mean field) */
    double compliance[MAXR];
    double announce[MAXR];      /* announcement-spike weight */
    double strike[MAXR];
    double clash[MAXR];
    double development[MAXR];
    double reintegration[MAXR];
    double release_share[MAXR]; /* share of prisoners released into the region today */
    double release_count[MAXR]; /* fixed number released into the region today */
    double rebound[MAXR];       /* ceasefire weight that ended today */
    double talks;               /* organisation-wide: talks under way (0..1) */
    double ceasefire_any;       /* the largest regional ceasefire weight */
    double disruption, host_pressure, chorus, coherence;
    double patronage_jump, legitimacy_jump;
} day_levers;

/* One organisation's state, its parameters and today's levers and flows (docs/model.md,
 * "Several organisations"). The mechanisms take one organisation at a time; what the
 * organisations share (grievance, support, intelligence, development) is in truce_model. */
typedef struct org_run {
    const double *p;             /* = pv: the parameters in force for this organisation */
    double pv[PARAM_COUNT];
    unsigned pur;                /* added to every purpose code of its draws: 0 for the first
                                    organisation (its draws are those of a one-organisation
                                    run), k << 8 for organisation k */
    uint64_t regions, sanctuaries; /* scenario.h: organisation */
    /* stocks per region */
    double recruits[MAXR], fighters[MAXR], commanders[MAXR], reintegrated[MAXR];
    double excitation[MAXR];     /* self-exciting part of the attack hazard (M4) */
    /* organisation-wide stocks */
    double funds, legitimacy, patronage, prisoners;
    /* today's flows per region, by this organisation or against it */
    double attacks[MAXR], deaths_sec[MAXR], deaths_civ[MAXR], deaths_mil[MAXR];
    double new_recruits[MAXR], mil_in_attacks[MAXR], mil_in_operations[MAXR];
    double ops_intensity[MAXR];  /* effective operations intensity against it */
    double severity_mean;        /* E[deaths per lethal attack], for the mean-field run */
    double excitation_decay;     /* exp(-1 / excitation_days), M4 */
    day_levers lv;
} org_run;

/* The first Philox blocks of today's draws, made in one batch (rng_first_blocks: sixteen
 * at a time with AVX-512) at the start of the day. A day opens nearly the same streams as the
 * day before (each region's desertions, training, attacks, ...), so the batch is the
 * streams yesterday opened, and a draw finds its stream in the batch through a hash table
 * of their places. Found, it takes the made block (rng_open_made); not found (a stream new
 * today, or one whose table entry another stream took), it makes its own
 * (rng_open_first). The same numbers either way: only the work differs. Used only where
 * the processor has AVX-512: made eight at a time with AVX2, or one at a time, the blocks
 * cost as much as the draws' own and the bookkeeping comes on top (bench/fit_ab.sh on this
 * project's machine: 30.7 and about 36 ms a run against 30.4 without, 28.4 with AVX-512). */
#define DRAW_BATCH_MAX 1024   /* streams in a day's batch; a day's later draws make their own */
#define DRAW_TABLE_BITS 11    /* 2048 entries: a day's ~100-200 streams rarely share one */
typedef struct draw_cache {
    size_t nmade;              /* streams in today's batch */
    size_t nopened;            /* streams opened today (tomorrow's batch) */
    uint16_t place[1u << DRAW_TABLE_BITS]; /* by hash of the stream: its place in the batch */
    uint32_t made[DRAW_BATCH_MAX];         /* today's batch (where << 16 | purpose, as rng_open) */
    uint32_t opened[DRAW_BATCH_MAX];       /* today's streams, in order */
    uint32_t block[DRAW_BATCH_MAX][4];     /* the first block of each of today's batch */
} draw_cache;

/* The table entry of stream key (Fibonacci hashing: the top bits of key x 2^32 / phi). */
static inline size_t draw_hash(uint32_t key) { return (uint32_t)(key * 2654435769u) >> (32 - DRAW_TABLE_BITS); }

struct truce_model {
    const truce_scenario *sc;
    draw_cache *cache;           /* NULL: every draw makes its own block (a snapshot's start) */
    const double *p;             /* = pv: the parameters in force (the first organisation's) */
    double pv[PARAM_COUNT];
    size_t norgs;
    org_run org[MAXO];
    int own_params;              /* opt->params was given: a switch keeps them */
    uint64_t seed;
    uint32_t run;
    int mean_field;
    uint32_t day;                /* index from the scenario start */
    int32_t date;
    size_t next;                 /* index of the first day not yet simulated */
    size_t ndays;
    size_t period;               /* recorded period of the current day */
    struct truce_result *res;    /* what is recorded */
    size_t R;
    /* shared stocks per region */
    double grievance[MAXR], support[MAXR], intelligence[MAXR];
    double development[MAXR], development_lagged[MAXR];
    /* per-episode state */
    double *alive;               /* ceasefire survival weight (1 until breakdown) */
    /* today's flows per region, over every organisation */
    double collateral[MAXR], defectors[MAXR];
    double flows[TRUCE_FLOW_COUNT];
    uint64_t draws;
    int32_t *burst_end;          /* per episode: last day its start date covers */
    /* The episodes read_levers must look at, by stretch of days (episode_index): stretch k
     * covers days seg_first[k] .. seg_first[k+1] - 1 and lists, in episode order, the
     * episodes with a lever whose window [min(start, end + 1), end + 1] (in force, or
     * the day after its end, when a ceasefire rebounds) covers it. One allocation. */
    size_t nseg, seg;            /* stretches; the stretch of the last day read */
    size_t nseg_idx;
    int64_t *seg_first;          /* [nseg], then seg_off [nseg + 1] into seg_idx [nseg_idx] */
    uint32_t *seg_off, *seg_idx;
    /* today's conditions, computed once a day after the levers (M5, M10) */
    double season_cos;           /* cos(2 pi (day of year - peak) / 365.25) */
    double mobility[MAXR];       /* seasonal mobility multiplier */
    /* recording (recording_tables): each recorded column's total rule and kind, and the
     * lists of all columns and of the flows alone */
    uint8_t col_total[TRUCE_VAR_COUNT], col_flow[TRUCE_VAR_COUNT];
    uint8_t col_all[TRUCE_VAR_COUNT], col_flows[TRUCE_VAR_COUNT];
    ptrdiff_t col_arr[TRUCE_VAR_COUNT]; /* org_array_of each column's variable */
    size_t ncol_all, ncol_flow;
};
typedef struct truce_model model_run;

/* ---- draws: random, or their expectation in the mean-field run ------------------------ */

/* Beyond this many events or trials a draw's relative noise is below 1e-6: the rounded
 * expectation is used, which also keeps every conversion to an integer defined. Only
 * absurd parameter values get there; the default scenario's largest counts are ~1e5. */
#define DRAW_EXACT_LIMIT 1e12
/* Above this many lethal attacks in one region and day, their deaths are the rounded
 * expected total rather than a sum of that many power-law draws (keeps runs bounded). */
#define SEVERITY_EXACT_LIMIT 1e4

/* Open today's stream (where, purpose) with its first block made: from today's batch when
 * it is there, else here. Either way the stream goes on tomorrow's batch. An entry of the
 * table may be stale (set on an earlier day) or another stream's: the batch's own key at
 * that place decides, and a block found there is that stream's block for today. */
static inline __attribute__((always_inline)) void draw_open(model_run *m, rng_stream *s, size_t where,
                                                            unsigned purpose)
{
    draw_cache *c = m->cache;
    if (c) {
        const uint32_t key = (uint32_t)where << 16 | (purpose & 0xffffu);
        if (c->nopened < DRAW_BATCH_MAX) c->opened[c->nopened++] = key;
        const size_t j = c->place[draw_hash(key)];
        if (j < c->nmade && c->made[j] == key) {
            rng_open_made(s, m->seed, m->run, (uint32_t)where, m->day, purpose, c->block[j]);
            return;
        }
    }
    rng_open_first(s, m->seed, m->run, (uint32_t)where, m->day, purpose);
}

/* At the start of a day: today's batch is yesterday's streams. */
static void draw_cache_prepare(model_run *m)
{
    draw_cache *c = m->cache;
    if (!c) return;
    memcpy(c->made, c->opened, c->nopened * sizeof *c->made);
    c->nmade = c->nopened;
    c->nopened = 0;
    for (size_t j = 0; j < c->nmade; j++) c->place[draw_hash(c->made[j])] = (uint16_t)j;
    rng_first_blocks(m->seed, m->run, m->day, c->made, c->nmade, c->block);
}

static double draw_poisson(model_run *m, size_t where, unsigned purpose, double mean)
{
    if (!(mean > 0.0)) return 0.0;
    if (m->mean_field) return mean;
    if (mean > DRAW_EXACT_LIMIT) return floor(mean + 0.5);
    rng_stream s;
    draw_open(m, &s, where, purpose);
    double x = (double)rng_poisson(&s, mean);
    m->draws += s.words;
    return x;
}

/* Binomial(n, p); n is a whole number in a stochastic run. */
static double draw_binomial(model_run *m, size_t where, unsigned purpose, double n, double p)
{
    if (!(n > 0.0) || !(p > 0.0)) return 0.0;
    if (p > 1.0) p = 1.0;
    if (m->mean_field) return n * p;
    if (n > DRAW_EXACT_LIMIT) return floor(n * p + 0.5);
    rng_stream s;
    draw_open(m, &s, where, purpose);
    double x = (double)rng_binomial(&s, (uint64_t)n, p);
    m->draws += s.words;
    return x;
}

/* Sum of `count` severities from the truncated power law (M4). */
static double draw_severity_sum(model_run *m, const org_run *o, size_t where, unsigned purpose, double count)
{
    const double alpha = o->p[P_severity_exponent];
    const uint64_t cap = (uint64_t)o->p[P_severity_cap];
    if (!(count > 0.0)) return 0.0;
    if (m->mean_field) return count * o->severity_mean;
    if (count > SEVERITY_EXACT_LIMIT) return floor(count * o->severity_mean + 0.5);
    rng_stream s;
    draw_open(m, &s, where, purpose);
    double sum = 0.0;
    for (uint64_t i = 0; i < (uint64_t)count; i++) sum += (double)rng_powerlaw(&s, alpha, cap);
    m->draws += s.words;
    return sum;
}

static double clamp01(double x) { return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x; }
static double nonneg(double x) { return x > 0.0 ? x : 0.0; }

static int is_state(const model_run *m, size_t r) { return !m->sc->regions[r].sanctuary; }

/* Funding level in [0, 1): funds / (funds + funds_half) (M3). */
static double funding_level(const org_run *o)
{
    return o->funds / (o->funds + o->p[P_funds_half]);
}

/* Recruits, fighters and commanders of one organisation in region r. */
static double org_militants(const org_run *o, size_t r)
{
    return o->recruits[r] + o->fighters[r] + o->commanders[r];
}

/* ... and of every organisation (the first's value alone when there is one). */
static double all_militants(const model_run *m, size_t r)
{
    double n = org_militants(&m->org[0], r);
    for (size_t k = 1; k < m->norgs; k++) n += org_militants(&m->org[k], r);
    return n;
}

/* Deprivation after development (M11): deprivation x (1 - effect x lagged development). */
static double effective_deprivation(const model_run *m, size_t r)
{
    return clamp01(m->sc->regions[r].deprivation *
                   (1.0 - m->p[P_development_effect] * m->development_lagged[r]));
}

/* Seasonal mobility multiplier (M10): 1 + a x mountain x cos(2 pi (doy - peak) / 365.25). */
static double season_mobility(const model_run *m, size_t r) { return m->mobility[r]; }

/* Seasonal effectiveness of operations (M10): largest change in mid-winter. */
static double season_operations(const model_run *m, size_t r)
{
    return nonneg(1.0 - m->p[P_season_ops_winter] * m->sc->regions[r].mountain_share * m->season_cos);
}

/* ---- levers from the timeline (M9 breakdown, M12, M13) ------------------------------- */

/* Last day covered by an episode's start date at its precision: an instantaneous event
 * dated only to a month or a year is spread evenly over the days that date covers. */
static int32_t start_interval_end(const episode *e)
{
    int y, mo, d;
    cal_civil_from_days(e->start, &y, &mo, &d);
    switch (e->start_precision) {
    case TRUCE_PRECISION_DAY: return e->start;
    case TRUCE_PRECISION_MONTH: return cal_days_from_civil(y, mo, cal_days_in_month(y, mo));
    case TRUCE_PRECISION_YEAR: return cal_days_from_civil(y, 12, 31);
    }
    return e->start;
}

/* A stream index for an episode's own random decisions: FNV-1a of its id, folded into
 * the 16-bit region field of the counter (see rng.h). */
static size_t episode_stream(const episode *e)
{
    uint32_t h = 2166136261u;
    for (const char *c = e->id; *c; c++) h = (h ^ (uint8_t)*c) * 16777619u;
    return (size_t)((h ^ (h >> 16)) & 0xffffu);
}

static int is_ceasefire(lever_kind k) { return k == LEVER_CEASEFIRE || k == LEVER_PEACE_DEAL; }

/* The window of days on which read_levers must look at an episode: in force, and the day
 * after its end (a ceasefire's rebound). Empty for episodes with no lever. */
static int has_window(const episode *e) { return e->lever != LEVER_NONE; }
static int64_t window_first(const episode *e)
{
    return e->start < (int64_t)e->end + 1 ? e->start : (int64_t)e->end + 1;
}
static int64_t window_last(const episode *e) { return (int64_t)e->end + 1; }
static int in_window(const episode *e, int64_t day)
{
    return has_window(e) && window_first(e) <= day && day <= window_last(e);
}

static size_t seg_bytes(size_t nseg, size_t nidx)
{
    return nseg * sizeof(int64_t) + (nseg + 1 + nidx) * sizeof(uint32_t);
}

static void seg_pointers(model_run *m, void *mem)
{
    m->seg_first = mem;
    m->seg_off = (uint32_t *)(m->seg_first + m->nseg);
    m->seg_idx = m->seg_off + m->nseg + 1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Build the stretches of days over which the episodes to look at stay the same (see
 * seg_first in struct truce_model): each day then touches only the episodes that can act
 * on it, in the same order as a scan of them all, so the sums come out the same. */
static int episode_index(model_run *m, const truce_scenario *sc)
{
    const size_t n = sc->nepisodes;
    int64_t *bp = malloc((2 * n + 1) * sizeof *bp);
    if (!bp) return -1;
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        const episode *e = &sc->episodes[i];
        if (!has_window(e)) continue;
        bp[nb++] = window_first(e);
        bp[nb++] = window_last(e) + 1;
    }
    qsort(bp, nb, sizeof *bp, cmp_i64);
    size_t nseg = 0;
    for (size_t k = 0; k < nb; k++)
        if (nseg == 0 || bp[k] != bp[nseg - 1]) bp[nseg++] = bp[k];
    size_t nidx = 0;
    for (size_t k = 0; k < nseg; k++)
        for (size_t i = 0; i < n; i++) nidx += (size_t)in_window(&sc->episodes[i], bp[k]);
    void *mem = malloc(seg_bytes(nseg, nidx));
    if (!mem) {
        free(bp);
        return -1;
    }
    free(m->seg_first);
    m->nseg = nseg;
    m->nseg_idx = nidx;
    m->seg = 0;
    seg_pointers(m, mem);
    size_t at = 0;
    for (size_t k = 0; k < nseg; k++) {
        m->seg_first[k] = bp[k];
        m->seg_off[k] = (uint32_t)at;
        for (size_t i = 0; i < n; i++)
            if (in_window(&sc->episodes[i], bp[k])) m->seg_idx[at++] = (uint32_t)i;
    }
    m->seg_off[nseg] = (uint32_t)at;
    free(bp);
    return 0;
}

/* The episodes to look at today: seg_idx[*from .. *to). Day by day this is the current
 * stretch or the next; after a jump back (a restored snapshot) it searches from the start. */
static void active_episodes(model_run *m, int32_t today, uint32_t *from, uint32_t *to)
{
    *from = *to = 0;
    if (m->nseg == 0 || today < m->seg_first[0]) return;
    if (today < m->seg_first[m->seg]) m->seg = 0;
    while (m->seg + 1 < m->nseg && m->seg_first[m->seg + 1] <= today) m->seg++;
    *from = m->seg_off[m->seg];
    *to = m->seg_off[m->seg + 1];
}

/* A lever cell's value today: the number from the table, or the parameter it names
 * (`param:NAME`, issue 7) as it stands in this run (lever parameters are shared by the
 * organisations: the first's vector). */
static double lever_cell(const model_run *m, const episode *e, int cell, double number)
{
    return e->param_ref[cell] ? m->p[e->param_ref[cell] - 1] : number;
}

static void clear_levers(day_levers *lv, size_t R)
{
    /* only the R regions in use are read (arrays are MAXR wide) */
    for (size_t r = 0; r < R; r++) {
        lv->ops[r] = lv->focus_weight[r] = lv->ceasefire[r] = lv->compliance[r] = lv->announce[r] = 0.0;
        lv->strike[r] = lv->clash[r] = lv->development[r] = lv->reintegration[r] = 0.0;
        lv->release_share[r] = lv->release_count[r] = lv->rebound[r] = 0.0;
    }
    lv->talks = lv->ceasefire_any = lv->disruption = lv->host_pressure = lv->chorus = 0.0;
    lv->patronage_jump = lv->legitimacy_jump = 0.0;
    lv->coherence = -1.0;
}

/* Each episode acts on the organisations of its mask (e->orgs): its lever goes into each
 * one's day_levers; a ceasefire's breakdown is drawn once, for the episode. */
static void read_levers(model_run *m)
{
    const double *pm = m->p;
    for (size_t o = 0; o < m->norgs; o++) clear_levers(&m->org[o].lv, m->R);
    const int32_t today = m->date;
    uint32_t j, jend;
    active_episodes(m, today, &j, &jend);
    for (; j < jend; j++) {
        const size_t i = m->seg_idx[j];
        const episode *e = &m->sc->episodes[i];
        /* A ceasefire's rebound happens the day after it ends (recorded end or breakdown). */
        if (is_ceasefire(e->lever) && today == e->end + 1 && m->alive[i] > 0.0) {
            for (size_t o = 0; o < m->norgs; o++)
                if (e->orgs >> o & 1u)
                    for (size_t r = 0; r < m->R; r++)
                        if (e->regions >> r & 1u) m->org[o].lv.rebound[r] += m->alive[i];
        }
        if (today < e->start || today > e->end) continue;
        const int32_t burst_end = m->burst_end[i];
        const double burst_days = (double)(burst_end - e->start + 1);
        const int in_burst = today <= burst_end;

        if (is_ceasefire(e->lever) && e->open_end && m->alive[i] > 0.0) {
            /* M9 breakdown hazard, lowered by monitoring and enforcement. */
            double h = pm[P_breakdown_hazard] *
                       exp(-pm[P_monitoring_effect] * lever_cell(m, e, EP_MONITORING, e->monitoring));
            h = clamp01(h);
            double before = m->alive[i], broke;
            if (m->mean_field) {
                m->alive[i] = before * (1.0 - h);
                broke = before - m->alive[i];
            } else {
                /* keyed by the episode's id, not its position in the list, so that
                 * removing another episode leaves this draw unchanged */
                broke = draw_binomial(m, episode_stream(e), PUR_BREAKDOWN, 1.0, h);
                if (broke > 0.0) m->alive[i] = 0.0;
            }
            m->flows[TRUCE_FLOW_CEASEFIRE_BREAKDOWNS] += broke;
            for (size_t o = 0; o < m->norgs; o++)
                if (e->orgs >> o & 1u)
                    for (size_t r = 0; r < m->R; r++)
                        if (e->regions >> r & 1u) m->org[o].lv.rebound[r] += broke;
        }
        const double w = is_ceasefire(e->lever) ? m->alive[i] : 1.0;
        const double inten = lever_cell(m, e, EP_INTENSITY, e->intensity);
        const double releases = lever_cell(m, e, EP_RELEASES, e->releases);
        int nreg = 0;
        for (size_t r = 0; r < m->R; r++) nreg += (int)(e->regions >> r & 1u);
        for (size_t o = 0; o < m->norgs; o++) {
            if (!(e->orgs >> o & 1u)) continue;
            day_levers *lv = &m->org[o].lv;
            const double *p = m->org[o].p;
            double release_share = 0.0, release_count = 0.0;

            switch (e->lever) {
            case LEVER_PEACE_DEAL:
            case LEVER_TALKS:
                lv->talks = fmax(lv->talks, w);
                if (in_burst) {
                    if (releases > 0.0) release_count = releases / burst_days;
                    else release_share = 1.0 - pow(1.0 - p[P_release_share], 1.0 / burst_days);
                }
                if (e->lever == LEVER_TALKS) break;
                /* a deal is talks and a ceasefire together */
                /* fall through */
            case LEVER_CEASEFIRE:
                if (e->lever == LEVER_CEASEFIRE && in_burst && releases > 0.0)
                    release_count = releases / burst_days;
                for (size_t r = 0; r < m->R; r++) {
                    if (!(e->regions >> r & 1u)) continue;
                    double c = lever_cell(m, e, EP_COMPLIANCE, e->compliance);
                    if (isnan(c)) c = p[P_ceasefire_compliance];
                    if (w > lv->ceasefire[r]) {
                        lv->ceasefire[r] = w;
                        lv->compliance[r] = c;
                    }
                    if (today - e->start < (int32_t)p[P_announcement_days])
                        lv->announce[r] = fmax(lv->announce[r], w);
                    lv->ceasefire_any = fmax(lv->ceasefire_any, lv->ceasefire[r]);
                }
                break;
            case LEVER_OPERATION:
                for (size_t r = 0; r < m->R; r++) {
                    if (!(e->regions >> r & 1u)) continue;
                    double f = lever_cell(m, e, EP_FOCUS, e->focus);
                    if (isnan(f)) f = p[P_ops_focus];
                    lv->ops[r] += inten;
                    lv->focus_weight[r] += inten * f;
                }
                break;
            case LEVER_CROSS_BORDER_STRIKE:
                for (size_t r = 0; r < m->R; r++)
                    if (e->regions >> r & 1u) lv->strike[r] += inten;
                break;
            case LEVER_BORDER_CLASH:
                for (size_t r = 0; r < m->R; r++)
                    if (e->regions >> r & 1u) lv->clash[r] += inten;
                break;
            case LEVER_FINANCE_DISRUPTION: lv->disruption = fmax(lv->disruption, inten); break;
            case LEVER_HOST_PRESSURE: lv->host_pressure += inten; break;
            case LEVER_DEVELOPMENT:
                for (size_t r = 0; r < m->R; r++)
                    if (e->regions >> r & 1u) lv->development[r] += inten;
                break;
            case LEVER_REINTEGRATION:
                for (size_t r = 0; r < m->R; r++)
                    if (e->regions >> r & 1u) lv->reintegration[r] += inten;
                break;
            case LEVER_COHERENCE:
                lv->coherence = lv->coherence < 0.0 ? clamp01(inten) : fmin(lv->coherence, clamp01(inten));
                break;
            case LEVER_CHORUS: lv->chorus += inten; break;
            case LEVER_REGIME_CHANGE:
                if (in_burst)
                    lv->patronage_jump += (isnan(inten) ? p[P_regime_patronage] : inten) / burst_days;
                break;
            case LEVER_ORGANISATION:
                if (in_burst)
                    lv->legitimacy_jump +=
                        (isnan(inten) ? p[P_organisation_legitimacy] : inten) / burst_days;
                break;
            case LEVER_NONE:
            case LEVER_COUNT: break;
            }
            if ((release_share > 0.0 || release_count > 0.0) && nreg > 0)
                for (size_t r = 0; r < m->R; r++)
                    if (e->regions >> r & 1u) {
                        lv->release_share[r] += release_share / nreg;
                        lv->release_count[r] += release_count / nreg;
                    }
        }
    }
    for (size_t o = 0; o < m->norgs; o++)
        if (m->org[o].lv.coherence < 0.0) m->org[o].lv.coherence = m->org[o].p[P_coherence_default];
}

/* ---- M13 regime events, M9 legitimacy and prisoner releases -------------------------- */

static void organisation_events(model_run *m, org_run *o)
{
    const double *p = o->p;
    const day_levers *lv = &o->lv;
    /* M13: a regime change in the host country moves patronage; the militants uniting
     * moves legitimacy. M7: diplomatic pressure on the host lowers patronage. */
    o->patronage = clamp01(o->patronage + lv->patronage_jump -
                           p[P_host_pressure_effect] / 365.0 * lv->host_pressure * o->patronage);
    /* M9 and M12: legitimacy rises during talks and with the chorus for dialogue, decays. */
    double L = o->legitimacy + lv->legitimacy_jump;
    L += p[P_talks_legitimacy] * lv->talks * (1.0 - L) + p[P_chorus_legitimacy] * lv->chorus * (1.0 - L) -
         p[P_legitimacy_decay] * L;
    o->legitimacy = clamp01(L);
    /* M9: prisoner releases at the start of talks, deals and ceasefires: today's share
     * of the prisoners is drawn once, then split over the receiving regions by their
     * weights (sequential binomials). */
    const double held = o->prisoners;
    if (held <= 0.0) return;
    double weight[MAXR], share = 0.0;
    size_t last = 0;
    for (size_t r = 0; r < m->R; r++) {
        weight[r] = lv->release_share[r] + lv->release_count[r] / held;
        share += weight[r];
        if (weight[r] > 0.0) last = r;
    }
    if (share <= 0.0) return;
    double released = draw_binomial(m, 0, o->pur + PUR_RELEASE, held, fmin(share, 1.0));
    o->prisoners -= released;
    m->flows[TRUCE_FLOW_RELEASED] += released;
    double weight_left = share;
    for (size_t r = 0; r < m->R && released > 0.0; r++) {
        if (weight[r] <= 0.0) continue;
        double here = r == last ? released
                                : draw_binomial(m, r, o->pur + PUR_RELEASE_SPLIT, released, weight[r] / weight_left);
        weight_left -= weight[r];
        o->fighters[r] += here;
        released -= here;
    }
}

/* ---- M1 recruitment ------------------------------------------------------------------ */

/* New recruits in a region ~ Binomial(eligible, 1 - exp(-hazard)), with
 *   hazard   = recruit_base x exp(b_g grievance + b_d deprivation + b_L legitimacy + b_f funding)
 *              x (1 + coercion x density / (1 + saturation x density)),
 *   density  = militants per 1000 people in the region,
 *   eligible = (young men of the region not already militants there) x free share,
 *   free share = 1 - movement / youth pool.
 *
 * Who can be recruited (issue 11): the young men (population x youth share) of the regions
 * recruitment draws from, not already in the movement. The movement is everyone recruited
 * and neither dead nor gone home: the militants of every region, sanctuary included, the
 * prisoners and the reintegrated (the last two can come back as fighters).
 *
 * Saturation (issue 7): before, recruits were Poisson(pool x hazard) with an unbounded
 * contagion term 1 + coercion x density, truncated at the pool and at the room left in the
 * youth pool; about one prior standard deviation from the defaults the growth was
 * exponential until that truncation (the whole youth pool) stopped it, so the threshold
 * dominated any fit. Now the contagion term saturates (Capasso & Serio's saturating
 * incidence), a day's hazard becomes a probability 1 - exp(-hazard) of a binomial draw,
 * and the pool shrinks with the free share, so growth is logistic: the sum of the
 * eligible over the regions is at most youth pool - movement, the room left, and no draw
 * can exceed it. The truncation at min(pool, room) is kept only as a safety net (whole
 * people; it cannot bind by the argument above, up to rounding). */
static double movement_size(const model_run *m)
{
    double n = 0.0;
    for (size_t k = 0; k < m->norgs; k++) {
        const org_run *o = &m->org[k];
        n = k == 0 ? o->prisoners : n + o->prisoners;
        for (size_t r = 0; r < m->R; r++)
            n += o->recruits[r] + o->fighters[r] + o->commanders[r] + o->reintegrated[r];
    }
    return n;
}

static double youth_pool(const model_run *m)
{
    double y = 0.0;
    for (size_t r = 0; r < m->R; r++) {
        const region *g = &m->sc->regions[r];
        if (g->population > 0.0) y += g->population * g->youth_share;
    }
    return y;
}

/* Several organisations (docs/model.md): each has its own hazard in its own regions (its
 * legitimacy, funding and coercion: its own militants per 1000 people), and they compete
 * for the same young men. A region's recruits are drawn once, with the total hazard H = sum
 * of the hazards, Binomial(eligible, 1 - exp(-H)), and split among the organisations in
 * proportion to their hazards (sequential binomials; the first organisation alone draws
 * exactly as before). So the response stays smooth with several organisations: they
 * never together take more than the eligible pool, and the truncation is only the safety
 * net it was. */
static double recruit_hazard(const model_run *m, const org_run *o, size_t r)
{
    const region *g = &m->sc->regions[r];
    if (g->population <= 0.0 || !(o->regions >> r & 1u)) return 0.0;
    const double *p = o->p;
    double militants = o->recruits[r] + o->fighters[r] + o->commanders[r];
    double density = militants / g->population * 1000.0;
    double logit = p[P_recruit_grievance] * m->grievance[r] +
                   p[P_recruit_deprivation] * effective_deprivation(m, r) +
                   p[P_recruit_legitimacy] * o->legitimacy + p[P_recruit_funds] * funding_level(o);
    double coercion = p[P_recruit_coercion] * density / (1.0 + p[P_recruit_coercion_saturation] * density);
    return p[P_recruit_base] * exp(logit) * (1.0 + coercion);
}

static void recruitment(model_run *m)
{
    const size_t K = m->norgs;
    const double youth = youth_pool(m), movement = movement_size(m);
    double room = nonneg(youth - movement);
    const double free = youth > 0.0 ? room / youth : 0.0;
    for (size_t k = 0; k < K; k++)
        for (size_t r = 0; r < m->R; r++) m->org[k].new_recruits[r] = 0.0;
    for (size_t r = 0; r < m->R; r++) {
        const region *g = &m->sc->regions[r];
        if (g->population <= 0.0) continue;
        double h[MAXO], H = 0.0;
        size_t last = 0;
        for (size_t k = 0; k < K; k++) {
            h[k] = recruit_hazard(m, &m->org[k], r);
            H = k == 0 ? h[k] : H + h[k];
            if (h[k] > 0.0) last = k;
        }
        double pool = nonneg(g->population * g->youth_share - all_militants(m, r)) * free;
        if (!m->mean_field) pool = floor(pool);
        double n = draw_binomial(m, r, PUR_RECRUIT, pool, -expm1(-H));
        double most = fmin(pool, room);
        if (!m->mean_field) most = floor(most);
        if (n > most) n = most;
        room -= n;
        m->flows[TRUCE_FLOW_RECRUITED] += n;
        double left = n, H_left = H;
        for (size_t k = 0; k < K && left > 0.0; k++) {
            if (!(h[k] > 0.0)) continue;
            org_run *o = &m->org[k];
            double nk = k == last ? left : draw_binomial(m, r, o->pur + PUR_RECRUIT_SPLIT, left, h[k] / H_left);
            H_left -= h[k];
            left -= nk;
            o->recruits[r] += nk;
            o->new_recruits[r] = nk;
        }
    }
}

/* ---- M2 training, promotion, leadership replacement, desertion ----------------------- */

static double regroup_factor(const model_run *m, const org_run *o, size_t r)
{
    /* M9 regroup: during a ceasefire training, promotion and returns run x (1 + strength).
     * In the sanctuary the relevant ceasefire is any ceasefire in the state's regions. */
    double w = m->sc->regions[r].sanctuary ? o->lv.ceasefire_any : o->lv.ceasefire[r];
    return nonneg(1.0 + o->p[P_regroup_strength] * w);
}

static void training_and_promotion(model_run *m, org_run *o)
{
    const double *p = o->p;
    for (size_t r = 0; r < m->R; r++) {
        const double regroup = regroup_factor(m, o, r);
        const double where = m->sc->regions[r].sanctuary ? p[P_train_sanctuary_mult] : 1.0;
        double trained = draw_binomial(m, r, o->pur + PUR_TRAIN, o->recruits[r],
                                       p[P_train_rate] * where * regroup);
        o->recruits[r] -= trained;
        /* Promotion fills the commanders' ranks towards their target share, faster when
         * they fall short (leadership replacement after losses), smoothly:
         * p = promote_rate / (1 + exp(strength x (commanders / target - 1))),
         * half of promote_rate at the target; strength 0 switches the response off.
         * (A kinked rule such as max(0, shortfall) would make the mean-field run a biased
         * picture of the stochastic one where commanders hover around the target.) */
        double target = p[P_commander_target] * o->fighters[r];
        double ratio = target > 0.0 ? o->commanders[r] / target : 1.0;
        double promoted =
            o->fighters[r] > 0.0 /* (else 0 whatever the probability: exp only when needed) */
                ? draw_binomial(m, r, o->pur + PUR_PROMOTE, o->fighters[r],
                                p[P_promote_rate] / (1.0 + exp(p[P_replacement_strength] * (ratio - 1.0))) * regroup)
                : 0.0;
        o->fighters[r] += trained - promoted;
        o->commanders[r] += promoted;
        double left_r = draw_binomial(m, r, o->pur + PUR_DESERT_RECRUITS, o->recruits[r], p[P_desert_rate]);
        double left_f = draw_binomial(m, r, o->pur + PUR_DESERT_FIGHTERS, o->fighters[r], p[P_desert_rate]);
        double left_c = draw_binomial(m, r, o->pur + PUR_DESERT_COMMANDERS, o->commanders[r], p[P_desert_rate]);
        o->recruits[r] -= left_r;
        o->fighters[r] -= left_f;
        o->commanders[r] -= left_c;
        m->flows[TRUCE_FLOW_TRAINED] += trained;
        m->flows[TRUCE_FLOW_PROMOTED] += promoted;
        m->flows[TRUCE_FLOW_DESERTED] += left_r + left_f + left_c;
    }
}

/* ---- M5 operations ------------------------------------------------------------------- */

/* Effective intensity: (baseline + named operations) x (1 - pause x ceasefire)
 * x coherence (M12) x morale (M12) x winter effectiveness (M10). */
static double compute_operations_intensity(const model_run *m, const org_run *o, size_t r)
{
    const double *p = o->p;
    const day_levers *lv = &o->lv;
    if (!is_state(m, r)) return 0.0;
    double coherence = nonneg(1.0 - p[P_coherence_effect] * (1.0 - lv->coherence));
    double morale = nonneg(1.0 - p[P_chorus_morale] * lv->chorus);
    /* never negative: a scenario may lower operations below the baseline, not below zero */
    return nonneg((p[P_ops_baseline] + lv->ops[r]) * (1.0 - p[P_ceasefire_ops_pause] * lv->ceasefire[r]) *
                  coherence * morale * season_operations(m, r));
}

static double operations_intensity(const org_run *o, size_t r) { return o->ops_intensity[r]; }

/* Today's seasonal multipliers and operations intensities (they depend only on the date
 * and the levers, so they are computed once a day). */
static void daily_conditions(model_run *m)
{
    m->season_cos = cos(2.0 * PI * (cal_day_of_year(m->date) - m->p[P_season_peak_day]) / 365.25);
    for (size_t r = 0; r < m->R; r++) {
        m->mobility[r] =
            nonneg(1.0 + m->p[P_season_amplitude] * m->sc->regions[r].mountain_share * m->season_cos);
        for (size_t k = 0; k < m->norgs; k++)
            m->org[k].ops_intensity[r] = compute_operations_intensity(m, &m->org[k], r);
    }
}

/* The operations intensity the population of region r sees (M6 presence): against the
 * first organisation, moved towards the intensity against each other one by its share of
 * the region's militants, I_0 + sum_k n_k (I_k - I_0) / sum_k n_k, so that an organisation
 * absent from a region changes nothing there and the first's value is exact alone. */
static double presence_intensity(const model_run *m, size_t r)
{
    const double I0 = m->org[0].ops_intensity[r];
    if (m->norgs == 1) return I0;
    const double n = all_militants(m, r);
    if (!(n > 0.0)) return I0;
    double I = I0;
    for (size_t k = 1; k < m->norgs; k++)
        I += org_militants(&m->org[k], r) * (m->org[k].ops_intensity[r] - I0) / n;
    return I;
}

static double operations_focus(const org_run *o, size_t r)
{
    const double base = o->p[P_ops_baseline];
    double weight = base * o->p[P_ops_focus] + o->lv.focus_weight[r];
    double total = base + o->lv.ops[r];
    return total > 0.0 ? clamp01(weight / total) : o->p[P_ops_focus];
}

/* Removal hazard per militant: intelligence-led (kill_intel x intelligence x focus) plus
 * area (kill_area x (1 - focus)), times intensity; commanders are more exposed to the
 * intelligence-led part. A share of those removed is captured, the rest killed. Each
 * militant removed costs security-force lives; each killed brings collateral civilian
 * deaths, fewer in intelligence-led operations (Kress & Szechtman 2009). */
static void operations(model_run *m, org_run *o)
{
    const double *p = o->p;
    for (size_t r = 0; r < m->R; r++) {
        double I = operations_intensity(o, r);
        if (I <= 0.0) continue;
        double focus = operations_focus(o, r);
        double h_intel = p[P_ops_kill_intel] * m->intelligence[r] * focus * I;
        double h_area = p[P_ops_kill_area] * (1.0 - focus) * I;
        /* (a draw from an empty stock is 0 whatever its probability: exp only when needed) */
        double p_rank = o->recruits[r] > 0.0 || o->fighters[r] > 0.0 ? 1.0 - exp(-(h_intel + h_area)) : 0.0;
        double p_cmd = o->commanders[r] > 0.0 ? 1.0 - exp(-(h_intel * p[P_ops_commander_exposure] + h_area)) : 0.0;
        double out_r = draw_binomial(m, r, o->pur + PUR_OPS_RECRUITS, o->recruits[r], p_rank);
        double out_f = draw_binomial(m, r, o->pur + PUR_OPS_FIGHTERS, o->fighters[r], p_rank);
        double out_c = draw_binomial(m, r, o->pur + PUR_OPS_COMMANDERS, o->commanders[r], p_cmd);
        o->recruits[r] -= out_r;
        o->fighters[r] -= out_f;
        o->commanders[r] -= out_c;
        double removed = out_r + out_f + out_c;
        double captured = draw_binomial(m, r, o->pur + PUR_OPS_CAPTURE, removed, p[P_ops_capture_share]);
        double killed = removed - captured;
        o->prisoners += captured;
        m->defectors[r] += captured;
        double intel_share = (h_intel + h_area) > 0.0 ? h_intel / (h_intel + h_area) : 0.0;
        double sec = draw_poisson(m, r, o->pur + PUR_OPS_SECURITY_LOSS, p[P_ops_security_loss] * removed);
        double col = draw_poisson(m, r, o->pur + PUR_OPS_COLLATERAL,
                                  killed * (intel_share * p[P_ops_collateral_intel] +
                                            (1.0 - intel_share) * p[P_ops_collateral_area]));
        o->deaths_mil[r] += killed;
        o->mil_in_operations[r] += killed;
        o->deaths_sec[r] += sec;
        o->deaths_civ[r] += col;
        m->collateral[r] += col;
        m->flows[TRUCE_FLOW_KILLED_IN_OPERATIONS] += killed;
        m->flows[TRUCE_FLOW_CAPTURED] += captured;
        m->flows[TRUCE_FLOW_SECURITY_DEATHS_IN_OPERATIONS] += sec;
        m->flows[TRUCE_FLOW_COLLATERAL_DEATHS] += col;
    }
}

/* ---- M7 sanctuary ---------------------------------------------------------------------- */

/* Fighters and commanders in border regions leave for the sanctuary at
 * border x (flight + displacement x operations intensity) x season; those in the
 * sanctuary return at return x exp(b_H (patronage - 0.5)) x (1 + regroup) x season /
 * (1 + mean operations intensity in the border regions), spread over the border regions by
 * border weight / (1 + their operations intensity). */
static void sanctuary_movement(model_run *m, org_run *o)
{
    const double *p = o->p;
    double pull[MAXR], pull_total = 0.0, border_ops = 0.0, border_total = 0.0;
    for (size_t r = 0; r < m->R; r++) {
        pull[r] = 0.0;
        const region *g = &m->sc->regions[r];
        if (g->sanctuary || g->border <= 0.0 || !(o->regions >> r & 1u)) continue;
        double I = operations_intensity(o, r);
        border_ops += g->border * I;
        border_total += g->border;
        pull[r] = g->border / (1.0 + I);
        pull_total += pull[r];
    }
    size_t nsanct = 0;
    for (size_t s = 0; s < m->R; s++) nsanct += (size_t)(o->sanctuaries >> s & 1u);
    if (nsanct == 0 || pull_total <= 0.0) return;  /* nowhere to go, or nowhere to return to */

    /* flight into the sanctuary */
    double flight_f = 0.0, flight_c = 0.0;
    for (size_t r = 0; r < m->R; r++) {
        const region *g = &m->sc->regions[r];
        if (g->sanctuary || g->border <= 0.0 || !(o->regions >> r & 1u)) continue;
        double hazard = g->border *
                        (p[P_sanctuary_flight] + p[P_ops_displacement] * operations_intensity(o, r)) *
                        season_mobility(m, r);
        /* (a draw from an empty stock is 0 whatever its probability: exp only when needed) */
        double pf = o->fighters[r] > 0.0 || o->commanders[r] > 0.0 ? 1.0 - exp(-hazard) : 0.0;
        double f = draw_binomial(m, r, o->pur + PUR_FLIGHT_FIGHTERS, o->fighters[r], pf);
        double c = draw_binomial(m, r, o->pur + PUR_FLIGHT_COMMANDERS, o->commanders[r], pf);
        o->fighters[r] -= f;
        o->commanders[r] -= c;
        flight_f += f;
        flight_c += c;
    }
    m->flows[TRUCE_FLOW_MOVED_TO_SANCTUARY] += flight_f + flight_c;
    /* returns from each sanctuary region */
    double pressure = border_total > 0.0 ? border_ops / border_total : 0.0;
    double back_f = 0.0, back_c = 0.0;
    for (size_t s = 0; s < m->R; s++) {
        if (!(o->sanctuaries >> s & 1u)) continue;
        double hazard = p[P_sanctuary_return] *
                        exp(p[P_sanctuary_patronage_return] * (o->patronage - 0.5)) *
                        regroup_factor(m, o, s) * season_mobility(m, s) / (1.0 + pressure);
        double pr = 1.0 - exp(-hazard);
        double f = draw_binomial(m, s, o->pur + PUR_RETURN_FIGHTERS, o->fighters[s], pr);
        double c = draw_binomial(m, s, o->pur + PUR_RETURN_COMMANDERS, o->commanders[s], pr);
        o->fighters[s] -= f;
        o->commanders[s] -= c;
        back_f += f;
        back_c += c;
    }
    /* those who fled arrive in the sanctuary regions, split evenly (sequential binomials) */
    size_t k = nsanct;
    for (size_t s = 0; s < m->R; s++) {
        if (!(o->sanctuaries >> s & 1u)) continue;
        double share = 1.0 / (double)k--;
        double f = k == 0 ? flight_f : draw_binomial(m, s, o->pur + PUR_FLIGHT_SPLIT_FIGHTERS, flight_f, share);
        double c = k == 0 ? flight_c : draw_binomial(m, s, o->pur + PUR_FLIGHT_SPLIT_COMMANDERS, flight_c, share);
        o->fighters[s] += f;
        o->commanders[s] += c;
        flight_f -= f;
        flight_c -= c;
    }
    /* those returning arrive in the border regions by pull (sequential binomials) */
    m->flows[TRUCE_FLOW_RETURNED_FROM_SANCTUARY] += back_f + back_c;
    size_t last = 0;
    for (size_t r = 0; r < m->R; r++)
        if (pull[r] > 0.0) last = r;
    double left_pull = pull_total;
    for (size_t r = 0; r < m->R; r++) {
        if (pull[r] <= 0.0) continue;
        double share = pull[r] / left_pull;
        left_pull -= pull[r];
        double f = r == last ? back_f : draw_binomial(m, r, o->pur + PUR_RETURN_SPLIT_FIGHTERS, back_f, share);
        double c = r == last ? back_c : draw_binomial(m, r, o->pur + PUR_RETURN_SPLIT_COMMANDERS, back_c, share);
        o->fighters[r] += f;
        o->commanders[r] += c;
        back_f -= f;
        back_c -= c;
    }
}

/* ---- M8 cross-border strikes and border clashes -------------------------------------- */

/* Strikes act on the organisations their episode names (the first by default); clashes
 * with the host's forces belong to no organisation: their security-force deaths are
 * counted with the first organisation's (whose sanctuary the clashes are about). */
static void cross_border(model_run *m)
{
    const double *pm = m->p;
    for (size_t s = 0; s < m->R; s++) {
        if (!m->sc->regions[s].sanctuary) continue;
        double clash_days = m->org[0].lv.clash[s];
        for (size_t k = 0; k < m->norgs; k++) {
            org_run *o = &m->org[k];
            const double *p = o->p;
            double S = o->lv.strike[s];
            if (!(S > 0.0)) continue;
            double pk = 1.0 - exp(-p[P_strike_kill_share] * S);
            double f = draw_binomial(m, s, o->pur + PUR_STRIKE_FIGHTERS, o->fighters[s], pk);
            double c = draw_binomial(m, s, o->pur + PUR_STRIKE_COMMANDERS, o->commanders[s], pk);
            o->fighters[s] -= f;
            o->commanders[s] -= c;
            o->deaths_mil[s] += f + c;
            o->mil_in_operations[s] += f + c;
            m->flows[TRUCE_FLOW_KILLED_IN_STRIKES] += f + c;
            clash_days += draw_binomial(m, s, o->pur + PUR_CLASH, 1.0, clamp01(p[P_strike_clash_prob] * fmin(S, 1.0)));
            o->patronage = clamp01(o->patronage + p[P_strike_patronage] * S);
        }
        if (clash_days > 0.0) {
            double sec = draw_poisson(m, s, PUR_CLASH_SECURITY_LOSS, pm[P_clash_security_deaths] * clash_days);
            m->org[0].deaths_sec[s] += sec;
            m->flows[TRUCE_FLOW_BORDER_CLASHES] += clash_days;
            m->flows[TRUCE_FLOW_SECURITY_DEATHS_IN_CLASHES] += sec;
        }
    }
}

/* ---- M4 attacks ------------------------------------------------------------------------ */

/* Hazard in a state region:
 *   (attack_rate x (fighters + w_C commanders) x (1 - a_f + a_f funding) x season
 *    x (1 + spike x announcement) + excitation) x (1 - compliance x ceasefire).
 * Excitation is a discrete Hawkes term: each attack adds branching x (1 - d) to it, and
 * it decays by d = exp(-1 / excitation_days) a day, so one attack triggers `branching`
 * attacks in expectation, spread over about excitation_days (Lewis et al. 2012).
 * Severity: a share of attacks is lethal; deaths per lethal attack follow the truncated
 * power law (Bohorquez et al. 2009); the target is the security forces or civilians. */
static void attacks(model_run *m, org_run *o)
{
    const double *p = o->p;
    const double funding = funding_level(o);
    const double decay = o->excitation_decay;
    for (size_t r = 0; r < m->R; r++) {
        o->attacks[r] = 0.0;
        if (!is_state(m, r)) continue;
        const day_levers *lv = &o->lv;
        double base = p[P_attack_rate] *
                      (o->fighters[r] + p[P_attack_commander_weight] * o->commanders[r]) *
                      (1.0 - p[P_attack_funds] + p[P_attack_funds] * funding) * season_mobility(m, r) *
                      nonneg(1.0 + p[P_announcement_spike] * lv->announce[r]);
        /* M9 rebound: when a ceasefire ends, excitation jumps with the fighters present. */
        if (lv->rebound[r] > 0.0)
            o->excitation[r] += nonneg(p[P_breakdown_rebound] * lv->rebound[r] * o->fighters[r] / 1000.0);
        double open = nonneg(1.0 - lv->compliance[r] * lv->ceasefire[r]);
        double hazard = (base + o->excitation[r]) * open;
        double n = draw_poisson(m, r, o->pur + PUR_ATTACKS, hazard);
        o->attacks[r] = n;
        m->flows[TRUCE_FLOW_ATTACKS] += n;
        m->flows[TRUCE_FLOW_ATTACKS_TRIGGERED] += o->excitation[r] * open;
        m->flows[TRUCE_FLOW_ATTACKS_SUPPRESSED] += (base + o->excitation[r]) * (1.0 - open);
        o->excitation[r] = o->excitation[r] * decay + p[P_excitation_branching] * (1.0 - decay) * n;
        if (n <= 0.0) continue;
        double lethal = draw_binomial(m, r, o->pur + PUR_LETHAL, n, p[P_lethal_share]);
        double on_security = draw_binomial(m, r, o->pur + PUR_TARGET, lethal, p[P_target_security_share]);
        double sec = draw_severity_sum(m, o, r, o->pur + PUR_SEVERITY_SECURITY, on_security);
        double civ = draw_severity_sum(m, o, r, o->pur + PUR_SEVERITY_CIVILIAN, lethal - on_security);
        double attackers = draw_binomial(m, r, o->pur + PUR_ATTACKER_DEATHS, o->fighters[r],
                                         fmin(1.0, p[P_attacker_death_share] * n / fmax(o->fighters[r], 1.0)));
        o->fighters[r] -= attackers;
        o->deaths_sec[r] += sec;
        o->deaths_civ[r] += civ;
        o->deaths_mil[r] += attackers;
        o->mil_in_attacks[r] += attackers;
        m->flows[TRUCE_FLOW_KILLED_IN_ATTACKS] += attackers;
    }
}

/* ---- M3 finance -------------------------------------------------------------------------- */

/* Funds F move with income and spending (M3), for each organisation:
 *   income = illicit x militants in the state's regions x (1 - disruption_effect x
 *            disruption) + patron x patronage,
 *   demand = upkeep x all militants + attack_cost x attacks,
 *   dF/dt  = income - demand x F / (F + reserve).
 * Spending answers scarcity smoothly: the organisation pays in full when it is rich and
 * cuts back as its funds approach the reserve, so funds approach zero asymptotically and
 * the funding level moves continuously (issue 7). The day's step is implicit (backward
 * Euler): F' = F + income - demand x F' / (F' + reserve), the positive root of
 *   F'^2 + b F' - c = 0,  b = reserve + demand - (F + income),  c = reserve x (F + income),
 * which is positive for any reserve > 0 and any demand, however large. With reserve 0 it
 * is max(0, F + income - demand): the cliff of before issue 7, where funds were clipped at
 * zero, which made finance disruption a switch that drained the funds to the floor. */
static double funds_after(double funds, double income, double demand, double reserve)
{
    const double have = funds + income;
    const double b = reserve + demand - have, c = reserve * have;
    const double root = sqrt(b * b + 4.0 * c);
    /* the two forms of the same root, each free of cancellation on its side */
    return b > 0.0 ? 2.0 * c / (b + root) : (root - b) / 2.0;
}

static void finance(model_run *m, org_run *o)
{
    const double *p = o->p;
    double in_state = 0.0, all = 0.0, n_attacks = 0.0;
    for (size_t r = 0; r < m->R; r++) {
        double n = o->recruits[r] + o->fighters[r] + o->commanders[r];
        all += n;
        if (is_state(m, r)) in_state += n;
        n_attacks += o->attacks[r];
    }
    double gross = p[P_illicit_income] * in_state;
    double disrupted = gross * clamp01(p[P_disruption_effect] * o->lv.disruption);
    double patron = p[P_patron_income] * o->patronage;
    double demand = p[P_upkeep] * all + p[P_attack_cost] * n_attacks;
    double income = gross - disrupted + patron;
    double after = nonneg(funds_after(o->funds, income, demand, p[P_funds_reserve]));
    double spent = nonneg(o->funds + income - after);
    o->funds = after;
    m->flows[TRUCE_FLOW_FUNDS_ILLICIT] += gross - disrupted;
    m->flows[TRUCE_FLOW_FUNDS_DISRUPTED] += disrupted;
    m->flows[TRUCE_FLOW_FUNDS_PATRON] += patron;
    m->flows[TRUCE_FLOW_FUNDS_SPENT] += spent;
}

/* ---- M6 grievance, support and intelligence ----------------------------------------------- */

/* grievance' = g + relax (g_0 + g_d deprivation - g) + k_g collateral per 100k
 * support'   = s + relax (s_0 + s_dev development - s_g g - s)
 *                + k_a militant-killed civilians per 100k - k_c collateral per 100k
 * intel'     = q + rate (support x presence - q) + k_d defectors x S / (militants + S),
 *   presence = floor + (1 - floor) I / (1 + I) with I the operations intensity.
 * (g_0 grievance_base, g_d grievance_deprivation, s_0 support_base, s_dev
 * support_development, s_g support_grievance, floor intel_presence_floor, S
 * intel_defector_scale; before issue 7 these were the constants 0.2, 0.6, 0.5, 0.3, 0.3,
 * 0.3 and 1000, which are their defaults.) */
static void population_response(model_run *m)
{
    const double *p = m->p;
    for (size_t r = 0; r < m->R; r++) {
        const region *g = &m->sc->regions[r];
        if (g->sanctuary || g->population <= 0.0) continue;
        double per100k = 1e5 / g->population;
        double deaths_civ = m->org[0].deaths_civ[r];
        for (size_t k = 1; k < m->norgs; k++) deaths_civ += m->org[k].deaths_civ[r];
        double militant_civ = deaths_civ - m->collateral[r];
        double gr = m->grievance[r];
        gr += p[P_grievance_relax] *
                  (p[P_grievance_base] + p[P_grievance_deprivation] * effective_deprivation(m, r) - gr) +
              p[P_grievance_collateral] * m->collateral[r] * per100k;
        double su = m->support[r];
        su += p[P_support_relax] * (p[P_support_base] + p[P_support_development] * m->development[r] -
                                    p[P_support_grievance] * gr - su) +
              p[P_support_atrocity] * militant_civ * per100k -
              p[P_support_collateral] * m->collateral[r] * per100k;
        double I = presence_intensity(m, r);
        const double presence0 = p[P_intel_presence_floor];
        double presence = presence0 + (1.0 - presence0) * I / (1.0 + I);
        double militants = all_militants(m, r);
        double q = m->intelligence[r];
        q += p[P_intel_rate] * (clamp01(su) * presence - q) +
             p[P_intel_defectors] * m->defectors[r] * p[P_intel_defector_scale] /
                 (militants + p[P_intel_defector_scale]);
        m->grievance[r] = clamp01(gr);
        m->support[r] = clamp01(su);
        m->intelligence[r] = clamp01(q);
    }
}

/* ---- M11 development and reintegration -------------------------------------------------- */

static void development_and_reintegration(model_run *m)
{
    const double *p = m->p;
    const double coherence = nonneg(1.0 - p[P_coherence_effect] * (1.0 - m->org[0].lv.coherence));
    for (size_t r = 0; r < m->R; r++) {
        if (!is_state(m, r)) continue;
        /* Development stock grows towards 1 with spending (delivered less well when the
         * federal and provincial governments pull apart, M12), depreciates, and reaches
         * deprivation through a first-order lag. */
        double d = m->development[r];
        double delivered = p[P_development_rate] * m->org[0].lv.development[r] * coherence * (1.0 - d);
        d += delivered - p[P_development_decay] * d;
        m->development[r] = clamp01(d);
        m->development_lagged[r] += (m->development[r] - m->development_lagged[r]) / p[P_development_lag];
        m->flows[TRUCE_FLOW_DEVELOPMENT_DELIVERED] += delivered;
        /* Reintegration: recruits (and fighters at reintegration_fighter_share of their
         * rate, before issue 7 the constant 0.5) take up the programme; some of the
         * reintegrated return to fighting (Blattman & Annan 2016). Each organisation that
         * the programme names, with its own ex-militants. */
        for (size_t k = 0; k < m->norgs; k++) {
            org_run *o = &m->org[k];
            const double *po = o->p;
            double prog = o->lv.reintegration[r];
            double out_r = 0.0, out_f = 0.0;
            if (prog > 0.0) {
                out_r = draw_binomial(m, r, o->pur + PUR_REINTEGRATE_RECRUITS, o->recruits[r],
                                      po[P_reintegration_rate] * prog);
                out_f = draw_binomial(m, r, o->pur + PUR_REINTEGRATE_FIGHTERS, o->fighters[r],
                                      po[P_reintegration_fighter_share] * po[P_reintegration_rate] * prog);
            }
            double back = draw_binomial(m, r, o->pur + PUR_RECIDIVISM, o->reintegrated[r], po[P_recidivism_rate]);
            o->recruits[r] -= out_r;
            o->fighters[r] += back - out_f;
            o->reintegrated[r] += out_r + out_f - back;
            m->defectors[r] += out_r + out_f;
            m->flows[TRUCE_FLOW_REINTEGRATED] += out_r + out_f;
            m->flows[TRUCE_FLOW_RECIDIVATED] += back;
        }
    }
}

/* ---- the run ------------------------------------------------------------------------------- */

static void initial_state(model_run *m)
{
    const double *p = m->p;
    for (size_t r = 0; r < m->R; r++) {
        m->grievance[r] = p[P_init_grievance];
        m->support[r] = p[P_init_support];
        m->intelligence[r] = p[P_init_intelligence];
        m->development[r] = m->development_lagged[r] = 0.0;
    }
    /* never more than the youth pool can supply (see recruitment), all together */
    double avail = floor(youth_pool(m));
    for (size_t k = 0; k < m->norgs; k++) {
        org_run *o = &m->org[k];
        const organisation *og = &m->sc->orgs[k];
        const double *po = o->p;
        const double total = fmin(po[P_init_militants], avail);
        avail -= total;
        for (size_t r = 0; r < m->R; r++) {
            /* Whole numbers in both modes, so the stochastic and mean-field runs start equal. */
            double here = total * og->initial_share[r];
            o->recruits[r] = floor(here * po[P_init_recruit_share] + 0.5);
            o->commanders[r] = floor(here * po[P_init_commander_share] + 0.5);
            o->fighters[r] = nonneg(floor(here + 0.5) - o->recruits[r] - o->commanders[r]);
            o->reintegrated[r] = 0.0;
            o->excitation[r] = 0.0;
        }
        o->funds = po[P_init_funds];
        o->legitimacy = 0.0;
        o->patronage = po[P_init_patronage];
        o->prisoners = 0.0;
    }
}

/* ---- recording ------------------------------------------------------------------------ */

/* Today's value of variable k in region r for one organisation (shared variables: NAN), or
 * with o NULL over every organisation (the first's value, plus each other's in order, so
 * that a one-organisation run records what it always did). Sanctuaries have no population
 * indices. Only the recorded variables are computed (recording_tables lists them). */
static double org_value(const org_run *o, size_t r, truce_variable k)
{
    switch (k) {
    case TRUCE_VAR_ATTACKS: return o->attacks[r];
    case TRUCE_VAR_DEATHS_SECURITY: return o->deaths_sec[r];
    case TRUCE_VAR_DEATHS_CIVILIAN: return o->deaths_civ[r];
    case TRUCE_VAR_DEATHS_MILITANT: return o->deaths_mil[r];
    case TRUCE_VAR_RECRUITS: return o->new_recruits[r];
    case TRUCE_VAR_RECRUITS_IN_TRAINING: return o->recruits[r];
    case TRUCE_VAR_FIGHTERS: return o->fighters[r];
    case TRUCE_VAR_COMMANDERS: return o->commanders[r];
    case TRUCE_VAR_REINTEGRATED: return o->reintegrated[r];
    case TRUCE_VAR_MILITANTS_KILLED_IN_ATTACKS: return o->mil_in_attacks[r];
    case TRUCE_VAR_MILITANTS_KILLED_IN_OPERATIONS: return o->mil_in_operations[r];
    case TRUCE_VAR_MILITANTS:
    case TRUCE_VAR_MILITANTS_IN_SANCTUARY: return o->recruits[r] + o->fighters[r] + o->commanders[r];
    default: return NAN; /* not an organisation's variable */
    }
}

static double region_value(const model_run *m, const org_run *o, size_t r, truce_variable k)
{
    const region *g = &m->sc->regions[r];
    switch (k) {
    case TRUCE_VAR_GRIEVANCE: return o ? NAN : g->sanctuary ? 0.0 : m->grievance[r];
    case TRUCE_VAR_SUPPORT: return o ? NAN : g->sanctuary ? 0.0 : m->support[r];
    case TRUCE_VAR_INTELLIGENCE: return o ? NAN : g->sanctuary ? 0.0 : m->intelligence[r];
    case TRUCE_VAR_DEVELOPMENT: return o ? NAN : g->sanctuary ? 0.0 : m->development[r];
    case TRUCE_VAR_FUNDS:
    case TRUCE_VAR_LEGITIMACY:
    case TRUCE_VAR_HOST_PATRONAGE:
    case TRUCE_VAR_PRISONERS: return o ? NAN : 0.0;
    case TRUCE_VAR_MILITANTS_IN_SANCTUARY:
        if (!g->sanctuary) return 0.0;
        break;
    default: break;
    }
    if (o) return org_value(o, r, k);
    double v = org_value(&m->org[0], r, k);
    for (size_t j = 1; j < m->norgs; j++) v += org_value(&m->org[j], r, k);
    return v;
}

/* The per-region array of an organisation's stock or flow that is variable k's value in a
 * region (offset into org_run), or -1 where the value takes more than a read. */
static ptrdiff_t org_array_of(truce_variable k)
{
    switch (k) {
    case TRUCE_VAR_ATTACKS: return (ptrdiff_t)offsetof(org_run, attacks);
    case TRUCE_VAR_DEATHS_SECURITY: return (ptrdiff_t)offsetof(org_run, deaths_sec);
    case TRUCE_VAR_DEATHS_CIVILIAN: return (ptrdiff_t)offsetof(org_run, deaths_civ);
    case TRUCE_VAR_DEATHS_MILITANT: return (ptrdiff_t)offsetof(org_run, deaths_mil);
    case TRUCE_VAR_RECRUITS: return (ptrdiff_t)offsetof(org_run, new_recruits);
    case TRUCE_VAR_RECRUITS_IN_TRAINING: return (ptrdiff_t)offsetof(org_run, recruits);
    case TRUCE_VAR_FIGHTERS: return (ptrdiff_t)offsetof(org_run, fighters);
    case TRUCE_VAR_COMMANDERS: return (ptrdiff_t)offsetof(org_run, commanders);
    case TRUCE_VAR_REINTEGRATED: return (ptrdiff_t)offsetof(org_run, reintegrated);
    case TRUCE_VAR_MILITANTS_KILLED_IN_ATTACKS: return (ptrdiff_t)offsetof(org_run, mil_in_attacks);
    case TRUCE_VAR_MILITANTS_KILLED_IN_OPERATIONS: return (ptrdiff_t)offsetof(org_run, mil_in_operations);
    default: return -1;
    }
}

static const double *org_array(const org_run *o, ptrdiff_t off)
{
    return (const double *)(const void *)((const char *)o + off);
}

/* What recording needs to know of each recorded column, looked up once per run rather than
 * per region and day (the variable table is the truth: see variables.c): its total rule
 * and kind, and two lists of columns: all of them, and the flows alone. */
static void recording_tables(model_run *m)
{
    const struct truce_result *res = m->res;
    m->ncol_all = m->ncol_flow = 0;
    for (size_t c = 0; c < res->nvars; c++) {
        const truce_variable_info *vi = truce_variable_info_of(res->vars[c]);
        m->col_total[c] = (uint8_t)vi->total;
        m->col_flow[c] = vi->kind == TRUCE_KIND_FLOW;
        m->col_arr[c] = vi->total == TRUCE_TOTAL_SUM ? org_array_of(res->vars[c]) : -1;
        m->col_all[m->ncol_all++] = (uint8_t)c;
        if (m->col_flow[c]) m->col_flows[m->ncol_flow++] = (uint8_t)c;
    }
}

/* Record today into res: over every organisation (o NULL) or for one. Flows add up over the
 * period; stocks keep the latest day's value, so they are written on the period's last day
 * only (the last day of every recorded period is simulated: runs end at the horizon and the
 * recorded window is clipped to it): the columns are all of them on the last day, the flows
 * alone on the others. A region's row leaves organisation-wide stocks NAN. The region "all":
 * flows and stocks summed over the regions (in region order), indices of the population
 * averaged by population over the state's regions, and the organisation-wide values: the
 * organisation's own, or over every organisation the sum of funds and prisoners and the
 * first organisation's legitimacy and host patronage (indices of one organisation do not
 * add up; docs/run.md). Column by column, each value computed once for its row and the
 * total. */
static void record_into(const model_run *m, struct truce_result *res, const org_run *o)
{
    double *block = &res->values[m->period * res->nrows * res->nvars];
    const size_t R = m->R, nvars = res->nvars;
    const int want_total = res->row_of[R] >= 0;
    const int last_day = m->date == res->plast[m->period];
    const uint8_t *cols = last_day ? m->col_all : m->col_flows;
    const size_t ncols = last_day ? m->ncol_all : m->ncol_flow;
    const org_run *first = o ? o : &m->org[0];
    const size_t K = o ? 1 : m->norgs;
    double pop_state = 0.0;
    if (want_total)
        for (size_t r = 0; r < R; r++)
            if (!m->sc->regions[r].sanctuary) pop_state += m->sc->regions[r].population;
    double *trow = want_total ? &block[(size_t)res->row_of[R] * nvars] : NULL;
    for (size_t j = 0; j < ncols; j++) {
        const size_t c = cols[j];
        const truce_variable k = res->vars[c];
        const int flow = m->col_flow[c];
        const truce_var_total rule = (truce_var_total)m->col_total[c];
        const ptrdiff_t off = m->col_arr[c];
        double total = 0.0;
        if (off >= 0) {
            /* an organisation's array, summed over the regions (the usual case, made cheap) */
            const double *a0 = org_array(first, off), *a1 = K > 1 ? org_array(&m->org[1], off) : NULL;
            for (size_t r = 0; r < R; r++) {
                double v = a0[r];
                if (a1) v += a1[r];
                for (size_t q = 2; q < K; q++) v += org_array(&m->org[q], off)[r];
                const int row = res->row_of[r];
                if (row >= 0) {
                    double *cell = &block[(size_t)row * nvars + c];
                    if (flow) *cell += v;
                    else *cell = v;
                }
                total += v;
            }
        } else {
            for (size_t r = 0; r < R; r++) {
                const int row = res->row_of[r];
                if (row < 0 && !want_total) continue;
                const double v = region_value(m, o, r, k);
                if (row >= 0) {
                    double *cell = &block[(size_t)row * nvars + c];
                    if (flow) *cell += v;
                    else if (rule != TRUCE_TOTAL_ORGANISATION) *cell = v; /* else stays NAN */
                }
                if (rule == TRUCE_TOTAL_SUM) total += v;
                else if (rule == TRUCE_TOTAL_POPULATION_MEAN) total += v * m->sc->regions[r].population;
            }
        }
        if (!trow) continue;
        switch (k) {
        case TRUCE_VAR_FUNDS:
            total = first->funds;
            if (!o)
                for (size_t q = 1; q < m->norgs; q++) total += m->org[q].funds;
            break;
        case TRUCE_VAR_PRISONERS:
            total = first->prisoners;
            if (!o)
                for (size_t q = 1; q < m->norgs; q++) total += m->org[q].prisoners;
            break;
        case TRUCE_VAR_LEGITIMACY: total = first->legitimacy; break;
        case TRUCE_VAR_HOST_PATRONAGE: total = first->patronage; break;
        default:
            if (rule == TRUCE_TOTAL_POPULATION_MEAN) total = o ? NAN : pop_state > 0.0 ? total / pop_state : 0.0;
            break;
        }
        if (flow) trow[c] += total;
        else trow[c] = total;
    }
}

static void record_day(model_run *m)
{
    struct truce_result *res = m->res;
    if (m->date < res->rec.from || m->date > res->rec.to || res->nvars == 0) return;
    while (m->date > res->plast[m->period]) m->period++;
    record_into(m, res, NULL);
    if (m->norgs > 1 && res->by_org[0])
        for (size_t k = 0; k < m->norgs; k++) record_into(m, res->by_org[k], &m->org[k]);
}

/* ---- the run, step by step -------------------------------------------------------------- */

void truce_run_options_init(truce_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->version = TRUCE_RUN_OPTIONS_VERSION;
    opt->seed = 1;
    opt->record.by = TRUCE_BY_DAY;
    opt->record.variables = UINT64_MAX;
    opt->record.regions = UINT64_MAX;
    opt->record.total = 1;
    opt->record.from = INT32_MIN;
    opt->record.to = INT32_MAX;
}

/* Per-episode state for the scenario's episodes; `from` (may be NULL) gives the survival
 * of episodes with the same id in the previous scenario. */
static int episode_state(model_run *m, const truce_scenario *sc, const truce_scenario *from,
                         const double *from_alive)
{
    const size_t n = sc->nepisodes ? sc->nepisodes : 1;
    double *alive = malloc(n * sizeof *alive);
    int32_t *burst_end = malloc(n * sizeof *burst_end);
    if (!alive || !burst_end) {
        free(alive);
        free(burst_end);
        return -1;
    }
    for (size_t i = 0; i < sc->nepisodes; i++) {
        alive[i] = 1.0;
        if (from)
            for (size_t j = 0; j < from->nepisodes; j++)
                if (strcmp(from->episodes[j].id, sc->episodes[i].id) == 0) {
                    alive[i] = from_alive[j];
                    break;
                }
        int32_t be = start_interval_end(&sc->episodes[i]);
        burst_end[i] = be < sc->episodes[i].end ? be : sc->episodes[i].end;
    }
    if (episode_index(m, sc)) {
        free(alive);
        free(burst_end);
        return -1;
    }
    free(m->alive);
    free(m->burst_end);
    m->alive = alive;
    m->burst_end = burst_end;
    return 0;
}

/* The parameters in force: the first organisation's are the vector itself; organisation k
 * >= 1 has a copy where each parameter of its block (mechanism "org<k+1>", named
 * "org<k+1>_NAME") replaces NAME. */
static void use_params(model_run *m, const double *values)
{
    memcpy(m->pv, values, sizeof m->pv);
    m->p = m->pv;
    for (size_t k = 0; k < m->norgs; k++) {
        org_run *o = &m->org[k];
        memcpy(o->pv, values, sizeof o->pv);
        o->p = o->pv;
        if (k > 0) {
            char prefix[16];
            snprintf(prefix, sizeof prefix, "org%u_", (unsigned)(k + 1));
            const size_t n = strlen(prefix);
            for (size_t i = 0; i < PARAM_COUNT; i++)
                if (strncmp(param_table[i].name, prefix, n) == 0) {
                    long base = truce_param_find(param_table[i].name + n);
                    if (base >= 0) o->pv[base] = values[i];
                }
        }
        o->severity_mean = rng_powerlaw_mean(o->p[P_severity_exponent], (uint64_t)o->p[P_severity_cap]);
        o->excitation_decay = exp(-1.0 / o->p[P_excitation_days]);
    }
}

/* Each organisation's place in the scenario and its draws' purpose offset. */
static void use_organisations(model_run *m, const truce_scenario *sc)
{
    m->norgs = sc->norgs;
    for (size_t k = 0; k < m->norgs; k++) {
        m->org[k].pur = (unsigned)k << 8;
        m->org[k].regions = sc->orgs[k].regions;
        m->org[k].sanctuaries = sc->orgs[k].sanctuaries;
    }
}

static truce_model *model_create(const truce_scenario *sc, const truce_run_options *opt, int by_org,
                                 truce_error *err)
{
    truce_error_clear(err);
    if (!sc || !opt) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_model_new: no scenario or options");
        return NULL;
    }
    if (opt->version != TRUCE_RUN_OPTIONS_VERSION) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "truce_run_options: version %u, expected %u (call truce_run_options_init)",
                        opt->version, (unsigned)TRUCE_RUN_OPTIONS_VERSION);
        return NULL;
    }
    if (sc->nregions == 0 || sc->nregions > MAXR || sc->norgs == 0 || sc->norgs > MAXO || sc->end < sc->start ||
        sc->end - sc->start >= SCENARIO_MAX_DAYS) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "truce_run: scenario is not valid");
        return NULL;
    }
    if (opt->params && truce_params_check(opt->params, err)) return NULL;
    model_run *m = calloc(1, sizeof *m);
    if (!m) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for a run");
        return NULL;
    }
    m->res = result_new(sc, &opt->record, by_org, err);
    if (!m->res || episode_state(m, sc, NULL, NULL)) {
        if (m->res) truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for a run");
        truce_model_free(m);
        return NULL;
    }
    m->sc = sc;
    use_organisations(m, sc);
    use_params(m, opt->params ? opt->params : sc->params);
    m->own_params = opt->params != NULL;
    m->seed = opt->seed;
    m->run = opt->run;
    m->mean_field = opt->mean_field;
    m->R = sc->nregions;
    m->ndays = (size_t)(sc->end - sc->start) + 1;
    model_use_draw_cache(m, rng_simd_best() == RNG_SIMD_AVX512);
    m->res->seed = opt->seed;
    m->res->run = opt->run;
    m->res->mean_field = opt->mean_field;
    truce_params_hash(m->pv, m->res->params_hash);
    recording_tables(m);
    initial_state(m);
    return m;
}

truce_model *truce_model_new(const truce_scenario *sc, const truce_run_options *opt, truce_error *err)
{
    return model_create(sc, opt, 1, err);
}

truce_model *model_new_totals(const truce_scenario *sc, const truce_run_options *opt, truce_error *err)
{
    return model_create(sc, opt, 0, err);
}

void truce_model_free(truce_model *m)
{
    if (!m) return;
    free(m->alive);
    free(m->burst_end);
    free(m->seg_first);
    free(m->cache);
    truce_result_free(m->res);
    free(m);
}

int32_t truce_model_next_day(const truce_model *m) { return m->sc->start + (int32_t)m->next; }

const struct truce_result *model_recorded(const truce_model *m) { return m->res; }

void model_use_draw_cache(truce_model *m, int on)
{
    if (on && !m->cache && !m->mean_field) m->cache = calloc(1, sizeof *m->cache); /* NULL: same numbers */
    if (!on) {
        free(m->cache);
        m->cache = NULL;
    }
}

int truce_model_advance(truce_model *m, int32_t last_day, truce_error *err)
{
    truce_error_clear(err);
    const truce_scenario *sc = m->sc;
    int64_t stop = (int64_t)last_day - sc->start + 1;  /* days to have simulated */
    if (stop > (int64_t)m->ndays) stop = (int64_t)m->ndays;
    for (size_t day = m->next; (int64_t)day < stop; day++) {
        m->day = (uint32_t)day;
        m->date = sc->start + (int32_t)day;
        draw_cache_prepare(m);
        for (size_t r = 0; r < m->R; r++) {
            m->defectors[r] = m->collateral[r] = 0.0;
            for (size_t k = 0; k < m->norgs; k++) {
                org_run *o = &m->org[k];
                o->deaths_sec[r] = o->deaths_civ[r] = o->deaths_mil[r] = o->attacks[r] =
                    o->mil_in_attacks[r] = o->mil_in_operations[r] = 0.0;
            }
        }
        /* each mechanism takes the organisations in order (docs/model.md) */
        const size_t K = m->norgs;
        read_levers(m);
        daily_conditions(m);
        for (size_t k = 0; k < K; k++) organisation_events(m, &m->org[k]);
        recruitment(m);
        for (size_t k = 0; k < K; k++) training_and_promotion(m, &m->org[k]);
        for (size_t k = 0; k < K; k++) operations(m, &m->org[k]);
        for (size_t k = 0; k < K; k++) sanctuary_movement(m, &m->org[k]);
        cross_border(m);
        for (size_t k = 0; k < K; k++) attacks(m, &m->org[k]);
        for (size_t k = 0; k < K; k++) finance(m, &m->org[k]);
        population_response(m);
        development_and_reintegration(m);
        record_day(m);
        m->next = day + 1;
    }
    return 0;
}

/* After a struct copy: the parameter pointers into the copy's own vectors. */
static void fix_pointers(model_run *m)
{
    m->p = m->pv;
    for (size_t k = 0; k < MAXO; k++) m->org[k].p = m->org[k].pv;
}

truce_model *truce_model_snapshot(const truce_model *m, truce_error *err)
{
    model_run *c = malloc(sizeof *c);
    if (!c) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for a snapshot");
        return NULL;
    }
    *c = *m;
    fix_pointers(c);
    c->alive = NULL;
    c->burst_end = NULL;
    c->seg_first = NULL;
    /* an empty cache: the copy makes its own blocks until it has opened a day's streams */
    c->cache = m->cache ? calloc(1, sizeof *c->cache) : NULL;
    c->res = result_copy(m->res);
    const size_t n = m->sc->nepisodes ? m->sc->nepisodes : 1;
    c->alive = malloc(n * sizeof *c->alive);
    c->burst_end = malloc(n * sizeof *c->burst_end);
    void *seg = malloc(seg_bytes(m->nseg, m->nseg_idx));
    if (seg) {
        memcpy(seg, m->seg_first, seg_bytes(m->nseg, m->nseg_idx));
        seg_pointers(c, seg);
    }
    if (!c->res || !c->alive || !c->burst_end || !seg) {
        truce_model_free(c);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for a snapshot");
        return NULL;
    }
    memcpy(c->alive, m->alive, n * sizeof *c->alive);
    memcpy(c->burst_end, m->burst_end, n * sizeof *c->burst_end);
    return c;
}

int truce_model_restore(truce_model *m, const truce_model *snap, truce_error *err)
{
    truce_model *c = truce_model_snapshot(snap, err);
    if (!c) return -1;
    free(m->alive);
    free(m->burst_end);
    free(m->seg_first);
    free(m->cache);
    truce_result_free(m->res);
    *m = *c;
    fix_pointers(m);
    free(c);
    return 0;
}

int truce_model_switch(truce_model *m, const truce_scenario *alt, truce_error *err)
{
    truce_error_clear(err);
    const truce_scenario *sc = m->sc;
    if (alt->nregions != sc->nregions || alt->start != sc->start || alt->end != sc->end) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "cannot switch to scenario '%s': its regions or horizon differ from '%s'",
                        alt->name, sc->name);
        return -1;
    }
    for (size_t r = 0; r < sc->nregions; r++)
        if (strcmp(alt->regions[r].name, sc->regions[r].name) != 0) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                            "cannot switch to scenario '%s': region %zu is '%s', not '%s'", alt->name,
                            r + 1, alt->regions[r].name, sc->regions[r].name);
            return -1;
        }
    if (alt->norgs != sc->norgs) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                        "cannot switch to scenario '%s': it has %zu organisations, not %zu", alt->name,
                        alt->norgs, sc->norgs);
        return -1;
    }
    for (size_t k = 0; k < sc->norgs; k++)
        if (strcmp(alt->orgs[k].name, sc->orgs[k].name) != 0 || alt->orgs[k].regions != sc->orgs[k].regions ||
            alt->orgs[k].sanctuaries != sc->orgs[k].sanctuaries) {
            truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL,
                            "cannot switch to scenario '%s': organisation %zu ('%s') differs from '%s''s",
                            alt->name, k + 1, alt->orgs[k].name, sc->name);
            return -1;
        }
    if (episode_state(m, alt, sc, m->alive)) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    m->sc = alt;
    if (!m->own_params) {
        use_params(m, alt->params);
        truce_params_hash(m->pv, m->res->params_hash);
    }
    return 0;
}

int model_set_params(truce_model *m, const double *values, truce_error *err)
{
    truce_error_clear(err);
    if (!values || truce_params_check(values, err)) return -1;
    use_params(m, values);
    m->own_params = 1;
    truce_params_hash(m->pv, m->res->params_hash);
    return 0;
}

truce_result *truce_model_finish(truce_model *m, truce_error *err)
{
    if (truce_model_advance(m, m->sc->end, err)) {
        truce_model_free(m);
        return NULL;
    }
    struct truce_result *res = m->res;
    memcpy(res->flows, m->flows, sizeof res->flows);
    res->draws = m->draws;
    m->res = NULL;
    truce_model_free(m);
    return res;
}

truce_result *truce_run(const truce_scenario *sc, const truce_run_options *opt, truce_error *err)
{
    truce_model *m = truce_model_new(sc, opt, err);
    return m ? truce_model_finish(m, err) : NULL;
}
