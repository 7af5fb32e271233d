/* The request pipeline of rq_app_handle: routing, body checks and session checks answer
 * before any handler runs, and every response carries the request id.
 *
 * No database here: req.db is NULL, so the routes used never query, and no request carries
 * a well-formed token (rq_auth_resolve returns before any lookup when the bearer token or
 * session cookie does not have the shape of a token). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rq_app.h"
#include "rq_config.h"
#include "rq_token.h"
#include "arena_fixture.h"

/* What the handlers saw. */
static struct {
	int calls;
	const char *handler;
	bool had_json;
	char name[64];
	char param[64];
	char method[16];
} seen;

static void h_ping(struct rq_req *req, struct rq_resp *resp)
{
	seen.calls++;
	seen.handler = "ping";
	snprintf(seen.method, sizeof(seen.method), "%s", req->method);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "pong", "yes");
	rq_resp_json(req, resp, 200, o);
}

static void h_item(struct rq_req *req, struct rq_resp *resp)
{
	seen.calls++;
	seen.handler = "item";
	snprintf(seen.param, sizeof(seen.param), "%s", req->nparams == 1 ? req->params[0] : "");
	resp->status = 204;
}

/* POST {name}: 201 with the name, or 422. */
static void h_create(struct rq_req *req, struct rq_resp *resp)
{
	seen.calls++;
	seen.handler = "create";
	seen.had_json = req->json != NULL;
	cJSON *errors = rq_errors_new();
	const char *name = rq_json_string(req->json, "name", true, 1, 32, errors);
	if (name == NULL) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	snprintf(seen.name, sizeof(seen.name), "%s", name);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	rq_resp_json(req, resp, 201, o);
}

static void h_private(struct rq_req *req, struct rq_resp *resp)
{
	(void)req;
	seen.calls++;
	seen.handler = "private";
	resp->status = 204;
}

static const struct rq_route routes[] = {
    {"GET", "/api/v1/test/ping", h_ping, RQ_AUTH_NONE, 0, NULL, NULL, NULL},
    {"GET", "/api/v1/test/items", h_ping, RQ_AUTH_NONE, 0, NULL, NULL, NULL},
    {"POST", "/api/v1/test/items", h_create, RQ_AUTH_NONE, RQ_ROUTE_JSON, NULL, NULL, NULL},
    {"DELETE", "/api/v1/test/items/{id}", h_item, RQ_AUTH_NONE, 0, NULL, NULL, NULL},
    {"GET", "/api/v1/test/private", h_private, RQ_AUTH_ANY, 0, NULL, NULL, NULL},
    {"POST", "/api/v1/test/admin", h_private, RQ_AUTH_ADMIN, RQ_ROUTE_JSON, NULL, NULL, NULL},
    {"POST", "/api/v1/test/upload", h_item, RQ_AUTH_NONE, RQ_ROUTE_UPLOAD, NULL, NULL, NULL},
};
static const struct rq_app app = {"test", routes, sizeof(routes) / sizeof(routes[0])};

struct body_src {
	const char *data;
	size_t len, pos;
};

static size_t read_body(void *ctx, char *buf, size_t n)
{
	struct body_src *b = ctx;
	size_t k = b->len - b->pos < n ? b->len - b->pos : n;
	if (k > 5)
		k = 5; /* small chunks, like a slow client */
	memcpy(buf, b->data + b->pos, k);
	b->pos += k;
	return k;
}

struct fixture {
	struct rq_arena *arena; /* first: arena_teardown */
	struct rq_config cfg;
	struct rq_req req;
	struct rq_resp resp;
	char *wire; /* the serialised response */
	size_t wire_len;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	memset(&seen, 0, sizeof(seen));
	unsetenv("RUQIMA_MAX_BODY");
	if (rq_config_load(&f.cfg) != 0)
		return -1;
	f.cfg.max_body = 1024;
	f.cfg.attachment_max_bytes = 2048;
	f.arena = rq_arena_new();
	*state = &f;
	return f.arena != NULL ? 0 : -1;
}

