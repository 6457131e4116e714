/* truce run — simulate a scenario once; write series.csv and summary.json. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce run [SCENARIO.yaml] [options]\n\n"
           "Simulate the scenario once (default: the built-in Pakistan-TTP scenario, 2002-2025)\n"
           "and write OUT/series.csv (tidy: date,region,variable,value) and OUT/summary.json;\n"
           "with several militant organisations also OUT/series_by_organisation.csv (the same\n"
           "plus an organisation column; series.csv is over all of them).\n"
           "The same seed gives the same bytes. The run reads no observed series: violence\n"
           "comes only from the model's stocks and flows.\n\n"
           "options:\n"
           "  --seed N            random seed (default 1)\n"
           "  --run N             ensemble member index (default 0)\n"
           "  --out DIR           output folder (default out/<scenario name>, or\n"
           "                      out/<scenario name>-<hash> with --set, --without or --to);\n"
           "                      an earlier output there is replaced; its parent folder must\n"
           "                      exist. '-': series.csv to standard output, no summary.json\n"
           "  --by PERIOD         day|week|month|quarter|year (default day): flows are summed\n"
           "                      over the period, stocks take its last day's value\n"
           "  --set NAME=VALUE    override a parameter (repeatable; see 'truce params')\n"
           "  --without ID        remove the episode with this id from the timeline (repeatable)\n"
           "  --to DATE           end the simulation on DATE (YYYY, YYYY-MM or YYYY-MM-DD)\n"
           "  --observe           also write OUT/observed.csv: what each source would report of\n"
           "                      this run through the observation models (docs/observations.md),\n"
           "                      for the periods of the shipped reported series (or --data)\n"
           "  --data FILE         the reported series whose periods --observe mirrors\n"
           "  --mean-field        replace every random draw by its expectation (accepts --seed;\n"
           "                      the output does not depend on it)\n"
           "  -q, --quiet         no summary on the terminal\n"
           "  -h, --help          this help\n\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n"
           "See docs/run.md.\n");
}

/* A scenario name usable as one folder name: a-z A-Z 0-9 _ . - and not starting with a
 * dot (the loader already insists on it; the CLI does not rely on that alone). */
