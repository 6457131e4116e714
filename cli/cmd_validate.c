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

static void help_forecast(void)
{
    printf("usage: truce validate forecast [SCENARIO.yaml] --cutoff YYYY-MM [options]\n\n"
           "A time-split test: fit from the priors on the data through the cutoff only ('truce\n"
           "fit' with --cutoff; OUT/fit.json shows the last period the fit saw), then from that\n"
           "one origin forecast every later reported month of each monthly series (12 months or\n"
           "more) from the posterior predictive: N draws, each a run of a particle drawn by\n"
           "weight, observed through the observation models. Two model forecasts: 'model', with\n"
           "the episodes recorded after the cutoff, and 'model_unconditional', with those removed\n"
           "(as --without). Scored with CRPS and the 90%% interval score (MIS90) against four\n"
           "baselines that see only the data through the cutoff: 'zero' (a point mass at 0),\n"
           "'last' (Poisson around the last observed month), 'conflictology' (the last 12\n"
           "observed months, resampled) and 'seasonal' (Poisson around the same calendar month\n"
           "in the latest year that has it). Writes\n"
           "  OUT/forecast_scores.csv  series,method,crps,mis90,n (means over the months)\n"
           "  OUT/forecast.csv         each month: series,period,observed,method,q05,q50,q95,crps,is90\n"
           "  OUT/forecast.json        how it was made, and each series' CRPS over the best baseline's\n"
           "  OUT/fit.json, OUT/posterior.csv  the fit (as 'truce fit' writes them)\n\n"
           "options:\n"
           "  --cutoff DATE       last month the fit sees (YYYY-MM, YYYY or YYYY-MM-DD; required)\n"
           "  --data FILE         reported series (repeatable; default the shipped ones)\n"
           "  --sims N            the fit's simulation budget (default: truce fit's, 20000)\n"
           "  --particles P       the fit's particles (default: truce fit's, 500)\n"
           "  --estimate LIST     parameters to fit (default: truce fit's screened set)\n"
           "  --draws N           posterior predictive draws a month (default 1000)\n"
           "  --seed N            random seed (default 1)\n"
           "  --threads T         OpenMP threads (default 0: OMP_NUM_THREADS or every core)\n"
           "  --set NAME=VALUE    override a parameter (repeatable; not estimated then)\n"
           "  --out DIR           output folder (default out/<scenario name>-forecast)\n"
           "  -q, --quiet         no summary on the terminal\n"
           "  -h, --help          this help\n\n"
           "The bytes written do not depend on --threads.\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n");
}

static void help_sbc(void)
{
    printf("usage: truce validate sbc [SCENARIO.yaml] --estimate a,b,c [options]\n\n"
           "Simulation-based calibration (Talts et al. 2018): replication r draws theta* from\n"
           "the priors of the named parameters (the others keep the scenario's values),\n"
           "simulates what each source would report under it (run + observation models, the\n"
           "data's periods), fits those reports with 'truce fit' (a small budget), and records\n"
           "the rank of theta* among L posterior draws resampled by weight, and whether the\n"
           "central 50%% and 90%% credible intervals hold it. Writes\n"
           "  OUT/sbc.csv          rep,parameter,true,rank,of,in50,in90\n"
           "  OUT/sbc_summary.csv  parameter,reps,chi2,df,p_uniform,coverage50,coverage90 (a\n"
           "                       chi-square test of the rank histogram's uniformity)\n"
           "  OUT/sbc.json         how it was made and the rank histograms\n\n"
           "options:\n"
           "  --estimate LIST     comma-separated parameters (required)\n"
           "  --reps N            replications (default 100)\n"
           "  --sims N            each fit's simulation budget (default: truce fit's, 20000)\n"
           "  --particles P       each fit's particles (default: truce fit's, 500)\n"
           "  --rank-draws L      posterior draws a rank is taken among (default 99: ranks 0..99)\n"
           "  --to DATE           end the simulation on DATE: a shorter scenario, cheaper fits\n"
           "  --data FILE         reported series whose periods are simulated (repeatable;\n"
           "                      default the shipped ones)\n"
           "  --seed N            random seed (default 1)\n"
           "  --threads T         OpenMP threads: replications run side by side (default 0)\n"
           "  --set NAME=VALUE    override a parameter (repeatable)\n"
           "  --out DIR           output folder (default out/<scenario name>-sbc)\n"
           "  -q, --quiet         no summary on the terminal\n"
           "  -h, --help          this help\n\n"
           "The bytes written do not depend on --threads.\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n");
}

