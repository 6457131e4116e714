/* truce episodes — event study of violence before, during and after each episode. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce episodes [options]\n\n"
           "For every episode of a timeline and every metric of a count series: the rate per\n"
           "30 days before, during and after the episode, the after/before ratio with a 95%%\n"
           "interval (exact Poisson, or negative-binomial when the counts are over-dispersed),\n"
           "a trend- and season-adjusted ratio (quasi-Poisson regression) and a\n"
           "placebo p-value. With no files it uses the shipped Pakistan data (PICSS national\n"
           "monthly attacks and killed, and the Pakistan-TTP timeline). See docs/episodes.md.\n\n"
           "  --series FILE      a reported series (period,metric,value,source,geography,...),\n"
           "                     or a 'truce run' series.csv (source truce, geography all)\n"
           "                     or an aggregated event file (period,group,events,deaths,...)\n"
           "  --source S         source of a reported series (default PICSS)\n"
           "  --metric M         metric(s), repeatable or comma-separated (default attacks,killed;\n"
           "                     events,deaths for an aggregated event file)\n"
           "  --geography G      geography of a reported series (default Pakistan)\n"
           "  --group G          group of an aggregated event file (default: all groups summed)\n"
           "  --events FILE...   raw UCDP GED or ACLED event file(s), repeatable; further\n"
           "                     arguments are more event files. Counted by day; a day with\n"
           "                     no event between --from and --to (default: the first and\n"
           "                     the last event kept) is zero. Metrics events,deaths (UCDP\n"
           "                     also deaths_a, deaths_b, deaths_civilians, deaths_unknown)\n"
           "  --format F         event file format: auto (default), ucdp, acled\n"
           "  --country X        event files: keep events whose country is exactly X\n"
           "  --dyad X           UCDP: dyad_name is exactly X\n"
           "  --type N           UCDP: type_of_violence is exactly N (1, 2 or 3)\n"
           "  --event-type X     ACLED: event_type is exactly X\n"
           "  --actor X          side_a/side_b (UCDP) or actor1/actor2 (ACLED) is exactly X\n"
           "  --from DATE        event files: first day of the covered span\n"
           "  --to DATE          event files: last day of the covered span\n"
           "  --strict           event files: an invalid row is an error, not a warning\n"
           "  --timeline FILE    episode timeline (id,start,end,kind,...)\n"
           "  --kind K           only episodes of this kind\n"
           "  --window W         window length: Nd (days) or Nm (calendar months); default 90d\n"
           "  --min-coverage X   share of a window known periods must cover (default 0.5)\n"
           "  --placebos N       placebo windows per episode and metric (default 1000)\n"
           "  --seed N           seed of the placebo draws (default 20211109)\n"
           "  --out FILE         write the CSV to FILE (default: standard output)\n"
           "  --table            print the table for people (the default on a terminal)\n"
           "  -h, --help         this help\n\n"
           "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad input.\n");
}

static int parse_window(const char *t, truce_episodes_options *o)
{
    size_t n = strlen(t);
    if (n < 2 || n > 6) return -1;
    uint64_t v;
    char num[8];
    memcpy(num, t, n - 1);
    num[n - 1] = '\0';
    if (cli_parse_u64(num, &v) != 0 || v == 0) return -1;
    if (t[n - 1] == 'd' && v <= 3660) {
        o->window_days = (int32_t)v;
        o->window_months = 0;
    } else if (t[n - 1] == 'm' && v <= 120) {
        o->window_months = (int32_t)v;
        o->window_days = 0;
    } else {
        return -1;
    }
    return 0;
}

enum { MAXMETRIC = 16 };

static int add_metrics(char *list, char **metrics, size_t *n)
{
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == MAXMETRIC) return -1;
        if (*tok) metrics[(*n)++] = tok;
    }
    return 0;
}

static void warn_stderr(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "truce episodes: warning: %s\n", message);
}

/* 1 if the file's header names an `events` column (an aggregated event file). */
static int is_aggregate(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;  /* the reader reports the error */
    char line[4096];
    int agg = 0;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        for (char *save = NULL, *tok = strtok_r(line, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            if (strcmp(tok, "events") == 0) agg = 1;
    }
    fclose(f);
    return agg;
}

int cmd_episodes(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"series", required_argument, NULL, 's'},   {"source", required_argument, NULL, 'S'},
        {"metric", required_argument, NULL, 'm'},   {"geography", required_argument, NULL, 'g'},
        {"group", required_argument, NULL, 'G'},    {"timeline", required_argument, NULL, 't'},
        {"kind", required_argument, NULL, 'k'},     {"window", required_argument, NULL, 'w'},
        {"placebos", required_argument, NULL, 'p'}, {"seed", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},      {"table", no_argument, NULL, 'T'},
        {"min-coverage", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {"events", required_argument, NULL, 'E'},   {"format", required_argument, NULL, 'F'},
        {"country", required_argument, NULL, 'C'},  {"dyad", required_argument, NULL, 'D'},
        {"type", required_argument, NULL, 'Y'},     {"event-type", required_argument, NULL, 'V'},
        {"actor", required_argument, NULL, 'A'},    {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'u'},       {"strict", no_argument, NULL, 'X'},
        {NULL, 0, NULL, 0},
    };
    const char *series_path = NULL, *source = NULL, *geography = NULL, *group = NULL;
    const char *timeline_path = NULL, *out_path = NULL;
    char *metrics[MAXMETRIC];
    size_t nmetrics = 0;
    int table = 0, source_set = 0, geography_set = 0, event_opt = 0;
    const char **events = calloc((size_t)argc + 1, sizeof *events);
    size_t nevents = 0;
    if (!events) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    truce_events_options eopt;
    truce_events_options_init(&eopt);
    eopt.by = TRUCE_BY_DAY;
    eopt.group = TRUCE_EVENTS_BY_NONE;
    eopt.warn = warn_stderr;
    int rc = EXIT_OK;
    truce_episodes_options opt;
    truce_episodes_options_init(&opt);
    optind = 1;
    opterr = 0;
    int c;
#define USAGE(...) do { free(events); return cli_usage("episodes", __VA_ARGS__); } while (0)
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 's': series_path = optarg; break;
        case 'S': source = optarg; source_set = 1; break;
        case 'E': events[nevents++] = optarg; break;
        case 'F':
            if (truce_event_format_parse(optarg, &eopt.format) != 0)
                USAGE("--format: '%s' is not one of auto, ucdp, acled", optarg);
            event_opt = 1;
            break;
        case 'C': eopt.country = optarg; event_opt = 1; break;
        case 'D': eopt.dyad = optarg; event_opt = 1; break;
        case 'Y': eopt.type = optarg; event_opt = 1; break;
        case 'V': eopt.event_type = optarg; event_opt = 1; break;
        case 'A': eopt.actor = optarg; event_opt = 1; break;
        case 'X': eopt.strict = 1; event_opt = 1; break;
        case 'f':
        case 'u': {
            int32_t first, last;
            truce_precision prec;
            if (truce_date_parse(optarg, &first, &last, &prec) != 0)
                USAGE("--%s: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                      c == 'f' ? "from" : "to", optarg);
            if (c == 'f') eopt.has_from = 1, eopt.from = first;
            else eopt.has_to = 1, eopt.to = last;
            event_opt = 1;
            break;
        }
        case 'm':
            if (add_metrics(optarg, metrics, &nmetrics) != 0)
                USAGE("--metric: at most %d metrics", MAXMETRIC);
            break;
        case 'g': geography = optarg; geography_set = 1; break;
        case 'G': group = optarg; break;
        case 't': timeline_path = optarg; break;
        case 'k': opt.kind = optarg; break;
        case 'w':
            if (parse_window(optarg, &opt) != 0)
                USAGE("--window: bad window '%s' (expected e.g. 90d or 6m)", optarg);
            break;
        case 'p':
            if (cli_parse_u64(optarg, &v) != 0 || v > 1000000)
                USAGE("--placebos: expected a whole number up to 1000000, got '%s'", optarg);
            opt.placebos = (uint32_t)v;
            break;
        case 'r':
            if (cli_parse_u64(optarg, &v) != 0)
                USAGE("--seed: expected a whole number, got '%s'", optarg);
            opt.seed = v;
            break;
        case 'c': {
            char *end;
            double x = strtod(optarg, &end);
            if (*end || !(x > 0.0) || x > 1.0)
                USAGE("--min-coverage: expected a number in (0, 1], got '%s'", optarg);
            opt.min_coverage = x;
            break;
        }
        case 'o': out_path = optarg; break;
        case 'T': table = 1; break;
        case 'h': help(); free(events); return EXIT_OK;
        default:
            if (optopt != 0 || !cli_nearest_option(argv[optind - 1], longopts))
                USAGE("unknown or incomplete option '%s'", argv[optind - 1]);
            free(events);
            return cli_unknown_option("episodes", argv[optind - 1], longopts);
        }
    }
    if (nevents > 0)
        while (optind < argc) events[nevents++] = argv[optind++];
    if (optind < argc) USAGE("unexpected argument '%s'", argv[optind]);
    if (nevents > 0 && series_path) USAGE("--events and --series are different inputs: give one");
    if (nevents > 0 && (group || source_set || geography_set))
        USAGE("--group, --source and --geography do not apply to --events (filter with "
              "--country, --dyad, --actor, --type or --event-type)");
    if (nevents == 0 && event_opt)
        USAGE("--format, --country, --dyad, --type, --event-type, --actor, --from, --to and "
              "--strict apply only to --events");
    if (eopt.has_from && eopt.has_to && eopt.from > eopt.to) USAGE("--from is after --to");
    for (size_t k = 0; k < nevents; k++)
        if (strcmp(events[k], "-") == 0) USAGE("reading events from stdin is not supported: name a file");
