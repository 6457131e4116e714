/* outdir — an output folder written through a temporary folder and one rename. */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void outdir_number(FILE *f, double x)
{
    if (isnan(x)) {
        fputs("NA", f);
        return;
    }
    if (x == 0.0) x = 0.0; /* no "-0" */
    if (fabs(x) < 1e15 && x == floor(x)) fprintf(f, "%.0f", x);
    else fprintf(f, "%.10g", x);
}

void outdir_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* mkdir -p of the folder that holds path. */
static int make_parents(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) return -1;
    memcpy(buf, path, n + 1);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return 0;
    *slash = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
    return 0;
}

static void remove_tree(const char *dir, const outdir_file *files, size_t nfiles)
{
    char path[4400];
    for (size_t i = 0; i < nfiles; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        unlink(path);
    }
    rmdir(dir);
}

static int is_ours(const char *name, const outdir_file *files, size_t nfiles)
{
    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(name, files[i].name) == 0) return 1;
    return 0;
}

static int write_one(const char *path, const outdir_file *file, const void *ctx, truce_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(errno));
        return -1;
    }
    if (file->write(f, ctx, err) != 0) {
        fclose(f);
        return -1;
    }
    int bad = ferror(f), e = errno;
    if (fclose(f) != 0) bad = 1, e = errno;
    if (bad) {
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(e));
        return -1;
    }
    return 0;
}

int outdir_write(const char *dir, const outdir_file *files, size_t nfiles, const void *ctx,
                 truce_error *err)
{
    char target[4096], tmp[4200], old[4200], path[4400];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (n == 0 || n + 64 > sizeof target) {
        truce_error_set(err, TRUCE_EINPUT, dir, 0, "--out", "not a usable folder name");
        return -1;
    }
    snprintf(target, sizeof target, "%.*s", (int)n, dir);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", target, (long)getpid());
    snprintf(old, sizeof old, "%s.old-%ld", target, (long)getpid());
    /* Refuse a target that is not ours before writing anything. */
    struct stat st;
    int exists = stat(target, &st) == 0;
    if (exists) {
        const char *why = NULL;
        if (!S_ISDIR(st.st_mode)) {
            why = "exists and is not a folder";
        } else {
            DIR *d = opendir(target);
            struct dirent *de;
            while (d && (de = readdir(d)) != NULL)
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
                    !is_ours(de->d_name, files, nfiles)) {
                    why = "exists and holds other files than truce wrote there; choose another --out";
                    break;
                }
            if (d) closedir(d);
            else why = "exists and cannot be read";
        }
        if (why) {
            truce_error_set(err, TRUCE_EINPUT, target, 0, "--out", "%s", why);
            return -1;
        }
    }
    if (make_parents(target) != 0) {
        truce_error_set(err, TRUCE_ERUNTIME, target, 0, NULL,
                        "cannot create the folder that holds it: %s", strerror(errno));
        return -1;
    }
    remove_tree(tmp, files, nfiles);
    if (mkdir(tmp, 0777) != 0) {
        truce_error_set(err, TRUCE_ERUNTIME, tmp, 0, NULL, "cannot create folder: %s", strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < nfiles; i++) {
        snprintf(path, sizeof path, "%s/%s", tmp, files[i].name);
        if (write_one(path, &files[i], ctx, err) != 0) {
            remove_tree(tmp, files, nfiles);
            return -1;
        }
    }
    int had_old = 0;
    if (exists) {
        remove_tree(old, files, nfiles);
        if (rename(target, old) != 0) {
            int e = errno;
            remove_tree(tmp, files, nfiles);
            truce_error_set(err, TRUCE_ERUNTIME, target, 0, NULL, "cannot replace: %s", strerror(e));
            return -1;
        }
        had_old = 1;
    }
    if (rename(tmp, target) != 0) {
        int e = errno;
        remove_tree(tmp, files, nfiles);
        if (had_old) rename(old, target);
        truce_error_set(err, TRUCE_ERUNTIME, target, 0, NULL, "cannot write output: %s", strerror(e));
        return -1;
    }
    if (had_old) remove_tree(old, files, nfiles);
    return 0;
}
