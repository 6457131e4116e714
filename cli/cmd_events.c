/* truce events — event files (UCDP GED, ACLED): `truce events aggregate FILE...`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help_events(FILE *out)
{
    fprintf(out,
            "usage: truce events <subcommand> [options] FILE...\n\n"
            "Work with conflict event files: UCDP GED CSV exactly as downloaded, and ACLED\n"
            "exports. See docs/events.md.\n\n"
            "subcommands:\n"
            "  aggregate   count events and deaths by period and group (CSV, or a table on\n"
            "              a terminal)\n\n"
            "Run 'truce events <subcommand> --help' for its options, e.g.\n"
            "'truce events aggregate --help'.\n");
}

static void help_aggregate(void)
{
    printf(
        "usage: truce events aggregate [options] FILE...\n\n"
        "Read UCDP GED or ACLED CSV files as a stream and print one row per (group,\n"
        "period), sorted by group then period: period,group,events,deaths, and for UCDP\n"
        "also deaths_a,deaths_b,deaths_civilians,deaths_unknown. deaths is UCDP's `best`\n"
        "or ACLED's `fatalities`. A UCDP event counts on its date_start.\n\n"
        "  --format F       auto (default: recognised from the header), ucdp, acled\n"
        "  --by P           day, week (ISO), month (default), quarter, year\n"
        "  --group G        none (default), country, adm_1, adm_2 (both formats);\n"
        "                   dyad, conflict, type, side_a, side_b (UCDP);\n"
        "                   actor1, actor2, event_type (ACLED). Several keys, as\n"
        "                   --group dyad,type or --group dyad --group type (at most 4),\n"
        "                   group by their combinations: one column per key, named after\n"
        "                   it, in place of the column `group`\n"
        "  --country X      keep events whose country is exactly X: a name as the file\n"
        "                   writes it, or a code, Gleditsch-Ward (770) or ISO 3166-1\n"
        "                   alpha-3 (PAK), from data/country_codes.csv (UCDP: country_id)\n"
        "  --dyad X         UCDP: dyad_name is exactly X\n"
        "  --type N         UCDP: type_of_violence is exactly N (1, 2 or 3)\n"
        "  --event-type X   ACLED: event_type is exactly X\n"
        "  --actor X        side_a or side_b (UCDP), actor1 or actor2 (ACLED) is exactly X\n"
        "  --estimate E     UCDP: deaths sums low, best (default) or high\n"
        "  --max-where-prec N  keep events located at precision N or finer: UCDP\n"
        "                   where_prec (1 exact place .. 7), ACLED geo_precision (1..3)\n"
        "  --max-date-prec N   keep events dated at precision N or finer: UCDP date_prec\n"
        "                   (1 exact day .. 5), ACLED time_precision (1..3)\n"
        "  --from DATE      keep events on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)\n"
        "  --to DATE        keep events on or before DATE (its last day)\n"
        "  --fill           add zero rows for empty periods, for every group, from the first\n"
        "                   to the last period (or the periods of --from/--to when given)\n"
        "  --strict         an invalid row is an error (exit 2) instead of a warning\n"
        "  --max-warnings N invalid rows reported per file (default 20; all are counted)\n"
        "  --out FILE       write the CSV to FILE (atomically) instead of stdout\n"
        "  --csv, --table   print CSV or an aligned table (default: CSV when standard\n"
        "                   output is not a terminal, the table when it is)\n"
        "  -h, --help       this help\n\n"
        "Invalid rows (a required field missing or malformed, invalid UTF-8, a NUL byte)\n"
        "are skipped with a warning on stderr naming the file and line. Exit codes: 0 ok,\n"
        "1 runtime failure, 2 bad usage or bad input.\n\n"
        "example:\n"
        "  truce events aggregate --by year --group dyad \\\n"
        "      data/ucdp_ged231_sample_pakistan_events.csv\n");
}

static void warn_stderr(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "truce: warning: %s\n", message);
}

#define CMD "events aggregate"

/* The table for people: the CSV's columns, aligned (numbers to the right). */
static void print_table(const truce_event_table *t)
{
    static const char *const counts[] = {"events", "deaths", "deaths_a", "deaths_b",
                                         "deaths_civilians", "deaths_unknown"};
    size_t ncounts = truce_event_table_format(t) == TRUCE_EVENTS_UCDP ? 6 : 2;
    size_t nkeys = truce_event_table_key_count(t), ncols = nkeys > 1 ? nkeys : 1;
    size_t wkey[TRUCE_EVENTS_MAX_KEYS], n = truce_event_table_count(t);
    for (size_t k = 0; k < ncols; k++) {
        wkey[k] = strlen(nkeys > 1 ? truce_event_table_key_name(t, k) : "group");
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(truce_event_table_row(t, i)->keys[k]);
            if (l > wkey[k]) wkey[k] = l;
        }
    }
    printf("%-10s", "period");
    for (size_t k = 0; k < ncols; k++)
        printf("  %-*s", (int)wkey[k], nkeys > 1 ? truce_event_table_key_name(t, k) : "group");
    for (size_t c = 0; c < ncounts; c++) printf("  %*s", c < 2 ? 8 : (int)strlen(counts[c]), counts[c]);
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        const truce_event_row *r = truce_event_table_row(t, i);
        char label[16];
        truce_period_label(r->period, truce_event_table_period(t), label);
        printf("%-10s", label);
        for (size_t k = 0; k < ncols; k++) printf("  %-*s", (int)wkey[k], r->keys[k]);
        uint64_t v[6] = {r->events, r->deaths, r->deaths_a, r->deaths_b, r->deaths_civilians,
                         r->deaths_unknown};
        for (size_t c = 0; c < ncounts; c++)
            printf("  %*llu", c < 2 ? 8 : (int)strlen(counts[c]), (unsigned long long)v[c]);
        putchar('\n');
    }
}

