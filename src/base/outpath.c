/* outpath — safe output files and folders (see outpath.h for the rules). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* syscall(), SYS_renameat2 */
#endif
#include "outpath.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* ---- sinks ---------------------------------------------------------------------------- */

void sink_init(out_sink *s, truce_write_fn fn, void *ctx)
{
    s->fn = fn;
    s->ctx = ctx;
    s->failed = 0;
    s->n = 0;
}

static void sink_pass(out_sink *s, const char *data, size_t len)
{
    if (s->failed || len == 0) return;
    if (s->fn(s->ctx, data, len) != 0) s->failed = 1;
}

int sink_flush(out_sink *s)
{
    sink_pass(s, s->buf, s->n);
    s->n = 0;
    return s->failed ? -1 : 0;
}

void sink_write(out_sink *s, const char *data, size_t len)
{
    if (s->n + len > sizeof s->buf) {
        sink_flush(s);
        if (len > sizeof s->buf) {
            sink_pass(s, data, len);
            return;
        }
    }
    memcpy(s->buf + s->n, data, len);
    s->n += len;
}

void sink_puts(out_sink *s, const char *text) { sink_write(s, text, strlen(text)); }

void sink_putc(out_sink *s, char c) { sink_write(s, &c, 1); }

void sink_printf(out_sink *s, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0) {
        s->failed = 1;
        return;
    }
    if ((size_t)k < sizeof small) {
        sink_write(s, small, (size_t)k);
        return;
    }
    char *big = malloc((size_t)k + 1);
    if (!big) {
        s->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)k + 1, fmt, ap);
    va_end(ap);
    sink_write(s, big, (size_t)k);
    free(big);
}

int sink_file_fn(void *ctx, const char *data, size_t len)
{
    FILE *f = ctx;
    return fwrite(data, 1, len, f) == len && !ferror(f) ? 0 : -1;
}

/* ---- the registry of temporaries, and the signal handler -------------------------------- */

/* A slot is claimed with a compare-and-swap, filled, then published; the handler reads
 * only published slots (lock-free atomics are async-signal-safe). */
enum { REG_SLOTS = 64, REG_PATH = 4096 };
enum { REG_FREE = 0, REG_CLAIMED = 1, REG_FILE = 2, REG_DIR = 3 };
static atomic_int reg_state[REG_SLOTS];
static char reg_path[REG_SLOTS][REG_PATH];

static int reg_add(const char *path, int kind)
{
    size_t n = strlen(path);
    if (n >= REG_PATH) return -1;
    for (int i = 0; i < REG_SLOTS; i++) {
        int expect = REG_FREE;
        if (!atomic_compare_exchange_strong(&reg_state[i], &expect, REG_CLAIMED)) continue;
        memcpy(reg_path[i], path, n + 1);
        atomic_store(&reg_state[i], kind);
        return i;
    }
    return -1; /* full: the temporary is then only swept later */
}

/* The path of a slot changes (mkstemp filled in its XXXXXX). */
static void reg_update(int slot, const char *path)
{
    if (slot < 0 || slot >= REG_SLOTS) return;
    int kind = atomic_exchange(&reg_state[slot], REG_CLAIMED);
    memcpy(reg_path[slot], path, strlen(path) + 1);
    atomic_store(&reg_state[slot], kind);
}

static void reg_drop(int slot)
{
    if (slot >= 0 && slot < REG_SLOTS) atomic_store(&reg_state[slot], REG_FREE);
}

static void on_signal(int sig)
{
    int saved = errno;
    for (int i = 0; i < REG_SLOTS; i++)
        if (atomic_load(&reg_state[i]) == REG_FILE) unlink(reg_path[i]);
    /* twice: a sub-folder (fit/ of an assessment) may sit in a later slot than its folder */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < REG_SLOTS; i++)
            if (atomic_load(&reg_state[i]) == REG_DIR) rmdir(reg_path[i]);
    errno = saved;
    /* SA_RESETHAND restored the default action; the signal is blocked while we run, so it
     * is delivered, with its usual effect, as soon as we return. */
    raise(sig);
}

