/* Benchmark of one default run (Pakistan-TTP, all regions, daily steps 2002-2025):
 * wall time per run, simulated region-days per second on one core, random words drawn
 * per run, and the ratio of the run time to the raw cost of those draws (the floor a
 * counter-based generator sets). Everything is measured in this one process, so the
 * ratios compare like with like on a shared machine.
 *   bench_model [RUNS]   (default 30) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rng.h"
#include "truce.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 30;
    if (runs < 3) runs = 3;
    truce_error err;
    truce_scenario *sc = truce_scenario_load_default(&err);
    if (!sc) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double *t = malloc((size_t)runs * sizeof *t);
    uint64_t words = 0;
    size_t days = 0;
    for (int i = 0; i < runs; i++) {
        truce_run_options o;
        truce_run_options_init(&o);
        o.run = (uint32_t)i;
        double t0 = now();
        truce_result *r = truce_run(sc, &o, &err);
        t[i] = now() - t0;
        if (!r) return 1;
        words += truce_result_draws(r);
        days = truce_result_days(r);
        truce_result_free(r);
    }
    /* median run time */
    for (int i = 1; i < runs; i++)
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            double x = t[j]; t[j] = t[j - 1]; t[j - 1] = x;
        }
    double med = t[runs / 2], best = t[0];
    double words_per_run = (double)words / runs;
    /* raw cost of one 32-bit word: uniforms from a stream, two words each */
    rng_stream s;
    rng_open(&s, 1, 0, 0, 0, 0);
    const long n = 20000000;
    double acc = 0, t0 = now();
    for (long i = 0; i < n / 2; i++) acc += rng_uniform(&s);
    double per_word = (now() - t0) / (double)n;
    size_t regions = truce_scenario_region_count(sc);
    double region_days = (double)days * (double)regions;
    printf("default run: %zu days x %zu regions = %.0f region-days\n", days, regions, region_days);
    printf("run time (in process): best %.2f ms, median %.2f ms over %d runs\n", best * 1e3, med * 1e3, runs);
    printf("region-days per second (one core, median): %.3g\n", region_days / med);
    printf("random 32-bit words per run: %.0f (%.1f per region-day)\n", words_per_run, words_per_run / region_days);
    printf("raw cost of one word: %.2f ns (checksum %.3f)\n", per_word * 1e9, acc / (n / 2));
    printf("ratio run time / raw cost of its draws: %.1f\n", med / (words_per_run * per_word));
    free(t);
    truce_scenario_free(sc);
    return 0;
}
