/* fit_store — the run store of `truce fit`: an SQLite database (DIR/fit.sqlite) holding
 * the fit's options hash, the screening's outcome, the pilot from which the distance's
 * scales were set, and every complete population, each committed in one transaction. A fit
 * killed at any moment leaves the store at its last commit; the same fit resumes from
 * there (docs/fit.md, "Resuming").
 *
 * Opened without following a symbolic link (SQLITE_OPEN_NOFOLLOW); an existing file that
 * is not a truce fit store is refused and never modified. */
#ifndef TRUCE_FIT_STORE_H
#define TRUCE_FIT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "abc.h"
#include "truce.h"

typedef struct fit_store fit_store;

/* Open (creating if missing) the store at path for a fit whose options hash is `hash`.
 * A store made by another hash is TRUCE_EINPUT naming both, unless restart (then its
 * contents are cleared). readonly: open an existing store only to read it (MPI ranks other
 * than the writer); a missing one then gives NULL with err->code TRUCE_OK. */
fit_store *fit_store_open(const char *path, const char *hash, int restart, int readonly,
                          truce_error *err);
void fit_store_close(fit_store *s);

/* Key/value pairs (text or bytes), written in their own transaction. */
int fit_store_put(fit_store *s, const char *key, const void *value, size_t len, truce_error *err);
/* A value (malloc'd, *len set) or NULL when absent (err->code TRUCE_OK) or on error. */
void *fit_store_get(fit_store *s, const char *key, size_t *len, truce_error *err);

/* Commit one complete population (and, for population 0, its pilot: npilot x nsum
 * doubles) in one transaction. */
int fit_store_commit(fit_store *s, const abc_population *p, const double *pilot, size_t npilot,
                     size_t nsum, truce_error *err);
/* Every stored population in order (figures; arrays only for the last), as many as are
 * consecutive from 0, and the pilot (NULL when none). Returns the count, or -1 (err). */
long fit_store_load(fit_store *s, abc_population **pops, double **pilot, size_t *npilot,
                    size_t nsum, truce_error *err);

#endif
