/* outpath — safe output files and folders. Every writer of truce goes through it.
 *
 * The rules (docs/run.md, "Where output goes"):
 *  - Nothing is written through a symbolic link: an output path that is a link is refused
 *    (TRUCE_EINPUT), so a planted link never makes truce overwrite or delete another file.
 *  - A file is written to a temporary created with mkstemp in the destination's own folder,
 *    named `.NAME.truce-tmp-PID-XXXXXX`, and renamed over the destination only when every
 *    write and the close succeeded: there is never a half-written file under the name.
 *  - Only a regular file (or nothing) is ever replaced. An existing destination that is not
 *    a regular file nor a folder (a device such as /dev/null, a FIFO, a socket) is written
 *    directly, as standard output would be; a folder is refused.
 *  - A folder is built as a temporary folder (mkdtemp, same naming) beside it and swapped
 *    in with one atomic exchange (Linux renameat2 RENAME_EXCHANGE; elsewhere two renames).
 *    An existing folder is replaced only if it holds nothing but the writer's own files
 *    (e.g. series.csv and summary.json); anything else is refused.
 *  - The destination's folder must exist: nothing creates parent folders here.
 *  - Temporaries are registered: on SIGINT, SIGTERM, SIGHUP or SIGPIPE the handler installed
 *    by truce_cleanup_on_signals() unlinks them (async-signal-safe calls only) and re-raises
 *    the signal. Those left by a process killed outright (SIGKILL, a crash) are swept by the
 *    next writer into the same folder: only names of the pattern above whose PID is no live
 *    process, and within a swept folder only its plain entries (never a sub-folder).
 *  - Error messages name the user's path, never a temporary.
 */
#ifndef TRUCE_OUTPATH_H
#define TRUCE_OUTPATH_H

#include <stddef.h>
#include <stdio.h>
#include "truce.h"

/* ---- sinks: formatted output to a truce_write_fn, buffered, with a sticky error ------- */

typedef struct out_sink {
    truce_write_fn fn;
    void *ctx;
    int failed;        /* a write failed: nothing more is passed on */
    size_t n;
    char buf[16384];
} out_sink;

void sink_init(out_sink *s, truce_write_fn fn, void *ctx);
void sink_write(out_sink *s, const char *data, size_t len);
void sink_puts(out_sink *s, const char *text);
void sink_putc(out_sink *s, char c);
void sink_printf(out_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Pass on what is buffered. 0, or -1 if any write failed. */
int sink_flush(out_sink *s);
/* A truce_write_fn writing to the FILE * in ctx. */
int sink_file_fn(void *ctx, const char *data, size_t len);

/* ---- files ------------------------------------------------------------------------ */

typedef struct out_file {
    FILE *fp;          /* write here (buffered) */
    char *path;        /* the destination as given (messages) */
    char *tmp;         /* the temporary; NULL when written directly */
    int slot;          /* registry slot of tmp, or -1 */
    int is_stdout;
} out_file;

/* Open path for writing: NULL or "-" is standard output; an existing device or FIFO is
 * written directly; otherwise a temporary beside it. Returns 0, or -1 (err filled:
 * TRUCE_EINPUT for a link, a folder or a missing parent folder; else TRUCE_ERUNTIME). */
int out_file_open(out_file *o, const char *path, truce_error *err);
/* Flush, check every write, close, and rename the temporary over the destination.
 * Returns 0, or -1 with err naming the destination (the temporary is removed). */
int out_file_commit(out_file *o, truce_error *err);
/* Give up: close and remove the temporary (never the destination). */
void out_file_abort(out_file *o);

/* ---- folders ---------------------------------------------------------------------- */

enum { OUT_DIR_MAX_FILES = 24 };

typedef struct out_dir {
    char *path;        /* the destination, trailing slashes removed (messages) */
    char *tmp;         /* the temporary folder */
    const char *const *own;   /* NULL-terminated names the writer may create */
    int slot;          /* registry slot of tmp */
    int file_slot[OUT_DIR_MAX_FILES];
    int sub_slot[OUT_DIR_MAX_FILES];   /* sub-folders made (registered) */
} out_dir;

/* Start writing the folder `path`, whose files will be among `own` (NULL-terminated, at
 * most OUT_DIR_MAX_FILES, plain names or SUB/NAME: one level of sub-folder). Refuses (TRUCE_EINPUT) a link, a non-folder, a
 * folder holding anything but `own` files, and a missing parent folder. */
int out_dir_begin(out_dir *o, const char *path, const char *const *own, truce_error *err);
/* The same checks as out_dir_begin, creating nothing: for a caller to refuse a bad
 * destination before hours of work rather than after (the checks are made again). */
int out_dir_check(const char *path, const char *const *own, truce_error *err);
/* Create the file `name` (one of own) in the temporary folder. */
FILE *out_dir_create(out_dir *o, const char *name, truce_error *err);
/* Check every write to f and close it; messages name PATH/name. 0 or -1. */
int out_dir_close(out_dir *o, FILE *f, const char *name, truce_error *err);
/* Put the folder in place, replacing an earlier one of the writer's own files. */
int out_dir_commit(out_dir *o, truce_error *err);
/* Give up: remove the temporary folder and its files. */
void out_dir_abort(out_dir *o);

/* ---- temporaries left behind -------------------------------------------------------- */

/* Remove the temporaries in folder `dir` ("" or NULL: the current folder) left by
 * processes that no longer run. Returns how many were removed. */
int out_sweep(const char *dir);
/* 1 if `name` has the form of a truce temporary (`.NAME.truce-tmp-PID-XXXXXX` or
 * `.NAME.truce-old-PID-XXXXXX`), with *pid set. */
int out_temp_name(const char *name, long *pid, int *is_old);

#endif
