/* A route family: its route table, and the pipeline every request goes through
 * (route → body checks → session → CSRF → handler → commit/rollback). */
#ifndef RQ_APP_H
#define RQ_APP_H

#include <stddef.h>

#include "rq_http.h"
#include "rq_router.h"

struct rq_app {
	const char *family; /* "registration" */
	const struct rq_route *routes;
	size_t nroutes;
};

/* Answers one parsed request. Never fails: every outcome is a response. Leaves the
 * request's transaction committed (2xx/3xx, or commit_on_error) or rolled back. */
void rq_app_handle(const struct rq_app *app, struct rq_req *req, struct rq_resp *resp,
		   enum rq_parse_status parsed);

/* The largest body any route of app takes: the server reads up to this much, and each
 * route is then held to its own cap (RQ_ROUTE_UPLOAD routes: attachment_max_bytes). */
long rq_app_max_body(const struct rq_app *app, const struct rq_config *cfg);

/* GET /api/v1/<family>/health: version, pid, database reachable, migration level. */
RQ_HANDLER_DECL(rq_health);

#define RQ_ROUTE_HEALTH(family)                                                                    \
	RQ_ROUTE("GET", "/api/v1/" family "/health", rq_health, RQ_AUTH_NONE, 0, NULL, NULL)

#endif
