/* Scenario loader: the default scenario, overrides, the hash, and the corpus of broken
 * scenarios (tests/scenarios/bad/EXPECTED). Run from the repository root or with
 * TRUCE_ROOT set (tests/run-all.sh sets it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "csv.h"
#include "scenario.h"
#include "testutil.h"

static const char *root(void)
{
    const char *r = getenv("TRUCE_ROOT");
    return r && *r ? r : ".";
}

static void path_in_root(char *out, size_t cap, const char *rel)
{
    int n = snprintf(out, cap, "%s/%s", root(), rel);
    assert_true(n > 0 && (size_t)n < cap);
}

static truce_scenario *load_rel(const char *rel, truce_error *err)
{
    char p[4096];
    path_in_root(p, sizeof p, rel);
    return truce_scenario_load(p, err);
}

static const episode *find(const truce_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->nepisodes; i++)
        if (strcmp(s->episodes[i].id, id) == 0) return &s->episodes[i];
    return NULL;
}

static void default_loads(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *s = truce_scenario_load_default(&err);
    if (!s) fail_msg("%s", err.message);
    assert_int_equal(err.code, TRUCE_OK);
    assert_string_equal(truce_scenario_name(s), "pakistan-ttp");
    assert_int_equal(truce_scenario_start(s), cal_days_from_civil(2002, 1, 1));
    assert_int_equal(truce_scenario_end(s), cal_days_from_civil(2025, 12, 31));
    assert_int_equal(truce_scenario_region_count(s), 9);
    size_t sanctuaries = 0;
    for (size_t r = 0; r < s->nregions; r++) {
        if (s->regions[r].sanctuary) {
            sanctuaries++;
            assert_string_equal(truce_scenario_region_name(s, r), "afghanistan");
        } else {
            assert_true(s->regions[r].population > 0);
        }
    }
    assert_int_equal(sanctuaries, 1);
    assert_null(truce_scenario_region_name(s, 9));
    assert_near(s->regions[0].population, 1215761, 0);
    /* 37 recorded episodes and the 11 background policies of policies.csv. */
    size_t recorded = 0, policies = 0;
    for (size_t i = 0; i < s->nepisodes; i++) {
        if (strcmp(s->episodes[i].kind, "policy") == 0) policies++;
        else recorded++;
        if (i > 0) {
            const episode *a = &s->episodes[i - 1], *b = &s->episodes[i];
            assert_true(a->start < b->start || (a->start == b->start && strcmp(a->id, b->id) < 0));
        }
        assert_true(s->episodes[i].lever < LEVER_COUNT);
        assert_true(s->episodes[i].end >= s->episodes[i].start);
    }
    assert_int_equal(recorded, 37);
    assert_int_equal(policies, 11);
    assert_int_equal(truce_scenario_episode_count(s), 48);
    assert_int_equal(strlen(truce_scenario_hash(s)), 16);
    /* Lever fields as the levers table gives them, and the documented defaults. */
    const episode *e = find(s, "4");
    assert_int_equal(e->lever, LEVER_PEACE_DEAL);
    assert_near(e->releases, 50, 0);
    assert_near(e->monitoring, 0, 0);
    assert_true(isnan(e->compliance));
    e = find(s, "24");
    assert_int_equal(e->lever, LEVER_REGIME_CHANGE);
    assert_true(isnan(e->intensity)); /* regime_change: the parameter's default */
    assert_int_equal(e->regions, (uint64_t)1 << 8); /* afghanistan is the ninth region */
    /* Two organisations: the TTP first (everywhere, the Afghan sanctuary), the Baloch
     * insurgency in Balochistan without a sanctuary; levers act on the organisations
     * their column names, or on the lever's default. */
    assert_int_equal(truce_scenario_organisation_count(s), 2);
    assert_string_equal(truce_scenario_organisation_name(s, 0), "ttp");
    assert_string_equal(truce_scenario_organisation_name(s, 1), "baloch");
    assert_null(truce_scenario_organisation_name(s, 2));
    assert_int_equal(s->orgs[0].sanctuaries, (uint64_t)1 << 8);
    assert_int_equal(s->orgs[1].sanctuaries, 0);
    assert_int_equal(s->orgs[1].regions, (uint64_t)3 << 6); /* the two Balochistan regions */
    assert_near(s->orgs[0].initial_share[0], 0.55, 0);
    assert_near(s->orgs[1].initial_share[7], 0.85, 0);
    assert_int_equal(find(s, "28")->orgs, 1u);  /* a TTP ceasefire: the TTP */
    assert_int_equal(find(s, "22")->orgs, 3u);  /* an operation: every organisation */
    assert_int_equal(find(s, "P3")->orgs, 1u);  /* development: the shared state (slot 0) */
    assert_int_equal(find(s, "P9")->orgs, 2u);  /* an operation against the Baloch insurgency */
    e = find(s, "8");
    assert_int_equal(e->lever, LEVER_ORGANISATION);
    assert_true(isnan(e->intensity));
    assert_int_equal(e->regions, 0xffu); /* all = every region but the sanctuary */
    e = find(s, "1");
    assert_near(e->intensity, 0.5, 0);
    assert_near(e->focus, 0.3, 0);
    assert_int_equal(e->regions, 3u); /* waziristan;tribal_north */
    e = find(s, "31");
    assert_int_equal(e->lever, LEVER_NONE);
    assert_int_equal(e->regions, 0);
    e = find(s, "19");
    assert_near(e->intensity, 1, 0); /* default intensity 1 */
    e = find(s, "P5");
    assert_int_equal(e->lever, LEVER_COHERENCE);
    assert_near(e->intensity, 0.35, 0);
    truce_scenario_free(s);
}