int truce_cleanup_on_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    int rc = 0;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) != 0) {
            rc = -1;
            continue;
        }
        if (old.sa_handler != SIG_DFL) continue; /* ignored or handled by the caller */
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = (int)SA_RESETHAND;
        if (sigaction(sigs[i], &sa, NULL) != 0) rc = -1;
    }
    return rc;
}

/* ---- names ------------------------------------------------------------------------- */

static const char TMP_MARK[] = ".truce-tmp-", OLD_MARK[] = ".truce-old-";
enum { MARK_LEN = 11, NAME_MAX_TMP = 200 };

/* Length of NAME in `.NAME.truce-...` (0 if not a temporary's name). */
static size_t parse_temp(const char *name, long *pid, int *is_old)
{
    size_t n = strlen(name);
    if (n < 1 + 1 + MARK_LEN + 1 + 7 || name[0] != '.') return 0;
    const char *x = name + n - 7;
    if (*x != '-') return 0;
    for (int i = 1; i <= 6; i++)
        if (!isalnum((unsigned char)x[i])) return 0;
    const char *d = x;
    while (d > name && isdigit((unsigned char)d[-1])) d--;
    if (d == x || x - d > 10 || d - name < 2 + MARK_LEN) return 0;
    const char *m = d - MARK_LEN;
    int old;
    if (memcmp(m, TMP_MARK, MARK_LEN) == 0) old = 0;
    else if (memcmp(m, OLD_MARK, MARK_LEN) == 0) old = 1;
    else return 0;
    long p = 0;
    for (const char *c = d; c < x; c++) p = p * 10 + (*c - '0');
    if (pid) *pid = p;
    if (is_old) *is_old = old;
    return (size_t)(m - name) - 1;
}

int out_temp_name(const char *name, long *pid, int *is_old)
{
    return parse_temp(name, pid, is_old) > 0;
}

static size_t temp_base_len(const char *name) { return parse_temp(name, NULL, NULL); }

/* Split path into its folder ("." when none) and last component; trailing slashes are
 * dropped. Returns 0, or -1 (err) when the last component is unusable. */
typedef struct split_path {
    char *whole;   /* path without trailing slashes */
    char *dir;     /* folder */
    const char *base;
} split_path;

static void split_free(split_path *p)
{
    free(p->whole);
    free(p->dir);
    p->whole = p->dir = NULL;
}

static int split(const char *path, split_path *p, truce_error *err)
{
    p->whole = p->dir = NULL;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    p->whole = malloc(n + 1);
    if (!p->whole) goto oom;
    memcpy(p->whole, path, n);
    p->whole[n] = '\0';
    char *slash = strrchr(p->whole, '/');
    p->base = slash ? slash + 1 : p->whole;
    size_t dn = slash ? (size_t)(slash - p->whole) : 0;
    p->dir = malloc(dn + 2);
    if (!p->dir) goto oom;
    if (!slash) strcpy(p->dir, ".");
    else if (dn == 0) strcpy(p->dir, "/");
    else {
        memcpy(p->dir, p->whole, dn);
        p->dir[dn] = '\0';
    }
    if (!*p->base || strcmp(p->base, ".") == 0 || strcmp(p->base, "..") == 0) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "not a usable name for an output");
        split_free(p);
        return -1;
    }
    if (strlen(p->base) > NAME_MAX_TMP) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL,
                        "name too long for an output (at most %d bytes)", NAME_MAX_TMP);
        split_free(p);
        return -1;
    }
    return 0;
oom:
    split_free(p);
    truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
    return -1;
}

