/* The engine for many runs: recording only what is asked, period summaries as series,
 * parameter vectors, and the step API (snapshot, restore, branch). Every check compares
 * two ways of computing the same numbers bit for bit, so none can pass by tolerance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "truce.h"

static truce_scenario *load(const char *end, const char *without)
{
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    if (!sc) fail_msg("default scenario: %s", err.message);
    if (end && truce_scenario_set_end(sc, end, &err)) fail_msg("end: %s", err.message);
    if (without && truce_scenario_remove_episode(sc, without, &err)) fail_msg("without: %s", err.message);
    return sc;
}

static int32_t day_of(const char *date)
{
    int32_t first, last;
    truce_precision p;
    if (truce_date_parse(date, &first, &last, &p)) fail_msg("bad date %s", date);
    return last;
}

/* Every recorded value of a and b is the same double (NAN equal to NAN). */
static void assert_same_result(const truce_result *a, const truce_result *b)
{
    assert_int_equal(truce_result_period_count(a), truce_result_period_count(b));
    size_t R = truce_result_region_count(a), cells = 0;
    for (size_t p = 0; p < truce_result_period_count(a); p++)
        for (size_t g = 0; g <= R; g++)
            for (int v = 0; v < TRUCE_VAR_COUNT; v++) {
                double x = truce_result_get(a, p, g, (truce_variable)v);
                double y = truce_result_get(b, p, g, (truce_variable)v);
                if (isnan(x) && isnan(y)) continue;
                if (memcmp(&x, &y, sizeof x) != 0)
                    fail_msg("period %zu region %zu %s: %.17g vs %.17g", p, g,
                             truce_variable_name((truce_variable)v), x, y);
                cells++;
            }
    assert_true(cells > 0);
    /* and each organisation's own record */
    assert_int_equal(truce_result_organisation_count(a), truce_result_organisation_count(b));
    const truce_result *a0 = truce_result_organisation(a, 0);
    if (a0 && a0 != a) /* a run of several organisations, not one's own record */
        for (size_t k = 0; k < truce_result_organisation_count(a); k++)
            assert_same_result(truce_result_organisation(a, k), truce_result_organisation(b, k));
    for (int f = 0; f < TRUCE_FLOW_COUNT; f++)
        assert_true(truce_result_flow(a, (truce_flow)f) == truce_result_flow(b, (truce_flow)f));
    assert_true(truce_result_draws(a) == truce_result_draws(b));
}

static truce_run_options monthly(uint64_t seed, uint32_t run)
{
    truce_run_options o;
    truce_run_options_init(&o);
    o.seed = seed;
    o.run = run;
    o.record.by = TRUCE_BY_MONTH;
    return o;
}

static truce_result *whole(const truce_scenario *sc, const truce_run_options *o)
{
    truce_error err;
    truce_result *r = truce_run(sc, o, &err);
    if (!r) fail_msg("run: %s", err.message);
    return r;
}

/* Two organisations (the default): each one's record, the shared state only in the total,
 * and the total the sum of the two (to rounding: a period's flow is summed day by day). */
