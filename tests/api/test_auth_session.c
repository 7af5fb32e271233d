/* Mini-program sessions: GET /api/v1/auth/me and POST /api/v1/auth/logout with a bearer
 * token; what ends a session (logout, its absolute expiry, inactivity) and what the session
 * row looks like afterwards. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ME     "/api/v1/auth/me"
#define LOGOUT "/api/v1/auth/logout"

/* A token that has the right shape (43 base64url characters) but was never issued. */
#define UNKNOWN_TOKEN "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* Runs an UPDATE of rq.sessions as the owner (sessions are not row-audited, so no actor
 * context is needed) and asserts it touched exactly one row. */
static void owner_update_one(const char *sql, const char *token)
{
	PGconn *c = api_db("owner");
	const char *p[] = {token};
	assert_int_equal(api_sql_exec(c, sql, 1, p), 1);
	PQfinish(c);
}

static struct api_resp *logout(const char *bearer)
{
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	const char *headers[] = {auth, NULL};
	return api_call("POST", LOGOUT, NULL, NULL, headers);
}

/* Asserts the 401 a request without a live session gets. */
static void assert_unauthenticated(const struct api_resp *r)
{
	api_assert_problem(r, 401, "unauthenticated");
	char *www = api_header(r, "WWW-Authenticate");
	if (www == NULL)
		fail_msg("401 without WWW-Authenticate: %s", r->headers);
	assert_true(strncmp(www, "Bearer", 6) == 0);
	free(www);
	assert_null(api_json_str(r, "kind"));
	assert_null(cJSON_GetObjectItemCaseSensitive(r->json, "account"));
}

static char *login(const char *prefix, char *openid, size_t cap)
{
	snprintf(openid, cap, "%s", api_unique(prefix));
	return api_wx_login(openid);
}

static void test_me_with_token_is_the_account(void **state)
{
	(void)state;
	char openid[128];
	char *token = login("me", openid, sizeof(openid));
	char *id = api_account_id(openid);
	struct api_resp *r = api_get(ME, token);
	if (r->status != 200)
		fail_msg("expected 200, got %ld: %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "kind"), "account");
	assert_string_equal(api_json_str(r, "account.id"), id);
	assert_non_null(api_json_str(r, "account.created_at"));
	assert_non_null(api_json_str(r, "account.last_login_at"));
	/* The answer names the account, not its WeChat identity or the token. */
	assert_null(strstr(r->body, openid));
	assert_null(strstr(r->body, token));
	assert_null(cJSON_GetObjectItemCaseSensitive(r->json, "user"));
	api_free(r);
	free(id);
	free(token);
}

static void test_me_without_token_is_401(void **state)
{
	(void)state;
	struct api_resp *r = api_get(ME, NULL);
	assert_unauthenticated(r);
	api_free(r);
}

static void test_me_with_garbage_is_401(void **state)
{
	(void)state;
	static const char *const auths[] = {
	    "Authorization: Bearer garbage",
	    "Authorization: Bearer " UNKNOWN_TOKEN "A", /* one character too long */
	    "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	 /* too short */
	    "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/", /* not url-safe */
	    "Authorization: Bearer 'OR''='AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "Authorization: Basic dXNlcjpwYXNzd29yZA==",
	    "Authorization: Bearer",
	    "Cookie: rq_session=garbage",
	};
	for (size_t i = 0; i < sizeof(auths) / sizeof(auths[0]); i++) {
		const char *headers[] = {auths[i], NULL};
		struct api_resp *r = api_call("GET", ME, NULL, NULL, headers);
		if (r->status != 401)
			fail_msg("%s: expected 401, got %ld: %s", auths[i], r->status, r->body);
		assert_unauthenticated(r);
		api_free(r);
	}
}

static void test_me_with_unknown_wellformed_token_is_401(void **state)
{
	(void)state;
	struct api_resp *r = api_get(ME, UNKNOWN_TOKEN);
	assert_unauthenticated(r);
	api_free(r);
}

/* Logout ends this session (its row keeps existing, with ended_at); other sessions of the
 * same account live on. */
static void test_logout_ends_the_session(void **state)
{
	(void)state;
	char openid[128];
	char *token = login("logout", openid, sizeof(openid));
	char code[160];
	snprintf(code, sizeof(code), "{\"code\":\"ok-union:%s\"}", openid);
	struct api_resp *second = api_post_json("/api/v1/auth/wx-login", code, NULL);
	assert_int_equal(second->status, 200);
	const char *other = api_json_str(second, "token");

	struct api_resp *me = api_get(ME, token);
	assert_int_equal(me->status, 200);
	api_free(me);

	struct api_resp *r = logout(token);
	if (r->status != 204)
		fail_msg("expected 204, got %ld: %s", r->status, r->body);
	assert_int_equal(r->len, 0);
	/* A bearer session has no cookie to clear. */
	char *cookie = api_header(r, "Set-Cookie");
	assert_null(cookie);
	api_free(r);

	me = api_get(ME, token);
	assert_unauthenticated(me);
	api_free(me);

	const char *p[] = {token};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.sessions WHERE token_hash ="
				       " sha256(convert_to($1, 'UTF8')) AND ended_at IS NOT NULL"
				       " AND ended_at <= now()",
				       1, p),
			 1);

	/* Ended is ended: a second logout with the same token is refused. */
	r = logout(token);
	assert_unauthenticated(r);
	api_free(r);

	/* The account's other session is untouched. */
	me = api_get(ME, other);
	assert_int_equal(me->status, 200);
	api_free(me);
	const char *p2[] = {other};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.sessions WHERE token_hash ="
				       " sha256(convert_to($1, 'UTF8')) AND ended_at IS NULL",
				       1, p2),
			 1);
	api_free(second);
	free(token);
}