#undef USAGE

    truce_error err = {0};
    truce_event_table *etab = NULL;
    truce_timeline *tl = timeline_path ? truce_timeline_load(timeline_path, &err)
                                       : truce_timeline_load_default(&err);
    if (!tl) {
        free(events);
        return cli_report(&err);
    }
    int agg = series_path && is_aggregate(series_path);
    char def_reported[] = "attacks,killed", def_agg[] = "events,deaths";
    if (nmetrics == 0) add_metrics(agg || nevents ? def_agg : def_reported, metrics, &nmetrics);
    truce_series *series[MAXMETRIC] = {0};
    truce_reported *rep = NULL;
    truce_episodes *res = NULL;
    if (nevents > 0) {
        etab = truce_events_aggregate(events, nevents, &eopt, &err);
        if (!etab) goto fail;
        char name[256];
        snprintf(name, sizeof name, "%s%s", events[0], nevents > 1 ? " (and other event files)" : "");
        for (size_t i = 0; i < nmetrics; i++) {
            series[i] = truce_event_table_series(etab, name, metrics[i], eopt.country,
                                                 eopt.has_from, eopt.from, eopt.has_to,
                                                 eopt.to, &err);
            if (!series[i]) goto fail;
        }
    } else if (!agg) {
        rep = series_path ? truce_reported_load(series_path, &err) : truce_reported_load_default(&err);
        if (!rep) goto fail;
        /* a `truce run` output is read as the source "truce", its total as geography "all" */
        const int sim = truce_reported_simulated(rep);
        if (!source) source = sim ? "truce" : "PICSS";
        if (!geography) geography = sim ? "all" : "Pakistan";
    }
    for (size_t i = 0; i < nmetrics && nevents == 0; i++) {
        series[i] = agg ? truce_aggregate_series(series_path, metrics[i], group, &err)
                        : truce_reported_series(rep, source, metrics[i], geography, &err);
        if (!series[i]) goto fail;
    }
    res = truce_episodes_run(tl, series, nmetrics, &opt, &err);
    if (!res) goto fail;
    int tty = isatty(STDOUT_FILENO), werr = 0;
    if (out_path) {
        /* atomically, through a temporary beside the file (never a half-written file) */
        if (truce_episodes_save_csv(res, out_path, &err) != 0) goto fail;
        if ((table || tty) && truce_episodes_write_table(res, cli_write_stdout, &werr) != 0)
            goto write_error;
    } else if (table || tty) {
        if (truce_episodes_write_table(res, cli_write_stdout, &werr) != 0) goto write_error;
    } else if (truce_episodes_write_csv(res, cli_write_stdout, &werr) != 0) {
        goto write_error;
    }
    goto done;
write_error:
    cli_error("standard output: write error: %s", strerror(werr ? werr : EIO));
    rc = EXIT_RUNTIME;
    goto done;
fail:
    rc = cli_report(&err);
done:
    truce_episodes_free(res);
    for (size_t i = 0; i < nmetrics; i++) truce_series_free(series[i]);
    truce_reported_free(rep);
    truce_timeline_free(tl);
    truce_event_table_free(etab);
    free(events);
    return rc;
}
