/* The FastCGI pool: a supervisor that binds the family's socket and keeps N workers. */
#ifndef RQ_SERVER_H
#define RQ_SERVER_H

#include "rq_attr.h"

#include "rq_app.h"

/* Runs the pool for app until SIGTERM/SIGINT; returns the process exit status.
 * `--routes` prints the route table instead. Settings come from the environment. */
int rq_server_main(const struct rq_app *app, int argc, char **argv) RQ_MUST_USE;

#endif
