/* truce ensemble — N runs of a scenario; write bands.csv, runs.csv and summary.json. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce ensemble [SCENARIO.yaml] --runs N [options]\n\n"
           "Run the scenario N times (default: the built-in Pakistan-TTP scenario) and write\n"
           "OUT/bands.csv (period,period_start,region,variable,mean,q05,q25,q50,q75,q95),\n"
           "OUT/runs.csv (one row per run and variable: a flow's total over the horizon, a\n"
           "stock's value on the last day) and OUT/summary.json. Run i is exactly\n"
           "'truce run --seed S --run i'. The bytes written do not depend on --threads, nor on\n"
           "the number of MPI processes under truce-mpi.\n\n"
           "options:\n"
           "  --runs N            number of runs (required, >= 1)\n"
           "  --seed N            random seed (default 1)\n"
           "  --threads T         OpenMP threads (default 0: OMP_NUM_THREADS or every core)\n"
           "  --by PERIOD         day|week|month|quarter|year: the bands' period (default month)\n"
           "  --variables LIST    comma-separated variables to band (default: all; fewer use\n"
           "                      less memory: runs x periods x cells x 8 bytes)\n"
           "  --params FILE       CSV: a header of parameter names (others keep the scenario's\n"
           "                      value), optionally a 'weight' column; one row per run,\n"
           "                      cycled when shorter than N\n"
           "  --prior             run i's parameters drawn from the priors (truce_prior_draw\n"
           "                      with the seed and i); parameters given to --set stay fixed\n"
           "  --posterior FILE    a posterior.csv (as 'truce fit' writes it): run i uses one\n"
           "                      particle drawn by weight (keyed by the seed and i);\n"
           "                      parameters given to --set stay fixed. Without it (and\n"
           "                      without --params or --prior) only the random numbers vary:\n"
           "                      run i equals 'truce run --run i'\n"
           "  --set NAME=VALUE    override a parameter (repeatable; see 'truce params')\n"
           "  --without ID        remove the episode with this id from the timeline (repeatable)\n"
           "  --to DATE           end the simulation on DATE (YYYY, YYYY-MM or YYYY-MM-DD)\n"
           "  --out DIR           output folder (default out/<scenario name>-ensemble)\n"
           "  -q, --quiet         no summary on the terminal\n"
           "  -h, --help          this help\n\n"
           "Quantiles are of type 7 (R's default, NumPy's 'linear'); with a weight column the\n"
           "mean and quantiles are weighted (docs/ensemble.md).\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n"
           "See docs/ensemble.md.\n");
}

/* "attacks,deaths_civilian" into a bit mask. Returns 0, or -1 naming the bad name. */
static int parse_variables(const char *list, uint64_t *mask, char *bad, size_t badcap)
{
    *mask = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        truce_variable v;
        if (n == 0 || n >= sizeof name) {
            snprintf(bad, badcap, "%.*s", (int)(n < 60 ? n : 60), p);
            return -1;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        if (truce_variable_find(name, &v) != 0) {
            snprintf(bad, badcap, "%s", name);
            return -1;
        }
        *mask |= UINT64_C(1) << v;
        if (!comma) return 0;
        p = comma + 1;
    }
}

