/* Policy portfolios (docs/portfolios.md): loading, default ids, apply, the demobilisation
 * expansion, the hash, the shipped set, the corpus of broken files
 * (tests/portfolios/bad/EXPECTED), docs/portfolios.md's example, and a lever at intensity 0
 * having exactly no effect on a run. Run from the repository root or with TRUCE_ROOT set. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "scenario.h"
#include "testutil.h"

/* truce_portfolio_hash of hash_stable's portfolio a (recorded when the format was made) */
#define PINNED_HASH "5a199d653896ed21"

static const char *root(void)
{
    const char *r = getenv("TRUCE_ROOT");
    return r && *r ? r : ".";
}

static truce_scenario *scenario(void)
{
    truce_error err;
    truce_scenario *s = truce_scenario_load_default(&err);
    if (!s) fail_msg("%s", err.message);
    return s;
}

static truce_portfolio *from_text(const truce_scenario *s, const char *text, truce_error *err)
{
    return truce_portfolio_load_memory("t.yaml", text, strlen(text), s, err);
}

static const episode *find(const truce_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->nepisodes; i++)
        if (strcmp(s->episodes[i].id, id) == 0) return &s->episodes[i];
    return NULL;
}

static void loads_and_applies(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    truce_portfolio *p = from_text(s,
                                   "name: talks-2026\n"
                                   "description: a test\n"
                                   "levers:\n"
                                   "  - lever: talks\n"
                                   "    start: 2026-03\n"
                                   "    end: 2026-06\n"
                                   "    regions: all\n"
                                   "  - lever: operation\n"
                                   "    start: 2026-01-15\n"
                                   "    regions: [waziristan, malakand]\n"
                                   "    intensity: param:ops_zarb_e_azb\n"
                                   "    focus: 0.8\n",
                                   &err);
    if (!p) fail_msg("%s", err.message);
    assert_string_equal(truce_portfolio_name(p), "talks-2026");
    assert_string_equal(truce_portfolio_description(p), "a test");
    assert_int_equal(truce_portfolio_lever_count(p), 2);
    assert_int_equal(truce_portfolio_first_day(p), cal_days_from_civil(2026, 1, 15));
    assert_int_equal(strlen(truce_portfolio_hash(p)), 16);

    truce_scenario *c = truce_scenario_copy(s, &err);
    assert_non_null(c);
    assert_int_equal(truce_scenario_set_end(c, "2030-12-31", &err), 0);
    char before[17];
    memcpy(before, truce_scenario_hash(c), 17);
    size_t n = c->nepisodes;
    assert_int_equal(truce_portfolio_apply(p, c, &err), 0);
    assert_int_equal(c->nepisodes, n + 2);
    assert_string_not_equal(truce_scenario_hash(c), before);
    const episode *t = find(c, "talks@20260301");
    assert_non_null(t);
    assert_int_equal(t->lever, LEVER_TALKS);
    assert_string_equal(t->kind, "portfolio");
    assert_int_equal(t->start, cal_days_from_civil(2026, 3, 1));
    assert_int_equal(t->end, cal_days_from_civil(2026, 6, 30));
    assert_int_equal(t->open_end, 0);
    assert_int_equal(t->orgs, 1u); /* talks: the first organisation by default */
    const episode *o = find(c, "operation@20260115");
    assert_non_null(o);
    assert_int_equal(o->open_end, 1);
    /* open-ended: to the end of the scenario it is applied to, not the one it was checked on */
    assert_int_equal(o->end, cal_days_from_civil(2030, 12, 31));
    assert_true(o->param_ref[EP_INTENSITY] > 0);
    assert_string_equal(param_table[o->param_ref[EP_INTENSITY] - 1].name, "ops_zarb_e_azb");
    assert_near(o->focus, 0.8, 0);
    assert_int_equal(o->orgs, 3u); /* operations: every organisation by default */
    assert_int_equal(__builtin_popcountll(o->regions), 2);
    /* sorted by start then id, as the loader keeps them */
    for (size_t i = 1; i < c->nepisodes; i++) {
        const episode *a = &c->episodes[i - 1], *b = &c->episodes[i];
        assert_true(a->start < b->start || (a->start == b->start && strcmp(a->id, b->id) < 0));
    }
    /* the hash is that of a scenario with the same contents: removing gives it back */
    assert_int_equal(truce_scenario_remove_episode(c, "talks@20260301", &err), 0);
    assert_int_equal(truce_scenario_remove_episode(c, "operation@20260115", &err), 0);
    assert_string_equal(truce_scenario_hash(c), before);
    /* applying twice: the ids are taken */
    assert_int_equal(truce_portfolio_apply(p, c, &err), 0);
    n = c->nepisodes;
    assert_int_equal(truce_portfolio_apply(p, c, &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "already the id"));
    assert_int_equal(c->nepisodes, n); /* unchanged */
    truce_scenario_free(c);
    truce_portfolio_free(p);
    truce_scenario_free(s);
}

