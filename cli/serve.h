/* serve — `truce serve`, the local explorer (docs/serve.md): shared state of the server
 * (cmd_serve.c: options, sockets, HTTP; serve_api.c: the JSON API over the bank). */
#ifndef TRUCE_SERVE_H
#define TRUCE_SERVE_H

#include <pthread.h>
#include <stdint.h>

#include "serve_json.h"
#include "truce.h"

enum { SERVE_NGEO = 3, SERVE_NVAR = 4 };

typedef struct serve_limits {
    size_t body_max;          /* bytes of a request body */
    uint64_t runs_max;        /* runs per request (at most the bank's) */
    double wall_s;            /* wall time per simulation request */
    int workers;              /* simulations at once; more: 503 */
    size_t levers_max;        /* levers in a request's portfolio */
} serve_limits;

typedef struct serve_geo {
    const char *name;         /* national, khyber_pakhtunkhwa, balochistan */
    const char *label;
    size_t nregions;
    size_t regions[16];       /* result region indices ("all" = region count) */
} serve_geo;

typedef struct serve_state {
    truce_scenario *scenario;         /* as loaded */
    truce_posterior *posterior;       /* NULL: the scenario's parameters */
    const char *posterior_name;
    serve_limits lim;
    uint64_t bank_runs, seed;
    int threads;
    int32_t start, from, to;          /* scenario start; futures [from, to] */
    size_t nperiods;                  /* months from start to `to` */
    int32_t *period_first;            /* first day of each month */
    serve_geo geo[SERVE_NGEO];
    size_t ngeo;
    char *params_json;                /* GET /api/params without the bank status */
    char *portfolios_json;            /* GET /api/portfolios */
    char *reported_json;              /* the reported series to draw against */

    pthread_mutex_t lock;             /* guards what follows */
    int ready, failed, stopping;
    uint64_t bank_done;
    char bank_error[1024];
    int busy;                         /* simulations running */
    truce_bank *bank;                 /* set once ready */
    truce_scenario *status_quo;       /* the bank's scenario (+ the status quo portfolio) */
    double *sq_values;                /* [bank_runs][ngeo][NVAR][nperiods] of the status quo */
    size_t sq_portfolio;              /* builtin index of the status quo, SIZE_MAX: none */
} serve_state;

typedef struct serve_reply {
    unsigned status;                  /* HTTP status */
    sj_buf body;                      /* JSON */
    unsigned retry_after;             /* seconds, 0: no header */
} serve_reply;

/* Prepare the static JSON and the geographies (before the daemon starts). */
int serve_prepare(serve_state *S, truce_error *err);
/* The bank thread: build the bank and the status quo's futures. */
void *serve_bank_thread(void *arg);
void serve_state_free(serve_state *S);

/* Endpoints: fill r (status and JSON body). */
void serve_api_params(serve_state *S, serve_reply *r);
void serve_api_status(serve_state *S, serve_reply *r);
void serve_api_portfolios(serve_state *S, serve_reply *r);
void serve_api_simulate(serve_state *S, int compare, const char *body, size_t len, serve_reply *r);
/* {"error": message, "field": field} with this status. */
void serve_error(serve_reply *r, unsigned status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