static void test_organisations(void **state)
{
    (void)state;
    truce_scenario *sc = load("2012-12-31", NULL);
    truce_run_options o = monthly(5, 0);
    truce_result *r = whole(sc, &o);
    assert_int_equal(truce_result_organisation_count(r), 2);
    assert_string_equal(truce_result_organisation_name(r, 0), "ttp");
    assert_string_equal(truce_result_organisation_name(r, 1), "baloch");
    assert_null(truce_result_organisation_name(r, 2));
    assert_null(truce_result_organisation(r, 2));
    const truce_result *a = truce_result_organisation(r, 0), *b = truce_result_organisation(r, 1);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a != r && b != r);
    assert_null(truce_result_organisation(a, 0)); /* not nested */
    const size_t R = truce_result_region_count(r);
    size_t checked = 0, baloch_in_kp = 0;
    for (size_t p = 0; p < truce_result_period_count(r); p++)
        for (size_t g = 0; g <= R; g++)
            for (int v = 0; v < TRUCE_VAR_COUNT; v++) {
                const truce_variable_info *vi = truce_variable_info_of((truce_variable)v);
                double t = truce_result_get(r, p, g, (truce_variable)v);
                double x = truce_result_get(a, p, g, (truce_variable)v), y = truce_result_get(b, p, g, (truce_variable)v);
                if (vi->total == TRUCE_TOTAL_POPULATION_MEAN) {
                    assert_true(isnan(x) && isnan(y) && !isnan(t));
                    continue;
                }
                if (isnan(t)) {
                    assert_true(isnan(x) && isnan(y));
                    continue;
                }
                if (v == TRUCE_VAR_LEGITIMACY || v == TRUCE_VAR_HOST_PATRONAGE)
                    assert_true(t == x);
                else if (fabs(t - (x + y)) > 1e-12 * fmax(1.0, fabs(t)))
                    fail_msg("period %zu region %zu %s: %.17g vs %.17g + %.17g", p, g, vi->name, t, x, y);
                if (g < 6 && y != 0.0) baloch_in_kp++; /* the six KP regions */
                checked++;
            }
    assert_true(checked > 10000);
    assert_int_equal(baloch_in_kp, 0); /* the Baloch insurgency lives in Balochistan only */
    assert_true(truce_result_total(b, R, TRUCE_VAR_ATTACKS, truce_scenario_start(sc), day_of("2012-12-31")) > 0.0);
    truce_error err;
    truce_series *ser = truce_result_series(b, R, TRUCE_VAR_GRIEVANCE, TRUCE_BY_YEAR, &err);
    assert_null(ser); /* shared state: not recorded per organisation */
    assert_int_equal(err.code, TRUCE_EINPUT);
    truce_result_free(r);
    truce_scenario_free(sc);
}

/* A history run to a branch day, then continued under another scenario, gives the same
 * bytes as running that scenario from the start: the shape the assessment relies on. */
static void test_branch_equals_whole_run(void **state)
{
    (void)state;
    truce_scenario *base = load(NULL, NULL), *alt = load(NULL, "28");
    truce_run_options o = monthly(42, 3);
    truce_error err;
    truce_model *m = truce_model_new(base, &o, &err);
    assert_non_null(m);
    assert_int_equal(truce_model_advance(m, day_of("2021-12-31"), &err), 0);
    assert_int_equal(truce_model_next_day(m), day_of("2022-01-01"));
    truce_model *snap = truce_model_snapshot(m, &err);
    assert_non_null(snap);
    assert_int_equal(truce_model_switch(m, alt, &err), 0);
    truce_result *branched = truce_model_finish(m, &err);
    truce_result *straight = whole(alt, &o);
    assert_same_result(branched, straight);
    /* the snapshot continued under the base scenario is the base run */
    assert_int_equal(truce_model_switch(snap, base, &err), 0);
    truce_result *b2 = truce_model_finish(snap, &err);
    truce_result *b1 = whole(base, &o);
    assert_same_result(b2, b1);
    /* and the alternative differs from the base after the episode's start only */
    int differs = 0;
    const size_t all = truce_result_region_count(b1);
    for (size_t p = 0; p < truce_result_period_count(b1); p++) {
        int32_t first, last;
        truce_result_period(b1, p, &first, &last);
        double x = truce_result_get(b1, p, all, TRUCE_VAR_ATTACKS);
        double y = truce_result_get(straight, p, all, TRUCE_VAR_ATTACKS);
        if (last < day_of("2022-06-01")) assert_true(x == y);
        else differs |= x != y;
    }
    assert_true(differs);
    truce_result_free(branched);
    truce_result_free(straight);
    truce_result_free(b1);
    truce_result_free(b2);
    truce_scenario_free(base);
    truce_scenario_free(alt);
}