/* Parses env and body as the server does, answers, and serialises the answer. */
static void run(struct fixture *f, char **env, const char *body, size_t body_len)
{
	memset(&f->req, 0, sizeof(f->req));
	memset(&f->resp, 0, sizeof(f->resp));
	f->req.cfg = &f->cfg;
	f->req.db = NULL;
	struct body_src src = {body, body_len, 0};
	enum rq_parse_status ps =
	    rq_req_parse(&f->req, f->arena, env, rq_app_max_body(&app, &f->cfg), read_body, &src);
	rq_app_handle(&app, &f->req, &f->resp, ps);
	f->wire = rq_resp_serialize(&f->req, &f->resp, &f->wire_len);
}

static void run_json(struct fixture *f, const char *content_type, const char *body, size_t body_len)
{
	char *env[] = {
	    "REQUEST_METHOD=POST",
	    "DOCUMENT_URI=/api/v1/test/items",
	    rq_printf(f->arena, "CONTENT_TYPE=%s", content_type),
	    rq_printf(f->arena, "CONTENT_LENGTH=%zu", body_len),
	    "REQUEST_ID=rid-json",
	    NULL,
	};
	run(f, env, body, body_len);
}

static void delete_json(void *p)
{
	cJSON_Delete(p);
}

/* The response body parsed (freed with the arena). */
static cJSON *body_json(struct fixture *f)
{
	assert_non_null(f->resp.body);
	cJSON *j = cJSON_ParseWithLength(f->resp.body, f->resp.body_len);
	assert_non_null(j);
	rq_arena_cleanup(f->arena, delete_json, j);
	return j;
}

static const char *header(const struct rq_resp *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcmp(resp->header_names[i], name) == 0)
			return resp->header_values[i];
	return NULL;
}

static void expect_request_id_header(struct fixture *f, const char *id)
{
	char *line = rq_printf(f->arena, "\r\nX-Request-Id: %s\r\n", id);
	char *head = rq_strndup(f->arena, f->wire, f->wire_len);
	if (strstr(head, line) == NULL)
		fail_msg("no X-Request-Id: %s in:\n%s", id, head);
}

/* Status, problem type, and the request id in the headers and the problem body. */
static void expect_problem(struct fixture *f, int status, const char *type)
{
	if (f->resp.status != status)
		fail_msg("expected status %d, got %d: %.*s", status, f->resp.status,
			 (int)f->resp.body_len, f->resp.body != NULL ? f->resp.body : "");
	assert_string_equal(f->resp.content_type, "application/problem+json");
	cJSON *j = body_json(f);
	cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "type");
	assert_true(cJSON_IsString(t));
	assert_string_equal(t->valuestring, type);
	cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "status");
	assert_true(cJSON_IsNumber(s));
	assert_int_equal(s->valueint, status);
	cJSON *rid = cJSON_GetObjectItemCaseSensitive(j, "request_id");
	assert_true(cJSON_IsString(rid));
	assert_string_equal(rid->valuestring, f->req.request_id);
	expect_request_id_header(f, f->req.request_id);
	assert_int_equal(seen.calls, 0); /* answered before any handler ran */
}

static void unknown_path_is_404(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/test/nothing", "REQUEST_ID=r404",
		       NULL};
	run(f, env, "", 0);
	expect_problem(f, 404, "/problems/not-found");
	assert_null(header(&f->resp, "Allow"));
	expect_request_id_header(f, "r404");
}

static void wrong_method_is_405_with_allow(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=PUT", "DOCUMENT_URI=/api/v1/test/items", "REQUEST_ID=r405",
		       NULL};
	run(f, env, "", 0);
	expect_problem(f, 405, "/problems/method-not-allowed");
	assert_string_equal(header(&f->resp, "Allow"), "GET, POST");
	expect_request_id_header(f, "r405");
	assert_non_null(strstr(f->wire, "\r\nAllow: GET, POST\r\n"));
}

