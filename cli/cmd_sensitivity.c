/* truce sensitivity — Morris screening and Sobol indices of one scalar output of the model
 * (or of an analytic test function) over the parameters' priors. docs/sensitivity.md. */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce sensitivity [SCENARIO.yaml] --method morris|sobol --output OUTPUT [options]\n"
           "       truce sensitivity --function ishigami|g --method morris|sobol [options]\n\n"
           "Global sensitivity of one scalar output to the model's parameters, each varied over\n"
           "its prior (uniform on the quantile scale): Morris elementary effects (mu*, mu, sigma;\n"
           "a ranking and the screened-out set) or Sobol first- and total-order indices, with\n"
           "bootstrap 95%% intervals. Writes OUT/indices.csv and OUT/summary.json and prints a\n"
           "ranked table. The same seed gives the same bytes for any --threads.\n\n"
           "options:\n"
           "  --method M          morris (default) or sobol\n"
           "  --output OUTPUT     VARIABLE:FROM:TO, a flow's total over a window (e.g.\n"
           "                      attacks:2023-01:2025-12), or VARIABLE@DATE, a stock's value\n"
           "                      (e.g. fighters@2025-12)\n"
           "  --n N               Morris: trajectories r (default 20), N (D + 1) evaluations;\n"
           "                      Sobol: base sample N (default 256), N (D + 2) evaluations\n"
           "  --params P1,P2,...  parameters to vary (default: every one that is not fixed)\n"
           "  --over prior        vary over the priors (posterior: not available yet)\n"
           "  --second-order      Sobol: also S2 of every pair (N (2 D + 2) evaluations)\n"
           "  --alt-set NAME=V    the output becomes alt - base, alt with this override\n"
           "                      (repeatable; paired: same seed and run index)\n"
           "  --alt-without ID    ... alt without this episode (repeatable)\n"
           "  --portfolio FILE    (not available yet)\n"
           "  --log               analyse log(1 + output) (paired: log(1 + alt) - log(1 + base),\n"
           "                      a relative effect): heavy tails weigh less\n"
           "  --set NAME=VALUE    override a parameter in base and alt (repeatable)\n"
           "  --without ID        remove an episode from base and alt (repeatable)\n"
           "  --function F        an analytic test function instead of the model: ishigami\n"
           "                      (a = 7, b = 0.1, inputs x1..x3) or g (Sobol's G, x1..x8)\n"
           "  --seed S            design, scramble, bootstrap and model noise (default 1)\n"
           "  --run R             the run index every design point uses (default 0)\n"
           "  --replicates R      noise check: runs at the default parameters with run indices\n"
           "                      R+1.. (default 20; 0: none)\n"
           "  --bootstrap B       bootstrap resamples (default 1000)\n"
           "  --levels P          Morris grid levels (even, default 4)\n"
           "  --screen SHARE      Morris: screened out when mu* < SHARE x max mu* (default 0.1)\n"
           "  --threads T         OpenMP threads (default: all); results do not depend on it\n"
           "  --out DIR           output folder (default out/sensitivity); replaced if it exists\n"
           "  -q, --quiet         no table on the terminal\n"
           "  -h, --help          this help\n\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n"
           "See docs/sensitivity.md.\n");
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    fprintf(stderr, "\rtruce sensitivity: %llu / %llu evaluations", (unsigned long long)done,
            (unsigned long long)total);
    if (done == total) fputc('\n', stderr);
}

static void show_ci(double est, double lo, double hi)
{
    printf("  %10.4g [%10.4g, %10.4g]", est, lo, hi);
}

