/* truce serve — the local explorer: a page and a JSON API over libmicrohttpd (docs/serve.md).
 *
 * The main thread parses the options, binds the listening socket itself (so that a port in
 * use is a clear message and exit 1), starts the daemon (a thread per connection) and the
 * bank thread, then waits for SIGINT or SIGTERM with sigwait: no signal handler, no global
 * state. Only the files compiled into the library are ever served (a fixed table of URLs);
 * nothing is read from the file system after start. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"

static void help(void)
{
    printf("usage: truce serve [SCENARIO] [options]\n\n"
           "A local explorer in the browser: open the address it prints. Choose a policy\n"
           "portfolio or start from the status quo, move lever intensities and dates and a\n"
           "few key parameters, and see the futures' bands against the reported series and\n"
           "the paired difference to the status quo; download the setup as a portfolio file\n"
           "for 'truce assess --portfolio'. The page uses only the JSON API (docs/serve.md).\n\n"
           "At start a background thread simulates one history per run from the scenario's\n"
           "start to the day before --from and keeps a snapshot of each (the bank); every\n"
           "request branches from those snapshots. Until the bank is ready, simulation\n"
           "requests get 503 with Retry-After; GET /api/params answers at once.\n\n"
           "options:\n"
           "  --port P            TCP port (default 8350; 0: any free port, printed)\n"
           "  --bind ADDR         address to listen on (default 127.0.0.1; any other address\n"
           "                      exposes the server to the network: a warning is printed)\n"
           "  --runs N            histories in the bank (default 200)\n"
           "  --posterior FILE    a posterior.csv: run i uses one particle drawn by weight\n"
           "                      (default: the scenario's calibration posterior, its\n"
           "                      'calibration: posterior:' file; 'none': every run uses the\n"
           "                      scenario's own parameters)\n"
           "  --seed N            random seed (default 1)\n"
           "  --from DATE         first day of the futures (default: the day after the\n"
           "                      scenario's end)\n"
           "  --to DATE           last day of the futures (default 2030-12-31)\n"
           "  --threads T         OpenMP threads of a simulation (default 0: every core)\n"
           "  --workers W         simulations at once (default 2); more get 503\n"
           "  --max-runs N        runs per request (default: the bank's)\n"
           "  --max-body BYTES    request body size (default 65536)\n"
           "  --max-seconds S     wall time of a simulation request (default 20)\n"
           "  -h, --help          this help\n\n"
           "Logs: one line per request on stderr. SIGINT or SIGTERM stops the server.\n"
           "Exit codes: 0 stopped by a signal, 1 runtime failure (e.g. the port is in use),\n"
           "2 bad usage or bad input. See docs/serve.md.\n");
}

typedef struct request {
    double t0;
    char *body;
    size_t len, cap;
    int too_large;
} request;

typedef struct server {
    serve_state S;
    int loopback;             /* check Host against loopback names (DNS rebinding) */
} server;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The server's own assets: URL -> embedded name and type. Nothing else is served. */
static const struct {
    const char *url, *asset, *type;
} ASSETS[] = {
    {"/", "../web/explorer.html", "text/html; charset=utf-8"},
    {"/index.html", "../web/explorer.html", "text/html; charset=utf-8"},
    {"/explorer.js", "../web/explorer.js", "text/javascript; charset=utf-8"},
    {"/explorer.css", "../web/explorer.css", "text/css; charset=utf-8"},
    {"/uPlot.iife.min.js", "../web/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
    {"/uPlot.min.css", "../web/uPlot.min.css", "text/css; charset=utf-8"},
};

static void log_request(struct MHD_Connection *c, const char *method, const char *url, unsigned status,
                        double t0, size_t bytes)
{
    char addr[64] = "?";
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
        else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
    }
    char safe[128];
    size_t n = 0;
    for (const char *p = url; *p && n + 1 < sizeof safe; p++)
        safe[n++] = (*p > 0x20 && *p < 0x7F) ? *p : '?';
    safe[n] = '\0';
    fprintf(stderr, "truce serve: %s %s %s %u %zu bytes %.1f ms\n", addr, method, safe, status, bytes,
            (now_s() - t0) * 1e3);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, const char *method, const char *url, double t0,
                                  unsigned status, const char *type, const void *data, size_t len, int copy,
                                  unsigned retry_after, const char *allow)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)(uintptr_t)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                            "frame-ancestors 'none'");
    if (retry_after) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    log_request(c, method, url, status, t0, len);
    return rc;
}

