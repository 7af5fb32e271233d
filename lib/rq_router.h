/* Method + path pattern routing with {name} segments. */
#ifndef RQ_ROUTER_H
#define RQ_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "rq_http.h"

typedef void (*rq_handler)(struct rq_req *req, struct rq_resp *resp);

/* Where a handler is defined, for `--routes`: its name and the file:line of its definition,
 * so that a reader goes from a URL to the handler's code in one step (the route row's own
 * line would only name the handler, one search away from its code). */
struct rq_handler_site {
	const char *name;
	const char *file; /* __FILE__: absolute under CMake; printed relative to the checkout */
	int line;
};

/* Defines handler fn and records where: `RQ_HANDLER(fn) { ...req, resp... }`. fn stays a
 * plain function (tests call it directly); fn_site is what RQ_ROUTE puts in the row. */
#define RQ_HANDLER(fn)                                                                             \
	const struct rq_handler_site fn##_site = {#fn, __FILE__, __LINE__};                        \
	void fn(struct rq_req *req, struct rq_resp *resp)
/* Declares what RQ_HANDLER(fn) defines (in the family's header). */
#define RQ_HANDLER_DECL(fn)                                                                        \
	void fn(struct rq_req *req, struct rq_resp *resp);                                         \
	extern const struct rq_handler_site fn##_site

/* Declared inputs of a route: path parameters ({name} of the pattern) and query
 * parameters. rq_app checks them before the handler runs; the handler reads them checked
 * and typed (rq_req_param, rq_req_param_id, rq_req_arg, rq_req_arg_true). A bad query
 * parameter is 400 naming it (errors: [{field, message}]); a malformed path parameter is
 * its route's 404 refusal (param->unknown), naming it. Query parameters not declared are ignored;
 * body members not declared are refused when the route declares any (RQ_BODY).
 */
enum rq_param_in {
	RQ_IN_QUERY,
	RQ_IN_PATH,
	/* a member of the JSON body: a route that declares any takes no other (400 naming it);
	 * the handler reads it from req->json itself. Every PATCH route declares its members
	 * (tests/unit/test_route_tables.c). */
	RQ_IN_BODY,
};

enum rq_param_type {
	RQ_PARAM_ID,	 /* a positive bigint, without sign or leading zero */
	RQ_PARAM_INT,	 /* a whole number in [min, max] */
	RQ_PARAM_ENUM,	 /* one of values */
	RQ_PARAM_DATE,	 /* YYYY-MM-DD, a real day of 2000..2100 */
	RQ_PARAM_BOOL,	 /* true, false, 1 or 0 (any case); read as "true" or "false" */
	RQ_PARAM_REGION, /* a 6-digit region code */
	RQ_PARAM_KEY,	 /* [a-z][a-z0-9_]{0,39}: a policy key */
	RQ_PARAM_TOKEN,	 /* 22 to 64 base64url characters: a code token */
	RQ_PARAM_SEARCH, /* 1 to 100 characters of UTF-8 text, no control characters; read
			    without surrounding blanks */
};

struct rq_param {
	const char *name; /* NULL ends a list */
	enum rq_param_in in;
	enum rq_param_type type;
	const char *const *values; /* RQ_PARAM_ENUM: NULL-terminated */
	int64_t min, max;	   /* RQ_PARAM_INT */
	const char *dflt;	   /* query: the value when absent or empty */
	const char *message;	   /* query: the 400's message, when not the type's */
	const char *unknown;	   /* path: the refusal (lib/rq_outcome.c) of a malformed value */
};

/* A route's inputs, written in its row: RQ_INPUTS(RQ_PATH_ID("id", "visit-unknown"), ...). */
#define RQ_INPUTS(...) ((const struct rq_param[]){__VA_ARGS__, {.name = NULL}})
#define RQ_PATH_ID(n, nf)                                                                          \
	{                                                                                          \
		.name = (n), .in = RQ_IN_PATH, .type = RQ_PARAM_ID, .unknown = (nf)                \
	}
#define RQ_PATH(n, t, nf)                                                                          \
	{                                                                                          \
		.name = (n), .in = RQ_IN_PATH, .type = (t), .unknown = (nf)                        \
	}
#define RQ_QUERY(n, t)                                                                             \
	{                                                                                          \
		.name = (n), .in = RQ_IN_QUERY, .type = (t)                                        \
	}
#define RQ_QUERY_MSG(n, t, msg)                                                                    \
	{                                                                                          \
		.name = (n), .in = RQ_IN_QUERY, .type = (t), .message = (msg)                      \
	}
/* A member the route's JSON body may have (RQ_IN_BODY). */
#define RQ_BODY(n)                                                                                 \
	{                                                                                          \
		.name = (n), .in = RQ_IN_BODY                                                      \
	}
#define RQ_QUERY_ENUM(n, list, d)                                                                  \
	{                                                                                          \
		.name = (n), .in = RQ_IN_QUERY, .type = RQ_PARAM_ENUM, .values = (list),           \
		.dflt = (d)                                                                        \
	}

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
	/* reads on the statistics connection (a replica): its session is looked up there too,
	 * read-only (lib/rq_auth.c) */
	RQ_ROUTE_REPLICA = 1u << 3,
};

struct rq_route {
	const char *method;
	const char *pattern; /* "/api/v1/admin/units/{id}" */
	rq_handler handler;
	enum rq_auth_need auth;
	unsigned flags;
	const char *const *roles;	    /* admin roles allowed (NULL-terminated), NULL = any */
	const struct rq_param *in;	    /* declared inputs (RQ_INPUTS), NULL = none */
	const struct rq_handler_site *site; /* where handler is defined; NULL = not recorded */
};

/* A row of a family's table: the handler's site comes with it (fn defined by RQ_HANDLER). */
#define RQ_ROUTE(method, pattern, fn, auth, flags, roles, in)                                      \
	{                                                                                          \
		(method), (pattern), fn, (auth), (flags), (roles), (in), &fn##_site                \
	}

enum rq_match {
	RQ_MATCH_OK,
	RQ_MATCH_NOT_FOUND,
	RQ_MATCH_BAD_METHOD, /* the path exists under other methods; *allow lists them */
};

/* Finds the route for method and path. On RQ_MATCH_OK sets *route and the request's
 * params; on RQ_MATCH_BAD_METHOD sets *allow to "GET, POST" (arena). HEAD matches GET. */
enum rq_match rq_router_match(const struct rq_route *routes, size_t n, struct rq_req *req,
			      const struct rq_route **route, const char **allow);

/* Checks a table's declarations: every {name} of a pattern declared once as a path
 * parameter (with its 404) and every declared path parameter in the pattern, query names
 * unique, enums with values. Returns NULL, or what is wrong (static storage). */
const char *rq_router_check(const struct rq_route *routes, size_t n);

/* Finds the declared input name of route, or NULL. */
const struct rq_param *rq_route_input(const struct rq_route *route, const char *name,
				      size_t *index);

#endif