static void ids(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    truce_portfolio *p = from_text(s,
                                   "name: ids\n"
                                   "levers:\n"
                                   "  - {lever: cross_border_strike, start: 2026-02-01, end: 2026-02-01, regions: afghanistan}\n"
                                   "  - {lever: cross_border_strike, start: 2026-02-01, end: 2026-02-01, regions: afghanistan}\n"
                                   "  - {lever: cross_border_strike, start: 2026-08-01, end: 2026-08-01, regions: afghanistan}\n"
                                   "  - {lever: development, start: 2026, regions: malakand, id: my.dev:1}\n",
                                   &err);
    if (!p) fail_msg("%s", err.message);
    truce_scenario *c = truce_scenario_copy(s, &err);
    assert_int_equal(truce_portfolio_apply(p, c, &err), 0);
    assert_non_null(find(c, "cross_border_strike@20260201"));
    assert_non_null(find(c, "cross_border_strike@20260201.2"));
    assert_non_null(find(c, "cross_border_strike@20260801"));
    assert_non_null(find(c, "my.dev:1"));
    truce_scenario_free(c);
    truce_portfolio_free(p);

    /* an explicit id twice, and one the scenario's timeline already has */
    p = from_text(s,
                  "name: ids\nlevers:\n"
                  "  - {lever: development, start: 2026, regions: malakand, id: a}\n"
                  "  - {lever: development, start: 2027, regions: malakand, id: a}\n",
                  &err);
    assert_null(p);
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "t.yaml:4: levers[2].id: 'a' is already the id of levers[1]"));
    p = from_text(s, "name: ids\nlevers:\n  - {lever: development, start: 2026, regions: malakand, id: P1}\n",
                  &err);
    assert_null(p);
    assert_non_null(strstr(err.message, "levers[1].id: 'P1' is already the id of an episode"));
    truce_scenario_free(s);
}

/* The same lever on the same day has the same id in two portfolios: its random draws
 * (keyed by id) are common to both. */
static void common_ids_across_portfolios(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    truce_portfolio *a = from_text(s,
                                   "name: a\nlevers:\n"
                                   "  - {lever: ceasefire, start: 2026-01-01, regions: all}\n",
                                   &err);
    truce_portfolio *b = from_text(s,
                                   "name: b\nlevers:\n"
                                   "  - {lever: development, start: 2026-01-01, regions: malakand}\n"
                                   "  - {lever: ceasefire, start: 2026-01-01, regions: all, monitoring: 1}\n",
                                   &err);
    assert_non_null(a);
    assert_non_null(b);
    truce_scenario *ca = truce_scenario_copy(s, &err), *cb = truce_scenario_copy(s, &err);
    assert_int_equal(truce_portfolio_apply(a, ca, &err), 0);
    assert_int_equal(truce_portfolio_apply(b, cb, &err), 0);
    const episode *x = find(ca, "ceasefire@20260101"), *y = find(cb, "ceasefire@20260101");
    assert_non_null(x);
    assert_non_null(y);
    assert_near(y->monitoring, 1.0, 0);
    truce_scenario_free(ca);
    truce_scenario_free(cb);
    truce_portfolio_free(a);
    truce_portfolio_free(b);
    truce_scenario_free(s);
}