static void print_table(const truce_sens *s, const truce_sens_options *o)
{
    const size_t D = truce_sens_dim(s);
    size_t w = 9;
    for (size_t i = 0; i < D; i++)
        if (strlen(truce_sens_name(s, i)) > w) w = strlen(truce_sens_name(s, i));
    if (o->method == TRUCE_SENS_MORRIS) {
        printf("%4s  %-*s  %10s  %-24s  %10s  %10s  %s\n", "rank", (int)w, "parameter", "mu*", " 95% interval", "mu", "sigma", "");
        for (size_t k = 0; k < D; k++) {
            size_t i = truce_sens_ranked(s, k);
            double lo, hi, ms = truce_sens_index(s, i, "mu_star", &lo, &hi);
            printf("%4zu  %-*s", k + 1, (int)w, truce_sens_name(s, i));
            show_ci(ms, lo, hi);
            printf("  %10.4g  %10.4g  %s\n", truce_sens_index(s, i, "mu", NULL, NULL),
                   truce_sens_index(s, i, "sigma", NULL, NULL), truce_sens_screened(s, i) ? "screened out" : "kept");
        }
        printf("screened out: mu* below %g of the largest mu*\n", o->screen_share);
        return;
    }
    printf("%4s  %-*s  %10s  %-24s  %10s  %-24s\n", "rank", (int)w, "parameter", "S1", " 95% interval", "ST", " 95% interval");
    for (size_t k = 0; k < D; k++) {
        size_t i = truce_sens_ranked(s, k);
        double l1, h1, lt, ht;
        double s1 = truce_sens_index(s, i, "S1", &l1, &h1), st = truce_sens_index(s, i, "ST", &lt, &ht);
        printf("%4zu  %-*s", k + 1, (int)w, truce_sens_name(s, i));
        show_ci(s1, l1, h1);
        show_ci(st, lt, ht);
        putchar('\n');
    }
    if (o->second_order) printf("second-order indices (S2): see indices.csv\n");
}

