/* Benchmark of the fit's inner loop: one simulation as `truce fit` runs it on the default
 * scenario and the shipped data (fit_target_simulate: the run recording only what the
 * summaries read, by month, then the observation models and the summaries), with the
 * scenario's parameter values. Everything is timed in this one process, so the ratios
 * compare like with like on a shared machine:
 *
 *   - simulations per second on 1 thread over a fixed batch (median and best of REPEAT
 *     batches, with the machine load), and on 2 threads (OpenMP over the same batch);
 *   - the ratio 2 threads / 1 thread;
 *   - a checksum of every summary of the batch (FNV-1a of their bits): the same binary
 *     input gives the same number whatever the speed, so two builds can be compared
 *     (an optimisation must leave it unchanged).
 *
 * With --posterior, simulation i runs the shipped posterior's particle i (row i modulo the
 * particles, every row alike whatever its weight): the spread of parameter values a fit's
 * late populations propose, whose runs cost more than the one particle the scenario's
 * calibration names (more militants, so fewer draws settled by the fast path).
 *
 *   bench_fit [--posterior] [SIMS [REPEAT]]    (default 40 simulations, 3 batches)
 *   bench_fit [--posterior] --once             one simulation and its checksum (for callgrind) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fit_target.h"
#include "truce.h"

static double clock_s(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }

static void load(char *buf, size_t n)
{
    snprintf(buf, n, "?");
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(buf, (int)n, f)) snprintf(buf, n, "?");
        fclose(f);
    }
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* FNV-1a over the bits of the summaries, in simulation order. */
static uint64_t checksum(const double *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        uint64_t b;
        memcpy(&b, &s[i], sizeof b);
        for (int k = 0; k < 8; k++) h = (h ^ ((b >> (8 * k)) & 0xff)) * 1099511628211ull;
    }
    return h;
}

/* n simulations (runs 0 .. n-1, seed 1; run i with the parameter vector i modulo nsets of
 * params, nsets x P) on `threads` threads into sum (n x dim); wall
 * seconds, and in *cpu the CPU seconds of the process (on a shared machine the CPU time of
 * one thread is the steadier measure: time spent waiting for a core is not in it). */
static double batch(const fit_target *t, const double *params, size_t nsets, int threads, int n, double *sum,
                    int *failed, double *cpu)
{
    const size_t dim = fit_target_dim(t), P = truce_param_count();
    int bad = 0;
    double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t0 = now();
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) reduction(+ : bad)
#endif
    for (int i = 0; i < n; i++) {
        truce_error err;
        const double *x = params + ((size_t)i % nsets) * P;
        if (fit_target_simulate(t, x, 1, (uint32_t)i, sum + (size_t)i * dim, &err) != 0) bad++;
    }
    (void)threads;
    *failed += bad;
    double wall = now() - t0;
    if (cpu) *cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    return wall;
}

int main(int argc, char **argv)
{
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    truce_reported *data = sc ? truce_reported_load_default(&err) : NULL;
    fit_target_options to;
    fit_target_options_init(&to);
    fit_target *t = data ? fit_target_new(sc, data, &to, &err) : NULL;
    if (!t) {
        fprintf(stderr, "bench_fit: %s\n", err.message);
        return 1;
    }
    const size_t P = truce_param_count(), dim = fit_target_dim(t);
    const int use_posterior = argc > 1 && strcmp(argv[1], "--posterior") == 0;
    if (use_posterior) {
        argc--;
        argv++;
    }
    size_t nsets = 1;
    double *params = NULL;
    if (use_posterior) {
        truce_posterior *post = truce_posterior_load_calibration(sc, &err);
        if (!post) {
            fprintf(stderr, "bench_fit: %s\n", err.message);
            return 1;
        }
        nsets = truce_posterior_count(post);
        params = malloc(nsets * P * sizeof *params);
        for (size_t k = 0; params && k < nsets; k++) truce_posterior_params(post, k, params + k * P);
        truce_posterior_free(post);
    } else {
        params = malloc(P * sizeof *params);
        if (params) truce_scenario_params(sc, params);
    }
    if (!params) {
        fprintf(stderr, "bench_fit: out of memory\n");
        return 1;
    }
    const int once = argc > 1 && strcmp(argv[1], "--once") == 0;
    int n = once ? 1 : argc > 1 ? atoi(argv[1]) : 40;
    int repeat = !once && argc > 2 ? atoi(argv[2]) : 3;
    if (n < 1) n = 1;
    if (repeat < 1) repeat = 1;
    double *sum = malloc((size_t)n * dim * sizeof *sum);
    int failed = 0;
    if (once) {
        batch(t, params, nsets, 1, 1, sum, &failed, NULL);
        printf("summaries %zu, checksum %016llx\n", dim, (unsigned long long)checksum(sum, dim));
        return failed ? 1 : 0;
    }
    char l0[128], l1[128];
    load(l0, sizeof l0);
    double *t1 = malloc((size_t)repeat * sizeof *t1), *t2 = malloc((size_t)repeat * sizeof *t2),
           *u1 = malloc((size_t)repeat * sizeof *u1);
    uint64_t c1 = 0, c2 = 0;
    /* 1 and 2 threads alternate, so a change of load touches both alike */
    for (int k = 0; k < repeat; k++) {
        t1[k] = batch(t, params, nsets, 1, n, sum, &failed, &u1[k]);
        c1 = checksum(sum, (size_t)n * dim);
        t2[k] = batch(t, params, nsets, 2, n, sum, &failed, NULL);
        c2 = checksum(sum, (size_t)n * dim);
    }
    load(l1, sizeof l1);
    qsort(t1, (size_t)repeat, sizeof *t1, cmp_double);
    qsort(t2, (size_t)repeat, sizeof *t2, cmp_double);
    qsort(u1, (size_t)repeat, sizeof *u1, cmp_double);
    const double r1 = n / t1[repeat / 2], r2 = n / t2[repeat / 2];
    printf("fit inner loop (fit_target_simulate, default scenario and data, %zu summaries; %s): "
           "batches of %d simulations, %d batches each\n",
           dim, use_posterior ? "run i: the shipped posterior's particle i" : "the scenario's parameters", n, repeat);
    printf("  1 thread:  %.2f simulations/s median (%.1f ms each; best %.2f/s); CPU time %.1f ms per "
           "simulation (median; best %.1f)\n", r1, 1e3 / r1, n / t1[0], 1e3 * u1[repeat / 2] / n, 1e3 * u1[0] / n);
    printf("  2 threads: %.2f simulations/s median (best %.2f/s); ratio 2/1 threads %.2f\n", r2, n / t2[0],
           r2 / r1);
    printf("  100,000 simulations at the 2-thread rate: %.0f s (a lower bound for a fit, whose proposals spread "
           "wider and cost more: docs/fit.md, \"Speed\")\n", 1e5 / r2);
    printf("  summaries checksum %016llx (1 thread) %016llx (2 threads)%s\n", (unsigned long long)c1,
           (unsigned long long)c2, c1 == c2 ? "" : "  DIFFER");
    printf("  load (/proc/loadavg) at start: %s; at end: %s\n", l0, l1);
    free(t1);
    free(t2);
    free(u1);
    free(sum);
    free(params);
    fit_target_free(t);
    truce_reported_free(data);
    truce_scenario_free(sc);
    return failed || c1 != c2 ? 1 : 0;
}
