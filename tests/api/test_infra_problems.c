/* Errors every route shares: unknown route, wrong method, bodies that are not a JSON object,
 * bodies too large, and validation errors. Each is application/problem+json (RFC 9457) with
 * the request id of X-Request-Id, and changes nothing in the database. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The problem's request_id member is the X-Request-Id of the answer. */
static void assert_request_id(const struct api_resp *r)
{
	char *id = api_header(r, "X-Request-Id");
	if (id == NULL)
		fail_msg("no X-Request-Id on %ld answer: %s", r->status, r->body);
	const char *body_id = api_json_str(r, "request_id");
	if (body_id == NULL)
		fail_msg("no request_id member in %s", r->body);
	assert_string_equal(body_id, id);
	assert_int_equal(strlen(id), 32);
	free(id);
}

/* A portal user's failed_attempts. */
static int64_t failed_attempts(const char *username)
{
	const char *p[] = {username};
	return api_owner_int("SELECT failed_attempts FROM rq.admin_users WHERE username = $1", 1,
			     p);
}

static void test_unknown_route_is_404(void **state)
{
	(void)state;
	struct api_resp *r = api_get("/api/v1/admin/nope", NULL);
	api_assert_problem(r, 404, "not-found");
	assert_request_id(r);
	api_free(r);

	/* also below an existing route, and on another pool */
	r = api_call("POST", "/api/v1/admin/units/1/nope", "application/json", "{}", NULL);
	api_assert_problem(r, 404, "not-found");
	assert_request_id(r);
	api_free(r);
	r = api_get("/api/v1/evaluation/nope", NULL);
	api_assert_problem(r, 404, "not-found");
	assert_request_id(r);
	api_free(r);
}

static void test_wrong_method_is_405_with_allow(void **state)
{
	(void)state;
	struct api_resp *r = api_call("DELETE", "/api/v1/admin/units", NULL, NULL, NULL);
	api_assert_problem(r, 405, "method-not-allowed");
	assert_request_id(r);
	api_assert_header(r, "Allow", "GET, POST");
	api_free(r);

	r = api_get("/api/v1/admin/login", NULL);
	api_assert_problem(r, 405, "method-not-allowed");
	assert_request_id(r);
	api_assert_header(r, "Allow", "POST");
	api_free(r);
}

/* A portal user for the login-body tests; returns the username (static buffer). */
static const char *make_admin(void)
{
	const char *username = api_unique("infra-prob");
	char *password = api_create_admin(username, "city_admin");
	free(password);
	return username;
}

static void test_malformed_json_is_400(void **state)
{
	(void)state;
	const char *user = make_admin();
	char body[256];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"wrong\"", user);
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/login", "application/json", body, NULL);
	api_assert_problem(r, 400, "malformed-json");
	assert_request_id(r);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);

	/* Nothing was counted against the user: the body was never read as a login. */
	assert_int_equal(failed_attempts(user), 0);
}

static void test_json_array_is_400(void **state)
{
	(void)state;
	const char *user = make_admin();
	char body[256];
	snprintf(body, sizeof(body), "[{\"username\":\"%s\",\"password\":\"wrong\"}]", user);
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/login", "application/json", body, NULL);
	api_assert_problem(r, 400, "malformed-json");
	assert_request_id(r);
	api_free(r);

	/* Other JSON values that are not objects. */
	static const char *const not_objects[] = {"\"text\"", "42", "null", "", "{} {}", NULL};
	for (const char *const *b = not_objects; *b != NULL; b++) {
		r = api_call("POST", "/api/v1/admin/login", "application/json", *b, NULL);
		if (r->status != 400)
			fail_msg("body '%s': expected 400, got %ld %s", *b, r->status, r->body);
		api_assert_problem(r, 400, "malformed-json");
		assert_request_id(r);
		api_free(r);
	}
	assert_int_equal(failed_attempts(user), 0);
}