static void json_route_refuses_other_media_types(void **state)
{
	struct fixture *f = *state;
	const char *types[] = {"text/plain",
			       "",
			       "application/x-www-form-urlencoded",
			       "application/jsonx",
			       "application/json; charset=latin1",
			       "multipart/form-data; boundary=x"};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		run_json(f, types[i], "{\"name\":\"x\"}", 12);
		if (f->resp.status != 415)
			fail_msg("Content-Type \"%s\": expected 415, got %d", types[i],
				 f->resp.status);
		expect_problem(f, 415, "/problems/unsupported-media-type");
		expect_request_id_header(f, "rid-json");
	}
}

static void malformed_json_is_400(void **state)
{
	struct fixture *f = *state;
	const char *bodies[] = {"{\"name\":", "{name:\"x\"}",	    "not json",
				"",	      "{\"name\":\"x\"} x", "{\"name\":\"x\"}{}"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run_json(f, "application/json", bodies[i], strlen(bodies[i]));
		expect_problem(f, 400, "/problems/malformed-json");
		assert_null(f->req.json);
	}
}

static void json_that_is_not_an_object_is_400(void **state)
{
	struct fixture *f = *state;
	const char *bodies[] = {"[{\"name\":\"x\"}]", "\"x\"", "42", "null", "true"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run_json(f, "application/json", bodies[i], strlen(bodies[i]));
		expect_problem(f, 400, "/problems/malformed-json");
		assert_null(f->req.json);
	}
}

static void json_with_bytes_after_a_nul_is_400(void **state)
{
	struct fixture *f = *state;
	static const char body[] = "{\"name\":\"x\"}\0{\"name\":\"y\"}";
	run_json(f, "application/json", body, sizeof(body) - 1);
	expect_problem(f, 400, "/problems/malformed-json");
}

/* A member name that is not UTF-8 text (at any depth) cannot be named back in a refusal
 * without putting those bytes into the answer: the body is malformed (found by
 * tests/fuzz/fuzz_request). */
static void json_with_a_key_not_utf8_is_400(void **state)
{
	struct fixture *f = *state;
	const char *bodies[] = {"{\"\xe1ttachment_ids\":1,\"name\":\"x\"}",
				"{\"name\":\"x\",\"a\":{\"\xff\":1}}",
				"{\"name\":\"x\",\"a\\u0001\":1}"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run_json(f, "application/json", bodies[i], strlen(bodies[i]));
		expect_problem(f, 400, "/problems/malformed-json");
		assert_true(rq_utf8_valid(f->resp.body, f->resp.body_len, NULL));
	}
}

static void body_over_the_cap_is_413(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=POST",
		       "DOCUMENT_URI=/api/v1/test/items",
		       "CONTENT_TYPE=application/json",
		       "CONTENT_LENGTH=1025",
		       "REQUEST_ID=r413",
		       NULL};
	/* the server reads bodies up to the largest route cap, so the whole body is there */
	char *body = rq_alloc(f->arena, 1025);
	memset(body, ' ', 1025);
	run(f, env, body, 1025);
	expect_problem(f, 413, "/problems/too-large");
	cJSON *detail = cJSON_GetObjectItemCaseSensitive(body_json(f), "detail");
	assert_true(cJSON_IsString(detail));
	assert_non_null(strstr(detail->valuestring, "1024"));
	expect_request_id_header(f, "r413");
}

/* An upload route has its own cap; the other routes keep theirs although the server now
 * reads bodies up to the larger one. */
