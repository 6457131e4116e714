/* truce-mpi — the truce command line over MPI processes (docs/ensemble.md).
 *
 *   mpirun -np K build/truce-mpi ensemble ARGS
 *
 * takes exactly truce's arguments and writes the bytes `build/truce ensemble ARGS` writes:
 * every rank parses the same arguments and builds the same ensemble, computes a disjoint
 * range of runs (rank r of K: runs [N r / K, N (r + 1) / K)), and sends them to rank 0,
 * which writes. Ranks other than 0 print nothing. Other subcommands run on rank 0 only.
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
    cli_parallel = &driver;
    int rc = 0;
    if (argc >= 2 && strcmp(argv[1], "ensemble") == 0) rc = cli_main(argc, argv);
    else if (rank == 0) rc = cli_main(argc, argv);
    MPI_Finalize();
    return rc;
}