static void demobilisation(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    truce_portfolio *p = from_text(s,
                                   "name: demob\nlevers:\n"
                                   "  - lever: peace_deal\n"
                                   "    start: 2026-01-01\n"
                                   "    regions: waziristan;kp_south\n"
                                   "    monitoring: 1\n"
                                   "    demobilisation: param:reintegration_swat\n",
                                   &err);
    if (!p) fail_msg("%s", err.message);
    assert_int_equal(truce_portfolio_lever_count(p), 2);
    truce_scenario *c = truce_scenario_copy(s, &err);
    assert_int_equal(truce_portfolio_apply(p, c, &err), 0);
    const episode *d = find(c, "peace_deal@20260101"), *r = find(c, "reintegration@20260101");
    assert_non_null(d);
    assert_non_null(r);
    assert_int_equal(r->lever, LEVER_REINTEGRATION);
    assert_int_equal(r->start, d->start);
    assert_int_equal(r->end, d->end);
    assert_int_equal(r->open_end, d->open_end);
    assert_true(r->regions == d->regions);
    /* the same organisations as the deal (the first), not reintegration's default (all) */
    assert_int_equal(r->orgs, d->orgs);
    assert_int_equal(r->orgs, 1u);
    assert_string_equal(param_table[r->param_ref[EP_INTENSITY] - 1].name, "reintegration_swat");
    truce_scenario_free(c);
    truce_portfolio_free(p);

    /* only on a ceasefire or a peace deal; its value checked as an intensity */
    p = from_text(s, "name: d\nlevers:\n  - {lever: talks, start: 2026, regions: all,\n     demobilisation: 1}\n",
                  &err);
    assert_null(p);
    assert_non_null(strstr(err.message, "t.yaml:4: levers[1].demobilisation: only a ceasefire"));
    p = from_text(s, "name: d\nlevers:\n  - lever: ceasefire\n    start: 2026\n    regions: all\n    demobilisation: 101\n",
                  &err);
    assert_null(p);
    assert_non_null(strstr(err.message, "t.yaml:6: levers[1].demobilisation: 101 is outside [-10, 100]"));
    truce_scenario_free(s);
}

static void hash_stable(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    const char *a = "name: h\nlevers:\n  - {lever: development, start: 2026, regions: malakand;hazara, intensity: 0.5}\n";
    /* the same contents written otherwise: a list of regions in another order, a comment,
     * a description and a note (not part of the hash) */
    const char *b = "# comment\nname: h\ndescription: other words\nlevers:\n  - lever: development\n"
                    "    start: 2026\n    regions: [hazara, malakand]\n    intensity: 5e-1\n"
                    "    note: text\n";
    const char *c = "name: h\nlevers:\n  - {lever: development, start: 2026, regions: malakand;hazara, intensity: 0.6}\n";
    const char *d = "name: h2\nlevers:\n  - {lever: development, start: 2026, regions: malakand;hazara, intensity: 0.5}\n";
    truce_portfolio *pa = from_text(s, a, &err), *pb = from_text(s, b, &err);
    truce_portfolio *pc = from_text(s, c, &err), *pd = from_text(s, d, &err);
    assert_non_null(pa);
    assert_non_null(pb);
    assert_non_null(pc);
    assert_non_null(pd);
    assert_string_equal(truce_portfolio_hash(pa), truce_portfolio_hash(pb));
    assert_string_not_equal(truce_portfolio_hash(pa), truce_portfolio_hash(pc));
    assert_string_not_equal(truce_portfolio_hash(pa), truce_portfolio_hash(pd));
    /* the open end is hashed as such, not as the day the scenario's horizon puts it on */
    truce_scenario *l = truce_scenario_copy(s, &err);
    assert_int_equal(truce_scenario_set_end(l, "2031", &err), 0);
    truce_portfolio *pl = from_text(l, a, &err);
    assert_non_null(pl);
    assert_string_equal(truce_portfolio_hash(pa), truce_portfolio_hash(pl));
    /* a pinned value: the canonical form must not change unnoticed (bump
     * "truce-portfolio-1" if it has to) */
    assert_string_equal(truce_portfolio_hash(pa), PINNED_HASH);
    truce_portfolio_free(pl);
    truce_scenario_free(l);
    truce_portfolio_free(pa);
    truce_portfolio_free(pb);
    truce_portfolio_free(pc);
    truce_portfolio_free(pd);
    truce_scenario_free(s);
}

