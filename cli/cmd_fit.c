/* truce fit — calibrate a scenario's parameters to reported series by ABC-SMC; write
 * OUT/posterior.csv and OUT/fit.json, with the run store OUT/fit.sqlite (docs/fit.md). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce fit [SCENARIO.yaml] [options]\n\n"
           "Calibrate the scenario's parameters (default: the built-in Pakistan-TTP scenario) to\n"
           "reported series by ABC-SMC (Toni et al. 2009, Beaumont et al. 2009 weights): each\n"
           "simulation is compared with the data through the observation models, by the summaries\n"
           "and the scaled distance of docs/calibration.md. Writes OUT/posterior.csv (header\n"
           "'weight,' then the estimated parameters; one row per particle), OUT/fit.json and the\n"
           "run store OUT/fit.sqlite. Rerunning the same command resumes from the last complete\n"
           "population; the bytes written do not depend on --threads, nor on the number of MPI\n"
           "processes under truce-mpi.\n\n"
           "options:\n"
           "  --data FILE         reported series (period,metric,value,source,geography,...) to fit,\n"
           "                      or `truce events aggregate` output (UCDP GED, ACLED;\n"
           "                      docs/observations.md); repeatable (the files' rows\n"
           "                      together); default: the shipped data/pakistan_series.csv\n"
           "  --estimate LIST     comma-separated parameters to estimate (others keep the scenario's\n"
           "                      values); default: screened (Morris on the distance, top --screen-keep)\n"
           "  --sims N            total simulation budget, screening included (default 20000)\n"
           "  --particles P       particles per population (default 500)\n"
           "  --seed N            random seed (default 1)\n"
           "  --threads T         OpenMP threads (default 0: OMP_NUM_THREADS or every core)\n"
           "  --cutoff YYYY-MM    use only data through that month (or YYYY, YYYY-MM-DD)\n"
           "  --quantile Q        tolerance = this quantile of the last distances (default 0.5)\n"
           "  --kernel K          beaumont (2 x population covariance, default) or olcm\n"
           "  --min-acceptance A  stop after a population accepting less than A (default 0.01)\n"
           "  --min-tolerance E   stop once the tolerance is <= E (default 0: none)\n"
           "  --max-populations M stop after M populations, 0 included (default 30)\n"
           "  --max-time SECONDS  stop between batches after this wall time (not reproducible)\n"
           "  --batch B           proposals per batch (default 64; part of the result)\n"
           "  --screen-keep K     parameters kept by the screening (default 6)\n"
           "  --restart           discard a run store made with other options\n"
           "  --no-early-reject   simulate every proposal whole (a check: the same populations and\n"
           "                      posterior.csv, only slower; docs/fit.md, \"Early rejection\")\n"
           "  --set NAME=VALUE    override a parameter (repeatable; not estimated then)\n"
           "  --to DATE           end the simulation on DATE (data after it are left out)\n"
           "  --out DIR           output folder (default out/<scenario name>-fit)\n"
           "  -q, --quiet         no summary on the terminal\n"
           "  -h, --help          this help\n\n"
           "Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n"
           "See docs/fit.md.\n");
}

typedef struct progress_ctx {
    uint64_t last_sims;
    uint64_t base_sims;   /* simulations already done when this process started (resumed) */
    int started;
} progress_ctx;

static void progress(void *vctx, const truce_fit_progress *p)
{
    progress_ctx *c = vctx;
    if (!c->started) {
        c->started = 1;
        c->base_sims = p->sims > p->proposed ? p->sims - p->proposed : 0;
    }
    if (!p->population_done && p->sims - c->last_sims < 256) return;
    c->last_sims = p->sims;
    char left[48] = "";
    if (p->sims_budget && p->sims > c->base_sims && p->seconds > 1.0) {
        /* at this process's pace so far (resumed work not counted) */
        double rate = (double)(p->sims - c->base_sims) / p->seconds;
        double s = (double)(p->sims_budget - (p->sims < p->sims_budget ? p->sims : p->sims_budget)) / rate;
        snprintf(left, sizeof left, ", at most %.0f s left", s);
    }
    char ess[32] = "";
    if (p->population_done) snprintf(ess, sizeof ess, ", ESS %.0f", p->ess);
    fprintf(stderr, "\r\033[Ktruce fit: population %u, tolerance %.4g, acceptance %.3f (%zu/%zu)%s, %llu/%llu sims%s",
            p->population, p->tolerance, p->acceptance, p->particles, p->target, ess,
            (unsigned long long)p->sims, (unsigned long long)p->sims_budget, left);
    if (p->population_done) fputc('\n', stderr);
    fflush(stderr);
}