static void test_wrong_content_type_is_415(void **state)
{
	(void)state;
	const char *user = make_admin();
	char body[256];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"wrong\"}", user);
	static const char *const types[] = {"text/plain", "application/x-www-form-urlencoded",
					    "application/json; charset=latin1", NULL};
	for (const char *const *t = types; *t != NULL; t++) {
		struct api_resp *r = api_call("POST", "/api/v1/admin/login", *t, body, NULL);
		if (r->status != 415)
			fail_msg("Content-Type %s: expected 415, got %ld %s", *t, r->status,
				 r->body);
		api_assert_problem(r, 415, "unsupported-media-type");
		assert_request_id(r);
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
	/* no Content-Type at all */
	struct api_resp *r = api_call("POST", "/api/v1/admin/login", NULL, body, NULL);
	api_assert_problem(r, 415, "unsupported-media-type");
	assert_request_id(r);
	api_free(r);

	assert_int_equal(failed_attempts(user), 0);

	/* The accepted spellings of JSON do reach the handler (a wrong password: 401). */
	r = api_call("POST", "/api/v1/admin/login", "application/json; charset=UTF-8", body, NULL);
	api_assert_problem(r, 401, "invalid-credentials");
	api_free(r);
}

/* A valid JSON object of `size` bytes that would be a login attempt for user. */
static char *login_body_of_size(const char *user, size_t size)
{
	char *b = malloc(size + 1);
	assert_non_null(b);
	int head = snprintf(b, size, "{\"username\":\"%s\",\"password\":\"", user);
	assert_true(head > 0 && (size_t)head + 2 < size);
	memset(b + head, 'a', size - (size_t)head - 2);
	memcpy(b + size - 2, "\"}", 3);
	assert_int_equal(strlen(b), size);
	return b;
}

/* 1.5 MB: under nginx's client_max_body_size (2 MiB), over the pools' 1 MiB cap: the pool
 * answers, in problem+json, without reading it as a login. */
