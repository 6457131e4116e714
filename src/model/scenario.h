/* scenario — the in-memory form of a scenario: regions, the lever timeline, parameters.
 *
 * A scenario file (YAML; schema in docs/scenario.md) names CSV tables by paths relative to
 * its own folder. After loading, everything the model needs is here and validated: the
 * model never sees a file.
 */
#ifndef TRUCE_SCENARIO_H
#define TRUCE_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "truce.h"

#define SCENARIO_NAME_MAX 128
#define SCENARIO_MAX_REGIONS 64
/* Longest simulated horizon: 200 years of days. Longer is refused as out of range, so a
 * mistyped year cannot make a run take hours and gigabytes. */
#define SCENARIO_MAX_DAYS (200 * 366)
#define SCENARIO_PATH_MAX 4096

/* One region: districts (or a group of districts) of the state, or a sanctuary outside
 * its jurisdiction. Every share is in [0, 1]. */
typedef struct region {
    char name[SCENARIO_NAME_MAX];
    double population;      /* people (2017 census mapped onto 2022 districts) */
    double youth_share;     /* share of the population that is male and 15–29 */
    double deprivation;     /* index in [0, 1]: 0 none, 1 extreme */
    double mountain_share;  /* share of area that is mountain terrain */
    double border;          /* weight of the region in movement to and from the sanctuary
                               (0: no border with it) */
    double initial_share;   /* share of the initial militant force that is here */
    int sanctuary;          /* 1: outside the state's jurisdiction */
} region;

/* What a timeline entry does. One recorded episode maps to one lever; a policy portfolio
 * adds hypothetical entries. */
typedef enum lever_kind {
    LEVER_NONE,               /* recorded but without effect in the model (data notes) */
    LEVER_CEASEFIRE,          /* M9: compliance, operations paused, regroup */
    LEVER_TALKS,              /* M9: recognition (legitimacy), prisoner releases */
    LEVER_PEACE_DEAL,         /* M9: a local accord: ceasefire and talks together */
    LEVER_OPERATION,          /* M5: operations of a given intensity and intelligence focus */
    LEVER_CROSS_BORDER_STRIKE,/* M8 */
    LEVER_BORDER_CLASH,       /* M8: clash with the host's forces */
    LEVER_FINANCE_DISRUPTION, /* M3 */
    LEVER_HOST_PRESSURE,      /* M7: diplomatic pressure on the sanctuary's host */
    LEVER_DEVELOPMENT,        /* M11: development spending */
    LEVER_REINTEGRATION,      /* M11: reintegration programme */
    LEVER_COHERENCE,          /* M12: federal–provincial coherence (intensity = level) */
    LEVER_CHORUS,             /* M12: public calls for dialogue (intensity = loudness) */
    LEVER_REGIME_CHANGE,      /* M13: host regime change (intensity = patronage jump) */
    LEVER_ORGANISATION,       /* M13: the militants unite (intensity = legitimacy jump) */
    LEVER_COUNT
} lever_kind;

const char *lever_name(lever_kind k);
int lever_from_name(const char *name, lever_kind *k);

/* The numeric lever cells of an episode, in the tables' column order. */
enum { EP_INTENSITY, EP_COMPLIANCE, EP_MONITORING, EP_FOCUS, EP_RELEASES, EP_FIELDS };

typedef struct episode {
    char id[32];
    lever_kind lever;
    int32_t start, end;       /* first and last day (inclusive), from the date precision */
    truce_precision start_precision, end_precision;
    int open_end;             /* no recorded end: the breakdown hazard decides (M9) */
    uint64_t regions;         /* bit mask over region indices (bit r set: applies there) */
    double intensity;         /* lever-specific level (documented in docs/scenario.md) */
    double compliance;        /* ceasefires: share of attack hazard suppressed (NAN: default) */
    double monitoring;        /* ceasefires: monitoring/enforcement in [0, 1] */
    double focus;             /* operations: intelligence-led share in [0, 1] (NAN: default) */
    double releases;          /* talks: prisoners released at the start */
    uint32_t orgs;            /* bit mask over organisation indices it acts on (the
                                 `organisations` column; see scenario.md for the defaults) */
    /* Cells that name a parameter (`param:NAME`, docs/scenario.md): 1 + the parameter's
     * index, per cell (EP_INTENSITY .. EP_RELEASES); 0: the number above is the value. A
     * run reads such a cell from the parameters in force (--set, a prior draw, a fitted
     * particle); the number above then holds the parameter's default, for display. */
    uint16_t param_ref[EP_FIELDS];
    char kind[32];            /* the source timeline's kind (peace_deal, ceasefire, ...) */
} episode;

