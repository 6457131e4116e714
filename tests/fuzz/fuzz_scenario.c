/* fuzz_scenario — libFuzzer target for the scenario loader (YAML + CSV tables).
 *
 * Input: one mode byte, then text.
 *   mode even: a set of files. Each line "@@ NAME" starts a file called NAME, up to the
 *     next such line; the first file is the scenario (text before any such line is a
 *     scenario named "s.yaml").
 *     Seeds use real names (tests/fuzz/corpus-scenario.py), so paths resolve as on disk.
 *   mode odd: one table of the default scenario replaced by the text: (mode >> 1) % 4
 *     picks regions, episode levers, the timeline or the policies.
 * Each file is copied into its own allocation, so a read past its end is caught. A
 * scenario that loads is also changed (override, removal, new end) and hashed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "scenario.h"

#define MAX_FILES 16

static char *dup_part(const uint8_t *p, size_t n)
{
    char *d = malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

static void exercise(truce_scenario *s)
{
    truce_error err;
    const char *h = truce_scenario_hash(s);
    if (strlen(h) != 16) abort();
    if (truce_scenario_set(s, "regroup_strength=0.3", &err) != 0) abort();
    if (truce_scenario_set(s, "regroup_strength=99", &err) == 0) abort();
    if (s->nepisodes > 0) {
        char id[32];
        memcpy(id, s->episodes[0].id, sizeof id);
        size_t n = s->nepisodes;
        if (truce_scenario_remove_episode(s, id, &err) != 0 || s->nepisodes != n - 1) abort();
    }
    truce_scenario_set_end(s, "2030-06", &err);
    for (size_t i = 0; i < s->nepisodes; i++) {
        const episode *e = &s->episodes[i];
        if (e->end < e->start || e->lever >= LEVER_COUNT) abort();
        if (i && (s->episodes[i - 1].start > e->start)) abort();
        if (s->nregions < 64 && (e->regions >> s->nregions)) abort();
    }
}

static void load_and_free(const truce_memfile *files, size_t n)
{
    truce_error err;
    truce_scenario *s = truce_scenario_load_memory(files, n, &err);
#ifdef FUZZ_SCENARIO_VERBOSE /* to see what the seeds do: build with -DFUZZ_SCENARIO_VERBOSE */
    fprintf(stderr, "%s\n", s ? truce_scenario_hash(s) : err.message);
#endif
    if (s) {
        if (s->nregions == 0 || s->nregions > SCENARIO_MAX_REGIONS) abort();
        exercise(s);
        truce_scenario_free(s);
    } else if (err.code != TRUCE_EINPUT && err.code != TRUCE_ERUNTIME) {
        abort();
    } else if (err.message[0] == '\0') {
        abort();
    }
}

static const uint8_t *find_marker(const uint8_t *p, const uint8_t *end)
{
    /* "@@ " at the start of a line (the text's start counts as one only for parts > 0) */
    for (const uint8_t *q = p; q + 4 <= end; q++)
        if (q[0] == '\n' && q[1] == '@' && q[2] == '@' && q[3] == ' ') return q;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1, *end = data + size;
    truce_memfile files[MAX_FILES];
    char *owned[MAX_FILES * 2];
    size_t nfiles = 0, nowned = 0;

    if ((mode & 1) == 0) {
        /* The scenario is named by a first line "@@ NAME", or "s.yaml". */
        const uint8_t *m = NULL;
        if (end - p >= 3 && p[0] == '@' && p[1] == '@' && p[2] == ' ') m = p - 1;
        const uint8_t *stop = m ? p : find_marker(p, end);
        if (!m) {
            if (!stop) stop = end;
            owned[nowned] = dup_part(p, (size_t)(stop - p));
            files[nfiles++] = (truce_memfile){"s.yaml", owned[nowned++], (size_t)(stop - p)};
            m = stop < end ? stop : NULL;
        }
        while (m && nfiles < MAX_FILES) {
            const uint8_t *name = m + 4;
            const uint8_t *nl = memchr(name, '\n', (size_t)(end - name));
            if (!nl) break;
            const uint8_t *body = nl + 1;
            m = find_marker(nl, end);
            stop = m ? m : end;
            if (stop < body) stop = body; /* "@@ a\n@@ b": a is empty */
            char *nm = dup_part(name, (size_t)(nl - name) + 1);
            nm[nl - name] = '\0';
            owned[nowned++] = nm;
            owned[nowned] = dup_part(body, (size_t)(stop - body));
            files[nfiles++] = (truce_memfile){nm, owned[nowned++], (size_t)(stop - body)};
        }
        if (nfiles > 0) load_and_free(files, nfiles);
    } else {
        static const char *const tables[4] = {
            "pakistan-ttp/regions.csv", "pakistan-ttp/episode_levers.csv",
            "../data/pak_ttp_timeline.csv", "pakistan-ttp/policies.csv"};
        const char *which = tables[(mode >> 1) % 4];
        for (size_t i = 0; i < embedded_count && nfiles < MAX_FILES; i++) {
            files[nfiles] = embedded_files[i];
            if (strcmp(embedded_files[i].name, which) == 0) {
                owned[nowned] = dup_part(p, (size_t)(end - p));
                files[nfiles].data = owned[nowned++];
                files[nfiles].len = (size_t)(end - p);
            }
            nfiles++;
        }
        load_and_free(files, nfiles);
    }
    for (size_t i = 0; i < nowned; i++) free(owned[i]);
    return 0;
}