/* Every recorded episode's dates, read from data/pak_ttp_timeline.csv here. */
static void timeline_dates(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *s = truce_scenario_load_default(&err);
    assert_non_null(s);
    char p[4096];
    path_in_root(p, sizeof p, "data/pak_ttp_timeline.csv");
    csv_reader *r = csv_open_file(p, &err);
    if (!r) fail_msg("%s", err.message);
    csv_record rec;
    assert_int_equal(csv_next(r, &rec, &err), 1);
    assert_true(csv_field_is(&rec.fields[0], "id") && csv_field_is(&rec.fields[1], "start") &&
                csv_field_is(&rec.fields[2], "end"));
    size_t rows = 0;
    while (csv_next(r, &rec, &err) == 1) {
        char id[32];
        csv_field_copy(&rec.fields[0], id, sizeof id);
        const episode *e = find(s, id);
        if (!e) fail_msg("episode %s of the timeline is missing", id);
        int32_t first, last;
        truce_precision prec;
        assert_int_equal(cal_parse(rec.fields[1].ptr, rec.fields[1].len, &first, &last, &prec), 0);
        assert_int_equal(e->start, first);
        assert_int_equal(e->start_precision, prec);
        if (rec.fields[2].len == 0) {
            assert_int_equal(e->open_end, 1);
            assert_int_equal(e->end, s->end);
        } else {
            assert_int_equal(cal_parse(rec.fields[2].ptr, rec.fields[2].len, &first, &last, &prec),
                             0);
            assert_int_equal(e->open_end, 0);
            assert_int_equal(e->end, last);
            assert_int_equal(e->end_precision, prec);
        }
        rows++;
    }
    csv_close(r);
    assert_int_equal(rows, 37);
    /* The cases the brief names, written out. */
    const episode *e = find(s, "4");
    assert_int_equal(e->start, cal_days_from_civil(2004, 4, 1));
    assert_int_equal(e->end, cal_days_from_civil(2004, 6, 30));
    assert_int_equal(e->start_precision, TRUCE_PRECISION_MONTH);
    assert_string_equal(e->kind, "peace_deal");
    e = find(s, "22");
    assert_int_equal(e->open_end, 1);
    assert_int_equal(e->start, cal_days_from_civil(2017, 2, 22));
    assert_int_equal(e->end, cal_days_from_civil(2025, 12, 31));
    e = find(s, "1");
    assert_int_equal(e->start, cal_days_from_civil(2002, 1, 1));
    assert_int_equal(e->end, cal_days_from_civil(2006, 12, 31));
    assert_int_equal(e->end_precision, TRUCE_PRECISION_YEAR);
    truce_scenario_free(s);
}

static void disk_equals_embedded(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *a = truce_scenario_load_default(&err);
    assert_non_null(a);
    truce_scenario *b = load_rel("scenarios/pakistan-ttp.yaml", &err);
    if (!b) fail_msg("%s", err.message);
    assert_string_equal(truce_scenario_hash(a), truce_scenario_hash(b));
    assert_int_equal(a->nepisodes, b->nepisodes);
    for (size_t i = 0; i < a->nepisodes; i++) {
        assert_string_equal(a->episodes[i].id, b->episodes[i].id);
        assert_int_equal(a->episodes[i].end, b->episodes[i].end);
    }
    truce_scenario_free(a);
    truce_scenario_free(b);
}

