/* Method + path pattern routing with {name} segments. */
#ifndef RQ_ROUTER_H
#define RQ_ROUTER_H

#include <stddef.h>

#include "rq_http.h"

typedef void (*rq_handler)(struct rq_req *req, struct rq_resp *resp);

/* What a route needs before its handler runs. */
enum rq_auth_need {
	RQ_AUTH_NONE,	 /* public */
	RQ_AUTH_ANY,	 /* any live session */
	RQ_AUTH_ACCOUNT, /* a mini-program session */
	RQ_AUTH_ADMIN,	 /* a portal session */
};

enum rq_route_flags {
	RQ_ROUTE_JSON = 1u << 0,     /* the body must be a JSON object (415/400 otherwise) */
	RQ_ROUTE_DEV_ONLY = 1u << 1, /* exists only when RUQIMA_DEV_LOGIN=1 (else not routed) */
	/* the body is a file: capped by RUQIMA_ATTACHMENT_MAX_BYTES, not RUQIMA_MAX_BODY */
	RQ_ROUTE_UPLOAD = 1u << 2,
};

struct rq_route {
	const char *method;
	const char *pattern; /* "/api/v1/admin/units/{id}" */
	rq_handler handler;
	enum rq_auth_need auth;
	unsigned flags;
	const char *const *roles; /* admin roles allowed (NULL-terminated), NULL = any */
};

enum rq_match {
	RQ_MATCH_OK,
	RQ_MATCH_NOT_FOUND,
	RQ_MATCH_BAD_METHOD, /* the path exists under other methods; *allow lists them */
};

/* Finds the route for method and path. On RQ_MATCH_OK sets *route and the request's
 * params; on RQ_MATCH_BAD_METHOD sets *allow to "GET, POST" (arena). HEAD matches GET. */
enum rq_match rq_router_match(const struct rq_route *routes, size_t n, struct rq_req *req,
			      const struct rq_route **route, const char **allow);

#endif
