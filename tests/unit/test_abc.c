/* test_abc — the ABC-SMC engine (src/infer/abc.c) on a toy model with a known posterior,
 * and its reproducibility: the same bits on 1 and 2 threads and after resuming from a
 * stored population (processes: tests/cli/test_fit.sh under mpirun); and the public
 * truce_fit API in memory (accessors, thread invariance). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "truce.h"
#include "abc.h"
#include "rng.h"
#include "stats.h"

/* The toy: the prior in z-space is N(0, I), theta = z; the data are one draw
 * y_k ~ N(theta_k, 1) per dimension, observed y0. The exact posterior of theta_k is
 * N(y0_k / 2, 1 / 2). The summary is the simulated y, the distance Euclidean. */
typedef struct toy {
    size_t dim;
    double y0[4];
} toy;

static int toy_sim(void *ctx, const double *z, uint64_t seed, uint32_t run, double *s, truce_error *err)
{
    (void)err;
    const toy *t = ctx;
    rng_stream r;
    rng_open(&r, seed, run, 0, 0, 7);
    for (size_t k = 0; k < t->dim; k++) s[k] = z[k] + st_normal_quantile(rng_uniform(&r));
    return 0;
}

static double toy_dist(void *ctx, const double *s)
{
    const toy *t = ctx;
    double q = 0.0;
    for (size_t k = 0; k < t->dim; k++) q += (s[k] - t->y0[k]) * (s[k] - t->y0[k]);
    return sqrt(q);
}

static abc_problem toy_problem(toy *t)
{
    abc_problem p = {.dim = t->dim, .nsum = t->dim, .simulate = toy_sim, .distance = toy_dist, .ctx = t};
    return p;
}

static void moments(const abc_population *p, size_t k, double *mean, double *sd)
{
    double m = 0.0, v = 0.0;
    for (size_t i = 0; i < p->n; i++) m += p->w[i] * p->z[i * p->dim + k];
    for (size_t i = 0; i < p->n; i++) v += p->w[i] * (p->z[i * p->dim + k] - m) * (p->z[i * p->dim + k] - m);
    *mean = m;
    *sd = sqrt(v);
}

/* 1000 particles, 10 populations: the last tolerance is about 0.004 in one dimension and
 * 0.15 in two (seed 42), so the ABC posterior's extra variance (below eps^2 / 4 per
 * dimension) is at most 0.006 (sd 0.707 -> 0.711) and its mean is unbiased by symmetry. The Monte Carlo error of the weighted mean
 * is sd / sqrt(ESS) <= 0.71 / sqrt(300) = 0.041: mean within 0.12 (3 standard errors) and
 * sd within 0.1 (the sd's standard error is about sd / sqrt(2 ESS) = 0.03). */
static void check_posterior(abc_kernel kernel, size_t dim)
{
    toy t = {.dim = dim, .y0 = {1.0, -2.0, 0.5, 0.0}};
    abc_problem pb = toy_problem(&t);
    abc_options o;
    abc_options_init(&o);
    o.particles = 1000;
    o.seed = 42;
    o.max_populations = 10;
    o.kernel = kernel;
    o.threads = 1;
    abc_run r;
    truce_error err;
    assert_int_equal(abc_run_fit(&pb, &o, NULL, 0, NULL, 0, 0, &r, &err), 0);
    assert_int_equal(r.npops, 10);
    assert_int_equal(r.stop, ABC_STOP_POPULATIONS);
    const abc_population *last = &r.pops[r.npops - 1];
    assert_true(last->eps < 0.1 * (double)dim);
    assert_true(last->ess > 300.0);
    /* tolerances decrease */
    for (size_t i = 2; i < r.npops; i++) assert_true(r.pops[i].eps <= r.pops[i - 1].eps);
    for (size_t k = 0; k < dim; k++) {
        double m, sd;
        moments(last, k, &m, &sd);
        assert_near(m, t.y0[k] / 2.0, 0.12);
        assert_near(sd, sqrt(0.5), 0.1);
    }
    double wsum = 0.0;
    for (size_t i = 0; i < last->n; i++) wsum += last->w[i];
    assert_near(wsum, 1.0, 1e-12);
    abc_run_free(&r);
}

static void test_posterior_1d(void **state) { (void)state; check_posterior(ABC_KERNEL_GLOBAL, 1); }
static void test_posterior_2d(void **state) { (void)state; check_posterior(ABC_KERNEL_GLOBAL, 2); }
static void test_posterior_olcm(void **state) { (void)state; check_posterior(ABC_KERNEL_OLCM, 2); }