static void builtins(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    size_t n = truce_portfolio_builtin_count();
    assert_true(n >= 12);
    assert_string_equal(truce_portfolio_builtin_file(0), "status-quo.yaml");
    assert_null(truce_portfolio_builtin_file(n));
    assert_null(truce_portfolio_load_builtin(n, s, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    for (size_t i = 0; i < n; i++) {
        if (i > 1)
            assert_true(strcmp(truce_portfolio_builtin_file(i - 1), truce_portfolio_builtin_file(i)) < 0);
        truce_portfolio *p = truce_portfolio_load_builtin(i, s, &err);
        if (!p) fail_msg("%s: %s", truce_portfolio_builtin_file(i), err.message);
        /* the file is named after the portfolio */
        char file[80];
        snprintf(file, sizeof file, "%s.yaml", truce_portfolio_name(p));
        assert_string_equal(file, truce_portfolio_builtin_file(i));
        assert_true(strlen(truce_portfolio_description(p)) > 40);
        truce_scenario *c = truce_scenario_copy(s, &err);
        assert_int_equal(truce_scenario_set_end(c, "2030-12-31", &err), 0);
        if (truce_portfolio_apply(p, c, &err)) fail_msg("%s", err.message);
        assert_int_equal(truce_portfolio_first_day(p), cal_days_from_civil(2026, 1, 1));
        truce_scenario_free(c);
        truce_portfolio_free(p);
    }
    /* the shipped files on disk are those compiled in (the same text loads the same) */
    truce_portfolio *mem = truce_portfolio_load_builtin(0, s, &err);
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/portfolios/status-quo.yaml", root());
    truce_portfolio *disk = truce_portfolio_load(path, s, &err);
    if (!disk) fail_msg("%s", err.message);
    assert_string_equal(truce_portfolio_hash(mem), truce_portfolio_hash(disk));
    truce_portfolio_free(mem);
    truce_portfolio_free(disk);
    truce_scenario_free(s);
}

/* The status quo continues every policy of the default scenario that ends on 2025-12-31,
 * with the same cells. */
static void status_quo_continues(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    truce_portfolio *p = truce_portfolio_load_builtin(0, s, &err);
    assert_non_null(p);
    truce_scenario *c = truce_scenario_copy(s, &err);
    assert_int_equal(truce_scenario_set_end(c, "2030-12-31", &err), 0);
    assert_int_equal(truce_portfolio_apply(p, c, &err), 0);
    const int32_t last = cal_days_from_civil(2025, 12, 31);
    size_t continued = 0;
    for (size_t i = 0; i < s->nepisodes; i++) {
        const episode *e = &s->episodes[i];
        if (strcmp(e->kind, "policy") != 0 || e->end != last || e->open_end) continue;
        int found = 0;
        for (size_t j = 0; j < c->nepisodes && !found; j++) {
            const episode *x = &c->episodes[j];
            found = strcmp(x->kind, "portfolio") == 0 && x->lever == e->lever &&
                    x->regions == e->regions && x->orgs == e->orgs &&
                    x->start == last + 1 && x->open_end &&
                    memcmp(x->param_ref, e->param_ref, sizeof x->param_ref) == 0 &&
                    (x->param_ref[EP_INTENSITY] || x->intensity == e->intensity);
        }
        if (!found) fail_msg("policy %s is not continued by the status quo", e->id);
        continued++;
    }
    assert_int_equal(continued, truce_portfolio_lever_count(p));
    truce_scenario_free(c);
    truce_portfolio_free(p);
    truce_scenario_free(s);
}

/* Every case in tests/portfolios/bad/EXPECTED fails with TRUCE_EINPUT and says what it must. */
static void bad_corpus(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    char path[4096], line[2048];
    snprintf(path, sizeof path, "%s/tests/portfolios/bad/EXPECTED", root());
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    size_t cases = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        if (!tab) fail_msg("EXPECTED: no TAB in '%s'", line);
        *tab = '\0';
        char file[4096];
        snprintf(file, sizeof file, "%s/tests/portfolios/bad/%s", root(), line);
        truce_error err;
        truce_portfolio *p = truce_portfolio_load(file, s, &err);
        if (p) fail_msg("%s loaded", line);
        if (err.code != TRUCE_EINPUT) fail_msg("%s: code %d: %s", line, err.code, err.message);
        for (char *want = tab + 1; want && *want;) {
            char *next = strchr(want, '\t');
            if (next) *next++ = '\0';
            if (!strstr(err.message, want))
                fail_msg("%s: expected '%s' in '%s'", line, want, err.message);
            want = next;
        }
        cases++;
    }
    fclose(f);
    assert_true(cases >= 15);
    truce_scenario_free(s);
}

/* docs/portfolios.md's example (the block after "<!-- example -->") loads as it stands. */
static void docs_example(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/portfolios.md", root());
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    char line[1024], text[16384];
    size_t n = 0;
    int state_ = 0; /* 0 before the marker, 1 before the fence, 2 inside, 3 done */
    while (state_ < 3 && fgets(line, sizeof line, f)) {
        if (state_ == 0 && strstr(line, "<!-- example -->")) state_ = 1;
        else if (state_ == 1 && strncmp(line, "```yaml", 7) == 0) state_ = 2;
        else if (state_ == 2 && strncmp(line, "```", 3) == 0) state_ = 3;
        else if (state_ == 2) {
            size_t k = strlen(line);
            assert_true(n + k < sizeof text);
            memcpy(text + n, line, k);
            n += k;
        }
    }
    fclose(f);
    assert_int_equal(state_, 3);
    truce_error err;
    truce_portfolio *p = truce_portfolio_load_memory("docs/portfolios.md example", text, n, s, &err);
    if (!p) fail_msg("%s", err.message);
    assert_true(truce_portfolio_lever_count(p) >= 3);
    truce_scenario *c = truce_scenario_copy(s, &err);
    assert_int_equal(truce_scenario_set_end(c, "2030-12-31", &err), 0);
    assert_int_equal(truce_portfolio_apply(p, c, &err), 0);
    truce_scenario_free(c);
    truce_portfolio_free(p);
    truce_scenario_free(s);
}

/* docs/portfolios.md's table of the shipped set, between its markers, is generated from the
 * files: on a mismatch this prints the block to paste. */
static void docs_table(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    static char want[1 << 16], have[1 << 16];
    size_t n = 0;
    n += (size_t)snprintf(want + n, sizeof want - n,
                          "| portfolio | file | levers | what it is (its description) |\n"
                          "|---|---|---|---|\n");
    for (size_t i = 0; i < truce_portfolio_builtin_count(); i++) {
        truce_portfolio *p = truce_portfolio_load_builtin(i, s, &err);
        assert_non_null(p);
        const char *f = truce_portfolio_builtin_file(i), *d = truce_portfolio_description(p);
        n += (size_t)snprintf(want + n, sizeof want - n, "| `%s` | [%s](../scenarios/portfolios/%s) | %zu | ",
                              truce_portfolio_name(p), f, f, truce_portfolio_lever_count(p));
        int space = 0;
        for (const char *c = d; *c && n + 8 < sizeof want; c++) {
            if (*c == '\n' || *c == ' ') {
                space = 1;
                continue;
            }
            if (space && c != d) want[n++] = ' ';
            space = 0;
            want[n++] = *c == '|' ? '/' : *c;
        }
        n += (size_t)snprintf(want + n, sizeof want - n, " |\n");
        assert_true(n + 8 < sizeof want);
        truce_portfolio_free(p);
    }
    char path[4096], line[8192];
    snprintf(path, sizeof path, "%s/docs/portfolios.md", root());
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    size_t m = 0;
    int in = 0, ended = 0;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "<!-- shipped:begin -->")) in = 1;
        else if (strstr(line, "<!-- shipped:end -->")) in = 0, ended = 1;
        else if (in) {
            size_t k = strlen(line);
            if (m + k >= sizeof have) break;
            memcpy(have + m, line, k);
            m += k;
        }
    }
    fclose(f);
    have[m] = '\0';
    assert_true(ended);
    if (strcmp(want, have) != 0) {
        fprintf(stderr, "%s", want);
        fail_msg("docs/portfolios.md: the table of the shipped portfolios is out of date; put "
                 "the lines above between its markers");
    }
    truce_scenario_free(s);
}

