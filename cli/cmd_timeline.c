/* truce timeline — list the recorded episodes of a timeline with their dates and kinds. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce timeline [--timeline FILE] [--kind K] [--csv | --table]\n\n"
           "List the episodes of a timeline (default: the shipped Pakistan-TTP timeline,\n"
           "data/pak_ttp_timeline.csv) with their ids, dates and kinds: the ids that\n"
           "'truce episodes --episode ID' and 'truce run --without ID' take. Rows of kind\n"
           "data_note are notes about the data, not episodes; they are listed, marked so.\n"
           "Same as 'truce episodes --list'.\n\n"
           "  --timeline FILE  an episode timeline (id,start,end,kind,...)\n"
           "  --kind K         only rows of this kind\n"
           "  --csv, --table   CSV (id,start,end,kind,actors,region,description,date_status,\n"
           "                   source) or a table (default: CSV when standard output is not\n"
           "                   a terminal, the table when it is)\n"
           "  -h, --help       this help\n\n"
           "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad input.\n");
}

static void csv_text(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

int cli_timeline_list(const truce_timeline *tl, const char *kind, int force)
{
    size_t n = truce_timeline_count(tl), shown = 0;
    int table = cli_table_wanted(force);
    int wi = 2, ws = 10, we = 10, wk = 4;
    for (size_t i = 0; i < n; i++) {
        const truce_episode *e = truce_timeline_episode(tl, i);
        if (kind && strcmp(kind, e->kind) != 0) continue;
        int l;
        if ((l = (int)strlen(e->id)) > wi) wi = l;
        if ((l = (int)strlen(e->start_text)) > ws) ws = l;
        if ((l = (int)strlen(e->end_text)) > we) we = l;
        if ((l = (int)strlen(e->kind)) > wk) wk = l;
    }
    if (table)
        printf("%-*s  %-*s  %-*s  %-*s  %s\n", wi, "id", ws, "start", we, "end", wk, "kind",
               "description");
    else
        printf("id,start,end,kind,actors,region,description,date_status,source\n");
    for (size_t i = 0; i < n; i++) {
        const truce_episode *e = truce_timeline_episode(tl, i);
        if (kind && strcmp(kind, e->kind) != 0) continue;
        shown++;
        if (table) {
            printf("%-*s  %-*s  %-*s  %-*s  %s%s\n", wi, e->id, ws, e->start_text, we,
                   e->end_text[0] ? e->end_text : "(open)", wk, e->kind,
                   strcmp(e->kind, TRUCE_EPISODE_KIND_DATA_NOTE) == 0 ? "[a note, not an episode] " : "",
                   e->description);
            continue;
        }
        const char *f[] = {e->id, e->start_text, e->end_text, e->kind, e->actors,
                           e->region, e->description, e->date_status, e->source};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
            if (k) putchar(',');
            csv_text(f[k]);
        }
        putchar('\n');
    }
    if (kind && shown == 0) {
        fprintf(stderr, "truce: warning: no row of kind '%s' in the timeline\n", kind);
    }
    return EXIT_OK;
}

int cmd_timeline(int argc, char **argv)
{
    static const struct option opts[] = {
        {"timeline", required_argument, NULL, 't'}, {"kind", required_argument, NULL, 'k'},
        {"csv", no_argument, NULL, 'c'},            {"table", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *path = NULL, *kind = NULL;
    int force = CLI_FORCE_NONE, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': path = optarg; break;
        case 'k': kind = optarg; break;
        case 'c': force = CLI_FORCE_CSV; break;
        case 'T': force = CLI_FORCE_TABLE; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage("timeline", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage("timeline", "unexpected argument '%s'", argv[optind]);
    truce_error err;
    truce_error_clear(&err);
    truce_timeline *tl = path ? truce_timeline_load(path, &err) : truce_timeline_load_default(&err);
    if (!tl) return cli_report(&err);
    int rc = cli_timeline_list(tl, kind, force);
    truce_timeline_free(tl);
    return rc;
}