static void print_summary(const truce_ensemble *e, const truce_scenario *s, uint64_t seed,
                          const char *by, const char *out)
{
    char d0[11], d1[11];
    truce_date_format(truce_scenario_start(s), d0);
    truce_date_format(truce_scenario_end(s), d1);
    const uint64_t N = truce_ensemble_runs(e);
    printf("truce ensemble: %s, %llu runs (seed %llu), %s to %s, bands by %s\n", truce_scenario_name(s),
           (unsigned long long)N, (unsigned long long)seed, d0, d1, by);
    double *x = malloc((size_t)N * sizeof *x);
    if (x) {
        static const truce_variable shown[] = {TRUCE_VAR_ATTACKS, TRUCE_VAR_DEATHS_SECURITY,
                                               TRUCE_VAR_DEATHS_CIVILIAN, TRUCE_VAR_DEATHS_MILITANT,
                                               TRUCE_VAR_MILITANTS};
        printf("  %-18s %12s %12s %12s %12s\n", "variable", "mean", "q05", "q50", "q95");
        for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
            double sum = 0.0;
            for (uint64_t i = 0; i < N; i++) sum += x[i] = truce_ensemble_run_total(e, i, shown[k]);
            if (isnan(sum)) continue;  /* not banded */
            double q05 = truce_quantile7(x, NULL, (size_t)N, 0.05), q50 = truce_quantile7(x, NULL, (size_t)N, 0.5),
                   q95 = truce_quantile7(x, NULL, (size_t)N, 0.95);
            printf("  %-18s %12.0f %12.0f %12.0f %12.0f%s\n", truce_variable_name(shown[k]), sum / (double)N, q05,
                   q50, q95, truce_variable_is_flow(shown[k]) ? "" : "  (at the end)");
        }
        free(x);
    }
    printf("  (unweighted, over the horizon; bands.csv has each period)\n");
    printf("  written: %s/bands.csv, %s/runs.csv, %s/summary.json\n", out, out, out);
}

