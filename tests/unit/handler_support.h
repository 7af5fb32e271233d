/* Handlers of a family called in-process, without FastCGI or a database: a fake request
 * built directly (struct rq_req), routed through the family's table, its declared inputs
 * checked, then the handler. The database handle points at a socket that does not exist,
 * so a handler that reaches for it answers 503 instead of what a test expects.
 *
 * Include once per test file (the helpers are static); tests/CMakeLists.txt links every
 * family library and puts app/ on the include path ("<family>/routes.h"). */
#ifndef HANDLER_SUPPORT_H
#define HANDLER_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rq_app.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"

struct hs {
	struct rq_config cfg;
	struct rq_arena *arena;
	struct rq_db *db; /* unreachable */
	struct rq_req req;
	struct rq_resp resp;
	cJSON *answer; /* the response body parsed, or NULL */
	bool handler_ran;
};

static int hs_setup(void **state)
{
	static struct hs h;
	memset(&h, 0, sizeof(h));
	if (rq_config_load(&h.cfg) != 0)
		return -1;
	h.arena = rq_arena_new();
	h.db = rq_db_new("postgresql:///ruqima?host=/nonexistent/ruqima-unit-test", "unit", 1);
	*state = &h;
	return h.arena != NULL && h.db != NULL ? 0 : -1;
}

static int hs_teardown(void **state)
{
	struct hs *h = *state;
	cJSON_Delete(h->answer);
	rq_db_close(h->db);
	rq_arena_free(h->arena);
	return 0;
}

static void hs_delete_json(void *p)
{
	cJSON_Delete(p);
}

/* Answers "METHOD /path?query" of app with json as the body (NULL: none), as a session of
 * kind ("account" or "admin") with role: the route's declared inputs, then its handler. */
static void hs_call(struct hs *h, const struct rq_app *app, const char *method, const char *target,
		    const char *json, const char *kind, const char *role)
{
	cJSON_Delete(h->answer);
	h->answer = NULL;
	rq_arena_reset(h->arena);
	memset(&h->req, 0, sizeof(h->req));
	memset(&h->resp, 0, sizeof(h->resp));
	struct rq_req *req = &h->req;
	req->arena = h->arena;
	req->cfg = &h->cfg;
	req->db = h->db;
	req->family = app->family;
	req->method = method;
	const char *q = strchr(target, '?');
	req->path = q != NULL ? rq_strndup(h->arena, target, (size_t)(q - target)) : target;
	req->query = q != NULL ? q + 1 : "";
	req->request_id = "unit-test";
	req->client_addr = "127.0.0.1";
	req->content_type = json != NULL ? "application/json" : "";
	req->body = json != NULL ? json : "";
	req->body_len = strlen(req->body);
	req->actor.kind = kind;
	req->actor.id = "1";
	req->actor.role = role;
	if (json != NULL) {
		req->json = cJSON_Parse(json);
		assert_non_null(req->json);
		rq_arena_cleanup(h->arena, hs_delete_json, req->json);
	}
	const char *allow = NULL;
	assert_int_equal(rq_router_match(app->routes, app->nroutes, req, &req->route, &allow),
			 RQ_MATCH_OK);
	h->handler_ran = false;
	if (rq_input_check(req, &h->resp) == 0) {
		h->handler_ran = true;
		req->route->handler(req, &h->resp);
	}
	if (h->resp.body != NULL)
		h->answer = cJSON_ParseWithLength(h->resp.body, h->resp.body_len);
}

/* Asserts a problem answer: status, type /problems/<slug>, and errors[] naming field (NULL:
 * no errors member). */
static void hs_assert_problem(const struct hs *h, int status, const char *slug, const char *field)
{
	assert_int_equal(h->resp.status, status);
	assert_string_equal(h->resp.content_type, "application/problem+json");
	assert_non_null(h->answer);
	char type[128];
	snprintf(type, sizeof(type), "/problems/%s", slug);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h->answer, "type")->valuestring, type);
	cJSON *errors = cJSON_GetObjectItemCaseSensitive(h->answer, "errors");
	if (field == NULL) {
		assert_null(errors);
		return;
	}
	assert_true(cJSON_GetArraySize(errors) >= 1);
	const cJSON *e;
	bool named = false;
	cJSON_ArrayForEach(e, errors)
	{
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "field");
		named = named || (cJSON_IsString(f) && strcmp(f->valuestring, field) == 0);
	}
	assert_true(named);
}

/* The family's health handler run without a database: 503 unavailable with Retry-After,
 * the request named after the family. */
static inline void hs_assert_health_unavailable(struct hs *h, const struct rq_app *app,
						const char *family)
{
	char target[64];
	snprintf(target, sizeof(target), "/api/v1/%s/health", family);
	hs_call(h, app, "GET", target, NULL, "anonymous", NULL);
	assert_true(h->handler_ran);
	hs_assert_problem(h, 503, "unavailable", NULL);
	assert_string_equal(h->req.family, family);
	bool retry = false;
	for (size_t i = 0; i < h->resp.nheaders; i++)
		retry = retry || strcmp(h->resp.header_names[i], "Retry-After") == 0;
	assert_true(retry);
}

#endif
