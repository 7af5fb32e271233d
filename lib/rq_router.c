#include "rq_router.h"

#include "rq_outcome.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Matches path against pattern segment by segment; {x} matches one non-empty segment. */
static int path_matches(const char *pattern, const char *path, const char **params, size_t *nparams,
			struct rq_arena *a)
{
	size_t np = 0;
	const char *p = pattern, *s = path;
	while (*p != '\0' && *s != '\0') {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t plen = pe ? (size_t)(pe - p) : strlen(p);
		size_t slen = se ? (size_t)(se - s) : strlen(s);
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || np == RQ_MAX_PARAMS)
				return 0;
			if (params != NULL)
				params[np] = rq_strndup(a, s, slen);
			np++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return 0;
		}
		p += plen;
		s += slen;
	}
	if (*p != '\0' || *s != '\0')
		return 0;
	if (nparams != NULL)
		*nparams = np;
	return 1;
}

enum rq_match rq_router_match(const struct rq_route *routes, size_t n, struct rq_req *req,
			      const struct rq_route **route, const char **allow)
{
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	char allowed[128] = "";
	size_t alen = 0;
	for (size_t i = 0; i < n; i++) {
		if (!path_matches(routes[i].pattern, req->path, NULL, NULL, req->arena))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			path_matches(routes[i].pattern, req->path, req->params, &req->nparams,
				     req->arena);
			*route = &routes[i];
			return RQ_MATCH_OK;
		}
		size_t mlen = strlen(routes[i].method);
		if (strstr(allowed, routes[i].method) == NULL &&
		    alen + mlen + 2 < sizeof(allowed)) {
			if (alen > 0) {
				memcpy(allowed + alen, ", ", 2);
				alen += 2;
			}
			memcpy(allowed + alen, routes[i].method, mlen + 1);
			alen += mlen;
		}
	}
	if (alen == 0)
		return RQ_MATCH_NOT_FOUND;
	*allow = rq_strdup(req->arena, allowed);
	return RQ_MATCH_BAD_METHOD;
}

const struct rq_param *rq_route_input(const struct rq_route *route, const char *name, size_t *index)
{
	for (size_t i = 0; route->in != NULL && route->in[i].name != NULL; i++)
		if (strcmp(route->in[i].name, name) == 0) {
			if (index != NULL)
				*index = i;
			return &route->in[i];
		}
	return NULL;
}

/* What is wrong with one route's declarations, into buf; false when nothing. */
static bool route_wrong(const struct rq_route *r, char *buf, size_t size)
{
	/* every {name} of the pattern is a declared path parameter */
	for (const char *b = strchr(r->pattern, '{'); b != NULL; b = strchr(b + 1, '{')) {
		const char *e = strchr(b, '}');
		char name[64];
		snprintf(name, sizeof(name), "%.*s", e != NULL ? (int)(e - b - 1) : 0, b + 1);
		const struct rq_param *p = rq_route_input(r, name, NULL);
		if (p == NULL || p->in != RQ_IN_PATH || !rq_outcome_known(p->unknown)) {
			snprintf(buf, size,
				 "%s %s: {%s} is not declared (RQ_PATH_ID, with its 404 refusal"
				 " of lib/rq_outcome.c)",
				 r->method, r->pattern, name);
			return true;
		}
	}
	for (size_t i = 0; r->in != NULL && r->in[i].name != NULL; i++) {
		const struct rq_param *p = &r->in[i];
		size_t first = i;
		char brace[72];
		snprintf(brace, sizeof(brace), "{%s}", p->name);
		const char *why = NULL;
		if (rq_route_input(r, p->name, &first) != p || first != i)
			why = "is declared twice";
		else if (p->in == RQ_IN_PATH && strstr(r->pattern, brace) == NULL)
			why = "is declared in the path but not in the pattern";
		else if (p->type == RQ_PARAM_ENUM && p->values == NULL)
			why = "is an enum without values";
		else if (p->in == RQ_IN_BODY && !(r->flags & RQ_ROUTE_JSON))
			why = "is a body member of a route that takes no JSON body";
		if (why != NULL) {
			snprintf(buf, size, "%s %s: %s %s", r->method, r->pattern, p->name, why);
			return true;
		}
	}
	return false;
}

const char *rq_router_check(const struct rq_route *routes, size_t n)
{
	static char why[256];
	for (size_t i = 0; i < n; i++)
		if (route_wrong(&routes[i], why, sizeof(why)))
			return why;
	return NULL;
}