static int safe_component(const char *name)
{
    if (!*name || name[0] == '.' || strlen(name) > 127) return 0;
    for (const char *c = name; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.')) return 0;
    return 1;
}


static void print_summary(const truce_result *r, const truce_scenario *s, const char *out)
{
    const size_t R = truce_scenario_region_count(s);
    const int32_t from = truce_scenario_start(s), to = truce_scenario_end(s);
    char d0[11], d1[11];
    truce_date_format(from, d0);
    truce_date_format(to, d1);
    printf("truce run: %s, %s to %s, %zu regions\n", truce_scenario_name(s), d0, d1, R);
    printf("  attacks %.0f; deaths: security forces %.0f, civilians %.0f, militants %.0f\n",
           truce_result_total(r, R, TRUCE_VAR_ATTACKS, from, to),
           truce_result_total(r, R, TRUCE_VAR_DEATHS_SECURITY, from, to),
           truce_result_total(r, R, TRUCE_VAR_DEATHS_CIVILIAN, from, to),
           truce_result_total(r, R, TRUCE_VAR_DEATHS_MILITANT, from, to));
    printf("  militants at the end: %.0f (%.0f in the sanctuary)\n",
           truce_result_total(r, R, TRUCE_VAR_MILITANTS, from, to),
           truce_result_total(r, R, TRUCE_VAR_MILITANTS_IN_SANCTUARY, from, to));
    const size_t K = truce_result_organisation_count(r);
    if (K > 1) {
        printf("  attacks by organisation:");
        for (size_t k = 0; k < K; k++)
            printf("%s %s %.0f", k ? "," : "", truce_result_organisation_name(r, k),
                   truce_result_total(truce_result_organisation(r, k), R, TRUCE_VAR_ATTACKS, from, to));
        printf("\n");
        printf("  written: %s/series.csv, %s/series_by_organisation.csv, %s/summary.json\n", out, out, out);
    } else {
        printf("  written: %s/series.csv, %s/summary.json\n", out, out);
    }
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},   {"run", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},    {"by", required_argument, NULL, 'b'},
        {"set", required_argument, NULL, 'S'},    {"without", required_argument, NULL, 'w'},
        {"to", required_argument, NULL, 't'},     {"mean-field", no_argument, NULL, 'm'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"observe", no_argument, NULL, 'O'},      {"data", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    truce_run_options ro;
    truce_run_options_init(&ro);
    const char *out = NULL, *to = NULL, *data = NULL;
    int observe = 0;
    truce_period by = TRUCE_BY_DAY;
    int quiet = 0, c;
    /* --set and --without are applied after loading, in the order given */
    const char **sets = calloc((size_t)argc, sizeof *sets);
    const char **withouts = calloc((size_t)argc, sizeof *withouts);
    size_t nsets = 0, nwithouts = 0;
    int rc = EXIT_OK;
    if (!sets || !withouts) {
        free(sets);
        free(withouts);
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 's':
            if (cli_parse_u64(optarg, &ro.seed)) { rc = cli_usage("run", "--seed: '%s' is not a whole number >= 0", optarg); goto done; }
            break;
        case 'r':
            if (cli_parse_u64(optarg, &v) || v > UINT32_MAX) { rc = cli_usage("run", "--run: '%s' is not a whole number in 0..4294967295", optarg); goto done; }
            ro.run = (uint32_t)v;
            break;
        case 'o':
            if (!*optarg) { rc = cli_usage("run", "--out: empty folder name"); goto done; }
            out = optarg;
            break;
        case 'b':
            if (truce_period_parse(optarg, &by)) { rc = cli_usage("run", "--by: '%s' is not one of day, week, month, quarter, year", optarg); goto done; }
            break;
        case 'S': sets[nsets++] = optarg; break;
        case 'w':
            for (size_t k = 0; k < nwithouts; k++)
                if (strcmp(withouts[k], optarg) == 0) { rc = cli_usage("run", "--without: episode '%s' is given twice", optarg); goto done; }
            withouts[nwithouts++] = optarg;
            break;
        case 't': to = optarg; break;
        case 'm': ro.mean_field = 1; break;
        case 'q': quiet = 1; break;
        case 'O': observe = 1; break;
        case 'D': data = optarg; break;
        case 'h': help(); goto done;
        case ':': rc = cli_usage("run", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option("run", argv[optind - 1], opts); goto done;
        }
    }
    if (observe && out && strcmp(out, "-") == 0) { rc = cli_usage("run", "--observe writes OUT/observed.csv beside the series: it needs a folder, not --out -"); goto done; }
    if (argc - optind > 1) { rc = cli_usage("run", "expected at most one scenario file, got '%s' and '%s'", argv[optind], argv[optind + 1]); goto done; }

    truce_error err;
    truce_scenario *s = optind < argc ? truce_scenario_load(argv[optind], &err)
                                      : truce_scenario_load_default(&err);
    if (!s) { rc = cli_report(&err); goto done; }
    for (size_t i = 0; i < nsets && rc == EXIT_OK; i++)
        if (truce_scenario_set(s, sets[i], &err)) rc = cli_report(&err);
    for (size_t i = 0; i < nwithouts && rc == EXIT_OK; i++)
        if (truce_scenario_remove_episode(s, withouts[i], &err)) rc = cli_report(&err);
    int32_t scenario_end = truce_scenario_end(s);
    if (rc == EXIT_OK && to && truce_scenario_set_end(s, to, &err)) rc = cli_report(&err);
    if (rc == EXIT_OK) cli_warn_horizon(s, scenario_end);
    if (rc != EXIT_OK) { truce_scenario_free(s); goto done; }

    /* The default folder: out/<name>, and for a counterfactual (--set, --without, --to:
     * the scenario's hash changed) out/<name>-<first 8 digits of the new hash>, so that
     * it never overwrites the baseline. */
    char default_out[512];
    int to_stdout = out && strcmp(out, "-") == 0;
    if (!out) {
        const char *name = truce_scenario_name(s);
        if (!safe_component(name)) {
            cli_error("scenario name '%s' cannot name a folder: give --out", name);
            truce_scenario_free(s);
            rc = EXIT_USAGE;
            goto done;
        }
        if (strcmp(truce_scenario_hash(s), truce_scenario_loaded_hash(s)) != 0)
            snprintf(default_out, sizeof default_out, "out/%s-%.8s", name, truce_scenario_hash(s));
        else
            snprintf(default_out, sizeof default_out, "out/%s", name);
        out = default_out;
    }
    /* Record at the reporting period, but no coarser than a month, so that summary.json
     * can give monthly peaks; weeks do not nest in months, so they are built from days. */
    ro.record.by = by == TRUCE_BY_WEEK ? TRUCE_BY_DAY : by > TRUCE_BY_MONTH ? TRUCE_BY_MONTH : by;
    char *command = cli_command_line("run", argc, argv);
    char input[600];
    const char *inputs[2] = {input, NULL};
    if (optind < argc)
        snprintf(input, sizeof input, "%s:%s", cli_base_name(argv[optind]), truce_scenario_loaded_hash(s));
    else
        snprintf(input, sizeof input, "%s (built in):%s", truce_scenario_name(s), truce_scenario_loaded_hash(s));
    truce_provenance prov = {.command = command, .sets = sets, .nsets = nsets, .withouts = withouts,
                             .nwithouts = nwithouts, .to = to, .inputs = inputs, .ninputs = 1};
    /* a bad --out is refused before the run, not after it (and checked again on writing) */
    int made_out = 0;
    if (!to_stdout) rc = cli_make_out_folder(out, &made_out);
    if (rc == EXIT_OK && !to_stdout && truce_result_write_check(out, &err) != 0) rc = cli_report(&err);
    if (rc != EXIT_OK) {
        if (made_out) rmdir("out");
        free(command);
        truce_scenario_free(s);
        goto done;
    }
    truce_result *r = truce_run(s, &ro, &err);
    truce_reported *like = NULL, *observed = NULL;
    char data_input[600];
    if (r && observe) {
        like = data ? truce_reported_load(data, &err) : truce_reported_load_default(&err);
        char hash[17];
        if (like && data && truce_file_hash(data, hash, &err) == 0) {
            snprintf(data_input, sizeof data_input, "%s:%s", cli_base_name(data), hash);
            inputs[prov.ninputs++] = data_input;
        }
        observed = like ? truce_observe(r, s, like, NULL, &err) : NULL;
        prov.observed = observed;
    }
    if (data && !observe) {
        rc = cli_usage("run", "--data is read only with --observe");
    } else if (!r || (observe && !observed)) {
        rc = cli_report(&err);
    } else if (to_stdout) {
        /* --out -: the series alone, as CSV (no summary on stdout to mix with it) */
        int werr = 0;
        if (truce_result_write_csv(r, by, cli_write_stdout, &werr, &err) != 0) {
            if (!werr) {
                rc = cli_report(&err);
            } else {
                cli_error("standard output: write error: %s", strerror(werr));
                rc = EXIT_RUNTIME;
            }
        }
    } else if (truce_result_write(r, s, out, by, &prov, &err) != 0) {
        rc = cli_report(&err);
    } else if (!quiet) {
        print_summary(r, s, out);
    }
    truce_result_free(r);
    truce_reported_free(like);
    truce_reported_free(observed);
    if (rc != EXIT_OK && made_out) rmdir("out"); /* only if we made it and it stayed empty */
    truce_scenario_free(s);
    free(command);
done:
    free(sets);
    free(withouts);
    return rc;
}