static enum MHD_Result send_json(struct MHD_Connection *c, const char *method, const char *url, double t0,
                                 serve_reply *r, const char *allow)
{
    if (r->body.failed || !r->body.data) {
        sj_buf_free(&r->body);
        serve_error(r, 500, NULL, "out of memory");
    }
    enum MHD_Result rc = send_reply(c, method, url, t0, r->status, "application/json", r->body.data, r->body.len, 1,
                                    r->retry_after, allow);
    sj_buf_free(&r->body);
    return rc;
}

/* Host must name the loopback interface when the server listens there (a page on another
 * site cannot then reach the API through a DNS name that resolves to 127.0.0.1). */
static int host_ok(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!h) return 1;   /* HTTP/1.0 clients (wrk sends one) */
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncasecmp(h, names[i], n) == 0 && (h[n] == '\0' || h[n] == ':')) return 1;
    }
    return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    server *srv = cls;
    serve_state *S = &srv->S;
    (void)version;
    request *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq) return MHD_NO;
        rq->t0 = now_s();
        *con_cls = rq;
        /* a declared body over the limit is refused before it is read */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (*cl && *end == '\0' && n > S->lim.body_max) {
                serve_reply r = {0};
                serve_error(&r, 413, "body", "the request body is larger than the server's limit (%zu bytes)",
                            S->lim.body_max);
                return send_json(c, method, url, rq->t0, &r, NULL);
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (rq->too_large || rq->len + n > S->lim.body_max) {
            rq->too_large = 1;
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t nc = rq->cap ? rq->cap : 1024;
            while (nc < rq->len + n + 1) nc *= 2;
            char *nb = realloc(rq->body, nc);
            if (!nb) { rq->too_large = 1; return MHD_YES; }
            rq->body = nb;
            rq->cap = nc;
        }
        memcpy(rq->body + rq->len, upload, n);
        rq->len += n;
        return MHD_YES;
    }
    serve_reply r = {0};
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    if (srv->loopback && !host_ok(c)) {
        serve_error(&r, 403, "Host", "this server answers only requests addressed to 127.0.0.1 or localhost");
        return send_json(c, method, url, rq->t0, &r, NULL);
    }
    for (size_t i = 0; i < sizeof ASSETS / sizeof ASSETS[0]; i++)
        if (strcmp(url, ASSETS[i].url) == 0) {
            if (!get) {
                serve_error(&r, 405, "method", "%s is not allowed here (GET)", method);
                return send_json(c, method, url, rq->t0, &r, "GET, HEAD");
            }
            size_t len;
            const char *data = truce_asset(ASSETS[i].asset, &len);
            if (!data) {
                serve_error(&r, 404, NULL, "this build has no %s", ASSETS[i].asset + 3);
                return send_json(c, method, url, rq->t0, &r, NULL);
            }
            return send_reply(c, method, url, rq->t0, 200, ASSETS[i].type, data, len, 0, 0, NULL);
        }
    int is_get_api = strcmp(url, "/api/params") == 0 || strcmp(url, "/api/portfolios") == 0 ||
                     strcmp(url, "/api/status") == 0;
    int is_post_api = strcmp(url, "/api/ensemble") == 0 || strcmp(url, "/api/compare") == 0;
    if (is_get_api) {
        if (!get) {
            serve_error(&r, 405, "method", "%s is not allowed here (GET)", method);
            return send_json(c, method, url, rq->t0, &r, "GET, HEAD");
        }
        if (strcmp(url, "/api/params") == 0) serve_api_params(S, &r);
        else if (strcmp(url, "/api/portfolios") == 0) serve_api_portfolios(S, &r);
        else serve_api_status(S, &r);
        return send_json(c, method, url, rq->t0, &r, NULL);
    }
    if (is_post_api) {
        if (!post) {
            serve_error(&r, 405, "method", "%s is not allowed here (POST with a JSON body)", method);
            return send_json(c, method, url, rq->t0, &r, "POST");
        }
        if (rq->too_large) {
            serve_error(&r, 413, "body", "the request body is larger than the server's limit (%zu bytes)",
                        S->lim.body_max);
            return send_json(c, method, url, rq->t0, &r, NULL);
        }
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (ct && strncasecmp(ct, "application/json", 16) != 0) {
            serve_error(&r, 415, "Content-Type", "expected application/json, got '%.60s'", ct);
            return send_json(c, method, url, rq->t0, &r, NULL);
        }
        serve_api_simulate(S, strcmp(url, "/api/compare") == 0, rq->body ? rq->body : "", rq->len, &r);
        return send_json(c, method, url, rq->t0, &r, NULL);
    }
    serve_error(&r, 404, "url", "no such resource (the API is under /api/, docs/serve.md)");
    return send_json(c, method, url, rq->t0, &r, NULL);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    request *rq = *con_cls;
    if (rq) {
        free(rq->body);
        free(rq);
    }
    *con_cls = NULL;
}