static void upload_route_has_its_own_cap(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(rq_app_max_body(&app, &f->cfg), 2048);
	char *body = rq_alloc(f->arena, 2049);
	memset(body, 'x', 2049);
	char *at_cap[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/v1/test/upload",
			  "CONTENT_TYPE=image/png", "CONTENT_LENGTH=2048", NULL};
	run(f, at_cap, body, 2048);
	assert_int_equal(f->resp.status, 204);
	assert_int_equal(seen.calls, 1);
	seen.calls = 0;

	char *over[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/v1/test/upload",
			"CONTENT_TYPE=image/png", "CONTENT_LENGTH=2049", NULL};
	run(f, over, body, 2049);
	expect_problem(f, 413, "/problems/too-large");
	cJSON *detail = cJSON_GetObjectItemCaseSensitive(body_json(f), "detail");
	assert_non_null(strstr(detail->valuestring, "2048"));

	/* 1500 bytes: read in full, but over the JSON route's 1024 */
	run_json(f, "application/json", body, 1500);
	expect_problem(f, 413, "/problems/too-large");
	detail = cJSON_GetObjectItemCaseSensitive(body_json(f), "detail");
	assert_non_null(strstr(detail->valuestring, "1024"));
}

static void short_body_is_400(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=POST",
		       "DOCUMENT_URI=/api/v1/test/items",
		       "CONTENT_TYPE=application/json",
		       "CONTENT_LENGTH=100",
		       "REQUEST_ID=rshort",
		       NULL};
	run(f, env, "{\"name\":\"x\"}", 12);
	expect_problem(f, 400, "/problems/bad-request");
	expect_request_id_header(f, "rshort");
}

static void bad_content_length_is_400(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/v1/test/items",
		       "CONTENT_TYPE=application/json", "CONTENT_LENGTH=12x", NULL};
	run(f, env, "{\"name\":\"x\"}", 12);
	expect_problem(f, 400, "/problems/bad-request");
}

static void get_reaches_the_handler(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/test/ping", "REQUEST_ID=rget",
		       "REMOTE_ADDR=203.0.113.9", NULL};
	run(f, env, "", 0);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.handler, "ping");
	assert_int_equal(f->resp.status, 200);
	assert_string_equal(f->resp.content_type, "application/json; charset=utf-8");
	assert_non_null(strstr(f->wire, "Status: 200 OK\r\n"));
	expect_request_id_header(f, "rget");
	assert_string_equal(f->req.family, "test");
	assert_string_equal(f->req.actor.kind, "anonymous");
}

static void head_reaches_the_get_handler(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=HEAD", "DOCUMENT_URI=/api/v1/test/ping", NULL};
	run(f, env, "", 0);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.handler, "ping");
	assert_string_equal(seen.method, "HEAD");
}

static void path_params_reach_the_handler(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=DELETE", "DOCUMENT_URI=/api/v1/test/items/77", NULL};
	run(f, env, "", 0);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.param, "77");
	assert_int_equal(f->resp.status, 204);
	assert_non_null(strstr(f->wire, "Status: 204 No Content\r\n"));
}

/* A body that fills CONTENT_LENGTH exactly must parse: cJSON's "require NUL-terminated"
 * check wants the NUL inside the length it is given, which once made every JSON route
 * answer 400. */
static void good_json_reaches_the_handler(void **state)
{
	struct fixture *f = *state;
	const char *types[] = {"application/json", "application/json; charset=utf-8",
			       "Application/JSON; Charset=UTF-8",
			       "application/json;charset=\"utf-8\""};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&seen, 0, sizeof(seen));
		const char *body = "{\"name\":\"城关镇\"}";
		run_json(f, types[i], body, strlen(body));
		if (f->resp.status != 201)
			fail_msg("Content-Type \"%s\": expected 201, got %d: %.*s", types[i],
				 f->resp.status, (int)f->resp.body_len,
				 f->resp.body != NULL ? f->resp.body : "");
		assert_int_equal(seen.calls, 1);
		assert_true(seen.had_json);
		assert_string_equal(seen.name, "城关镇");
		expect_request_id_header(f, "rid-json");
	}
	/* Whitespace around the object is still one JSON object. */
	memset(&seen, 0, sizeof(seen));
	const char *spaced = " {\"name\":\"x\"}\n";
	run_json(f, "application/json", spaced, strlen(spaced));
	assert_int_equal(f->resp.status, 201);
	assert_int_equal(seen.calls, 1);
}