/* "DIR/.BASE.truce-tmp-PID-XXXXXX" (mark: TMP_MARK or OLD_MARK), malloc'd. */
static char *temp_template(const split_path *p, const char *mark)
{
    size_t cap = strlen(p->dir) + strlen(p->base) + 64;
    char *t = malloc(cap);
    if (t) snprintf(t, cap, "%s/.%s%s%ld-XXXXXX", p->dir, p->base, mark, (long)getpid());
    return t;
}

static int check_parent(const split_path *p, const char *path, truce_error *err)
{
    struct stat st;
    if (stat(p->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL,
                        "the folder that would hold it (%s) does not exist", p->dir);
        return -1;
    }
    return 0;
}

static mode_t default_mode(mode_t base)
{
    mode_t mask = umask(0);
    umask(mask);
    return base & ~mask;
}

static const char *LINK_REFUSED =
    "is a symbolic link: truce never writes through one (remove it or name another path)";

/* ---- sweeping ---------------------------------------------------------------------- */

static int pid_alive(long pid)
{
    if (pid <= 0) return 1; /* not ours to judge: keep */
    if (pid == (long)getpid()) return 1;
    if (kill((pid_t)pid, 0) == 0) return 1;
    return errno != ESRCH;
}

/* Remove a stale temporary folder: its plain entries and those of its sub-folders (one
 * level: an output folder's own sub-folders, out_dir below), then itself (a deeper folder,
 * which truce never makes, keeps it). */
static int remove_temp_dir_at(int dfd, const char *name, int depth)
{
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        struct stat st;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (!S_ISDIR(st.st_mode)) unlinkat(fd, de->d_name, 0);
        else if (depth == 0) remove_temp_dir_at(fd, de->d_name, 1);
    }
    closedir(d);
    return unlinkat(dfd, name, AT_REMOVEDIR);
}

static int remove_temp_dir(int dfd, const char *name) { return remove_temp_dir_at(dfd, name, 0); }

int out_sweep(const char *dir)
{
    if (!dir || !*dir) dir = ".";
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return 0;
    int dfd2 = dup(dfd);
    DIR *d = dfd2 >= 0 ? fdopendir(dfd2) : NULL;
    if (!d) {
        if (dfd2 >= 0) close(dfd2);
        close(dfd);
        return 0;
    }
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        long pid;
        int old;
        if (!out_temp_name(de->d_name, &pid, &old) || pid_alive(pid)) continue;
        struct stat st;
        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (old) {
                /* An earlier output moved aside by a writer killed before it put the new
                 * one in place: if the name is still free, it goes back. */
                char name[256];
                size_t k = temp_base_len(de->d_name);
                if (k > 0 && k < sizeof name) {
                    memcpy(name, de->d_name + 1, k);
                    name[k] = '\0';
                    struct stat t;
                    if (fstatat(dfd, name, &t, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT &&
                        renameat(dfd, de->d_name, dfd, name) == 0) {
                        removed++;
                        continue;
                    }
                }
            }
            if (remove_temp_dir(dfd, de->d_name) == 0) removed++;
        } else if (unlinkat(dfd, de->d_name, 0) == 0) {
            removed++;
        }
    }
    closedir(d);
    close(dfd);
    return removed;
}

/* ---- files ------------------------------------------------------------------------- */

static void file_reset(out_file *o)
{
    o->fp = NULL;
    o->path = o->tmp = NULL;
    o->slot = -1;
    o->is_stdout = 0;
}

