/* The development login (POST /api/v1/auth/dev-login {openid}) exists only when
 * RUQIMA_DEV_LOGIN=1. The test stack runs with it off: the endpoint answers 404 and logs
 * nobody in. */
#include "api.h"

#include "rq_num.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEV_LOGIN "/api/v1/auth/dev-login"

static int64_t owner_int(const char *sql, int n, const char *const *params)
{
	PGconn *c = api_db("owner");
	char *v = api_sql_value(c, sql, n, params);
	PQfinish(c);
	int64_t out = 0;
	if (v == NULL || rq_parse_i64(v, INT64_MIN, INT64_MAX, &out) != 0)
		fail_msg("%s: not a number: %s", sql, v != NULL ? v : "(null)");
	free(v);
	return out;
}

static void test_stack_runs_with_dev_login_off(void **state)
{
	(void)state;
	assert_string_equal(api_env("RUQIMA_DEV_LOGIN"), "0");
}

/* A well-formed dev login is a 404 not-found, creates no account and writes nothing. */
static void test_disabled_dev_login_is_404_and_creates_no_account(void **state)
{
	(void)state;
	char openid[128], body[256];
	snprintf(openid, sizeof(openid), "%s", api_unique("dev"));
	snprintf(body, sizeof(body), "{\"openid\":\"%s\"}", openid);
	struct api_resp *r = api_post_json(DEV_LOGIN, body, NULL);
	api_assert_problem(r, 404, "not-found");
	assert_null(api_json_str(r, "token"));
	assert_null(strstr(r->body, openid));

	const char *p[] = {openid};
	assert_int_equal(owner_int("SELECT count(*) FROM rq.accounts WHERE openid = $1", 1, p), 0);
	char *rid = api_header(r, "X-Request-Id");
	assert_non_null(rid);
	const char *p2[] = {rid};
	assert_int_equal(owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1", 1, p2),
			 0);
	free(rid);
	api_free(r);
}

/* Disabled means disabled whatever the body: no validation answer that would tell a caller
 * what the endpoint expects. */
static void test_disabled_dev_login_ignores_the_body(void **state)
{
	(void)state;
	static const char *const bodies[] = {"{}", "{\"openid\":\"\"}", "{\"openid\":42}"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct api_resp *r = api_post_json(DEV_LOGIN, bodies[i], NULL);
		api_assert_problem(r, 404, "not-found");
		assert_null(cJSON_GetObjectItemCaseSensitive(r->json, "errors"));
		api_free(r);
	}
}

/* A logged-in caller cannot use it either (it would mint sessions for any openid). */
static void test_disabled_dev_login_is_404_for_a_session_too(void **state)
{
	(void)state;
	char openid[128], victim[128], body[256];
	snprintf(openid, sizeof(openid), "%s", api_unique("dev-caller"));
	snprintf(victim, sizeof(victim), "%s", api_unique("dev-victim"));
	char *token = api_wx_login(openid);
	snprintf(body, sizeof(body), "{\"openid\":\"%s\"}", victim);
	struct api_resp *r = api_post_json(DEV_LOGIN, body, token);
	api_assert_problem(r, 404, "not-found");
	const char *p[] = {victim};
	assert_int_equal(owner_int("SELECT count(*) FROM rq.accounts WHERE openid = $1", 1, p), 0);
	api_free(r);
	free(token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stack_runs_with_dev_login_off),
	    cmocka_unit_test(test_disabled_dev_login_is_404_and_creates_no_account),
	    cmocka_unit_test(test_disabled_dev_login_ignores_the_body),
	    cmocka_unit_test(test_disabled_dev_login_is_404_for_a_session_too),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