static void same_population(const abc_population *a, const abc_population *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->sims, b->sims);
    assert_int_equal(a->accepted, b->accepted);
    assert_memory_equal(&a->eps, &b->eps, sizeof a->eps);
    assert_memory_equal(a->z, b->z, a->n * a->dim * sizeof *a->z);
    assert_memory_equal(a->w, b->w, a->n * sizeof *a->w);
    assert_memory_equal(a->dist, b->dist, a->n * sizeof *a->dist);
}

static abc_run run_toy(int threads, uint32_t pops, const abc_population *resume, size_t nresume)
{
    static toy t = {.dim = 2, .y0 = {1.0, -2.0}};
    abc_problem pb = toy_problem(&t);
    abc_options o;
    abc_options_init(&o);
    o.particles = 200;
    o.batch = 16;
    o.seed = 7;
    o.max_populations = pops;
    o.threads = threads;
    abc_run r;
    truce_error err;
    assert_int_equal(abc_run_fit(&pb, &o, resume, nresume, NULL, 0, 0, &r, &err), 0);
    return r;
}

static void test_threads_same_bits(void **state)
{
    (void)state;
    abc_run a = run_toy(1, 5, NULL, 0), b = run_toy(2, 5, NULL, 0);
    assert_int_equal(a.npops, 5);
    assert_int_equal(b.npops, 5);
    same_population(&a.pops[4], &b.pops[4]);
    abc_run_free(&a);
    abc_run_free(&b);
}

/* Stopped after 3 populations, resumed from the third to 6: the bits of a straight run. */
static void test_resume_same_bits(void **state)
{
    (void)state;
    abc_run full = run_toy(1, 6, NULL, 0), part = run_toy(2, 3, NULL, 0);
    assert_int_equal(part.npops, 3);
    abc_run rest = run_toy(1, 6, part.pops, part.npops);
    assert_int_equal(rest.npops, 6);
    assert_int_equal(rest.resumed_from, 3);
    assert_int_equal(rest.sims, full.sims);
    same_population(&full.pops[5], &rest.pops[5]);
    abc_run_free(&full);
    abc_run_free(&part);
    abc_run_free(&rest);
}

/* Early rejection in the engine: the toy simulated one dimension at a time ("days"), stopped
 * once the distance over the dimensions so far (a lower bound of the Euclidean distance)
 * exceeds eps. The populations are the bits of whole simulations, on 1 and 2 threads; the
 * costs say how much was saved and add up the same on both. */
static int toy_sim_within(void *ctx, const double *z, uint64_t seed, uint32_t run, double eps, double *s,
                          abc_cost *cost, truce_error *err)
{
    const toy *t = ctx;
    if (toy_sim(ctx, z, seed, run, s, err) != 0) return -1;
    cost->full_days = (double)t->dim;
    cost->days = (double)t->dim;
    cost->stopped = 0;
    double q = 0.0;
    for (size_t k = 0; k + 1 < t->dim; k++) {
        q += (s[k] - t->y0[k]) * (s[k] - t->y0[k]);
        if (sqrt(q) > eps * (1.0 + 1e-12)) {
            cost->days = (double)(k + 1);
            cost->stopped = 1;
            for (size_t j = 0; j < t->dim; j++) s[j] = NAN;
            return 0;
        }
    }
    return 0;
}

static abc_run run_early(int threads, int early)
{
    static toy t = {.dim = 3, .y0 = {1.0, -2.0, 0.5}};
    abc_problem pb = toy_problem(&t);
    pb.simulate_within = toy_sim_within;
    abc_options o;
    abc_options_init(&o);
    o.particles = 200;
    o.batch = 16;
    o.seed = 9;
    o.max_populations = 5;
    o.threads = threads;
    o.early_reject = early;
    abc_run r;
    truce_error err;
    assert_int_equal(abc_run_fit(&pb, &o, NULL, 0, NULL, 0, 0, &r, &err), 0);
    return r;
}

static void test_early_reject_same_bits(void **state)
{
    (void)state;
    abc_run whole = run_early(1, 0), e1 = run_early(1, 1), e2 = run_early(2, 1);
    assert_int_equal(whole.npops, 5);
    assert_int_equal(e1.npops, 5);
    assert_int_equal(e2.npops, 5);
    assert_int_equal(e1.sims, whole.sims);
    for (size_t t = 0; t < 4; t++) {   /* the figures of every population */
        assert_int_equal(e1.pops[t].accepted, whole.pops[t].accepted);
        assert_memory_equal(&e1.pops[t].eps, &whole.pops[t].eps, sizeof(double));
    }
    same_population(&whole.pops[4], &e1.pops[4]);
    same_population(&whole.pops[4], &e2.pops[4]);
    assert_int_equal(whole.stopped_early, 0);
    assert_true(whole.model_days == whole.model_days_full && whole.model_days_full == 3.0 * (double)whole.sims);
    assert_true(e1.stopped_early > 0);
    assert_true(e1.model_days < e1.model_days_full && e1.model_days_full == whole.model_days_full);
    assert_int_equal(e1.stopped_early, e2.stopped_early);
    assert_true(e1.model_days == e2.model_days);
    abc_run_free(&whole);
    abc_run_free(&e1);
    abc_run_free(&e2);
}

