/* fit_store — the SQLite run store of `truce fit` (fit_store.h). */
#include "fit_store.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STORE_FORMAT "truce-fit-store 1"

struct fit_store {
    sqlite3 *db;
    char *path;
};

static int fail(fit_store *s, truce_error *err, int code, const char *what)
{
    truce_error_set(err, code, s->path, 0, NULL, "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "no database");
    return -1;
}

static int exec(fit_store *s, const char *sql, truce_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        truce_error_set(err, TRUCE_ERUNTIME, s->path, 0, NULL, "%s: %s", sql, msg ? msg : "failed");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

void fit_store_close(fit_store *s)
{
    if (!s) return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static int put_locked(fit_store *s, const char *key, const void *value, size_t len, truce_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
        return fail(s, err, TRUCE_ERUNTIME, "prepare");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(s, err, TRUCE_ERUNTIME, "write");
    sqlite3_finalize(st);
    return rc;
}

int fit_store_put(fit_store *s, const char *key, const void *value, size_t len, truce_error *err)
{
    if (exec(s, "BEGIN IMMEDIATE", err)) return -1;
    if (put_locked(s, key, value, len, err)) {
        exec(s, "ROLLBACK", NULL);
        return -1;
    }
    return exec(s, "COMMIT", err);
}

void *fit_store_get(fit_store *s, const char *key, size_t *len, truce_error *err)
{
    truce_error_clear(err);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK) {
        fail(s, err, TRUCE_EINPUT, "not a truce fit store");
        return NULL;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    void *out = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        out = malloc(n + 1);   /* one more: a text value is terminated */
        if (out) {
            if (n) memcpy(out, b, n);
            ((char *)out)[n] = '\0';
            *len = n;
        } else {
            truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        }
    } else if (rc != SQLITE_DONE) {
        fail(s, err, TRUCE_ERUNTIME, "read");
    }
    sqlite3_finalize(st);
    return out;
}

fit_store *fit_store_open(const char *path, const char *hash, int restart, int readonly,
                          truce_error *err)
{
    truce_error_clear(err);
    fit_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = malloc(strlen(path) + 1))) {
        free(s);
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    strcpy(s->path, path);
    struct stat sb;
    int exists = lstat(path, &sb) == 0;
    if (exists && S_ISLNK(sb.st_mode)) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "is a symbolic link: refused (never written through)");
        fit_store_close(s);
        return NULL;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "is not a regular file");
        fit_store_close(s);
        return NULL;
    }
    if (!exists && readonly) {
        fit_store_close(s);
        return NULL;
    }
    int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOFOLLOW;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        fail(s, err, TRUCE_EINPUT, "cannot open the run store");
        fit_store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 10000);
    /* An existing non-empty file must be a truce store; it is not touched otherwise. */
    int fresh = !exists || sb.st_size == 0;
    if (!fresh) {
        size_t n = 0;
        truce_error e2;
        char *fmt = fit_store_get(s, "format", &n, &e2);
        if (!fmt || strcmp(fmt, STORE_FORMAT) != 0) {
            truce_error_set(err, TRUCE_EINPUT, path, 0, NULL,
                            "is not a truce fit store (%s); remove it or choose another --out",
                            fmt ? "another format" : "no format record");
            free(fmt);
            fit_store_close(s);
            return NULL;
        }
        free(fmt);
        char *old = fit_store_get(s, "options_hash", &n, &e2);
        if (!old || strcmp(old, hash) != 0) {
            if (!restart || readonly) {
                truce_error_set(err, TRUCE_EINPUT, path, 0, NULL,
                                "holds a fit made with other options (hash %s; this command's is %s): "
                                "rerun the same command to resume it, or add --restart to start over",
                                old ? old : "none", hash);
                free(old);
                fit_store_close(s);
                return NULL;
            }
            free(old);
            if (exec(s, "BEGIN IMMEDIATE", err) || exec(s, "DELETE FROM population", err) ||
                exec(s, "DELETE FROM meta", err) || put_locked(s, "format", STORE_FORMAT, strlen(STORE_FORMAT), err) ||
                put_locked(s, "options_hash", hash, strlen(hash), err) || exec(s, "COMMIT", err)) {
                fit_store_close(s);
                return NULL;
            }
        } else {
            free(old);
            if (restart && !readonly &&
                (exec(s, "BEGIN IMMEDIATE", err) || exec(s, "DELETE FROM population", err) ||
                 exec(s, "DELETE FROM meta WHERE key NOT IN ('format', 'options_hash')", err) || exec(s, "COMMIT", err))) {
                fit_store_close(s);
                return NULL;
            }
        }
        return s;
    }
    if (readonly) {
        fit_store_close(s);
        return NULL;
    }
    if (exec(s, "BEGIN IMMEDIATE", err) ||
        exec(s, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB)", err) ||
        exec(s, "CREATE TABLE IF NOT EXISTS population(t INTEGER PRIMARY KEY, eps REAL, sims INTEGER, "
                "accepted INTEGER, ess REAL, seconds REAL, n INTEGER, dim INTEGER, z BLOB, w BLOB, dist BLOB)", err) ||
        put_locked(s, "format", STORE_FORMAT, strlen(STORE_FORMAT), err) ||
        put_locked(s, "options_hash", hash, strlen(hash), err) || exec(s, "COMMIT", err)) {
        fit_store_close(s);
        return NULL;
    }
    return s;
}