/* Open an existing non-regular file (device, FIFO) for writing as it is. */
static int open_direct(out_file *o, const char *path, truce_error *err)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
        close(fd);
        truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "changed while being opened; not written");
        return -1;
    }
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        close(fd);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int out_file_open(out_file *o, const char *path, truce_error *err)
{
    file_reset(o);
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        o->is_stdout = 1;
        return 0;
    }
    if (!*path) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "empty output file name");
        return -1;
    }
    o->path = strdup(path);
    if (!o->path) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        return -1;
    }
    struct stat st;
    mode_t mode = default_mode(0666);
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            /* /dev/stdout and the like: a link to a device or FIFO is written as it is; a
             * link to anything else (or to nothing) is refused. */
            struct stat t;
            if (stat(path, &t) == 0 && !S_ISREG(t.st_mode) && !S_ISDIR(t.st_mode)) {
                if (open_direct(o, path, err) == 0) return 0;
            } else {
                truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "%s", LINK_REFUSED);
            }
            goto fail;
        }
        if (S_ISDIR(st.st_mode)) {
            truce_error_set(err, TRUCE_EINPUT, path, 0, NULL, "is a folder, not a file");
            goto fail;
        }
        if (!S_ISREG(st.st_mode)) {
            if (open_direct(o, path, err) == 0) return 0;
            goto fail;
        }
        mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(errno));
        goto fail;
    }
    split_path sp;
    if (split(path, &sp, err) != 0) goto fail;
    if (check_parent(&sp, path, err) != 0) {
        split_free(&sp);
        goto fail;
    }
    out_sweep(sp.dir);
    o->tmp = temp_template(&sp, TMP_MARK);
    split_free(&sp);
    if (!o->tmp) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        goto fail;
    }
    /* Registered before it exists, so that no moment leaves it unregistered. */
    o->slot = reg_add(o->tmp, REG_FILE);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL,
                        "cannot create a file beside it: %s", strerror(errno));
        goto fail;
    }
    reg_update(o->slot, o->tmp);
    if (fchmod(fd, mode) != 0 || !(o->fp = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(e));
        goto fail;
    }
    return 0;
fail:
    reg_drop(o->slot);
    free(o->path);
    free(o->tmp);
    file_reset(o);
    return -1;
}

/* fflush + ferror + fsync + fclose; errno-like code or 0. */
static int close_checked(FILE *f, int sync)
{
    int e = 0;
    if (fflush(f) != 0) e = errno ? errno : EIO;
    if (!e && ferror(f)) e = EIO;
    if (!e && sync && fsync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS) e = errno;
    if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
    return e;
}

int out_file_commit(out_file *o, truce_error *err)
{
    int rc = 0;
    if (o->is_stdout) {
        errno = 0;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            truce_error_set(err, TRUCE_ERUNTIME, "standard output", 0, NULL, "write error: %s",
                            strerror(errno ? errno : EIO));
            rc = -1;
        }
        file_reset(o);
        return rc;
    }
    errno = 0;
    int e = close_checked(o->fp, o->tmp != NULL);
    o->fp = NULL;
    if (e) {
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "write error: %s", strerror(e));
        rc = -1;
    } else if (o->tmp) {
        /* Only a regular file, or nothing, is replaced. */
        struct stat st;
        if (lstat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
            truce_error_set(err, TRUCE_EINPUT, o->path, 0, NULL, "%s",
                            S_ISLNK(st.st_mode) ? LINK_REFUSED
                                                : "appeared as something else than a file while "
                                                  "being written; not replaced");
            rc = -1;
        } else if (rename(o->tmp, o->path) != 0) {
            truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "cannot write: %s",
                            strerror(errno));
            rc = -1;
        }
    }
    if (rc != 0 && o->tmp) unlink(o->tmp);
    reg_drop(o->slot);
    free(o->path);
    free(o->tmp);
    file_reset(o);
    return rc;
}

void out_file_abort(out_file *o)
{
    if (o->is_stdout) {
        fflush(stdout);
        file_reset(o);
        return;
    }
    if (o->fp) fclose(o->fp);
    if (o->tmp) unlink(o->tmp);
    reg_drop(o->slot);
    free(o->path);
    free(o->tmp);
    file_reset(o);
}

/* ---- folders ----------------------------------------------------------------------- */