/* ---- a lever at intensity 0 has exactly no effect -------------------------------------- */

static truce_result *run_2030(const truce_scenario *s, uint32_t run)
{
    truce_run_options o;
    truce_run_options_init(&o);
    o.seed = 7;
    o.run = run;
    truce_error err;
    truce_result *r = truce_run(s, &o, &err);
    if (!r) fail_msg("%s", err.message);
    return r;
}

/* Every recorded value, every flow and the count of random words drawn, bit for bit. */
static void assert_same_run(const truce_result *a, const truce_result *b, const char *what)
{
    assert_int_equal(truce_result_days(a), truce_result_days(b));
    const size_t R = truce_result_region_count(a) + 1, D = truce_result_days(a);
    for (size_t r = 0; r < R; r++)
        for (int v = 0; v < TRUCE_VAR_COUNT; v++)
            for (size_t d = 0; d < D; d++) {
                double x = truce_result_value(a, r, (truce_variable)v, d);
                double y = truce_result_value(b, r, (truce_variable)v, d);
                if (memcmp(&x, &y, sizeof x) != 0)
                    fail_msg("%s: region %zu variable %d day %zu: %.17g vs %.17g", what, r, v, d,
                             x, y);
            }
    for (int f = 0; f < TRUCE_FLOW_COUNT; f++) {
        double x = truce_result_flow(a, (truce_flow)f), y = truce_result_flow(b, (truce_flow)f);
        if (memcmp(&x, &y, sizeof x) != 0)
            fail_msg("%s: flow %s: %.17g vs %.17g", what, truce_flow_name((truce_flow)f), x, y);
    }
    if (truce_result_draws(a) != truce_result_draws(b))
        fail_msg("%s: %llu vs %llu random words", what, (unsigned long long)truce_result_draws(a),
                 (unsigned long long)truce_result_draws(b));
}

