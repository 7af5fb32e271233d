/* CSRF protection of the portal: with the session cookie, a request that changes state must
 * carry the X-CSRF-Token the login answered, else 403 and nothing changes. Bearer sessions
 * of the mini-program cannot use the portal's routes at all. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNITS  "/api/v1/admin/units"
#define ME     "/api/v1/auth/me"
#define LOGOUT "/api/v1/auth/logout"

/* Well-formed (43 base64url characters), but nobody's CSRF token. */
#define WRONG_CSRF "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* A request with the portal's cookie and, when csrf is not NULL, an X-CSRF-Token header. */
static struct api_resp *portal_call(const struct api_portal *p, const char *method,
				    const char *path, const char *json, const char *csrf)
{
	char token[128];
	/* "Name;" is how curl sends a header with an empty value ("Name:" would drop it). */
	if (csrf != NULL && *csrf == '\0')
		snprintf(token, sizeof(token), "X-CSRF-Token;");
	else
		snprintf(token, sizeof(token), "X-CSRF-Token: %s", csrf != NULL ? csrf : "");
	const char *headers[] = {p->cookie_header, csrf != NULL ? token : NULL, NULL};
	return api_call(method, path, json != NULL ? "application/json" : NULL, json, headers);
}

static int64_t units_named(const char *name)
{
	const char *p[] = {name};
	return api_owner_int("SELECT count(*) FROM rq.units WHERE name = $1", 1, p);
}

static int64_t live_sessions(const struct api_portal *p)
{
	const char *params[] = {p->cookie + strlen("rq_session=")};
	return api_owner_int("SELECT count(*) FROM rq.sessions WHERE token_hash ="
			     " sha256(convert_to($1, 'UTF8')) AND ended_at IS NULL",
			     1, params);
}

static void unit_body(char *body, size_t cap, char *name, size_t name_cap)
{
	snprintf(name, name_cap, "%s", api_unique("csrf-unit"));
	snprintf(body, cap, "{\"name\":\"%s\"}", name);
}

static void test_create_without_csrf_token_is_403(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "csrf-none");
	char name[128], body[256];
	unit_body(body, sizeof(body), name, sizeof(name));

	struct api_resp *r = portal_call(&p, "POST", UNITS, body, NULL);
	api_assert_problem(r, 403, "csrf");
	assert_null(api_json_str(r, "id"));
	assert_int_equal(units_named(name), 0);
	api_free(r);

	/* An empty header is no better. */
	r = portal_call(&p, "POST", UNITS, body, "");
	api_assert_problem(r, 403, "csrf");
	api_free(r);
	assert_int_equal(units_named(name), 0);
	api_portal_free(&p);
}

static void test_create_with_wrong_csrf_token_is_403(void **state)
{
	(void)state;
	struct api_portal p, other;
	api_portal_login(&p, "csrf-wrong");
	api_portal_login(&other, "csrf-other");
	char name[128], body[256];
	unit_body(body, sizeof(body), name, sizeof(name));

	/* A made-up token, the session token itself, and another session's valid CSRF token. */
	const char *wrong[] = {WRONG_CSRF, p.cookie + strlen("rq_session="), other.csrf, "garbage"};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		struct api_resp *r = portal_call(&p, "POST", UNITS, body, wrong[i]);
		if (r->status != 403)
			fail_msg("token %zu: expected 403, got %ld: %s", i, r->status, r->body);
		api_assert_problem(r, 403, "csrf");
		api_free(r);
	}
	assert_int_equal(units_named(name), 0);
	api_portal_free(&p);
	api_portal_free(&other);
}