static int is_own(const out_dir *o, const char *name)
{
    for (size_t i = 0; o->own[i]; i++)
        if (strcmp(o->own[i], name) == 0) return 1;
    return 0;
}

/* `name` is the sub-folder of some own names ("fit" of "fit/fit.json"). */
static int is_own_folder(const out_dir *o, const char *name)
{
    const size_t n = strlen(name);
    for (size_t i = 0; o->own[i]; i++)
        if (strncmp(o->own[i], name, n) == 0 && o->own[i][n] == '/') return 1;
    return 0;
}

/* Every entry of the sub-folder `sub` (open at fd) is a regular file named sub/ENTRY in own. */
static int own_folder_contents(const out_dir *o, int fd, const char *sub)
{
    int sfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = sfd >= 0 ? fdopendir(sfd) : NULL;
    if (!d) {
        if (sfd >= 0) close(sfd);
        return 0;
    }
    int ok = 1;
    struct dirent *de;
    char full[512];
    while (ok && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        struct stat f;
        int n = snprintf(full, sizeof full, "%s/%s", sub, de->d_name);
        ok = n > 0 && (size_t)n < sizeof full && is_own(o, full) &&
             fstatat(sfd, de->d_name, &f, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(f.st_mode);
    }
    closedir(d);
    return ok;
}

static size_t own_count(const out_dir *o)
{
    size_t n = 0;
    while (o->own[n]) n++;
    return n;
}

/* Why an existing `path` cannot be replaced, or NULL when it is absent or a folder of
 * nothing but own files (*exists says which). */
static const char *replace_refusal(const out_dir *o, const char *path, int *exists)
{
    struct stat st;
    *exists = 0;
    if (lstat(path, &st) != 0) return errno == ENOENT ? NULL : "cannot be examined";
    *exists = 1;
    if (S_ISLNK(st.st_mode)) return LINK_REFUSED;
    if (!S_ISDIR(st.st_mode)) return "exists and is not a folder";
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        return "exists and cannot be read";
    }
    const char *why = NULL;
    struct dirent *de;
    while (!why && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        struct stat f;
        if (fstatat(fd, de->d_name, &f, AT_SYMLINK_NOFOLLOW) != 0 ||
            (S_ISREG(f.st_mode) ? !is_own(o, de->d_name)
                                : !S_ISDIR(f.st_mode) || !is_own_folder(o, de->d_name) ||
                                      !own_folder_contents(o, fd, de->d_name)))
            why = "exists and holds other files than truce's own output; choose another path";
    }
    closedir(d);
    return why;
}

static void dir_reset(out_dir *o)
{
    o->path = o->tmp = NULL;
    o->own = NULL;
    o->slot = -1;
    for (int i = 0; i < OUT_DIR_MAX_FILES; i++) o->file_slot[i] = o->sub_slot[i] = -1;
}

static void dir_unregister(out_dir *o)
{
    for (int i = 0; i < OUT_DIR_MAX_FILES; i++) {
        reg_drop(o->file_slot[i]);
        reg_drop(o->sub_slot[i]);
    }
    reg_drop(o->slot);
}

/* Remove the temporary folder's own files and the folder (never anything else). */
static void dir_remove_tmp(out_dir *o)
{
    if (!o->tmp) return;
    size_t n = strlen(o->tmp);
    char *p = malloc(n + 260);
    if (p) {
        for (size_t i = 0; o->own[i]; i++) {
            snprintf(p, n + 260, "%s/%s", o->tmp, o->own[i]);
            unlink(p);
        }
        /* then the sub-folders of own names (fit/ of fit/fit.json) */
        for (size_t i = 0; o->own[i]; i++) {
            const char *slash = strchr(o->own[i], '/');
            if (!slash) continue;
            snprintf(p, n + 260, "%s/%.*s", o->tmp, (int)(slash - o->own[i]), o->own[i]);
            rmdir(p);
        }
        free(p);
    }
    rmdir(o->tmp);
}