/* Restoring a snapshot rewinds the run: advancing again gives the run's own bytes. */
static void test_restore_rewinds(void **state)
{
    (void)state;
    truce_scenario *sc = load("2012-12-31", NULL);
    truce_run_options o = monthly(7, 0);
    o.mean_field = 0;
    truce_error err;
    truce_model *m = truce_model_new(sc, &o, &err);
    assert_int_equal(truce_model_advance(m, day_of("2006-06-30"), &err), 0);
    truce_model *snap = truce_model_snapshot(m, &err);
    assert_int_equal(truce_model_advance(m, day_of("2010-01-01"), &err), 0);
    assert_int_equal(truce_model_restore(m, snap, &err), 0);
    assert_int_equal(truce_model_next_day(m), day_of("2006-07-01"));
    truce_result *a = truce_model_finish(m, &err), *b = whole(sc, &o);
    assert_same_result(a, b);
    truce_model_free(snap);
    truce_result_free(a);
    truce_result_free(b);
    truce_scenario_free(sc);
}

/* Recording one variable for one row by year gives the yearly sums of the full daily
 * record; flows are summed and stocks take the last day. */
static void test_selective_record_matches_daily(void **state)
{
    (void)state;
    truce_scenario *sc = load("2008-12-31", NULL);
    truce_run_options daily, yearly;
    truce_run_options_init(&daily);
    daily.seed = 3;
    yearly = daily;
    yearly.record.by = TRUCE_BY_YEAR;
    yearly.record.variables = 1u << TRUCE_VAR_ATTACKS | 1u << TRUCE_VAR_FIGHTERS;
    yearly.record.regions = 1u << 1;
    yearly.record.total = 0;
    truce_result *d = whole(sc, &daily), *y = whole(sc, &yearly);
    truce_error err;
    const truce_variable vars[2] = {TRUCE_VAR_ATTACKS, TRUCE_VAR_FIGHTERS};
    for (int k = 0; k < 2; k++) {
        truce_series *s = truce_result_series(d, 1, vars[k], TRUCE_BY_YEAR, &err);
        assert_non_null(s);
        assert_int_equal(truce_series_count(s), truce_result_period_count(y));
        for (size_t p = 0; p < truce_series_count(s); p++) {
            int32_t f1, l1, f2, l2;
            double v;
            truce_series_period(s, p, &f1, &l1, &v);
            truce_result_period(y, p, &f2, &l2);
            assert_int_equal(f1, f2);
            assert_int_equal(l1, l2);
            assert_true(v == truce_result_get(y, p, 1, vars[k]));
        }
        assert_string_equal(truce_series_source(s), "truce");
        assert_string_equal(truce_series_metric(s), truce_variable_name(vars[k]));
        truce_series_free(s);
    }
    /* what was not recorded is NAN, and asking for its series is an input error */
    assert_true(isnan(truce_result_get(y, 0, 0, TRUCE_VAR_ATTACKS)));
    assert_true(isnan(truce_result_get(y, 0, 1, TRUCE_VAR_RECRUITS)));
    assert_null(truce_result_series(y, 1, TRUCE_VAR_RECRUITS, TRUCE_BY_YEAR, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    /* a yearly record cannot be cut into months; weeks do not nest in months */
    assert_null(truce_result_series(y, 1, TRUCE_VAR_ATTACKS, TRUCE_BY_MONTH, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    /* a period kind that does not exist is refused, not printed as garbage */
    assert_null(truce_result_series(d, 1, TRUCE_VAR_ATTACKS, (truce_period)7, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    truce_run_options weekly = daily;
    weekly.record.by = TRUCE_BY_WEEK;
    truce_result *w = whole(sc, &weekly);
    assert_null(truce_result_series(w, 1, TRUCE_VAR_ATTACKS, TRUCE_BY_MONTH, &err));
    /* the recording changes nothing about the run itself */
    assert_true(truce_result_draws(d) == truce_result_draws(y));
    /* totals over a window: the daily sum over 2005 equals the 2005 yearly value */
    double t = truce_result_total(d, 1, TRUCE_VAR_ATTACKS, day_of("2005-01-01"), day_of("2005-12-31"));
    assert_true(t == truce_result_get(y, 3, 1, TRUCE_VAR_ATTACKS));
    /* a window that cuts a recorded period has no honest total */
    assert_true(isnan(truce_result_total(y, 1, TRUCE_VAR_ATTACKS, day_of("2005-03-01"), day_of("2005-12-31"))));
    truce_result_free(d);
    truce_result_free(y);
    truce_result_free(w);
    truce_scenario_free(sc);
}

/* A run given the scenario's own parameter vector is the scenario's run; a changed vector
 * is the run of a scenario with that parameter set; an out-of-bounds vector is refused. */
static void test_parameter_vectors(void **state)
{
    (void)state;
    truce_scenario *sc = load("2006-12-31", NULL);
    const size_t n = truce_param_count();
    double *v = malloc(n * sizeof *v), *d = malloc(n * sizeof *d);
    truce_scenario_params(sc, v);
    /* The default scenario's vector is the table's defaults with the parameters of the
     * shipped posterior's particle closest to the data (its `calibration:` row 29): exactly
     * row 29's full vector as truce_posterior_params builds it (run from the repository). */
    truce_error perr;
    truce_posterior *post = truce_posterior_load("data/posterior/pakistan-ttp.csv", sc, &perr);
    assert_non_null(post);
    truce_posterior_params(post, 28, d);
    assert_memory_equal(v, d, n * sizeof *v);
    truce_params_default(d);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) differ += v[i] != d[i];
    assert_true(differ > 0);   /* the calibration changed something */
    truce_posterior_free(post);
    truce_run_options o = monthly(5, 1), ov = o;
    ov.params = v;
    truce_result *a = whole(sc, &o), *b = whole(sc, &ov);
    assert_same_result(a, b);
    long k = truce_param_find("attack_rate");
    assert_true(k >= 0);
    v[k] *= 1.5;
    truce_result *c = whole(sc, &ov);
    truce_scenario *sc2 = truce_scenario_copy(sc, NULL);
    assert_string_equal(truce_scenario_hash(sc2), truce_scenario_hash(sc));
    assert_int_equal(truce_scenario_set_param(sc2, "attack_rate", v[k], NULL), 0);
    truce_result *c2 = whole(sc2, &o);
    assert_same_result(c, c2);
    const int32_t t0 = truce_scenario_start(sc), t1 = truce_scenario_end(sc);
    const double tc = truce_result_total(c, 9, TRUCE_VAR_ATTACKS, t0, t1), ta = truce_result_total(a, 9, TRUCE_VAR_ATTACKS, t0, t1);
    assert_true(isfinite(tc) && isfinite(ta) && tc != ta);
    /* days outside the record have no value: a window past the horizon is NAN, not a partial sum */
    assert_true(isnan(truce_result_total(a, 9, TRUCE_VAR_ATTACKS, t0, t1 + 400)));
    assert_true(isnan(truce_result_total(a, 9, TRUCE_VAR_ATTACKS, t1 + 1, t1 + 400)));
    assert_true(isnan(truce_result_total(a, 9, TRUCE_VAR_FIGHTERS, t0, t1 + 1)));
    v[k] = truce_param_at((size_t)k)->hi * 2.0;
    truce_error err;
    assert_null(truce_run(sc, &ov, &err));
    assert_int_equal(err.code, TRUCE_EINPUT);
    assert_non_null(strstr(err.message, "attack_rate"));
    /* options not made by _init are refused rather than run with zeroed recording */
    truce_run_options raw;
    memset(&raw, 0, sizeof raw);
    assert_null(truce_run(sc, &raw, &err));
    assert_non_null(strstr(err.message, "truce_run_options_init"));
    truce_result_free(a);
    truce_result_free(b);
    truce_result_free(c);
    truce_result_free(c2);
    truce_scenario_free(sc);
    truce_scenario_free(sc2);
    free(v);
    free(d);
}

/* Prior draws are a pure function of (seed, index), inside every bound, and quantiles are
 * monotone in u; fixed parameters keep their default. */
static void test_prior_draws(void **state)
{
    (void)state;
    const size_t n = truce_param_count();
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    truce_prior_draw(11, 5, a);
    truce_prior_draw(11, 5, b);
    truce_prior_draw(11, 6, c);
    assert_memory_equal(a, b, n * sizeof *a);
    assert_int_equal(truce_params_check(a, NULL), 0);
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
        const truce_param_info *p = truce_param_at(i);
        if (p->prior == TRUCE_PRIOR_FIXED) {
            assert_true(a[i] == p->value);
            continue;
        }
        changed |= a[i] != c[i];
        double prev = -INFINITY;
        for (int q = 1; q < 100; q++) {
            double x = truce_prior_quantile(i, q / 100.0);
            assert_true(x >= p->lo && x <= p->hi);
            assert_true(x >= prev);
            prev = x;
        }
        if (p->prior == TRUCE_PRIOR_UNIFORM) assert_near(truce_prior_quantile(i, 0.5), (p->a + p->b) / 2, 1e-12);
    }
    assert_true(changed);
    char h1[17], h2[17];
    truce_params_hash(a, h1);
    truce_params_hash(c, h2);
    assert_int_equal((int)strlen(h1), 16);
    assert_string_not_equal(h1, h2);
    free(a);
    free(b);
    free(c);
}

/* The variable table: every variable has a name found back by truce_variable_find, and
 * organisation-wide ones are stocks. */
static void test_variable_table(void **state)
{
    (void)state;
    for (int k = 0; k < TRUCE_VAR_COUNT; k++) {
        const truce_variable_info *vi = truce_variable_info_of((truce_variable)k);
        assert_non_null(vi);
        truce_variable back;
        assert_int_equal(truce_variable_find(vi->name, &back), 0);
        assert_int_equal(back, k);
        if (vi->total == TRUCE_TOTAL_ORGANISATION) assert_int_equal(vi->kind, TRUCE_KIND_STOCK);
    }
    truce_variable v;
    assert_int_equal(truce_variable_find("no_such_variable", &v), -1);
    /* every model variable named by the metric map exists */
    for (size_t i = 0; i < truce_metric_map_count(); i++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", truce_metric_map_at(i)->variables);
        for (char *t = strtok(buf, "+"); t; t = strtok(NULL, "+")) assert_int_equal(truce_variable_find(t, &v), 0);
    }
}

/* A simulated series.csv read back as a reported table: the total's attacks equal the
 * run's, and "killed" is the sum the metric map names. */
static void test_simulated_series_read_back(void **state)
{
    (void)state;
    truce_scenario *sc = load("2004-12-31", NULL);
    truce_run_options o = monthly(9, 0);
    truce_result *r = whole(sc, &o);
    char path[] = "/tmp/truce-test-engine-XXXXXX";
    char *dir = mkdtemp(path);
    assert_non_null(dir);
    char out[256];
    snprintf(out, sizeof out, "%s/o", dir);
    truce_error err;
    assert_int_equal(truce_result_write(r, sc, out, TRUCE_BY_MONTH, NULL, &err), 0);
    char csv[300];
    snprintf(csv, sizeof csv, "%s/series.csv", out);
    truce_reported *t = truce_reported_load(csv, &err);
    if (!t) fail_msg("%s", err.message);
    assert_int_equal(truce_reported_simulated(t), 1);
    truce_series *att = truce_reported_series(t, "truce", "attacks", "all", &err);
    truce_series *killed = truce_reported_series(t, "truce", "killed", "all", &err);
    assert_non_null(att);
    assert_non_null(killed);
    assert_int_equal(truce_series_count(att), truce_result_period_count(r));
    for (size_t p = 0; p < truce_series_count(att); p++) {
        int32_t f, l;
        double v, k;
        truce_series_period(att, p, &f, &l, &v);
        assert_true(v == truce_result_get(r, p, 9, TRUCE_VAR_ATTACKS));
        truce_series_period(killed, p, &f, &l, &k);
        assert_true(k == truce_result_get(r, p, 9, TRUCE_VAR_DEATHS_SECURITY) +
                             truce_result_get(r, p, 9, TRUCE_VAR_DEATHS_CIVILIAN) +
                             truce_result_get(r, p, 9, TRUCE_VAR_MILITANTS_KILLED_IN_ATTACKS));
    }
    truce_series_free(att);
    truce_series_free(killed);
    truce_reported_free(t);
    char rm[400];
    snprintf(rm, sizeof rm, "%s/series.csv", out);
    remove(rm);
    snprintf(rm, sizeof rm, "%s/summary.json", out);
    remove(rm);
    remove(out);
    remove(dir);
    truce_result_free(r);
    truce_scenario_free(sc);
}

/* The observation models: in expected mode each report is the source's rate times the
 * model's matching variables summed over the geography's regions and the period, which
 * is recomputed here from the run's region rows; unmodelled sources, metrics and
 * geographies are left out; draws are reproducible and scatter around the mean. */
static void test_observation_models(void **state)
{
    (void)state;
    truce_scenario *sc = load(NULL, NULL);
    truce_run_options o = monthly(4, 2);
    truce_result *r = whole(sc, &o);
    truce_error err;
    truce_reported *like = truce_reported_load_default(&err);
    assert_non_null(like);
    truce_observe_options oo;
    truce_observe_options_init(&oo);
    oo.expected = 1;
    truce_reported *mean = truce_observe(r, sc, like, &oo, &err);
    truce_reported *draw = truce_observe(r, sc, like, NULL, &err), *again = truce_observe(r, sc, like, NULL, &err);
    assert_non_null(mean);
    assert_non_null(draw);
    const size_t n = truce_reported_count(mean);
    assert_true(n > 500);
    assert_int_equal(truce_reported_count(draw), n);
    double *p = malloc(truce_param_count() * sizeof *p);
    truce_scenario_params(sc, p);
    /* regions of the model: 0..5 KP, 6..7 Balochistan, 8 the sanctuary */
    int checked_balochistan = 0, checked_killed = 0;
    double sum_mean = 0, sum_draw = 0;
    for (size_t i = 0; i < n; i++) {
        truce_reported_entry e, d, a;
        truce_reported_row(mean, i, &e);
        truce_reported_row(draw, i, &d);
        truce_reported_row(again, i, &a);
        assert_true(d.value == a.value);
        assert_true(d.value == floor(d.value) && d.value >= 0);
        assert_string_not_equal(e.metric, "injured");
        assert_string_not_equal(e.geography, "Punjab");
        assert_true(strcmp(e.source, "PICSS") == 0 || strcmp(e.source, "PIPS") == 0 || strcmp(e.source, "CRSS") == 0);
        sum_mean += e.value;
        sum_draw += d.value;
        if (strcmp(e.geography, "Balochistan") == 0 && strcmp(e.metric, "attacks") == 0) {
            double truth = truce_result_total(r, 6, TRUCE_VAR_ATTACKS, e.first, e.last) +
                           truce_result_total(r, 7, TRUCE_VAR_ATTACKS, e.first, e.last);
            double rate = p[truce_param_find(strcmp(e.source, "PICSS") == 0 ? "obs_rate_picss" : "obs_rate_pips")];
            assert_true(e.value == rate * truth);
            checked_balochistan++;
        }
        if (strcmp(e.geography, "Pakistan") == 0 && strcmp(e.metric, "killed") == 0 && strcmp(e.source, "PICSS") == 0) {
            const size_t all = truce_result_region_count(r);
            double truth = truce_result_total(r, all, TRUCE_VAR_DEATHS_SECURITY, e.first, e.last) +
                           truce_result_total(r, all, TRUCE_VAR_DEATHS_CIVILIAN, e.first, e.last) +
                           truce_result_total(r, all, TRUCE_VAR_MILITANTS_KILLED_IN_ATTACKS, e.first, e.last);
            assert_true(e.value == p[truce_param_find("obs_rate_picss")] * truth);
            checked_killed++;
        }
    }
    assert_true(checked_balochistan > 20);
    assert_true(checked_killed > 20);
    /* the draws scatter around the means: their totals agree within 5 %, far wider than the
     * noise of ~850 draws of size-20 negative binomials around means of tens to thousands */
    assert_true(fabs(sum_draw - sum_mean) < 0.05 * sum_mean);
    /* a rate of 2 doubles every mean */
    p[truce_param_find("obs_rate_picss")] = 2.0;
    oo.params = p;
    truce_reported *twice = truce_observe(r, sc, like, &oo, &err);
    for (size_t i = 0; i < n; i++) {
        truce_reported_entry e, t2;
        truce_reported_row(mean, i, &e);
        truce_reported_row(twice, i, &t2);
        assert_true(t2.value == (strcmp(e.source, "PICSS") == 0 ? 2.0 : 1.0) * e.value);
    }
    truce_reported_free(twice);
    truce_reported_free(mean);
    truce_reported_free(draw);
    truce_reported_free(again);
    truce_reported_free(like);
    truce_result_free(r);
    truce_scenario_free(sc);
    free(p);
}

/* `truce events aggregate` output read as reported rows (docs/observations.md, "Event
 * data"): the source follows the columns (UCDP's death breakdown: "UCDP GED"; without it:
 * "ACLED"), each row gives `events` and `deaths`, places map to the scenario's geographies,
 * and the expected report is the source's rate x the mapped variables: events = attacks,
 * deaths = deaths_security + deaths_civilian + deaths_militant. */
static void test_observation_models_events(void **state)
{
    (void)state;
    static const char ucdp[] =
        "period,group,events,deaths,deaths_a,deaths_b,deaths_civilians,deaths_unknown\n"
        "2010-03,,4,17,2,10,5,0\n"
        "2011-Q2,Balochistan province,2,9,1,8,0,0\n"
        "2010-05,Khyber Pakhtunkwa province,1,3,0,3,0,0\n"
        "2019-05,Khyber Pakhtunkwa province,1,3,0,3,0,0\n"
        "2018,Khyber Pakhtunkwa province,1,3,0,3,0,0\n"
        "2010-05,Federally Administered Tribal Areas,1,3,0,3,0,0\n"
        "2010-05,Sindh province,1,1,0,1,0,0\n";
    static const char acled[] = "period,adm_1,country,events,deaths\n2010-03,,Pakistan,6,20\n"
                                "2010-03,,Afghanistan,2,2\n2010-03,Balochistan,Pakistan,1,1\n";
    truce_error err;
    truce_reported *u = truce_reported_load_memory("ucdp.csv", ucdp, sizeof ucdp - 1, &err);
    truce_reported *a = truce_reported_load_memory("acled.csv", acled, sizeof acled - 1, &err);
    assert_non_null(u);
    assert_non_null(a);
    assert_int_equal(truce_reported_count(u), 14);
    assert_int_equal(truce_reported_count(a), 6);
    static const char *const geo[7] = {"Pakistan", "Balochistan", "KP excl. FATA", "Khyber Pakhtunkhwa",
                                       "Khyber Pakhtunkwa province", "FATA", "Sindh province"};
    static const double ev[7] = {4, 2, 1, 1, 1, 1, 1}, de[7] = {17, 9, 3, 3, 3, 3, 1};
    for (size_t i = 0; i < 14; i++) {
        truce_reported_entry e;
        truce_reported_row(u, i, &e);
        assert_string_equal(e.source, "UCDP GED");
        assert_string_equal(e.metric, i % 2 ? "deaths" : "events");
        assert_string_equal(e.geography, geo[i / 2]);
        assert_true(e.value == (i % 2 ? de : ev)[i / 2]);
        assert_int_equal(e.line, (long)(i / 2 + 2));
    }
    truce_reported_entry e;
    truce_reported_row(a, 1, &e);
    assert_string_equal(e.source, "ACLED");
    assert_string_equal(e.geography, "Pakistan");   /* an empty adm_1: the country */
    truce_reported_row(a, 2, &e);
    assert_string_equal(e.geography, "Afghanistan"); /* another country: no geography has it */
    truce_reported_row(a, 4, &e);
    assert_string_equal(e.geography, "Balochistan"); /* the finest place: adm_1 */

    truce_scenario *sc = load("2012-12-31", NULL);
    truce_run_options o = monthly(4, 2);
    truce_result *r = whole(sc, &o);
    truce_observe_options oo;
    truce_observe_options_init(&oo);
    oo.expected = 1;
    double *p = malloc(truce_param_count() * sizeof *p);
    assert_non_null(p);
    truce_scenario_params(sc, p);
    p[truce_param_find("obs_rate_ucdp_ged")] = 0.5;   /* unlike the other sources' rates */
    p[truce_param_find("obs_rate_acled")] = 3.0;
    oo.params = p;
    truce_reported *mu = truce_observe(r, sc, u, &oo, &err), *ma = truce_observe(r, sc, a, &oo, &err);
    assert_non_null(mu);
    assert_non_null(ma);
    /* modelled: Pakistan, Balochistan, KP excl. FATA and FATA (2 rows each); not: the 2019
     * row (after the run's end), KP in 2018 (across the merger) and Sindh (not simulated) */
    assert_int_equal(truce_reported_count(mu), 8);
    const size_t all = truce_result_region_count(r);
    const truce_variable deaths[3] = {TRUCE_VAR_DEATHS_SECURITY, TRUCE_VAR_DEATHS_CIVILIAN, TRUCE_VAR_DEATHS_MILITANT};
    for (size_t i = 0; i < 8; i++) {
        truce_reported_row(mu, i, &e);
        const int is_deaths = strcmp(e.metric, "deaths") == 0;
        double truth = 0;
        for (int k = 0; k < (is_deaths ? 3 : 1); k++) {
            const truce_variable v = is_deaths ? deaths[k] : TRUCE_VAR_ATTACKS;
            if (strcmp(e.geography, "Pakistan") == 0) truth += truce_result_total(r, all, v, e.first, e.last);
            else if (strcmp(e.geography, "Balochistan") == 0)
                truth += truce_result_total(r, 6, v, e.first, e.last) + truce_result_total(r, 7, v, e.first, e.last);
            else
                for (size_t reg = 0; reg < all; reg++) {
                    /* regions 0-1 the tribal districts, 2-5 the rest of KP (geographies.csv) */
                    const int in = strcmp(e.geography, "FATA") == 0 ? reg < 2 : reg >= 2 && reg < 6;
                    if (in) truth += truce_result_total(r, reg, v, e.first, e.last);
                }
        }
        assert_true(truth > 0);
        assert_true(fabs(e.value - 0.5 * truth) <= 1e-9 * truth);
    }
    assert_int_equal(truce_reported_count(ma), 4);   /* Pakistan and Balochistan, not Afghanistan */
    truce_reported_row(ma, 1, &e);
    double truth = 0;
    for (int k = 0; k < 3; k++) truth += truce_result_total(r, all, deaths[k], e.first, e.last);
    assert_true(fabs(e.value - 3.0 * truth) <= 1e-9 * truth);
    truce_reported_free(mu);
    truce_reported_free(ma);
    truce_reported_free(u);
    truce_reported_free(a);
    truce_result_free(r);
    truce_scenario_free(sc);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_branch_equals_whole_run),
        cmocka_unit_test(test_organisations),
        cmocka_unit_test(test_restore_rewinds),
        cmocka_unit_test(test_selective_record_matches_daily),
        cmocka_unit_test(test_parameter_vectors),
        cmocka_unit_test(test_prior_draws),
        cmocka_unit_test(test_variable_table),
        cmocka_unit_test(test_simulated_series_read_back),
        cmocka_unit_test(test_observation_models),
        cmocka_unit_test(test_observation_models_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
