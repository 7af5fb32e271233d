/* Portal login: POST /api/v1/admin/login {username, password} → session cookie and CSRF
 * token; wrong passwords are counted in rq.admin_users (whose changes the audit trail
 * records under the request's id), and repeated failures from one address slow that
 * username down there (rq.login_throttle). */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOGIN "/api/v1/admin/login"
#define ME    "/api/v1/auth/me"

/* A new city_admin; its username into name (cap bytes), its password returned. */
static char *new_admin(const char *prefix, char *name, size_t cap)
{
	snprintf(name, cap, "%s", api_unique(prefix));
	return api_create_admin(name, "city_admin");
}

static int64_t failed_attempts(const char *username)
{
	const char *p[] = {username};
	return api_owner_int("SELECT failed_attempts FROM rq.admin_users WHERE username = $1", 1,
			     p);
}

/* The answer to a failed login, with nothing that tells why it failed. */
static void assert_invalid_credentials(const struct api_resp *r)
{
	api_assert_problem(r, 401, "invalid-credentials");
	char *cookie = api_header(r, "Set-Cookie");
	assert_null(cookie);
	assert_null(api_json_str(r, "csrf_token"));
	assert_null(cJSON_GetObjectItemCaseSensitive(r->json, "errors"));
}

/* The audit rows the request wrote for this admin user's row (UPDATEs of rq.admin_users),
 * whose new image satisfies cond (SQL over the jsonb n). */
static int64_t audit_updates(const struct api_resp *r, const char *username, const char *cond)
{
	char *rid = api_request_id(r);
	char sql[1024];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit.log l, rq.admin_users u, LATERAL (SELECT l.new_row)"
		 " AS x(n) WHERE u.username = $2 AND l.table_name = 'rq.admin_users'"
		 " AND l.operation = 'UPDATE' AND l.row_pk = u.id::text AND l.request_id = $1"
		 " AND l.actor_kind = 'anonymous' AND n->>'password_hash' = '[redacted]'"
		 " AND l.old_row->>'password_hash' = '[redacted]' AND (%s)",
		 cond);
	const char *p[] = {rid, username};
	int64_t n = api_owner_int(sql, 2, p);
	free(rid);
	return n;
}

/* Login answers 200, a Secure HttpOnly SameSite=Strict cookie for /api/ and a CSRF token;
 * the session row stores hashes of both. */
static void test_login_sets_session_cookie_and_csrf_token(void **state)
{
	(void)state;
	char name[128];
	char *password = new_admin("portal", name, sizeof(name));
	struct api_resp *r = api_login(name, password);
	if (r->status != 200)
		fail_msg("expected 200, got %ld: %s", r->status, r->body);

	char *cookie = api_header(r, "Set-Cookie");
	if (cookie == NULL)
		fail_msg("no Set-Cookie: %s", r->headers);
	assert_true(strncmp(cookie, "rq_session=", 11) == 0);
	size_t token_len = strcspn(cookie + 11, ";");
	assert_int_equal(token_len, 43);
	char token[44];
	memcpy(token, cookie + 11, 43);
	token[43] = '\0';
	static const char *const attrs[] = {"; HttpOnly", "; Secure", "; SameSite=Strict",
					    "; Path=/api/"};
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strstr(cookie, attrs[i]) == NULL)
			fail_msg("Set-Cookie lacks %s: %s", attrs[i] + 2, cookie);

	const char *csrf = api_json_str(r, "csrf_token");
	assert_non_null(csrf);
	assert_int_equal(strlen(csrf), 43);
	assert_string_not_equal(csrf, token);
	assert_string_equal(api_json_str(r, "user.username"), name);
	assert_string_equal(api_json_str(r, "user.role"), "city_admin");
	cJSON *exp = cJSON_GetObjectItemCaseSensitive(r->json, "expires_in");
	assert_true(cJSON_IsNumber(exp));
	assert_int_equal((int64_t)exp->valuedouble, api_to_i64(api_env("RUQIMA_SESSION_TTL")));
	/* The session token travels in the cookie only, never in the body. */
	assert_null(strstr(r->body, token));

	const char *p[] = {token, csrf, name};
	assert_int_equal(
	    api_owner_int(
		"SELECT count(*) FROM rq.sessions s JOIN rq.admin_users u"
		" ON u.id = s.admin_user_id WHERE u.username = $3 AND s.actor_kind = 'admin'"
		" AND s.account_id IS NULL AND s.ended_at IS NULL"
		" AND s.token_hash = sha256(convert_to($1, 'UTF8'))"
		" AND s.csrf_hash = sha256(convert_to($2, 'UTF8'))",
		3, p),
	    1);
	const char *p2[] = {token, csrf};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.sessions s WHERE strpos(s::text, $1) > 0"
			  " OR strpos(s::text, $2) > 0",
			  2, p2),
	    0);
	/* A clean login changes nothing in rq.admin_users, so it writes no audit row. */
	assert_int_equal(api_audit_rows_of(r), 0);

	/* The cookie is the portal's session: /auth/me names the admin user. */
	char header[128];
	snprintf(header, sizeof(header), "Cookie: rq_session=%s", token);
	const char *headers[] = {header, NULL};
	struct api_resp *me = api_call("GET", ME, NULL, NULL, headers);
	if (me->status != 200)
		fail_msg("me: expected 200, got %ld: %s", me->status, me->body);
	assert_string_equal(api_json_str(me, "kind"), "admin");
	assert_string_equal(api_json_str(me, "user.username"), name);
	assert_string_equal(api_json_str(me, "user.role"), "city_admin");
	assert_string_equal(api_json_str(me, "user.id"), api_json_str(r, "user.id"));
	assert_null(cJSON_GetObjectItemCaseSensitive(me->json, "account"));
	api_free(me);
	api_free(r);
	free(cookie);
	free(password);
}