int fit_store_commit(fit_store *s, const abc_population *p, const double *pilot, size_t npilot,
                     size_t nsum, truce_error *err)
{
    if (exec(s, "BEGIN IMMEDIATE", err)) return -1;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO population(t, eps, sims, accepted, ess, seconds, n, dim, z, w, dist) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
        rc = fail(s, err, TRUCE_ERUNTIME, "prepare");
    } else {
        /* eps as 8 bytes would be exact too; REAL is an IEEE double in SQLite, +INF included */
        sqlite3_bind_int64(st, 1, (sqlite3_int64)p->t);
        sqlite3_bind_double(st, 2, p->eps);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)p->sims);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)p->accepted);
        sqlite3_bind_double(st, 5, p->ess);
        sqlite3_bind_double(st, 6, p->seconds);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)p->n);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)p->dim);
        sqlite3_bind_blob(st, 9, p->z, (int)(p->n * p->dim * sizeof *p->z), SQLITE_STATIC);
        sqlite3_bind_blob(st, 10, p->w, (int)(p->n * sizeof *p->w), SQLITE_STATIC);
        sqlite3_bind_blob(st, 11, p->dist, (int)(p->n * sizeof *p->dist), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) rc = fail(s, err, TRUCE_ERUNTIME, "write a population");
        sqlite3_finalize(st);
    }
    if (rc == 0 && pilot) {
        char n[32];
        snprintf(n, sizeof n, "%zu %zu", npilot, nsum);
        rc = put_locked(s, "pilot_shape", n, strlen(n), err);
        if (rc == 0) rc = put_locked(s, "pilot", pilot, npilot * nsum * sizeof *pilot, err);
    }
    if (rc != 0) {
        exec(s, "ROLLBACK", NULL);
        return -1;
    }
    return exec(s, "COMMIT", err);
}

static int blob_into(sqlite3_stmt *st, int col, double **dst, size_t count)
{
    size_t bytes = (size_t)sqlite3_column_bytes(st, col);
    if (bytes != count * sizeof(double)) return -1;
    *dst = malloc(bytes ? bytes : 1);
    if (!*dst) return -1;
    if (bytes) memcpy(*dst, sqlite3_column_blob(st, col), bytes);
    return 0;
}

long fit_store_load(fit_store *s, abc_population **pops, double **pilot, size_t *npilot,
                    size_t nsum, truce_error *err)
{
    *pops = NULL;
    *pilot = NULL;
    *npilot = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT t, eps, sims, accepted, ess, seconds, n, dim, z, w, dist FROM population "
                                  "ORDER BY t", -1, &st, NULL) != SQLITE_OK)
        return fail(s, err, TRUCE_ERUNTIME, "read the populations");
    size_t n = 0, cap = 0;
    abc_population *p = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)sqlite3_column_int64(st, 0) != n) break;   /* only consecutive ones */
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            abc_population *np = realloc(p, cap * sizeof *np);
            if (!np) goto bad;
            p = np;
        }
        abc_population *q = &p[n];
        memset(q, 0, sizeof *q);
        q->t = (uint32_t)sqlite3_column_int64(st, 0);
        q->eps = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 1);
        q->sims = (uint64_t)sqlite3_column_int64(st, 2);
        q->accepted = (uint64_t)sqlite3_column_int64(st, 3);
        q->ess = sqlite3_column_double(st, 4);
        q->seconds = sqlite3_column_double(st, 5);
        q->n = (size_t)sqlite3_column_int64(st, 6);
        q->dim = (size_t)sqlite3_column_int64(st, 7);
        n++;
        if (n > 1) abc_population_free(&p[n - 2]);   /* arrays of the last only */
        if (blob_into(st, 8, &q->z, q->n * q->dim) || blob_into(st, 9, &q->w, q->n) ||
            blob_into(st, 10, &q->dist, q->n))
            goto bad;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (n > 0) {
        size_t len = 0;
        char *shape = fit_store_get(s, "pilot_shape", &len, err);
        size_t pn = 0, ps = 0;
        if (shape && sscanf(shape, "%zu %zu", &pn, &ps) == 2 && ps == nsum) {
            double *pl = fit_store_get(s, "pilot", &len, err);
            if (pl && len == pn * ps * sizeof *pl) {
                *pilot = pl;
                *npilot = pn;
            } else {
                free(pl);
            }
        }
        free(shape);
        if (!*pilot) {
            truce_error_set(err, TRUCE_EINPUT, s->path, 0, NULL, "the store has populations but no usable pilot: add --restart");
            goto bad;
        }
    }
    *pops = p;
    return (long)n;
bad:
    if (st) sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) abc_population_free(&p[i]);
    free(p);
    if (err && err->code == TRUCE_OK)
        truce_error_set(err, TRUCE_EINPUT, s->path, 0, NULL, "a stored population is damaged: add --restart");
    return -1;
}