static void test_logout_without_session_is_401(void **state)
{
	(void)state;
	struct api_resp *r = api_call("POST", LOGOUT, NULL, NULL, NULL);
	assert_unauthenticated(r);
	api_free(r);
	r = logout(UNKNOWN_TOKEN);
	assert_unauthenticated(r);
	api_free(r);
}

/* A session past its absolute expiry no longer resolves. */
static void test_expired_session_is_401(void **state)
{
	(void)state;
	char openid[128];
	char *token = login("expired", openid, sizeof(openid));
	struct api_resp *r = api_get(ME, token);
	assert_int_equal(r->status, 200);
	api_free(r);

	/* created_at moves back too: the table requires expires_at > created_at. */
	owner_update_one("UPDATE rq.sessions SET created_at = now() - interval '8 days',"
			 " expires_at = now() - interval '1 second'"
			 " WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
			 token);
	r = api_get(ME, token);
	assert_unauthenticated(r);
	api_free(r);
	r = logout(token);
	assert_unauthenticated(r);
	api_free(r);
	/* Refusing it changed nothing: the row is not marked ended by a failed lookup. */
	const char *p[] = {token};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.sessions WHERE token_hash ="
				       " sha256(convert_to($1, 'UTF8')) AND ended_at IS NULL",
				       1, p),
			 1);
	free(token);
}

/* A session unused for longer than RUQIMA_SESSION_IDLE (7200 s) no longer resolves. */
static void test_idle_session_is_401(void **state)
{
	(void)state;
	assert_string_equal(api_env("RUQIMA_SESSION_IDLE"), "7200");
	char openid[128];
	char *token = login("idle", openid, sizeof(openid));
	owner_update_one("UPDATE rq.sessions SET created_at = now() - interval '3 hours',"
			 " last_seen_at = now() - interval '3 hours'"
			 " WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
			 token);
	struct api_resp *r = api_get(ME, token);
	assert_unauthenticated(r);
	api_free(r);
	free(token);
}

/* A session used within the idle limit lives on, and its use is recorded (last_seen_at
 * moves forward), which is what keeps an active session from going idle. */
static void test_recently_used_session_is_kept_alive(void **state)
{
	(void)state;
	char openid[128];
	char *token = login("active", openid, sizeof(openid));
	owner_update_one("UPDATE rq.sessions SET created_at = now() - interval '1 hour 50 minutes',"
			 " last_seen_at = now() - interval '1 hour 50 minutes'"
			 " WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
			 token);
	struct api_resp *r = api_get(ME, token);
	if (r->status != 200)
		fail_msg("expected 200, got %ld: %s", r->status, r->body);
	api_free(r);
	const char *p[] = {token};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.sessions WHERE token_hash ="
				       " sha256(convert_to($1, 'UTF8'))"
				       " AND last_seen_at > now() - interval '5 minutes'",
				       1, p),
			 1);
	free(token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_me_with_token_is_the_account),
	    cmocka_unit_test(test_me_without_token_is_401),
	    cmocka_unit_test(test_me_with_garbage_is_401),
	    cmocka_unit_test(test_me_with_unknown_wellformed_token_is_401),
	    cmocka_unit_test(test_logout_ends_the_session),
	    cmocka_unit_test(test_logout_without_session_is_401),
	    cmocka_unit_test(test_expired_session_is_401),
	    cmocka_unit_test(test_idle_session_is_401),
	    cmocka_unit_test(test_recently_used_session_is_kept_alive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
