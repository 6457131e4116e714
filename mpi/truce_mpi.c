/* truce-mpi — the truce command line over MPI processes (docs/ensemble.md).
 *
 *   mpirun -np K build/truce-mpi ensemble ARGS
 *   mpirun -np K build/truce-mpi fit ARGS
 *
 * takes exactly truce's arguments and writes the bytes `build/truce ensemble ARGS` writes:
 * every rank parses the same arguments and builds the same ensemble, computes a disjoint
 * range of runs (rank r of K: runs [N r / K, N (r + 1) / K)), and sends them to rank 0,
 * which writes. `fit` shares out every batch of proposals and gathers the summaries on
 * every rank (mpi_exchange), so all ranks run the same engine and rank 0 writes. Ranks
 * other than 0 print nothing. Other subcommands run on rank 0 only.
 * Uses only truce.h (through the CLI's cli.h).
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int rank, nranks;

enum { TAG_RUNS = 1, TAG_ERROR = 2 };

/* At most this many bytes per message (MPI counts are ints). */
#define CHUNK_BYTES (64u << 20)

static int mpi_compute(truce_ensemble *e, truce_error *err)
{
    const uint64_t N = truce_ensemble_runs(e);
    const uint64_t lo = N * (uint64_t)rank / (uint64_t)nranks;
    const uint64_t hi = N * (uint64_t)(rank + 1) / (uint64_t)nranks;
    int rc = truce_ensemble_run_range(e, lo, hi, err);

    /* Agree on success before anyone waits for runs: the lowest failing rank (or nranks
     * when none failed) sends its message to rank 0, which reports it. */
    int mine = rc == 0 ? nranks : rank, lowest;
    MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (lowest < nranks) {
        if (lowest != 0 && rank == lowest)
            MPI_Send(err, (int)sizeof *err, MPI_BYTE, 0, TAG_ERROR, MPI_COMM_WORLD);
        if (lowest != 0 && rank == 0)
            MPI_Recv(err, (int)sizeof *err, MPI_BYTE, lowest, TAG_ERROR, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (rank != lowest && rank != 0)
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "MPI rank %d failed", lowest);
        return -1;
    }

    const size_t slot = truce_ensemble_slot_size(e);
    if (slot > CHUNK_BYTES) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "a run holds %zu bytes, over one MPI message's %u",
                        slot, CHUNK_BYTES);
        return -1; /* every rank sees the same size: all return here */
    }
    const uint64_t per = CHUNK_BYTES / slot;
    unsigned char *buf = malloc(slot * (size_t)(per < N ? per : N));
    int ok = buf != NULL, all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        free(buf);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory for the MPI transfer");
        return -1;
    }
    if (rank != 0) {
        for (uint64_t i = lo; i < hi;) {
            uint64_t n = hi - i < per ? hi - i : per;
            for (uint64_t j = 0; j < n; j++) truce_ensemble_export(e, i + j, buf + (size_t)j * slot, NULL);
            MPI_Send(buf, (int)((size_t)n * slot), MPI_BYTE, 0, TAG_RUNS, MPI_COMM_WORLD);
            i += n;
        }
    } else {
        for (int r = 1; r < nranks; r++) {
            const uint64_t rlo = N * (uint64_t)r / (uint64_t)nranks, rhi = N * (uint64_t)(r + 1) / (uint64_t)nranks;
            for (uint64_t i = rlo; i < rhi;) {
                uint64_t n = rhi - i < per ? rhi - i : per;
                MPI_Recv(buf, (int)((size_t)n * slot), MPI_BYTE, r, TAG_RUNS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                for (uint64_t j = 0; j < n; j++) truce_ensemble_import(e, i + j, buf + (size_t)j * slot, NULL);
                i += n;
            }
        }
    }
    free(buf);
    return 0;
}

/* `truce fit`: each batch's rows (batch x nsum doubles) are shared out as the engine shares
 * the proposals (rank r of K: [B r / K, B (r + 1) / K)) and gathered on every rank, so that
 * every rank runs the same deterministic engine; rank 0 alone writes. */
static int mpi_exchange(void *ctx, double *rows, size_t batch, size_t nsum, truce_error *err)
{
    (void)ctx;
    int *counts = malloc((size_t)nranks * sizeof *counts), *displs = malloc((size_t)nranks * sizeof *displs);
    if (!counts || !displs || batch * nsum > (size_t)INT_MAX) {
        free(counts);
        free(displs);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "MPI exchange: out of memory or too large");
        MPI_Abort(MPI_COMM_WORLD, 1);
        return -1;
    }
    for (int r = 0; r < nranks; r++) {
        size_t lo = batch * (size_t)r / (size_t)nranks, hi = batch * (size_t)(r + 1) / (size_t)nranks;
        displs[r] = (int)(lo * nsum);
        counts[r] = (int)((hi - lo) * nsum);
    }
    int rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, rows, counts, displs, MPI_DOUBLE, MPI_COMM_WORLD);
    free(counts);
    free(displs);
    if (rc != MPI_SUCCESS) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "MPI_Allgatherv failed");
        return -1;
    }
    return 0;
}

static void mpi_fit_setup(truce_fit_options *o)
{
    o->part = rank;
    o->nparts = nranks;
    o->exchange = mpi_exchange;
    o->exchange_ctx = NULL;
}

static int mpi_agree(int rc)
{
    int worst = 0;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return worst;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (rank != 0) {
        /* only rank 0 speaks */
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) {
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    static cli_driver driver;
    driver.ensemble_compute = mpi_compute;
    driver.writer = rank == 0;
    driver.fit_setup = mpi_fit_setup;
    driver.agree = mpi_agree;
    cli_parallel = &driver;
    int rc = 0;
    if (argc >= 2 && (strcmp(argv[1], "ensemble") == 0 || strcmp(argv[1], "fit") == 0)) rc = cli_main(argc, argv);
    else if (rank == 0) rc = cli_main(argc, argv);
    MPI_Finalize();
    return rc;
}