/* libmicrohttpd's own messages (a printf format and its arguments): the attribute lets the
 * compiler check the call and accept the non-literal format. */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("truce serve: libmicrohttpd: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* Bind and listen; -1 with a message (exit 1) when the address cannot be used. */
static int listen_on(const char *bind_addr, unsigned port, unsigned *bound, int *loopback)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    char ps[16];
    snprintf(ps, sizeof ps, "%u", port);
    int e = getaddrinfo(bind_addr, ps, &hints, &res);
    if (e) {
        cli_error("--bind: '%s' is not a numeric IPv4 or IPv6 address (%s)", bind_addr, gai_strerror(e));
        return -2;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    if (fd < 0) {
        cli_error("cannot create a socket: %s", strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        int en = errno;
        if (en == EADDRINUSE)
            cli_error("cannot listen on %s port %u: the port is in use (another server? choose another --port)",
                      bind_addr, port);
        else
            cli_error("cannot listen on %s port %u: %s", bind_addr, port, strerror(en));
        close(fd);
        freeaddrinfo(res);
        return -1;
    }
    if (res->ai_family == AF_INET)
        *loopback = (ntohl(((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr.s_addr) >> 24) == 127;
    else
        *loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr);
    freeaddrinfo(res);
    if (listen(fd, 128) != 0) {
        cli_error("cannot listen on %s port %u: %s", bind_addr, port, strerror(errno));
        close(fd);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    *bound = port;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET) *bound = ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6) *bound = ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
    }
    return fd;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},      {"bind", required_argument, NULL, 'B'},
        {"runs", required_argument, NULL, 'n'},      {"posterior", required_argument, NULL, 'R'},
        {"seed", required_argument, NULL, 's'},      {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},        {"threads", required_argument, NULL, 'T'},
        {"workers", required_argument, NULL, 'W'},   {"max-runs", required_argument, NULL, 'M'},
        {"max-body", required_argument, NULL, 'b'},  {"max-seconds", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    server *srv = calloc(1, sizeof *srv);
    if (!srv) { cli_error("out of memory"); return EXIT_RUNTIME; }
    serve_state *S = &srv->S;
    pthread_mutex_init(&S->lock, NULL);
    S->bank_runs = 200;
    S->seed = 1;
    S->lim.body_max = 65536;
    S->lim.wall_s = 20;
    S->lim.workers = 2;
    S->lim.levers_max = 64;
    uint64_t port = 8350, max_runs = 0, v;
    const char *bind_addr = "127.0.0.1", *posterior = NULL, *from = NULL, *to = "2030-12-31";
    int rc = EXIT_OK, c, fd = -1;
    struct MHD_Daemon *d = NULL;
    pthread_t bank_thread;
    int bank_started = 0;
    truce_error err = {0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (cli_parse_u64(optarg, &port) || port > 65535) { rc = cli_usage("serve", "--port: '%s' is not a port in 0..65535", optarg); goto done; }
            break;
        case 'B': bind_addr = optarg; break;
        case 'n':
            if (cli_parse_u64(optarg, &S->bank_runs) || S->bank_runs == 0 || S->bank_runs > 100000) {
                rc = cli_usage("serve", "--runs: '%s' is not a whole number in 1..100000", optarg);
                goto done;
            }
            break;
        case 'R': posterior = optarg; break;
        case 's':
            if (cli_parse_u64(optarg, &S->seed)) { rc = cli_usage("serve", "--seed: '%s' is not a whole number >= 0", optarg); goto done; }
            break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'T':
            if (cli_parse_u64(optarg, &v) || v > 4096) { rc = cli_usage("serve", "--threads: '%s' is not a whole number in 0..4096", optarg); goto done; }
            S->threads = (int)v;
            break;
        case 'W':
            if (cli_parse_u64(optarg, &v) || v == 0 || v > 256) { rc = cli_usage("serve", "--workers: '%s' is not a whole number in 1..256", optarg); goto done; }
            S->lim.workers = (int)v;
            break;
        case 'M':
            if (cli_parse_u64(optarg, &max_runs) || max_runs == 0) { rc = cli_usage("serve", "--max-runs: '%s' is not a whole number >= 1", optarg); goto done; }
            break;
        case 'b':
            if (cli_parse_u64(optarg, &v) || v < 64 || v > (1u << 24)) { rc = cli_usage("serve", "--max-body: '%s' is not a whole number in 64..16777216", optarg); goto done; }
            S->lim.body_max = (size_t)v;
            break;
        case 'S': {
            char *end;
            double x = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(x > 0 && x <= 3600)) { rc = cli_usage("serve", "--max-seconds: '%s' is not a number of seconds in (0, 3600]", optarg); goto done; }
            S->lim.wall_s = x;
            break;
        }
        case 'h': help(); goto done;
        case ':': rc = cli_usage("serve", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_unknown_option("serve", argv[optind - 1], opts); goto done;
        }
    }
    if (argc - optind > 1) { rc = cli_usage("serve", "expected at most one scenario file, got '%s' and '%s'", argv[optind], argv[optind + 1]); goto done; }
    S->lim.runs_max = max_runs && max_runs < S->bank_runs ? max_runs : S->bank_runs;
    S->scenario = optind < argc ? truce_scenario_load(argv[optind], &err) : truce_scenario_load_default(&err);
    if (!S->scenario) { rc = cli_report(&err); goto done; }
    {
        int32_t f, l;
        truce_precision pr;
        if (truce_date_parse(to, &f, &l, &pr)) { rc = cli_usage("serve", "--to: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", to); goto done; }
        S->to = l;
        S->from = truce_scenario_end(S->scenario) + 1;
        if (from) {
            if (truce_date_parse(from, &f, &l, &pr)) { rc = cli_usage("serve", "--from: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", from); goto done; }
            S->from = f;
        }
        if (S->from <= truce_scenario_start(S->scenario) || S->from > S->to) {
            rc = cli_usage("serve", "--from and --to: the futures must start after the scenario's start and end on or after they start");
            goto done;
        }
    }
    if (posterior && strcmp(posterior, "none") != 0) {
        S->posterior = truce_posterior_load(posterior, S->scenario, &err);
        if (!S->posterior) { rc = cli_report(&err); goto done; }
    } else if (!posterior) {
        S->posterior = truce_posterior_load_calibration(S->scenario, &err);
        if (!S->posterior) {
            if (err.code != TRUCE_EINPUT) { rc = cli_report(&err); goto done; }
            fprintf(stderr, "truce serve: no calibration posterior (%s): every run uses the scenario's parameters\n",
                    err.message);
            truce_error_clear(&err);
        }
    }
    if (serve_prepare(S, &err)) { rc = cli_report(&err); goto done; }

    /* SIGINT and SIGTERM are taken by sigwait below: blocked here, before any thread starts,
     * so that every thread inherits the mask. SIGPIPE: a client that hangs up is not fatal. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* A long-running server with a thread per connection: few malloc arenas, and large
     * buffers (a request's runs) always mapped and unmapped, so that memory freed after a
     * request goes back to the system instead of staying in per-thread arenas. */
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    unsigned bound = 0;
    fd = listen_on(bind_addr, (unsigned)port, &bound, &srv->loopback);
    if (fd < 0) { rc = fd == -2 ? EXIT_USAGE : EXIT_RUNTIME; fd = -1; goto done; }
    if (!srv->loopback)
        fprintf(stderr, "truce serve: warning: listening on %s, not the loopback interface: anyone who can reach "
                        "this machine can use the explorer and its CPU time\n", bind_addr);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
                         NULL, NULL, handle, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                         MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                         MHD_OPTION_END);
    if (!d) { cli_error("cannot start the HTTP daemon on %s port %u", bind_addr, bound); rc = EXIT_RUNTIME; goto done; }
    fd = -1;   /* the daemon owns it now */
    if (pthread_create(&bank_thread, NULL, serve_bank_thread, S) != 0) {
        cli_error("cannot start the bank thread");
        rc = EXIT_RUNTIME;
        goto done;
    }
    bank_started = 1;
    {
        char d0[11], d1[11];
        truce_date_format(S->from, d0);
        truce_date_format(S->to, d1);
        fprintf(stderr, "truce serve: listening on http://%s%s%s:%u/ (%s; bank of %llu histories, futures %s to %s, "
                        "being built)\n",
                strchr(bind_addr, ':') ? "[" : "", bind_addr, strchr(bind_addr, ':') ? "]" : "", bound,
                truce_scenario_name(S->scenario), (unsigned long long)S->bank_runs, d0, d1);
    }
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "truce serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
done:
    if (d) MHD_stop_daemon(d);
    if (fd >= 0) close(fd);
    if (bank_started) {
        pthread_mutex_lock(&S->lock);
        int finished = S->ready || S->failed;
        pthread_mutex_unlock(&S->lock);
        if (!finished) {
            /* the bank cannot be interrupted: leave without waiting for it */
            fprintf(stderr, "truce serve: stopped while the bank was being built\n");
            fflush(stderr);
            _exit(rc);
        }
        pthread_join(bank_thread, NULL);
    }
    serve_state_free(S);
    pthread_mutex_destroy(&S->lock);
    free(srv);
    return rc;
}