static void test_budget_and_errors(void **state)
{
    (void)state;
    static toy t = {.dim = 1, .y0 = {0.5}};
    abc_problem pb = toy_problem(&t);
    abc_options o;
    abc_options_init(&o);
    o.particles = 100;
    o.batch = 10;
    o.max_sims = 50;   /* less than one population */
    abc_run r;
    truce_error err;
    assert_int_equal(abc_run_fit(&pb, &o, NULL, 0, NULL, 0, 0, &r, &err), -1);
    assert_int_equal(err.code, TRUCE_EINPUT);
    o.max_sims = 1000;
    assert_int_equal(abc_run_fit(&pb, &o, NULL, 0, NULL, 0, 0, &r, &err), 0);
    assert_int_equal(r.stop, ABC_STOP_BUDGET);
    assert_true(r.sims <= 1000);
    assert_true(r.npops >= 2);
    abc_run_free(&r);
    o.quantile = 1.5;
    assert_int_equal(abc_run_fit(&pb, &o, NULL, 0, NULL, 0, 0, &r, &err), -1);
}

/* The public API in memory (no store): the accessors agree with each other, and the same
 * options give the same particles. */
static void test_fit_api(void **state)
{
    (void)state;
    truce_error err;
    truce_scenario *s = truce_scenario_load_default(&err);
    assert_non_null(s);
    assert_int_equal(truce_scenario_set_end(s, "2010-12", &err), 0);
    static const char *const est[] = {"lethal_share", "attack_rate"};
    truce_fit_options o;
    truce_fit_options_init(&o);
    o.estimate = est;
    o.nestimate = 2;
    o.particles = 20;
    o.batch = 10;
    o.sims = 120;
    o.threads = 2;
    truce_fit *a = truce_fit_run(s, &o, &err), *b = NULL;
    assert_non_null(a);
    o.threads = 1;
    b = truce_fit_run(s, &o, &err);
    assert_non_null(b);
    assert_int_equal(truce_fit_particle_count(a), 20);
    assert_int_equal(truce_fit_param_count(a), 2);
    /* table order, not the order given */
    assert_string_equal(truce_fit_param_name(a, 0), "attack_rate");
    assert_string_equal(truce_fit_param_name(a, 1), "lethal_share");
    assert_null(truce_fit_param_name(a, 2));
    assert_true(truce_fit_sims(a) <= 120);
    assert_true(truce_fit_population_count(a) >= 2);
    assert_int_equal(truce_fit_resumed_from(a), 0);
    const size_t P = truce_param_count();
    double *full = malloc(P * sizeof *full), *base = malloc(P * sizeof *base);
    assert_non_null(full);
    assert_non_null(base);
    truce_scenario_params(s, base);
    const long ia = truce_param_find("attack_rate"), il = truce_param_find("lethal_share");
    double wsum = 0.0;
    for (size_t i = 0; i < 20; i++) {
        wsum += truce_fit_weight(a, i);
        assert_memory_equal(&(double){truce_fit_weight(a, i)}, &(double){truce_fit_weight(b, i)}, sizeof(double));
        assert_memory_equal(&(double){truce_fit_value(a, i, 0)}, &(double){truce_fit_value(b, i, 0)}, sizeof(double));
        truce_fit_params(a, i, full);
        assert_true(full[ia] == truce_fit_value(a, i, 0));
        assert_true(full[il] == truce_fit_value(a, i, 1));
        for (size_t k = 0; k < P; k++)
            if ((long)k != ia && (long)k != il) assert_true(full[k] == base[k]);
        assert_int_equal(truce_params_check(full, &err), 0);
    }
    assert_near(wsum, 1.0, 1e-12);
    assert_true(truce_fit_closest(a) < 20);
    free(full);
    free(base);
    truce_fit_free(a);
    truce_fit_free(b);
    truce_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_posterior_1d),      cmocka_unit_test(test_posterior_2d),
        cmocka_unit_test(test_posterior_olcm),    cmocka_unit_test(test_threads_same_bits),
        cmocka_unit_test(test_resume_same_bits),  cmocka_unit_test(test_early_reject_same_bits),
        cmocka_unit_test(test_budget_and_errors), cmocka_unit_test(test_fit_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
