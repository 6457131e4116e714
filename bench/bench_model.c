/* Benchmark of the default run (Pakistan-TTP, all regions, daily steps 2002-2025, recording
 * yearly summaries as `truce run --by year` does). Everything is measured in this one
 * process, so the ratios compare like with like on a shared machine:
 *
 *   - run time in process: median and best over RUNS runs (one thread);
 *   - random 32-bit words drawn per run, the raw cost of one word (Philox, measured right
 *     after each run) and the ratio of the run time to the raw cost of its draws (median
 *     of the per-run ratios, so that a change of load between the two matters less);
 *   - runs per second on 1 and 2 threads (OpenMP over independent runs with different run
 *     indices) and their ratio;
 *   - memory per run: bytes of the result with yearly recording, and the max RSS;
 *   - the machine load (/proc/loadavg) at start and end.
 *
 *   bench_model [RUNS]      (default 30)
 *   bench_model --once      one run and nothing else (for callgrind instruction counts) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "result.h"
#include "rng.h"
#include "truce.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void print_load(const char *when)
{
    char buf[128] = "?";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(buf, sizeof buf, f)) strcpy(buf, "?\n");
        fclose(f);
    }
    printf("load (/proc/loadavg) at %s: %s", when, buf);
    if (!strchr(buf, '\n')) printf("\n");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void yearly(truce_run_options *o, uint32_t run)
{
    truce_run_options_init(o);
    o->run = run;
    o->record.by = TRUCE_BY_YEAR;
}

/* Runs per second over `n` runs (run indices from `first`) on `threads` threads. */
static double throughput(const truce_scenario *sc, int threads, int n, uint32_t first, int *failed)
{
    int bad = 0;
    double t0 = now();
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) reduction(+ : bad)
#endif
    for (int i = 0; i < n; i++) {
        truce_run_options o;
        truce_error err;
        yearly(&o, first + (uint32_t)i);
        truce_result *r = truce_run(sc, &o, &err);
        if (!r) bad++;
        truce_result_free(r);
    }
    double t = now() - t0;
    (void)threads;
    *failed += bad;
    return (double)n / t;
}

int main(int argc, char **argv)
{
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    if (!sc) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "--once") == 0) {
        truce_run_options o;
        yearly(&o, 0);
        truce_result *r = truce_run(sc, &o, &err);
        if (!r) return 1;
        printf("draws %llu\n", (unsigned long long)truce_result_draws(r));
        truce_result_free(r);
        truce_scenario_free(sc);
        return 0;
    }
    int runs = argc > 1 ? atoi(argv[1]) : 30;
    if (runs < 3) runs = 3;
    print_load("start");

    /* one thread: time per run, each followed by the raw cost of as many random words as
     * it drew (uniforms from one stream, two words each), so that the ratio of the two is
     * measured under the same load, run by run */
    double *t = malloc((size_t)runs * sizeof *t), *raw = malloc((size_t)runs * sizeof *raw),
           *ratio = malloc((size_t)runs * sizeof *ratio);
    uint64_t words = 0;
    size_t days = 0, result_bytes = 0;
    double acc = 0.0;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    for (int i = 0; i < runs; i++) {
        truce_run_options o;
        yearly(&o, (uint32_t)i);
        double t0 = now();
        truce_result *r = truce_run(sc, &o, &err);
        t[i] = now() - t0;
        if (!r) return 1;
        const uint64_t w = truce_result_draws(r);
        words += w;
        days = truce_result_days(r);
        const struct truce_result *ri = (const struct truce_result *)r;
        result_bytes = sizeof *ri + 2 * ri->nperiods * sizeof(int32_t) +
                       ri->nperiods * ri->nrows * ri->nvars * sizeof(double);
        truce_result_free(r);
        rng_stream s;
        rng_open(&s, 1, (uint32_t)i, 0, 0, 0);
        t0 = now();
        for (uint64_t j = 0; j < w / 2; j++) acc += rng_uniform(&s);
        raw[i] = (now() - t0) / (double)w; /* seconds per word */
        ratio[i] = t[i] / (raw[i] * (double)w);
    }
    getrusage(RUSAGE_SELF, &ru1);
    const double faults = (double)(ru1.ru_minflt - ru0.ru_minflt + ru1.ru_majflt - ru0.ru_majflt) / runs;
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    qsort(raw, (size_t)runs, sizeof *raw, cmp_double);
    qsort(ratio, (size_t)runs, sizeof *ratio, cmp_double);
    double med = t[runs / 2], best = t[0];
    double words_per_run = (double)words / runs;
    double per_word = raw[runs / 2];

    size_t regions = truce_scenario_region_count(sc);
    double region_days = (double)days * (double)regions;
    printf("default run recording yearly: %zu days x %zu regions = %.0f region-days\n", days, regions,
           region_days);
    printf("run time (in process, 1 thread): median %.2f ms, best %.2f ms over %d runs "
           "(target <= 20 ms, goal <= 5 ms)\n", med * 1e3, best * 1e3, runs);
    printf("region-days per second (1 thread, median): %.3g\n", region_days / med);
    printf("random 32-bit words per run: %.0f (%.1f per region-day)\n", words_per_run,
           words_per_run / region_days);
    printf("raw cost of one word (median, measured after each run): %.2f ns (checksum %.3f)\n",
           per_word * 1e9, acc / ((double)words / 2.0));
    printf("ratio run time / raw cost of its draws (median over runs, each against its own "
           "words): %.1f (range %.1f-%.1f)\n", ratio[runs / 2], ratio[0], ratio[runs - 1]);

    /* throughput on 1 and 2 threads, over the same number of runs */
    int failed = 0, tn = runs * 2;
    double r1 = throughput(sc, 1, tn, 1000, &failed);
    double r2 = throughput(sc, 2, tn, 1000, &failed);
#ifdef _OPENMP
    const char *omp = "OpenMP";
#else
    const char *omp = "no OpenMP: both on 1 thread";
#endif
    printf("runs per second (%s, %d runs each): 1 thread %.1f, 2 threads %.1f, ratio %.2f\n", omp, tn, r1,
           r2, r2 / r1);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("memory per run: result with yearly recording %zu bytes; page faults per run %.1f; "
           "max RSS of this process %.1f MB\n", result_bytes, faults, (double)ru.ru_maxrss / 1024.0);
    print_load("end");
    free(t);
    free(raw);
    free(ratio);
    truce_scenario_free(sc);
    return failed ? 1 : 0;
}