/* A wrong password is a 401, counted in failed_attempts (and audited under the request id). */
static void test_wrong_password_is_401_and_counted(void **state)
{
	(void)state;
	char name[128];
	char *password = new_admin("wrongpw", name, sizeof(name));
	assert_int_equal(failed_attempts(name), 0);

	struct api_resp *r = api_login(name, "not the password");
	assert_invalid_credentials(r);
	assert_int_equal(failed_attempts(name), 1);
	assert_int_equal(api_admin_sessions(name), 0);
	assert_int_equal(audit_updates(r, name,
				       "n->>'failed_attempts' = '1'"
				       " AND l.old_row->>'failed_attempts' = '0'"),
			 1);
	api_free(r);

	r = api_login(name, "still not it");
	assert_invalid_credentials(r);
	assert_int_equal(failed_attempts(name), 2);
	assert_int_equal(audit_updates(r, name, "n->>'failed_attempts' = '2'"), 1);
	api_free(r);
	free(password);
}

/* An unknown username gets the same answer as a wrong password, and nothing is written. */
static void test_unknown_user_is_401_with_the_same_body(void **state)
{
	(void)state;
	char name[128], nobody[128];
	char *password = new_admin("known", name, sizeof(name));
	snprintf(nobody, sizeof(nobody), "%s", api_unique("nobody"));

	struct api_resp *wrong = api_login(name, "not the password");
	struct api_resp *unknown = api_login(nobody, "not the password");
	assert_invalid_credentials(wrong);
	assert_invalid_credentials(unknown);

	/* Same members with the same values, except the request's own id. */
	assert_int_equal(cJSON_GetArraySize(wrong->json), cJSON_GetArraySize(unknown->json));
	cJSON *m;
	cJSON_ArrayForEach(m, wrong->json)
	{
		cJSON *other = cJSON_GetObjectItemCaseSensitive(unknown->json, m->string);
		if (other == NULL)
			fail_msg("member %s missing for an unknown user: %s", m->string,
				 unknown->body);
		if (strcmp(m->string, "request_id") != 0 && !cJSON_Compare(m, other, true))
			fail_msg("member %s differs: %s versus %s", m->string, wrong->body,
				 unknown->body);
	}
	const char *p[] = {nobody};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.admin_users WHERE username = $1", 1, p), 0);
	assert_int_equal(api_audit_rows_of(unknown), 0);
	api_free(wrong);
	api_free(unknown);
	free(password);
}

/* RUQIMA_LOGIN_MAX_FAILURES (5) wrong passwords from one address slow that username down
 * there: the next attempt, even with the right password, is a 429 login-throttled with
 * Retry-After (1 s, doubling with each further failure) that opens no session and checks no
 * password; once the delay has passed the right password logs in. Nothing locks the user
 * (test_auth_login_abuse has the attacks). */