static void zero_intensity_is_no_lever(void **state)
{
    (void)state;
    truce_scenario *s = scenario();
    truce_error err;
    truce_portfolio *sq = truce_portfolio_load_builtin(0, s, &err);
    assert_non_null(sq);
    truce_scenario *base = truce_scenario_copy(s, &err);
    assert_int_equal(truce_scenario_set_end(base, "2030-12-31", &err), 0);
    assert_int_equal(truce_portfolio_apply(sq, base, &err), 0);
    /* status quo plus a lever at intensity 0 (open-ended, from 2026, where each acts) */
    static const char *const zero[] = {
        "{lever: operation, start: 2026-01-01, regions: all, intensity: 0, focus: 0.9, id: z}",
        "{lever: development, start: 2026-01-01, regions: all, intensity: 0, id: z}",
        "{lever: finance_disruption, start: 2026-01-01, regions: all, intensity: 0, id: z}",
        "{lever: cross_border_strike, start: 2026-01-01, end: 2026-06-30, regions: afghanistan, intensity: 0, id: z}",
        "{lever: host_pressure, start: 2026-01-01, regions: afghanistan, intensity: 0, id: z}",
        "{lever: reintegration, start: 2026-01-01, regions: all, intensity: 0, id: z}",
        "{lever: chorus, start: 2026-01-01, regions: all, intensity: 0, id: z}",
        "{lever: border_clash, start: 2026-03-01, end: 2026-03-05, regions: afghanistan, intensity: 0, id: z}",
    };
    truce_result *ref[2] = {run_2030(base, 0), run_2030(base, 3)};
    /* the same scenario copied: the comparison itself can tell runs apart (a different run
     * index gives other bytes) */
    {
        int same = truce_result_flow(ref[0], TRUCE_FLOW_ATTACKS) ==
                   truce_result_flow(ref[1], TRUCE_FLOW_ATTACKS);
        assert_false(same);
    }
    for (size_t k = 0; k < sizeof zero / sizeof zero[0]; k++) {
        char text[512];
        snprintf(text, sizeof text, "name: zero\nlevers:\n  - %s\n", zero[k]);
        truce_portfolio *p = from_text(s, text, &err);
        if (!p) fail_msg("%s: %s", zero[k], err.message);
        truce_scenario *c = truce_scenario_copy(base, &err);
        if (truce_portfolio_apply(p, c, &err)) fail_msg("%s", err.message);
        assert_string_not_equal(truce_scenario_hash(c), truce_scenario_hash(base));
        for (uint32_t i = 0; i < 2; i++) {
            truce_result *r = run_2030(c, i == 0 ? 0 : 3);
            assert_same_run(ref[i], r, zero[k]);
            truce_result_free(r);
        }
        /* and the same lever at intensity 1 does change the run (the test can fail) */
        char *z = strstr(text, "intensity: 0");
        if (z && strncmp(zero[k], "{lever: chorus", 14) != 0) {
            z[strlen("intensity: ")] = '1';
            truce_portfolio *q = from_text(s, text, &err);
            assert_non_null(q);
            truce_scenario *d = truce_scenario_copy(base, &err);
            assert_int_equal(truce_portfolio_apply(q, d, &err), 0);
            truce_result *r = run_2030(d, 0);
            int differs = 0;
            for (int f = 0; f < TRUCE_FLOW_COUNT && !differs; f++)
                differs = truce_result_flow(r, (truce_flow)f) !=
                          truce_result_flow(ref[0], (truce_flow)f);
            if (!differs) fail_msg("%s at intensity 1 changes nothing", zero[k]);
            truce_result_free(r);
            truce_scenario_free(d);
            truce_portfolio_free(q);
        }
        truce_scenario_free(c);
        truce_portfolio_free(p);
    }
    truce_result_free(ref[0]);
    truce_result_free(ref[1]);
    truce_scenario_free(base);
    truce_portfolio_free(sq);
    truce_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_and_applies),
        cmocka_unit_test(ids),
        cmocka_unit_test(common_ids_across_portfolios),
        cmocka_unit_test(demobilisation),
        cmocka_unit_test(hash_stable),
        cmocka_unit_test(builtins),
        cmocka_unit_test(status_quo_continues),
        cmocka_unit_test(bad_corpus),
        cmocka_unit_test(docs_example),
        cmocka_unit_test(docs_table),
        cmocka_unit_test(zero_intensity_is_no_lever),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
