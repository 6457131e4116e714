/* par — the runs of an ensemble, a comparison or an assessment spread over OpenMP threads.
 * Each task writes only into its own slot, so results never depend on the thread count;
 * the error reported is that of the lowest failing task (the one a single thread would
 * meet first), so the message does not depend on it either. */
#ifndef TRUCE_PAR_H
#define TRUCE_PAR_H

#include <stdint.h>

#include "truce.h"

/* Task i of n: 0, or -1 with err set. */
typedef int (*par_task_fn)(void *ctx, uint64_t i, truce_error *err);
/* After each task: the count done so far (plus progress_base) out of progress_total. */
typedef void (*par_progress_fn)(void *ctx, uint64_t done, uint64_t total);

typedef struct par_progress {
    par_progress_fn fn;        /* NULL: none */
    void *ctx;
    uint64_t base, total;      /* reported as base + done of total */
} par_progress;

/* Run tasks 0 .. n-1 on `threads` threads (0: OpenMP's default, OMP_NUM_THREADS or every
 * core; 1: in order on this thread). 0 when all succeed; else -1 with the lowest failing
 * task's error in err. */
int par_for(uint64_t n, int threads, par_task_fn fn, void *ctx, const par_progress *progress,
            truce_error *err);

#endif