enum { SUB_PPC, SUB_FORECAST, SUB_SBC };
static const char *const SUB_NAME[3] = {"ppc", "forecast", "sbc"};

static void print_file(const char *out, const char *name, const char *title)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", out, name);
    FILE *f = fopen(path, "r");
    printf("%s\n", title);
    if (!f) return;
    char line[1024];
    while (fgets(line, sizeof line, f)) printf("  %s", line);
    fclose(f);
}

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

/* option letters each subcommand takes */
static const char *const ALLOWED[3] = {"pDnsTSoq", "cDNPenTSsoq", "eRNPLtDsTSoq"};

static int run_sub(int sub, int argc, char **argv)
{
    static const struct option opts[] = {
        {"posterior", required_argument, NULL, 'p'}, {"data", required_argument, NULL, 'D'},
        {"draws", required_argument, NULL, 'n'},     {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'T'},   {"set", required_argument, NULL, 'S'},
        {"out", required_argument, NULL, 'o'},       {"quiet", no_argument, NULL, 'q'},
        {"cutoff", required_argument, NULL, 'c'},    {"sims", required_argument, NULL, 'N'},
        {"particles", required_argument, NULL, 'P'}, {"estimate", required_argument, NULL, 'e'},
        {"reps", required_argument, NULL, 'R'},      {"rank-draws", required_argument, NULL, 'L'},
        {"to", required_argument, NULL, 't'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    truce_validate_options vo;
    truce_validate_options_init(&vo);
    const char *posterior = NULL, *out = NULL, *to = NULL, *estimate = NULL, *cutoff = NULL;
    const char **data = calloc((size_t)argc + 1, sizeof *data);
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t ndata = 0, nsets = 0, nnames = 0;
    int quiet = 0, rc = EXIT_OK, c;
    truce_scenario *s = NULL;
    truce_reported **tables = NULL, *merged = NULL;
    char *command = NULL, *estimate_copy = NULL;
    char **inputs = NULL, **names = NULL;
    size_t ninputs = 0;
    if (!data || !sets) {
        fprintf(stderr, "truce: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    optind = 1;
    opterr = 0;
    int li = -1;
    while ((c = getopt_long(argc, argv, ":hq", opts, &li)) != -1) {
        uint64_t v;
        if (c != 'h' && c != ':' && c != '?' && !strchr(ALLOWED[sub], c)) {
            rc = cli_usage(cli_cmd, "'--%s' is not an option of 'truce validate %s'", li >= 0 ? opts[li].name : "?", SUB_NAME[sub]);
            goto done;
        }
        switch (c) {
        case 'p': posterior = optarg; break;
        case 'D': data[ndata++] = optarg; break;
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
        case 'S': sets[nsets++] = optarg; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'c': cutoff = optarg; break;
        case 'N':
            if (cli_parse_u64(optarg, &vo.sims) || vo.sims == 0) { rc = cli_usage(cli_cmd, "--sims: '%s' is not a whole number >= 1", optarg); goto done; }
            break;
        case 'P':
            if (cli_parse_u64(optarg, &v) || v < 2 || v > 10000000) { rc = cli_usage(cli_cmd, "--particles: '%s' is not a whole number in 2..10000000", optarg); goto done; }
            vo.particles = (size_t)v;
            break;
        case 'e': estimate = optarg; break;
        case 'R':
            if (cli_parse_u64(optarg, &vo.reps) || vo.reps < 2 || vo.reps > 1000000) { rc = cli_usage(cli_cmd, "--reps: '%s' is not a whole number in 2..1000000", optarg); goto done; }
            break;
        case 'L':
            if (cli_parse_u64(optarg, &v) || v < 1 || v > 100000) { rc = cli_usage(cli_cmd, "--rank-draws: '%s' is not a whole number in 1..100000", optarg); goto done; }
            vo.rank_draws = (size_t)v;
            break;
        case 't': to = optarg; break;
        case 'h':
            if (sub == SUB_PPC) help_ppc();
            else if (sub == SUB_FORECAST) help_forecast();
            else help_sbc();
            goto done;
        case ':': rc = cli_usage(cli_cmd, "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option(cli_cmd, argv[optind - 1], opts); goto done;
        }
    }
    if (argc - optind > 1) { rc = cli_usage(cli_cmd, "expected at most one scenario file, got '%s' and '%s'", argv[optind], argv[optind + 1]); goto done; }
    if (sub == SUB_PPC && !posterior) { rc = cli_usage(cli_cmd, "--posterior FILE is required"); goto done; }
    if (sub == SUB_FORECAST && !cutoff) { rc = cli_usage(cli_cmd, "--cutoff DATE is required (e.g. --cutoff 2022-12)"); goto done; }
    if (sub == SUB_SBC && !estimate) { rc = cli_usage(cli_cmd, "--estimate LIST is required (2-4 parameters, e.g. --estimate obs_rate_picss,attack_rate)"); goto done; }
    if (cutoff) {
        int32_t first, last;
        truce_precision prec;
        if (truce_date_parse(cutoff, &first, &last, &prec) != 0) { rc = cli_usage(cli_cmd, "--cutoff: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", cutoff); goto done; }
        vo.cutoff = last;
    }
    if (estimate) {
        size_t len = strlen(estimate);
        estimate_copy = malloc(len + 1);
        names = calloc(len + 1, sizeof *names);
        if (!estimate_copy || !names) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
        memcpy(estimate_copy, estimate, len + 1);
        for (char *q = estimate_copy;;) {
            char *comma = strchr(q, ',');
            if (comma) *comma = '\0';
            if (*q == '\0') { rc = cli_usage(cli_cmd, "--estimate: an empty name in '%s'", estimate); goto done; }
            if (truce_param_find(q) < 0) { rc = cli_usage(cli_cmd, "--estimate: '%s' is not a parameter (see 'truce params')", q); goto done; }
            names[nnames++] = q;
            if (!comma) break;
            q = comma + 1;
        }
        vo.estimate = (const char *const *)names;
        vo.nestimate = nnames;
    }
    truce_error err;
    s = optind < argc ? truce_scenario_load(argv[optind], &err) : truce_scenario_load_default(&err);
    if (!s) { rc = cli_report(&err); goto done; }
    for (size_t i = 0; i < nsets && rc == EXIT_OK; i++)
        if (truce_scenario_set(s, sets[i], &err)) rc = cli_report(&err);
    if (rc == EXIT_OK && to && truce_scenario_set_end(s, to, &err)) rc = cli_report(&err);
    if (rc != EXIT_OK) goto done;
    for (size_t k = 0; k < nnames; k++)
        for (size_t i = 0; i < nsets; i++) {
            size_t n = strlen(names[k]);
            if (strncmp(sets[i], names[k], n) == 0 && sets[i][n] == '=') {
                rc = cli_usage(cli_cmd, "'%s' is both --set and --estimate", names[k]);
                goto done;
            }
        }
    inputs = calloc(ndata + 2, sizeof *inputs);
    tables = calloc(ndata + 1, sizeof *tables);
    if (!inputs || !tables) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
    for (size_t i = 0; i < ndata + 2; i++) {
        inputs[i] = malloc(600);
        if (!inputs[i]) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
    }
    if (optind < argc)
        snprintf(inputs[ninputs++], 600, "%s:%s", cli_base_name(argv[optind]), truce_scenario_loaded_hash(s));
    else
        snprintf(inputs[ninputs++], 600, "%s (built in):%s", truce_scenario_name(s), truce_scenario_loaded_hash(s));
    for (size_t i = 0; i < ndata; i++) {
        char hash[17];
        tables[i] = truce_reported_load(data[i], &err);
        if (!tables[i] || truce_file_hash(data[i], hash, &err)) { rc = cli_report(&err); goto done; }
        snprintf(inputs[ninputs++], 600, "%s:%s", cli_base_name(data[i]), hash);
    }
    if (posterior) {
        char hash[17];
        if (truce_file_hash(posterior, hash, &err)) { rc = cli_report(&err); goto done; }
        snprintf(inputs[ninputs++], 600, "%s:%s", cli_base_name(posterior), hash);
    }
    if (ndata) {
        merged = truce_reported_concat((const truce_reported *const *)tables, ndata, &err);
        if (!merged) { rc = cli_report(&err); goto done; }
        vo.data = merged;
    }
    vo.posterior = posterior;
    char default_out[512];
    if (!out) {
        snprintf(default_out, sizeof default_out, "out/%s-%s", truce_scenario_name(s), SUB_NAME[sub]);
        out = default_out;
    }
    int made = 0;
    rc = cli_make_out_folder(out, &made);
    if (rc == EXIT_OK) rc = cli_check_out_parent(cli_cmd, out);
    if (rc != EXIT_OK) goto done;
    if (truce_validate_check_out(SUB_NAME[sub], out, &err)) { rc = cli_report(&err); goto done; }
    static char pname[3][24] = {"validate ppc", "validate forecast", "validate sbc"};
    if (!quiet && cli_show_progress()) {
        vo.progress = cli_progress_runs;
        vo.progress_ctx = pname[sub];
    }
    char cmdname[32];
    snprintf(cmdname, sizeof cmdname, "validate %s", SUB_NAME[sub]);
    command = cli_command_line(cmdname, argc, argv);
    truce_provenance prov = {.command = command, .sets = sets, .nsets = nsets, .to = to,
                             .inputs = (const char *const *)inputs, .ninputs = ninputs};
    int r = sub == SUB_PPC ? truce_validate_ppc(s, &vo, out, &prov, &err)
          : sub == SUB_FORECAST ? truce_validate_forecast(s, &vo, out, &prov, &err)
                                : truce_validate_sbc(s, &vo, out, &prov, &err);
    if (r) { rc = cli_report(&err); goto done; }
    if (!quiet) {
        if (sub == SUB_PPC) print_ppc(out);
        else if (sub == SUB_FORECAST) {
            print_file(out, "forecast_scores.csv", "truce validate forecast: mean scores over the forecast months (lower is better)");
            printf("  written: %s/forecast_scores.csv, forecast.csv, forecast.json, fit.json, posterior.csv\n", out);
        } else {
            print_file(out, "sbc_summary.csv", "truce validate sbc: rank uniformity and interval coverage per parameter");
            printf("  written: %s/sbc.csv, sbc_summary.csv, sbc.json\n", out);
        }
    }
done:
    truce_scenario_free(s);
    for (size_t i = 0; tables && i < ndata; i++) truce_reported_free(tables[i]);
    free(tables);
    truce_reported_free(merged);
    for (size_t i = 0; inputs && i < ndata + 2; i++) free(inputs[i]);
    free(inputs);
    free(command);
    free(estimate_copy);
    free(names);
    free(data);
    free(sets);
    return rc;
}

int cmd_validate(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help_main();
        return argc < 2 ? cli_usage("validate", "expected a subcommand: ppc, forecast or sbc") : EXIT_OK;
    }
    static const char *const subs[] = {"ppc", "forecast", "sbc"};
    static char names[3][24] = {"validate ppc", "validate forecast", "validate sbc"};
    for (int k = 0; k < 3; k++)
        if (strcmp(argv[1], subs[k]) == 0) {
            cli_cmd = names[k];
            return run_sub(k, argc - 1, argv + 1);
        }
    const char *near = cli_nearest(argv[1], subs, sizeof subs / sizeof *subs);
    if (near) return cli_usage("validate", "unknown subcommand '%s'; did you mean '%s'?", argv[1], near);
    return cli_usage("validate", "unknown subcommand '%s' (ppc, forecast, sbc)", argv[1]);
}
