/* suggest — "did you mean ...?" for a mistyped command or option: the nearest candidate
 * by edit distance (insertions, deletions, substitutions and swaps of two neighbours). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

size_t cli_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return (size_t)-1; /* nothing that long is a typo of ours */
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++) d[i][0] = i;
    for (size_t j = 0; j <= m; j++) d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *cli_nearest(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word), best = (size_t)-1;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t dist = cli_edit_distance(word, cands[i]);
        if (dist < best) best = dist, pick = cands[i];
    }
    /* close enough to be a slip of the fingers, not another word */
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return pick && best > 0 && best <= limit ? pick : NULL;
}

const char *cli_nearest_option(const char *arg, const struct option *opts)
{
    if (!arg || strncmp(arg, "--", 2) != 0) return NULL;
    char word[72];
    size_t k = strcspn(arg + 2, "=");
    if (k == 0 || k >= sizeof word) return NULL;
    memcpy(word, arg + 2, k);
    word[k] = '\0';
    const char *names[64];
    size_t n = 0;
    for (; opts[n].name && n < 64; n++) names[n] = opts[n].name;
    return cli_nearest(word, names, n);
}

int cli_unknown_option(const char *cmd, const char *arg, const struct option *opts)
{
    const char *near = cli_nearest_option(arg, opts);
    if (near) return cli_usage(cmd, "unknown option '%s'; did you mean '--%s'?", arg, near);
    return cli_usage(cmd, "unknown option '%s'", arg);
}