/* --group KEY[,KEY...], repeatable: the keys add up (at most TRUCE_EVENTS_MAX_KEYS, none
 * twice); `none` stands alone. */
static int add_group_keys(const char *val, truce_events_options *opt, int *none)
{
    char buf[256];
    if (strlen(val) >= sizeof buf) return cli_usage(CMD, "--group: '%.40s...' is too long", val);
    strcpy(buf, val);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        truce_event_group g;
        if (truce_event_group_parse(tok, &g))
            return cli_usage(CMD,
                             "--group: '%s' is not one of country, adm_1, adm_2, dyad, "
                             "conflict, type, side_a, side_b, actor1, actor2, event_type, "
                             "none",
                             tok);
        if (g == TRUCE_EVENTS_BY_NONE) {
            *none = 1;
            continue;
        }
        for (size_t k = 0; k < opt->nkeys; k++)
            if (opt->keys[k] == g) return cli_usage(CMD, "--group: '%s' given twice", tok);
        if (opt->nkeys == TRUCE_EVENTS_MAX_KEYS)
            return cli_usage(CMD, "--group: at most %d keys", TRUCE_EVENTS_MAX_KEYS);
        opt->keys[opt->nkeys++] = g;
    }
    if (*none && opt->nkeys > 0) return cli_usage(CMD, "--group: 'none' cannot be combined with other keys");
    return EXIT_OK;
}