static void dir_free(out_dir *o)
{
    dir_unregister(o);
    free(o->path);
    free(o->tmp);
    dir_reset(o);
}

int out_dir_begin(out_dir *o, const char *path, const char *const *own, truce_error *err)
{
    dir_reset(o);
    o->own = own;
    if (!path || !*path) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "empty output folder name");
        return -1;
    }
    if (own_count(o) > OUT_DIR_MAX_FILES) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "too many output files");
        return -1;
    }
    split_path sp;
    if (split(path, &sp, err) != 0) return -1;
    int exists;
    const char *why = replace_refusal(o, sp.whole, &exists);
    if (why) {
        truce_error_set(err, TRUCE_EINPUT, sp.whole, 0, NULL, "%s", why);
        split_free(&sp);
        return -1;
    }
    if (check_parent(&sp, sp.whole, err) != 0) {
        split_free(&sp);
        return -1;
    }
    out_sweep(sp.dir);
    o->tmp = temp_template(&sp, TMP_MARK);
    o->path = sp.whole;
    sp.whole = NULL;
    split_free(&sp);
    if (!o->tmp) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        dir_free(o);
        return -1;
    }
    /* Register the folder and the files it may hold before any exists. */
    o->slot = reg_add(o->tmp, REG_DIR);
    if (!mkdtemp(o->tmp)) {
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL,
                        "cannot create a folder beside it: %s", strerror(errno));
        dir_free(o);
        return -1;
    }
    reg_update(o->slot, o->tmp);
    size_t n = strlen(o->tmp);
    for (size_t i = 0; own[i]; i++) {
        char *p = malloc(n + strlen(own[i]) + 2);
        if (!p) continue;
        sprintf(p, "%s/%s", o->tmp, own[i]);
        o->file_slot[i] = reg_add(p, REG_FILE);
        free(p);
    }
    return 0;
}

int out_dir_check(const char *path, const char *const *own, truce_error *err)
{
    out_dir o;
    dir_reset(&o);
    o.own = own;
    if (!path || !*path) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, NULL, "empty output folder name");
        return -1;
    }
    split_path sp;
    if (split(path, &sp, err) != 0) return -1;
    int exists, rc = -1;
    const char *why = replace_refusal(&o, sp.whole, &exists);
    if (why) truce_error_set(err, TRUCE_EINPUT, sp.whole, 0, NULL, "%s", why);
    else if (check_parent(&sp, sp.whole, err) == 0) rc = 0;
    split_free(&sp);
    return rc;
}

FILE *out_dir_create(out_dir *o, const char *name, truce_error *err)
{
    if (!is_own(o, name)) {
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "'%s' is not a declared output", name);
        return NULL;
    }
    size_t n = strlen(o->tmp) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) {
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "out of memory");
        return NULL;
    }
    snprintf(p, n, "%s/%s", o->tmp, name);
    const char *slash = strchr(name, '/');
    if (slash) {
        /* a file of a sub-folder (one level): make the sub-folder once, registered */
        size_t at = strlen(o->tmp) + 1 + (size_t)(slash - name);
        p[at] = '\0';
        if (mkdir(p, 0777) == 0) {
            for (int i = 0; i < OUT_DIR_MAX_FILES; i++)
                if (o->sub_slot[i] < 0) {
                    o->sub_slot[i] = reg_add(p, REG_DIR);
                    break;
                }
        } else if (errno != EEXIST) {
            int e = errno;
            free(p);
            truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "%.*s: cannot make the folder: %s",
                            (int)(slash - name), name, strerror(e));
            return NULL;
        }
        p[at] = '/';
    }
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    free(p);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0) close(fd);
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "%s: cannot write: %s", name, strerror(e));
    }
    return f;
}

