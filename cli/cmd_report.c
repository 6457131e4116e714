/* truce report — render DIR/report.html again from an assessment folder. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void help(void)
{
    printf("usage: truce report [DIR]\n\n"
           "Render DIR/report.html (default DIR: out/assessment) from the assessment folder that\n"
           "'truce assess' wrote: one self-contained HTML page (uPlot and the page's script\n"
           "inlined; nothing is loaded from the network when it opens) with the question and\n"
           "the answer first, the evidence, the past accords replayed, the fit, the\n"
           "projections, the drivers, the model's limits and the provenance. 'truce assess'\n"
           "renders it at its end; this command renders it again, e.g. after an upgrade of\n"
           "truce. The page is written beside the folder's files through a temporary renamed\n"
           "over report.html when complete. See docs/report.md.\n\n"
           "  --print      also print the headline table (the national outcomes: each\n"
           "               portfolio's median difference from the status quo, its 90 %%\n"
           "               interval and the share of futures in which it is lower)\n"
           "  --no-render  with --print: print the table only, write nothing\n"
           "  -h, --help   this help\n\n"
           "Exit status: 0 success, 1 runtime failure, 2 bad usage or a missing or broken\n"
           "folder (the message names the file, the line and the field).\n");
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"print", no_argument, NULL, 'p'},
        {"no-render", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, print = 0, render = 1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': print = 1; break;
        case 'n': render = 0; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_unknown_option("report", argv[optind - 1], opts);
        }
    }
    if (argc - optind > 1) return cli_usage("report", "unexpected argument '%s'", argv[optind + 1]);
    const char *dir = optind < argc ? argv[optind] : "out/assessment";
    truce_error err;
    truce_error_clear(&err);
    if (!render && !print) return cli_usage("report", "--no-render without --print does nothing");
    if (render && truce_report_render(dir, &err) != 0) return cli_report(&err);
    if (print) {
        if (truce_report_headline(dir, cli_write_stdout, NULL, &err) != 0) return cli_report(&err);
        putchar('\n');
    }
    if (render) printf("%s/report.html\n", dir);
    if (fflush(stdout) != 0) {
        cli_error("cannot write to standard output");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}
