/* truce assess — policy portfolios against the status quo from the calibrated histories;
 * writes the assessment folder (docs/assess.md) and prints the headline table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce assess [SCENARIO] [options]\n\n"
           "Assess policy portfolios against the status quo. Each of N runs draws a particle\n"
           "of the calibration's posterior; its history to the day before --from is simulated\n"
           "once, and the status quo and every portfolio continue from it under common random\n"
           "numbers, so each run's difference is the portfolio's effect in one calibrated world.\n"
           "SCENARIO is a scenario file or 'default' (the built-in Pakistan-TTP scenario, the\n"
           "default). Writes OUT/assessment.csv (portfolio,outcome,status_quo,value,diff_q05,\n"
           "diff_q50,diff_q95,p_better), assessment.json, ranking.csv, bands.csv,\n"
           "diff_bands.csv, replays.csv (the recorded accords with and without them),\n"
           "drivers.csv, event_study.csv, reported.csv, episodes.csv, fit/ and report.html\n"
           "(docs/assess.md, docs/report.md), then prints the headline table.\n\n"
           "options:\n"
           "  --portfolio FILE    a portfolio to assess (repeatable; docs/portfolios.md); default:\n"
           "                      every shipped portfolio\n"
           "  --status-quo FILE   the reference portfolio (default: the shipped status-quo.yaml)\n"
           "  --posterior FILE    a posterior.csv (as 'truce fit' writes it) instead of the\n"
           "                      scenario's calibration (then no fit/ folder)\n"
           "  --from DATE         first month of the futures (default 2026-01)\n"
           "  --to DATE           last month of the futures (default 2030-12)\n"
           "  --runs N            calibrated histories (default 200)\n"
           "  --seed N            random seed (default 1)\n"
           "  --threads T         OpenMP threads (default 0: OMP_NUM_THREADS or every core)\n"
           "  --out DIR           output folder (default out/assessment)\n"
           "  --runs-csv          also write OUT/runs.csv: every run's outcomes\n"
           "  -q, --quiet         no table on the terminal\n"
           "  -h, --help          this help\n\n"
           "Dates: YYYY, YYYY-MM or YYYY-MM-DD (--from takes the first day, --to the last;\n"
           "both must fall on whole months). A portfolio lever that starts before --from is\n"
           "an input error. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n"
           "See docs/assess.md.\n");
}

int cmd_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"portfolio", required_argument, NULL, 'p'}, {"status-quo", required_argument, NULL, 'S'},
        {"posterior", required_argument, NULL, 'P'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},        {"runs", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},      {"threads", required_argument, NULL, 'T'},
        {"out", required_argument, NULL, 'o'},       {"runs-csv", no_argument, NULL, 'R'},
        {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    truce_assess_options ao;
    truce_assess_options_init(&ao);
    const char *out = "out/assessment", *posterior_file = NULL;
    const char **pfs = calloc((size_t)argc, sizeof *pfs);
    size_t npfs = 0;
    int quiet = 0, c, rc = EXIT_OK;
    truce_scenario *s = NULL;
    truce_posterior *posterior = NULL;
    truce_assessment *a = NULL;
    char *command = NULL;
    if (!pfs) {
        fprintf(stderr, "truce: out of memory\n");
        return EXIT_RUNTIME;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        uint64_t v;
        int32_t first, last;
        truce_precision prec;
        switch (c) {
        case 'p': pfs[npfs++] = optarg; break;
        case 'S': ao.status_quo = optarg; break;
        case 'P': posterior_file = optarg; break;
        case 'f':
            if (truce_date_parse(optarg, &first, &last, &prec)) {
                rc = cli_usage("assess", "--from: '%s' is not a date YYYY, YYYY-MM or YYYY-MM-DD", optarg);
                goto done;
            }
            ao.from = first;
            break;
        case 't':
            if (truce_date_parse(optarg, &first, &last, &prec)) {
                rc = cli_usage("assess", "--to: '%s' is not a date YYYY, YYYY-MM or YYYY-MM-DD", optarg);
                goto done;
            }
            ao.to = last;
            break;
        case 'n':
            if (cli_parse_u64(optarg, &ao.runs) || ao.runs == 0 || ao.runs > (uint64_t)UINT32_MAX + 1) {
                rc = cli_usage("assess", "--runs: '%s' is not a whole number in 1..4294967296", optarg);
                goto done;
            }
            break;
        case 's':
            if (cli_parse_u64(optarg, &ao.seed)) {
                rc = cli_usage("assess", "--seed: '%s' is not a whole number >= 0", optarg);
                goto done;
            }
            break;
        case 'T':
            if (cli_parse_u64(optarg, &v) || v > 4096) {
                rc = cli_usage("assess", "--threads: '%s' is not a whole number in 0..4096", optarg);
                goto done;
            }
            ao.threads = (int)v;
            break;
        case 'o': out = optarg; break;
        case 'R': ao.runs_csv = 1; break;
        case 'q': quiet = 1; break;
        case 'h': help(); goto done;
        case ':': rc = cli_usage("assess", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option("assess", argv[optind - 1], opts); goto done;
        }
    }
    if (argc - optind > 1) {
        rc = cli_usage("assess", "expected at most one scenario (a file or 'default'), got %d", argc - optind);
        goto done;
    }
    const char *sname = argc - optind == 1 ? argv[optind] : "default";
    truce_error err;
    s = strcmp(sname, "default") == 0 ? truce_scenario_load_default(&err) : truce_scenario_load(sname, &err);
    if (!s) {
        rc = cli_report(&err);
        goto done;
    }
    if (posterior_file && !(posterior = truce_posterior_load(posterior_file, s, &err))) {
        rc = cli_report(&err);
        goto done;
    }
    ao.posterior = posterior;
    ao.portfolios = pfs;
    ao.nportfolios = npfs;
    int made_out = 0;
    rc = cli_make_out_folder(out, &made_out);
    if (rc == EXIT_OK) rc = cli_check_out_parent("assess", out);
    if (rc == EXIT_OK && truce_assess_check_out(out, &err)) rc = cli_report(&err);
    if (rc != EXIT_OK) goto done;
    command = cli_command_line("assess", argc, argv);
    char label[600];
    snprintf(label, sizeof label, "%s", strcmp(sname, "default") == 0 ? "pakistan-ttp (built in)" : cli_base_name(sname));
    ao.command = command;
    ao.scenario_label = label;
    if (!quiet && cli_show_progress()) {
        static char name[] = "assess";
        ao.progress = cli_progress_runs;
        ao.progress_ctx = name;
    }
    a = truce_assess_run(s, &ao, &err);
    if (!a) {
        rc = cli_report(&err);
        goto done;
    }
    if (truce_assess_write(a, out, &err) || truce_report_render(out, &err)) {
        rc = cli_report(&err);
        goto done;
    }
    if (!quiet) {
        printf("truce assess: %llu calibrated futures of every portfolio, paired with the status quo's\n",
               (unsigned long long)ao.runs);
        if (truce_report_headline(out, cli_write_stdout, NULL, &err)) {
            rc = cli_report(&err);
            goto done;
        }
        printf("written: %s/assessment.csv and the rest of docs/assess.md; report: %s/report.html\n", out, out);
    }
done:
    free(command);
    truce_assess_free(a);
    truce_posterior_free(posterior);
    truce_scenario_free(s);
    free(pfs);
    return rc;
}