int out_dir_close(out_dir *o, FILE *f, const char *name, truce_error *err)
{
    /* No fsync here: a run's series.csv is up to 80 MB and can be made again, and the
     * swap already protects the earlier output from a killed or failed writer. */
    errno = 0;
    int e = close_checked(f, 0);
    if (e) {
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "%s: write error: %s", name, strerror(e));
        return -1;
    }
    return 0;
}

#if defined(__linux__)
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
static int rename2(const char *from, const char *to, unsigned flags)
{
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
#else
    (void)from, (void)to, (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}
#else
static int rename2(const char *from, const char *to, unsigned flags)
{
    (void)from, (void)to, (void)flags;
    errno = ENOSYS;
    return -1;
}
#define RENAME_NOREPLACE 1u
#define RENAME_EXCHANGE 2u
#endif

/* No atomic exchange: move the earlier folder aside (to a registered `.truce-old-`
 * name, which the next writer puts back if we die before the second rename), then
 * move the new one in, with the catchable signals held off in between. */
static int swap_by_two_renames(out_dir *o, truce_error *err)
{
    split_path sp;
    if (split(o->path, &sp, err) != 0) return -1;
    char *old = temp_template(&sp, OLD_MARK);
    split_free(&sp);
    if (!old || !mkdtemp(old)) {
        int e = errno;
        free(old);
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "cannot replace: %s", strerror(e));
        return -1;
    }
    sigset_t block, saved;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGPIPE);
    sigprocmask(SIG_BLOCK, &block, &saved);
    int rc = -1, e = 0;
    if (rename(o->path, old) != 0) {
        e = errno;
        rmdir(old);
    } else if (rename(o->tmp, o->path) != 0) {
        e = errno;
        rename(old, o->path);
    } else {
        rc = 0;
    }
    if (rc == 0) {
        /* the new folder is in place; the earlier one is where the temporary was named */
        char *t = o->tmp;
        o->tmp = old;
        dir_remove_tmp(o);
        o->tmp = t;
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
    free(old);
    if (rc != 0) truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "cannot replace: %s", strerror(e));
    return rc;
}

int out_dir_commit(out_dir *o, truce_error *err)
{
    int rc = -1, exists;
    /* Folders are made 0700 by mkdtemp; the output gets the usual mode. */
    if (chmod(o->tmp, default_mode(0777)) != 0) {
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "cannot write: %s", strerror(errno));
        goto out;
    }
    const char *why = replace_refusal(o, o->path, &exists);
    if (why) {
        truce_error_set(err, TRUCE_EINPUT, o->path, 0, NULL, "%s", why);
        goto out;
    }
    if (!exists) {
        if (rename2(o->tmp, o->path, RENAME_NOREPLACE) == 0) {
            rc = 0;
        } else if (errno == ENOSYS || errno == EINVAL) {
            if (rename(o->tmp, o->path) == 0) rc = 0;
            else truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "cannot write: %s", strerror(errno));
        } else if (errno == EEXIST) {
            truce_error_set(err, TRUCE_EINPUT, o->path, 0, NULL, "appeared while being written; not replaced");
        } else {
            truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "cannot write: %s", strerror(errno));
        }
        goto out;
    }
    /* One atomic step: the new folder takes the name, the earlier one takes the
     * temporary's (still registered, so a signal from here on removes it). */
    if (rename2(o->tmp, o->path, RENAME_EXCHANGE) == 0) {
        rc = 0;
    } else if (errno == ENOSYS || errno == EINVAL) {
        rc = swap_by_two_renames(o, err);
    } else {
        truce_error_set(err, TRUCE_ERUNTIME, o->path, 0, NULL, "cannot replace: %s", strerror(errno));
    }
out:
    dir_remove_tmp(o); /* after success: the earlier output; after failure: the new one */
    dir_free(o);
    return rc;
}

void out_dir_abort(out_dir *o)
{
    if (!o->tmp) {
        dir_free(o);
        return;
    }
    dir_remove_tmp(o);
    dir_free(o);
}
