/* par — see par.h. */
#include "par.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int par_for(uint64_t n, int threads, par_task_fn fn, void *ctx, const par_progress *progress,
            truce_error *err)
{
    const long long nn = (long long)n;
    long long failed = nn;
    uint64_t ndone = 0;
    truce_error first_err;
    truce_error_clear(&first_err);
    int nthreads = threads > 0 ? threads : 1;
#ifdef _OPENMP
    if (threads <= 0) nthreads = omp_get_max_threads();
#endif
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads) if (nthreads != 1)
#endif
    for (long long i = 0; i < nn; i++) {
        truce_error e1;
        if (fn(ctx, (uint64_t)i, &e1)) {
#ifdef _OPENMP
#pragma omp critical
#endif
            if (i < failed) {
                failed = i;
                first_err = e1;
            }
        }
#ifdef _OPENMP
#pragma omp critical
#endif
        {
            ndone++;
            if (progress && progress->fn) progress->fn(progress->ctx, progress->base + ndone, progress->total);
        }
    }
    if (failed < nn) {
        if (err) *err = first_err;
        return -1;
    }
    return 0;
}
