#include "rq_router.h"

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