static void test_five_failures_slow_the_user_down(void **state)
{
	(void)state;
	assert_string_equal(api_env("RUQIMA_LOGIN_MAX_FAILURES"), "5");
	char name[128];
	char *password = new_admin("slowme", name, sizeof(name));

	for (int i = 1; i <= 5; i++) {
		struct api_resp *r = api_login(name, "guess");
		assert_invalid_credentials(r);
		assert_int_equal(failed_attempts(name), i);
		assert_int_equal(audit_updates(r, name, "true"), 1);
		api_free(r);
	}

	struct api_resp *r = api_login(name, password);
	api_assert_problem(r, 429, "login-throttled");
	api_assert_header(r, "Retry-After", "1");
	char *cookie = api_header(r, "Set-Cookie");
	assert_null(cookie);
	assert_null(api_json_str(r, "csrf_token"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(api_admin_sessions(name), 0);
	assert_int_equal(failed_attempts(name), 5);

	usleep(1100 * 1000);
	r = api_login(name, password);
	if (r->status != 200)
		fail_msg("after the delay: %ld %s", r->status, r->body);
	api_free(r);
	assert_int_equal(failed_attempts(name), 0);
	assert_int_equal(api_admin_sessions(name), 1);
	free(password);
}

/* A successful login clears the failure count (and says so in the audit trail). */
static void test_success_resets_failed_attempts(void **state)
{
	(void)state;
	char name[128];
	char *password = new_admin("reset", name, sizeof(name));
	for (int i = 0; i < 4; i++) {
		struct api_resp *r = api_login(name, "guess");
		assert_invalid_credentials(r);
		api_free(r);
	}
	assert_int_equal(failed_attempts(name), 4);

	struct api_resp *r = api_login(name, password);
	if (r->status != 200)
		fail_msg("expected 200, got %ld: %s", r->status, r->body);
	assert_int_equal(failed_attempts(name), 0);
	assert_int_equal(api_admin_sessions(name), 1);
	assert_int_equal(audit_updates(r, name,
				       "n->>'failed_attempts' = '0'"
				       " AND l.old_row->>'failed_attempts' = '4'"),
			 1);
	api_free(r);

	/* The count starts over: four more failures do not lock. */
	for (int i = 0; i < 4; i++) {
		r = api_login(name, "guess");
		assert_invalid_credentials(r);
		api_free(r);
	}
	assert_int_equal(failed_attempts(name), 4);
	free(password);
}

/* Runs sql (one text parameter) as the owner inside a transaction with a 'system' actor, as
 * an operator's change would be: rq.admin_users is audited, and the audit trigger refuses
 * writes without an actor. */
static void owner_change(const char *sql, const char *param)
{
	PGconn *c = api_db("owner");
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c,
		     "SELECT rq.set_actor('system', 'test_auth_portal', 'owner', NULL, NULL,"
		     " 'test_auth_portal', NULL)",
		     0, NULL);
	const char *p[] = {param};
	assert_int_equal(api_sql_exec(c, sql, 1, p), 1);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

/* A deactivated user cannot log in (the same 401 as an unknown user, nothing counted), and
 * the sessions it already had stop working. */
static void test_deactivated_user_cannot_log_in_and_loses_sessions(void **state)
{
	(void)state;
	struct api_portal a;
	api_portal_login(&a, "inactive");
	const char *headers[] = {a.cookie_header, NULL};
	struct api_resp *me = api_call("GET", ME, NULL, NULL, headers);
	assert_int_equal(me->status, 200);
	api_free(me);

	owner_change("UPDATE rq.admin_users SET active = false WHERE username = $1", a.username);

	struct api_resp *r = api_login(a.username, a.password);
	assert_invalid_credentials(r);
	api_free(r);
	assert_int_equal(failed_attempts(a.username), 0);
	assert_int_equal(api_admin_sessions(a.username), 1); /* only the one from before */
	me = api_call("GET", ME, NULL, NULL, headers);
	api_assert_problem(me, 401, "unauthenticated");
	api_free(me);
	api_portal_free(&a);
}

/* Missing or mistyped fields are a 422 naming them; nothing is counted. */
static void test_bad_login_bodies_are_422(void **state)
{
	(void)state;
	char name[128];
	char *password = new_admin("badbody", name, sizeof(name));
	/* body = before + username + after, or just before when after is NULL */
	static const struct {
		const char *before, *after, *field;
	} cases[] = {
	    {"{\"password\":\"x\"}", NULL, "username"},
	    {"{\"username\":[],\"password\":\"x\"}", NULL, "username"},
	    {"{\"username\":\"", "\"}", "password"},
	    {"{\"username\":\"", "\",\"password\":\"\"}", "password"},
	    {"{\"username\":\"", "\",\"password\":42}", "password"},
	    {"{\"username\":\"", "\",\"password\":null}", "password"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[512];
		if (cases[i].after != NULL)
			snprintf(body, sizeof(body), "%s%s%s", cases[i].before, name,
				 cases[i].after);
		else
			snprintf(body, sizeof(body), "%s", cases[i].before);
		struct api_resp *r = api_post_json(LOGIN, body, NULL);
		if (r->status != 422)
			fail_msg("%s: expected 422, got %ld: %s", body, r->status, r->body);
		api_assert_problem(r, 422, "validation");
		api_assert_error_field(r, cases[i].field);
		char *cookie = api_header(r, "Set-Cookie");
		assert_null(cookie);
		api_free(r);
	}
	assert_int_equal(failed_attempts(name), 0);
	assert_int_equal(api_admin_sessions(name), 0);
	free(password);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_login_sets_session_cookie_and_csrf_token),
	    cmocka_unit_test(test_wrong_password_is_401_and_counted),
	    cmocka_unit_test(test_unknown_user_is_401_with_the_same_body),
	    cmocka_unit_test(test_five_failures_slow_the_user_down),
	    cmocka_unit_test(test_success_resets_failed_attempts),
	    cmocka_unit_test(test_deactivated_user_cannot_log_in_and_loses_sessions),
	    cmocka_unit_test(test_bad_login_bodies_are_422),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
