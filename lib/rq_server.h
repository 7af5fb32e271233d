/* The FastCGI pool: a supervisor that binds the family's socket and keeps N workers. */
#ifndef RQ_SERVER_H
#define RQ_SERVER_H

#include "rq_attr.h"

#include "rq_app.h"

/* Runs the pool for app until SIGTERM/SIGINT; returns the process exit status.
 * `--routes` prints the route table instead. Settings come from the environment. */
int rq_server_main(const struct rq_app *app, int argc, char **argv) RQ_MUST_USE;
/* rq_server_main for the reporting family: each worker also keeps a read-only connection to
 * RUQIMA_STATS_DSN, on which its RQ_STMT_STATS statements run (req->stats_db). */
int rq_server_main_stats(const struct rq_app *app, int argc, char **argv) RQ_MUST_USE;

#endif