static void set_overrides(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *s = truce_scenario_load_default(&err);
    assert_non_null(s);
    char h0[17];
    strcpy(h0, truce_scenario_hash(s));
    double d0 = truce_scenario_param(s, "regroup_strength");
    assert_near(d0, param_table[P_regroup_strength].value, 0);
    assert_int_equal(truce_scenario_set(s, "regroup_strength=0.25", &err), 0);
    assert_near(truce_scenario_param(s, "regroup_strength"), 0.25, 0);
    assert_string_not_equal(truce_scenario_hash(s), h0);
    char h1[17];
    strcpy(h1, truce_scenario_hash(s));
    assert_int_equal(truce_scenario_set(s, "regroup_strength=-1", &err), 0); /* the bound */
    assert_int_equal(truce_scenario_set(s, "regroup_strength=2.5e-1", &err), 0);
    assert_string_equal(truce_scenario_hash(s), h1);
    assert_true(isnan(truce_scenario_param(s, "no_such_parameter")));

    static const struct {
        const char *arg, *want;
    } bad[] = {
        {"no_such_parameter=1", "unknown parameter 'no_such_parameter'"},
        {"regroup_strength", "expected NAME=VALUE"},
        {"regroup_strength=", "expected a number"},
        {"regroup_strength=abc", "expected a number, got 'abc'"},
        {"regroup_strength=nan", "expected a number"},
        {"regroup_strength=inf", "expected a number"},
        {"regroup_strength=0x1p1", "expected a number"},
        {"regroup_strength= 0.5", "expected a number"},
        {"regroup_strength=0.5x", "expected a number"},
        {"regroup_strength=7", "outside [-1, 5]"},
        {"regroup_strength=-1.5", "outside [-1, 5]"},
        {"regroup_strength=1e999", "outside"},
        {"=1", "unknown parameter"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        truce_error_clear(&err);
        assert_int_equal(truce_scenario_set(s, bad[i].arg, &err), -1);
        assert_int_equal(err.code, TRUCE_EINPUT);
        if (!strstr(err.message, "--set") || !strstr(err.message, bad[i].want))
            fail_msg("%s: got \"%s\", want \"--set\" and \"%s\"", bad[i].arg, err.message,
                     bad[i].want);
        assert_near(truce_scenario_param(s, "regroup_strength"), 0.25, 0);
        assert_string_equal(truce_scenario_hash(s), h1);
    }
    assert_int_equal(truce_scenario_set_param(s, "regroup_strength", NAN, &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_int_equal(truce_scenario_set_param(s, "regroup_strength", d0, &err), 0);
    assert_string_equal(truce_scenario_hash(s), h0); /* a function of the contents */
    truce_scenario_free(s);
}

static void remove_and_end(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *s = truce_scenario_load_default(&err);
    assert_non_null(s);
    char h0[17], h1[17];
    strcpy(h0, truce_scenario_hash(s));
    assert_int_equal(truce_scenario_remove_episode(s, "25", &err), 0);
    assert_int_equal(truce_scenario_episode_count(s), 47);
    assert_null(find(s, "25"));
    assert_non_null(find(s, "26"));
    assert_string_not_equal(truce_scenario_hash(s), h0);
    strcpy(h1, truce_scenario_hash(s));
    assert_int_equal(truce_scenario_remove_episode(s, "25", &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "'25'"));
    assert_string_equal(truce_scenario_hash(s), h1);
    for (size_t i = 1; i < s->nepisodes; i++)
        assert_true(s->episodes[i - 1].start <= s->episodes[i].start);

    /* Moving the end moves the open-ended episodes' ends with it. */
    assert_int_equal(truce_scenario_set_end(s, "2010", &err), 0);
    assert_int_equal(truce_scenario_end(s), cal_days_from_civil(2010, 12, 31));
    assert_int_equal(find(s, "P1")->end, cal_days_from_civil(2025, 12, 31)); /* not open */
    const episode *e = find(s, "22");
    assert_int_equal(e->end, e->start); /* starts after the horizon: kept, end >= start */
    assert_string_not_equal(truce_scenario_hash(s), h1);
    assert_int_equal(truce_scenario_set_end(s, "2020-02", &err), 0);
    assert_int_equal(find(s, "22")->end, cal_days_from_civil(2020, 2, 29));
    assert_int_equal(truce_scenario_set_end(s, "2001-12-31", &err), -1);
    assert_non_null(strstr(err.message, "before the start"));
    assert_int_equal(truce_scenario_set_end(s, "tomorrow", &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_int_equal(truce_scenario_set_end(s, "2025-12-31", &err), 0);
    assert_int_equal(find(s, "22")->end, cal_days_from_civil(2025, 12, 31));
    assert_string_equal(truce_scenario_hash(s), h1);
    truce_scenario_free(s);
}

/* The hash covers every field and nothing else: not padding, not what follows a NUL. */
static void hash_contents(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *s = load_rel("tests/scenarios/good/minimal.yaml", &err);
    if (!s) fail_msg("%s", err.message);
    char h0[17];
    strcpy(h0, s->hash);

    truce_scenario *c = malloc(sizeof *c);
    assert_non_null(c);
    memset(c, 0xA5, sizeof *c);
    strcpy(c->name, s->name);
    c->start = s->start;
    c->end = s->end;
    c->nregions = s->nregions;
    for (size_t r = 0; r < s->nregions; r++) {
        region *d = &c->regions[r];
        const region *g = &s->regions[r];
        strcpy(d->name, g->name);
        d->population = g->population, d->youth_share = g->youth_share;
        d->deprivation = g->deprivation, d->mountain_share = g->mountain_share;
        d->border = g->border, d->initial_share = g->initial_share;
        d->sanctuary = g->sanctuary;
    }
    c->nepisodes = s->nepisodes;
    c->episodes = malloc(s->nepisodes * sizeof *c->episodes);
    assert_non_null(c->episodes);
    memset(c->episodes, 0x5A, s->nepisodes * sizeof *c->episodes);
    for (size_t i = 0; i < s->nepisodes; i++) {
        episode *d = &c->episodes[i];
        const episode *e = &s->episodes[i];
        strcpy(d->id, e->id);
        strcpy(d->kind, e->kind);
        d->lever = e->lever, d->start = e->start, d->end = e->end;
        d->start_precision = e->start_precision, d->end_precision = e->end_precision;
        d->open_end = e->open_end, d->regions = e->regions;
        d->intensity = e->intensity, d->compliance = e->compliance;
        d->monitoring = e->monitoring, d->focus = e->focus, d->releases = e->releases;
        d->orgs = e->orgs;
        memcpy(d->param_ref, e->param_ref, sizeof d->param_ref);
    }
    c->norgs = s->norgs;
    c->orgs_table = s->orgs_table;
    for (size_t o = 0; o < s->norgs; o++) {
        memset(&c->orgs[o], 0, sizeof c->orgs[o]);
        strcpy(c->orgs[o].name, s->orgs[o].name);
        c->orgs[o].regions = s->orgs[o].regions;
        c->orgs[o].sanctuaries = s->orgs[o].sanctuaries;
        memcpy(c->orgs[o].initial_share, s->orgs[o].initial_share, sizeof c->orgs[o].initial_share);
    }
    for (size_t p = 0; p < PARAM_COUNT; p++) c->params[p] = s->params[p];
    c->ngeographies = s->ngeographies;
    for (size_t g = 0; g < s->ngeographies; g++) {
        strcpy(c->geographies[g].name, s->geographies[g].name);
        c->geographies[g].regions = s->geographies[g].regions;
    }
    scenario_rehash(c);
    assert_string_equal(c->hash, h0);

    /* One change at a time, each undone after. */
#define CHANGES(X)                                                                         \
    X(c->name[0] ^= 1)                                                                     \
    X(c->start -= 1)                                                                       \
    X(c->end += 1)                                                                         \
    X(c->regions[1].population += 1)                                                       \
    X(c->regions[2].initial_share += 1e-9)                                                 \
    X(c->regions[2].sanctuary ^= 1)                                                        \
    X(c->regions[0].name[0] ^= 1)                                                          \
    X(c->episodes[0].intensity += 1)                                                       \
    X(c->episodes[1].compliance = 0.5)                                                     \
    X(c->episodes[4].intensity = 0.5)                                                      \
    X(c->episodes[3].open_end ^= 1)                                                        \
    X(c->episodes[2].regions ^= 4)                                                         \
    X(c->episodes[2].lever = LEVER_TALKS)                                                  \
    X(c->episodes[2].start_precision = TRUCE_PRECISION_DAY)                                \
    X(c->episodes[0].kind[0] ^= 1)                                                         \
    X(c->params[P_breakdown_hazard] *= 2)                                                  \
    X(strcpy(c->geographies[c->ngeographies].name, "g");                                    \
      c->geographies[c->ngeographies++].regions = 1)
    truce_scenario keep = *c;
    episode *keep_eps = malloc(c->nepisodes * sizeof *keep_eps);
    assert_non_null(keep_eps);
    memcpy(keep_eps, c->episodes, c->nepisodes * sizeof *keep_eps);
#define TRY(change)                                                                        \
    change;                                                                                \
    scenario_rehash(c);                                                                    \
    if (strcmp(c->hash, h0) == 0) fail_msg("hash unchanged by %s", #change);               \
    {                                                                                      \
        episode *eps_ = c->episodes;                                                       \
        *c = keep;                                                                         \
        c->episodes = eps_;                                                                \
        memcpy(c->episodes, keep_eps, c->nepisodes * sizeof *keep_eps);                    \
        scenario_rehash(c);                                                                \
        assert_string_equal(c->hash, h0);                                                  \
    }
    CHANGES(TRY)
#undef TRY
#undef CHANGES
    /* Bytes after a string's NUL are not content. */
    c->episodes[0].id[strlen(c->episodes[0].id) + 1] ^= 0x7f;
    c->regions[0].name[strlen(c->regions[0].name) + 1] ^= 0x7f;
    scenario_rehash(c);
    assert_string_equal(c->hash, h0);
    /* Without an organisations table the organisation fields are not hashed (a scenario
     * keeps its hash); with one, they are. */
    c->episodes[0].orgs ^= 2u;
    scenario_rehash(c);
    assert_string_equal(c->hash, h0);
    c->orgs_table = 1;
    scenario_rehash(c);
    char h1[17];
    strcpy(h1, c->hash);
    assert_string_not_equal(h1, h0);
    c->episodes[0].orgs ^= 2u;
    scenario_rehash(c);
    assert_string_not_equal(c->hash, h1);
    c->orgs[0].name[0] ^= 1;
    scenario_rehash(c);
    assert_string_not_equal(c->hash, h1);
    free(keep_eps);
    free(c->episodes);
    free(c);
    truce_scenario_free(s);
}

/* The small good scenario: defaults, "all", open ends, parameters as a table. */
static void minimal_scenario(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *s = load_rel("tests/scenarios/good/minimal.yaml", &err);
    if (!s) fail_msg("%s", err.message);
    assert_int_equal(s->nregions, 3);
    assert_int_equal(s->start, cal_days_from_civil(2004, 1, 1));
    assert_int_equal(s->end, cal_days_from_civil(2010, 6, 30));
    assert_near(truce_scenario_param(s, "regroup_strength"), 0.25, 0);
    const episode *e = find(s, "2");
    assert_int_equal(e->lever, LEVER_CEASEFIRE);
    assert_int_equal(e->regions, 3u); /* all: north and south, not the haven */
    assert_near(e->compliance, 0.8, 0);
    assert_near(e->monitoring, 0.5, 0);
    assert_near(e->intensity, 1, 0);
    assert_true(isnan(e->focus));
    e = find(s, "3");
    assert_int_equal(e->open_end, 1);
    assert_int_equal(e->end, s->end);
    assert_near(e->monitoring, 0, 0);
    assert_near(e->releases, 0, 0);
    e = find(s, "P2");
    assert_int_equal(e->lever, LEVER_REGIME_CHANGE);
    assert_true(isnan(e->intensity));
    assert_int_equal(e->regions, 4u);
    assert_string_equal(e->kind, "policy");
    truce_scenario *t = load_rel("tests/scenarios/good/params-table.yaml", &err);
    if (!t) fail_msg("%s", err.message);
    assert_string_equal(s->hash, t->hash);
    truce_scenario_free(t);
    truce_scenario_free(s);
}

/* Memory loading: names relative to the first file's folder, with . and .. */
static void memory_paths(void **state)
{
    (void)state;
    static const char yaml[] = "name: mem\nstart: 2004\nend: 2005\n"
                               "regions: ./tables/../tables/r.csv\n"
                               "episodes: {timeline: ../data/t.csv, levers: l.csv}\n"
                               "parameters: {breakdown_hazard: 0.02}\n";
    static const char regions[] =
        "name,population,youth_share,deprivation,mountain_share,border,initial_share,sanctuary\n"
        "a,100,0.1,0.1,0.1,0.1,1,0\n";
    static const char timeline[] = "id,start,end,kind\nx1,2004-02,2004-02,talks\n";
    static const char levers[] =
        "id,lever,regions,intensity,compliance,monitoring,focus,releases,note\n"
        "x1,talks,a,,,,,12,\n";
    truce_memfile files[] = {
        {"sc/s.yaml", yaml, sizeof yaml - 1},
        {"sc/l.csv", levers, sizeof levers - 1},
        {"data/t.csv", timeline, sizeof timeline - 1},
        {"sc/tables/r.csv", regions, sizeof regions - 1},
    };
    truce_error err;
    truce_scenario *s = truce_scenario_load_memory(files, 4, &err);
    if (!s) fail_msg("%s", err.message);
    assert_int_equal(s->nepisodes, 1);
    assert_near(s->episodes[0].releases, 12, 0);
    assert_int_equal(s->episodes[0].end, cal_days_from_civil(2004, 2, 29));
    assert_near(truce_scenario_param(s, "breakdown_hazard"), 0.02, 0);
    truce_scenario_free(s);
    /* Without the timeline: the message names the scenario, the key and the path. */
    files[2].name = "sc/data/t.csv";
    assert_null(truce_scenario_load_memory(files, 4, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "sc/s.yaml:5: episodes.timeline: "));
    assert_non_null(strstr(err.message, "'../data/t.csv'"));
    assert_null(truce_scenario_load_memory(NULL, 0, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_null(truce_scenario_load(NULL, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_null(load_rel("tests/scenarios/no-such-file.yaml", &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "no-such-file.yaml: cannot open"));
    assert_null(load_rel("tests/scenarios", &err)); /* a folder */
    assert_int_equal(err.code, TRUCE_EINPUT);
}

static void lever_names(void **state)
{
    (void)state;
    static const char *const names[] = {
        "none", "ceasefire", "talks", "peace_deal", "operation", "cross_border_strike",
        "border_clash", "finance_disruption", "host_pressure", "development", "reintegration",
        "coherence", "chorus", "regime_change", "organisation"};
    assert_int_equal(sizeof names / sizeof names[0], LEVER_COUNT);
    for (size_t i = 0; i < LEVER_COUNT; i++) {
        lever_kind k;
        assert_int_equal(lever_from_name(names[i], &k), 0);
        assert_int_equal(k, (lever_kind)i);
        assert_string_equal(lever_name(k), names[i]);
    }
    lever_kind k;
    assert_int_equal(lever_from_name("Operation", &k), -1);
    assert_int_equal(lever_from_name("", &k), -1);
}

/* Every case in tests/scenarios/bad/EXPECTED fails with TRUCE_EINPUT and says what it must. */
static void bad_corpus(void **state)
{
    (void)state;
    char p[4096];
    path_in_root(p, sizeof p, "tests/scenarios/bad/EXPECTED");
    FILE *f = fopen(p, "r");
    if (!f) fail_msg("cannot open %s", p);
    char line[2048];
    size_t cases = 0, failures = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0') continue;
        char *save = NULL, *tok = strtok_r(line, "\t", &save);
        char rel[1024];
        snprintf(rel, sizeof rel, "tests/scenarios/bad/%s", tok);
        truce_error err;
        truce_error_clear(&err);
        truce_scenario *s = load_rel(rel, &err);
        cases++;
        if (s) {
            print_error("%s: loaded\n", rel);
            truce_scenario_free(s);
            failures++;
            continue;
        }
        if (err.code != TRUCE_EINPUT) {
            print_error("%s: code %d (%s)\n", rel, err.code, err.message);
            failures++;
        }
        size_t nsub = 0;
        while ((tok = strtok_r(NULL, "\t", &save))) {
            nsub++;
            if (!strstr(err.message, tok)) {
                print_error("%s: \"%s\" lacks \"%s\"\n", rel, err.message, tok);
                failures++;
            }
        }
        if (nsub == 0) {
            print_error("%s: no expected substring listed\n", rel);
            failures++;
        }
    }
    fclose(f);
    assert_true(cases >= 60);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_loads),   cmocka_unit_test(timeline_dates),
        cmocka_unit_test(disk_equals_embedded), cmocka_unit_test(set_overrides),
        cmocka_unit_test(remove_and_end),  cmocka_unit_test(hash_contents),
        cmocka_unit_test(minimal_scenario), cmocka_unit_test(memory_paths),
        cmocka_unit_test(lever_names),     cmocka_unit_test(bad_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