static int parse_double(const char *text, double *x)
{
    char *end;
    errno = 0;
    *x = strtod(text, &end);
    return end == text || *end != '\0' || errno != 0 || !isfinite(*x) ? -1 : 0;
}

/* Create DIR (not its parents, except out/ for the default); an existing DIR must be a
 * folder, not a link. */
static int make_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0) return EXIT_OK;
    if (errno != EEXIST) {
        cli_error("%s: cannot create the folder: %s", dir, strerror(errno));
        return errno == ENOENT ? EXIT_USAGE : EXIT_RUNTIME;
    }
    struct stat sb;
    if (lstat(dir, &sb) != 0 || S_ISLNK(sb.st_mode) || !S_ISDIR(sb.st_mode)) {
        cli_error("%s: is not a folder (a link or a file): refused", dir);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cmd_fit(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},        {"estimate", required_argument, NULL, 'e'},
        {"sims", required_argument, NULL, 'n'},        {"particles", required_argument, NULL, 'p'},
        {"seed", required_argument, NULL, 's'},        {"threads", required_argument, NULL, 'T'},
        {"cutoff", required_argument, NULL, 'c'},      {"quantile", required_argument, NULL, 'Q'},
        {"kernel", required_argument, NULL, 'k'},      {"min-acceptance", required_argument, NULL, 'a'},
        {"min-tolerance", required_argument, NULL, 'E'}, {"max-populations", required_argument, NULL, 'M'},
        {"max-time", required_argument, NULL, 'X'},    {"batch", required_argument, NULL, 'B'},
        {"screen-keep", required_argument, NULL, 'K'}, {"restart", no_argument, NULL, 'R'},
        {"set", required_argument, NULL, 'S'},         {"to", required_argument, NULL, 't'},
        {"out", required_argument, NULL, 'o'},         {"quiet", no_argument, NULL, 'q'},
        {"no-early-reject", no_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
    };
    truce_fit_options fo;
    truce_fit_options_init(&fo);
    const char *out = NULL, *to = NULL, *estimate = NULL, *cutoff = NULL;
    int quiet = 0, c, rc = EXIT_OK;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    const char **datas = calloc((size_t)argc, sizeof *datas);
    truce_reported **tables = calloc((size_t)argc, sizeof *tables);
    char **names = NULL;
    char *estimate_copy = NULL, *command = NULL, *store = NULL;
    char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t nsets = 0, ndatas = 0, nnames = 0, ninputs = 0;
    truce_scenario *s = NULL;
    truce_reported *data = NULL;
    truce_fit *f = NULL;
    truce_error err;
    if (!sets || !datas || !tables || !inputs) {
        fprintf(stderr, "truce: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        uint64_t v;
        double x;
        switch (c) {
        case 'd': datas[ndatas++] = optarg; break;
        case 'e': estimate = optarg; break;
        case 'n':
            if (cli_parse_u64(optarg, &fo.sims) || fo.sims == 0) { rc = cli_usage("fit", "--sims: '%s' is not a whole number >= 1", optarg); goto done; }
            break;
        case 'p':
            if (cli_parse_u64(optarg, &v) || v < 2 || v > 1000000) { rc = cli_usage("fit", "--particles: '%s' is not a whole number in 2..1000000", optarg); goto done; }
            fo.particles = (size_t)v;
            break;
        case 's':
            if (cli_parse_u64(optarg, &fo.seed)) { rc = cli_usage("fit", "--seed: '%s' is not a whole number >= 0", optarg); goto done; }
            break;
        case 'T':
            if (cli_parse_u64(optarg, &v) || v > 4096) { rc = cli_usage("fit", "--threads: '%s' is not a whole number in 0..4096", optarg); goto done; }
            fo.threads = (int)v;
            break;
        case 'c': cutoff = optarg; break;
        case 'Q':
            if (parse_double(optarg, &x) || !(x > 0.0 && x < 1.0)) { rc = cli_usage("fit", "--quantile: '%s' is not a number in (0, 1)", optarg); goto done; }
            fo.quantile = x;
            break;
        case 'k':
            if (strcmp(optarg, "beaumont") == 0) fo.kernel = TRUCE_FIT_KERNEL_GLOBAL;
            else if (strcmp(optarg, "olcm") == 0) fo.kernel = TRUCE_FIT_KERNEL_OLCM;
            else { rc = cli_usage("fit", "--kernel: '%s' is not one of beaumont, olcm", optarg); goto done; }
            break;
        case 'a':
            if (parse_double(optarg, &x) || !(x >= 0.0 && x < 1.0)) { rc = cli_usage("fit", "--min-acceptance: '%s' is not a number in [0, 1)", optarg); goto done; }
            fo.min_acceptance = x;
            break;
        case 'E':
            if (parse_double(optarg, &x) || !(x >= 0.0)) { rc = cli_usage("fit", "--min-tolerance: '%s' is not a number >= 0", optarg); goto done; }
            fo.min_tolerance = x;
            break;
        case 'M':
            if (cli_parse_u64(optarg, &v) || v > 100000) { rc = cli_usage("fit", "--max-populations: '%s' is not a whole number in 0..100000", optarg); goto done; }
            fo.max_populations = (unsigned)v;
            break;
        case 'X':
            if (parse_double(optarg, &x) || !(x > 0.0)) { rc = cli_usage("fit", "--max-time: '%s' is not a number of seconds > 0", optarg); goto done; }
            fo.max_seconds = x;
            break;
        case 'B':
            if (cli_parse_u64(optarg, &v) || v == 0 || v > 1000000) { rc = cli_usage("fit", "--batch: '%s' is not a whole number in 1..1000000", optarg); goto done; }
            fo.batch = (size_t)v;
            break;
        case 'K':
            if (cli_parse_u64(optarg, &v) || v == 0 || v > 64) { rc = cli_usage("fit", "--screen-keep: '%s' is not a whole number in 1..64", optarg); goto done; }
            fo.screen_keep = (size_t)v;
            break;
        case 'R': fo.restart = 1; break;
        case 'J': fo.no_early_reject = 1; break;
        case 'S': sets[nsets++] = optarg; break;
        case 't': to = optarg; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': help(); goto done;
        case ':': rc = cli_usage("fit", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option("fit", argv[optind - 1], opts); goto done;
        }
    }
    if (argc - optind > 1) { rc = cli_usage("fit", "expected at most one scenario file, got '%s' and '%s'", argv[optind], argv[optind + 1]); goto done; }
    if (cutoff) {
        int32_t first, last;
        truce_precision prec;
        if (truce_date_parse(cutoff, &first, &last, &prec) != 0) { rc = cli_usage("fit", "--cutoff: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", cutoff); goto done; }
        fo.cutoff = last;
    }
    if (estimate) {
        size_t len = strlen(estimate);
        estimate_copy = malloc(len + 1);
        names = calloc(len + 1, sizeof *names);
        if (!estimate_copy || !names) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
        memcpy(estimate_copy, estimate, len + 1);
        for (char *p = estimate_copy;;) {
            char *comma = strchr(p, ',');
            if (comma) *comma = '\0';
            if (*p == '\0') { rc = cli_usage("fit", "--estimate: an empty name in '%s'", estimate); goto done; }
            names[nnames++] = p;
            if (!comma) break;
            p = comma + 1;
        }
        fo.estimate = (const char *const *)names;
        fo.nestimate = nnames;
    }

    s = optind < argc ? truce_scenario_load(argv[optind], &err) : truce_scenario_load_default(&err);
    if (!s) { rc = cli_report(&err); goto done; }
    for (size_t i = 0; i < nsets && rc == EXIT_OK; i++)
        if (truce_scenario_set(s, sets[i], &err)) rc = cli_report(&err);
    if (rc == EXIT_OK && to && truce_scenario_set_end(s, to, &err)) rc = cli_report(&err);
    if (rc != EXIT_OK) goto done;
    /* a parameter both --set and --estimate would be estimated, not set: refuse */
    for (size_t i = 0; i < nsets; i++)
        for (size_t k = 0; k < nnames; k++) {
            size_t n = strcspn(sets[i], "=");
            if (strlen(names[k]) == n && strncmp(sets[i], names[k], n) == 0) {
                rc = cli_usage("fit", "'%s' is both --set and --estimate", names[k]);
                goto done;
            }
        }

    char input[600];
    if (optind < argc)
        snprintf(input, sizeof input, "%s:%s", cli_base_name(argv[optind]), truce_scenario_loaded_hash(s));
    else
        snprintf(input, sizeof input, "%s (built in):%s", truce_scenario_name(s), truce_scenario_loaded_hash(s));
    if (!(inputs[ninputs++] = strdup(input))) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
    for (size_t i = 0; i < ndatas; i++) {
        tables[i] = truce_reported_load(datas[i], &err);
        if (!tables[i]) {
            rc = cli_report(&err);
            goto done;
        }
        char hash[17];
        if (truce_file_hash(datas[i], hash, &err) != 0) { rc = cli_report(&err); goto done; }
        snprintf(input, sizeof input, "%s:%s", cli_base_name(datas[i]), hash);
        if (!(inputs[ninputs++] = strdup(input))) { fprintf(stderr, "truce: out of memory\n"); rc = EXIT_RUNTIME; goto done; }
    }
    if (ndatas == 0) {
        if (!(inputs[ninputs++] = strdup("pakistan_series.csv (built in):shipped"))) { rc = EXIT_RUNTIME; goto done; }
    } else {
        data = truce_reported_concat((const truce_reported *const *)tables, ndatas, &err);
        if (!data) { rc = cli_report(&err); goto done; }
        fo.data = data;
    }

    char default_out[512];
    if (!out) {
        snprintf(default_out, sizeof default_out, "out/%s-fit", truce_scenario_name(s));
        out = default_out;
    }
    const int writer = !cli_parallel || cli_parallel->writer;
    if (writer) {
        int made = 0;
        rc = cli_make_out_folder(out, &made);
        if (rc == EXIT_OK) rc = make_dir(out);
    }
    /* the other processes learn whether the writer could make the folder */
    if (cli_parallel && cli_parallel->agree && cli_parallel->agree(rc) != EXIT_OK) {
        if (rc == EXIT_OK) rc = EXIT_RUNTIME;
        goto done;
    }
    if (rc != EXIT_OK) goto done;
    size_t nstore = strlen(out) + 16;
    store = malloc(nstore);
    if (!store) { rc = EXIT_RUNTIME; goto done; }
    snprintf(store, nstore, "%s/fit.sqlite", out);
    fo.store = store;   /* written by the writer only; the other processes read it to resume */
    if (cli_parallel && cli_parallel->fit_setup) cli_parallel->fit_setup(&fo);
    progress_ctx pc = {0};
    if (writer && !quiet && cli_show_progress()) {
        fo.progress = progress;
        fo.progress_ctx = &pc;
    }
    f = truce_fit_run(s, &fo, &err);
    if (fo.progress) fputs("\r\033[K", stderr);
    if (!f) { rc = cli_report(&err); goto done; }
    if (!writer) goto done;
    command = cli_command_line("fit", argc, argv);
    truce_provenance prov = {.command = command, .sets = sets, .nsets = nsets, .to = to,
                             .inputs = (const char *const *)inputs, .ninputs = ninputs};
    if (truce_fit_write(f, out, &prov, &err) != 0) { rc = cli_report(&err); goto done; }
    {
        /* Kish's effective sample size of the final weights: a posterior that rests on a few
         * particles is worth a warning, however many were kept, --quiet or not (docs/fit.md,
         * "Speed": a fit of 100,000 with the shipped options ended at 1.6 of 400) */
        const size_t N = truce_fit_particle_count(f);
        double sw2 = 0.0;
        for (size_t i = 0; i < N; i++) sw2 += truce_fit_weight(f, i) * truce_fit_weight(f, i);
        const double ess = sw2 > 0.0 ? 1.0 / sw2 : 0.0;
        if (ess < 0.1 * (double)N)
            fprintf(stderr,
                    "truce fit: warning: the last population's effective sample size is %.1f of %zu particles: "
                    "the posterior rests on few of them (fit.json's populations give each one's)\n",
                    ess, N);
    }
    if (!quiet) {
        const size_t N = truce_fit_particle_count(f), K = truce_fit_param_count(f);
        printf("truce fit: %s, %zu populations of %zu particles, %llu simulations (seed %llu)%s\n",
               truce_scenario_name(s), truce_fit_population_count(f), N, (unsigned long long)truce_fit_sims(f),
               (unsigned long long)fo.seed, truce_fit_resumed_from(f) ? ", resumed" : "");
        printf("  %-32s %12s %12s %12s\n", "parameter", "mean", "q05", "q95");
        double *x = malloc(N * sizeof *x), *w = malloc(N * sizeof *w);
        for (size_t k = 0; x && w && k < K; k++) {
            double m = 0.0;
            for (size_t i = 0; i < N; i++) m += truce_fit_weight(f, i) * truce_fit_value(f, i, k);
            for (size_t i = 0; i < N; i++) { x[i] = truce_fit_value(f, i, k); w[i] = truce_fit_weight(f, i); }
            double q05 = truce_quantile7(x, w, N, 0.05);
            for (size_t i = 0; i < N; i++) { x[i] = truce_fit_value(f, i, k); w[i] = truce_fit_weight(f, i); }
            double q95 = truce_quantile7(x, w, N, 0.95);
            printf("  %-32s %12.4g %12.4g %12.4g\n", truce_fit_param_name(f, k), m, q05, q95);
        }
        free(x);
        free(w);
        printf("  written: %s/posterior.csv, %s/fit.json (run store %s/fit.sqlite)\n", out, out, out);
    }
done:
    truce_fit_free(f);
    truce_reported_free(data);
    for (size_t i = 0; tables && i < ndatas; i++) truce_reported_free(tables[i]);
    for (size_t i = 0; inputs && i < ninputs; i++) free(inputs[i]);
    free(inputs);
    free(tables);
    truce_scenario_free(s);
    free(command);
    free(store);
    free(names);
    free(estimate_copy);
    free(sets);
    free(datas);
    return rc;
}
