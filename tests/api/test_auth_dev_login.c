/* The development login (POST /api/v1/auth/dev-login {openid}) exists only when
 * RUQIMA_DEV_LOGIN=1. The test stack runs with it off: the endpoint answers 404 and logs
 * nobody in; and a session a pool made while it was on (a private pool, pool_support.h) is
 * over once it is off: every route of the stack answers it 401, and the first pool started
 * without it ends it in the database. */
#include "api.h"
#include "pool_support.h"

#include <signal.h>
#include <unistd.h>

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

/* A development login on a private pool with RUQIMA_DEV_LOGIN=1: the bearer token
 * (malloc'd). */
static char *dev_session(struct pl_pool *p, const char *openid)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"openid\":\"%s\"}", openid);
	int fd = pl_fcgi_connect(p->sock);
	assert_true(fd >= 0);
	pl_fcgi_send(fd, "POST", DEV_LOGIN, "application/json", body);
	const struct pl_answer *a = pl_fcgi_read(p, fd, 10);
	close(fd);
	pl_assert_complete(a, "dev-login with RUQIMA_DEV_LOGIN=1");
	if (a->status != 200)
		fail_msg("dev-login: expected 200, got %ld: %.300s", a->status, a->out);
	const char *token =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->json, "token"));
	assert_non_null(token);
	return strdup(token);
}

/* The attacker kept a token from the days the development login was on (a test stack, a
 * staging copy of the database): with RUQIMA_DEV_LOGIN=0 it opens nothing. A WeChat session
 * of the same account, made the ordinary way, still works. */
static void test_dev_sessions_end_when_disabled(void **state)
{
	struct pl_pool *p = *state;
	pl_pool_start(p, (const char *const[]){"RUQIMA_DEV_LOGIN=1", NULL});
	char openid[128];
	snprintf(openid, sizeof(openid), "%s", api_unique("dev-kept"));
	char *token = dev_session(p, openid);
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	assert_int_equal(pl_pool_wait(p, 10), 0);
	pl_assert_clean_stop(p);

	/* the stack runs with the development login off: the session is over, on every family */
	static const char *const paths[] = {"/api/v1/auth/me", "/api/v1/registration/profile",
					    "/api/v1/evaluation/enterprises",
					    "/api/v1/evaluation/notifications"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct api_resp *r = api_get(paths[i], token);
		if (r->status != 401)
			fail_msg("GET %s with a dev-login session answered %ld: %s", paths[i],
				 r->status, r->body);
		api_assert_problem(r, 401, "unauthenticated");
		api_free(r);
	}
	/* ended in the database, not only refused, by the first pool that starts without the
	 * development login: turning it on again does not revive the session */
	void *second = NULL;
	assert_int_equal(pl_setup(&second), 0);
	struct pl_pool *off = second;
	pl_pool_start(off, NULL);
	double deadline = api_now() + 10;
	while (pl_log_count(off, "development login off: its sessions ended") == 0 &&
	       api_now() < deadline)
		usleep(50 * 1000);
	assert_true(pl_log_count(off, "development login off: its sessions ended") >= 1);
	off->passed = 1;
	pl_teardown(&second);
	const char *q[] = {openid};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.sessions s JOIN rq.accounts a"
				       " ON a.id = s.account_id WHERE a.openid = $1"
				       " AND s.ended_at IS NULL",
				       1, q),
			 0);
	/* the same account logged in the ordinary way (WeChat) is not concerned */
	char *wx = api_wx_login(openid);
	struct api_resp *r = api_get("/api/v1/auth/me", wx);
	assert_int_equal(r->status, 200);
	api_free(r);
	free(wx);
	free(token);
	p->passed = 1;
}

int main(void)
{
	api_init();
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dev_sessions_end_when_disabled, pl_setup,
					    pl_teardown),
	    cmocka_unit_test(test_stack_runs_with_dev_login_off),
	    cmocka_unit_test(test_disabled_dev_login_is_404_and_creates_no_account),
	    cmocka_unit_test(test_disabled_dev_login_ignores_the_body),
	    cmocka_unit_test(test_disabled_dev_login_is_404_for_a_session_too),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
