/* truce validate — posterior predictive checks, time-split forecasts and simulation-based
 * calibration (docs/validate.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help_main(void)
{
    printf("usage: truce validate <ppc|forecast|sbc> [SCENARIO.yaml] [options]\n\n"
           "Check a calibration against the data (docs/validate.md):\n"
           "  ppc       posterior predictive checks: bands of what each source would report,\n"
           "            the share of reported periods inside them, the ceasefire event study\n"
           "  forecast  fit on the data up to a cutoff, forecast every later month, score CRPS\n"
           "            and the 90%% interval score against baselines (zero, last,\n"
           "            conflictology, seasonal)\n"
           "  sbc       simulation-based calibration (Talts et al. 2018): rank histograms and\n"
           "            interval coverage over fits of simulated data\n\n"
           "Run 'truce validate <subcommand> --help' for its options.\n");
}

static void help_ppc(void)
{
    printf("usage: truce validate ppc [SCENARIO.yaml] --posterior FILE [options]\n\n"
           "Posterior predictive checks through the observation models: draw N particles by\n"
           "weight from FILE (posterior.csv: 'weight,' then parameter names, as 'truce fit'\n"
           "writes it), run each (run index = draw index) and draw what every source would\n"
           "report of it for each reported period. Writes\n"
           "  OUT/ppc.csv          series,period,period_start,observed,q05,q25,q50,q75,q95\n"
           "                       (series = source:metric:geography)\n"
           "  OUT/ppc_summary.csv  series,periods,share50,share90: the share of reported\n"
           "                       periods inside the 50%% (q25..q75) and 90%% (q05..q95) bands\n"
           "  OUT/ppc_episodes.csv the event study (truce episodes, 90-day windows) of every\n"
           "                       recorded ceasefire on the simulated monthly series beside\n"
           "                       the observed: after/before and during/before rate ratios\n"
           "  OUT/ppc.json         how it was made, the shares and the ceasefire table\n\n"
           "options:\n"
           "  --posterior FILE    the posterior (required)\n"
           "  --data FILE         reported series to check against (repeatable; default the\n"
           "                      shipped data/pakistan_series.csv)\n"
           "  --draws N           posterior predictive draws (default 1000)\n"
           "  --seed N            random seed (default 1)\n"
           "  --threads T         OpenMP threads (default 0: OMP_NUM_THREADS or every core)\n"
           "  --set NAME=VALUE    override a parameter the posterior does not name (repeatable)\n"
           "  --out DIR           output folder (default out/<scenario name>-ppc)\n"
           "  -q, --quiet         no summary on the terminal\n"
           "  -h, --help          this help\n\n"
           "The bytes written do not depend on --threads.\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n");
}

typedef struct vargs {
    const char *scenario, *posterior, *out, *to, *estimate;
    const char **data;
    size_t ndata;
    const char **sets;
    size_t nsets;
    int quiet;
    int32_t cutoff;
    const char *cutoff_text;
} vargs;

static void print_ppc(const char *out)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/ppc_summary.csv", out);
    FILE *f = fopen(path, "r");
    printf("truce validate ppc: share of reported periods inside the posterior predictive bands\n");
    if (f) {
        char line[1024];
        int first = 1;
        printf("  %-58s %7s %8s %8s\n", "series", "periods", "in 50%", "in 90%");
        while (fgets(line, sizeof line, f)) {
            if (first) {
                first = 0;
                continue;
            }
            /* "name",n,s50,s90 */
            char *q = strrchr(line, '"');
            if (!q || line[0] != '"') continue;
            *q = '\0';
            unsigned long n;
            double a, b;
            if (sscanf(q + 1, ",%lu,%lf,%lf", &n, &a, &b) == 3)
                printf("  %-58.58s %7lu %7.0f%% %7.0f%%\n", line + 1, n, 100 * a, 100 * b);
        }
        fclose(f);
    }
    printf("  written: %s/ppc.csv, %s/ppc_summary.csv, %s/ppc_episodes.csv, %s/ppc.json\n", out, out,
           out, out);
}

