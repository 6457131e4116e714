/* truce episodes — event study of violence before, during and after each episode. */
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
           "interval, a trend- and season-adjusted ratio (quasi-Poisson regression) and a\n"
           "placebo p-value. With no files it uses the shipped Pakistan data (PICSS national\n"
           "monthly attacks and killed, and the Pakistan-TTP timeline). See docs/episodes.md.\n\n"
           "  --series FILE      a reported series (period,metric,value,source,geography,...)\n"
           "                     or an aggregated event file (period,group,events,deaths,...)\n"
           "  --source S         source of a reported series (default PICSS)\n"
           "  --metric M         metric(s), repeatable or comma-separated (default attacks,killed;\n"
           "                     events,deaths for an aggregated event file)\n"
           "  --geography G      geography of a reported series (default Pakistan)\n"
           "  --group G          group of an aggregated event file (default: all groups summed)\n"
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
        {NULL, 0, NULL, 0},
    };
    const char *series_path = NULL, *source = "PICSS", *geography = "Pakistan", *group = NULL;
    const char *timeline_path = NULL, *out_path = NULL;
    char *metrics[MAXMETRIC];
    size_t nmetrics = 0;
    int table = 0;
    truce_episodes_options opt;
    truce_episodes_options_default(&opt);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 's': series_path = optarg; break;
        case 'S': source = optarg; break;
        case 'm':
            if (add_metrics(optarg, metrics, &nmetrics) != 0)
                return cli_usage("episodes", "--metric: at most %d metrics", MAXMETRIC);
            break;
        case 'g': geography = optarg; break;
        case 'G': group = optarg; break;
        case 't': timeline_path = optarg; break;
        case 'k': opt.kind = optarg; break;
        case 'w':
            if (parse_window(optarg, &opt) != 0)
                return cli_usage("episodes", "--window: bad window '%s' (expected e.g. 90d or 6m)", optarg);
            break;
        case 'p':
            if (cli_parse_u64(optarg, &v) != 0 || v > 1000000)
                return cli_usage("episodes", "--placebos: expected a whole number up to 1000000, got '%s'", optarg);
            opt.placebos = (uint32_t)v;
            break;
        case 'r':
            if (cli_parse_u64(optarg, &v) != 0)
                return cli_usage("episodes", "--seed: expected a whole number, got '%s'", optarg);
            opt.seed = v;
            break;
        case 'c': {
            char *end;
            double x = strtod(optarg, &end);
            if (*end || !(x > 0.0) || x > 1.0)
                return cli_usage("episodes", "--min-coverage: expected a number in (0, 1], got '%s'", optarg);
            opt.min_coverage = x;
            break;
        }
        case 'o': out_path = optarg; break;
        case 'T': table = 1; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage("episodes", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage("episodes", "unexpected argument '%s'", argv[optind]);

    truce_error err = {0};
    int rc = EXIT_OK;
    truce_timeline *tl = timeline_path ? truce_timeline_load(timeline_path, &err)
                                       : truce_timeline_load_default(&err);
    if (!tl) return cli_report(&err);
    int agg = series_path && is_aggregate(series_path);
    char def_reported[] = "attacks,killed", def_agg[] = "events,deaths";
    if (nmetrics == 0) add_metrics(agg ? def_agg : def_reported, metrics, &nmetrics);
    truce_series *series[MAXMETRIC] = {0};
    truce_reported *rep = NULL;
    truce_episodes *res = NULL;
    if (!agg) {
        rep = series_path ? truce_reported_load(series_path, &err) : truce_reported_load_default(&err);
        if (!rep) goto fail;
    }
    for (size_t i = 0; i < nmetrics; i++) {
        series[i] = agg ? truce_aggregate_series(series_path, metrics[i], group, &err)
                        : truce_reported_series(rep, source, metrics[i], geography, &err);
        if (!series[i]) goto fail;
    }
    res = truce_episodes_run(tl, series, nmetrics, &opt, &err);
    if (!res) goto fail;
    int tty = isatty(STDOUT_FILENO);
    if (out_path) {
        FILE *f = fopen(out_path, "w");
        if (!f) {
            fprintf(stderr, "truce: %s: cannot write\n", out_path);
            rc = EXIT_RUNTIME;
            goto done;
        }
        int w = truce_episodes_write_csv(res, f);
        if (fclose(f) != 0 || w != 0) {
            fprintf(stderr, "truce: %s: write error\n", out_path);
            rc = EXIT_RUNTIME;
            goto done;
        }
        if (table || tty) truce_episodes_write_table(res, stdout);
    } else if (table || tty) {
        truce_episodes_write_table(res, stdout);
    } else {
        truce_episodes_write_csv(res, stdout);
    }
    if (fflush(stdout) != 0) rc = EXIT_RUNTIME;
    goto done;
fail:
    rc = cli_report(&err);
done:
    truce_episodes_free(res);
    for (size_t i = 0; i < nmetrics; i++) truce_series_free(series[i]);
    truce_reported_free(rep);
    truce_timeline_free(tl);
    return rc;
}