static int cmd_aggregate(int argc, char **argv)
{
    truce_events_options opt;
    truce_events_options_init(&opt);
    opt.warn = warn_stderr;
    const char *out = NULL;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) {
        fprintf(stderr, "truce: out of memory\n");
        return EXIT_RUNTIME;
    }
    size_t nfiles = 0;
    int rc = EXIT_OK, options_done = 0, group_none = 0, force = CLI_FORCE_NONE;
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            files[nfiles++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help_aggregate();
            free(files);
            return EXIT_OK;
        }
        if (strcmp(a, "--fill") == 0) {
            opt.fill = 1;
            continue;
        }
        if (strcmp(a, "--strict") == 0) {
            opt.strict = 1;
            continue;
        }
        if (strcmp(a, "--csv") == 0 || strcmp(a, "--table") == 0) {
            force = a[2] == 'c' ? CLI_FORCE_CSV : CLI_FORCE_TABLE;
            continue;
        }
        /* Options with a value: "--name value" or "--name=value". */
        static const char *const valued[] = {"--format", "--by", "--group", "--country",
                                             "--dyad", "--type", "--event-type", "--actor",
                                             "--from", "--to", "--out", "--max-warnings",
                                             "--estimate", "--max-where-prec",
                                             "--max-date-prec"};
        const char *name = NULL, *val = NULL;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !name; k++) {
            size_t n = strlen(valued[k]);
            if (strncmp(a, valued[k], n) == 0 && (a[n] == '\0' || a[n] == '=')) {
                name = valued[k];
                val = a[n] == '=' ? a + n + 1 : NULL;
            }
        }
        if (!name) {
            /* the nearest of every option of this command, for a typo */
            static const char *const every[] = {"--format", "--by", "--group", "--country", "--dyad",
                                                "--type", "--event-type", "--actor", "--from", "--to",
                                                "--out", "--max-warnings", "--estimate", "--max-where-prec",
                                                "--max-date-prec", "--fill", "--strict", "--csv",
                                                "--table", "--help"};
            char word[64];
            snprintf(word, sizeof word, "%.*s", (int)strcspn(a, "="), a);
            const char *near = cli_nearest(word, every, sizeof every / sizeof every[0]);
            if (near) rc = cli_usage(CMD, "unknown option '%s'; did you mean '%s'?", a, near);
            else rc = cli_usage(CMD, "unknown option '%s'", a);
            break;
        }
        if (!val) {
            if (i + 1 >= argc) {
                rc = cli_usage(CMD, "option '%s' needs a value", name);
                break;
            }
            val = argv[++i];
        }
        if (strcmp(name, "--format") == 0) {
            if (truce_event_format_parse(val, &opt.format))
                rc = cli_usage(CMD, "--format: '%s' is not one of auto, ucdp, acled", val);
        } else if (strcmp(name, "--by") == 0) {
            if (truce_period_parse(val, &opt.by))
                rc = cli_usage(CMD, "--by: '%s' is not one of day, week, month, quarter, year",
                               val);
        } else if (strcmp(name, "--group") == 0) {
            rc = add_group_keys(val, &opt, &group_none);
        } else if (strcmp(name, "--from") == 0 || strcmp(name, "--to") == 0) {
            int32_t first, last;
            truce_precision prec;
            if (truce_date_parse(val, &first, &last, &prec))
                rc = cli_usage(CMD, "%s: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                               name, val);
            else if (name[2] == 'f')
                opt.has_from = 1, opt.from = first;
            else
                opt.has_to = 1, opt.to = last;
        } else if (strcmp(name, "--max-warnings") == 0) {
            uint64_t n;
            if (cli_parse_u64(val, &n) || n > 1000000000u)
                rc = cli_usage(CMD, "--max-warnings: '%s' is not a count", val);
            else
                opt.max_warnings = (size_t)n;
        } else if (strcmp(name, "--estimate") == 0) {
            if (truce_event_estimate_parse(val, &opt.estimate))
                rc = cli_usage(CMD, "--estimate: '%s' is not one of low, best, high", val);
        } else if (strcmp(name, "--max-where-prec") == 0 || strcmp(name, "--max-date-prec") == 0) {
            uint64_t n;
            if (cli_parse_u64(val, &n) || n < 1 || n > 9)
                rc = cli_usage(CMD, "%s: '%s' is not a precision code 1 to 9", name, val);
            else if (name[6] == 'w')
                opt.max_where_prec = (int)n;
            else
                opt.max_date_prec = (int)n;
        } else if (strcmp(name, "--out") == 0) {
            if (!*val) rc = cli_usage(CMD, "--out: empty file name");
            out = val;
        } else if (strcmp(name, "--country") == 0) {
            opt.country = val;
        } else if (strcmp(name, "--dyad") == 0) {
            opt.dyad = val;
        } else if (strcmp(name, "--type") == 0) {
            opt.type = val;
        } else if (strcmp(name, "--event-type") == 0) {
            opt.event_type = val;
        } else {
            opt.actor = val;
        }
    }
    if (rc == EXIT_OK && nfiles == 0) rc = cli_usage(CMD, "no event file given");
    if (rc == EXIT_OK && opt.has_from && opt.has_to && opt.from > opt.to)
        rc = cli_usage(CMD, "--from is after --to");
    for (size_t k = 0; k < nfiles && rc == EXIT_OK; k++)
        if (strcmp(files[k], "-") == 0)
            rc = cli_usage(CMD, "reading from stdin is not supported: name a file");
    if (rc != EXIT_OK) {
        free(files);
        return rc;
    }
    truce_error err;
    truce_error_clear(&err);
    truce_event_table *t = truce_events_aggregate(files, nfiles, &opt, &err);
    free(files);
    if (!t) return cli_report(&err);
    if (!out && cli_table_wanted(force)) print_table(t);
    else if (truce_event_table_write(t, out, &err)) rc = cli_report(&err);
    truce_event_table_free(t);
    return rc;
}

int cmd_events(int argc, char **argv)
{
    if (argc < 2) {
        help_events(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        help_events(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "aggregate") == 0) return cmd_aggregate(argc - 1, argv + 1);
    return cli_usage("events", "unknown subcommand '%s'", argv[1]);
}