/* argv without --threads (the record must not depend on the thread count). */
static char *command_without_threads(int argc, char **argv)
{
    char **av = calloc((size_t)argc + 1, sizeof *av);
    if (!av) return NULL;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--threads=", 10) == 0) continue;
        av[n++] = argv[i];
    }
    char *c = cli_command_line("sensitivity", n, av);
    free(av);
    return c;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int cmd_sensitivity(int argc, char **argv)
{
    static const struct option opts[] = {
        {"method", required_argument, NULL, 'M'},     {"output", required_argument, NULL, 'O'},
        {"n", required_argument, NULL, 'n'},          {"params", required_argument, NULL, 'P'},
        {"over", required_argument, NULL, 'V'},       {"second-order", no_argument, NULL, '2'},
        {"alt-set", required_argument, NULL, 'A'},    {"alt-without", required_argument, NULL, 'W'},
        {"portfolio", required_argument, NULL, 'F'},  {"set", required_argument, NULL, 'S'},
        {"without", required_argument, NULL, 'w'},    {"function", required_argument, NULL, 'f'},
        {"seed", required_argument, NULL, 's'},       {"run", required_argument, NULL, 'r'},
        {"replicates", required_argument, NULL, 'R'}, {"bootstrap", required_argument, NULL, 'B'},
        {"levels", required_argument, NULL, 'L'},     {"screen", required_argument, NULL, 'c'},
        {"threads", required_argument, NULL, 'T'},    {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},            {"help", no_argument, NULL, 'h'},
        {"log", no_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    truce_sens_options so;
    truce_sens_options_init(&so);
    const char *output = NULL, *function = NULL, *params = NULL, *out = "out/sensitivity";
    const char **sets = calloc((size_t)argc, sizeof *sets), **withouts = calloc((size_t)argc, sizeof *withouts);
    const char **alt_sets = calloc((size_t)argc, sizeof *alt_sets), **alt_withouts = calloc((size_t)argc, sizeof *alt_withouts);
    size_t nsets = 0, nwithouts = 0, nalt_sets = 0, nalt_withouts = 0;
    int quiet = 0, have_n = 0, log_scale = 0, c, rc = EXIT_OK;
    unsigned replicates = 20;
    uint32_t run = 0;
    truce_scenario *base = NULL, *alt = NULL;
    size_t *pidx = NULL;
    const char **pnames = NULL;
    unsigned char *alt_own = NULL;
    truce_sens *res = NULL;
    char *command = NULL;
    if (!sets || !withouts || !alt_sets || !alt_withouts) {
        fprintf(stderr, "truce: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        uint64_t v;
        char *end;
        switch (c) {
        case 'M':
            if (strcmp(optarg, "morris") == 0) so.method = TRUCE_SENS_MORRIS;
            else if (strcmp(optarg, "sobol") == 0) so.method = TRUCE_SENS_SOBOL;
            else { rc = cli_usage("sensitivity", "--method: '%s' is not morris or sobol", optarg); goto done; }
            break;
        case 'O': output = optarg; break;
        case 'n':
            if (cli_parse_u64(optarg, &v) || v == 0 || v > ((uint64_t)1 << 31)) { rc = cli_usage("sensitivity", "--n: '%s' is not a whole number in 1..2147483648", optarg); goto done; }
            so.n = (size_t)v;
            have_n = 1;
            break;
        case 'P': params = optarg; break;
        case 'V':
            if (strcmp(optarg, "posterior") == 0) {
                fprintf(stderr, "truce sensitivity: --over posterior: no posterior is shipped yet (the calibration issue adds one); use --over prior\n");
                rc = EXIT_USAGE;
                goto done;
            }
            if (strcmp(optarg, "prior") != 0) { rc = cli_usage("sensitivity", "--over: '%s' is not prior or posterior", optarg); goto done; }
            break;
        case '2': so.second_order = 1; break;
        case 'A': alt_sets[nalt_sets++] = optarg; break;
        case 'W': alt_withouts[nalt_withouts++] = optarg; break;
        case 'F':
            fprintf(stderr, "truce sensitivity: --portfolio: policy portfolios are not available yet; use --alt-set or --alt-without\n");
            rc = EXIT_USAGE;
            goto done;
        case 'S': sets[nsets++] = optarg; break;
        case 'w': withouts[nwithouts++] = optarg; break;
        case 'f': function = optarg; break;
        case 's':
            if (cli_parse_u64(optarg, &so.seed)) { rc = cli_usage("sensitivity", "--seed: '%s' is not a whole number >= 0", optarg); goto done; }
            break;
        case 'r':
            if (cli_parse_u64(optarg, &v) || v > UINT32_MAX - 100000u) { rc = cli_usage("sensitivity", "--run: '%s' is not a whole number in 0..4294867295", optarg); goto done; }
            run = (uint32_t)v;
            break;
        case 'R':
            if (cli_parse_u64(optarg, &v) || v == 1 || v > 100000) { rc = cli_usage("sensitivity", "--replicates: '%s' is not 0 or a whole number in 2..100000", optarg); goto done; }
            replicates = (unsigned)v;
            break;
        case 'B':
            if (cli_parse_u64(optarg, &v) || v > 100000) { rc = cli_usage("sensitivity", "--bootstrap: '%s' is not a whole number in 0..100000", optarg); goto done; }
            so.bootstrap = (unsigned)v;
            break;
        case 'L':
            if (cli_parse_u64(optarg, &v) || v < 2 || v % 2 || v > 1000) { rc = cli_usage("sensitivity", "--levels: '%s' is not an even number in 2..1000", optarg); goto done; }
            so.levels = (unsigned)v;
            break;
        case 'c':
            so.screen_share = strtod(optarg, &end);
            if (end == optarg || *end || !(so.screen_share >= 0.0 && so.screen_share <= 1.0)) { rc = cli_usage("sensitivity", "--screen: '%s' is not a share in 0..1", optarg); goto done; }
            break;
        case 'T':
            if (cli_parse_u64(optarg, &v) || v == 0 || v > 1024) { rc = cli_usage("sensitivity", "--threads: '%s' is not a whole number in 1..1024", optarg); goto done; }
            so.threads = (int)v;
            break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'l': log_scale = 1; break;
        case 'h': help(); goto done;
        case ':': rc = cli_usage("sensitivity", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option("sensitivity", argv[optind - 1], opts); goto done;
        }
    }
    if (!have_n) so.n = so.method == TRUCE_SENS_MORRIS ? 20 : 256;
    if (argc - optind > 1) { rc = cli_usage("sensitivity", "expected at most one scenario file, got '%s' and '%s'", argv[optind], argv[optind + 1]); goto done; }

    truce_error err;
    truce_error_clear(&err);
    truce_sens_meta meta;
    memset(&meta, 0, sizeof meta);
    command = command_without_threads(argc, argv);
    meta.command = command;
    meta.over = "prior";
    char alt_text[1024] = "";
    size_t dim;
    /* the default out/ may be created; any other missing parent is refused before the runs */
    int made_out = 0;
    rc = cli_make_out_folder(out, &made_out);
    if (rc == EXIT_OK) rc = cli_check_out_parent("sensitivity", out);
    if (rc != EXIT_OK) goto done;
    double t0 = seconds_now();
    if (function) {
        if (output || params || log_scale || nalt_sets || nalt_withouts || nsets || nwithouts || optind < argc) {
            rc = cli_usage("sensitivity", "--function: the test functions take no scenario, --output, --params, --log, --set, --without or --alt-*");
            goto done;
        }
        truce_sens_test t;
        if (truce_sens_test_find(function, &t, &dim) != 0) { rc = cli_usage("sensitivity", "--function: '%s' is not ishigami or g", function); goto done; }
        char names[8][24];
        const char *np[8];
        for (size_t i = 0; i < dim; i++) {
            snprintf(names[i], sizeof names[i], "x%zu", i + 1);
            np[i] = names[i];
        }
        meta.function = function;
        meta.over = NULL;
        if (cli_show_progress()) so.progress = progress;
        res = truce_sens_run(dim, np, truce_sens_test_fn, &t, &so, &err);
        if (!res) { rc = cli_report(&err); goto done; }
    } else {
        if (!output) { rc = cli_usage("sensitivity", "--output is required (e.g. --output attacks:2023-01:2025-12), or --function"); goto done; }
        truce_sens_output spec;
        if (truce_sens_output_parse(output, &spec, &err) != 0) { rc = cli_report(&err); goto done; }
        base = optind < argc ? truce_scenario_load(argv[optind], &err) : truce_scenario_load_default(&err);
        if (!base) { rc = cli_report(&err); goto done; }
        for (size_t i = 0; i < nsets; i++)
            if (truce_scenario_set(base, sets[i], &err)) { rc = cli_report(&err); goto done; }
        for (size_t i = 0; i < nwithouts; i++)
            if (truce_scenario_remove_episode(base, withouts[i], &err)) { rc = cli_report(&err); goto done; }
        if (spec.from < truce_scenario_start(base) || spec.to > truce_scenario_end(base)) {
            char d0[11], d1[11];
            truce_date_format(truce_scenario_start(base), d0);
            truce_date_format(truce_scenario_end(base), d1);
            rc = cli_usage("sensitivity", "--output: '%s' is outside the simulated horizon %s to %s", output, d0, d1);
            goto done;
        }
        const size_t P = truce_param_count();
        pidx = calloc(P, sizeof *pidx);
        pnames = calloc(P, sizeof *pnames);
        alt_own = calloc(P, 1);
        if (!pidx || !pnames || !alt_own) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
        dim = 0;
        if (params) {
            const char *p = params;
            while (*p) {
                const char *comma = strchr(p, ',');
                size_t len = comma ? (size_t)(comma - p) : strlen(p);
                char name[128];
                if (len == 0 || len >= sizeof name) { rc = cli_usage("sensitivity", "--params: '%s' has an empty or overlong name", params); goto done; }
                memcpy(name, p, len);
                name[len] = '\0';
                long i = truce_param_find(name);
                if (i < 0) { rc = cli_usage("sensitivity", "--params: no parameter is called '%s' (see 'truce params')", name); goto done; }
                if (truce_param_at((size_t)i)->prior == TRUCE_PRIOR_FIXED) { rc = cli_usage("sensitivity", "--params: '%s' is fixed (no prior to vary)", name); goto done; }
                for (size_t k = 0; k < dim; k++)
                    if (pidx[k] == (size_t)i) { rc = cli_usage("sensitivity", "--params: '%s' is named twice", name); goto done; }
                if (dim >= P) { rc = cli_usage("sensitivity", "--params: too many names"); goto done; }
                pidx[dim] = (size_t)i;
                pnames[dim++] = truce_param_at((size_t)i)->name;
                p += len + (comma ? 1 : 0);
                if (comma && !*p) { rc = cli_usage("sensitivity", "--params: '%s' ends with a comma", params); goto done; }
            }
        } else {
            for (size_t i = 0; i < P; i++)
                if (truce_param_at(i)->prior != TRUCE_PRIOR_FIXED) {
                    pidx[dim] = i;
                    pnames[dim++] = truce_param_at(i)->name;
                }
        }
        if (nalt_sets || nalt_withouts) {
            alt = truce_scenario_copy(base, &err);
            if (!alt) { rc = cli_report(&err); goto done; }
            size_t used = 0;
            for (size_t i = 0; i < nalt_sets; i++) {
                if (truce_scenario_set(alt, alt_sets[i], &err)) { err.code = TRUCE_EINPUT; rc = cli_report(&err); goto done; }
                char name[128];
                const char *eq = strchr(alt_sets[i], '=');
                snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - alt_sets[i]) : 0, alt_sets[i]);
                long k = truce_param_find(name);
                if (k >= 0) alt_own[k] = 1;
                used += (size_t)snprintf(alt_text + used, sizeof alt_text - used, "%sset %s", used ? ", " : "", alt_sets[i]);
                if (used >= sizeof alt_text) used = sizeof alt_text - 1;
            }
            for (size_t i = 0; i < nalt_withouts; i++) {
                if (truce_scenario_remove_episode(alt, alt_withouts[i], &err)) { rc = cli_report(&err); goto done; }
                used += (size_t)snprintf(alt_text + used, sizeof alt_text - used, "%swithout %s", used ? ", " : "", alt_withouts[i]);
                if (used >= sizeof alt_text) used = sizeof alt_text - 1;
            }
            meta.alt = alt_text;
        }
        truce_sens_model model = {.base = base, .alt = alt, .alt_own = alt_own, .output = spec,
                                  .params = pidx, .nparams = dim, .seed = so.seed, .run = run,
                                  .log_scale = log_scale};
        meta.scale = log_scale ? "log1p" : NULL;
        meta.output = output;
        meta.scenario = truce_scenario_name(base);
        meta.scenario_hash = truce_scenario_hash(base);
        if (cli_show_progress()) so.progress = progress;
        res = truce_sens_run(dim, pnames, truce_sens_model_fn, &model, &so, &err);
        if (!res) { rc = cli_report(&err); goto done; }
        if (replicates >= 2 && truce_sens_noise(&model, replicates, so.threads, &meta.noise_mean, &meta.noise_variance, &err) != 0) {
            rc = cli_report(&err);
            goto done;
        }
        meta.replicates = replicates;
        meta.model_runs = (truce_sens_evaluation_count(res) + (replicates >= 2 ? replicates : 0)) * (alt ? 2 : 1);
    }
    double wall = seconds_now() - t0;
    if (truce_sens_write(res, &so, &meta, out, &err) != 0) { rc = cli_report(&err); goto done; }
    if (!quiet) {
        printf("truce sensitivity: %s, %s, N = %zu, %zu evaluations", so.method == TRUCE_SENS_MORRIS ? "Morris" : "Sobol",
               function ? function : output, so.n, truce_sens_evaluation_count(res));
        if (meta.model_runs) printf(" (%zu model runs%s)", meta.model_runs, alt ? ", paired alt - base" : "");
        printf("\n");
        if (meta.alt) printf("  output: %s, alt: %s\n", log_scale ? "log(1 + alt) - log(1 + base)" : "alt - base", meta.alt);
        else if (log_scale) printf("  output: log(1 + %s)\n", output);
        print_table(res, &so);
        if (meta.replicates >= 2) {
            double var = truce_sens_output_variance(res);
            printf("noise: variance over %u run indices at the default parameters %.4g; over the design %.4g; share %.3g\n",
                   meta.replicates, meta.noise_variance, var, var > 0.0 ? meta.noise_variance / var : 0.0);
        }
        printf("written: %s/indices.csv, %s/summary.json\n", out, out);
    }
    fprintf(stderr, "truce sensitivity: wall time %.1f s\n", wall);
done:
    truce_sens_free(res);
    truce_scenario_free(alt);
    truce_scenario_free(base);
    free(pidx);
    free(pnames);
    free(alt_own);
    free(command);
    free(sets);
    free(withouts);
    free(alt_sets);
    free(alt_withouts);
    return rc;
}
