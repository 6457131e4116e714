/* truce compare — paired runs of BASE and ALT under common random numbers; write
 * differences.csv and summary.csv and print a short table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce compare BASE ALT [options]\n\n"
           "Run BASE and ALT (scenario files, or the word 'default' for the built-in\n"
           "Pakistan-TTP scenario) N times each. Run i of both has the same seed and run\n"
           "index (common random numbers: 'truce run --seed S --run i' of each), so run i's\n"
           "difference is the change's effect on one history, not noise between two.\n"
           "Writes OUT/differences.csv (run,variable,base,alt,diff; diff = alt - base) and\n"
           "OUT/summary.csv (variable,base_mean,alt_mean,diff_mean,diff_q05,diff_q50,\n"
           "diff_q95,p_alt_lower) for attacks, deaths_security, deaths_civilian,\n"
           "deaths_militant and recruits (totals over [--from, --to]) and militants (the\n"
           "stock on --to). p_alt_lower is the share of runs with diff < 0.\n\n"
           "options:\n"
           "  --runs N            pairs of runs (default 100)\n"
           "  --seed N            random seed (default 1)\n"
           "  --from DATE         first day counted (default: the start of BASE's horizon)\n"
           "  --to DATE           last day counted; both simulations end there (default: the\n"
           "                      end of BASE's horizon)\n"
           "  --threads T         OpenMP threads (default 0: OMP_NUM_THREADS or every core)\n"
           "  --posterior FILE    a posterior.csv (as 'truce fit' writes it): pair i runs with\n"
           "                      one particle drawn by weight (keyed by the seed and i), in\n"
           "                      both BASE and ALT (ALT keeps its --alt-set values). Without\n"
           "                      it both use their scenario's parameters\n"
           "  --alt-set NAME=V    override a parameter in ALT only (repeatable)\n"
           "  --alt-without ID    remove an episode from ALT's timeline only (repeatable)\n"
           "  --out DIR           output folder (default out/<BASE name>-compare)\n"
           "  --no-branch         simulate ALT from the start even when it shares BASE's\n"
           "                      history up to a date (the numbers are the same; a check)\n"
           "  -q, --quiet         no table on the terminal\n"
           "  -h, --help          this help\n\n"
           "Dates: YYYY, YYYY-MM or YYYY-MM-DD (--from takes the first day, --to the last).\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n"
           "See docs/compare.md.\n");
}

static truce_scenario *load(const char *name, truce_error *err)
{
    return strcmp(name, "default") == 0 ? truce_scenario_load_default(err) : truce_scenario_load(name, err);
}

static void print_table(const truce_compare *c, const truce_scenario *base_s, const char *base,
                        const char *alt, const char *out)
{
    printf("truce compare: %s vs %s, %llu paired runs (diff = alt - base)\n", base, alt,
           (unsigned long long)truce_compare_runs(c));
    printf("  %-16s %11s %11s %11s %11s %11s %9s\n", "variable", "base mean", "alt mean", "diff mean",
           "diff q05", "diff q95", "P(alt<)");
    for (size_t k = 0; k < TRUCE_COMPARE_NVARS; k++) {
        truce_compare_row r;
        truce_compare_summary(c, k, &r);
        printf("  %-16s %11.1f %11.1f %11.1f %11.1f %11.1f %9.3f\n", r.variable, r.base_mean, r.alt_mean,
               r.diff_mean, r.diff_q05, r.diff_q95, r.p_alt_lower);
    }
    printf("  (militants: the stock on the last day; the others: totals over the window)\n");
    const int32_t b = truce_compare_branch_day(c);
    char day[11];
    truce_date_format(b, day);
    if (b > truce_scenario_end(base_s)) printf("  BASE and ALT are the same scenario: ALT's runs are BASE's\n");
    else if (b > truce_scenario_start(base_s)) printf("  ALT shares BASE's history before %s and continues from there\n", day);
    printf("  written: %s/differences.csv, %s/summary.csv\n", out, out);
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'n'},    {"seed", required_argument, NULL, 's'},
        {"from", required_argument, NULL, 'f'},    {"to", required_argument, NULL, 't'},
        {"threads", required_argument, NULL, 'T'}, {"alt-set", required_argument, NULL, 'S'},
        {"alt-without", required_argument, NULL, 'w'}, {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {"no-branch", no_argument, NULL, 'B'},     {"posterior", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    truce_compare_options co;
    truce_compare_options_init(&co);
    const char *out = NULL, *from = NULL, *to = NULL, *posterior_file = NULL;
    truce_posterior *posterior = NULL;
    int quiet = 0, c;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    const char **withouts = calloc((size_t)argc, sizeof *withouts);
    size_t nsets = 0, nwithouts = 0;
    int rc = EXIT_OK;
    truce_scenario *base = NULL, *alt = NULL;
    truce_compare *cmp = NULL;
    char *command = NULL;
    if (!sets || !withouts) {
        fprintf(stderr, "truce: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        uint64_t v;
        int32_t first, last;
        truce_precision prec;
        switch (c) {
        case 'n':
            if (cli_parse_u64(optarg, &co.runs) || co.runs == 0 || co.runs > (uint64_t)UINT32_MAX + 1) {
                rc = cli_usage("compare", "--runs: '%s' is not a whole number in 1..4294967296", optarg);
                goto done;
            }
            break;
        case 's':
            if (cli_parse_u64(optarg, &co.seed)) { rc = cli_usage("compare", "--seed: '%s' is not a whole number >= 0", optarg); goto done; }
            break;
        case 'f':
            if (truce_date_parse(optarg, &first, &last, &prec)) { rc = cli_usage("compare", "--from: '%s' is not a date YYYY, YYYY-MM or YYYY-MM-DD", optarg); goto done; }
            from = optarg;
            co.from = first;
            break;
        case 't':
            if (truce_date_parse(optarg, &first, &last, &prec)) { rc = cli_usage("compare", "--to: '%s' is not a date YYYY, YYYY-MM or YYYY-MM-DD", optarg); goto done; }
            to = optarg;
            co.to = last;
            break;
        case 'T':
            if (cli_parse_u64(optarg, &v) || v > 4096) { rc = cli_usage("compare", "--threads: '%s' is not a whole number in 0..4096", optarg); goto done; }
            co.threads = (int)v;
            break;
        case 'S': sets[nsets++] = optarg; break;
        case 'w': withouts[nwithouts++] = optarg; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'B': co.no_branch = 1; break;
        case 'P': posterior_file = optarg; break;
        case 'h': help(); goto done;
        case ':': rc = cli_usage("compare", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option("compare", argv[optind - 1], opts); goto done;
        }
    }
    if (argc - optind != 2) {
        rc = cli_usage("compare", "expected two scenarios, BASE and ALT (a file or 'default'), got %d", argc - optind);
        goto done;
    }
    (void)from;
    truce_error err;
    const char *bname = argv[optind], *aname = argv[optind + 1];
    base = load(bname, &err);
    if (!base) { rc = cli_report(&err); goto done; }
    alt = load(aname, &err);
    if (!alt) { rc = cli_report(&err); goto done; }
    for (size_t i = 0; i < nsets && rc == EXIT_OK; i++)
        if (truce_scenario_set(alt, sets[i], &err)) rc = cli_report(&err);
    for (size_t i = 0; i < nwithouts && rc == EXIT_OK; i++)
        if (truce_scenario_remove_episode(alt, withouts[i], &err)) rc = cli_report(&err);
    /* Both simulations stop at --to: nothing after it is counted. */
    if (rc == EXIT_OK && to && (truce_scenario_set_end(base, to, &err) || truce_scenario_set_end(alt, to, &err)))
        rc = cli_report(&err);
    if (rc == EXIT_OK && posterior_file) {
        posterior = truce_posterior_load(posterior_file, base, &err);
        if (!posterior) rc = cli_report(&err);
        co.posterior = posterior;
    }
    if (rc != EXIT_OK) goto done;
    char default_out[512];
    if (!out) {
        snprintf(default_out, sizeof default_out, "out/%s-compare", truce_scenario_name(base));
        out = default_out;
    }
    int made_out = 0;
    rc = cli_make_out_folder(out, &made_out);
    if (rc == EXIT_OK) rc = cli_check_out_parent("compare", out);
    if (rc != EXIT_OK) goto done;
    if (!quiet && cli_show_progress()) {
        static char name[] = "compare";
        co.progress = cli_progress_runs;
        co.progress_ctx = name;
    }
    cmp = truce_compare_run(base, alt, &co, &err);
    if (!cmp) { rc = cli_report(&err); goto done; }
    command = cli_command_line("compare", argc, argv);
    char inputs_buf[2][600];
    const char *inputs[2] = {inputs_buf[0], inputs_buf[1]};
    const char *names[2] = {bname, aname};
    const truce_scenario *scs[2] = {base, alt};
    for (int k = 0; k < 2; k++)
        snprintf(inputs_buf[k], sizeof inputs_buf[k], "%s%s:%s", k ? "alt " : "base ",
                 strcmp(names[k], "default") == 0 ? "pakistan-ttp (built in)" : cli_base_name(names[k]),
                 truce_scenario_loaded_hash(scs[k]));
    truce_provenance prov = {.command = command, .sets = sets, .nsets = nsets, .withouts = withouts,
                             .nwithouts = nwithouts, .to = to, .inputs = inputs, .ninputs = 2};
    if (truce_compare_write(cmp, out, &prov, &err) != 0) rc = cli_report(&err);
    else if (!quiet) print_table(cmp, base, cli_base_name(bname), cli_base_name(aname), out);
done:
    free(command);
    truce_compare_free(cmp);
    truce_posterior_free(posterior);
    truce_scenario_free(base);
    truce_scenario_free(alt);
    free(sets);
    free(withouts);
    return rc;
}