static void handler_validation_errors_are_422(void **state)
{
	struct fixture *f = *state;
	run_json(f, "application/json", "{\"name\":5}", 10);
	if (f->resp.status != 422)
		fail_msg("expected 422 from the handler, got %d: %.*s", f->resp.status,
			 (int)f->resp.body_len, f->resp.body != NULL ? f->resp.body : "");
	assert_int_equal(seen.calls, 1);
	assert_non_null(strstr(f->wire, "Status: 422 Unprocessable Content\r\n"));
	expect_request_id_header(f, "rid-json");
}

static void anonymous_request_to_a_session_route_is_401(void **state)
{
	struct fixture *f = *state;
	char *none[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/test/private", NULL};
	run(f, none, "", 0);
	expect_problem(f, 401, "/problems/unauthenticated");
	assert_non_null(header(&f->resp, "WWW-Authenticate"));

	/* Tokens without the shape of a token never reach the session lookup. */
	char *bad_bearer[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/test/private",
			      "HTTP_AUTHORIZATION=Bearer short", NULL};
	run(f, bad_bearer, "", 0);
	expect_problem(f, 401, "/problems/unauthenticated");

	char *bad_cookie[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/test/private",
			      "HTTP_COOKIE=rq_session=not/a+token", NULL};
	run(f, bad_cookie, "", 0);
	expect_problem(f, 401, "/problems/unauthenticated");

	char *basic[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/test/private",
			 "HTTP_AUTHORIZATION=Basic dXNlcjpwYXNz", NULL};
	run(f, basic, "", 0);
	expect_problem(f, 401, "/problems/unauthenticated");
}

/* Who may ask comes before what was asked: an anonymous caller learns nothing about the
 * body rules of a route it may not use. */
static void session_check_comes_before_body_checks(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/v1/test/admin",
		       "CONTENT_TYPE=text/plain", "CONTENT_LENGTH=2", NULL};
	run(f, env, "{}", 2);
	expect_problem(f, 401, "/problems/unauthenticated");
	char *bad_json[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/v1/test/admin",
			    "CONTENT_TYPE=application/json", "CONTENT_LENGTH=1", NULL};
	run(f, bad_json, "{", 1);
	expect_problem(f, 401, "/problems/unauthenticated");
}

static void missing_request_id_is_generated(void **state)
{
	struct fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/test/nothing", NULL};
	run(f, env, "", 0);
	const char *first = f->req.request_id;
	assert_non_null(first);
	assert_int_equal(strlen(first), 32);
	assert_int_equal(strspn(first, "0123456789abcdef"), 32);
	expect_problem(f, 404, "/problems/not-found"); /* the body names the same id */
	expect_request_id_header(f, first);
	run(f, env, "", 0);
	assert_string_not_equal(f->req.request_id, first);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(unknown_path_is_404, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(wrong_method_is_405_with_allow, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(json_route_refuses_other_media_types, setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(malformed_json_is_400, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(json_that_is_not_an_object_is_400, setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(json_with_bytes_after_a_nul_is_400, setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(json_with_a_key_not_utf8_is_400, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(body_over_the_cap_is_413, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(upload_route_has_its_own_cap, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(short_body_is_400, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(bad_content_length_is_400, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(get_reaches_the_handler, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(head_reaches_the_get_handler, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(path_params_reach_the_handler, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(good_json_reaches_the_handler, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(handler_validation_errors_are_422, setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(anonymous_request_to_a_session_route_is_401, setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(session_check_comes_before_body_checks, setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(missing_request_id_is_generated, setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