static void test_body_over_pool_cap_is_413_from_pool(void **state)
{
	(void)state;
	const char *user = make_admin();
	char *body = login_body_of_size(user, 1536 * 1024);
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/login", "application/json", body, NULL);
	free(body);
	api_assert_problem(r, 413, "too-large");
	assert_request_id(r);
	assert_non_null(strstr(api_json_str(r, "detail"), "1048576"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(failed_attempts(user), 0);

	/* The worker drained the body and goes on serving. */
	r = api_get("/api/v1/admin/health", NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
}

/* Exactly at the cap is accepted (and is then a wrong password). */
static void test_body_at_pool_cap_is_accepted(void **state)
{
	(void)state;
	const char *user = make_admin();
	char *body = login_body_of_size(user, 1048576);
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/login", "application/json", body, NULL);
	free(body);
	/* the password is longer than 256 characters: a validation error naming it */
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "password");
	assert_request_id(r);
	api_free(r);
}

/* An answer nginx made itself is a problem like the pools': its status, a type, a Chinese
 * detail and the request id. */
static void assert_nginx_problem(const struct api_resp *r, long status, const char *slug,
				 const char *detail)
{
	api_assert_problem(r, status, slug);
	assert_string_equal(api_json_str(r, "detail"), detail);
	assert_request_id(r);
}

/* Over nginx's own limit (2 MiB): nginx answers 413 itself, also as problem+json. */
static void test_body_over_nginx_cap_is_413_from_nginx(void **state)
{
	(void)state;
	const char *user = make_admin();
	char *body = login_body_of_size(user, 2560 * 1024);
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/login", "application/json", body, NULL);
	free(body);
	assert_nginx_problem(r, 413, "too-large", "请求体过大，超过了服务器接受的大小");
	api_free(r);
	assert_int_equal(failed_attempts(user), 0);
}

/* A path under /api/ that no pool serves is nginx's own 404. */
static void test_path_outside_the_pools_is_404_from_nginx(void **state)
{
	(void)state;
	struct api_resp *r = api_get("/api/v2/registration/health", NULL);
	assert_nginx_problem(r, 404, "not-found", "接口不存在");
	api_free(r);
}

static int64_t units_with_group(const char *group)
{
	const char *p[] = {group};
	return api_owner_int("SELECT count(*) FROM rq.units WHERE discipline_group = $1", 1, p);
}

static void test_validation_error_is_422_and_writes_nothing(void **state)
{
	(void)state;
	struct api_portal a;
	api_portal_login(&a, "infra-prob-city");
	const char *headers[] = {a.cookie_header, a.csrf_header, NULL};
	char body[512];
	const char *group = api_unique("infra-group");

	snprintf(body, sizeof(body), "{\"name\":\"\",\"discipline_group\":\"%s\"}", group);
	struct api_resp *r =
	    api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
	api_assert_problem(r, 422, "validation");
	assert_request_id(r);
	api_assert_error_field(r, "name");
	cJSON *errors = cJSON_GetObjectItemCaseSensitive(r->json, "errors");
	assert_int_equal(cJSON_GetArraySize(errors), 1);
	cJSON *e = cJSON_GetArrayItem(errors, 0);
	assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(units_with_group(group), 0);

	/* Several bad fields are all named at once; a wrong type is a validation error too. */
	snprintf(body, sizeof(body),
		 "{\"name\":5,\"county_code\":\"12\",\"discipline_group\":\"%s\"}", group);
	r = api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
	api_assert_problem(r, 422, "validation");
	assert_request_id(r);
	api_assert_error_field(r, "name");
	api_assert_error_field(r, "county_code");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);

	/* Text that is not valid UTF-8, or holds a control character, is refused by name. */
	static const char *const bad_names[] = {"\xff\xfe",  "caf\xc3",	  "\xc0\xaf",
						"a\\u0001b", "a\\u001bb", NULL};
	for (const char *const *n = bad_names; *n != NULL; n++) {
		snprintf(body, sizeof(body), "{\"name\":\"%s\",\"discipline_group\":\"%s\"}", *n,
			 group);
		r = api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
		if (r->status != 422)
			fail_msg("name \"%s\": expected 422, got %ld %s", *n, r->status, r->body);
		api_assert_problem(r, 422, "validation");
		api_assert_error_field(r, "name");
		assert_request_id(r);
		api_free(r);
	}
	assert_int_equal(units_with_group(group), 0);

	/* Blank names (ASCII spaces, the ideographic space U+3000) are refused by name too. */
	static const char *const blank_names[] = {"   ", "\t", "\u3000\u3000", NULL};
	for (const char *const *n = blank_names; *n != NULL; n++) {
		snprintf(body, sizeof(body), "{\"name\":\"%s\",\"discipline_group\":\"%s\"}", *n,
			 group);
		r = api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
		api_assert_problem(r, 422, "validation");
		api_assert_error_field(r, "name");
		api_free(r);
	}
	/* An escaped NUL would cut the name short ("nul\u0000tail" stored as "nul"): refused. */
	snprintf(body, sizeof(body), "{\"name\":\"nul\\u0000tail\",\"discipline_group\":\"%s\"}",
		 group);
	r = api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
	api_assert_problem(r, 400, "malformed-json");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(units_with_group(group), 0);

	/* A well-formed county code that is no region of Xinyang (checked in the database). */
	snprintf(body, sizeof(body),
		 "{\"name\":\"%s\",\"county_code\":\"110101\",\"discipline_group\":\"%s\"}",
		 api_unique("infra-unit"), group);
	r = api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "county_code");
	assert_request_id(r);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(units_with_group(group), 0);

	/* The same session with a valid body does write: the 422s were about the input. */
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"discipline_group\":\"%s\"}",
		 api_unique("infra-unit"), group);
	r = api_call("POST", "/api/v1/admin/units", "application/json", body, headers);
	if (r->status != 201)
		fail_msg("valid unit: %ld %s", r->status, r->body);
	api_free(r);
	assert_int_equal(units_with_group(group), 1);
	api_portal_free(&a);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_route_is_404),
	    cmocka_unit_test(test_wrong_method_is_405_with_allow),
	    cmocka_unit_test(test_malformed_json_is_400),
	    cmocka_unit_test(test_json_array_is_400),
	    cmocka_unit_test(test_wrong_content_type_is_415),
	    cmocka_unit_test(test_body_over_pool_cap_is_413_from_pool),
	    cmocka_unit_test(test_body_at_pool_cap_is_accepted),
	    cmocka_unit_test(test_body_over_nginx_cap_is_413_from_nginx),
	    cmocka_unit_test(test_path_outside_the_pools_is_404_from_nginx),
	    cmocka_unit_test(test_validation_error_is_422_and_writes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
