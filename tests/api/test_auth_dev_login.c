/* The development login (POST /api/v1/auth/dev-login {openid}) exists only when
 * RUQIMA_DEV_LOGIN=1. The test stack runs with it off: the endpoint answers 404 and logs
 * nobody in. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEV_LOGIN "/api/v1/auth/dev-login"

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

	assert_int_equal(api_accounts_with_openid(openid), 0);
	assert_int_equal(api_audit_rows_of(r), 0);
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
	assert_int_equal(api_accounts_with_openid(victim), 0);
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
