/* libFuzzer target: the JSON input checks. The first byte picks a route that takes a JSON
 * body (every family's, in table order); the rest is the body, sent as application/json to
 * its real handler behind an actor of the kind the route needs (no database: a body that
 * passes every check gets 503 from the first statement). Rules: no crash or sanitizer
 * report, no 5xx but 503, a body with a key twice (anywhere) refused as duplicate-key before
 * any handler runs, and no handler given a member its route does not declare
 * (fuzz_support.c). */
#include "fuzz_support.h"

#include "rq_arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool takes_json(const struct rq_route *r)
{
	return (r->flags & RQ_ROUTE_JSON) && !(r->flags & RQ_ROUTE_DEV_ONLY) &&
	       (strcmp(r->method, "POST") == 0 || strcmp(r->method, "PUT") == 0 ||
		strcmp(r->method, "PATCH") == 0);
}

/* A path of the route's pattern with a well-formed value for each {name}. */
static void path_of(const struct rq_route *r, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = r->pattern; *p != '\0' && n + 40 < size;) {
		if (*p != '{') {
			out[n++] = *p++;
			continue;
		}
		const char *close = strchr(p, '}');
		const struct rq_param *param = NULL;
		for (const struct rq_param *q = r->in; q != NULL && q->name != NULL; q++)
			if (strlen(q->name) == (size_t)(close - p - 1) &&
			    strncmp(q->name, p + 1, strlen(q->name)) == 0)
				param = q;
		const char *v = "1";
		if (param != NULL && param->type == RQ_PARAM_TOKEN)
			v = "AbCdEfGhIjKlMnOpQrStUv";
		else if (param != NULL && param->type == RQ_PARAM_REGION)
			v = "330102";
		else if (param != NULL && param->type == RQ_PARAM_KEY)
			v = "daily_visit_cap";
		else if (param != NULL && param->type == RQ_PARAM_DATE)
			v = "2024-01-02";
		else if (param != NULL && param->type == RQ_PARAM_ENUM)
			v = param->values[0];
		n += (size_t)snprintf(out + n, size - n, "%s", v);
		p = close + 1;
	}
	out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rq_route *json_routes[256];
	static size_t njson;
	if (njson == 0)
		for (size_t i = 0; i < fz_nroutes() && njson < 256; i++)
			if (takes_json(fz_route(i)))
				json_routes[njson++] = fz_route(i);
	if (size < 1)
		return 0;
	const struct rq_route *route = json_routes[data[0] % njson];
	char path[512], length[24];
	path_of(route, path, sizeof(path));
	snprintf(length, sizeof(length), "%zu", size - 1);
	/* the body NUL-terminated, as the server reads it */
	char *body = malloc(size);
	if (body == NULL)
		abort();
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	struct fz_request r = {route->method, path, "",	     "application/json", NULL, NULL,
			       length,	      body, size - 1};
	struct fz_answer a;
	fz_run(&r, FZ_REAL, &a);
	if (a.route != route)
		fz_fail("%s %s did not reach its route", route->method, path);
	cJSON *json = cJSON_ParseWithLength(body, size - 1);
	const char *dup = cJSON_IsObject(json) ? fz_duplicate_key(json) : NULL;
	if (dup != NULL && a.status < 400)
		fz_fail("%s %s took a body with the key \"%s\" twice (%d)", route->method, path,
			dup, a.status);
	if (dup != NULL && a.status == 400 && strcmp(a.type, "duplicate-key") != 0 &&
	    strcmp(a.type, "malformed-json") != 0)
		fz_fail("%s %s answered a key twice with %s", route->method, path, a.type);
	cJSON_Delete(json);
	free(body);
	return 0;
}