static void test_create_with_csrf_token_is_201(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "csrf-right");
	char name[128], body[256];
	unit_body(body, sizeof(body), name, sizeof(name));

	struct api_resp *r = portal_call(&p, "POST", UNITS, body, p.csrf);
	if (r->status != 201)
		fail_msg("expected 201, got %ld: %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "name"), name);
	const char *id = api_json_str(r, "id");
	assert_non_null(id);

	const char *params[] = {id, name};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.units WHERE id = $1::bigint"
				       " AND name = $2 AND active",
				       2, params),
			 1);
	/* Audited as the admin user, under the request's id. */
	char *rid = api_request_id(r);
	const char *p2[] = {rid, id, p.username};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log l JOIN rq.admin_users u"
			  " ON l.actor_id = u.id::text WHERE l.request_id = $1"
			  " AND l.table_name = 'rq.units' AND l.operation = 'INSERT'"
			  " AND l.row_pk = $2 AND l.actor_kind = 'admin' AND u.username = $3"
			  " AND l.actor_role = 'city_admin'",
			  3, p2),
	    1);
	free(rid);
	api_free(r);

	/* Reading needs no CSRF token. */
	r = portal_call(&p, "GET", UNITS, NULL, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	api_portal_free(&p);
}

/* A mini-program session is not an admin: 403 on the portal's routes, with or without a
 * CSRF token, and nothing is created. */
static void test_bearer_session_on_admin_route_is_403(void **state)
{
	(void)state;
	char openid[128], name[128], body[256];
	snprintf(openid, sizeof(openid), "%s", api_unique("csrf-bearer"));
	char *token = api_wx_login(openid);
	unit_body(body, sizeof(body), name, sizeof(name));

	struct api_resp *r = api_post_json(UNITS, body, token);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);

	char auth[128], csrf[128];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", WRONG_CSRF);
	const char *headers[] = {auth, csrf, NULL};
	r = api_call("POST", UNITS, "application/json", body, headers);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);

	r = api_get(UNITS, token);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);

	assert_int_equal(units_named(name), 0);
	free(token);
}

/* Logout with the cookie changes state too: without the CSRF token it is refused and the
 * session lives on; with it, 204, the session ends and the cookie is cleared. */
static void test_cookie_logout_needs_csrf_token(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "csrf-logout");

	struct api_resp *r = portal_call(&p, "POST", LOGOUT, NULL, NULL);
	api_assert_problem(r, 403, "csrf");
	char *set = api_header(r, "Set-Cookie");
	assert_null(set);
	api_free(r);
	r = portal_call(&p, "POST", LOGOUT, NULL, WRONG_CSRF);
	api_assert_problem(r, 403, "csrf");
	api_free(r);
	assert_int_equal(live_sessions(&p), 1);
	r = portal_call(&p, "GET", ME, NULL, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);

	r = portal_call(&p, "POST", LOGOUT, NULL, p.csrf);
	if (r->status != 204)
		fail_msg("expected 204, got %ld: %s", r->status, r->body);
	set = api_header(r, "Set-Cookie");
	if (set == NULL)
		fail_msg("logout did not clear the cookie: %s", r->headers);
	assert_true(strncmp(set, "rq_session=;", 12) == 0);
	static const char *const attrs[] = {"; Max-Age=0", "; Path=/api/", "; HttpOnly", "; Secure",
					    "; SameSite=Strict"};
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strstr(set, attrs[i]) == NULL)
			fail_msg("clearing Set-Cookie lacks %s: %s", attrs[i] + 2, set);
	free(set);
	api_free(r);

	assert_int_equal(live_sessions(&p), 0);
	r = portal_call(&p, "GET", ME, NULL, NULL);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	/* The ended session's CSRF token is worth nothing either. */
	char name[128], body[256];
	unit_body(body, sizeof(body), name, sizeof(name));
	r = portal_call(&p, "POST", UNITS, body, p.csrf);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	assert_int_equal(units_named(name), 0);
	api_portal_free(&p);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_without_csrf_token_is_403),
	    cmocka_unit_test(test_create_with_wrong_csrf_token_is_403),
	    cmocka_unit_test(test_create_with_csrf_token_is_201),
	    cmocka_unit_test(test_bearer_session_on_admin_route_is_403),
	    cmocka_unit_test(test_cookie_logout_needs_csrf_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