static int run_ppc(int argc, char **argv)
{
    static const struct option opts[] = {
        {"posterior", required_argument, NULL, 'p'}, {"data", required_argument, NULL, 'D'},
        {"draws", required_argument, NULL, 'n'},     {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'T'},   {"set", required_argument, NULL, 'S'},
        {"out", required_argument, NULL, 'o'},       {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    truce_validate_options vo;
    truce_validate_options_init(&vo);
    vargs a;
    memset(&a, 0, sizeof a);
    a.data = calloc((size_t)argc, sizeof *a.data);
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    int rc = EXIT_OK, c;
    truce_scenario *s = NULL;
    truce_reported **tables = NULL, *merged = NULL;
    char *command = NULL;
    char **inputs = NULL;
    size_t ninputs = 0;
    if (!a.data || !a.sets) {
        fprintf(stderr, "truce: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'p': a.posterior = optarg; break;
        case 'D': a.data[a.ndata++] = optarg; break;
        case 'n':
            if (cli_parse_u64(optarg, &vo.draws) || vo.draws == 0 || vo.draws > 10000000) {
                rc = cli_usage(cli_cmd, "--draws: '%s' is not a whole number in 1..10000000", optarg);
                goto done;
            }
            break;
        case 's':
            if (cli_parse_u64(optarg, &vo.seed)) { rc = cli_usage(cli_cmd, "--seed: '%s' is not a whole number >= 0", optarg); goto done; }
            break;
        case 'T':
            if (cli_parse_u64(optarg, &v) || v > 4096) { rc = cli_usage(cli_cmd, "--threads: '%s' is not a whole number in 0..4096", optarg); goto done; }
            vo.threads = (int)v;
            break;
        case 'S': a.sets[a.nsets++] = optarg; break;
        case 'o': a.out = optarg; break;
        case 'q': a.quiet = 1; break;
        case 'h': help_ppc(); goto done;
        case ':': rc = cli_usage(cli_cmd, "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option(cli_cmd, argv[optind - 1], opts); goto done;
        }
    }
    if (argc - optind > 1) { rc = cli_usage(cli_cmd, "expected at most one scenario file, got '%s' and '%s'", argv[optind], argv[optind + 1]); goto done; }
    if (!a.posterior) { rc = cli_usage(cli_cmd, "--posterior FILE is required"); goto done; }
    truce_error err;
    s = optind < argc ? truce_scenario_load(argv[optind], &err) : truce_scenario_load_default(&err);
    if (!s) { rc = cli_report(&err); goto done; }
    for (size_t i = 0; i < a.nsets && rc == EXIT_OK; i++)
        if (truce_scenario_set(s, a.sets[i], &err)) rc = cli_report(&err);
    if (rc != EXIT_OK) goto done;
    inputs = calloc(a.ndata + 2, sizeof *inputs);
    tables = calloc(a.ndata + 1, sizeof *tables);
    if (!inputs || !tables) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
    for (size_t i = 0; i < a.ndata + 2; i++) {
        inputs[i] = malloc(600);
        if (!inputs[i]) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
    }
    if (optind < argc)
        snprintf(inputs[ninputs++], 600, "%s:%s", cli_base_name(argv[optind]), truce_scenario_loaded_hash(s));
    else
        snprintf(inputs[ninputs++], 600, "%s (built in):%s", truce_scenario_name(s), truce_scenario_loaded_hash(s));
    for (size_t i = 0; i < a.ndata; i++) {
        char hash[17];
        tables[i] = truce_reported_load(a.data[i], &err);
        if (!tables[i] || truce_file_hash(a.data[i], hash, &err)) { rc = cli_report(&err); goto done; }
        snprintf(inputs[ninputs++], 600, "%s:%s", cli_base_name(a.data[i]), hash);
    }
    {
        char hash[17];
        if (truce_file_hash(a.posterior, hash, &err)) { rc = cli_report(&err); goto done; }
        snprintf(inputs[ninputs++], 600, "%s:%s", cli_base_name(a.posterior), hash);
    }
    if (a.ndata) {
        merged = truce_reported_concat((const truce_reported *const *)tables, a.ndata, &err);
        if (!merged) { rc = cli_report(&err); goto done; }
        vo.data = merged;
    }
    vo.posterior = a.posterior;
    char default_out[512];
    if (!a.out) {
        snprintf(default_out, sizeof default_out, "out/%s-ppc", truce_scenario_name(s));
        a.out = default_out;
    }
    int made = 0;
    rc = cli_make_out_folder(a.out, &made);
    if (rc == EXIT_OK) rc = cli_check_out_parent(cli_cmd, a.out);
    if (rc != EXIT_OK) goto done;
    if (truce_validate_check_out("ppc", a.out, &err)) { rc = cli_report(&err); goto done; }
    if (!a.quiet && cli_show_progress()) {
        vo.progress = cli_progress_runs;
        static char name[] = "validate ppc";
        vo.progress_ctx = name;
    }
    command = cli_command_line("validate ppc", argc, argv);
    truce_provenance prov = {.command = command, .sets = a.sets, .nsets = a.nsets,
                             .inputs = (const char *const *)inputs, .ninputs = ninputs};
    if (truce_validate_ppc(s, &vo, a.out, &prov, &err)) { rc = cli_report(&err); goto done; }
    if (!a.quiet) print_ppc(a.out);
done:
    truce_scenario_free(s);
    for (size_t i = 0; tables && i < a.ndata; i++) truce_reported_free(tables[i]);
    free(tables);
    truce_reported_free(merged);
    for (size_t i = 0; inputs && i < a.ndata + 2; i++) free(inputs[i]);
    free(inputs);
    free(command);
    free(a.data);
    free(a.sets);
    return rc;
}

int cmd_validate(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help_main();
        return argc < 2 ? cli_usage("validate", "expected a subcommand: ppc, forecast or sbc") : EXIT_OK;
    }
    static const char *const subs[] = {"ppc"};
    if (strcmp(argv[1], "ppc") == 0) {
        cli_cmd = "validate ppc";
        return run_ppc(argc - 1, argv + 1);
    }
    const char *near = cli_nearest(argv[1], subs, sizeof subs / sizeof *subs);
    if (near) return cli_usage("validate", "unknown subcommand '%s'; did you mean '%s'?", argv[1], near);
    return cli_usage("validate", "unknown subcommand '%s' (ppc, forecast, sbc)", argv[1]);
}