/* A geography a source reports on (PICSS's "Balochistan"), as a set of the scenario's
 * regions: the observation models (observe.c) sum the model over them. */
#define SCENARIO_MAX_GEOGRAPHIES 64
typedef struct geography {
    char name[SCENARIO_NAME_MAX];
    uint64_t regions;         /* bit mask over region indices */
} geography;

/* A militant organisation (the `organisations` table; docs/scenario.md). The first one uses
 * the parameter table's own names; organisation k >= 1 uses the `org<k+1>_` block where it
 * has one (params.def, mechanism "org2"), and the shared parameters elsewhere. */
#define SCENARIO_MAX_ORGS 2
typedef struct organisation {
    char name[SCENARIO_NAME_MAX];
    uint64_t regions;         /* where it lives, recruits and attacks (bit mask) */
    uint64_t sanctuaries;     /* the sanctuary regions it can retreat to (bit mask) */
    double initial_share[SCENARIO_MAX_REGIONS]; /* its initial militants, by region */
} organisation;

struct truce_scenario {
    char name[SCENARIO_NAME_MAX];
    int32_t start, end;       /* simulated horizon, inclusive */
    size_t nregions;
    region regions[SCENARIO_MAX_REGIONS];
    size_t nepisodes;
    episode *episodes;        /* sorted by start day, then id */
    double params[PARAM_COUNT];
    size_t ngeographies;      /* the `observations` table; 0 when the scenario has none */
    geography geographies[SCENARIO_MAX_GEOGRAPHIES];
    size_t norgs;             /* 1 without an `organisations` table */
    int orgs_table;           /* the scenario has an `organisations` table */
    organisation orgs[SCENARIO_MAX_ORGS];
    /* `calibration: posterior:` (docs/calibration.md): the posterior file as opened (a path,
     * or the name of an embedded file), "" when the scenario has none; calibration_file is
     * the embedded file when the scenario is the built-in one, else NULL (read the path). */
    char calibration[SCENARIO_PATH_MAX];
    const truce_memfile *calibration_file;
    char hash[17];            /* recomputed by scenario_rehash() after every change */
    char loaded_hash[17];     /* the hash as loaded, before any override */
};

/* Recompute s->hash from the contents (regions, episodes, parameters, horizon). */
void scenario_rehash(truce_scenario *s);

/* ---- internal helpers shared with portfolio.c ------------------------------------------ */

/* An entry with the defaults of an empty row (intensity 1, compliance and focus NAN). */
void episode_init(episode *e);

/* The lever cells of a row, in this order (docs/scenario.md, "The lever columns"). */
enum { LV_LEVER, LV_REGIONS, LV_INTENSITY, LV_COMPLIANCE, LV_MONITORING, LV_FOCUS,
       LV_RELEASES, LV_ORGS, LV_N };
/* One cell's text (not NUL-terminated); ptr NULL: absent, the same as empty. */
typedef struct lever_text {
    const char *ptr;
    size_t len;
} lever_text;
/* Report a problem with cell LV_*: `reason` is the message without file, line or field. */
typedef int (*lever_fail_fn)(void *ctx, int cell, const char *reason);
/* Parse and check the lever cells into e (lever, regions, intensity .. releases, orgs)
 * against s's regions, organisations and parameters, with the tables' bounds and defaults.
 * Returns 0, or -1 after one call of fail. */
int scenario_parse_lever(const truce_scenario *s, const lever_text cell[LV_N], episode *e,
                         lever_fail_fn fail, void *ctx);
/* The last day of an open-ended entry starting on `start` (the horizon's end, or start). */
int32_t scenario_open_end(const truce_scenario *s, int32_t start);
/* Append n entries (ends set), keep the list sorted by start then id, rehash. A taken id is
 * TRUCE_EINPUT (file `what`, field "id") and s is left unchanged. */
int scenario_add_episodes(truce_scenario *s, const episode *add, size_t n, const char *what,
                          truce_error *err);

#endif