int cmd_ensemble(int argc, char **argv)
{
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'n'},      {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'T'},   {"by", required_argument, NULL, 'b'},
        {"params", required_argument, NULL, 'p'},    {"prior", no_argument, NULL, 'P'},
        {"set", required_argument, NULL, 'S'},       {"without", required_argument, NULL, 'w'},
        {"to", required_argument, NULL, 't'},        {"out", required_argument, NULL, 'o'},
        {"variables", required_argument, NULL, 'v'}, {"quiet", no_argument, NULL, 'q'},
        {"posterior", required_argument, NULL, 'R'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    truce_ensemble_options eo;
    truce_ensemble_options_init(&eo);
    const char *out = NULL, *to = NULL, *by_name = "month";
    int quiet = 0, have_runs = 0, prior = 0, c;
    const char *posterior = NULL;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    const char **withouts = calloc((size_t)argc, sizeof *withouts);
    char **keep = calloc((size_t)argc, sizeof *keep);
    size_t nsets = 0, nwithouts = 0;
    int rc = EXIT_OK;
    truce_scenario *s = NULL;
    truce_ensemble *e = NULL;
    char *command = NULL;
    if (!sets || !withouts || !keep) {
        fprintf(stderr, "truce: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        uint64_t v;
        char bad[128];
        switch (c) {
        case 'n':
            if (cli_parse_u64(optarg, &eo.runs) || eo.runs == 0 || eo.runs > (uint64_t)UINT32_MAX + 1) {
                rc = cli_usage("ensemble", "--runs: '%s' is not a whole number in 1..4294967296", optarg);
                goto done;
            }
            have_runs = 1;
            break;
        case 's':
            if (cli_parse_u64(optarg, &eo.seed)) { rc = cli_usage("ensemble", "--seed: '%s' is not a whole number >= 0", optarg); goto done; }
            break;
        case 'T':
            if (cli_parse_u64(optarg, &v) || v > 4096) { rc = cli_usage("ensemble", "--threads: '%s' is not a whole number in 0..4096", optarg); goto done; }
            eo.threads = (int)v;
            break;
        case 'b':
            if (truce_period_parse(optarg, &eo.by)) { rc = cli_usage("ensemble", "--by: '%s' is not one of day, week, month, quarter, year", optarg); goto done; }
            by_name = optarg;
            break;
        case 'p': eo.params_source = TRUCE_PARAMS_FILE; eo.params_file = optarg; break;
        case 'P': prior = 1; break;
        case 'R': posterior = optarg; break;
        case 'S': sets[nsets++] = optarg; break;
        case 'w': withouts[nwithouts++] = optarg; break;
        case 't': to = optarg; break;
        case 'o': out = optarg; break;
        case 'v':
            if (parse_variables(optarg, &eo.variables, bad, sizeof bad)) {
                rc = cli_usage("ensemble", "--variables: '%s' is not a variable (see docs/model.md)", bad);
                goto done;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h': help(); goto done;
        case ':': rc = cli_usage("ensemble", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option("ensemble", argv[optind - 1], opts); goto done;
        }
    }
    if (argc - optind > 1) { rc = cli_usage("ensemble", "expected at most one scenario file, got '%s' and '%s'", argv[optind], argv[optind + 1]); goto done; }
    if (!have_runs) { rc = cli_usage("ensemble", "--runs N is required"); goto done; }
    if ((prior != 0) + (eo.params_file != NULL) + (posterior != NULL) > 1) {
        rc = cli_usage("ensemble", "--params, --prior and --posterior exclude each other");
        goto done;
    }
    if (posterior) {
        eo.params_source = TRUCE_PARAMS_POSTERIOR;
        eo.params_file = posterior;
    }
    if (prior || posterior) {
        if (prior) eo.params_source = TRUCE_PARAMS_PRIOR;
        /* parameters pinned with --set keep their value under the prior */
        for (size_t i = 0; i < nsets; i++) {
            const char *eq = strchr(sets[i], '=');
            size_t n = eq ? (size_t)(eq - sets[i]) : strlen(sets[i]);
            keep[i] = malloc(n + 1);
            if (!keep[i]) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
            memcpy(keep[i], sets[i], n);
            keep[i][n] = '\0';
        }
        eo.prior_keep = (const char *const *)keep;
        eo.nprior_keep = nsets;
    }

    truce_error err;
    s = optind < argc ? truce_scenario_load(argv[optind], &err) : truce_scenario_load_default(&err);
    if (!s) { rc = cli_report(&err); goto done; }
    for (size_t i = 0; i < nsets && rc == EXIT_OK; i++)
        if (truce_scenario_set(s, sets[i], &err)) rc = cli_report(&err);
    for (size_t i = 0; i < nwithouts && rc == EXIT_OK; i++)
        if (truce_scenario_remove_episode(s, withouts[i], &err)) rc = cli_report(&err);
    if (rc == EXIT_OK && to && truce_scenario_set_end(s, to, &err)) rc = cli_report(&err);
    if (rc != EXIT_OK) goto done;

    char default_out[512];
    if (!out) {
        snprintf(default_out, sizeof default_out, "out/%s-ensemble", truce_scenario_name(s));
        out = default_out;
    }
    const int writer = !cli_parallel || cli_parallel->writer;
    int made_out = 0;
    if (writer) {
        rc = cli_make_out_folder(out, &made_out);
        if (rc == EXIT_OK) rc = cli_check_out_parent("ensemble", out);
        if (rc != EXIT_OK) goto done;
    }
    if (writer && !quiet && cli_show_progress()) {
        eo.progress = cli_progress_runs;
        static char name[] = "ensemble";
        eo.progress_ctx = name;
    }
    e = truce_ensemble_new(s, &eo, &err);
    if (!e) { rc = cli_report(&err); goto done; }
    int crc = cli_parallel ? cli_parallel->ensemble_compute(e, &err)
                           : truce_ensemble_run_range(e, 0, eo.runs, &err);
    if (crc != 0) { rc = cli_report(&err); goto done; }
    if (!writer) goto done;

    command = cli_command_line("ensemble", argc, argv);
    char input[600];
    const char *inputs[1] = {input};
    if (optind < argc)
        snprintf(input, sizeof input, "%s:%s", cli_base_name(argv[optind]), truce_scenario_loaded_hash(s));
    else
        snprintf(input, sizeof input, "%s (built in):%s", truce_scenario_name(s), truce_scenario_loaded_hash(s));
    truce_provenance prov = {.command = command, .sets = sets, .nsets = nsets, .withouts = withouts,
                             .nwithouts = nwithouts, .to = to, .inputs = inputs, .ninputs = 1};
    if (truce_ensemble_write(e, out, &prov, &err) != 0) rc = cli_report(&err);
    else if (!quiet) print_summary(e, s, eo.seed, by_name, out);
done:
    truce_ensemble_free(e);
    truce_scenario_free(s);
    free(command);
    for (size_t i = 0; keep && i < nsets; i++) free(keep[i]);
    free(keep);
    free(sets);
    free(withouts);
    return rc;
}
